//! Simple document blocks rendered as plain text.

/// A block of a plain-text document.
pub trait Block {
    /// Renders the block; lines are joined with `\n`.
    fn render(&self) -> String;

    /// Columns used by the widest content line, counted from the left
    /// margin (indent included, block markers excluded). Tabs advance to
    /// the next multiple of four; trailing whitespace is ignored.
    fn width(&self) -> usize;
}

/// A heading; levels 1 and 2 are underlined, deeper ones use `#` marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
}

/// A paragraph of pre-broken lines, indented by `indent` spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub lines: Vec<String>,
    pub indent: usize,
}

/// A quotation; every line is rendered with a `> ` marker after the indent,
/// followed by an optional `> — attribution` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub lines: Vec<String>,
    pub indent: usize,
    pub attribution: Option<String>,
}

impl Heading {
    pub fn new(level: u8, text: &str) -> Heading {
        Heading {
            level: level.clamp(1, 6),
            text: text.trim().to_string(),
        }
    }
}

impl Paragraph {
    pub fn new(lines: Vec<String>, indent: usize) -> Paragraph {
        Paragraph { lines, indent }
    }

    /// Builds a paragraph from an HTML fragment, one line per source line.
    pub fn from_html(fragment: &str, indent: usize) -> Paragraph {
        let text = inner_text(fragment);
        let lines = text.lines().map(|line| line.trim().to_string()).collect();
        Paragraph { lines, indent }
    }
}

impl Quote {
    pub fn new(lines: Vec<String>, indent: usize) -> Quote {
        Quote {
            lines,
            indent,
            attribution: None,
        }
    }

    /// Adds an attribution line; blank names are ignored.
    pub fn with_attribution(mut self, name: &str) -> Quote {
        let name = name.trim();
        self.attribution = (!name.is_empty()).then(|| name.to_string());
        self
    }
}

impl Block for Heading {
    fn render(&self) -> String {
        match self.level {
            1 | 2 => {
                let mark = if self.level == 1 { "=" } else { "-" };
                let underline = mark.repeat(self.text.chars().count());
                format!("{}\n{}", self.text, underline)
            }
            level => format!("{} {}", "#".repeat(level as usize), self.text),
        }
    }

    fn width(&self) -> usize {
        let text_width = self.text.chars().count();
        if self.level <= 2 {
            text_width
        } else {
            text_width + self.level as usize + 1
        }
    }
}

impl Block for Paragraph {
    fn render(&self) -> String {
        let pad = " ".repeat(self.indent);
        self.lines
            .iter()
            .map(|line| format!("{pad}{}", line.trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn width(&self) -> usize {
        let mut widest = 0;
        for line in &self.lines {
            let mut columns = self.indent;
            for ch in line.trim_end().chars() {
                columns += match ch {
                    '\t' => 4 - columns % 4,
                    _ => 1,
                };
            }
            if columns > widest {
                widest = columns;
            }
        }
        widest
    }
}

impl Block for Quote {
    fn render(&self) -> String {
        let pad = " ".repeat(self.indent);
        let mut out: Vec<String> = self
            .lines
            .iter()
            .map(|line| format!("{pad}> {}", line.trim_end()).trim_end().to_string())
            .collect();
        if let Some(name) = &self.attribution {
            out.push(format!("{pad}> — {name}"));
        }
        out.join("\n")
    }

    fn width(&self) -> usize {
        let mut widest = 0;
        for line in &self.lines {
            let mut columns = self.indent;
            for ch in line.trim_end().chars() {
                columns += match ch {
                    '\t' => 4 - columns % 4,
                    _ => 1,
                };
            }
            if columns > widest {
                widest = columns;
            }
        }
        widest
    }
}

/// Text content of an HTML fragment: tags removed (nesting-aware) and the
/// result trimmed.
pub fn inner_text(fragment: &str) -> String {
    let mut plain = String::with_capacity(fragment.len());
    let mut nesting = 0usize;
    for c in fragment.chars() {
        match c {
            '<' => nesting += 1,
            '>' if nesting > 0 => nesting -= 1,
            _ if nesting == 0 => plain.push(c),
            _ => {}
        }
    }
    let trimmed = plain.trim();
    if trimmed.len() == plain.len() {
        plain
    } else {
        trimmed.to_string()
    }
}

/// Renders blocks separated by blank lines; blocks rendering to nothing
/// are skipped.
pub fn render_document(blocks: &[&dyn Block]) -> String {
    blocks
        .iter()
        .map(|block| block.render())
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}
