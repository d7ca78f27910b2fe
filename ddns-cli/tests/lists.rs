//! List files read by the `ddns` command: a list read from a pipe, a FIFO or standard input
//! arrives whole; a list rewritten in place while a command runs does not kill it.

mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{LIST, assert_exit, ddns, temp, temp_dir, text};

const GROUP: &str = "lists";

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A FIFO at `name` in the group's directory, made fresh.
fn fifo(name: &str) -> PathBuf {
    let path = temp_dir(GROUP).join(name);
    let _ = std::fs::remove_file(&path);
    let status = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
    path
}

/// The test list compiled by `ddns compile` from a regular file.
fn compiled(name: &str) -> (PathBuf, Vec<u8>) {
    let source = temp(GROUP, &format!("{name}.txt"), LIST.as_bytes());
    let output = temp_dir(GROUP).join(format!("{name}.ddns"));
    let out = ddns(
        &["compile", path_str(&source), "-o", path_str(&output)],
        None,
    );
    assert_exit(&out, 0);
    let bytes = std::fs::read(&output).unwrap();
    (output, bytes)
}

#[test]
fn a_list_on_a_pipe_compiles_to_the_same_list_as_the_file() {
    let (_, expected) = compiled("piped-reference");
    for input in ["-", "/dev/stdin"] {
        let output = temp_dir(GROUP).join("piped.ddns");
        let out = ddns(
            &["compile", input, "-o", path_str(&output)],
            Some(LIST.as_bytes()),
        );
        assert_exit(&out, 0);
        assert!(
            std::fs::read(&output).unwrap() == expected,
            "{input}: a different list"
        );
    }
}

#[test]
fn verify_reads_a_pipe_whole_and_refuses_what_its_first_bytes_hold() {
    // The first eight bytes are the bad line: a reader that sniffs them and opens the pipe
    // again sees only the good line.
    let list = b"bad..nam\nduckdns.org duckdns\n";
    for input in ["-", "/dev/stdin"] {
        let out = ddns(&["verify", input], Some(list));
        assert_exit(&out, 2);
        let shown = if input == "-" { "<stdin>" } else { input };
        assert_eq!(
            text(&out.stderr),
            format!("ddns: {shown}:1: 'bad..nam': empty label\n")
        );
    }
}

#[test]
fn a_compiled_list_on_standard_input_is_read_whole() {
    let (_, bytes) = compiled("stdin-list");
    for input in ["-", "/dev/stdin"] {
        let out = ddns(&["--list", input, "check", "x7.duckdns.org"], Some(&bytes));
        assert_exit(&out, 0);
        assert_eq!(
            text(&out.stdout),
            "x7.duckdns.org: duckdns [duckdns], base duckdns.org, sub-domain x7\n"
        );

        let out = ddns(&["verify", input], Some(&bytes));
        assert_exit(&out, 0);

        let out = ddns(&["compile", input, "-o", "-"], Some(&bytes));
        assert_exit(&out, 2);
        assert!(text(&out.stderr).contains("already a compiled list"));
    }
}

#[test]
fn standard_input_cannot_hold_the_list_and_the_names_or_two_inputs() {
    let cases: [&[&str]; 5] = [
        &["--list", "-", "check"],
        &["--list", "-", "scan"],
        &["--list", "-", "scan", "x.log", "-"],
        &["compile", "-", "-", "-o", "-"],
        &["verify", "-", "-"],
    ];
    for args in cases {
        let out = ddns(args, Some(LIST.as_bytes()));
        assert_exit(&out, 2);
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("ddns: ") && stderr.contains("standard input"),
            "{args:?}: {stderr}"
        );
    }
}

/// Runs `ddns --list LIST scan FIFO`; once the command has opened the FIFO (so it has loaded
/// its list), calls `meanwhile`, then writes `names` into the FIFO and closes it.
fn scan_through_fifo(
    list: &Path,
    fifo_name: &str,
    meanwhile: impl FnOnce(),
    names: &[u8],
) -> Output {
    let pipe = fifo(fifo_name);
    let child = Command::new(env!("CARGO_BIN_EXE_ddns"))
        .args(["--list", path_str(list), "scan", path_str(&pipe)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Waits for the command; once it has exited, holds the FIFO open for reading, so that
    // the open below cannot block forever should the command die before opening it.
    let waiter = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let output = child.wait_with_output().unwrap();
            let holder = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&pipe)
                .unwrap();
            (output, holder)
        })
    };
    // Blocks until the command opens the FIFO: it loads the list before it opens any log.
    let mut writer = OpenOptions::new().write(true).open(&pipe).unwrap();
    meanwhile();
    let _ = writer.write_all(names);
    drop(writer);
    waiter.join().unwrap().0
}

#[test]
fn a_scan_survives_its_compiled_list_being_truncated_in_place() {
    let (list, _) = compiled("truncated-live");
    let out = scan_through_fifo(
        &list,
        "truncate.fifo",
        || {
            // What `truncate -s 0`, `cp`, `scp`, `curl -o` or `cat >` do first.
            OpenOptions::new()
                .write(true)
                .open(&list)
                .unwrap()
                .set_len(0)
                .unwrap();
        },
        b"x7.duckdns.org\ncam.ddns.net\nexample.com\n",
    );
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n\
         -\t-\ttext\tcam.ddns.net\tnoip\tddns.net\n"
    );
}

#[test]
fn a_scan_keeps_the_list_it_read_when_the_file_is_overwritten_at_the_same_size() {
    let (list, bytes) = compiled("overwritten-live");
    let out = scan_through_fifo(
        &list,
        "overwrite.fifo",
        || {
            // The same size, other bytes: `cp` of another list of the same length.
            let mut file = OpenOptions::new().write(true).open(&list).unwrap();
            file.write_all(&vec![0u8; bytes.len()]).unwrap();
        },
        b"x7.duckdns.org\n",
    );
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "-\t-\ttext\tx7.duckdns.org\tduckdns\tduckdns.org\n"
    );
}
