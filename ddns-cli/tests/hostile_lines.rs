//! The worst single lines `ddns scan`, `ddns check` and `ddns import` can be given: each just
//! under the 16 MiB line bound and built to make per-line work or memory explode (a million
//! distinct names in one answers field, millions of empty set elements or JSON strings,
//! millions of fields or column names, one 16 MiB name), plus a Zeek header that once made the
//! scan spin forever. Each child runs under a watchdog and is reaped with `wait4`, so the test
//! asserts its peak resident memory and its CPU time besides its output and exit status.
//!
//! The CPU bound is generous (four to ten times what a debug build needs, see
//! docs/reliability.md): it is there to catch work that grows with the square of the line,
//! which takes minutes to hours on these lines, not to time the command.
//!
//! Linux with glibc only: the measurement needs `wait4`'s `ru_maxrss`, `/proc/self` and
//! glibc's `mallopt` and `malloc_trim`.

#![cfg(all(target_os = "linux", target_env = "gnu"))]

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use common::{temp, temp_dir};

const GROUP: &str = "hostile-lines";

/// The longest line `ddns scan` and `ddns import` read whole.
const MAX_LINE: usize = 16 << 20;

/// Each worst line is generated up to this length: just under the bound.
const TARGET: usize = MAX_LINE - 4096;

/// The peak resident memory a run may reach: the bar of 64 MB (64,000,000 bytes) in KiB, as
/// `ru_maxrss` counts. Debug builds peak at 8 to 48 MB on these inputs.
const PEAK_RSS_KIB: i64 = 62_500;

/// CPU time (user + system) a run may take in a debug build. The scan cases need at most
/// 3.2 s there and the import of 32 MiB of newlines 7 s (docs/reliability.md); quadratic work
/// on these lines takes minutes or more.
const CPU_LIMIT: Duration = Duration::from_secs(30);

/// A child still running after this long is killed and the test fails: a hang, or work far
/// beyond [`CPU_LIMIT`].
const WATCHDOG: Duration = Duration::from_secs(60);

/// What a measured run of `ddns` gave.
struct Run {
    /// The exit status, or `None` when a signal ended it.
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    peak_rss_kib: i64,
    cpu: Duration,
}

impl Run {
    /// Fails unless the run exited with `code` within the memory and CPU bounds.
    fn assert_bounded(&self, code: i32) {
        assert_eq!(self.code, Some(code), "stderr: {}", self.stderr);
        assert!(
            self.peak_rss_kib < PEAK_RSS_KIB,
            "peak RSS {} KiB, the bound is {PEAK_RSS_KIB} KiB",
            self.peak_rss_kib
        );
        assert!(
            self.cpu < CPU_LIMIT,
            "{:?} of CPU time, the bound is {CPU_LIMIT:?}",
            self.cpu
        );
    }

    fn stdout_lines(&self) -> Vec<&str> {
        std::str::from_utf8(&self.stdout).unwrap().lines().collect()
    }
}

