//! The suffix table: an exact hash table from every label-boundary suffix of the entries
//! (two labels or more) to what a lookup needs, stored in the compiled list next to the FST.
//!
//! Every entry has two labels or more, so a lookup starts with the name's last two labels and
//! moves one label left at a time: each step hashes the suffix, probes this table, and learns
//! whether the suffix is an entry (and its FST value) and whether any longer entry ends in it.
//! It stops at the first absent suffix or when nothing longer exists; the last entry seen is
//! the longest match. Keys are compared byte for byte, so a hash collision never changes an
//! answer. Most names stop at the first probe; a name under a two-label entry with nothing
//! below it is answered by it.
//!
//! Layout (format versions 3 and 4): `slots` is an array of 8-byte slots, any number of them, with
//! linear probing from a home slot picked by multiplying the hash's low 32 bits by the slot
//! count (so the count need not be a power of two and the builder fills about four slots in
//! five). A slot holds a `u32` whose high 30 bits are the high 30 bits of the key's hash and
//! whose low two bits say whether the key is not an entry itself ([`INTERIOR`]) and whether
//! longer entries end in it ([`LONGER`]); then the `u32` offset of the key's record in the
//! `keys` section (`u32::MAX` marks an empty slot). A record is one length byte, the key's
//! lower-case bytes and, for an entry, its id and then its provider index times two plus one
//! for an allow entry plus 2^29 for a zone, each as an unsigned LEB128 number (one to five
//! bytes; [`put_value`]). A probe compares tags in the
//! slots, eight to a cache line, and reads the one record whose tag matches.
//!
//! Every key sits at most [`MAX_PROBES`] - 1 slots after its home slot: the builder grows
//! the table until that holds, [`check`] refuses a loaded table where it does not, and so a
//! probe never reads more than [`MAX_PROBES`] slots, whatever a file holds.

use crate::filter::hash;
use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN};
use crate::value::EntryValue;

pub(crate) const SLOT_LEN: usize = 8;
/// The record offset of an empty slot.
const EMPTY: u32 = u32::MAX;
/// Flag of a slot: longer entries end in this key.
const LONGER: u32 = 1;
/// Flag of a slot: this key is not an entry itself (its record has no value).
const INTERIOR: u32 = 2;
/// The low bits of a slot's first word that hold flags, not the tag.
const FLAGS: u32 = LONGER | INTERIOR;
/// Slots one probe reads at most (see the module documentation). Linear probing at a load
/// factor of at most 4/5 places keys a few hundred slots from home at worst even with ten
/// million entries, so the builder rarely has to grow a table to stay under it.
pub(crate) const MAX_PROBES: usize = 1024;
/// The most slots a table may have: a home slot is the hash's low 32 bits times the count,
/// shifted down 32 bits.
pub(crate) const MAX_SLOTS: u64 = u32::MAX as u64;

/// What the table says about one suffix of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    /// No entry is this suffix or ends in it: the search stops.
    Absent,
    /// The suffix is known: `exact` is the entry's value when it is an entry, `longer` says
    /// whether entries with more labels end in it.
    Known {
        exact: Option<EntryValue>,
        longer: bool,
    },
    /// The table is damaged here. [`check`] refuses such tables at load, so only a table
    /// that skipped it can answer this; lookups treat it as no match.
    Damaged,
}

/// One key for [`build`]: a suffix of some entry, two labels or longer.
pub(crate) struct Key<'a> {
    pub suffix: &'a [u8],
    /// The value of the entry that is exactly `suffix`.
    pub exact: Option<EntryValue>,
    /// An entry has more labels than `suffix` and ends in it.
    pub longer: bool,
}

/// The slot a probe for a key of hash `hashed` starts from, in a table of `capacity` slots.
#[inline]
fn home(hashed: u64, capacity: usize) -> usize {
    ((u64::from(hashed as u32) * capacity as u64) >> 32) as usize
}

/// The tag of a key of hash `hashed`: its high 30 bits, with the flag bits clear.
#[inline]
fn tag_of(hashed: u64) -> u32 {
    (hashed >> 32) as u32 & !FLAGS
}

