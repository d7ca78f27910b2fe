//! The Zeek plugin (plugins/zeek/) end to end, on the real Zeek 8.0: the plugin is built once
//! per test run under the target directory (libddns installed with `make install`, then the
//! plugin's `./configure --with-ddns=PREFIX && make`), `zeek -N` must show it, and pcaps
//! generated here are read by `zeek -r` with the plugin found on ZEEK_PLUGIN_PATH, as
//! plugins/zeek/README.md runs it. ddns.log and notice.log must hold exactly the expected rows,
//! each decided as `ddns check` decides the same name. Then the options, hostile names, list
//! files (at start-up, changed at run time through the Config framework, corrupt, missing) and
//! a libddns of another ABI version.
//!
//! Zeek 8.0 must be installed (scripts/test.sh installs it); without it these tests fail and
//! say how to install it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ddns_tests::pcap::{
    Endpoint, Pcap, dns_over_tcp, dns_query, dns_response, http_get, http_ok, tls_client_finish,
    tls_client_hello, tls_server_hello,
};
use ddns_tests::{ddns_binary, repo_root, target_dir};
use serde_json::Value;

const INSTALL_HINT: &str = "install Zeek 8.0 into /opt/zeek: run `bash ../shared/engines/\
    install-zeek.sh` as root (or `bash scripts/test.sh`, which does it), or put a Zeek 8.0 \
    `zeek` and `zeek-config` on PATH";

/// The Zeek to test with: /opt/zeek/bin/zeek, else `zeek` on PATH; checked to be 8.0.x.
fn zeek() -> &'static Path {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND.get_or_init(|| {
        let opt = PathBuf::from("/opt/zeek/bin/zeek");
        let zeek = if opt.exists() {
            opt
        } else {
            PathBuf::from("zeek")
        };
        let version = match Command::new(&zeek).arg("--version").output() {
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
            Ok(out) => panic!(
                "`zeek --version` failed ({}): {}; {INSTALL_HINT}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => panic!("zeek is not installed ({err}); {INSTALL_HINT}"),
        };
        assert!(
            version.contains("version 8.0."),
            "the plugin is for Zeek 8.0, found: {}; {INSTALL_HINT}",
            version.trim()
        );
        zeek
    })
}

/// The directory holding `zeek` and `zeek-config`.
fn zeek_bin_dir() -> PathBuf {
    let zeek = zeek();
    if zeek.is_absolute() {
        return zeek.parent().unwrap().to_path_buf();
    }
    let out = Command::new("sh")
        .args(["-c", "command -v zeek"])
        .output()
        .expect("run sh");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        .parent()
        .expect("zeek's directory")
        .to_path_buf()
}

/// Runs `command`, panicking with its output when it fails.
fn run_checked(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: run {command:?}: {err}"));
    let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{log}",
        out.status
    );
    log
}

/// Where the tests install libddns (`make install PREFIX=`) and build the plugin.
fn tests_root() -> PathBuf {
    target_dir().join("zeek-tests")
}

/// The plugin, built once per test run: libddns (this build, debug) installed under the
/// target directory with `make install`, then the plugin's `./configure --with-ddns=PREFIX`
/// and `make` as plugins/zeek/README.md has them (the build directory moved to the target
/// directory with --build-dir and BUILD_DIR). Returns the build directory (the plugin
/// directory for ZEEK_PLUGIN_PATH).
fn plugin_build() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        zeek();
        let prefix = tests_root().join("ddns");
        let build = tests_root().join("build");
        run_checked(
            Command::new("make")
                .arg("-C")
                .arg(repo_root())
                .arg("install")
                .arg("PROFILE=debug")
                .arg(format!("TARGET_DIR={}", target_dir().display()))
                .arg(format!("PREFIX={}", prefix.display()))
                .env_remove("MAKEFLAGS")
                .env_remove("MFLAGS"),
            "make install (libddns)",
        );
        let path = format!(
            "{}:{}",
            zeek_bin_dir().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let plugin = repo_root().join("plugins/zeek");
        run_checked(
            Command::new("./configure")
                .arg(format!("--with-ddns={}", prefix.display()))
                .arg(format!("--build-dir={}", build.display()))
                .current_dir(&plugin)
                .env("PATH", &path),
            "the plugin's ./configure",
        );
        run_checked(
            Command::new("make")
                .arg(format!("BUILD_DIR={}", build.display()))
                .current_dir(&plugin)
                .env("PATH", &path)
                .env_remove("MAKEFLAGS")
                .env_remove("MFLAGS"),
            "make (the plugin)",
        );
        build
    })
}

/// The plugin's shared object in the build directory.
fn plugin_object() -> PathBuf {
    let lib = plugin_build().join("lib");
    std::fs::read_dir(&lib)
        .expect("the plugin's lib directory")
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "so"))
        .expect("the plugin's .so")
}

/// A fresh directory for one test's files under the target directory.
fn work_dir(test: &str) -> PathBuf {
    let dir = tests_root().join("runs").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the test directory");
    dir
}

/// What one `zeek -r` left behind.
struct Run {
    /// The JSON logs, by name ("ddns" for ddns.log).
    logs: BTreeMap<String, Vec<Value>>,
    /// Standard output and standard error.
    output: String,
}

