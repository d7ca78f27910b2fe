//! The Suricata 7 shim (plugins/suricata/) end to end: pcaps generated here are read by the
//! real `suricata -r` with the shim's rules, scripts and configuration snippet, and eve.json
//! must hold exactly the expected alerts, each with its provider; `ddns check` must decide
//! every name the same way. Then hostile names (bytes no host name holds, over-long names,
//! empty server names and hosts), a custom list from `ddns compile`, and the ways the shim
//! refuses to match: a library of another ABI version, no library, a list that does not open,
//! at `suricata -r` and at `suricata -T`. Then Suricata in unix-socket mode, fed pcaps and rule
//! reloads (`suricatasc`, `kill -USR2`): Suricata reuses the scripts' Lua states there. Then
//! two matches in one packet, the install commands of the README and the Makefile.
//!
//! Suricata 7 must be installed (scripts/test.sh installs it); without it these tests fail
//! and say how to install it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use Carrier::{DnsTcp, DnsUdp, HttpHost, TlsSni};
use ddns_tests::fixture::{
    ANSWER, CASES, Carrier, RESOLVER, TLS_SERVER, WEB_SERVER, client, fixture_pcap,
};
use ddns_tests::pcap::{
    Pcap, dns_over_tcp, dns_query, dns_response, http_get, http_ok, tls_client_hello,
    tls_server_hello,
};
use ddns_tests::{LibraryKind, ddns_binary, ddns_library, repo_root, target_dir};
use serde_json::Value;

/// The sids of ddns.rules, by the buffer each rule inspects.
const SID_DNS: u64 = 1_995_101;
const SID_TLS: u64 = 1_995_102;
const SID_HTTP: u64 = 1_995_103;

/// The packaged configuration the test configuration includes.
const PACKAGED_CONFIG: &str = "/etc/suricata/suricata.yaml";

const INSTALL_HINT: &str = "install Suricata 7 from Debian bookworm-backports: add the \
    `bookworm-backports` suite (component `main`) to apt's sources on the mirror apt already \
    uses, then `apt-get update && apt-get install -t bookworm-backports suricata` (or run \
    `bash scripts/test.sh`, which does both)";

/// The sid of ddns.rules' rule on a carrier's buffer.
fn sid(carrier: Carrier) -> u64 {
    match carrier {
        Carrier::DnsUdp | Carrier::DnsTcp => SID_DNS,
        Carrier::TlsSni => SID_TLS,
        Carrier::HttpHost => SID_HTTP,
    }
}

/// The installed `suricata`, checked to be version 7.
fn suricata() -> &'static Path {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND.get_or_init(|| {
        let version = Command::new("suricata").arg("-V").output();
        let version = match version {
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
            Ok(out) => panic!(
                "`suricata -V` failed ({}): {}; {INSTALL_HINT}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(err) => panic!("suricata is not installed ({err}); {INSTALL_HINT}"),
        };
        assert!(
            version.contains("version 7."),
            "the Lua shim is for Suricata 7 (LuaJIT with ffi), found: {}; {INSTALL_HINT}",
            version.trim()
        );
        assert!(
            Path::new(PACKAGED_CONFIG).exists(),
            "{PACKAGED_CONFIG} is missing; {INSTALL_HINT}"
        );
        PathBuf::from("suricata")
    })
}

fn plugin_dir() -> PathBuf {
    repo_root().join("plugins/suricata")
}

/// A fresh directory for one test's files under the target directory.
fn work_dir(test: &str) -> PathBuf {
    let dir = target_dir().join("suricata-tests").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("log")).expect("create the test directory");
    dir
}

/// What one `suricata -r` left behind.
struct Run {
    events: Vec<Value>,
    /// Standard output, standard error and suricata.log together.
    log: String,
}

impl Run {
    fn alerts(&self) -> impl Iterator<Item = &Value> {
        self.events
            .iter()
            .filter(|event| event["event_type"] == "alert")
    }

    fn log_mentions(&self, text: &str) -> bool {
        self.log.contains(text)
    }
}

/// Writes `dir`/suricata.yaml as plugins/suricata/README.md sets Suricata up: the packaged
/// configuration, the shim's snippet, its rules and scripts in default-rule-path. The command
/// socket is off unless `socket` names one (tests run side by side: none shares a socket).
fn write_config(dir: &Path, socket: Option<&Path>) -> PathBuf {
    let plugin = plugin_dir();
    let config = dir.join("suricata.yaml");
    let unix_command = match socket {
        Some(socket) => format!(
            "unix-command:\n  enabled: yes\n  filename: {}\n",
            socket.display()
        ),
        None => "unix-command.enabled: no\n".to_string(),
    };
    std::fs::write(
        &config,
        format!(
            "%YAML 1.1\n---\ninclude:\n  - {PACKAGED_CONFIG}\n  - {}\n\
             default-rule-path: {}\nrule-files:\n  - ddns.rules\n{unix_command}",
            plugin.join("ddns.yaml").display(),
            plugin.display()
        ),
    )
    .expect("write suricata.yaml");
    config
}

/// Runs `suricata -r pcap` as plugins/suricata/README.md sets it up: the packaged
/// configuration, the shim's snippet, its rules and scripts in default-rule-path; and
/// `environment` for the Lua scripts. Checks that it exits cleanly and loaded the rules.
fn run_suricata(dir: &Path, pcap: &[u8], environment: &[(&str, &Path)]) -> Run {
    let run = run_suricata_as_is(dir, pcap, environment);
    assert!(
        run.log_mentions("3 rules successfully loaded, 0 rules failed"),
        "the three ddns rules did not all load:\n{}",
        run.log
    );
    run
}

