//! Command-line interface: clap derive types for `cargo loop`, spelled as SPEC.md fixes them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::record::event::Role;

/// Cargo passes the subcommand name as the first argument, so the top level is `cargo`.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub enum CargoCli {
    /// Find duplicated code and architectural smells, and verify agent refactors
    #[command(name = "loop", version)]
    Loop(LoopArgs),
}

#[derive(Debug, Args)]
pub struct LoopArgs {
    #[command(flatten)]
    pub display: DisplayArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run: boxing would buy nothing
pub enum Command {
    /// Find duplicated code and duplicated abstractions
    Dup(AnalysisArgs),
    /// Find architectural smells: cycles, god and hub modules, unstable dependencies, repeated
    /// matches, god types, long and complex functions, needless `pub`
    Smells(AnalysisArgs),
    /// Run `dup` and `smells` over one parse
    Scan(AnalysisArgs),
    /// Run one improvement pass: ask the agent for refactors, verify each, keep what passes
    Fix(FixArgs),
    /// Run improvement passes until a stopping rule fires
    Run(RunArgs),
    /// Gate CI on findings the baseline does not have
    Ci(CiArgs),
    /// Write the baseline file that `ci` compares against
    Baseline(BaselineArgs),
    /// Summarise the audit trail: runs, candidates, outcomes by step, time
    Log(LogArgs),
    /// Write the self-contained HTML report (target/loop/report.html): clones side by side,
    /// module graphs, smells, loop history
    Report(AnalysisArgs),
    /// List refactors held back for human review
    Review(LogArgs),
    /// Explain a rule: what it finds, why it matters, the usual fix, how to silence it
    Explain(ExplainArgs),
    /// Print a shell completion script for cargo-loop (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page (roff) of cargo-loop
    Man,
    /// Apply a held refactor, re-verified if the tree changed since it was held
    Apply(ApplyArgs),
}

/// What every step reads of the cargo-style flags: the package and feature selection, the
/// manifest, and the display flags, gathered from wherever the command declares them.
#[derive(Debug, Clone, Default)]
pub struct CommonArgs {
    pub manifest_path: Option<PathBuf>,
    pub package: Vec<String>,
    pub workspace: bool,
    pub exclude: Vec<String>,
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub color: Option<ColorChoice>,
    pub quiet: bool,
    pub verbose: u8,
}

/// The display flags, taken by every subcommand before or after its name, and listed with
/// `--help` under Options as cargo lists them.
#[derive(Debug, Args, Clone, Default)]
pub struct DisplayArgs {
    /// Use verbose output
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Do not print progress or warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Coloring
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
}

/// `--manifest-path`, on the commands that read a workspace or its `target/loop/`.
#[derive(Debug, Args, Clone, Default)]
pub struct ManifestArgs {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,
}

/// Cargo's package selection, on the commands that analyse packages.
#[derive(Debug, Args, Clone, Default)]
pub struct PackageArgs {
    /// Package to analyse (repeatable; package id specs and globs as cargo takes them)
    #[arg(
        short,
        long = "package",
        value_name = "SPEC",
        help_heading = "Package Selection"
    )]
    pub package: Vec<String>,

    /// Analyse every workspace member (the default outside a member's directory)
    #[arg(long, help_heading = "Package Selection")]
    pub workspace: bool,

    /// Exclude packages from the analysis
    #[arg(long, value_name = "SPEC", help_heading = "Package Selection")]
    pub exclude: Vec<String>,
}

/// Cargo's feature selection, on the commands that build (verification) or read `#[cfg]`.
#[derive(Debug, Args, Clone, Default)]
pub struct FeatureArgs {
    /// Space or comma separated list of features to activate
    #[arg(
        short = 'F',
        long,
        value_name = "FEATURES",
        help_heading = "Feature Selection"
    )]
    pub features: Vec<String>,

    /// Activate all available features
    #[arg(long, help_heading = "Feature Selection")]
    pub all_features: bool,

    /// Do not activate the `default` feature
    #[arg(long, help_heading = "Feature Selection")]
    pub no_default_features: bool,
}

/// Package selection, feature selection and the manifest, in cargo's order of help headings.
#[derive(Debug, Args, Clone, Default)]
pub struct TargetArgs {
    #[command(flatten)]
    pub packages: PackageArgs,

    #[command(flatten)]
    pub features: FeatureArgs,

    #[command(flatten)]
    pub manifest: ManifestArgs,
}

