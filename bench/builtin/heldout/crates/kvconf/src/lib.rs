//! A small INI-style key/value configuration parser.
//!
//! ```text
//! # comment
//! name = "demo app"
//! [server]
//! port = 8080
//! hosts = a.example, b.example
//! ```

pub mod env;
pub mod parse;
pub mod value;

pub use env::{expand_vars, split_search_path};
pub use parse::{parse_overrides, parse_str, unquote, ParseError};
pub use value::{parse_bool, parse_int, split_list, string_literal, Value};

/// Parsed configuration: normalized keys (`section.key`) with string
/// values, in first-insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    entries: Vec<(String, String)>,
}

impl Config {
    /// Sets a key, replacing an earlier value but keeping its position.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.entries.push((key.to_string(), value.to_string())),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(parse_bool)
    }

    pub fn get_int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(parse_int)
    }

    /// Comma-separated list value; a missing key gives an empty list.
    pub fn get_list(&self, key: &str) -> Vec<String> {
        self.get(key).map(split_list).unwrap_or_default()
    }

    pub fn get_value(&self, key: &str) -> Option<Value> {
        self.get(key).map(Value::parse)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Applies `key=value` overrides on top of the parsed values.
    pub fn apply_overrides(&mut self, pairs: &[(String, String)]) {
        for (key, value) in pairs {
            self.set(key, value);
        }
    }

    /// Expands `$NAME` / `${NAME}` references in every value.
    pub fn expand(&mut self, vars: &[(&str, &str)]) {
        for entry in &mut self.entries {
            entry.1 = expand_vars(&entry.1, vars);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# demo\nname = \"demo app\"\n\n[Server]\nport = 8080\nhosts = a, b ; trailing\nDebug Mode = yes\n";

    #[test]
    fn parses_sections_and_values() {
        let config = parse_str(SAMPLE).unwrap();
        assert_eq!(config.get("name"), Some("demo app"));
        assert_eq!(config.get_int("server.port"), Some(8080));
        assert_eq!(config.get_list("server.hosts"), vec!["a", "b"]);
        assert_eq!(config.get_bool("server.debug_mode"), Some(true));
        assert_eq!(config.len(), 4);
    }

    #[test]
    fn reports_errors() {
        assert_eq!(
            parse_str("a = 1\nbroken\n"),
            Err(ParseError::MissingEquals { line: 2 })
        );
        assert_eq!(parse_str("[x\n"), Err(ParseError::BadSection { line: 1 }));
    }

    #[test]
    fn overrides() {
        let mut config = parse_str(SAMPLE).unwrap();
        let pairs = parse_overrides(&["port=9090", "Server.Log Level=debug"], "server").unwrap();
        config.apply_overrides(&pairs);
        assert_eq!(config.get_int("server.port"), Some(9090));
        assert_eq!(config.get("server.log_level"), Some("debug"));
    }

    #[test]
    fn values_and_env() {
        assert_eq!(
            Value::parse("[1, 2]"),
            Value::List(vec!["1".into(), "2".into()])
        );
        assert_eq!(Value::parse("-12"), Value::Int(-12));
        assert_eq!(string_literal("\"a\\tb\"").as_deref(), Some("a\tb"));
        assert_eq!(expand_vars("${HOME}/x", &[("HOME", "/h")]), "/h/x");
        assert_eq!(split_search_path("/bin:/usr/bin"), vec!["/bin", "/usr/bin"]);
    }
}