/// [`run_suricata`] without the check that the rules loaded.
fn run_suricata_as_is(dir: &Path, pcap: &[u8], environment: &[(&str, &Path)]) -> Run {
    let suricata = suricata();
    let config = write_config(dir, None);
    let pcap_path = dir.join("input.pcap");
    std::fs::write(&pcap_path, pcap).expect("write the pcap");
    let log_dir = dir.join("log");

    let mut command = Command::new(suricata);
    command
        .arg("-c")
        .arg(&config)
        .arg("-r")
        .arg(&pcap_path)
        .arg("-l")
        .arg(&log_dir)
        .env_remove("DDNS_LIST")
        .env_remove("DDNS_LIBRARY")
        .env_remove("DDNS_IGNORE_CLASSES");
    for (key, value) in environment {
        command.env(key, value);
    }
    let out: Output = command
        .output()
        .unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    log.push_str(&std::fs::read_to_string(log_dir.join("suricata.log")).unwrap_or_default());
    assert!(
        out.status.success(),
        "suricata failed ({}):\n{log}",
        out.status
    );
    let eve = std::fs::read_to_string(log_dir.join("eve.json")).expect("read eve.json");
    let events = eve
        .lines()
        .map(|line| serde_json::from_str(line).expect("eve.json holds JSON lines"))
        .collect();
    Run { events, log }
}

/// How long a test waits for Suricata to reach a state it polls for, before it fails.
const DEADLINE: Duration = Duration::from_secs(120);

/// Suricata in unix-socket mode (`suricata --unix-socket`), fed pcaps and commands through
/// `suricatasc` as plugins/suricata/README.md sets it up. Killed when dropped, so a failing
/// test leaves no Suricata behind.
struct SocketSuricata {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
    /// pcap-file runs so far.
    runs: usize,
}

impl Drop for SocketSuricata {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SocketSuricata {
    /// Starts Suricata in `dir` with `environment` for the Lua scripts, and waits until its
    /// command socket answers.
    fn start(dir: &Path, environment: &[(&str, &Path)]) -> SocketSuricata {
        let socket = dir.join("command.socket");
        let config = write_config(dir, Some(&socket));
        let output = |name: &str| std::fs::File::create(dir.join(name)).expect("create a log");
        let mut command = Command::new(suricata());
        command
            .arg("-c")
            .arg(&config)
            .arg("--unix-socket")
            .arg("-l")
            .arg(dir.join("log"))
            .env_remove("DDNS_LIST")
            .env_remove("DDNS_LIBRARY")
            .stdin(Stdio::null())
            .stdout(output("stdout.txt"))
            .stderr(output("stderr.txt"));
        for (key, value) in environment {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|err| panic!("run {command:?}: {err}"));
        let mut suricata = SocketSuricata {
            child,
            dir: dir.to_path_buf(),
            socket,
            runs: 0,
        };
        suricata.wait_for("the command socket to answer", |suricata, _| {
            suricata.socket.exists() && suricata.try_command("version").is_some()
        });
        let log = suricata.log();
        assert!(
            log.contains("3 rules successfully loaded, 0 rules failed"),
            "the three ddns rules did not all load:\n{log}"
        );
        suricata
    }

    /// suricata.log so far.
    fn suricata_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log/suricata.log")).unwrap_or_default()
    }

