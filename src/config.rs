//! Resolves command-line flags and configuration files into [`Options`].
//!
//! Precedence: command line, then `loop.toml` at the workspace root, then
//! `[workspace.metadata.loop]`, then `[package.metadata.loop]` of the root package, then defaults.
//! Unknown keys are an error that names the key and the file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::cli::{AnalysisArgs, Format};

/// Configuration keys, named as the flags are.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    pub min_lines: Option<usize>,
    pub min_tokens: Option<usize>,
    pub similarity: Option<f64>,
    pub tests: Option<bool>,
    pub include: Option<Vec<String>>,
    pub exclude_path: Option<Vec<String>>,
    /// Globs over file paths or item paths whose duplicates are never reported.
    pub allow_duplicate: Option<Vec<String>>,
    pub format: Option<String>,
    pub fail_on: Option<bool>,
    pub max_fn_lines: Option<u32>,
    pub max_cognitive: Option<u32>,
    pub max_cyclomatic: Option<u32>,
    pub max_params: Option<u32>,
    pub max_nesting: Option<u32>,
    pub max_module_items: Option<u32>,
    pub max_module_lines: Option<u32>,
    pub hub_fan: Option<u32>,
    pub min_instability_gap: Option<u32>,
    pub shotgun_modules: Option<u32>,
    pub max_type_fields: Option<u32>,
    pub max_type_methods: Option<u32>,
    /// Workspace members by layer, top layer first (configuration only).
    pub layers: Option<Vec<Vec<String>>>,
    pub agent: Option<String>,
    pub agent_timeout: Option<u64>,
    pub max_agent_output: Option<u64>,
    pub keep_env: Option<Vec<String>>,
    pub sandbox: Option<String>,
    pub attempts: Option<u32>,
    pub max_candidates: Option<usize>,
    pub test_cmd: Option<String>,
    pub build_timeout: Option<u64>,
    pub test_timeout: Option<u64>,
    /// Globs over paths that no agent may edit (configuration only).
    pub deny_paths: Option<Vec<String>>,
}

impl ConfigFile {
    /// Fills the unset keys of `self` from `lower`.
    fn or(self, lower: ConfigFile) -> ConfigFile {
        ConfigFile {
            min_lines: self.min_lines.or(lower.min_lines),
            min_tokens: self.min_tokens.or(lower.min_tokens),
            similarity: self.similarity.or(lower.similarity),
            tests: self.tests.or(lower.tests),
            include: self.include.or(lower.include),
            exclude_path: self.exclude_path.or(lower.exclude_path),
            allow_duplicate: self.allow_duplicate.or(lower.allow_duplicate),
            format: self.format.or(lower.format),
            fail_on: self.fail_on.or(lower.fail_on),
            max_fn_lines: self.max_fn_lines.or(lower.max_fn_lines),
            max_cognitive: self.max_cognitive.or(lower.max_cognitive),
            max_cyclomatic: self.max_cyclomatic.or(lower.max_cyclomatic),
            max_params: self.max_params.or(lower.max_params),
            max_nesting: self.max_nesting.or(lower.max_nesting),
            max_module_items: self.max_module_items.or(lower.max_module_items),
            max_module_lines: self.max_module_lines.or(lower.max_module_lines),
            hub_fan: self.hub_fan.or(lower.hub_fan),
            min_instability_gap: self.min_instability_gap.or(lower.min_instability_gap),
            shotgun_modules: self.shotgun_modules.or(lower.shotgun_modules),
            max_type_fields: self.max_type_fields.or(lower.max_type_fields),
            max_type_methods: self.max_type_methods.or(lower.max_type_methods),
            layers: self.layers.or(lower.layers),
            agent: self.agent.or(lower.agent),
            agent_timeout: self.agent_timeout.or(lower.agent_timeout),
            max_agent_output: self.max_agent_output.or(lower.max_agent_output),
            keep_env: self.keep_env.or(lower.keep_env),
            sandbox: self.sandbox.or(lower.sandbox),
            attempts: self.attempts.or(lower.attempts),
            max_candidates: self.max_candidates.or(lower.max_candidates),
            test_cmd: self.test_cmd.or(lower.test_cmd),
            build_timeout: self.build_timeout.or(lower.build_timeout),
            test_timeout: self.test_timeout.or(lower.test_timeout),
            deny_paths: self.deny_paths.or(lower.deny_paths),
        }
    }

    /// Reads `loop.toml`; a missing file is an empty configuration.
    pub fn read_toml(path: &Path) -> anyhow::Result<ConfigFile> {
        let Some(bytes) = crate::files::read_optional(path)? else {
            return Ok(ConfigFile::default());
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
        toml::from_str(&text).map_err(|err| {
            anyhow::anyhow!(
                "invalid configuration in {}: {}",
                path.display(),
                err.message()
            )
        })
    }

    /// Reads a `metadata.loop` table that `cargo_metadata` gave back as JSON.
    pub fn from_metadata(value: &serde_json::Value, origin: &str) -> anyhow::Result<ConfigFile> {
        match value.get("loop") {
            None | Some(serde_json::Value::Null) => Ok(ConfigFile::default()),
            Some(table) => serde_json::from_value(table.clone())
                .map_err(|err| anyhow::anyhow!("invalid configuration in {origin}: {err}")),
        }
    }
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
    pub fail_on: bool,
    pub out: Option<PathBuf>,
    pub cache: bool,
    pub thresholds: Thresholds,
    /// Workspace members by layer, top layer first.
    pub layers: Vec<Vec<String>>,
}

/// Limits over which a function or module is a smell; named as their flags (`--max-params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub max_fn_lines: u32,
    pub max_cognitive: u32,
    pub max_cyclomatic: u32,
    pub max_params: u32,
    pub max_nesting: u32,
    pub max_module_items: u32,
    pub max_module_lines: u32,
    pub hub_fan: u32,
    /// In hundredths: how much less stable a dependency must be to be reported.
    pub min_instability_gap: u32,
    /// Modules matching one enum variant by variant before it is reported.
    pub shotgun_modules: u32,
    pub max_type_fields: u32,
    pub max_type_methods: u32,
}

