//! The `ddns` command on hostile input: binary garbage, megabyte lines, invalid UTF-8,
//! unreadable and crafted files, a closed stderr. Each gets a one-line message naming the
//! file (and line, where there is one), the documented exit status, and never a panic
//! (exit status 101); where the documentation says so, the other inputs are still read.

mod common;

use std::process::{Command, Stdio};

use common::{LIST, assert_exit, ddns, temp, temp_dir, text};
use ddns_test_support::{compile_list, fix_checksum};

const GROUP: &str = "hostile";

/// Deterministic binary garbage with NUL bytes and newlines in it.
fn garbage(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect()
}

fn compiled_list() -> Vec<u8> {
    compile_list(LIST)
}

/// Fails unless stderr is exactly `lines` lines, each naming `path`, none of them long.
fn assert_short_messages(stderr: &str, path: &str, lines: usize) {
    assert_eq!(stderr.lines().count(), lines, "{stderr}");
    for line in stderr.lines() {
        assert!(line.starts_with(&format!("ddns: {path}")), "{line}");
        assert!(line.len() < 400, "a {}-byte message", line.len());
    }
}

#[test]
fn binary_garbage_among_plain_names_is_bad_records_and_the_other_input_still_scans() {
    let junk = temp(GROUP, "junk.bin", &garbage(64 * 1024));
    let names = temp(GROUP, "names.txt", b"x7.duckdns.org\n");
    let (junk, names) = (junk.to_str().unwrap(), names.to_str().unwrap());
    let out = ddns(&["--list", &list(), "scan", junk, names], None);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n"
    );
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 21, "{stderr}");
    assert!(
        stderr
            .lines()
            .take(20)
            .all(|line| line.starts_with(&format!("ddns: {junk}:"))
                && line.ends_with(": binary data (a NUL byte), not a name")),
        "{stderr}"
    );
    assert!(stderr.ends_with("bad records in all, the first 20 shown above\n"));

    let strict = ddns(&["--list", &list(), "scan", "--strict", junk, names], None);
    assert_exit(&strict, 2);
    assert!(strict.stdout.is_empty());
}

#[test]
fn unreadable_inputs_are_reported_and_the_others_still_scan() {
    let directory = temp_dir(GROUP).join("a-directory");
    std::fs::create_dir_all(&directory).unwrap();
    let names = temp(GROUP, "more-names.txt", b"cam.ddns.net\n");
    let missing = temp_dir(GROUP).join("missing.log");
    let out = ddns(
        &[
            "--list",
            &list(),
            "scan",
            directory.to_str().unwrap(),
            missing.to_str().unwrap(),
            names.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tcam.ddns.net\tnoip\tddns.net\n"
    );
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with(&format!("ddns: {}: cannot ", directory.display())));
    assert!(lines[1].starts_with(&format!("ddns: {}: cannot open", missing.display())));
}

