pub fn name() -> &'static str { "cli" }
