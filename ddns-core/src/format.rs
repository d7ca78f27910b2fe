//! The compiled list format, version 4 (version 3 is read too: the same layout, with no
//! entry marked a zone). `docs/format.md` is the prose version of this file.
//!
//! ```text
//! offset size  field
//!      0    8  magic            b"DDNSLIST"
//!      8    4  format version   4 (3 is read as well)
//!     12    4  header length    88
//!     16    8  file length      bytes in the whole file
//!     24    4  checksum         CRC-32 (IEEE) of the whole file with these 4 bytes zeroed
//!     28    4  flags            0; any other value is refused
//!     32    4  provider count   P
//!     36    4  record length    48 (bytes per provider record)
//!     40    8  entry count      keys in the FST (block and allow entries)
//!     48    8  strings length   S
//!     56    8  FST length       F
//!     64    8  filter length    B, a non-zero multiple of 32
//!     72    8  table length     T, 8 times the slot count (1 to 2^32-1)
//!     80    8  keys length      K
//!     88  48*P provider table
//!      .    B  suffix filter    blocked Bloom filter over the entries' last two labels
//!      .    T  suffix table     hash table: every suffix of two labels or more -> answer
//!                                  (see table.rs)
//!      .    K  table keys       the table's records: a length byte, the key's bytes and,
//!                                  for an entry, its value (`u64`)
//!      .    S  strings          UTF-8, each followed by one NUL byte
//!      .    F  FST              an `fst` map: reversed entry -> value
//! ```
//!
//! All integers are little-endian. The FST value of an entry is its `EntryValue`
//! (`value.rs`): `entry_id << 32 | provider_index << 1 | allow`.
//!
//! A provider record: four strings (id, name, website, country) as `u32` offset into the
//! strings section and `u32` length (not counting the NUL), then the abuse posture byte,
//! a flags byte (bit 0: free sub-domains), the class byte, the status byte, the block entry
//! count, the allow entry count and four zero bytes. Class and status were reserved zero
//! bytes before; zero reads as `unclassified` and `active`.

use std::fmt;
use std::ops::Range;

use crate::catalog::{AbusePosture, ProviderClass, ProviderStatus};

/// The first eight bytes of every compiled list.
pub const MAGIC: [u8; 8] = *b"DDNSLIST";
/// The format version this build writes. It reads this one and [`OLDEST_FORMAT_VERSION`].
pub const FORMAT_VERSION: u32 = 4;
/// The oldest format version this build reads: version 3 has the layout of version 4, and
/// none of its entries is a zone.
pub const OLDEST_FORMAT_VERSION: u32 = 3;
pub(crate) const HEADER_LEN: usize = 88;
pub(crate) const RECORD_LEN: usize = 48;
const CHECKSUM_AT: usize = 24;

/// The sections of a compiled list, as read from its header and checked against its length.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub provider_count: usize,
    pub entry_count: u64,
    pub providers: Range<usize>,
    pub filter: Range<usize>,
    pub slots: Range<usize>,
    pub keys: Range<usize>,
    pub strings: Range<usize>,
    pub fst: Range<usize>,
}

/// A provider record with its strings resolved; each string is followed by a NUL in `bytes`.
pub(crate) struct ProviderRecord<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub website: &'a str,
    pub country: &'a str,
    pub abuse: AbusePosture,
    pub free_subdomains: bool,
    pub class: ProviderClass,
    pub status: ProviderStatus,
    pub block_count: u32,
    pub allow_count: u32,
}

/// Why a compiled list was refused.
///
/// `Display` says what was expected, what was found, and how to fix it.
#[derive(Debug)]
pub struct LoadError {
    kind: LoadErrorKind,
    path: Option<String>,
}

/// What was wrong with a compiled list.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The file could not be opened, read or mapped.
    Io(std::io::Error),
    /// Shorter than a header.
    TooShort {
        /// Bytes present.
        found: usize,
    },
    /// Does not start with [`MAGIC`]: not a compiled ddns list.
    BadMagic,
    /// Written by a build that uses another format version.
    UnsupportedVersion {
        /// The version this build reads.
        expected: u32,
        /// The version in the file.
        found: u32,
    },
    /// The header's file length differs from the bytes present (truncated or padded).
    LengthMismatch {
        /// Length the header states.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// A header field holds an impossible value, or the sections do not add up.
    BadHeader {
        /// Byte offset of the field.
        offset: usize,
        /// What is wrong with it.
        what: &'static str,
    },
    /// The checksum does not match the contents: the file is corrupt.
    ChecksumMismatch {
        /// Checksum stored in the header.
        expected: u32,
        /// Checksum of the bytes present.
        found: u32,
    },
    /// A provider record points outside the strings section or at invalid text.
    BadProviderRecord {
        /// Index of the record.
        index: usize,
        /// What is wrong with it.
        what: &'static str,
    },
    /// The FST section is not a valid FST, or holds a different number of entries.
    BadFst(String),
    /// The suffix filter or table does not agree with itself or with the header (only a
    /// file crafted to pass the checksum gets this far).
    BadIndex {
        /// What is wrong with it.
        what: &'static str,
    },
}

