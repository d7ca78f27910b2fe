//! One parser per list format `ddns import` reads. Each turns a line into domain entries, or
//! says the line is not a list entry (ignored), or why it cannot be used (skipped).
//!
//! A ddns entry covers a domain and every name under it. Formats whose rules are exact names
//! (hosts files, Unbound `local-data`, RPZ triggers without `*.`) are imported as such
//! entries all the same: for DDNS base domains that is what their authors meant.

use std::net::IpAddr;

use super::ImportFormat;

/// A domain read from a line.
pub(super) struct Entry {
    pub domain: String,
    pub allow: bool,
    /// A zone: the line names the names under the domain and not the domain itself (`*.`
    /// in a ddns plain list, an RPZ trigger with `*.`).
    pub zone: bool,
    /// A provider named by the line itself (the ddns plain list's second column).
    pub provider: Option<String>,
}

impl Entry {
    fn block(domain: &str) -> Entry {
        Entry {
            domain: domain.to_string(),
            allow: false,
            zone: false,
            provider: None,
        }
    }

    fn allow(domain: &str) -> Entry {
        Entry {
            allow: true,
            ..Entry::block(domain)
        }
    }
}

/// What a line holds.
pub(super) enum Parsed {
    /// Not a list entry: a comment, a blank line, a setting or header.
    Ignore,
    /// A rule this import cannot use, and why.
    Skip(String),
    /// Entries, read from the record that starts at line `at`.
    Entries { at: u32, entries: Vec<Entry> },
}

impl Parsed {
    fn one(at: u32, entry: Entry) -> Parsed {
        Parsed::Entries {
            at,
            entries: vec![entry],
        }
    }
}

/// A format's parser with the state it carries from line to line (RPZ only).
pub(super) struct LineParser {
    format: ImportFormat,
    zone: Zone,
}

impl LineParser {
    pub(super) fn new(format: ImportFormat, origin: Option<&str>) -> LineParser {
        LineParser {
            format,
            zone: Zone {
                origin: origin.map(zone_name),
                owner: None,
                pending: None,
            },
        }
    }

    pub(super) fn line(&mut self, line: &str, number: u32) -> Parsed {
        match self.format {
            ImportFormat::Hosts => hosts(line, number),
            ImportFormat::Adblock => adblock(line, number),
            ImportFormat::Dnsmasq => dnsmasq(line, number),
            ImportFormat::Rpz => self.zone.line(line, number),
            ImportFormat::Unbound => unbound(line, number),
            ImportFormat::Wildcard => wildcard(line, number),
            ImportFormat::Text => text(line, number),
        }
    }

    /// Problems found only at the end of the input (an unclosed parenthesis).
    pub(super) fn finish(self) -> Vec<(u32, String)> {
        match self.zone.pending {
            Some(pending) => vec![(
                pending.at,
                "record has no closing ')' before the end of the file".to_string(),
            )],
            None => Vec::new(),
        }
    }
}

/// `line` up to the first `marker` that is outside double quotes and, when `after_space` is
/// set, at the start or after white space.
fn before_comment(line: &str, marker: char, after_space: bool) -> &str {
    let mut quoted = false;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == marker && !quoted && (!after_space || previous.is_whitespace()) {
            return &line[..at];
        }
        previous = c;
    }
    line
}

// ---- hosts ---------------------------------------------------------------------------

/// Names hosts files carry for the machine itself, not as blocked domains.
const LOCAL_NAMES: [&str; 12] = [
    "localhost",
    "localhost.localdomain",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "0.0.0.0",
];

fn hosts(line: &str, number: u32) -> Parsed {
    let content = before_comment(line, '#', false);
    let mut tokens = content.split_whitespace();
    let Some(address) = tokens.next() else {
        return Parsed::Ignore;
    };
    let without_zone = address.split('%').next().unwrap_or(address);
    if without_zone.parse::<IpAddr>().is_err() {
        return Parsed::Skip(format!(
            "'{address}' is not an IP address (a hosts line is 'ADDRESS NAME...')"
        ));
    }
    let names: Vec<&str> = tokens
        .filter(|name| !LOCAL_NAMES.contains(&name.to_ascii_lowercase().as_str()))
        .collect();
    if names.is_empty() {
        return if content.split_whitespace().count() == 1 {
            Parsed::Skip("no host name after the address".into())
        } else {
            Parsed::Ignore
        };
    }
    Parsed::Entries {
        at: number,
        entries: names.into_iter().map(Entry::block).collect(),
    }
}