    /// Standard output, standard error and suricata.log together.
    fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "{}{}{}",
            read("stdout.txt"),
            read("stderr.txt"),
            self.suricata_log()
        )
    }

    /// Polls until `done(self, suricata.log)` holds; fails with the log when Suricata exits
    /// or the deadline passes first.
    fn wait_for(&mut self, what: &str, done: impl Fn(&SocketSuricata, &str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll suricata") {
                panic!(
                    "suricata exited ({status}) while the test waited for {what}:\n{}",
                    self.log()
                );
            }
            if done(self, &self.suricata_log()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} within {DEADLINE:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends `command` with suricatasc; its answer when Suricata says "OK".
    fn try_command(&self, command: &str) -> Option<Value> {
        let out = Command::new("suricatasc")
            .arg("-c")
            .arg(command)
            .arg(&self.socket)
            .output()
            .unwrap_or_else(|err| {
                panic!(
                    "suricatasc is not installed ({err}); it comes with Suricata: {INSTALL_HINT}"
                )
            });
        let answer: Value = serde_json::from_slice(&out.stdout).ok()?;
        (out.status.success() && answer["return"] == "OK").then_some(answer)
    }

    /// Sends `command` with suricatasc, which must succeed.
    fn command(&self, command: &str) -> Value {
        self.try_command(command).unwrap_or_else(|| {
            panic!(
                "suricatasc -c {command:?} failed or did not say OK:\n{}",
                self.log()
            )
        })
    }

    /// Has Suricata read `pcap` (`suricatasc -c "pcap-file <pcap> <directory>"`) and returns
    /// what the run wrote to its own output directory.
    fn pcap_file(&mut self, pcap: &[u8]) -> Run {
        self.runs += 1;
        let run = self.runs;
        let input = self.dir.join(format!("input-{run}.pcap"));
        std::fs::write(&input, pcap).expect("write the pcap");
        let output = self.dir.join(format!("run-{run}"));
        std::fs::create_dir_all(&output).expect("create the run's directory");
        self.command(&format!(
            "pcap-file {} {}",
            input.display(),
            output.display()
        ));
        // Suricata counts a run's alerts once it has torn the run down.
        self.wait_for(&format!("end of pcap-file run {run}"), |_, log| {
            log.split("unix-socket: Starting run for")
                .nth(run)
                .is_some_and(|after| after.contains("counters: Alerts:"))
        });
        let eve = std::fs::read_to_string(output.join("eve.json")).expect("read eve.json");
        let events = eve
            .lines()
            .map(|line| serde_json::from_str(line).expect("eve.json holds JSON lines"))
            .collect();
        Run {
            events,
            log: self.log(),
        }
    }

    /// Reloads the rules with `reload` and waits until Suricata logs that the reload is
    /// complete.
    fn reload(&mut self, reload: Reload) {
        let complete = |log: &str| log.matches("rule reload complete").count();
        let before = complete(&self.suricata_log());
        match reload {
            Reload::Command => {
                self.command("reload-rules");
            }
            Reload::Signal => {
                let status = Command::new("kill")
                    .arg("-USR2")
                    .arg(self.child.id().to_string())
                    .status()
                    .expect("run kill");
                assert!(status.success(), "kill -USR2 failed");
            }
        }
        self.wait_for(&format!("rule reload by {reload:?}"), |_, log| {
            complete(log) > before
        });
    }
}

/// How a test has Suricata reload its rules.
#[derive(Debug, Clone, Copy)]
enum Reload {
    /// `suricatasc -c reload-rules`.
    Command,
    /// `kill -USR2 <pid>`.
    Signal,
}

/// This build's libddns.so, for DDNS_LIBRARY.
fn this_build_library() -> PathBuf {
    ddns_library(LibraryKind::Shared)
}

/// An alert reduced to what the test compares: (sid, source port, flowvars).
fn alert_key(alert: &Value) -> AlertKey {
    let sid = alert["alert"]["signature_id"].as_u64().expect("a sid");
    let port = alert["src_port"].as_u64().expect("a source port") as u16;
    let mut flowvars = BTreeMap::new();
    for var in alert["metadata"]["flowvars"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for (key, value) in var.as_object().expect("flowvar objects") {
            flowvars.insert(key.clone(), value.as_str().unwrap_or_default().to_string());
        }
    }
    (sid, port, flowvars)
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

/// An alert as the tests compare it: (sid, source port, flowvars).
type AlertKey = (u64, u16, BTreeMap<String, String>);

/// The alerts the fixture pcap of [`CASES`] must give, its source ports being `ports`; checks
/// on the way that `ddns check` decides every name as the fixture says.
fn fixture_alerts(ports: &[u16]) -> Vec<AlertKey> {
    let answers = ddns_check(&CASES.iter().map(|c| c.name).collect::<Vec<_>>(), None);
    let mut expected = Vec::new();
    for ((case, port), answer) in CASES.iter().zip(ports).zip(&answers) {
        // `ddns check` decides every name as the fixture says...
        assert_eq!(answer["name"], case.name);
        let blocked = answer["verdict"] == "block";
        assert_eq!(
            blocked,
            case.expect.is_some(),
            "ddns check on {}",
            case.name
        );
        let Some((provider, base)) = case.expect else {
            continue;
        };
        assert_eq!(answer["provider"], provider, "{}", case.name);
        assert_eq!(answer["base"], base, "{}", case.name);
        // ...and Suricata alerts on exactly the blocked names, with the same provider.
        let flowvars = BTreeMap::from([
            (
                "ddns_provider".to_string(),
                answer["provider_name"].as_str().unwrap().to_string(),
            ),
            ("ddns_provider_id".to_string(), provider.to_string()),
            ("ddns_base".to_string(), base.to_string()),
            (
                "ddns_provider_class".to_string(),
                answer["class"].as_str().unwrap().to_string(),
            ),
        ]);
        expected.push((sid(case.carrier), *port, flowvars));
    }
    expected
}

#[test]
fn eve_json_holds_exactly_the_expected_alerts_with_their_providers() {
    let dir = work_dir("fixture");
    let (pcap, ports) = fixture_pcap(CASES);
    let library = this_build_library();
    let run = run_suricata(&dir, &pcap, &[("DDNS_LIBRARY", &library)]);

    // Every name was parsed by Suricata, so the silence about the negatives means something.
    for case in CASES {
        let seen = run.events.iter().any(|event| match case.carrier {
            DnsUdp | DnsTcp => event["event_type"] == "dns" && event["dns"]["rrname"] == case.name,
            TlsSni => event["event_type"] == "tls" && event["tls"]["sni"] == case.name,
            HttpHost => {
                event["event_type"] == "http"
                    && event["http"]["hostname"]
                        .as_str()
                        .is_some_and(|host| host.eq_ignore_ascii_case(host_only(case.name)))
            }
        });
        assert!(
            seen,
            "Suricata logged no {:?} event for {}",
            case.carrier, case.name
        );
    }

    let mut expected = fixture_alerts(&ports);
    let mut got: Vec<_> = run.alerts().map(alert_key).collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "eve.json alerts differ from the fixture's");
    assert!(
        !run.log_mentions("ddns:"),
        "the scripts logged a problem:\n{}",
        run.log
    );
}

/// The host part of a Host header value, as Suricata logs it: without the port.
fn host_only(host: &str) -> &str {
    match host.split_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit() || b == b':') => name,
        _ => host,
    }
}

/// A pcap of DNS queries over UDP for `names`, one flow each.
fn dns_pcap(names: &[&str]) -> Vec<u8> {
    let mut pcap = Pcap::new();
    for (index, name) in names.iter().enumerate() {
        let id = index as u16 + 1;
        pcap.udp(client(index), RESOLVER, &dns_query(id, name.as_bytes()));
    }
    pcap.into_bytes()
}

#[test]
fn a_compiled_list_named_by_ddns_list_replaces_the_default() {
    let dir = work_dir("custom-list");
    let source = dir.join("mine.txt");
    std::fs::write(
        &source,
        "example-ddns.net acme\n!www.example-ddns.net acme\n",
    )
    .unwrap();
    let list = dir.join("mine.ddns");
    let compiled = Command::new(ddns_binary())
        .arg("compile")
        .arg(&source)
        .arg("-o")
        .arg(&list)
        .output()
        .expect("run ddns compile");
    assert!(compiled.status.success(), "ddns compile failed");

    let names = [
        "cam.example-ddns.net",
        "www.example-ddns.net",
        "x7.duckdns.org",
    ];
    let library = this_build_library();
    let run = run_suricata(
        &dir,
        &dns_pcap(&names),
        &[("DDNS_LIBRARY", &library), ("DDNS_LIST", &list)],
    );
    let got: Vec<_> = run.alerts().map(alert_key).collect();
    let flowvars = BTreeMap::from([
        ("ddns_provider".to_string(), "acme".to_string()),
        ("ddns_provider_id".to_string(), "acme".to_string()),
        ("ddns_base".to_string(), "example-ddns.net".to_string()),
        (
            "ddns_provider_class".to_string(),
            "unclassified".to_string(),
        ),
    ]);
    assert_eq!(got, [(SID_DNS, client(0).port, flowvars)]);

    let answers = ddns_check(&names, Some(&list));
    let blocked: Vec<bool> = answers.iter().map(|a| a["verdict"] == "block").collect();
    assert_eq!(blocked, [true, false, false]);
}