/// Builds the `(slots, keys)` sections. Keys must be distinct.
pub(crate) fn build(keys: &[Key<'_>]) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    build_growing(keys, keys.len() + keys.len() / 4 + 1)
}

/// Builds with `capacity` slots, growing it by a quarter until every key lies within
/// [`MAX_PROBES`] slots of its home.
fn build_growing(
    keys: &[Key<'_>],
    mut capacity: usize,
) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    loop {
        if capacity as u64 > MAX_SLOTS {
            return Err("suffix table too large");
        }
        let (slots, blob, farthest) = build_with(keys, capacity)?;
        if farthest < MAX_PROBES {
            return Ok((slots, blob));
        }
        capacity += capacity / 4 + 1;
    }
}

/// Builds the sections with `capacity` slots; also returns the largest distance of a key
/// from its home slot.
fn build_with(
    keys: &[Key<'_>],
    capacity: usize,
) -> Result<(Vec<u8>, Vec<u8>, usize), &'static str> {
    let mut farthest = 0;
    let mut slots = vec![0u8; capacity * SLOT_LEN];
    for slot in slots.chunks_exact_mut(SLOT_LEN) {
        slot[4..].copy_from_slice(&EMPTY.to_le_bytes());
    }
    let mut blob = Vec::new();
    for key in keys {
        let offset = u32::try_from(blob.len())
            .ok()
            .filter(|&offset| offset < EMPTY)
            .ok_or("suffix table keys exceed 4 GiB")?;
        let len = u8::try_from(key.suffix.len()).map_err(|_| "a suffix over 255 bytes")?;
        blob.push(len);
        blob.extend_from_slice(key.suffix);
        if let Some(value) = key.exact {
            put_value(&mut blob, value);
        }
        let flags =
            if key.exact.is_none() { INTERIOR } else { 0 } | if key.longer { LONGER } else { 0 };
        let hashed = hash(key.suffix);
        let mut at = home(hashed, capacity);
        let mut distance = 0;
        while record_at(&slots, at) != EMPTY {
            at = next(at, capacity);
            distance += 1;
        }
        farthest = farthest.max(distance);
        let slot = &mut slots[at * SLOT_LEN..(at + 1) * SLOT_LEN];
        slot[..4].copy_from_slice(&(tag_of(hashed) | flags).to_le_bytes());
        slot[4..].copy_from_slice(&offset.to_le_bytes());
    }
    Ok((slots, blob, farthest))
}

/// The slot after `at`, wrapping around.
#[inline]
fn next(at: usize, capacity: usize) -> usize {
    if at + 1 == capacity { 0 } else { at + 1 }
}

/// The record offset of slot `at` of a table the builder is filling.
fn record_at(slots: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(
        slots[at * SLOT_LEN + 4..(at + 1) * SLOT_LEN]
            .try_into()
            .expect("4 bytes"),
    )
}

/// Compares a name's bytes, folding ASCII case, with a stored lower-case key.
#[inline]
fn same_key(name: &[u8], stored: &[u8]) -> bool {
    name.len() == stored.len()
        && name
            .iter()
            .zip(stored)
            .all(|(&a, &b)| a.to_ascii_lowercase() == b)
}

/// Looks up one suffix of a name. `slots` and `keys` come from a loaded file: every index is
/// checked, anything out of range reads as [`Probe::Damaged`], and at most [`MAX_PROBES`]
/// slots are read, so even a table that skipped [`check`] costs bounded time, never a panic.
#[inline]
pub(crate) fn probe(slots: &[u8], keys: &[u8], suffix: &[u8], hashed: u64) -> Probe {
    let capacity = slots.len() / SLOT_LEN;
    let tag = tag_of(hashed);
    let mut at = home(hashed, capacity);
    for _ in 0..capacity.min(MAX_PROBES) {
        let Some(slot) = slots.get(at * SLOT_LEN..(at + 1) * SLOT_LEN) else {
            return Probe::Damaged;
        };
        let slot: &[u8; SLOT_LEN] = slot.try_into().expect("8 bytes");
        let offset = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
        if offset == EMPTY {
            return Probe::Absent;
        }
        let word = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
        if word & !FLAGS == tag {
            let offset = offset as usize;
            let Some(&len) = keys.get(offset) else {
                return Probe::Damaged;
            };
            let end = offset + 1 + usize::from(len);
            if usize::from(len) == suffix.len() {
                let Some(stored) = keys.get(offset + 1..end) else {
                    return Probe::Damaged;
                };
                if same_key(suffix, stored) {
                    let exact = if word & INTERIOR != 0 {
                        None
                    } else {
                        let Some(value) = read_value(keys, end) else {
                            return Probe::Damaged;
                        };
                        Some(value)
                    };
                    return Probe::Known {
                        exact,
                        longer: word & LONGER != 0,
                    };
                }
            }
        }
        at = next(at, capacity);
    }
    // Every key lies within MAX_PROBES slots of its home (or the table holds fewer slots,
    // all of them read): the suffix is not here.
    Probe::Absent
}

/// The fields of one slot.
struct Slot {
    word: u32,
    offset: u32,
}

impl Slot {
    fn is_empty(&self) -> bool {
        self.offset == EMPTY
    }

    fn is_interior(&self) -> bool {
        self.word & INTERIOR != 0
    }
}

fn slot_at(slots: &[u8], index: usize) -> Slot {
    let slot = &slots[index * SLOT_LEN..(index + 1) * SLOT_LEN];
    let word = |at: usize| u32::from_le_bytes(slot[at..at + 4].try_into().expect("4 bytes"));
    Slot {
        word: word(0),
        offset: word(4),
    }
}

/// The key a non-empty slot's record holds, or `None` when it lies outside `keys`.
fn key_of<'a>(slot: &Slot, keys: &'a [u8]) -> Option<&'a [u8]> {
    let offset = slot.offset as usize;
    let len = usize::from(*keys.get(offset)?);
    keys.get(offset + 1..offset + 1 + len)
}

