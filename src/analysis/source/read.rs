//! Reads one file and parses it: refuses what is not a regular UTF-8 file, too large or
//! generated, lexes it once, guards against nesting that would overflow, then collects
//! what detection needs (`collect.rs`).

use std::path::Path;

use proc_macro2::TokenStream;

use super::cfg::Build;
use super::collect;
use super::depth;
use super::lex::{lex_error, Flattener};
use super::parsed::{ParsedFile, SourceError, MAX_FILE_BYTES};

/// What a path that is not a regular file is, for warnings.
fn file_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// A syn error as a located [`SourceError`].
fn syntax_error(err: &syn::Error, text: &str) -> SourceError {
    let message = err.to_string();
    let start = err.span().start();
    // syn reports the end of input with no span: point at the last line instead.
    let (line, column) =
        if message.starts_with("unexpected end of input") && start.column == 0 && start.line <= 1 {
            (
                text.lines().count().max(1),
                text.lines().last().map_or(0, |l| l.chars().count()) + 1,
            )
        } else {
            (start.line, start.column + 1)
        };
    SourceError::Syntax {
        line,
        column,
        message,
    }
}

/// Reads and parses one file. `module` is the item path of the file's module.
pub fn parse_file(path: &Path, module: &str, build: &Build) -> Result<ParsedFile, SourceError> {
    parse_bytes(read_source(path)?, module, build)
}

/// The bytes of a regular file of a size worth parsing; never blocks on a pipe.
pub fn read_source(path: &Path) -> Result<Vec<u8>, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| SourceError::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        // Reading a named pipe would block; a directory cannot be read.
        return Err(SourceError::NotAFile(file_kind(meta.file_type())));
    }
    let len = meta.len();
    if len > MAX_FILE_BYTES {
        return Err(SourceError::TooLarge(len));
    }
    std::fs::read(path).map_err(|e| SourceError::Unreadable(e.to_string()))
}

/// Parses the bytes of a file (see [`parse_file`]): UTF-8 Rust that no generator wrote.
pub fn parse_bytes(bytes: Vec<u8>, module: &str, build: &Build) -> Result<ParsedFile, SourceError> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let line = err.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Err(SourceError::NotUtf8 { line });
        }
    };
    if text.lines().take(5).any(|line| line.contains("@generated")) {
        return Err(SourceError::Generated);
    }
    let result = parse_text(&text, module, build);
    // proc-macro2 keeps every lexed file of this thread for span lookups, which then scan
    // them all; nothing returned holds a span, so let them go.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// Parses source text with every `cfg` alternative, and test code when `tests`.
#[cfg(test)]
pub(crate) fn parse_str(text: &str, module: &str, tests: bool) -> Result<ParsedFile, SourceError> {
    let build = Build {
        test: tests,
        features: None,
    };
    parse_text(text, module, &build)
}

/// Parses source text; see [`parse_file`].
fn parse_text(text: &str, module: &str, build: &Build) -> Result<ParsedFile, SourceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cleaned;
    let text = if text.starts_with("#!") && !text.starts_with("#![") {
        // A shebang line: blank it so that line numbers stay right.
        let end = text.find('\n').unwrap_or(text.len());
        cleaned = format!("{}{}", " ".repeat(end), &text[end..]);
        &cleaned
    } else {
        text
    };
    let stream: TokenStream = text
        .parse()
        .map_err(|err: proc_macro2::LexError| lex_error(text, err.span().start()))?;
    // Everything after this recurses once per level of nesting: refuse what would overflow.
    if let Some(at) = depth::stream_too_deep(&stream) {
        return Err(SourceError::TooDeep {
            line: at.line,
            column: at.column + 1,
        });
    }
    let mut flat = Flattener::default();
    flat.flatten(stream.clone());
    let file: syn::File = syn::parse2(stream).map_err(|err| syntax_error(&err, text))?;
    Ok(collect::collect(&file, flat, text, module, build))
}
