//! Arbitrary text parsed as a plain list, a TOML catalog and a JSON catalog: no panic,
//! every catalog that parses round-trips through TOML and JSON, and every one that builds
//! answers each of its entries with its provider and verdict.
#![no_main]

use ddns_fuzz::check_catalog_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_catalog_text(&String::from_utf8_lossy(data));
});
