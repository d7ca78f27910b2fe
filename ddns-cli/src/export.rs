//! `ddns export`: the loaded list in the formats DNS resolvers, IDS engines and filter lists
//! read. docs/cli.md says what each format can and cannot express.
//!
//! Every format keeps the matching rules where its consumer can: a name is answered by its
//! longest listed entry, so exceptions (allow entries) and entries nested under other
//! entries are written with whatever the format has for "more specific wins". Formats that
//! only know exact names (hosts files, Zeek's Intel framework) say so in their header.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use ddns_core::{Matcher, Provider};

use crate::entries::{ListEntry, list_entries};
use crate::failure::Failure;
use crate::output::{counted, write_atomically};

/// The first signature id of `suricata-rules` unless `--sid-base` says otherwise: the rules
/// take 9,400,000 and up, one id per block entry, clear of the ranges public rule sets use
/// (ET Open and ET Pro: 2,000,000-2,999,999; Snort's GPL rules: below 1,000,000).
pub(crate) const DEFAULT_SID_BASE: u32 = 9_400_000;

/// The formats `ddns export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// Suricata rules: one `alert dns` rule on `dns.query` per block entry.
    SuricataRules,
    /// A Suricata 8 JSON dataset of the block entries, for one `tld` + `dataset` rule (no
    /// plugin needed; only base domains that are Public Suffix List entries can match).
    SuricataDatasets,
    /// A Zeek Intel framework file of `Intel::DOMAIN` indicators (exact names only).
    ZeekIntel,
    /// A DNS response policy zone (BIND, Knot Resolver, PowerDNS Recursor, Unbound).
    Rpz,
    /// Unbound `local-zone` lines under `server:`.
    Unbound,
    /// dnsmasq `address=` lines, with `server=/.../#` for exceptions.
    Dnsmasq,
    /// A hosts(5) file (exact names only).
    Hosts,
    /// An Adblock-style DNS filter list (AdGuard Home, Pi-hole, uBlock Origin).
    Adblock,
    /// The ddns plain list: `DOMAIN PROVIDER-ID`, `!` for exceptions.
    Text,
}

/// What `ddns export` was asked for.
pub(crate) struct ExportOptions {
    pub format: ExportFormat,
    pub sid_base: u32,
    pub sinkhole: Option<IpAddr>,
    pub serial: Option<u32>,
    /// Names the list in the output's header.
    pub source: String,
}

pub(crate) fn export(
    matcher: &Matcher,
    options: &ExportOptions,
    output: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let sinkhole_formats = [
        ExportFormat::Rpz,
        ExportFormat::Unbound,
        ExportFormat::Dnsmasq,
        ExportFormat::Hosts,
    ];
    if options.sinkhole.is_some() && !sinkhole_formats.contains(&options.format) {
        return Err(Failure(
            "--sinkhole applies to the rpz, unbound, dnsmasq and hosts formats".into(),
        ));
    }
    let entries = list_entries(matcher)?;
    let list = List::new(matcher, &entries);
    let text = match options.format {
        ExportFormat::SuricataRules => suricata_rules(&list, options)?,
        ExportFormat::SuricataDatasets => suricata_datasets(&list, options),
        ExportFormat::ZeekIntel => zeek_intel(&list, options),
        ExportFormat::Rpz => rpz(&list, options),
        ExportFormat::Unbound => unbound(&list, options),
        ExportFormat::Dnsmasq => dnsmasq(&list, options),
        ExportFormat::Hosts => hosts(&list, options),
        ExportFormat::Adblock => adblock(&list, options),
        ExportFormat::Text => plain_list(&list, options),
    };
    match output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The entries in output order: grouped by provider (in the list's provider order), sorted
/// by domain within a provider. Signature ids follow this order.
struct List<'a> {
    matcher: &'a Matcher,
    entries: &'a [ListEntry],
    order: Vec<usize>,
}

impl<'a> List<'a> {
    fn new(matcher: &'a Matcher, entries: &'a [ListEntry]) -> List<'a> {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            (a.provider, &a.domain).cmp(&(b.provider, &b.domain))
        });
        List {
            matcher,
            entries,
            order,
        }
    }

    fn provider(&self, entry: &ListEntry) -> &'a Provider {
        &self.matcher.providers()[entry.provider]
    }

    fn count(&self, allow: bool) -> usize {
        self.entries.iter().filter(|e| e.allow == allow).count()
    }

    /// Calls `line` for each entry in output order, and `group` before the first entry of
    /// each provider; both write to `out`.
    fn each(
        &self,
        out: &mut String,
        group: impl Fn(&mut String, &Provider),
        mut line: impl FnMut(&mut String, usize, &ListEntry),
    ) {
        let mut current = None;
        for &at in &self.order {
            let entry = &self.entries[at];
            if current != Some(entry.provider) {
                current = Some(entry.provider);
                group(out, self.provider(entry));
            }
            line(out, at, entry);
        }
    }

    /// The entries whose parent is `at`: the names a rule for `at` must leave to them.
    fn children(&self) -> Vec<Vec<usize>> {
        let mut children = vec![Vec::new(); self.entries.len()];
        for (at, entry) in self.entries.iter().enumerate() {
            if let Some(parent) = entry.parent {
                children[parent].push(at);
            }
        }
        for list in &mut children {
            list.sort_by(|&a, &b| self.entries[a].domain.cmp(&self.entries[b].domain));
        }
        children
    }
}

