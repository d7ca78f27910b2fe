//! The data rules of the default catalog (`data/catalog/*.toml`, one provider per file),
//! checked on the files themselves: the reader normalises what it reads, so the raw TOML is
//! checked as well as the catalog `Catalog::read` returns.
//!
//! Evidence comes from a dated snapshot of the upstream Public Suffix List kept in the
//! repository (`tests/data/psl-*.dat`, see `tests/data/README.md`), so the tests need nothing
//! installed and do not change under them when a distribution updates its copy.
//!
//! Each rule is a function returning every violation it finds, so one run lists them all;
//! each rule also has a test proving, on a small made-up catalog, that it catches what it
//! should.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use ddns_core::{AbusePosture, Catalog, Matcher, ProviderClass, ProviderStatus, Verdict};

/// The snapshot of the upstream Public Suffix List the `psl` sources are checked against,
/// relative to the crate.
const PSL_SNAPSHOT: &str = "tests/data/psl-2026-08-19.dat";

/// The status values a catalog may use (`ProviderStatus::as_str`).
const STATUS_VALUES: [&str; 3] = ["active", "legacy", "closed"];

/// The classes a default-catalog provider may state (`ProviderClass::as_str`, without
/// `unclassified`, which is only for lists that do not say).
const CLASS_VALUES: [&str; 4] = [
    "free-anonymous",
    "device-assigned",
    "business-firewall",
    "paid",
];

/// The roles an allow entry may state (`EntryRole::as_str`).
const ROLE_VALUES: [&str; 6] = [
    "website",
    "update",
    "ip-check",
    "api",
    "nameserver",
    "download",
];

/// Update endpoints, IP-check services, cloud APIs, name servers and download hosts of the
/// large providers, with where each is documented. Every device or client of the provider
/// talks to them, so none may get a block verdict: each is either outside every block entry
/// or carved out by an allow entry (whose own `source` gives the evidence).
const PROVIDER_INFRASTRUCTURE: &[(&str, &str)] = &[
    (
        "members.dyndns.org",
        "ddclient's and inadyn's dyndns2 update server",
    ),
    ("checkip.dyndns.org", "Dyn's IP-check service (ddclient)"),
    (
        "update.dedyn.io",
        "deSEC's update server (inadyn, ddclient, OpenWrt)",
    ),
    ("update6.dedyn.io", "deSEC's IPv6 update server (inadyn)"),
    ("checkipv4.dedyn.io", "deSEC's IP-check service (ddclient)"),
    (
        "checkipv6.dedyn.io",
        "deSEC's IPv6 IP-check service (ddclient)",
    ),
    (
        "ipv4.nsupdate.info",
        "nsupdate.info's update and IP-check server (inadyn, ddclient)",
    ),
    (
        "ipv6.nsupdate.info",
        "nsupdate.info's IPv6 update server (inadyn, ddclient)",
    ),
    ("www.dy.fi", "dy.fi's update server (inadyn)"),
    ("checkip.dy.fi", "dy.fi's IP-check service (inadyn)"),
    ("ip4.dnshome.de", "dnsHome's IP-check service (inadyn)"),
    ("ipv4.ipv64.net", "IPv64.net's update server (inadyn)"),
    (
        "ipv4.myonlineportal.net",
        "MyOnlinePortal's IP-check service (inadyn)",
    ),
    ("members.3322.org", "PubYun's update server (inadyn)"),
    ("www.mydns.jp", "MyDNS.JP's update server (inadyn, OpenWrt)"),
    ("ip4.ddnss.de", "ddnss.de's update server (OpenWrt)"),
    ("free.ddo.jp", "DDO.jp's update server (OpenWrt)"),
    (
        "ipv4.duia.ro",
        "DuiaDNS's update and IP-check server (inadyn)",
    ),
    ("www.duckdns.org", "Duck DNS's site and update endpoint"),
    ("core.api.myqnapcloud.com", "QNAP's myQNAPcloud API"),
    (
        "edge.api.myqnapcloud.com",
        "QNAP's myQNAPcloud API, also the NAS's IP check",
    ),
    (
        "ns1.asuscomm.com",
        "ASUS's DDNS update server and name server",
    ),
    ("download.thecuslink.com", "Thecus's download host"),
    ("ns1.thecuslink.com", "Thecus's DDNS server"),
    (
        "dynupdate.no-ip.com",
        "No-IP's update server (ddclient, inadyn)",
    ),
    (
        "ip1.dynupdate.no-ip.com",
        "No-IP's IP-check service (ddclient, inadyn)",
    ),
    (
        "nic.changeip.com",
        "ChangeIP's update server (ddclient, inadyn)",
    ),
    ("ip.changeip.com", "ChangeIP's IP-check service (inadyn)"),
    ("api.dynu.com", "Dynu's update server (ddclient, inadyn)"),
    ("checkip.dynu.com", "Dynu's IP-check service (inadyn)"),
    ("ipv4.dynv6.com", "dynv6's IP-check service (inadyn)"),
    ("ddns.oray.com", "Oray's update server (inadyn)"),
    (
        "update.spdyn.de",
        "Securepoint spDYN's update server (inadyn)",
    ),
    (
        "checkip4.spdyn.de",
        "Securepoint spDYN's IP-check service (inadyn)",
    ),
    (
        "freedns.afraid.org",
        "FreeDNS's site and update server (inadyn)",
    ),
];

/// The abuse posture values a catalog may use (`AbusePosture::as_str`).
const ABUSE_VALUES: [&str; 4] = ["responsive", "slow", "unresponsive", "unknown"];

/// Suffixes of platforms that host, tunnel or connect customers but hand out no dynamic host
/// names: a DDNS verdict on them would be wrong for most traffic. No entry may equal one of
/// them or lie under one.
const NOT_DDNS: &[&str] = &[
    // Code, site and app hosting.
    "github.io",
    "githubusercontent.com",
    "gitlab.io",
    "bitbucket.io",
    "herokuapp.com",
    "vercel.app",
    "now.sh",
    "netlify.app",
    "netlify.com",
    "pages.dev",
    "workers.dev",
    "r2.dev",
    "surge.sh",
    "onrender.com",
    "fly.dev",
    "glitch.me",
    "repl.co",
    "replit.dev",
    "pythonanywhere.com",
    "000webhostapp.com",
    "appspot.com",
    "firebaseapp.com",
    "web.app",
    "googleusercontent.com",
    "blogspot.com",
    "wordpress.com",
    "wixsite.com",
    "weebly.com",
    "squarespace.com",
    "myshopify.com",
    "tumblr.com",
    // Cloud and CDN.
    "amazonaws.com",
    "cloudfront.net",
    "elasticbeanstalk.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "azureedge.net",
    "cloudapp.net",
    "windows.net",
    "ondigitalocean.app",
    "digitaloceanspaces.com",
    "fastly.net",
    "akamaized.net",
    "akamaihd.net",
    "edgekey.net",
    // Tunnels.
    "ngrok.io",
    "ngrok.app",
    "ngrok-free.app",
    "ngrok.dev",
    "trycloudflare.com",
    "loca.lt",
    "localtunnel.me",
    "serveo.net",
    // ISPs' customer address names.
    "comcast.net",
    "verizon.net",
    "rr.com",
    "sbcglobal.net",
    "cox.net",
    "t-ipconnect.de",
    "t-online.de",
    "btcentralplus.com",
    "virginm.net",
    "shawcable.net",
    // Corporate domains.
    "google.com",
    "microsoft.com",
    "apple.com",
    "amazon.com",
    "cloudflare.com",
    "facebook.com",
];

