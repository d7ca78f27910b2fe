//! Lookup exports: one name (dotted, host form, wire form) or a batch of them. No lookup
//! allocates or touches the last-error message.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ddns_core::{Match, Matcher};

use crate::handle;
use crate::panic::Fallback;
use crate::status::*;
use crate::types::*;

/// The lookup every `ddns_matcher_find*` export shares.
///
/// # Safety
/// As for the exports: valid or NULL pointers, `len` readable bytes at `ptr`.
///
/// Generic and inlined, so that each export runs its lookup's early exit without a further
/// call.
#[inline(always)]
unsafe fn find_with(
    matcher: *const ddns_matcher,
    ptr: *const u8,
    len: usize,
    out: *mut ddns_match,
    find: impl Fn(&Matcher, &[u8]) -> Option<Match>,
) -> ddns_status {
    // SAFETY: the caller passes a handle from this library or NULL.
    let Some(handle) = (unsafe { handle::as_ref(matcher) }) else {
        return DDNS_ERR_NULL_ARG;
    };
    if out.is_null() {
        return DDNS_ERR_NULL_ARG;
    }
    // SAFETY: forwarded from the caller.
    let name = match unsafe { bytes(ptr, len) } {
        Ok(name) => name,
        Err(status) => return status,
    };
    let answer = to_c_match(&handle.matcher, find(&handle.matcher, name));
    // SAFETY: checked non-NULL; the caller provides storage for one ddns_match.
    unsafe { out.write(answer) };
    DDNS_OK
}

#[inline(always)]
fn find_name(matcher: &Matcher, name: &[u8]) -> Option<Match> {
    matcher.find(name)
}

#[inline(always)]
fn find_host(matcher: &Matcher, host: &[u8]) -> Option<Match> {
    matcher.find_host(host)
}

fn find_wire(matcher: &Matcher, wire: &[u8]) -> Option<Match> {
    matcher.find_wire(wire)
}

/// See `ddns_matcher_find` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle; `name` is NULL or points to `len` readable bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_find(
    matcher: *const ddns_matcher,
    name: *const u8,
    len: usize,
    out: *mut ddns_match,
) -> ddns_status {
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { find_with(matcher, name, len, out, find_name) } })
}

/// See `ddns_matcher_find_host` in include/ddns.h.
///
/// # Safety
/// As [`ddns_matcher_find`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_find_host(
    matcher: *const ddns_matcher,
    host: *const u8,
    len: usize,
    out: *mut ddns_match,
) -> ddns_status {
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { find_with(matcher, host, len, out, find_host) } })
}

/// See `ddns_matcher_find_wire` in include/ddns.h.
///
/// # Safety
/// As [`ddns_matcher_find`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_find_wire(
    matcher: *const ddns_matcher,
    wire: *const u8,
    len: usize,
    out: *mut ddns_match,
) -> ddns_status {
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { find_with(matcher, wire, len, out, find_wire) } })
}

/// See `ddns_matcher_find_batch` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle; `names` and `results` are NULL or point to `count`
/// elements; each name's `ptr` is NULL or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_find_batch(
    matcher: *const ddns_matcher,
    names: *const ddns_name,
    count: usize,
    mode: u32,
    results: *mut ddns_match,
) -> ddns_status {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        let Some(handle) = (unsafe { handle::as_ref(matcher) }) else {
            return DDNS_ERR_NULL_ARG;
        };
        if !matches!(mode, DDNS_INPUT_NAME | DDNS_INPUT_HOST | DDNS_INPUT_WIRE) {
            return DDNS_ERR_INVALID_ARG;
        }
        if count == 0 {
            return DDNS_OK;
        }
        if names.is_null() || results.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        // No array of more bytes than isize::MAX exists; a slice may not claim one.
        let largest = size_of::<ddns_name>().max(size_of::<ddns_match>());
        if count > isize::MAX as usize / largest {
            return DDNS_ERR_INVALID_ARG;
        }
        // SAFETY: non-NULL, within isize::MAX bytes, and the caller promises `count` elements
        // in each.
        let (names, results) = unsafe {
            (
                std::slice::from_raw_parts(names, count),
                std::slice::from_raw_parts_mut(results, count),
            )
        };
        let matcher = &handle.matcher;
        // One loop per mode, so that each inlines its lookup.
        match mode {
            DDNS_INPUT_NAME => find_each(matcher, names, results, find_name),
            DDNS_INPUT_HOST => find_each(matcher, names, results, find_host),
            _ => find_each(matcher, names, results, find_wire),
        }
        DDNS_OK
    })
}

/// The batch call's loop for one input form.
#[inline(always)]
fn find_each(
    matcher: &Matcher,
    names: &[ddns_name],
    results: &mut [ddns_match],
    find: impl Fn(&Matcher, &[u8]) -> Option<Match>,
) {
    for (name, result) in names.iter().zip(results.iter_mut()) {
        // SAFETY: the caller promises each non-NULL name points to `len` bytes.
        *result = match unsafe { bytes(name.ptr, name.len) } {
            Ok(name) => to_c_match(matcher, find(matcher, name)),
            Err(_) => ddns_match {
                flags: DDNS_MATCH_INVALID_INPUT,
                ..ddns_match::default()
            },
        };
    }
}
