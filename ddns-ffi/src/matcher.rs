//! Exports that make, check, describe and free matchers.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ddns_core::{Catalog, CatalogFormat, Matcher};

use crate::handle;
use crate::panic::Fallback;
use crate::status::*;
use crate::types::*;

/// The body every constructor export shares: clears this thread's last error, checks `out`,
/// then hands over the matcher `make` returns, or returns the status it failed with (after
/// recording the message, through [`fail`] or [`load_status`]).
///
/// # Safety
/// `out` is NULL or points to writable storage for a pointer.
unsafe fn construct(
    out: *mut *mut ddns_matcher,
    make: impl FnOnce() -> Result<Matcher, ddns_status>,
) -> ddns_status {
    clear_last_error();
    if out.is_null() {
        return DDNS_ERR_NULL_ARG;
    }
    match make() {
        // SAFETY: checked above; the caller promises writable storage.
        Ok(matcher) => unsafe { give(out, ddns_matcher { matcher }) },
        Err(status) => status,
    }
}

/// See `ddns_matcher_new_default` in include/ddns.h.
///
/// # Safety
/// `out` is NULL or points to writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_new_default(out: *mut *mut ddns_matcher) -> ddns_status {
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { construct(out, || Ok(Matcher::default_ref().clone())) } })
}

/// See `ddns_matcher_open` in include/ddns.h.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_open(
    path: *const c_char,
    out: *mut *mut ddns_matcher,
) -> ddns_status {
    let make = || {
        if path.is_null() {
            return Err(DDNS_ERR_NULL_ARG);
        }
        // SAFETY: non-NULL and NUL-terminated, as the caller promises.
        let path = unsafe { CStr::from_ptr(path) };
        if path.is_empty() {
            return Err(fail(DDNS_ERR_EMPTY, "empty path"));
        }
        #[cfg(unix)]
        let path = {
            use std::os::unix::ffi::OsStrExt;
            std::path::Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()))
        };
        #[cfg(not(unix))]
        let path = match path.to_str() {
            Ok(text) => std::path::Path::new(text),
            Err(_) => return Err(fail(DDNS_ERR_INVALID_ARG, "path is not UTF-8")),
        };
        Matcher::open(path).map_err(|err| load_status(&err))
    };
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { construct(out, make) } })
}

/// See `ddns_matcher_from_bytes` in include/ddns.h.
///
/// # Safety
/// `bytes` is NULL or points to `len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_from_bytes(
    bytes_ptr: *const u8,
    len: usize,
    out: *mut *mut ddns_matcher,
) -> ddns_status {
    let make = || {
        // SAFETY: forwarded from the caller.
        let input = unsafe { bytes(bytes_ptr, len) }?;
        Matcher::from_bytes(input.to_vec()).map_err(|err| load_status(&err))
    };
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { construct(out, make) } })
}

/// See `ddns_matcher_from_catalog` in include/ddns.h.
///
/// # Safety
/// `text` is NULL or points to `len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_from_catalog(
    text: *const u8,
    len: usize,
    format: u32,
    out: *mut *mut ddns_matcher,
) -> ddns_status {
    let make = || {
        let format = match format {
            DDNS_CATALOG_TOML => CatalogFormat::Toml,
            DDNS_CATALOG_JSON => CatalogFormat::Json,
            DDNS_CATALOG_LIST => CatalogFormat::List,
            other => {
                let why = format!("unknown catalog format {other}");
                return Err(fail(DDNS_ERR_INVALID_ARG, &why));
            }
        };
        // SAFETY: forwarded from the caller.
        let input = unsafe { bytes(text, len) }?;
        let catalog = Catalog::parse_bytes(input, format, "<catalog>")
            .map_err(|err| fail(DDNS_ERR_CATALOG, &err.to_string()))?;
        if catalog.entry_count() == 0 {
            // As `ddns compile` refuses it: far more often an empty or wrong buffer than a
            // list meant to match nothing.
            let why = "<catalog>: no entries: a list without entries matches nothing";
            return Err(fail(DDNS_ERR_BUILD, why));
        }
        Matcher::new(&catalog).map_err(|err| fail(DDNS_ERR_BUILD, &err.to_string()))
    };
    // SAFETY: forwarded from the caller.
    guard!({ unsafe { construct(out, make) } })
}

/// See `ddns_matcher_free` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a handle from this library not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_free(matcher: *mut ddns_matcher) {
    // SAFETY: the caller hands over a handle from this library, or NULL.
    guard!({ unsafe { handle::free(matcher) } })
}

/// See `ddns_matcher_verify` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_verify(matcher: *const ddns_matcher) -> ddns_status {
    guard!({
        clear_last_error();
        // SAFETY: the caller passes a handle from this library or NULL.
        let Some(handle) = (unsafe { handle::as_ref(matcher) }) else {
            return DDNS_ERR_NULL_ARG;
        };
        match handle.matcher.verify() {
            Ok(()) => DDNS_OK,
            Err(err) => load_status(&err),
        }
    })
}

/// See `ddns_matcher_provider_count` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_provider_count(matcher: *const ddns_matcher) -> u32 {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        unsafe { handle::as_ref(matcher) }.map_or(0, |h| h.matcher.providers().len() as u32)
    })
}

/// See `ddns_matcher_file_changed` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_file_changed(matcher: *const ddns_matcher) -> bool {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        unsafe { handle::as_ref(matcher) }.is_some_and(|h| h.matcher.mapped_file_changed())
    })
}

/// See `ddns_matcher_entry_count` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_entry_count(matcher: *const ddns_matcher) -> u64 {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        unsafe { handle::as_ref(matcher) }.map_or(0, |h| h.matcher.entry_count())
    })
}

/// See `ddns_matcher_provider` in include/ddns.h.
///
/// # Safety
/// `matcher` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_provider(
    matcher: *const ddns_matcher,
    index: u32,
    out: *mut ddns_provider,
) -> ddns_status {
    guard!({
        // SAFETY: the caller passes a handle from this library or NULL.
        let Some(handle) = (unsafe { handle::as_ref(matcher) }) else {
            return DDNS_ERR_NULL_ARG;
        };
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        let Some(provider) = handle.matcher.providers().get(index as usize) else {
            return DDNS_ERR_OUT_OF_RANGE;
        };
        // SAFETY: checked non-NULL; caller storage for one ddns_provider.
        unsafe { out.write(to_c_provider(provider)) };
        DDNS_OK
    })
}
