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
//! Layout: `slots` is a power-of-two array of 32-byte slots, linear probing. A slot holds the
//! high 32 bits of the key's hash; where the key is (`u32::MAX` for an empty slot,
//! `u32::MAX - 1` for a key of at most 16 bytes kept whole in the slot, else its offset in
//! the `keys` section); a `u64` answer: the FST value of the entry equal to the key (the
//! provider index fits in bits 1-29), with bit 30 set when the key is not an entry itself
//! and bit 31 set when longer entries end in it; and the key's first 16 bytes, zero-padded.
//! Most keys fit in the slot, so a probe reads one slot and nothing else. A longer key is
//! stored in `keys` as one length byte and its lower-case bytes.
//!
//! Every key sits at most [`MAX_PROBES`] - 1 slots after its home slot: the builder grows
//! the table until that holds, [`check`] refuses a loaded table where it does not, and so a
//! probe never reads more than [`MAX_PROBES`] slots, whatever a file holds.

use crate::filter::hash;
use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN};
use crate::value::EntryValue;

pub(crate) const SLOT_LEN: usize = 32;
const EMPTY: u32 = u32::MAX;
/// Where-the-key value of a key kept whole in its slot.
const IN_SLOT: u32 = u32::MAX - 1;
/// Key bytes kept in each slot.
const INLINE: usize = 16;
/// Bit of a slot's answer: longer entries end in this key. (An [`EntryValue`] never uses
/// bits 30 and 31.)
const LONGER: u64 = 1 << 31;
/// Bit of a slot's answer: this key is not an entry itself.
const INTERIOR: u64 = 1 << 30;
/// Slots one probe reads at most (see the module documentation). Linear probing at a load
/// factor of at most 3/4 places keys a few hundred slots from home at worst even with ten
/// million entries, so the builder rarely has to grow a table to stay under it.
pub(crate) const MAX_PROBES: usize = 1024;

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

/// Builds the `(slots, keys)` sections. Keys must be distinct.
pub(crate) fn build(keys: &[Key<'_>]) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    build_growing(keys, (keys.len() * 4 / 3 + 1).next_power_of_two())
}

/// Builds with `capacity` slots, doubling it until every key lies within [`MAX_PROBES`]
/// slots of its home.
fn build_growing(
    keys: &[Key<'_>],
    mut capacity: usize,
) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    loop {
        let (slots, blob, farthest) = build_with(keys, capacity)?;
        if farthest < MAX_PROBES {
            return Ok((slots, blob));
        }
        capacity = capacity.checked_mul(2).ok_or("suffix table too large")?;
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
        slot[4..8].copy_from_slice(&EMPTY.to_le_bytes());
    }
    let mut blob = Vec::new();
    for key in keys {
        let offset = if key.suffix.len() <= INLINE {
            IN_SLOT
        } else {
            let offset = u32::try_from(blob.len())
                .ok()
                .filter(|&offset| offset < IN_SLOT)
                .ok_or("suffix table keys exceed 4 GiB")?;
            let len = u8::try_from(key.suffix.len()).map_err(|_| "a suffix over 255 bytes")?;
            blob.push(len);
            blob.extend_from_slice(key.suffix);
            offset
        };
        let answer =
            key.exact.map_or(INTERIOR, EntryValue::stored) | if key.longer { LONGER } else { 0 };
        let hashed = hash(key.suffix);
        let mut at = hashed as usize & (capacity - 1);
        let mut distance = 0;
        while u32::from_le_bytes(
            slots[at * SLOT_LEN + 4..at * SLOT_LEN + 8]
                .try_into()
                .unwrap(),
        ) != EMPTY
        {
            at = (at + 1) & (capacity - 1);
            distance += 1;
        }
        farthest = farthest.max(distance);
        let slot = &mut slots[at * SLOT_LEN..(at + 1) * SLOT_LEN];
        slot[..4].copy_from_slice(&((hashed >> 32) as u32).to_le_bytes());
        slot[4..8].copy_from_slice(&offset.to_le_bytes());
        slot[8..16].copy_from_slice(&answer.to_le_bytes());
        let inline = key.suffix.len().min(INLINE);
        slot[16..16 + inline].copy_from_slice(&key.suffix[..inline]);
    }
    Ok((slots, blob, farthest))
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
    let tag = (hashed >> 32) as u32;
    let mut at = hashed as usize & capacity.wrapping_sub(1);
    for _ in 0..capacity.min(MAX_PROBES) {
        let Some(slot) = slots.get(at * SLOT_LEN..(at + 1) * SLOT_LEN) else {
            return Probe::Damaged;
        };
        let slot: &[u8; SLOT_LEN] = slot.try_into().expect("32 bytes");
        let offset = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
        if offset == EMPTY {
            return Probe::Absent;
        }
        if u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) == tag {
            let same = if offset == IN_SLOT {
                let inline = &slot[16..];
                let len = suffix.len();
                len <= INLINE
                    && same_key(suffix, &inline[..len])
                    && inline.get(len).is_none_or(|&b| b == 0)
            } else {
                let offset = offset as usize;
                let Some(&len) = keys.get(offset) else {
                    return Probe::Damaged;
                };
                let Some(stored) = keys.get(offset + 1..offset + 1 + usize::from(len)) else {
                    return Probe::Damaged;
                };
                same_key(suffix, stored)
            };
            if same {
                let answer = u64::from_le_bytes(slot[8..16].try_into().expect("8 bytes"));
                let exact = (answer & INTERIOR == 0).then(|| EntryValue::from_stored(answer));
                return Probe::Known {
                    exact,
                    longer: answer & LONGER != 0,
                };
            }
        }
        at = (at + 1) & (capacity - 1);
    }
    // Every key lies within MAX_PROBES slots of its home (or the table holds fewer slots,
    // all of them read): the suffix is not here.
    Probe::Absent
}

