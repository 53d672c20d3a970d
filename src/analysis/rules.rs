//! What each rule finds, why it matters, the usual fix, its threshold keys and how to silence
//! it: written once here, read by the SARIF rules, `docs/rules.md` (a test keeps it in step)
//! and `cargo loop explain`.

use std::fmt::Write;

/// One rule's documentation.
#[derive(Debug)]
pub struct Rule {
    /// The rule id findings carry (`ruleId`, `allow(..)`).
    pub id: &'static str,
    /// In `PascalCase`, as code scanning shows rule names.
    pub name: &'static str,
    /// One line: what it finds.
    pub short: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// The usual fix.
    pub fix: &'static str,
    /// A short example of what it reports.
    pub example: &'static str,
    /// Configuration keys (and flags of the same name) that set its thresholds.
    pub keys: &'static [&'static str],
    /// How often a finding is worth acting on: `high`, `medium` or `low` (SARIF `precision`).
    pub precision: &'static str,
}

const CLONE_KEYS: &[&str] = &["min-lines", "min-tokens", "similarity", "allow-duplicate"];

/// Every rule: the clone rules, then the smells.
pub const RULES: [Rule; 17] = [
    Rule {
        id: "duplicate-code",
        name: "DuplicatedCode",
        short: "Functions, methods, impls or runs of statements that appear more than once, identical but for layout and comments.",
        why: "Every copy must be fixed and changed in step; a fix that reaches one copy and misses the others is a bug that stays.",
        fix: "Keep one copy and call it from the other places (`cargo loop fix --agent builtin` does it for functions).",
        example: "fn parse_assignment(line: &str) -> Option<(String, String)> { .. }  // in config.rs and in util/text.rs",
        keys: CLONE_KEYS,
        precision: "high",
    },
    Rule {
        id: "renamed-clone",
        name: "RenamedClone",
        short: "Code copied with identifiers renamed consistently and literals or types changed.",
        why: "A renamed copy hides that it is a copy: readers and reviewers miss that a change belongs in both places.",
        fix: "Merge the copies into one function with a parameter (or a generic) for what differs.",
        example: "fn smooth(v: &[f64]) .. 0.5 ..  and  fn soften(r: &[f64]) .. 0.25 ..",
        keys: CLONE_KEYS,
        precision: "high",
    },
    Rule {
        id: "near-miss-clone",
        name: "NearMissClone",
        short: "Code copied with statements added, removed or changed.",
        why: "Near copies drift: each fix lands in one of them, and the differences stop meaning anything.",
        fix: "Extract what the copies share and pass in, or branch on, what differs.",
        example: "two 24-line parsers that differ in one added check",
        keys: CLONE_KEYS,
        precision: "medium",
    },
    Rule {
        id: "duplicate-abstraction",
        name: "DuplicatedAbstraction",
        short: "Structs, enums, traits or groups of fields declared more than once under other names (sized by members, not lines: three, or two in a declaration of `min-lines` lines).",
        why: "Parallel definitions must be kept in step by hand and convert into each other with boilerplate.",
        fix: "Keep one type (a type alias where names differ), one trait, or move the shared fields into a struct of their own.",
        example: "struct ServerConfig { host, port, timeout_ms }  and  struct ListenerSettings { host, port, timeout_ms }",
        keys: &["min-lines", "allow-duplicate"],
        precision: "medium",
    },
    Rule {
        id: "crate-cycle",
        name: "CrateCycle",
        short: "Workspace crates that depend on each other in a cycle (through dev-dependencies).",
        why: "Crates in a cycle build, test and change only together; the cycle defeats the split.",
        fix: "Move what both need into a crate of its own, or invert one dependency behind a trait.",
        example: "alpha dev-depends on beta, which depends on alpha",
        keys: &[],
        precision: "high",
    },
    Rule {
        id: "layer-violation",
        name: "LayerViolation",
        short: "A workspace crate depending on a crate of a higher layer (the `layers` configuration).",
        why: "Lower layers that reach up make the layering a fiction: a change at the top breaks the bottom.",
        fix: "Move the code to the right layer, or depend on an abstraction the lower layer owns.",
        example: "layers = [[\"app\"], [\"core\"]]; core depends on app",
        keys: &["layers"],
        precision: "high",
    },
    Rule {
        id: "module-cycle",
        name: "ModuleCycle",
        short: "Modules of a crate that depend on each other in a cycle (through `use` paths and `mod` declarations).",
        why: "None of the modules in a cycle can be understood, tested or moved alone. A module and its own ancestors in a cycle (a note) cost less: the parent's items are the child's context.",
        fix: "Move what both sides use into a module of its own, or pass it in instead of reaching for it.",
        example: "app -> widgets::table -> app::state -> app",
        keys: &[],
        precision: "high",
    },
    Rule {
        id: "god-module",
        name: "GodModule",
        short: "A module with too many items or lines.",
        why: "A module that does everything has no single reason to change and is hard to navigate.",
        fix: "Split it along the groups of items that use each other.",
        example: "app.rs: 3,000 lines, 140 items",
        keys: &["max-module-items", "max-module-lines"],
        precision: "medium",
    },
    Rule {
        id: "hub-module",
        name: "HubModule",
        short: "A module that many modules use and that uses many modules (fan-in and fan-out both high).",
        why: "A hub passes every change on: editing it touches half the crate, and half the crate's changes reach it.",
        fix: "Split what its users need from what it needs.",
        example: "utils: used by 12 modules, uses 9",
        keys: &["hub-fan"],
        precision: "medium",
    },
    Rule {
        id: "unstable-dependency",
        name: "UnstableDependency",
        short: "A module depending on a module much less stable than itself (instability I = fan-out / (fan-in + fan-out)).",
        why: "Stable modules are hard to change because many depend on them; if they depend on unstable ones, they break with them.",
        fix: "Depend on an abstraction the stable module owns, or move the dependency.",
        example: "model (I = 0.1) uses ui::render (I = 0.9)",
        keys: &["min-instability-gap"],
        precision: "low",
    },
    Rule {
        id: "repeated-match",
        name: "RepeatedMatch",
        short: "The same enum matched variant by variant in several modules (shotgun surgery).",
        why: "Adding a variant means finding and editing every match; one forgotten `_ =>` arm is a silent bug.",
        fix: "Move the behaviour into methods on the enum (or a trait its variants implement).",
        example: "match shape { Circle .. Square .. }  in render.rs, area.rs and export.rs",
        keys: &["shotgun-modules"],
        precision: "medium",
    },
    Rule {
        id: "god-type",
        name: "GodType",
        short: "A struct with too many fields or methods.",
        why: "A type that holds everything couples everything that touches it.",
        fix: "Group fields that change together into types of their own.",
        example: "struct App { 40 fields }",
        keys: &["max-type-fields", "max-type-methods"],
        precision: "medium",
    },
    Rule {
        id: "long-function",
        name: "LongFunction",
        short: "A function with more lines of code than the limit (comments and blank lines aside); a table `match`'s lines do not count, and a function of cognitive complexity 3 or less is data (a literal, a builder chain), not long.",
        why: "Long functions hide their steps; each step has no name and no test of its own.",
        fix: "Extract the steps into named functions.",
        example: "fn render(..) { 160 lines }",
        keys: &["max-fn-lines"],
        precision: "medium",
    },
    Rule {
        id: "complex-function",
        name: "ComplexFunction",
        short: "A function whose cognitive complexity is over the limit (cyclomatic complexity is reported with it).",
        why: "Nested branches are hard to follow and to test; every path is a case someone must think of.",
        fix: "Split the branches into functions, or flatten them with early returns.",
        example: "fn classify(..) { if .. { for .. { match .. { if .. } } } }",
        keys: &["max-cognitive", "max-cyclomatic"],
        precision: "medium",
    },
    Rule {
        id: "too-many-params",
        name: "TooManyParams",
        short: "A function taking more parameters than the limit.",
        why: "Long parameter lists are easy to call wrong, especially with several of one type.",
        fix: "Group the parameters that travel together into a struct.",
        example: "fn configure(a: u32, b: u32, c: bool, d: bool, e: &str, f: &str, g: u8, h: u8)",
        keys: &["max-params"],
        precision: "high",
    },
    Rule {
        id: "deep-nesting",
        name: "DeepNesting",
        short: "A function whose blocks nest deeper than the limit.",
        why: "Deep nesting keeps many conditions in the reader's head at once.",
        fix: "Return early, use `let .. else`, or extract the inner blocks.",
        example: "for .. { if .. { match .. { if .. { while .. { .. } } } } }",
        keys: &["max-nesting"],
        precision: "medium",
    },
    Rule {
        id: "needless-pub",
        name: "NeedlessPub",
        short: "A `pub` item that no other module uses and that no library's public API reaches.",
        why: "`pub` promises an API; `pub(crate)` or private says what the item is: code no other crate relies on.",
        fix: "Narrow it to `pub(crate)` or private (`cargo loop fix --agent builtin` does it).",
        example: "pub fn helper() in a private module, called only there",
        keys: &[],
        precision: "high",
    },
];

