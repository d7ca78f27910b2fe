//! The suffix table: an exact hash table from the last two labels of the entries to what a
//! lookup needs, stored in the compiled list next to the FST.
//!
//! Most entries have two labels (`duckdns.org`), and a name can only be under an entry whose
//! last two labels equal the name's. So a lookup hashes the name's last two labels once,
//! probes this table, and either stops (no entry ends in those labels), answers at once (the
//! two labels are an entry and no longer entry ends in them), or, rarely, walks the FST (longer
//! entries or exceptions sit below). Keys are compared byte for byte, so a hash collision
//! never changes an answer.
//!
//! Layout: `slots` is a power-of-two array of 16-byte slots, linear probing. A slot holds the
//! high 32 bits of the key's hash, the key's offset in the `keys` section (`u32::MAX` for an
//! empty slot) and a `u64` answer: the FST value of the two-label entry, with bit 31 set
//! when the FST must be walked instead (the provider index fits in bits 1-30). A key is
//! stored in `keys` as one length byte and its lower-case bytes.

use crate::filter::hash;

pub(crate) const SLOT_LEN: usize = 16;
const EMPTY: u32 = u32::MAX;
/// Bit of a slot's answer that says: walk the FST.
pub(crate) const WALK: u64 = 1 << 31;

/// What the table says about a name's last two labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    /// No entry ends in these labels: no match.
    Absent,
    /// These two labels are an entry (this FST value) and no longer entry ends in them.
    Entry(u64),
    /// Longer entries or exceptions end in these labels: walk the FST.
    Walk,
}

/// One key for [`build`]: the last two labels of some entry, and the FST value of the entry
/// equal to them when there is one.
pub(crate) struct Key<'a> {
    pub suffix: &'a [u8],
    /// The FST value of the entry that is exactly `suffix`.
    pub exact: Option<u64>,
    /// An entry has more labels than `suffix`.
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
        let offset = u32::try_from(blob.len())
            .ok()
            .filter(|&offset| offset != EMPTY)
            .ok_or("suffix table keys exceed 4 GiB")?;
        let len =
            u8::try_from(key.suffix.len()).map_err(|_| "a two-label suffix over 255 bytes")?;
        blob.push(len);
        blob.extend_from_slice(key.suffix);
        let answer = match key.exact {
            Some(value) if !key.longer => value,
            _ => WALK,
        };
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
        slot[8..].copy_from_slice(&answer.to_le_bytes());
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

/// Looks up a name's last two labels. `slots` and `keys` come from a loaded file: every
/// index is checked, and anything out of range reads as [`Probe::Walk`], so a damaged table
/// costs speed, never an answer or a panic.
#[inline]
pub(crate) fn probe(slots: &[u8], keys: &[u8], suffix: &[u8], hashed: u64) -> Probe {
    let capacity = slots.len() / SLOT_LEN;
    let tag = (hashed >> 32) as u32;
    let mut at = hashed as usize & capacity.wrapping_sub(1);
    for _ in 0..capacity {
        let Some(slot) = slots.get(at * SLOT_LEN..(at + 1) * SLOT_LEN) else {
            return Probe::Walk;
        };
        let slot: &[u8; SLOT_LEN] = slot.try_into().expect("16 bytes");
        let offset = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
        if offset == EMPTY {
            return Probe::Absent;
        }
        if u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]) == tag {
            let offset = offset as usize;
            let Some(&len) = keys.get(offset) else {
                return Probe::Walk;
            };
            let Some(stored) = keys.get(offset + 1..offset + 1 + usize::from(len)) else {
                return Probe::Walk;
            };
            if same_key(suffix, stored) {
                let answer = u64::from_le_bytes(slot[8..].try_into().expect("8 bytes"));
                return if answer & WALK != 0 {
                    Probe::Walk
                } else {
                    Probe::Entry(answer)
                };
            }
        }
        at = (at + 1) & (capacity - 1);
    }
    // A full table (only possible in a damaged file): let the FST decide.
    Probe::Walk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_find_exact_keys_fold_case_and_say_when_to_walk() {
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
        ];
        let (slots, blob) = build(&keys).unwrap();
        let probe_of = |s: &[u8]| probe(&slots, &blob, s, hash(s));
        assert_eq!(probe_of(b"DuckDNS.org"), Probe::Entry(42 << 32));
        assert_eq!(probe_of(b"ddns.net"), Probe::Walk);
        assert_eq!(probe_of(b"co.uk"), Probe::Walk);
        assert_eq!(probe_of(b"google.com"), Probe::Absent);
        // Damaged sections never panic.
        assert_eq!(
            probe(&slots, &[], b"duckdns.org", hash(b"duckdns.org")),
            Probe::Walk
        );
        assert_eq!(
            probe(&[], &blob, b"duckdns.org", hash(b"duckdns.org")),
            Probe::Walk
        );
    }
}
