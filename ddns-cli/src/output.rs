//! Helpers every command's output goes through: showing untrusted bytes safely and replacing
//! files atomically.

use std::path::{Path, PathBuf};

use crate::Failure;

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

/// Writes `bytes` next to `path` and renames the result over it, so a process reading (or
/// memory-mapping) the old file never sees a half-written one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(Failure(format!("{}: cannot write: {err}", path.display())));
    }
    Ok(())
}
