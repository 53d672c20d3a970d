//! Hidden behaviour tests for `gridunits`.

use gridunits::*;

// --- fixed-point parsing: convert::parse_fixed3 (pub) and the private copy
// in length.rs reached through Length::parse_in.

const FIXED_CASES: [(&str, Option<i64>); 22] = [
    ("", None),
    ("   ", None),
    (".", None),
    ("-", None),
    ("-.", None),
    ("0", Some(0)),
    ("-0", Some(0)),
    (" 7 ", Some(7_000)),
    (".5", Some(500)),
    ("5.", Some(5_000)),
    ("-.5", Some(-500)),
    ("1.234", Some(1_234)),
    ("0.0005", None),
    ("1.2.3", None),
    ("--1", None),
    ("+1", None),
    ("1e3", None),
    ("١", None),
    ("9223372036854775.807", Some(i64::MAX)),
    ("9223372036854775.808", None),
    ("-9223372036854775.807", Some(-i64::MAX)),
    ("9223372036854776", None),
];

#[test]
fn parse_fixed3_edges() {
    for (text, expected) in FIXED_CASES {
        assert_eq!(parse_fixed3(text), expected, "input {text:?}");
    }
}

#[test]
fn parse_in_millimetres_matches_fixed3() {
    for (text, expected) in FIXED_CASES {
        let parsed = Length::parse_in(text, LengthUnit::Mm).map(Length::um);
        assert_eq!(parsed, expected, "input {text:?}");
    }
}

#[test]
fn parse_in_rounding_and_overflow() {
    let um = |text: &str, unit| Length::parse_in(text, unit).map(Length::um);
    assert_eq!(um("0.5", LengthUnit::Um), Some(1));
    assert_eq!(um("-0.5", LengthUnit::Um), Some(-1));
    assert_eq!(um("0.499", LengthUnit::Um), Some(0));
    assert_eq!(um("-0.499", LengthUnit::Um), Some(0));
    assert_eq!(um("1.001", LengthUnit::In), Some(25_425));
    assert_eq!(um("9223372036855", LengthUnit::M), None);
    assert_eq!(
        um("9223372036854", LengthUnit::Mm),
        Some(9_223_372_036_854_000)
    );
    assert_eq!(um("bad", LengthUnit::Cm), None);
}

// --- units and lengths

#[test]
fn unit_symbols() {
    for (symbol, unit) in [
        ("µm", LengthUnit::Um),
        ("μm", LengthUnit::Um),
        ("ΜM", LengthUnit::Um),
        ("UM", LengthUnit::Um),
        ("MM", LengthUnit::Mm),
        ("m", LengthUnit::M),
        ("\"", LengthUnit::In),
        ("'", LengthUnit::Ft),
        ("Ft", LengthUnit::Ft),
    ] {
        assert_eq!(LengthUnit::from_symbol(symbol), Some(unit), "{symbol:?}");
    }
    for bad in ["", " mm", "mi", "km", "inch"] {
        assert_eq!(LengthUnit::from_symbol(bad), None, "{bad:?}");
    }
    assert_eq!(LengthUnit::default(), LengthUnit::Mm);
    assert_eq!(LengthUnit::Um.symbol(), "µm");
}

#[test]
fn length_construction_limits() {
    assert_eq!(Length::new(0, LengthUnit::Ft), Some(Length::from_um(0)));
    assert_eq!(
        Length::new(-3, LengthUnit::In).map(Length::um),
        Some(-76_200)
    );
    assert_eq!(Length::new(i64::MAX / 1_000 + 1, LengthUnit::Mm), None);
    assert!(Length::new(i64::MAX / 1_000, LengthUnit::Mm).is_some());
    assert_eq!(
        Length::from_milli(i64::MIN, LengthUnit::Mm).map(Length::um),
        Some(i64::MIN)
    );
    assert_eq!(Length::from_milli(i64::MAX, LengthUnit::Cm), None);
    let max = Length::from_um(i64::MAX);
    assert_eq!(max.saturating_add(Length::from_um(1)).um(), i64::MAX);
    assert_eq!(
        Length::from_um(i64::MIN)
            .saturating_add(Length::from_um(-1))
            .um(),
        i64::MIN
    );
    assert!(Length::from_um(-1) < Length::default());
}

