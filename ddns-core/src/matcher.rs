//! The matcher: compiled bytes in, answers out. Every entry point answers from the suffix
//! filter and table (`filter.rs`, `table.rs`); the FST, the list's canonical form, is walked
//! only when a damaged table cannot answer, and streamed by [`Matcher::entries`].

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use fst::raw::Fst;
use once_cell::sync::Lazy;

use crate::bytes::Bytes;
use crate::catalog::Catalog;
use crate::compile::{BuildError, CompileOptions, compile};
use crate::filter;
use crate::table;

use crate::format::{Layout, LoadError, LoadErrorKind, read_layout, read_provider};
use crate::name::{HostForm, MAX_NAME_LEN, WireLabels, split_host, sub_domain_shape, trim_root};
use crate::provider::{Provider, with_nul};
use crate::value::EntryValue;

/// Whether the winning entry is a DDNS base domain or an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The name is under a DDNS provider's base domain (or is a listed host).
    Block,
    /// The name is under an allow entry (an exception) that is longer than any block entry
    /// it is also under, or it is a zone's apex: the domain of a block entry marked as a
    /// zone, the provider's (or a shared domain's owner's) own name, never a user's
    /// ([`Match::sub_labels`] 0).
    Allow,
}

impl Verdict {
    /// The kind of the entry whose value this is.
    fn of(value: EntryValue) -> Verdict {
        if value.is_allow() {
            Verdict::Allow
        } else {
            Verdict::Block
        }
    }
}

/// Identifies a provider of one matcher: pass it to [`Matcher::provider`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(u32);

impl ProviderId {
    /// The provider's index in [`Matcher::providers`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Identifies a listed entry of one compiled list: its rank among the list's entries in the
/// order of their reversed names. Stable for one compiled file, not across rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(u32);

impl EntryId {
    /// The entry's rank as a number.
    pub fn as_u32(self) -> u32 {
        self.0
    }
}

/// The answer for a name that is under a listed entry.
///
/// A small `Copy` value that borrows nothing: provider details come from
/// [`Matcher::provider`] of the matcher that produced it.
///
/// ```
/// use ddns_core::{Matcher, Verdict};
///
/// let matcher = Matcher::default_ref();
/// let hit = matcher.find("Cam-01.Home.DuckDNS.org.").unwrap();
/// assert_eq!(hit.verdict(), Verdict::Block);
/// assert_eq!(matcher.provider(hit.provider()).id(), "duckdns");
/// assert_eq!(hit.base_span(), 12..23);
/// assert_eq!(hit.sub_labels(), 2);
/// assert!(!hit.is_malformed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    entry: EntryId,
    provider: ProviderId,
    start: usize,
    end: usize,
    sub_labels: u32,
    verdict: Verdict,
    malformed: bool,
    zone_apex: bool,
}

impl Match {
    /// Block (a DDNS match) or Allow (an exception won).
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The provider of the winning entry.
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// The winning entry.
    pub fn entry(&self) -> EntryId {
        self.entry
    }

    /// Byte range of the base domain (the part equal to the entry, in the input's case)
    /// inside the input as given: for the host form it excludes the port and trailing dot,
    /// for the wire form it runs from the length byte of the base's first label to the end
    /// of its last label.
    pub fn base_span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Number of labels in front of the base domain (0 when the name is the entry itself).
    pub fn sub_labels(&self) -> u32 {
        self.sub_labels
    }

    /// The name is a zone's apex: the domain of a block entry marked as a zone, which is the
    /// provider's own name. The verdict is then [`Verdict::Allow`].
    pub fn is_zone_apex(&self) -> bool {
        self.zone_apex
    }

    /// The name breaks host name rules (a byte other than letter, digit or hyphen in the
    /// sub-domain part, an empty or over-long label, a name over 253 bytes, a bad port in
    /// the host form). The match stands: such names are how evasion looks.
    pub fn is_malformed(&self) -> bool {
        self.malformed
    }
}

