//! Hidden behaviour tests for `marklite`.

use marklite::*;

// --- escaping

#[test]
fn escape_edges() {
    assert_eq!(escape_html(""), "");
    assert_eq!(
        escape_html("it's <ß> & \"ü\""),
        "it&#39;s &lt;ß&gt; &amp; &quot;ü&quot;"
    );
    assert_eq!(unescape_html(""), "");
    assert_eq!(unescape_html("&"), "&");
    assert_eq!(unescape_html("a &nbsp; b &"), "a &nbsp; b &");
    assert_eq!(unescape_html("&amp;lt;"), "&lt;");
    assert_eq!(unescape_html("&#39;&quot;&gt;&lt;"), "'\"><");
    let tricky = "&&<<>>\"'日本";
    assert_eq!(unescape_html(&escape_html(tricky)), tricky);
}

// --- tag stripping: escape::strip_tags and blocks::inner_text

const TAG_CASES: [(&str, &str); 12] = [
    ("", ""),
    ("<a><b></b></a>", ""),
    ("<<a>>x", "x"),
    ("a > b", "a > b"),
    ("x <b", "x"),
    ("  <p> </p>  ", ""),
    ("<p>żółw</p>", "żółw"),
    ("\u{3000}x\u{3000}", "x"),
    ("<p>a</p>\n<p>b</p>", "a\nb"),
    ("1 < 2", "1"),
    (">>", ">>"),
    ("plain", "plain"),
];

#[test]
fn strip_tags_edges() {
    for (input, expected) in TAG_CASES {
        assert_eq!(strip_tags(input), expected, "input {input:?}");
    }
}

#[test]
fn inner_text_edges() {
    for (input, expected) in TAG_CASES {
        assert_eq!(inner_text(input), expected, "input {input:?}");
    }
}

#[test]
fn paragraph_from_html() {
    let para = Paragraph::from_html("<div>\n  <p>one</p>\n  <p>two <b>2</b></p>\n</div>", 1);
    assert_eq!(para.lines, vec!["one", "two 2"]);
    assert_eq!(para.indent, 1);
    assert!(Paragraph::from_html("<br/>", 0).lines.is_empty());
}

// --- slugs: slugify ('-') and snake_case ('_')

#[test]
fn slug_and_snake_edges() {
    let cases = [
        ("", ""),
        ("!!!", ""),
        ("  --Hello--  ", "hello"),
        ("Top 10 Tips", "top-10-tips"),
        ("foo_bar", "foo-bar"),
        ("Ünïcödé Straße", "ünïcödé-straße"),
        ("日本 語", "日本-語"),
        ("a...b,,,c", "a-b-c"),
        ("ÀB", "àb"),
    ];
    for (title, slug) in cases {
        assert_eq!(slugify(title), slug, "slugify {title:?}");
        assert_eq!(
            snake_case(title),
            slug.replace('-', "_"),
            "snake_case {title:?}"
        );
    }
    // Upper-case dotted I lowercases to two chars.
    assert_eq!(slugify("İx"), "i\u{307}x");
    assert_eq!(snake_case("İ y"), "i\u{307}_y");
}

#[test]
fn unique_slug_edges() {
    assert_eq!(unique_slug("", &[]), "section");
    assert_eq!(unique_slug("?!", &["section".to_string()]), "section-2");
    let taken = vec!["a".to_string(), "a-3".to_string()];
    assert_eq!(unique_slug("A", &taken), "a-2");
    assert_eq!(unique_slug("B", &taken), "b");
    let many: Vec<String> = std::iter::once("x".to_string())
        .chain((2..=10).map(|n| format!("x-{n}")))
        .collect();
    assert_eq!(unique_slug("x", &many), "x-11");
}

// --- wrapping