/// The value an entry's record holds after its key, or `None` when it lies outside `keys`
/// or is not two well-formed numbers.
fn value_of(slot: &Slot, keys: &[u8]) -> Option<EntryValue> {
    let end = slot.offset as usize + 1 + usize::from(*keys.get(slot.offset as usize)?);
    read_value(keys, end)
}

/// Appends an entry's value to its record: the id, then the value's low 30 bits (the provider
/// index times two, plus one for an allow entry, plus 2^29 for a zone), each in unsigned
/// LEB128 (seven bits a byte, low bits first, the high bit set on every byte but the last).
fn put_value(blob: &mut Vec<u8>, value: EntryValue) {
    for mut number in [
        value.entry(),
        (value.stored() & crate::value::LOW_BITS) as u32,
    ] {
        while number >= 0x80 {
            blob.push(number as u8 | 0x80);
            number >>= 7;
        }
        blob.push(number as u8);
    }
}

/// Reads the value [`put_value`] wrote at `at`; `None` when it runs past `keys` or a number
/// does not fit in 32 bits (at most five bytes each, so a read is bounded).
#[inline]
fn read_value(keys: &[u8], at: usize) -> Option<EntryValue> {
    let (entry, at) = read_number(keys, at)?;
    let (low, _) = read_number(keys, at)?;
    (u64::from(low) <= crate::value::LOW_BITS)
        .then(|| EntryValue::from_stored(u64::from(entry) << 32 | u64::from(low)))
}

/// One unsigned LEB128 number of at most 32 bits at `at`, and where the next one starts.
#[inline]
fn read_number(keys: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut number = 0u64;
    for shift in (0..35).step_by(7) {
        let byte = *keys.get(at)?;
        at += 1;
        number |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((u32::try_from(number).ok()?, at));
        }
    }
    None
}

