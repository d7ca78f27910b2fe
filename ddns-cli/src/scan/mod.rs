//! `ddns scan`: DDNS host names in DNS, TLS and HTTP logs.
//!
//! Each input is read once, line by line, in bounded memory ([`input`]); a parser per log
//! format ([`zeek`], [`json`], plain text here) picks the timestamp, the client address and
//! the host names out of each record, and every name goes to `Matcher::find` (DNS names) or
//! `Matcher::find_host` (TLS SNI, HTTP Host, plain text). Matching stays in ddns-core.

mod input;
mod json;
mod summary;
mod zeek;

use std::fmt::Display;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use ddns_core::{Matcher, ProviderClass, Verdict};
use hashbrown::HashTable;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::failure::Failure;
use crate::lines::{Line, Lines};
use crate::output::shown;
use summary::{Summary, Totals};

/// The log formats `ddns scan` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// Decide per input from its first line: `#separator` is Zeek TSV, `{` is JSON (Suricata
    /// EVE when a record has `event_type`, else Zeek JSON), anything else plain text.
    Auto,
    /// Zeek TSV logs (dns.log, ssl.log, http.log), read through their `#` headers.
    Zeek,
    /// Zeek JSON logs: `query` and `answers`, `server_name`, `host`.
    ZeekJson,
    /// Suricata EVE JSON: dns, tls and http events.
    Eve,
    /// One host name per line; `#` starts a comment line.
    Text,
}

/// What `ddns scan` was asked for.
pub(crate) struct ScanOptions {
    pub format: LogFormat,
    pub json: bool,
    pub summary: bool,
    pub strict: bool,
    /// Report only hits whose provider is of one of these classes (all when empty).
    pub classes: Vec<ProviderClass>,
    /// Never report hits whose provider is of one of these classes.
    pub ignored_classes: Vec<ProviderClass>,
}

impl ScanOptions {
    /// Whether hits of providers of `class` are reported.
    fn reports(&self, class: ProviderClass) -> bool {
        (self.classes.is_empty() || self.classes.contains(&class))
            && !self.ignored_classes.contains(&class)
    }
}

/// Where in a record a name was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    /// The question name of a DNS query or response.
    DnsQuery,
    /// A name in the answer section (an answer's owner, or a CNAME, NS, PTR, MX target).
    DnsAnswer,
    /// The server name a TLS client asked for.
    TlsSni,
    /// An HTTP request's Host.
    HttpHost,
    /// A line of a plain list of names.
    Text,
}

impl Field {
    fn as_str(self) -> &'static str {
        match self {
            Field::DnsQuery => "dns.query",
            Field::DnsAnswer => "dns.answer",
            Field::TlsSni => "tls.sni",
            Field::HttpHost => "http.host",
            Field::Text => "text",
        }
    }
}

/// The first this many bad records of an input are reported one by one; the rest are
/// counted.
const BAD_RECORDS_SHOWN: u64 = 20;

/// Stops the scan (`--strict` and a bad record).
pub(super) struct Stop;

/// One hit as `--json` prints it.
#[derive(Serialize)]
struct Hit<'a> {
    ts: Option<&'a str>,
    client: Option<&'a str>,
    field: &'static str,
    name: &'a str,
    provider: &'a str,
    provider_name: &'a str,
    abuse: &'static str,
    class: &'static str,
    base: &'a str,
    malformed: bool,
    file: &'a str,
    line: u64,
}

/// The state of a scan: the matcher, where hits go, counts, and where the scan is.
pub(super) struct Scanner<'m, W: Write> {
    matcher: &'m Matcher,
    options: &'m ScanOptions,
    out: W,
    summary: Option<Summary>,
    /// The input being read, as messages name it.
    input: String,
    line: u64,
    bar: Option<ProgressBar>,
    /// Names that already hit in the current record, so a name seen as query and as answer
    /// owner counts once.
    record_hits: RecordHits,
    records: u64,
    hits: u64,
    bad_records: u64,
    input_bad_records: u64,
    /// Whether an input could not be read to its end.
    failed: bool,
}

impl<'m, W: Write> Scanner<'m, W> {
    /// Starts a record: counts it and forgets the previous record's names.
    pub(super) fn begin_record(&mut self) {
        self.records += 1;
        self.record_hits.clear();
    }