/// Domains that sit next to a DDNS service but carry the vendor's own servers, or give
/// devices a path rather than a host name. CURATION-NOTES.md says why each was left out; a
/// listed sub-zone (such as `dyndns.loxonecloud.com`) may lie under one, but no entry may
/// equal one.
const NOT_DDNS_ITSELF: &[&str] = &[
    "loxonecloud.com",   // Loxone's servers; names are under dyndns.loxonecloud.com
    "myedimax.com",      // Edimax's cloud; names are under router.myedimax.com
    "oray.net",          // Oray's own servers
    "3322.net",          // PubYun's update and address servers
    "meibu.com",         // Meibu's site and servers
    "hiddns.com",        // Hikvision: devices get a path, not a host name
    "hik-online.com",    // likewise
    "samsungipolis.com", // Hanwha (Samsung) cameras: a path per device
    "buffalonas.com",    // Buffalo NAS: a path per device
    "spdyn.de",          // Securepoint's own site; its PSL request lists the user domains
    "aterm.me",          // an NEC router's local admin name
];

// ---- the catalog files ---------------------------------------------------------------

fn catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/catalog")
}

/// One entry as a rule sees it.
#[derive(Debug, Clone)]
struct Entry {
    /// The file stem (`duckdns` for `duckdns.toml`), for messages.
    file: String,
    provider: String,
    /// The domain as written in the file.
    raw: String,
    /// The domain as `Catalog::read` returns it.
    domain: String,
    allow: bool,
    source: Option<String>,
    /// The `role` as written, if any.
    role: Option<String>,
}

impl Entry {
    fn at(&self) -> String {
        let kind = if self.allow { "allow" } else { "block" };
        format!("{}.toml: {kind} entry '{}'", self.file, self.raw)
    }
}

/// A catalog file, raw and read.
struct CatalogFile {
    stem: String,
    raw: toml::Table,
    catalog: Catalog,
}

/// The catalog files, read once for all tests of this file.
fn catalog_files() -> &'static [CatalogFile] {
    static FILES: std::sync::OnceLock<Vec<CatalogFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(read_catalog_files)
}

fn read_catalog_files() -> Vec<CatalogFile> {
    let dir = catalog_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no catalog files in {}", dir.display());
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            let raw: toml::Table = toml::from_str(&text)
                .unwrap_or_else(|err| panic!("{} is not TOML: {err}", path.display()));
            let catalog = Catalog::read(path).unwrap_or_else(|err| panic!("{err}"));
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            CatalogFile { stem, raw, catalog }
        })
        .collect()
}

/// The raw `[[provider]]` tables of a file.
fn raw_providers(raw: &toml::Table) -> Vec<&toml::Table> {
    raw.get("provider")
        .and_then(toml::Value::as_array)
        .map(|providers| providers.iter().filter_map(toml::Value::as_table).collect())
        .unwrap_or_default()
}

fn entries(files: &[CatalogFile]) -> Vec<Entry> {
    let mut all = Vec::new();
    for file in files {
        let raw_entries: Vec<&toml::Value> = raw_providers(&file.raw)
            .into_iter()
            .flat_map(|p| p.get("entries").and_then(toml::Value::as_array))
            .flatten()
            .collect();
        let read = file.catalog.providers().iter().flat_map(|p| {
            p.entries
                .iter()
                .map(move |e| (p.id.clone(), e.domain.clone(), e.allow, e.source.clone()))
        });
        let read: Vec<_> = read.collect();
        assert_eq!(raw_entries.len(), read.len(), "{}.toml", file.stem);
        for (raw, (provider, domain, allow, source)) in raw_entries.into_iter().zip(read) {
            let role = raw
                .get("role")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            let raw = raw
                .get("domain")
                .and_then(toml::Value::as_str)
                .unwrap_or_default()
                .to_string();
            all.push(Entry {
                file: file.stem.clone(),
                provider,
                raw,
                domain,
                allow,
                source,
                role,
            });
        }
    }
    all
}

fn assert_none(rule: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{rule}: {} violation(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---- rules over providers ------------------------------------------------------------

fn is_web_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.') && !text.chars().any(char::is_whitespace)
    })
}