/// The first header line every format starts with, after its comment marker.
fn generated(what: &str, options: &ExportOptions) -> String {
    format!(
        "{what} generated by ddns {} from {}.",
        env!("CARGO_PKG_VERSION"),
        options.source
    )
}

/// Header lines with a comment marker in front of each.
fn header(out: &mut String, marker: &str, lines: &[String]) {
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{marker}");
        } else {
            let _ = writeln!(out, "{marker} {line}");
        }
    }
}

/// A provider's display name with line breaks and tabs folded to spaces, for comments.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn provider_comment(provider: &Provider) -> String {
    format!(
        "{} ({}), abuse posture {}",
        one_line(provider.name()),
        provider.id(),
        provider.abuse()
    )
}

// ---- suricata-rules ------------------------------------------------------------------

/// Text inside a rule's double-quoted `msg`: `\`, `"` and `;` escaped as Suricata requires.
fn rule_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(c, '\\' | '"' | ';') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// One rule per block entry:
///
/// ```text
/// alert dns $HOME_NET any -> any any (msg:"DDNS query to duckdns.org (Duck DNS)"; dns.query;
///   dotprefix; content:".duckdns.org"; nocase; endswith; content:!".www.duckdns.org"; nocase;
///   endswith; classtype:bad-unknown; sid:9400000; rev:1;
///   metadata:ddns_provider duckdns, ddns_abuse responsive;)
/// ```
///
/// `dotprefix` puts a `.` in front of the query name, so `.duckdns.org` + `endswith` matches
/// `duckdns.org` itself and every name under it, never `notduckdns.org`; a zone's rule adds
/// `bsize:>12` (the length of `.duckdns.org`), so its apex, the provider's own name, does not
/// alert. Each listed entry
/// directly under the rule's entry (an exception, or a longer entry with its own rule) gets
/// a negated `endswith` content, so exactly the longest entry's rule fires, as in ddns.
fn suricata_rules(list: &List<'_>, options: &ExportOptions) -> Result<String, Failure> {
    let rules = list.count(false);
    let last_sid = match rules {
        0 => Some(options.sid_base),
        _ => options.sid_base.checked_add((rules - 1) as u32),
    };
    let Some(last_sid) = last_sid.filter(|_| u32::try_from(rules).is_ok()) else {
        return Err(Failure(format!(
            "{} from --sid-base {} do not fit in 32-bit signature ids",
            counted(rules as u64, "rule"),
            options.sid_base
        )));
    };
    let children = list.children();
    let mut out = String::new();
    header(
        &mut out,
        "#",
        &[
            generated("Suricata rules", options),
            format!(
                "{}, sids {}-{last_sid}: one per DDNS base domain, alerting on DNS queries for",
                counted(rules as u64, "rule"),
                options.sid_base
            ),
            "the domain and every name under it. A rule leaves names under a longer listed entry"
                .into(),
            "to that entry: exceptions get no alert, nested entries get their own rule.".into(),
        ],
    );
    let mut sid = options.sid_base;
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n# {}", provider_comment(provider));
        },
        |out, at, entry| {
            if entry.allow {
                return;
            }
            let provider = list.provider(entry);
            let _ = write!(
                out,
                "alert dns $HOME_NET any -> any any (msg:\"DDNS query to {} ({})\"; dns.query; \
                 dotprefix; content:\".{}\"; nocase; endswith;",
                entry.domain,
                rule_text(provider.name()),
                entry.domain
            );
            // A zone's apex is the provider's own name: only longer names alert. `bsize`
            // holds whether Suricata measures the name before or after `dotprefix`.
            if entry.zone {
                let _ = write!(out, " bsize:>{};", entry.domain.len() + 1);
            }
            for &child in &children[at] {
                let _ = write!(
                    out,
                    " content:!\".{}\"; nocase; endswith;",
                    list.entries[child].domain
                );
            }
            let _ = writeln!(
                out,
                " classtype:bad-unknown; sid:{sid}; rev:1; metadata:ddns_provider {}, \
                 ddns_abuse {};)",
                provider.id(),
                provider.abuse()
            );
            sid = sid.wrapping_add(1);
        },
    );
    Ok(out)
}

