//! `cargo loop`: finds duplicated code and architectural smells in Rust workspaces.
//!
//! The pipeline reads top to bottom: discover (`workspace`) → parse (`scan`, `source`) →
//! detect (`detectors`) → report (`report`, `reporters`).

mod analysis;
mod cache;
mod change;
mod cli;
mod config;
mod detectors;
#[allow(dead_code, reason = "wired into the fix pipeline in a parallel change")]
mod edit;
mod metrics;
#[allow(dead_code, reason = "wired into the fix pipeline in a parallel change")]
mod patch;
mod report;
mod reporters;
mod scan;
mod smells;
mod source;
mod token;
mod workspace;

use std::io::Write;
use std::process::Termination;

use clap::Parser;

use crate::analysis::{UsageError, What};
use crate::cli::{AnalysisArgs, CargoCli, Command, CommonArgs, Format};
use crate::reporters::console::Console;

// Parsing allocates many small syntax-tree nodes; mimalloc makes that markedly cheaper than
// the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// SPEC.md's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum ExitCode {
    Success = 0,
    FoundProblems = 1,
    Usage = 2,
}

impl Termination for ExitCode {
    fn report(self) -> std::process::ExitCode {
        std::process::ExitCode::from(self as u8)
    }
}

fn main() -> ExitCode {
    // Cargo runs `cargo-loop loop ARGS`; run by hand, `cargo-loop ARGS` works too.
    let mut command_line: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if command_line.get(1).is_none_or(|first| first != "loop") {
        command_line.insert(1, "loop".into());
    }
    let CargoCli::Loop(args) = CargoCli::parse_from(command_line);
    let console = Console::new(&args.common);
    let result = match &args.command {
        Command::Dup(analysis) => analyse(
            &args.common,
            analysis,
            &console,
            What {
                dup: true,
                smells: false,
            },
        ),
        Command::Smells(analysis) => analyse(
            &args.common,
            analysis,
            &console,
            What {
                dup: false,
                smells: true,
            },
        ),
        Command::Scan(analysis) => analyse(
            &args.common,
            analysis,
            &console,
            What {
                dup: true,
                smells: true,
            },
        ),
        other => Err(UsageError(format!(
            "`cargo loop {}` is not built yet; only `cargo loop dup` is available",
            other.name()
        ))
        .into()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            console.error(&format!("{err:#}"));
            // Every error that reaches here is about the input, the configuration or the environment.
            ExitCode::Usage
        }
    }
}

/// `dup`, `smells` and `scan`: one parse, the chosen analyses, one report.
fn analyse(
    common: &CommonArgs,
    args: &AnalysisArgs,
    console: &Console,
    what: What,
) -> anyhow::Result<ExitCode> {
    let analysis::Analysis { report, options } = analysis::analyse(common, args, console, what)?;
    let text = match options.format {
        Format::Human => reporters::human::render(&report, console.stdout_styled),
        Format::Json => reporters::json::render(&report),
        Format::Sarif => reporters::sarif::render(&report),
        Format::Github => reporters::github::render(&report),
    };
    if options.format != Format::Github {
        console.eprint(&reporters::human::render_warnings(
            &report.warnings,
            console.stderr_styled,
        ));
    }
    let mut stdout = anstream::stdout().lock();
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`| head`) is not an error worth reporting.
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(err.into());
        }
    }
    console.summary(&report);
    Ok(
        if options.fail_on && !(report.groups.is_empty() && report.smells.is_empty()) {
            ExitCode::FoundProblems
        } else {
            ExitCode::Success
        },
    )
}