/// Problems with the provider tables of one file, as written.
fn provider_problems(stem: &str, raw: &toml::Table) -> Vec<String> {
    let mut problems = Vec::new();
    let providers = raw_providers(raw);
    if providers.len() != 1 {
        problems.push(format!(
            "{stem}.toml: defines {} providers; a file defines exactly one",
            providers.len()
        ));
    }
    for provider in providers {
        let text = |key: &str| provider.get(key).and_then(toml::Value::as_str);
        let id = text("id").unwrap_or_default();
        let at = format!("{stem}.toml: provider '{id}'");
        if id != stem {
            problems.push(format!("{at}: the id must equal the file name ({stem})"));
        }
        if text("name").is_none_or(|name| name.trim().is_empty() || name.trim() != name) {
            problems.push(format!("{at}: `name` must be a non-empty, trimmed string"));
        }
        if !text("website").is_some_and(is_web_url) {
            problems.push(format!("{at}: `website` must be an http(s) URL"));
        }
        if let Some(country) = provider.get("country") {
            let valid = country
                .as_str()
                .is_some_and(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
            if !valid {
                problems.push(format!(
                    "{at}: `country` must be an ISO 3166-1 alpha-2 code (two upper-case letters), or left out when unknown"
                ));
            }
        }
        if !provider
            .get("free_subdomains")
            .is_some_and(toml::Value::is_bool)
        {
            problems.push(format!(
                "{at}: `free_subdomains` must be written out as true or false"
            ));
        }
        if !text("status").is_some_and(|status| STATUS_VALUES.contains(&status)) {
            problems.push(format!(
                "{at}: `status` must be written out as one of {STATUS_VALUES:?}"
            ));
        }
        if !text("class").is_some_and(|class| CLASS_VALUES.contains(&class)) {
            problems.push(format!(
                "{at}: `class` must be written out as one of {CLASS_VALUES:?}"
            ));
        }
        if provider.contains_key("operator")
            && text("operator").is_none_or(|op| op.trim().is_empty() || op.trim() != op)
        {
            problems.push(format!(
                "{at}: `operator`, when present, must be a non-empty, trimmed string"
            ));
        }
        if provider.contains_key("abuse_contact")
            && !text("abuse_contact").is_some_and(|contact| {
                let first = contact.split_whitespace().next().unwrap_or_default();
                is_web_url(first)
                    || first
                        .strip_prefix("mailto:")
                        .is_some_and(|address| address.contains('@'))
            })
        {
            problems.push(format!(
                "{at}: `abuse_contact` must start with an http(s) URL or mailto:ADDRESS"
            ));
        }
        if !text("abuse").is_some_and(|abuse| ABUSE_VALUES.contains(&abuse)) {
            problems.push(format!(
                "{at}: `abuse` must be written out as one of {ABUSE_VALUES:?}"
            ));
        }
        if text("abuse_reason").is_none_or(|reason| reason.trim().is_empty()) {
            problems.push(format!(
                "{at}: `abuse_reason` must say why `abuse` has its value"
            ));
        }
        let entry_count = provider
            .get("entries")
            .and_then(toml::Value::as_array)
            .map_or(0, Vec::len);
        if entry_count == 0 {
            problems.push(format!("{at}: no entries"));
        }
    }
    problems
}

#[test]
fn every_file_defines_one_provider_named_after_it_with_every_field_stated() {
    let problems = catalog_files()
        .iter()
        .flat_map(|file| provider_problems(&file.stem, &file.raw))
        .collect();
    assert_none("provider fields", problems);
}

#[test]
fn provider_rules_catch_a_wrong_id_a_bad_country_and_missing_fields() {
    let raw: toml::Table = toml::from_str(
        r#"
[[provider]]
id = "acme"
name = "Acme"
website = "www.acme.example"
country = "de"
abuse = "sometimes"
class = "unclassified"
operator = " "
abuse_contact = "abuse@acme.example"
entries = []
"#,
    )
    .unwrap();
    let problems = provider_problems("other", &raw).join("\n");
    for field in [
        "file name",
        "`website`",
        "`country`",
        "`free_subdomains`",
        "`status`",
        "`class`",
        "`operator`",
        "`abuse_contact`",
        "`abuse`",
        "`abuse_reason`",
        "no entries",
    ] {
        assert!(problems.contains(field), "{field} not caught:\n{problems}");
    }
}

#[test]
fn provider_ids_are_unique_across_files() {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut problems = Vec::new();
    for file in catalog_files() {
        for provider in file.catalog.providers() {
            if let Some(first) = seen.insert(provider.id.clone(), file.stem.clone()) {
                problems.push(format!(
                    "{}.toml: provider '{}' is also defined in {first}.toml",
                    file.stem, provider.id
                ));
            }
        }
    }
    assert_none("provider ids", problems);
}

// ---- rules over entries --------------------------------------------------------------

/// A host name as the catalog stores it: lower-case letters, digits and inner hyphens in
/// labels of 1-63 bytes, at least two labels, a top-level label that is not all digits, no
/// trailing dot.
fn host_name_problem(domain: &str) -> Option<&'static str> {
    if domain.is_empty() || domain.len() > 253 {
        return Some("must be 1-253 bytes");
    }
    if domain.ends_with('.') {
        return Some("must not end in a dot");
    }
    if domain.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("must be lower-case");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some("must have at least two labels");
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Some("has a label that is empty or longer than 63 bytes");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Some("may hold only a-z, 0-9, '-' and '.' (IDNs in their xn-- form)");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("has a label starting or ending with '-'");
        }
    }
    if labels[labels.len() - 1].bytes().all(|b| b.is_ascii_digit()) {
        return Some("has an all-digit top-level label");
    }
    None
}

fn entry_name_problems(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|entry| {
            host_name_problem(&entry.raw).map(|why| format!("{}: {why}", entry.at()))
        })
        .collect()
}

#[test]
fn every_entry_is_written_as_a_lower_case_host_name() {
    assert_none(
        "entry domains",
        entry_name_problems(&entries(catalog_files())),
    );
}

#[test]
fn host_name_rule_refuses_upper_case_trailing_dots_and_bad_labels() {
    assert_eq!(host_name_problem("duckdns.org"), None);
    assert_eq!(host_name_problem("xn--80ak6aa92e.com"), None);
    for bad in [
        "DuckDNS.org",
        "duckdns.org.",
        "org",
        "a..org",
        "a_b.org",
        "-a.org",
        "a-.org",
        "10.0.0.1",
        "",
    ] {
        assert!(host_name_problem(bad).is_some(), "{bad:?} accepted");
    }
}

/// Whether a source cites the Public Suffix List: its first word is `psl`.
fn cites_psl(entry: &Entry) -> bool {
    entry
        .source
        .as_deref()
        .and_then(|source| source.split_whitespace().next())
        == Some("psl")
}

/// A source is `psl` or an http(s) URL, either one optionally followed by a note
/// (`https://example.net/domains (listed under "Free domains")`).
fn source_problems(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|entry| {
            let source = entry.source.as_deref().unwrap_or_default();
            let first = source.split_whitespace().next();
            if first.is_some_and(|word| word == "psl" || is_web_url(word)) {
                return None;
            }
            Some(match entry.source.as_deref() {
                None | Some("") => format!("{}: no source", entry.at()),
                Some(other) => format!(
                    "{}: source '{other}' starts with neither `psl` nor an http(s) URL",
                    entry.at()
                ),
            })
        })
        .collect()
}

#[test]
fn every_entry_names_its_source_as_psl_or_a_url() {
    assert_none("entry sources", source_problems(&entries(catalog_files())));
}

#[test]
fn source_rule_accepts_psl_or_a_url_with_an_optional_note_and_nothing_else() {
    let with_source = |source: Option<&str>| Entry {
        source: source.map(str::to_string),
        ..made_up("a", "a.example", false)
    };
    let good = [
        with_source(Some("psl")),
        with_source(Some("https://a.example/domains")),
        with_source(Some("http://a.example/ (listed under Free domains)")),
    ];
    assert_eq!(source_problems(&good), Vec::<String>::new());
    let bad = [
        with_source(None),
        with_source(Some("")),
        with_source(Some("the provider's site")),
        with_source(Some("www.a.example")),
    ];
    assert_eq!(source_problems(&bad).len(), bad.len());
}

