//! Compiles the default catalog (`data/catalog/*.toml`) into the list embedded in the crate,
//! with the same code the library uses at run time: the modules below are the library's own
//! source files.
//!
//! So these seven files (catalog, compile, filter, format, name, table, value) are built
//! twice, here and in the library, and may only use each other, std and the crate's
//! dependencies: never `matcher.rs` or anything `lib.rs` adds. A new module they need must
//! be listed here too.

#![allow(dead_code)]

#[path = "src/catalog.rs"]
mod catalog;
#[path = "src/compile.rs"]
mod compile;
#[path = "src/filter.rs"]
mod filter;
#[path = "src/format.rs"]
mod format;
#[path = "src/name.rs"]
mod name;
#[path = "src/table.rs"]
mod table;
#[path = "src/value.rs"]
mod value;

use std::path::{Path, PathBuf};

fn main() {
    let dir = Path::new("data/catalog");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no catalog files in {}", dir.display());

    let mut catalog = catalog::Catalog::new();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let part = catalog::Catalog::read(file).unwrap_or_else(|err| panic!("{err}"));
        catalog.merge(part).unwrap_or_else(|err| panic!("{err}"));
    }
    let options = compile::CompileOptions {
        reject_redundant: true,
    };
    let bytes = compile::compile(&catalog, &options).unwrap_or_else(|err| panic!("{err}"));
    format::read_layout(&bytes, true).expect("the compiled default list reads back");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("default.ddns"), bytes).expect("write default.ddns");

    // Compiled lists do not hold a provider's operator (brand grouping), so the default
    // catalog's are embedded as a table of their own, sorted by provider id.
    let mut operators: Vec<(&str, &str)> = catalog
        .providers()
        .iter()
        .filter_map(|p| Some((p.id.as_str(), p.operator.as_deref()?)))
        .collect();
    operators.sort_unstable();
    let table: String = operators
        .iter()
        .map(|(id, operator)| format!("({id:?}, {operator:?}),\n"))
        .collect();
    std::fs::write(out.join("operators.rs"), format!("&[\n{table}]\n"))
        .expect("write operators.rs");
}