impl LoopArgs {
    /// The cargo-style flags of this command line, wherever its command declares them.
    pub fn common(&self) -> CommonArgs {
        let mut common = CommonArgs {
            color: self.display.color,
            quiet: self.display.quiet,
            verbose: self.display.verbose,
            ..CommonArgs::default()
        };
        let target = match &self.command {
            Command::Dup(a) | Command::Smells(a) | Command::Scan(a) | Command::Report(a) => {
                Some(&a.target)
            }
            Command::Fix(f) => Some(&f.analysis.target),
            Command::Run(r) => Some(&r.fix.analysis.target),
            Command::Baseline(b) => Some(&b.analysis.target),
            Command::Ci(c) => Some(&c.baseline.analysis.target),
            Command::Log(l) | Command::Review(l) => {
                common.manifest_path.clone_from(&l.manifest.manifest_path);
                None
            }
            Command::Apply(a) => {
                common
                    .manifest_path
                    .clone_from(&a.log.manifest.manifest_path);
                common.set_features(&a.features);
                None
            }
            Command::Explain(_) | Command::Completions(_) | Command::Man => None,
        };
        if let Some(target) = target {
            common
                .manifest_path
                .clone_from(&target.manifest.manifest_path);
            common.package.clone_from(&target.packages.package);
            common.workspace = target.packages.workspace;
            common.exclude.clone_from(&target.packages.exclude);
            common.set_features(&target.features);
        }
        common
    }
}

impl CommonArgs {
    /// `--features`, `--all-features` and `--no-default-features` as the user gave them, for
    /// the cargo commands of verification.
    pub fn feature_flags(&self) -> Vec<&str> {
        let mut flags = Vec::new();
        for features in &self.features {
            flags.extend(["--features", features.as_str()]);
        }
        if self.all_features {
            flags.push("--all-features");
        }
        if self.no_default_features {
            flags.push("--no-default-features");
        }
        flags
    }

    fn set_features(&mut self, features: &FeatureArgs) {
        self.features.clone_from(&features.features);
        self.all_features = features.all_features;
        self.no_default_features = features.no_default_features;
    }
}

/// Flags of `cargo loop fix`.
#[derive(Debug, Args, Clone)]
pub struct FixArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,

    #[command(flatten)]
    pub pipeline: PipelineArgs,

    /// Give one kind of finding its own agent: duplication=AGENT (clone groups) or
    /// architecture=AGENT (smells); repeatable, over `[roles]` in configuration
    #[arg(
        long,
        value_name = "ROLE=AGENT",
        value_parser = parse_role,
        help_heading = "Agent Options"
    )]
    pub role: Vec<(Role, String)>,

    /// Keep refactors that change the public API, unsafe code, manifests, build scripts or tests
    #[arg(long, help_heading = "Keeping Options")]
    pub allow_sensitive: bool,

    /// Verify and keep patches only; never write the working tree
    #[arg(long, help_heading = "Keeping Options")]
    pub dry_run: bool,

    /// Make one git commit per kept refactor
    #[arg(long, help_heading = "Keeping Options", conflicts_with = "dry_run")]
    pub commit: bool,

    /// Keep each refactor as its own commit on its own local branch (`loop/<finding>-<summary>`)
    /// off the starting commit, leaving the working tree untouched
    #[arg(long, help_heading = "Keeping Options", conflicts_with_all = ["commit", "dry_run"])]
    pub branch_per_refactor: bool,

    /// Work on a deterministic share of the findings (by fingerprint, the same on every
    /// machine), for CI matrix jobs; verified refactors are held as patches (`target/loop/review/`)
    /// for a final `cargo loop apply DIR`
    #[arg(long, value_name = "K/N", help_heading = "Finding Selection")]
    pub shard: Option<Shard>,

    /// `ci --suggest`: verified refactors become suggestions, never writes (no flag: `ci` sets it).
    #[arg(skip)]
    pub suggest: bool,

    /// Print the prompt each chosen finding would get (with `--format json`: its size and
    /// what the context budget cut), and stop: no agent, no verification
    #[arg(long, help_heading = "Agent Options")]
    pub show_prompts: bool,
}

/// What the refactor pipeline takes from the command line (`fix`, `run`, `ci --suggest`): the
/// agent and its limits, which findings, and how to verify.
#[derive(Debug, Args, Clone)]
pub struct PipelineArgs {
    #[command(flatten)]
    pub agent_limits: crate::options::AgentFlags,