/// What the hostile-names test sends: a DNS query name, a TLS server name, or a whole HTTP
/// request.
enum Sent {
    Dns(Vec<u8>),
    Sni(Vec<u8>),
    Http(Vec<u8>),
}

#[test]
fn hostile_names_neither_stop_the_scripts_nor_hide_a_match() {
    use Sent::{Dns, Http, Sni};
    let label = "a".repeat(63);
    let over_long = format!("{label}.{label}.{label}.{label}.duckdns.org");
    let host = |name: &[u8]| Http(http_get(name));
    // What is sent, and Some(base) when an alert must come.
    let cases: Vec<(Sent, Option<&str>)> = vec![
        // Bytes no host name may hold, a NUL among them: flagged malformed, still matched.
        (
            Dns(b"\xff\xfe\x00x.duckdns.org".to_vec()),
            Some("duckdns.org"),
        ),
        (Dns(b"sp ace.DuckDNS.org".to_vec()), Some("duckdns.org")),
        // Over 253 bytes.
        (Dns(over_long.into_bytes()), Some("duckdns.org")),
        // A zone's apex, the provider's own name: no alert.
        (Dns(b"duckdns.org".to_vec()), None),
        (Dns(b"\xff\xfe.example.com".to_vec()), None),
        (Sni(b"".to_vec()), None),
        (Sni(b"\x00".to_vec()), None),
        (host(b""), None),
        (host(b":"), None),
        (host(b"[::1]:8080"), None),
        // A port that is no port: malformed, still matched.
        (host(b"x.duckdns.org:99999999"), Some("duckdns.org")),
        (
            host(format!("{}.duckdns.org", "b".repeat(2000)).as_bytes()),
            Some("duckdns.org"),
        ),
        // An absolute URI whose host differs from the Host header: libhtp's host is checked too.
        (
            Http(b"GET http://c2.ddns.net/x HTTP/1.1\r\nHost: www.example.com\r\n\r\n".to_vec()),
            Some("ddns.net"),
        ),
    ];
    let mut pcap = Pcap::new();
    let mut expected = Vec::new();
    for (index, (sent, base)) in cases.iter().enumerate() {
        let me = client(index);
        let sid = match sent {
            Dns(name) => {
                pcap.udp(me, RESOLVER, &dns_query(index as u16 + 1, name));
                SID_DNS
            }
            Sni(name) => {
                let mut connection = pcap.tcp_connect(me, TLS_SERVER);
                connection.client_sends(&mut pcap, &tls_client_hello(name));
                connection.server_sends(&mut pcap, &tls_server_hello());
                connection.close(&mut pcap);
                SID_TLS
            }
            Http(request) => {
                let mut connection = pcap.tcp_connect(me, WEB_SERVER);
                connection.client_sends(&mut pcap, request);
                connection.server_sends(&mut pcap, &http_ok());
                connection.close(&mut pcap);
                SID_HTTP
            }
        };
        if let Some(base) = base {
            expected.push((sid, me.port, base.to_string()));
        }
    }
    let dir = work_dir("hostile");
    let library = this_build_library();
    let run = run_suricata(&dir, &pcap.into_bytes(), &[("DDNS_LIBRARY", &library)]);
    let mut got: Vec<_> = run
        .alerts()
        .map(alert_key)
        .map(|(sid, port, vars)| (sid, port, vars["ddns_base"].clone()))
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    assert!(
        !run.log_mentions("ddns:"),
        "a script gave up on an input:\n{}",
        run.log
    );
}

/// Builds a shared library that exports `ddns_abi_version` returning `abi` and nothing else.
fn fake_library(dir: &Path, abi: u32) -> PathBuf {
    let source = dir.join("fake.c");
    std::fs::write(
        &source,
        format!("unsigned int ddns_abi_version(void) {{ return {abi}u; }}\n"),
    )
    .unwrap();
    let library = dir.join("libddns-fake.so");
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .target(env!("DDNS_TEST_TARGET"))
        .host(env!("DDNS_TEST_HOST"))
        .opt_level(0)
        .try_get_compiler()
        .expect("a C compiler (install gcc)");
    let status = compiler
        .to_command()
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("run the C compiler");
    assert!(status.success(), "building the fake library failed");
    library
}

/// The shim refuses: Suricata still runs to the end, refuses the three rules while it parses
/// them, alerts on nothing, and the reason is in its output.
fn assert_refused(run: &Run, reason: &[&str]) {
    assert_eq!(
        run.log
            .matches("Error: detect: error parsing signature")
            .count(),
        3,
        "the three rules were not refused:\n{}",
        run.log
    );
    assert!(
        run.log_mentions("rule is not loaded"),
        "the scripts did not say the rules are not loaded:\n{}",
        run.log
    );
    assert_eq!(run.alerts().count(), 0, "alerts despite the refusal");
    for text in reason {
        assert!(
            run.log_mentions(text),
            "the log does not say {text:?}:\n{}",
            run.log
        );
    }
}

#[test]
fn a_library_of_another_abi_version_is_refused_with_both_numbers() {
    let dir = work_dir("abi-mismatch");
    let library = fake_library(&dir, 999);
    let run = run_suricata_as_is(
        &dir,
        &dns_pcap(&["x7.duckdns.org"]),
        &[("DDNS_LIBRARY", &library)],
    );
    assert_refused(
        &run,
        &[
            "has ABI version 999, these scripts need ABI version 1",
            "the dns rule is not loaded",
        ],
    );
}