// ---- suricata-datasets ---------------------------------------------------------------

/// The file name the `suricata-datasets` rule loads its dataset from (beside the rules file).
const SURICATA_DATASET_FILE: &str = "ddns-bases.json";

/// The rule that reads a `suricata-datasets` file: the query name's public suffix (Suricata
/// 8's `tld`, from the Public Suffix List), matched exactly against the base domains, with
/// the entry's provider put into `alert.context.ddns`.
fn suricata_dataset_rule(sid: u32) -> String {
    format!(
        "alert dns $HOME_NET any -> any any (msg:\"DDNS query under a dynamic-DNS base domain\"; \
         dns.query; to_lowercase; tld; dataset:isset,ddns-bases, type string, load \
         {SURICATA_DATASET_FILE}, format json, array_key bases, value_key base, context_key \
         ddns; classtype:bad-unknown; sid:{sid}; rev:1;)"
    )
}

/// A JSON document Suricata 8 loads as a dataset (`format json`): one object per block entry
/// under `bases`, with its provider, and beside them the rule that uses it and what it cannot
/// express. JSON has no comments; Suricata reads only the `bases` array.
fn suricata_datasets(list: &List<'_>, options: &ExportOptions) -> String {
    let mut bases = Vec::new();
    list.each(
        &mut String::new(),
        |_, _| {},
        |_, _, entry| {
            if entry.allow {
                return;
            }
            let provider = list.provider(entry);
            bases.push(serde_json::json!({
                "base": entry.domain,
                "provider": provider.id(),
                "provider_name": provider.name(),
                "abuse": provider.abuse().to_string(),
            }));
        },
    );
    let about = [
        generated("Suricata 8 JSON dataset", options),
        format!(
            "{} base domains. Save it as {SURICATA_DATASET_FILE} beside a rules file holding the \
             rule below.",
            bases.len()
        ),
        "The rule compares the query name's public suffix (Suricata's tld transform, from the \
         Public Suffix List) with the base domains exactly: only base domains that are PSL \
         entries can match, the base domain itself gives no suffix, and exceptions (allow \
         entries) cannot be expressed. The ddns plugin for Suricata 8 has none of these limits."
            .to_string(),
    ];
    let mut out = String::from("{\n");
    let _ = writeln!(
        out,
        "  \"about\": {},",
        serde_json::Value::from(about.to_vec())
    );
    let _ = writeln!(
        out,
        "  \"rule\": {},",
        serde_json::Value::from(suricata_dataset_rule(options.sid_base))
    );
    out.push_str("  \"bases\": [");
    for (index, base) in bases.iter().enumerate() {
        let separator = if index == 0 { "" } else { "," };
        let _ = write!(out, "{separator}\n    {base}");
    }
    out.push_str("\n  ]\n}\n");
    out
}

// ---- zeek-intel ----------------------------------------------------------------------

/// A value for a string column of a Zeek input file: tabs and line breaks folded to spaces,
/// `\` written as Zeek's `\x5c` escape.
fn zeek_text(text: &str) -> String {
    one_line(text).replace('\\', "\\x5c")
}

fn zeek_intel(list: &List<'_>, options: &ExportOptions) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "#",
        &[
            generated("Zeek Intel framework file", options),
            format!(
                "{}. Intel::DOMAIN matches exact names only: a line catches a",
                counted(list.count(false) as u64, "indicator")
            ),
            "query for the base domain itself, not for names under it (x7.duckdns.org), and"
                .into(),
            "exceptions are left out. Load it with: redef Intel::read_files += { \"<this file>\" };"
                .into(),
        ],
    );
    let _ = writeln!(
        out,
        "\n#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc"
    );
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n# {}", provider_comment(provider));
        },
        |out, _, entry| {
            if entry.allow {
                return;
            }
            let provider = list.provider(entry);
            let _ = writeln!(
                out,
                "{}\tIntel::DOMAIN\tddns\tDDNS base domain of {} ({})",
                entry.domain,
                zeek_text(provider.name()),
                provider.id()
            );
        },
    );
    out
}