    #[command(flatten)]
    pub oversight: crate::options::OversightFlags,

    #[command(flatten)]
    pub choice: FindingChoice,

    #[command(flatten)]
    pub selection: crate::options::SelectionFlags,

    #[command(flatten)]
    pub verify: VerifyArgs,
}

/// Which findings `fix`, `run` and `ci --suggest` work on.
#[derive(Debug, Args, Clone, Default)]
pub struct FindingChoice {
    /// Kinds of findings to work on
    #[arg(
        long,
        value_enum,
        value_name = "KINDS",
        help_heading = "Finding Selection"
    )]
    pub findings: Option<FindingKinds>,

    /// Work on this finding, by the id the command's scan printed (repeatable: D3, S1)
    #[arg(long, value_name = "ID", help_heading = "Finding Selection")]
    pub finding: Vec<String>,
}

/// Flags of `cargo loop run`: those of `fix`, and when to stop.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub fix: FixArgs,

    #[command(flatten)]
    pub limits: crate::options::LoopFlags,

    #[command(flatten)]
    pub goals: crate::options::LoopGoalFlags,

    /// Keep running: after the loop stops, start again when the sources change and the tree
    /// is clean (Ctrl-C stops)
    #[arg(long, help_heading = "Loop Control")]
    pub watch: bool,

    /// Work in a git worktree of its own on branch NAME (made at HEAD, rebased onto HEAD before
    /// every run), committing there, so the checkout is never written
    #[arg(
        long,
        value_name = "NAME",
        requires = "commit",
        help_heading = "Keeping Options"
    )]
    pub branch: Option<String>,
}

/// How refactors are verified (shared by `fix` and `apply`).
#[derive(Debug, Args, Clone, Default)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub options: crate::options::VerifyFlags,

    /// Pass this secret-looking environment variable to verification and agents (repeatable)
    #[arg(long, value_name = "NAME", help_heading = "Verification Options")]
    pub keep_env: Vec<String>,

    /// Change a working tree that has uncommitted changes
    #[arg(long, help_heading = "Keeping Options")]
    pub allow_dirty: bool,

    /// Change a working tree that is not under version control (git)
    #[arg(long, help_heading = "Keeping Options")]
    pub allow_no_vcs: bool,

    /// Fail at once if another cargo loop run holds the lock on the out dir, instead of waiting
    #[arg(long, help_heading = "Keeping Options")]
    pub no_wait: bool,
}

/// `--shard K/N`: the K-th of N shares of the findings, counting from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// Whether the finding with this fingerprint is in this share.
    pub fn contains(self, fingerprint: u64) -> bool {
        fingerprint % self.n == self.k - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(value: &str) -> Result<Shard, String> {
        let parsed = value
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((k, n)) if (1..=n).contains(&k) => Ok(Shard { k, n }),
            _ => Err(format!(
                "expected K/N with 1 <= K <= N (e.g. 2/3), got `{value}`"
            )),
        }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKinds {
    Dup,
    Smells,
    All,
}

/// Flags of `log` and `review`.
#[derive(Debug, Args, Clone)]
pub struct LogArgs {
    #[command(flatten)]
    pub manifest: ManifestArgs,

    /// Directory of the audit trail (default: target/loop)
    #[arg(long, value_name = "DIR", help_heading = "Output Options")]
    pub out: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, value_name = "FMT", help_heading = "Output Options")]
    pub format: Option<RecordFormat>,
}

/// How `log`, `review` and `apply` print what was done: findings formats (SARIF, workflow
/// commands) have nothing to say about runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    Human,
    Json,
}

/// Flags of `apply`.
#[derive(Debug, Args, Clone)]
pub struct ApplyArgs {
    /// The held refactor, as `cargo loop review` lists it; or a folder of held refactors
    /// (a shard's `target/loop/review/`), applied in order
    #[arg(value_name = "ID|DIR")]
    pub id: String,

    #[command(flatten)]
    pub features: FeatureArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Flags of the analysis commands (`dup`, `smells`, `scan`).
#[derive(Debug, Args, Clone, Default)]
pub struct AnalysisArgs {
    /// Restrict the analysis to these files or folders (a folder outside any workspace is analysed as plain Rust source)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub output: crate::options::OutputFlags,

    /// Directory for the cache and other files (default: target/loop)
    #[arg(long, value_name = "DIR", help_heading = "Output Options")]
    pub out: Option<PathBuf>,

