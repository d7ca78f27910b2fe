//! `ddns compile`: catalogs in, one compiled list file out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ddns_core::{Catalog, CatalogFormat, MatcherBuilder};

use crate::output::write_atomically;
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
    let matcher = MatcherBuilder::new()
        .reject_redundant(strict)
        .build(&catalog)?;
    let bytes = matcher.as_bytes();
    write_atomically(output, bytes)?;
    eprintln!(
        "ddns: wrote {}: {} providers, {} entries, {} bytes",
        output.display(),
        matcher.providers().len(),
        matcher.entry_count(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