// ---- rpz -----------------------------------------------------------------------------

fn sinkhole_record(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => format!("A\t{v4}"),
        IpAddr::V6(v6) => format!("AAAA\t{v6}"),
    }
}

fn rpz(list: &List<'_>, options: &ExportOptions) -> String {
    let serial = options.serial.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |since| since.as_secs() as u32)
    });
    let action = match options.sinkhole {
        Some(address) => sinkhole_record(address),
        None => "CNAME\t.".to_string(),
    };
    let answer = match options.sinkhole {
        Some(address) => format!("answers with {address}"),
        None => "answers NXDOMAIN".to_string(),
    };
    let mut out = String::new();
    header(
        &mut out,
        ";",
        &[
            generated("DNS response policy zone", options),
            format!(
                "{} and {}: every name under each domain {answer}, and so does",
                counted(list.count(false) as u64, "blocked domain"),
                counted(list.count(true) as u64, "exception"),
            ),
            "the domain itself unless it is a zone (whose apex is the provider's own name);".into(),
            "exceptions pass through (rpz-passthru). Owner names are relative: serve it as a zone"
                .into(),
            "of any name and list that name in response-policy { zone \"<name>\"; };".into(),
        ],
    );
    let _ = writeln!(out, "\n$TTL 300");
    let _ = writeln!(
        out,
        "@\tIN\tSOA\tlocalhost. hostmaster.localhost. {serial} 3600 600 86400 300"
    );
    let _ = writeln!(out, "@\tIN\tNS\tlocalhost.");
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n; {}", provider_comment(provider));
        },
        |out, _, entry| {
            let rdata = if entry.allow {
                "CNAME\trpz-passthru."
            } else {
                action.as_str()
            };
            // A zone's apex is the provider's own name: left to resolve.
            if !entry.zone {
                let _ = writeln!(out, "{}\t{rdata}", entry.domain);
            }
            let _ = writeln!(out, "*.{}\t{rdata}", entry.domain);
        },
    );
    out
}

// ---- unbound -------------------------------------------------------------------------

fn unbound(list: &List<'_>, options: &ExportOptions) -> String {
    let mut out = String::new();
    let answer = match options.sinkhole {
        Some(address) => format!("answers with {address}"),
        None => "answers NXDOMAIN".to_string(),
    };
    header(
        &mut out,
        "#",
        &[
            generated("Unbound configuration", options),
            format!(
                "{} and {}: each domain and every name under it {answer};",
                counted(list.count(false) as u64, "blocked domain"),
                counted(list.count(true) as u64, "exception"),
            ),
            "exceptions resolve normally (Unbound uses the most specific local-zone).".into(),
            "Include it from unbound.conf: include: \"/etc/unbound/ddns.conf\"".into(),
        ],
    );
    let _ = writeln!(out, "\nserver:");
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n    # {}", provider_comment(provider));
        },
        |out, _, entry| {
            let domain = &entry.domain;
            match (entry.allow, options.sinkhole) {
                (true, _) => {
                    let _ = writeln!(out, "    local-zone: \"{domain}.\" transparent");
                }
                (false, None) => {
                    let _ = writeln!(out, "    local-zone: \"{domain}.\" always_nxdomain");
                }
                (false, Some(address)) => {
                    let record = sinkhole_record(address).replace('\t', " ");
                    let _ = writeln!(out, "    local-zone: \"{domain}.\" redirect");
                    let _ = writeln!(out, "    local-data: \"{domain}. {record}\"");
                }
            }
        },
    );
    out
}

// ---- dnsmasq -------------------------------------------------------------------------

fn dnsmasq(list: &List<'_>, options: &ExportOptions) -> String {
    let mut out = String::new();
    let (answer, address) = match options.sinkhole {
        Some(address) => (format!("answers with {address}"), address.to_string()),
        None => ("answers NXDOMAIN".to_string(), String::new()),
    };
    header(
        &mut out,
        "#",
        &[
            generated("dnsmasq configuration", options),
            format!(
                "{} and {}: each domain and every name under it {answer};",
                counted(list.count(false) as u64, "blocked domain"),
                counted(list.count(true) as u64, "exception"),
            ),
            "exceptions are forwarded as usual (the most specific domain wins; dnsmasq 2.86 or"
                .into(),
            "later). Put it in /etc/dnsmasq.d/ or load it with conf-file=.".into(),
        ],
    );
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n# {}", provider_comment(provider));
        },
        |out, _, entry| {
            if entry.allow {
                let _ = writeln!(out, "server=/{}/#", entry.domain);
            } else {
                let _ = writeln!(out, "address=/{}/{address}", entry.domain);
            }
        },
    );
    out
}