impl LoadError {
    pub(crate) fn new(kind: LoadErrorKind) -> LoadError {
        LoadError { kind, path: None }
    }

    pub(crate) fn with_path(mut self, path: &std::path::Path) -> LoadError {
        self.path = Some(path.display().to_string());
        self
    }

    /// What was wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.kind
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        const REBUILD: &str = "rebuild the list with `ddns compile`";
        match &self.kind {
            LoadErrorKind::Io(err) => write!(f, "cannot read compiled list: {err}"),
            LoadErrorKind::TooShort { found } => write!(
                f,
                "not a compiled ddns list: {found} bytes, a header alone is {HEADER_LEN}"
            ),
            LoadErrorKind::BadMagic => write!(
                f,
                "not a compiled ddns list (no DDNSLIST magic); catalogs and plain lists must be compiled first with `ddns compile`"
            ),
            LoadErrorKind::UnsupportedVersion { expected, found } => write!(
                f,
                "compiled list format version {found}, this build reads version {expected}: {REBUILD} from this release"
            ),
            LoadErrorKind::LengthMismatch { expected, found } => write!(
                f,
                "compiled list is {found} bytes but its header says {expected}: the file is truncated or was modified; {REBUILD}"
            ),
            LoadErrorKind::BadHeader { offset, what } => {
                write!(
                    f,
                    "corrupt compiled list header at byte {offset}: {what}; {REBUILD}"
                )
            }
            LoadErrorKind::ChecksumMismatch { expected, found } => write!(
                f,
                "compiled list checksum is {found:#010x}, header says {expected:#010x}: the file is corrupt; {REBUILD}"
            ),
            LoadErrorKind::BadProviderRecord { index, what } => {
                write!(f, "corrupt provider record {index}: {what}; {REBUILD}")
            }
            LoadErrorKind::BadFst(what) => write!(f, "corrupt FST section: {what}; {REBUILD}"),
            LoadErrorKind::BadIndex { what } => {
                write!(f, "corrupt suffix index: {what}; {REBUILD}")
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            LoadErrorKind::Io(err) => Some(err),
            _ => None,
        }
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// CRC-32 of `bytes` with the checksum field read as zero.
pub(crate) fn checksum(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[..CHECKSUM_AT]);
    hasher.update(&[0; 4]);
    hasher.update(&bytes[CHECKSUM_AT + 4..]);
    hasher.finalize()
}

/// Reads and checks the header: magic, version, lengths, then the checksum. Only after
/// every size is known to lie inside `bytes` does anything else read the file.
pub(crate) fn read_layout(bytes: &[u8], verify_checksum: bool) -> Result<Layout, LoadError> {
    let err = |kind| Err(LoadError::new(kind));
    let bad = |offset, what| err(LoadErrorKind::BadHeader { offset, what });
    if bytes.len() < HEADER_LEN {
        if bytes.len() >= MAGIC.len() && bytes[..MAGIC.len()] != MAGIC {
            return err(LoadErrorKind::BadMagic);
        }
        return err(LoadErrorKind::TooShort { found: bytes.len() });
    }
    if bytes[..8] != MAGIC {
        return err(LoadErrorKind::BadMagic);
    }
    let version = u32_at(bytes, 8);
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return err(LoadErrorKind::UnsupportedVersion {
            expected: FORMAT_VERSION,
            found: version,
        });
    }
    if u32_at(bytes, 12) as usize != HEADER_LEN {
        return bad(12, "header length is not 88");
    }
    let file_len = u64_at(bytes, 16);
    if file_len != bytes.len() as u64 {
        return err(LoadErrorKind::LengthMismatch {
            expected: file_len,
            found: bytes.len() as u64,
        });
    }
    if u32_at(bytes, 28) != 0 {
        return bad(28, "unknown flags are set");
    }
    if u32_at(bytes, 36) as usize != RECORD_LEN {
        return bad(36, "provider record length is not 48");
    }
    let provider_count = u32_at(bytes, 32) as usize;
    let entry_count = u64_at(bytes, 40);
    let strings_len = u64_at(bytes, 48);
    let fst_len = u64_at(bytes, 56);
    let filter_len = u64_at(bytes, 64);
    let slots_len = u64_at(bytes, 72);
    let keys_len = u64_at(bytes, 80);
    // Every size is checked against the real length with checked arithmetic before use, so
    // a header claiming 2^40 entries or a 1 GB section in a 1 KB file allocates nothing.
    // Sections follow each other in this order; each must end inside the file.
    let section_end = |start: u64, len: Option<u64>, offset: usize, what: &'static str| {
        len.and_then(|len| start.checked_add(len))
            .filter(|&end| end <= file_len)
            .ok_or_else(|| LoadError::new(LoadErrorKind::BadHeader { offset, what }))
    };
    let providers_len = (provider_count as u64).checked_mul(RECORD_LEN as u64);
    let providers_end = section_end(
        HEADER_LEN as u64,
        providers_len,
        32,
        "provider table does not fit in the file",
    )?;
    if filter_len == 0 || filter_len % crate::filter::BLOCK_LEN as u64 != 0 {
        return bad(64, "filter length is not a non-zero multiple of 32");
    }
    let filter_end = section_end(
        providers_end,
        Some(filter_len),
        64,
        "filter does not fit in the file",
    )?;
    let slot_count = slots_len / crate::table::SLOT_LEN as u64;
    if slots_len % crate::table::SLOT_LEN as u64 != 0
        || !(1..=crate::table::MAX_SLOTS).contains(&slot_count)
    {
        return bad(
            72,
            "table length is not 8 times a slot count from 1 to 2^32-1",
        );
    }
    let slots_end = section_end(
        filter_end,
        Some(slots_len),
        72,
        "table does not fit in the file",
    )?;
    let keys_end = section_end(
        slots_end,
        Some(keys_len),
        80,
        "table keys do not fit in the file",
    )?;
    let strings_end = section_end(
        keys_end,
        Some(strings_len),
        48,
        "strings section does not fit in the file",
    )?;
    if strings_end.checked_add(fst_len) != Some(file_len) {
        return bad(56, "sections do not add up to the file length");
    }
    if entry_count > u64::from(u32::MAX) {
        return bad(40, "more than 2^32-1 entries");
    }
    if entry_count > slot_count {
        // Every entry has a slot of the suffix table.
        return bad(40, "more entries than suffix table slots");
    }
    if verify_checksum {
        let expected = u32_at(bytes, CHECKSUM_AT);
        let found = checksum(bytes);
        if expected != found {
            return err(LoadErrorKind::ChecksumMismatch { expected, found });
        }
    }
    // All of these fit in usize: they are at most bytes.len().
    let (providers_end, filter_end, slots_end, keys_end, strings_end) = (
        providers_end as usize,
        filter_end as usize,
        slots_end as usize,
        keys_end as usize,
        strings_end as usize,
    );
    Ok(Layout {
        provider_count,
        entry_count,
        providers: HEADER_LEN..providers_end,
        filter: providers_end..filter_end,
        slots: filter_end..slots_end,
        keys: slots_end..keys_end,
        strings: keys_end..strings_end,
        fst: strings_end..bytes.len(),
    })
}