// ---- adblock -------------------------------------------------------------------------

fn adblock(line: &str, number: u32) -> Parsed {
    let line = line.trim();
    if line.is_empty() || line.starts_with('!') || (line.starts_with('[') && line.ends_with(']')) {
        return Parsed::Ignore;
    }
    if ["##", "#@#", "#?#", "#$#", "#%#"]
        .iter()
        .any(|marker| line.contains(marker))
    {
        return Parsed::Skip("cosmetic (element hiding) rule, not a domain rule".into());
    }
    if line.starts_with('#') {
        return Parsed::Ignore;
    }
    let (allow, rule) = match line.strip_prefix("@@") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let Some(rule) = rule.strip_prefix("||") else {
        let first = line.split_whitespace().next().unwrap_or(line);
        if first.parse::<IpAddr>().is_ok() {
            return Parsed::Skip("hosts-style line: import it with --format hosts".into());
        }
        return Parsed::Skip("not a ||domain^ rule".into());
    };
    let (body, options) = match rule.split_once('$') {
        Some((body, options)) => (body, Some(options)),
        None => (rule, None),
    };
    for option in options.into_iter().flat_map(|options| options.split(',')) {
        if option.trim() != "important" {
            return Parsed::Skip(format!("rule option '${option}' is not supported"));
        }
    }
    let Some(domain) = body.strip_suffix("^|").or_else(|| body.strip_suffix('^')) else {
        return Parsed::Skip(
            "no '^' after the domain: '||name' alone also matches longer names".into(),
        );
    };
    if domain.contains(['/', '*', '|', '^', ':', '?', '=']) {
        return Parsed::Skip(format!("'{domain}' is a pattern, not a domain"));
    }
    let entry = if allow {
        Entry::allow(domain)
    } else {
        Entry::block(domain)
    };
    Parsed::one(number, entry)
}

// ---- dnsmasq -------------------------------------------------------------------------

fn dnsmasq(line: &str, number: u32) -> Parsed {
    // dnsmasq starts a comment at a '#' at the line's start or after white space, so
    // `server=/x/#` keeps its '#'.
    let line = before_comment(line, '#', true).trim();
    if line.is_empty() {
        return Parsed::Ignore;
    }
    let line = line.strip_prefix("--").unwrap_or(line);
    let Some((key, value)) = line.split_once('=') else {
        return Parsed::Ignore;
    };
    let key = key.trim();
    if !matches!(key, "address" | "local" | "server" | "A" | "S") {
        return Parsed::Ignore;
    }
    let value = value.trim();
    let Some(rest) = value.strip_prefix('/') else {
        return if key == "server" || key == "S" {
            // An upstream server for every domain: configuration, not a list entry.
            Parsed::Ignore
        } else {
            Parsed::Skip(format!("{key}= without /domain/"))
        };
    };
    let Some((domains, target)) = rest.rsplit_once('/') else {
        return Parsed::Skip(format!("{key}=/...: no closing '/' after the domains"));
    };
    let allow = match (key, target) {
        ("address" | "A", _) => false,
        ("local", "") => false,
        ("local", _) => return Parsed::Skip("local= takes no server".into()),
        ("server" | "S", "") => false,
        ("server" | "S", "#") => true,
        (_, server) => {
            return Parsed::Skip(format!(
                "forwards to {server}: neither a block nor an exception"
            ));
        }
    };
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for domain in domains.split('/') {
        if domain.is_empty() {
            problems.push("'//' (names without dots) is not a domain".to_string());
        } else if domain == "#" {
            problems.push("'/#/' matches every domain".to_string());
        } else if domain.starts_with('*') {
            problems.push(format!(
                "'{domain}' matches by substring, which a ddns entry cannot express"
            ));
        } else {
            let domain = domain.strip_prefix('.').unwrap_or(domain);
            entries.push(if allow {
                Entry::allow(domain)
            } else {
                Entry::block(domain)
            });
        }
    }
    if entries.is_empty() {
        return Parsed::Skip(problems.join("; "));
    }
    Parsed::Entries {
        at: number,
        entries,
    }
}

