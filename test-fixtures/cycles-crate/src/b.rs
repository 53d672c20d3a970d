use super::a;

pub fn add_one(x: u32) -> u32 {
    x + a::base()
}