/// Whether `key` is what the builder stores: two labels or more of lower-case letters,
/// digits and `-`, each 1-63 bytes, at most 253 bytes in all.
fn is_stored_key(key: &[u8]) -> bool {
    key.len() <= MAX_NAME_LEN
        && key.contains(&b'.')
        && key
            .split(|&b| b == b'.')
            .all(|label| (1..=MAX_LABEL_LEN).contains(&label.len()))
        && key
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// Checks a loaded table completely, so that lookups on it agree with the entries it lists:
/// every slot is empty or points to a record inside `keys` holding a well-formed key (and,
/// for an entry, its value) with its hash's tag, no key is stored twice, each lies within
/// [`MAX_PROBES`] slots of its home with no empty slot between, every key of three labels
/// or more has its parent suffix marked as having longer entries, every interior key is
/// marked as having longer entries, every entry's value names a provider below `providers`
/// and an entry id below `entries`, each id used once and all `entries` of them present,
/// and, when `filter` is given, the filter admits every two-label key. Reads each slot a few
/// times; allocates one bit per entry.
pub(crate) fn check(
    slots: &[u8],
    keys: &[u8],
    filter: Option<&[u8]>,
    providers: usize,
    entries: u64,
) -> Result<(), &'static str> {
    let capacity = slots.len() / SLOT_LEN;
    if capacity == 0 || capacity as u64 > MAX_SLOTS || slots.len() % SLOT_LEN != 0 {
        return Err("table length is not 8 times a slot count from 1 to 2^32-1");
    }
    if entries > capacity as u64 {
        return Err("more entries than table slots");
    }
    let mut seen = vec![0u64; (entries as usize).div_ceil(64)];
    let mut found = 0u64;
    for index in 0..capacity {
        let slot = slot_at(slots, index);
        if slot.is_empty() {
            continue;
        }
        let key = key_of(&slot, keys).ok_or("a table key lies outside the keys section")?;
        if !is_stored_key(key) {
            return Err("a table key is not a lower-case domain of two labels or more");
        }
        let hashed = hash(key);
        if slot.word & !FLAGS != tag_of(hashed) {
            return Err("a table key's tag is not its hash");
        }
        // Every slot from the key's home to it must be full and hold another key, or a
        // probe would stop early or find the other copy first.
        let mut at = home(hashed, capacity);
        let mut distance = 0;
        while at != index {
            distance += 1;
            if distance >= MAX_PROBES {
                return Err("a table key lies too far from its home slot");
            }
            let other = slot_at(slots, at);
            if other.is_empty() {
                return Err("a table key is not reachable from its home slot");
            }
            if other.word & !FLAGS == slot.word & !FLAGS && key_of(&other, keys) == Some(key) {
                return Err("a table key is stored twice");
            }
            at = next(at, capacity);
        }
        if slot.is_interior() {
            if slot.word & LONGER == 0 {
                return Err("an interior table key lacks longer entries");
            }
        } else {
            let value = value_of(&slot, keys)
                .ok_or("a table entry's value lies outside the keys section")?;
            let (provider, id) = (value.provider() as usize, u64::from(value.entry()));
            if provider >= providers {
                return Err("a table entry names a provider the list lacks");
            }
            if id >= entries {
                return Err("a table entry's id is not below the entry count");
            }
            let (word, bit) = ((id / 64) as usize, id % 64);
            if seen[word] & (1 << bit) != 0 {
                return Err("two table entries have the same id");
            }
            seen[word] |= 1 << bit;
            found += 1;
        }
        match key.iter().position(|&b| b == b'.') {
            Some(dot) if key[dot + 1..].contains(&b'.') => {
                let parent = &key[dot + 1..];
                let longer = matches!(
                    probe(slots, keys, parent, hash(parent)),
                    Probe::Known { longer: true, .. }
                );
                if !longer {
                    return Err("a table key's parent suffix is missing or has no longer entries");
                }
            }
            _ => {
                if let Some(filter) = filter
                    && !crate::filter::may_contain(filter, hashed)
                {
                    return Err("the filter refuses a two-label table key");
                }
            }
        }
    }
    if found != entries {
        return Err("the table holds another number of entries than the header");
    }
    Ok(())
}