#[test]
fn wrap_edges() {
    assert!(wrap_text("", 10).is_empty());
    assert!(wrap_text(" \n\t ", 10).is_empty());
    assert_eq!(wrap_text("a bb c", 0), vec!["a", "bb", "c"]);
    assert_eq!(wrap_text("ab cd", 5), vec!["ab cd"]);
    assert_eq!(wrap_text("ab cd", 4), vec!["ab", "cd"]);
    assert_eq!(
        wrap_text("x extraordinary y", 5),
        vec!["x", "extraordinary", "y"]
    );
    assert_eq!(wrap_text("żółw żółw", 9), vec!["żółw żółw"]);
    assert_eq!(wrap_text("żółw żółw", 8), vec!["żółw", "żółw"]);
}

#[test]
fn truncate_edges() {
    assert_eq!(truncate("", 0), "");
    assert_eq!(truncate("abc", 0), "");
    assert_eq!(truncate("abc", 1), "…");
    assert_eq!(truncate("abc", 3), "abc");
    assert_eq!(truncate("abcd", 3), "ab…");
    assert_eq!(truncate("日本語テキスト", 4), "日本語…");
}

#[test]
fn indent_edges() {
    assert_eq!(indent_lines("", "> "), "");
    assert_eq!(indent_lines("a\n\nb", "  "), "  a\n\n  b");
    assert_eq!(indent_lines("a\n", "-"), "-a");
    assert_eq!(indent_lines("x\r\ny", "·"), "·x\n·y");
}

// --- blocks: Paragraph::width and Quote::width share a body

#[test]
fn heading_levels() {
    assert_eq!(Heading::new(0, " T ").render(), "T\n=");
    assert_eq!(Heading::new(2, "Größe").render(), "Größe\n-----");
    assert_eq!(Heading::new(3, "Sub").render(), "### Sub");
    assert_eq!(Heading::new(9, "Deep").level, 6);
    assert_eq!(Heading::new(1, "日本").width(), 2);
    assert_eq!(Heading::new(4, "abc").width(), 8);
}

#[test]
fn paragraph_and_quote_width() {
    let cases: [(Vec<&str>, usize, usize); 9] = [
        (vec![], 0, 0),
        (vec![], 7, 0),
        (vec![""], 3, 3),
        (vec!["\tx"], 0, 5),
        (vec!["\t"], 2, 2),
        (vec!["x\t"], 2, 3),
        (vec!["a\tb"], 4, 9),
        (vec!["ab   ", "żółwie"], 0, 6),
        (vec!["short", "a much longer line", "mid line"], 1, 19),
    ];
    for (lines, indent, expected) in cases {
        let owned: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let para = Paragraph::new(owned.clone(), indent);
        let quote = Quote::new(owned, indent);
        assert_eq!(
            para.width(),
            expected,
            "paragraph {lines:?} indent {indent}"
        );
        assert_eq!(quote.width(), expected, "quote {lines:?} indent {indent}");
    }
}

#[test]
fn document_rendering_edges() {
    assert_eq!(render_document(&[]), "");
    let empty = Paragraph::new(vec![], 4);
    let quote = Quote::new(vec!["a".into(), "".into(), "b  ".into()], 2);
    assert_eq!(quote.render(), "  > a\n  >\n  > b");
    assert_eq!(
        render_document(&[&empty, &quote, &empty]),
        "  > a\n  >\n  > b"
    );
    let blank_line = Paragraph::new(vec!["".into()], 2);
    assert_eq!(render_document(&[&blank_line]), "  ");
}

#[test]
fn quote_attribution() {
    let quote = Quote::new(vec!["To be.".into()], 1).with_attribution("  Hamlet ");
    assert_eq!(quote.attribution.as_deref(), Some("Hamlet"));
    assert_eq!(quote.render(), " > To be.\n > — Hamlet");
    assert_eq!(quote.width(), 7);
    let blank = Quote::new(vec![], 0).with_attribution("   ");
    assert_eq!(blank.attribution, None);
    assert_eq!(blank.render(), "");
    assert_eq!(
        Quote::new(vec![], 2).with_attribution("X").render(),
        "  > — X"
    );
}