fn duplicate_problems(entries: &[Entry]) -> Vec<String> {
    let mut first: HashMap<&str, &Entry> = HashMap::new();
    let mut problems = Vec::new();
    for entry in entries {
        if let Some(earlier) = first.insert(&entry.domain, entry) {
            problems.push(format!(
                "{} is already listed as {}",
                entry.at(),
                earlier.at()
            ));
        }
    }
    problems
}

#[test]
fn no_domain_is_listed_twice() {
    assert_none("duplicates", duplicate_problems(&entries(catalog_files())));
}

/// The nearest entry strictly enclosing `domain` (its longest listed proper suffix).
fn nearest_enclosing<'a>(domain: &str, by_domain: &HashMap<&str, &'a Entry>) -> Option<&'a Entry> {
    domain
        .match_indices('.')
        .find_map(|(dot, _)| by_domain.get(&domain[dot + 1..]).copied())
}

/// Block entries whose nearest enclosing entry is a block entry of the same provider (they
/// change no answer), and allow entries that are not exceptions under a block entry of their
/// own provider (they have nothing to carve out).
fn nesting_problems(entries: &[Entry]) -> Vec<String> {
    let mut by_domain: HashMap<&str, &Entry> = HashMap::new();
    for entry in entries {
        by_domain.entry(&entry.domain).or_insert(entry);
    }
    let mut problems = Vec::new();
    for entry in entries {
        let parent = nearest_enclosing(&entry.domain, &by_domain);
        match (entry.allow, parent) {
            (false, Some(parent)) if !parent.allow && parent.provider == entry.provider => {
                problems.push(format!(
                    "{}: already covered by {}",
                    entry.at(),
                    parent.at()
                ));
            }
            (true, Some(parent)) if !parent.allow && parent.provider == entry.provider => {}
            (true, Some(parent)) => problems.push(format!(
                "{}: its nearest enclosing entry, {}, is not a block entry of its provider",
                entry.at(),
                parent.at()
            )),
            (true, None) => problems.push(format!(
                "{}: not under any block entry of its provider",
                entry.at()
            )),
            (false, _) => {}
        }
    }
    problems
}

#[test]
fn no_block_entry_nests_under_a_block_entry_of_its_provider_and_allow_entries_are_exceptions() {
    assert_none("nesting", nesting_problems(&entries(catalog_files())));
}

fn made_up(provider: &str, domain: &str, allow: bool) -> Entry {
    Entry {
        file: provider.to_string(),
        provider: provider.to_string(),
        raw: domain.to_string(),
        domain: domain.to_string(),
        allow,
        source: Some("psl".to_string()),
        role: allow.then(|| "website".to_string()),
    }
}

#[test]
fn nesting_rule_looks_at_the_nearest_enclosing_entry_only() {
    let entries = [
        made_up("a", "ddns.example", false),
        // Under an allow entry of its own provider: a block again, which is meaningful.
        made_up("a", "www.ddns.example", true),
        made_up("a", "users.www.ddns.example", false),
        // Another provider's base under this one: fine.
        made_up("b", "b.ddns.example", false),
        // Redundant: its nearest enclosing entry is a block of its own provider.
        made_up("a", "x.y.ddns.example", false),
        // An allow entry under another provider's block.
        made_up("a", "www.b.ddns.example", true),
        // An allow entry under nothing.
        made_up("c", "www.c.example", true),
    ];
    let problems = nesting_problems(&entries);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].contains("'x.y.ddns.example': already covered by"));
    assert!(problems[1].contains("'www.b.ddns.example': its nearest enclosing entry"));
    assert!(problems[2].contains("'www.c.example': not under any block entry"));
    assert_eq!(
        duplicate_problems(&[
            made_up("a", "d.example", false),
            made_up("b", "d.example", false)
        ])
        .len(),
        1
    );
}

fn not_ddns_problems(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|entry| {
            let platform = NOT_DDNS.iter().find(|&&suffix| {
                entry.domain == suffix
                    || entry
                        .domain
                        .strip_suffix(suffix)
                        .is_some_and(|head| head.ends_with('.'))
            })?;
            Some(format!(
                "{}: '{platform}' is a hosting, tunnel, ISP or corporate domain, not a DDNS one",
                entry.at()
            ))
        })
        .collect()
}

#[test]
fn no_entry_is_a_hosting_tunnel_isp_or_corporate_domain() {
    assert_none("not DDNS", not_ddns_problems(&entries(catalog_files())));
}

#[test]
fn not_ddns_rule_catches_a_platform_and_names_under_it_only() {
    let entries = [
        made_up("a", "github.io", false),
        made_up("a", "x.herokuapp.com", false),
        made_up("a", "notgithub.io", false),
        made_up("a", "duckdns.org", false),
    ];
    let problems = not_ddns_problems(&entries);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(!NOT_DDNS.contains(&"duckdns.org"));
}

fn vendor_infrastructure_problems(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter(|entry| NOT_DDNS_ITSELF.contains(&entry.domain.as_str()))
        .map(|entry| {
            format!(
                "{}: '{}' carries the vendor's own servers or paths, not user host names",
                entry.at(),
                entry.domain
            )
        })
        .collect()
}

#[test]
fn no_entry_is_a_vendor_domain_the_curation_left_out() {
    assert_none(
        "vendor infrastructure",
        vendor_infrastructure_problems(&entries(catalog_files())),
    );
}

#[test]
fn vendor_infrastructure_rule_refuses_the_domain_itself_but_not_a_listed_sub_zone() {
    let entries = [
        made_up("a", "loxonecloud.com", false),
        made_up("a", "dyndns.loxonecloud.com", false),
        made_up("a", "myedimax.com", false),
    ];
    let problems = vendor_infrastructure_problems(&entries);
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

fn role_problems(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|entry| match (entry.allow, entry.role.as_deref()) {
            (true, Some(role)) if ROLE_VALUES.contains(&role) => None,
            (true, _) => Some(format!(
                "{}: an allow entry states its `role`, one of {ROLE_VALUES:?}",
                entry.at()
            )),
            (false, None) => None,
            (false, Some(_)) => Some(format!("{}: only allow entries have a `role`", entry.at())),
        })
        .collect()
}

#[test]
fn every_allow_entry_states_what_it_carves_out() {
    assert_none("roles", role_problems(&entries(catalog_files())));
}

