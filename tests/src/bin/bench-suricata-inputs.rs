//! Writes the inputs of scripts/bench-suricata.sh, the same bytes on every run:
//!
//! - `bench-suricata-inputs list COUNT OUT.txt`: COUNT synthetic DDNS base domains as a
//!   plain list (`domain provider` per line), spread over 500 providers; none of them is in,
//!   or under, the default list.
//! - `bench-suricata-inputs pcap QUERIES PERCENT BASES.txt OUT.pcap`: QUERIES DNS queries
//!   over UDP from 10,000 clients (each keeps its port, so a client is one flow); PERCENT of
//!   them ask for a random host under a base domain of BASES.txt (one per line), the others
//!   for ordinary names that no list holds.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use ddns_tests::pcap::{Endpoint, Pcap, dns_query};

/// splitmix64: a small deterministic generator, enough to spread names.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "home", "cam", "dyn", "link", "box", "zone", "cloud", "remote", "access", "my", "go", "lan",
    "hub", "site", "host", "web", "nas", "router", "gate", "net", "ip", "serv", "point", "dns",
    "line", "port", "dev", "lab", "office", "station",
];
const TLDS: &[&str] = &[
    "com", "net", "org", "de", "io", "info", "biz", "me", "us", "eu", "xyz", "cc",
];
const BENIGN_WORDS: &[&str] = &[
    "shop", "news", "mail", "static", "api", "media", "video", "bank", "travel", "music", "games",
    "maps", "docs", "store", "weather", "sport", "health", "learn", "photo", "market",
];
const BENIGN_LABELS: &[&str] = &["www", "api", "cdn", "img", "login", "m", "static", "mail"];
const BENIGN_TLDS: &[&str] = &["com", "net", "org", "de", "fr", "co.uk", "io"];

/// Synthetic DDNS base domains such as `homecam-4821.net`: two words, a hyphen and digits
/// (a shape the default list and the benign names never have).
fn synthetic_list(count: usize, out: &mut impl Write) -> std::io::Result<()> {
    let mut random = Random(0x00dd_5eed);
    let mut seen = HashSet::with_capacity(count);
    while seen.len() < count {
        let domain = format!(
            "{}{}-{}.{}",
            random.pick(WORDS),
            random.pick(WORDS),
            random.below(100_000),
            random.pick(TLDS)
        );
        if seen.insert(domain.clone()) {
            writeln!(out, "{domain} synthetic-{}", seen.len() % 500)?;
        }
    }
    Ok(())
}

/// A random host label such as `a7f3k2`.
fn label(random: &mut Random) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let length = 4 + random.below(8);
    (0..length)
        .map(|_| ALPHABET[random.below(ALPHABET.len())] as char)
        .collect()
}

fn dns_pcap(
    queries: u64,
    percent: u64,
    bases: &[String],
    out: &mut impl Write,
) -> std::io::Result<()> {
    const CLIENTS: u64 = 10_000;
    let resolver = Endpoint::new([192, 0, 2, 53], 53);
    let mut random = Random(0x0bad_cafe);
    // A fixed population of ordinary names, as a real network asks for the same names again.
    let benign: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "{}.{}{}.{}",
                random.pick(BENIGN_LABELS),
                random.pick(BENIGN_WORDS),
                i,
                random.pick(BENIGN_TLDS)
            )
        })
        .collect();
    let mut pcap = Pcap::new();
    pcap.set_step_micros(10);
    for query in 0..queries {
        let client = query % CLIENTS;
        let me = Endpoint::new(
            [10, 1, (client >> 8) as u8, client as u8],
            20_000 + (client % 40_000) as u16,
        );
        let name = if (query * 7919) % 100 < percent {
            format!(
                "{}.{}",
                label(&mut random),
                bases[random.below(bases.len())]
            )
        } else {
            benign[random.below(benign.len())].clone()
        };
        pcap.udp(me, resolver, &dns_query(query as u16, name.as_bytes()));
        if query % 4096 == 4095 {
            pcap.flush_to(out)?;
        }
    }
    pcap.flush_to(out)
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: bench-suricata-inputs list COUNT OUT.txt\n       \
         bench-suricata-inputs pcap QUERIES PERCENT BASES.txt OUT.pcap"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let written = match args.as_slice() {
        ["list", count, out] => {
            let Ok(count) = count.parse() else {
                return usage();
            };
            std::fs::File::create(out).and_then(|file| {
                let mut out = BufWriter::new(file);
                synthetic_list(count, &mut out)?;
                out.flush()
            })
        }
        ["pcap", queries, percent, bases, out] => {
            let (Ok(queries), Ok(percent)) = (queries.parse(), percent.parse()) else {
                return usage();
            };
            let bases: Vec<String> = match std::fs::read_to_string(bases) {
                Ok(text) => text.split_whitespace().map(str::to_string).collect(),
                Err(err) => {
                    eprintln!("bench-suricata-inputs: {bases}: {err}");
                    return ExitCode::from(2);
                }
            };
            if bases.is_empty() {
                eprintln!("bench-suricata-inputs: no base domains given");
                return ExitCode::from(2);
            }
            std::fs::File::create(out).and_then(|file| {
                let mut out = BufWriter::new(file);
                dns_pcap(queries, percent, &bases, &mut out)?;
                out.flush()
            })
        }
        _ => return usage(),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench-suricata-inputs: {err}");
            ExitCode::from(1)
        }
    }
}
