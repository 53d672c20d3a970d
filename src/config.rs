//! Resolves command-line flags and configuration files into [`Options`].
//!
//! Precedence: command line, then `loop.toml` at the workspace root, then
//! `[workspace.metadata.loop]`, then `[package.metadata.loop]` of the root package, then defaults.
//! Unknown keys are an error that names the key and the file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::cli::{AnalysisArgs, CiArgs, CommonArgs, FailOn, FixArgs};
use crate::options::Format;
pub use crate::options::Thresholds;
use crate::options::{
    AgentFlags, CloneFlags, FileFilter, LoopFlags, LoopGoalFlags, OutputFlags, OversightFlags,
    SelectionFlags, ThresholdFlags, VerifyFlags,
};

/// Configuration keys, named as the flags are.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(flatten)]
    pub clones: CloneFlags,
    #[serde(flatten)]
    pub thresholds: ThresholdFlags,
    #[serde(flatten)]
    pub agent_limits: AgentFlags,
    #[serde(flatten)]
    pub oversight: OversightFlags,
    #[serde(flatten)]
    pub loop_limits: LoopFlags,
    #[serde(flatten)]
    pub loop_goals: LoopGoalFlags,
    #[serde(flatten)]
    pub selection: SelectionFlags,
    #[serde(flatten)]
    pub output: OutputFlags,
    #[serde(flatten)]
    pub files: FileFilter,
    #[serde(flatten)]
    pub verify: VerifyFlags,
    pub tests: Option<bool>,
    pub no_tests: Option<bool>,
    pub no_cache: Option<bool>,
    /// Relative to the workspace root.
    pub out: Option<PathBuf>,
    /// The baseline file, relative to the workspace root.
    pub baseline: Option<PathBuf>,
    /// Globs over file paths or item paths whose duplicates are never reported.
    pub allow_duplicate: Option<Vec<String>>,
    pub fail_on: Option<FailOnConfig>,
    /// Workspace members by layer, top layer first (configuration only).
    pub layers: Option<Vec<Vec<String>>>,
    pub keep_env: Option<Vec<String>>,
    /// Globs over paths that no agent may edit (configuration only).
    pub deny_paths: Option<Vec<String>>,
    /// Prices per model, per million tokens (configuration only).
    pub prices: Option<std::collections::BTreeMap<String, Price>>,
    /// Agents, budget shares and prompts per kind of finding.
    pub roles: Option<std::collections::BTreeMap<String, RoleConfig>>,
    /// The keys of the flags that are switches or selections rather than limits: a flag given
    /// wins; a switch set here is on unless the flag is given otherwise.
    #[serde(flatten)]
    pub keeping: Keeping,
    #[serde(flatten)]
    pub gate: GateKeys,
    #[serde(flatten)]
    pub cargo: CargoSelection,
}

/// Which findings `fix` and `run` work on, and what they may write.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Keeping {
    pub findings: Option<crate::cli::FindingKinds>,
    pub allow_sensitive: Option<bool>,
    pub dry_run: Option<bool>,
    pub commit: Option<bool>,
    pub branch_per_refactor: Option<bool>,
    pub allow_dirty: Option<bool>,
    pub allow_no_vcs: Option<bool>,
    pub no_wait: Option<bool>,
}

/// `ci`'s absolute limits and the reference it compares with.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GateKeys {
    pub max_duplicated_lines: Option<u64>,
    pub max_smells: Option<usize>,
    pub baseline_from_ref: Option<String>,
}

/// Cargo's package and feature selection.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CargoSelection {
    pub package: Option<Vec<String>>,
    pub workspace: Option<bool>,
    pub exclude: Option<Vec<String>>,
    pub features: Option<Vec<String>>,
    pub all_features: Option<bool>,
    pub no_default_features: Option<bool>,
}

impl Keeping {
    /// These values, the unset ones taken from `lower`.
    fn or(self, lower: Keeping) -> Keeping {
        Keeping {
            findings: self.findings.or(lower.findings),
            allow_sensitive: self.allow_sensitive.or(lower.allow_sensitive),
            dry_run: self.dry_run.or(lower.dry_run),
            commit: self.commit.or(lower.commit),
            branch_per_refactor: self.branch_per_refactor.or(lower.branch_per_refactor),
            allow_dirty: self.allow_dirty.or(lower.allow_dirty),
            allow_no_vcs: self.allow_no_vcs.or(lower.allow_no_vcs),
            no_wait: self.no_wait.or(lower.no_wait),
        }
    }
}

