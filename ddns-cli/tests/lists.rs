//! List files read and written by the `ddns` command: a list read from a pipe, a FIFO or
//! standard input arrives whole; `-o` writes into devices, FIFOs and standard output, replaces
//! the target of a symbolic link and keeps a replaced file's permission bits; a list rewritten
//! in place while a command runs does not kill it.

mod common;

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
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

/// Names of the files in `directory` that look like a leftover temporary file.
fn leftover_temporaries(directory: &Path) -> Vec<String> {
    std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
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

#[test]
fn dash_o_dash_writes_to_standard_output() {
    let (_, expected) = compiled("stdout-reference");
    let source = temp(GROUP, "stdout.txt", LIST.as_bytes());
    let out = ddns(&["compile", path_str(&source), "-o", "-"], None);
    assert_exit(&out, 0);
    assert!(out.stdout == expected, "not the compiled list");
    assert!(!Path::new("-").exists());

    let out = ddns(
        &["--list", path_str(&source), "export", "--format", "text"],
        None,
    );
    assert_exit(&out, 0);
    let exported = ddns(
        &[
            "--list",
            path_str(&source),
            "export",
            "--format",
            "text",
            "-o",
            "-",
        ],
        None,
    );
    assert_exit(&exported, 0);
    assert_eq!(text(&exported.stdout), text(&out.stdout));
    assert!(!Path::new("-").exists());
}

#[test]
fn a_symlinked_output_stays_a_symlink_and_its_target_gets_the_new_list() {
    let (_, expected) = compiled("symlink-reference");
    let source = temp(GROUP, "symlink.txt", LIST.as_bytes());
    let lists = temp_dir(GROUP).join("deployed");
    let links = temp_dir(GROUP).join("links");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::create_dir_all(&links).unwrap();
    let target = lists.join("v42.ddns");
    std::fs::write(&target, b"the old list").unwrap();
    // A chain of two links, each relative to its own directory, not to the working one.
    let current = links.join("current.ddns");
    let middle = lists.join("current.ddns");
    for (link, to) in [
        (&current, "../deployed/current.ddns"),
        (&middle, "v42.ddns"),
    ] {
        let _ = std::fs::remove_file(link);
        std::os::unix::fs::symlink(to, link).unwrap();
    }

    let out = ddns(
        &["compile", path_str(&source), "-o", path_str(&current)],
        None,
    );
    assert_exit(&out, 0);
    for (link, to) in [
        (&current, "../deployed/current.ddns"),
        (&middle, "v42.ddns"),
    ] {
        let kind = std::fs::symlink_metadata(link).unwrap().file_type();
        assert!(kind.is_symlink(), "{} was replaced", link.display());
        assert_eq!(std::fs::read_link(link).unwrap(), Path::new(to));
    }
    assert!(
        std::fs::read(&target).unwrap() == expected,
        "target not replaced"
    );
    assert_eq!(leftover_temporaries(&lists), Vec::<String>::new());

    // A link to a file that does not exist yet: the file is made where the link points.
    let dangling = links.join("next.ddns");
    let _ = std::fs::remove_file(&dangling);
    let _ = std::fs::remove_file(lists.join("v43.ddns"));
    std::os::unix::fs::symlink("../deployed/v43.ddns", &dangling).unwrap();
    let out = ddns(
        &["compile", path_str(&source), "-o", path_str(&dangling)],
        None,
    );
    assert_exit(&out, 0);
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert!(std::fs::read(lists.join("v43.ddns")).unwrap() == expected);
}

#[test]
fn a_fifo_output_gets_the_bytes_written_into_it() {
    let (_, expected) = compiled("fifo-reference");
    let source = temp(GROUP, "fifo.txt", LIST.as_bytes());
    let pipe = fifo("out.fifo");
    // A writer of our own first, so that neither open below nor the command's blocks (opening
    // a FIFO for reading and writing never blocks on Linux), whatever the command does.
    let holder = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&pipe)
        .unwrap();
    let mut reading = File::open(&pipe).unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        reading.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let out = ddns(&["compile", path_str(&source), "-o", path_str(&pipe)], None);
    // The reader sees the end of the data once no writer is left.
    drop(holder);
    let read = reader.join().unwrap();
    assert_exit(&out, 0);
    assert!(read == expected, "{} bytes read", read.len());
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced");
}

