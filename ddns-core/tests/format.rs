//! The compiled list format through the public API: round trips, and every kind of damage
//! refused by name without panicking or allocating more than the file's size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ddns_core::{FORMAT_VERSION, LoadErrorKind, Matcher, Verdict};
use proptest::prelude::*;

use ddns_test_support::{compile_list, fix_checksum};

/// Counts bytes allocated by each thread, so a test can prove a hostile header allocates
/// nothing big and a lookup allocates nothing at all.
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn allocated() -> usize {
    ALLOCATED.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.with(|count| count.set(count.get() + layout.size()));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const LIST: &str =
    "*.duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net noip\n*.hopto.org noip\n";

fn compiled() -> Vec<u8> {
    compile_list(LIST)
}

fn answers(matcher: &Matcher) -> Vec<Option<(String, Verdict, u32)>> {
    [
        "a.duckdns.org",
        "www.duckdns.org",
        "x.y.ddns.net",
        "HOPTO.org.",
        "example.com",
    ]
    .iter()
    .map(|name| {
        matcher.find(name).map(|m| {
            let provider = matcher.provider(m.provider()).id().to_string();
            (provider, m.verdict(), m.sub_labels())
        })
    })
    .collect()
}

#[test]
fn a_compiled_list_round_trips_through_bytes_static_and_a_mapped_file() {
    assert_consistent(&Matcher::from_bytes(compiled()).unwrap());
    Matcher::from_bytes(compiled()).unwrap().verify().unwrap();
    let bytes = compiled();
    let from_bytes = Matcher::from_bytes(bytes.clone()).unwrap();
    let leaked: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
    let from_static = Matcher::from_static(leaked).unwrap();
    let path = std::env::temp_dir().join(format!("ddns-format-{}.ddns", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let opened = Matcher::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();

    let expected = answers(&from_bytes);
    assert_eq!(expected[0], Some(("duckdns".into(), Verdict::Block, 1)));
    assert_eq!(expected[1], Some(("duckdns".into(), Verdict::Allow, 0)));
    assert_eq!(expected[4], None);
    assert_eq!(answers(&from_static), expected);
    assert_eq!(answers(&opened), expected);
    assert_eq!(opened.as_bytes(), &bytes[..]);
    assert_eq!(opened.entry_count(), 4);
    let noip = opened.provider(opened.provider_id("noip").unwrap());
    assert_eq!((noip.block_entries(), noip.allow_entries()), (2, 0));
}

#[test]
fn every_truncation_is_refused() {
    let bytes = compiled();
    for len in 0..bytes.len() {
        let err = Matcher::from_bytes(bytes[..len].to_vec()).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                LoadErrorKind::TooShort { .. } | LoadErrorKind::LengthMismatch { .. }
            ),
            "truncated to {len}: {err}"
        );
    }
}

#[test]
fn each_kind_of_damage_is_refused_by_name() {
    let good = compiled();
    let damaged = |edit: &dyn Fn(&mut Vec<u8>), fix: bool| {
        let mut bytes = good.clone();
        edit(&mut bytes);
        if fix {
            fix_checksum(&mut bytes);
        }
        Matcher::from_bytes(bytes).unwrap_err()
    };

    let err = damaged(&|b| b[0] = b'X', false);
    assert!(matches!(err.kind(), LoadErrorKind::BadMagic), "{err}");
    assert!(err.to_string().contains("ddns compile"), "{err}");

    let err = damaged(
        &|b| b[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes()),
        true,
    );
    assert!(
        matches!(err.kind(), LoadErrorKind::UnsupportedVersion { expected, found }
            if *expected == FORMAT_VERSION && *found == FORMAT_VERSION + 1),
        "{err}"
    );
    assert!(err.to_string().contains("rebuild the list"), "{err}");

    let err = damaged(&|b| b.push(0), false);
    assert!(
        matches!(err.kind(), LoadErrorKind::LengthMismatch { .. }),
        "{err}"
    );

    let err = damaged(&|b| b[28] = 1, true);
    assert!(
        matches!(err.kind(), LoadErrorKind::BadHeader { offset: 28, .. }),
        "{err}"
    );

    let last = good.len() - 1;
    let err = damaged(&|b| b[last] ^= 0x40, false);
    assert!(
        matches!(err.kind(), LoadErrorKind::ChecksumMismatch { .. }),
        "{err}"
    );

    // The first provider record (after the 88-byte header): its id length, pointed past
    // the strings section.
    let err = damaged(
        &|b| b[92..96].copy_from_slice(&u32::MAX.to_le_bytes()),
        true,
    );
    assert!(
        matches!(
            err.kind(),
            LoadErrorKind::BadProviderRecord { index: 0, .. }
        ),
        "{err}"
    );

    // The first record's class byte (34) and status byte (35): unknown values are refused.
    for (offset, what) in [(88 + 34, "class"), (88 + 35, "status")] {
        let err = damaged(&|b| b[offset] = 200, true);
        assert!(
            matches!(
                err.kind(),
                LoadErrorKind::BadProviderRecord { index: 0, .. }
            ) && err.to_string().contains(what),
            "{err}"
        );
    }

    // The FST section's own format version, with our checksum made valid.
    let fst_at = good.len() - u64::from_le_bytes(good[56..64].try_into().unwrap()) as usize;
    let err = damaged(&|b| b[fst_at] = 99, true);
    assert!(matches!(err.kind(), LoadErrorKind::BadFst(_)), "{err}");

    // A filter length that is not a non-zero multiple of 32.
    let err = damaged(&|b| b[64..72].copy_from_slice(&0u64.to_le_bytes()), true);
    assert!(
        matches!(err.kind(), LoadErrorKind::BadHeader { offset: 64, .. }),
        "{err}"
    );
    let err = damaged(&|b| b[64..72].copy_from_slice(&33u64.to_le_bytes()), true);
    assert!(
        matches!(err.kind(), LoadErrorKind::BadHeader { offset: 64, .. }),
        "{err}"
    );

    // A table key's bytes changed, checksum made valid: the suffix index check.
    let bytes = ddns_test_support::with_upper_case_table_key(&good);
    let err = Matcher::from_bytes(bytes).unwrap().verify().unwrap_err();
    assert!(
        matches!(err.kind(), LoadErrorKind::BadIndex { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("corrupt suffix index"), "{err}");

    // Entry count that disagrees with the FST.
    let err = damaged(&|b| b[40..48].copy_from_slice(&5u64.to_le_bytes()), true);
    assert!(matches!(err.kind(), LoadErrorKind::BadFst(_)), "{err}");
}

#[test]
fn a_header_claiming_2_pow_40_entries_or_huge_sections_allocates_nothing() {
    let good = compiled();
    let mut huge_entries = good.clone();
    huge_entries[40..48].copy_from_slice(&(1u64 << 40).to_le_bytes());
    fix_checksum(&mut huge_entries);
    let mut huge_providers = good.clone();
    huge_providers[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
    fix_checksum(&mut huge_providers);
    let mut huge_strings = good.clone();
    huge_strings[48..56].copy_from_slice(&(1u64 << 30).to_le_bytes());
    fix_checksum(&mut huge_strings);
    let mut overflowing = good.clone();
    overflowing[56..64].copy_from_slice(&u64::MAX.to_le_bytes());
    fix_checksum(&mut overflowing);
    // A 1 GB table in a file of about 1 KB, with the file length to match.
    let mut huge_table = good.clone();
    huge_table[72..80].copy_from_slice(&(1u64 << 30).to_le_bytes());
    fix_checksum(&mut huge_table);

    for bytes in [
        huge_entries,
        huge_providers,
        huge_strings,
        overflowing,
        huge_table,
    ] {
        let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let before = allocated();
        let err = Matcher::from_static(leaked).unwrap_err();
        let used = allocated() - before;
        assert!(
            matches!(err.kind(), LoadErrorKind::BadHeader { .. }),
            "{err}"
        );
        // The error itself is a small box; a hostile size would show up as gigabytes.
        assert!(used < 1024, "allocated {used} bytes for a refused header");
    }

    // A header declaring a 1 GB file, read from a file of about 1 KB.
    let mut claims_a_gigabyte = good.clone();
    claims_a_gigabyte[16..24].copy_from_slice(&(1u64 << 30).to_le_bytes());
    let leaked: &'static [u8] = Box::leak(claims_a_gigabyte.into_boxed_slice());
    let before = allocated();
    let err = Matcher::from_static(leaked).unwrap_err();
    let used = allocated() - before;
    assert!(
        matches!(err.kind(), LoadErrorKind::LengthMismatch { expected, .. } if *expected == 1 << 30),
        "{err}"
    );
    assert!(used < 1024, "allocated {used} bytes for a refused header");
}

/// What every list that loads must satisfy, however it was made: each listed entry is
/// found as itself, and any match names a listed entry that ends the name.
fn assert_consistent(matcher: &Matcher) {
    let listed: Vec<_> = matcher.entries().collect();
    assert_eq!(listed.len() as u64, matcher.entry_count());
    for entry in &listed {
        let found = matcher
            .find(&entry.domain)
            .expect("a listed entry is found");
        assert_eq!(found.entry(), entry.id, "{}", entry.domain);
        // A zone looked up as itself is its apex, allowed.
        let verdict = if entry.zone {
            Verdict::Allow
        } else {
            entry.verdict
        };
        assert_eq!(
            (found.provider(), found.verdict()),
            (entry.provider, verdict)
        );
        assert_eq!(found.is_zone_apex(), entry.zone, "{}", entry.domain);
        assert_eq!(found.base_span(), 0..entry.domain.len());
        let under = format!("x.{}", entry.domain);
        let found = matcher
            .find(&under)
            .expect("a name under an entry is found");
        let base = &under[found.base_span()];
        assert!(
            listed
                .iter()
                .any(|e| e.domain == base && e.id == found.entry())
        );
    }
}

#[test]
fn lookups_allocate_nothing() {
    let matcher = Matcher::from_bytes(compiled()).unwrap();
    let long = format!("{}duckdns.org", "a.".repeat(5000));
    let names: [&[u8]; 6] = [
        b"Cam-01.Home.DuckDNS.org.",
        b"www.duckdns.org",
        b"example.com",
        b"a..b_c.ddns.net",
        b"x7.duckdns.org:8443",
        long.as_bytes(),
    ];
    let before = allocated();
    let mut hits = 0;
    for name in names {
        hits += usize::from(matcher.find(name).is_some());
        hits += usize::from(matcher.find_host(name).is_some());
        hits += usize::from(matcher.is_match(name));
    }
    hits += usize::from(matcher.find_wire(b"\x02x7\x07duckdns\x03org\x00").is_some());
    assert_eq!(allocated() - before, 0, "a lookup allocated");
    assert_eq!(hits, 13);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_byte_flips_give_an_error_or_a_working_matcher(
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 1..4),
    ) {
        let good = compiled();
        let mut bytes = good.clone();
        for (at, mask) in flips {
            let at = at.index(bytes.len());
            bytes[at] ^= mask;
        }
        // Damage is refused; should a flip ever cancel out, the answers are the good ones.
        match Matcher::from_bytes(bytes) {
            Err(_) => {}
            Ok(matcher) => prop_assert_eq!(answers(&matcher), answers(&Matcher::from_bytes(good).unwrap())),
        }
    }

    #[test]
    fn crafted_flips_that_pass_the_checksum_are_refused_or_stay_consistent(
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 1..4),
    ) {
        let mut bytes = compiled();
        for (at, mask) in flips {
            let at = 28 + at.index(bytes.len() - 28);
            bytes[at] ^= mask;
        }
        fix_checksum(&mut bytes);
        if let Ok(matcher) = Matcher::from_bytes(bytes) {
            // Whatever loads can be read and looked up in without a panic...
            let listed = matcher.entries().count();
            prop_assert_eq!(listed as u64, matcher.entry_count());
            for name in ["a.duckdns.org", "www.duckdns.org", "x.y.ddns.net", "example.com"] {
                let _ = (matcher.find(name), matcher.find_host(name));
            }
            // ...and what also verifies answers consistently.
            if matcher.verify().is_ok() {
                assert_consistent(&matcher);
            }
        }
    }
}

#[test]
fn verify_refuses_every_loadable_change_to_the_fst_that_the_table_does_not_share() {
    // The FST is the canonical index and the table is derived from it: a crafted file whose
    // FST says something else than its table (here: any one byte of the FST changed, the
    // checksum rewritten) may load, but must not verify.
    let good = compiled();
    let fst_len = u64::from_le_bytes(good[56..64].try_into().unwrap()) as usize;
    let fst_start = good.len() - fst_len;
    let mut loaded = 0;
    for at in fst_start..good.len() {
        for flip in [0x01u8, 0x80] {
            let mut bytes = good.clone();
            bytes[at] ^= flip;
            fix_checksum(&mut bytes);
            let Ok(matcher) = Matcher::from_bytes(bytes) else {
                continue;
            };
            loaded += 1;
            let err = matcher
                .verify()
                .expect_err("a changed FST must fail verify");
            assert!(
                matches!(err.kind(), LoadErrorKind::BadFst(_)),
                "byte {at} ^ {flip:#x}: {err}"
            );
        }
    }
    // Most flips leave the FST's header and footer readable, so loading accepts them.
    assert!(loaded > fst_len / 2, "only {loaded} changed FSTs loaded");
    assert!(Matcher::from_bytes(good).unwrap().verify().is_ok());
}

/// A list of format version 3 (the layout of version 4, no entry a zone) still loads and
/// answers as before: its entries match themselves.
#[test]
fn a_version_3_list_loads_and_its_entries_match_themselves() {
    let mut bytes = compile_list("duckdns.org duckdns\n!www.duckdns.org duckdns\n");
    assert_eq!(bytes[8..12], FORMAT_VERSION.to_le_bytes());
    bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
    fix_checksum(&mut bytes);
    let matcher = Matcher::from_bytes(bytes).expect("a version 3 list loads");
    matcher.verify().expect("and passes the full check");
    let apex = matcher.find("duckdns.org").unwrap();
    assert_eq!(
        (apex.verdict(), apex.is_zone_apex()),
        (Verdict::Block, false)
    );
    assert_eq!(
        matcher.find("x7.duckdns.org").unwrap().verdict(),
        Verdict::Block
    );
    assert_consistent(&matcher);
}

/// Zones and listed hosts side by side: the zone's apex is allowed, names under it and the
/// listed host are blocked, and the zone mark survives the trip through the file.
#[test]
fn a_zone_apex_is_allowed_and_a_listed_host_matches_itself() {
    let matcher = Matcher::from_bytes(compiled()).unwrap();
    let verdict = |name: &str| matcher.find(name).map(|m| (m.verdict(), m.is_zone_apex()));
    assert_eq!(verdict("duckdns.org"), Some((Verdict::Allow, true)));
    assert_eq!(verdict("x7.duckdns.org"), Some((Verdict::Block, false)));
    assert_eq!(verdict("ddns.net"), Some((Verdict::Block, false)));
    assert_eq!(verdict("HOPTO.org."), Some((Verdict::Allow, true)));
    // In the order of their reversed names.
    let zones: Vec<(String, bool)> = matcher
        .entries()
        .map(|entry| (entry.domain, entry.zone))
        .collect();
    assert_eq!(
        zones,
        [
            ("hopto.org".to_string(), true),
            ("duckdns.org".to_string(), true),
            ("www.duckdns.org".to_string(), false),
            ("ddns.net".to_string(), false),
        ]
    );
}
