//! The Suricata 8 plugin (plugins/suricata8/) end to end: the plugin is built once per run
//! with its Makefile against /opt/suricata8, pcaps generated here are read by the real
//! Suricata 8 with the plugin's rules and provider dataset, and eve.json must hold exactly the
//! expected alerts, each with its provider in `alert.context.ddns` (and, through a test rule
//! on `ddns_base`, its base domain); `ddns check` must decide every name the same way. The
//! cases are those of tests/suricata.rs (the Suricata 7 shim). Then hostile names, a custom
//! list from `ddns compile` (by DDNS_LIST and by suricata.yaml), two matches in one packet, the
//! ways the plugin refuses its rules (no library, a library of another ABI version, a list that
//! does not open or fails the full check) at `suricata -r` and `suricata -T`, rule reloads over
//! the command socket, and the rules loading cleanly on a Suricata without the plugin.
//!
//! Suricata 8 must be installed in /opt/suricata8 (scripts/test.sh runs
//! ../shared/engines/install-suricata8.sh when it is not); without it these tests fail and say
//! how to install it.

use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

/// The Suricata 8 the tests run, as install-suricata8.sh installs it.
const SURICATA: &str = "/opt/suricata8/bin/suricata";
const LIBSURICATA_CONFIG: &str = "/opt/suricata8/bin/libsuricata-config";
const PACKAGED_CONFIG: &str = "/opt/suricata8/etc/suricata/suricata.yaml";

const INSTALL_HINT: &str = "install Suricata 8 with its development headers into /opt/suricata8: \
    `sudo bash ../shared/engines/install-suricata8.sh` (or run `bash scripts/test.sh`, which \
    does so when Suricata 8 is missing)";

/// The sids of plugins/suricata8/ddns.rules, by the buffer each rule inspects.
const SID_DNS: u64 = 1_995_111;
const SID_TLS: u64 = 1_995_112;
const SID_HTTP: u64 = 1_995_113;
/// The sids of the tests' own rules, which capture what `ddns_base` makes of each buffer.
const SID_BASE_DNS: u64 = 1_995_191;
const SID_BASE_TLS: u64 = 1_995_192;
const SID_BASE_HTTP: u64 = 1_995_193;

/// Rules on `ddns_base`: the transformed buffer is captured into a packet variable, which
/// eve.json logs with the alert.
const BASE_RULES: &str = "\
alert dns any any -> any any (msg:\"base dns\"; flow:to_server; dns.query; ddns_base; pcre:\"/^(?P<pkt_ddns_base>.+)$/\"; sid:1995191; rev:1;)
alert tls any any -> any any (msg:\"base tls\"; flow:established,to_server; tls.sni; ddns_base; pcre:\"/^(?P<pkt_ddns_base>.+)$/\"; sid:1995192; rev:1;)
alert http any any -> any any (msg:\"base http\"; flow:established,to_server; http.host; ddns_base; pcre:\"/^(?P<pkt_ddns_base>.+)$/\"; sid:1995193; rev:1;)
";

/// The sids of the plugin's rule and of the base rule on a carrier's buffer.
fn sids(carrier: Carrier) -> (u64, u64) {
    match carrier {
        Carrier::DnsUdp | Carrier::DnsTcp => (SID_DNS, SID_BASE_DNS),
        Carrier::TlsSni => (SID_TLS, SID_BASE_TLS),
        Carrier::HttpHost => (SID_HTTP, SID_BASE_HTTP),
    }
}

/// /opt/suricata8/bin/suricata, checked to be version 8.0.
fn suricata() -> &'static Path {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND.get_or_init(|| {
        let out = Command::new(SURICATA)
            .arg("-V")
            .output()
            .unwrap_or_else(|err| panic!("cannot run {SURICATA} ({err}); {INSTALL_HINT}"));
        let version = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success() && version.contains("version 8.0."),
            "the plugin is for Suricata 8.0, {SURICATA} -V says: {}; {INSTALL_HINT}",
            version.trim()
        );
        for needed in [LIBSURICATA_CONFIG, PACKAGED_CONFIG] {
            assert!(
                Path::new(needed).exists(),
                "{needed} is missing; {INSTALL_HINT}"
            );
        }
        PathBuf::from(SURICATA)
    })
}

fn plugin_source() -> PathBuf {
    repo_root().join("plugins/suricata8")
}

/// Runs the plugin's Makefile with `arguments`, against the Suricata 8 and the `ddns` command
/// the tests use; panics with make's output, saying `what` failed, when it fails.
fn plugin_make(arguments: &[String], what: &str) {
    let out = Command::new("make")
        .arg("-C")
        .arg(plugin_source())
        .args(arguments)
        .arg(format!("LIBSURICATA_CONFIG={LIBSURICATA_CONFIG}"))
        .arg(format!("DDNS={}", ddns_binary().display()))
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .expect("run make (install make and gcc)");
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The plugin and the default provider dataset, built once per run with the plugin's
/// Makefile (against this build's ddns.h; the library is given by DDNS_LIBRARY) under
/// target/suricata8-plugin.
fn plugin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        suricata();
        let out_dir = target_dir().join("suricata8-plugin");
        let _ = std::fs::remove_dir_all(&out_dir);
        std::fs::create_dir_all(&out_dir).unwrap();
        plugin_make(
            &[
                format!("OUT={}", out_dir.display()),
                format!("DDNS_CFLAGS=-I{}", repo_root().join("include").display()),
                "CFLAGS=-O2 -g -Werror".to_string(),
            ],
            "building the plugin",
        );
        out_dir
    })
}

