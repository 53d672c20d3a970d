//! The compact token form that detection works on, and its normalisations.
//!
//! A file is kept as a flat `Vec<Tok>` once its syntax tree is dropped: 12 bytes a token.
//! Comments are gone (the lexer drops them) and doc comments are skipped when flattening.
//! Normalisation levels: raw (Type-1), blinded (identifiers and literals replaced by their
//! class, for bucketing Type-2 candidates) and canonical (value identifiers renamed by first
//! occurrence, so only consistent renames match).

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum TokClass {
    Keyword,
    Punct,
    Open,
    Close,
    /// An identifier naming a value, function, field or module (`snake_case`).
    Ident,
    /// An identifier naming a type, trait or variant (`CamelCase` or a primitive).
    TypeIdent,
    LitStr,
    LitNum,
    LitChar,
}

impl TokClass {
    pub fn is_literal(self) -> bool {
        matches!(
            self,
            TokClass::LitStr | TokClass::LitNum | TokClass::LitChar
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tok {
    /// Hash of the token's text.
    pub sym: u32,
    pub class: TokClass,
    pub line: u32,
}

impl Tok {
    /// The token with identifiers and literals replaced by their class.
    pub fn blinded(self) -> u32 {
        match self.class {
            TokClass::Ident => 0xB1_0001,
            TokClass::TypeIdent => 0xB1_0002,
            TokClass::LitStr => 0xB1_0003,
            TokClass::LitNum => 0xB1_0004,
            TokClass::LitChar => 0xB1_0005,
            TokClass::Keyword | TokClass::Punct | TokClass::Open | TokClass::Close => self.sym,
        }
    }
}

pub fn hash_str(text: &str) -> u32 {
    xxh3_64(text.as_bytes()) as u32
}

/// Classifies an identifier's text.
pub fn classify_ident(text: &str) -> TokClass {
    if is_keyword(text) {
        TokClass::Keyword
    } else if text.starts_with(|c: char| c.is_ascii_uppercase()) || is_primitive(text) {
        TokClass::TypeIdent
    } else {
        TokClass::Ident
    }
}

pub fn classify_literal(text: &str) -> TokClass {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b'"' | b'r') => TokClass::LitStr,
        Some(b'b' | b'c') if bytes.get(1).is_some_and(|b| matches!(b, b'"' | b'r')) => {
            TokClass::LitStr
        }
        Some(b'\'') => TokClass::LitChar,
        Some(b'b') if bytes.get(1) == Some(&b'\'') => TokClass::LitChar,
        _ => TokClass::LitNum,
    }
}

fn is_keyword(text: &str) -> bool {
    matches!(
        text,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
            | "Some"
            | "None"
            | "Ok"
            | "Err"
    )
}

fn is_primitive(text: &str) -> bool {
    matches!(
        text,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "bool"
            | "char"
            | "str"
    )
}

/// The raw symbols of a unit, with the name after `fn` left out: two copies of a function in
/// one module cannot share a name, and the copy is still exact.
pub fn unnamed(tokens: &[Tok]) -> impl Iterator<Item = u32> + '_ {
    let fn_sym = hash_str("fn");
    tokens.iter().enumerate().map(move |(i, t)| {
        let after_fn =
            i > 0 && tokens[i - 1].class == TokClass::Keyword && tokens[i - 1].sym == fn_sym;
        if after_fn && t.class == TokClass::Ident {
            0
        } else {
            t.sym
        }
    })
}

/// A 64-bit hash of a token slice under one normalisation.
///
/// A multiply-rotate mix (as in rustc's `FxHasher`) with a final avalanche: no allocation,
/// since it runs for every window of every block, and stable across runs and platforms,
/// since fingerprints are built from it.
pub fn hash_seq(tokens: impl Iterator<Item = u32>) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash: u64 = 0;
    for sym in tokens {
        hash = (hash.rotate_left(5) ^ u64::from(sym)).wrapping_mul(K);
    }
    // Avalanche (from MurmurHash3's finaliser), so that bucket keys use every bit.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// Whether token `i` names a local (a binding or its use) rather than a method, a field, a
