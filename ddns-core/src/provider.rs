//! A provider as a matcher describes it.

use std::ffi::CStr;

use crate::catalog::{AbusePosture, ProviderClass, ProviderStatus};

/// A provider as a matcher holds it. Strings are kept NUL-terminated so the C ABI can hand
/// them out without copying (the `*_c` accessors, hidden from these docs, are for ddns-ffi).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub(crate) id: Box<str>,
    pub(crate) name: Box<str>,
    pub(crate) website: Box<str>,
    pub(crate) country: Box<str>,
    pub(crate) abuse: AbusePosture,
    pub(crate) free_subdomains: bool,
    pub(crate) class: ProviderClass,
    pub(crate) status: ProviderStatus,
    pub(crate) block_entries: u32,
    pub(crate) allow_entries: u32,
}

pub(crate) fn with_nul(text: &str) -> Box<str> {
    let mut owned = String::with_capacity(text.len() + 1);
    owned.push_str(text);
    owned.push('\0');
    owned.into_boxed_str()
}

fn without_nul(text: &str) -> &str {
    &text[..text.len() - 1]
}

fn as_c_str(text: &str) -> &CStr {
    CStr::from_bytes_with_nul(text.as_bytes()).expect("stored with one NUL at the end")
}

impl Provider {
    /// Short, stable, lower-case identifier (`duckdns`).
    pub fn id(&self) -> &str {
        without_nul(&self.id)
    }

    /// Display name (`Duck DNS`).
    pub fn name(&self) -> &str {
        without_nul(&self.name)
    }

    /// The provider's web site, when the catalog gives one.
    pub fn website(&self) -> Option<&str> {
        Some(without_nul(&self.website)).filter(|s| !s.is_empty())
    }

    /// ISO 3166-1 alpha-2 country code, when the catalog gives one.
    pub fn country(&self) -> Option<&str> {
        Some(without_nul(&self.country)).filter(|s| !s.is_empty())
    }

    /// How the provider acts on abuse reports.
    pub fn abuse(&self) -> AbusePosture {
        self.abuse
    }

    /// Whether anyone can get a host name under its domains for free.
    pub fn offers_free_subdomains(&self) -> bool {
        self.free_subdomains
    }

    /// Who gets names from this provider, and how (`unclassified` when the list does not
    /// say).
    pub fn class(&self) -> ProviderClass {
        self.class
    }

    /// Whether the provider still hands out names (`active` when the list does not say).
    pub fn status(&self) -> ProviderStatus {
        self.status
    }

    /// Number of block entries (base domains) of this provider in the list.
    pub fn block_entries(&self) -> u32 {
        self.block_entries
    }

    /// Number of allow entries (exceptions) of this provider in the list.
    pub fn allow_entries(&self) -> u32 {
        self.allow_entries
    }

    /// [`Provider::id`] as a C string (for the C ABI).
    #[doc(hidden)]
    pub fn id_c(&self) -> &CStr {
        as_c_str(&self.id)
    }

    /// [`Provider::name`] as a C string (for the C ABI).
    #[doc(hidden)]
    pub fn name_c(&self) -> &CStr {
        as_c_str(&self.name)
    }

    /// [`Provider::website`] as a C string, empty when unknown (for the C ABI).
    #[doc(hidden)]
    pub fn website_c(&self) -> &CStr {
        as_c_str(&self.website)
    }

    /// [`Provider::country`] as a C string, empty when unknown (for the C ABI).
    #[doc(hidden)]
    pub fn country_c(&self) -> &CStr {
        as_c_str(&self.country)
    }
}
