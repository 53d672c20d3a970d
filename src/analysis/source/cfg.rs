//! `#[cfg]` predicates: read from attributes and `cfg_if!` branches, evaluated against the
//! features a build selects, and compared to tell alternatives that never build together
//! (the unix and the windows version of one function, a feature on and off).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use syn::punctuated::Punctuated;
use syn::{Meta, Token};

/// A `cfg` predicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cfg {
    All(Vec<Cfg>),
    Any(Vec<Cfg>),
    Not(Box<Cfg>),
    /// `unix`, `test`, `debug_assertions`.
    Flag(String),
    /// `feature = "x"`, `target_os = "linux"`.
    Key(String, String),
}

/// What a build is known to select: whether test code is analysed, and the features when a
/// feature flag asks for a build's view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Build {
    pub test: bool,
    pub features: Option<BTreeSet<String>>,
}

/// Operating systems in the `unix` family, for `unix` against `target_os`.
const UNIX: [&str; 14] = [
    "linux",
    "macos",
    "ios",
    "android",
    "freebsd",
    "netbsd",
    "openbsd",
    "dragonfly",
    "solaris",
    "illumos",
    "haiku",
    "redox",
    "fuchsia",
    "aix",
];
/// Configuration keys that take one value per target.
const ONE_VALUE: [&str; 6] = [
    "target_arch",
    "target_env",
    "target_pointer_width",
    "target_endian",
    "target_vendor",
    "panic",
];
/// More unknown flags than this and [`exclusive`] does not look (2^n builds to try).
const MAX_FLAGS: usize = 12;

impl Cfg {
    pub fn parse(meta: &Meta) -> Option<Cfg> {
        match meta {
            Meta::Path(path) => Some(Cfg::Flag(path.get_ident()?.to_string())),
            Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(Cfg::Key(nv.path.get_ident()?.to_string(), s.value())),
                _ => None,
            },
            Meta::List(list) => {
                let parts = list
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .ok()?;
                let parts: Option<Vec<Cfg>> = parts.iter().map(Cfg::parse).collect();
                let mut parts = parts?;
                match list.path.get_ident()?.to_string().as_str() {
                    "all" => Some(Cfg::All(parts)),
                    "any" => Some(Cfg::Any(parts)),
                    "not" if parts.len() == 1 => Some(Cfg::Not(Box::new(parts.pop()?))),
                    _ => None,
                }
            }
        }
    }

    /// The predicate of the `#[cfg]` attributes among `attrs` (all of them), if any.
    pub fn of_attrs(attrs: &[syn::Attribute]) -> Option<Cfg> {
        let preds: Vec<Cfg> = attrs
            .iter()
            .filter(|attr| attr.path().is_ident("cfg"))
            .filter_map(|attr| Cfg::parse(&attr.parse_args::<Meta>().ok()?))
            .collect();
        Cfg::all(preds)
    }

    /// `all` of `preds`, or the one predicate, or none.
    pub fn all(mut preds: Vec<Cfg>) -> Option<Cfg> {
        match preds.len() {
            0 => None,
            1 => preds.pop(),
            _ => Some(Cfg::All(preds)),
        }
    }

    /// The predicate's value in `build`; `None` when it depends on what is not known (the
    /// target, an unknown flag, the features of a package whose manifest was not read).
    pub fn eval(&self, build: &Build) -> Option<bool> {
        match self {
            Cfg::All(parts) => fold(parts.iter().map(|p| p.eval(build)), false),
            Cfg::Any(parts) => fold(parts.iter().map(|p| p.eval(build)), true),
            Cfg::Not(inner) => inner.eval(build).map(|v| !v),
            // Test code is analysed beside the rest with `--tests`, not instead of it.
            Cfg::Flag(flag) if flag == "test" => (!build.test).then_some(false),
            Cfg::Key(key, value) if key == "feature" => {
                build.features.as_ref().map(|f| f.contains(value))
            }
            _ => None,
        }
    }

    /// The flags and values it names (`unix`, `tracing` of `feature = "tracing"`).
    pub fn names(&self) -> Vec<&str> {
        let mut atoms = Vec::new();
        self.atoms(&mut atoms);
        (atoms.into_iter())
            .filter_map(|atom| match atom {
                Cfg::Flag(f) | Cfg::Key(_, f) => Some(f.as_str()),
                _ => None,
            })
            .collect()
    }

    fn atoms<'a>(&'a self, out: &mut Vec<&'a Cfg>) {
        match self {
            Cfg::All(parts) | Cfg::Any(parts) => parts.iter().for_each(|p| p.atoms(out)),
            Cfg::Not(inner) => inner.atoms(out),
            atom => out.push(atom),
        }
    }

    /// Its value in one assignment: a target `os`, a value per one-value key, and a set of
    /// true flags (features among them).
    fn holds(&self, world: &World) -> bool {
        match self {
            Cfg::All(parts) => parts.iter().all(|p| p.holds(world)),
            Cfg::Any(parts) => parts.iter().any(|p| p.holds(world)),
            Cfg::Not(inner) => !inner.holds(world),
            Cfg::Flag(flag) => match flag.as_str() {
                "unix" => world.family() == "unix",
                "windows" => world.family() == "windows",
                _ => world.flags.contains(&self),
            },
            Cfg::Key(key, value) => match key.as_str() {
                "target_os" => world.os == value,
                "target_family" => world.family() == value,
                k if ONE_VALUE.contains(&k) => world
                    .keys
                    .iter()
                    .any(|(kk, v)| *kk == k && *v == value.as_str()),
                _ => world.flags.contains(&self),
            },
        }
    }
}