/// function, a module or a macro: those are what copies do differently, locals are not.
pub fn is_local(toks: &[Tok], i: usize) -> bool {
    let punct = |t: Option<&Tok>, text: &str| {
        t.is_some_and(|t| {
            matches!(t.class, TokClass::Punct | TokClass::Open) && t.sym == hash_str(text)
        })
    };
    let (prev, next) = (i.checked_sub(1).and_then(|p| toks.get(p)), toks.get(i + 1));
    let path = punct(next, ":") && punct(toks.get(i + 2), ":");
    toks[i].class == TokClass::Ident
        && !path
        && !punct(prev, ".")
        && !punct(next, "(")
        && !punct(next, "!")
}

/// Exact form with locals renamed by order of first occurrence and the item's own name
/// (after `fn`) left out: what copies of a table or a trivial body must share to be one
/// function twice. Fields, methods, paths and types stay as they are, so two tables that map
/// other variants or fields do not match; literals too unless `blind_literals`. A name bound
/// as a local is renamed wherever it is used as a value, called closures included.
pub fn locals_renamed(tokens: &[Tok], blind_literals: bool) -> Vec<u32> {
    let fn_sym = hash_str("fn");
    let dot = hash_str(".");
    let colon = hash_str(":");
    let mut bound: Vec<u32> = (0..tokens.len())
        .filter(|&i| is_local(tokens, i))
        .map(|i| tokens[i].sym)
        .collect();
    bound.sort_unstable();
    bound.dedup();
    let mut names: Vec<u32> = Vec::new();
    (0..tokens.len())
        .map(|i| {
            let tok = tokens[i];
            let prev = i.checked_sub(1).map(|p| tokens[p]);
            let next_is_colon = is_colon_at(tokens, i + 1, colon);
            let is_colon = |at: Option<usize>| at.is_some_and(|k| is_colon_at(tokens, k, colon));
            // `.field`, `path::name`, `name::path`; a value after one `:` (`field: value`) is
            // not a path.
            let in_path_or_field = prev.is_some_and(|p| p.class == TokClass::Punct && p.sym == dot)
                || (is_colon(i.checked_sub(1)) && is_colon(i.checked_sub(2)))
                || (next_is_colon && is_colon(Some(i + 2)));
            if is_item_name(tokens, i, fn_sym) {
                0
            } else if tok.class == TokClass::Ident
                && !in_path_or_field
                && bound.binary_search(&tok.sym).is_ok()
            {
                let index = names.iter().position(|&n| n == tok.sym).unwrap_or_else(|| {
                    names.push(tok.sym);
                    names.len() - 1
                });
                0xC0_0000 + index as u32
            } else if blind_literals && tok.class.is_literal() {
                tok.blinded()
            } else {
                tok.sym
            }
        })
        .collect()
}

fn is_colon_at(tokens: &[Tok], at: usize, colon: u32) -> bool {
    tokens
        .get(at)
        .is_some_and(|t| t.class == TokClass::Punct && t.sym == colon)
}

/// Whether token `i` is the name of a function being defined (`fn name`): copies of one
/// function under another name are still copies.
fn is_item_name(tokens: &[Tok], i: usize, fn_sym: u32) -> bool {
    i > 0
        && tokens[i].class == TokClass::Ident
        && tokens[i - 1].class == TokClass::Keyword
        && tokens[i - 1].sym == fn_sym
}

