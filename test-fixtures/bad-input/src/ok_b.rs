pub fn rolling_digest(blocks: &[&[u8]]) -> Vec<u32> {
    blocks.iter().map(|block| adler32(block)).collect()
}

pub fn adler32(data: &[u8]) -> u32 {
    const MODULUS: u32 = 65_521;
    let mut a: u32 = 1;
    let mut b: u32 = 0;
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MODULUS;
        b %= MODULUS;
    }
    (b << 16) | a
}