/// Decodes provider record `index`, checking every string lies in the strings section, is
/// UTF-8 without NUL, and is followed by a NUL.
pub(crate) fn read_provider<'a>(
    bytes: &'a [u8],
    layout: &Layout,
    index: usize,
) -> Result<ProviderRecord<'a>, LoadError> {
    let bad = |what| LoadError::new(LoadErrorKind::BadProviderRecord { index, what });
    let at = layout.providers.start + index * RECORD_LEN;
    let record = &bytes[at..at + RECORD_LEN];
    let strings = &bytes[layout.strings.clone()];
    let text = |field: usize| -> Result<&'a str, LoadError> {
        let offset = u32_at(record, field * 8) as usize;
        let len = u32_at(record, field * 8 + 4) as usize;
        let with_nul = offset
            .checked_add(len)
            .and_then(|end| strings.get(offset..=end))
            .ok_or_else(|| bad("string outside the strings section"))?;
        let (text, nul) = with_nul.split_at(len);
        if nul != [0] || text.contains(&0) {
            return Err(bad("string not NUL-terminated"));
        }
        std::str::from_utf8(text).map_err(|_| bad("string is not UTF-8"))
    };
    let id = text(0)?;
    if id.is_empty() {
        return Err(bad("empty provider id"));
    }
    if record[44..48] != [0; 4] || record[33] & !1 != 0 {
        return Err(bad("reserved bytes are not zero"));
    }
    let class =
        ProviderClass::from_byte(record[34]).ok_or_else(|| bad("unknown provider class"))?;
    let status =
        ProviderStatus::from_byte(record[35]).ok_or_else(|| bad("unknown provider status"))?;
    Ok(ProviderRecord {
        id,
        name: text(1)?,
        website: text(2)?,
        country: text(3)?,
        abuse: AbusePosture::from_byte(record[32]),
        free_subdomains: record[33] & 1 != 0,
        class,
        status,
        block_count: u32_at(record, 36),
        allow_count: u32_at(record, 40),
    })
}