/// Canonical form: value identifiers renamed by order of first occurrence, type identifiers
/// and literals blinded, everything else kept. Two slices with the same canonical form are
/// clones under a consistent renaming.
pub fn canonical(tokens: &[Tok]) -> Vec<u32> {
    let fn_sym = hash_str("fn");
    let dot = hash_str(".");
    let mut names: Vec<u32> = Vec::new();
    let mut prev_dot = false;
    let fields = field_names(tokens);
    tokens
        .iter()
        .enumerate()
        .map(|(i, tok)| {
            let after_dot = std::mem::replace(
                &mut prev_dot,
                tok.class == TokClass::Punct && tok.sym == dot,
            );
            if is_item_name(tokens, i, fn_sym) {
                // A copy under another name that names the original is still a copy.
                0
            } else if tok.class == TokClass::Ident {
                // Fields and methods (after `.`, or named in a struct expression) are named
                // apart from locals, so that a local named like a field or a method (`first`
                // beside `.first()`, `Pair { first: a }`) does not break a rename.
                let key = if after_dot || fields[i] {
                    tok.sym.rotate_left(16) ^ 0x5A5A_5A5A
                } else {
                    tok.sym
                };
                let index = names.iter().position(|&n| n == key).unwrap_or_else(|| {
                    names.push(key);
                    names.len() - 1
                });
                0xC0_0000 + index as u32
            } else {
                tok.blinded()
            }
        })
        .collect()
}

/// Whether `tok` names a type (`Point`, `u32`, `Self`): a brace group after it holds fields
/// (a struct expression, pattern or declaration).
pub(super) fn names_a_type(tok: &Tok) -> bool {
    tok.class == TokClass::TypeIdent
        || (tok.class == TokClass::Keyword && tok.sym == hash_str("Self"))
}

/// Which of `tokens` are field names in struct expressions, patterns and declarations: a name
/// that starts an element of a brace group after a type (see [`names_a_type`]) and is
/// followed by one `:`.
fn field_names(tokens: &[Tok]) -> Vec<bool> {
    let (open_brace, colon, comma) = (hash_str("{"), hash_str(":"), hash_str(","));
    let is = |i: usize, class: TokClass, sym: u32| {
        tokens
            .get(i)
            .is_some_and(|t| t.class == class && t.sym == sym)
    };
    // For each open group, whether it holds fields; and whether the next token starts one.
    let mut groups: Vec<bool> = Vec::new();
    let mut starts = false;
    let mut found = vec![false; tokens.len()];
    for (i, tok) in tokens.iter().enumerate() {
        let at_start = std::mem::replace(&mut starts, false);
        match tok.class {
            TokClass::Open => {
                let after_type = i > 0 && names_a_type(&tokens[i - 1]);
                groups.push(tok.sym == open_brace && after_type);
                starts = true;
            }
            TokClass::Close => {
                groups.pop();
            }
            TokClass::Punct if tok.sym == comma => starts = true,
            TokClass::Ident
                if at_start
                    && groups.last() == Some(&true)
                    && is(i + 1, TokClass::Punct, colon)
                    && !is(i + 2, TokClass::Punct, colon) =>
            {
                found[i] = true;
            }
            _ => {}
        }
    }
    found
}

/// Share of distinct 6-grams of the blinded sequence: low values mean table-like code
/// (a match mapping variants to strings, a run of `map.insert(..)` calls)..
pub fn variety(tokens: &[Tok]) -> f64 {
    const K: usize = 6;
    if tokens.len() <= K * 2 {
        return 1.0;
    }
    let blinded: Vec<u32> = tokens.iter().map(|t| t.blinded()).collect();
    let mut grams: Vec<u64> = blinded
        .windows(K)
        .map(|w| hash_seq(w.iter().copied()))
        .collect();
    let total = grams.len();
    grams.sort_unstable();
    grams.dedup();
    grams.len() as f64 / total as f64
}