impl Run {
    fn log(&self, name: &str) -> &[Value] {
        self.logs.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The reporter.log messages that mention ddns, as "LEVEL message".
    fn ddns_messages(&self) -> Vec<String> {
        self.log("reporter")
            .iter()
            .map(|record| {
                format!(
                    "{} {}",
                    record["level"].as_str().unwrap_or_default(),
                    record["message"].as_str().unwrap_or_default()
                )
            })
            .filter(|line| line.contains("ddns"))
            .collect()
    }

    /// Checks that neither reporter.log nor Zeek's output mentions ddns.
    fn assert_quiet(&self) {
        assert!(
            self.ddns_messages().is_empty() && !self.output.contains("ddns"),
            "the plugin reported something: {:?}\n{}",
            self.ddns_messages(),
            self.output
        );
    }
}

/// Runs `zeek -r pcap script` in `dir` (logs as JSON), the plugin found through
/// ZEEK_PLUGIN_PATH, with `environment` added. Checks that Zeek exits cleanly.
fn run_zeek(dir: &Path, pcap: &[u8], script: &str, environment: &[(&str, &Path)]) -> Run {
    let pcap_path = dir.join("input.pcap");
    std::fs::write(&pcap_path, pcap).expect("write the pcap");
    let script_path = dir.join("test.zeek");
    std::fs::write(
        &script_path,
        format!("redef LogAscii::use_json = T;\n{script}\n"),
    )
    .expect("write the script");
    let mut command = Command::new(zeek());
    command
        .arg("-r")
        .arg(&pcap_path)
        .arg(&script_path)
        .current_dir(dir)
        .env("ZEEK_PLUGIN_PATH", plugin_build());
    for (key, value) in environment {
        command.env(key, value);
    }
    let output = run_checked(&mut command, "zeek -r");
    let mut logs = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "log") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let records = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .map(|line| {
                    serde_json::from_str(line)
                        .unwrap_or_else(|err| panic!("{}: {err}: {line}", path.display()))
                })
                .collect();
            logs.insert(name, records);
        }
    }
    Run { logs, output }
}

/// Where a name travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carrier {
    /// A DNS query over UDP, answered.
    DnsUdp,
    /// A DNS query inside one TCP connection that all such cases share, answered.
    DnsTcp,
    /// The server name of a TLS ClientHello.
    TlsSni,
    /// The Host header of an HTTP/1.1 request, answered.
    HttpHost,
}

impl Carrier {
    /// The `source` column of ddns.log.
    fn source(self) -> &'static str {
        match self {
            Carrier::DnsUdp | Carrier::DnsTcp => "dns",
            Carrier::TlsSni => "tls",
            Carrier::HttpHost => "http",
        }
    }
}

use Carrier::{DnsTcp, DnsUdp, HttpHost, TlsSni};

/// One name of the fixture and the verdict it must get: "block", "allow" or "none".
struct Case {
    carrier: Carrier,
    name: &'static str,
    verdict: &'static str,
}

const fn case(carrier: Carrier, name: &'static str, verdict: &'static str) -> Case {
    Case {
        carrier,
        name,
        verdict,
    }
}

/// The fixture: several providers of the default list over every carrier, upper case,
/// trailing dots, ports with and without, a byte no host name holds, a name dressed as an IP
/// literal, allow entries (www.duckdns.org), near misses and ordinary names.
const CASES: &[Case] = &[
    case(DnsUdp, "x7.duckdns.org", "block"),
    // From the client of the case before: its notice is suppressed.
    case(DnsUdp, "CAM-01.HOME.DUCKDNS.ORG", "block"),
    case(DnsUdp, "foo.no-ip.org", "block"),
    case(DnsUdp, "x.mooo.com", "block"),
    case(DnsUdp, "a.3322.org", "block"),
    case(DnsUdp, "nas.synology.me", "block"),
    case(DnsUdp, "c2_beacon.duckdns.org", "block"),
    case(DnsUdp, "notduckdns.org", "none"),
    case(DnsUdp, "duckdns.org.evil.com", "none"),
    case(DnsUdp, "www.duckdns.org", "allow"),
    case(DnsUdp, "www.example.com", "none"),
    case(DnsTcp, "tcp-c2.hopto.org", "block"),
    case(DnsTcp, "www.example.org", "none"),
    case(DnsTcp, "WWW.DuckDNS.org", "allow"),
    case(TlsSni, "c2.ddns.net", "block"),
    case(TlsSni, "Upper.DynDNS.ORG.", "block"),
    case(TlsSni, "[x7.duckdns.org]:443", "block"),
    case(TlsSni, "www.duckdns.org", "allow"),
    case(TlsSni, "duckdns.org.evil.com", "none"),
    case(HttpHost, "myhost.dynu.net", "block"),
    case(HttpHost, "X7.DuckDNS.org:8080", "block"),
    case(HttpHost, "evil.duckdns.org.", "block"),
    case(HttpHost, "cam.duckdns.org:443:443", "block"),
    case(HttpHost, "notduckdns.org", "none"),
    case(HttpHost, "www.duckdns.org:80", "allow"),
    case(HttpHost, "192.168.1.1:8080", "none"),
    // A zone's apex is the provider's own name (its web site here): allowed.
    case(DnsUdp, "duckdns.org", "allow"),
    case(HttpHost, "freemyip.com", "allow"),
];

/// The resolver, TLS server and web server every client talks to.
const RESOLVER: Endpoint = Endpoint::new([192, 0, 2, 53], 53);
const TLS_SERVER: Endpoint = Endpoint::new([192, 0, 2, 43], 443);
const WEB_SERVER: Endpoint = Endpoint::new([192, 0, 2, 80], 80);
const ANSWER: [u8; 4] = [198, 51, 100, 7];

/// The client of case number `index`: a host of its own (10.0.0.10 + index) and port
/// 40000 + index, except case 1, which comes from the host of case 0.
fn client(index: usize) -> Endpoint {
    let host = if index == 1 { 10 } else { 10 + index as u8 };
    Endpoint::new([10, 0, 0, host], 40_000 + index as u16)
}