    /// Reports a bad record of the current input at the current line.
    pub(super) fn bad_record(&mut self, why: impl Display) -> Result<(), Stop> {
        self.bad_records += 1;
        self.input_bad_records += 1;
        if self.input_bad_records <= BAD_RECORDS_SHOWN || self.options.strict {
            self.message(format_args!("{}:{}: {why}", self.input, self.line));
        }
        if self.options.strict {
            self.message(format_args!("stopping at the first bad record (--strict)"));
            self.failed = true;
            return Err(Stop);
        }
        Ok(())
    }

    /// Writes `ddns: message` to stderr, around the progress bar if one is showing.
    pub(super) fn message(&self, message: impl Display) {
        match &self.bar {
            Some(bar) => bar.suspend(|| warn!("ddns: {message}")),
            None => warn!("ddns: {message}"),
        }
    }

    /// Checks one name of the current record; a name that already hit in it is not reported
    /// again.
    pub(super) fn check(
        &mut self,
        ts: Option<&[u8]>,
        client: Option<&[u8]>,
        field: Field,
        name: &[u8],
    ) -> io::Result<()> {
        self.check_name(ts, client, field, name, true)
    }

    /// [`Scanner::check`], with `once` false for a record that holds one name only (a
    /// plain-text line): there is nothing to de-duplicate, so the name is not copied.
    fn check_name(
        &mut self,
        ts: Option<&[u8]>,
        client: Option<&[u8]>,
        field: Field,
        name: &[u8],
        once: bool,
    ) -> io::Result<()> {
        if name.is_empty() {
            return Ok(());
        }
        let found = match field {
            Field::DnsQuery | Field::DnsAnswer => self.matcher.find(name),
            Field::TlsSni | Field::HttpHost | Field::Text => self.matcher.find_host(name),
        };
        let Some(found) = found.filter(|found| found.verdict() == Verdict::Block) else {
            return Ok(());
        };
        let provider = self.matcher.provider(found.provider());
        if !self.options.reports(provider.class()) {
            return Ok(());
        }
        if once && !self.record_hits.insert(name) {
            return Ok(());
        }
        self.hits += 1;
        let ts = ts.map(shown);
        let client = client.map(shown);
        if let Some(summary) = &mut self.summary {
            summary.add(found.provider().index(), client.as_deref(), ts.as_deref());
            return Ok(());
        }
        let shown_name = shown(name);
        let base = shown(&name[found.base_span()]).to_ascii_lowercase();
        if self.options.json {
            let hit = Hit {
                ts: ts.as_deref(),
                client: client.as_deref(),
                field: field.as_str(),
                name: &shown_name,
                provider: provider.id(),
                provider_name: provider.name(),
                abuse: provider.abuse().as_str(),
                class: provider.class().as_str(),
                base: &base,
                malformed: found.is_malformed(),
                file: &self.input,
                line: self.line,
            };
            serde_json::to_writer(&mut self.out, &hit)?;
            writeln!(self.out)
        } else {
            writeln!(
                self.out,
                "{}\t{}\t{}\t{shown_name}\t{}\t{base}",
                ts.as_deref().unwrap_or("-"),
                client.as_deref().unwrap_or("-"),
                field.as_str(),
                provider.id(),
            )
        }
    }
}

/// The names that hit in one record, compared without regard to ASCII case: one lookup or
/// insertion costs the name's length, so a record of N names costs O(N) however many
/// distinct ones it holds. Memory is the lower-cased names one after another plus a table
/// of their spans, bounded by the length of the record's line.
#[derive(Default)]
struct RecordHits {
    /// The names, lower-cased, back to back.
    bytes: Vec<u8>,
    /// Each name's span in `bytes`, found by the hash of those bytes.
    spans: HashTable<(u32, u32)>,
    /// Keyed per process, so crafted names cannot all fall into one bucket.
    hasher: RandomState,
}

impl RecordHits {
    /// Above these sizes a new record starts from fresh storage: clearing a table sized for
    /// a million names before each small record would cost its whole size every time.
    const KEEP_SPANS: usize = 1024;
    const KEEP_BYTES: usize = 64 << 10;

    /// Forgets every name.
    fn clear(&mut self) {
        if self.spans.capacity() > Self::KEEP_SPANS {
            self.spans = HashTable::new();
        } else {
            self.spans.clear();
        }
        if self.bytes.capacity() > Self::KEEP_BYTES {
            self.bytes = Vec::new();
        } else {
            self.bytes.clear();
        }
    }

