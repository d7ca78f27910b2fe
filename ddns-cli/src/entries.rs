//! Every entry of a loaded list with its parent entry, for `ddns export`.

use std::collections::HashMap;

use ddns_core::{Matcher, Verdict};

use crate::failure::Failure;

/// One listed domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListEntry {
    /// The domain, lower case, without a trailing dot.
    pub domain: String,
    /// Index into `Matcher::providers()`.
    pub provider: usize,
    /// An exception (allow entry) rather than a DDNS base domain.
    pub allow: bool,
    /// A zone: a block entry whose apex is the provider's own name, not a user's.
    pub zone: bool,
    /// Index (in the vector [`list_entries`] returns) of the longest other entry this one
    /// is a sub-domain of.
    pub parent: Option<usize>,
}

/// The list's entries, sorted by their reversed names (the order of the compiled list), each
/// with its parent entry.
pub(crate) fn list_entries(matcher: &Matcher) -> Result<Vec<ListEntry>, Failure> {
    let mut entries: Vec<ListEntry> = Vec::with_capacity(matcher.entry_count() as usize);
    for entry in matcher.entries() {
        if !is_host_name(&entry.domain) {
            return Err(Failure(format!(
                "cannot read the list's entries: entry '{}' is not a host name",
                entry.domain.escape_debug()
            )));
        }
        entries.push(ListEntry {
            domain: entry.domain,
            provider: entry.provider.index(),
            allow: entry.verdict == Verdict::Allow,
            zone: entry.zone,
            parent: None,
        });
    }
    // The parent is the longest proper suffix, at a label boundary, that is an entry too.
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(at, entry)| (entry.domain.as_str(), at))
        .collect();
    let parents: Vec<Option<usize>> = entries
        .iter()
        .map(|entry| {
            let domain = entry.domain.as_str();
            domain
                .match_indices('.')
                .find_map(|(dot, _)| index.get(&domain[dot + 1..]).copied())
        })
        .collect();
    for (entry, parent) in entries.iter_mut().zip(parents) {
        entry.parent = parent;
    }
    Ok(entries)
}

/// Letters, digits, `-` and `.` between non-empty labels: what `ddns compile` lets into a
/// list, and what every export format can carry without quoting.
fn is_host_name(domain: &str) -> bool {
    !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddns_core::{Catalog, CatalogFormat};

    #[test]
    fn entries_come_back_with_providers_kinds_and_parents() {
        let list = "duckdns.org duckdns\n!www.duckdns.org duckdns\nevil.www.duckdns.org bad\n\
                    ddns.net noip\nduckdns.org.example other\na-duckdns.org other\n";
        let catalog = Catalog::parse(list, CatalogFormat::List, "l.txt").unwrap();
        let matcher = Matcher::new(&catalog).unwrap();
        let entries = list_entries(&matcher).unwrap();
        let shown: Vec<(String, &str, bool, Option<String>)> = entries
            .iter()
            .map(|e| {
                (
                    e.domain.clone(),
                    matcher.providers()[e.provider].id(),
                    e.allow,
                    e.parent.map(|p| entries[p].domain.clone()),
                )
            })
            .collect();
        let expected = [
            ("duckdns.org.example", "other", false, None),
            ("duckdns.org", "duckdns", false, None),
            ("a-duckdns.org", "other", false, None),
            ("www.duckdns.org", "duckdns", true, Some("duckdns.org")),
            (
                "evil.www.duckdns.org",
                "bad",
                false,
                Some("www.duckdns.org"),
            ),
            ("ddns.net", "noip", false, None),
        ];
        let expected: Vec<(String, &str, bool, Option<String>)> = expected
            .iter()
            .map(|(d, p, a, parent)| (d.to_string(), *p, *a, parent.map(str::to_string)))
            .collect();
        assert_eq!(shown, expected);
    }

    #[test]
    fn the_embedded_list_reads_completely() {
        let matcher = Matcher::default_ref();
        let entries = list_entries(matcher).unwrap();
        assert_eq!(entries.len() as u64, matcher.entry_count());
        for entry in &entries {
            let found = matcher
                .find(&entry.domain)
                .expect("an entry matches itself");
            assert_eq!(found.provider().index(), entry.provider, "{}", entry.domain);
        }
    }
}