struct Inner {
    /// The canonical form of the list, opened and counted at load. Lookups and
    /// [`Matcher::entries`] read the suffix table derived from it; [`Matcher::verify`]
    /// proves the two hold the same entries, without walking these bytes.
    fst: Fst<Bytes>,
    /// The suffix filter section (see `filter.rs`).
    filter: Bytes,
    /// The suffix table and its keys (see `table.rs`).
    slots: Bytes,
    keys: Bytes,
    /// What turns most misses away before the table: the front bitmap built at load for
    /// small lists, else the file's filter.
    front: Option<filter::FrontBits>,
    providers: Box<[Provider]>,
    entry_count: u64,
    file: Bytes,
}

/// A compiled list, ready to answer lookups.
///
/// # Sharing
/// Immutable, `Send + Sync`; cloning is one reference-count increment. Share one matcher
/// across all worker threads; use [`crate::ReloadableMatcher`] to swap lists while they run.
///
/// # Construction
/// [`Matcher::default_ref`] (the embedded default list), [`Matcher::new`] and
/// [`MatcherBuilder`] (from a [`Catalog`]), [`Matcher::from_bytes`], [`Matcher::from_static`]
/// and [`Matcher::open`] (compiled lists, fully validated first).
///
/// # Cost
/// Most names are turned away after reading their last 8 bytes and testing one bit of a map
/// that loading builds for lists of up to 1,048,576 entries (8 KiB for the default list, at
/// most 512 KiB; see [`Matcher::memory_usage`]). On lists of more than 65,536 distinct last
/// two labels the names that pass it, and on lists too large for it every name, are then
/// turned away after hashing their last two labels and reading one cache line of the file's
/// filter. The rest probe the list's suffix
/// table once, and once more per label only while longer entries exist below. A lookup
/// allocates nothing.
///
/// ```
/// use ddns_core::Matcher;
///
/// let matcher = Matcher::default_ref();
/// assert!(matcher.is_match("x7.duckdns.org"));
/// assert!(!matcher.is_match("www.duckdns.org.evil.com"));
/// assert!(!matcher.is_match("notduckdns.org"));
/// ```
#[derive(Clone)]
pub struct Matcher {
    inner: Arc<Inner>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Matcher>();
};

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("providers", &self.inner.providers.len())
            .field("entries", &self.inner.entry_count)
            .field("bytes", &self.inner.file.as_ref().len())
            .finish()
    }
}

static DEFAULT_LIST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.ddns"));

/// The build script wrote and read back these bytes, so only the structure is read here;
/// the checksum pass is skipped. A test checks the checksum.
static DEFAULT: Lazy<Matcher> = Lazy::new(|| {
    read_layout(DEFAULT_LIST, false)
        .and_then(|layout| Matcher::from_layout(Bytes::from_static(DEFAULT_LIST), layout))
        .expect("the build script compiled and checked this list")
});

impl Matcher {
    /// Compiles `catalog` with default options (see [`MatcherBuilder`]).
    ///
    /// # Errors
    /// As [`MatcherBuilder::build`].
    pub fn new(catalog: &Catalog) -> Result<Matcher, BuildError> {
        MatcherBuilder::new().build(catalog)
    }

