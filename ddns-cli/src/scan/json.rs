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
use std::io::{self, Write};
use std::marker::PhantomData;

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
    /// Strings; read element by element after the record (see [`each`]).
    #[serde(borrow, default)]
    answers: Option<&'a RawValue>,
    #[serde(borrow, default)]
    server_name: Text<'a>,
    #[serde(borrow, default)]
    host: Text<'a>,
}

#[derive(Deserialize)]
struct EveDns<'a> {
    #[serde(borrow, default)]
    rrname: Text<'a>,
    /// [`EveQuery`] objects, read one by one (see [`each`]).
    #[serde(borrow, default)]
    queries: Option<&'a RawValue>,
    /// [`EveAnswer`] objects, read one by one.
    #[serde(borrow, default)]
    answers: Option<&'a RawValue>,
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

/// `dns.grouped`: answer data by record type; only the types whose data is a host name,
/// each a list of strings read one by one.
#[derive(Deserialize)]
struct EveGrouped<'a> {
    #[serde(rename = "CNAME", borrow, default)]
    cname: Option<&'a RawValue>,
    #[serde(rename = "NS", borrow, default)]
    ns: Option<&'a RawValue>,
    #[serde(rename = "PTR", borrow, default)]
    ptr: Option<&'a RawValue>,
    #[serde(rename = "MX", borrow, default)]
    mx: Option<&'a RawValue>,
    #[serde(rename = "DNAME", borrow, default)]
    dname: Option<&'a RawValue>,
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
        let eve = match self.schema {
            Schema::Eve => true,
            Schema::Zeek => false,
            Schema::Auto => record.event_type.0.is_some(),
        };
        // The lists were only skimmed: read them once to find any element of the wrong
        // shape, so a bad record is refused whole, before any of its names is checked.
        if let Err(Walk::Json(err, list)) = names(&record, eve, &mut |_, _| Ok(())) {
            let why = in_line(&err, list as usize - line.as_ptr() as usize);
            scanner.bad_record(format_args!("not a JSON object: {why}"))?;
            return Ok(());
        }
        scanner.begin_record();
        let (ts, client): (Option<&[u8]>, Option<&[u8]>) = if eve {
            (record.timestamp.as_bytes(), record.src_ip.as_bytes())
        } else {
            let ts = record.ts.map(|raw| {
                let raw = raw.get().as_bytes();
                // A string timestamp (JSON::TS_ISO8601) holds no escapes: drop its quotes.
                raw.strip_prefix(b"\"")
                    .and_then(|inner| inner.strip_suffix(b"\""))
                    .unwrap_or(raw)
            });
            (ts, record.orig_h.as_bytes())
        };
        let scratch = &mut self.scratch;
        let mut check = |field: Field, text: &Text<'_>| match text.as_bytes() {
            Some(name) => scanner.check(ts, client, field, unescape(name, scratch)),
            None => Ok(()),
        };
        match names(&record, eve, &mut check) {
            Ok(()) => Ok(()),
            Err(Walk::Output(err)) => Err(err.into()),
            // Not after the first reading succeeded; were it to, the rest is skipped.
            Err(Walk::Json(..)) => Ok(()),
        }
    }
}

/// Why reading a record's names stopped.
enum Walk {
    /// A list element of the wrong shape; where the list starts in memory.
    Json(serde_json::Error, *const u8),
    /// Writing a hit failed.
    Output(io::Error),
}

/// The callback [`names`] hands each name to, with the field it came from.
type Emit<'e> = dyn FnMut(Field, &Text<'_>) -> io::Result<()> + 'e;