impl GateKeys {
    /// These values, the unset ones taken from `lower`.
    fn or(self, lower: GateKeys) -> GateKeys {
        GateKeys {
            max_duplicated_lines: self.max_duplicated_lines.or(lower.max_duplicated_lines),
            max_smells: self.max_smells.or(lower.max_smells),
            baseline_from_ref: self.baseline_from_ref.or(lower.baseline_from_ref),
        }
    }
}

impl CargoSelection {
    /// These values, the unset ones taken from `lower`.
    fn or(self, lower: CargoSelection) -> CargoSelection {
        CargoSelection {
            package: self.package.or(lower.package),
            workspace: self.workspace.or(lower.workspace),
            exclude: self.exclude.or(lower.exclude),
            features: self.features.or(lower.features),
            all_features: self.all_features.or(lower.all_features),
            no_default_features: self.no_default_features.or(lower.no_default_features),
        }
    }
}

/// The `fail-on` key: what the flag takes (`"new"`, `["new", "note"]`), or `true` for the
/// bare flag and `false` for `never`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FailOnConfig {
    Bare(bool),
    One(FailOn),
    Many(Vec<FailOn>),
}

impl FailOnConfig {
    fn values(&self) -> Vec<FailOn> {
        match self {
            FailOnConfig::Bare(on) => vec![if *on { FailOn::Any } else { FailOn::Never }],
            FailOnConfig::One(value) => vec![*value],
            FailOnConfig::Many(values) => values.clone(),
        }
    }
}

/// A model's prices in US dollars per million tokens: cached input and cache writes cost as
/// much as input unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Price {
    pub input: f64,
    pub output: f64,
    pub cached_input: Option<f64>,
    pub cache_write: Option<f64>,
}

/// A role in configuration: an agent alone (`duplication = "builtin"`) or a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RoleConfig {
    Agent(String),
    Table(RoleTable),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoleTable {
    pub agent: Option<String>,
    /// The share of `--budget-tokens` and `--budget-usd` the role may spend, from 0 to 1.
    pub budget_share: Option<f64>,
    /// Instructions added to the role's prompts.
    pub prompt: Option<String>,
}

impl ConfigFile {
    /// Fills the unset keys of `self` from `lower`.
    fn or(self, lower: ConfigFile) -> ConfigFile {
        ConfigFile {
            clones: self.clones.or(lower.clones),
            thresholds: self.thresholds.or(lower.thresholds),
            agent_limits: self.agent_limits.or(lower.agent_limits),
            oversight: self.oversight.or(lower.oversight),
            loop_limits: self.loop_limits.or(lower.loop_limits),
            loop_goals: self.loop_goals.or(lower.loop_goals),
            selection: self.selection.or(lower.selection),
            output: self.output.or(lower.output),
            verify: self.verify.or(lower.verify),
            tests: self.tests.or(lower.tests),
            no_tests: self.no_tests.or(lower.no_tests),
            no_cache: self.no_cache.or(lower.no_cache),
            out: self.out.or(lower.out),
            baseline: self.baseline.or(lower.baseline),
            files: self.files.or(lower.files),
            allow_duplicate: self.allow_duplicate.or(lower.allow_duplicate),
            fail_on: self.fail_on.or(lower.fail_on),
            layers: self.layers.or(lower.layers),
            keep_env: self.keep_env.or(lower.keep_env),
            deny_paths: self.deny_paths.or(lower.deny_paths),
            prices: self.prices.or(lower.prices),
            roles: self.roles.or(lower.roles),
            keeping: self.keeping.or(lower.keeping),
            gate: self.gate.or(lower.gate),
            cargo: self.cargo.or(lower.cargo),
        }
    }