/// Writes the fixture pcap; returns it and, per case, the client its name comes from (the
/// DNS-over-TCP cases share the connection of the first of them).
fn fixture_pcap(cases: &[Case]) -> (Vec<u8>, Vec<Endpoint>) {
    let mut pcap = Pcap::new();
    let mut clients = Vec::new();
    let mut tcp_dns: Option<(ddns_tests::pcap::TcpConnection, Endpoint)> = None;
    for (index, case) in cases.iter().enumerate() {
        let name = case.name.as_bytes();
        let id = 0x1000 + index as u16;
        let me = client(index);
        match case.carrier {
            DnsUdp => {
                pcap.udp(me, RESOLVER, &dns_query(id, name));
                pcap.udp(RESOLVER, me, &dns_response(id, name, ANSWER));
                clients.push(me);
            }
            DnsTcp => {
                let (connection, first) =
                    tcp_dns.get_or_insert_with(|| (pcap.tcp_connect(me, RESOLVER), me));
                connection.client_sends(&mut pcap, &dns_over_tcp(&dns_query(id, name)));
                connection.server_sends(&mut pcap, &dns_over_tcp(&dns_response(id, name, ANSWER)));
                clients.push(*first);
            }
            TlsSni => {
                let mut connection = pcap.tcp_connect(me, TLS_SERVER);
                connection.client_sends(&mut pcap, &tls_client_hello(name));
                connection.server_sends(&mut pcap, &tls_server_hello());
                connection.client_sends(&mut pcap, &tls_client_finish());
                connection.close(&mut pcap);
                clients.push(me);
            }
            HttpHost => {
                let mut connection = pcap.tcp_connect(me, WEB_SERVER);
                connection.client_sends(&mut pcap, &http_get(name));
                connection.server_sends(&mut pcap, &http_ok());
                connection.close(&mut pcap);
                clients.push(me);
            }
        }
    }
    if let Some((connection, _)) = tcp_dns {
        connection.close(&mut pcap);
    }
    (pcap.into_bytes(), clients)
}

/// `ddns check --json` on `names`: one parsed answer per name.
fn ddns_check(names: &[&str], list: Option<&Path>) -> Vec<Value> {
    let mut command = Command::new(ddns_binary());
    if let Some(list) = list {
        command.arg("--list").arg(list);
    }
    let out = command
        .arg("check")
        .arg("--json")
        .args(names)
        .output()
        .expect("run ddns check");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "ddns check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// A ddns.log row as the tests compare it: source, client address and port, name, verdict,
/// provider id, provider name, base, malformed.
type Row = (
    String,
    String,
    u64,
    String,
    String,
    String,
    String,
    String,
    bool,
);

fn text(value: &Value) -> String {
    value.as_str().unwrap_or("-").to_string()
}

fn row_of(record: &Value) -> Row {
    (
        text(&record["source"]),
        text(&record["id.orig_h"]),
        record["id.orig_p"].as_u64().expect("a client port"),
        text(&record["name"]),
        text(&record["verdict"]),
        text(&record["provider"]),
        text(&record["provider_name"]),
        text(&record["base"]),
        record["malformed"].as_bool().expect("malformed"),
    )
}

/// A notice.log row as the tests compare it: note, client address and port, sub, message.
type NoticeRow = (String, String, u64, String, String);

fn notice_of(record: &Value) -> NoticeRow {
    (
        text(&record["note"]),
        text(&record["id.orig_h"]),
        record["id.orig_p"].as_u64().expect("a client port"),
        text(&record["sub"]),
        text(&record["msg"]),
    )
}

fn address(endpoint: Endpoint) -> String {
    let [a, b, c, d] = endpoint.ip;
    format!("{a}.{b}.{c}.{d}")
}

/// The rows `cases` must give in ddns.log (in order) from `clients`, decided by `ddns check`
/// (which must agree with the verdicts the cases state), and the notices the default options
/// raise for them: one per client and base domain.
fn expected_rows(
    cases: &[Case],
    clients: &[Endpoint],
    list: Option<&Path>,
) -> (Vec<Row>, Vec<NoticeRow>) {
    let answers = ddns_check(&cases.iter().map(|c| c.name).collect::<Vec<_>>(), list);
    let mut rows = Vec::new();
    let mut notices = Vec::new();
    let mut noticed = BTreeSet::new();
    for ((case, client), answer) in cases.iter().zip(clients).zip(&answers) {
        assert_eq!(answer["name"], case.name);
        assert_eq!(
            answer["verdict"], case.verdict,
            "ddns check on {}",
            case.name
        );
        if case.verdict == "none" {
            continue;
        }
        let row: Row = (
            case.carrier.source().to_string(),
            address(*client),
            u64::from(client.port),
            case.name.to_string(),
            case.verdict.to_string(),
            text(&answer["provider"]),
            text(&answer["provider_name"]),
            text(&answer["base"]),
            answer["malformed"].as_bool().unwrap(),
        );
        if case.verdict == "block" && noticed.insert((address(*client), row.7.clone())) {
            notices.push((
                "DDNS::Dynamic_DNS_Name".to_string(),
                address(*client),
                u64::from(client.port),
                row.5.clone(),
                format!(
                    "{} name {} is under {} ({})",
                    row.0, case.name, row.6, row.7
                ),
            ));
        }
        rows.push(row);
    }
    (rows, notices)
}

#[test]
fn zeek_n_shows_the_plugin_and_its_functions() {
    let out = run_checked(
        Command::new(zeek())
            .arg("-NN")
            .arg("DDNS::Lookup")
            .env("ZEEK_PLUGIN_PATH", plugin_build()),
        "zeek -NN",
    );
    let version = std::fs::read_to_string(repo_root().join("plugins/zeek/VERSION")).unwrap();
    let first = out.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "DDNS::Lookup - Dynamic-DNS provider lookups through libddns (dynamic, version {})",
            version.trim()
        )
    );
    for item in [
        "[Type] DDNS::Match",
        "[Function] DDNS::lookup",
        "[Function] DDNS::lookup_host",
        "[Function] DDNS::is_listed",
        "[Function] DDNS::is_listed_host",
        "[Function] DDNS::load_list",
        "[Function] DDNS::library_version",
    ] {
        assert!(
            out.lines().any(|line| line.trim() == item),
            "zeek -NN does not list {item}:\n{out}"
        );
    }
    // The package's own test command (zkg test) passes on this build too.
    run_checked(
        Command::new("sh")
            .arg("tests/run.sh")
            .current_dir(repo_root().join("plugins/zeek"))
            .env("ZEEK_PLUGIN_PATH", plugin_build())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    zeek_bin_dir().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            ),
        "plugins/zeek/tests/run.sh",
    );
}

