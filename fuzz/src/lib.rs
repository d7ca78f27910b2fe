//! What the fuzz targets check besides "no crash": the answers of every lookup entry point
//! against a plain reference, and the consistency of lists that load.
//!
//! The same functions replay every committed corpus file and finding under `cargo test`
//! (`tests/tests/fuzz_corpus.rs` includes this file), so a finding stays a regression test
//! on machines without cargo-fuzz.

use std::collections::HashMap;

use ddns_core::{Catalog, CatalogFormat, ListedEntry, Match, Matcher, Verdict};

/// The entries of a list by domain, and the plain suffix walk that answers from them.
pub struct Reference {
    by_domain: HashMap<Vec<u8>, ListedEntry>,
}

impl Reference {
    pub fn of(matcher: &Matcher) -> Reference {
        Reference {
            by_domain: matcher
                .entries()
                .map(|entry| (entry.domain.clone().into_bytes(), entry))
                .collect(),
        }
    }

    /// The longest listed entry that the dotted `name` (one trailing dot ignored) ends
    /// with at a label boundary, compared without ASCII case: where it starts, and it.
    pub fn longest(&self, name: &[u8]) -> Option<(usize, &ListedEntry)> {
        let name = name.strip_suffix(b".").unwrap_or(name);
        let lower = name.to_ascii_lowercase();
        let starts = std::iter::once(0).chain(
            lower
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'.')
                .map(|(at, _)| at + 1),
        );
        starts
            .filter_map(|start| Some((start, self.by_domain.get(&lower[start..])?)))
            .next()
    }
}

/// What a match says, in a form both sides of a comparison can give.
fn answer(found: &Match) -> (u32, usize, Verdict, u32) {
    (
        found.entry().as_u32(),
        found.provider().index(),
        found.verdict(),
        found.sub_labels(),
    )
}

/// `find` and `is_match` on one dotted name agree with the reference walk: same entry,
/// same base span, same sub-domain label count.
pub fn check_name(matcher: &Matcher, reference: &Reference, name: &[u8]) {
    let found = matcher.find(name);
    let expected = reference.longest(name);
    let trimmed_len = name.len() - usize::from(name.last() == Some(&b'.'));
    match (&found, expected) {
        (None, None) => {}
        (Some(found), Some((start, entry))) => {
            assert_eq!(
                found.base_span(),
                start..trimmed_len,
                "{}",
                name.escape_ascii()
            );
            assert_eq!(found.entry(), entry.id, "{}", name.escape_ascii());
            assert_eq!(found.provider(), entry.provider);
            let sub_labels = match start {
                0 => 0,
                _ => name[..start - 1].split(|&b| b == b'.').count() as u32,
            };
            assert_eq!(found.sub_labels(), sub_labels, "{}", name.escape_ascii());
            // A zone's apex is allowed; otherwise the entry's kind decides.
            let apex = sub_labels == 0 && entry.zone;
            assert_eq!(found.is_zone_apex(), apex, "{}", name.escape_ascii());
            let verdict = if apex { Verdict::Allow } else { entry.verdict };
            assert_eq!(found.verdict(), verdict);
        }
        _ => panic!(
            "find({}) = {found:?}, the reference says {expected:?}",
            name.escape_ascii()
        ),
    }
    assert_eq!(
        matcher.is_match(name),
        found.is_some_and(|found| found.verdict() == Verdict::Block)
    );
}

/// The host form: IP literals never match, a port is cut off, brackets around anything but
/// an IPv6 address are taken off, and the rest is a dotted name.
pub fn check_host(matcher: &Matcher, reference: &Reference, host: &[u8]) {
    let found = matcher.find_host(host);
    // An IPv6 address, with or without a `%zone`.
    let is_v6 = |text: &[u8]| {
        let address = text.split(|&b| b == b'%').next().unwrap_or(text);
        std::str::from_utf8(address).is_ok_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
    };
    let until_colon = |text: &[u8]| text.split(|&b| b == b':').next().unwrap_or(text).len();
    // Where the name is in `host`, or None for an IP literal.
    let span = if let Some(inner) = host.strip_prefix(b"[") {
        let close = inner.iter().position(|&b| b == b']');
        let inside = &inner[..close.unwrap_or(inner.len())];
        match close {
            Some(_) if is_v6(inside) => None,
            _ => Some(1..1 + until_colon(inside)),
        }
    } else if host.iter().filter(|&&b| b == b':').count() >= 2 && is_v6(host) {
        None
    } else {
        Some(0..until_colon(host))
    };
    let span = span.filter(|span| {
        let name = &host[span.clone()];
        let trimmed = name.strip_suffix(b".").unwrap_or(name);
        let last = trimmed.rsplit(|&b| b == b'.').next().unwrap_or(trimmed);
        last.is_empty() || !last.iter().all(u8::is_ascii_digit)
    });
    let name = span.as_ref().map(|span| &host[span.clone()]);
    let expected = name.and_then(|name| matcher.find(name));
    let offset = span.as_ref().map_or(0, |span| span.start);
    assert_eq!(
        found.as_ref().map(|m| (answer(m), m.base_span())),
        expected.as_ref().map(|m| {
            let base = m.base_span();
            (answer(m), base.start + offset..base.end + offset)
        }),
        "{}",
        host.escape_ascii()
    );
    if let (Some(found), Some(name)) = (found, name) {
        reference.longest(name).expect("the reference agrees");
        assert!(found.base_span().end <= host.len());
        // Anything around the name but a good port makes the match malformed.
        if offset > 0 || name.len() + 1 < host.len() && host[name.len() + 1..].contains(&b':') {
            assert!(found.is_malformed(), "{}", host.escape_ascii());
        }
    }
}

