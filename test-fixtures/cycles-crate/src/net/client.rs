pub struct Client {
    pub sent: u32,
}

impl Client {
    pub fn new() -> Self {
        Client { sent: 0 }
    }

    pub fn send(&self, x: u32) -> u32 {
        super::codec::encode(x)
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}
