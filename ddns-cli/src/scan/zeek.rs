//! Zeek's TSV logs, read the way Zeek's ASCII writer lays them out: `#separator \x09`, then
//! `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#open`, `#fields`, `#types`
//! header lines, data lines, `#close`. Columns are found by name in `#fields`, never by
//! position; a new `#separator` line (logs concatenated) starts over.
//!
//! Names are read from `query` and `answers` (dns.log), `server_name` (ssl.log) and `host`
//! (http.log); the timestamp from `ts`, the client from `id.orig_h`.

use std::io::Write;
use std::ops::Range;

use super::{Field, Outcome, Scanner, unescape};

/// The columns of the current log section that the scan reads.
struct Columns {
    count: usize,
    ts: Option<usize>,
    client: Option<usize>,
    /// Name columns: index, what they hold, and whether they are vectors (`answers`).
    names: Vec<(usize, Field, bool)>,
}

pub(super) struct ZeekTsv {
    separator: Vec<u8>,
    set_separator: Vec<u8>,
    empty_field: Vec<u8>,
    unset_field: Vec<u8>,
    columns: Option<Columns>,
    /// Byte ranges of the current line's fields (kept to avoid allocating per line).
    fields: Vec<Range<usize>>,
    scratch: Vec<u8>,
    /// Whether the "no name column" note was given for this section.
    warned_no_names: bool,
}

impl ZeekTsv {
    pub(super) fn new() -> ZeekTsv {
        ZeekTsv {
            separator: b"\t".to_vec(),
            set_separator: b",".to_vec(),
            empty_field: b"(empty)".to_vec(),
            unset_field: b"-".to_vec(),
            columns: None,
            fields: Vec::new(),
            scratch: Vec::new(),
            warned_no_names: false,
        }
    }

    pub(super) fn line<W: Write>(&mut self, scanner: &mut Scanner<'_, W>, line: &[u8]) -> Outcome {
        if line.first() == Some(&b'#') {
            return self.header(scanner, line);
        }
        let Some(columns) = &self.columns else {
            scanner.bad_record("data line before a #fields header")?;
            return Ok(());
        };
        split(line, &self.separator, &mut self.fields);
        if self.fields.len() != columns.count {
            let found = self.fields.len();
            let noun = if found == 1 { "field" } else { "fields" };
            scanner.bad_record(format_args!(
                "{found} {noun}, the #fields header names {}",
                columns.count
            ))?;
            return Ok(());
        }
        scanner.begin_record();
        let value = |at: Option<usize>| -> Option<&[u8]> {
            let value = &line[self.fields[at?].clone()];
            (value != self.unset_field && value != self.empty_field).then_some(value)
        };
        let ts = value(columns.ts);
        let client = value(columns.client);
        for &(at, field, vector) in &columns.names {
            let Some(raw) = value(Some(at)) else {
                continue;
            };
            if vector {
                for element in Splitter::new(raw, &self.set_separator) {
                    let name = unescape(element, &mut self.scratch);
                    scanner.check(ts, client, field, name)?;
                }
            } else {
                let name = unescape(raw, &mut self.scratch);
                scanner.check(ts, client, field, name)?;
            }
        }
        Ok(())
    }

