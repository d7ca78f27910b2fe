//! The value every entry carries, in the FST and in the suffix table: one `u64` that packs the
//! entry's id, its provider's index, whether it is an allow entry and whether it is a zone.
//! [`EntryValue`] is the only code that encodes or decodes it.
//!
//! Layout: `entry_id << 32 | zone << 29 | provider_index << 1 | allow`. Bits 30 and 31 are
//! never part of a value: provider indexes stay below [`MAX_PROVIDERS`], so the suffix table
//! may keep its own flags there (see `table.rs`). Lists of format version 3 have no zone
//! bit: their provider indexes stayed below 2^28 in practice, so bit 29 is clear in them.

/// Provider indexes stay below this, so that a value never reaches bits 29 to 31.
pub(crate) const MAX_PROVIDERS: usize = 1 << 28;

/// Bits 1-28: the provider index.
const PROVIDER_BITS: u64 = (MAX_PROVIDERS as u64 - 1) << 1;
/// Bit 0: an allow entry.
const ALLOW_BIT: u64 = 1;
/// Bit 29: a zone, a block entry under which a provider hands out names: the entry itself
/// (the zone's apex) is the provider's own name, not a user's.
const ZONE_BIT: u64 = 1 << 29;
/// The bits a value may use below the id: allow, provider and zone.
pub(crate) const LOW_BITS: u64 = (1 << 30) - 1;

/// An entry's packed value (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct EntryValue(u64);

impl EntryValue {
    /// The value of entry `entry` of provider `provider` (below [`MAX_PROVIDERS`]; the
    /// builder refuses more providers, and higher bits would be dropped).
    pub(crate) fn new(entry: u32, provider: u32, allow: bool) -> EntryValue {
        debug_assert!((provider as usize) < MAX_PROVIDERS);
        EntryValue(
            u64::from(entry) << 32 | (u64::from(provider) << 1 & PROVIDER_BITS) | u64::from(allow),
        )
    }

    /// This value with its zone bit set as `zone` says.
    pub(crate) fn with_zone(self, zone: bool) -> EntryValue {
        EntryValue(self.0 & !ZONE_BIT | if zone { ZONE_BIT } else { 0 })
    }

    /// A value as the FST or a table slot stores it. Bits 30 and 31 are not part of a value
    /// and are dropped, whatever a file holds, so every decoded part is within its range.
    pub(crate) fn from_stored(stored: u64) -> EntryValue {
        EntryValue(stored & !(0b11 << 30))
    }

    /// The `u64` the FST and the table store.
    pub(crate) fn stored(self) -> u64 {
        self.0
    }

    /// The entry's id: its rank in the FST's key order.
    pub(crate) fn entry(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The index of the entry's provider in the provider table.
    pub(crate) fn provider(self) -> u32 {
        ((self.0 & PROVIDER_BITS) >> 1) as u32
    }

    /// Whether the entry is an allow entry.
    pub(crate) fn is_allow(self) -> bool {
        self.0 & ALLOW_BIT != 0
    }

    /// Whether the entry is a zone: names under it are users', the entry itself is the
    /// provider's.
    pub(crate) fn is_zone(self) -> bool {
        self.0 & ZONE_BIT != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_decodes_to_what_it_was_built_from_and_ignores_the_table_flags() {
        let value = EntryValue::new(7, MAX_PROVIDERS as u32 - 1, true);
        assert_eq!(
            (value.entry(), value.provider(), value.is_allow()),
            (7, MAX_PROVIDERS as u32 - 1, true)
        );
        assert_eq!(value.stored() & (0b11 << 30), 0);
        let flagged = EntryValue::from_stored(value.stored() | 0b11 << 30);
        assert_eq!(flagged, value);
        let block = EntryValue::new(u32::MAX, 0, false);
        assert_eq!(
            (block.entry(), block.provider(), block.is_allow()),
            (u32::MAX, 0, false)
        );
        let zone = EntryValue::new(3, MAX_PROVIDERS as u32 - 1, false).with_zone(true);
        assert_eq!(
            (
                zone.entry(),
                zone.provider(),
                zone.is_allow(),
                zone.is_zone()
            ),
            (3, MAX_PROVIDERS as u32 - 1, false, true)
        );
        assert!(!zone.with_zone(false).is_zone());
        assert_eq!(zone.stored() & !LOW_BITS & 0xffff_ffff, 0);
    }
}
