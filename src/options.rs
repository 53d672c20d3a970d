//! Options spelled once: each group is one struct that is both the clap argument group and the
//! configuration section (same names, kebab-case), merged flags > configuration > defaults by
//! one `or` and one `resolve`, the default written once, next to the help that shows it.

use clap::ValueEnum;

/// Whether verification runs confined (Landlock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SandboxMode {
    /// Confine where the kernel allows it
    #[default]
    Auto,
    /// Refuse to run unconfined
    Require,
    /// Never confine
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Human,
    Json,
    Sarif,
    Github,
    /// reviewdog's diagnostics, one JSON object per line.
    Rdjsonl,
    /// one self-contained page, written to `target/loop/report.html` instead of stdout.
    Html,
}

/// A fraction from 0 to 1 (`--similarity`), refused out of range where it is read, so the
/// error names the flag, or the configuration key with its file and line.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) struct Ratio(pub f64);

impl Ratio {
    fn checked(value: f64) -> Result<Ratio, String> {
        if (0.0..=1.0).contains(&value) {
            Ok(Ratio(value))
        } else {
            Err(format!("must be between 0 and 1, got {value}"))
        }
    }
}

impl std::str::FromStr for Ratio {
    type Err = String;

    fn from_str(value: &str) -> Result<Ratio, String> {
        let value: f64 = value.trim().parse().map_err(|e| format!("{e}"))?;
        Ratio::checked(value)
    }
}

impl<'de> serde::Deserialize<'de> for Ratio {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Ratio, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Ratio::checked(value).map_err(serde::de::Error::custom)
    }
}

/// The flags half of a group: every field optional, a clap flag and a config key of the same
/// name, and `or` to merge flags over configuration.
macro_rules! flags_struct {
    (
        $(#[$meta:meta])*
        $flags:ident, $heading:literal,
        $($name:ident: $ty:ty, $shown:literal, $value_name:literal, $help:literal;)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, clap::Args, serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub struct $flags {
            $(
                #[arg(
                    long,
                    value_name = $value_name,
                    help_heading = $heading,
                    help = concat!($help, " [default: ", $shown, "]")
                )]
                #[serde(default)]
                pub $name: Option<$ty>,
            )*
        }

        impl $flags {
            /// These values, the unset ones taken from `lower`.
            pub fn or(self, lower: Self) -> Self {
                Self { $($name: self.$name.or(lower.$name),)* }
            }
        }
    };
}

