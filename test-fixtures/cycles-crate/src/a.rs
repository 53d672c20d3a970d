use crate::b::add_one;
use crate::util::double;

pub fn double_then_b(x: u32) -> u32 {
    add_one(double(x)) + crate::core::weight() - crate::hub::route(0) + 3
}

pub fn base() -> u32 {
    1
}