    /// Reads `loop.toml`; a missing file is an empty configuration.
    pub fn read_toml(path: &Path) -> anyhow::Result<ConfigFile> {
        let Some(bytes) = crate::files::read_optional(path)? else {
            return Ok(ConfigFile::default());
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
        let origin = path.display().to_string();
        let table: toml::Table = toml::from_str(&text)
            .map_err(|err| anyhow::anyhow!("invalid configuration in {origin}: {err}"))?;
        let line_of = |key: &str| {
            text.lines().position(|line| {
                let line = line.trim_start();
                let header = line
                    .trim_start_matches('[')
                    .trim_end()
                    .trim_end_matches(']');
                if line.starts_with('[') && header.split('.').next() == Some(key) {
                    return true;
                }
                let line = line.trim_start_matches(['"', '\'']);
                line.strip_prefix(key).is_some_and(|rest| {
                    rest.trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with('=')
                })
            })
        };
        let parse = |entries: Vec<(String, toml::Value)>| {
            toml::Value::Table(entries.into_iter().collect())
                .try_into::<ConfigFile>()
                .map_err(|err| err.message().to_owned())
        };
        let entries: Vec<_> = table.into_iter().collect();
        checked(&entries, parse, |key| match line_of(key) {
            Some(line) => format!("{origin}, line {}", line + 1),
            None => origin.clone(),
        })
    }

    /// Reads a `metadata.loop` table that `cargo_metadata` gave back as JSON.
    pub fn from_metadata(value: &serde_json::Value, origin: &str) -> anyhow::Result<ConfigFile> {
        match value.get("loop") {
            None | Some(serde_json::Value::Null) => Ok(ConfigFile::default()),
            Some(serde_json::Value::Object(table)) => {
                let parse = |entries: Vec<(String, serde_json::Value)>| {
                    serde_json::from_value(serde_json::Value::Object(entries.into_iter().collect()))
                        .map_err(|err| err.to_string())
                };
                let entries: Vec<_> = table.clone().into_iter().collect();
                checked(&entries, parse, |_| origin.to_owned())
            }
            Some(other) => {
                bail!("invalid configuration in {origin}: expected a table, got {other}")
            }
        }
    }
}

/// A configuration table as [`ConfigFile`]. Through `flatten`, serde's error names neither
/// the key nor its place, so on failure each key is tried alone and the first that fails is
/// named, with `place(key)` saying where it is.
fn checked<V: Clone>(
    table: &[(String, V)],
    parse: impl Fn(Vec<(String, V)>) -> Result<ConfigFile, String>,
    place: impl Fn(&str) -> String,
) -> anyhow::Result<ConfigFile> {
    let whole = match parse(table.to_vec()) {
        Ok(config) => return Ok(config),
        Err(err) => err,
    };
    for entry in table {
        if let Err(err) = parse(vec![entry.clone()]) {
            let key = &entry.0;
            if err.starts_with("unknown field") {
                bail!("unknown configuration key `{key}` in {}", place(key));
            }
            bail!(
                "invalid value for configuration key `{key}` in {}: {err}",
                place(key)
            );
        }
    }
    bail!("invalid configuration in {}: {whole}", place(""))
}

/// Resolved analysis options.
#[derive(Debug, Clone)]
pub struct Options {
    pub min_lines: usize,
    pub min_tokens: usize,
    pub similarity: f64,
    pub tests: bool,
    pub include: Option<GlobSet>,
    pub exclude_path: Option<GlobSet>,
    pub allow_duplicate: Option<GlobSet>,
    pub format: Format,
    /// When findings fail the run (`--fail-on`); `None`: never.
    pub fail_on: Option<Gate>,
    pub out: Option<PathBuf>,
    /// The baseline file the configuration names (`--baseline` wins).
    pub baseline: Option<PathBuf>,
    pub cache: bool,
    pub thresholds: Thresholds,
    /// Workspace members by layer, top layer first.
    pub layers: Vec<Vec<String>>,
    /// Clone detection as if no allow marker were written: which markers silence something.
    pub ignore_allows: bool,
}

/// Which findings fail a run with exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// Only findings the baseline lacks (`ci`), or every finding.
    pub new_only: bool,
    /// Notes count as well as warnings.
    pub notes: bool,
}

impl Gate {
    /// `--fail-on` values over the `fail-on` configuration key; `None`: nothing fails.
    pub fn of(values: Option<&[FailOn]>, config: Option<&FailOnConfig>) -> Option<Gate> {
        Gate::scoped(values, config, false)
    }

    /// `ci`'s gate: new warnings when nothing is said; a level alone (`warning`, `note`)
    /// keeps to new findings, as only `any` judges every one.
    pub fn of_ci(values: Option<&[FailOn]>, config: Option<&FailOnConfig>) -> Option<Gate> {
        if values.is_none() && config.is_none() {
            return Some(Gate {
                new_only: true,
                notes: false,
            });
        }
        Gate::scoped(values, config, true)
    }

    fn scoped(
        values: Option<&[FailOn]>,
        config: Option<&FailOnConfig>,
        new_by_default: bool,
    ) -> Option<Gate> {
        let configured = config.map(FailOnConfig::values);
        let values = values.or(configured.as_deref())?;
        if values.contains(&FailOn::Never) {
            return None;
        }
        let new = new_by_default || values.contains(&FailOn::New);
        Some(Gate {
            new_only: new && !values.contains(&FailOn::Any),
            notes: values.contains(&FailOn::Note),
        })
    }
}

