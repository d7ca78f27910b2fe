//! The default catalog meets issue 3's bar, and must not fall below it: at least 60 providers
//! and at least 1,000 entries. Base domains (block entries) are held to 1,000 as well, so the
//! five allow entries cannot carry the count. Raise the floors whenever the catalog grows.

use ddns_core::Matcher;

const MIN_PROVIDERS: usize = 60;
const MIN_ENTRIES: u64 = 1_000;
const MIN_BASE_DOMAINS: u64 = 1_000;

#[test]
fn default_catalog_holds_at_least_60_providers_and_1000_base_domains() {
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
