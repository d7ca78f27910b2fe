//! `ddns compile`: catalogs in, one compiled list file out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ddns_core::{Catalog, MatcherBuilder};

use crate::failure::Failure;
use crate::list_file::{ListFile, NO_ENTRIES, refuse_stdin_twice};
use crate::output::{counted, output_name, write_atomically};

pub(crate) fn compile(
    inputs: &[PathBuf],
    output: &Path,
    strict: bool,
) -> Result<ExitCode, Failure> {
    refuse_stdin_twice(inputs)?;
    let mut catalog = Catalog::new();
    for input in inputs {
        let file = ListFile::read(input)?;
        if file.is_compiled() {
            return Err(Failure(format!(
                "{}: already a compiled list; give the catalogs it was compiled from",
                file.name
            )));
        }
        catalog.merge(file.catalog()?)?;
    }
    if catalog.entry_count() == 0 {
        let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure(format!("{}: {NO_ENTRIES}", inputs.join(", "))));
    }
    let matcher = MatcherBuilder::new()
        .reject_redundant(strict)
        .build(&catalog)?;
    let bytes = matcher.as_bytes();
    write_atomically(output, bytes)?;
    warn!(
        "ddns: wrote {}: {}, {}, {}",
        output_name(output),
        counted(matcher.providers().len() as u64, "provider"),
        counted(matcher.entry_count(), "entry"),
        counted(bytes.len() as u64, "byte")
    );
    Ok(ExitCode::SUCCESS)
}
