//! The filters that turn misses away before the suffix table. Every entry has at least two
//! labels, so a name can only be under an entry whose last two labels equal the name's; when
//! a filter says no entry has the name's last two labels, the lookup ends without probing the
//! table. Most traffic is such a miss. Neither filter ever says "absent" for a present key,
//! so they change no answer, only how soon a miss ends.
//!
//! - The **suffix filter**, stored in the compiled list next to the FST: a blocked Bloom
//!   filter over the hash of the last two labels of every entry, one cache line per lookup.
//!   It answers "present" for about 0.5% of absent keys at 16 bits per key; the table probe
//!   then decides.
//! - The **front bitmap** ([`FrontBits`]), built at load time from the table for lists of up
//!   to [`FRONT_MAX_KEYS`] entries and checked first: it reads only a name's last 8 bytes,
//!   before the labels are split or hashed. Up to 64 bits per distinct key it is the only
//!   filter; a larger list's map is capped at 512 KiB so that it stays in L2, and the names
//!   it lets through then meet the suffix filter as well.
//!
//! Case folding: both read bytes ORed with 0x20. For letters that is lower-casing; digits,
//! `-` and `.` already have that bit. Entries are lower-case letters, digits, `-` and `.`, so a
//! name whose last two labels equal an entry's up to ASCII case hashes the same. Other bytes
//! may collide, which only costs a probe.

/// Bytes per block: eight 32-bit words, one bit set in each per key.
pub(crate) const BLOCK_LEN: usize = 32;
/// Filter bits per distinct two-label suffix.
const BITS_PER_KEY: usize = 16;
const SALTS: [u32; 8] = [
    0x47b6_137b,
    0x4497_4d91,
    0x8824_ad5b,
    0xa2b7_289d,
    0x7054_95c7,
    0x2df1_424b,
    0x9efc_4947,
    0x5c6b_fb31,
];

/// The last two labels of `name` (without a trailing dot), or `None` for a single label.
///
/// Names of 16 bytes or more whose last two labels fit in their last 16 bytes (most do:
/// `duckdns.org`, `google.com`) are read as two words and the dots found without a
/// per-byte branch; the rest are scanned byte by byte.
#[inline]
pub(crate) fn last_two_labels(name: &[u8]) -> Option<&[u8]> {
    let len = name.len();
    if len >= 16 {
        let low = u64::from_le_bytes(name[len - 16..len - 8].try_into().expect("8 bytes"));
        let high = u64::from_le_bytes(name[len - 8..].try_into().expect("8 bytes"));
        // Bit 8i+7 is set when byte i of the last 16 is a dot.
        let dots = u128::from(dot_bits(low)) | u128::from(dot_bits(high)) << 64;
        if dots.count_ones() >= 2 {
            let last = 127 - dots.leading_zeros();
            let second = 127 - (dots & !(1u128 << last)).leading_zeros();
            return Some(&name[len - 16 + second as usize / 8 + 1..]);
        }
    }
    let last_dot = name.iter().rposition(|&b| b == b'.')?;
    let start = name[..last_dot]
        .iter()
        .rposition(|&b| b == b'.')
        .map_or(0, |dot| dot + 1);
    Some(&name[start..])
}

/// The high bit of each byte of `word` that is `.`, exactly (no borrow between bytes).
#[inline]
fn dot_bits(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zeroed = word ^ 0x2e2e_2e2e_2e2e_2e2e;
    !(((zeroed & LOW7) + LOW7) | zeroed | LOW7)
}

/// Hash of a key, folding ASCII case (see the module documentation). Reads 8 bytes a step;
/// the last step re-reads the key's final 8 bytes (or, for short keys, two overlapping
/// 4-byte halves), so no byte is copied.
#[inline]
pub(crate) fn hash(key: &[u8]) -> u64 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let load8 = |at: usize| u64::from_le_bytes(key[at..at + 8].try_into().expect("8 bytes"));
    let load4 = |at: usize| u64::from(u32::from_le_bytes(key[at..at + 4].try_into().expect("4")));
    let len = key.len();
    let mut h = (len as u64).wrapping_mul(K);
    let mut at = 0;
    while at + 8 < len {
        h = (h ^ (load8(at) | FOLD)).wrapping_mul(K).rotate_left(29);
        at += 8;
    }
    let last = match len {
        8.. => load8(len - 8),
        4..=7 => load4(0) | load4(len - 4) << 32,
        1..=3 => u64::from(key[0]) | u64::from(key[len / 2]) << 8 | u64::from(key[len - 1]) << 16,
        0 => 0,
    };
    h = (h ^ (last | FOLD)).wrapping_mul(K).rotate_left(29);
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^ (h >> 32)
}

