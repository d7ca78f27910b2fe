//! `ddns scan --summary`: hits per provider and per client address, with first and last seen.
//!
//! Memory is one counter per provider of the list and one per distinct client address seen
//! in a hit: bounded by the list and the network, not by the size of the logs.

use std::collections::HashMap;
use std::io::{self, Write};

use ddns_core::Matcher;
use serde::Serialize;

use crate::output::counted;

/// Hits of one provider or one client.
#[derive(Default)]
struct Tally {
    hits: u64,
    first: Option<Seen>,
    last: Option<Seen>,
}

/// A timestamp as the log wrote it, with its value for ordering.
struct Seen {
    seconds: f64,
    text: String,
}

impl Tally {
    fn add(&mut self, ts: Option<&str>) {
        self.hits += 1;
        let Some((text, seconds)) = ts.and_then(|ts| Some((ts, seconds(ts)?))) else {
            return;
        };
        if self
            .first
            .as_ref()
            .is_none_or(|first| seconds < first.seconds)
        {
            self.first = Some(Seen {
                seconds,
                text: text.to_string(),
            });
        }
        if self.last.as_ref().is_none_or(|last| seconds > last.seconds) {
            self.last = Some(Seen {
                seconds,
                text: text.to_string(),
            });
        }
    }

    fn first(&self) -> Option<&str> {
        self.first.as_ref().map(|seen| seen.text.as_str())
    }

    fn last(&self) -> Option<&str> {
        self.last.as_ref().map(|seen| seen.text.as_str())
    }
}

/// The counts `--summary` prints.
pub(super) struct Summary {
    providers: Vec<Tally>,
    clients: HashMap<String, Tally>,
}

/// Totals over every input, printed with the summary.
pub(super) struct Totals {
    pub inputs: usize,
    pub records: u64,
    pub hits: u64,
    pub bad_records: u64,
}

#[derive(Serialize)]
struct ProviderLine<'a> {
    id: &'a str,
    name: &'a str,
    class: &'static str,
    status: &'static str,
    hits: u64,
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
}

#[derive(Serialize)]
struct ClientLine<'a> {
    client: &'a str,
    hits: u64,
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    inputs: usize,
    records: u64,
    hits: u64,
    bad_records: u64,
    providers: Vec<ProviderLine<'a>>,
    clients: Vec<ClientLine<'a>>,
}

impl Summary {
    pub(super) fn new(matcher: &Matcher) -> Summary {
        Summary {
            providers: matcher
                .providers()
                .iter()
                .map(|_| Tally::default())
                .collect(),
            clients: HashMap::new(),
        }
    }

    /// Counts a hit of provider `provider` (an index into the matcher's providers).
    pub(super) fn add(&mut self, provider: usize, client: Option<&str>, ts: Option<&str>) {
        self.providers[provider].add(ts);
        let client = client.unwrap_or("-");
        match self.clients.get_mut(client) {
            Some(tally) => tally.add(ts),
            None => {
                let mut tally = Tally::default();
                tally.add(ts);
                self.clients.insert(client.to_string(), tally);
            }
        }
    }

