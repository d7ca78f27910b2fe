//! Hostile arguments through the C ABI: lengths no buffer can have, a batch count no array
//! can hold, a catalog without entries, a FIFO given as a list path. Each gets a status and,
//! for loads, a message; none reads memory it was not given, blocks, or panics.

use std::ffi::{CStr, CString};

use ddns::*;

fn last_error() -> String {
    // SAFETY: ddns_last_error returns a NUL-terminated string owned by this thread.
    unsafe { CStr::from_ptr(ddns_last_error()) }
        .to_string_lossy()
        .into_owned()
}

fn default_matcher() -> *mut ddns_matcher {
    let mut matcher = std::ptr::null_mut();
    // SAFETY: out is writable.
    assert_eq!(unsafe { ddns_matcher_new_default(&mut matcher) }, DDNS_OK);
    matcher
}

/// Over `isize::MAX`: no object is that large, so no such (pointer, length) pair is real.
const TOO_LONG: usize = isize::MAX as usize + 1;

#[test]
fn a_length_over_isize_max_is_an_invalid_argument_and_nothing_is_read() {
    let matcher = default_matcher();
    // A live pointer with a length it cannot have: the call must refuse before reading.
    let name = b"x7.duckdns.org";
    let mut found = ddns_match::default();
    type Find =
        unsafe extern "C" fn(*const ddns_matcher, *const u8, usize, *mut ddns_match) -> ddns_status;
    let finds: [(&str, Find); 3] = [
        ("find", ddns_matcher_find),
        ("find_host", ddns_matcher_find_host),
        ("find_wire", ddns_matcher_find_wire),
    ];
    for (call, find) in finds {
        // SAFETY: the library must not read past `name` for a length it refuses.
        let status = unsafe { find(matcher, name.as_ptr(), TOO_LONG, &mut found) };
        assert_eq!(status, DDNS_ERR_INVALID_ARG, "{call}");
    }
    let mut out = std::ptr::null_mut();
    // SAFETY: as above.
    let status = unsafe { ddns_matcher_from_bytes(name.as_ptr(), TOO_LONG, &mut out) };
    assert_eq!(status, DDNS_ERR_INVALID_ARG);
    assert!(out.is_null());
    // SAFETY: as above.
    let status =
        unsafe { ddns_matcher_from_catalog(name.as_ptr(), TOO_LONG, DDNS_CATALOG_LIST, &mut out) };
    assert_eq!(status, DDNS_ERR_INVALID_ARG);
    assert!(out.is_null());
    // SAFETY: the handle came from ddns_matcher_new_default.
    unsafe { ddns_matcher_free(matcher) };
}

#[test]
fn a_batch_with_a_count_no_array_can_hold_is_refused_and_a_too_long_name_is_flagged() {
    let matcher = default_matcher();
    let names = [
        ddns_name {
            ptr: b"x7.duckdns.org".as_ptr(),
            len: 14,
        },
        ddns_name {
            ptr: b"x7.duckdns.org".as_ptr(),
            len: TOO_LONG,
        },
    ];
    let mut results = [ddns_match::default(); 2];
    // SAFETY: the library must refuse the count before forming a slice of it.
    let status = unsafe {
        ddns_matcher_find_batch(
            matcher,
            names.as_ptr(),
            usize::MAX / 2,
            DDNS_INPUT_NAME,
            results.as_mut_ptr(),
        )
    };
    assert_eq!(status, DDNS_ERR_INVALID_ARG);
    // SAFETY: two names and two results; the second name's length must not be used.
    let status = unsafe {
        ddns_matcher_find_batch(
            matcher,
            names.as_ptr(),
            2,
            DDNS_INPUT_NAME,
            results.as_mut_ptr(),
        )
    };
    assert_eq!(status, DDNS_OK);
    assert_eq!(results[0].verdict, DDNS_VERDICT_BLOCK);
    assert_eq!(results[1].verdict, DDNS_VERDICT_NONE);
    assert_eq!(results[1].flags, DDNS_MATCH_INVALID_INPUT);
    // SAFETY: the handle came from ddns_matcher_new_default.
    unsafe { ddns_matcher_free(matcher) };
}

