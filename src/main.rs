//! `cargo loop`: finds duplicated code and architectural smells in Rust workspaces.
//!
//! The pipeline reads top to bottom: discover (`workspace`) → parse (`scan`, `source`) →
//! detect (`detectors`, `smells`) → report (`report`, `reporters`); `fix` goes on: propose
//! (`agents`, `prompt`, `edit`) → guard (`guard`) → verify (`scratch`, `verify`, `cargo`,
//! `process`) → keep (`keep`, `git`, `review`), recorded in `audit`.

mod analysis;
mod cli;
mod config;
mod console;
mod error;
mod files;
mod options;
mod process;
mod record;
mod refactor;
mod reporters;
mod sandbox;
mod secrets;

use std::io::Write;
use std::process::Termination;

use crate::analysis::What;
use crate::cli::{AnalysisArgs, BaselineArgs, CargoCli, Command, CommonArgs, FixArgs, RunArgs};
use crate::console::Console;
use crate::error::UsageError;
use crate::options::Format;

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
    BaselineFailed = 3,
    /// Ctrl-C or SIGTERM: what was running was stopped and nothing was left half-written.
    Interrupted = 130,
}

impl Termination for ExitCode {
    fn report(self) -> std::process::ExitCode {
        std::process::ExitCode::from(self as u8)
    }
}

fn main() -> std::process::ExitCode {
    let command_line: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Verification re-enters this binary to confine a command before it becomes that command.
    if command_line
        .get(1)
        .is_some_and(|first| first == sandbox::ENTRY)
    {
        return sandbox::enter(&command_line[2..]);
    }
    // syn and the visitors recurse once per nesting level of the code they read; files nested
    // past `source::MAX_NESTING` are refused, and a large stack keeps the rest well clear.
    let main = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || cli_main(command_line));
    match main.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code.report(),
        _ => std::process::ExitCode::from(101),
    }
}

const IN_DIFF_REFUSED: &str =
    "--in-diff narrows what dup, smells, scan and ci report; this command needs every finding";

/// Whether the command was given `--in-diff` but needs every finding (`fix`, `run`, `baseline`).
fn refuses_in_diff(command: &Command) -> bool {
    match command {
        Command::Fix(FixArgs { analysis, .. })
        | Command::Run(RunArgs {
            fix: FixArgs { analysis, .. },
            ..
        })
        | Command::Baseline(BaselineArgs { analysis, .. }) => analysis.in_diff.is_some(),
        _ => false,
    }
}

/// The command line, with clap's help and errors coloured as the console will be.
fn parse(command_line: Vec<std::ffi::OsString>) -> cli::LoopArgs {
    use clap::FromArgMatches;
    let command = cli::command().color(cli::early_color(&command_line));
    let matches = command.clone().get_matches_from(command_line);
    match CargoCli::from_arg_matches(&matches) {
        Ok(CargoCli::Loop(args)) => args,
        Err(err) => err.format(&mut command.clone()).exit(),
    }
}

fn cli_main(mut command_line: Vec<std::ffi::OsString>) -> ExitCode {
    // Cargo runs `cargo-loop loop ARGS`; run by hand, `cargo-loop ARGS` works too.
    if command_line.get(1).is_none_or(|first| first != "loop") {
        command_line.insert(1, "loop".into());
    }
    let args = parse(command_line);
    let common = args.common();
    let console = Console::new(&common);
    let result = match &args.command {
        command if refuses_in_diff(command) => Err(UsageError(IN_DIFF_REFUSED.into()).into()),
        Command::Dup(analysis) => analyse(
            &common,
            analysis,
            &console,
            What {
                dup: true,
                smells: false,
            },
        ),
        Command::Smells(analysis) => analyse(
            &common,
            analysis,
            &console,
            What {
                dup: false,
                smells: true,
            },
        ),
        Command::Scan(analysis) => analyse(
            &common,
            analysis,
            &console,
            What {
                dup: true,
                smells: true,
            },
        ),
        Command::Fix(fix) => refactoring(
            || refactor::pass::fix(&common, fix, &console),
            (&common, fix),
            &console,
        ),
        Command::Run(run) => refactoring(
            || refactor::run::run(&common, run, &console),
            (&common, &run.fix),
            &console,
        ),
        Command::Log(log) => show_log(&common, log),
        Command::Report(analysis) => report_page(&common, analysis, &console),
        Command::Review(log) => show_review(&common, log),
        Command::Apply(apply) => {
            process::install_interrupt_handler();
            process::become_subreaper();
            apply_held(&common, apply, &console)
        }
        Command::Baseline(baseline) => analysis::gate::write_baseline(&common, baseline, &console)
            .map(|(path, n)| {
                let findings = reporters::summary::counted(n as u64, "finding");
                let what = format!("{findings} to the baseline {}", path.display());
                console.status("Wrote", &what);
                ExitCode::Success
            }),
        Command::Ci(ci) => gate(&common, ci, &console),
        Command::Explain(explain) => explain_rule(explain.rule.as_deref()),
        Command::Completions(args) => completions(args.shell),
        Command::Man => man_page(),
    };
    // A run that ended by an error leaves no live line behind.
    console.end_live();
    result.unwrap_or_else(|err| exit_for(&err, &console))
}

