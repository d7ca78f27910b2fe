//! The one deterministic workload every benchmark uses: synthetic lists of plausible DDNS
//! base domains, and a million host names shaped like real traffic against a list.
//!
//! Shared through this crate by every bench, so the Rust, C ABI and alternative
//! implementations all see the same names.

use ddns_core::{Catalog, CatalogEntry};

/// splitmix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 10_000 < percent * 100
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "to", "ri", "mo", "net", "dyn", "home", "cam", "nas", "srv", "web", "vpn", "my", "box",
    "lab", "pi", "go", "zen", "sun", "ax", "el", "on", "tri", "fox", "ip", "dns", "link", "hub",
];

/// Syllables of the random destinations in traffic: disjoint from [`SYLLABLES`], so a
/// random destination never equals a synthetic list entry and the hit rate stays near 5%
/// at every list size.
const TRAFFIC_SYLLABLES: &[&str] = &[
    "qua", "vel", "bri", "dor", "pex", "lum", "yar", "wic", "fen", "gol", "hus", "jiv", "kel",
    "nop", "ruz", "sab", "tev", "uly", "vox", "zim",
];

const TLDS: &[&str] = &[
    "com", "net", "org", "de", "info", "biz", "io", "me", "us", "cc", "co.uk", "com.br", "ru",
    "xyz", "jp", "fr", "nl", "eu", "online", "site",
];

/// Popular destinations: most real traffic goes to a few hundred registrable domains.
pub const POPULAR: &[&str] = &[
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "facebook.com",
    "fbcdn.net",
    "apple.com",
    "icloud.com",
    "microsoft.com",
    "windows.com",
    "windowsupdate.com",
    "live.com",
    "office.com",
    "amazon.com",
    "amazonaws.com",
    "cloudfront.net",
    "akamaiedge.net",
    "akamai.net",
    "cloudflare.com",
    "youtube.com",
    "ytimg.com",
    "netflix.com",
    "nflxvideo.net",
    "twitter.com",
    "instagram.com",
    "whatsapp.net",
    "linkedin.com",
    "github.com",
    "githubusercontent.com",
    "wikipedia.org",
    "yahoo.com",
    "bing.com",
    "doubleclick.net",
    "googlesyndication.com",
    "tiktokcdn.com",
    "spotify.com",
    "slack.com",
    "zoom.us",
    "dropbox.com",
    "adobe.com",
    "office365.com",
    "outlook.com",
    "msftncsi.com",
    "digicert.com",
    "letsencrypt.org",
    "ubuntu.com",
    "debian.org",
    "mozilla.org",
    "firefox.com",
    "steamcontent.com",
    "reddit.com",
];

/// A random label of 2-4 syllables, sometimes with digits or a hyphen.
pub fn label(rng: &mut Rng) -> String {
    label_from(rng, SYLLABLES)
}

fn label_from(rng: &mut Rng, syllables: &[&str]) -> String {
    let mut text = String::new();
    for _ in 0..2 + rng.below(3) {
        text.push_str(syllables[rng.below(syllables.len())]);
    }
    match rng.below(6) {
        0 => text.push_str(&rng.below(100).to_string()),
        1 => {
            text.push('-');
            text.push_str(syllables[rng.below(syllables.len())]);
        }
        _ => {}
    }
    text
}

/// A registrable-looking domain for a list entry: `label.tld`.
pub fn domain(rng: &mut Rng) -> String {
    format!("{}.{}", label(rng), TLDS[rng.below(TLDS.len())])
}

/// A random destination of traffic, never equal to a list entry.
pub fn traffic_domain(rng: &mut Rng) -> String {
    format!(
        "{}.{}",
        label_from(rng, TRAFFIC_SYLLABLES),
        TLDS[rng.below(TLDS.len())]
    )
}

/// The block entries of the default list (the allow entries are left out so that every
/// alternative implementation has the same, block-only, semantics).
pub fn default_entries() -> Vec<String> {
    let mut entries = Vec::new();
    // Works from any crate of the workspace that includes this file.
    let catalog_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../ddns-core/data/catalog");
    for file in std::fs::read_dir(catalog_dir).unwrap() {
        let catalog = Catalog::read(file.unwrap().path()).unwrap();
        for provider in catalog.providers() {
            entries.extend(
                provider
                    .entries
                    .iter()
                    .filter(|e| !e.allow)
                    .map(|e| e.domain.clone()),
            );
        }
    }
    entries.sort();
    entries
}

/// A list of `size` entries: the default list's block entries, then plausible generated
/// base domains (2 and 3 labels), spread over 100 providers: entry `i` belongs to provider
/// index `i % 100`.
pub fn synthetic_catalog(size: usize) -> (Catalog, Vec<String>) {
    let mut rng = Rng::new(0x5eed_1157 ^ size as u64);
    let mut entries = default_entries();
    entries.truncate(size);
    let mut seen: std::collections::HashSet<String> = entries.iter().cloned().collect();
    while entries.len() < size {
        let candidate = if rng.chance(30) {
            format!("{}.{}", label(&mut rng), domain(&mut rng))
        } else {
            domain(&mut rng)
        };
        if seen.insert(candidate.clone()) {
            entries.push(candidate);
        }
    }
    let mut catalog = Catalog::new();
    for (index, entry) in entries.iter().enumerate() {
        let provider = format!("p{}", index % 100);
        catalog
            .add_entry(&provider, CatalogEntry::block(entry.clone()))
            .unwrap();
    }
    (catalog, entries)
}

/// `count` host names against `entries`: about 5% under a listed entry (1-3 labels in
/// front), the rest under popular and random registrable domains, with near misses
/// (`x<entry>`, `<entry>.evil.com`, about 1% each), about 1% upper case, and 2% with a
/// trailing dot.
pub fn names(entries: &[String], count: usize) -> Names {
    let mut rng = Rng::new(0xdd25_0001);
    let mut names = Names {
        bytes: Vec::with_capacity(count * 40),
        ends: Vec::with_capacity(count),
    };
    for _ in 0..count {
        let roll = rng.below(1000);
        let base = if roll < 50 {
            rng.pick(entries).clone()
        } else if roll < 60 {
            format!("x{}", rng.pick(entries))
        } else if roll < 70 {
            format!("{}.evil.com", rng.pick(entries))
        } else if roll < 600 {
            rng.pick(POPULAR).to_string()
        } else {
            traffic_domain(&mut rng)
        };
        let mut name = String::new();
        for _ in 0..1 + rng.below(3) {
            name.push_str(&label(&mut rng));
            name.push('.');
        }
        name.push_str(&base);
        if rng.chance(1) {
            name.make_ascii_uppercase();
        }
        if rng.chance(2) {
            name.push('.');
        }
        names.bytes.extend_from_slice(name.as_bytes());
        names.ends.push(names.bytes.len());
    }
    names
}

/// Host names stored back to back in one buffer, as an engine holds packets it is parsing
/// (so that a benchmark measures lookups, not how the allocator scattered a million strings).
pub struct Names {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Names {
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.bytes[start..end])
    }
}
