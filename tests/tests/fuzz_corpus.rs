//! Replays every input kept under fuzz/ (the minimised corpus of each target and every
//! saved finding in fuzz/regressions/) through the same checks the fuzz targets make, so
//! that each finding stays a regression test under plain `cargo test`, without cargo-fuzz
//! or a sanitizer. The long runs themselves: scripts/fuzz.sh and docs/reliability.md.

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::path::PathBuf;

use ddns_core::Matcher;
use ddns_tests::repo_root;

/// The files of fuzz/corpus/TARGET and fuzz/regressions/TARGET.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for kind in ["corpus", "regressions"] {
        let dir = repo_root().join("fuzz").join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path, bytes));
            }
        }
    }
    assert!(
        found.len() >= 3,
        "fuzz/corpus/{target} lost its seeds ({} files)",
        found.len()
    );
    found
}

#[test]
fn the_lookup_corpus_answers_like_the_reference() {
    let matcher = Matcher::default_ref();
    let reference = checks::Reference::of(matcher);
    for (path, data) in inputs("lookup") {
        // Shown with the failure: which file it was.
        eprintln!("{}", path.display());
        let names: Vec<&[u8]> = data.split(|&b| b == b'\n').take(64).collect();
        checks::check_all(matcher, &reference, &data);
        for name in &names {
            checks::check_all(matcher, &reference, name);
        }
        checks::check_batch(&names);
    }
}

#[test]
fn the_load_corpus_loads_consistently_or_is_refused() {
    let mut loaded = 0;
    for (path, data) in inputs("load") {
        eprintln!("{}", path.display());
        checks::check_list(&data);
        if let Some(fixed) = checks::with_valid_checksum(&data) {
            checks::check_list(&fixed);
        }
        loaded += usize::from(Matcher::from_bytes(data).is_ok());
    }
    // The seeds are real lists: some of the corpus must load.
    assert!(loaded > 0);
}

#[test]
fn the_catalog_corpus_round_trips_and_builds_consistently() {
    for (path, data) in inputs("catalog") {
        eprintln!("{}", path.display());
        checks::check_catalog_text(&String::from_utf8_lossy(&data));
    }
}
