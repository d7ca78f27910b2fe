//! Tells whether a host name belongs to a dynamic-DNS (DDNS) provider, and which one, in a
//! few tens of nanoseconds and without allocating.
//!
//! ```text
//! "Cam-01.Home.DuckDNS.org."  ->  base "duckdns.org", provider "duckdns" (Duck DNS),
//!                                 2 sub-domain labels, abuse posture from the catalog
//! "www.duckdns.org.evil.com"  ->  no match
//! "notduckdns.org"            ->  no match
//! ```
//!
//! # Install
//!
//! ```toml
//! [dependencies]
//! ddns-core = "0.1"
//! ```
//!
//! # Types
//!
//! - [`Matcher`]: a compiled list that answers lookups; [`Matcher::default_ref`] is the
//!   embedded default list of DDNS providers.
//! - [`Match`]: the answer, a small `Copy` value; [`Provider`] details come from
//!   [`Matcher::provider`].
//! - [`Catalog`]: providers and entries as people write them (TOML, JSON, plain lists);
//!   [`MatcherBuilder`] compiles one into a [`Matcher`] or into the bytes of a list file.
//! - [`ReloadableMatcher`]: swaps in a new list while other threads keep looking up.
//!
//! # Examples
//!
//! ```
//! use ddns_core::{Matcher, Verdict};
//!
//! let matcher = Matcher::default_ref();
//! if let Some(hit) = matcher.find("x7.duckdns.org") {
//!     let provider = matcher.provider(hit.provider());
//!     assert_eq!(hit.verdict(), Verdict::Block);
//!     println!("{} ({}, abuse: {})", provider.name(), provider.id(), provider.abuse());
//! }
//! // Host strings (HTTP Host, TLS SNI) and DNS wire-format names have their own entry points.
//! assert!(matcher.find_host("x7.duckdns.org:8443").is_some());
//! assert!(matcher.find_wire(b"\x02x7\x07duckdns\x03org\x00").is_some());
//! ```
//!
//! Your own list, compiled once and opened (memory-mapped) by every process:
//!
//! ```
//! use ddns_core::{Catalog, CatalogFormat, Matcher, MatcherBuilder};
//!
//! let catalog = Catalog::parse("example-ddns.net acme\n", CatalogFormat::List, "mine.txt")?;
//! let bytes = MatcherBuilder::new().compile(&catalog)?;
//! let path = std::env::temp_dir().join(format!("ddns-doc-{}.ddns", std::process::id()));
//! std::fs::write(&path, &bytes)?;
//! let matcher = Matcher::open(&path)?;
//! assert!(matcher.is_match("host.EXAMPLE-DDNS.net"));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Matching rules
//!
//! 1. An entry matches a name equal to it or ending in `.` followed by it. ASCII letters
//!    compare case-insensitively; one trailing `.` is ignored (two are not).
//! 2. The longest matching entry wins.
//! 3. When the winner is an allow entry, the answer is [`Verdict::Allow`], not a DDNS match.
//!    So it is for a zone's apex: a name equal to a block entry marked as a zone (every base
//!    domain of the default list; `*.domain` in a plain list) is the provider's own, and
//!    [`Match::is_zone_apex`] says so. A block entry that is not a zone matches itself.
//! 4. Only the suffix decides. Bytes DNS would not allow in the sub-domain part (`_`,
//!    spaces, NUL, non-ASCII, empty or over-long labels, names over 253 bytes) do not hide a
//!    match; they set [`Match::is_malformed`]. Empty input never matches.
//! 5. [`Matcher::find_host`] accepts `name:port`; IP literals never match. Only text that
//!    parses as an address is an IP literal: a name dressed as one (`[x7.duckdns.org]:443`,
//!    `x7.duckdns.org::`) is looked up and its match flagged malformed.
//! 6. [`Matcher::find_wire`] reads DNS wire format and answers as for the dotted form.
//! 7. A [`Match`] gives the entry, provider, verdict, the byte span of the base domain in
//!    the input, the number of sub-domain labels, and the malformed flag.
//!
//! # Cost
//!
//! A lookup hashes the name's last two labels (folding case as it reads), checks a compact
//! filter when the list is large, and probes a hash table of the entries' suffixes, one label
//! further left only while longer entries exist; it allocates nothing. Most names cost one
//! probe. The time of a lookup grows linearly with the length of the input (the sub-domain
//! part of a match is read once to count and check its labels), whatever the list's size.
//! The FST is the compiled list's canonical, ordered form, from which the builder derives
//! the filter and the suffix table; lookups and [`Matcher::entries`] read the table, and the
//! property tests prove that both agree with the FST. See `docs/format.md` for the
//! structures and `docs/benchmarks.md` for measured figures.
//!
//! # Quirks
//!
//! - Names are bytes, compared as ASCII. A U-label (`bücher.example`) or a dot other than
//!   ASCII `.` (`。`, U+3002, which IDNA maps to `.`) never matches an entry: convert names
//!   to their A-label form (`xn--bcher-kva.example`) before looking them up. DNS queries,
//!   SNI and Host headers on the wire already carry A-labels.
//! - A `.` inside a wire-format label is data, not a separator, so it never joins labels
//!   into an entry.
//! - Labels starting or ending with `-` are not flagged malformed (they occur in the wild
//!   and are harmless for the decision).
//! - Compiled files are checksummed, so corruption is detected; a file crafted to pass the
//!   checksum is trusted like any configuration file.

#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

// build.rs compiles catalog, compile, filter, format, name, table and value a second time,
// by path, to embed the default list: those may not use `matcher` (see build.rs).
mod bytes;
mod catalog;
mod compile;
mod filter;
mod format;
mod matcher;
mod name;
mod provider;
mod reload;
mod table;
mod value;

#[cfg(test)]
mod tests;

/// The README's Rust examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

pub use catalog::{
    AbusePosture, CUSTOM_PROVIDER, Catalog, CatalogEntry, CatalogError, CatalogErrorKind,
    CatalogFormat, CatalogProvider, EntryRole, Origin, ProviderClass, ProviderStatus,
};
pub use compile::{BuildError, BuildErrorKind};
pub use format::{FORMAT_VERSION, LoadError, LoadErrorKind, MAGIC, OLDEST_FORMAT_VERSION};
pub use matcher::{
    Entries, EntryId, ListedEntry, Match, Matcher, MatcherBuilder, ProviderId, Verdict,
};
pub use provider::Provider;

/// The `operator` of each provider of the embedded default catalog that has one, sorted by
/// provider id (written by build.rs).
static DEFAULT_OPERATORS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/operators.rs"));

/// The operator (the brand or company several providers of one backend share, such as
/// `Keenetic` for Keenetic and Netcraze) of provider `id` in the embedded default catalog.
/// Compiled lists do not store operators, so this answers for the default catalog only;
/// `None` for a provider it does not group.
///
/// ```
/// assert_eq!(ddns_core::default_operator("netcraze"), Some("Keenetic"));
/// assert_eq!(ddns_core::default_operator("duckdns"), None);
/// ```
pub fn default_operator(id: &str) -> Option<&'static str> {
    DEFAULT_OPERATORS
        .binary_search_by(|(key, _)| (*key).cmp(id))
        .ok()
        .map(|at| DEFAULT_OPERATORS[at].1)
}
pub use reload::{MatcherGuard, ReloadableMatcher};
