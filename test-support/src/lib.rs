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

/// Where each key of a compiled list's suffix table starts in the file: the byte after the
/// length byte of the record each non-empty slot points to (docs/format.md, "The suffix
/// index"). For tests that damage keys the way only the full check can see.
pub fn table_key_positions(bytes: &[u8]) -> Vec<usize> {
    let field = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    let keys_at = bytes.len() - field(48) - field(56) - field(80);
    let slots_at = keys_at - field(72);
    (slots_at..keys_at)
        .step_by(8)
        .filter_map(|slot| {
            let record = u32::from_le_bytes(bytes[slot + 4..slot + 8].try_into().unwrap());
            (record != u32::MAX).then(|| keys_at + record as usize + 1)
        })
        .collect()
}

/// A copy of a compiled list with the first letter of one table key upper-cased and the
/// checksum made valid: it loads, answers in bounds, and only the full check (`verify`)
/// refuses it.
pub fn with_upper_case_table_key(bytes: &[u8]) -> Vec<u8> {
    let mut crafted = bytes.to_vec();
    let at = table_key_positions(bytes)
        .into_iter()
        .find(|&at| bytes[at].is_ascii_lowercase())
        .expect("a table key that starts with a letter");
    crafted[at] = crafted[at].to_ascii_uppercase();
    fix_checksum(&mut crafted);
    crafted
}
