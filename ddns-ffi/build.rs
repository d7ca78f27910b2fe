//! Gives the shared library its SONAME, libddns.so.<ABI version>, so a breaking change of the
//! ABI is also a new file name for the dynamic loader. Keep ABI_VERSION equal to
//! DDNS_ABI_VERSION in include/ddns.h and src/lib.rs (a test checks all three).

const ABI_VERSION: u32 = 1;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-cdylib-link-arg=-Wl,-soname,libddns.so.{ABI_VERSION}");
    }
}
