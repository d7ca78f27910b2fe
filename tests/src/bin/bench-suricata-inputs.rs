//! Writes the inputs of scripts/bench-suricata.sh, the same bytes on every run:
//!
//! - `bench-suricata-inputs list COUNT OUT.txt`: COUNT synthetic DDNS base domains as a
//!   plain list (`domain provider` per line), spread over 500 providers; none of them is in,
//!   or under, the default list.
//! - `bench-suricata-inputs pcap QUERIES PERCENT BASES.txt OUT.pcap`: QUERIES DNS queries
//!   over UDP from 10,000 clients (each keeps its port, so a client is one flow); PERCENT of
//!   them ask for a random host under a base domain of BASES.txt (one per line), the others
//!   for ordinary names that no list holds.
//! - `bench-suricata-inputs pcap-tls|pcap-http SESSIONS PERCENT BASES.txt OUT.pcap`:
//!   SESSIONS whole TCP connections from the same 10,000 clients, each carrying one name
//!   drawn the same way: as the TLS server name (SNI) of a ClientHello, or as the Host of
//!   an HTTP GET.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use ddns_tests::pcap::{
    Endpoint, Pcap, dns_query, http_get, http_ok, tls_client_finish, tls_client_hello,
    tls_server_hello,
};

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

/// The host names of a run: PERCENT of them a random host under one of `bases`, the others
/// drawn from a fixed population of ordinary names, as a real network asks for the same
/// names again.
struct Names<'a> {
    random: Random,
    benign: Vec<String>,
    bases: &'a [String],
    percent: u64,
}

impl<'a> Names<'a> {
    fn new(bases: &'a [String], percent: u64) -> Names<'a> {
        let mut random = Random(0x0bad_cafe);
        let benign = (0..20_000)
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
        Names {
            random,
            benign,
            bases,
            percent,
        }
    }

    /// The name of query or session number `index`.
    fn name(&mut self, index: u64) -> String {
        if (index * 7919) % 100 < self.percent {
            let host = label(&mut self.random);
            format!("{host}.{}", self.bases[self.random.below(self.bases.len())])
        } else {
            self.benign[self.random.below(self.benign.len())].clone()
        }
    }
}

const CLIENTS: u64 = 10_000;

/// Client number `index % CLIENTS`; `port` tells its flows apart.
fn client(index: u64, port: u16) -> Endpoint {
    let client = index % CLIENTS;
    Endpoint::new([10, 1, (client >> 8) as u8, client as u8], port)
}

fn dns_pcap(queries: u64, names: &mut Names<'_>, out: &mut impl Write) -> std::io::Result<()> {
    let resolver = Endpoint::new([192, 0, 2, 53], 53);
    let mut pcap = Pcap::new();
    pcap.set_step_micros(10);
    for query in 0..queries {
        // Each client keeps its port, so a client is one flow.
        let me = client(query, 20_000 + (query % CLIENTS % 40_000) as u16);
        let name = names.name(query);
        pcap.udp(me, resolver, &dns_query(query as u16, name.as_bytes()));
        if query % 4096 == 4095 {
            pcap.flush_to(out)?;
        }
    }
    pcap.flush_to(out)
}

/// SESSIONS TCP connections, each a whole exchange (handshake, TLS ClientHello with the
/// name as SNI and ServerHello, or HTTP GET with the name as Host and its answer, then the
/// close); each session has its own source port.
fn tcp_pcap(
    sessions: u64,
    tls: bool,
    names: &mut Names<'_>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let server = if tls {
        Endpoint::new([192, 0, 2, 43], 443)
    } else {
        Endpoint::new([192, 0, 2, 80], 80)
    };
    let mut pcap = Pcap::new();
    pcap.set_step_micros(10);
    for session in 0..sessions {
        let me = client(session, 1_024 + (session / CLIENTS % 60_000) as u16);
        let name = names.name(session);
        let mut connection = pcap.tcp_connect(me, server);
        if tls {
            connection.client_sends(&mut pcap, &tls_client_hello(name.as_bytes()));
            connection.server_sends(&mut pcap, &tls_server_hello());
            connection.client_sends(&mut pcap, &tls_client_finish());
        } else {
            connection.client_sends(&mut pcap, &http_get(name.as_bytes()));
            connection.server_sends(&mut pcap, &http_ok());
        }
        connection.close(&mut pcap);
        if session % 1024 == 1023 {
            pcap.flush_to(out)?;
        }
    }
    pcap.flush_to(out)
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: bench-suricata-inputs list COUNT OUT.txt\n       \
         bench-suricata-inputs pcap|pcap-tls|pcap-http COUNT PERCENT BASES.txt OUT.pcap"
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
        [
            kind @ ("pcap" | "pcap-tls" | "pcap-http"),
            count,
            percent,
            bases,
            out,
        ] => {
            let (Ok(count), Ok(percent)) = (count.parse(), percent.parse()) else {
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
                let mut names = Names::new(&bases, percent);
                match *kind {
                    "pcap" => dns_pcap(count, &mut names, &mut out)?,
                    kind => tcp_pcap(count, kind == "pcap-tls", &mut names, &mut out)?,
                }
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