#[test]
fn role_rule_wants_a_known_role_on_allow_entries_only() {
    let mut entries = vec![
        made_up("a", "a.example", false),
        made_up("a", "www.a.example", true),
    ];
    assert_eq!(role_problems(&entries), Vec::<String>::new());
    entries[1].role = None;
    entries.push(Entry {
        role: Some("mirror".to_string()),
        ..made_up("a", "ip.a.example", true)
    });
    entries.push(Entry {
        role: Some("website".to_string()),
        ..made_up("b", "b.example", false)
    });
    assert_eq!(role_problems(&entries).len(), 3);
}

// ---- providers' own infrastructure ---------------------------------------------------

/// The host of an http(s) URL.
fn url_host(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    rest.split(['/', ':', '?', '#']).next().unwrap_or_default()
}

/// Website hosts that get a block verdict. A site under a base domain needs an allow entry;
/// a site on the apex of a zone (the base domain itself) is allowed by the matching rules.
fn website_problems(matcher: &Matcher) -> Vec<String> {
    matcher
        .providers()
        .iter()
        .filter_map(|provider| {
            let host = url_host(provider.website()?);
            let hit = matcher.find_host(host)?;
            (hit.verdict() == Verdict::Block).then(|| {
                format!(
                    "provider '{}': its website host {host} gets a block verdict from {}: add \
                     an allow entry with role = \"website\" (or make the entry a zone)",
                    provider.id(),
                    matcher.provider(hit.provider()).id()
                )
            })
        })
        .collect()
}

/// Providers whose website host is the apex of one of their zones, and its verdict.
fn apex_websites(matcher: &Matcher) -> Vec<(String, Verdict)> {
    matcher
        .providers()
        .iter()
        .filter_map(|provider| {
            let host = url_host(provider.website()?);
            let hit = matcher.find_host(host)?;
            hit.is_zone_apex()
                .then(|| (host.to_string(), hit.verdict()))
        })
        .collect()
}

#[test]
fn no_provider_website_gets_a_block_verdict() {
    assert_none("websites", website_problems(Matcher::default_ref()));
}

/// The sites served on the apex of a zone, which no allow entry could carve out (it would
/// cover every user name) and which the zone rule allows: a change here means a provider
/// moved its site or a new provider has one there.
const APEX_WEBSITES: &[&str] = &[
    "anondns.net",
    "ddo.jp",
    "dnsupdate.info",
    "dy.fi",
    "dynamic.name",
    "dyndnss.net",
    "freemyip.com",
    "ipv64.net",
    "myonlineportal.net",
    "rslvd.net",
    "sandcats.io",
];

#[test]
fn websites_on_the_apex_of_a_zone_are_allowed() {
    let mut found = apex_websites(Matcher::default_ref());
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let expected: Vec<(String, Verdict)> = APEX_WEBSITES
        .iter()
        .map(|host| (host.to_string(), Verdict::Allow))
        .collect();
    assert_eq!(found, expected);
}

/// Every block entry of the catalog files is a zone: the default list says of every base
/// domain that its apex is the provider's.
#[test]
fn every_block_entry_of_the_default_list_is_a_zone() {
    let hosts: Vec<String> = Matcher::default_ref()
        .entries()
        .filter(|entry| entry.verdict == Verdict::Block && !entry.zone)
        .map(|entry| entry.domain)
        .collect();
    assert_none("block entries that are not zones", hosts);
}

#[test]
fn website_rule_catches_a_site_under_a_base_and_not_one_carved_out() {
    let catalog = Catalog::parse(
        r#"
[[provider]]
id = "a"
name = "A"
website = "https://www.a.example/"
entries = [{ domain = "a.example" }]

[[provider]]
id = "b"
name = "B"
website = "https://www.b.example/"
entries = [{ domain = "b.example" }, { domain = "www.b.example", allow = true }]

[[provider]]
id = "c"
name = "C"
website = "https://c.example/"
entries = [{ domain = "c.example" }]
"#,
        ddns_core::CatalogFormat::Toml,
        "t.toml",
    )
    .unwrap();
    let matcher = Matcher::new(&catalog).unwrap();
    let problems = website_problems(&matcher);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains("www.a.example"));
    assert_eq!(
        apex_websites(&matcher),
        [("c.example".to_string(), Verdict::Allow)]
    );
}

#[test]
fn documented_provider_infrastructure_gets_no_block_verdict() {
    let matcher = Matcher::default_ref();
    let problems: Vec<String> = PROVIDER_INFRASTRUCTURE
        .iter()
        .filter_map(|&(host, what)| {
            let hit = matcher.find_host(host)?;
            (hit.verdict() == Verdict::Block).then(|| {
                format!(
                    "{host} ({what}) gets a block verdict from {}: add an allow entry",
                    matcher.provider(hit.provider()).id()
                )
            })
        })
        .collect();
    assert_none("provider infrastructure", problems);
    // The list is worth checking only while much of it lies under block entries.
    let carved_out = PROVIDER_INFRASTRUCTURE
        .iter()
        .filter(|(host, _)| matcher.find_host(host).is_some())
        .count();
    assert!(
        carved_out >= 20,
        "only {carved_out} hosts are under entries"
    );
}

// ---- prevalence data ------------------------------------------------------------------

/// The prevalence file (see docs/catalog.md, "Prevalence").
const PREVALENCE: &str = "data/prevalence-maltrail.tsv";

/// Problems with the prevalence file: its header must name the feed's commit and date, and
/// each row a provider of the catalog with at least one host and one family (a host listed
/// in several trail files counts once, for each family).
fn prevalence_problems(text: &str, ids: &HashSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let source = text.lines().find(|line| line.starts_with("# Source:"));
    let names_commit = source.is_some_and(|line| {
        line.split_whitespace()
            .any(|word| word.len() == 40 && word.bytes().all(|b| b.is_ascii_hexdigit()))
            && line.contains("(committed ")
    });
    if !names_commit {
        problems.push(format!(
            "{PREVALENCE}: a `# Source:` line must name the feed's commit (40 hex digits) and \
             `(committed DATE)`"
        ));
    }
    let mut seen = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = format!("{PREVALENCE}:{}", index + 1);
        let fields: Vec<&str> = line.split('\t').collect();
        let numbers = fields
            .get(1..3)
            .map(|n| (n[0].parse::<u64>(), n[1].parse::<u64>()));
        match (fields.len(), numbers) {
            (3, Some((Ok(hosts), Ok(families)))) if hosts >= 1 && families >= 1 => {}
            _ => problems.push(format!(
                "{at}: a row is PROVIDER<TAB>HOSTS<TAB>FAMILIES, both counts at least 1"
            )),
        }
        if !ids.contains(fields[0]) {
            problems.push(format!("{at}: '{}' is no catalog provider", fields[0]));
        }
        if !seen.insert(fields[0]) {
            problems.push(format!("{at}: '{}' is listed twice", fields[0]));
        }
    }
    problems
}

