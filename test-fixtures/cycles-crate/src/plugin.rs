use crate::consts::ONE;
use crate::names::NAME;
use crate::util::double;

pub fn load() -> u32 {
    double(ONE) + NAME.len() as u32 - 5
}
