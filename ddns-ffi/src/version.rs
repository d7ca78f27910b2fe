//! The library's versions: the ABI number hosts compare at load time, and a readable
//! version string.

use std::ffi::{CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::panic::Fallback;
use crate::types::DDNS_ABI_VERSION;

/// See `ddns_abi_version` in include/ddns.h.
#[unsafe(no_mangle)]
pub extern "C" fn ddns_abi_version() -> u32 {
    guard!({ DDNS_ABI_VERSION })
}

static VERSION: once_cell::sync::Lazy<CString> = once_cell::sync::Lazy::new(|| {
    CString::new(format!(
        "ddns {} (abi {DDNS_ABI_VERSION}, list format {})",
        env!("CARGO_PKG_VERSION"),
        ddns_core::FORMAT_VERSION
    ))
    .expect("no NUL in a version string")
});

/// See `ddns_version` in include/ddns.h.
#[unsafe(no_mangle)]
pub extern "C" fn ddns_version() -> *const c_char {
    guard!({ VERSION.as_ptr() })
}
