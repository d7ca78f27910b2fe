//! `ddns verify`: every check a list file can get, one line per file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::output::counted;
use crate::{Failure, load_file};

/// Checks each file; prints `FILE: ok, N providers, M entries` or the error, and keeps
/// going. Exit status 0 when every file is good, 2 otherwise (which a closed standard
/// output does not change).
pub(crate) fn verify(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        match load_file(path) {
            Ok(matcher) => {
                let _ = writeln!(
                    out,
                    "{}: ok, {}, {}",
                    path.display(),
                    counted(matcher.providers().len() as u64, "provider"),
                    counted(matcher.entry_count(), "entry")
                );
            }
            Err(Failure(message)) => {
                failed = true;
                warn!("ddns: {message}");
            }
        }
    }
    ExitCode::from(if failed { 2 } else { 0 })
}