// ---- hosts ---------------------------------------------------------------------------

fn hosts(list: &List<'_>, options: &ExportOptions) -> String {
    let address = options
        .sinkhole
        .map_or_else(|| "0.0.0.0".to_string(), |address| address.to_string());
    let mut out = String::new();
    header(
        &mut out,
        "#",
        &[
            generated("hosts(5) file", options),
            format!(
                "{} mapped to {address}. A hosts file names exact hosts only: a line",
                counted(list.count(false) as u64, "base domain")
            ),
            "answers for the base domain itself, not for names under it (x7.duckdns.org), and"
                .into(),
            "exceptions are left out. Use the rpz, unbound or dnsmasq format to block sub-domains."
                .into(),
        ],
    );
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n# {}", provider_comment(provider));
        },
        |out, _, entry| {
            if !entry.allow {
                let _ = writeln!(out, "{address} {}", entry.domain);
            }
        },
    );
    out
}

// ---- adblock -------------------------------------------------------------------------

/// `||domain^` blocks a domain and every name under it; `@@||domain^` is an exception, and
/// in these lists an exception beats any block rule regardless of length, while
/// `$important` beats a plain exception. So a block entry nested under an exception gets
/// `$important`, and an exception nested under such a block gets it too.
fn adblock(list: &List<'_>, options: &ExportOptions) -> String {
    let entries = list.entries;
    // Entries sort before the entries under them (reversed-name order), so a parent's
    // answer is known before its children's.
    let mut important = vec![false; entries.len()];
    let mut unexpressible = 0usize;
    for at in 0..entries.len() {
        let entry = &entries[at];
        let mut ancestor = entry.parent;
        let mut needs = false;
        while let Some(up) = ancestor {
            let other = &entries[up];
            if entry.allow && !other.allow && important[up] {
                needs = true;
            }
            if !entry.allow && other.allow {
                needs = true;
                if important[up] {
                    // An important exception beats an important block: not expressible.
                    unexpressible += 1;
                }
            }
            ancestor = other.parent;
        }
        important[at] = needs;
    }
    if unexpressible > 0 {
        warn!(
            "ddns: warning: {} nested under an important exception cannot win in adblock \
             syntax",
            counted(unexpressible as u64, "block entry")
        );
    }
    let mut out = String::new();
    header(
        &mut out,
        "!",
        &[
            "Title: DDNS provider domains".into(),
            generated("Adblock-style DNS filter list", options),
            format!(
                "{} and {}: ||domain^ blocks the domain and every name under it;",
                counted(list.count(false) as u64, "blocked domain"),
                counted(list.count(true) as u64, "exception"),
            ),
            "@@ rules are exceptions. Read by AdGuard Home, Pi-hole and uBlock Origin.".into(),
        ],
    );
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n! {}", provider_comment(provider));
        },
        |out, at, entry| {
            let prefix = if entry.allow { "@@" } else { "" };
            let suffix = if important[at] { "$important" } else { "" };
            let _ = writeln!(out, "{prefix}||{}^{suffix}", entry.domain);
        },
    );
    out
}

// ---- text ----------------------------------------------------------------------------

fn plain_list(list: &List<'_>, options: &ExportOptions) -> String {
    let mut out = String::new();
    header(
        &mut out,
        "#",
        &[
            generated("ddns plain list", options),
            format!(
                "{} and {}, one 'DOMAIN PROVIDER-ID' per line, '!' in front of",
                counted(list.count(false) as u64, "block entry"),
                counted(list.count(true) as u64, "exception"),
            ),
            "an exception, '*.' in front of a zone (whose apex is the provider's own name).".into(),
            "`ddns compile` and `--list` read it.".into(),
        ],
    );
    list.each(
        &mut out,
        |out, provider| {
            let _ = writeln!(out, "\n# {}", provider_comment(provider));
        },
        |out, _, entry| {
            let mark = match (entry.allow, entry.zone) {
                (true, _) => "!",
                (false, true) => "*.",
                (false, false) => "",
            };
            let _ = writeln!(out, "{mark}{} {}", entry.domain, list.provider(entry).id());
        },
    );
    out
}
