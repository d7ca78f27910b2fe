//! A memory-mapped list file and what happens to it on disk: replaced by rename (the safe way)
//! or rewritten in place, which `Matcher::mapped_file_changed` reports. No test looks anything
//! up in a map whose file was rewritten: that is what kills a process.

#![cfg(feature = "mmap")]

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use ddns_core::{Catalog, CatalogFormat, Matcher, ReloadableMatcher};

fn compiled(text: &str) -> Vec<u8> {
    let catalog = Catalog::parse(text, CatalogFormat::List, "list.txt").unwrap();
    Matcher::new(&catalog).unwrap().as_bytes().to_vec()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("ddns-core-mapped-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

/// Writes `bytes` to `path` with a modification time an hour ago, so that any later write
/// gives it another one whatever the file system's timestamp granularity.
fn write_old(path: &std::path::Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
}

#[test]
fn a_list_replaced_by_rename_is_not_a_change_and_the_old_matcher_keeps_answering() {
    let directory = scratch("rename");
    let path = directory.join("live.ddns");
    write_old(&path, &compiled("one.example a\n"));
    let live = ReloadableMatcher::new(Matcher::open(&path).unwrap());
    assert!(!live.load().mapped_file_changed());

    let next = directory.join("next.ddns");
    std::fs::write(&next, compiled("two.example b\n")).unwrap();
    std::fs::rename(&next, &path).unwrap();
    // The old matcher still maps the old file, untouched.
    assert!(!live.load().mapped_file_changed());
    assert!(live.load().is_match("x.one.example"));

    let old = live.replace(Matcher::open(&path).unwrap());
    assert!(!old.mapped_file_changed());
    assert!(old.is_match("x.one.example"));
    assert!(live.load().is_match("x.two.example"));
    assert!(!live.load().mapped_file_changed());
}

#[test]
fn a_mapped_list_overwritten_at_the_same_size_is_reported_changed() {
    let directory = scratch("overwrite");
    let path = directory.join("live.ddns");
    let bytes = compiled("one.example a\n");
    write_old(&path, &bytes);
    let matcher = Matcher::open(&path).unwrap();
    assert!(!matcher.mapped_file_changed());
    // What `cp other.ddns live.ddns` does with a list of the same length, without the
    // truncation: the same bytes, so that lookups stay valid if one ever ran.
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    assert!(matcher.mapped_file_changed());
}

#[test]
fn a_mapped_list_truncated_in_place_is_reported_changed() {
    let directory = scratch("truncate");
    let path = directory.join("live.ddns");
    let bytes = compiled("one.example a\n");
    write_old(&path, &bytes);
    let matcher = Matcher::open(&path).unwrap();
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    // Only the file's size and time are read; the map is not touched.
    assert!(matcher.mapped_file_changed());
    drop(matcher);

    // Bytes owned by the matcher never count as a mapped file.
    let owned = Matcher::from_bytes(bytes).unwrap();
    std::fs::write(&path, b"").unwrap();
    assert!(!owned.mapped_file_changed());
    assert!(!Matcher::default_ref().mapped_file_changed());
}

#[test]
fn a_mapped_list_whose_fst_pages_were_given_back_verifies_and_answers_like_the_bytes() {
    // Large enough that its FST spans many pages, which `open` gives back to the kernel
    // after the checksum; `verify` reads them again.
    let text: String = (0..40_000)
        .map(|i| format!("host{i}.dyn{}.example provider{}\n", i % 97, i % 7))
        .collect();
    let bytes = compiled(&text);
    let directory = scratch("released");
    let path = directory.join("list.ddns");
    std::fs::write(&path, &bytes).unwrap();
    let mapped = Matcher::open(&path).unwrap();
    let owned = Matcher::from_bytes(bytes).unwrap();
    mapped.verify().unwrap();
    assert_eq!(mapped.as_bytes(), owned.as_bytes());
    assert!(mapped.entries().eq(owned.entries()));
    for i in (0..40_000).step_by(7) {
        let name = format!("cam.host{i}.dyn{}.example", i % 97);
        let found = mapped.find(&name).unwrap();
        assert_eq!(Some(found), owned.find(&name));
    }
    assert_eq!(mapped.find("host1.dyn2.example"), None);
    let _ = std::fs::remove_dir_all(&directory);
}