    fn header<W: Write>(&mut self, scanner: &mut Scanner<'_, W>, line: &[u8]) -> Outcome {
        // `#separator` is followed by a space (the separator is not known yet); the other
        // header lines by the separator.
        if let Some(value) = line.strip_prefix(b"#separator ") {
            let mut scratch = Vec::new();
            let separator = unescape(value, &mut scratch).to_vec();
            if separator.is_empty() {
                scanner.bad_record("empty #separator")?;
                return Ok(());
            }
            *self = ZeekTsv::new();
            self.separator = separator;
            return Ok(());
        }
        let Some(rest) = line.strip_prefix(b"#") else {
            return Ok(());
        };
        let (key, value) = match memchr::memmem::find(rest, &self.separator) {
            Some(at) => (&rest[..at], &rest[at + self.separator.len()..]),
            None => (rest, &[][..]),
        };
        let mut scratch = Vec::new();
        match key {
            b"set_separator" => self.set_separator = unescape(value, &mut scratch).to_vec(),
            b"empty_field" => self.empty_field = unescape(value, &mut scratch).to_vec(),
            b"unset_field" => self.unset_field = unescape(value, &mut scratch).to_vec(),
            b"fields" => {
                let mut ranges = Vec::new();
                split(value, &self.separator, &mut ranges);
                let names: Vec<&[u8]> = ranges.iter().map(|r| &value[r.clone()]).collect();
                let find = |name: &[u8]| names.iter().position(|&n| n == name);
                let mut columns = Columns {
                    count: names.len(),
                    ts: find(b"ts"),
                    client: find(b"id.orig_h"),
                    names: Vec::new(),
                };
                for (name, field, vector) in [
                    (&b"query"[..], Field::DnsQuery, false),
                    (b"answers", Field::DnsAnswer, true),
                    (b"server_name", Field::TlsSni, false),
                    (b"host", Field::HttpHost, false),
                ] {
                    if let Some(at) = find(name) {
                        columns.names.push((at, field, vector));
                    }
                }
                if columns.names.is_empty() && !self.warned_no_names {
                    self.warned_no_names = true;
                    scanner.message(format_args!(
                        "{}:{}: no query, answers, server_name or host column: nothing to \
                         check in this log",
                        scanner.input, scanner.line
                    ));
                }
                self.columns = Some(columns);
            }
            _ => {}
        }
        Ok(())
    }
}

/// Splits `line` at each `separator` into `ranges` (at least one range).
fn split(line: &[u8], separator: &[u8], ranges: &mut Vec<Range<usize>>) {
    ranges.clear();
    let mut start = 0;
    if let [byte] = separator {
        for end in memchr::memchr_iter(*byte, line) {
            ranges.push(start..end);
            start = end + 1;
        }
        ranges.push(start..line.len());
        return;
    }
    for end in Splitter::new(line, separator).ends() {
        ranges.push(start..end);
        start = end + separator.len();
    }
}

/// The pieces of a byte string between separators (one byte: memchr; longer: memmem).
struct Splitter<'a> {
    text: &'a [u8],
    separator: &'a [u8],
    at: Option<usize>,
}

impl<'a> Splitter<'a> {
    fn new(text: &'a [u8], separator: &'a [u8]) -> Splitter<'a> {
        Splitter {
            text,
            separator,
            at: Some(0),
        }
    }

    /// The end offset of each piece instead of the piece.
    fn ends(self) -> impl Iterator<Item = usize> + 'a {
        let text = self.text;
        self.map(move |piece| piece.as_ptr() as usize - text.as_ptr() as usize + piece.len())
    }
}

impl<'a> Iterator for Splitter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.at?;
        let rest = &self.text[start..];
        let found = match self.separator {
            [byte] => memchr::memchr(*byte, rest),
            separator => memchr::memmem::find(rest, separator),
        };
        match found {
            Some(at) => {
                self.at = Some(start + at + self.separator.len());
                Some(&rest[..at])
            }
            None => {
                self.at = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_keeps_empty_pieces_and_handles_long_separators() {
        let pieces: Vec<&[u8]> = Splitter::new(b"a\t\tb\t", b"\t").collect();
        assert_eq!(pieces, [&b"a"[..], b"", b"b", b""]);
        let pieces: Vec<&[u8]> = Splitter::new(b"a::b", b"::").collect();
        assert_eq!(pieces, [&b"a"[..], b"b"]);
        let mut ranges = Vec::new();
        split(b"x\ty", b"\t", &mut ranges);
        assert_eq!(ranges, [0..1, 2..3]);
    }
}