/// The rule with `id`, spelt with dashes or, as the JSON's `kind`, underscores.
pub fn rule(id: &str) -> Option<&'static Rule> {
    let id = id.replace('_', "-");
    RULES.iter().find(|r| r.id == id)
}

/// Whether an allow marker naming `rule` is a clone marker: `duplicate` (every clone rule) or
/// one of them.
pub fn is_clone_rule(rule: &str) -> bool {
    rule == "duplicate" || (RULES.iter()).any(|r| r.is_clone() && r.id == rule)
}

impl Rule {
    /// Whether the rule reports clone groups (the table lists them first), not smells.
    pub fn is_clone(&self) -> bool {
        RULES[..4].iter().any(|r| r.id == self.id)
    }

    /// How to silence the rule in code.
    pub fn silence(&self) -> String {
        let clippy = match self.id {
            "long-function" => " or `#[allow(clippy::too_many_lines)]`",
            "complex-function" => " or `#[allow(clippy::cognitive_complexity)]`",
            "too-many-params" => " or `#[allow(clippy::too_many_arguments)]`",
            "deep-nesting" => " or `#[allow(clippy::excessive_nesting)]`",
            _ => "",
        };
        let all = if self.is_clone() {
            " (`allow(duplicate)` silences every clone rule)"
        } else {
            ""
        };
        format!(
            "`// cargo-loop: allow({})` on the line above the item{clippy}{all}",
            self.id
        )
    }

