//! Writes a synthetic Zeek dns.log (TSV, with the header lines Zeek's ASCII writer puts in
//! front) of about BYTES bytes to standard output, for measuring `ddns scan`.
//!
//! ```sh
//! ddns export --format text | awk '!/^[#!]/ && NF {print $1}' > domains.txt
//! cargo run --release -p ddns-cli --example zeek_dns_log -- 1000000000 domains.txt > dns.log
//! ```
//!
//! One query in a hundred is a random sub-domain of a line of DOMAINS-FILE; the others are
//! made-up ordinary names. The output is the same for the same arguments (fixed seed).

use std::io::{self, BufWriter, Write};

/// xorshift64*: deterministic and fast; quality is beside the point here.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SITES: [&str; 24] = [
    "example",
    "contoso",
    "fabrikam",
    "northwind",
    "wingtip",
    "adventure-works",
    "tailspin",
    "litware",
    "proseware",
    "fourthcoffee",
    "woodgrove",
    "alpineski",
    "blueyonder",
    "cohovineyard",
    "humongous",
    "lucerne",
    "margiestravel",
    "relecloud",
    "southridge",
    "treyresearch",
    "wideworld",
    "graphicdesign",
    "datum",
    "firstup",
];
const TLDS: [&str; 8] = ["com", "net", "org", "de", "io", "co.uk", "fr", "cloud"];
const HOSTS: [&str; 12] = [
    "www",
    "api",
    "cdn",
    "mail",
    "login",
    "static",
    "img",
    "update",
    "telemetry",
    "app",
    "m",
    "edge",
];

fn label(random: &mut Random, out: &mut String) {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    for _ in 0..4 + random.below(9) {
        out.push(LETTERS[random.below(LETTERS.len())] as char);
    }
}

fn uid(random: &mut Random) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut uid = String::from("C");
    for _ in 0..17 {
        uid.push(BASE62[random.below(62)] as char);
    }
    uid
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bytes), Some(domains)) = (args.next(), args.next()) else {
        eprintln!("usage: zeek_dns_log BYTES DOMAINS-FILE > dns.log");
        std::process::exit(2);
    };
    let target: u64 = bytes.parse().expect("BYTES is a number");
    let domains: Vec<String> = std::fs::read_to_string(&domains)?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert!(!domains.is_empty(), "no domains in the domains file");

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let header = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n\
                  #path\tdns\n#open\t2024-03-01-00-00-00\n\
                  #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\t\
                  rtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\t\
                  RD\tRA\tZ\tanswers\tTTLs\trejected\n\
                  #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\t\
                  count\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\t\
                  vector[string]\tvector[interval]\tbool\n";
    out.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut ts_micros: u64 = 1_709_251_200_000_000;
    let mut query = String::new();
    let mut line = String::new();
    while written < target {
        ts_micros += 1 + random.below(2_000) as u64;
        query.clear();
        if random.below(100) == 0 {
            label(&mut random, &mut query);
            query.push('.');
            query.push_str(&domains[random.below(domains.len())]);
        } else {
            if random.below(3) == 0 {
                label(&mut random, &mut query);
            } else {
                query.push_str(HOSTS[random.below(HOSTS.len())]);
            }
            query.push('.');
            query.push_str(SITES[random.below(SITES.len())]);
            query.push('.');
            query.push_str(TLDS[random.below(TLDS.len())]);
        }
        let (qtype, qtype_name) = [(1, "A"), (28, "AAAA"), (65, "HTTPS")][random.below(3)];
        let nxdomain = random.below(20) == 0;
        let (rcode, rcode_name, answers, ttls) = if nxdomain {
            (3, "NXDOMAIN", "-".to_string(), "-".to_string())
        } else if qtype == 1 {
            let answer = format!(
                "{}.{}.{}.{}",
                random.below(223) + 1,
                random.below(256),
                random.below(256),
                random.below(256)
            );
            (0, "NOERROR", answer, "300.000000".to_string())
        } else {
            (0, "NOERROR", "(empty)".to_string(), "(empty)".to_string())
        };
        line.clear();
        use std::fmt::Write as _;
        let _ = writeln!(
            line,
            "{}.{:06}\t{}\t10.{}.{}.{}\t{}\t10.0.0.53\t53\tudp\t{}\t0.{:06}\t{query}\t1\t\
             C_INTERNET\t{qtype}\t{qtype_name}\t{rcode}\t{rcode_name}\tF\tF\tT\tT\t0\t{answers}\t\
             {ttls}\tF",
            ts_micros / 1_000_000,
            ts_micros % 1_000_000,
            uid(&mut random),
            random.below(4),
            random.below(256),
            random.below(254) + 1,
            1024 + random.below(64_000),
            random.below(65_536),
            random.below(90_000) + 500,
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    let footer = "#close\t2024-03-01-23-59-59\n";
    out.write_all(footer.as_bytes())?;
    out.flush()
}
