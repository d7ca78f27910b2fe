//! `ddns providers`: the providers of a list as a table, JSON or Markdown.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use ddns_core::{Matcher, ProviderClass};
use serde::Serialize;

use crate::failure::Failure;
use crate::output::counted;

#[derive(Serialize)]
struct ProviderRow<'a> {
    id: &'a str,
    name: &'a str,
    website: Option<&'a str>,
    country: Option<&'a str>,
    abuse: &'static str,
    class: &'static str,
    status: &'static str,
    /// Only known for the embedded default catalog (compiled lists do not store it).
    #[serde(skip_serializing_if = "Option::is_none")]
    operator: Option<&'static str>,
    free_subdomains: bool,
    block_entries: u32,
    allow_entries: u32,
}

#[derive(Serialize)]
struct ProviderList<'a> {
    provider_count: usize,
    entry_count: u64,
    providers: Vec<ProviderRow<'a>>,
}

/// How `ddns providers` prints its list.
#[derive(Clone, Copy)]
pub(crate) enum ProvidersFormat {
    Text,
    Json,
    Markdown,
}

/// Prints the providers of `matcher`, only those of the classes in `classes` when it names
/// any. `default`
/// says the list is the embedded default one, whose operators are known.
pub(crate) fn providers(
    matcher: &Matcher,
    format: ProvidersFormat,
    classes: &[ProviderClass],
    default: bool,
) -> Result<ExitCode, Failure> {
    let rows: Vec<ProviderRow<'_>> = matcher
        .providers()
        .iter()
        .filter(|p| classes.is_empty() || classes.contains(&p.class()))
        .map(|p| ProviderRow {
            id: p.id(),
            name: p.name(),
            website: p.website(),
            country: p.country(),
            abuse: p.abuse().as_str(),
            class: p.class().as_str(),
            status: p.status().as_str(),
            operator: if default {
                ddns_core::default_operator(p.id())
            } else {
                None
            },
            free_subdomains: p.offers_free_subdomains(),
            block_entries: p.block_entries(),
            allow_entries: p.allow_entries(),
        })
        .collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        ProvidersFormat::Json => {
            let list = ProviderList {
                provider_count: rows.len(),
                entry_count: matcher.entry_count(),
                providers: rows,
            };
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
        ProvidersFormat::Markdown => write_markdown(&mut out, rows)?,
        ProvidersFormat::Text => write_table(&mut out, &rows, matcher.entry_count())?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The plain table: one aligned line per provider, in list order.
fn write_table(out: &mut impl Write, rows: &[ProviderRow<'_>], entry_count: u64) -> io::Result<()> {
    let id_width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0).max(2);
    let name_width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{:id_width$}  {:name_width$}  {:>6}  {:>5}  {:17}  {:6}  {:12}  FREE",
        "ID", "NAME", "BLOCK", "ALLOW", "CLASS", "STATUS", "ABUSE"
    )?;
    for row in rows {
        writeln!(
            out,
            "{:id_width$}  {:name_width$}  {:>6}  {:>5}  {:17}  {:6}  {:12}  {}",
            row.id,
            row.name,
            row.block_entries,
            row.allow_entries,
            row.class,
            row.status,
            row.abuse,
            if row.free_subdomains { "yes" } else { "no" }
        )?;
    }
    writeln!(out, "{} providers, {} entries", rows.len(), entry_count)?;
    Ok(())
}

/// A Markdown table sorted by provider id, then a totals line.
fn write_markdown(out: &mut impl Write, mut rows: Vec<ProviderRow<'_>>) -> io::Result<()> {
    rows.sort_by(|a, b| a.id.cmp(b.id));
    writeln!(
        out,
        "| Provider id | Name | Country | Class | Status | Free sub-domains | Abuse posture | Block entries | Allow entries |"
    )?;
    writeln!(
        out,
        "| --- | --- | --- | --- | --- | --- | --- | ---: | ---: |"
    )?;
    for row in &rows {
        let name = match row.website {
            Some(url) => format!("[{}]({})", markdown_text(row.name), markdown_url(url)),
            None => markdown_text(row.name),
        };
        writeln!(
            out,
            "| {} | {name} | {} | {} | {} | {} | {} | {} | {} |",
            markdown_id(row.id),
            row.country.map_or_else(|| "-".to_string(), markdown_text),
            row.class,
            row.status,
            if row.free_subdomains { "yes" } else { "no" },
            row.abuse,
            row.block_entries,
            row.allow_entries,
        )?;
    }
    let block: u64 = rows.iter().map(|r| u64::from(r.block_entries)).sum();
    let allow: u64 = rows.iter().map(|r| u64::from(r.allow_entries)).sum();
    writeln!(out)?;
    writeln!(
        out,
        "Total: {}, {} ({block} block, {allow} allow).",
        counted(rows.len() as u64, "provider"),
        counted(block + allow, "entry"),
    )
}

/// A provider id as code; one holding characters catalogs do not allow in ids (a compiled
/// list from elsewhere) as escaped text instead.
fn markdown_id(id: &str) -> String {
    let plain = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if plain && !id.is_empty() {
        format!("`{id}`")
    } else {
        markdown_text(id)
    }
}

/// Text for a Markdown table cell: characters Markdown would read as syntax are escaped.
fn markdown_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A URL as a Markdown link destination inside a table cell.
fn markdown_url(url: &str) -> String {
    let mut encoded = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => encoded.push_str("%20"),
            '(' => encoded.push_str("%28"),
            ')' => encoded.push_str("%29"),
            '<' => encoded.push_str("%3C"),
            '>' => encoded.push_str("%3E"),
            '|' => encoded.push_str("%7C"),
            _ => encoded.push(c),
        }
    }
    encoded
}