/// The front bitmap: one bit per entry, built at load time from the entries in the suffix
/// table at 64 to 128 bits per distinct key, and at most 512 KiB, so that it stays in a fast
/// cache (8 KiB for the default list). A miss costs one 8-byte read, a few word operations,
/// one multiply and one bit test, before the name's labels are even split. Names are known
/// by their [`front_key`], so a set bit only means "look further": a name ending in the same
/// 8 bytes as an entry passes, and about 1% of others (more once the cap leaves fewer than
/// 64 bits per key: about 5% at 200,000 keys); so does every name whose last two labels,
/// shorter than 8 bytes, are an entry's (every name under `co.uk` when an entry ends in
/// `.co.uk`, as with the file's filter). A capped map is "sparse": lookups check the file's
/// filter after it. Not part of the file; lists of more than [`FRONT_MAX_KEYS`] entries
/// use the file's filter alone, because the capped map would hold too few bits per key to
/// turn enough misses away, and building it would slow loading.
#[derive(Debug)]
pub(crate) struct FrontBits {
    words: Box<[u64]>,
    /// 64 minus the number of index bits: the index is the top bits of the key's product.
    shift: u32,
    /// Fewer than [`FRONT_BITS_PER_KEY`] bits per distinct key (the map hit its size cap):
    /// it lets through enough absent names that the file's filter is checked after it.
    sparse: bool,
}

/// Lists with more entries than this use the file's Bloom filter alone: past it, the map
/// would hold under 4 bits per key and turn too few misses away to pay for itself.
pub(crate) const FRONT_MAX_KEYS: usize = 1 << 20;
const FRONT_BITS_PER_KEY: usize = 64;
/// The map's size cap in bits (512 KiB), so that it stays in a core's L2 cache.
const FRONT_MAX_BITS: usize = 1 << 22;

impl FrontBits {
    /// The map for the entries `keys`, or `None` when there are more than
    /// [`FRONT_MAX_KEYS`].
    pub(crate) fn build<'a>(keys: impl Iterator<Item = &'a [u8]>) -> Option<FrontBits> {
        FrontBits::build_capped(keys, FRONT_MAX_BITS)
    }

    /// [`FrontBits::build`] with a size cap of `max_bits` (a power of two, at least 64)
    /// instead of [`FRONT_MAX_BITS`]; tests use a small cap to make any list's map sparse.
    pub(crate) fn build_capped<'a>(
        keys: impl Iterator<Item = &'a [u8]>,
        max_bits: usize,
    ) -> Option<FrontBits> {
        let mut front_keys = Vec::new();
        for key in keys {
            if front_keys.len() == FRONT_MAX_KEYS {
                return None;
            }
            front_keys.push(front_key(key));
        }
        // Entries that share a key set the same bit, so the map is sized by distinct keys:
        // an allow entry such as `www.duckdns.org` has the key of the `duckdns.org` above it.
        front_keys.sort_unstable();
        front_keys.dedup();
        let wanted = (front_keys.len() * FRONT_BITS_PER_KEY)
            .next_power_of_two()
            .max(64);
        let bits = wanted.min(max_bits);
        let mut front = FrontBits {
            words: vec![0u64; bits / 64].into_boxed_slice(),
            shift: 64 - bits.trailing_zeros(),
            sparse: bits < wanted,
        };
        for key in front_keys {
            let bit = front.bit(key);
            front.words[bit / 64] |= 1 << (bit % 64);
        }
        Some(front)
    }

    #[inline]
    fn bit(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// Whether a name with this [`front_key`] may be under one of the keys.
    #[inline]
    pub(crate) fn may_contain(&self, key: u64) -> bool {
        let bit = self.bit(key);
        self.words
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }

    /// Whether the map is too small for its keys to be the only filter (see `sparse`).
    #[inline]
    pub(crate) fn is_sparse(&self) -> bool {
        self.sparse
    }

    /// Heap bytes the map takes.
    pub(crate) fn bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// What the front bitmap knows a name by: its last 8 bytes, or fewer when its last two
/// labels are shorter (then exactly them), each byte ORed with 0x20 to fold ASCII case,
/// the bytes not kept zero. A name under an entry has the entry's own front key: when the
/// entry is 8 bytes or more, the name ends with the entry's last 8 bytes; when it is
/// shorter, the dot in front of it (or the name's start) lies within the name's last 8
/// bytes, so the second-last dot there marks the same bytes as in the entry.
#[inline]
pub(crate) fn front_key(name: &[u8]) -> u64 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let len = name.len();
    let (raw, mut keep) = match len {
        8.. => (
            u64::from_le_bytes(name[len - 8..].try_into().expect("8 bytes")),
            u64::MAX,
        ),
        _ => {
            // Right-aligned, as the last bytes of a longer name would be.
            let mut word = [0u8; 8];
            word[8 - len..].copy_from_slice(name);
            (
                u64::from_le_bytes(word),
                u64::MAX.checked_shl(8 * (8 - len) as u32).unwrap_or(0),
            )
        }
    };
    let dots = dot_bits(raw);
    if dots.count_ones() >= 2 {
        // Keep only the bytes after the second-last dot.
        let second = 63 - (dots ^ 1 << (63 - dots.leading_zeros())).leading_zeros();
        keep &= u64::MAX.checked_shl(second + 1).unwrap_or(0);
    }
    (raw | FOLD) & keep
}