#[test]
fn ddns_log_and_notice_log_hold_exactly_the_expected_rows() {
    let dir = work_dir("fixture");
    let (pcap, clients) = fixture_pcap(CASES);
    let run = run_zeek(&dir, &pcap, "", &[]);

    // Zeek parsed every name, so the absence of the negatives means something.
    for (case, client) in CASES.iter().zip(&clients) {
        let (log, field) = match case.carrier {
            DnsUdp | DnsTcp => ("dns", "query"),
            TlsSni => ("ssl", "server_name"),
            HttpHost => ("http", "host"),
        };
        let seen = run.log(log).iter().any(|record| {
            record["id.orig_p"].as_u64() == Some(u64::from(client.port))
                && record[field].as_str().is_some_and(|value| {
                    case.name
                        .to_ascii_lowercase()
                        .starts_with(&value.to_ascii_lowercase())
                })
        });
        assert!(
            seen,
            "Zeek's {log}.log has no {field} for {}:\n{:#?}",
            case.name,
            run.log(log)
        );
    }

    let (expected, notices) = expected_rows(CASES, &clients, None);
    let got: Vec<Row> = run.log("ddns").iter().map(row_of).collect();
    assert_eq!(got, expected, "ddns.log differs from the fixture's");
    let got: Vec<NoticeRow> = run.log("notice").iter().map(notice_of).collect();
    assert_eq!(got, notices, "notice.log differs from the fixture's");
    run.assert_quiet();
}

#[test]
fn options_ignore_providers_and_classes_mark_known_hosts_unsuppress_and_switch_off() {
    let cases = [
        case(DnsUdp, "x7.duckdns.org", "block"),
        case(DnsUdp, "again.duckdns.org", "block"),
        case(DnsUdp, "foo.no-ip.org", "block"),
        case(HttpHost, "Home-VPN.DuckDNS.org.:8443", "block"),
        case(DnsUdp, "www.duckdns.org", "allow"),
    ];
    let (pcap, clients) = fixture_pcap(&cases);
    let (rows, _) = expected_rows(&cases, &clients, None);

    let dir = work_dir("options");
    let run = run_zeek(
        &dir,
        &pcap,
        "redef DDNS::ignored_providers = { \"noip\" };\n\
         redef DDNS::known_hosts = { \"home-vpn.duckdns.org\" };\n\
         redef DDNS::suppression_interval = 0 secs;",
        &[],
    );
    // No-IP's name is gone; the known host is logged as such; the rest stay.
    let mut expected: Vec<Row> = rows.iter().filter(|row| row.5 != "noip").cloned().collect();
    expected[2].4 = "known".to_string();
    let got: Vec<Row> = run.log("ddns").iter().map(row_of).collect();
    assert_eq!(got, expected);
    // Both duckdns names of client 1 notice (no suppression); the known host does not.
    let noticed: Vec<(String, u64)> = run
        .log("notice")
        .iter()
        .map(|record| (text(&record["note"]), record["id.orig_p"].as_u64().unwrap()))
        .collect();
    let note = "DDNS::Dynamic_DNS_Name".to_string();
    assert_eq!(
        noticed,
        [
            (note.clone(), u64::from(clients[0].port)),
            (note, u64::from(clients[1].port))
        ]
    );

    // Ignoring a class: only the device-assigned (Synology) name is left, its class logged.
    let cases = [
        case(DnsUdp, "x7.duckdns.org", "block"),
        case(DnsUdp, "nas.dsmynas.com", "block"),
    ];
    let (pcap_classes, _) = fixture_pcap(&cases);
    let dir = work_dir("options-classes");
    let run = run_zeek(
        &dir,
        &pcap_classes,
        "redef DDNS::ignored_classes = { \"free-anonymous\" };",
        &[],
    );
    let logged: Vec<(String, String)> = run
        .log("ddns")
        .iter()
        .map(|record| (text(&record["name"]), text(&record["provider_class"])))
        .collect();
    assert_eq!(
        logged,
        [("nas.dsmynas.com".to_string(), "device-assigned".to_string())]
    );

    let dir = work_dir("options-off");
    let run = run_zeek(
        &dir,
        &pcap,
        "redef DDNS::log_enabled = F;\nredef DDNS::notice_enabled = F;",
        &[],
    );
    assert!(run.log("dns").len() >= 4, "Zeek saw no DNS: {:?}", run.logs);
    assert!(
        run.log("ddns").is_empty(),
        "ddns.log written: {:?}",
        run.log("ddns")
    );
    assert!(
        run.log("notice").is_empty(),
        "notices raised: {:?}",
        run.log("notice")
    );
}