#[test]
fn a_missing_library_is_logged_and_its_rules_refused() {
    let dir = work_dir("no-library");
    let missing = dir.join("no-such-libddns.so");
    let run = run_suricata_as_is(
        &dir,
        &dns_pcap(&["x7.duckdns.org"]),
        &[("DDNS_LIBRARY", &missing)],
    );
    assert_refused(&run, &["ddns: cannot load", "no-such-libddns.so"]);
}

#[test]
fn a_list_that_does_not_open_is_logged_and_its_rules_refused() {
    let dir = work_dir("bad-list");
    let list = dir.join("garbage.ddns");
    std::fs::write(&list, b"this is not a compiled list").unwrap();
    let library = this_build_library();
    let run = run_suricata_as_is(
        &dir,
        &dns_pcap(&["x7.duckdns.org"]),
        &[("DDNS_LIBRARY", &library), ("DDNS_LIST", &list)],
    );
    assert_refused(&run, &["ddns: cannot open the list", "garbage.ddns"]);
}

#[test]
fn a_crafted_list_that_fails_the_full_check_is_logged_and_its_rules_refused() {
    // A list whose checksum is right but whose suffix index is not: it opens, and only
    // ddns_matcher_verify, which the scripts call on every DDNS_LIST, can refuse it.
    let bytes = ddns_test_support::with_upper_case_table_key(&ddns_test_support::compile_list(
        "duckdns.org duckdns\n",
    ));

    let dir = work_dir("crafted-list");
    let list = dir.join("crafted.ddns");
    std::fs::write(&list, &bytes).unwrap();
    let library = this_build_library();
    let run = run_suricata_as_is(
        &dir,
        &dns_pcap(&["x7.duckdns.org"]),
        &[("DDNS_LIBRARY", &library), ("DDNS_LIST", &list)],
    );
    assert_refused(
        &run,
        &[
            "ddns: cannot use the list",
            "crafted.ddns",
            "corrupt suffix index",
        ],
    );
}

/// The text between two marker lines of `text`, both excluded.
fn between<'a>(text: &'a str, begin: &str, end: &str) -> &'a str {
    let start = text.find(begin).expect("begin marker") + begin.len();
    let stop = start + text[start..].find(end).expect("end marker");
    &text[start..stop]
}

/// `text` without its C comments.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("a closed comment") + start + 2;
        out.push(' ');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level C declarations of `text` (each up to its `;` outside braces), whitespace
/// runs made one space.
fn declarations(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ';' if depth == 0 => {
                found.push(current.split_whitespace().collect::<Vec<_>>().join(" "));
                current.clear();
            }
            _ => {}
        }
    }
    assert!(
        current.trim().is_empty(),
        "text after the last declaration: {current:?}"
    );
    found
}

