//! Reading list files (`--list`, `ddns compile` inputs, `ddns verify`): each path is opened
//! once and read whole into memory, whatever it is (a regular file, a pipe, `/dev/stdin`, a
//! FIFO, or `-` for standard input), and what it holds decides how it is read: a compiled
//! list by its magic, else a catalog in the format the path's extension names.
//!
//! Opening a path twice, once to sniff the magic and once to load, would lose the sniffed
//! bytes of a pipe. Memory-mapping the file instead of reading it would let anyone who
//! rewrites it in place (`cp`, `curl -o`, `truncate`) kill the command with SIGBUS or change
//! its answers mid-run; a command reads and checks the whole list anyway.

use std::io::Read;
use std::path::Path;

use ddns_core::{Catalog, CatalogFormat, MAGIC, Matcher};

use crate::failure::Failure;

/// How messages name standard input, as `ddns scan` does.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Why a list without entries is refused.
pub(crate) const NO_ENTRIES: &str = "no entries: a list without entries matches nothing";

/// Whether `path` names standard input (`-`).
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How messages name the input at `path`.
pub(crate) fn input_name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// The whole contents of one list file.
pub(crate) struct ListFile {
    /// How messages name it: the path as given, or [`STDIN_NAME`].
    pub name: String,
    /// The format a catalog in it is read in: from the path's extension, a plain list for
    /// standard input.
    pub format: CatalogFormat,
    pub bytes: Vec<u8>,
}

/// The most a list file may hold. The largest lists the format is built for (ten million
/// entries) compile to about 1.1 GB; a source that goes on past this (`/dev/zero`, a
/// runaway pipe) is refused instead of filling memory.
pub(crate) const MAX_LIST_BYTES: u64 = 4 << 30;

/// How much of a list file is read before deciding whether it can be a list at all.
const SNIFF: u64 = 64 << 10;

impl ListFile {
    /// Reads `path` (standard input for `-`) to its end, opening it once.
    pub(crate) fn read(path: &Path) -> Result<ListFile, Failure> {
        let name = input_name(path);
        let (format, bytes) = if is_stdin(path) {
            let bytes = read_bounded(std::io::stdin().lock(), &name)?;
            (CatalogFormat::List, bytes)
        } else {
            let file = std::fs::File::open(path)
                .map_err(|err| Failure(format!("{name}: cannot open: {err}")))?;
            (CatalogFormat::from_path(path), read_bounded(file, &name)?)
        };
        Ok(ListFile {
            name,
            format,
            bytes,
        })
    }

    /// Whether the bytes start with the magic of a compiled list.
    pub(crate) fn is_compiled(&self) -> bool {
        self.bytes.starts_with(&MAGIC)
    }

    /// The catalog the bytes hold.
    pub(crate) fn catalog(&self) -> Result<Catalog, Failure> {
        Ok(Catalog::parse_bytes(&self.bytes, self.format, &self.name)?)
    }

    /// A compiled list, checked completely (index included: a list given on the command line
    /// may come from anywhere), or a catalog, built. A list without entries is refused: it
    /// would silently match nothing, and is far more often a truncated download or the wrong
    /// file than what was meant.
    pub(crate) fn into_matcher(self) -> Result<Matcher, Failure> {
        let name = self.name.clone();
        let matcher = if self.is_compiled() {
            let matcher =
                Matcher::from_bytes(self.bytes).map_err(|err| Failure(format!("{name}: {err}")))?;
            matcher
                .verify()
                .map_err(|err| Failure(format!("{name}: {err}")))?;
            matcher
        } else {
            Matcher::new(&self.catalog()?)?
        };
        if matcher.entry_count() == 0 {
            return Err(Failure(format!("{name}: {NO_ENTRIES}")));
        }
        Ok(matcher)
    }
}

/// Reads `reader` to its end, at most [`MAX_LIST_BYTES`]. Binary data that is no compiled
/// list (a NUL byte in the first 64 KiB without the magic: `/dev/zero`, `/dev/urandom`, a
/// wrong file) is refused after those first 64 KiB, since no catalog holds a NUL byte.
fn read_bounded(reader: impl Read, name: &str) -> Result<Vec<u8>, Failure> {
    let cannot_read = |err: std::io::Error| Failure(format!("{name}: cannot read: {err}"));
    let mut reader = reader.take(MAX_LIST_BYTES + 1);
    let mut bytes = Vec::new();
    (&mut reader)
        .take(SNIFF)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if !bytes.starts_with(&MAGIC) && bytes.contains(&0) {
        return Err(Failure(format!(
            "{name}: binary data (a NUL byte) and not a compiled list: not a list or a catalog"
        )));
    }
    reader.read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_LIST_BYTES {
        return Err(Failure(format!(
            "{name}: larger than {} GiB: not a list file",
            MAX_LIST_BYTES >> 30
        )));
    }
    Ok(bytes)
}

/// Reads and loads the list file at `path` (see [`ListFile::into_matcher`]).
pub(crate) fn load(path: &Path) -> Result<Matcher, Failure> {
    ListFile::read(path)?.into_matcher()
}

/// Refuses `-` given more than once among `paths`: the first would read standard input to
/// its end and leave the others nothing.
pub(crate) fn refuse_stdin_twice(paths: &[std::path::PathBuf]) -> Result<(), Failure> {
    if paths.iter().filter(|path| is_stdin(path)).count() > 1 {
        return Err(Failure(
            "-: standard input can be given only once: it is read to its end".into(),
        ));
    }
    Ok(())
}