    /// Do not read or write the scan cache
    #[arg(long, help_heading = "Output Options")]
    pub no_cache: bool,

    #[command(flatten)]
    pub clones: crate::options::CloneFlags,

    /// Analyse `#[cfg(test)]` code and tests/
    #[arg(long, overrides_with = "no_tests", help_heading = "Analysis Options")]
    pub tests: bool,

    /// Skip `#[cfg(test)]` code and tests/ (the default)
    #[arg(long, overrides_with = "tests", help_heading = "Analysis Options")]
    pub no_tests: bool,

    #[command(flatten)]
    pub files: crate::options::FileFilter,

    #[command(flatten)]
    pub thresholds: crate::options::ThresholdFlags,

    /// Parse through this per-file cache even with `--no-cache` (verification's re-analysis of
    /// a scratch copy shares the tree's entries).
    #[arg(skip)]
    pub parse_cache: Option<PathBuf>,

    /// Report only findings in code this unified diff (`git diff origin/main`; `-`: stdin) adds or changes; it must match the tree
    #[arg(long, value_name = "FILE", help_heading = "Analysis Options")]
    pub in_diff: Option<PathBuf>,

    /// Exit with code 1 on findings: any (the default; `ci`: new), new (not in the baseline),
    /// never; with a level, warning (the default) or note (notes count too); comma-separated
    #[arg(
        long,
        value_name = "WHEN",
        num_args = 0..=1,
        default_missing_value = "any",
        value_delimiter = ',',
        value_enum,
        help_heading = "Output Options"
    )]
    pub fail_on: Option<Vec<FailOn>>,
}

/// `--fail-on` values: which findings fail the run, and from which level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Every finding.
    Any,
    /// Findings the baseline does not have.
    New,
    /// Nothing: report only.
    Never,
    /// Warnings only (notes never fail).
    Warning,
    /// Notes as well as warnings.
    Note,
}

/// `cargo loop completions SHELL`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

/// `cargo loop explain [RULE]`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The rule id (`long-function`, `duplicate-code`, ...); every rule when left out
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
}

/// Where the baseline is.
#[derive(Debug, Clone, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,

    /// The baseline file (default: loop-baseline.json at the workspace root)
    #[arg(
        long = "baseline",
        value_name = "FILE",
        help_heading = "Baseline Options"
    )]
    pub file: Option<PathBuf>,
}

/// `cargo loop ci`: the gate.
#[derive(Debug, Clone, Args)]
pub struct CiArgs {
    #[command(flatten)]
    pub baseline: BaselineArgs,

    /// Compare with the findings of git REF (scanned in a temporary worktree) instead of a file
    #[arg(
        long,
        value_name = "REF",
        conflicts_with = "file",
        help_heading = "Baseline Options"
    )]
    pub baseline_from_ref: Option<String>,

    /// Rewrite the baseline with this scan's findings instead of comparing
    #[arg(long, help_heading = "Baseline Options")]
    pub update_baseline: bool,

    /// Fail when more lines than N are duplicated, new or not
    #[arg(long, value_name = "N", help_heading = "Gate Options")]
    pub max_duplicated_lines: Option<u64>,

    /// Fail when there are more than N smell warnings, new or not
    #[arg(long, value_name = "N", help_heading = "Gate Options")]
    pub max_smells: Option<usize>,

    #[command(flatten)]
    pub suggest: SuggestArgs,
}

