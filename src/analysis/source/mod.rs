//! Reads one Rust file, parses it with syn and keeps only what detection needs.
//!
//! The interface to syn is localised here: the file is lexed once into a
//! `proc_macro2::TokenStream`, flattened into [`Tok`]s, then parsed from the same stream.
//! Items are located by their spans and recorded as token ranges; the syntax tree is
//! dropped before this module returns, so memory does not grow with all trees at once.

#[cfg(test)]
pub(crate) use collect::RULE_IDS;
pub use collect::{named_item, type_name};
pub use depth::{too_deep, MAX_NESTING};
pub use parsed::{
    Allow, CodeLines, EnumMatch, ModDecl, ModuleInfo, ParsedFile, Shape, ShapeKind, SourceError,
    StmtSeq, Unit, UnitKind,
};
#[cfg(test)]
pub(crate) use read::parse_str;
pub use read::{declarations_despite, parse_bytes, parse_file, read_source};
pub(crate) use spans::stmt_attrs;
pub use test_code::is_test_code;

pub mod cfg;
mod collect;
mod depth;
mod lex;
pub mod metrics;
pub mod modrefs;
mod parsed;
mod read;
mod recover;
mod spans;
mod test_code;
pub mod token;
mod trivial;

#[cfg(test)]
mod tests;
