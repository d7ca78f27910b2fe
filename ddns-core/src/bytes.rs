//! The compiled bytes a matcher reads, and who keeps them alive: a `Vec`, static data, or a
//! read-only memory map of a list file. All of the crate's `unsafe` code is here: the map
//! itself, and [`Bytes`], the view that lets the FST and every section share one owner
//! without a lifetime parameter.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::format::{LoadError, LoadErrorKind};

/// Who keeps the compiled bytes alive.
enum Owner {
    Static,
    Owned(#[allow(dead_code)] Vec<u8>),
    #[cfg(feature = "mmap")]
    Mapped(Mapped),
}

/// A mapped list file, with the file kept open and its size and modification time when it
/// was mapped, so that [`Matcher::mapped_file_changed`] can tell a rewrite in place.
#[cfg(feature = "mmap")]
struct Mapped {
    map: memmap2::Mmap,
    file: std::fs::File,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

/// A view of part of the compiled bytes that keeps their owner alive. The FST holds one, so
/// the matcher needs no generic parameter and no self-reference.
#[derive(Clone)]
pub(crate) struct Bytes {
    ptr: *const u8,
    len: usize,
    _owner: Arc<Owner>,
}

// SAFETY: `ptr..ptr+len` lies inside memory that `_owner` keeps alive and never mutates
// (a `Vec` that is never touched again, a read-only map, or static data), so the view can
// be sent to and shared by any thread, like `&[u8]`.
unsafe impl Send for Bytes {}
unsafe impl Sync for Bytes {}

impl Bytes {
    pub(crate) fn from_static(bytes: &'static [u8]) -> Bytes {
        Bytes {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
            _owner: Arc::new(Owner::Static),
        }
    }

    pub(crate) fn owned(bytes: Vec<u8>) -> Bytes {
        Bytes {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
            _owner: Arc::new(Owner::Owned(bytes)),
        }
    }

    #[cfg(feature = "mmap")]
    fn mapped(mapped: Mapped) -> Bytes {
        Bytes {
            ptr: mapped.map.as_ptr(),
            len: mapped.map.len(),
            _owner: Arc::new(Owner::Mapped(mapped)),
        }
    }

    pub(crate) fn slice(&self, range: Range<usize>) -> Bytes {
        let part = &self.as_ref()[range];
        Bytes {
            ptr: part.as_ptr(),
            len: part.len(),
            _owner: self._owner.clone(),
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: see the `Send`/`Sync` note: the memory is alive while `self` is, and the
        // heap buffer of a `Vec` or the pages of a map do not move when their owner moves.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Bytes {
    /// Opens the list file at `path` and maps it read-only; the file stays open, with its
    /// size and modification time noted, for [`Bytes::mapped_file_changed`].
    #[cfg(feature = "mmap")]
    pub(crate) fn map_file(path: &Path) -> Result<Bytes, LoadError> {
        let io = |err| LoadError::new(LoadErrorKind::Io(err));
        let file = open_regular(path)?;
        let metadata = file.metadata().map_err(io)?;
        if metadata.len() == 0 {
            // An empty file cannot be mapped; report it like any short file.
            return Err(LoadError::new(LoadErrorKind::TooShort { found: 0 }));
        }
        // SAFETY: the map is read-only. Another process truncating or rewriting the file
        // in place while it is mapped is outside our control (`Matcher::open` says so).
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Ok(Bytes::mapped(Mapped {
            map,
            file,
            len: metadata.len(),
            modified: metadata.modified().ok(),
        }))
    }

    /// Reads the list file at `path` whole (the build without memory maps).
    #[cfg(not(feature = "mmap"))]
    pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, LoadError> {
        use std::io::Read;
        let mut bytes = Vec::new();
        open_regular(path)?
            .read_to_end(&mut bytes)
            .map_err(|err| LoadError::new(LoadErrorKind::Io(err)))?;
        Ok(bytes)
    }

    /// Tells the kernel that this process does not need the pages of `range` of a mapped
    /// file for now (`madvise(MADV_DONTNEED)`): they leave its resident set and stay in the
    /// page cache, and a later read faults them back in from the file. Loading reads every
    /// page once for the checksum; this gives back those of sections lookups never read
    /// (the FST), so a mapped list costs resident memory only for what lookups touch.
    /// Nothing happens to bytes that are not mapped, or when the kernel refuses.
    pub(crate) fn release(&self, range: Range<usize>) {
        #[cfg(feature = "mmap")]
        if let Owner::Mapped(mapped) = &*self._owner
            && let Some(offset) =
                (self.ptr as usize + range.start).checked_sub(mapped.map.as_ptr() as usize)
            && offset + range.len() <= mapped.map.len()
        {
            // SAFETY: the map is a shared, read-only map of a file (`Mmap::map`). Dropping
            // its pages from this process changes no byte it reads: the next read of one
            // faults the same file page back in. (The file being rewritten in place is the
            // hazard `Matcher::open` documents for every read of the map, not a new one.)
            // The range lies inside the map, checked above; memmap2 aligns it to pages.
            let _ = unsafe {
                mapped.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    offset,
                    range.len(),
                )
            };
        }
        #[cfg(not(feature = "mmap"))]
        let _ = range;
    }

    /// Whether the mapped file these bytes come from has another size or modification time
    /// than when it was mapped (see `Matcher::mapped_file_changed`); `false` for bytes that
    /// are not mapped, `true` when the file cannot be examined.
    pub(crate) fn mapped_file_changed(&self) -> bool {
        match &*self._owner {
            #[cfg(feature = "mmap")]
            Owner::Mapped(mapped) => match mapped.file.metadata() {
                Ok(now) => now.len() != mapped.len || now.modified().ok() != mapped.modified,
                Err(_) => true,
            },
            _ => false,
        }
    }
}

/// Opens `path` for [`Matcher::open`], refusing anything but a regular file (after symlinks):
/// opening a FIFO would wait for a writer, and a device would be mapped or read without end.
fn open_regular(path: &Path) -> Result<std::fs::File, LoadError> {
    let io = |err| LoadError::new(LoadErrorKind::Io(err));
    let not_regular = |kind: std::fs::FileType| {
        let what = if kind.is_dir() {
            "a directory"
        } else {
            "a FIFO, socket or device"
        };
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not a regular file ({what})"),
        ))
    };
    // Checked before opening, since opening a FIFO waits for a writer; and again on the
    // opened file, in case the path was replaced in between.
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(not_regular(kind));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let kind = file.metadata().map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(not_regular(kind));
    }
    Ok(file)
}
