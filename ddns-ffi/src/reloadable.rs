//! Exports of the reload holder: swap a list while worker threads keep matching.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ddns_core::{Matcher, ReloadableMatcher};

use crate::handle;
use crate::panic::Fallback;
use crate::status::*;
use crate::types::*;

/// See `ddns_reloadable_new` in include/ddns.h.
///
/// # Safety
/// `initial` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_reloadable_new(
    initial: *const ddns_matcher,
    out: *mut *mut ddns_reloadable,
) -> ddns_status {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        let Some(initial) = (unsafe { handle::as_ref(initial) }) else {
            return DDNS_ERR_NULL_ARG;
        };
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        let holder = ReloadableMatcher::new(initial.matcher.clone());
        // SAFETY: checked above.
        unsafe { give(out, ddns_reloadable { holder }) }
    })
}

/// See `ddns_reloadable_replace` in include/ddns.h.
///
/// # Safety
/// `holder` and `next` are NULL or live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_reloadable_replace(
    holder: *const ddns_reloadable,
    next: *const ddns_matcher,
) -> ddns_status {
    guard!({
        // SAFETY: the caller passes handles from this library or NULL.
        let (Some(holder), Some(next)) = (unsafe { handle::as_ref(holder) }, unsafe {
            handle::as_ref(next)
        }) else {
            return DDNS_ERR_NULL_ARG;
        };
        holder.holder.replace(next.matcher.clone());
        DDNS_OK
    })
}

/// See `ddns_reloadable_acquire` in include/ddns.h.
///
/// # Safety
/// `holder` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_reloadable_acquire(
    holder: *const ddns_reloadable,
    out: *mut *mut ddns_matcher,
) -> ddns_status {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        let Some(holder) = (unsafe { handle::as_ref(holder) }) else {
            return DDNS_ERR_NULL_ARG;
        };
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        let matcher = Matcher::clone(&holder.holder.load());
        // SAFETY: checked above.
        unsafe { give(out, ddns_matcher { matcher }) }
    })
}

/// See `ddns_reloadable_generation` in include/ddns.h.
///
/// # Safety
/// `holder` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_reloadable_generation(holder: *const ddns_reloadable) -> u64 {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        unsafe { handle::as_ref(holder) }.map_or(0, |h| h.holder.generation())
    })
}

/// See `ddns_reloadable_free` in include/ddns.h.
///
/// # Safety
/// `holder` is NULL or a handle from this library not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_reloadable_free(holder: *mut ddns_reloadable) {
    // SAFETY: the caller hands over a handle from this library, or NULL.
    guard!({ unsafe { handle::free(holder) } })
}