#[test]
fn the_bifs_answer_as_ddns_check_does() {
    let names = [
        "Cam-01.Home.DuckDNS.org.",
        "www.duckdns.org",
        "notduckdns.org",
        "duckdns.org.evil.com",
        "x7.duckdns.org:8443",
        "c2_beacon.duckdns.org",
        "nas.synology.me",
    ];
    let calls: String = names
        .iter()
        .map(|name| {
            format!(
                "print DDNS::lookup_host(\"{name}\");\n\
                 print DDNS::is_listed_host(\"{name}\"), DDNS::is_listed(\"{name}\");\n"
            )
        })
        .collect();
    let dir = work_dir("bifs");
    let run = run_zeek(
        &dir,
        &Pcap::new().into_bytes(),
        &format!(
            "event zeek_init() {{\n{calls}print DDNS::lookup(\"\"), DDNS::lookup_host(\"\");\n\
             print DDNS::library_version();\n}}"
        ),
        &[],
    );
    let answers = ddns_check(&names, None);
    let mut lines = run.output.lines();
    for (name, answer) in names.iter().zip(&answers) {
        let expected = match answer["verdict"].as_str().unwrap() {
            "none" => "[matched=F, allowed=F, provider=<uninitialized>, \
                       provider_name=<uninitialized>, base=<uninitialized>, sub_labels=0, \
                       abuse=<uninitialized>, provider_class=<uninitialized>, malformed=F]"
                .to_string(),
            verdict => format!(
                "[matched={}, allowed={}, provider={}, provider_name={}, base={}, \
                 sub_labels={}, abuse={}, provider_class={}, malformed={}]",
                if verdict == "block" { "T" } else { "F" },
                if verdict == "allow" { "T" } else { "F" },
                text(&answer["provider"]),
                text(&answer["provider_name"]),
                text(&answer["base"]),
                answer["sub_labels"],
                text(&answer["abuse"]),
                text(&answer["class"]),
                if answer["malformed"] == true {
                    "T"
                } else {
                    "F"
                },
            ),
        };
        assert_eq!(lines.next(), Some(expected.as_str()), "{name}");
        // is_listed_host says whether lookup_host finds an entry; is_listed, which takes no
        // port, the same for the names without one.
        let listed = answer["verdict"] != "none";
        let dotted = listed && !name.contains(':');
        let flag = |b: bool| if b { "T" } else { "F" };
        assert_eq!(
            lines.next(),
            Some(format!("{}, {}", flag(listed), flag(dotted)).as_str()),
            "is_listed_host, is_listed: {name}"
        );
    }
    let none = "[matched=F, allowed=F, provider=<uninitialized>, provider_name=<uninitialized>, \
                base=<uninitialized>, sub_labels=0, abuse=<uninitialized>, \
                provider_class=<uninitialized>, malformed=F]";
    assert_eq!(lines.next(), Some(format!("{none}, {none}").as_str()));
    let version = lines.next().unwrap_or_default();
    assert!(
        version.starts_with("ddns 0.") && version.contains("(abi 1, list format "),
        "library_version: {version}"
    );
}

/// What the hostile-names test sends: a DNS query name, a TLS server name, or an HTTP request.
enum Sent {
    Dns(Vec<u8>),
    Sni(Vec<u8>),
    Http(Vec<u8>),
}

#[test]
fn hostile_names_neither_stop_zeek_nor_hide_a_match() {
    use Sent::{Dns, Http, Sni};
    let label = "a".repeat(63);
    let over_long = format!("{label}.{label}.{label}.{label}.duckdns.org");
    let host = |name: &[u8]| Http(http_get(name));
    // What is sent, and Some(base) when a ddns.log row must come.
    let cases: Vec<(Sent, Option<&str>)> = vec![
        (
            Dns(b"\xff\xfe\x00x.duckdns.org".to_vec()),
            Some("duckdns.org"),
        ),
        (Dns(b"sp ace.DuckDNS.org".to_vec()), Some("duckdns.org")),
        (Dns(over_long.into_bytes()), Some("duckdns.org")),
        (Dns(b"duckdns.org".to_vec()), Some("duckdns.org")),
        (Dns(b"\xff\xfe.example.com".to_vec()), None),
        (Sni(b"".to_vec()), None),
        (Sni(b"\x00".to_vec()), None),
        (Sni(b"\x00x.ddns.net".to_vec()), Some("ddns.net")),
        (host(b""), None),
        (host(b":"), None),
        (host(b"[::1]:8080"), None),
        (host(b"x.duckdns.org:99999999"), Some("duckdns.org")),
        (
            host(format!("{}.duckdns.org", "b".repeat(2000)).as_bytes()),
            Some("duckdns.org"),
        ),
    ];
    let mut pcap = Pcap::new();
    let mut expected = Vec::new();
    for (index, (sent, base)) in cases.iter().enumerate() {
        let me = Endpoint::new([10, 0, 1, 10 + index as u8], 41_000 + index as u16);
        match sent {
            Dns(name) => pcap.udp(me, RESOLVER, &dns_query(index as u16 + 1, name)),
            Sni(name) => {
                let mut connection = pcap.tcp_connect(me, TLS_SERVER);
                connection.client_sends(&mut pcap, &tls_client_hello(name));
                connection.server_sends(&mut pcap, &tls_server_hello());
                connection.close(&mut pcap);
            }
            Http(request) => {
                let mut connection = pcap.tcp_connect(me, WEB_SERVER);
                connection.client_sends(&mut pcap, request);
                connection.server_sends(&mut pcap, &http_ok());
                connection.close(&mut pcap);
            }
        }
        if let Some(base) = base {
            expected.push((u64::from(me.port), base.to_string()));
        }
    }
    let dir = work_dir("hostile");
    let run = run_zeek(&dir, &pcap.into_bytes(), "", &[]);
    let got: Vec<(u64, String)> = run
        .log("ddns")
        .iter()
        .map(|record| (record["id.orig_p"].as_u64().unwrap(), text(&record["base"])))
        .collect();
    assert_eq!(got, expected, "ddns.log: {:#?}", run.log("ddns"));
    // Each name as Zeek logged it (bytes escaped) gets the same verdict from `ddns check`.
    for record in run.log("ddns") {
        let name = text(&record["name"]);
        if name.contains('\\') {
            continue; // escaped bytes: `ddns check` would see other bytes
        }
        let answer = &ddns_check(&[&name], None)[0];
        assert_eq!(answer["verdict"], record["verdict"], "{name}");
        assert_eq!(answer["malformed"], record["malformed"], "{name}");
    }
    run.assert_quiet();
}