/// The names of the functions `ddns.lua` calls through the library (`handle.ddns_...(`,
/// `lib.ddns_...(`).
fn called_functions(script: &str) -> Vec<String> {
    let mut names: Vec<String> = script
        .match_indices(".ddns_")
        .map(|(at, _)| {
            script[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The name a function declaration declares.
fn declared_function(declaration: &str) -> Option<String> {
    let open = declaration.find('(')?;
    let name: String = declaration[..open]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some(name.chars().rev().collect())
}

#[test]
fn every_declaration_of_the_script_is_one_of_the_headers_and_is_used() {
    let header = std::fs::read_to_string(repo_root().join("include/ddns.h")).unwrap();
    let script = std::fs::read_to_string(plugin_dir().join("ddns.lua")).unwrap();
    let region = between(&header, "/* ddns:cdef-begin */\n", "/* ddns:cdef-end */\n");
    let offered = declarations(&without_comments(region));
    let cdef = between(&script, "ddns.CDEF = [==[\n", "]==]\n");
    let declared = declarations(cdef);
    assert!(!declared.is_empty(), "ddns.CDEF declares nothing");
    for declaration in &declared {
        assert!(
            offered.contains(declaration),
            "ddns.lua declares what include/ddns.h does not (as written there, comments \
             aside): {declaration}"
        );
    }
    // Only what the script uses: every function it declares is called, and every function
    // it calls is declared.
    let code = script.replacen(cdef, "", 1);
    let called = called_functions(&code);
    let mut functions: Vec<String> = declared
        .iter()
        .filter(|d| !d.starts_with("typedef") && !d.starts_with("enum"))
        .filter_map(|d| declared_function(d))
        .collect();
    functions.sort();
    assert_eq!(
        functions, called,
        "ddns.CDEF's functions differ from those ddns.lua calls"
    );
    // The constants come from the declarations, not from numbers copied beside them.
    for constant in ["DDNS_OK", "DDNS_VERDICT_BLOCK"] {
        assert!(
            code.contains(&format!("ffi.C.{constant}")),
            "ddns.lua must read {constant} from the declarations"
        );
    }
    let abi = format!("ddns.ABI_VERSION = {}\n", ddns::DDNS_ABI_VERSION);
    assert!(script.contains(&abi), "ddns.lua must expect {abi}");
}

#[test]
fn the_rules_use_ddns_sids_and_scripts_that_exist() {
    let rules = std::fs::read_to_string(plugin_dir().join("ddns.rules")).unwrap();
    let rules: Vec<&str> = rules
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert_eq!(rules.len(), 3);
    for (rule, sid) in rules.iter().zip([SID_DNS, SID_TLS, SID_HTTP]) {
        assert!(rule.contains(&format!("sid:{sid};")), "{rule}");
        assert!(rule.contains("classtype:"), "{rule}");
        let script = between(rule, "lua:", ";");
        assert!(plugin_dir().join(script).exists(), "{script} is missing");
    }
}

/// Two DDNS names of different providers in one TCP segment: two pipelined HTTP/1.1 requests,
/// and two length-prefixed DNS queries. Suricata logs an alert's flowvars after the whole
/// packet was inspected, so each alert must carry its own provider among the names its
/// flowvars give (README.md, "Two matches in one packet").
#[test]
fn two_matches_in_one_packet_each_name_their_own_provider() {
    let http_client = client(0);
    let dns_client = client(1);
    let mut pcap = Pcap::new();
    let mut web = pcap.tcp_connect(http_client, WEB_SERVER);
    let mut requests = http_get(b"a.duckdns.org");
    requests.extend_from_slice(&http_get(b"b.ddns.net"));
    web.client_sends(&mut pcap, &requests);
    let mut responses = http_ok();
    responses.extend_from_slice(&http_ok());
    web.server_sends(&mut pcap, &responses);
    web.close(&mut pcap);
    let mut resolver = pcap.tcp_connect(dns_client, RESOLVER);
    let mut queries = dns_over_tcp(&dns_query(1, b"c.duckdns.org"));
    queries.extend_from_slice(&dns_over_tcp(&dns_query(2, b"d.no-ip.org")));
    resolver.client_sends(&mut pcap, &queries);
    let mut answers = dns_over_tcp(&dns_response(1, b"c.duckdns.org", ANSWER));
    answers.extend_from_slice(&dns_over_tcp(&dns_response(2, b"d.no-ip.org", ANSWER)));
    resolver.server_sends(&mut pcap, &answers);
    resolver.close(&mut pcap);

    let dir = work_dir("two-in-one-packet");
    let library = this_build_library();
    let run = run_suricata(&dir, &pcap.into_bytes(), &[("DDNS_LIBRARY", &library)]);
    let mut got: Vec<(u64, String, BTreeMap<String, String>)> = run
        .alerts()
        .map(|alert| {
            let name = match alert["alert"]["signature_id"].as_u64() {
                Some(SID_HTTP) => alert["http"]["hostname"].as_str(),
                _ => alert["dns"]["query"][0]["rrname"].as_str(),
            };
            let (sid, _, vars) = alert_key(alert);
            (sid, name.unwrap_or("(none)").to_string(), vars)
        })
        .collect();
    got.sort();
    let names: Vec<&str> = got.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "c.duckdns.org",
            "d.no-ip.org",
            "a.duckdns.org",
            "b.ddns.net"
        ],
        "one alert per name: {got:#?}"
    );
    // Every alert of the packet names the packet's matches in the order they were made:
    // its own among them, and none but those.
    let packet_vars = |first: &str, second: &str| {
        let answers = ddns_check(&[first, second], None);
        let field = |key: &str, separator: &str| {
            let values: Vec<&str> = answers.iter().map(|a| a[key].as_str().unwrap()).collect();
            values.join(separator)
        };
        BTreeMap::from([
            ("ddns_provider".to_string(), field("provider_name", ", ")),
            ("ddns_provider_id".to_string(), field("provider", ",")),
            ("ddns_base".to_string(), field("base", ",")),
            ("ddns_provider_class".to_string(), field("class", ",")),
        ])
    };
    let dns = packet_vars("c.duckdns.org", "d.no-ip.org");
    let http = packet_vars("a.duckdns.org", "b.ddns.net");
    assert_eq!(dns["ddns_provider_id"], "duckdns,noip");
    assert_eq!(http["ddns_base"], "duckdns.org,ddns.net");
    for (sid, name, vars) in &got {
        let expected = if *sid == SID_DNS { &dns } else { &http };
        assert_eq!(vars, expected, "the flowvars of the alert on {name}");
    }
}

/// Suricata reuses Lua states: the next pcap-file run of a unix-socket Suricata runs the rule
/// scripts again in the states of the run before. Every run must alert as the first does.
#[test]
fn every_pcap_file_run_of_a_unix_socket_suricata_alerts() {
    let dir = work_dir("unix-socket");
    let library = this_build_library();
    let (pcap, ports) = fixture_pcap(CASES);
    let mut expected = fixture_alerts(&ports);
    expected.sort();
    let mut suricata = SocketSuricata::start(&dir, &[("DDNS_LIBRARY", &library)]);
    for run in 1..=3 {
        let got = suricata.pcap_file(&pcap);
        let mut alerts: Vec<_> = got.alerts().map(alert_key).collect();
        alerts.sort();
        assert_eq!(alerts, expected, "pcap-file run {run}:\n{}", got.log);
    }
    let log = suricata.log();
    assert!(
        !log.contains("ddns:"),
        "the scripts logged a problem:\n{log}"
    );
}

/// Rule reloads, by command and by signal, each after the list file was replaced (renamed
/// over, as README.md says): every reload must keep the rules alerting, on the new list.
#[test]
fn rule_reloads_keep_the_rules_alerting_on_the_list_they_reopen() {
    let dir = work_dir("reload");
    let compile = |name: &str, text: &str| {
        let source = dir.join(format!("{name}.txt"));
        std::fs::write(&source, text).unwrap();
        let list = dir.join(format!("{name}.ddns"));
        let compiled = Command::new(ddns_binary())
            .arg("compile")
            .arg(&source)
            .arg("-o")
            .arg(&list)
            .output()
            .expect("run ddns compile");
        assert!(compiled.status.success(), "ddns compile failed");
        list
    };
    let first = compile("first", "example-ddns.net acme\n");
    let second = compile("second", "other-ddns.org beta\n");
    let live = dir.join("live.ddns");
    let swap_in = |list: &Path| {
        let fresh = dir.join("live.ddns.new");
        std::fs::copy(list, &fresh).unwrap();
        std::fs::rename(&fresh, &live).unwrap();
    };
    let names = [
        "cam.example-ddns.net",
        "nas.other-ddns.org",
        "x7.duckdns.org",
    ];
    let pcap = dns_pcap(&names);
    let alert = |index: usize, provider: &str, base: &str| {
        let flowvars = BTreeMap::from([
            ("ddns_provider".to_string(), provider.to_string()),
            ("ddns_provider_id".to_string(), provider.to_string()),
            ("ddns_base".to_string(), base.to_string()),
            (
                "ddns_provider_class".to_string(),
                "unclassified".to_string(),
            ),
        ]);
        vec![(SID_DNS, client(index).port, flowvars)]
    };
    let on_first = alert(0, "acme", "example-ddns.net");
    let on_second = alert(1, "beta", "other-ddns.org");

    swap_in(&first);
    let library = this_build_library();
    let mut suricata =
        SocketSuricata::start(&dir, &[("DDNS_LIBRARY", &library), ("DDNS_LIST", &live)]);
    let got: Vec<_> = suricata.pcap_file(&pcap).alerts().map(alert_key).collect();
    assert_eq!(got, on_first, "before any reload");
    let steps = [
        (Reload::Command, &second, &on_second),
        (Reload::Signal, &first, &on_first),
        (Reload::Command, &second, &on_second),
        (Reload::Signal, &first, &on_first),
    ];
    for (step, (reload, list, expected)) in steps.into_iter().enumerate() {
        swap_in(list);
        suricata.reload(reload);
        let run = suricata.pcap_file(&pcap);
        let got: Vec<_> = run.alerts().map(alert_key).collect();
        assert_eq!(
            &got,
            expected,
            "after reload {} ({reload:?}):\n{}",
            step + 1,
            run.log
        );
    }
    let log = suricata.log();
    assert!(
        !log.contains("ddns:"),
        "the scripts logged a problem:\n{log}"
    );
}

/// `suricata -T` on the configuration [`run_suricata`] uses, with `environment` for the Lua
/// scripts: whether it succeeded, and its output.
fn suricata_test_mode(dir: &Path, environment: &[(&str, &Path)]) -> (bool, String) {
    let config = write_config(dir, None);
    let mut command = Command::new(suricata());
    command
        .arg("-T")
        .arg("-c")
        .arg(&config)
        .arg("-l")
        .arg(dir.join("log"))
        .env_remove("DDNS_LIST")
        .env_remove("DDNS_LIBRARY");
    for (key, value) in environment {
        command.env(key, value);
    }
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), log)
}

