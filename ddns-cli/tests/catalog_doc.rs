//! docs/catalog.md shows the providers of the default catalog as `ddns providers --markdown`
//! prints them, between two marker comments; this proves the copy is up to date.
//!
//! To regenerate the table: `cargo run -q -p ddns-cli -- providers --markdown` and paste its
//! output between the markers, or let this test rewrite the file:
//! `DDNS_UPDATE_DOCS=1 cargo test -p ddns-cli --test catalog_doc`.

use std::path::PathBuf;
use std::process::Command;

const BEGIN: &str = "<!-- providers:begin -->\n";
const END: &str = "<!-- providers:end -->";
const REGENERATE: &str = "cargo run -q -p ddns-cli -- providers --markdown";

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/catalog.md")
}

fn providers_markdown() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ddns"))
        .args(["providers", "--markdown"])
        .output()
        .expect("run ddns");
    assert!(
        out.status.success(),
        "ddns providers --markdown failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn catalog_doc_shows_the_providers_table_of_the_default_catalog() {
    let path = doc_path();
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let start = doc
        .find(BEGIN)
        .map(|at| at + BEGIN.len())
        .unwrap_or_else(|| panic!("docs/catalog.md has no line `{}`", BEGIN.trim_end()));
    let end = doc[start..]
        .find(END)
        .map(|at| start + at)
        .unwrap_or_else(|| {
            panic!(
                "docs/catalog.md has no `{END}` after `{}`",
                BEGIN.trim_end()
            )
        });
    assert!(
        doc[..start].contains(REGENERATE),
        "docs/catalog.md must state the command that generates the table: `{REGENERATE}`"
    );

    let table = providers_markdown();
    if doc[start..end] == table {
        return;
    }
    if std::env::var_os("DDNS_UPDATE_DOCS").is_some() {
        let updated = format!("{}{table}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
        return;
    }
    let in_doc: Vec<&str> = doc[start..end].lines().collect();
    let printed: Vec<&str> = table.lines().collect();
    let first_difference = (0..in_doc.len().max(printed.len()))
        .find(|&at| in_doc.get(at) != printed.get(at))
        .map_or_else(
            || "the lines are the same; their endings differ".to_string(),
            |at| {
                format!(
                    "line {} of the table:\n  docs: {}\n  ddns: {}",
                    at + 1,
                    in_doc.get(at).unwrap_or(&"<no line>"),
                    printed.get(at).unwrap_or(&"<no line>")
                )
            },
        );
    panic!(
        "the providers table in docs/catalog.md is out of date. Replace the lines between \
         `{}` and `{END}` with the output of `{REGENERATE}`, or run \
         `DDNS_UPDATE_DOCS=1 cargo test -p ddns-cli --test catalog_doc`.\n\
         First difference: {first_difference}",
        BEGIN.trim_end()
    );
}