/// Compiles the plain list `text` into `dir`/`name`.ddns with `ddns compile`.
fn compile_list(dir: &Path, name: &str, text: &str) -> PathBuf {
    let source = dir.join(format!("{name}.txt"));
    std::fs::write(&source, text).unwrap();
    let list = dir.join(format!("{name}.ddns"));
    run_checked(
        Command::new(ddns_binary())
            .arg("compile")
            .arg(&source)
            .arg("-o")
            .arg(&list),
        "ddns compile",
    );
    list
}

/// The names the list tests ask for, one DNS query each, in every phase.
const LIST_NAMES: [&str; 4] = [
    "cam.example-ddns.net",
    "www.example-ddns.net",
    "nas.other-ddns.org",
    "x7.duckdns.org",
];

/// Appends one DNS query per name of [`LIST_NAMES`] to `pcap`, from port 42000 + phase * 10.
fn list_queries(pcap: &mut Pcap, phase: u16) {
    for (index, name) in LIST_NAMES.iter().enumerate() {
        let me = Endpoint::new([10, 0, 2, 10], 42_000 + phase * 10 + index as u16);
        pcap.udp(
            me,
            RESOLVER,
            &dns_query(phase * 10 + index as u16, name.as_bytes()),
        );
    }
}

/// ddns.log reduced to (client port, name, verdict, provider).
fn list_rows(run: &Run) -> Vec<(u64, String, String, String)> {
    run.log("ddns")
        .iter()
        .map(|record| {
            (
                record["id.orig_p"].as_u64().unwrap(),
                text(&record["name"]),
                text(&record["verdict"]),
                text(&record["provider"]),
            )
        })
        .collect()
}

/// The rows phase `phase` of [`list_queries`] gives on `list` (None: the default list), as
/// `ddns check` decides.
fn list_phase_rows(phase: u16, list: Option<&Path>) -> Vec<(u64, String, String, String)> {
    ddns_check(&LIST_NAMES, list)
        .iter()
        .enumerate()
        .filter(|(_, answer)| answer["verdict"] != "none")
        .map(|(index, answer)| {
            (
                u64::from(42_000 + phase * 10 + index as u16),
                text(&answer["name"]),
                text(&answer["verdict"]),
                text(&answer["provider"]),
            )
        })
        .collect()
}

#[test]
fn a_list_file_at_start_up_replaces_the_default_and_a_bad_one_keeps_it() {
    let dir = work_dir("list-at-start");
    let mine = compile_list(
        &dir,
        "mine",
        "example-ddns.net acme\n!www.example-ddns.net acme\n",
    );
    let corrupt = dir.join("corrupt.ddns");
    std::fs::write(&corrupt, b"this is not a compiled list").unwrap();
    let missing = dir.join("no-such-list.ddns");
    let mut pcap = Pcap::new();
    list_queries(&mut pcap, 0);
    let pcap = pcap.into_bytes();

    let run = run_zeek(
        &dir,
        &pcap,
        &format!("redef DDNS::list_file = \"{}\";", mine.display()),
        &[],
    );
    assert_eq!(list_rows(&run), list_phase_rows(0, Some(&mine)));
    assert_eq!(
        run.ddns_messages(),
        [format!(
            "Reporter::INFO ddns: loaded list {}: 2 entries, 1 providers",
            mine.display()
        )]
    );

    // A list that does not load: Zeek starts all the same, on the default list, and says why.
    for (bad, reason) in [
        (&corrupt, "corrupt"),
        (&missing, "No such file or directory"),
    ] {
        let run = run_zeek(
            &dir,
            &pcap,
            &format!("redef DDNS::list_file = \"{}\";", bad.display()),
            &[],
        );
        assert_eq!(
            list_rows(&run),
            list_phase_rows(0, None),
            "{}",
            bad.display()
        );
        let messages = run.ddns_messages();
        assert!(
            messages.iter().any(|message| message.starts_with(&format!(
                "Reporter::WARNING ddns: cannot load list {}: ",
                bad.display()
            )) && message.contains(reason)
                && message.ends_with("; keeping the previous list")),
            "no warning naming {} and {reason:?}: {messages:?}\n{}",
            bad.display(),
            run.output
        );
    }
}

/// The way plugins/zeek/README.md recommends: a line in a file of Config::config_files. The
/// script holds the packets back until the file is read, as Zeek reads it in a thread.
#[test]
fn a_list_named_in_a_config_file_serves_the_traffic() {
    let dir = work_dir("config-file");
    let mine = compile_list(
        &dir,
        "mine",
        "example-ddns.net acme\n!www.example-ddns.net acme\n",
    );
    let config = dir.join("ddns.cfg");
    std::fs::write(&config, format!("DDNS::list_file {}\n", mine.display())).unwrap();
    let mut pcap = Pcap::new();
    list_queries(&mut pcap, 0);
    let script = format!(
        "redef Config::config_files += {{ \"{config}\" }};\n\
         event zeek_init() {{ suspend_processing(); }}\n\
         event Input::end_of_data(name: string, source: string)\n\
         \t{{ if ( source == \"{config}\" ) continue_processing(); }}",
        config = config.display()
    );
    let run = run_zeek(&dir, &pcap.into_bytes(), &script, &[]);
    assert_eq!(
        list_rows(&run),
        list_phase_rows(0, Some(&mine)),
        "{}",
        run.output
    );
    assert_eq!(
        run.ddns_messages(),
        [format!(
            "Reporter::INFO ddns: loaded list {}: 2 entries, 1 providers",
            mine.display()
        )]
    );
}

