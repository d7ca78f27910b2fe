//! libddns: the C ABI of ddns-core, declared in `include/ddns.h`.
//!
//! This crate holds no matching logic: every function checks its arguments, calls
//! ddns-core, and translates the answer. The rules every export follows:
//!
//! - its body runs inside the `guard!` macro, so a panic becomes `DDNS_ERR_PANIC` (or the return
//!   type's [`Fallback`]) and never unwinds into C;
//! - NULL and zero-length inputs are checked before any Rust reference or slice is made;
//! - outputs are written only on `DDNS_OK`;
//! - only load and build functions touch the thread-local last-error message.

#![allow(non_camel_case_types)]
#![deny(missing_docs)]

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ddns_core::{
    AbusePosture, Catalog, CatalogFormat, LoadError, LoadErrorKind, Match, Matcher, Provider,
    ReloadableMatcher, Verdict,
};

mod handle;

use handle::BoxedHandle;

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

/// No entry.
pub const DDNS_VERDICT_NONE: u32 = 0;
/// A DDNS match.
pub const DDNS_VERDICT_BLOCK: u32 = 1;
/// An exception won.
pub const DDNS_VERDICT_ALLOW: u32 = 2;

/// `ddns_match.flags`: the name breaks host name rules.
pub const DDNS_MATCH_MALFORMED: u32 = 1;
/// `ddns_match.flags`: a batch input was empty or NULL.
pub const DDNS_MATCH_INVALID_INPUT: u32 = 2;

/// Abuse posture: unknown.
pub const DDNS_ABUSE_UNKNOWN: u32 = 0;
/// Abuse posture: responsive.
pub const DDNS_ABUSE_RESPONSIVE: u32 = 1;
/// Abuse posture: slow.
pub const DDNS_ABUSE_SLOW: u32 = 2;
/// Abuse posture: unresponsive.
pub const DDNS_ABUSE_UNRESPONSIVE: u32 = 3;

/// `ddns_provider.flags`: free sub-domains.
pub const DDNS_PROVIDER_FREE_SUBDOMAINS: u32 = 1;

/// Catalog format: TOML.
pub const DDNS_CATALOG_TOML: u32 = 1;
/// Catalog format: JSON.
pub const DDNS_CATALOG_JSON: u32 = 2;
/// Catalog format: plain list.
pub const DDNS_CATALOG_LIST: u32 = 3;

/// Batch input: dotted names.
pub const DDNS_INPUT_NAME: u32 = 0;
/// Batch input: host strings.
pub const DDNS_INPUT_HOST: u32 = 1;
/// Batch input: wire-format names.
pub const DDNS_INPUT_WIRE: u32 = 2;

/// The ABI version (`DDNS_ABI_VERSION`); also the SONAME suffix set by build.rs.
pub const DDNS_ABI_VERSION: u32 = 1;

/// The answer of a lookup (`ddns_match` in the header).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ddns_match {
    /// `DDNS_VERDICT_*`.
    pub verdict: u32,
    /// Provider index.
    pub provider: u32,
    /// Entry rank.
    pub entry: u32,
    /// Labels in front of the base domain.
    pub sub_labels: u32,
    /// Offset of the base domain in the input.
    pub base_offset: usize,
    /// Length of the base domain in the input.
    pub base_len: usize,
    /// `DDNS_MATCH_*` bits.
    pub flags: u32,
    /// `DDNS_ABUSE_*` of the provider.
    pub abuse: u32,
    /// Zero.
    pub reserved: [u64; 4],
}

/// A provider's details (`ddns_provider` in the header).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ddns_provider {
    /// NUL-terminated id.
    pub id: *const c_char,
    /// Length of `id`.
    pub id_len: usize,
    /// NUL-terminated display name.
    pub name: *const c_char,
    /// Length of `name`.
    pub name_len: usize,
    /// NUL-terminated web site, "" when unknown.
    pub website: *const c_char,
    /// Length of `website`.
    pub website_len: usize,
    /// NUL-terminated country code, "" when unknown.
    pub country: *const c_char,
    /// Length of `country`.
    pub country_len: usize,
    /// `DDNS_ABUSE_*`.
    pub abuse: u32,
    /// `DDNS_PROVIDER_*` bits.
    pub flags: u32,
    /// Block entries.
    pub block_entries: u32,
    /// Allow entries.
    pub allow_entries: u32,
    /// Zero.
    pub reserved: [u64; 2],
}

