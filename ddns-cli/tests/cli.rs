//! Golden tests of the `ddns` command: exact output and exit codes.

mod common;

use std::path::PathBuf;
use std::process::Output;

const LIST: &str = "\
# a test list
duckdns.org        duckdns
!www.duckdns.org   duckdns
ddns.net           noip
";

fn temp(name: &str, contents: &[u8]) -> PathBuf {
    common::temp("cli", name, contents)
}

fn ddns(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::ddns(args, stdin)
}

use common::text;

#[test]
fn check_prints_one_line_per_name_and_exits_0_on_a_match() {
    let list = temp("check.txt", LIST.as_bytes());
    let list = list.to_str().unwrap();
    let out = ddns(
        &[
            "check",
            "--list",
            list,
            "Cam-01.Home.DuckDNS.org.",
            "www.example.com",
            "www.duckdns.org:443",
            "duckdns.org",
            "a_b.ddns.net",
        ],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        "Cam-01.Home.DuckDNS.org.: duckdns [duckdns], base duckdns.org, sub-domain Cam-01.Home\n\
         www.example.com: no match\n\
         www.duckdns.org:443: allowed by www.duckdns.org (duckdns [duckdns])\n\
         duckdns.org: duckdns [duckdns], base duckdns.org, no sub-domain\n\
         a_b.ddns.net: noip [noip], base ddns.net, sub-domain a_b, malformed\n"
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_exits_1_when_nothing_matched_and_allowed_names_are_not_matches() {
    let list = temp("none.txt", LIST.as_bytes());
    let out = ddns(
        &[
            "check",
            "--list",
            list.to_str().unwrap(),
            "www.duckdns.org",
            "example.com",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_reads_stdin_and_prints_json() {
    let list = temp("json.txt", LIST.as_bytes());
    let out = ddns(
        &["check", "--json", "--list", list.to_str().unwrap()],
        Some(b"x7.duckdns.org\r\n\n  \nexample.com\n\xff.ddns.net"),
    );
    assert_eq!(
        text(&out.stdout),
        "{\"name\":\"x7.duckdns.org\",\"verdict\":\"block\",\"provider\":\"duckdns\",\"provider_name\":\"duckdns\",\"abuse\":\"unknown\",\"class\":\"unclassified\",\"base\":\"duckdns.org\",\"sub_domain\":\"x7\",\"sub_labels\":1,\"malformed\":false}\n\
         {\"name\":\"example.com\",\"verdict\":\"none\"}\n\
         {\"name\":\"\\\\xff.ddns.net\",\"verdict\":\"block\",\"provider\":\"noip\",\"provider_name\":\"noip\",\"abuse\":\"unknown\",\"class\":\"unclassified\",\"base\":\"ddns.net\",\"sub_domain\":\"\\\\xff\",\"sub_labels\":1,\"malformed\":true}\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_uses_the_embedded_default_list() {
    let out = ddns(&["check", "x7.duckdns.org"], None);
    assert!(
        text(&out.stdout).starts_with("x7.duckdns.org: "),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("[duckdns], base duckdns.org, sub-domain x7"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn errors_exit_2_with_a_message_naming_the_file_and_line() {
    let out = ddns(&["check", ""], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "ddns: argument 1: empty name\n");

    let bad = temp("bad.txt", b"duckdns.org\nbad..name\n");
    let out = ddns(
        &["check", "--list", bad.to_str().unwrap(), "x.duckdns.org"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("ddns: {}:2: 'bad..name': empty label\n", bad.display())
    );

    let missing = ddns(&["providers", "--list", "/nonexistent/list.ddns"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).starts_with("ddns: /nonexistent/list.ddns: cannot open"));

    let corrupt = temp("corrupt.ddns", b"DDNSLIST but far too short");
    let out = ddns(&["providers", "--list", corrupt.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("corrupt.ddns: not a compiled ddns list"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn providers_prints_a_table_and_json() {
    let list = temp("providers.txt", LIST.as_bytes());
    let list = list.to_str().unwrap();
    let out = ddns(&["providers", "--list", list], None);
    assert_eq!(
        text(&out.stdout),
        "ID       NAME      BLOCK  ALLOW  CLASS              STATUS  ABUSE         FREE\n\
         duckdns  duckdns       1      1  unclassified       active  unknown       no\n\
         noip     noip          1      0  unclassified       active  unknown       no\n\
         2 providers, 3 entries\n"
    );
    assert_eq!(out.status.code(), Some(0));

    let out = ddns(&["providers", "--json", "--list", list], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["provider_count"], 2);
    assert_eq!(json["entry_count"], 3);
    assert_eq!(json["providers"][0]["id"], "duckdns");
    assert_eq!(json["providers"][0]["allow_entries"], 1);
    assert_eq!(json["providers"][0]["class"], "unclassified");
    assert_eq!(json["providers"][0]["status"], "active");
}

#[test]
fn providers_of_the_default_list_have_a_class_a_status_and_known_operators() {
    let out = ddns(&["providers", "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let providers = json["providers"].as_array().unwrap();
    assert!(providers.len() >= 100);
    for p in providers {
        assert_ne!(p["class"], "unclassified", "{p}");
        assert!(["active", "legacy", "closed"].contains(&p["status"].as_str().unwrap()));
    }
    let by_id = |id: &str| providers.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(by_id("netcraze")["operator"], "Keenetic");
    assert_eq!(by_id("keenetic")["operator"], "Keenetic");
    assert!(by_id("duckdns").get("operator").is_none());

    let out = ddns(
        &["providers", "--json", "--class", "business-firewall"],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let classes: Vec<&str> = json["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["class"].as_str().unwrap())
        .collect();
    assert!(!classes.is_empty());
    assert!(
        classes.iter().all(|c| *c == "business-firewall"),
        "{classes:?}"
    );
    assert_eq!(json["provider_count"], classes.len());

    // Several classes: repeated, or separated by commas, the same providers.
    let ids = |args: &[&str]| -> Vec<String> {
        let out = ddns(args, None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["providers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let firewall = ids(&["providers", "--json", "--class", "business-firewall"]);
    let paid = ids(&["providers", "--json", "--class", "paid"]);
    let repeated = ids(&[
        "providers",
        "--json",
        "--class",
        "business-firewall",
        "--class",
        "paid",
    ]);
    let comma = ids(&["providers", "--json", "--class", "paid,business-firewall"]);
    assert!(!paid.is_empty());
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let both = sorted([firewall, paid].concat());
    assert_eq!(sorted(repeated), both);
    assert_eq!(sorted(comma), both);
}

#[test]
fn providers_markdown_prints_a_table_sorted_by_id_with_totals() {
    let catalog = temp(
        "markdown.toml",
        br#"[[provider]]
id = "zeta"
name = "Zeta | Dyn"
entries = [{ domain = "zeta-dyn.example" }]

[[provider]]
id = "acme"
name = "Acme DDNS"
website = "https://acme.example/free (domains)"
country = "DE"
free_subdomains = true
class = "paid"
status = "legacy"
abuse = "responsive"
entries = [
  { domain = "acme-ddns.example" },
  { domain = "acme-ddns.example.org" },
  { domain = "www.acme-ddns.example", allow = true },
]
"#,
    );
    let out = ddns(
        &[
            "providers",
            "--markdown",
            "--list",
            catalog.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        "| Provider id | Name | Country | Class | Status | Free sub-domains | Abuse posture | Block entries | Allow entries |\n\
         | --- | --- | --- | --- | --- | --- | --- | ---: | ---: |\n\
         | `acme` | [Acme DDNS](https://acme.example/free%20%28domains%29) | DE | paid | legacy | yes | responsive | 2 | 1 |\n\
         | `zeta` | Zeta \\| Dyn | - | unclassified | active | no | unknown | 1 | 0 |\n\
         \n\
         Total: 2 providers, 4 entries (3 block, 1 allow).\n"
    );
    assert_eq!(out.status.code(), Some(0));

    let both = ddns(&["providers", "--markdown", "--json"], None);
    assert_eq!(both.status.code(), Some(2));

    let list = catalog.to_str().unwrap();
    let paid = ddns(
        &["providers", "--json", "--class", "paid", "--list", list],
        None,
    );
    assert_eq!(paid.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&paid.stdout).unwrap();
    let ids: Vec<&str> = json["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme"]);
    let unknown = ddns(&["providers", "--class", "cheap", "--list", list], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr)
            .contains("unknown class 'cheap'; one of unclassified, free-anonymous"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn compile_writes_a_list_that_check_and_providers_read() {
    let toml = temp(
        "acme.toml",
        b"[[provider]]\nid = \"acme\"\nname = \"Acme DDNS\"\nabuse = \"slow\"\nentries = [{ domain = \"acme-ddns.net\" }]\n",
    );
    let list = temp("more.txt", LIST.as_bytes());
    let output = toml.with_file_name("combined.ddns");
    let out = ddns(
        &[
            "compile",
            toml.to_str().unwrap(),
            list.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("3 providers, 4 entries"),
        "{}",
        text(&out.stderr)
    );

    let out = ddns(
        &[
            "check",
            "--list",
            output.to_str().unwrap(),
            "h.acme-ddns.net",
            "x.ddns.net",
        ],
        None,
    );
    assert_eq!(
        text(&out.stdout),
        "h.acme-ddns.net: Acme DDNS [acme], base acme-ddns.net, sub-domain h\n\
         x.ddns.net: noip [noip], base ddns.net, sub-domain x\n"
    );

    // A compiled list is not a compile input; a conflict names both entries.
    let again_output = output.with_file_name("never-written.ddns");
    let again = ddns(
        &[
            "compile",
            output.to_str().unwrap(),
            "-o",
            again_output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already a compiled list"));
    assert!(!again_output.exists());
    let conflict = temp("conflict.txt", b"ddns.net other\n");
    let out = ddns(
        &[
            "compile",
            list.to_str().unwrap(),
            conflict.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("conflicts with 'ddns.net' (block of provider 'noip'"),
        "{}",
        text(&out.stderr)
    );
}
