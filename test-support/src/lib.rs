//! What the workspace's tests and benchmarks share, as a dev-only crate rather than files
//! included by path from another crate's folder:
//!
//! - [`compile_list`] and [`fix_checksum`], for tests that craft damaged or hostile compiled
//!   lists;
//! - [`workload`], the one deterministic workload every benchmark uses.

pub mod workload;

use ddns_core::{Catalog, CatalogFormat, MatcherBuilder};

/// Compiles a plain list (`domain provider` lines, `!` in front of an exception).
pub fn compile_list(text: &str) -> Vec<u8> {
    let catalog = Catalog::parse(text, CatalogFormat::List, "list.txt").unwrap();
    MatcherBuilder::new().compile(&catalog).unwrap()
}

/// Rewrites a compiled list's checksum (bytes 24..28: the CRC-32 of the whole file with
/// that field zeroed, see docs/format.md), as a crafted file would, so that a test reaches
/// the checks that come after it.
pub fn fix_checksum(bytes: &mut [u8]) {
    bytes[24..28].fill(0);
    let sum = crc32fast::hash(bytes);
    bytes[24..28].copy_from_slice(&sum.to_le_bytes());
}