// ---- rpz -----------------------------------------------------------------------------

/// A zone name as RPZ owners are compared with it: lower case, no trailing dot.
fn zone_name(name: &str) -> String {
    name.trim()
        .strip_suffix('.')
        .unwrap_or(name.trim())
        .to_ascii_lowercase()
}

/// A record spread over lines by parentheses, collected until they close.
struct Pending {
    at: u32,
    text: String,
    continued: bool,
    depth: i32,
    /// Whether the record outgrew [`MAX_RECORD`]; its text is then no longer kept.
    overflowed: bool,
}

/// The longest record in parentheses an RPZ import keeps (the bound lines have), so a
/// parenthesis left open does not make memory grow with the lines that follow.
const MAX_RECORD: usize = 16 << 20;

/// Zone-file state: the origin, the last owner (for records that leave it out) and a record
/// still inside parentheses.
struct Zone {
    origin: Option<String>,
    owner: Option<String>,
    pending: Option<Pending>,
}

/// The change in parenthesis depth over `text`, ignoring quoted parts.
fn depth_change(text: &str) -> i32 {
    let mut quoted = false;
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// QNAME is the only trigger that names domains; the others end in these labels.
const OTHER_TRIGGERS: [&str; 4] = ["rpz-ip", "rpz-client-ip", "rpz-nsip", "rpz-nsdname"];

impl Zone {
    fn line(&mut self, line: &str, number: u32) -> Parsed {
        let content = before_comment(line, ';', false);
        if let Some(mut pending) = self.pending.take() {
            if pending.text.len() + 1 + content.len() > MAX_RECORD {
                // Past the bound the text is dropped; only the depth is still followed.
                pending.overflowed = true;
                pending.text = String::new();
            }
            if !pending.overflowed {
                pending.text.push(' ');
                pending.text.push_str(content);
            }
            pending.depth += depth_change(content);
            if pending.depth > 0 {
                self.pending = Some(pending);
                return Parsed::Ignore;
            }
            if pending.overflowed {
                return Parsed::Skip(format!(
                    "record in parentheses from line {} is longer than {} MiB, skipped",
                    pending.at,
                    MAX_RECORD >> 20
                ));
            }
            return self.record(&pending.text, pending.continued, pending.at);
        }
        let depth = depth_change(content);
        if depth > 0 {
            self.pending = Some(Pending {
                at: number,
                text: content.to_string(),
                continued: content.starts_with([' ', '\t']),
                depth,
                overflowed: false,
            });
            return Parsed::Ignore;
        }
        self.record(content, content.starts_with([' ', '\t']), number)
    }

    fn record(&mut self, text: &str, continued: bool, at: u32) -> Parsed {
        let cleaned = text.replace(['(', ')'], " ");
        let mut tokens = cleaned.split_whitespace().peekable();
        let Some(&first) = tokens.peek() else {
            return Parsed::Ignore;
        };
        if let Some(directive) = first.strip_prefix('$') {
            tokens.next();
            return match directive.to_ascii_uppercase().as_str() {
                "ORIGIN" => match tokens.next() {
                    Some(name) => {
                        self.origin = Some(self.absolute(name));
                        Parsed::Ignore
                    }
                    None => Parsed::Skip("$ORIGIN without a name".into()),
                },
                "TTL" => Parsed::Ignore,
                "INCLUDE" => Parsed::Skip("$INCLUDE is not followed: import that file too".into()),
                other => Parsed::Skip(format!("unknown directive ${other}")),
            };
        }
        let owner = if continued {
            match &self.owner {
                Some(owner) => owner.clone(),
                None => return Parsed::Skip("record without an owner name".into()),
            }
        } else {
            let owner = tokens.next().unwrap_or_default().to_string();
            self.owner = Some(owner.clone());
            owner
        };
        // TTL and class, in either order, then the type.
        while tokens.peek().is_some_and(|token| {
            token.starts_with(|c: char| c.is_ascii_digit())
                || ["IN", "CH", "HS", "CS"].contains(&token.to_ascii_uppercase().as_str())
        }) {
            tokens.next();
        }
        let Some(rtype) = tokens.next().map(str::to_ascii_uppercase) else {
            return Parsed::Skip("record without a type".into());
        };
        let allow = match rtype.as_str() {
            "SOA" | "NS" => return Parsed::Ignore,
            "CNAME" => match tokens.next().map(str::to_ascii_lowercase).as_deref() {
                Some("rpz-passthru.") => true,
                Some("rpz-tcp-only.") => {
                    return Parsed::Skip(
                        "rpz-tcp-only. is neither a block nor an exception".into(),
                    );
                }
                Some(_) => false,
                None => return Parsed::Skip("CNAME without a target".into()),
            },
            _ => false,
        };
        let (name, wildcard) = match self.trigger(&owner) {
            Ok(name) => name,
            Err(why) => return Parsed::Skip(why),
        };
        let entry = if allow {
            Entry::allow(&name)
        } else {
            // A `*.` trigger alone leaves the domain itself alone: a zone. Where the domain's
            // own trigger came first (as ddns writes a listed host), the first is kept.
            Entry {
                zone: wildcard,
                ..Entry::block(&name)
            }
        };
        Parsed::one(at, entry)
    }

    /// `name` made absolute against the origin, lower case, without the root dot.
    fn absolute(&self, name: &str) -> String {
        if name.ends_with('.') {
            return zone_name(name);
        }
        match &self.origin {
            Some(origin) if !origin.is_empty() => format!("{}.{origin}", zone_name(name)),
            _ => zone_name(name),
        }
    }

    /// The domain a QNAME trigger's owner name stands for.
    fn trigger(&self, owner: &str) -> Result<(String, bool), String> {
        let relative = if owner == "@" {
            return Err("policy record at the zone apex".into());
        } else if owner.ends_with('.') {
            let Some(origin) = &self.origin else {
                return Err(format!(
                    "absolute owner name '{owner}' and no $ORIGIN line: give --origin ZONE"
                ));
            };
            let name = zone_name(owner);
            match name.strip_suffix(origin.as_str()) {
                Some("") => return Err("policy record at the zone apex".into()),
                Some(front) if front.ends_with('.') => front.trim_end_matches('.').to_string(),
                _ => return Err(format!("'{owner}' is outside the zone {origin}.")),
            }
        } else {
            owner.to_ascii_lowercase()
        };
        let last = relative.rsplit('.').next().unwrap_or(&relative);
        if OTHER_TRIGGERS.contains(&last) {
            return Err(format!("{last} trigger: only QNAME triggers name domains"));
        }
        Ok(match relative.strip_prefix("*.") {
            Some(domain) => (domain.to_string(), true),
            None => (relative, false),
        })
    }
}

// ---- unbound -------------------------------------------------------------------------

fn unquoted(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(text)
}

fn unbound(line: &str, number: u32) -> Parsed {
    let line = before_comment(line, '#', false).trim();
    if line.is_empty() {
        return Parsed::Ignore;
    }
    let Some((key, value)) = line.split_once(':') else {
        return Parsed::Skip("not a 'name: value' line".into());
    };
    match key.trim() {
        "local-zone" => {
            let value = value.trim();
            let (name, kind) = match value.strip_prefix('"') {
                Some(quoted) => match quoted.split_once('"') {
                    Some((name, kind)) => (name, kind.trim()),
                    None => return Parsed::Skip("local-zone name has no closing quote".into()),
                },
                None => match value.split_once(char::is_whitespace) {
                    Some((name, kind)) => (name, kind.trim()),
                    None => (value, ""),
                },
            };
            let allow = match kind {
                "transparent" | "typetransparent" | "always_transparent" | "inform" => true,
                "deny" | "refuse" | "static" | "redirect" | "inform_deny" | "inform_redirect"
                | "always_refuse" | "always_nxdomain" | "always_nodata" | "always_null"
                | "always_deny" => false,
                "nodefault" | "noview" | "ipset" => return Parsed::Ignore,
                "" => return Parsed::Skip("local-zone without a type".into()),
                other => {
                    return Parsed::Skip(format!(
                        "local-zone type '{other}' is neither a block nor an exception"
                    ));
                }
            };
            let name = name.strip_suffix('.').unwrap_or(name);
            let entry = if allow {
                Entry::allow(name)
            } else {
                Entry::block(name)
            };
            Parsed::one(number, entry)
        }
        "local-data" => {
            let record = unquoted(value);
            match record.split_whitespace().next() {
                Some(owner) => Parsed::one(
                    number,
                    Entry::block(owner.strip_suffix('.').unwrap_or(owner)),
                ),
                None => Parsed::Skip("empty local-data".into()),
            }
        }
        // Clauses (`server:`) and every other setting.
        _ => Parsed::Ignore,
    }
}

// ---- wildcard ------------------------------------------------------------------------

fn wildcard(line: &str, number: u32) -> Parsed {
    let content = before_comment(line, '#', false);
    let mut tokens = content.split_whitespace();
    let Some(pattern) = tokens.next() else {
        return Parsed::Ignore;
    };
    if tokens.next().is_some() {
        return Parsed::Skip("more than one pattern on the line".into());
    }
    let domain = pattern
        .strip_prefix("*.")
        .or_else(|| pattern.strip_prefix('.'))
        .unwrap_or(pattern);
    if domain.contains('*') {
        return Parsed::Skip(format!(
            "'{pattern}': only a leading '*.' wildcard can be imported"
        ));
    }
    Parsed::one(number, Entry::block(domain))
}

// ---- text ----------------------------------------------------------------------------

fn text(line: &str, number: u32) -> Parsed {
    let content = before_comment(line, '#', false);
    let mut tokens = content.split_whitespace();
    let Some(domain) = tokens.next() else {
        return Parsed::Ignore;
    };
    let provider = tokens.next().map(str::to_string);
    if let Some(extra) = tokens.next() {
        return Parsed::Skip(format!(
            "unexpected third column '{extra}': a line is 'DOMAIN [PROVIDER-ID]'"
        ));
    }
    let (domain, allow) = match domain.strip_prefix('!') {
        Some(rest) => (rest, true),
        None => (domain, false),
    };
    let (domain, zone) = match domain.strip_prefix("*.") {
        Some(rest) if !allow => (rest, true),
        _ => (domain, false),
    };
    Parsed::one(
        number,
        Entry {
            domain: domain.to_string(),
            allow,
            zone,
            provider,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: ImportFormat, text: &str) -> Vec<String> {
        let mut parser = LineParser::new(format, None);
        let mut out = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match parser.line(line, index as u32 + 1) {
                Parsed::Ignore => {}
                Parsed::Skip(why) => out.push(format!("{}: skip: {why}", index + 1)),
                Parsed::Entries { at, entries } => {
                    for entry in entries {
                        let bang = if entry.allow { "!" } else { "" };
                        out.push(format!("{at}: {bang}{}", entry.domain));
                    }
                }
            }
        }
        for (line, why) in parser.finish() {
            out.push(format!("{line}: skip: {why}"));
        }
        out
    }

    #[test]
    fn rpz_reads_triggers_origins_and_multi_line_records() {
        let zone = "$TTL 300\n@ IN SOA ns. host. (\n 1 3600\n 600 86400 300 )\n\
                    @ NS localhost.\nduckdns.org CNAME .\n*.duckdns.org CNAME .\n\
                    www.duckdns.org 300 IN CNAME rpz-passthru.\n\
                    ddns.net.rpz.example. CNAME .\n$ORIGIN rpz.example.\n\
                    ddns.net.rpz.example. CNAME *.\n32.1.2.0.192.rpz-ip CNAME .\n\
                    x.org A 10.0.0.1\n\tTXT \"sinkholed\"\n";
        assert_eq!(
            read(ImportFormat::Rpz, zone),
            [
                "6: duckdns.org",
                "7: duckdns.org",
                "8: !www.duckdns.org",
                "9: skip: absolute owner name 'ddns.net.rpz.example.' and no $ORIGIN line: give --origin ZONE",
                "11: ddns.net",
                "12: skip: rpz-ip trigger: only QNAME triggers name domains",
                "13: x.org",
                "14: x.org",
            ]
        );
    }

    #[test]
    fn dnsmasq_keeps_hash_in_values_and_reads_exceptions() {
        let conf = "# comment\naddress=/duckdns.org/ddns.net/\nserver=/www.duckdns.org/#\n\
                    local=/x.org/ # trailing\nserver=/corp.example/10.0.0.1\nno-resolv\n\
                    address=/#/0.0.0.0\naddress=/*google.com/\n";
        assert_eq!(
            read(ImportFormat::Dnsmasq, conf),
            [
                "2: duckdns.org",
                "2: ddns.net",
                "3: !www.duckdns.org",
                "4: x.org",
                "5: skip: forwards to 10.0.0.1: neither a block nor an exception",
                "7: skip: '/#/' matches every domain",
                "8: skip: '*google.com' matches by substring, which a ddns entry cannot express",
            ]
        );
    }

    #[test]
    fn adblock_takes_domain_rules_only() {
        let list = "[Adblock Plus 2.0]\n! Title: x\n||duckdns.org^\n@@||www.duckdns.org^$important\n\
                    ||ads.example^$third-party\nexample.com##.ad\n/banner/\n||x.org\n\
                    0.0.0.0 y.org\n||a.org^|\n";
        assert_eq!(
            read(ImportFormat::Adblock, list),
            [
                "3: duckdns.org",
                "4: !www.duckdns.org",
                "5: skip: rule option '$third-party' is not supported",
                "6: skip: cosmetic (element hiding) rule, not a domain rule",
                "7: skip: not a ||domain^ rule",
                "8: skip: no '^' after the domain: '||name' alone also matches longer names",
                "9: skip: hosts-style line: import it with --format hosts",
                "10: a.org",
            ]
        );
    }

    #[test]
    fn hosts_unbound_wildcard_and_text_lines() {
        assert_eq!(
            read(
                ImportFormat::Hosts,
                "127.0.0.1 localhost\n0.0.0.0 a.org b.org # c\nexample.com\n::1 ip6-localhost\n"
            ),
            [
                "2: a.org",
                "2: b.org",
                "3: skip: 'example.com' is not an IP address (a hosts line is 'ADDRESS NAME...')",
            ]
        );
        assert_eq!(
            read(
                ImportFormat::Unbound,
                "server:\n  local-zone: \"duckdns.org.\" always_nxdomain\n\
                 local-zone: \"www.duckdns.org.\" transparent # ok\n\
                 local-data: \"x.org. A 0.0.0.0\"\nlocal-zone: y.org nodefault\nverbosity: 1\n"
            ),
            ["2: duckdns.org", "3: !www.duckdns.org", "4: x.org"]
        );
        assert_eq!(
            read(
                ImportFormat::Wildcard,
                "*.duckdns.org\n.ddns.net\nx.org\na.*.org\n"
            ),
            [
                "1: duckdns.org",
                "2: ddns.net",
                "3: x.org",
                "4: skip: 'a.*.org': only a leading '*.' wildcard can be imported",
            ]
        );
        assert_eq!(
            read(
                ImportFormat::Text,
                "duckdns.org duckdns\n!www.duckdns.org\na b c\n"
            ),
            [
                "1: duckdns.org",
                "2: !www.duckdns.org",
                "3: skip: unexpected third column 'c': a line is 'DOMAIN [PROVIDER-ID]'",
            ]
        );
    }
}
