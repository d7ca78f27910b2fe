//! The default catalog meets issue 3's bar (at least 60 providers and 1,000 entries) and must
//! not shrink unnoticed. The floors are round numbers just below what the curated data holds,
//! so adding or retiring a handful of entries does not touch this test. Base domains (block
//! entries) have a floor of their own, so allow entries cannot carry the count.
//!
//! A change that takes the catalog under a floor must lower it here and say in
//! `data/CURATION-NOTES.md` which domains went and why; raise a floor when the catalog has
//! grown past the next round number.

use ddns_core::Matcher;

const MIN_PROVIDERS: usize = 100;
const MIN_ENTRIES: u64 = 1_000;
const MIN_BASE_DOMAINS: u64 = 1_000;

#[test]
fn default_catalog_meets_the_bar_and_keeps_its_curated_entries() {
    let matcher = Matcher::default_ref();
    let providers = matcher.providers().len();
    let entries = matcher.entry_count();
    let base_domains: u64 = matcher
        .providers()
        .iter()
        .map(|p| u64::from(p.block_entries()))
        .sum();
    assert!(
        providers >= MIN_PROVIDERS && entries >= MIN_ENTRIES && base_domains >= MIN_BASE_DOMAINS,
        "the default catalog holds {providers} providers, {entries} entries and \
         {base_domains} base domains; the floor is {MIN_PROVIDERS} providers, \
         {MIN_ENTRIES} entries and {MIN_BASE_DOMAINS} base domains"
    );
}
