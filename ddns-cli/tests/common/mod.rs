//! What the scan, export and import tests share: running `ddns`, temporary files, the test
//! list.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The list most tests run against: two providers, one exception, one nested entry.
pub const LIST: &str = "\
# a test list
duckdns.org            duckdns
!www.duckdns.org       duckdns
evil.www.duckdns.org   duckdns
ddns.net               noip
";

/// A directory of its own for each test binary and process.
pub fn temp_dir(group: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddns-cli-{group}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `contents` to `name` in the group's directory and returns the path.
pub fn temp(group: &str, name: &str, contents: &[u8]) -> PathBuf {
    let path = temp_dir(group).join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Runs `ddns` with `args`, feeding `stdin`.
/// The test list ([`LIST`]) as a plain-list file in `group`'s directory, written once per
/// test binary: tests run in parallel and must not see it half rewritten.
#[allow(dead_code)]
pub fn list_file(group: &str) -> String {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        temp(group, "list.txt", LIST.as_bytes())
            .to_str()
            .unwrap()
            .to_string()
    })
    .clone()
}

pub fn ddns(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddns"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.unwrap_or_default().to_vec();
    // A writer thread, so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

pub fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

/// Fails with the command's stderr when it did not exit with `code`.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
