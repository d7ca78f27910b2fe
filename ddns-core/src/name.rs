//! Byte-level name handling shared by every entry point: trailing dots, host form, DNS wire
//! format, the shape of the sub-domain part, and the validation of listed entries.
//!
//! Nothing here knows about the FST or the suffix table; the matcher calls these helpers
//! around its search.

/// Longest host name in dotted form, without the trailing dot (RFC 1035, 2.3.4).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label (RFC 1035, 2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest name in DNS wire format, including the root label (RFC 1035, 3.1).
pub const MAX_WIRE_LEN: usize = 255;
/// Most labels a wire name of [`MAX_WIRE_LEN`] bytes can hold; no entry has more.
pub(crate) const MAX_LABELS: usize = 128;

/// True for the bytes a host name label may hold: ASCII letters, digits and `-`.
#[inline]
pub(crate) fn is_ldh(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-'
}

/// The name without one trailing `.` (rule 1: one trailing dot is ignored).
#[inline]
pub(crate) fn trim_root(name: &[u8]) -> &[u8] {
    match name.split_last() {
        Some((b'.', rest)) => rest,
        _ => name,
    }
}

/// Counts the labels of `sub` (the part in front of the base, without its final `.`) and
/// says whether any of them breaks the host name rules (empty, too long, a byte other than
/// a letter, digit or hyphen). Scans `sub` once.
pub(crate) fn sub_domain_shape(sub: &[u8]) -> (u32, bool) {
    let mut labels: u32 = 1;
    let mut malformed = false;
    let mut label_len = 0usize;
    for &byte in sub {
        if byte == b'.' {
            malformed |= label_len == 0 || label_len > MAX_LABEL_LEN;
            labels = labels.saturating_add(1);
            label_len = 0;
        } else {
            malformed |= !is_ldh(byte);
            label_len += 1;
        }
    }
    malformed |= label_len == 0 || label_len > MAX_LABEL_LEN;
    (labels, malformed)
}

/// What the host-form entry point looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostForm {
    /// `input[start..end]` is the name. `malformed` when the text around it breaks the host
    /// form: a port that is not 1-5 digits (at most 65535), a second `:`, or brackets around
    /// something that is not an IPv6 literal.
    Name {
        start: usize,
        end: usize,
        malformed: bool,
    },
    /// An IP literal (a bracketed or bare IPv6 address, or dotted digits): never matches.
    IpLiteral,
}

/// Splits a host string as it appears in an HTTP `Host` header, a URL authority or a TLS
/// SNI: `name`, `name:port`, `[v6]`, `[v6]:port`, `v4`, `v4:port`, bare `v6`.
///
/// Only text that really is an IP address counts as an IP literal: hex digits, `:` and `.`
/// that parse as an IPv6 address (with an optional `%zone`), or a last label of digits.
/// Anything else is a name, however odd its wrapping, because an attacker chooses the SNI
/// and the Host: `x7.duckdns.org:443:443`, `x7.duckdns.org::` and `[x7.duckdns.org]:443`
/// all look up `x7.duckdns.org`, flagged malformed.
pub(crate) fn split_host(input: &[u8]) -> HostForm {
    if let Some(inner) = input.strip_prefix(b"[") {
        let close = inner.iter().position(|&b| b == b']');
        let inside = &inner[..close.unwrap_or(inner.len())];
        if close.is_some() && is_ipv6_literal(inside) {
            return HostForm::IpLiteral;
        }
        // Brackets hold IPv6 literals only; a name inside them is a name in disguise.
        let end = inside
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(inside.len());
        return name_form(input, 1, 1 + end, true);
    }
    let Some(colon) = input.iter().position(|&b| b == b':') else {
        return name_form(input, 0, input.len(), false);
    };
    let port = &input[colon + 1..];
    if port.contains(&b':') {
        // Two or more colons: a bare IPv6 literal, or a name with a bad port.
        if is_ipv6_literal(input) {
            return HostForm::IpLiteral;
        }
        return name_form(input, 0, colon, true);
    }
    let good_port = (1..=5).contains(&port.len())
        && port.iter().all(u8::is_ascii_digit)
        && port.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')) <= 65535;
    name_form(input, 0, colon, !good_port)
}

/// `input[start..end]` as the name of a host string, unless its last label is all digits:
/// no top-level domain is, so that is an IPv4 literal (or a decimal form such as `127.1`),
/// which never matches.
fn name_form(input: &[u8], start: usize, end: usize, malformed: bool) -> HostForm {
    let name = trim_root(&input[start..end]);
    let last_label = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    if !last_label.is_empty() && last_label.iter().all(u8::is_ascii_digit) {
        return HostForm::IpLiteral;
    }
    HostForm::Name {
        start,
        end,
        malformed,
    }
}