/// A list whose checksum is right but whose suffix index is not: it opens, and only the full
/// check (`ddns_matcher_verify`) can refuse it.
fn crafted_list(dir: &Path) -> PathBuf {
    let bytes = ddns_test_support::with_upper_case_table_key(&ddns_test_support::compile_list(
        "duckdns.org duckdns\n",
    ));
    let list = dir.join("crafted.ddns");
    std::fs::write(&list, &bytes).unwrap();
    list
}

#[test]
fn a_list_that_fails_the_full_check_is_refused_unless_verify_list_is_off() {
    let dir = work_dir("verify-list");
    let list = crafted_list(&dir);
    let mut pcap = Pcap::new();
    list_queries(&mut pcap, 0);
    let pcap = pcap.into_bytes();
    let setting = format!("redef DDNS::list_file = \"{}\";", list.display());

    let run = run_zeek(&dir, &pcap, &setting, &[]);
    let messages = run.ddns_messages();
    assert!(
        messages.iter().any(|message| message.starts_with(&format!(
            "Reporter::WARNING ddns: cannot load list {}: ",
            list.display()
        )) && message.contains("corrupt suffix index")),
        "the crafted list was not refused: {messages:?}\n{}",
        run.output
    );
    assert_eq!(
        list_rows(&run),
        list_phase_rows(0, None),
        "not on the default list"
    );

    // Without the full check the list opens (its header and checksum are right).
    let run = run_zeek(
        &dir,
        &pcap,
        &format!("{setting}\nredef DDNS::verify_list = F;"),
        &[],
    );
    assert_eq!(
        run.ddns_messages(),
        [format!(
            "Reporter::INFO ddns: loaded list {}: 1 entries, 1 providers",
            list.display()
        )]
    );
}

#[test]
fn a_list_changed_at_run_time_through_the_config_framework_serves_later_traffic() {
    let dir = work_dir("list-at-run-time");
    let first = compile_list(
        &dir,
        "first",
        "example-ddns.net acme\n!www.example-ddns.net acme\n",
    );
    let second = compile_list(&dir, "second", "other-ddns.org beta\n");
    let corrupt = dir.join("corrupt.ddns");
    std::fs::write(&corrupt, b"DDNS but not a compiled list at all").unwrap();
    let missing = dir.join("no-such-list.ddns");

    // Five phases one second apart; the script switches the list between them.
    let mut pcap = Pcap::new();
    for phase in 0..5 {
        if phase > 0 {
            pcap.set_step_micros(1_000_000);
            pcap.udp(
                Endpoint::new([10, 0, 2, 99], 43_000 + phase),
                RESOLVER,
                &dns_query(9_000 + phase, b"tick.example.com"),
            );
            pcap.set_step_micros(100);
        }
        list_queries(&mut pcap, phase);
    }
    let script = format!(
        "redef DDNS::list_file = \"{first}\";\n\
         global lists = vector(\"{second}\", \"{corrupt}\", \"{missing}\", \"\");\n\
         event switch_list(step: count)\n\
         \t{{\n\
         \tConfig::set_value(\"DDNS::list_file\", lists[step]);\n\
         \tprint fmt(\"step %d: list_file %s\", step, DDNS::list_file);\n\
         \tif ( step + 1 < |lists| )\n\
         \t\tschedule 1 sec {{ switch_list(step + 1) }};\n\
         \t}}\n\
         event network_time_init() {{ schedule 0.5 sec {{ switch_list(0) }}; }}",
        first = first.display(),
        second = second.display(),
        corrupt = corrupt.display(),
        missing = missing.display(),
    );
    let run = run_zeek(&dir, &pcap.into_bytes(), &script, &[]);

    // Phase 0 on the first list, 1 on the second, 2 and 3 still on the second (the corrupt
    // and the missing list are refused), 4 on the default list.
    let lists = [
        Some(first.as_path()),
        Some(second.as_path()),
        Some(second.as_path()),
        Some(second.as_path()),
        None,
    ];
    let expected: Vec<_> = lists
        .iter()
        .enumerate()
        .flat_map(|(phase, list)| list_phase_rows(phase as u16, *list))
        .collect();
    assert_eq!(list_rows(&run), expected, "{}", run.output);

    // The option names the list in use: a refused file leaves it as it was.
    let steps: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("step "))
        .collect();
    assert_eq!(
        steps,
        [
            format!("step 0: list_file {}", second.display()),
            format!("step 1: list_file {}", second.display()),
            format!("step 2: list_file {}", second.display()),
            "step 3: list_file ".to_string(),
        ]
    );
    let errors: Vec<String> = run
        .ddns_messages()
        .into_iter()
        .filter(|message| message.starts_with("Reporter::ERROR"))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains(&corrupt.display().to_string()) && errors[0].contains("corrupt"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains(&missing.display().to_string())
            && errors[1].contains("No such file or directory"),
        "{errors:?}"
    );
}