/// The check README.md gives a deploy script: `suricata -T` with the service's environment
/// fails when the shim cannot work, and says why.
#[test]
fn suricata_test_mode_fails_when_the_shim_cannot_work() {
    let dir = work_dir("test-mode");
    let library = this_build_library();
    let (passed, log) = suricata_test_mode(&dir, &[("DDNS_LIBRARY", &library)]);
    assert!(passed, "suricata -T failed on a working shim:\n{log}");

    let missing = dir.join("no-such-libddns.so");
    let foreign = fake_library(&dir, 999);
    let garbage = dir.join("garbage.ddns");
    std::fs::write(&garbage, b"this is not a compiled list").unwrap();
    let dead: [(&[(&str, &Path)], &str); 3] = [
        (&[("DDNS_LIBRARY", &missing)], "ddns: cannot load"),
        (&[("DDNS_LIBRARY", &foreign)], "has ABI version 999"),
        (
            &[("DDNS_LIBRARY", &library), ("DDNS_LIST", &garbage)],
            "ddns: cannot open the list",
        ),
    ];
    for (environment, reason) in dead {
        let (passed, log) = suricata_test_mode(&dir, environment);
        assert!(
            !passed,
            "suricata -T passed with a dead shim ({reason}):\n{log}"
        );
        assert!(
            log.contains(reason),
            "suricata -T does not say {reason:?}:\n{log}"
        );
    }
}

/// docs/cli.md's example of `ddns export --format suricata-rules` is a line the command
/// writes for the default list, sid and abuse posture included.
#[test]
fn the_example_rule_in_the_cli_docs_is_one_ddns_export_writes() {
    let docs = std::fs::read_to_string(repo_root().join("docs/cli.md")).unwrap();
    let example = docs
        .lines()
        .find(|line| line.starts_with("alert dns $HOME_NET"))
        .expect("docs/cli.md shows an example rule");
    let out = Command::new(ddns_binary())
        .args(["export", "--format", "suricata-rules"])
        .output()
        .expect("run ddns export");
    assert!(out.status.success(), "ddns export failed");
    let rules = String::from_utf8(out.stdout).expect("UTF-8 rules");
    assert!(
        rules.lines().any(|line| line == example),
        "docs/cli.md's example rule is not in `ddns export --format suricata-rules`:\n{example}\n\
         the export has: {:?}",
        rules.lines().find(|line| line.contains("\".duckdns.org\""))
    );
}

/// `make install` as plugins/suricata/README.md runs it, as root without cargo on PATH: with
/// rustup's `$HOME/.cargo/bin/cargo` it builds with that; with no cargo at all it installs the
/// build already there, or says how to make one.
#[test]
fn make_install_finds_cargo_in_home_or_installs_the_existing_build() {
    // The debug build `make install PROFILE=debug` installs.
    ddns_library(LibraryKind::Shared);
    ddns_binary();
    let dir = work_dir("make-install");
    let make = |home: &Path, target: &Path, destdir: &str| {
        let out = Command::new("make")
            .arg("-C")
            .arg(repo_root())
            .arg("install")
            .arg("PROFILE=debug")
            .arg(format!("TARGET_DIR={}", target.display()))
            .arg(format!("DESTDIR={}", dir.join(destdir).display()))
            .arg("PREFIX=/usr/local")
            .env_remove("CARGO")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", home)
            .output()
            .expect("run make");
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.success(), log)
    };
    assert!(
        !Path::new("/usr/bin/cargo").exists() && !Path::new("/bin/cargo").exists(),
        "this test needs a PATH without cargo"
    );

    // No cargo anywhere: the existing build is installed, with a note.
    let bare_home = dir.join("bare-home");
    std::fs::create_dir_all(&bare_home).unwrap();
    let (ok, log) = make(&bare_home, &target_dir(), "no-cargo");
    assert!(ok, "make install without cargo failed:\n{log}");
    assert!(log.contains("cargo not found"), "no note:\n{log}");
    let installed = dir.join("no-cargo/usr/local");
    for file in [
        "lib/libddns.so.1",
        "lib/libddns.a",
        "bin/ddns",
        "include/ddns.h",
    ] {
        assert!(
            installed.join(file).exists(),
            "{file} is not installed:\n{log}"
        );
    }

    // No cargo and nothing built: a failure that says what to do.
    let (ok, log) = make(&bare_home, &dir.join("empty-target"), "nothing-built");
    assert!(!ok, "make install without cargo or build passed:\n{log}");
    assert!(log.contains("CARGO=/path/to/cargo"), "no advice:\n{log}");

    // rustup's cargo in $HOME/.cargo/bin: found and run.
    let home = dir.join("home");
    let bin = home.join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let called = dir.join("cargo-called");
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", called.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (ok, log) = make(&home, &target_dir(), "home-cargo");
    assert!(
        ok,
        "make install with $HOME/.cargo/bin/cargo failed:\n{log}"
    );
    let arguments = std::fs::read_to_string(&called).unwrap_or_default();
    assert_eq!(
        arguments.trim(),
        "build -p ddns-ffi -p ddns-cli",
        "make did not run $HOME/.cargo/bin/cargo:\n{log}"
    );
}

