//! A small crate with planted function-level smells, and `Shape` matched variant by
//! variant in three modules.

pub mod area;
mod internal;
pub mod draw;
pub mod label;
pub mod shape;

/// Deeply nested and complex: cognitive complexity well over 25.
pub fn classify(values: &[i64], strict: bool, limit: i64) -> Vec<&'static str> {
    let mut out = Vec::new();
    for value in values {
        if *value > 0 {
            if strict && *value > limit {
                for digit in value.to_string().chars() {
                    if digit == '7' {
                        if limit % 2 == 0 || strict && limit > 100 {
                            out.push("lucky");
                        } else {
                            out.push("odd-lucky");
                        }
                    } else if digit == '0' {
                        out.push("zero");
                    } else {
                        while out.len() > 1000 {
                            out.pop();
                        }
                    }
                }
            } else if *value == limit {
                out.push("limit");
            } else {
                match value % 3 {
                    0 => out.push("fizz"),
                    1 => out.push("one"),
                    _ => out.push("other"),
                }
            }
        } else if *value < -limit || *value == i64::MIN {
            out.push("very negative");
        } else {
            out.push("negative");
        }
    }
    out
}

/// Too many parameters.
// Planted: no clippy allow here, since an allow would silence the smell.
pub fn configure(host: &str, port: u16, user: &str, password: &str, timeout: u32, retries: u8, tls: bool, verbose: bool) -> String {
    format!("{user}:{password}@{host}:{port}?timeout={timeout}&retries={retries}&tls={tls}&verbose={verbose}")
}