/// Whether `text` is an IPv6 address, optionally followed by `%` and a zone (`fe80::1%eth0`;
/// URLs write the `%` as `%25`, which this also accepts).
fn is_ipv6_literal(text: &[u8]) -> bool {
    // The longest IPv6 text form, `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`.
    const LONGEST: usize = 45;
    let address = match text.iter().position(|&b| b == b'%') {
        Some(at) => &text[..at],
        None => text,
    };
    address.len() <= LONGEST
        && std::str::from_utf8(address)
            .is_ok_and(|address| address.parse::<std::net::Ipv6Addr>().is_ok())
}

/// The labels of a DNS wire-format name, read without allocating.
///
/// Only the start offsets of the last [`MAX_LABELS`] labels are kept (a ring): no entry is
/// longer than that, so a search from the right never needs more.
pub(crate) struct WireLabels {
    starts: [usize; MAX_LABELS],
    /// Labels seen in all.
    pub count: usize,
    /// Offset just past the last byte of the last label (the root label is not included).
    pub end: usize,
    /// A label holds a byte other than a letter, digit or hyphen, or the name is longer
    /// than [`MAX_WIRE_LEN`].
    pub malformed: bool,
}

impl WireLabels {
    /// Parses `wire` up to its root label (or its end, when the root label is missing).
    /// Returns `None` for a compression pointer, a reserved label type or a truncated label:
    /// such a name cannot be read without the rest of its message.
    pub fn parse(wire: &[u8]) -> Option<WireLabels> {
        let mut labels = WireLabels {
            starts: [0; MAX_LABELS],
            count: 0,
            end: 0,
            malformed: false,
        };
        let mut at = 0usize;
        while let Some(&len) = wire.get(at) {
            if len == 0 {
                break;
            }
            if len & 0xC0 != 0 {
                return None;
            }
            let len = usize::from(len);
            let label = wire.get(at + 1..at + 1 + len)?;
            labels.malformed |= !label.iter().all(|&b| is_ldh(b));
            labels.starts[labels.count % MAX_LABELS] = at;
            labels.count += 1;
            at += 1 + len;
        }
        labels.end = at;
        // The name's wire length counts the root label, present or not.
        labels.malformed |= at + 1 > MAX_WIRE_LEN;
        Some(labels)
    }

    /// Offset of the length byte of label `index` (0 is the leftmost). Only the last
    /// [`MAX_LABELS`] labels are available.
    #[inline]
    pub fn start(&self, index: usize) -> usize {
        debug_assert!(index < self.count && self.count - index <= MAX_LABELS);
        self.starts[index % MAX_LABELS]
    }

    /// Whether label `index` is still held by the ring.
    #[inline]
    pub fn is_kept(&self, index: usize) -> bool {
        index < self.count && self.count - index <= MAX_LABELS
    }
}

/// `text` as an error message quotes it: whole when short, else its first 60 characters
/// and its length, so that a hostile megabyte-long "domain" makes a one-line message.
pub(crate) fn excerpt(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}... ({} bytes)", &text[..cut], text.len()),
    }
}