/// The opening and closing text of a delimiter (empty for an invisible group).
pub fn delimiters(delimiter: proc_macro2::Delimiter) -> (&'static str, &'static str) {
    match delimiter {
        proc_macro2::Delimiter::Parenthesis => ("(", ")"),
        proc_macro2::Delimiter::Brace => ("{", "}"),
        proc_macro2::Delimiter::Bracket => ("[", "]"),
        proc_macro2::Delimiter::None => ("", ""),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn toks(words: &[&str]) -> Vec<Tok> {
        words
            .iter()
            .map(|w| {
                let class = if w.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                    classify_ident(w)
                } else {
                    TokClass::Punct
                };
                Tok {
                    sym: hash_str(w),
                    class,
                    line: 1,
                }
            })
            .collect()
    }

    #[test]
    fn canonical_matches_consistent_renames_only() {
        let a = toks(&["let", "x", "=", "y", "+", "x", ";"]);
        let b = toks(&["let", "a", "=", "b", "+", "a", ";"]);
        let c = toks(&["let", "a", "=", "b", "+", "b", ";"]);
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&c));
    }

    #[test]
    fn types_and_literals_are_blinded() {
        assert_eq!(classify_ident("u32"), TokClass::TypeIdent);
        assert_eq!(classify_ident("Vec"), TokClass::TypeIdent);
        assert_eq!(classify_ident("self"), TokClass::Keyword);
        assert_eq!(classify_ident("count"), TokClass::Ident);
        assert_eq!(classify_literal("b\"abc\""), TokClass::LitStr);
        assert_eq!(classify_literal("b'a'"), TokClass::LitChar);
        assert_eq!(classify_literal("0x1f"), TokClass::LitNum);
    }

    #[test]
    fn variety_is_low_for_tables() {
        let mut table = Vec::new();
        for i in 0..20 {
            table.extend(toks(&["map", ".", "insert", "(", "k", ",", "v", ")", ";"]));
            table.push(Tok {
                sym: i,
                class: TokClass::LitNum,
                line: 1,
            });
        }
        assert!(variety(&table) < 0.3);
        let code = toks(&[
            "let", "x", "=", "a", ".", "b", "(", ")", "?", ";", "if", "x", ">", "y", "{", "return",
            "z", ";", "}", "w",
        ]);
        assert!(variety(&code) > 0.9);
    }

    /// Tokens from space-separated words.
    fn words(text: &str) -> Vec<Tok> {
        toks(&text.split(' ').collect::<Vec<_>>())
    }

    #[test]
    fn a_copy_that_names_the_original_has_the_original_canonical_form() {
        // `fn count_raw(n1) { dispatch!(count_raw, n1) }` copied as `count_raw_alt(cur)`.
        let original = words("fn count_raw ( n1 ) { dispatch ! ( count_raw , n1 ) }");
        let copy = words("fn count_raw_alt ( cur ) { dispatch ! ( count_raw , cur ) }");
        assert_eq!(canonical(&original), canonical(&copy));
        // Another function it does not name is not.
        let other = words("fn count_raw_alt ( cur ) { dispatch ! ( cur , cur ) }");
        assert_ne!(canonical(&original), canonical(&other));
    }

    #[test]
    fn locals_renamed_keeps_fields_paths_and_literals_unless_blinded() {
        let a = words("let flags = x . case ; flags . a = 1 ;");
        let renamed = words("let val = x . case ; val . a = 1 ;");
        let other_field = words("let val = x . case ; val . b = 1 ;");
        assert_eq!(locals_renamed(&a, false), locals_renamed(&renamed, false));
        assert_ne!(
            locals_renamed(&a, false),
            locals_renamed(&other_field, false)
        );
        let mut literal = renamed.clone();
        literal[11] = Tok {
            sym: hash_str("2"),
            class: TokClass::LitNum,
            line: 1,
        };
        let mut one = a.clone();
        one[11].class = TokClass::LitNum;
        assert_ne!(locals_renamed(&one, false), locals_renamed(&literal, false));
        assert_eq!(locals_renamed(&one, true), locals_renamed(&literal, true));
    }

    #[test]
    fn locals_renamed_renames_a_field_value_but_not_a_path_segment() {
        // `fn f(x: u32) -> Foo { Foo { a: x } }` against `y`: the same code.
        let f = |local: &str| {
            toks(&[
                "fn", "f", "(", local, ":", "u32", ")", "{", "Foo", "{", "a", ":", local, "}", "}",
            ])
        };
        assert_eq!(
            locals_renamed(&f("x"), false),
            locals_renamed(&f("y"), false)
        );
        // `m::x` and `m::y` name other items.
        let path = |name: &str| toks(&["let", "v", "=", "m", ":", ":", name, ";", "v"]);
        assert_ne!(
            locals_renamed(&path("x"), false),
            locals_renamed(&path("y"), false)
        );
    }
}