/// The wire form: where the name parses as plain labels (no compression, no `.` inside a
/// label), it answers like its dotted form, and the base span starts at a label.
pub fn check_wire(matcher: &Matcher, wire: &[u8]) {
    let found = matcher.find_wire(wire);
    let mut labels = Vec::new();
    let mut at = 0;
    let mut plain = true;
    while let Some(&len) = wire.get(at) {
        if len == 0 {
            break;
        }
        let label = (len & 0xC0 == 0)
            .then(|| wire.get(at + 1..at + 1 + usize::from(len)))
            .flatten();
        let Some(label) = label else {
            assert!(found.is_none(), "{}", wire.escape_ascii());
            return;
        };
        plain &= !label.contains(&b'.');
        labels.push((at, label));
        at += 1 + usize::from(len);
    }
    if let Some(found) = &found {
        let span = found.base_span();
        assert!(span.end <= wire.len() && span.start < span.end);
        assert!(labels.iter().any(|&(start, _)| start == span.start));
    }
    let dotted = labels
        .iter()
        .map(|(_, label)| *label)
        .collect::<Vec<_>>()
        .join(&b'.');
    // Up to 128 labels are kept, so compare only names a resolver would send.
    if plain && !labels.is_empty() && labels.len() <= 127 && dotted.len() <= 253 {
        assert_eq!(
            found.as_ref().map(answer),
            matcher.find(&dotted).as_ref().map(answer),
            "{}",
            wire.escape_ascii()
        );
    }
}

/// Every entry point on one input, against the reference.
pub fn check_all(matcher: &Matcher, reference: &Reference, input: &[u8]) {
    check_name(matcher, reference, input);
    check_host(matcher, reference, input);
    check_wire(matcher, input);
}

/// The batch call of the C ABI gives, for each name, what the single calls give.
pub fn check_batch(names: &[&[u8]]) {
    use ddns::*;
    use std::mem::MaybeUninit;
    use std::sync::OnceLock;

    struct Shared(*mut ddns_matcher);
    // SAFETY: a ddns_matcher is Send + Sync (include/ddns.h: any number of threads).
    unsafe impl Send for Shared {}
    unsafe impl Sync for Shared {}
    static DEFAULT: OnceLock<Shared> = OnceLock::new();
    let matcher = DEFAULT
        .get_or_init(|| {
            let mut out = std::ptr::null_mut();
            // SAFETY: out is a valid pointer to write the handle to.
            assert_eq!(unsafe { ddns_matcher_new_default(&mut out) }, DDNS_OK);
            Shared(out)
        })
        .0;
    let refs: Vec<ddns_name> = names
        .iter()
        .map(|name| ddns_name {
            ptr: name.as_ptr(),
            len: name.len(),
        })
        .collect();
    for mode in [DDNS_INPUT_NAME, DDNS_INPUT_HOST, DDNS_INPUT_WIRE] {
        let mut results = vec![MaybeUninit::<ddns_match>::zeroed(); names.len()];
        // SAFETY: refs and results hold names.len() elements; every name is live.
        let status = unsafe {
            ddns_matcher_find_batch(
                matcher,
                refs.as_ptr(),
                refs.len(),
                mode,
                results.as_mut_ptr().cast(),
            )
        };
        assert_eq!(status, DDNS_OK);
        for (name, result) in names.iter().zip(&results) {
            // SAFETY: written by the batch call on DDNS_OK.
            let batch = unsafe { result.assume_init_read() };
            let mut single = MaybeUninit::<ddns_match>::zeroed();
            let find = match mode {
                DDNS_INPUT_NAME => ddns_matcher_find,
                DDNS_INPUT_HOST => ddns_matcher_find_host,
                _ => ddns_matcher_find_wire,
            };
            // SAFETY: name is live for the call; single is caller storage.
            let status = unsafe { find(matcher, name.as_ptr(), name.len(), single.as_mut_ptr()) };
            if name.is_empty() {
                assert_eq!(status, DDNS_ERR_EMPTY);
                assert_eq!(batch.verdict, DDNS_VERDICT_NONE);
                continue;
            }
            assert_eq!(status, DDNS_OK);
            // SAFETY: written on DDNS_OK.
            let single = unsafe { single.assume_init() };
            assert_eq!(
                (batch.verdict, batch.provider, batch.entry, batch.sub_labels),
                (
                    single.verdict,
                    single.provider,
                    single.entry,
                    single.sub_labels
                ),
                "{}",
                name.escape_ascii()
            );
            assert_eq!(
                (batch.base_offset, batch.base_len, batch.flags),
                (single.base_offset, single.base_len, single.flags)
            );
            assert!(batch.base_offset + batch.base_len <= name.len());
        }
    }
}

