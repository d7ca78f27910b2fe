//! Opening a log (file or standard input, gzip or zstd or plain) and reading it line by line
//! in bounded memory.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

/// Lines longer than this are skipped (and reported) without being held in memory, so a
/// scan's memory does not grow with its input. Real log lines are far shorter.
pub(super) const MAX_LINE: usize = 16 << 20;

/// Bytes read from the input at a time.
const CHUNK: usize = 1 << 20;

/// An opened log.
pub(super) struct Input {
    /// How messages name it: the path as given, or `<stdin>`.
    pub name: String,
    /// The decompressed bytes.
    pub reader: Box<dyn Read>,
    /// Shows how far into the file the scan is; only for files, when stderr is a terminal.
    pub bar: Option<ProgressBar>,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Opens `path` (standard input for `None` or `-`). Compression is recognised by the first
/// bytes, so `.gz` and `.zst` files and compressed standard input all read as plain text.
pub(super) fn open(path: Option<&Path>) -> io::Result<Input> {
    let path = path.filter(|path| path.as_os_str() != "-");
    let (name, raw, bar): (String, Box<dyn Read>, Option<ProgressBar>) = match path {
        None => ("<stdin>".to_string(), Box::new(io::stdin().lock()), None),
        Some(path) => {
            let file = File::open(path)?;
            let name = path.display().to_string();
            if io::stderr().is_terminal() {
                let short = path
                    .file_name()
                    .map_or_else(|| name.clone(), |n| n.to_string_lossy().into());
                let bar = progress_bar(file.metadata()?.len(), &short);
                let reader = bar.wrap_read(file);
                (name, Box::new(reader), Some(bar))
            } else {
                (name, Box::new(file), None)
            }
        }
    };
    let (head, raw) = peek(raw, ZSTD_MAGIC.len())?;
    let reader: Box<dyn Read> = if head.starts_with(GZIP_MAGIC) {
        // Multi-member: rotated logs are often several gzip members back to back.
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else if head.starts_with(ZSTD_MAGIC) {
        Box::new(zstd::stream::read::Decoder::new(raw)?)
    } else {
        raw
    };
    Ok(Input { name, reader, bar })
}

/// Reads up to `len` bytes from the front of `reader` and gives them back along with a
/// reader that still yields every byte.
fn peek(mut reader: Box<dyn Read>, len: usize) -> io::Result<(Vec<u8>, Box<dyn Read>)> {
    let mut head = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    head.truncate(filled);
    let chained: Box<dyn Read> = Box::new(io::Cursor::new(head.clone()).chain(reader));
    Ok((head, chained))
}

fn progress_bar(len: u64, name: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(
        "{prefix} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(name.to_string());
    bar
}

/// One line, without its `\n` (and without a `\r` before it).
pub(super) enum Line<'a> {
    Text(&'a [u8]),
    /// A line over [`MAX_LINE`] bytes, skipped; its length in bytes.
    TooLong(u64),
}

/// Splits a reader into lines, reading [`CHUNK`] bytes at a time; memory stays below
/// `MAX_LINE` plus one chunk whatever the input.
pub(super) struct Lines {
    reader: Box<dyn Read>,
    buf: Vec<u8>,
    /// Start of the next line in `buf`.
    start: usize,
    /// End of the bytes read into `buf`.
    end: usize,
    /// Where the search for the next `\n` resumes (bytes before it hold none).
    searched: usize,
    eof: bool,
    /// Bytes of an over-long line dropped so far; `Some` while skipping one.
    skipping: Option<u64>,
    number: u64,
}

impl Lines {
    pub(super) fn new(reader: Box<dyn Read>) -> Lines {
        Lines {
            reader,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            searched: 0,
            eof: false,
            skipping: None,
            number: 0,
        }
    }

    /// The 1-based number of the line last returned.
    pub(super) fn number(&self) -> u64 {
        self.number
    }

    /// The next line and its 1-based number, or `None` at the end of the input.
    pub(super) fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        loop {
            if let Some(at) = memchr::memchr(b'\n', &self.buf[self.searched..self.end]) {
                let line_end = self.searched + at;
                let line = self.start..line_end;
                self.start = line_end + 1;
                self.searched = self.start;
                return Ok(Some(self.emit(line)));
            }
            self.searched = self.end;
            if self.eof {
                if self.start == self.end && self.skipping.is_none() {
                    return Ok(None);
                }
                // The last line has no `\n`.
                let line = self.start..self.end;
                self.start = self.end;
                return Ok(Some(self.emit(line)));
            }
            self.make_room();
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Counts the line at `range` of the buffer and returns it: its text without a final
    /// `\r`, or its length when it was over-long and dropped.
    fn emit(&mut self, range: std::ops::Range<usize>) -> (u64, Line<'_>) {
        self.number += 1;
        if let Some(dropped) = self.skipping.take() {
            return (self.number, Line::TooLong(dropped + range.len() as u64));
        }
        let line = &self.buf[range];
        (
            self.number,
            Line::Text(line.strip_suffix(b"\r").unwrap_or(line)),
        )
    }

    /// Makes room after `end` for the next read: moves the partial line to the front, grows
    /// the buffer for a long line, or starts dropping a line over [`MAX_LINE`].
    fn make_room(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.searched -= self.start;
            self.start = 0;
        }
        if self.end < self.buf.len() {
            return;
        }
        if self.buf.len() < MAX_LINE {
            let grown = (self.buf.len() * 2).min(MAX_LINE);
            self.buf.resize(grown, 0);
            return;
        }
        // No `\n` in MAX_LINE bytes: drop what is held and keep dropping until the next one.
        *self.skipping.get_or_insert(0) += self.end as u64;
        self.end = 0;
        self.searched = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8]) -> Vec<Result<Vec<u8>, u64>> {
        let mut lines = Lines::new(Box::new(io::Cursor::new(bytes.to_vec())));
        let mut all = Vec::new();
        while let Some((_, line)) = lines.next_line().unwrap() {
            all.push(match line {
                Line::Text(text) => Ok(text.to_vec()),
                Line::TooLong(len) => Err(len),
            });
        }
        all
    }

    #[test]
    fn lines_split_on_newlines_with_or_without_a_last_one() {
        assert_eq!(
            lines_of(b"a\r\nb\n\nc"),
            [
                Ok(b"a".to_vec()),
                Ok(b"b".to_vec()),
                Ok(vec![]),
                Ok(b"c".to_vec())
            ]
        );
        assert_eq!(lines_of(b"a\n"), [Ok(b"a".to_vec())]);
        assert!(lines_of(b"").is_empty());
    }

    #[test]
    fn long_lines_grow_the_buffer_and_over_long_ones_are_dropped() {
        let mut input = vec![b'x'; 3 * CHUNK];
        input.push(b'\n');
        input.extend(vec![b'y'; MAX_LINE + 10]);
        input.extend(b"\nend\n");
        input.extend(vec![b'z'; MAX_LINE + 1]);
        let lines = lines_of(&input);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].as_ref().map(Vec::len), Ok(3 * CHUNK));
        assert_eq!(lines[1], Err(MAX_LINE as u64 + 10));
        assert_eq!(lines[2], Ok(b"end".to_vec()));
        assert_eq!(lines[3], Err(MAX_LINE as u64 + 1));
    }
}