/// Calls `each(id, slot index)` for every entry of a table whose record lies inside `keys`.
pub(crate) fn for_each_entry(slots: &[u8], keys: &[u8], mut each: impl FnMut(u32, usize)) {
    for (index, slot) in entry_slots(slots) {
        if let Some(value) = value_of(&slot, keys) {
            each(value.entry(), index);
        }
    }
}

/// Every slot that holds an entry (not empty, not an interior suffix), with its index.
fn entry_slots(slots: &[u8]) -> impl Iterator<Item = (usize, Slot)> + '_ {
    (0..slots.len() / SLOT_LEN)
        .map(|index| (index, slot_at(slots, index)))
        .filter(|(_, slot)| !slot.is_empty() && !slot.is_interior())
}

/// The key of every entry the table holds, whether or not it passed [`check`]: every key a
/// lookup can answer with. A slot whose record lies outside `keys` is skipped; a probe
/// reaching it answers "damaged", never a match.
pub(crate) fn entry_keys<'a>(
    slots: &'a [u8],
    keys: &'a [u8],
) -> impl Iterator<Item = &'a [u8]> + 'a {
    entry_slots(slots).filter_map(|(_, slot)| key_of(&slot, keys))
}

/// The key and value of the entry in slot `index` of a table that passed [`check`].
pub(crate) fn entry_at<'a>(
    slots: &'a [u8],
    keys: &'a [u8],
    index: usize,
) -> (&'a [u8], EntryValue) {
    let slot = slot_at(slots, index);
    (
        key_of(&slot, keys).unwrap_or_default(),
        value_of(&slot, keys).unwrap_or(EntryValue::from_stored(0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_find_exact_keys_fold_case_and_say_what_lies_below() {
        let keys = [
            Key {
                suffix: b"duckdns.org",
                exact: Some(EntryValue::new(42, 0, false)),
                longer: false,
            },
            Key {
                suffix: b"ddns.net",
                exact: Some(EntryValue::new(0, 7, false)),
                longer: true,
            },
            Key {
                suffix: b"co.uk",
                exact: None,
                longer: true,
            },
            Key {
                suffix: b"a-rather-long-name.example",
                exact: Some(EntryValue::new(9, 0, false)),
                longer: false,
            },
        ];
        let (slots, blob) = build(&keys).unwrap();
        assert_eq!(
            slots.len(),
            6 * SLOT_LEN,
            "four keys in about five slots each four"
        );
        let probe_of = |s: &[u8]| probe(&slots, &blob, s, hash(s));
        let known = |exact, longer| Probe::Known { exact, longer };
        assert_eq!(
            probe_of(b"DuckDNS.org"),
            known(Some(EntryValue::new(42, 0, false)), false)
        );
        assert_eq!(
            probe_of(b"ddns.net"),
            known(Some(EntryValue::new(0, 7, false)), true)
        );
        assert_eq!(probe_of(b"co.uk"), known(None, true));
        assert_eq!(probe_of(b"google.com"), Probe::Absent);
        assert_eq!(
            probe_of(b"a-rather-long-name.example"),
            known(Some(EntryValue::new(9, 0, false)), false)
        );
        assert_eq!(probe_of(b"a-rather-long-name.exampl"), Probe::Absent);
        assert_eq!(probe_of(b"duckdns.or"), Probe::Absent);
        // Damaged sections never panic.
        let long = b"a-rather-long-name.example";
        assert_eq!(probe(&slots, &[], long, hash(long)), Probe::Damaged);
        let duck = hash(b"duckdns.org");
        assert_eq!(probe(&[], &blob, b"duckdns.org", duck), Probe::Absent);
        // A record cut off before its value.
        let cut = blob.len() - 1;
        assert_eq!(
            probe(&slots, &blob[..cut], long, hash(long)),
            Probe::Damaged
        );
    }

    fn sample() -> (Vec<u8>, Vec<u8>) {
        let keys = [
            Key {
                suffix: b"ddns.net",
                exact: Some(EntryValue::new(1, 1, false)),
                longer: true,
            },
            Key {
                suffix: b"duckdns.org",
                exact: Some(EntryValue::new(0, 0, false)),
                longer: false,
            },
            Key {
                suffix: b"a-rather-long-name.ddns.net",
                exact: Some(EntryValue::new(2, 0, true)),
                longer: false,
            },
        ];
        build(&keys).unwrap()
    }

    /// Index of the slot holding `key`.
    fn slot_of(slots: &[u8], keys: &[u8], key: &[u8]) -> usize {
        (0..slots.len() / SLOT_LEN)
            .find(|&i| {
                let slot = slot_at(slots, i);
                !slot.is_empty() && key_of(&slot, keys) == Some(key)
            })
            .unwrap()
    }

    #[test]
    fn check_accepts_what_the_builder_writes_and_refuses_each_kind_of_damage() {
        let (slots, blob) = sample();
        assert_eq!(check(&slots, &blob, None, 2, 3), Ok(()));
        let refused = |slots: &[u8], blob: &[u8], providers, entries| {
            check(slots, blob, None, providers, entries).unwrap_err()
        };
        assert_eq!(
            refused(&slots, &blob, 1, 3),
            "a table entry names a provider the list lacks"
        );
        assert_eq!(
            refused(&slots, &blob, 2, 4),
            "the table holds another number of entries than the header"
        );
        assert_eq!(
            refused(&slots, &blob, 2, 2),
            "a table entry's id is not below the entry count"
        );
        assert_eq!(
            refused(&slots, &blob, 2, 99),
            "more entries than table slots"
        );
        assert_eq!(
            refused(&slots, &[], 2, 3),
            "a table key lies outside the keys section"
        );
        assert_eq!(
            refused(&[], &blob, 2, 0),
            "table length is not 8 times a slot count from 1 to 2^32-1"
        );
        let duck = slot_of(&slots, &blob, b"duckdns.org") * SLOT_LEN;
        let net = slot_of(&slots, &blob, b"ddns.net") * SLOT_LEN;
        let duck_record = u32::from_le_bytes(slots[duck + 4..duck + 8].try_into().unwrap());
        let damaged =
            |slot_edit: &dyn Fn(&mut Vec<u8>), key_edit: &dyn Fn(&mut Vec<u8>), why: &str| {
                let (mut copy, mut keys) = (slots.clone(), blob.clone());
                slot_edit(&mut copy);
                key_edit(&mut keys);
                assert_eq!(check(&copy, &keys, None, 2, 3), Err(why));
                // Lookups on the damaged table stay in bounds whatever it holds.
                for name in [
                    &b"duckdns.org"[..],
                    b"ddns.net",
                    b"a-rather-long-name.ddns.net",
                ] {
                    let _ = probe(&copy, &keys, name, hash(name));
                }
            };
        let keep = |_: &mut Vec<u8>| {};
        let duck_key = duck_record as usize + 1;
        damaged(
            &keep,
            &|k| k[duck_key] = b'D',
            "a table key is not a lower-case domain of two labels or more",
        );
        damaged(
            &|t| t[duck + 3] ^= 0x80,
            &keep,
            "a table key's tag is not its hash",
        );
        damaged(
            &|t| t[net] &= !(LONGER as u8),
            &keep,
            "a table key's parent suffix is missing or has no longer entries",
        );
        damaged(
            &|t| t[duck] |= (INTERIOR) as u8,
            &keep,
            "an interior table key lacks longer entries",
        );
        damaged(
            &|t| t[duck + 4..duck + 8].copy_from_slice(&(blob.len() as u32).to_le_bytes()),
            &keep,
            "a table key lies outside the keys section",
        );
        damaged(
            &keep,
            &|k| k.truncate(k.len() - 1),
            "a table entry's value lies outside the keys section",
        );
        let duck_value = duck_key + "duckdns.org".len();
        damaged(
            &keep,
            &|k| k[duck_value] = 1,
            "two table entries have the same id",
        );
        // A second copy of a key right after it.
        damaged(
            &|t| {
                let capacity = t.len() / SLOT_LEN;
                let next = (duck / SLOT_LEN + 1) % capacity * SLOT_LEN;
                let copy: Vec<u8> = t[duck..duck + SLOT_LEN].to_vec();
                t[next..next + SLOT_LEN].copy_from_slice(&copy);
            },
            &keep,
            "a table key is stored twice",
        );
    }

    #[test]
    fn values_round_trip_through_their_numbers_and_overlong_numbers_are_refused() {
        let top = crate::value::MAX_PROVIDERS as u32 - 1;
        for value in [
            EntryValue::new(0, 0, false),
            EntryValue::new(127, 63, true),
            EntryValue::new(128, 64, false),
            EntryValue::new(u32::MAX, top, true),
            EntryValue::new(9, top, false).with_zone(true),
        ] {
            let mut blob = vec![0xaa];
            put_value(&mut blob, value);
            assert_eq!(read_value(&blob, 1), Some(value));
            assert_eq!(read_value(&blob[..blob.len() - 1], 1), None, "cut short");
        }
        let mut small = Vec::new();
        put_value(&mut small, EntryValue::new(100_000, 40, true));
        assert_eq!(small.len(), 4, "an id below 2^21 and a provider below 64");
        // Six bytes with the high bit set, a number past 32 bits, a provider past the limit.
        assert_eq!(
            read_value(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00], 0),
            None
        );
        assert_eq!(read_value(&[0xff, 0xff, 0xff, 0xff, 0x1f, 0x00], 0), None);
        assert_eq!(read_value(&[0x00, 0xff, 0xff, 0xff, 0xff, 0x0f], 0), None);
    }

    #[test]
    fn a_key_away_from_its_home_past_an_empty_slot_is_refused() {
        // Enough room that the table has two empty slots in a row somewhere.
        let names: Vec<Vec<u8>> = (0..40)
            .map(|i| format!("h{i}.example").into_bytes())
            .collect();
        let keys: Vec<Key<'_>> = names
            .iter()
            .map(|n| Key {
                suffix: n,
                exact: None,
                longer: true,
            })
            .collect();
        let (mut t, blob) = build_with(&keys, 400).map(|(s, b, _)| (s, b)).unwrap();
        assert_eq!(check(&t, &blob, None, 0, 0), Ok(()));
        let capacity = t.len() / SLOT_LEN;
        let moved = slot_of(&t, &blob, b"h0.example");
        let free = (0..capacity)
            .map(|i| (moved + capacity - 2 - i) % capacity)
            .find(|&i| {
                slot_at(&t, i).is_empty() && slot_at(&t, (i + capacity - 1) % capacity).is_empty()
            })
            .unwrap();
        let copy: Vec<u8> = t[moved * SLOT_LEN..(moved + 1) * SLOT_LEN].to_vec();
        t[free * SLOT_LEN..(free + 1) * SLOT_LEN].copy_from_slice(&copy);
        t[moved * SLOT_LEN + 4..(moved + 1) * SLOT_LEN].copy_from_slice(&EMPTY.to_le_bytes());
        assert_eq!(
            check(&t, &blob, None, 0, 0),
            Err("a table key is not reachable from its home slot")
        );
    }

    #[test]
    fn the_builder_grows_a_table_until_every_key_is_within_the_probe_limit() {
        // 8,150 keys in 8,160 slots: linear probing leaves some far from home.
        let names: Vec<Vec<u8>> = (0..8150)
            .map(|i| format!("h{i}.example").into_bytes())
            .collect();
        let keys: Vec<Key<'_>> = names
            .iter()
            .map(|n| Key {
                suffix: n,
                exact: None,
                longer: true,
            })
            .collect();
        let (_, _, crowded) = build_with(&keys, 8160).unwrap();
        assert!(
            crowded >= MAX_PROBES,
            "the crowded table should overflow the limit: {crowded}"
        );
        let (slots, blob) = build_growing(&keys, 8160).unwrap();
        assert!(slots.len() / SLOT_LEN > 8160);
        assert_eq!(check(&slots, &blob, None, 0, 0), Ok(()));
        for name in &names {
            assert_eq!(
                probe(&slots, &blob, name, hash(name)),
                Probe::Known {
                    exact: None,
                    longer: true
                }
            );
        }
    }
}
