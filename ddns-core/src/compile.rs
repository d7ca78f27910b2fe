//! Catalog -> compiled bytes. Used by [`crate::MatcherBuilder`] and by the build script that
//! embeds the default catalog, so it depends only on `catalog`, `format`, `name`, `table`
//! and `value` (and `filter`, through `format`), never on `matcher`.

use std::collections::HashMap;
use std::fmt;

use crate::catalog::{Catalog, CatalogEntry, Origin};
use crate::format::{Index, ProviderRecord, Writer};
use crate::name::{excerpt, normalize_entry};
use crate::table;
use crate::value::{EntryValue, MAX_PROVIDERS};

/// The builder's knobs, shared with the build script.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompileOptions {
    /// Refuse exact duplicates and block entries nested under a block entry of the same
    /// provider, instead of keeping them.
    pub reject_redundant: bool,
}

/// Why a catalog could not be compiled.
///
/// `Display` names the entries involved with their file and line.
#[derive(Debug, Clone)]
pub struct BuildError {
    kind: BuildErrorKind,
    message: String,
}

/// What kind of problem a [`BuildError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// An entry's domain is not a valid entry (only possible for catalogs built in code;
    /// the readers check domains as they parse).
    InvalidEntry,
    /// A provider field cannot be stored (an id that is empty, text holding a NUL byte).
    InvalidProvider,
    /// One domain is listed with two providers, or as both block and allow.
    Conflict,
    /// A duplicate or a nested block entry of the same provider, refused because
    /// `reject_redundant` is set.
    Redundant,
    /// More providers or entries than the format holds.
    TooLarge,
}

impl BuildError {
    fn new(kind: BuildErrorKind, message: String) -> BuildError {
        BuildError { kind, message }
    }