    /// The embedded default list (`ddns-core/data/`), compiled when this crate was built.
    /// The first call reads the header and provider table of the embedded bytes (a few
    /// microseconds; no text is parsed, nothing is copied); later calls return the same
    /// matcher.
    pub fn default_ref() -> &'static Matcher {
        &DEFAULT
    }

    /// Loads a compiled list held in memory, after checking its header, sizes and checksum.
    ///
    /// # Errors
    /// A [`LoadError`] for anything but a valid, complete list of this format version.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Matcher, LoadError> {
        let layout = read_layout(&bytes, true)?;
        Matcher::from_layout(Bytes::owned(bytes), layout)
    }

    /// Loads a compiled list from static memory (for example `include_bytes!`), after the
    /// same checks as [`Matcher::from_bytes`]. Nothing is copied.
    ///
    /// # Errors
    /// As [`Matcher::from_bytes`].
    pub fn from_static(bytes: &'static [u8]) -> Result<Matcher, LoadError> {
        let layout = read_layout(bytes, true)?;
        Matcher::from_layout(Bytes::from_static(bytes), layout)
    }

    /// Opens a compiled list file, memory-mapped when the `mmap` feature is on (the
    /// default), and checks it like [`Matcher::from_bytes`]. Many processes mapping one file
    /// share its pages.
    ///
    /// # Replacing a mapped file
    /// Replace a mapped file only by writing a new file and renaming it over the old one
    /// (`ddns compile -o`, or `mv`/`install` from the same file system): the matcher keeps
    /// the old file's pages until it is dropped. Never rewrite it in place while a matcher
    /// maps it: `cp`, `scp`, `curl -o`, `cat >` and `truncate` onto the file change the pages
    /// under the matcher, so that a lookup touching a page past a shrunk end kills the
    /// process with `SIGBUS`, and a same-size overwrite makes lookups answer from a mix of
    /// two lists (or a damaged one) without any error. Where you cannot control how the file
    /// is deployed, read it yourself and use [`Matcher::from_bytes`], which owns its copy;
    /// [`Matcher::mapped_file_changed`] tells, after the fact, that a mapped file was
    /// rewritten in place.
    ///
    /// # Errors
    /// A [`LoadError`] naming the path, for a file that cannot be read or is not valid.
    pub fn open(path: impl AsRef<Path>) -> Result<Matcher, LoadError> {
        let path = path.as_ref();
        Matcher::open_inner(path).map_err(|err| err.with_path(path))
    }

    #[cfg(feature = "mmap")]
    fn open_inner(path: &Path) -> Result<Matcher, LoadError> {
        let file = Bytes::map_file(path)?;
        let layout = read_layout(file.as_ref(), true)?;
        let fst = layout.fst.clone();
        let matcher = Matcher::from_layout(file.clone(), layout)?;
        // The checksum read every page; lookups never read the FST's again.
        file.release(fst);
        Ok(matcher)
    }

    #[cfg(not(feature = "mmap"))]
    fn open_inner(path: &Path) -> Result<Matcher, LoadError> {
        Matcher::from_bytes(Bytes::read_file(path)?)
    }

    fn from_layout(file: Bytes, layout: Layout) -> Result<Matcher, LoadError> {
        let bytes = file.as_ref();
        let providers = (0..layout.provider_count)
            .map(|index| {
                let record = read_provider(bytes, &layout, index)?;
                Ok(Provider {
                    id: with_nul(record.id),
                    name: with_nul(record.name),
                    website: with_nul(record.website),
                    country: with_nul(record.country),
                    abuse: record.abuse,
                    free_subdomains: record.free_subdomains,
                    class: record.class,
                    status: record.status,
                    block_entries: record.block_count,
                    allow_entries: record.allow_count,
                })
            })
            .collect::<Result<Box<[Provider]>, LoadError>>()?;
        let fst = Fst::new(file.slice(layout.fst.clone()))
            .map_err(|err| LoadError::new(LoadErrorKind::BadFst(err.to_string())))?;
        if fst.len() as u64 != layout.entry_count {
            return Err(LoadError::new(LoadErrorKind::BadFst(format!(
                "{} entries, header says {}",
                fst.len(),
                layout.entry_count
            ))));
        }
        let (slots, keys) = (
            file.slice(layout.slots.clone()),
            file.slice(layout.keys.clone()),
        );
        // Lists too large for a front bitmap skip reading their keys for one.
        let front = (layout.entry_count <= filter::FRONT_MAX_KEYS as u64)
            .then(|| filter::FrontBits::build(table::entry_keys(slots.as_ref(), keys.as_ref())))
            .flatten();
        Ok(Matcher {
            inner: Arc::new(Inner {
                fst,
                filter: file.slice(layout.filter.clone()),
                slots,
                keys,
                front,
                providers,
                entry_count: layout.entry_count,
                file,
            }),
        })
    }

    /// Checks the suffix index completely against itself, the header and the FST, in time
    /// linear in the size of the list, so that lookups agree with [`Matcher::entries`] and
    /// with the list's canonical FST: every key well-formed and reachable where a probe
    /// looks for it, no key twice, every answer naming a provider of the list and an entry
    /// id, each id once, every entry of three labels or more reachable from its parent
    /// suffix, the filter admitting every entry; then the FST, rebuilt from the table's
    /// entries, must equal the stored one byte for byte.
    ///
    /// Loading checks the header, the sizes, the checksum and the provider records, which
    /// catches every accidental corruption; lookups on a list that passed only that are
    /// memory-safe, allocation-free and bounded in time whatever the file holds. Call this
    /// as well for a list from a source you do not trust to have built it with `ddns
    /// compile` (`ddns verify` does). A 2,000,000-entry list takes about 3 s, most of it
    /// rebuilding the FST.
    ///
    /// # Errors
    /// [`LoadErrorKind::BadIndex`] naming the first inconsistency found in the table, or
    /// [`LoadErrorKind::BadFst`] when the FST holds other entries than the table.
    pub fn verify(&self) -> Result<(), LoadError> {
        let inner = &*self.inner;
        table::check(
            inner.slots.as_ref(),
            inner.keys.as_ref(),
            Some(inner.filter.as_ref()),
            inner.providers.len(),
            inner.entry_count,
        )
        .map_err(|what| LoadError::new(LoadErrorKind::BadIndex { what }))?;
        self.check_fst_against_table()
    }

    /// Proves the FST, the list's canonical index, holds exactly the table's entries: builds
    /// the FST anew from the table's keys and values, in id order (which [`table::check`]
    /// has just proved is `0..entry_count`, each once), and compares the bytes. The `fst`
    /// builder is deterministic, so a list `ddns compile` wrote passes, and any other FST
    /// fails, without the stored FST's bytes ever being walked (walking crafted FST bytes
    /// could panic inside the `fst` crate).
    fn check_fst_against_table(&self) -> Result<(), LoadError> {
        let inner = &*self.inner;
        let bad = |what: &str| LoadError::new(LoadErrorKind::BadFst(what.to_string()));
        let mut builder = fst::MapBuilder::memory();
        let mut reversed = Vec::with_capacity(MAX_NAME_LEN);
        for slot in self.entry_slots() {
            let (key, value) =
                table::entry_at(inner.slots.as_ref(), inner.keys.as_ref(), slot as usize);
            reversed.clear();
            reversed.extend(key.iter().rev());
            builder
                .insert(&reversed, value.stored())
                .map_err(|_| bad("the suffix table's entries are not in the FST's key order"))?;
        }
        let built = builder
            .into_inner()
            .map_err(|_| bad("the FST cannot be rebuilt from the suffix table"))?;
        if built != inner.fst.as_bytes() {
            return Err(bad(
                "the FST does not hold exactly the suffix table's entries",
            ));
        }
        Ok(())
    }

    /// Whether the file this matcher memory-maps ([`Matcher::open`]) has been rewritten in
    /// place since it was opened: its current size or modification time, read from the
    /// still open file (one `fstat`), differs from when it was mapped. A file replaced by
    /// renaming a new one over its path is not rewritten: the matcher still has the old file
    /// open, unchanged. Always `false` for a matcher that owns or borrows its bytes
    /// ([`Matcher::from_bytes`], [`Matcher::from_static`], a built list, the default list).
    ///
    /// Call it when reloading (see [`crate::ReloadableMatcher`]) to report a deployment that
    /// rewrote a live list in place, whose answers since then cannot be trusted and whose
    /// process may already have died of `SIGBUS`. It is a check after the fact, not a
    /// protection. It cannot see a same-size rewrite that leaves the modification time as
    /// it was (within the file system's timestamp granularity, or set back by `touch`), and
    /// `true` also follows a `touch` that changed nothing. When the file cannot be examined,
    /// the answer is `true`.
    ///
    /// ```
    /// use ddns_core::{Catalog, CatalogFormat, Matcher};
    ///
    /// let mine = Catalog::parse("example.org\n", CatalogFormat::List, "mine.txt")?;
    /// let path = std::env::temp_dir().join(format!("doc-{}.ddns", std::process::id()));
    /// std::fs::write(&path, Matcher::new(&mine)?.as_bytes())?;
    /// let matcher = Matcher::open(&path)?;
    /// assert!(!matcher.mapped_file_changed());
    /// assert!(!Matcher::default_ref().mapped_file_changed());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mapped_file_changed(&self) -> bool {
        self.inner.file.mapped_file_changed()
    }

    /// The compiled bytes this matcher reads (what `ddns compile` writes to a file).
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.file.as_ref()
    }

    /// Heap bytes this matcher holds besides its compiled list ([`Matcher::as_bytes`], which
    /// is mapped or owned as it was given): the provider records, and the front bitmap that
    /// loading builds for lists of up to 1,048,576 entries (8 KiB for the default list, at
    /// most 512 KiB; lists with more use the file's filter alone and build nothing).
    pub fn memory_usage(&self) -> usize {
        let inner = &*self.inner;
        let strings: usize = inner
            .providers
            .iter()
            .map(|p| p.id.len() + p.name.len() + p.website.len() + p.country.len())
            .sum();
        size_of::<Inner>()
            + size_of_val(&*inner.providers)
            + strings
            + inner.front.as_ref().map_or(0, filter::FrontBits::bytes)
    }

    /// The same list answered through the file's filter instead of the front bitmap, for
    /// tests that prove the two give the same answers.
    #[cfg(test)]
    pub(crate) fn without_front(self) -> Matcher {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| panic!("shared"));
        inner.front = None;
        Matcher {
            inner: Arc::new(inner),
        }
    }

    /// The same list with a front bitmap capped at 64 bits, so that it is sparse and the
    /// file's filter is checked after it, as for the largest lists that have one.
    #[cfg(test)]
    pub(crate) fn with_sparse_front(self) -> Matcher {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|_| panic!("shared"));
        let keys = table::entry_keys(inner.slots.as_ref(), inner.keys.as_ref());
        inner.front = filter::FrontBits::build_capped(keys, 64);
        Matcher {
            inner: Arc::new(inner),
        }
    }

    /// Whether loading built the front bitmap.
    #[cfg(test)]
    pub(crate) fn has_front(&self) -> bool {
        self.inner.front.is_some()
    }

    /// Number of entries (block and allow).
    pub fn entry_count(&self) -> u64 {
        self.inner.entry_count
    }

    /// Every provider of the list; a [`ProviderId`] indexes this slice.
    pub fn providers(&self) -> &[Provider] {
        &self.inner.providers
    }

    /// The provider a [`Match`] of this matcher names.
    ///
    /// # Panics
    /// When `id` did not come from this matcher and is out of range. Ids from
    /// [`Matcher::find`] and its siblings on the same matcher are always in range.
    pub fn provider(&self, id: ProviderId) -> &Provider {
        &self.inner.providers[id.index()]
    }

    /// Every entry of the list, block and allow, in the list's own order (by reversed name).
    ///
    /// Reads the suffix table (the FST holds the same entries in the same order; the
    /// builder's property tests hold them equal). On a list that fails
    /// [`Matcher::verify`] the entries may be wrong, but reading them never panics.
    ///
    /// # Cost
    /// Linear in the size of the list, four bytes per entry up front and one small
    /// allocation per entry. Meant for exporting and inspecting lists, not for the lookup
    /// path.
    ///
    /// ```
    /// use ddns_core::{Catalog, CatalogFormat, Matcher, Verdict};
    ///
    /// let catalog = Catalog::parse("duckdns.org duckdns\n!www.duckdns.org duckdns\n", CatalogFormat::List, "l.txt")?;
    /// let matcher = Matcher::new(&catalog)?;
    /// let entries: Vec<_> = matcher.entries().map(|e| (e.domain, e.verdict)).collect();
    /// assert_eq!(entries, [("duckdns.org".to_string(), Verdict::Block), ("www.duckdns.org".to_string(), Verdict::Allow)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            matcher: self,
            slots: self.entry_slots().into_iter(),
        }
    }

    /// The table slot of each entry, by id. Ids are `0..entry_count`, each used once
    /// (`verify()` checks it; `entry_count` is at most the number of slots, so this
    /// allocation is bounded by the file's size).
    fn entry_slots(&self) -> Vec<u32> {
        let inner = &*self.inner;
        let mut slot_of = vec![0u32; inner.entry_count as usize];
        table::for_each_entry(inner.slots.as_ref(), inner.keys.as_ref(), |id, slot| {
            if let Some(at) = slot_of.get_mut(id as usize) {
                *at = slot as u32;
            }
        });
        slot_of
    }

    /// Looks a provider up by its string id (`"duckdns"`).
    pub fn provider_id(&self, id: &str) -> Option<ProviderId> {
        self.inner
            .providers
            .iter()
            .position(|p| p.id() == id)
            .map(|index| ProviderId(index as u32))
    }

    /// Finds the longest entry that a dotted name is under. See the crate documentation for
    /// the rules; empty input never matches.
    ///
    /// # Cost
    /// Allocation-free; reads the name's last two labels, and for matches the rest of it
    /// (to count and check the sub-domain labels).
    pub fn find(&self, name: impl AsRef<[u8]>) -> Option<Match> {
        let name = name.as_ref();
        self.find_in(name, 0, name.len(), false)
    }

    /// Whether a dotted name is under a block entry (and not under a longer allow entry).
    pub fn is_match(&self, name: impl AsRef<[u8]>) -> bool {
        self.find(name)
            .is_some_and(|found| found.verdict == Verdict::Block)
    }

    /// Like [`Matcher::find`] for a host string as found in an HTTP `Host` header, a URL
    /// authority or a TLS SNI: `name:port` and a trailing dot are accepted; IP literals
    /// (`192.0.2.1`, `[2001:db8::1]:443`, bare IPv6, `fe80::1%eth0`) never match. Only text
    /// that parses as an address is an IP literal: a name dressed as one
    /// (`[x7.duckdns.org]:443`, `x7.duckdns.org::`, `x7.duckdns.org:443:443`) is looked up
    /// and its match marked malformed, as is one with a port that is not 1-5 digits (at most
    /// 65535). The base span is an offset into `host` as given, brackets included.
    pub fn find_host(&self, host: impl AsRef<[u8]>) -> Option<Match> {
        let host = host.as_ref();
        match split_host(host) {
            HostForm::IpLiteral => None,
            HostForm::Name {
                start,
                end,
                malformed,
            } => self.find_in(host, start, end, malformed),
        }
    }

    /// Like [`Matcher::find`] for a name in DNS wire format (length-prefixed labels, as in a
    /// DNS message), with or without its root label; bytes after the root label are
    /// ignored. Gives the same answer as the dotted form of the same name. A compression
    /// pointer, a reserved label type or a truncated label gives `None`: decompress first.
    /// A `.` byte inside a label is an ordinary byte, so it never acts as a label boundary.
    pub fn find_wire(&self, wire: impl AsRef<[u8]>) -> Option<Match> {
        let wire = wire.as_ref();
        let labels = WireLabels::parse(wire)?;
        let (base_label, value) = self.search_wire(wire, &labels)?;
        self.make_match(
            value,
            labels.start(base_label)..labels.end,
            base_label as u32,
            labels.malformed,
        )
    }

    /// Inlined into each caller up to the front bitmap's answer, which ends most lookups.
    #[inline(always)]
    fn find_in(&self, input: &[u8], start: usize, end: usize, malformed: bool) -> Option<Match> {
        let name = trim_root(&input[start..end]);
        if !self.passes_front(name) {
            return None;
        }
        self.find_past_front(name, start, malformed)
    }

    /// The rest of a lookup, out of line: the file's filter where there is no front bitmap,
    /// the table, and the answer.
    ///
    /// `name` starts at `offset` in the caller's input; `malformed` carries what the host
    /// form found wrong around it.
    #[inline(never)]
    fn find_past_front(&self, name: &[u8], offset: usize, malformed: bool) -> Option<Match> {
        let (start, value) = self.search_past_front(name)?;
        let (sub_labels, bad_sub) = match start {
            0 => (0, false),
            _ => sub_domain_shape(&name[..start - 1]),
        };
        let malformed = malformed || bad_sub || name.len() > MAX_NAME_LEN;
        let span = offset + start..offset + name.len();
        self.make_match(value, span, sub_labels, malformed)
    }

    fn make_match(
        &self,
        value: EntryValue,
        span: Range<usize>,
        sub_labels: u32,
        malformed: bool,
    ) -> Option<Match> {
        // A value naming no provider could only come from a corrupt list; never index out
        // of range on the lookup path.
        if value.provider() as usize >= self.inner.providers.len() {
            return None;
        }
        // A zone's apex (no labels in front) is the provider's own name: allowed.
        let zone_apex = sub_labels == 0 && value.is_zone();
        Some(Match {
            entry: EntryId(value.entry()),
            provider: ProviderId(value.provider()),
            start: span.start,
            end: span.end,
            sub_labels,
            verdict: if zone_apex {
                Verdict::Allow
            } else {
                Verdict::of(value)
            },
            malformed,
            zone_apex,
        })
    }

    /// Finds the longest entry a (trimmed, non-empty) dotted name is under, through the
    /// front bitmap or the file's filter, then the suffix table (see `filter.rs` and
    /// `table.rs`): returns where it starts and its FST value. Neither filter ever turns
    /// away a name the table would answer, so both give the table's answers.
    pub(crate) fn search(&self, name: &[u8]) -> Option<(usize, EntryValue)> {
        if !self.passes_front(name) {
            return None;
        }
        self.search_past_front(name)
    }

    /// False when the front bitmap (where loading built one) says no entry can be the
    /// name's last two labels; true otherwise.
    #[inline(always)]
    fn passes_front(&self, name: &[u8]) -> bool {
        match &self.inner.front {
            Some(front) => front.may_contain(filter::front_key(name)),
            None => true,
        }
    }

    /// [`Matcher::search`] for a name the front bitmap let through.
    #[inline]
    fn search_past_front(&self, name: &[u8]) -> Option<(usize, EntryValue)> {
        let inner = &*self.inner;
        let (slots, keys) = (inner.slots.as_ref(), inner.keys.as_ref());
        let last_two = filter::last_two_labels(name)?;
        if last_two.len() > MAX_NAME_LEN {
            // No entry is longer than a name can be.
            return None;
        }
        let mut start = name.len() - last_two.len();
        let mut hashed = filter::hash(last_two);
        // Every entry has two labels or more, and only the entries whose last two labels are
        // the name's can match: without a front bitmap, most names stop at this one-cache-line
        // check of the file's filter.
        let front_alone = inner.front.as_ref().is_some_and(|front| !front.is_sparse());
        if !front_alone && !filter::may_contain(inner.filter.as_ref(), hashed) {
            return None;
        }
        let mut found = None;
        loop {
            match table::probe(slots, keys, &name[start..], hashed) {
                table::Probe::Absent => return found,
                // A key outside its section (a crafted file that skipped verify()): no
                // answer can be trusted.
                table::Probe::Damaged => return None,
                table::Probe::Known { exact, longer } => {
                    if let Some(value) = exact {
                        found = Some((start, value));
                    }
                    if !longer || start == 0 {
                        return found;
                    }
                }
            }
            // One label further left: `name[start - 1]` is the dot before the suffix.
            start = name[..start - 1]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |dot| dot + 1);
            if name.len() - start > MAX_NAME_LEN {
                return found;
            }
            hashed = filter::hash(&name[start..]);
        }
    }

    /// The canonical FST, for tests that compare it with the suffix table.
    #[cfg(test)]
    pub(crate) fn fst(&self) -> &Fst<Bytes> {
        &self.inner.fst
    }

    /// Walks the FST with the name's bytes from the end, lower-cased. Returns the start of
    /// the longest entry that ends at the name's end and starts at a label boundary, with
    /// its FST value. The reference the suffix index is property-tested against; lookups
    /// never walk the FST.
    #[cfg(test)]
    pub(crate) fn walk_dotted(&self, name: &[u8]) -> Option<(usize, EntryValue)> {
        use fst::raw::Output;
        let fst = &self.inner.fst;
        let mut node = fst.root();
        let mut out = Output::zero();
        let mut found = None;
        for at in (0..name.len()).rev() {
            let Some(index) = node.find_input(name[at].to_ascii_lowercase()) else {
                break;
            };
            let transition = node.transition(index);
            out = out.cat(transition.out);
            node = fst.node(transition.addr);
            if node.is_final() && (at == 0 || name[at - 1] == b'.') {
                let value = out.cat(node.final_output()).value();
                found = Some((at, EntryValue::from_stored(value)));
            }
        }
        found
    }

    /// The dotted form of a wire name's rightmost labels, as far as an entry can reach
    /// (253 bytes, and not past a label holding a `.` byte, which is data there and so can
    /// be part of no entry), looked up like a dotted name. Returns the index of the
    /// leftmost label of the longest entry, with its FST value.
    fn search_wire(&self, wire: &[u8], labels: &WireLabels) -> Option<(usize, EntryValue)> {
        let mut buffer = [0u8; MAX_NAME_LEN];
        // Where each copied label starts in `buffer`, rightmost label first.
        let mut starts = [0usize; crate::name::MAX_LABELS];
        let mut at = buffer.len();
        let mut copied = 0;
        for index in (0..labels.count).rev() {
            if !labels.is_kept(index) {
                break;
            }
            let start = labels.start(index);
            let label = &wire[start + 1..start + 1 + usize::from(wire[start])];
            let separator = usize::from(copied > 0);
            if label.contains(&b'.') || label.len() + separator > at {
                break;
            }
            if separator == 1 {
                at -= 1;
                buffer[at] = b'.';
            }
            at -= label.len();
            buffer[at..at + label.len()].copy_from_slice(label);
            starts[copied] = at;
            copied += 1;
        }
        if copied == 0 {
            return None;
        }
        let (start, value) = self.search(&buffer[at..])?;
        let copied_index = starts[..copied].iter().position(|&s| s == at + start)?;
        Some((labels.count - 1 - copied_index, value))
    }
}