#[test]
fn prevalence_data_names_its_source_and_catalog_providers_only() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PREVALENCE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let ids: HashSet<String> = catalog_files()
        .iter()
        .flat_map(|file| file.catalog.providers().iter().map(|p| p.id.clone()))
        .collect();
    assert_none("prevalence", prevalence_problems(&text, &ids));
}

#[test]
fn prevalence_rule_catches_unknown_providers_bad_rows_and_a_missing_source() {
    let ids = HashSet::from(["a".to_string()]);
    let good = format!(
        "# Source: x {} (committed 2026-01-01)\na\t3\t2\n",
        "0".repeat(40)
    );
    assert_eq!(prevalence_problems(&good, &ids), Vec::<String>::new());
    let bad = "b\t1\t1\na\t0\t2\na\tx\n";
    assert_eq!(
        prevalence_problems(bad, &ids).len(),
        5,
        "{:#?}",
        prevalence_problems(bad, &ids)
    );
}

// ---- abuse-posture evidence log ---------------------------------------------------------

/// The dated evidence log behind the `abuse` fields (see docs/catalog.md, "Abuse posture").
const ABUSE_EVIDENCE: &str = "data/abuse-evidence.md";

/// How many of the largest `free-anonymous` providers (most hosts in the prevalence file)
/// the log must cover, searched or not found (issue 18).
const LARGEST_FREE: usize = 15;

/// What the log rule needs of one provider: its `abuse`, `abuse_reason` and `class`.
struct Posture {
    abuse: String,
    reason: String,
    class: String,
}

/// Whether `text` starts with a date (`YYYY-MM-DD` or `YYYY-MM`) followed by a space;
/// returns the rest.
fn after_date(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let month = digits(0..4) && bytes.get(4) == Some(&b'-') && digits(5..7);
    if !month {
        return None;
    }
    if bytes.get(7) == Some(&b'-') && digits(8..10) {
        text[10..].strip_prefix(' ')
    } else {
        text[7..].strip_prefix(' ')
    }
}

