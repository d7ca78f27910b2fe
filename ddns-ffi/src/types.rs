//! The C types and constants of `include/ddns.h`, the conversions from ddns-core's answers
//! into them, and the helpers that turn C arguments into Rust values.

use std::ffi::{CStr, c_char};

use ddns_core::{
    AbusePosture, Match, Matcher, Provider, ProviderClass, ProviderStatus, ReloadableMatcher,
    Verdict,
};

use crate::handle::{self, BoxedHandle};
use crate::status::{
    DDNS_ERR_EMPTY, DDNS_ERR_INVALID_ARG, DDNS_ERR_NULL_ARG, DDNS_OK, ddns_status,
};

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
/// `ddns_match.flags`: the name is a zone's apex, the provider's own (verdict allow).
pub const DDNS_MATCH_ZONE_APEX: u32 = 4;

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

/// Provider class: not stated.
pub const DDNS_CLASS_UNCLASSIFIED: u32 = 0;
/// Provider class: free, anonymous registration.
pub const DDNS_CLASS_FREE_ANONYMOUS: u32 = 1;
/// Provider class: names come with a device the user owns.
pub const DDNS_CLASS_DEVICE_ASSIGNED: u32 = 2;
/// Provider class: business firewalls and appliances.
pub const DDNS_CLASS_BUSINESS_FIREWALL: u32 = 3;
/// Provider class: paid plans only.
pub const DDNS_CLASS_PAID: u32 = 4;

/// Provider service status: active.
pub const DDNS_SERVICE_ACTIVE: u32 = 0;
/// Provider service status: legacy.
pub const DDNS_SERVICE_LEGACY: u32 = 1;
/// Provider service status: closed.
pub const DDNS_SERVICE_CLOSED: u32 = 2;

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
    /// `DDNS_CLASS_*`.
    pub provider_class: u32,
    /// `DDNS_SERVICE_*`.
    pub service_status: u32,
    /// Zero.
    pub reserved: [u64; 1],
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
    pub(crate) matcher: Matcher,
}

/// The opaque reload holder (`ddns_reloadable`); always a `Box`.
pub struct ddns_reloadable {
    pub(crate) holder: ReloadableMatcher,
}

impl BoxedHandle for ddns_matcher {}
impl BoxedHandle for ddns_reloadable {}

/// The bytes `ptr[..len]`, or the status for a NULL pointer, a zero length, or a length no
/// buffer can have (over `isize::MAX`, which a slice may not span).
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay unchanged for the
/// call.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], ddns_status> {
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
pub(crate) unsafe fn give<T: BoxedHandle>(out: *mut *mut T, value: T) -> ddns_status {
    // SAFETY: the caller checked `out` and promises it is writable.
    unsafe { *out = handle::into_raw(value) };
    DDNS_OK
}

pub(crate) fn abuse_code(posture: AbusePosture) -> u32 {
    match posture {
        AbusePosture::Responsive => DDNS_ABUSE_RESPONSIVE,
        AbusePosture::Slow => DDNS_ABUSE_SLOW,
        AbusePosture::Unresponsive => DDNS_ABUSE_UNRESPONSIVE,
        _ => DDNS_ABUSE_UNKNOWN,
    }
}

fn class_code(class: ProviderClass) -> u32 {
    match class {
        ProviderClass::FreeAnonymous => DDNS_CLASS_FREE_ANONYMOUS,
        ProviderClass::DeviceAssigned => DDNS_CLASS_DEVICE_ASSIGNED,
        ProviderClass::BusinessFirewall => DDNS_CLASS_BUSINESS_FIREWALL,
        ProviderClass::Paid => DDNS_CLASS_PAID,
        _ => DDNS_CLASS_UNCLASSIFIED,
    }
}

pub(crate) fn to_c_match(matcher: &Matcher, found: Option<Match>) -> ddns_match {
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
        } | if found.is_zone_apex() {
            DDNS_MATCH_ZONE_APEX
        } else {
            0
        },
        abuse: abuse_code(matcher.provider(found.provider()).abuse()),
        reserved: [0; 4],
    }
}

pub(crate) fn to_c_provider(provider: &Provider) -> ddns_provider {
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
        provider_class: class_code(provider.class()),
        service_status: match provider.status() {
            ProviderStatus::Legacy => DDNS_SERVICE_LEGACY,
            ProviderStatus::Closed => DDNS_SERVICE_CLOSED,
            _ => DDNS_SERVICE_ACTIVE,
        },
        reserved: [0; 1],
    }
}
