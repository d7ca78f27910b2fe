//! The suffix filter: a blocked Bloom filter over the last two labels of every entry, stored
//! in the compiled list next to the FST. Every entry has at least two labels, so a name can
//! only be under an entry whose last two labels equal the name's; when the filter says the
//! name's last two labels are absent, the lookup ends after one cache line, without probing
//! the suffix table. Most traffic is such a miss.
//!
//! The filter may answer "present" for an absent key (about 0.5% of keys at 16 bits per key);
//! the table probe then decides. It never answers "absent" for a present key, so it changes no
//! answer.
//!
//! Case folding: the hash reads bytes ORed with 0x20. For letters that is lower-casing; digits,
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
}