/// `All` (`any = false`) or `Any` over three-valued parts.
fn fold(values: impl Iterator<Item = Option<bool>>, any: bool) -> Option<bool> {
    let mut unknown = false;
    for value in values {
        match value {
            Some(v) if v == any => return Some(any),
            None => unknown = true,
            _ => {}
        }
    }
    (!unknown).then_some(!any)
}

/// One build to try: the target's OS, its one-value keys, and the flags that are set.
struct World<'a> {
    os: &'a str,
    keys: Vec<(&'a str, &'a str)>,
    flags: Vec<&'a Cfg>,
}

impl World<'_> {
    fn family(&self) -> &str {
        match self.os {
            "windows" => "windows",
            "other unix" => "unix",
            "other" => "wasm",
            os if UNIX.contains(&os) => "unix",
            _ => "other",
        }
    }
}

/// Whether no build satisfies both predicates: the code under one is never compiled with
/// the code under the other. Unknown flags and features are tried both ways; the target OS
/// and each one-value key take one of the values named, or another.
pub fn exclusive(a: &Cfg, b: &Cfg) -> bool {
    let mut atoms = Vec::new();
    a.atoms(&mut atoms);
    b.atoms(&mut atoms);
    let mut oses: Vec<&str> = vec!["other unix", "other"];
    let mut keys: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut flags: Vec<&Cfg> = Vec::new();
    for atom in atoms {
        match atom {
            Cfg::Key(k, v) if k == "target_os" => oses.push(v),
            Cfg::Key(k, v) if ONE_VALUE.contains(&k.as_str()) => {
                match keys.iter_mut().find(|(kk, _)| kk == k) {
                    Some((_, values)) => values.push(v),
                    None => keys.push((k, vec![v, "other"])),
                }
            }
            Cfg::Flag(f) if f == "windows" => oses.push("windows"),
            Cfg::Flag(f) if f == "unix" => {}
            Cfg::Key(k, v) if k == "target_family" => {
                if v == "windows" {
                    oses.push("windows");
                }
            }
            other => flags.push(other),
        }
    }
    oses.sort_unstable();
    oses.dedup();
    flags.sort_by_key(|f| format!("{f:?}"));
    flags.dedup();
    if flags.len() > MAX_FLAGS {
        return false;
    }
    let mut key_choices: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for (key, values) in &keys {
        key_choices = key_choices
            .into_iter()
            .flat_map(|chosen| {
                values.iter().map(move |v| {
                    let mut next = chosen.clone();
                    next.push((*key, *v));
                    next
                })
            })
            .collect();
    }
    for &os in &oses {
        for chosen in &key_choices {
            for mask in 0u32..(1 << flags.len()) {
                let world = World {
                    os,
                    keys: chosen.clone(),
                    flags: (flags.iter().enumerate())
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, f)| *f)
                        .collect(),
                };
                if a.holds(&world) && b.holds(&world) {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod test {
    use super::*;

    fn cfg(text: &str) -> Cfg {
        Cfg::parse(&syn::parse_str::<Meta>(text).unwrap()).unwrap()
    }

    #[test]
    fn alternatives_that_never_build_together_are_exclusive() {
        for (a, b) in [
            ("unix", "windows"),
            ("target_os = \"linux\"", "target_os = \"macos\""),
            ("target_os = \"linux\"", "windows"),
            ("feature = \"x\"", "not(feature = \"x\")"),
            (
                "any(target_os = \"linux\", target_os = \"macos\")",
                "not(unix)",
            ),
            (
                "all(unix, feature = \"a\")",
                "not(any(unix, feature = \"b\"))",
            ),
            (
                "target_pointer_width = \"64\"",
                "target_pointer_width = \"32\"",
            ),
        ] {
            assert!(exclusive(&cfg(a), &cfg(b)), "{a} vs {b}");
            assert!(exclusive(&cfg(b), &cfg(a)), "{b} vs {a}");
        }
        for (a, b) in [
            ("unix", "target_os = \"linux\""),
            ("feature = \"x\"", "feature = \"y\""),
            ("not(windows)", "target_os = \"freebsd\""),
            ("any(unix, windows)", "windows"),
            ("debug_assertions", "not(test)"),
        ] {
            assert!(!exclusive(&cfg(a), &cfg(b)), "{a} vs {b}");
        }
    }

    #[test]
    fn a_predicate_is_known_only_from_test_and_read_features() {
        let features = Build {
            test: false,
            features: Some(BTreeSet::from(["on".to_string()])),
        };
        let unknown = Build::default();
        assert_eq!(cfg("feature = \"on\"").eval(&features), Some(true));
        assert_eq!(cfg("feature = \"off\"").eval(&features), Some(false));
        assert_eq!(cfg("feature = \"on\"").eval(&unknown), None);
        assert_eq!(
            cfg("all(unix, feature = \"off\")").eval(&features),
            Some(false)
        );
        assert_eq!(
            cfg("any(unix, feature = \"on\")").eval(&features),
            Some(true)
        );
        assert_eq!(cfg("all(unix, feature = \"on\")").eval(&features), None);
        assert_eq!(cfg("not(test)").eval(&features), Some(true));
        let tests = Build {
            test: true,
            ..features
        };
        assert_eq!(
            cfg("not(test)").eval(&tests),
            None,
            "analysed beside test code"
        );
    }
}