    /// What went wrong.
    pub fn kind(&self) -> BuildErrorKind {
        self.kind
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

/// One entry on its way into the FST: its reversed domain lives in a shared arena.
struct Key {
    at: usize,
    len: usize,
    provider: u32,
    allow: bool,
    zone: bool,
    /// Index of the provider and of the entry in the catalog, to name it in errors.
    from: (usize, usize),
}

fn origin_of(entry: &CatalogEntry) -> String {
    entry
        .origin
        .as_ref()
        .map_or_else(|| "(added in code)".to_string(), Origin::to_string)
}

/// Compiles `catalog` into the bytes [`crate::Matcher::from_bytes`] reads.
pub(crate) fn compile(catalog: &Catalog, options: &CompileOptions) -> Result<Vec<u8>, BuildError> {
    let providers = catalog.providers();
    if providers.len() >= MAX_PROVIDERS {
        return Err(BuildError::new(
            BuildErrorKind::TooLarge,
            format!("{} providers; the format holds 2^28-1", providers.len()),
        ));
    }
    let describe = |(p, e): (usize, usize)| {
        let entry = &providers[p].entries[e];
        format!(
            "'{}' ({} of provider '{}', {})",
            entry.domain,
            if entry.allow { "allow" } else { "block" },
            providers[p].id,
            origin_of(entry)
        )
    };
    let (arena, keys) = normalized_keys(catalog)?;
    let unique = unique_keys(keys, &arena, options, &describe)?;
    if options.reject_redundant {
        reject_nested_blocks(&unique, &arena, &describe)?;
    }
    let (fst, values, counts) = entry_fst(&unique, &arena, providers.len());
    let index = suffix_index(&unique, &values, &arena)
        .map_err(|why| BuildError::new(BuildErrorKind::TooLarge, why.to_string()))?;
    let mut writer = Writer::new();
    write_providers(&mut writer, catalog, &counts)?;
    Ok(writer.finish(unique.len() as u64, &index, &fst))
}

/// Every entry of the catalog, checked and normalised, as a [`Key`] whose reversed domain
/// is in the returned arena.
fn normalized_keys(catalog: &Catalog) -> Result<(Vec<u8>, Vec<Key>), BuildError> {
    let mut arena = Vec::new();
    let mut keys = Vec::with_capacity(catalog.entry_count());
    for (p, provider) in catalog.providers().iter().enumerate() {
        for (e, item) in provider.entries.iter().enumerate() {
            let domain = normalize_entry(&item.domain).map_err(|why| {
                BuildError::new(
                    BuildErrorKind::InvalidEntry,
                    format!("{}: '{}': {why}", origin_of(item), excerpt(&item.domain)),
                )
            })?;
            let at = arena.len();
            arena.extend(domain.bytes().rev());
            keys.push(Key {
                at,
                len: domain.len(),
                provider: p as u32,
                allow: item.allow,
                zone: item.zone && !item.allow,
                from: (p, e),
            });
        }
    }
    Ok((arena, keys))
}

/// The keys sorted by reversed domain, each domain once: a domain listed twice with
/// another provider or kind is a conflict, and with the same one a duplicate (refused when
/// `reject_redundant` is set, else the first kept).
fn unique_keys(
    mut keys: Vec<Key>,
    arena: &[u8],
    options: &CompileOptions,
    describe: &dyn Fn((usize, usize)) -> String,
) -> Result<Vec<Key>, BuildError> {
    let key_bytes = |key: &Key| &arena[key.at..key.at + key.len];
    // Stable, so the first of two duplicates is the one read first.
    keys.sort_by(|a, b| key_bytes(a).cmp(key_bytes(b)));
    let mut unique: Vec<Key> = Vec::with_capacity(keys.len());
    for key in keys {
        if let Some(last) = unique.last()
            && key_bytes(last) == key_bytes(&key)
        {
            let (first, second) = (describe(last.from), describe(key.from));
            if last.provider != key.provider || last.allow != key.allow || last.zone != key.zone {
                return Err(BuildError::new(
                    BuildErrorKind::Conflict,
                    format!("{second} conflicts with {first}"),
                ));
            }
            if options.reject_redundant {
                return Err(BuildError::new(
                    BuildErrorKind::Redundant,
                    format!("{second} duplicates {first}"),
                ));
            }
            continue;
        }
        unique.push(key);
    }
    if unique.len() > u32::MAX as usize {
        return Err(BuildError::new(
            BuildErrorKind::TooLarge,
            format!("{} entries; the format holds 2^32-1", unique.len()),
        ));
    }
    Ok(unique)
}

/// The FST of the sorted, unique keys (entry id = rank), each key's value, and the block
/// and allow entry counts of each of `provider_count` providers.
fn entry_fst(
    unique: &[Key],
    arena: &[u8],
    provider_count: usize,
) -> (Vec<u8>, Vec<EntryValue>, Vec<(u32, u32)>) {
    let mut values = Vec::with_capacity(unique.len());
    let mut counts = vec![(0u32, 0u32); provider_count];
    let mut map = fst::MapBuilder::memory();
    for (id, key) in unique.iter().enumerate() {
        let value = EntryValue::new(id as u32, key.provider, key.allow).with_zone(key.zone);
        map.insert(&arena[key.at..key.at + key.len], value.stored())
            .expect("keys are sorted and unique");
        values.push(value);
        let count = &mut counts[key.provider as usize];
        if key.allow {
            count.1 += 1;
        } else {
            count.0 += 1;
        }
    }
    let fst = map.into_inner().expect("writing to memory cannot fail");
    (fst, values, counts)
}

/// Writes one provider record per catalog provider, with its entry counts.
fn write_providers(
    writer: &mut Writer,
    catalog: &Catalog,
    counts: &[(u32, u32)],
) -> Result<(), BuildError> {
    for (provider, &(block_count, allow_count)) in catalog.providers().iter().zip(counts) {
        let record = ProviderRecord {
            id: &provider.id,
            name: &provider.name,
            website: provider.website.as_deref().unwrap_or(""),
            country: provider.country.as_deref().unwrap_or(""),
            abuse: provider.abuse,
            free_subdomains: provider.free_subdomains,
            class: provider.class,
            status: provider.status,
            block_count,
            allow_count,
        };
        let stored = if provider.id.is_empty() {
            Err("empty provider id")
        } else {
            writer.push_provider(&record)
        };
        stored.map_err(|why| {
            BuildError::new(
                BuildErrorKind::InvalidProvider,
                format!("provider '{}': {why}", provider.id.escape_debug()),
            )
        })?;
    }
    Ok(())
}

/// Builds the suffix filter and table (see `filter.rs` and `table.rs`) from the sorted,
/// unique entries and their FST values: the table holds every suffix of two labels or more
/// of every entry, the filter every entry's last two labels.
fn suffix_index(keys: &[Key], values: &[EntryValue], arena: &[u8]) -> Result<Index, &'static str> {
    // (suffix, the value of the entry that is exactly that suffix)
    let mut suffixes: Vec<(Vec<u8>, Option<EntryValue>)> = Vec::with_capacity(keys.len() * 2);
    for (key, &value) in keys.iter().zip(values) {
        let reversed = &arena[key.at..key.at + key.len];
        let dots = reversed.iter().enumerate().filter(|&(_, &b)| b == b'.');
        // Reversed, the suffix of n labels ends before the n-th dot; the first dot splits
        // the last label off, which alone is never a key.
        for (dot, _) in dots.skip(1) {
            suffixes.push((reversed[..dot].iter().rev().copied().collect(), None));
        }
        suffixes.push((reversed.iter().rev().copied().collect(), Some(value)));
    }
    // Sorted so that the file is the same for the same entries.
    suffixes.sort();
    let mut table_keys: Vec<table::Key<'_>> = Vec::new();
    for (suffix, exact) in &suffixes {
        match table_keys.last_mut() {
            Some(last) if last.suffix == suffix.as_slice() => {
                last.exact = last.exact.or(*exact);
                last.longer |= exact.is_none();
            }
            _ => table_keys.push(table::Key {
                suffix,
                exact: *exact,
                longer: exact.is_none(),
            }),
        }
    }
    let two_labels = table_keys
        .iter()
        .map(|key| key.suffix)
        .filter(|suffix| suffix.iter().filter(|&&b| b == b'.').count() == 1)
        .collect::<Vec<_>>();
    let filter = crate::filter::build(two_labels.into_iter());
    let (slots, keys) = table::build(&table_keys)?;
    Ok(Index {
        filter,
        slots,
        keys,
    })
}

/// Finds a block entry whose nearest enclosing entry is a block entry of the same provider:
/// it changes no answer's verdict or provider. (Under an allow entry it does.)
fn reject_nested_blocks(
    keys: &[Key],
    arena: &[u8],
    describe: &dyn Fn((usize, usize)) -> String,
) -> Result<(), BuildError> {
    let all: HashMap<&[u8], &Key> = keys
        .iter()
        .map(|key| (&arena[key.at..key.at + key.len], key))
        .collect();
    for key in keys.iter().filter(|key| !key.allow) {
        let reversed = &arena[key.at..key.at + key.len];
        // Dots from the right end of the reversed name: the longest enclosing entry first.
        let nearest = (0..reversed.len())
            .rev()
            .filter(|&at| reversed[at] == b'.')
            .find_map(|dot| all.get(&reversed[..dot]));
        if let Some(parent) = nearest
            && !parent.allow
            && parent.provider == key.provider
        {
            return Err(BuildError::new(
                BuildErrorKind::Redundant,
                format!(
                    "{} is already covered by {}",
                    describe(key.from),
                    describe(parent.from)
                ),
            ));
        }
    }
    Ok(())
}