/// Prints the error that ended a command and picks its exit code.
fn exit_for(err: &anyhow::Error, console: &Console) -> ExitCode {
    // An interruption says so in one word, whatever step it stopped.
    let interrupted = err.is::<process::Interrupted>();
    console.error(&if interrupted {
        "interrupted".to_owned()
    } else {
        format!("{err:#}")
    });
    if err.is::<refactor::verify::BaselineFailed>() {
        ExitCode::BaselineFailed
    } else if interrupted {
        ExitCode::Interrupted
    } else {
        // Every other error is about the input, the configuration or the environment.
        ExitCode::Usage
    }
}

/// The report in `format` on stdout; `html` is a page written to the out dir instead.
fn output(
    report: &analysis::report::Report,
    format: Format,
    out: &record::out_dir::OutDir,
    console: &Console,
    suggestions: &[refactor::suggest::Suggestion],
) -> anyhow::Result<()> {
    if format == Format::Html {
        reporters::html::write(report, out, console)?;
        return Ok(());
    }
    print(&render(report, format, console, suggestions)?).map(|_| ())
}

/// `cargo loop report`: a scan and the audit trail, as the HTML page.
fn report_page(
    common: &CommonArgs,
    args: &AnalysisArgs,
    console: &Console,
) -> anyhow::Result<ExitCode> {
    if !matches!(args.output.format, None | Some(Format::Html)) {
        return Err(UsageError(
            "`cargo loop report` writes the HTML page only: use `cargo loop scan --format FMT` \
             for other formats"
                .into(),
        )
        .into());
    }
    reporters::html::scan_and_write(common, args, console)?;
    Ok(ExitCode::Success)
}

/// The report in `format`. For `github`, what GitHub would not show as annotations goes to
/// the step summary (`$GITHUB_STEP_SUMMARY`) when there is one.
fn render(
    report: &analysis::report::Report,
    format: Format,
    console: &Console,
    suggestions: &[refactor::suggest::Suggestion],
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Html => unreachable!("the page is written by `output`, not printed"),
        Format::Human => reporters::human::render(report, console.stdout_styled),
        Format::Json => reporters::json::render(report, suggestions),
        Format::Sarif => reporters::sarif::render(report, suggestions),
        Format::Rdjsonl => reporters::rdjsonl::render(report, suggestions),
        Format::Github => {
            let summary = std::env::var_os("GITHUB_STEP_SUMMARY");
            let in_summary = summary.is_some();
            if let (Some(path), Some(table)) = (summary, reporters::github::step_summary(report)) {
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "cannot append to $GITHUB_STEP_SUMMARY ({}): {e}",
                            std::path::Path::new(&path).display()
                        )
                    })?;
                file.write_all(table.as_bytes())?;
            }
            reporters::github::render(report, in_summary)
        }
    })
}

/// `cargo loop ci`: the new findings in the format asked, a summary line, and the verdict.
fn gate(common: &CommonArgs, args: &cli::CiArgs, console: &Console) -> anyhow::Result<ExitCode> {
    let verdict = analysis::gate::ci(common, args, console)?;
    let report = &verdict.report;
    let suggestions = if args.suggest.suggest {
        process::install_interrupt_handler();
        process::become_subreaper();
        let new = &verdict.comparison.new;
        refactor::suggest::suggest(common, args, report, new, &verdict.out_dir, console)?
    } else {
        Vec::new()
    };
    let format = verdict.analysis_format;
    print_warnings(report, format, console);
    output(report, format, &verdict.out_dir, console, &suggestions)?;
    for suggestion in &suggestions {
        let what = format!("{} ({})", suggestion.title, suggestion.patch.display());
        console.status("Suggested", &what);
    }
    let c = &verdict.comparison;
    // What got better, with `-v`: the keys the baseline holds and the scan no longer finds.
    if console.verbose {
        for key in &c.fixed {
            let what = format!(
                "{} `{}` in {} [{}]",
                kind_of(key),
                key.item,
                key.file,
                key.rule
            );
            console.status("Fixed", &what);
        }
    }
    let compared = format!(
        "{} new, {} known, {} fixed since the baseline",
        analysis::baseline::findings(&c.new),
        c.known,
        analysis::baseline::findings(&c.fixed)
    );
    if verdict.failures.is_empty() {
        console.status("Passed", &compared);
        return Ok(ExitCode::Success);
    }
    console.error(&format!(
        "the gate failed: {} ({compared})",
        verdict.failures.join("; ")
    ));
    Ok(ExitCode::FoundProblems)
}