#[test]
fn a_catalog_without_entries_is_refused_as_the_command_refuses_it() {
    for text in ["# nothing listed yet\n", "\n\n", "[meta]\n"] {
        let format = if text.starts_with('[') {
            DDNS_CATALOG_TOML
        } else {
            DDNS_CATALOG_LIST
        };
        let mut out = std::ptr::null_mut();
        // SAFETY: text is live for the call; out is writable.
        let status =
            unsafe { ddns_matcher_from_catalog(text.as_ptr(), text.len(), format, &mut out) };
        let message = last_error();
        if status == DDNS_ERR_CATALOG {
            // A TOML catalog may be refused earlier, as not a catalog at all.
            continue;
        }
        assert_eq!(status, DDNS_ERR_BUILD, "{text:?}: {message}");
        assert!(out.is_null());
        assert!(message.contains("no entries"), "{text:?}: {message}");
    }
}

#[test]
fn opening_a_fifo_says_it_is_not_a_regular_file_instead_of_waiting_for_a_writer() {
    let dir = std::env::temp_dir().join(format!("ddns-hostile-calls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("list.ddns");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo (coreutils)");
    assert!(made.success());
    let path = CString::new(fifo.to_str().unwrap()).unwrap();
    // With no writer, opening the FIFO for reading would block forever; the library must
    // look before it opens. A thread keeps a regression from hanging the test run.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = std::ptr::null_mut();
        // SAFETY: path is NUL-terminated; out is writable.
        let status = unsafe { ddns_matcher_open(path.as_ptr(), &mut out) };
        let _ = sender.send((status, last_error(), out.is_null()));
    });
    let (status, message, no_matcher) = receiver
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("ddns_matcher_open on a FIFO returned within 20 s");
    assert_eq!(status, DDNS_ERR_IO, "{message}");
    assert!(no_matcher);
    assert!(message.contains("not a regular file"), "{message}");
    assert!(message.contains("list.ddns"), "{message}");
    let dir_path = CString::new(dir.to_str().unwrap()).unwrap();
    let mut out = std::ptr::null_mut();
    // SAFETY: dir_path is NUL-terminated; out is writable.
    let status = unsafe { ddns_matcher_open(dir_path.as_ptr(), &mut out) };
    assert_eq!(status, DDNS_ERR_IO);
    assert!(last_error().contains("not a regular file (a directory)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_mapped_list_rewritten_in_place_is_reported_and_one_replaced_by_rename_is_not() {
    let dir = std::env::temp_dir().join(format!("ddns-file-changed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("live.ddns");
    let catalog = ddns_core::Catalog::parse(
        "duckdns.org duckdns\n",
        ddns_core::CatalogFormat::List,
        "live.txt",
    )
    .unwrap();
    let bytes = ddns_core::MatcherBuilder::new().compile(&catalog).unwrap();
    let mut built = std::ptr::null_mut();
    // SAFETY: bytes is live for the call; built is writable; freed once below.
    unsafe {
        let status = ddns_matcher_from_bytes(bytes.as_ptr(), bytes.len(), &mut built);
        assert_eq!(status, DDNS_OK);
        assert!(!ddns_matcher_file_changed(built));
        ddns_matcher_free(built);
    }
    std::fs::write(&list, &bytes).unwrap();
    let path = CString::new(list.to_str().unwrap()).unwrap();
    let mut live = std::ptr::null_mut();
    // SAFETY: path is NUL-terminated; live is writable.
    assert_eq!(
        unsafe { ddns_matcher_open(path.as_ptr(), &mut live) },
        DDNS_OK
    );
    // SAFETY: live is a handle from ddns_matcher_open until it is freed below.
    unsafe {
        assert!(!ddns_matcher_file_changed(live));
        // A new file renamed over the path leaves the mapped file as it was.
        let next = dir.join("next.ddns");
        std::fs::write(&next, &bytes).unwrap();
        std::fs::rename(&next, &list).unwrap();
        assert!(!ddns_matcher_file_changed(live));
        ddns_matcher_free(live);
    }
    // SAFETY: as above.
    assert_eq!(
        unsafe { ddns_matcher_open(path.as_ptr(), &mut live) },
        DDNS_OK
    );
    // Appended to in place, as a `cat >>` would (no lookup touches the changed pages).
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&list)
        .unwrap();
    std::io::Write::write_all(&mut file, b"\n").unwrap();
    // SAFETY: live is a handle from ddns_matcher_open, freed once.
    unsafe {
        assert!(ddns_matcher_file_changed(live));
        ddns_matcher_free(live);
        assert!(!ddns_matcher_file_changed(std::ptr::null()));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