#[test]
fn a_megabyte_name_under_a_listed_base_is_a_malformed_hit_and_invalid_utf8_is_escaped() {
    let mut log = vec![b'x'; 1 << 20];
    log.extend(b".duckdns.org\n\xff\xfe.ddns.net\n");
    let path = temp(GROUP, "long-name.txt", &log);
    let out = ddns(
        &["--list", &list(), "scan", "--json", path.to_str().unwrap()],
        None,
    );
    assert_exit(&out, 0);
    let hits: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["malformed"], true);
    assert_eq!(hits[0]["base"], "duckdns.org");
    assert_eq!(hits[0]["name"].as_str().unwrap().len(), (1 << 20) + 12);
    assert_eq!(hits[1]["name"], "\\xff\\xfe.ddns.net");
    assert_eq!(hits[1]["malformed"], true);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn hostile_list_files_are_refused_with_one_line_naming_the_file() {
    let good = compiled_list();
    let mut future = good.clone();
    future[8..12].copy_from_slice(&99u32.to_le_bytes());
    fix_checksum(&mut future);
    // A table key upper-cased, checksum made valid: only the full index check sees it.
    let crafted = ddns_test_support::with_upper_case_table_key(&good);
    let mut huge = good.clone();
    huge[16..24].copy_from_slice(&(1u64 << 30).to_le_bytes());

    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("garbage.ddns", garbage(4096), "binary data (a NUL byte)"),
        (
            "truncated.ddns",
            good[..good.len() / 2].to_vec(),
            "truncated",
        ),
        ("future.ddns", future, "format version 99"),
        ("crafted.ddns", crafted, "corrupt suffix index"),
        ("claims-1gb.ddns", huge, "header says 1073741824"),
        ("empty.txt", Vec::new(), "no entries"),
        (
            "long.txt",
            [vec![b'x'; 1 << 20], b".example.org acme\n".to_vec()].concat(),
            ":1: 'xxxx",
        ),
    ];
    for (name, bytes, why) in &cases {
        let path = temp(GROUP, name, bytes);
        let path = path.to_str().unwrap();
        let out = ddns(&["--list", path, "check", "x.duckdns.org"], None);
        assert_exit(&out, 2);
        assert!(out.stdout.is_empty());
        let stderr = text(&out.stderr);
        assert_short_messages(stderr, path, 1);
        assert!(stderr.contains(why), "{name}: {stderr}");

        let verified = ddns(&["verify", path], None);
        assert_exit(&verified, 2);
        assert_eq!(text(&verified.stderr), stderr);
    }

    // `verify` checks every file and says which are good.
    let good_path = temp(GROUP, "good.ddns", &good);
    let bad_path = temp_dir(GROUP).join("crafted.ddns");
    let out = ddns(
        &[
            "verify",
            bad_path.to_str().unwrap(),
            good_path.to_str().unwrap(),
        ],
        None,
    );
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stdout),
        format!("{}: ok, 2 providers, 4 entries\n", good_path.display())
    );
    let out = ddns(&["verify", good_path.to_str().unwrap()], None);
    assert_exit(&out, 0);
}

#[test]
fn a_catalog_with_invalid_utf8_or_a_megabyte_domain_names_its_line() {
    let mut toml = b"[[provider]]\nid = \"acme\"\nname = \"Acme \xff DNS\"\n".to_vec();
    toml.extend(b"entries = [{ domain = \"acme.example\" }]\n");
    let path = temp(GROUP, "bad-utf8.toml", &toml);
    let path = path.to_str().unwrap();
    let output = temp_dir(GROUP).join("never-written.ddns");
    let output = output.to_str().unwrap();
    let out = ddns(&["compile", "-o", output, path], None);
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stderr),
        format!("ddns: {path}:3: not UTF-8 at column 14\n")
    );

    let mut list = b"ok.example acme\n".to_vec();
    list.extend(vec![b'y'; 1 << 20]);
    list.extend(b".example acme\n");
    let path = temp(GROUP, "long-domain.txt", &list);
    let path = path.to_str().unwrap();
    let out = ddns(&["compile", "-o", output, path], None);
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert_short_messages(stderr, &format!("{path}:2: 'yyyy"), 1);
    assert!(
        stderr.ends_with("... (1048584 bytes)': domain is 1048584 bytes long; the limit is 253\n"),
        "{stderr}"
    );
}

#[test]
fn import_quotes_a_megabyte_token_in_one_short_line() {
    let mut hosts = b"0.0.0.0 ok.duckdns.org\n".to_vec();
    hosts.extend(vec![b'z'; 1 << 20]);
    hosts.extend(b" x.example\n");
    let path = temp(GROUP, "hosts.txt", &hosts);
    let path = path.to_str().unwrap();
    let output = temp_dir(GROUP).join("imported.txt");
    let out = ddns(
        &[
            "import",
            "--format",
            "hosts",
            "-o",
            output.to_str().unwrap(),
            path,
        ],
        None,
    );
    assert_exit(&out, 0);
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("ddns: {path}:2: 'zzzz")),
        "{first}"
    );
    assert!(first.len() < 400, "a {}-byte message", first.len());
    assert!(first.ends_with("bytes in all)"), "{first}");
}

#[test]
fn a_closed_stderr_changes_nothing_but_the_silence() {
    // A pipe whose reading end is already closed: every write to it fails (EPIPE).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let bad = temp(GROUP, "bad-for-closed-stderr.txt", b"bad..name acme\n");
    let output = temp_dir(GROUP).join("closed-stderr.ddns");
    let status = Command::new(env!("CARGO_BIN_EXE_ddns"))
        .args([
            "compile",
            "-o",
            output.to_str().unwrap(),
            bad.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

/// The test list as a plain-list file.
fn list() -> String {
    temp(GROUP, "list.txt", LIST.as_bytes())
        .to_str()
        .unwrap()
        .to_string()
}
