//! Integer lengths, unit conversion and simple 2D shapes.
//!
//! All coordinates and lengths are whole micrometres stored in `i64`.

pub mod convert;
pub mod length;
pub mod polygon;
pub mod shape;

pub use convert::{format_length, parse_fixed3, parse_length};
pub use length::{Length, LengthUnit};
pub use polygon::{Extent, Polyline};
pub use shape::{Bounds, Rect};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_lengths() {
        assert_eq!(LengthUnit::In.micrometres(), 25_400);
        assert_eq!(Length::new(3, LengthUnit::Cm).unwrap().um(), 30_000);
        assert_eq!(Length::parse_in("1.5", LengthUnit::Mm).unwrap().um(), 1_500);
    }

    #[test]
    fn parsing_and_formatting() {
        assert_eq!(parse_fixed3("2.25"), Some(2_250));
        let len = parse_length("12.5 cm").unwrap();
        assert_eq!(len.um(), 125_000);
        assert_eq!(format_length(len, LengthUnit::Mm, 1), "125.0 mm");
        assert_eq!(format_length(len, LengthUnit::In, 2), "4.92 in");
    }

    #[test]
    fn rectangles() {
        let a = Rect::new(0, 0, 10, 10);
        let b = Rect::new(5, 5, 10, 10);
        assert_eq!(a.intersection(&b), Some(Rect::new(5, 5, 5, 5)));
        assert!(a.contains(0, 9));
        assert!(!a.contains(10, 0));
        assert_eq!(a.area(), 100);
        assert_eq!(a.bounds().max_x, 10);
    }

    #[test]
    fn polylines() {
        let line = Polyline::new(vec![(0, 0), (3, 4), (3, 10)], false);
        assert_eq!(line.length_um(), 11);
        assert_eq!(line.pen_travel_um(), 11);
        let square = Polyline::from_rect(&Rect::new(0, 0, 2, 2));
        assert_eq!(square.perimeter_um(), 8);
        assert_eq!(square.twice_area(), 8);
        assert_eq!(square.extent().unwrap().vertices, 4);
    }
}