/// Declares an option group: `$flags` (every field optional: clap flags, config keys) and
/// `$resolved` (every field set: what the engine reads), the default written once.
macro_rules! option_group {
    (
        $(#[$meta:meta])*
        $flags:ident => $resolved:ident, $heading:literal {
            $(
                $(#[$field_meta:meta])*
                $name:ident: $ty:ty = $default:expr, $shown:literal, $value_name:literal,
                $help:literal;
            )*
        }
    ) => {
        flags_struct! {
            $(#[$meta])*
            $flags, $heading, $($name: $ty, $shown, $value_name, $help;)*
        }

        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $resolved {
            $(
                #[doc = $help]
                $(#[$field_meta])*
                pub $name: $ty,
            )*
        }

        impl $flags {
            /// These values, the unset ones at their defaults.
            pub fn resolve(&self) -> $resolved {
                $resolved { $($name: self.$name.clone().unwrap_or($default),)* }
            }
        }
    };
}

/// Declares an option group whose values have no fixed default (it is derived later, or the
/// option is simply off): `$resolved` keeps them optional.
macro_rules! optional_group {
    (
        $(#[$meta:meta])*
        $flags:ident => $resolved:ident, $heading:literal {
            $($name:ident: $ty:ty, $shown:literal, $value_name:literal, $help:literal;)*
        }
    ) => {
        flags_struct! {
            $(#[$meta])*
            $flags, $heading, $($name: $ty, $shown, $value_name, $help;)*
        }

        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $resolved {
            $(#[doc = $help] pub $name: Option<$ty>,)*
        }

        impl $flags {
            /// These values as resolved: still optional, their defaults decided by their users.
            pub fn resolve(&self) -> $resolved {
                $resolved { $($name: self.$name.clone(),)* }
            }
        }
    };
}

option_group! {
    /// How reports are printed.
    OutputFlags => Output, "Output Options" {
        format: Format = Format::Human, "human", "FMT", "Output format";
    }
}

option_group! {
    /// How big and how similar copies must be to be reported.
    CloneFlags => CloneLimits, "Analysis Options" {
        min_lines: usize = 6, "6", "N", "Smallest clone to report, in lines spanned by each copy";
        min_tokens: usize = 50, "50", "N", "Smallest clone to report, in tokens";
        similarity: Ratio = Ratio(0.8), "0.8", "RATIO", "Near-miss similarity threshold, from 0 to 1";
    }
}

option_group! {
    /// Limits over which a function, module or type is a smell.
    ThresholdFlags => Thresholds, "Smell Thresholds" {
        max_fn_lines: u32 = 100, "100", "LINES",
            "Most lines of code (comments and blank lines aside) before a function is reported";
        max_cognitive: u32 = 25, "25", "N",
            "Highest cognitive complexity before a function is reported";
        max_cyclomatic: u32 = 15, "15", "N",
            "Cyclomatic complexity over which a complex function's finding names it (alone it reports nothing)";
        max_params: u32 = 7, "7", "N", "Most parameters before a function is reported";
        max_nesting: u32 = 5, "5", "N",
            "Deepest nesting of blocks before a function is reported";
        max_module_items: u32 = 50, "50", "N", "Most items in a module before it is reported";
        max_module_lines: u32 = 1000, "1000", "LINES",
            "Most lines of code in a module before it is reported";
        hub_fan: u32 = 8, "8", "N", "Fan-in and fan-out at which a module is a hub";
        /// In hundredths of instability.
        min_instability_gap: u32 = 50, "50", "PERCENT",
            "How much less stable a dependency must be to be reported, in hundredths of instability";
        shotgun_modules: u32 = 3, "3", "N",
            "Modules that match one enum variant by variant before it is reported";
        max_type_fields: u32 = 15, "15", "N",
            "Most fields in a struct or enum before it is reported";
        max_type_methods: u32 = 30, "30", "N",
            "Most methods of a type, across its impl blocks, before it is reported";
    }
}

option_group! {
    /// How agents are called.
    AgentFlags => AgentLimits, "Agent Options" {
        agent: String = "builtin".to_owned(), "builtin", "AGENT",
            "Who proposes refactors: builtin, openai:MODEL, anthropic:MODEL, cmd:PROGRAM ARGS, exec:PROGRAM ARGS (API agents read `OPENAI_API_KEY` and `OPENAI_BASE_URL`, or the `ANTHROPIC_` ones)";
        agent_timeout: u64 = 600, "600", "SECS",
            "Seconds one agent call may take before it is killed";
        max_agent_output: u64 = 16 << 20, "16 MiB", "BYTES",
            "Bytes an agent may print, answer over HTTP, or write (exec:) before its answer is rejected";
        attempts: u32 = 2, "2", "N",
            "Attempts per finding; a refused attempt's errors go back to the agent";
        max_retries: u32 = crate::refactor::agents::MAX_RETRIES, "2", "N",
            "Times a model API call is sent again after a 429, a 5xx or a dropped connection";
        context_tokens: usize = 4000, "4000", "N",
            "Tokens a prompt may carry; the least relevant context is cut first";
    }
}

optional_group! {
    /// What a run may spend, and who reviews what it keeps.
    OversightFlags => Oversight, "Agent Options" {
        budget_tokens: u64, "none", "N",
            "Stop before an agent call would take the run's tokens past N";
        budget_usd: f64, "none", "USD",
            "Stop before an agent call would take the run's cost past USD (prices in configuration)";
        reviewer: String, "none", "AGENT",
            "A second agent that approves or vetoes each verified change (builtin: vetoes growth and public API changes)";
    }
}

optional_group! {
    /// How refactors are verified.
    VerifyFlags => VerifyOptions, "Verification Options" {
        test_cmd: String, "cargo test --workspace", "CMD",
            "Command that runs the tests (e.g. \"cargo nextest run\")";
        build_timeout: u64, "3x the baseline, at least 60", "SECS", "Seconds `cargo clippy` may take";
        test_timeout: u64, "3x the baseline, at least 30", "SECS", "Seconds the tests may take";
        sandbox: SandboxMode, "auto", "WHEN",
            "Confine verification: writes only in the scratch copy, temp and cargo's home";
    }
}

option_group! {
    /// When `run` stops by itself.
    LoopFlags => LoopLimits, "Loop Control" {
        max_passes: u32 = 10, "10", "N", "Passes before the loop stops";
        stall: u32 = 2, "2", "N",
            "Stop after N passes in a row that keep nothing or lower no score";
    }
}

optional_group! {
    /// Goals and limits of `run` that are off unless set.
    LoopGoalFlags => LoopGoals, "Loop Control" {
        time_limit: u64, "none", "SECS",
            "Start no candidate after SECS seconds of the run";
        target_score: f64, "none", "SCORE",
            "Stop once duplication + smell score (per 1,000 lines) is at most SCORE";
    }
}

option_group! {
    /// How many findings a pass works on, and how many at once.
    SelectionFlags => Selection, "Finding Selection" {
        max_candidates: usize = 5, "5", "N", "Findings to work on in this pass";
        jobs: usize = 1, "1", "N",
            "Candidates proposed and verified at once, each in its own scratch copy";
    }
}

/// Which files the analysis reads. Lists: a flag given replaces the configuration's list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, clap::Args, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileFilter {
    /// Analyse only files matching this glob (repeatable)
    #[arg(long, value_name = "GLOB", help_heading = "Analysis Options")]
    #[serde(default)]
    pub include: Vec<String>,

    /// Skip files matching this glob (repeatable)
    #[arg(long, value_name = "GLOB", help_heading = "Analysis Options")]
    #[serde(default)]
    pub exclude_path: Vec<String>,
}

impl FileFilter {
    /// These lists, the empty ones taken from `lower`.
    pub fn or(self, lower: Self) -> Self {
        let pick =
            |mine: Vec<String>, theirs: Vec<String>| if mine.is_empty() { theirs } else { mine };
        FileFilter {
            include: pick(self.include, lower.include),
            exclude_path: pick(self.exclude_path, lower.exclude_path),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn flags_over_config_over_defaults() {
        let flags = CloneFlags {
            min_tokens: Some(30),
            ..CloneFlags::default()
        };
        let config = CloneFlags {
            min_lines: Some(9),
            min_tokens: Some(70),
            ..CloneFlags::default()
        };
        let limits = flags.or(config).resolve();
        assert_eq!((limits.min_lines, limits.min_tokens), (9, 30));
        assert!((limits.similarity.0 - 0.8).abs() < f64::EPSILON);
    }

    #[test]
    fn help_shows_the_default() {
        use clap::CommandFactory;
        let help = crate::cli::CargoCli::command()
            .find_subcommand_mut("loop")
            .unwrap()
            .find_subcommand_mut("smells")
            .unwrap()
            .render_help()
            .to_string();
        assert!(help.contains("[default: 100]"), "{help}");
    }
}