/// Which block, and which bit of each of its words, a hash selects.
#[inline]
fn position(hash: u64, blocks: usize) -> (usize, [u32; 8]) {
    let block = (((hash >> 32) * blocks as u64) >> 32) as usize;
    let low = hash as u32;
    let mut masks = [0u32; 8];
    for (mask, salt) in masks.iter_mut().zip(SALTS) {
        *mask = 1 << (low.wrapping_mul(salt) >> 27);
    }
    (block, masks)
}

/// Builds the filter bytes for the given keys (duplicates are harmless).
pub(crate) fn build<'a>(keys: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    let blocks = (keys.len() * BITS_PER_KEY).div_ceil(BLOCK_LEN * 8).max(1);
    let mut bytes = vec![0u8; blocks * BLOCK_LEN];
    for key in keys {
        let (block, masks) = position(hash(key), blocks);
        let words = &mut bytes[block * BLOCK_LEN..(block + 1) * BLOCK_LEN];
        for (word, mask) in words.chunks_exact_mut(4).zip(masks) {
            let value = u32::from_le_bytes(word.try_into().expect("4 bytes")) | mask;
            word.copy_from_slice(&value.to_le_bytes());
        }
    }
    bytes
}

/// Whether `hash` may be in the filter `bytes` (a non-empty multiple of [`BLOCK_LEN`]).
#[inline]
pub(crate) fn may_contain(bytes: &[u8], hash: u64) -> bool {
    let (block, masks) = position(hash, bytes.len() / BLOCK_LEN);
    let words: &[u8; BLOCK_LEN] = bytes[block * BLOCK_LEN..(block + 1) * BLOCK_LEN]
        .try_into()
        .expect("one block");
    let mut all = true;
    for (index, mask) in masks.into_iter().enumerate() {
        let word = u32::from_le_bytes([
            words[index * 4],
            words[index * 4 + 1],
            words[index * 4 + 2],
            words[index * 4 + 3],
        ]);
        all &= word & mask != 0;
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_two_labels_of_a_name() {
        assert_eq!(
            last_two_labels(b"a.b.duckdns.org"),
            Some(&b"duckdns.org"[..])
        );
        assert_eq!(last_two_labels(b"duckdns.org"), Some(&b"duckdns.org"[..]));
        assert_eq!(last_two_labels(b"a..org"), Some(&b".org"[..]));
        assert_eq!(last_two_labels(b"org"), None);
        // The word-at-a-time path, against the byte loop: every placement of up to three
        // dots in names of 0-20 bytes, with bytes one bit away from a dot around them.
        let by_bytes = |name: &[u8]| -> Option<Vec<u8>> {
            let last = name.iter().rposition(|&b| b == b'.')?;
            let start = name[..last]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |d| d + 1);
            Some(name[start..].to_vec())
        };
        for len in 0..=20usize {
            for dots in 0..(len + 1).pow(3) {
                let mut name: Vec<u8> = (0..len).map(|i| [b'a', 0xae, b'/', b'-'][i % 4]).collect();
                for place in [
                    dots % (len + 1),
                    dots / (len + 1) % (len + 1),
                    dots / (len + 1).pow(2),
                ] {
                    if place < len {
                        name[place] = b'.';
                    }
                }
                assert_eq!(
                    last_two_labels(&name).map(<[u8]>::to_vec),
                    by_bytes(&name),
                    "{}",
                    name.escape_ascii()
                );
            }
        }
    }

    #[test]
    fn hash_folds_ascii_case_only() {
        assert_eq!(hash(b"DuckDNS.ORG"), hash(b"duckdns.org"));
        assert_eq!(hash(b"cam-01.x9"), hash(b"CAM-01.X9"));
        assert_ne!(hash(b"duckdns.org"), hash(b"duckdns.orh"));
        assert_ne!(hash(b"duckdns.org"), hash(b"duckdns.or"));
    }

    #[test]
    fn the_filter_has_no_false_negatives_and_few_false_positives() {
        let keys: Vec<String> = (0..10_000).map(|i| format!("host{i}.example")).collect();
        let filter = build(keys.iter().map(|k| k.as_bytes()));
        assert!(
            keys.iter()
                .all(|k| may_contain(&filter, hash(k.as_bytes())))
        );
        let false_positives = (0..100_000)
            .filter(|i| may_contain(&filter, hash(format!("other{i}.example").as_bytes())))
            .count();
        assert!(
            false_positives < 2_000,
            "{false_positives} false positives in 100,000"
        );
    }

    #[test]
    fn the_front_bitmap_has_no_false_negatives_and_few_false_positives() {
        // Names are told apart by their last 8 bytes only, so these keys differ there.
        let keys: Vec<String> = (0..10_000).map(|i| format!("h{i:05}.de")).collect();
        let front = FrontBits::build(keys.iter().map(|k| k.as_bytes())).unwrap();
        // 10,000 keys at 64 bits each, rounded up to a power of two.
        assert_eq!(front.bytes(), (1 << 20) / 8);
        assert!(keys.iter().all(|k| {
            front.may_contain(front_key(format!("a.{k}").as_bytes()))
                && front.may_contain(front_key(k.to_ascii_uppercase().as_bytes()))
        }));
        let false_positives = (0..100_000)
            .filter(|i| front.may_contain(front_key(format!("o{i:06}z.de").as_bytes())))
            .count();
        assert!(
            false_positives < 2_000,
            "{false_positives} false positives in 100,000"
        );
        // Short keys: the name's last two labels are cut out of its last 8 bytes.
        for key in ["t.co", "a.b", "ab.cdef", "dy.fi", "abc.defg"] {
            let front = FrontBits::build([key.as_bytes()].into_iter()).unwrap();
            for name in [
                key.to_string(),
                format!("x.{key}"),
                format!("long-label.{key}."),
            ] {
                let name = name.trim_end_matches('.').to_ascii_uppercase();
                assert_eq!(
                    front_key(name.as_bytes()),
                    front_key(key.as_bytes()),
                    "{name}"
                );
                assert!(front.may_contain(front_key(name.as_bytes())));
            }
        }
        // A list too large for 64 bits per key gets a capped map that says so.
        let capped = FrontBits::build_capped(keys.iter().map(|k| k.as_bytes()), 1 << 16).unwrap();
        assert!(capped.is_sparse() && !front.is_sparse());
        assert_eq!(capped.bytes(), (1 << 16) / 8);
        assert!(
            keys.iter()
                .all(|k| capped.may_contain(front_key(k.as_bytes())))
        );
        let too_many = (0..=FRONT_MAX_KEYS)
            .map(|i| format!("k{i}.example"))
            .collect::<Vec<_>>();
        assert!(FrontBits::build(too_many.iter().map(|k| k.as_bytes())).is_none());
    }

    #[test]
    fn the_front_bitmap_is_sized_by_distinct_keys() {
        // 1,024 bases fill 64 Ki bits exactly; one more distinct key doubles the map.
        let bases: Vec<String> = (0..1_024).map(|i| format!("b{i:04}.org")).collect();
        let sized = |keys: &[String]| {
            FrontBits::build(keys.iter().map(|k| k.as_bytes()))
                .unwrap()
                .bytes()
        };
        assert_eq!(sized(&bases), 8 * 1024);
        // Allow entries under listed bases share their bases' keys and cost nothing.
        let mut with_allow = bases.clone();
        with_allow.extend((0..7).map(|i| format!("www.b{i:04}.org")));
        assert_eq!(front_key(b"www.b0000.org"), front_key(b"b0000.org"));
        assert_eq!(sized(&with_allow), 8 * 1024);
        let mut one_more = bases;
        one_more.push("other.example".into());
        assert_eq!(sized(&one_more), 16 * 1024);
    }
}
