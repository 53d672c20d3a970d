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

pub fn hex_digest(value: u32) -> String {
    format!("{value:08x}")
}
