//! The matching rules as a table, run through every entry point, and a property test against
//! a plain reference implementation.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::{Catalog, CatalogFormat, Match, Matcher, MatcherBuilder, Verdict};

const LIST: &str = "\
duckdns.org           duckdns
!www.duckdns.org      duckdns
evil.www.duckdns.org  duckdns
*.ddns.net            noip
example-ddns.net      acme
eu.example-ddns.net   acme-eu
";

fn matcher() -> Matcher {
    let catalog = Catalog::parse(LIST, CatalogFormat::List, "table.txt").unwrap();
    MatcherBuilder::new()
        .reject_redundant(true)
        .build(&catalog)
        .unwrap()
}

/// What a row expects: verdict, provider id, base span, sub-domain labels, malformed.
type Expected = Option<(Verdict, &'static str, std::ops::Range<usize>, u32, bool)>;

const B: Verdict = Verdict::Block;
const A: Verdict = Verdict::Allow;

fn dotted_rows() -> Vec<(Vec<u8>, Expected)> {
    let long_name = format!("{}duckdns.org", "a.".repeat(5000));
    let rows: Vec<(&[u8], Expected)> = vec![
        // Rule 1: equal, or a suffix starting after a dot; case; one trailing dot.
        (b"duckdns.org", Some((B, "duckdns", 0..11, 0, false))),
        (b"x7.duckdns.org", Some((B, "duckdns", 3..14, 1, false))),
        (
            b"Cam-01.Home.DuckDNS.org.",
            Some((B, "duckdns", 12..23, 2, false)),
        ),
        (b"DUCKDNS.ORG", Some((B, "duckdns", 0..11, 0, false))),
        (b"duckdns.org.", Some((B, "duckdns", 0..11, 0, false))),
        (b"x.duckdns.org..", None),
        (b"notduckdns.org", None),
        (b"xduckdns.org", None),
        (b"duckdns.org.evil.com", None),
        (b"duckdns.org-x.com", None),
        (b"duckdns", None),
        (b"org", None),
        (b"www.example.com", None),
        (b".", None),
        (b"", None),
        (b"cam01.ddns.net", Some((B, "noip", 6..14, 1, false))),
        // Rule 3: a zone's apex is the provider's own name, allowed; an entry that is not a
        // zone (a listed host) matches itself.
        (b"ddns.net", Some((A, "noip", 0..8, 0, false))),
        (b"DDNS.NET.", Some((A, "noip", 0..8, 0, false))),
        (
            b"evil.www.duckdns.org",
            Some((B, "duckdns", 0..20, 0, false)),
        ),
        // Rule 2: the longest entry wins.
        (b"host.example-ddns.net", Some((B, "acme", 5..21, 1, false))),
        (
            b"host.eu.example-ddns.net",
            Some((B, "acme-eu", 5..24, 1, false)),
        ),
        (
            b"eu.example-ddns.net",
            Some((B, "acme-eu", 0..19, 0, false)),
        ),
        (b"eux.example-ddns.net", Some((B, "acme", 4..20, 1, false))),
        // Rule 3: an allow entry beats a shorter block entry, and a longer block beats it.
        (b"www.duckdns.org", Some((A, "duckdns", 0..15, 0, false))),
        (b"a.WWW.duckdns.org", Some((A, "duckdns", 2..17, 1, false))),
        (
            b"x.evil.www.duckdns.org",
            Some((B, "duckdns", 2..22, 1, false)),
        ),
        // Rule 4: bad bytes in the sub-domain do not hide a match; they flag it.
        (b"a..duckdns.org", Some((B, "duckdns", 3..14, 2, true))),
        (b".duckdns.org", Some((B, "duckdns", 1..12, 1, true))),
        (b"my_host.duckdns.org", Some((B, "duckdns", 8..19, 1, true))),
        (b"a b.duckdns.org", Some((B, "duckdns", 4..15, 1, true))),
        (b"a\0b.duckdns.org", Some((B, "duckdns", 4..15, 1, true))),
        (
            "café.duckdns.org".as_bytes(),
            Some((B, "duckdns", 6..17, 1, true)),
        ),
        (
            b"\xff\xfe.duckdns.org",
            Some((B, "duckdns", 3..14, 1, true)),
        ),
        (b"-x.duckdns.org", Some((B, "duckdns", 3..14, 1, false))),
    ];
    let mut rows: Vec<(Vec<u8>, Expected)> =
        rows.into_iter().map(|(n, e)| (n.to_vec(), e)).collect();
    let long_label = format!("{}.duckdns.org", "a".repeat(64));
    rows.push((
        long_label.into_bytes(),
        Some((B, "duckdns", 65..76, 1, true)),
    ));
    let max_label = format!("{}.duckdns.org", "a".repeat(63));
    rows.push((
        max_label.into_bytes(),
        Some((B, "duckdns", 64..75, 1, false)),
    ));
    rows.push((
        long_name.into_bytes(),
        Some((B, "duckdns", 10000..10011, 5000, true)),
    ));
    rows
}

fn check(matcher: &Matcher, input: &[u8], found: Option<Match>, expected: &Expected, via: &str) {
    let shown = input.escape_ascii().to_string();
    let shown = &shown[..shown.len().min(80)];
    match (found, expected) {
        (None, None) => {}
        (Some(found), Some((verdict, provider, span, labels, malformed))) => {
            assert_eq!(found.verdict(), *verdict, "{via} {shown}: verdict");
            assert_eq!(
                matcher.provider(found.provider()).id(),
                *provider,
                "{via} {shown}: provider"
            );
            assert_eq!(found.base_span(), span.clone(), "{via} {shown}: span");
            assert_eq!(found.sub_labels(), *labels, "{via} {shown}: labels");
            assert_eq!(found.is_malformed(), *malformed, "{via} {shown}: malformed");
            // noip's only entry is the list's one zone.
            assert_eq!(
                found.is_zone_apex(),
                *provider == "noip" && *labels == 0,
                "{via} {shown}: zone apex"
            );
        }
        (found, expected) => panic!("{via} {shown}: got {found:?}, expected {expected:?}"),
    }
}

/// The wire form of a dotted name, when it has one (no empty or over-long labels).
fn to_wire(name: &[u8]) -> Option<(Vec<u8>, Vec<usize>)> {
    let name = crate::name::trim_root(name);
    if name.is_empty() {
        return None;
    }
    let mut wire = Vec::new();
    let mut dotted_to_wire = Vec::new();
    for label in name.split(|&b| b == b'.') {
        if label.is_empty() || label.len() > 63 {
            return None;
        }
        dotted_to_wire.push(wire.len());
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
    }
    wire.push(0);
    Some((wire, dotted_to_wire))
}

#[test]
fn every_rule_through_every_entry_point() {
    let matcher = matcher();
    for (name, expected) in dotted_rows() {
        check(&matcher, &name, matcher.find(&name), &expected, "find");
        check(
            &matcher,
            &name,
            matcher.find_host(&name),
            &expected,
            "find_host",
        );
        let blocked = matches!(expected, Some((Verdict::Block, ..)));
        assert_eq!(
            matcher.is_match(&name),
            blocked,
            "is_match {}",
            name.escape_ascii()
        );

        // Rule 6: the wire form answers as the dotted form, with spans in wire offsets.
        if let Some((wire, starts)) = to_wire(&name) {
            let expected_wire = expected
                .clone()
                .map(|(verdict, provider, span, labels, _)| {
                    let start = starts[labels as usize];
                    // Malformed in wire form: bad bytes, or over 255 bytes with the root label.
                    let bad_bytes = name[..span.start]
                        .iter()
                        .any(|&b| b != b'.' && !crate::name::is_ldh(b));
                    (
                        verdict,
                        provider,
                        start..wire.len() - 1,
                        labels,
                        bad_bytes || wire.len() > 255,
                    )
                });
            check(
                &matcher,
                &wire,
                matcher.find_wire(&wire),
                &expected_wire,
                "find_wire",
            );
            let unterminated = &wire[..wire.len() - 1];
            check(
                &matcher,
                unterminated,
                matcher.find_wire(unterminated),
                &expected_wire,
                "find_wire",
            );
        }
    }
}

#[test]
fn host_form_handles_ports_and_ip_literals() {
    let matcher = matcher();
    let rows: Vec<(&[u8], Expected)> = vec![
        (
            b"x7.duckdns.org:8443",
            Some((B, "duckdns", 3..14, 1, false)),
        ),
        (
            b"x7.duckdns.org.:443",
            Some((B, "duckdns", 3..14, 1, false)),
        ),
        (b"X7.DUCKDNS.ORG:80", Some((B, "duckdns", 3..14, 1, false))),
        (b"x7.duckdns.org:http", Some((B, "duckdns", 3..14, 1, true))),
        (b"x7.duckdns.org:", Some((B, "duckdns", 3..14, 1, true))),
        (
            b"x7.duckdns.org:99999",
            Some((B, "duckdns", 3..14, 1, true)),
        ),
        (
            b"www.duckdns.org:443",
            Some((A, "duckdns", 0..15, 0, false)),
        ),
        (b"[2001:db8::1]:443", None),
        (b"[2001:db8::1]", None),
        (b"2001:db8::1", None),
        (b"192.0.2.1", None),
        (b"192.0.2.1:8080", None),
        (b"[fe80::1%25eth0]:443", None),
        (b"fe80::1%eth0", None),
        (b":443", None),
        (b"[]", None),
        (b"example.com:443", None),
        // Names dressed as IP literals or with a second port are looked up, flagged.
        (
            b"x7.duckdns.org:443:443",
            Some((B, "duckdns", 3..14, 1, true)),
        ),
        (b"x7.duckdns.org::", Some((B, "duckdns", 3..14, 1, true))),
        (
            b"[x7.duckdns.org]:443",
            Some((B, "duckdns", 4..15, 1, true)),
        ),
        (b"[x7.duckdns.org]", Some((B, "duckdns", 4..15, 1, true))),
        (b"[duckdns.org:443", Some((B, "duckdns", 1..12, 0, true))),
    ];
    for (host, expected) in rows {
        check(
            &matcher,
            host,
            matcher.find_host(host),
            &expected,
            "find_host",
        );
    }
    // The dotted entry point takes the port as part of the name.
    assert!(matcher.find("x7.duckdns.org:8443").is_none());
}

#[test]
fn wire_form_refuses_what_it_cannot_read() {
    let matcher = matcher();
    let wire_rows: Vec<(&[u8], Expected)> = vec![
        (
            b"\x02x7\x07duckdns\x03org\x00",
            Some((B, "duckdns", 3..15, 1, false)),
        ),
        (b"\x07DuckDNS\x03ORG", Some((B, "duckdns", 0..12, 0, false))),
        (
            b"\x02x7\x07duckdns\x03org\x00\x00\x01\x00\x01",
            Some((B, "duckdns", 3..15, 1, false)),
        ),
        // A '.' inside a label is data: the label "a.duckdns" is not "duckdns".
        (b"\x09a.duckdns\x03org\x00", None),
        (
            b"\x03a.b\x07duckdns\x03org\x00",
            Some((B, "duckdns", 4..16, 1, true)),
        ),
        (b"\x02x7\xc0\x0c", None),
        (b"\x02x7\x07duckdns\x03or", None),
        (b"\x00", None),
        (b"", None),
    ];
    for (wire, expected) in wire_rows {
        check(
            &matcher,
            wire,
            matcher.find_wire(wire),
            &expected,
            "find_wire",
        );
    }
}

// ---- property test against a reference -----------------------------------------------

/// The plain model: try every label-boundary suffix in a hash map, keep the longest.
fn reference(
    entries: &HashMap<String, (String, bool)>,
    name: &[u8],
) -> Option<(usize, String, bool)> {
    let name = crate::name::trim_root(name);
    let lower = name.to_ascii_lowercase();
    (0..lower.len())
        .filter(|&at| at == 0 || lower[at - 1] == b'.')
        .find_map(|at| {
            let suffix = std::str::from_utf8(&lower[at..]).ok()?;
            entries
                .get(suffix)
                .map(|(provider, allow)| (at, provider.clone(), *allow))
        })
}

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "ab",
        "x-y",
        "c1",
        "ba",
        "aa",
        "long-label-of-17",
    ])
    .prop_map(String::from)
}

fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 2..4).prop_map(|labels| labels.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn matcher_agrees_with_reference(
        list in prop::collection::vec((domain(), 0..3usize, any::<bool>()), 1..25),
        names in prop::collection::vec(
            (prop::collection::vec(label(), 0..3), domain(), any::<u8>(), prop::option::of(any::<u8>())),
            1..40,
        ),
    ) {
        let mut entries = HashMap::new();
        let mut catalog = Catalog::new();
        for (domain, provider, allow) in list {
            if entries.contains_key(&domain) {
                continue;
            }
            let provider = format!("p{provider}");
            entries.insert(domain.clone(), (provider.clone(), allow));
            let entry = if allow { crate::CatalogEntry::allow(domain) } else { crate::CatalogEntry::block(domain) };
            catalog.add_entry(&provider, entry).unwrap();
        }
        let matcher = Matcher::new(&catalog).unwrap();
        // The same list with misses turned away by the file's filter instead of the front
        // bitmap built at load (which large lists do without).
        let through_filter = Matcher::new(&catalog).unwrap().without_front();
        // And through a front bitmap too small for the list, followed by the file's filter.
        let through_both = Matcher::new(&catalog).unwrap().with_sparse_front();
        prop_assert!(matcher.has_front());
        // The entries listed from the checked suffix table are the canonical FST's, in its
        // order, with its values.
        let listed: Vec<(Vec<u8>, u64)> = matcher
            .entries()
            .map(|e| {
                let value = u64::from(e.id.as_u32()) << 32
                    | (e.provider.index() as u64) << 1
                    | u64::from(e.verdict == Verdict::Allow);
                (e.domain.bytes().rev().collect(), value)
            })
            .collect();
        let canonical: Vec<(Vec<u8>, u64)> = {
            use fst::Streamer;
            let mut stream = matcher.fst().stream();
            let mut all = Vec::new();
            while let Some((key, out)) = stream.next() {
                all.push((key.to_vec(), out.value()));
            }
            all
        };
        prop_assert_eq!(listed, canonical);
        for (prefix, suffix, flags, junk) in names {
            let mut name = prefix.join(".").into_bytes();
            if !name.is_empty() {
                name.push(b'.');
            }
            name.extend_from_slice(suffix.as_bytes());
            if flags & 1 == 1 {
                name.make_ascii_uppercase();
            }
            if flags & 2 == 2 {
                name.push(b'.');
            }
            if let Some(junk) = junk {
                let at = usize::from(junk) % name.len();
                name.insert(at, junk);
            }
            let expected = reference(&entries, &name);
            let found = matcher.find(&name);
            prop_assert_eq!(through_filter.find(&name), found);
            prop_assert_eq!(through_both.find(&name), found);
            // The suffix index and the canonical FST agree.
            let trimmed = crate::name::trim_root(&name);
            if !trimmed.is_empty() {
                prop_assert_eq!(matcher.search(trimmed), matcher.walk_dotted(trimmed));
            }
            prop_assert_eq!(
                found.map(|m| (m.base_span().start, matcher.provider(m.provider()).id().to_string(), m.verdict() == Verdict::Allow)),
                expected.clone(),
                "name {}", name.escape_ascii()
            );
            if let Some(found) = found {
                let trimmed = crate::name::trim_root(&name);
                let sub = &trimmed[..found.base_span().start.saturating_sub(1)];
                let labels = if found.base_span().start == 0 { 0 } else { sub.split(|&b| b == b'.').count() as u32 };
                let malformed = found.base_span().start > 0
                    && (sub.split(|&b| b == b'.').any(|l| l.is_empty() || l.len() > 63 || !l.iter().all(|&b| crate::name::is_ldh(b))));
                prop_assert_eq!(found.sub_labels(), labels);
                prop_assert_eq!(found.is_malformed(), malformed || trimmed.len() > 253);
                prop_assert_eq!(found.base_span().end, trimmed.len());
            }
            if let Some((wire, _)) = to_wire(&name) {
                let wire_answer = matcher.find_wire(&wire).map(|m| (m.provider(), m.verdict(), m.sub_labels()));
                // A '.' byte inside a label cannot happen here: to_wire splits on dots.
                prop_assert_eq!(wire_answer, found.map(|m| (m.provider(), m.verdict(), m.sub_labels())));
            }
        }
    }
}

