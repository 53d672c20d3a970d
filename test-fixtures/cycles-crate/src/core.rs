pub fn weight() -> u32 {
    crate::plugin::load()
}