/// The fields of one slot.
struct Slot<'a> {
    tag: u32,
    offset: u32,
    answer: u64,
    inline: &'a [u8],
}

fn slot_at(slots: &[u8], index: usize) -> Slot<'_> {
    let slot = &slots[index * SLOT_LEN..(index + 1) * SLOT_LEN];
    let word = |at: usize| u32::from_le_bytes(slot[at..at + 4].try_into().expect("4 bytes"));
    Slot {
        tag: word(0),
        offset: word(4),
        answer: u64::from_le_bytes(slot[8..16].try_into().expect("8 bytes")),
        inline: &slot[16..],
    }
}

/// The key a non-empty slot holds, or `None` when it points outside `keys`.
fn key_of<'a>(slot: &Slot<'a>, keys: &'a [u8]) -> Option<&'a [u8]> {
    if slot.offset == IN_SLOT {
        let len = slot.inline.iter().position(|&b| b == 0).unwrap_or(INLINE);
        return Some(&slot.inline[..len]);
    }
    let offset = slot.offset as usize;
    let len = usize::from(*keys.get(offset)?);
    keys.get(offset + 1..offset + 1 + len)
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
/// every slot is empty or holds a well-formed key (stored whole in its slot when it fits,
/// else inside `keys`) with its hash's tag, no key is stored twice, each lies within
/// [`MAX_PROBES`] slots of its home with no empty slot between, every key of three labels
/// or more has its parent suffix marked as having longer entries, every answer is either
/// "interior" or names a provider below `providers` and an entry id below `entries`, each id
/// used once and all `entries` of them present, and, when `filter` is given, the filter
/// admits every two-label key. Reads each slot a few times; allocates one bit per entry.
pub(crate) fn check(
    slots: &[u8],
    keys: &[u8],
    filter: Option<&[u8]>,
    providers: usize,
    entries: u64,
) -> Result<(), &'static str> {
    let capacity = slots.len() / SLOT_LEN;
    if !capacity.is_power_of_two() || slots.len() % SLOT_LEN != 0 {
        return Err("table length is not 32 times a power of two");
    }
    if entries > capacity as u64 {
        return Err("more entries than table slots");
    }
    let mut seen = vec![0u64; (entries as usize).div_ceil(64)];
    let mut found = 0u64;
    for index in 0..capacity {
        let slot = slot_at(slots, index);
        if slot.offset == EMPTY {
            continue;
        }
        let key = key_of(&slot, keys).ok_or("a table key lies outside the keys section")?;
        if !is_stored_key(key) {
            return Err("a table key is not a lower-case domain of two labels or more");
        }
        if (slot.offset == IN_SLOT) != (key.len() <= INLINE) {
            return Err("a table key is stored in the wrong place for its length");
        }
        if slot.offset == IN_SLOT && slot.inline[key.len()..].iter().any(|&b| b != 0) {
            return Err("a table slot has bytes after its key");
        }
        let hashed = hash(key);
        if slot.tag != (hashed >> 32) as u32 {
            return Err("a table key's tag is not its hash");
        }
        // Every slot from the key's home to it must be full and hold another key, or a
        // probe would stop early or find the other copy first.
        let mut at = hashed as usize & (capacity - 1);
        let mut distance = 0;
        while at != index {
            distance += 1;
            if distance >= MAX_PROBES {
                return Err("a table key lies too far from its home slot");
            }
            let other = slot_at(slots, at);
            if other.offset == EMPTY {
                return Err("a table key is not reachable from its home slot");
            }
            if other.tag == slot.tag && key_of(&other, keys) == Some(key) {
                return Err("a table key is stored twice");
            }
            at = (at + 1) & (capacity - 1);
        }
        if slot.answer & INTERIOR != 0 {
            if slot.answer != INTERIOR | LONGER {
                return Err("an interior table key has a value or lacks longer entries");
            }
        } else {
            let value = EntryValue::from_stored(slot.answer);
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

/// Calls `each(id, slot index)` for every entry of a table.
pub(crate) fn for_each_entry(slots: &[u8], mut each: impl FnMut(u32, usize)) {
    for (index, slot) in entry_slots(slots) {
        each(EntryValue::from_stored(slot.answer).entry(), index);
    }
}

/// Every slot that holds an entry (not empty, not an interior suffix), with its index.
fn entry_slots(slots: &[u8]) -> impl Iterator<Item = (usize, Slot<'_>)> {
    (0..slots.len() / SLOT_LEN)
        .map(|index| (index, slot_at(slots, index)))
        .filter(|(_, slot)| slot.offset != EMPTY && slot.answer & INTERIOR == 0)
}

/// The key of every entry the table holds, whether or not it passed [`check`]: every key a
/// lookup can answer with. A slot whose key lies outside `keys` is skipped; a probe
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
        EntryValue::from_stored(slot.answer),
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
                slot.offset != EMPTY && key_of(&slot, keys) == Some(key)
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

        let duck = slot_of(&slots, &blob, b"duckdns.org") * SLOT_LEN;
        let net = slot_of(&slots, &blob, b"ddns.net") * SLOT_LEN;
        let damaged = |edit: &dyn Fn(&mut Vec<u8>), why: &str| {
            let mut copy = slots.clone();
            edit(&mut copy);
            assert_eq!(check(&copy, &blob, None, 2, 3), Err(why));
            // Lookups on the damaged table stay in bounds whatever it holds.
            for name in [
                &b"duckdns.org"[..],
                b"ddns.net",
                b"a-rather-long-name.ddns.net",
            ] {
                let _ = probe(&copy, &blob, name, hash(name));
            }
        };
        damaged(
            &|t| t[duck + 16] = b'D',
            "a table key is not a lower-case domain of two labels or more",
        );
        damaged(&|t| t[duck] ^= 1, "a table key's tag is not its hash");
        damaged(
            &|t| t[duck + 30] = 1,
            "a table slot has bytes after its key",
        );
        damaged(
            &|t| t[net + 8..net + 16].copy_from_slice(&(1u64 << 32 | 1 << 1).to_le_bytes()),
            "a table key's parent suffix is missing or has no longer entries",
        );
        damaged(
            &|t| t[net + 8..net + 16].copy_from_slice(&(INTERIOR | 5).to_le_bytes()),
            "an interior table key has a value or lacks longer entries",
        );
        damaged(
            &|t| {
                let other = slot_of(t, &blob, b"duckdns.org") * SLOT_LEN;
                let value = 1u64 << 32 | LONGER;
                t[other + 8..other + 16].copy_from_slice(&value.to_le_bytes());
            },
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
            "a table key is stored twice",
        );
        // A key moved away from its home, past an empty slot.
        damaged(
            &|t| {
                let capacity = t.len() / SLOT_LEN;
                let free = (0..capacity)
                    .map(|i| (duck / SLOT_LEN + capacity - 2 - i) % capacity)
                    .find(|&i| {
                        slot_at(t, i).offset == EMPTY
                            && slot_at(t, (i + capacity - 1) % capacity).offset == EMPTY
                    })
                    .unwrap();
                let copy: Vec<u8> = t[duck..duck + SLOT_LEN].to_vec();
                t[free * SLOT_LEN..(free + 1) * SLOT_LEN].copy_from_slice(&copy);
                t[duck + 4..duck + 8].copy_from_slice(&EMPTY.to_le_bytes());
            },
            "a table key is not reachable from its home slot",
        );
    }

    #[test]
    fn the_builder_grows_a_table_until_every_key_is_within_the_probe_limit() {
        // 8,150 keys in 8,192 slots: linear probing leaves some far from home.
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
        let (_, _, crowded) = build_with(&keys, 8192).unwrap();
        assert!(
            crowded >= MAX_PROBES,
            "the crowded table should overflow the limit: {crowded}"
        );
        let (slots, blob) = build_growing(&keys, 8192).unwrap();
        assert!(slots.len() / SLOT_LEN > 8192);
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
