//! JSON logs, one object per line: Suricata's EVE and Zeek's JSON logs.
//!
//! EVE (`event_type` present): `dns` events give the question name (`dns.rrname`, or
//! `dns.queries[].rrname` in Suricata 8's format) and answer names (`dns.answers[]`'s owner
//! names and CNAME/NS/PTR/MX/DNAME data, `dns.grouped`); `tls` events `tls.sni`; `http`
//! events `http.hostname`. Other events (alerts, flows, stats) are read and skipped, so a
//! name an alert repeats is not counted twice. Timestamp `timestamp`, client `src_ip`
//! (Suricata writes flow-direction records, so that is the client for answers too).
//!
//! Zeek JSON: `query` and `answers` (dns.log), `server_name` (ssl.log), `host` (http.log);
//! timestamp `ts` (a number, or a string with JSON::TS_ISO8601), client `id.orig_h`.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{Field, Outcome, Scanner, unescape};

/// Which field names a record is read with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Schema {
    /// EVE when the record has `event_type`, else Zeek.
    Auto,
    Eve,
    Zeek,
}

pub(super) struct JsonLog {
    schema: Schema,
    scratch: Vec<u8>,
}

/// A string field that tolerates other JSON types (read as absent), so one odd field does
/// not make a whole record bad.
#[derive(Default)]
struct Text<'a>(Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    fn as_bytes(&self) -> Option<&[u8]> {
        self.0.as_deref().map(str::as_bytes)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Borrowed(text))))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(text.to_string()))))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(text))))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

/// The fields of either schema a record may have; everything else is skipped unread.
#[derive(Deserialize)]
struct Record<'a> {
    // EVE
    #[serde(borrow, default)]
    event_type: Text<'a>,
    #[serde(borrow, default)]
    timestamp: Text<'a>,
    #[serde(borrow, default)]
    src_ip: Text<'a>,
    #[serde(borrow, default)]
    dns: Option<EveDns<'a>>,
    #[serde(borrow, default)]
    tls: Option<EveTls<'a>>,
    #[serde(borrow, default)]
    http: Option<EveHttp<'a>>,
    // Zeek
    #[serde(borrow, default)]
    ts: Option<&'a RawValue>,
    #[serde(rename = "id.orig_h", borrow, default)]
    orig_h: Text<'a>,
    #[serde(borrow, default)]
    query: Text<'a>,
    #[serde(borrow, default)]
    answers: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    server_name: Text<'a>,
    #[serde(borrow, default)]
    host: Text<'a>,
}

#[derive(Deserialize)]
struct EveDns<'a> {
    #[serde(borrow, default)]
    rrname: Text<'a>,
    #[serde(borrow, default)]
    queries: Option<Vec<EveQuery<'a>>>,
    #[serde(borrow, default)]
    answers: Option<Vec<EveAnswer<'a>>>,
    #[serde(borrow, default)]
    grouped: Option<EveGrouped<'a>>,
}

#[derive(Deserialize)]
struct EveQuery<'a> {
    #[serde(borrow, default)]
    rrname: Text<'a>,
}

#[derive(Deserialize)]
struct EveAnswer<'a> {
    #[serde(borrow, default)]
    rrname: Text<'a>,
    #[serde(borrow, default)]
    rrtype: Text<'a>,
    #[serde(borrow, default)]
    rdata: Text<'a>,
}

/// `dns.grouped`: answer data by record type; only the types whose data is a host name.
#[derive(Deserialize)]
struct EveGrouped<'a> {
    #[serde(rename = "CNAME", borrow, default)]
    cname: Option<Vec<Text<'a>>>,
    #[serde(rename = "NS", borrow, default)]
    ns: Option<Vec<Text<'a>>>,
    #[serde(rename = "PTR", borrow, default)]
    ptr: Option<Vec<Text<'a>>>,
    #[serde(rename = "MX", borrow, default)]
    mx: Option<Vec<Text<'a>>>,
    #[serde(rename = "DNAME", borrow, default)]
    dname: Option<Vec<Text<'a>>>,
}