/// Builds, in `dir`/lib, a libddns.so.1 that has every ddns_ function the plugin calls,
/// `ddns_abi_version` returning `abi` and the others doing nothing.
fn foreign_library(dir: &Path, abi: u32) -> PathBuf {
    let out = run_checked(
        Command::new("nm")
            .args(["-D", "--undefined-only"])
            .arg(plugin_object()),
        "nm",
    );
    let mut source = String::new();
    for symbol in out
        .split_whitespace()
        .filter(|word| word.starts_with("ddns_"))
    {
        if symbol == "ddns_abi_version" {
            source.push_str(&format!(
                "unsigned int ddns_abi_version(void) {{ return {abi}u; }}\n"
            ));
        } else {
            source.push_str(&format!("int {symbol}(void) {{ return 0; }}\n"));
        }
    }
    assert!(
        source.contains("ddns_abi_version"),
        "the plugin does not check the ABI"
    );
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    let source_path = dir.join("foreign.c");
    std::fs::write(&source_path, source).unwrap();
    let library = lib.join("libddns.so.1");
    run_checked(
        Command::new("cc")
            .args(["-shared", "-fPIC", "-Wl,-soname,libddns.so.1", "-o"])
            .arg(&library)
            .arg(&source_path),
        "cc (the foreign library)",
    );
    lib
}

#[test]
fn a_libddns_of_another_abi_version_is_refused_with_both_numbers() {
    let dir = work_dir("foreign-abi");
    let lib = foreign_library(&dir, 999);
    let mut pcap = Pcap::new();
    list_queries(&mut pcap, 0);
    let run = run_zeek(
        &dir,
        &pcap.into_bytes(),
        "event zeek_init() { print fmt(\"version [%s]\", DDNS::library_version()); }",
        &[("LD_LIBRARY_PATH", &lib)],
    );
    assert!(
        run.output.contains(
            "ddns: refusing libddns: it has ABI version 999, this plugin was built for ABI \
             version 1"
        ),
        "no refusal naming both versions:\n{}",
        run.output
    );
    assert!(run.output.contains("version []"), "{}", run.output);
    assert!(
        run.log("dns").len() == LIST_NAMES.len(),
        "Zeek stopped early"
    );
    assert!(run.log("ddns").is_empty(), "matches on a refused library");
}

/// Every file under `dir`, by path relative to it, with its contents.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).expect("read an installed directory") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

/// The whole life of an install: `make install` (staged under DESTDIR, as a package build
/// does), Zeek running on the installed plugin, a second `make install` under it (an
/// upgrade does the same), and a restart. The second install replaces the plugin's files instead of
/// writing into them, so the running Zeek keeps the library it mapped; it leaves the same
/// files, and nothing twice.
#[test]
fn a_second_make_install_under_a_running_zeek_replaces_the_plugin_safely() {
    let dir = work_dir("second-install");
    let build = plugin_build();
    let install = |what: &str| {
        run_checked(
            Command::new("make")
                .arg("-C")
                .arg(build)
                .arg("install")
                .env("DESTDIR", &dir)
                .env_remove("MAKEFLAGS")
                .env_remove("MFLAGS"),
            what,
        )
    };
    install("make install");
    let plugin_dir = run_checked(
        Command::new(zeek_bin_dir().join("zeek-config")).arg("--plugin_dir"),
        "zeek-config --plugin_dir",
    );
    let staged = dir.join(plugin_dir.trim().trim_start_matches('/'));
    let first = files_under(&staged);
    let library = first
        .iter()
        .map(|(path, _)| staged.join(path))
        .find(|path| path.extension().is_some_and(|ext| ext == "so"))
        .unwrap_or_else(|| panic!("no plugin library installed: {first:?}"));

    // A Zeek that runs until it is stopped, with the installed plugin.
    let output = dir.join("zeek-output.txt");
    let mut zeek_run = Command::new(zeek())
        .arg("-e")
        .arg(
            "redef exit_only_after_terminate = T; \
             event zeek_init() { print fmt(\"running with libddns [%s]\", DDNS::library_version()); \
             flush_all(); }",
        )
        .current_dir(&dir)
        .env("ZEEK_PLUGIN_PATH", &staged)
        .stdout(std::fs::File::create(&output).unwrap())
        .stderr(std::fs::File::create(dir.join("zeek-stderr.txt")).unwrap())
        .spawn()
        .expect("start zeek");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&output)
        .unwrap_or_default()
        .contains("running with libddns [")
    {
        assert!(
            zeek_run.try_wait().unwrap().is_none(),
            "zeek exited before it ran: {}",
            std::fs::read_to_string(&output).unwrap_or_default()
        );
        assert!(
            std::time::Instant::now() < deadline,
            "zeek did not start within a minute: {}",
            std::fs::read_to_string(dir.join("zeek-stderr.txt")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // Zeek's install script removes the installed plugin directory and unpacks the build's
    // package again, every time.
    install("the second make install");
    let second = files_under(&staged);
    assert_eq!(
        second.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        first.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        "the second install left other files"
    );
    assert!(
        second == first,
        "the second install changed a file's contents"
    );
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", zeek_run.id())).unwrap_or_default();
    let mapped: Vec<&str> = maps
        .lines()
        .filter(|line| line.contains(&*library.to_string_lossy()))
        .collect();
    assert!(
        !mapped.is_empty() && mapped.iter().all(|line| line.ends_with("(deleted)")),
        "the running Zeek does not map the replaced plugin file:\n{maps}"
    );
    assert!(
        zeek_run.try_wait().unwrap().is_none(),
        "zeek stopped during the second install"
    );
    let _ = zeek_run.kill();
    let _ = zeek_run.wait();

    // A restart loads the installed plugin.
    let out = run_checked(
        Command::new(zeek())
            .arg("-N")
            .arg("DDNS::Lookup")
            .env("ZEEK_PLUGIN_PATH", &staged),
        "zeek -N after the second install",
    );
    assert!(out.starts_with("DDNS::Lookup - "), "{out}");
}
