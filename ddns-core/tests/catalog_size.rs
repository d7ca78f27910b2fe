//! The default catalog meets issue 3's bar (at least 60 providers and 1,000 entries) and must
//! not shrink. The floors are what the curated data holds today, above the bar. Base domains
//! (block entries) have a floor of their own, so the allow entries cannot carry the count.
//! Raise the floors whenever the catalog grows; lower them only with a CURATION-NOTES entry
//! that says which domain went and why.

use ddns_core::Matcher;

const MIN_PROVIDERS: usize = 60;
const MIN_ENTRIES: u64 = 1_037;
const MIN_BASE_DOMAINS: u64 = 1_030;

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