/// `ci --suggest`: the fix pipeline on the new findings, each verified refactor a suggestion.
#[derive(Debug, Clone, Args)]
pub struct SuggestArgs {
    /// Ask the agent for refactors of the new findings, verify each, and emit what passes as
    /// suggestions (rdjsonl `suggestions`, SARIF `fixes`, target/loop/suggestions/); the
    /// working tree is never written
    #[arg(long, help_heading = "Suggestions")]
    pub suggest: bool,

    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// The command line as clap parses it, with each analysis command's help showing only the
/// thresholds it uses: `dup` none of the smell thresholds, `smells` none of the clone sizes,
/// `report` no `--format` (it writes HTML only).
/// (They are still accepted, so one configuration or alias serves every command.)
pub fn command() -> clap::Command {
    use clap::{Args as _, CommandFactory};
    let ids = |args: clap::Command| -> Vec<String> {
        args.get_arguments()
            .map(|a| a.get_id().to_string())
            .collect()
    };
    let smell_keys = ids(crate::options::ThresholdFlags::augment_args(
        clap::Command::new("t"),
    ));
    let clone_keys = ids(crate::options::CloneFlags::augment_args(
        clap::Command::new("c"),
    ));
    let hide = |mut command: clap::Command, keys: &[String]| {
        for key in keys {
            command = command.mut_arg(key, |arg| arg.hide(true));
        }
        command
    };
    CargoCli::command().mut_subcommand("loop", |lp| {
        lp.mut_subcommand("dup", |dup| hide(dup, &smell_keys))
            .mut_subcommand("smells", |smells| hide(smells, &clone_keys))
            // `report` writes the page only (another `--format` is refused).
            .mut_subcommand("report", |report| hide(report, &["format".to_string()]))
            // `baseline` writes every finding to its file (what prints or fails is refused).
            .mut_subcommand("baseline", |baseline| {
                let refused = ["format", "fail_on", "in_diff"].map(str::to_owned);
                hide(baseline, &refused)
            })
    })
}

impl ColorChoice {
    /// A `--color` or `CARGO_TERM_COLOR` value, as cargo spells them.
    pub fn parse(value: &str) -> Option<ColorChoice> {
        ValueEnum::from_str(value, false).ok()
    }

    /// `CARGO_TERM_COLOR`, when set to a value cargo knows.
    pub fn from_env() -> Option<ColorChoice> {
        std::env::var("CARGO_TERM_COLOR")
            .ok()
            .and_then(|v| ColorChoice::parse(&v))
    }
}

/// The colouring of clap's own help and errors, decided before parsing as the console
/// decides it after: `--color WHEN`, then `CARGO_TERM_COLOR`, then `NO_COLOR`.
pub fn early_color(command_line: &[std::ffi::OsString]) -> clap::ColorChoice {
    let args: Vec<String> = (command_line.iter())
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let flag = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--color") {
            Some(rest) if rest.starts_with('=') => ColorChoice::parse(&rest[1..]),
            Some("") => args.get(i + 1).and_then(|v| ColorChoice::parse(v)),
            _ => None,
        });
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match flag.or_else(ColorChoice::from_env) {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        _ if no_color => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

/// `--role NAME=AGENT` as (role, agent).
pub(crate) fn parse_role(value: &str) -> Result<(Role, String), String> {
    let (name, agent) = value
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=AGENT, got `{value}`"))?;
    Ok((Role::parse(name.trim())?, agent.trim().to_owned()))
}

#[cfg(test)]
mod test {
    use clap::{CommandFactory, Parser};

    use super::CargoCli;

    /// The feature flags reach verification as cargo would take them, from every command that
    /// builds, and from nowhere else.
    #[test]
    fn feature_flags_pass_through_as_given() {
        let parse = |line: &str| {
            let args = CargoCli::try_parse_from(line.split(' ')).unwrap();
            let super::CargoCli::Loop(args) = args;
            args.common()
        };
        let fix = parse("cargo loop fix -F a,b --features c --all-features --no-default-features");
        assert_eq!(
            fix.feature_flags(),
            [
                "--features",
                "a,b",
                "--features",
                "c",
                "--all-features",
                "--no-default-features"
            ]
        );
        let apply = parse("cargo loop apply 1 --no-default-features --manifest-path x/Cargo.toml");
        assert_eq!(apply.feature_flags(), ["--no-default-features"]);
        assert_eq!(apply.manifest_path.unwrap().to_str(), Some("x/Cargo.toml"));
        assert!(parse("cargo loop -q log").quiet);
        assert!(CargoCli::try_parse_from(["cargo", "loop", "log", "--all-features"]).is_err());
        assert!(CargoCli::try_parse_from(["cargo", "loop", "dup", "-v", "-q"]).is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        CargoCli::command().debug_assert();
    }

    /// Help texts are sentence fragments: capitalised, no trailing period.
    #[test]
    fn option_help_sentence_case_without_period() {
        let cmd = CargoCli::command();
        let mut stack = vec![cmd];
        while let Some(cmd) = stack.pop() {
            for arg in cmd.get_arguments() {
                if let Some(help) = arg.get_help() {
                    let help = help.to_string();
                    assert!(
                        !help.ends_with('.'),
                        "help of --{:?} ends with a period",
                        arg.get_long()
                    );
                    assert!(
                        help.chars().next().is_some_and(char::is_uppercase),
                        "help of --{:?} is not capitalised",
                        arg.get_long()
                    );
                }
            }
            stack.extend(cmd.get_subcommands().cloned());
        }
    }
}
