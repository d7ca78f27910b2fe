//! `ddns verify`: every check a list file can get, one line per file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::failure::Failure;
use crate::list_file::{self, refuse_stdin_twice};
use crate::output::counted;

/// Checks each file; prints `FILE: ok, N providers, M entries` or the error, and keeps
/// going. Exit status 0 when every file is good, 2 otherwise (which a closed standard
/// output does not change).
pub(crate) fn verify(files: &[PathBuf]) -> ExitCode {
    if let Err(Failure(message)) = refuse_stdin_twice(files) {
        warn!("ddns: {message}");
        return ExitCode::from(2);
    }
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in files {
        match list_file::load(path) {
            Ok(matcher) => {
                let _ = writeln!(
                    out,
                    "{}: ok, {}, {}",
                    list_file::input_name(path),
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