/// What a baseline key is: a copy of a clone group, or a smell.
fn kind_of(key: &analysis::baseline::Key) -> &'static str {
    if analysis::rules::is_clone_rule(&key.rule) {
        "copy"
    } else {
        "smell"
    }
}

/// The command line as the `cargo-loop` binary parses it, for completions and the man page.
fn binary_command() -> clap::Command {
    let cargo = cli::command();
    let loop_command = cargo
        .find_subcommand("loop")
        .expect("`loop` is the only subcommand")
        .clone();
    loop_command.name("cargo-loop").bin_name("cargo-loop")
}

/// `cargo loop completions SHELL`: the script on stdout.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut binary_command(), "cargo-loop", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        // clap_complete's bash script dispatches on `cargo__loop__subcmd__dup` but names
        // the case `cargo__subcmd__loop__subcmd__dup` (a `-` in the binary's name is read
        // as a subcommand separator there): without this no subcommand's flags complete.
        script = script.replace("cargo__subcmd__loop__subcmd__", "cargo__loop__subcmd__");
    }
    print(&script)
}

/// `cargo loop man`: the man page in roff on stdout (`cargo loop man > cargo-loop.1`).
fn man_page() -> anyhow::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(binary_command()).render(&mut page)?;
    print(&String::from_utf8_lossy(&page))
}

/// `cargo loop explain`: one rule's documentation, every clone rule's for `duplicate` (the
/// id that allows them all), or every rule's.
fn explain_rule(id: Option<&str>) -> anyhow::Result<ExitCode> {
    let Some(id) = id else {
        return print(&analysis::rules::document());
    };
    let rules: Vec<&analysis::rules::Rule> = if id == "duplicate" {
        (analysis::rules::RULES.iter())
            .filter(|r| r.is_clone())
            .collect()
    } else {
        let rule = analysis::rules::rule(id).ok_or_else(|| {
            let ids: Vec<&str> = analysis::rules::RULES.iter().map(|r| r.id).collect();
            UsageError(format!(
                "unknown rule `{id}`: expected one of {}, or `duplicate` for every clone rule",
                ids.join(", ")
            ))
        })?;
        vec![rule]
    };
    let text: Vec<String> = (rules.iter())
        .map(|rule| format!("{} ({})\n\n{}", rule.id, rule.name, rule.markdown()))
        .collect();
    print(&text.join("\n"))
}

/// The out dir of the workspace (`--out`, or `target/loop`).
fn out_dir(
    common: &CommonArgs,
    out: Option<&std::path::Path>,
) -> anyhow::Result<record::out_dir::OutDir> {
    if let Some(out) = out {
        record::out_dir::OutDir::check(out)?;
        return Ok(record::out_dir::OutDir::new(Some(out), out));
    }
    let workspace =
        analysis::workspace::Workspace::open(common).map_err(|e| UsageError(format!("{e:#}")))?;
    Ok(record::out_dir::OutDir::new(None, &workspace.target_dir))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn print(text: &str) -> anyhow::Result<ExitCode> {
    // Only styled text needs anstream (to strip or translate its escapes); going through it
    // byte by byte costs milliseconds on a large JSON report.
    let (mut styled, mut plain);
    let stdout: &mut dyn Write = if text.contains('\x1b') {
        styled = anstream::stdout().lock();
        &mut styled
    } else {
        plain = std::io::stdout().lock();
        &mut plain
    };
    match (stdout.write_all(text.as_bytes())).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(err.into()),
        _ => Ok(ExitCode::Success),
    }
}