#[test]
fn parse_length_edges() {
    let um = |text: &str| parse_length(text).map(Length::um);
    assert_eq!(um(""), None);
    assert_eq!(um("cm"), None);
    assert_eq!(um("1.5"), None);
    assert_eq!(um("1 km"), None);
    assert_eq!(um("1.2.3 mm"), None);
    assert_eq!(um("- 3 mm"), None);
    assert_eq!(um("-0.25 ft"), Some(-76_200));
    assert_eq!(um("5\""), Some(127_000));
    assert_eq!(um("  2 µm  "), Some(2));
    assert_eq!(um("1 M"), Some(1_000_000));
    assert_eq!(um("0.0005 mm"), None);
}

#[test]
fn format_length_edges() {
    let f = |um: i64, unit, decimals| format_length(Length::from_um(um), unit, decimals);
    assert_eq!(f(0, LengthUnit::Mm, 0), "0 mm");
    assert_eq!(f(-1, LengthUnit::Mm, 0), "0 mm");
    assert_eq!(f(-40, LengthUnit::Mm, 1), "0.0 mm");
    assert_eq!(f(-50, LengthUnit::Mm, 1), "-0.1 mm");
    assert_eq!(f(1_500, LengthUnit::Mm, 0), "2 mm");
    assert_eq!(f(-1_500, LengthUnit::Mm, 0), "-2 mm");
    assert_eq!(f(1_234, LengthUnit::Mm, 9), "1.234 mm");
    assert_eq!(f(25_400, LengthUnit::In, 3), "1.000 in");
    assert_eq!(f(5, LengthUnit::Um, 2), "5.00 µm");
    assert_eq!(f(i64::MAX, LengthUnit::Um, 3), "9223372036854775807.000 µm");
    assert_eq!(f(i64::MIN, LengthUnit::Um, 0), "-9223372036854775808 µm");
    assert_eq!(f(i64::MAX, LengthUnit::Ft, 0), "30260406945062 ft");
    assert_eq!(f(i64::MIN, LengthUnit::In, 2), "-363124883340739.21 in");
}

// --- rectangles

#[test]
fn rect_normalization_and_edges() {
    assert_eq!(Rect::new(10, 10, -4, -6), Rect::new(6, 4, 4, 6));
    let wide = Rect::new(0, 0, i64::MIN, 1);
    assert_eq!(wide.x, i64::MIN);
    assert_eq!(wide.width, i64::MAX);
    let edge = Rect::new(i64::MAX - 1, 0, 10, 1);
    assert_eq!(edge.right(), i64::MAX);
    let empty = Rect::new(3, 3, 0, 0);
    assert!(!empty.contains(3, 3));
    assert_eq!(empty.area(), 0);
    let r = Rect::new(-2, -2, 4, 4);
    assert!(r.contains(-2, -2));
    assert!(r.contains(1, 1));
    assert!(!r.contains(2, 1));
    assert!(!r.contains(1, 2));
    assert_eq!(
        Rect::new(0, 0, i64::MAX, i64::MAX).area(),
        i64::MAX as i128 * i64::MAX as i128
    );
}

#[test]
fn rect_intersections() {
    let a = Rect::new(0, 0, 10, 10);
    assert_eq!(a.intersection(&Rect::new(10, 0, 5, 5)), None);
    assert_eq!(a.intersection(&Rect::new(0, 10, 5, 5)), None);
    assert_eq!(a.intersection(&Rect::new(20, 20, 5, 5)), None);
    assert_eq!(
        a.intersection(&Rect::new(9, 9, 5, 5)),
        Some(Rect::new(9, 9, 1, 1))
    );
    assert_eq!(
        a.intersection(&Rect::new(2, 2, 3, 3)),
        Some(Rect::new(2, 2, 3, 3))
    );
    assert_eq!(a.intersection(&Rect::new(3, 3, 0, 0)), None);
}

