//! Arbitrary bytes loaded as a compiled list, as given and with the length and checksum
//! fields made valid (so that mutations reach the section and index checks): no panic, and
//! every list that loads lists its entries and answers consistently (see `check_list`).
#![no_main]

use ddns_fuzz::{check_list, with_valid_checksum};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check_list(data);
    if let Some(fixed) = with_valid_checksum(data) {
        check_list(&fixed);
    }
});
