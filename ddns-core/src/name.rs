//! Byte-level name handling shared by every entry point: trailing dots, host form, DNS wire
//! format, the shape of the sub-domain part, and the validation of listed entries.
//!
//! Nothing here knows about the FST; the matcher calls these helpers around its walk.

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
    /// `input[..end]` is the name; `bad_port` when a `:port` suffix was not 1-5 digits.
    Name { end: usize, bad_port: bool },
    /// An IP literal (bracketed, bare IPv6, or dotted digits): never matches.
    IpLiteral,
}

/// Splits a host string as it appears in an HTTP `Host` header, a URL authority or a TLS
/// SNI: `name`, `name:port`, `[v6]`, `[v6]:port`, `v4`, `v4:port`, bare `v6`.
pub(crate) fn split_host(input: &[u8]) -> HostForm {
    if input.first() == Some(&b'[') {
        return HostForm::IpLiteral;
    }
    let mut colons = input.iter().enumerate().filter(|&(_, &b)| b == b':');
    let (end, bad_port) = match (colons.next(), colons.next()) {
        (None, _) => (input.len(), false),
        (Some((at, _)), None) => {
            let port = &input[at + 1..];
            let good = (1..=5).contains(&port.len())
                && port.iter().all(u8::is_ascii_digit)
                && port.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')) <= 65535;
            (at, !good)
        }
        // Two or more colons without brackets: an IPv6 literal.
        (Some(_), Some(_)) => return HostForm::IpLiteral,
    };
    let name = trim_root(&input[..end]);
    let last_label = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    if !last_label.is_empty() && last_label.iter().all(u8::is_ascii_digit) {
        // No top-level domain is all digits, so this is an IPv4 literal (or a decimal form
        // such as `127.1`): never a match.
        return HostForm::IpLiteral;
    }
    HostForm::Name { end, bad_port }
}

/// The labels of a DNS wire-format name, read without allocating.
///
/// Only the start offsets of the last [`MAX_LABELS`] labels are kept (a ring): no entry is
/// longer than that, so the walk from the right never needs more.
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
        assert_eq!(
            split_host(b"x.duckdns.org:8443"),
            HostForm::Name {
                end: 13,
                bad_port: false
            }
        );
        assert_eq!(
            split_host(b"x.duckdns.org:http"),
            HostForm::Name {
                end: 13,
                bad_port: true
            }
        );
        assert_eq!(
            split_host(b"x.duckdns.org:70000"),
            HostForm::Name {
                end: 13,
                bad_port: true
            }
        );
        assert_eq!(split_host(b"[2001:db8::1]:443"), HostForm::IpLiteral);
        assert_eq!(split_host(b"2001:db8::1"), HostForm::IpLiteral);
        assert_eq!(split_host(b"192.0.2.1:80"), HostForm::IpLiteral);
        assert_eq!(split_host(b"192.0.2.1."), HostForm::IpLiteral);
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