/// Tokens in the parse cache as one byte string: a token is its hash (4 bytes), its class
/// and the lines since the token before (one byte each; 255 then 4 bytes for a long jump).
/// A rescan reads every cached file's tokens: decoding one slice costs a fraction of
/// decoding each field of each token.
pub mod packed {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    use super::{Tok, TokClass};

    const CLASSES: [TokClass; 9] = [
        TokClass::Keyword,
        TokClass::Punct,
        TokClass::Open,
        TokClass::Close,
        TokClass::Ident,
        TokClass::TypeIdent,
        TokClass::LitStr,
        TokClass::LitNum,
        TokClass::LitChar,
    ];
    const LONG_JUMP: u8 = u8::MAX;

    pub fn serialize<S: Serializer>(tokens: &[Tok], serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(tokens.len() * 6);
        let mut line = 0u32;
        for tok in tokens {
            bytes.extend_from_slice(&tok.sym.to_le_bytes());
            bytes.push(tok.class as u8);
            let jump = tok.line.wrapping_sub(line);
            match u8::try_from(jump) {
                Ok(short) if short != LONG_JUMP => bytes.push(short),
                _ => {
                    bytes.push(LONG_JUMP);
                    bytes.extend_from_slice(&tok.line.to_le_bytes());
                }
            }
            line = tok.line;
        }
        serializer.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Tok>, D::Error> {
        deserializer.deserialize_bytes(Packed)
    }

    struct Packed;

    impl Visitor<'_> for Packed {
        type Value = Vec<Tok>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("packed tokens")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<Tok>, E> {
            unpack(bytes).ok_or_else(|| E::custom("truncated or unknown token"))
        }

        fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<Vec<Tok>, E> {
            self.visit_bytes(&bytes)
        }
    }

    fn unpack(mut bytes: &[u8]) -> Option<Vec<Tok>> {
        let word = |b: &[u8]| Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?));
        let mut tokens = Vec::with_capacity(bytes.len() / 6);
        let mut line = 0u32;
        while !bytes.is_empty() {
            let sym = word(bytes)?;
            let class = *CLASSES.get(usize::from(*bytes.get(4)?))?;
            let jump = *bytes.get(5)?;
            bytes = &bytes[6..];
            line = if jump == LONG_JUMP {
                let at = word(bytes)?;
                bytes = &bytes[4..];
                at
            } else {
                line.wrapping_add(u32::from(jump))
            };
            tokens.push(Tok { sym, class, line });
        }
        Some(tokens)
    }

    #[cfg(test)]
    mod test {
        use super::*;

        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct File(#[serde(with = "super")] Vec<Tok>);

        #[test]
        fn tokens_survive_the_round_trip_with_long_and_backward_line_jumps() {
            let tok = |sym, class, line| Tok { sym, class, line };
            let tokens = vec![
                tok(7, TokClass::Keyword, 1),
                tok(u32::MAX, TokClass::LitChar, 1),
                tok(3, TokClass::Ident, 254),
                tok(4, TokClass::Close, 100_000),
                tok(5, TokClass::Open, 2),
            ];
            let bytes = postcard::to_allocvec(&File(tokens.clone())).unwrap();
            assert_eq!(postcard::from_bytes::<File>(&bytes).unwrap(), File(tokens));
            assert!(postcard::from_bytes::<File>(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
