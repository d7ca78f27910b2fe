//! Hostile compiled lists through the C ABI: each kind of damage gets its own status and a
//! message naming it, a crafted list that passes the checksum loads but fails
//! `ddns_matcher_verify`, and lookups on it stay in bounds.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use ddns::*;
use ddns_test_support::{compile_list, fix_checksum};

fn compiled() -> Vec<u8> {
    compile_list("duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net noip\n")
}

fn last_error() -> String {
    // SAFETY: ddns_last_error returns a NUL-terminated string owned by this thread.
    unsafe { CStr::from_ptr(ddns_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// Loads `bytes` through the C ABI: the status, the message, and the matcher on success.
fn load(bytes: &[u8]) -> (ddns_status, String, *mut ddns_matcher) {
    let mut out = std::ptr::null_mut();
    // SAFETY: bytes is live for the call; out is writable.
    let status = unsafe { ddns_matcher_from_bytes(bytes.as_ptr(), bytes.len(), &mut out) };
    (status, last_error(), out)
}

#[test]
fn each_kind_of_damaged_list_gets_its_own_status_and_message() {
    let good = compiled();
    let mut future = good.clone();
    future[8..12].copy_from_slice(&(ddns_core::FORMAT_VERSION + 1).to_le_bytes());
    fix_checksum(&mut future);
    let mut flipped = good.clone();
    flipped[100] ^= 0x10;
    let mut huge = good.clone();
    huge[72..80].copy_from_slice(&(1u64 << 30).to_le_bytes());
    fix_checksum(&mut huge);
    let future_version = format!("format version {}", ddns_core::FORMAT_VERSION + 1);
    let cases: [(&[u8], ddns_status, &str); 5] = [
        (&good[..good.len() - 1], DDNS_ERR_CORRUPT_LIST, "truncated"),
        (&future, DDNS_ERR_LIST_VERSION, &future_version),
        (&flipped, DDNS_ERR_CORRUPT_LIST, "checksum"),
        (&huge, DDNS_ERR_CORRUPT_LIST, "table does not fit"),
        (
            b"not a list at all, not even close to a header",
            DDNS_ERR_CORRUPT_LIST,
            "not a compiled ddns list",
        ),
    ];
    for (bytes, status, why) in cases {
        let (found, message, out) = load(bytes);
        assert_eq!(found, status, "{message}");
        assert!(message.contains(why), "{message}");
        assert!(out.is_null());
    }
}

#[test]
fn a_crafted_list_loads_answers_in_bounds_and_fails_verify() {
    let good = compiled();
    let (status, _, matcher) = load(&good);
    assert_eq!(status, DDNS_OK);
    // SAFETY: a live matcher from this library.
    assert_eq!(unsafe { ddns_matcher_verify(matcher) }, DDNS_OK);
    // SAFETY: as above; freed once.
    unsafe { ddns_matcher_free(matcher) };

    // The first letter of each key of the suffix table upper-cased in turn, checksum made
    // valid: each such list loads (only the full check can tell), answers in bounds, and
    // fails verify.
    let mut crafted_lists = 0;
    for key in ddns_test_support::table_key_positions(&good) {
        let mut crafted = good.clone();
        crafted[key] = crafted[key].to_ascii_uppercase();
        if crafted[key] == good[key] {
            continue;
        }
        fix_checksum(&mut crafted);
        let (status, message, matcher) = load(&crafted);
        assert_eq!(status, DDNS_OK, "{message}");
        for name in [
            "x.duckdns.org",
            "www.duckdns.org",
            "a.ddns.net",
            "DUCKDNS.ORG",
        ] {
            let mut found = MaybeUninit::<ddns_match>::zeroed();
            // SAFETY: name is live for the call; found is caller storage.
            let status = unsafe {
                ddns_matcher_find(matcher, name.as_ptr(), name.len(), found.as_mut_ptr())
            };
            assert_eq!(status, DDNS_OK);
            // SAFETY: written on DDNS_OK.
            let found = unsafe { found.assume_init() };
            assert!(found.base_offset + found.base_len <= name.len());
        }
        // SAFETY: a live matcher.
        assert_eq!(
            unsafe { ddns_matcher_verify(matcher) },
            DDNS_ERR_CORRUPT_LIST
        );
        assert!(
            last_error().contains("corrupt suffix index"),
            "{}",
            last_error()
        );
        // SAFETY: freed once.
        unsafe { ddns_matcher_free(matcher) };
        crafted_lists += 1;
    }
    assert!(crafted_lists >= 3, "{crafted_lists} table keys damaged");
}
