//! Opens libddns.so at run time the way a host engine does: check the ABI version first,
//! resolve every function the header declares, then call through the resolved pointers.

use std::ffi::{CStr, c_char};

use ddns::{DDNS_ABI_VERSION, DDNS_OK, DDNS_VERDICT_BLOCK, ddns_match, ddns_matcher, ddns_status};
use ddns_tests::{LibraryKind, ddns_library};
use libloading::{Library, Symbol};

include!(concat!(env!("OUT_DIR"), "/header_functions.rs"));

fn open() -> Library {
    let path = ddns_library(LibraryKind::Shared);
    // SAFETY: loading our own library runs no initialisers with preconditions.
    unsafe { Library::new(&path) }.unwrap_or_else(|err| panic!("dlopen {}: {err}", path.display()))
}

#[test]
fn a_host_checks_the_abi_version_before_anything_else() {
    let library = open();
    // SAFETY: the symbol has this type in include/ddns.h.
    let abi: Symbol<unsafe extern "C" fn() -> u32> =
        unsafe { library.get(b"ddns_abi_version") }.unwrap();
    // SAFETY: no arguments, no preconditions.
    assert_eq!(unsafe { abi() }, DDNS_ABI_VERSION);
}

#[test]
fn every_declared_function_resolves() {
    let library = open();
    for name in HEADER_FUNCTIONS {
        // SAFETY: only the address is looked up; nothing is called.
        let symbol: Result<Symbol<*const ()>, _> = unsafe { library.get(name.as_bytes()) };
        assert!(symbol.is_ok(), "{name} does not resolve");
    }
}

#[test]
fn a_lookup_through_resolved_pointers_matches_a_default_name() {
    let library = open();
    // SAFETY (all three): the types are the header's prototypes.
    let new_default: Symbol<unsafe extern "C" fn(*mut *mut ddns_matcher) -> ddns_status> =
        unsafe { library.get(b"ddns_matcher_new_default") }.unwrap();
    let find: Symbol<
        unsafe extern "C" fn(*const ddns_matcher, *const u8, usize, *mut ddns_match) -> ddns_status,
    > = unsafe { library.get(b"ddns_matcher_find") }.unwrap();
    let free: Symbol<unsafe extern "C" fn(*mut ddns_matcher)> =
        unsafe { library.get(b"ddns_matcher_free") }.unwrap();
    let last_error: Symbol<unsafe extern "C" fn() -> *const c_char> =
        unsafe { library.get(b"ddns_last_error") }.unwrap();

    let mut matcher = std::ptr::null_mut();
    let mut found = ddns_match::default();
    let name = b"x7.duckdns.org";
    // SAFETY: valid out-pointers and a live handle, as the header requires.
    unsafe {
        assert_eq!(new_default(&mut matcher), DDNS_OK);
        assert_eq!(
            find(matcher, name.as_ptr(), name.len(), &mut found),
            DDNS_OK
        );
        assert_eq!(found.verdict, DDNS_VERDICT_BLOCK);
        assert_eq!((found.base_offset, found.base_len), (3, 11));
        assert_eq!(CStr::from_ptr(last_error()).to_bytes(), b"");
        free(matcher);
    }
}
