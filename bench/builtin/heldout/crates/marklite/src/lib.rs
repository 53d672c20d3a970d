//! Tiny text and markup helpers: HTML escaping, slugs, word wrapping and
//! plain-text rendering of simple document blocks.

pub mod blocks;
pub mod escape;
pub mod slug;
pub mod wrap;

pub use blocks::{inner_text, render_document, Block, Heading, Paragraph, Quote};
pub use escape::{escape_html, strip_tags, unescape_html};
pub use slug::{slugify, snake_case, unique_slug};
pub use wrap::{indent_lines, truncate, wrap_text};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let raw = "a < b && \"c\"";
        let escaped = escape_html(raw);
        assert_eq!(escaped, "a &lt; b &amp;&amp; &quot;c&quot;");
        assert_eq!(unescape_html(&escaped), raw);
    }

    #[test]
    fn strips_markup() {
        assert_eq!(strip_tags("<p>Hello <b>there</b></p>"), "Hello there");
        assert_eq!(inner_text(" <i>x</i> "), "x");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(snake_case("Hello, World!"), "hello_world");
        let taken = vec!["intro".to_string(), "intro-2".to_string()];
        assert_eq!(unique_slug("Intro", &taken), "intro-3");
    }

    #[test]
    fn wrapping() {
        assert_eq!(
            wrap_text("the quick brown fox", 9),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(indent_lines("a\nb", "  "), "  a\n  b");
    }

    #[test]
    fn blocks_render() {
        let heading = Heading::new(1, "Title");
        let para = Paragraph::new(vec!["one".into(), "two".into()], 2);
        let quote = Quote::new(vec!["said".into()], 0);
        assert_eq!(para.width(), 5);
        assert_eq!(
            render_document(&[&heading, &para, &quote]),
            "Title\n=====\n\n  one\n  two\n\n> said"
        );
    }
}