/// A fresh directory for one test's files, holding the plugin's rules, the tests' base rules
/// and the default provider dataset (the rules load it from beside them).
fn work_dir(test: &str) -> PathBuf {
    let dir = target_dir().join("suricata8-tests").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("log")).expect("create the test directory");
    std::fs::copy(plugin_source().join("ddns.rules"), dir.join("ddns.rules")).unwrap();
    std::fs::copy(
        plugin().join("ddns-providers.json"),
        dir.join("ddns-providers.json"),
    )
    .unwrap();
    std::fs::write(dir.join("base.rules"), BASE_RULES).unwrap();
    dir
}

/// How a test sets Suricata up.
struct Setup<'a> {
    /// Whether suricata.yaml loads the plugin.
    plugin: bool,
    /// Environment variables (DDNS_LIBRARY, DDNS_LIST).
    environment: Vec<(&'a str, PathBuf)>,
    /// Extra suricata.yaml lines.
    yaml: String,
}

impl Setup<'_> {
    /// The plugin with this build's libddns and the default list.
    fn working() -> Setup<'static> {
        Setup {
            plugin: true,
            environment: vec![("DDNS_LIBRARY", this_build_library())],
            yaml: String::new(),
        }
    }

    /// Writes `dir`/suricata.yaml as plugins/suricata8/README.md sets Suricata up: the packaged
    /// configuration, the plugin, its rules (and the base rules) in default-rule-path.
    fn write_config(&self, dir: &Path, socket: Option<&Path>) -> PathBuf {
        let config = dir.join("suricata.yaml");
        let plugins = if self.plugin {
            format!("plugins:\n  - {}\n", plugin().join("ddns.so").display())
        } else {
            String::new()
        };
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
                "%YAML 1.1\n---\ninclude:\n  - {PACKAGED_CONFIG}\n{plugins}\
                 default-rule-path: {}\nrule-files:\n  - ddns.rules\n  - base.rules\n\
                 {unix_command}{}",
                dir.display(),
                self.yaml
            ),
        )
        .expect("write suricata.yaml");
        config
    }

    fn command(&self, dir: &Path, socket: Option<&Path>) -> Command {
        let config = self.write_config(dir, socket);
        let mut command = Command::new(suricata());
        command
            .arg("-c")
            .arg(&config)
            .arg("-l")
            .arg(dir.join("log"))
            .env_remove("DDNS_LIST")
            .env_remove("DDNS_LIBRARY");
        for (key, value) in &self.environment {
            command.env(key, value);
        }
        command
    }
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

fn read_events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read eve.json")
        .lines()
        .map(|line| serde_json::from_str(line).expect("eve.json holds JSON lines"))
        .collect()
}

/// Runs `suricata -r pcap` as `setup` says, checks that it exited cleanly and that all six
/// rules (the plugin's three, the base rules) loaded.
fn run_suricata(dir: &Path, pcap: &[u8], setup: &Setup) -> Run {
    let run = run_suricata_as_is(dir, pcap, setup);
    assert!(
        run.log_mentions("6 rules successfully loaded, 0 rules failed"),
        "the ddns rules did not all load:\n{}",
        run.log
    );
    run
}

/// [`run_suricata`] without the check that the rules loaded.
fn run_suricata_as_is(dir: &Path, pcap: &[u8], setup: &Setup) -> Run {
    let pcap_path = dir.join("input.pcap");
    std::fs::write(&pcap_path, pcap).expect("write the pcap");
    let mut command = setup.command(dir, None);
    command.arg("-r").arg(&pcap_path);
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("run {command:?}: {err}"));
    let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    log.push_str(&std::fs::read_to_string(dir.join("log/suricata.log")).unwrap_or_default());
    assert!(
        out.status.success(),
        "suricata failed ({}):\n{log}",
        out.status
    );
    Run {
        events: read_events(&dir.join("log/eve.json")),
        log,
    }
}

/// This build's libddns.so, for DDNS_LIBRARY.
fn this_build_library() -> PathBuf {
    ddns_library(LibraryKind::Shared)
}

/// An alert as the tests compare it: (sid, source port, what it says). The plugin's rules say
/// `id (name)` of the provider in alert.context.ddns; the base rules say the base domain.
type AlertKey = (u64, u16, String);

