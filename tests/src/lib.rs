//! Helpers shared by the workspace-level tests in `tests/tests/`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub mod fixture;
pub mod pcap;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// The target directory this test run builds into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Runs `cargo build` (debug profile, this run's target directory) for one package.
fn cargo_build(package: &str) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package])
        .current_dir(repo_root())
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build -p {package} failed");
}

/// Builds the `ddns` command and returns its path.
pub fn ddns_binary() -> PathBuf {
    cargo_build("ddns-cli");
    target_dir().join("debug").join("ddns")
}

/// Which form of libddns to link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryKind {
    /// libddns.so
    Shared,
    /// libddns.a
    Static,
}

/// Builds libddns (shared and static) and returns the path of one of them.
pub fn ddns_library(kind: LibraryKind) -> PathBuf {
    cargo_build("ddns-ffi");
    let name = match kind {
        LibraryKind::Shared => "libddns.so",
        LibraryKind::Static => "libddns.a",
    };
    let path = target_dir().join("debug").join(name);
    if kind == LibraryKind::Shared {
        // Programs linked against it ask the loader for the SONAME, libddns.so.<ABI>, as
        // after `make install`; give the build directory that name too.
        let soname = path.with_file_name(format!("libddns.so.{}", ddns::DDNS_ABI_VERSION));
        if std::fs::read_link(&soname).is_err() {
            let _ = std::fs::remove_file(&soname);
            match std::os::unix::fs::symlink(name, &soname) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(err) => panic!("link {}: {err}", soname.display()),
            }
        }
    }
    path
}