/// One entry of a list, as [`Matcher::entries`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedEntry {
    /// The domain, lower-case, without a trailing dot.
    pub domain: String,
    /// Its provider.
    pub provider: ProviderId,
    /// Block (a DDNS base domain) or Allow (an exception).
    pub verdict: Verdict,
    /// A zone: a block entry whose apex is the provider's own name (see
    /// [`crate::CatalogEntry::zone`]).
    pub zone: bool,
    /// Its id, as a [`Match`] of this list reports it.
    pub id: EntryId,
}

/// The entries of a list, from [`Matcher::entries`].
pub struct Entries<'m> {
    matcher: &'m Matcher,
    /// The table slot of each entry, by id.
    slots: std::vec::IntoIter<u32>,
}

impl Iterator for Entries<'_> {
    type Item = ListedEntry;

    fn next(&mut self) -> Option<ListedEntry> {
        let inner = &*self.matcher.inner;
        let slot = self.slots.next()?;
        let (domain, value) =
            table::entry_at(inner.slots.as_ref(), inner.keys.as_ref(), slot as usize);
        Some(ListedEntry {
            // Lower-case ASCII in a verified list.
            domain: String::from_utf8_lossy(domain).into_owned(),
            provider: ProviderId(value.provider()),
            verdict: Verdict::of(value),
            zone: value.is_zone(),
            id: EntryId(value.entry()),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.slots.size_hint()
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// Compiles a [`Catalog`] into a [`Matcher`] or into the bytes of a compiled list file.
///
/// The builder holds options only; the catalog is the data. It can be reused.
///
/// ```
/// use ddns_core::{Catalog, CatalogFormat, MatcherBuilder, Verdict};
///
/// let list = "duckdns.org duckdns\n!www.duckdns.org duckdns\n";
/// let catalog = Catalog::parse(list, CatalogFormat::List, "mine.txt")?;
/// let matcher = MatcherBuilder::new().reject_redundant(true).build(&catalog)?;
/// assert_eq!(matcher.find("www.duckdns.org").unwrap().verdict(), Verdict::Allow);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`MatcherBuilder::build`] fails when one domain is listed with two providers or both as
/// block and allow, and, with [`MatcherBuilder::reject_redundant`], on duplicates and nested
/// block entries of one provider. Each error names the entries with file and line.
#[derive(Debug, Clone, Default)]
pub struct MatcherBuilder {
    options: CompileOptions,
}

impl MatcherBuilder {
    /// A builder with default options: identical duplicates are merged and nested block
    /// entries kept.
    pub fn new() -> MatcherBuilder {
        MatcherBuilder::default()
    }

    /// Refuse exact duplicates, and block entries nested under a block entry of the same
    /// provider, instead of keeping them. The default catalog is built this way.
    pub fn reject_redundant(&mut self, yes: bool) -> &mut MatcherBuilder {
        self.options.reject_redundant = yes;
        self
    }

    /// Compiles `catalog` and loads the result.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn build(&self, catalog: &Catalog) -> Result<Matcher, BuildError> {
        let bytes = self.compile(catalog)?;
        Ok(Matcher::from_bytes(bytes).expect("freshly compiled bytes always load"))
    }

    /// Compiles `catalog` into the bytes of a compiled list file (format in
    /// `docs/format.md`), for [`Matcher::from_bytes`] or [`Matcher::open`].
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn compile(&self, catalog: &Catalog) -> Result<Vec<u8>, BuildError> {
        compile(catalog, &self.options)
    }
}
