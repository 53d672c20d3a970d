//! The terminal: colour choice, the progress bar on stderr, status lines and errors.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{ColorChoice, CommonArgs};

#[derive(Debug, Clone)]
pub struct Console {
    /// The live line at the bottom of a terminal, while a run shows one.
    live: std::sync::Arc<std::sync::Mutex<Option<ProgressBar>>>,
    pub quiet: bool,
    pub verbose: bool,
    /// Whether stdout gets ANSI colours.
    pub stdout_styled: bool,
    /// Whether stderr gets ANSI colours.
    pub stderr_styled: bool,
}

impl Console {
    /// A console that prints nothing.
    #[cfg(test)]
    pub fn silent() -> Console {
        Console {
            live: std::sync::Arc::default(),
            quiet: true,
            verbose: false,
            stdout_styled: false,
            stderr_styled: false,
        }
    }

    /// `--color`, then `CARGO_TERM_COLOR`, then `NO_COLOR`, then whether the stream is a terminal.
    pub fn new(common: &CommonArgs) -> Console {
        let env_choice = ColorChoice::from_env();
        let choice = common.color.or(env_choice).unwrap_or(ColorChoice::Auto);
        // anstream strips styles on its own; tell it what was chosen.
        match choice {
            ColorChoice::Always => anstream::ColorChoice::Always.write_global(),
            ColorChoice::Never => anstream::ColorChoice::Never.write_global(),
            ColorChoice::Auto => {}
        }
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let styled = |terminal: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && !no_color,
        };
        Console {
            live: std::sync::Arc::default(),
            quiet: common.quiet,
            verbose: common.verbose > 0,
            stdout_styled: styled(std::io::stdout().is_terminal()),
            stderr_styled: styled(std::io::stderr().is_terminal()),
        }
    }

    /// A progress bar over `total` files, hidden when stderr is not a terminal or with `-q`.
    pub fn progress(&self, total: u64) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = if self.stderr_styled {
            "{prefix:>12.cyan.bold} [{bar:27}] {pos}/{len} files"
        } else {
            "{prefix:>12} [{bar:27}] {pos}/{len} files"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        bar.set_prefix("Parsing");
        bar
    }

    /// Shows `message` on the live line (a spinner with the elapsed time), starting it if
    /// needed; nothing when stderr is not a terminal or with `-q`.
    pub fn live(&self, message: String) {
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let mut live = self
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let template = if self.stderr_styled {
            "{spinner:>12.cyan.bold} {elapsed:>4} {msg}"
        } else {
            "{spinner:>12} {elapsed:>4} {msg}"
        };
        let bar = live.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(ProgressStyle::with_template(template).expect("the template is valid"));
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        let message = match crate::secrets::redact(&message) {
            std::borrow::Cow::Owned(redacted) => redacted,
            std::borrow::Cow::Borrowed(_) => message,
        };
        bar.set_message(message);
    }

    /// Removes the live line.
    pub fn end_live(&self) {
        let mut live = self
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(bar) = live.take() {
            bar.finish_and_clear();
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.stderr_styled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// Writes to stderr unless quiet, above the live line if there is one, with secrets
    /// redacted as in every file (a server's error may quote the key, and CI keeps its logs).
    pub fn eprint(&self, text: &str) {
        if self.quiet || text.is_empty() {
            return;
        }
        let text = crate::secrets::redact(text);
        let live = self
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match live.as_ref() {
            Some(bar) => bar.suspend(|| anstream::eprint!("{text}")),
            None => anstream::eprint!("{text}"),
        }
    }

    /// A cargo-style status line: a right-aligned green verb, then the message (with any
    /// terminal control characters it quotes from an agent escaped).
    pub fn status(&self, verb: &str, message: &str) {
        let message = crate::files::printable(message);
        let verb = self.paint(
            Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
            &format!("{verb:>12}"),
        );
        self.eprint(&format!("{verb} {message}\n"));
    }

    pub fn error(&self, message: &str) {
        let label = self.paint(
            Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            "error",
        );
        anstream::eprintln!("{label}: {}", crate::secrets::redact(message));
    }
}