impl Options {
    /// Merges flags over configuration (already merged by precedence) over defaults.
    pub fn resolve(args: &AnalysisArgs, config: &ConfigFile) -> anyhow::Result<Options> {
        let tests = if args.tests {
            true
        } else if args.no_tests {
            false
        } else {
            if config
                .tests
                .is_some_and(|tests| config.no_tests == Some(tests))
            {
                bail!("the configuration sets both `tests` and `no-tests` to the same value");
            }
            (config.tests.or(config.no_tests.map(|no| !no))).unwrap_or(false)
        };
        let thresholds = args
            .thresholds
            .clone()
            .or(config.thresholds.clone())
            .resolve();
        let clones = args.clones.clone().or(config.clones.clone()).resolve();
        let similarity = clones.similarity.0;
        let format = args
            .output
            .clone()
            .or(config.output.clone())
            .resolve()
            .format;
        let files = args.files.clone().or(config.files.clone());
        Ok(Options {
            min_lines: clones.min_lines.max(1),
            min_tokens: clones.min_tokens.max(1),
            similarity,
            tests,
            include: glob_set(Some(&files.include), "--include")?,
            exclude_path: glob_set(Some(&files.exclude_path), "--exclude-path")?,
            allow_duplicate: glob_set(config.allow_duplicate.as_deref(), "allow-duplicate")?,
            format,
            fail_on: Gate::of(args.fail_on.as_deref(), config.fail_on.as_ref()),
            out: (args.out.clone().or(config.out.clone()))
                .map(|out| crate::record::out_dir::OutDir::check(&out).map(|()| out))
                .transpose()?,
            baseline: config.baseline.clone(),
            cache: !(args.no_cache || config.no_cache.unwrap_or(false)),
            layers: config.layers.clone().unwrap_or_default(),
            ignore_allows: false,
            thresholds: Thresholds {
                // One module matching an enum is no shotgun surgery.
                shotgun_modules: thresholds.shotgun_modules.max(2),
                ..thresholds
            },
        })
    }

    /// The options that change what a scan finds, as a stable string for cache keys.
    pub fn analysis_key(&self, globs: &[&[String]]) -> String {
        format!(
            "{} {} {} {} {:?} {:?} {:?}",
            self.min_lines,
            self.min_tokens,
            self.similarity,
            self.tests,
            globs,
            self.thresholds,
            self.layers
        )
    }

    /// Whether a path relative to the root passes `--include` and `--exclude-path`.
    pub fn path_selected(&self, rel: &str) -> bool {
        self.include.as_ref().is_none_or(|set| set.is_match(rel))
            && !self
                .exclude_path
                .as_ref()
                .is_some_and(|set| set.is_match(rel))
    }
}

/// Reads and merges every configuration source of a workspace.
pub fn load(
    root: &Path,
    workspace_metadata: &serde_json::Value,
    root_package_metadata: Option<&serde_json::Value>,
) -> anyhow::Result<ConfigFile> {
    let manifest = root.join("Cargo.toml");
    let manifest_name = manifest.display().to_string();
    let mut config = ConfigFile::read_toml(&root.join("loop.toml"))?;
    config = config.or(ConfigFile::from_metadata(
        workspace_metadata,
        &format!("{manifest_name} [workspace.metadata.loop]"),
    )?);
    if let Some(metadata) = root_package_metadata {
        config = config.or(ConfigFile::from_metadata(
            metadata,
            &format!("{manifest_name} [package.metadata.loop]"),
        )?);
    }
    // Paths in configuration are relative to the workspace root, wherever cargo runs.
    config.out = config.out.map(|out| root.join(out));
    config.baseline = config.baseline.map(|file| root.join(file));
    Ok(config)
}

/// What configuration adds to the flags of a command (see [`Keeping`], [`GateKeys`], [`CargoSelection`]).
impl CommonArgs {
    /// These flags, with the package and feature selection of configuration where the
    /// command line selects none.
    pub fn with_config(&self, config: &ConfigFile) -> CommonArgs {
        let keys = &config.cargo;
        let mut merged = self.clone();
        if merged.package.is_empty() && !merged.workspace {
            merged.package = keys.package.clone().unwrap_or_default();
            merged.workspace = keys.workspace.unwrap_or(false);
        }
        if merged.exclude.is_empty() {
            merged.exclude = keys.exclude.clone().unwrap_or_default();
        }
        if merged.features.is_empty() {
            merged.features = keys.features.clone().unwrap_or_default();
        }
        merged.all_features |= keys.all_features.unwrap_or(false);
        merged.no_default_features |= keys.no_default_features.unwrap_or(false);
        merged
    }
}