/// The root part of README.md's install commands, less the lines that install packages and
/// libddns (the test uses this build's), run twice against a scratch copy of the packaged
/// suricata.yaml and rules directory: the second run must change nothing, and `suricata -T`
/// must load the three rules both times.
#[test]
fn the_readmes_install_commands_can_run_twice() {
    let readme = std::fs::read_to_string(plugin_dir().join("README.md")).unwrap();
    let install = &readme[readme.find("## Install").expect("an Install section")..];
    let block = install
        .split("```sh\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|block| block.contains("/etc/suricata/suricata.yaml"))
        .expect("the install commands");
    let dir = work_dir("install-twice");
    let etc = dir.join("etc");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&etc).unwrap();
    let packaged = std::fs::read_to_string(PACKAGED_CONFIG).unwrap();
    let rule_path = "\ndefault-rule-path: /var/lib/suricata/rules\n";
    assert!(
        packaged.contains(rule_path),
        "{PACKAGED_CONFIG} has no {rule_path:?}"
    );
    let config = etc.join("suricata.yaml");
    std::fs::write(
        &config,
        packaged.replacen(
            rule_path,
            &format!("\ndefault-rule-path: {}\n", rules.display()),
            1,
        ),
    )
    .unwrap();
    let script: String = block
        .lines()
        .filter(|line| !line.starts_with("apt-get ") && !line.starts_with("make "))
        .map(|line| {
            format!(
                "{}\n",
                line.replace("/etc/suricata/", &format!("{}/", etc.display()))
                    .replace("/var/lib/suricata/rules", &rules.display().to_string())
                    .replace(
                        "suricata -T",
                        &format!("suricata -l {} -T", dir.join("log").display())
                    )
            )
        })
        .collect();
    assert!(
        script.contains(&config.display().to_string()),
        "the commands do not edit suricata.yaml:\n{script}"
    );
    let library = this_build_library();
    for run in 1..=2 {
        let out = Command::new("sh")
            .arg("-ec")
            .arg(&script)
            .current_dir(repo_root())
            .env_remove("DDNS_LIST")
            .env("DDNS_LIBRARY", &library)
            .output()
            .expect("run sh");
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "run {run} of the install commands failed:\n{script}\n{log}"
        );
        assert!(
            log.contains("2 rule files processed. 3 rules successfully loaded, 0 rules failed"),
            "run {run}: suricata -T did not load the rules:\n{log}"
        );
        let edited = std::fs::read_to_string(&config).unwrap();
        let include = format!("include: {}", etc.join("ddns.yaml").display());
        assert_eq!(
            edited.lines().filter(|line| *line == include).count(),
            1,
            "run {run}: the include line is not there once"
        );
        assert_eq!(
            edited
                .lines()
                .filter(|line| *line == "  - ddns.rules")
                .count(),
            1,
            "run {run}: the rules entry is not there once"
        );
    }
}

/// DDNS_IGNORE_CLASSES silences the names of providers of the classes it names, and only
/// those; a class name it does not know refuses the rules, naming it.
#[test]
fn ignored_classes_never_alert_and_an_unknown_class_is_refused() {
    let names = ["x7.duckdns.org", "nas.myqnapcloud.com"];
    let answers = ddns_check(&names, None);
    assert_eq!(answers[0]["class"], "free-anonymous");
    assert_eq!(answers[1]["class"], "device-assigned");
    let library = this_build_library();
    // A directory per run: Suricata appends to eve.json.
    let run_count = std::cell::Cell::new(0);
    let alerted = |classes: &str| -> Vec<String> {
        run_count.set(run_count.get() + 1);
        let dir = work_dir(&format!("ignore-classes-{}", run_count.get()));
        let run = run_suricata(
            &dir,
            &dns_pcap(&names),
            &[
                ("DDNS_LIBRARY", &library),
                ("DDNS_IGNORE_CLASSES", Path::new(classes)),
            ],
        );
        let mut ids: Vec<String> = run
            .alerts()
            .map(|alert| alert_key(alert).2["ddns_provider_id"].clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(alerted(""), ["duckdns", "qnap"]);
    assert_eq!(alerted("free-anonymous"), ["qnap"]);
    assert_eq!(alerted("paid, device-assigned"), ["duckdns"]);
    assert_eq!(
        alerted("device-assigned,free-anonymous"),
        Vec::<String>::new()
    );

    let run = run_suricata_as_is(
        &work_dir("ignore-classes-unknown"),
        &dns_pcap(&names),
        &[
            ("DDNS_LIBRARY", &library),
            (
                "DDNS_IGNORE_CLASSES",
                Path::new("free-anonymous,freeanonymous"),
            ),
        ],
    );
    assert_refused(
        &run,
        &[
            "DDNS_IGNORE_CLASSES names an unknown class 'freeanonymous'",
            "device-assigned",
        ],
    );
}