#[derive(Deserialize)]
struct EveTls<'a> {
    #[serde(borrow, default)]
    sni: Text<'a>,
}

#[derive(Deserialize)]
struct EveHttp<'a> {
    #[serde(borrow, default)]
    hostname: Text<'a>,
}

/// Record types whose `rdata` is a host name.
const NAME_TYPES: [&str; 5] = ["CNAME", "NS", "PTR", "MX", "DNAME"];

impl JsonLog {
    pub(super) fn new(schema: Schema) -> JsonLog {
        JsonLog {
            schema,
            scratch: Vec::new(),
        }
    }

    pub(super) fn line<W: Write>(&mut self, scanner: &mut Scanner<'_, W>, line: &[u8]) -> Outcome {
        // serde would also read a struct from an array; a record is an object.
        if !line.trim_ascii_start().starts_with(b"{") {
            scanner.bad_record("not a JSON object")?;
            return Ok(());
        }
        let record: Record<'_> = match serde_json::from_slice(line) {
            Ok(record) => record,
            Err(err) => {
                scanner.bad_record(format_args!("not a JSON object: {err}"))?;
                return Ok(());
            }
        };
        scanner.begin_record();
        let eve = match self.schema {
            Schema::Eve => true,
            Schema::Zeek => false,
            Schema::Auto => record.event_type.0.is_some(),
        };
        let mut names: Vec<(Field, &Text<'_>)> = Vec::new();
        let (ts, client): (Option<&[u8]>, Option<&[u8]>);
        if eve {
            ts = record.timestamp.as_bytes();
            client = record.src_ip.as_bytes();
            match record.event_type.0.as_deref() {
                Some("dns") => {
                    if let Some(dns) = &record.dns {
                        eve_dns_names(dns, &mut names);
                    }
                }
                Some("tls") => {
                    if let Some(tls) = &record.tls {
                        names.push((Field::TlsSni, &tls.sni));
                    }
                }
                Some("http") => {
                    if let Some(http) = &record.http {
                        names.push((Field::HttpHost, &http.hostname));
                    }
                }
                _ => {}
            }
        } else {
            ts = record.ts.map(|raw| {
                let raw = raw.get().as_bytes();
                // A string timestamp (JSON::TS_ISO8601) holds no escapes: drop its quotes.
                raw.strip_prefix(b"\"")
                    .and_then(|inner| inner.strip_suffix(b"\""))
                    .unwrap_or(raw)
            });
            client = record.orig_h.as_bytes();
            names.push((Field::DnsQuery, &record.query));
            for answer in record.answers.iter().flatten() {
                names.push((Field::DnsAnswer, answer));
            }
            names.push((Field::TlsSni, &record.server_name));
            names.push((Field::HttpHost, &record.host));
        }
        for (field, text) in names {
            if let Some(name) = text.as_bytes() {
                let name = unescape(name, &mut self.scratch);
                scanner.check(ts, client, field, name)?;
            }
        }
        Ok(())
    }
}

fn eve_dns_names<'r, 'a>(dns: &'r EveDns<'a>, names: &mut Vec<(Field, &'r Text<'a>)>) {
    names.push((Field::DnsQuery, &dns.rrname));
    for query in dns.queries.iter().flatten() {
        names.push((Field::DnsQuery, &query.rrname));
    }
    for answer in dns.answers.iter().flatten() {
        names.push((Field::DnsAnswer, &answer.rrname));
        let is_name = answer
            .rrtype
            .0
            .as_deref()
            .is_some_and(|rrtype| NAME_TYPES.contains(&rrtype));
        if is_name {
            names.push((Field::DnsAnswer, &answer.rdata));
        }
    }
    if let Some(grouped) = &dns.grouped {
        let lists = [
            &grouped.cname,
            &grouped.ns,
            &grouped.ptr,
            &grouped.mx,
            &grouped.dname,
        ];
        for text in lists.into_iter().flatten().flatten() {
            names.push((Field::DnsAnswer, text));
        }
    }
}