    /// Adds `name`; `false` when it (in any case) is already there.
    fn insert(&mut self, name: &[u8]) -> bool {
        let RecordHits {
            bytes,
            spans,
            hasher,
        } = self;
        let start = bytes.len();
        bytes.extend(name.iter().map(u8::to_ascii_lowercase));
        // Names come from one line of at most 16 MiB, so their bytes fit in u32 offsets;
        // were they ever not to, the name is reported again rather than lost.
        let (Ok(span_start), Ok(span_end)) = (u32::try_from(start), u32::try_from(bytes.len()))
        else {
            bytes.truncate(start);
            return true;
        };
        let key = &bytes[start..];
        let hash = hasher.hash_one(key);
        let text = |&(from, to): &(u32, u32)| &bytes[from as usize..to as usize];
        if spans.find(hash, |span| text(span) == key).is_some() {
            bytes.truncate(start);
            return false;
        }
        spans.insert_unique(hash, (span_start, span_end), |span| {
            hasher.hash_one(text(span))
        });
        true
    }
}

/// A parser for one input, chosen by `--format` or by the input's first line.
enum Parser {
    Zeek(Box<zeek::ZeekTsv>),
    Json(json::JsonLog),
    Text,
}

impl Parser {
    fn for_format(format: LogFormat, first_line: &[u8]) -> Parser {
        match format {
            LogFormat::Zeek => Parser::Zeek(Box::new(zeek::ZeekTsv::new())),
            LogFormat::ZeekJson => Parser::Json(json::JsonLog::new(json::Schema::Zeek)),
            LogFormat::Eve => Parser::Json(json::JsonLog::new(json::Schema::Eve)),
            LogFormat::Text => Parser::Text,
            LogFormat::Auto if first_line.starts_with(b"#separator") => {
                Parser::Zeek(Box::new(zeek::ZeekTsv::new()))
            }
            LogFormat::Auto if first_line.trim_ascii_start().starts_with(b"{") => {
                Parser::Json(json::JsonLog::new(json::Schema::Auto))
            }
            LogFormat::Auto => Parser::Text,
        }
    }

    fn line<W: Write>(&mut self, scanner: &mut Scanner<'_, W>, line: &[u8]) -> Outcome {
        match self {
            Parser::Zeek(zeek) => zeek.line(scanner, line),
            Parser::Json(json) => json.line(scanner, line),
            Parser::Text => {
                let name = line.trim_ascii();
                if name.is_empty() || name.starts_with(b"#") {
                    return Ok(());
                }
                if name.contains(&0) {
                    // No log writes NUL bytes: this is binary data (a pcap, an archive, a
                    // wrong file), not a name.
                    scanner.bad_record("binary data (a NUL byte), not a name")?;
                    return Ok(());
                }
                scanner.begin_record();
                scanner.check_name(None, None, Field::Text, name, false)?;
                Ok(())
            }
        }
    }
}

/// What handling a line can end in besides going on: an output error, or `--strict`.
pub(super) enum Interrupt {
    Output(io::Error),
    Stop,
}

impl From<io::Error> for Interrupt {
    fn from(err: io::Error) -> Interrupt {
        Interrupt::Output(err)
    }
}

impl From<Stop> for Interrupt {
    fn from(_: Stop) -> Interrupt {
        Interrupt::Stop
    }
}

pub(super) type Outcome = Result<(), Interrupt>;

pub(crate) fn scan(
    matcher: &Matcher,
    options: &ScanOptions,
    files: &[PathBuf],
) -> Result<ExitCode, Failure> {
    let stdout = io::stdout();
    let mut scanner = Scanner {
        matcher,
        options,
        out: BufWriter::with_capacity(1 << 16, stdout.lock()),
        summary: options.summary.then(|| Summary::new(matcher)),
        input: String::new(),
        line: 0,
        bar: None,
        record_hits: RecordHits::default(),
        records: 0,
        hits: 0,
        bad_records: 0,
        input_bad_records: 0,
        failed: false,
    };
    let inputs: Vec<Option<&Path>> = if files.is_empty() {
        vec![None]
    } else {
        files.iter().map(|path| Some(path.as_path())).collect()
    };
    for path in &inputs {
        let stop = scan_input(&mut scanner, *path)?;
        if stop {
            break;
        }
    }
    if let Some(summary) = &scanner.summary {
        let totals = Totals {
            inputs: inputs.len(),
            records: scanner.records,
            hits: scanner.hits,
            bad_records: scanner.bad_records,
        };
        summary.write(&mut scanner.out, matcher, &totals, options.json)?;
    }
    scanner.out.flush()?;
    Ok(ExitCode::from(match (scanner.failed, scanner.hits) {
        (true, _) => 2,
        (false, 0) => 1,
        (false, _) => 0,
    }))
}

