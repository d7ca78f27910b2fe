//! Helpers every command's output goes through: showing untrusted bytes safely and replacing
//! files atomically.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// Bytes as text a terminal shows safely: printable ASCII as is, the rest escaped.
pub(crate) fn shown(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => bytes.escape_ascii().to_string(),
    }
}

/// `count` with `noun`, plural unless it is one: "1 provider", "5 entries".
pub(crate) fn counted(count: u64, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        _ => format!("{count} {noun}s"),
    }
}

/// A diagnostic cut to a few hundred characters: a message quoting a hostile megabyte-long
/// token stays one readable line, and says how long it was.
///
/// ddns-core's own errors already quote a bad domain as a 60-character excerpt
/// (`name::excerpt`, private to that crate). This cuts a whole message instead, such as an
/// import parser's, which may quote a line of any length; it is kept here rather than added
/// to ddns-core's public API, which is for matching.
pub(crate) fn cut_message(message: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 240;
    match message.char_indices().nth(SHOWN) {
        None => message.into(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &message[..cut], message.len()).into(),
    }
}

/// How messages name an output path: `-` is standard output.
pub(crate) fn output_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdout>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Writes `bytes` to the output `path` of `-o`, so that a process reading (or
/// memory-mapping) the old file never sees a half-written one:
///
/// - `-` is standard output;
/// - a symbolic link is followed to its final target (a relative link read against the
///   directory it lies in), and the target is replaced; the links stay as they are;
/// - a regular file, or a path where nothing is yet, is written as a new file beside it
///   (created exclusively, so a link planted at that name is never followed), synced, and
///   renamed over it; the directory is synced after. A replaced file's permission bits are
///   kept (a read-only list stays read-only); its owner becomes whoever runs the command.
///   The temporary file is removed on any failure;
/// - a character device (`/dev/null`), FIFO or socket is written into as it is, never
///   replaced;
/// - a directory or a block device is refused.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
        return Ok(());
    }
    let shown = path.display();
    let target = final_target(path)
        .map_err(|err| Failure(format!("{shown}: cannot follow the link: {err}")))?;
    // Names the target too when it is not the path given.
    let cannot = |what: &str, err: io::Error| {
        if target == path {
            Failure(format!("{shown}: cannot {what}: {err}"))
        } else {
            Failure(format!(
                "{shown}: cannot {what} {}: {err}",
                target.display()
            ))
        }
    };
    let mode = match std::fs::metadata(&target) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(cannot("write", err)),
        Ok(metadata) => {
            let kind = metadata.file_type();
            if kind.is_dir() {
                return Err(Failure(format!(
                    "{shown}: is a directory; name a file to write"
                )));
            }
            if kind.is_block_device() {
                return Err(Failure(format!(
                    "{shown}: is a block device; name a file to write"
                )));
            }
            if !kind.is_file() {
                // A character device, FIFO or socket: write into it, never replace it.
                return write_into(&target, bytes).map_err(|err| cannot("write", err));
            }
            Some(metadata.permissions().mode() & 0o7777)
        }
    };
    replace(&target, bytes, mode).map_err(|err| cannot("write", err))
}

/// The most links followed before giving up, as Linux's own limit for a path.
const MAX_LINKS: usize = 40;

/// `path` with symbolic links followed until what it names is not a link (or does not
/// exist). A relative link is read against the link's own directory.
fn final_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(directory) if link.is_relative() => directory.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row"
    )))
}

/// Writes `bytes` into what `path` names (a device, a FIFO), without creating or
/// truncating anything.
fn write_into(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Writes `bytes` to a new file in `target`'s directory and renames it over `target`;
/// `mode` is the permission bits to give it (else the default for a new file).
fn replace(target: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let directory = match target.parent() {
        Some(directory) if !directory.as_os_str().is_empty() => directory,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?;
    let (temporary, mut file) = create_temporary(directory, name)?;
    let written = (|| {
        if let Some(mode) = mode {
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, target)
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(err);
    }
    // The rename is durable once the directory is.
    File::open(directory)?.sync_all()
}

/// A new file beside `name` in `directory`, named `.NAME.PID.N.tmp`, created exclusively: an
/// existing file or link of that name is never opened, the next number is tried instead.
fn create_temporary(directory: &Path, name: &OsStr) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for attempt in 0..100 {
        let mut temporary = OsString::from(".");
        temporary.push(name);
        temporary.push(format!(".{}.{attempt}.tmp", std::process::id()));
        let temporary = directory.join(temporary);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let directory =
            std::env::temp_dir().join(format!("ddns-cli-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        std::fs::create_dir_all(&directory).unwrap();
        directory
    }

    fn entries(directory: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(directory)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_link_planted_at_the_temporary_name_is_never_followed() {
        let directory = scratch("planted");
        let victim = directory.join("victim");
        std::fs::write(&victim, b"keep me").unwrap();
        let planted = directory.join(format!(".list.ddns.{}.0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let target = directory.join("list.ddns");
        write_atomically(&target, b"new list").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert_eq!(std::fs::read(&target).unwrap(), b"new list");
        assert!(std::fs::symlink_metadata(&planted).unwrap().is_symlink());
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_file() {
        let directory = scratch("failed");
        // A directory that is not empty cannot be renamed over.
        let target = directory.join("occupied");
        std::fs::create_dir_all(target.join("inside")).unwrap();
        assert!(replace(&target, b"new list", None).is_err());
        assert_eq!(entries(&directory), ["occupied"]);
    }

    #[test]
    fn a_loop_of_links_is_an_error_not_a_hang() {
        let directory = scratch("loop");
        let (a, b) = (directory.join("a"), directory.join("b"));
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", &b).unwrap();
        let Err(Failure(message)) = write_atomically(&a, b"new list") else {
            panic!("a loop of links was written through");
        };
        assert!(message.contains("cannot follow the link"), "{message}");
        assert_eq!(entries(&directory), ["a", "b"]);
    }
}