    pub(super) fn write(
        &self,
        out: &mut impl Write,
        matcher: &Matcher,
        totals: &Totals,
        json: bool,
    ) -> io::Result<()> {
        let mut providers: Vec<ProviderLine<'_>> = self
            .providers
            .iter()
            .zip(matcher.providers())
            .filter(|(tally, _)| tally.hits > 0)
            .map(|(tally, provider)| ProviderLine {
                id: provider.id(),
                name: provider.name(),
                class: provider.class().as_str(),
                status: provider.status().as_str(),
                hits: tally.hits,
                first_seen: tally.first(),
                last_seen: tally.last(),
            })
            .collect();
        providers.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.id.cmp(b.id)));
        let mut clients: Vec<ClientLine<'_>> = self
            .clients
            .iter()
            .map(|(client, tally)| ClientLine {
                client,
                hits: tally.hits,
                first_seen: tally.first(),
                last_seen: tally.last(),
            })
            .collect();
        clients.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.client.cmp(b.client)));
        if json {
            let summary = SummaryJson {
                inputs: totals.inputs,
                records: totals.records,
                hits: totals.hits,
                bad_records: totals.bad_records,
                providers,
                clients,
            };
            serde_json::to_writer_pretty(&mut *out, &summary)?;
            return writeln!(out);
        }
        writeln!(
            out,
            "{} in {} from {}, {}",
            counted(totals.hits, "hit"),
            counted(totals.records, "record"),
            counted(totals.inputs as u64, "input"),
            counted(totals.bad_records, "bad record"),
        )?;
        let rows: Vec<[String; 6]> = providers
            .iter()
            .map(|p| {
                [
                    p.id.to_string(),
                    p.name.to_string(),
                    p.class.to_string(),
                    p.hits.to_string(),
                    p.first_seen.unwrap_or("-").to_string(),
                    p.last_seen.unwrap_or("-").to_string(),
                ]
            })
            .collect();
        writeln!(out)?;
        table(
            out,
            [
                "PROVIDER",
                "NAME",
                "CLASS",
                "HITS",
                "FIRST SEEN",
                "LAST SEEN",
            ],
            &rows,
        )?;
        let rows: Vec<[String; 4]> = clients
            .iter()
            .map(|c| {
                [
                    c.client.to_string(),
                    c.hits.to_string(),
                    c.first_seen.unwrap_or("-").to_string(),
                    c.last_seen.unwrap_or("-").to_string(),
                ]
            })
            .collect();
        writeln!(out)?;
        table(out, ["CLIENT", "HITS", "FIRST SEEN", "LAST SEEN"], &rows)
    }
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn table<const N: usize>(
    out: &mut impl Write,
    titles: [&str; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let mut widths = titles.map(|title| title.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
        let mut text = String::new();
        for (at, cell) in cells.iter().enumerate() {
            if at + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = widths[at] - cell.chars().count();
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        writeln!(out, "{text}")
    };
    line(out, &titles)?;
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &cells)?;
    }
    Ok(())
}

/// Seconds since 1970 of a log timestamp, for ordering: Zeek's `1700000000.123456` (or
/// milliseconds from Zeek's JSON::TS_MILLIS), or ISO 8601 as Suricata and Zeek's
/// JSON::TS_ISO8601 write it (`2023-11-14T22:13:20.123456+0000`, `...Z`, `...+01:00`).
pub(super) fn seconds(ts: &str) -> Option<f64> {
    if let Ok(value) = ts.parse::<f64>() {
        if !value.is_finite() {
            return None;
        }
        // No log of this century has 1e11 seconds since 1970: that is milliseconds.
        return Some(if value.abs() >= 1e11 {
            value / 1000.0
        } else {
            value
        });
    }
    iso8601(ts)
}

fn iso8601(ts: &str) -> Option<f64> {
    let bytes = ts.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let separators_ok = bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && matches!(bytes.get(10), Some(b'T' | b't' | b' '))
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':');
    if !separators_ok {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &ts[19..];
    let mut fraction = 0.0;
    if let Some(after) = rest.strip_prefix('.') {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        fraction = format!("0.{}", &after[..digits]).parse().ok()?;
        rest = &after[digits..];
    }
    let offset_minutes = match rest.as_bytes() {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let zone: Vec<u8> = zone.iter().copied().filter(|&b| b != b':').collect();
            if zone.len() != 4 || !zone.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let hours = i64::from(zone[0] - b'0') * 10 + i64::from(zone[1] - b'0');
            let minutes = i64::from(zone[2] - b'0') * 10 + i64::from(zone[3] - b'0');
            let total = hours * 60 + minutes;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds as f64 + fraction)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_of_zeek_and_suricata_read_as_the_same_instant() {
        let zeek = seconds("1700000000.250000").unwrap();
        assert_eq!(zeek, 1_700_000_000.25);
        assert_eq!(seconds("2023-11-14T22:13:20.250000+0000"), Some(zeek));
        assert_eq!(seconds("2023-11-14T22:13:20.25Z"), Some(zeek));
        assert_eq!(seconds("2023-11-14T23:13:20.25+01:00"), Some(zeek));
        assert_eq!(seconds("1700000000250"), Some(zeek));
        assert_eq!(seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(seconds("2000-03-01T00:00:00Z"), Some(951_868_800.0));
        assert_eq!(seconds("yesterday"), None);
        assert_eq!(seconds("2023-13-14T22:13:20Z"), None);
        assert_eq!(seconds("NaN"), None);
    }
}