/// Rewrites a compiled list's length and checksum fields so that mutated bytes reach the
/// checks behind them. Inputs shorter than a header are left alone.
pub fn with_valid_checksum(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 88 {
        return None;
    }
    let mut fixed = bytes.to_vec();
    let len = fixed.len() as u64;
    fixed[16..24].copy_from_slice(&len.to_le_bytes());
    fixed[24..28].fill(0);
    let sum = crc32fast::hash(&fixed);
    fixed[24..28].copy_from_slice(&sum.to_le_bytes());
    Some(fixed)
}

/// Loads `bytes` as a compiled list. Whatever loads must list its entries and answer
/// lookups without a panic, every match inside its input; a list that also passes
/// `verify()` must answer every lookup like the reference built from its entries.
pub fn check_list(bytes: &[u8]) {
    let Ok(matcher) = Matcher::from_bytes(bytes.to_vec()) else {
        return;
    };
    let entries: Vec<ListedEntry> = matcher.entries().collect();
    assert_eq!(entries.len() as u64, matcher.entry_count());
    let probes = |entry: &ListedEntry| {
        [
            entry.domain.clone(),
            format!("x.{}", entry.domain),
            format!("A-b.{}.", entry.domain.to_ascii_uppercase()),
            format!("{}.evil.com", entry.domain),
            format!("x{}", entry.domain),
        ]
    };
    let verified = matcher.verify().is_ok();
    let reference = Reference::of(&matcher);
    for entry in entries.iter().take(64) {
        for name in probes(entry) {
            if verified {
                check_all(&matcher, &reference, name.as_bytes());
            } else {
                for found in [matcher.find(&name), matcher.find_host(&name)]
                    .into_iter()
                    .flatten()
                {
                    assert!(found.base_span().end <= name.len());
                    assert!(found.provider().index() < matcher.providers().len());
                }
            }
        }
    }
    if verified {
        for entry in &entries {
            let found = matcher
                .find(&entry.domain)
                .expect("a listed entry is found");
            assert_eq!(found.entry(), entry.id);
        }
    }
}

/// Parses `text` as each catalog format. A catalog that parses survives a round trip
/// through TOML and JSON unchanged, and one that builds answers for each of its entries
/// with that entry's provider and verdict.
pub fn check_catalog_text(text: &str) {
    for format in [
        CatalogFormat::List,
        CatalogFormat::Toml,
        CatalogFormat::Json,
    ] {
        if let Ok(catalog) = Catalog::parse(text, format, "fuzz") {
            check_catalog(&catalog);
        }
    }
}

/// Each provider's id and name with its entries' domains and kinds.
type Summary = Vec<(String, String, Vec<(String, bool, bool)>)>;

fn summary(catalog: &Catalog) -> Summary {
    catalog
        .providers()
        .iter()
        .map(|p| {
            let entries = p
                .entries
                .iter()
                .map(|e| (e.domain.clone(), e.allow, e.zone))
                .collect();
            (p.id.clone(), p.name.clone(), entries)
        })
        .collect()
}

fn check_catalog(catalog: &Catalog) {
    let toml = Catalog::parse(&catalog.to_toml(), CatalogFormat::Toml, "again.toml")
        .expect("to_toml output parses");
    assert_eq!(summary(&toml), summary(catalog));
    let json = Catalog::parse(&catalog.to_json(), CatalogFormat::Json, "again.json")
        .expect("to_json output parses");
    assert_eq!(summary(&json), summary(catalog));
    let Ok(matcher) = Matcher::new(catalog) else {
        return;
    };
    matcher.verify().expect("a built list verifies");
    for provider in catalog.providers() {
        for entry in &provider.entries {
            let domain = entry.domain.strip_suffix('.').unwrap_or(&entry.domain);
            let found = matcher.find(domain).expect("every entry is found");
            assert_eq!(matcher.provider(found.provider()).id(), provider.id);
            assert_eq!(found.verdict() == Verdict::Allow, entry.allow || entry.zone);
            assert_eq!(found.is_zone_apex(), entry.zone && !entry.allow);
            assert_eq!(found.base_span(), 0..domain.len());
        }
    }
}