    /// The rule as Markdown: a section of `docs/rules.md` and SARIF's `help.markdown`.
    pub fn markdown(&self) -> String {
        let keys = if self.keys.is_empty() {
            "none".to_owned()
        } else {
            (self.keys.iter())
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{}\n\n**Why it matters.** {}\n\n**Usual fix.** {}\n\n**Example.** `{}`\n\n\
             **Thresholds.** {keys}\n\n**Silence it.** {}\n",
            self.short,
            self.why,
            self.fix,
            self.example,
            self.silence()
        )
    }
}

/// `docs/rules.md`, from the table.
pub fn document() -> String {
    let mut text = String::from(
        "# Rules\n\nWhat each rule of `cargo loop` finds, why it matters and the usual fix \
         (`cargo loop explain RULE` prints one; `cargo loop explain`, this page).\n",
    );
    for rule in &RULES {
        let _ = write!(
            text,
            "\n## {}\n\n`{}`: {}",
            rule.id,
            rule.name,
            rule.markdown()
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::detectors::CloneType;
    use crate::analysis::smells::SmellKind;

    #[test]
    fn every_rule_the_reports_use_is_documented_once() {
        let clones = [
            CloneType::Exact,
            CloneType::Renamed,
            CloneType::NearMiss,
            CloneType::Abstraction,
        ];
        let ids: Vec<&str> = (clones.iter().map(|c| c.rule_id()))
            .chain(SmellKind::ALL.iter().map(|k| k.rule_id()))
            .collect();
        let documented: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids, documented);
        for rule in &RULES {
            let pascal = rule.name.starts_with(|c: char| c.is_ascii_uppercase())
                && rule.name.chars().all(|c| c.is_ascii_alphanumeric())
                && rule.name.chars().any(|c| c.is_ascii_lowercase());
            assert!(pascal, "{}", rule.name);
        }
    }

    #[test]
    fn docs_rules_md_is_generated_from_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        if on_disk != document() {
            // Regenerate with: CARGO_LOOP_BLESS=1 cargo test docs_rules_md
            if std::env::var_os("CARGO_LOOP_BLESS").is_some() {
                std::fs::write(path, document()).unwrap();
            } else {
                panic!(
                    "docs/rules.md is out of date: run CARGO_LOOP_BLESS=1 cargo test docs_rules_md"
                );
            }
        }
    }
}