/// Checks and normalises a listed entry: ASCII letters are lower-cased and one trailing dot
/// dropped. Returns why the text is not a valid entry otherwise.
pub(crate) fn normalize_entry(text: &str) -> Result<String, String> {
    let trimmed = text.strip_suffix('.').unwrap_or(text);
    if trimmed.is_empty() {
        return Err("empty domain".into());
    }
    if let Some(rest) = trimmed.strip_prefix("*.") {
        return Err(format!(
            "wildcards are implicit: an entry matches itself and every sub-domain, so write '{}'",
            excerpt(rest)
        ));
    }
    if !trimmed.is_ascii() {
        return Err("non-ASCII domain: write its IDNA form (xn--...)".into());
    }
    if trimmed.len() > MAX_NAME_LEN {
        return Err(format!(
            "domain is {} bytes long; the limit is {MAX_NAME_LEN}",
            trimmed.len()
        ));
    }
    let mut labels = 0;
    for label in trimmed.split('.') {
        labels += 1;
        if label.is_empty() {
            return Err("empty label".into());
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(format!(
                "label '{label}' is {} bytes long; the limit is {MAX_LABEL_LEN}",
                label.len()
            ));
        }
        if let Some(bad) = label.bytes().find(|&b| !is_ldh(b)) {
            return Err(format!(
                "'{}' is not allowed in a host name (letters, digits and '-' only)",
                bad.escape_ascii()
            ));
        }
    }
    if labels < 2 {
        return Err("a single label would match a whole top-level domain".into());
    }
    let last = trimmed.rsplit('.').next().unwrap_or(trimmed);
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the last label is numeric: IP addresses are never listed".into());
    }
    Ok(trimmed.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_domain_shape_counts_labels_and_flags_bad_ones() {
        assert_eq!(sub_domain_shape(b"cam-01.home"), (2, false));
        assert_eq!(sub_domain_shape(b"a"), (1, false));
        assert_eq!(sub_domain_shape(b"a..b"), (3, true));
        assert_eq!(sub_domain_shape(b""), (1, true));
        assert_eq!(sub_domain_shape(b"my_host"), (1, true));
        assert_eq!(sub_domain_shape(&[b'a'; 64]), (1, true));
        assert_eq!(sub_domain_shape(&[b'a'; 63]), (1, false));
    }

    #[test]
    fn split_host_strips_ports_and_refuses_ip_literals() {
        let name = |start, end, malformed| HostForm::Name {
            start,
            end,
            malformed,
        };
        assert_eq!(split_host(b"x.duckdns.org:8443"), name(0, 13, false));
        assert_eq!(split_host(b"x.duckdns.org:http"), name(0, 13, true));
        assert_eq!(split_host(b"x.duckdns.org:70000"), name(0, 13, true));
        assert_eq!(split_host(b"[2001:db8::1]:443"), HostForm::IpLiteral);
        assert_eq!(split_host(b"[fe80::1%25eth0]:443"), HostForm::IpLiteral);
        assert_eq!(split_host(b"[::ffff:192.0.2.1]"), HostForm::IpLiteral);
        assert_eq!(split_host(b"2001:db8::1"), HostForm::IpLiteral);
        assert_eq!(split_host(b"fe80::1%eth0"), HostForm::IpLiteral);
        assert_eq!(split_host(b"::"), HostForm::IpLiteral);
        assert_eq!(split_host(b"192.0.2.1:80"), HostForm::IpLiteral);
        assert_eq!(split_host(b"192.0.2.1."), HostForm::IpLiteral);
    }

    #[test]
    fn split_host_takes_a_name_in_ip_literal_clothing_as_a_malformed_name() {
        let name = |start, end| HostForm::Name {
            start,
            end,
            malformed: true,
        };
        assert_eq!(split_host(b"x7.duckdns.org:443:443"), name(0, 14));
        assert_eq!(split_host(b"x7.duckdns.org::"), name(0, 14));
        assert_eq!(split_host(b"[x7.duckdns.org]:443"), name(1, 15));
        assert_eq!(split_host(b"[x7.duckdns.org]"), name(1, 15));
        assert_eq!(split_host(b"[x7.duckdns.org"), name(1, 15));
        assert_eq!(split_host(b"[x7.duckdns.org:443]"), name(1, 15));
        // Hex digits alone do not make an address: `cafe.dd` is a name.
        assert_eq!(split_host(b"[cafe.dd]"), name(1, 8));
        assert_eq!(split_host(b"cafe.dd::1"), name(0, 7));
        assert_eq!(split_host(b"[]"), name(1, 1));
    }

    #[test]
    fn wire_labels_stop_at_the_root_and_refuse_pointers() {
        let labels = WireLabels::parse(b"\x02x7\x07duckdns\x03org\x00trailing").unwrap();
        assert_eq!((labels.count, labels.end, labels.malformed), (3, 15, false));
        assert_eq!(labels.start(1), 3);
        assert!(WireLabels::parse(b"\x02x7\xc0\x0c").is_none());
        assert!(WireLabels::parse(b"\x05ab").is_none());
    }

    #[test]
    fn normalize_entry_explains_what_is_wrong() {
        assert_eq!(normalize_entry("DuckDNS.org.").unwrap(), "duckdns.org");
        assert!(
            normalize_entry("*.duckdns.org")
                .unwrap_err()
                .contains("wildcards")
        );
        assert!(normalize_entry("org").unwrap_err().contains("single label"));
        assert!(normalize_entry("10.0.0.1").unwrap_err().contains("numeric"));
        assert!(normalize_entry("a..b").unwrap_err().contains("empty label"));
        assert!(normalize_entry("a_b.org").unwrap_err().contains("'_'"));
        assert!(normalize_entry("bücher.de").unwrap_err().contains("IDNA"));
    }
}