#[test]
fn the_default_list_knows_the_big_providers() {
    let matcher = Matcher::default_ref();
    let duck = matcher
        .find("x7.duckdns.org")
        .expect("duckdns.org is listed");
    assert_eq!(matcher.provider(duck.provider()).id(), "duckdns");
    assert!(matcher.find("www.example.com").is_none());
    // default_ref() skips the checksum of the embedded bytes; prove it is right.
    assert!(Matcher::from_bytes(matcher.as_bytes().to_vec()).is_ok());
}

#[test]
fn the_front_bitmap_and_the_filter_agree_on_the_default_list() {
    let front = Matcher::from_bytes(Matcher::default_ref().as_bytes().to_vec()).unwrap();
    assert!(front.has_front());
    let domains: Vec<String> = front.entries().map(|e| e.domain.to_string()).collect();
    let through_filter = Matcher::from_bytes(front.as_bytes().to_vec())
        .unwrap()
        .without_front();
    let through_both = Matcher::from_bytes(front.as_bytes().to_vec())
        .unwrap()
        .with_sparse_front();
    let mut names = 0;
    for domain in &domains {
        for name in [
            domain.clone(),
            format!("cam-7.{domain}"),
            format!("a.b.{}.", domain.to_ascii_uppercase()),
            format!("x{domain}"),
            format!("{domain}.evil.com"),
            format!("{domain}x"),
        ] {
            assert_eq!(front.find(&name), through_filter.find(&name), "{name}");
            assert_eq!(front.find(&name), through_both.find(&name), "{name}");
            names += 1;
        }
        assert!(front.find(domain).is_some(), "{domain}");
    }
    assert!(names > 5_000);
    // The map costs what memory_usage says, and the filter-only matcher builds none.
    assert!(front.memory_usage() >= through_filter.memory_usage() + 8 * 1024);
}