// --- Bounds (shape.rs) and Extent (polygon.rs)

#[test]
fn bounds_and_extent_agree() {
    for rect in [
        Rect::new(0, 0, 0, 0),
        Rect::new(-5, 7, 3, 2),
        Rect::new(i64::MAX - 1, i64::MIN, 10, 1),
    ] {
        let bounds: Bounds = rect.bounds();
        let extent: Extent = Polyline::from_rect(&rect).extent().unwrap();
        assert_eq!(
            (bounds.min_x, bounds.min_y, bounds.max_x, bounds.max_y),
            (extent.min_x, extent.min_y, extent.max_x, extent.max_y)
        );
        assert_eq!(bounds.vertices, extent.vertices);
        assert_eq!(bounds.closed, extent.closed);
    }
    assert_eq!(
        Bounds::default(),
        Bounds {
            min_x: 0,
            min_y: 0,
            max_x: 0,
            max_y: 0,
            vertices: 0,
            closed: false,
        }
    );
    assert_eq!(
        Extent::default(),
        Extent {
            min_x: 0,
            min_y: 0,
            max_x: 0,
            max_y: 0,
            vertices: 0,
            closed: false,
        }
    );
}

#[test]
fn extent_edges() {
    assert_eq!(Polyline::default().extent(), None);
    let one = Polyline::new(vec![(4, -4)], false).extent().unwrap();
    assert_eq!((one.min_x, one.max_x, one.min_y, one.max_y), (4, 4, -4, -4));
    assert_eq!(one.vertices, 1);
    assert!(!one.closed);
    let spread = Polyline::new(vec![(3, 1), (-2, 9), (i64::MIN, 0), (5, i64::MAX)], true);
    let e = spread.extent().unwrap();
    assert_eq!(
        (e.min_x, e.min_y, e.max_x, e.max_y),
        (i64::MIN, 0, 5, i64::MAX)
    );
    assert_eq!(e.vertices, 4);
    assert!(e.closed);
}

// --- polyline lengths: length_um and pen_travel_um

#[test]
fn polyline_length_and_travel_agree() {
    let cases: [(Vec<(i64, i64)>, i64); 8] = [
        (vec![], 0),
        (vec![(5, 5)], 0),
        (vec![(0, 0), (0, 0)], 0),
        (vec![(0, 0), (1, 1)], 1),
        (vec![(0, 0), (1, 2)], 2),
        (vec![(0, 0), (1, 1), (2, 2)], 2),
        (vec![(0, 0), (3, 4), (0, 0)], 10),
        (vec![(i64::MIN, 0), (i64::MAX, 0), (0, 0)], i64::MAX),
    ];
    for (points, expected) in cases {
        for closed in [false, true] {
            let line = Polyline::new(points.clone(), closed);
            assert_eq!(line.length_um(), expected, "length {points:?}");
            assert_eq!(line.pen_travel_um(), expected, "travel {points:?}");
        }
    }
}

#[test]
fn perimeter_and_area() {
    assert_eq!(Polyline::new(vec![(1, 1)], true).perimeter_um(), 0);
    assert_eq!(Polyline::new(vec![(0, 0), (3, 4)], true).perimeter_um(), 10);
    assert_eq!(Polyline::new(vec![(0, 0), (3, 4)], false).perimeter_um(), 5);
    assert_eq!(Polyline::default().perimeter_um(), 0);
    let square = Polyline::from_rect(&Rect::new(0, 0, 2, 2));
    assert_eq!(square.twice_area(), 8);
    let mut reversed = square.clone();
    reversed.points.reverse();
    assert_eq!(reversed.twice_area(), -8);
    assert_eq!(Polyline::new(vec![(0, 0), (9, 9)], true).twice_area(), 0);
    assert_eq!(
        Polyline::new(vec![(0, 0), (4, 0), (0, 3)], true).twice_area(),
        12
    );
}
