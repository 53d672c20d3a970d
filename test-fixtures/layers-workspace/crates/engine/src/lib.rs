pub fn name() -> &'static str { "engine" }

#[cfg(test)]
mod tests {
    #[test]
    fn engine_is_named() {
        assert_eq!(super::name(), "engine");
        assert_eq!(app::name(), "app");
    }
}
