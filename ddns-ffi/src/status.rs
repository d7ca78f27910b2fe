//! Status codes, the message for a status, and the per-thread message of the last failure:
//! how every fallible export reports what happened.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ddns_core::{LoadError, LoadErrorKind};

use crate::panic::Fallback;

/// The result of every fallible function (`ddns_status` in the header).
pub type ddns_status = i32;

/// Success.
pub const DDNS_OK: ddns_status = 0;
/// A required pointer was NULL.
pub const DDNS_ERR_NULL_ARG: ddns_status = 1;
/// An input of zero length.
pub const DDNS_ERR_EMPTY: ddns_status = 2;
/// An unknown enumeration value.
pub const DDNS_ERR_INVALID_ARG: ddns_status = 3;
/// A file could not be read.
pub const DDNS_ERR_IO: ddns_status = 4;
/// A compiled list is corrupt.
pub const DDNS_ERR_CORRUPT_LIST: ddns_status = 5;
/// A compiled list of another format version.
pub const DDNS_ERR_LIST_VERSION: ddns_status = 6;
/// Catalog text does not parse.
pub const DDNS_ERR_CATALOG: ddns_status = 7;
/// A catalog cannot be compiled.
pub const DDNS_ERR_BUILD: ddns_status = 8;
/// An index out of range.
pub const DDNS_ERR_OUT_OF_RANGE: ddns_status = 9;
/// A panic was caught.
pub const DDNS_ERR_PANIC: ddns_status = 10;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

// Every access goes through `try_with`: a host may call into the library from a pthread key
// destructor or another thread-exit hook, after this thread's locals are gone. Then the
// message is dropped (and `ddns_last_error` gives an empty string) instead of a panic.

pub(crate) fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = text);
}

pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = CString::default());
}

/// Records `message` and returns `status`.
pub(crate) fn fail(status: ddns_status, message: &str) -> ddns_status {
    set_last_error(message);
    status
}

pub(crate) fn load_status(err: &LoadError) -> ddns_status {
    let status = match err.kind() {
        LoadErrorKind::Io(_) => DDNS_ERR_IO,
        LoadErrorKind::UnsupportedVersion { .. } => DDNS_ERR_LIST_VERSION,
        _ => DDNS_ERR_CORRUPT_LIST,
    };
    fail(status, &err.to_string())
}

/// See `ddns_status_str` in include/ddns.h.
#[unsafe(no_mangle)]
pub extern "C" fn ddns_status_str(status: ddns_status) -> *const c_char {
    guard!({
        let text: &'static CStr = match status {
            DDNS_OK => c"ok",
            DDNS_ERR_NULL_ARG => c"a required pointer argument is NULL",
            DDNS_ERR_EMPTY => c"empty input",
            DDNS_ERR_INVALID_ARG => c"invalid argument value",
            DDNS_ERR_IO => c"cannot read file",
            DDNS_ERR_CORRUPT_LIST => c"corrupt or truncated compiled list",
            DDNS_ERR_LIST_VERSION => {
                c"compiled list of another format version; rebuild it with `ddns compile`"
            }
            DDNS_ERR_CATALOG => c"catalog does not parse",
            DDNS_ERR_BUILD => c"catalog cannot be compiled",
            DDNS_ERR_OUT_OF_RANGE => c"index out of range",
            DDNS_ERR_PANIC => c"internal error (panic caught by libddns)",
            _ => c"unknown status",
        };
        text.as_ptr()
    })
}

/// See `ddns_last_error` in include/ddns.h.
#[unsafe(no_mangle)]
pub extern "C" fn ddns_last_error() -> *const c_char {
    // The CString's heap buffer stays put until this thread's next load or build call
    // replaces it, which is what the header promises.
    guard!({
        LAST_ERROR
            .try_with(|last| last.borrow().as_ptr())
            .unwrap_or(c"".as_ptr())
    })
}
