//! Arbitrary bytes through every lookup entry point of the default list (dotted, host,
//! wire, and the C ABI's batch call), each answer checked against a plain suffix walk.
#![no_main]

use std::sync::LazyLock;

use ddns_core::Matcher;
use ddns_fuzz::{Reference, check_all, check_batch};
use libfuzzer_sys::fuzz_target;

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| Reference::of(Matcher::default_ref()));

fuzz_target!(|data: &[u8]| {
    let matcher = Matcher::default_ref();
    check_all(matcher, &REFERENCE, data);
    // Also as a batch: the input split at newlines is a list of names.
    let names: Vec<&[u8]> = data.split(|&b| b == b'\n').take(64).collect();
    for name in &names {
        check_all(matcher, &REFERENCE, name);
    }
    check_batch(&names);
});