/// Hands every name of `record` to `emit`, in a fixed order: for Zeek `query`, `answers`,
/// `server_name`, `host`; for an EVE dns event the question, `queries`, `answers` (owner,
/// then data of name types), `grouped`; `tls.sni`; `http.hostname`.
fn names(record: &Record<'_>, eve: bool, emit: &mut Emit<'_>) -> Result<(), Walk> {
    let output = |err: io::Error| Walk::Output(err);
    if !eve {
        emit(Field::DnsQuery, &record.query).map_err(output)?;
        each(record.answers, |answer: Text<'_>| {
            emit(Field::DnsAnswer, &answer)
        })?;
        emit(Field::TlsSni, &record.server_name).map_err(output)?;
        return emit(Field::HttpHost, &record.host).map_err(output);
    }
    match record.event_type.0.as_deref() {
        Some("dns") => {
            if let Some(dns) = &record.dns {
                eve_dns_names(dns, emit)?;
            }
        }
        Some("tls") => {
            if let Some(tls) = &record.tls {
                emit(Field::TlsSni, &tls.sni).map_err(output)?;
            }
        }
        Some("http") => {
            if let Some(http) = &record.http {
                emit(Field::HttpHost, &http.hostname).map_err(output)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn eve_dns_names(dns: &EveDns<'_>, emit: &mut Emit<'_>) -> Result<(), Walk> {
    emit(Field::DnsQuery, &dns.rrname).map_err(Walk::Output)?;
    each(dns.queries, |query: EveQuery<'_>| {
        emit(Field::DnsQuery, &query.rrname)
    })?;
    each(dns.answers, |answer: EveAnswer<'_>| {
        emit(Field::DnsAnswer, &answer.rrname)?;
        let is_name = answer
            .rrtype
            .0
            .as_deref()
            .is_some_and(|rrtype| NAME_TYPES.contains(&rrtype));
        if is_name {
            emit(Field::DnsAnswer, &answer.rdata)?;
        }
        Ok(())
    })?;
    if let Some(grouped) = &dns.grouped {
        for list in [
            grouped.cname,
            grouped.ns,
            grouped.ptr,
            grouped.mx,
            grouped.dname,
        ] {
            each(list, |text: Text<'_>| emit(Field::DnsAnswer, &text))?;
        }
    }
    Ok(())
}

/// Reads the JSON array `list` (absent or `null`: nothing) one element at a time as a `T`,
/// handing each to `visit` before reading the next: memory stays that of one element,
/// however long the array. An element that is no `T`, or a `list` that is no array, is a
/// [`Walk::Json`] error; a `visit` error stops the walk as [`Walk::Output`].
fn each<'a, T: Deserialize<'a>>(
    list: Option<&'a RawValue>,
    visit: impl FnMut(T) -> io::Result<()>,
) -> Result<(), Walk> {
    let Some(list) = list else {
        return Ok(());
    };
    let mut walker = Elements {
        visit,
        output: None,
        element: PhantomData,
    };
    let mut json = serde_json::Deserializer::from_str(list.get());
    let read = (&mut json).deserialize_seq(&mut walker);
    if let Some(err) = walker.output.take() {
        return Err(Walk::Output(err));
    }
    read.map_err(|err| Walk::Json(err, list.get().as_ptr()))
}

/// `err`, read from a list that starts `offset` bytes into its line, as serde_json words
/// it, with the column counted from the start of the line as for any other bad record.
fn in_line(err: &serde_json::Error, offset: usize) -> String {
    let text = err.to_string();
    let at = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&at) {
        Some(what) if err.line() == 1 => {
            format!("{what} at line 1 column {}", offset + err.column())
        }
        _ => text,
    }
}

/// The visitor [`each`] walks an array with.
struct Elements<F, T> {
    visit: F,
    /// The error `visit` returned, if it stopped the walk.
    output: Option<io::Error>,
    element: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>, F: FnMut(T) -> io::Result<()>> Visitor<'de> for &mut Elements<F, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(element) = seq.next_element::<T>()? {
            if let Err(err) = (self.visit)(element) {
                self.output = Some(err);
                return Err(de::Error::custom("output error"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `line` gives, as `field name` strings, in the order they are checked.
    fn names_of(line: &str) -> Vec<String> {
        let record: Record<'_> = serde_json::from_str(line).unwrap();
        let eve = record.event_type.0.is_some();
        let mut seen = Vec::new();
        let walked = names(&record, eve, &mut |field, text| {
            if let Some(name) = text.as_bytes() {
                seen.push(format!(
                    "{} {}",
                    field.as_str(),
                    String::from_utf8_lossy(name)
                ));
            }
            Ok(())
        });
        assert!(walked.is_ok());
        seen
    }

    #[test]
    fn eve_dns_names_come_in_record_order_whatever_the_key_order() {
        let line = r#"{"dns":{"grouped":{"MX":["m"],"CNAME":["c"]},"answers":[{"rrname":"o","rrtype":"PTR","rdata":"p"},{"rrname":"o2","rrtype":"A","rdata":"1.2.3.4"}],"queries":[{"rrname":"q2"}],"rrname":"q1"},"event_type":"dns"}"#;
        assert_eq!(
            names_of(line),
            [
                "dns.query q1",
                "dns.query q2",
                "dns.answer o",
                "dns.answer p",
                "dns.answer o2",
                "dns.answer c",
                "dns.answer m"
            ]
        );
    }

    #[test]
    fn zeek_names_come_in_record_order_and_odd_elements_read_as_absent() {
        let line = r#"{"host":"h","answers":["a1",7,null,"a2"],"server_name":"s","query":"q"}"#;
        assert_eq!(
            names_of(line),
            [
                "dns.query q",
                "dns.answer a1",
                "dns.answer a2",
                "tls.sni s",
                "http.host h"
            ]
        );
    }

    #[test]
    fn a_list_of_the_wrong_shape_is_an_error_before_any_name() {
        for line in [
            r#"{"query":"q","answers":"a"}"#,
            r#"{"event_type":"dns","dns":{"rrname":"q","answers":["a"]}}"#,
            r#"{"event_type":"dns","dns":{"rrname":"q","grouped":{"CNAME":{}}}}"#,
        ] {
            let record: Record<'_> = serde_json::from_str(line).unwrap();
            let eve = record.event_type.0.is_some();
            let walked = names(&record, eve, &mut |_, _| Ok(()));
            assert!(matches!(walked, Err(Walk::Json(..))), "{line}");
        }
    }

    #[test]
    fn a_bad_list_is_reported_where_a_whole_record_reading_finds_it() {
        // The record types as they were before lists were walked: Vecs read with the record.
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Whole<'a> {
            #[serde(borrow)]
            answers: Option<Vec<Text<'a>>>,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct WholeEve<'a> {
            #[serde(borrow)]
            dns: WholeDns<'a>,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct WholeDns<'a> {
            #[serde(borrow)]
            answers: Option<Vec<EveAnswer<'a>>>,
        }
        let zeek = r#"{"query":"q", "answers":"abc"}"#;
        let zeek_map = r#"{"answers":{"a":1}}"#;
        let eve = r#"{"event_type":"dns","dns":{"answers":[{"rrname":"a"}, "b"]}}"#;
        let cases = [
            (zeek, false, whole_error::<Whole<'_>>(zeek)),
            (zeek_map, false, whole_error::<Whole<'_>>(zeek_map)),
            (eve, true, whole_error::<WholeEve<'_>>(eve)),
        ];
        for (line, eve, whole) in cases {
            let record: Record<'_> = serde_json::from_str(line).unwrap();
            let Err(Walk::Json(err, list)) = names(&record, eve, &mut |_, _| Ok(())) else {
                panic!("{line} was read");
            };
            let offset = list as usize - line.as_ptr() as usize;
            assert_eq!(in_line(&err, offset), whole, "{line}");
        }
    }

    /// The error reading all of `line` as a `T` gives.
    fn whole_error<'a, T: Deserialize<'a>>(line: &'a str) -> String {
        match serde_json::from_str::<T>(line) {
            Ok(_) => panic!("{line} was read"),
            Err(err) => err.to_string(),
        }
    }
}