fn show_log(common: &CommonArgs, args: &cli::LogArgs) -> anyhow::Result<ExitCode> {
    let records = record::audit::read(&out_dir(common, args.out.as_deref())?)?;
    show(
        args.format,
        &record::log::summarise(&records),
        record::log::render,
    )
}

fn show_review(common: &CommonArgs, args: &cli::LogArgs) -> anyhow::Result<ExitCode> {
    let held = refactor::review::list(&out_dir(common, args.out.as_deref())?);
    let code = show(args.format, &held, refactor::review::render)?;
    // `--branch-per-refactor` left its refactors on branches: those are for review too.
    let root = analysis::workspace::Workspace::open(common).map(|w| w.root);
    let branches = root
        .map(|root| refactor::branch::list(&root))
        .unwrap_or_default();
    if args.format != Some(cli::RecordFormat::Json) && !branches.is_empty() {
        let lines: Vec<String> = branches
            .iter()
            .map(|(branch, subject)| format!("{branch:>40}  {subject}\n"))
            .collect();
        print(&format!(
            "\nrefactors on their own branches (merge each one you approve):\n{}",
            lines.concat()
        ))?;
    }
    Ok(code)
}

/// Prints `items` as JSON or, for any other format, as `human` renders them.
fn show<T: serde::Serialize>(
    format: Option<cli::RecordFormat>,
    items: &[T],
    human: fn(&[T]) -> String,
) -> anyhow::Result<ExitCode> {
    match format {
        Some(cli::RecordFormat::Json) => {
            print(&format!("{}\n", serde_json::to_string_pretty(items)?))
        }
        _ => print(&human(items)),
    }
}

fn apply_held(
    common: &CommonArgs,
    args: &cli::ApplyArgs,
    console: &Console,
) -> anyhow::Result<ExitCode> {
    let out = out_dir(common, args.log.out.as_deref())?;
    let applied = refactor::apply::apply(common, args, &out, console)?;
    // A held change the tree no longer takes is the environment's error (1 is the gate's).
    Ok(if applied {
        ExitCode::Success
    } else {
        ExitCode::Usage
    })
}

/// `dup`, `smells` and `scan`: one parse, the chosen analyses, one report.
fn analyse(
    common: &CommonArgs,
    args: &AnalysisArgs,
    console: &Console,
    what: What,
) -> anyhow::Result<ExitCode> {
    let analysis::Analysis {
        mut report,
        options,
        out_dir,
        // Held to the end, so the memo is written while the findings are printed.
        memo_write: _memo_write,
        ..
    } = analysis::analyse(common, args, console, what)?;
    if let Some(diff) = &args.in_diff {
        analysis::diff::read(diff, &report.root)?.narrow(&mut report);
    }
    print_warnings(&report, options.format, console);
    output(&report, options.format, &out_dir, console, &[])?;
    reporters::summary::summary(console, &report, what);
    gate_exit(&report, &options, console)
}

/// The scan's file-level warnings on stderr, as rustc prints them; the formats for code
/// review carry them in their own output.
fn print_warnings(report: &analysis::report::Report, format: Format, console: &Console) {
    if !matches!(format, Format::Github | Format::Rdjsonl) {
        console.eprint(&reporters::human::render_warnings(
            &report.warnings,
            console.stderr_styled,
        ));
    }
}

/// Exit code 1, with why, when `--fail-on` counts findings in `report`.
fn gate_exit(
    report: &analysis::report::Report,
    options: &config::Options,
    console: &Console,
) -> anyhow::Result<ExitCode> {
    Ok(match analysis::gate::over_fail_on(report, options)? {
        Some(why) => {
            console.error(&format!("--fail-on: {why}"));
            ExitCode::FoundProblems
        }
        None => ExitCode::Success,
    })
}

/// `fix` and `run`: Ctrl-C stops them cleanly, and what their agents and cargo start is
/// theirs to stop (a subreaper); with `--fail-on`, the tree they leave is analysed and judged.
fn refactoring(
    work: impl FnOnce() -> anyhow::Result<()>,
    (common, fix): (&CommonArgs, &cli::FixArgs),
    console: &Console,
) -> anyhow::Result<ExitCode> {
    process::install_interrupt_handler();
    process::become_subreaper();
    work()?;
    if fix.analysis.fail_on.is_none() {
        return Ok(ExitCode::Success);
    }
    let what = refactor::session::what_of(fix);
    let analysis = analysis::analyse(common, &fix.analysis, console, what)?;
    gate_exit(&analysis.report, &analysis.options, console)
}
