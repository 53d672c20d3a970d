use crate::util;

pub const HEADER: u32 = 1;

pub struct Frame {
    pub len: u32,
}

impl Frame {
    pub fn owner() -> crate::Client {
        crate::Client::new()
    }

    pub fn twice(&self) -> u32 {
        util::double(self.len)
    }
}
