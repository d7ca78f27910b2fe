//! Opening a log: a file or standard input, gzip, zstd or plain. [`crate::lines`] then reads
//! it line by line in bounded memory.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

/// Lines longer than this are skipped (and reported) without being held in memory, so a
/// scan's memory does not grow with its input. Real log lines are far shorter.
pub(super) const MAX_LINE: usize = 16 << 20;

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