fn alert_key(alert: &Value) -> AlertKey {
    let sid = alert["alert"]["signature_id"].as_u64().expect("a sid");
    let port = alert["src_port"].as_u64().expect("a source port") as u16;
    let said = if [SID_BASE_DNS, SID_BASE_TLS, SID_BASE_HTTP].contains(&sid) {
        let vars = alert["metadata"]["pktvars"].as_array();
        let bases: Vec<&str> = vars
            .into_iter()
            .flatten()
            .filter_map(|var| var["ddns_base"].as_str())
            .collect();
        bases.join(",")
    } else {
        let context = &alert["alert"]["context"]["ddns"];
        format!(
            "{} ({})",
            context["id"].as_str().unwrap_or("(no id)"),
            context["name"].as_str().unwrap_or("(no name)")
        )
    };
    (sid, port, said)
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

/// The alerts the fixture pcap of [`CASES`] must give, its source ports being `ports`; checks
/// on the way that `ddns check` decides every name as the fixture says.
fn fixture_alerts(ports: &[u16]) -> Vec<AlertKey> {
    let answers = ddns_check(&CASES.iter().map(|c| c.name).collect::<Vec<_>>(), None);
    let mut expected = Vec::new();
    for ((case, port), answer) in CASES.iter().zip(ports).zip(&answers) {
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
        let name = answer["provider_name"].as_str().unwrap();
        let (sid, base_sid) = sids(case.carrier);
        expected.push((sid, *port, format!("{provider} ({name})")));
        expected.push((base_sid, *port, base.to_string()));
    }
    expected
}

fn sorted_alerts(run: &Run) -> Vec<AlertKey> {
    let mut got: Vec<_> = run.alerts().map(alert_key).collect();
    got.sort();
    got
}

#[test]
fn eve_json_holds_exactly_the_expected_alerts_with_their_providers() {
    let dir = work_dir("fixture");
    let (pcap, ports) = fixture_pcap(CASES);
    let run = run_suricata(&dir, &pcap, &Setup::working());

    // Every name was parsed by Suricata, so the silence about the negatives means something.
    for case in CASES {
        let seen = run.events.iter().any(|event| match case.carrier {
            DnsUdp | DnsTcp => {
                event["event_type"] == "dns"
                    && (event["dns"]["rrname"] == case.name
                        || event["dns"]["queries"][0]["rrname"] == case.name)
            }
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
    expected.sort();
    assert_eq!(
        sorted_alerts(&run),
        expected,
        "eve.json alerts differ from the fixture's"
    );
    // The whole provider record is in the alert.
    let alert = run
        .alerts()
        .find(|alert| alert["alert"]["signature_id"] == SID_DNS)
        .expect("a DNS alert");
    let context = &alert["alert"]["context"]["ddns"];
    let class = context["class"].as_str().unwrap_or_default();
    assert!(
        [
            "free-anonymous",
            "device-assigned",
            "business-firewall",
            "paid"
        ]
        .contains(&class),
        "alert.context.ddns has no class: {context}"
    );
    for key in ["website", "abuse", "block_entries", "status"] {
        assert!(
            context.get(key).is_some(),
            "alert.context.ddns has no {key}"
        );
    }
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

/// Compiles `text` (a plain list) into `dir`/`name`.ddns with `ddns compile`.
fn compile(dir: &Path, name: &str, text: &str) -> PathBuf {
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
}

/// Writes the provider dataset of `list` beside the rules, as README.md says to.
fn write_provider_dataset(dir: &Path, list: &Path) {
    let out = Command::new(ddns_binary())
        .arg("providers")
        .arg("--json")
        .arg("--list")
        .arg(list)
        .output()
        .expect("run ddns providers");
    assert!(out.status.success(), "ddns providers failed");
    std::fs::write(dir.join("ddns-providers.json"), out.stdout).unwrap();
}

#[test]
fn a_compiled_list_named_by_ddns_list_or_suricata_yaml_replaces_the_default() {
    let names = [
        "cam.example-ddns.net",
        "www.example-ddns.net",
        "x7.duckdns.org",
    ];
    for by_yaml in [false, true] {
        let dir = work_dir(if by_yaml {
            "list-by-yaml"
        } else {
            "list-by-env"
        });
        let list = compile(
            &dir,
            "mine",
            "example-ddns.net acme\n!www.example-ddns.net acme\n",
        );
        write_provider_dataset(&dir, &list);
        let mut setup = Setup::working();
        if by_yaml {
            setup.yaml = format!("ddns:\n  list: {}\n", list.display());
        } else {
            setup.environment.push(("DDNS_LIST", list.clone()));
        }
        let run = run_suricata(&dir, &dns_pcap(&names), &setup);
        let port = client(0).port;
        assert_eq!(
            sorted_alerts(&run),
            [
                (SID_DNS, port, "acme (acme)".to_string()),
                (SID_BASE_DNS, port, "example-ddns.net".to_string()),
            ],
            "by yaml: {by_yaml}\n{}",
            run.log
        );
        assert!(
            run.log_mentions(&format!("ddns: list {}: 2 entries", list.display())),
            "the plugin did not say which list it uses:\n{}",
            run.log
        );
        let answers = ddns_check(&names, Some(&list));
        let blocked: Vec<bool> = answers.iter().map(|a| a["verdict"] == "block").collect();
        assert_eq!(blocked, [true, false, false]);
    }
}

/// What the hostile-names test sends: a DNS query name, a TLS server name, or a whole HTTP
/// request.
enum Sent {
    Dns(Vec<u8>),
    Sni(Vec<u8>),
    Http(Vec<u8>),
}

#[test]
fn hostile_names_neither_stop_the_plugin_nor_hide_a_match() {
    use Sent::{Dns, Http, Sni};
    let label = "a".repeat(63);
    let over_long = format!("{label}.{label}.{label}.{label}.duckdns.org");
    let host = |name: &[u8]| Http(http_get(name));
    // What is sent, and Some(base) when an alert must come.
    let cases: Vec<(Sent, Option<&str>)> = vec![
        (
            Dns(b"\xff\xfe\x00x.duckdns.org".to_vec()),
            Some("duckdns.org"),
        ),
        (Dns(b"sp ace.DuckDNS.org".to_vec()), Some("duckdns.org")),
        (Dns(over_long.into_bytes()), Some("duckdns.org")),
        // A zone's apex, the provider's own name: no alert.
        (Dns(b"duckdns.org".to_vec()), None),
        (Dns(b"\xff\xfe.example.com".to_vec()), None),
        (Sni(b"".to_vec()), None),
        (Sni(b"\x00".to_vec()), None),
        (host(b""), None),
        (host(b":"), None),
        (host(b"[::1]:8080"), None),
        (host(b"x.duckdns.org:99999999"), Some("duckdns.org")),
        (
            host(format!("{}.duckdns.org", "b".repeat(2000)).as_bytes()),
            Some("duckdns.org"),
        ),
        // An absolute URI whose host differs from the Host header: http.host is the URI's.
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
                SID_BASE_DNS
            }
            Sni(name) => {
                let mut connection = pcap.tcp_connect(me, TLS_SERVER);
                connection.client_sends(&mut pcap, &tls_client_hello(name));
                connection.server_sends(&mut pcap, &tls_server_hello());
                connection.close(&mut pcap);
                SID_BASE_TLS
            }
            Http(request) => {
                let mut connection = pcap.tcp_connect(me, WEB_SERVER);
                connection.client_sends(&mut pcap, request);
                connection.server_sends(&mut pcap, &http_ok());
                connection.close(&mut pcap);
                SID_BASE_HTTP
            }
        };
        if let Some(base) = base {
            expected.push((sid, me.port, base.to_string()));
        }
    }
    let dir = work_dir("hostile");
    let run = run_suricata(&dir, &pcap.into_bytes(), &Setup::working());
    // The base rules' alerts, and a provider alert for each of them.
    let got: Vec<AlertKey> = sorted_alerts(&run)
        .into_iter()
        .filter(|(sid, _, _)| *sid >= SID_BASE_DNS)
        .collect();
    expected.sort();
    assert_eq!(got, expected, "{}", run.log);
    assert_eq!(
        run.alerts().count(),
        2 * expected.len(),
        "a provider alert for each base alert"
    );
}

/// Two DDNS names of different providers in one TCP segment: two pipelined HTTP/1.1 requests,
/// and two length-prefixed DNS queries. Each alert's context names its own provider.
#[test]
fn two_matches_in_one_packet_each_name_their_own_provider() {
    let mut pcap = Pcap::new();
    let mut web = pcap.tcp_connect(client(0), WEB_SERVER);
    let mut requests = http_get(b"a.duckdns.org");
    requests.extend_from_slice(&http_get(b"b.ddns.net"));
    web.client_sends(&mut pcap, &requests);
    let mut responses = http_ok();
    responses.extend_from_slice(&http_ok());
    web.server_sends(&mut pcap, &responses);
    web.close(&mut pcap);
    let mut resolver = pcap.tcp_connect(client(1), RESOLVER);
    let mut queries = dns_over_tcp(&dns_query(1, b"c.duckdns.org"));
    queries.extend_from_slice(&dns_over_tcp(&dns_query(2, b"d.no-ip.org")));
    resolver.client_sends(&mut pcap, &queries);
    let mut answers = dns_over_tcp(&dns_response(1, b"c.duckdns.org", ANSWER));
    answers.extend_from_slice(&dns_over_tcp(&dns_response(2, b"d.no-ip.org", ANSWER)));
    resolver.server_sends(&mut pcap, &answers);
    resolver.close(&mut pcap);

    let dir = work_dir("two-in-one-packet");
    let run = run_suricata(&dir, &pcap.into_bytes(), &Setup::working());
    let mut got: Vec<(String, String)> = run
        .alerts()
        .filter(|alert| {
            [SID_DNS, SID_HTTP].contains(&alert["alert"]["signature_id"].as_u64().unwrap())
        })
        .map(|alert| {
            let name = alert["http"]["hostname"]
                .as_str()
                .or(alert["dns"]["queries"][0]["rrname"].as_str())
                .unwrap_or("(none)");
            let id = alert["alert"]["context"]["ddns"]["id"]
                .as_str()
                .unwrap_or("");
            (name.to_string(), id.to_string())
        })
        .collect();
    got.sort();
    let expected: Vec<(String, String)> = ddns_check(
        &[
            "a.duckdns.org",
            "b.ddns.net",
            "c.duckdns.org",
            "d.no-ip.org",
        ],
        None,
    )
    .iter()
    .map(|a| {
        (
            a["name"].as_str().unwrap().to_string(),
            a["provider"].as_str().unwrap().to_string(),
        )
    })
    .collect();
    assert_eq!(got, expected, "one alert per name, with its provider");
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

/// The plugin refuses: Suricata still runs to the end, refuses the six rules that use the
/// transforms, alerts on nothing, and the reason is in its output.
fn assert_refused(run: &Run, reason: &[&str]) {
    assert_eq!(
        run.log
            .matches("Error: detect: error parsing signature")
            .count(),
        6,
        "the six rules were not refused:\n{}",
        run.log
    );
    assert!(
        run.log_mentions("rule not loaded"),
        "the plugin did not say the rules are not loaded:\n{}",
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

/// A list whose checksum is right but whose suffix index is not: it opens, and only
/// ddns_matcher_verify, which the plugin calls on every list it opens, refuses it.
fn crafted_list(dir: &Path) -> PathBuf {
    let bytes = ddns_test_support::with_upper_case_table_key(&ddns_test_support::compile_list(
        "duckdns.org duckdns\n",
    ));
    let list = dir.join("crafted.ddns");
    std::fs::write(&list, &bytes).unwrap();
    list
}

/// The ways the plugin cannot work, each with what its log must say.
fn dead_setups(dir: &Path) -> Vec<(Setup<'static>, Vec<&'static str>)> {
    let library = this_build_library();
    let garbage = dir.join("garbage.ddns");
    std::fs::write(&garbage, b"this is not a compiled list").unwrap();
    let with = |environment: Vec<(&'static str, PathBuf)>| Setup {
        plugin: true,
        environment,
        yaml: String::new(),
    };
    vec![
        (
            with(vec![("DDNS_LIBRARY", dir.join("no-such-libddns.so"))]),
            vec!["ddns: cannot load libddns", "no-such-libddns.so"],
        ),
        (
            with(vec![("DDNS_LIBRARY", fake_library(dir, 999))]),
            vec!["has ABI version 999, this plugin needs ABI version 1"],
        ),
        (
            with(vec![
                ("DDNS_LIBRARY", library.clone()),
                ("DDNS_LIST", garbage),
            ]),
            vec!["ddns: cannot open the list", "garbage.ddns"],
        ),
        (
            with(vec![
                ("DDNS_LIBRARY", library),
                ("DDNS_LIST", crafted_list(dir)),
            ]),
            vec![
                "ddns: cannot use the list",
                "crafted.ddns",
                "corrupt suffix index",
            ],
        ),
    ]
}

#[test]
fn a_missing_or_foreign_library_or_a_bad_list_is_logged_and_its_rules_refused() {
    let scratch = work_dir("dead-inputs");
    for (index, (setup, reason)) in dead_setups(&scratch).into_iter().enumerate() {
        let dir = work_dir(&format!("dead-{index}"));
        let run = run_suricata_as_is(&dir, &dns_pcap(&["x7.duckdns.org"]), &setup);
        assert_refused(&run, &reason);
    }
}

/// `ddns.verify: no` skips the full check: the crafted list, whose checksum is right, loads.
#[test]
fn ddns_verify_no_skips_the_full_check_of_the_list() {
    let dir = work_dir("verify-no");
    let mut setup = Setup::working();
    setup.environment.push(("DDNS_LIST", crafted_list(&dir)));
    setup.yaml = "ddns:\n  verify: no\n".to_string();
    let run = run_suricata(&dir, &dns_pcap(&["www.example.com"]), &setup);
    assert!(!run.log_mentions("cannot use the list"), "{}", run.log);
}

/// `suricata -T` with the service's environment: passes with a working plugin, fails when
/// the plugin cannot work, and says why.
#[test]
fn suricata_test_mode_fails_when_the_plugin_cannot_work() {
    let dir = work_dir("test-mode");
    let test_mode = |setup: &Setup| {
        let out = setup
            .command(&dir, None)
            .arg("-T")
            .output()
            .expect("run suricata -T");
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.success(), log)
    };
    let (passed, log) = test_mode(&Setup::working());
    assert!(passed, "suricata -T failed on a working plugin:\n{log}");
    for (setup, reason) in dead_setups(&dir) {
        let (passed, log) = test_mode(&setup);
        assert!(!passed, "suricata -T passed with a dead plugin:\n{log}");
        assert!(
            log.contains(reason[0]),
            "suricata -T does not say {:?}:\n{log}",
            reason[0]
        );
    }
}

/// A Suricata without the plugin skips the plugin's rules (`requires:`) and loads the rest.
#[test]
fn the_rules_load_cleanly_without_the_plugin() {
    let dir = work_dir("no-plugin");
    // Only the plugin's rules: the tests' base rules have no `requires:`.
    std::fs::write(dir.join("base.rules"), "").unwrap();
    let setup = Setup {
        plugin: false,
        environment: Vec::new(),
        yaml: String::new(),
    };
    let run = run_suricata_as_is(&dir, &dns_pcap(&["x7.duckdns.org"]), &setup);
    assert_eq!(
        run.log
            .matches("Skipping signature due to missing requirements")
            .count(),
        3,
        "the rules were not skipped:\n{}",
        run.log
    );
    assert!(
        !run.log_mentions("Error") && !run.log_mentions("E: "),
        "errors:\n{}",
        run.log
    );
    assert_eq!(run.alerts().count(), 0);
}

/// A Suricata 8 command socket (`--unix-socket`), spoken to directly: one JSON object per
/// request, one per answer.
struct SocketSuricata {
    child: Child,
    dir: PathBuf,
    socket: PathBuf,
    runs: usize,
}

impl Drop for SocketSuricata {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long a test waits for Suricata to reach a state it polls for, before it fails.
const DEADLINE: Duration = Duration::from_secs(120);

impl SocketSuricata {
    fn start(dir: &Path, setup: &Setup) -> SocketSuricata {
        let socket = dir.join("command.socket");
        let output = |name: &str| std::fs::File::create(dir.join(name)).expect("create a log");
        let mut command = setup.command(dir, Some(&socket));
        command
            .arg("--unix-socket")
            .stdin(Stdio::null())
            .stdout(output("stdout.txt"))
            .stderr(output("stderr.txt"));
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
            suricata.try_command("version").is_some()
        });
        suricata
    }

    fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "{}{}{}",
            read("stdout.txt"),
            read("stderr.txt"),
            read("log/suricata.log")
        )
    }

    fn wait_for(&mut self, what: &str, done: impl Fn(&SocketSuricata, &str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll suricata") {
                panic!(
                    "suricata exited ({status}) while waiting for {what}:\n{}",
                    self.log()
                );
            }
            let log =
                std::fs::read_to_string(self.dir.join("log/suricata.log")).unwrap_or_default();
            if done(self, &log) {
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

    /// Sends one command (with `arguments`); its answer when Suricata says "OK".
    fn try_command_with(&self, command: &str, arguments: Value) -> Option<Value> {
        let stream = UnixStream::connect(&self.socket).ok()?;
        stream.set_read_timeout(Some(DEADLINE)).ok()?;
        let mut writer = stream.try_clone().ok()?;
        let mut reader = BufReader::new(stream);
        // One JSON value each way; a request ends with a newline, sent in the same write (a
        // request that arrives without it is an incomplete message to Suricata).
        let mut exchange = |request: Value| -> Option<Value> {
            writer.write_all(format!("{request}\n").as_bytes()).ok()?;
            let mut answers = serde_json::Deserializer::from_reader(&mut reader).into_iter();
            answers.next()?.ok()
        };
        let hello = exchange(serde_json::json!({ "version": "0.2" }))?;
        if hello["return"] != "OK" {
            return None;
        }
        let mut request = serde_json::json!({ "command": command });
        if !arguments.is_null() {
            request["arguments"] = arguments;
        }
        let answer = exchange(request)?;
        (answer["return"] == "OK").then_some(answer)
    }

    fn try_command(&self, command: &str) -> Option<Value> {
        self.try_command_with(command, Value::Null)
    }

    /// Has Suricata read `pcap` and returns the events the run wrote to its own directory.
    fn pcap_file(&mut self, pcap: &[u8]) -> Run {
        self.runs += 1;
        let run = self.runs;
        let input = self.dir.join(format!("input-{run}.pcap"));
        std::fs::write(&input, pcap).expect("write the pcap");
        let output = self.dir.join(format!("run-{run}"));
        std::fs::create_dir_all(&output).expect("create the run's directory");
        let arguments = serde_json::json!({
            "filename": input.display().to_string(),
            "output-dir": output.display().to_string(),
        });
        assert!(
            self.try_command_with("pcap-file", arguments).is_some(),
            "pcap-file was refused:\n{}",
            self.log()
        );
        // Suricata counts a run's alerts once it has torn the run down and closed its logs.
        self.wait_for(&format!("end of pcap-file run {run}"), |_, log| {
            log.split("unix-socket: Starting run for")
                .nth(run)
                .is_some_and(|after| after.contains("counters: Alerts:"))
        });
        Run {
            events: read_events(&output.join("eve.json")),
            log: self.log(),
        }
    }

    /// `reload-rules`, which answers once the new rules are in place.
    fn reload(&mut self) {
        assert!(
            self.try_command("reload-rules").is_some(),
            "reload-rules failed:\n{}",
            self.log()
        );
    }
}

/// Every rule reload opens the list again: a list replaced by renaming a new file over it is
/// in use after the next reload, each time.
#[test]
fn rule_reloads_reopen_the_list() {
    let dir = work_dir("reload");
    let first = compile(&dir, "first", "example-ddns.net acme\n");
    let second = compile(&dir, "second", "other-ddns.org beta\n");
    // One provider dataset for both lists.
    std::fs::write(
        dir.join("ddns-providers.json"),
        r#"{"providers": [{"id": "acme", "name": "Acme"}, {"id": "beta", "name": "Beta"}]}"#,
    )
    .unwrap();
    let live = dir.join("live.ddns");
    let swap_in = |list: &Path| {
        let fresh = dir.join("live.ddns.new");
        std::fs::copy(list, &fresh).unwrap();
        std::fs::rename(&fresh, &live).unwrap();
    };
    let pcap = dns_pcap(&[
        "cam.example-ddns.net",
        "nas.other-ddns.org",
        "x7.duckdns.org",
    ]);
    let on = |index: usize, provider: &str, base: &str| {
        let port = client(index).port;
        vec![
            (SID_DNS, port, provider.to_string()),
            (SID_BASE_DNS, port, base.to_string()),
        ]
    };
    let on_first = on(0, "acme (Acme)", "example-ddns.net");
    let on_second = on(1, "beta (Beta)", "other-ddns.org");

    // A rule on the same buffer and transform as the plugin's DNS rule: Suricata has both share
    // one transformed buffer, and hands the plugin only one of their contexts back to free.
    let mut base_rules = BASE_RULES.to_string();
    base_rules.push_str(
        "alert dns any any -> any any (msg:\"shares the buffer\"; dns.query; ddns_provider; \
         content:\"no-such-provider\"; sid:1995194; rev:1;)\n",
    );
    std::fs::write(dir.join("base.rules"), base_rules).unwrap();
    swap_in(&first);
    let mut setup = Setup::working();
    setup.environment.push(("DDNS_LIST", live.clone()));
    let mut suricata = SocketSuricata::start(&dir, &setup);
    let got = sorted_alerts(&suricata.pcap_file(&pcap));
    assert_eq!(got, on_first, "before any reload");
    for (step, (list, expected)) in [
        (&second, &on_second),
        (&first, &on_first),
        (&second, &on_second),
    ]
    .into_iter()
    .enumerate()
    {
        swap_in(list);
        suricata.reload();
        let run = suricata.pcap_file(&pcap);
        assert_eq!(
            &sorted_alerts(&run),
            expected,
            "after reload {}:\n{}",
            step + 1,
            run.log
        );
    }
    // A list that does not open at a reload: the new engine refuses the rules, says why, and
    // Suricata keeps running on it (without DDNS alerts).
    std::fs::write(dir.join("live.ddns.new"), b"not a compiled list").unwrap();
    std::fs::rename(dir.join("live.ddns.new"), &live).unwrap();
    suricata.reload();
    let run = suricata.pcap_file(&pcap);
    assert_eq!(sorted_alerts(&run), [], "after a reload onto a bad list");
    assert!(
        run.log_mentions("ddns: cannot open the list"),
        "the bad list is not logged:\n{}",
        run.log
    );
    // The lists of the engines the reloads replaced are unmapped: only the current engine's
    // list file (and at most the one before it, while Suricata frees that engine) stays.
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", suricata.child.id())).unwrap();
    // Mapped files by inode: a list renamed over keeps its own.
    let mut mapped: Vec<&str> = maps
        .lines()
        .filter(|line| line.contains("live.ddns"))
        .map(|line| line.split_whitespace().nth(4).unwrap_or(""))
        .collect();
    mapped.sort();
    mapped.dedup();
    assert!(
        mapped.len() <= 2,
        "the lists of replaced engines are still mapped: {mapped:?}\n{maps}"
    );
}

#[test]
fn the_rules_use_ddns_sids_and_require_the_transforms() {
    let rules = std::fs::read_to_string(plugin_source().join("ddns.rules")).unwrap();
    let rules: Vec<&str> = rules
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert_eq!(rules.len(), 3);
    for (rule, sid) in rules.iter().zip([SID_DNS, SID_TLS, SID_HTTP]) {
        assert!(rule.contains(&format!("sid:{sid};")), "{rule}");
        assert!(rule.contains("requires: keyword ddns_provider;"), "{rule}");
        assert!(rule.contains("load ddns-providers.json"), "{rule}");
    }
}

/// `ddns export --format suricata-datasets` on a Suricata 8 without the plugin: its rule and
/// dataset load, and alert with the provider in alert.context.ddns, within the limits
/// docs/cli.md gives: only base domains that are Public Suffix List entries, no apex, no
/// exceptions.
#[test]
fn the_suricata_datasets_export_alerts_within_its_documented_limits() {
    let dir = work_dir("datasets-export");
    let out = Command::new(ddns_binary())
        .args([
            "export",
            "--format",
            "suricata-datasets",
            "--sid-base",
            "9400000",
        ])
        .output()
        .expect("run ddns export");
    assert!(out.status.success(), "ddns export failed");
    let document: Value = serde_json::from_slice(&out.stdout).expect("the export is JSON");
    std::fs::write(dir.join("ddns-bases.json"), &out.stdout).unwrap();
    let rule = document["rule"]
        .as_str()
        .expect("the export holds its rule");
    std::fs::write(dir.join("ddns.rules"), format!("{rule}\n")).unwrap();
    std::fs::write(dir.join("base.rules"), "").unwrap();
    let names = [
        "x7.duckdns.org",
        "CAM-01.HOME.DUCKDNS.ORG",
        "foo.no-ip.org",
        "www.duckdns.org",
        "x.mooo.com",
        "duckdns.org",
        "notduckdns.org",
        "www.example.com",
    ];
    let setup = Setup {
        plugin: false,
        environment: Vec::new(),
        yaml: String::new(),
    };
    let run = run_suricata_as_is(&dir, &dns_pcap(&names), &setup);
    assert!(
        run.log_mentions("1 rules successfully loaded, 0 rules failed"),
        "the exported rule did not load:\n{}",
        run.log
    );
    let mut got: Vec<(u16, String, String)> = run
        .alerts()
        .map(|alert| {
            let context = &alert["alert"]["context"]["ddns"];
            (
                alert["src_port"].as_u64().unwrap() as u16,
                context["base"].as_str().unwrap_or("").to_string(),
                context["provider"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    // The first three as ddns decides them; www.duckdns.org (an exception in ddns) alerts;
    // mooo.com (no PSL entry) and the apex stay silent.
    let answers = ddns_check(&names[..3], None);
    let mut expected: Vec<(u16, String, String)> = answers
        .iter()
        .enumerate()
        .map(|(index, answer)| {
            (
                client(index).port,
                answer["base"].as_str().unwrap().to_string(),
                answer["provider"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    expected.push((client(3).port, "duckdns.org".into(), "duckdns".into()));
    assert_eq!(got, expected, "{}", run.log);
    assert_eq!(
        ddns_check(&["www.duckdns.org"], None)[0]["verdict"],
        "allow"
    );
    assert_eq!(ddns_check(&["x.mooo.com"], None)[0]["verdict"], "block");
}

/// Runs the plugin's `make install` into `dir` (plugin under `dir`/plugins, rules and dataset
/// in `dir` itself, Suricata's default-rule-path here) from the build in `build`.
fn make_install(dir: &Path, build: &Path) {
    plugin_make(
        &[
            "install".to_string(),
            format!("OUT={}", build.display()),
            format!("PLUGINDIR={}", dir.join("plugins").display()),
            format!("RULEDIR={}", dir.display()),
        ],
        "make install",
    );
}

/// The installed files under `dir`, by name, with their contents.
fn installed_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        ["plugins/ddns.so", "ddns.rules", "ddns-providers.json"]
            .iter()
            .map(|name| {
                let bytes = std::fs::read(dir.join(name))
                    .unwrap_or_else(|err| panic!("{name} is not installed: {err}"));
                (name.to_string(), bytes)
            })
            .collect();
    let mut others: Vec<String> = std::fs::read_dir(dir.join("plugins"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "ddns.so")
        .collect();
    others.sort();
    files.extend(others.into_iter().map(|name| (name, Vec::new())));
    files
}

/// The whole life of an install: `make install`, Suricata running on the installed plugin,
/// a second `make install` of a changed build under it (an upgrade), a rule reload, and a
/// restart. The second install replaces the files instead of rewriting them, so the running
/// Suricata keeps the plugin it mapped; it leaves the same files, and nothing twice.
#[test]
fn a_second_make_install_under_a_running_suricata_replaces_the_plugin_safely() {
    let dir = work_dir("second-install");
    // The rules and dataset come from the install, not from work_dir's copies.
    std::fs::remove_file(dir.join("ddns.rules")).unwrap();
    std::fs::remove_file(dir.join("ddns-providers.json")).unwrap();
    let build = dir.join("build");
    std::fs::create_dir_all(&build).unwrap();
    for name in ["ddns.so", "ddns-providers.json"] {
        std::fs::copy(plugin().join(name), build.join(name)).unwrap();
    }
    make_install(&dir, &build);
    let first = installed_files(&dir);

    let installed_plugin = dir.join("plugins/ddns.so");
    let setup = Setup {
        plugin: false,
        environment: vec![("DDNS_LIBRARY", this_build_library())],
        yaml: format!("plugins:\n  - {}\n", installed_plugin.display()),
    };
    let pcap = dns_pcap(&["x7.duckdns.org"]);
    let port = client(0).port;
    let expected = vec![
        (SID_DNS, port, "duckdns (Duck DNS)".to_string()),
        (SID_BASE_DNS, port, "duckdns.org".to_string()),
    ];
    let mut suricata = SocketSuricata::start(&dir, &setup);
    assert_eq!(
        sorted_alerts(&suricata.pcap_file(&pcap)),
        expected,
        "first install"
    );

    // An upgrade: a build that differs (a byte appended to the library is harmless to the
    // loader), installed again over the running Suricata.
    let mut changed = std::fs::read(build.join("ddns.so")).unwrap();
    changed.push(0);
    std::fs::write(build.join("ddns.so"), &changed).unwrap();
    make_install(&dir, &build);
    let second = installed_files(&dir);
    assert_eq!(
        second.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        first.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "the second install left other files"
    );
    assert_eq!(
        second[0].1, changed,
        "the second install did not install the new build"
    );
    assert_eq!(second[1..], first[1..], "the rules or dataset changed");
    // The running Suricata still maps the first build, now unlinked: install replaced the
    // file rather than writing into the one Suricata runs.
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", suricata.child.id())).unwrap();
    let plugin_maps: Vec<&str> = maps
        .lines()
        .filter(|line| line.contains(&*installed_plugin.to_string_lossy()))
        .collect();
    assert!(
        !plugin_maps.is_empty() && plugin_maps.iter().all(|line| line.ends_with("(deleted)")),
        "the running Suricata does not map the replaced plugin file:\n{maps}"
    );

    suricata.reload();
    let run = suricata.pcap_file(&pcap);
    assert_eq!(
        sorted_alerts(&run),
        expected,
        "after the second install and a reload:\n{}",
        run.log
    );
    drop(suricata);

    // A restart loads the installed upgrade.
    let run = run_suricata(&dir, &pcap, &setup);
    assert_eq!(
        sorted_alerts(&run),
        expected,
        "after a restart:\n{}",
        run.log
    );
}

/// The provider dataset is the class filter (README.md): a dataset written with
/// `ddns providers --json --class ...` keeps the other classes' names from alerting.
#[test]
fn a_provider_dataset_of_some_classes_alerts_on_those_classes_only() {
    let dir = work_dir("class-filter");
    let out = Command::new(ddns_binary())
        .args(["providers", "--json", "--class", "device-assigned,paid"])
        .output()
        .expect("run ddns providers");
    assert!(out.status.success(), "ddns providers failed");
    std::fs::write(dir.join("ddns-providers.json"), out.stdout).unwrap();
    let names = ["x7.duckdns.org", "nas.myqnapcloud.com"];
    let answers = ddns_check(&names, None);
    assert_eq!(answers[0]["class"], "free-anonymous");
    assert_eq!(answers[1]["class"], "device-assigned");
    let run = run_suricata(&dir, &dns_pcap(&names), &Setup::working());
    let plugin_alerts: Vec<_> = sorted_alerts(&run)
        .into_iter()
        .filter(|(sid, _, _)| *sid == SID_DNS)
        .collect();
    assert_eq!(
        plugin_alerts,
        [(
            SID_DNS,
            client(1).port,
            "qnap (QNAP myQNAPcloud)".to_string()
        )],
        "{}",
        run.log
    );
}
