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
    /// How many fields `#fields` names; a data line with another count is a bad record.
    count: usize,
    /// The indices of the columns read, ascending and without repeats: a data line keeps the
    /// byte ranges of these fields only, whatever its number of fields.
    read: Vec<usize>,
    /// The timestamp's and the client's place in `read`.
    ts: Option<usize>,
    client: Option<usize>,
    /// Name columns: place in `read`, what they hold, and whether they are sets (`answers`).
    names: Vec<(usize, Field, bool)>,
}

/// The Zeek TSV parser of one input: the current section's header values and columns.
pub(super) struct ZeekTsv {
    separator: Vec<u8>,
    /// Empty when the header gives none: each set is then read as one value.
    set_separator: Vec<u8>,
    empty_field: Vec<u8>,
    unset_field: Vec<u8>,
    columns: Option<Columns>,
    /// Byte ranges of the current line's fields in [`Columns::read`] (kept to avoid
    /// allocating per line); never more than the columns read.
    fields: Vec<Range<usize>>,
    scratch: Vec<u8>,
    /// Whether the "no name column" note was given for this section.
    warned_no_names: bool,
    /// Whether the "empty #set_separator" note was given for this section.
    warned_empty_set_separator: bool,
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
            warned_empty_set_separator: false,
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
        let found = pick(line, &self.separator, &columns.read, &mut self.fields);
        if found != columns.count {
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
            if vector && !self.set_separator.is_empty() {
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
            b"set_separator" => {
                self.set_separator = unescape(value, &mut scratch).to_vec();
                if self.set_separator.is_empty() && !self.warned_empty_set_separator {
                    self.warned_empty_set_separator = true;
                    scanner.message(format_args!(
                        "{}:{}: empty #set_separator: each answers value is read as one name",
                        scanner.input, scanner.line
                    ));
                }
            }
            b"empty_field" => self.empty_field = unescape(value, &mut scratch).to_vec(),
            b"unset_field" => self.unset_field = unescape(value, &mut scratch).to_vec(),
            b"fields" => {
                let columns = Columns::of(value, &self.separator);
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

impl Columns {
    /// The columns of a `#fields` line's `names`, found in one pass that keeps nothing per
    /// name: the first column of each name counts.
    fn of(names: &[u8], separator: &[u8]) -> Columns {
        const WANTED: [&[u8]; 6] = [
            b"ts",
            b"id.orig_h",
            b"query",
            b"answers",
            b"server_name",
            b"host",
        ];
        let mut found: [Option<usize>; 6] = [None; 6];
        let mut count = 0;
        for name in Splitter::new(names, separator) {
            if let Some(slot) = WANTED.iter().position(|&wanted| wanted == name) {
                found[slot].get_or_insert(count);
            }
            count += 1;
        }
        let mut read: Vec<usize> = found.iter().flatten().copied().collect();
        read.sort_unstable();
        // Where the column of WANTED[slot] sits in `read`.
        let place = |slot: usize| found[slot].and_then(|at| read.binary_search(&at).ok());
        let names = [
            (2, Field::DnsQuery, false),
            (3, Field::DnsAnswer, true),
            (4, Field::TlsSni, false),
            (5, Field::HttpHost, false),
        ]
        .into_iter()
        .filter_map(|(slot, field, set)| Some((place(slot)?, field, set)))
        .collect();
        Columns {
            count,
            ts: place(0),
            client: place(1),
            names,
            read,
        }
    }
}

/// Counts the fields of `line` (split at `separator`) and puts the byte ranges of those at
/// the indices in `read` (ascending) into `ranges`; memory stays that of `read`, however many
/// fields the line has.
fn pick(line: &[u8], separator: &[u8], read: &[usize], ranges: &mut Vec<Range<usize>>) -> usize {
    ranges.clear();
    let mut wanted = read.iter().copied().peekable();
    let mut count = 0;
    let mut start = 0;
    let mut keep = |end: usize, start: usize, count: usize| {
        if wanted.next_if_eq(&count).is_some() {
            ranges.push(start..end);
        }
    };
    if let [byte] = separator {
        for end in memchr::memchr_iter(*byte, line) {
            keep(end, start, count);
            count += 1;
            start = end + 1;
        }
        keep(line.len(), start, count);
        return count + 1;
    }
    for end in Splitter::new(line, separator).ends() {
        keep(end, start, count);
        count += 1;
        start = end + separator.len();
    }
    count
}

/// The pieces of a byte string between separators (one byte: memchr; longer: memmem). An
/// empty separator separates nothing: the whole string is the one piece.
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
            [] => None,
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
        let pieces: Vec<&[u8]> = Splitter::new(b"a,b", b"").collect();
        assert_eq!(pieces, [&b"a,b"[..]]);
    }

    #[test]
    fn pick_counts_every_field_and_keeps_only_the_columns_read() {
        let mut ranges = Vec::new();
        assert_eq!(pick(b"x\ty\t\tz", b"\t", &[1, 3], &mut ranges), 4);
        assert_eq!(ranges, [2..3, 5..6]);
        assert_eq!(pick(b"x::y::z", b"::", &[0, 2, 7], &mut ranges), 3);
        assert_eq!(ranges, [0..1, 6..7]);
        assert_eq!(pick(b"", b"\t", &[0], &mut ranges), 1);
        assert_eq!((ranges.len(), &ranges[0]), (1, &(0..0)));
    }

    #[test]
    fn columns_are_found_by_their_first_name_in_one_pass() {
        let columns = Columns::of(b"host\tts\tanswers\tx\tts\tquery", b"\t");
        assert_eq!(columns.count, 6);
        assert_eq!(columns.read, [0, 1, 2, 5]);
        assert_eq!(columns.ts, Some(1));
        assert_eq!(columns.client, None);
        assert_eq!(
            columns.names,
            [
                (3, Field::DnsQuery, false),
                (2, Field::DnsAnswer, true),
                (0, Field::HttpHost, false)
            ]
        );
    }
}