impl Options {
    /// Merges flags over configuration (already merged by precedence) over defaults.
    pub fn resolve(args: &AnalysisArgs, config: ConfigFile) -> anyhow::Result<Options> {
        let tests = if args.tests {
            true
        } else if args.no_tests {
            false
        } else {
            config.tests.unwrap_or(false)
        };
        let similarity = args.similarity.or(config.similarity).unwrap_or(0.8);
        if !(0.0..=1.0).contains(&similarity) {
            bail!("--similarity must be between 0 and 1, got {similarity}");
        }
        let format = match (args.format, config.format.as_deref()) {
            (Some(format), _) => format,
            (None, None) => Format::Human,
            (None, Some(name)) => <Format as clap::ValueEnum>::from_str(name, true)
                .map_err(|_| anyhow::anyhow!("invalid configuration: unknown format `{name}` (expected human, json, sarif or github)"))?,
        };
        let include = if args.include.is_empty() {
            config.include
        } else {
            Some(args.include.clone())
        };
        let exclude_path = if args.exclude_path.is_empty() {
            config.exclude_path
        } else {
            Some(args.exclude_path.clone())
        };
        Ok(Options {
            min_lines: args.min_lines.or(config.min_lines).unwrap_or(6).max(1),
            min_tokens: args.min_tokens.or(config.min_tokens).unwrap_or(50).max(1),
            similarity,
            tests,
            include: glob_set(include.as_deref(), "--include")?,
            exclude_path: glob_set(exclude_path.as_deref(), "--exclude-path")?,
            allow_duplicate: glob_set(config.allow_duplicate.as_deref(), "allow-duplicate")?,
            format,
            fail_on: args.fail_on || config.fail_on.unwrap_or(false),
            out: args.out.clone(),
            cache: !args.no_cache,
            layers: config.layers.clone().unwrap_or_default(),
            thresholds: Thresholds {
                max_fn_lines: args.max_fn_lines.or(config.max_fn_lines).unwrap_or(100),
                max_cognitive: args.max_cognitive.or(config.max_cognitive).unwrap_or(25),
                max_cyclomatic: args.max_cyclomatic.or(config.max_cyclomatic).unwrap_or(15),
                max_params: args.max_params.or(config.max_params).unwrap_or(7),
                max_nesting: args.max_nesting.or(config.max_nesting).unwrap_or(5),
                max_module_items: args
                    .max_module_items
                    .or(config.max_module_items)
                    .unwrap_or(50),
                max_module_lines: args
                    .max_module_lines
                    .or(config.max_module_lines)
                    .unwrap_or(1000),
                hub_fan: args.hub_fan.or(config.hub_fan).unwrap_or(8),
                min_instability_gap: args
                    .min_instability_gap
                    .or(config.min_instability_gap)
                    .unwrap_or(50),
                shotgun_modules: args
                    .shotgun_modules
                    .or(config.shotgun_modules)
                    .unwrap_or(3)
                    .max(2),
                max_type_fields: args
                    .max_type_fields
                    .or(config.max_type_fields)
                    .unwrap_or(15),
                max_type_methods: args
                    .max_type_methods
                    .or(config.max_type_methods)
                    .unwrap_or(30),
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
    Ok(config)
}

fn glob_set(globs: Option<&[String]>, origin: &str) -> anyhow::Result<Option<GlobSet>> {
    let Some(globs) = globs else { return Ok(None) };
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).with_context(|| format!("invalid glob `{glob}` in {origin}"))?);
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
    fn unknown_key_in_loop_toml_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loop.toml");
        std::fs::write(&path, "min-lines = 3\nmin-linez = 4\n").unwrap();
        let err = ConfigFile::read_toml(&path).unwrap_err().to_string();
        assert!(err.contains("min-linez"), "{err}");
        assert!(err.contains("loop.toml"), "{err}");
    }

    #[test]
    fn flags_override_config_and_config_overrides_defaults() {
        let config = ConfigFile {
            min_lines: Some(9),
            min_tokens: Some(70),
            ..ConfigFile::default()
        };
        let args = AnalysisArgs {
            min_tokens: Some(30),
            ..AnalysisArgs::default()
        };
        let options = Options::resolve(&args, config).unwrap();
        assert_eq!(options.min_lines, 9);
        assert_eq!(options.min_tokens, 30);
        assert!((options.similarity - 0.8).abs() < f64::EPSILON);
        assert!(!options.tests);
    }

    #[test]
    fn similarity_out_of_range_is_an_error_naming_the_flag() {
        let args = AnalysisArgs {
            similarity: Some(1.5),
            ..AnalysisArgs::default()
        };
        let err = Options::resolve(&args, ConfigFile::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--similarity"), "{err}");
    }
}
