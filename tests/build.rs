//! Reads include/ddns.h with bindgen, twice:
//! - `header.rs`: the header's own types, constants and functions, with bindgen's layout
//!   assertions (what a C compiler sees);
//! - `header_fns.rs`: the header's prototypes only, written against the Rust crate's types,
//!   so each one can be bound to the matching export.
//!
//! From those it writes `abi_checks.rs`: one statement per prototype that only compiles when
//! the Rust export has the same signature, one assertion per enum constant, and per-field
//! offset checks for every struct the caller allocates; and `header_functions.rs`, the list
//! of declared function names.

use std::fmt::Write as _;
use std::path::PathBuf;

use quote::ToTokens;

fn main() {
    let header = PathBuf::from("../include/ddns.h");
    println!("cargo::rerun-if-changed={}", header.display());
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!(
        "cargo::rustc-env=DDNS_TEST_TARGET={}",
        std::env::var("TARGET").expect("TARGET")
    );
    println!(
        "cargo::rustc-env=DDNS_TEST_HOST={}",
        std::env::var("HOST").expect("HOST")
    );

    let full = bindgen::Builder::default()
        .header(header.to_str().expect("UTF-8 path"))
        .allowlist_item("ddns_.*|DDNS_.*")
        .generate()
        .expect("bindgen reads include/ddns.h")
        .to_string();
    std::fs::write(out.join("header.rs"), &full).expect("write header.rs");

    let functions = bindgen::Builder::default()
        .header(header.to_str().expect("UTF-8 path"))
        .allowlist_function("ddns_.*")
        .blocklist_type("ddns_.*")
        .generate()
        .expect("bindgen reads include/ddns.h")
        .to_string();
    std::fs::write(out.join("header_fns.rs"), &functions).expect("write header_fns.rs");

    let mut checks = String::new();
    let mut names = Vec::new();
    checks
        .push_str("/// Binds every prototype of the header to the Rust export of the same name.\n");
    checks.push_str(
        "#[allow(clippy::type_complexity)]\npub fn bind_every_prototype_to_its_export() {\n",
    );
    checks.push_str("    fn same<T>(_header: T, _export: T) {}\n");
    let parsed = syn::parse_file(&functions).expect("bindgen output parses");
    for item in parsed.items {
        let syn::Item::ForeignMod(block) = item else {
            continue;
        };
        for item in block.items {
            let syn::ForeignItem::Fn(function) = item else {
                continue;
            };
            let sig = &function.sig;
            let name = sig.ident.to_string();
            let args: Vec<String> = sig
                .inputs
                .iter()
                .map(|arg| match arg {
                    syn::FnArg::Typed(typed) => typed.ty.to_token_stream().to_string(),
                    syn::FnArg::Receiver(_) => unreachable!("C has no receivers"),
                })
                .collect();
            let output = sig.output.to_token_stream().to_string();
            writeln!(
                checks,
                "    same::<unsafe extern \"C\" fn({}) {output}>(header_fns::{name}, ddns::{name});",
                args.join(", ")
            )
            .unwrap();
            names.push(name);
        }
    }
    checks.push_str("}\n\n");

    checks.push_str(
        "/// Every enum constant of the header next to the Rust constant of the same name.\n",
    );
    checks.push_str("pub const ENUM_CONSTANTS: &[(&str, i64, i64)] = &[\n");
    let mut structs = Vec::new();
    for item in syn::parse_file(&full).expect("bindgen output parses").items {
        match item {
            syn::Item::Const(constant) => {
                let name = constant.ident.to_string();
                let ty = constant.ty.to_token_stream().to_string();
                // Anonymous enums come out typed `_bindgen_ty_N`; macros have plain types.
                if ty.starts_with("_bindgen_ty_") {
                    writeln!(
                        checks,
                        "    (\"{name}\", header::{name} as i64, ddns::{name} as i64),"
                    )
                    .unwrap();
                }
            }
            syn::Item::Struct(item) => {
                let fields: Vec<String> = item
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
                    .collect();
                if !fields.is_empty() && !fields[0].starts_with('_') {
                    structs.push((item.ident.to_string(), fields));
                }
            }
            _ => {}
        }
    }
    checks.push_str("];\n\n");

    checks.push_str("/// (struct, field, offset in the header, offset in Rust), plus sizes and alignments\n/// as fields named `<size>` and `<align>`.\n");
    checks.push_str(
        "pub fn struct_layouts() -> Vec<(&'static str, &'static str, usize, usize)> {\n    vec![\n",
    );
    for (name, fields) in &structs {
        writeln!(checks, "        (\"{name}\", \"<size>\", std::mem::size_of::<header::{name}>(), std::mem::size_of::<ddns::{name}>()),").unwrap();
        writeln!(checks, "        (\"{name}\", \"<align>\", std::mem::align_of::<header::{name}>(), std::mem::align_of::<ddns::{name}>()),").unwrap();
        for field in fields {
            writeln!(checks, "        (\"{name}\", \"{field}\", std::mem::offset_of!(header::{name}, {field}), std::mem::offset_of!(ddns::{name}, {field})),").unwrap();
        }
    }
    checks.push_str("    ]\n}\n\n");

    std::fs::write(out.join("abi_checks.rs"), checks).expect("write abi_checks.rs");
    let list = format!(
        "/// The functions the header declares.\npub const HEADER_FUNCTIONS: &[&str] = &{names:?};\n"
    );
    std::fs::write(out.join("header_functions.rs"), list).expect("write header_functions.rs");
}
