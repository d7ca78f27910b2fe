//! `ddns compile`: catalogs in, one compiled list file out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ddns_core::{Catalog, CatalogFormat, MatcherBuilder};

use crate::output::{counted, write_atomically};
use crate::{Failure, is_compiled};

pub(crate) fn compile(
    inputs: &[PathBuf],
    output: &Path,
    strict: bool,
) -> Result<ExitCode, Failure> {
    let mut catalog = Catalog::new();
    for input in inputs {
        if is_compiled(input)? {
            return Err(Failure(format!(
                "{}: already a compiled list; give the catalogs it was compiled from",
                input.display()
            )));
        }
        catalog.merge(Catalog::read_as(input, CatalogFormat::from_path(input))?)?;
    }
    if catalog.entry_count() == 0 {
        let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure(format!(
            "{}: {}",
            inputs.join(", "),
            crate::NO_ENTRIES
        )));
    }
    let matcher = MatcherBuilder::new()
        .reject_redundant(strict)
        .build(&catalog)?;
    let bytes = matcher.as_bytes();
    write_atomically(output, bytes)?;
    warn!(
        "ddns: wrote {}: {}, {}, {}",
        output.display(),
        counted(matcher.providers().len() as u64, "provider"),
        counted(matcher.entry_count(), "entry"),
        counted(bytes.len() as u64, "byte")
    );
    Ok(ExitCode::SUCCESS)
}