/// The ids of the `count` free-anonymous providers with the most hosts in the prevalence
/// file (ties broken by id).
fn largest_free(
    prevalence: &str,
    providers: &BTreeMap<String, Posture>,
    count: usize,
) -> Vec<String> {
    let mut rows: Vec<(u64, String)> = prevalence
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let id = fields.next()?.to_string();
            let hosts = fields.next()?.parse().ok()?;
            Some((hosts, id))
        })
        .filter(|(_, id)| {
            providers
                .get(id)
                .is_some_and(|p| p.class == "free-anonymous")
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    rows.into_iter().take(count).map(|(_, id)| id).collect()
}

/// Problems with the evidence log: each `## id` section names a catalog provider once,
/// states its posture as the catalog does and the date it was searched, and dates every
/// evidence line and gives its URL; a provider whose posture is not `unknown` has a section
/// with at least two evidence lines and a verdict, and a reason naming a URL; the largest
/// free providers all have a section.
fn abuse_evidence_problems(
    log: &str,
    providers: &BTreeMap<String, Posture>,
    largest: &[String],
) -> Vec<String> {
    struct Section {
        line: usize,
        postures: Vec<String>,
        searched: bool,
        evidence: usize,
        verdict: bool,
    }
    let mut problems = Vec::new();
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (index, line) in log.lines().enumerate() {
        let at = format!("{ABUSE_EVIDENCE}:{}", index + 1);
        if let Some(id) = line.strip_prefix("## ") {
            let id = id.trim().to_string();
            if !providers.contains_key(&id) {
                problems.push(format!("{at}: '{id}' is no catalog provider"));
            }
            if sections.contains_key(&id) {
                problems.push(format!("{at}: '{id}' has two sections"));
            }
            sections.insert(
                id.clone(),
                Section {
                    line: index + 1,
                    postures: Vec::new(),
                    searched: false,
                    evidence: 0,
                    verdict: false,
                },
            );
            current = Some(id);
            continue;
        }
        let Some(section) = current.as_ref().and_then(|id| sections.get_mut(id)) else {
            continue;
        };
        if let Some(posture) = line.strip_prefix("Posture: ") {
            section.postures.push(posture.trim().to_string());
        } else if let Some(searched) = line.strip_prefix("Searched: ") {
            section.searched = after_date(&format!("{} ", searched.get(..10).unwrap_or("")))
                .is_some_and(str::is_empty);
        } else if let Some(evidence) = line.strip_prefix("- ") {
            match after_date(evidence) {
                Some(rest) if is_web_url(rest.split_whitespace().next().unwrap_or_default()) => {
                    section.evidence += 1
                }
                _ => problems.push(format!(
                    "{at}: an evidence line is `- DATE URL what it shows`, DATE YYYY-MM-DD or YYYY-MM"
                )),
            }
        } else if line.starts_with("Verdict: ") {
            section.verdict = true;
        }
    }
    for (id, section) in &sections {
        let at = format!("{ABUSE_EVIDENCE}:{} ({id})", section.line);
        let Some(provider) = providers.get(id) else {
            continue;
        };
        if section.postures != [provider.abuse.clone()] {
            problems.push(format!(
                "{at}: one `Posture: {}` line, as in the catalog, is wanted; found {:?}",
                provider.abuse, section.postures
            ));
        }
        if !section.searched {
            problems.push(format!(
                "{at}: a `Searched: YYYY-MM-DD, what` line is wanted"
            ));
        }
        if !section.verdict {
            problems.push(format!("{at}: a `Verdict:` line is wanted"));
        }
    }
    for (id, provider) in providers {
        if provider.abuse == "unknown" {
            continue;
        }
        match sections.get(id) {
            Some(section) if section.evidence >= 2 => {}
            _ => problems.push(format!(
                "{id}: posture '{}' needs a section in {ABUSE_EVIDENCE} with at least two dated \
                 evidence lines",
                provider.abuse
            )),
        }
        if !provider.reason.split_whitespace().any(|word| {
            let word = word
                .trim_start_matches('(')
                .trim_end_matches([')', ',', ';', '.']);
            is_web_url(word)
        }) {
            problems.push(format!(
                "{id}: posture '{}' needs an `abuse_reason` naming its evidence's URL",
                provider.abuse
            ));
        }
    }
    for id in largest {
        if !sections.contains_key(id) {
            problems.push(format!(
                "{id}: one of the {LARGEST_FREE} largest free providers has no section in \
                 {ABUSE_EVIDENCE}"
            ));
        }
    }
    problems
}

fn catalog_postures() -> BTreeMap<String, Posture> {
    let mut postures = BTreeMap::new();
    for file in catalog_files() {
        for raw in raw_providers(&file.raw) {
            let text = |key: &str| {
                raw.get(key)
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            postures.insert(
                text("id"),
                Posture {
                    abuse: text("abuse"),
                    reason: text("abuse_reason"),
                    class: text("class"),
                },
            );
        }
    }
    postures
}

#[test]
fn abuse_postures_rest_on_the_dated_evidence_log() {
    let read = |relative: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
    };
    let providers = catalog_postures();
    let largest = largest_free(&read(PREVALENCE), &providers, LARGEST_FREE);
    assert_eq!(largest.len(), LARGEST_FREE, "{largest:?}");
    assert_none(
        "abuse evidence",
        abuse_evidence_problems(&read(ABUSE_EVIDENCE), &providers, &largest),
    );
}

#[test]
fn abuse_evidence_rule_catches_mismatches_undated_lines_and_missing_sections() {
    let posture = |abuse: &str, reason: &str, class: &str| Posture {
        abuse: abuse.to_string(),
        reason: reason.to_string(),
        class: class.to_string(),
    };
    let providers = BTreeMap::from([
        (
            "a".to_string(),
            posture(
                "responsive",
                "See https://a.example/report.",
                "free-anonymous",
            ),
        ),
        (
            "b".to_string(),
            posture("unknown", "None found.", "free-anonymous"),
        ),
        ("c".to_string(), posture("unknown", "None found.", "paid")),
    ]);
    let prevalence = "# x\na\t5\t1\nc\t9\t1\nb\t3\t1\n";
    assert_eq!(largest_free(prevalence, &providers, 2), ["a", "b"]);
    let good = "# Log\n\n## a\n\nPosture: responsive\nSearched: 2026-12-04, the corpora\n\n\
                - 2014-07-10 https://a.example/report (for) acted at once\n\
                - 2014-07 https://b.example/quote (for) responsive\n\nVerdict: yes\n\n\
                ## b\nPosture: unknown\nSearched: 2026-12-04\nVerdict: nothing found\n";
    let largest = ["a".to_string(), "b".to_string()];
    assert_eq!(
        abuse_evidence_problems(good, &providers, &largest),
        Vec::<String>::new()
    );
    // A wrong posture, an undated line, a line without a URL, an unknown id, c without
    // `Searched:` and verdict, one evidence line only for a, and b (one of the largest)
    // missing.
    let bad = "## a\nPosture: unknown\nSearched: 2026-12-04\n\
               - 2014-07-10 https://a.example/report (for)\n- someday https://b.example/\n\
               - 2014-07 no url here\nVerdict: yes\n## zz\nPosture: unknown\n\
               ## c\nPosture: unknown\n";
    let problems = abuse_evidence_problems(bad, &providers, &largest);
    assert_eq!(problems.len(), 8, "{problems:#?}");
    // A posture other than unknown needs its reason to name a URL.
    let vague = BTreeMap::from([(
        "a".to_string(),
        posture("responsive", "Known to be quick.", "free-anonymous"),
    )]);
    let problems = abuse_evidence_problems(good, &vague, &[]);
    assert!(
        problems.iter().any(|p| p.contains("abuse_reason")),
        "{problems:#?}"
    );
}

// ---- the Public Suffix List ----------------------------------------------------------

/// The rules of the two sections of the Public Suffix List, host names in their ASCII
/// (`xn--`) form.
struct PublicSuffixList {
    icann: HashSet<String>,
    /// `*.ck` is stored as `ck`.
    icann_wildcards: HashSet<String>,
    /// `!www.ck` is stored as `www.ck`.
    icann_exceptions: HashSet<String>,
    /// Literal rules only; wildcard and exception rules are not literal domains.
    private: HashSet<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Icann,
    Private,
}

impl PublicSuffixList {
    /// The snapshot in the repository ([`PSL_SNAPSHOT`]).
    fn snapshot() -> PublicSuffixList {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PSL_SNAPSHOT);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "cannot read the Public Suffix List snapshot {} ({err}); it is part of the \
                 repository (see tests/data/README.md)",
                path.display()
            )
        });
        let psl = PublicSuffixList::parse(&text);
        assert!(
            psl.icann.len() > 1000 && psl.private.len() > 1000,
            "{PSL_SNAPSHOT} holds {} ICANN and {} private rules: is it the Public Suffix List?",
            psl.icann.len(),
            psl.private.len()
        );
        psl
    }

    fn parse(text: &str) -> PublicSuffixList {
        let mut psl = PublicSuffixList {
            icann: HashSet::new(),
            icann_wildcards: HashSet::new(),
            icann_exceptions: HashSet::new(),
            private: HashSet::new(),
        };
        let mut section = Section::None;
        for line in text.lines() {
            let line = line.trim();
            match line {
                "// ===BEGIN ICANN DOMAINS===" => section = Section::Icann,
                "// ===BEGIN PRIVATE DOMAINS===" => section = Section::Private,
                "// ===END ICANN DOMAINS===" | "// ===END PRIVATE DOMAINS===" => {
                    section = Section::None;
                }
                _ => {}
            }
            // A rule is the text up to the first white space.
            let rule = line.split_whitespace().next().unwrap_or_default();
            if rule.is_empty() || rule.starts_with("//") {
                continue;
            }
            let rule = to_ascii(&rule.to_lowercase());
            match section {
                Section::None => {}
                Section::Icann => {
                    if let Some(exception) = rule.strip_prefix('!') {
                        psl.icann_exceptions.insert(exception.to_string());
                    } else if let Some(parent) = rule.strip_prefix("*.") {
                        psl.icann_wildcards.insert(parent.to_string());
                    } else {
                        psl.icann.insert(rule);
                    }
                }
                Section::Private => {
                    if !rule.starts_with('!') && !rule.contains('*') {
                        psl.private.insert(rule);
                    }
                }
            }
        }
        psl
    }

    /// Whether `domain` is a public suffix by a rule of the ICANN section: a literal rule,
    /// or one label under a wildcard rule that no exception rule takes back.
    fn is_icann_suffix(&self, domain: &str) -> bool {
        if self.icann.contains(domain) {
            return true;
        }
        let Some((_, parent)) = domain.split_once('.') else {
            return false;
        };
        self.icann_wildcards.contains(parent) && !self.icann_exceptions.contains(domain)
    }
}