/// Simple: no smell.
pub fn add(a: i64, b: i64) -> i64 {
    a + b + i64::from(internal::used()) - 42
}
/// Long: over 100 lines.
pub fn long_report(total: u64) -> String {
    let mut text = String::new();
    text.push_str(&format!("line 0: {}\n", total + 0));
    text.push_str(&format!("line 1: {}\n", total + 1));
    text.push_str(&format!("line 2: {}\n", total + 2));
    text.push_str(&format!("line 3: {}\n", total + 3));
    text.push_str(&format!("line 4: {}\n", total + 4));
    text.push_str(&format!("line 5: {}\n", total + 5));
    text.push_str(&format!("line 6: {}\n", total + 6));
    text.push_str(&format!("line 7: {}\n", total + 7));
    text.push_str(&format!("line 8: {}\n", total + 8));
    text.push_str(&format!("line 9: {}\n", total + 9));
    if total > 10 { text.push('+'); }
    text.push_str(&format!("line 11: {}\n", total + 11));
    text.push_str(&format!("line 12: {}\n", total + 12));
    text.push_str(&format!("line 13: {}\n", total + 13));
    text.push_str(&format!("line 14: {}\n", total + 14));
    text.push_str(&format!("line 15: {}\n", total + 15));
    text.push_str(&format!("line 16: {}\n", total + 16));
    text.push_str(&format!("line 17: {}\n", total + 17));
    text.push_str(&format!("line 18: {}\n", total + 18));
    text.push_str(&format!("line 19: {}\n", total + 19));
    text.push_str(&format!("line 20: {}\n", total + 20));
    text.push_str(&format!("line 21: {}\n", total + 21));
    text.push_str(&format!("line 22: {}\n", total + 22));
    text.push_str(&format!("line 23: {}\n", total + 23));
    text.push_str(&format!("line 24: {}\n", total + 24));
    text.push_str(&format!("line 25: {}\n", total + 25));
    text.push_str(&format!("line 26: {}\n", total + 26));
    text.push_str(&format!("line 27: {}\n", total + 27));
    text.push_str(&format!("line 28: {}\n", total + 28));
    text.push_str(&format!("line 29: {}\n", total + 29));
    if total > 30 { text.push('+'); }
    text.push_str(&format!("line 31: {}\n", total + 31));
    text.push_str(&format!("line 32: {}\n", total + 32));
    text.push_str(&format!("line 33: {}\n", total + 33));
    text.push_str(&format!("line 34: {}\n", total + 34));
    text.push_str(&format!("line 35: {}\n", total + 35));
    text.push_str(&format!("line 36: {}\n", total + 36));
    text.push_str(&format!("line 37: {}\n", total + 37));
    text.push_str(&format!("line 38: {}\n", total + 38));
    text.push_str(&format!("line 39: {}\n", total + 39));
    text.push_str(&format!("line 40: {}\n", total + 40));
    text.push_str(&format!("line 41: {}\n", total + 41));
    text.push_str(&format!("line 42: {}\n", total + 42));
    text.push_str(&format!("line 43: {}\n", total + 43));
    text.push_str(&format!("line 44: {}\n", total + 44));
    text.push_str(&format!("line 45: {}\n", total + 45));
    text.push_str(&format!("line 46: {}\n", total + 46));
    text.push_str(&format!("line 47: {}\n", total + 47));
    text.push_str(&format!("line 48: {}\n", total + 48));
    text.push_str(&format!("line 49: {}\n", total + 49));
    if total > 50 { text.push('+'); }
    text.push_str(&format!("line 51: {}\n", total + 51));
    text.push_str(&format!("line 52: {}\n", total + 52));
    text.push_str(&format!("line 53: {}\n", total + 53));
    text.push_str(&format!("line 54: {}\n", total + 54));
    text.push_str(&format!("line 55: {}\n", total + 55));
    text.push_str(&format!("line 56: {}\n", total + 56));
    text.push_str(&format!("line 57: {}\n", total + 57));
    text.push_str(&format!("line 58: {}\n", total + 58));
    text.push_str(&format!("line 59: {}\n", total + 59));
    text.push_str(&format!("line 60: {}\n", total + 60));
    text.push_str(&format!("line 61: {}\n", total + 61));
    text.push_str(&format!("line 62: {}\n", total + 62));
    text.push_str(&format!("line 63: {}\n", total + 63));
    text.push_str(&format!("line 64: {}\n", total + 64));
    text.push_str(&format!("line 65: {}\n", total + 65));
    text.push_str(&format!("line 66: {}\n", total + 66));
    text.push_str(&format!("line 67: {}\n", total + 67));
    text.push_str(&format!("line 68: {}\n", total + 68));
    text.push_str(&format!("line 69: {}\n", total + 69));
    if total > 70 { text.push('+'); }
    text.push_str(&format!("line 71: {}\n", total + 71));
    text.push_str(&format!("line 72: {}\n", total + 72));
    text.push_str(&format!("line 73: {}\n", total + 73));
    text.push_str(&format!("line 74: {}\n", total + 74));
    text.push_str(&format!("line 75: {}\n", total + 75));
    text.push_str(&format!("line 76: {}\n", total + 76));
    text.push_str(&format!("line 77: {}\n", total + 77));
    text.push_str(&format!("line 78: {}\n", total + 78));
    text.push_str(&format!("line 79: {}\n", total + 79));
    text.push_str(&format!("line 80: {}\n", total + 80));
    text.push_str(&format!("line 81: {}\n", total + 81));
    text.push_str(&format!("line 82: {}\n", total + 82));
    text.push_str(&format!("line 83: {}\n", total + 83));
    text.push_str(&format!("line 84: {}\n", total + 84));
    text.push_str(&format!("line 85: {}\n", total + 85));
    text.push_str(&format!("line 86: {}\n", total + 86));
    text.push_str(&format!("line 87: {}\n", total + 87));
    text.push_str(&format!("line 88: {}\n", total + 88));
    text.push_str(&format!("line 89: {}\n", total + 89));
    text.push_str(&format!("line 90: {}\n", total + 90));
    text.push_str(&format!("line 91: {}\n", total + 91));
    text.push_str(&format!("line 92: {}\n", total + 92));
    text.push_str(&format!("line 93: {}\n", total + 93));
    text.push_str(&format!("line 94: {}\n", total + 94));
    text.push_str(&format!("line 95: {}\n", total + 95));
    text.push_str(&format!("line 96: {}\n", total + 96));
    text.push_str(&format!("line 97: {}\n", total + 97));
    text.push_str(&format!("line 98: {}\n", total + 98));
    text.push_str(&format!("line 99: {}\n", total + 99));
    text.push_str(&format!("line 100: {}\n", total + 100));
    text.push_str(&format!("line 101: {}\n", total + 101));
    text.push_str(&format!("line 102: {}\n", total + 102));
    text.push_str(&format!("line 103: {}\n", total + 103));
    text.push_str(&format!("line 104: {}\n", total + 104));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smells_crate_functions_work() {
        assert_eq!(add(2, 3), 5);
        assert_eq!(classify(&[0, 3], false, 3), vec!["negative", "limit"]);
        assert!(configure("h", 1, "u", "p", 2, 3, true, false).starts_with("u:p@h:1"));
        assert!(long_report(1).contains("line 104: 105"));
        let square = shape::Shape::Square(2.0);
        assert_eq!(area::area(&square), 4.0);
        assert_eq!(label::label(&square), "polygon");
        assert_eq!(draw::corners(&square), 4);
        assert!(!shape::is_round(&square));
        assert_eq!(label::describe(Some(3)), 3);
    }
}
