pub fn name() -> &'static str { "app" }