impl CiArgs {
    /// These flags, with the gate's limits and reference from configuration where the
    /// command line sets none.
    pub fn with_config(&self, config: &ConfigFile) -> CiArgs {
        let keys = &config.gate;
        let mut merged = self.clone();
        merged.max_duplicated_lines = merged.max_duplicated_lines.or(keys.max_duplicated_lines);
        merged.max_smells = merged.max_smells.or(keys.max_smells);
        if merged.baseline_from_ref.is_none() {
            merged.baseline_from_ref.clone_from(&keys.baseline_from_ref);
        }
        merged
    }
}

impl FixArgs {
    /// These flags, with the switches configuration turns on, and its kinds of findings when
    /// the command line names none; `--commit` and `--dry-run` still exclude each other.
    pub fn with_config(&self, config: &ConfigFile) -> Result<FixArgs, crate::error::UsageError> {
        let keys = &config.keeping;
        let on = |key: Option<bool>| key.unwrap_or(false);
        let mut merged = self.clone();
        merged.allow_sensitive |= on(keys.allow_sensitive);
        merged.dry_run |= on(keys.dry_run);
        merged.commit |= on(keys.commit);
        merged.branch_per_refactor |= on(keys.branch_per_refactor);
        let verify = &mut merged.pipeline.verify;
        verify.allow_dirty |= on(keys.allow_dirty);
        verify.allow_no_vcs |= on(keys.allow_no_vcs);
        verify.no_wait |= on(keys.no_wait);
        let choice = &mut merged.pipeline.choice;
        choice.findings = choice.findings.or(keys.findings);
        let writes = [merged.commit, merged.branch_per_refactor];
        if merged.dry_run && writes.contains(&true) || merged.commit && merged.branch_per_refactor {
            return Err(crate::error::UsageError(
                "`commit`, `branch-per-refactor` and `dry-run` exclude each other (flags or \
                 configuration)"
                    .to_owned(),
            ));
        }
        Ok(merged)
    }
}

