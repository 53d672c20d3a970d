pub const NAME: &str = "plugin";