/// One input of a batch (`ddns_name` in the header).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ddns_name {
    /// First byte.
    pub ptr: *const u8,
    /// Number of bytes.
    pub len: usize,
}

/// The opaque matcher handle (`ddns_matcher`); always a `Box`.
pub struct ddns_matcher {
    matcher: Matcher,
}

/// The opaque reload holder (`ddns_reloadable`); always a `Box`.
pub struct ddns_reloadable {
    holder: ReloadableMatcher,
}

impl BoxedHandle for ddns_matcher {}
impl BoxedHandle for ddns_reloadable {}

// ---- panics --------------------------------------------------------------------------

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

// ---- last error ----------------------------------------------------------------------

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

// Every access goes through `try_with`: a host may call into the library from a pthread key
// destructor or another thread-exit hook, after this thread's locals are gone. Then the
// message is dropped (and `ddns_last_error` gives an empty string) instead of a panic.

fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = text);
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = CString::default());
}

/// Records `message` and returns `status`.
fn fail(status: ddns_status, message: &str) -> ddns_status {
    set_last_error(message);
    status
}

fn load_status(err: &LoadError) -> ddns_status {
    let status = match err.kind() {
        LoadErrorKind::Io(_) => DDNS_ERR_IO,
        LoadErrorKind::UnsupportedVersion { .. } => DDNS_ERR_LIST_VERSION,
        _ => DDNS_ERR_CORRUPT_LIST,
    };
    fail(status, &err.to_string())
}

// ---- argument helpers ----------------------------------------------------------------

/// The bytes `ptr[..len]`, or the status for a NULL pointer, a zero length, or a length no
/// buffer can have (over `isize::MAX`, which a slice may not span).
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay unchanged for the
/// call.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], ddns_status> {
    if len == 0 {
        return Err(DDNS_ERR_EMPTY);
    }
    if ptr.is_null() {
        return Err(DDNS_ERR_NULL_ARG);
    }
    if len > isize::MAX as usize {
        return Err(DDNS_ERR_INVALID_ARG);
    }
    // SAFETY: non-NULL, at most isize::MAX bytes, and the caller promises `len` readable
    // bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Writes a new boxed handle to `out`.
///
/// # Safety
/// `out` must be NULL-checked by the caller and point to writable storage for a pointer.
unsafe fn give<T: BoxedHandle>(out: *mut *mut T, value: T) -> ddns_status {
    // SAFETY: the caller checked `out` and promises it is writable.
    unsafe { *out = handle::into_raw(value) };
    DDNS_OK
}

fn abuse_code(posture: AbusePosture) -> u32 {
    match posture {
        AbusePosture::Responsive => DDNS_ABUSE_RESPONSIVE,
        AbusePosture::Slow => DDNS_ABUSE_SLOW,
        AbusePosture::Unresponsive => DDNS_ABUSE_UNRESPONSIVE,
        _ => DDNS_ABUSE_UNKNOWN,
    }
}

fn to_c_match(matcher: &Matcher, found: Option<Match>) -> ddns_match {
    let Some(found) = found else {
        return ddns_match::default();
    };
    let span = found.base_span();
    ddns_match {
        verdict: match found.verdict() {
            Verdict::Allow => DDNS_VERDICT_ALLOW,
            _ => DDNS_VERDICT_BLOCK,
        },
        provider: found.provider().index() as u32,
        entry: found.entry().as_u32(),
        sub_labels: found.sub_labels(),
        base_offset: span.start,
        base_len: span.len(),
        flags: if found.is_malformed() {
            DDNS_MATCH_MALFORMED
        } else {
            0
        },
        abuse: abuse_code(matcher.provider(found.provider()).abuse()),
        reserved: [0; 4],
    }
}

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

// ---- versions and messages -----------------------------------------------------------

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