/// Holds the tests of this file to one at a time, so no other test's buffers are resident
/// in this process when one spawns its child (see [`run_measured`]).
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // SAFETY: a fixed threshold keeps every large buffer in its own mapping, given back
    // to the system when freed (glibc otherwise raises it and keeps freed buffers).
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 10) };
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `ddns` with `args` and `stdin` as its standard input, killing it after [`WATCHDOG`];
/// reaps it with `wait4` for its peak RSS and CPU time. Each test holds [`serial`] from its
/// start, inputs it builds included.
///
/// Linux starts a child's peak RSS from what this process has resident when it spawns the
/// child (the child begins as a copy of it, or runs in its memory until `exec`), so this
/// process first gives its free heap back and resets its own peak to its current size.
fn run_measured(args: &[&str], stdin: &Path) -> Run {
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe { libc::malloc_trim(0) };
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let parent_kib = resident_kib();
    // Reaped below with wait4, which std's Child cannot see.
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddns"))
        .args(args)
        .stdin(Stdio::from(File::open(stdin).unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // The child is ours and not yet reaped, so `pid` still names it.
        // SAFETY: valid pointers to a status and a rusage owned by this frame.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            break;
        }
        if !killed && started.elapsed() > WATCHDOG {
            // SAFETY: signals a child that has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let stdout = stdout.join().unwrap();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
    assert!(!killed, "killed after {WATCHDOG:?}: the command hangs");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let run = Run {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout,
        stderr,
        peak_rss_kib: usage.ru_maxrss,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
    };
    eprintln!(
        "ddns {}: exit {:?}, peak RSS {} KiB (this process had {parent_kib} KiB), CPU {:?}",
        args.join(" "),
        run.code,
        run.peak_rss_kib,
        run.cpu
    );
    run
}

/// Writes each part, repeated its count of times, to `path`, without building the file in
/// memory.
fn write_parts(path: &Path, parts: &[(&[u8], usize)]) {
    let mut file = std::io::BufWriter::new(File::create(path).unwrap());
    for &(part, count) in parts {
        for _ in 0..count {
            file.write_all(part).unwrap();
        }
    }
    file.flush().unwrap();
}

/// This process's resident memory in KiB.
fn resident_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The test list's path (see `common::list_file`).
fn list() -> String {
    common::list_file(GROUP)
}

/// Scans `input` (written to `name`, then dropped) from standard input with `extra` options.
fn scan(name: &str, input: Vec<u8>, extra: &[&str]) -> Run {
    let path = temp(GROUP, name, &input);
    drop(input);
    let list = list();
    let mut args = vec!["--list", list.as_str(), "scan"];
    args.extend(extra);
    let run = run_measured(&args, &path);
    std::fs::remove_file(&path).unwrap();
    run
}

/// A Zeek TSV log with `fields` (tab-separated) and one data line.
fn zeek_log(fields: &str, row: &[u8]) -> Vec<u8> {
    let mut log = format!("#separator \\x09\n#set_separator\t,\n#fields\t{fields}\n").into_bytes();
    log.extend(row);
    log.push(b'\n');
    log
}

/// `separator`-joined distinct names `a0.duckdns.org`, `a1.duckdns.org`, ..., each `quote`d,
/// as many as fit in `room` bytes; and their count.
fn distinct_names(room: usize, quote: &str, separator: &str) -> (Vec<u8>, usize) {
    let mut names = Vec::with_capacity(room);
    let mut count = 0;
    loop {
        let name = format!("{quote}a{count}.duckdns.org{quote}");
        if names.len() + separator.len() + name.len() > room {
            return (names, count);
        }
        if count > 0 {
            names.extend(separator.as_bytes());
        }
        names.extend(name.as_bytes());
        count += 1;
    }
}

/// `element` repeated, `separator`-joined, to fill `room` bytes, then `last`.
fn filler(room: usize, element: &str, separator: &str, last: &str) -> Vec<u8> {
    let step = element.len() + separator.len();
    let count = (room - last.len()) / step;
    let mut bytes = Vec::with_capacity(room);
    for _ in 0..count {
        bytes.extend(element.as_bytes());
        bytes.extend(separator.as_bytes());
    }
    bytes.extend(last.as_bytes());
    bytes
}

#[test]
fn zeek_answers_with_a_million_distinct_names_report_each_once_in_linear_time() {
    let _serial = serial();
    let head = b"1.0\t10.0.0.1\t-\t";
    // The first name again in other cases: still one hit.
    let tail = b",A0.DuckDNS.org,a0.DUCKDNS.ORG";
    let (names, count) = distinct_names(TARGET - head.len() - tail.len(), "", ",");
    assert!(count > 700_000, "{count} names");
    let log = zeek_log(
        "ts\tid.orig_h\tquery\tanswers",
        &[&head[..], &names, tail].concat(),
    );
    drop(names);
    let run = scan("distinct.log", log, &[]);
    run.assert_bounded(0);
    let lines = run.stdout_lines();
    assert_eq!(lines.len(), count);
    assert_eq!(
        lines[0],
        "1.0\t10.0.0.1\tdns.answer\ta0.duckdns.org\tduckdns\tduckdns.org"
    );
    assert_eq!(
        lines[count - 1],
        format!(
            "1.0\t10.0.0.1\tdns.answer\ta{}.duckdns.org\tduckdns\tduckdns.org",
            count - 1
        )
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

/// A guard, not a regression test: the code before issue 17 already read this line within
/// the bound; a per-element allocation would break it.
#[test]
fn zeek_answers_of_millions_of_empty_elements_are_read_in_bounded_memory() {
    let _serial = serial();
    let log = {
        let answers = filler(TARGET - 6, "", ",", "x7.duckdns.org");
        zeek_log("ts\tquery\tanswers", &[&b"1.0\t-\t"[..], &answers].concat())
    };
    let run = scan("empty-elements.log", log, &[]);
    run.assert_bounded(0);
    assert_eq!(
        run.stdout_lines(),
        ["1.0\t-\tdns.answer\tx7.duckdns.org\tduckdns\tduckdns.org"]
    );
}

#[test]
fn a_zeek_line_of_millions_of_fields_is_one_bad_record_in_bounded_memory() {
    let _serial = serial();
    let log = zeek_log("ts\tquery\tanswers", &vec![b'\t'; TARGET]);
    let run = scan("many-fields.log", log, &[]);
    run.assert_bounded(1);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        format!(
            "ddns: <stdin>:4: {} fields, the #fields header names 3\n",
            TARGET + 1
        )
    );
}

#[test]
fn a_zeek_fields_header_of_millions_of_names_finds_its_columns_in_bounded_memory() {
    let _serial = serial();
    let columns = (TARGET - 16) / 2;
    let log = {
        let fields = format!("{}query", "f\t".repeat(columns));
        let row = [vec![b'\t'; columns], b"x7.duckdns.org".to_vec()].concat();
        zeek_log(&fields, &row)
    };
    let run = scan("many-columns.log", log, &[]);
    run.assert_bounded(0);
    assert_eq!(
        run.stdout_lines(),
        ["-\t-\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org"]
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn eve_dns_answers_of_millions_of_objects_are_read_in_bounded_memory() {
    let _serial = serial();
    let head = r#"{"event_type":"dns","src_ip":"10.0.0.1","dns":{"answers":["#;
    let last = r#"{"rrname":"x7.duckdns.org","rrtype":"CNAME","rdata":"x8.ddns.net"}"#;
    let tail = "]}}";
    let answers = filler(TARGET - head.len() - tail.len(), "{}", ",", last);
    let line = [head.as_bytes(), &answers, tail.as_bytes(), b"\n"].concat();
    drop(answers);
    let run = scan("eve-answers.json", line, &[]);
    run.assert_bounded(0);
    assert_eq!(
        run.stdout_lines(),
        [
            "-\t10.0.0.1\tdns.answer\tx7.duckdns.org\tduckdns\tduckdns.org",
            "-\t10.0.0.1\tdns.answer\tx8.ddns.net\tnoip\tddns.net"
        ]
    );
}

#[test]
fn zeek_json_answers_of_millions_of_empty_strings_are_read_in_bounded_memory() {
    let _serial = serial();
    let head = r#"{"ts":1.0,"query":"x9.ddns.net","answers":["#;
    let tail = "]}";
    let answers = filler(
        TARGET - head.len() - tail.len(),
        r#""""#,
        ",",
        r#""x7.duckdns.org""#,
    );
    let line = [head.as_bytes(), &answers, tail.as_bytes(), b"\n"].concat();
    drop(answers);
    let run = scan("zeek-empty-strings.json", line, &[]);
    run.assert_bounded(0);
    assert_eq!(
        run.stdout_lines(),
        [
            "1.0\t-\tdns.query\tx9.ddns.net\tnoip\tddns.net",
            "1.0\t-\tdns.answer\tx7.duckdns.org\tduckdns\tduckdns.org"
        ]
    );
}

#[test]
fn zeek_json_answers_with_a_million_distinct_names_count_each_once_in_linear_time() {
    let _serial = serial();
    let head = r#"{"ts":1.0,"id.orig_h":"10.0.0.1","answers":["#;
    let tail = r#","A0.DUCKDNS.ORG"]}"#;
    let (names, count) = distinct_names(TARGET - head.len() - tail.len(), "\"", ",");
    assert!(count > 700_000, "{count} names");
    let line = [head.as_bytes(), &names, tail.as_bytes(), b"\n"].concat();
    drop(names);
    let run = scan("zeek-distinct.json", line, &["--summary", "--json"]);
    run.assert_bounded(0);
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["hits"], count);
    assert_eq!(summary["records"], 1);
    assert_eq!(summary["clients"][0]["hits"], count);
}

/// A guard, not a regression test: the code before issue 17 held this name three times (the
/// line, the de-duplication copy, the escaped output) in 56 MB of a debug build; it now
/// skips the copy, 40 MB.
#[test]
fn a_16_mib_plain_name_under_a_listed_base_is_one_malformed_hit_in_bounded_memory() {
    let _serial = serial();
    let mut name = vec![b'x'; TARGET - ".duckdns.org".len()];
    name.extend(b".duckdns.org\n");
    let run = scan("long-name.txt", name, &[]);
    run.assert_bounded(0);
    let lines = run.stdout_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0].len(),
        "-\t-\ttext\t\tduckdns\tduckdns.org".len() + TARGET
    );
}

#[test]
fn an_empty_zeek_set_separator_reads_each_set_as_one_value_once_noted_per_section() {
    let _serial = serial();
    let section = "#separator \\x09\n#set_separator\t\n#fields\tts\tquery\tanswers\n\
                   1.0\tx7.duckdns.org\tx8.duckdns.org\n2.0\t-\ta,b.ddns.net\n";
    let run = scan(
        "empty-set-separator.log",
        section.repeat(2).into_bytes(),
        &[],
    );
    run.assert_bounded(0);
    let hits = [
        "1.0\t-\tdns.query\tx7.duckdns.org\tduckdns\tduckdns.org",
        "1.0\t-\tdns.answer\tx8.duckdns.org\tduckdns\tduckdns.org",
        "2.0\t-\tdns.answer\ta,b.ddns.net\tnoip\tddns.net",
    ];
    assert_eq!(run.stdout_lines(), [hits, hits].concat());
    let note = "empty #set_separator: each answers value is read as one name";
    assert_eq!(
        run.stderr,
        format!("ddns: <stdin>:2: {note}\nddns: <stdin>:7: {note}\n")
    );
}

#[test]
fn check_reports_an_over_long_stdin_line_and_answers_the_others_in_bounded_memory() {
    let _serial = serial();
    let path = temp_dir(GROUP).join("check-names.txt");
    write_parts(
        &path,
        &[
            (b"x7.duckdns.org\n", 1),
            (b"y", 32 << 20),
            (b".duckdns.org\r\ncam.ddns.net\n", 1),
        ],
    );
    let run = run_measured(&["--list", &list(), "check"], &path);
    std::fs::remove_file(&path).unwrap();
    run.assert_bounded(2);
    assert_eq!(
        run.stdout_lines(),
        [
            "x7.duckdns.org: duckdns [duckdns], base duckdns.org, sub-domain x7",
            "cam.ddns.net: noip [noip], base ddns.net, sub-domain cam"
        ]
    );
    assert_eq!(
        run.stderr,
        format!(
            "ddns: <stdin>:2: line of {} bytes is longer than 64 KiB, skipped\n",
            (32 << 20) + ".duckdns.org\r".len()
        )
    );
}

/// Imports `input` (written to `name`, then dropped) as `format`; returns the run and the
/// list written.
fn import(format: &str, name: &str, input: Vec<u8>) -> (Run, String) {
    let path = temp(GROUP, name, &input);
    drop(input);
    let output = temp_dir(GROUP).join(format!("{name}.out.txt"));
    let args = [
        "import",
        "--format",
        format,
        path.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ];
    let run = run_measured(&args, Path::new("/dev/null"));
    std::fs::remove_file(&path).unwrap();
    let list = std::fs::read_to_string(&output).unwrap_or_default();
    let shown = format!("{}/", temp_dir(GROUP).display());
    let run = Run {
        stderr: run.stderr.replace(&shown, ""),
        ..run
    };
    (run, list)
}

#[test]
fn import_streams_32_mib_of_newlines_and_skips_an_over_long_line() {
    let _serial = serial();
    let mut input = b"x7.duckdns.org\n".to_vec();
    input.extend(vec![b'z'; MAX_LINE + 1]);
    input.push(b'\n');
    input.extend(vec![b'\n'; 32 << 20]);
    input.extend(b"cam.ddns.net\n");
    let (run, list) = import("wildcard", "newlines.txt", input);
    run.assert_bounded(0);
    assert_eq!(list, "x7.duckdns.org custom\ncam.ddns.net custom\n");
    assert_eq!(
        run.stderr,
        format!(
            "ddns: newlines.txt:2: line of {} bytes is longer than 16 MiB, skipped\n\
             ddns: newlines.txt: 2 lines used, 1 skipped, {} ignored\n\
             ddns: wrote newlines.txt.out.txt: 2 block and 0 allow entries from 1 file\n",
            MAX_LINE + 1,
            32 << 20
        )
    );
}

#[test]
fn an_rpz_record_left_open_for_millions_of_lines_is_skipped_in_bounded_memory() {
    let _serial = serial();
    let mut zone = b"$ORIGIN rpz.example.\nx7.duckdns.org CNAME . (\n".to_vec();
    zone.extend(b"; padding\n".repeat(4 << 20));
    zone.extend(b"x\n".repeat(8 << 20));
    zone.extend(b")\ncam.ddns.net CNAME .\n");
    let (run, list) = import("rpz", "open.rpz", zone);
    run.assert_bounded(0);
    assert_eq!(list, "cam.ddns.net custom\n");
    assert!(
        run.stderr.starts_with(&format!(
            "ddns: open.rpz:{}: record in parentheses from line 2 is longer than 16 MiB, \
                 skipped\n",
            3 + (12 << 20)
        )),
        "{}",
        run.stderr
    );
}
