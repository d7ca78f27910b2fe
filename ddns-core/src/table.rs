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

use crate::filter::hash;

pub(crate) const SLOT_LEN: usize = 32;
const EMPTY: u32 = u32::MAX;
/// Where-the-key value of a key kept whole in its slot.
const IN_SLOT: u32 = u32::MAX - 1;
/// Key bytes kept in each slot.
const INLINE: usize = 16;
/// Bit of a slot's answer: longer entries end in this key.
const LONGER: u64 = 1 << 31;
/// Bit of a slot's answer: this key is not an entry itself.
const INTERIOR: u64 = 1 << 30;
/// Provider indexes must stay below this so they never reach the flag bits.
pub(crate) const MAX_PROVIDERS: usize = 1 << 29;

/// What the table says about one suffix of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    /// No entry is this suffix or ends in it: the search stops.
    Absent,
    /// The suffix is known: `exact` is the FST value when it is an entry, `longer` says
    /// whether entries with more labels end in it.
    Known { exact: Option<u64>, longer: bool },
    /// The table is damaged here (only in a corrupt file): use the FST.
    Damaged,
}

/// One key for [`build`]: a suffix of some entry, two labels or longer.
pub(crate) struct Key<'a> {
    pub suffix: &'a [u8],
    /// The FST value of the entry that is exactly `suffix`.
    pub exact: Option<u64>,
    /// An entry has more labels than `suffix` and ends in it.
    pub longer: bool,
}

/// Builds the `(slots, keys)` sections. Keys must be distinct.
pub(crate) fn build(keys: &[Key<'_>]) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    let capacity = (keys.len() * 4 / 3 + 1).next_power_of_two();
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
        let answer = key.exact.unwrap_or(INTERIOR) | if key.longer { LONGER } else { 0 };
        let hashed = hash(key.suffix);
        let mut at = hashed as usize & (capacity - 1);
        while u32::from_le_bytes(
            slots[at * SLOT_LEN + 4..at * SLOT_LEN + 8]
                .try_into()
                .unwrap(),
        ) != EMPTY
        {
            at = (at + 1) & (capacity - 1);
        }
        let slot = &mut slots[at * SLOT_LEN..(at + 1) * SLOT_LEN];
        slot[..4].copy_from_slice(&((hashed >> 32) as u32).to_le_bytes());
        slot[4..8].copy_from_slice(&offset.to_le_bytes());
        slot[8..16].copy_from_slice(&answer.to_le_bytes());
        let inline = key.suffix.len().min(INLINE);
        slot[16..16 + inline].copy_from_slice(&key.suffix[..inline]);
    }
    Ok((slots, blob))
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
/// checked, and anything out of range reads as [`Probe::Damaged`], so a damaged table costs
/// speed, never a panic.
#[inline]
pub(crate) fn probe(slots: &[u8], keys: &[u8], suffix: &[u8], hashed: u64) -> Probe {
    let capacity = slots.len() / SLOT_LEN;
    let tag = (hashed >> 32) as u32;
    let mut at = hashed as usize & capacity.wrapping_sub(1);
    for _ in 0..capacity {
        let Some(slot) = slots.get(at * SLOT_LEN..(at + 1) * SLOT_LEN) else {
            return Probe::Damaged;
        };
        let slot: &[u8; SLOT_LEN] = slot.try_into().expect("16 bytes");
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
                let exact = (answer & INTERIOR == 0).then_some(answer & !LONGER);
                return Probe::Known {
                    exact,
                    longer: answer & LONGER != 0,
                };
            }
        }
        at = (at + 1) & (capacity - 1);
    }
    // A full table (only possible in a damaged file).
    Probe::Damaged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_find_exact_keys_fold_case_and_say_what_lies_below() {
        let keys = [
            Key {
                suffix: b"duckdns.org",
                exact: Some(42 << 32),
                longer: false,
            },
            Key {
                suffix: b"ddns.net",
                exact: Some(7 << 1),
                longer: true,
            },
            Key {
                suffix: b"co.uk",
                exact: None,
                longer: true,
            },
            Key {
                suffix: b"a-rather-long-name.example",
                exact: Some(9 << 32),
                longer: false,
            },
        ];
        let (slots, blob) = build(&keys).unwrap();
        let probe_of = |s: &[u8]| probe(&slots, &blob, s, hash(s));
        let known = |exact, longer| Probe::Known { exact, longer };
        assert_eq!(probe_of(b"DuckDNS.org"), known(Some(42 << 32), false));
        assert_eq!(probe_of(b"ddns.net"), known(Some(7 << 1), true));
        assert_eq!(probe_of(b"co.uk"), known(None, true));
        assert_eq!(probe_of(b"google.com"), Probe::Absent);
        assert_eq!(
            probe_of(b"a-rather-long-name.example"),
            known(Some(9 << 32), false)
        );
        assert_eq!(probe_of(b"a-rather-long-name.exampl"), Probe::Absent);
        assert_eq!(probe_of(b"duckdns.or"), Probe::Absent);
        // Damaged sections never panic.
        let long = b"a-rather-long-name.example";
        assert_eq!(probe(&slots, &[], long, hash(long)), Probe::Damaged);
        let duck = hash(b"duckdns.org");
        assert_eq!(probe(&[], &blob, b"duckdns.org", duck), Probe::Damaged);
    }
}
