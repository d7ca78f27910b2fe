//! `ddns check`: one answer per name, from the arguments or standard input.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use ddns_core::{Match, Matcher, Verdict};
use serde::Serialize;

use crate::failure::Failure;
use crate::lines::{Line, Lines};
use crate::output::shown;

/// A line of standard input longer than this is skipped and reported (exit status 2), and
/// never held whole. A DNS name is at most 253 bytes, a host with a port or brackets a few
/// more; 64 KiB leaves room for odd padding while keeping `ddns check < /dev/zero` small.
const MAX_LINE: usize = 64 << 10;

/// One name's answer as `--json` prints it.
#[derive(Serialize)]
struct Answer<'a> {
    name: String,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    abuse: Option<&'static str>,
    /// The provider's class (`free-anonymous`, `device-assigned`, ...; docs/catalog.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_labels: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    malformed: Option<bool>,
    /// Present and true when the name is a zone's apex, the provider's own name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    zone_apex: bool,
}

/// The host part of `name` in front of the base domain, without the separating dot.
fn sub_domain(name: &[u8], found: &Match) -> Option<String> {
    let start = found.base_span().start;
    (start > 0).then(|| shown(&name[..start - 1]))
}

fn answer<'m>(matcher: &'m Matcher, name: &[u8]) -> (Answer<'m>, bool) {
    let Some(found) = matcher.find_host(name) else {
        let none = Answer {
            name: shown(name),
            verdict: "none",
            provider: None,
            provider_name: None,
            abuse: None,
            class: None,
            base: None,
            sub_domain: None,
            sub_labels: None,
            malformed: None,
            zone_apex: false,
        };
        return (none, false);
    };
    let provider = matcher.provider(found.provider());
    let blocked = found.verdict() == Verdict::Block;
    let answer = Answer {
        name: shown(name),
        verdict: if blocked { "block" } else { "allow" },
        provider: Some(provider.id()),
        provider_name: Some(provider.name()),
        abuse: Some(provider.abuse().as_str()),
        class: Some(provider.class().as_str()),
        base: Some(shown(&name[found.base_span()]).to_ascii_lowercase()),
        sub_domain: sub_domain(name, &found),
        sub_labels: Some(found.sub_labels()),
        malformed: Some(found.is_malformed()),
        zone_apex: found.is_zone_apex(),
    };
    (answer, blocked)
}

fn write_text(out: &mut impl Write, answer: &Answer<'_>) -> io::Result<()> {
    let name = &answer.name;
    let (Some(id), Some(provider), Some(base)) =
        (answer.provider, answer.provider_name, &answer.base)
    else {
        return writeln!(out, "{name}: no match");
    };
    let malformed = if answer.malformed == Some(true) {
        ", malformed"
    } else {
        ""
    };
    if answer.zone_apex {
        return writeln!(
            out,
            "{name}: allowed, the apex of {provider} [{id}]'s zone {base}: the provider's own \
             name, not a user's{malformed}"
        );
    }
    if answer.verdict == "allow" {
        return writeln!(
            out,
            "{name}: allowed by {base} ({provider} [{id}]){malformed}"
        );
    }
    match &answer.sub_domain {
        Some(sub) => writeln!(
            out,
            "{name}: {provider} [{id}], base {base}, sub-domain {sub}{malformed}"
        ),
        None => writeln!(
            out,
            "{name}: {provider} [{id}], base {base}, no sub-domain{malformed}"
        ),
    }
}

pub(crate) fn check(
    matcher: &Matcher,
    json: bool,
    names: Vec<String>,
) -> Result<ExitCode, Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut matched = false;
    let mut failed = false;
    let mut one = |name: &[u8], out: &mut BufWriter<_>| -> io::Result<()> {
        let (answer, blocked) = answer(matcher, name);
        matched |= blocked;
        if json {
            serde_json::to_writer(&mut *out, &answer)?;
            writeln!(out)
        } else {
            write_text(out, &answer)
        }
    };
    if names.is_empty() {
        let mut lines = Lines::new(Box::new(io::stdin().lock()), MAX_LINE);
        loop {
            let (number, line) = match lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(err) => {
                    warn!("ddns: <stdin>:{}: cannot read: {err}", lines.number() + 1);
                    failed = true;
                    break;
                }
            };
            match line {
                Line::TooLong(length) => {
                    warn!(
                        "ddns: <stdin>:{number}: line of {length} bytes is longer than {} KiB, \
                         skipped",
                        MAX_LINE >> 10
                    );
                    failed = true;
                }
                Line::Text(name) => {
                    let name = name.trim_ascii();
                    if !name.is_empty() {
                        one(name, &mut out)?;
                    }
                }
            }
        }
    } else {
        for (index, name) in names.iter().enumerate() {
            if name.is_empty() {
                warn!("ddns: argument {}: empty name", index + 1);
                failed = true;
                continue;
            }
            one(name.as_bytes(), &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(match (failed, matched) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }))
}