/// A domain in its ASCII form: each non-ASCII label becomes `xn--` + its Punycode.
fn to_ascii(domain: &str) -> String {
    domain
        .split('.')
        .map(|label| {
            if label.is_ascii() {
                label.to_string()
            } else {
                format!("xn--{}", punycode(label))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Punycode (RFC 3492, section 6.3) of one label.
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn digit(d: u32) -> char {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    }
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
    }
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut output: String = label.chars().filter(char::is_ascii).collect();
    let basic = output.len() as u32;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < code_points.len() {
        let m = code_points
            .iter()
            .copied()
            .filter(|&c| c >= n)
            .min()
            .unwrap();
        delta += (m - n) * (handled + 1);
        n = m;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    output
}

fn psl_source_problems(entries: &[Entry], psl: &PublicSuffixList) -> Vec<String> {
    entries
        .iter()
        .filter(|entry| cites_psl(entry) && !psl.private.contains(&entry.domain))
        .map(|entry| {
            format!(
                "{}: marked `psl` but not a literal rule of the private section of {PSL_SNAPSHOT}: \
                 re-source it or retire it with a note in CURATION-NOTES.md",
                entry.at()
            )
        })
        .collect()
}

fn icann_problems(entries: &[Entry], psl: &PublicSuffixList) -> Vec<String> {
    entries
        .iter()
        .filter(|entry| psl.is_icann_suffix(&entry.domain))
        .map(|entry| {
            format!(
                "{}: a public suffix of the ICANN section of {PSL_SNAPSHOT}",
                entry.at()
            )
        })
        .collect()
}

#[test]
fn entries_sourced_from_psl_are_rules_of_its_private_section() {
    let psl = PublicSuffixList::snapshot();
    assert_none(
        "psl sources",
        psl_source_problems(&entries(catalog_files()), &psl),
    );
}

#[test]
fn no_entry_is_a_public_suffix_of_the_icann_section() {
    let psl = PublicSuffixList::snapshot();
    assert_none(
        "ICANN suffixes",
        icann_problems(&entries(catalog_files()), &psl),
    );
}

#[test]
fn psl_rules_are_read_per_section_with_wildcards_and_exceptions() {
    let psl = PublicSuffixList::parse(
        "// header\ncom\n// ===BEGIN ICANN DOMAINS===\nuk\nco.uk\n*.ck\n!www.ck\n公司.cn   trailing\n\
         // ===END ICANN DOMAINS===\n// ===BEGIN PRIVATE DOMAINS===\n// DuckDNS\nduckdns.org\n\
         *.on-acorn.io\n// ===END PRIVATE DOMAINS===\nafter.example\n",
    );
    assert!(psl.is_icann_suffix("co.uk"));
    assert!(psl.is_icann_suffix("anything.ck"));
    assert!(psl.is_icann_suffix("xn--55qx5d.cn"));
    assert!(!psl.is_icann_suffix("www.ck"), "exception rule ignored");
    assert!(
        !psl.is_icann_suffix("a.b.ck"),
        "a wildcard covers one label"
    );
    assert!(
        !psl.is_icann_suffix("com"),
        "a rule outside the sections read"
    );
    assert!(!psl.is_icann_suffix("duckdns.org"));
    assert_eq!(
        psl.private,
        HashSet::from(["duckdns.org".to_string()]),
        "only literal private rules"
    );

    let entries = [
        made_up("a", "co.uk", false),
        made_up("a", "duckdns.org", false),
        made_up("a", "x.on-acorn.io", false),
    ];
    assert_eq!(icann_problems(&entries, &psl).len(), 1);
    let psl_problems = psl_source_problems(&entries, &psl);
    assert_eq!(psl_problems.len(), 2, "{psl_problems:#?}");
}

#[test]
fn the_psl_snapshot_names_its_upstream_commit_and_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PSL_SNAPSHOT);
    let text = std::fs::read_to_string(&path).unwrap();
    let first = text.lines().next().unwrap_or_default();
    let date = PSL_SNAPSHOT
        .trim_start_matches("tests/data/psl-")
        .trim_end_matches(".dat");
    let commit = first
        .split_whitespace()
        .skip_while(|word| *word != "commit")
        .nth(1)
        .unwrap_or_default();
    assert!(
        first.starts_with("// ")
            && commit.len() == 40
            && commit.bytes().all(|b| b.is_ascii_hexdigit())
            && first.contains(&format!("(committed {date})")),
        "the first line of {PSL_SNAPSHOT} must name the upstream commit (40 hex digits) and \
         `(committed {date})`: {first}"
    );
}

#[test]
fn punycode_matches_the_rfc_3492_and_idna_examples() {
    assert_eq!(punycode("bücher"), "bcher-kva");
    assert_eq!(punycode("münchen"), "mnchen-3ya");
    assert_eq!(punycode("公司"), "55qx5d");
    assert_eq!(punycode("ü"), "tda");
    // RFC 3492, 7.1 (L): Japanese, mixed with ASCII.
    assert_eq!(punycode("3年B組金八先生"), "3B-ww4c5e180e575a65lsy2b");
    assert_eq!(to_ascii("ドメイン.テスト"), "xn--eckwd4c7c.xn--zckzah");
}

// ---- the embedded default list -------------------------------------------------------

/// What the providers listing reports per provider.
type Summary = (
    String,
    Option<String>,
    Option<String>,
    AbusePosture,
    (ProviderClass, ProviderStatus),
    bool,
    u32,
    u32,
);

#[test]
fn the_embedded_default_list_has_the_providers_and_entry_counts_of_the_files() {
    let mut from_files: BTreeMap<String, Summary> = BTreeMap::new();
    for file in catalog_files() {
        for p in file.catalog.providers() {
            let allow = p.entries.iter().filter(|e| e.allow).count() as u32;
            let block = p.entries.len() as u32 - allow;
            let summary = (
                p.name.clone(),
                p.website.clone(),
                p.country.clone(),
                p.abuse,
                (p.class, p.status),
                p.free_subdomains,
                block,
                allow,
            );
            from_files.insert(p.id.clone(), summary);
        }
    }
    let embedded: BTreeMap<String, Summary> = Matcher::default_ref()
        .providers()
        .iter()
        .map(|p| {
            let summary = (
                p.name().to_string(),
                p.website().map(str::to_string),
                p.country().map(str::to_string),
                p.abuse(),
                (p.class(), p.status()),
                p.offers_free_subdomains(),
                p.block_entries(),
                p.allow_entries(),
            );
            (p.id().to_string(), summary)
        })
        .collect();
    assert_eq!(
        embedded, from_files,
        "the embedded list differs from data/catalog: rebuild ddns-core (cargo build -p ddns-core)"
    );
}