fn glob_set(globs: Option<&[String]>, origin: &str) -> anyhow::Result<Option<GlobSet>> {
    let Some(globs) = globs else { return Ok(None) };
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).with_context(|| format!("invalid glob `{glob}` in {origin}"))?);
        // A folder stands for what is in it, as in `.gitignore`: `src/gen` is `src/gen/**`.
        let inside = format!("{}/**", glob.trim_end_matches('/'));
        if !glob.ends_with("**") {
            builder.add(Glob::new(&inside)?);
        }
    }
    Ok(Some(
        builder
            .build()
            .with_context(|| format!("invalid globs in {origin}"))?,
    ))
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_folder_given_as_a_glob_stands_for_what_is_in_it() {
        let set = glob_set(Some(&["src/canvas".to_string()]), "--exclude-path")
            .unwrap()
            .unwrap();
        assert!(set.is_match("src/canvas/widgets/a.rs"));
        assert!(!set.is_match("src/canvas.rs"));
        let set = glob_set(Some(&["src/*.rs".to_string()]), "--include")
            .unwrap()
            .unwrap();
        assert!(set.is_match("src/lib.rs") && !set.is_match("tests/a.rs"));
    }

    /// Every flag has a key: the switches and selections too, read as the flags read them.
    #[test]
    fn switches_and_selections_have_keys_that_fill_what_the_flags_leave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(
            &path,
            "findings = \"smells\"\nallow-sensitive = true\ncommit = true\nallow-dirty = true\n\
             max-smells = 3\nbaseline-from-ref = \"origin/main\"\nexclude = [\"beta\"]\n\
             features = [\"extra\"]\nno-default-features = true\n",
        )
        .unwrap();
        let config = ConfigFile::read_toml(&path).unwrap();
        let common = crate::cli::CommonArgs {
            features: vec!["mine".into()],
            ..crate::cli::CommonArgs::default()
        }
        .with_config(&config);
        assert_eq!(common.features, ["mine"], "a flag given wins");
        assert_eq!(common.exclude, ["beta"]);
        assert!(common.no_default_features);
        let parsed = <crate::cli::CargoCli as clap::Parser>::try_parse_from([
            "cargo",
            "loop",
            "fix",
            "--dry-run",
        ])
        .unwrap();
        let crate::cli::CargoCli::Loop(args) = parsed;
        let crate::cli::Command::Fix(fix) = args.command else {
            panic!("not fix")
        };
        let err = fix.with_config(&config).unwrap_err().to_string();
        assert!(err.contains("exclude each other"), "{err}");
        std::fs::write(&path, "findings = \"smells\"\nallow-sensitive = true\n").unwrap();
        let merged = fix
            .with_config(&ConfigFile::read_toml(&path).unwrap())
            .unwrap();
        assert!(merged.allow_sensitive && merged.dry_run);
        assert_eq!(
            merged.pipeline.choice.findings,
            Some(crate::cli::FindingKinds::Smells)
        );
    }

    #[test]
    fn unknown_key_in_loop_toml_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(&path, "min-lines = 3\nmin-linez = 4\n\n[roles.x]\n").unwrap();
        let err = ConfigFile::read_toml(&path).unwrap_err().to_string();
        assert!(
            err.contains("unknown configuration key `min-linez`"),
            "{err}"
        );
        assert!(err.contains("loop.toml, line 2"), "{err}");
        std::fs::write(&path, "min-lines = 3\n\n[clones]\nx = 1\n").unwrap();
        let err = ConfigFile::read_toml(&path).unwrap_err().to_string();
        assert!(
            err.contains("`clones` in") && err.contains("line 3"),
            "{err}"
        );
    }

    #[test]
    fn tests_and_no_tests_that_contradict_each_other_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(&path, "tests = true\nno-tests = true\n").unwrap();
        let config = ConfigFile::read_toml(&path).unwrap();
        let err = Options::resolve(&AnalysisArgs::default(), &config).unwrap_err();
        assert!(
            err.to_string().contains("both `tests` and `no-tests`"),
            "{err}"
        );
        std::fs::write(&path, "tests = true\nno-tests = false\n").unwrap();
        let config = ConfigFile::read_toml(&path).unwrap();
        assert!(
            Options::resolve(&AnalysisArgs::default(), &config)
                .unwrap()
                .tests
        );
    }

    #[test]
    fn a_wrong_type_names_the_key_the_file_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(&path, "attempts = 3\nmin-lines = \"six\"\n").unwrap();
        let err = ConfigFile::read_toml(&path).unwrap_err().to_string();
        assert!(err.contains("loop.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("min-lines"), "{err}");
    }

    #[test]
    fn unknown_keys_in_metadata_are_named_and_known_ones_read() {
        let metadata = serde_json::json!({"loop": {"max-params": 3, "hub-fann": 2}});
        let err = ConfigFile::from_metadata(&metadata, "Cargo.toml [workspace.metadata.loop]")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`hub-fann`") && err.contains("Cargo.toml"),
            "{err}"
        );
        let metadata = serde_json::json!({"loop": {"max-params": 3}});
        let config = ConfigFile::from_metadata(&metadata, "x").unwrap();
        assert_eq!(config.thresholds.max_params, Some(3));
    }

    #[test]
    fn flags_override_config_and_config_overrides_defaults() {
        let config = ConfigFile {
            clones: CloneFlags {
                min_lines: Some(9),
                min_tokens: Some(70),
                ..CloneFlags::default()
            },
            ..ConfigFile::default()
        };
        let args = AnalysisArgs {
            clones: CloneFlags {
                min_tokens: Some(30),
                ..CloneFlags::default()
            },
            ..AnalysisArgs::default()
        };
        let options = Options::resolve(&args, &config).unwrap();
        assert_eq!(options.min_lines, 9);
        assert_eq!(options.min_tokens, 30);
        assert!((options.similarity - 0.8).abs() < f64::EPSILON);
        assert!(!options.tests);
    }

    #[test]
    fn similarity_out_of_range_is_an_error_naming_the_key_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(&path, "min-lines = 8\nsimilarity = 1.5\n").unwrap();
        let err = ConfigFile::read_toml(&path).unwrap_err().to_string();
        assert!(err.contains("`similarity`"), "{err}");
        assert!(err.contains("loop.toml, line 2"), "{err}");
        assert!(err.contains("between 0 and 1, got 1.5"), "{err}");
        let flag: Result<crate::options::Ratio, _> = "1.5".parse();
        assert_eq!(flag.unwrap_err(), "must be between 0 and 1, got 1.5");
    }
}