// ---- matchers ------------------------------------------------------------------------

/// See `ddns_matcher_new_default` in include/ddns.h.
///
/// # Safety
/// `out` is NULL or points to writable storage for a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ddns_matcher_new_default(out: *mut *mut ddns_matcher) -> ddns_status {
    guard!({
        clear_last_error();
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        let matcher = Matcher::default_ref().clone();
        // SAFETY: checked above.
        unsafe { give(out, ddns_matcher { matcher }) }
    })
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
    guard!({
        clear_last_error();
        if path.is_null() || out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        // SAFETY: non-NULL and NUL-terminated, as the caller promises.
        let path = unsafe { CStr::from_ptr(path) };
        if path.is_empty() {
            return fail(DDNS_ERR_EMPTY, "empty path");
        }
        #[cfg(unix)]
        let path = {
            use std::os::unix::ffi::OsStrExt;
            std::path::Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()))
        };
        #[cfg(not(unix))]
        let path = match path.to_str() {
            Ok(text) => std::path::Path::new(text),
            Err(_) => return fail(DDNS_ERR_INVALID_ARG, "path is not UTF-8"),
        };
        match Matcher::open(path) {
            // SAFETY: checked above.
            Ok(matcher) => unsafe { give(out, ddns_matcher { matcher }) },
            Err(err) => load_status(&err),
        }
    })
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
    guard!({
        clear_last_error();
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        // SAFETY: forwarded from the caller.
        let input = match unsafe { bytes(bytes_ptr, len) } {
            Ok(input) => input,
            Err(status) => return status,
        };
        match Matcher::from_bytes(input.to_vec()) {
            // SAFETY: checked above.
            Ok(matcher) => unsafe { give(out, ddns_matcher { matcher }) },
            Err(err) => load_status(&err),
        }
    })
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
    guard!({
        clear_last_error();
        if out.is_null() {
            return DDNS_ERR_NULL_ARG;
        }
        let format = match format {
            DDNS_CATALOG_TOML => CatalogFormat::Toml,
            DDNS_CATALOG_JSON => CatalogFormat::Json,
            DDNS_CATALOG_LIST => CatalogFormat::List,
            other => {
                return fail(
                    DDNS_ERR_INVALID_ARG,
                    &format!("unknown catalog format {other}"),
                );
            }
        };
        // SAFETY: forwarded from the caller.
        let input = match unsafe { bytes(text, len) } {
            Ok(input) => input,
            Err(status) => return status,
        };
        let catalog = match Catalog::parse_bytes(input, format, "<catalog>") {
            Ok(catalog) => catalog,
            Err(err) => return fail(DDNS_ERR_CATALOG, &err.to_string()),
        };
        if catalog.entry_count() == 0 {
            // As `ddns compile` refuses it: far more often an empty or wrong buffer than a
            // list meant to match nothing.
            return fail(
                DDNS_ERR_BUILD,
                "<catalog>: no entries: a list without entries matches nothing",
            );
        }
        match Matcher::new(&catalog) {
            // SAFETY: checked above.
            Ok(matcher) => unsafe { give(out, ddns_matcher { matcher }) },
            Err(err) => fail(DDNS_ERR_BUILD, &err.to_string()),
        }
    })
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

fn to_c_provider(provider: &Provider) -> ddns_provider {
    let text = |c: &CStr| (c.as_ptr(), c.to_bytes().len());
    let (id, id_len) = text(provider.id_c());
    let (name, name_len) = text(provider.name_c());
    let (website, website_len) = text(provider.website_c());
    let (country, country_len) = text(provider.country_c());
    ddns_provider {
        id,
        id_len,
        name,
        name_len,
        website,
        website_len,
        country,
        country_len,
        abuse: abuse_code(provider.abuse()),
        flags: if provider.offers_free_subdomains() {
            DDNS_PROVIDER_FREE_SUBDOMAINS
        } else {
            0
        },
        block_entries: provider.block_entries(),
        allow_entries: provider.allow_entries(),
        reserved: [0; 2],
    }
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

// ---- reload holder -------------------------------------------------------------------

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