/// The sections derived from the entries that make lookups fast: the suffix filter, and the
/// suffix table with its keys.
pub(crate) struct Index {
    pub filter: Vec<u8>,
    pub slots: Vec<u8>,
    pub keys: Vec<u8>,
}

/// Writes the sections behind a header and fills in the checksum.
pub(crate) struct Writer {
    strings: Vec<u8>,
    records: Vec<u8>,
    provider_count: u32,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            strings: Vec::new(),
            records: Vec::new(),
            provider_count: 0,
        }
    }

    fn push_string(&mut self, text: &str) -> Result<[u8; 8], &'static str> {
        if text.contains('\0') {
            return Err("a provider field contains a NUL byte");
        }
        let offset = u32::try_from(self.strings.len()).map_err(|_| "strings exceed 4 GiB")?;
        let len = u32::try_from(text.len()).map_err(|_| "a string exceeds 4 GiB")?;
        self.strings.extend_from_slice(text.as_bytes());
        self.strings.push(0);
        let mut field = [0; 8];
        field[..4].copy_from_slice(&offset.to_le_bytes());
        field[4..].copy_from_slice(&len.to_le_bytes());
        Ok(field)
    }

    pub fn push_provider(&mut self, record: &ProviderRecord<'_>) -> Result<(), &'static str> {
        for text in [record.id, record.name, record.website, record.country] {
            let field = self.push_string(text)?;
            self.records.extend_from_slice(&field);
        }
        self.records.push(record.abuse.to_byte());
        self.records.push(u8::from(record.free_subdomains));
        self.records.push(record.class.to_byte());
        self.records.push(record.status.to_byte());
        self.records
            .extend_from_slice(&record.block_count.to_le_bytes());
        self.records
            .extend_from_slice(&record.allow_count.to_le_bytes());
        self.records.extend_from_slice(&[0; 4]);
        self.provider_count += 1;
        Ok(())
    }

    pub fn finish(self, entry_count: u64, index: &Index, fst: &[u8]) -> Vec<u8> {
        let total = HEADER_LEN
            + self.records.len()
            + index.filter.len()
            + index.slots.len()
            + index.keys.len()
            + self.strings.len()
            + fst.len();
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(HEADER_LEN as u32).to_le_bytes());
        out.extend_from_slice(&(total as u64).to_le_bytes());
        out.extend_from_slice(&[0; 4]); // checksum, filled in below
        out.extend_from_slice(&0u32.to_le_bytes()); // flags
        out.extend_from_slice(&self.provider_count.to_le_bytes());
        out.extend_from_slice(&(RECORD_LEN as u32).to_le_bytes());
        out.extend_from_slice(&entry_count.to_le_bytes());
        out.extend_from_slice(&(self.strings.len() as u64).to_le_bytes());
        out.extend_from_slice(&(fst.len() as u64).to_le_bytes());
        out.extend_from_slice(&(index.filter.len() as u64).to_le_bytes());
        out.extend_from_slice(&(index.slots.len() as u64).to_le_bytes());
        out.extend_from_slice(&(index.keys.len() as u64).to_le_bytes());
        debug_assert_eq!(out.len(), HEADER_LEN);
        out.extend_from_slice(&self.records);
        out.extend_from_slice(&index.filter);
        out.extend_from_slice(&index.slots);
        out.extend_from_slice(&index.keys);
        out.extend_from_slice(&self.strings);
        out.extend_from_slice(fst);
        let sum = checksum(&out);
        out[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&sum.to_le_bytes());
        out
    }
}