/// Scans one input; `Ok(true)` when the whole scan must stop (`--strict`).
fn scan_input<W: Write>(
    scanner: &mut Scanner<'_, W>,
    path: Option<&Path>,
) -> Result<bool, Failure> {
    let shown_path = path.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let input = match input::open(path) {
        Ok(input) => input,
        Err(err) => {
            warn!("ddns: {shown_path}: cannot open: {err}");
            scanner.failed = true;
            return Ok(false);
        }
    };
    scanner.input = input.name;
    scanner.bar = input.bar;
    scanner.line = 0;
    scanner.input_bad_records = 0;
    let mut lines = Lines::new(input.reader, input::MAX_LINE);
    let mut parser: Option<Parser> = None;
    let mut stop = false;
    loop {
        let (number, line) = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                scanner.message(format_args!(
                    "{}:{}: cannot read: {err}",
                    scanner.input,
                    lines.number() + 1
                ));
                scanner.failed = true;
                break;
            }
        };
        scanner.line = number;
        let outcome = match line {
            Line::TooLong(length) => scanner
                .bad_record(format_args!(
                    "line of {length} bytes is longer than {} MiB, skipped",
                    input::MAX_LINE >> 20
                ))
                .map_err(Interrupt::from),
            Line::Text(text) => {
                if text.is_empty() {
                    continue;
                }
                parser
                    .get_or_insert_with(|| Parser::for_format(scanner.options.format, text))
                    .line(scanner, text)
            }
        };
        match outcome {
            Ok(()) => {}
            Err(Interrupt::Output(err)) => {
                if let Some(bar) = &scanner.bar {
                    bar.finish_and_clear();
                }
                return Err(err.into());
            }
            Err(Interrupt::Stop) => {
                stop = true;
                break;
            }
        }
    }
    if let Some(bar) = scanner.bar.take() {
        bar.finish_and_clear();
    }
    if scanner.input_bad_records > BAD_RECORDS_SHOWN {
        warn!(
            "ddns: {}: {} bad records in all, the first {BAD_RECORDS_SHOWN} shown above",
            scanner.input, scanner.input_bad_records
        );
    }
    Ok(stop)
}

/// Decodes Zeek's and Suricata's `\xNN` escapes (both write a byte they will not print raw,
/// a separator inside a value, and `\` itself that way). Other bytes are kept as they are.
/// Returns `value` itself when it holds no `\`.
pub(super) fn unescape<'a>(value: &'a [u8], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if memchr::memchr(b'\\', value).is_none() {
        return value;
    }
    scratch.clear();
    let mut at = 0;
    while at < value.len() {
        if value[at] == b'\\' && value.get(at + 1) == Some(&b'x') {
            let high = value.get(at + 2).and_then(|&b| hex(b));
            let low = value.get(at + 3).and_then(|&b| hex(b));
            if let (Some(high), Some(low)) = (high, low) {
                scratch.push(high << 4 | low);
                at += 4;
                continue;
            }
        }
        scratch.push(value[at]);
        at += 1;
    }
    scratch
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_hits_count_a_name_once_in_any_case_until_cleared() {
        let mut hits = RecordHits::default();
        assert!(hits.insert(b"x7.DuckDNS.org"));
        assert!(hits.insert(b"x8.duckdns.org"));
        assert!(!hits.insert(b"X7.duckdns.ORG"));
        assert!(!hits.insert(b"x8.duckdns.org"));
        for n in 0..5000 {
            assert!(hits.insert(format!("a{n}.duckdns.org").as_bytes()));
        }
        assert!(!hits.insert(b"A4999.DUCKDNS.ORG"));
        hits.clear();
        assert!(hits.insert(b"x7.duckdns.org"));
    }

    #[test]
    fn unescape_decodes_hex_escapes_and_keeps_everything_else() {
        let mut scratch = Vec::new();
        assert_eq!(unescape(b"plain.org", &mut scratch), b"plain.org");
        assert_eq!(
            unescape(b"a\\x09b\\x5c\\xzz\\x4", &mut scratch),
            b"a\tb\\\\xzz\\x4"
        );
    }
}
