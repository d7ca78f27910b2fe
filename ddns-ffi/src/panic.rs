//! The panic guard every export runs its body in: a panic becomes the return type's
//! [`Fallback`] and never unwinds into C.

use std::ffi::c_char;

use crate::status::{DDNS_ERR_PANIC, ddns_status};

/// What an export returns when its body panicked. Every return type of an export needs an
/// implementation, so a missing fallback is a build error rather than an abort.
pub trait Fallback {
    /// The value to return after a caught panic.
    fn fallback() -> Self;
}

impl Fallback for ddns_status {
    fn fallback() -> Self {
        DDNS_ERR_PANIC
    }
}

impl Fallback for u32 {
    fn fallback() -> Self {
        0
    }
}

impl Fallback for u64 {
    fn fallback() -> Self {
        0
    }
}

impl Fallback for bool {
    fn fallback() -> Self {
        false
    }
}

impl Fallback for () {
    fn fallback() -> Self {}
}

impl Fallback for *const c_char {
    fn fallback() -> Self {
        c"internal error (panic caught by libddns)".as_ptr()
    }
}

/// Runs an export's body, turning a panic into the return type's [`Fallback`].
macro_rules! guard {
    ($body:block) => {
        match catch_unwind(AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => Fallback::fallback(),
        }
    };
}