#[test]
fn dev_null_stays_a_character_device() {
    // A private null device where the test may make one (as root, which is also when a
    // regression could replace the real /dev/null); else /dev/null itself, which a user
    // without root cannot replace, so a regression would show as a failed write instead.
    let private = temp_dir(GROUP).join("null-device");
    let _ = std::fs::remove_file(&private);
    let made = Command::new("mknod")
        .args([path_str(&private), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let device = if made {
        private.as_path()
    } else {
        Path::new("/dev/null")
    };
    let source = temp(GROUP, "null.txt", LIST.as_bytes());
    let compile = ["compile", path_str(&source), "-o", path_str(device)];
    let export = ["export", "--format", "text", "-o", path_str(device)];
    for args in [&compile[..], &export[..]] {
        let out = ddns(args, None);
        assert_exit(&out, 0);
        let kind = std::fs::symlink_metadata(device).unwrap().file_type();
        assert!(
            kind.is_char_device(),
            "{}: {} is no longer a device",
            args[0],
            device.display()
        );
    }
}

#[test]
fn a_directory_output_is_refused_with_a_clear_message() {
    let source = temp(GROUP, "directory.txt", LIST.as_bytes());
    // In a directory of its own, where no other test leaves temporary files.
    let parent = temp_dir(GROUP).join("refused");
    let directory = parent.join("a-directory.ddns");
    std::fs::create_dir_all(&directory).unwrap();
    let out = ddns(
        &["compile", path_str(&source), "-o", path_str(&directory)],
        None,
    );
    assert_exit(&out, 2);
    assert_eq!(
        text(&out.stderr),
        format!(
            "ddns: {}: is a directory; name a file to write\n",
            directory.display()
        )
    );
    assert!(std::fs::metadata(&directory).unwrap().is_dir());
    assert_eq!(leftover_temporaries(&parent), Vec::<String>::new());
}

#[test]
fn a_replaced_file_keeps_its_permission_bits() {
    let (_, expected) = compiled("mode-reference");
    let source = temp(GROUP, "mode.txt", LIST.as_bytes());
    for mode in [0o444, 0o640, 0o604] {
        let output = temp_dir(GROUP).join(format!("mode-{mode:o}.ddns"));
        let _ = std::fs::remove_file(&output);
        std::fs::write(&output, b"the old list").unwrap();
        std::fs::set_permissions(&output, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = ddns(
            &["compile", path_str(&source), "-o", path_str(&output)],
            None,
        );
        assert_exit(&out, 0);
        let metadata = std::fs::metadata(&output).unwrap();
        assert_eq!(metadata.permissions().mode() & 0o7777, mode);
        assert!(std::fs::read(&output).unwrap() == expected);
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

#[test]
fn an_endless_or_binary_device_as_the_list_is_refused_at_once() {
    let ddns = env!("CARGO_BIN_EXE_ddns");
    for device in ["/dev/zero", "/dev/urandom"] {
        // Under a 1 GB address-space limit, so that reading the device without end fails
        // the test instead of filling the machine's memory.
        let out = Command::new("bash")
            .args([
                "-c",
                &format!("ulimit -v 1000000; exec {ddns} --list {device} check x7.duckdns.org"),
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_exit(&out, 2);
        assert_eq!(
            text(&out.stderr),
            format!(
                "ddns: {device}: binary data (a NUL byte) and not a compiled list: not a list or \
                 a catalog\n"
            ),
        );
    }
}

#[test]
fn import_to_standard_output_says_so_instead_of_naming_a_file_dash() {
    let hosts = temp(GROUP, "hosts.txt", b"0.0.0.0 x.example\n");
    let out = ddns(
        &["import", "--format", "hosts", "-o", "-", path_str(&hosts)],
        None,
    );
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout), "x.example custom\n");
    assert!(
        text(&out.stderr)
            .ends_with("ddns: wrote <stdout>: 1 block and 0 allow entries from 1 file\n"),
        "{}",
        text(&out.stderr)
    );
    assert!(!Path::new("-").exists());
}
