//! Reading any input line by line in bounded memory: the one line reader `ddns scan`,
//! `ddns check` (names on standard input) and `ddns import` share.
//!
//! A [`Lines`] holds at most one line, up to the bound its owner chose, plus the bytes of
//! one read; a longer line is dropped as it streams past and reported by its length only, so
//! memory does not grow with the input, however it is laid out.

use std::io::{self, Read};
use std::ops::Range;

/// Bytes read from the input at a time (the most; a small bound reads less).
const CHUNK: usize = 1 << 20;

/// One line, without its `\n` (and without a `\r` before it).
pub(crate) enum Line<'a> {
    Text(&'a [u8]),
    /// A line over the reader's bound, skipped unread; its length in bytes.
    TooLong(u64),
}

/// Splits a reader into lines. A line of up to `max_line` bytes comes back whole; a longer
/// one as [`Line::TooLong`]. Memory stays below `max_line` plus one read, whatever the input.
pub(crate) struct Lines {
    reader: Box<dyn Read>,
    /// The longest line returned whole.
    max_line: usize,
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
    /// Reads `reader`, returning lines of up to `max_line` bytes whole.
    pub(crate) fn new(reader: Box<dyn Read>, max_line: usize) -> Lines {
        Lines {
            reader,
            max_line,
            // Room for the longest line and its `\n`, or one chunk, whichever is smaller;
            // the buffer grows towards the former as long lines need it.
            buf: vec![0; CHUNK.min(max_line + 1)],
            start: 0,
            end: 0,
            searched: 0,
            eof: false,
            skipping: None,
            number: 0,
        }
    }

    /// The 1-based number of the line last returned.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// The next line and its 1-based number, or `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
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
    fn emit(&mut self, range: Range<usize>) -> (u64, Line<'_>) {
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
    /// the buffer for a long line, or starts dropping a line over the bound.
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
        // The buffer holds the longest line plus its `\n` at most.
        let most = self.max_line + 1;
        if self.buf.len() < most {
            let grown = (self.buf.len() * 2).min(most);
            self.buf.resize(grown, 0);
            return;
        }
        // No `\n` in more than `max_line` bytes: drop what is held and keep dropping until
        // the next one.
        *self.skipping.get_or_insert(0) += self.end as u64;
        self.end = 0;
        self.searched = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8], max_line: usize) -> Vec<Result<Vec<u8>, u64>> {
        let mut lines = Lines::new(Box::new(io::Cursor::new(bytes.to_vec())), max_line);
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
            lines_of(b"a\r\nb\n\nc", 16),
            [
                Ok(b"a".to_vec()),
                Ok(b"b".to_vec()),
                Ok(vec![]),
                Ok(b"c".to_vec())
            ]
        );
        assert_eq!(lines_of(b"a\n", 16), [Ok(b"a".to_vec())]);
        assert!(lines_of(b"", 16).is_empty());
    }

    #[test]
    fn long_lines_grow_the_buffer_and_over_long_ones_are_dropped() {
        const MAX: usize = 16 << 20;
        let mut input = vec![b'x'; 3 * CHUNK];
        input.push(b'\n');
        input.extend(vec![b'y'; MAX + 10]);
        input.extend(b"\nend\n");
        input.extend(vec![b'w'; MAX]);
        input.push(b'\n');
        input.extend(vec![b'z'; MAX + 1]);
        let lines = lines_of(&input, MAX);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0].as_ref().map(Vec::len), Ok(3 * CHUNK));
        assert_eq!(lines[1], Err(MAX as u64 + 10));
        assert_eq!(lines[2], Ok(b"end".to_vec()));
        assert_eq!(lines[3].as_ref().map(Vec::len), Ok(MAX));
        assert_eq!(lines[4], Err(MAX as u64 + 1));
    }

    #[test]
    fn a_small_bound_returns_lines_up_to_it_whole_and_drops_longer_ones() {
        assert_eq!(
            lines_of(b"abcd\nabcde\nab\nabcdefghij", 4),
            [Ok(b"abcd".to_vec()), Err(5), Ok(b"ab".to_vec()), Err(10)]
        );
        // The bound is counted before the `\r` of a CRLF line is taken off.
        assert_eq!(
            lines_of(b"abc\r\nabcd\r\n", 4),
            [Ok(b"abc".to_vec()), Err(5)]
        );
    }
}
