//! include/ddns.h against the Rust exports of ddns-ffi: prototypes, constants, struct
//! layouts, the exported symbol list, and version numbers. The header is read by bindgen
//! (tests/build.rs); a prototype that drifts from its export stops this file compiling.

#![allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
// header.rs declares the same C functions with its own struct types; they are the same
// symbols, compared field by field below.
#![allow(clashing_extern_declarations)]

mod header {
    include!(concat!(env!("OUT_DIR"), "/header.rs"));
}

#[allow(improper_ctypes)]
mod header_fns {
    use ddns::{ddns_match, ddns_matcher, ddns_name, ddns_provider, ddns_reloadable, ddns_status};
    include!(concat!(env!("OUT_DIR"), "/header_fns.rs"));
}

use ddns::{ddns_match, ddns_matcher, ddns_name, ddns_provider, ddns_reloadable, ddns_status};

include!(concat!(env!("OUT_DIR"), "/abi_checks.rs"));
include!(concat!(env!("OUT_DIR"), "/header_functions.rs"));

use std::collections::BTreeSet;
use std::ffi::CStr;
use std::process::Command;

#[test]
fn every_header_prototype_binds_to_the_rust_export_with_the_same_signature() {
    // The real check happened at compile time; this runs the bindings once and makes sure
    // the header was not read empty.
    bind_every_prototype_to_its_export();
    assert!(HEADER_FUNCTIONS.len() >= 20, "{HEADER_FUNCTIONS:?}");
}

#[test]
fn every_enum_constant_has_the_same_value_in_the_header_and_in_rust() {
    assert!(
        ENUM_CONSTANTS.len() >= 25,
        "bindgen found {} constants",
        ENUM_CONSTANTS.len()
    );
    for (name, header, rust) in ENUM_CONSTANTS {
        assert_eq!(header, rust, "{name}");
    }
    assert_eq!(header::DDNS_OK, 0);
    assert_eq!(ddns::DDNS_ERR_PANIC, 10);
}

#[test]
fn structs_the_caller_allocates_have_the_same_layout_in_c_and_rust() {
    let layouts = struct_layouts();
    for struct_name in ["ddns_match", "ddns_provider", "ddns_name"] {
        assert!(
            layouts.iter().any(|(s, ..)| *s == struct_name),
            "{struct_name} not checked"
        );
    }
    for (name, field, header, rust) in layouts {
        assert_eq!(header, rust, "{name}.{field}");
    }
    // The ABI-1 sizes on 64-bit targets: growing a struct is a new ABI version.
    if cfg!(target_pointer_width = "64") {
        assert_eq!(std::mem::size_of::<header::ddns_match>(), 72);
        assert_eq!(std::mem::size_of::<header::ddns_provider>(), 96);
        assert_eq!(std::mem::size_of::<header::ddns_name>(), 16);
    }
}

#[test]
fn the_shared_library_exports_exactly_the_header_functions() {
    let library = ddns_tests::ddns_library(ddns_tests::LibraryKind::Shared);
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
        .expect("run nm (binutils)");
    assert!(
        out.status.success(),
        "nm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (kind, name) = (parts.nth(1)?, parts.next()?);
            // Code and data symbols; versioning placeholders (kind A) are not exports.
            (kind != "A").then(|| name.to_string())
        })
        .collect();
    let declared: BTreeSet<String> = HEADER_FUNCTIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(exported, declared);
}

#[test]
fn versions_agree_across_cargo_the_header_the_library_and_its_soname() {
    let cargo_version = env!("CARGO_PKG_VERSION");
    let header_version = format!(
        "{}.{}.{}",
        header::DDNS_VERSION_MAJOR,
        header::DDNS_VERSION_MINOR,
        header::DDNS_VERSION_PATCH
    );
    assert_eq!(header_version, cargo_version);
    let string = CStr::from_bytes_with_nul(header::DDNS_VERSION_STRING).unwrap();
    assert_eq!(string.to_str().unwrap(), cargo_version);
    assert_eq!(header::DDNS_ABI_VERSION, ddns::DDNS_ABI_VERSION);
    assert_eq!(ddns::ddns_abi_version(), header::DDNS_ABI_VERSION);
    assert_eq!(header::DDNS_FORMAT_VERSION, ddns_core::FORMAT_VERSION);
    // SAFETY: ddns_version returns a static NUL-terminated string.
    let reported = unsafe { CStr::from_ptr(ddns::ddns_version()) }
        .to_str()
        .unwrap();
    assert_eq!(
        reported,
        format!(
            "ddns {cargo_version} (abi {}, list format {})",
            header::DDNS_ABI_VERSION,
            header::DDNS_FORMAT_VERSION
        )
    );

    let library = ddns_tests::ddns_library(ddns_tests::LibraryKind::Shared);
    let out = Command::new("readelf")
        .arg("-d")
        .arg(&library)
        .output()
        .expect("run readelf");
    let dynamic = String::from_utf8_lossy(&out.stdout);
    let soname = format!("[libddns.so.{}]", header::DDNS_ABI_VERSION);
    assert!(
        dynamic.contains(&soname),
        "SONAME is not {soname}:\n{dynamic}"
    );
}

#[test]
fn the_cdef_region_holds_no_preprocessor_lines_for_luajit() {
    let text = std::fs::read_to_string(ddns_tests::repo_root().join("include/ddns.h")).unwrap();
    let begin = text
        .find("/* ddns:cdef-begin */")
        .expect("cdef-begin marker");
    let end = text.find("/* ddns:cdef-end */").expect("cdef-end marker");
    let region = &text[begin..end];
    for (number, line) in region.lines().enumerate() {
        assert!(
            !line.trim_start().starts_with('#'),
            "line {number} of the cdef region: {line}"
        );
    }
    for function in HEADER_FUNCTIONS {
        assert!(
            region.contains(&format!("{function}(")),
            "{function} is outside the cdef region"
        );
    }
}

#[test]
fn every_declaration_has_a_documentation_block() {
    let text = std::fs::read_to_string(ddns_tests::repo_root().join("include/ddns.h")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for function in HEADER_FUNCTIONS {
        let is_comment = |line: &str| {
            let line = line.trim_start();
            line.starts_with("/*") || line.starts_with('*')
        };
        let declaration = lines
            .iter()
            .position(|line| !is_comment(line) && line.contains(&format!("{function}(")))
            .unwrap_or_else(|| panic!("{function} is not declared"));
        assert!(
            declaration > 0 && lines[declaration - 1].trim_end().ends_with("*/"),
            "{function} has no comment block right above it"
        );
        let opening = (0..declaration)
            .rev()
            .find(|&at| lines[at].trim_start().starts_with("/*"))
            .unwrap();
        let block = lines[opening..declaration].join("\n");
        assert!(
            block.contains("Threads"),
            "{function}'s comment has no Threads line"
        );
        let frees = function.ends_with("_free");
        assert!(
            frees || block.contains("Returns"),
            "{function}'s comment has no Returns line"
        );
        assert!(
            !function.starts_with("ddns_matcher_new") || block.contains("Ownership"),
            "{function}'s comment has no Ownership line"
        );
    }
}
