//! The `ddns` command: check names against the embedded default list or a list of your own,
//! show the providers of a list, and compile catalogs into list files.
//!
//! Exit status follows grep: 0 when at least one name matched, 1 when none did, 2 on error.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ddns_core::{Catalog, CatalogFormat, MAGIC, Match, Matcher, MatcherBuilder, Verdict};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "ddns",
    version,
    about = "Tells whether host names belong to dynamic-DNS providers, and which ones."
)]
struct Cli {
    /// A compiled list file (from `ddns compile`) or a catalog (.toml, .json, or a plain
    /// list) to use instead of the embedded default list.
    #[arg(long, global = true, value_name = "FILE")]
    list: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check host names: from the arguments, or one per line from standard input.
    ///
    /// Names may carry a port (`host:8443`) and a trailing dot; IP literals never match.
    /// Exit status: 0 when at least one name matched, 1 when none did, 2 on error.
    Check {
        /// Print one JSON object per name instead of a line of text.
        #[arg(long)]
        json: bool,
        /// Names to check; standard input when none are given.
        #[arg(value_name = "NAME")]
        names: Vec<String>,
    },
    /// List the providers of the loaded list with their entry counts.
    Providers {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Print a Markdown table sorted by provider id, with a totals line (the table in
        /// docs/catalog.md).
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Compile catalogs and plain lists into one list file for `--list` and the C library.
    Compile {
        /// Catalog files: `.toml`, `.json`, anything else is read as a plain list.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<PathBuf>,
        /// Where to write the compiled list (replaced atomically).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Refuse duplicate entries and block entries nested under a block entry of the same
        /// provider, instead of keeping them.
        #[arg(long)]
        strict: bool,
    },
}

/// A failure to report on stderr before exiting with status 2.
struct Failure(String);

macro_rules! failure_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(err: $error) -> Failure {
                Failure(err.to_string())
            }
        }
    )*};
}

failure_from!(
    ddns_core::CatalogError,
    ddns_core::LoadError,
    ddns_core::BuildError,
    serde_json::Error
);

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        if err.kind() == io::ErrorKind::BrokenPipe {
            // The reader went away (`ddns check ... | head`): stop quietly, like grep.
            std::process::exit(0);
        }
        Failure(format!("cannot write output: {err}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("ddns: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Check { json, names } => check(&load(cli.list.as_deref())?, json, names),
        Command::Providers { json, markdown } => {
            let format = match (json, markdown) {
                (true, _) => ProvidersFormat::Json,
                (false, true) => ProvidersFormat::Markdown,
                (false, false) => ProvidersFormat::Text,
            };
            providers(&load(cli.list.as_deref())?, format)
        }
        Command::Compile {
            inputs,
            output,
            strict,
        } => compile(&inputs, &output, strict),
    }
}

/// The default list, or `path`: a compiled list when it starts with the magic, else a catalog.
fn load(path: Option<&Path>) -> Result<Matcher, Failure> {
    let Some(path) = path else {
        return Ok(Matcher::default_ref().clone());
    };
    if is_compiled(path)? {
        return Ok(Matcher::open(path)?);
    }
    let catalog = Catalog::read(path)?;
    Ok(Matcher::new(&catalog)?)
}

fn is_compiled(path: &Path) -> Result<bool, Failure> {
    use std::io::Read;
    let mut head = [0u8; MAGIC.len()];
    let mut file = std::fs::File::open(path)
        .map_err(|err| Failure(format!("{}: cannot open: {err}", path.display())))?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(err) => return Err(Failure(format!("{}: cannot read: {err}", path.display()))),
        }
    }
    Ok(read == head.len() && head == MAGIC)
}

// ---- check ---------------------------------------------------------------------------

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
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_labels: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    malformed: Option<bool>,
}

/// Bytes as text a terminal shows safely: printable ASCII as is, the rest escaped.
fn shown(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => bytes.escape_ascii().to_string(),
    }
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
            base: None,
            sub_domain: None,
            sub_labels: None,
            malformed: None,
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
        base: Some(shown(&name[found.base_span()]).to_ascii_lowercase()),
        sub_domain: sub_domain(name, &found),
        sub_labels: Some(found.sub_labels()),
        malformed: Some(found.is_malformed()),
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

fn check(matcher: &Matcher, json: bool, names: Vec<String>) -> Result<ExitCode, Failure> {
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
        let stdin = io::stdin();
        let mut input = stdin.lock();
        let mut line = Vec::new();
        let mut number = 0usize;
        loop {
            line.clear();
            match input.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) => {
                    eprintln!("ddns: <stdin>:{}: cannot read: {err}", number + 1);
                    failed = true;
                    break;
                }
            }
            number += 1;
            let name = line.strip_suffix(b"\n").unwrap_or(&line);
            let name = name.strip_suffix(b"\r").unwrap_or(name);
            let name = name.trim_ascii();
            if !name.is_empty() {
                one(name, &mut out)?;
            }
        }
    } else {
        for (index, name) in names.iter().enumerate() {
            if name.is_empty() {
                eprintln!("ddns: argument {}: empty name", index + 1);
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

// ---- providers -----------------------------------------------------------------------

#[derive(Serialize)]
struct ProviderRow<'a> {
    id: &'a str,
    name: &'a str,
    website: Option<&'a str>,
    country: Option<&'a str>,
    abuse: &'static str,
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
enum ProvidersFormat {
    Text,
    Json,
    Markdown,
}

fn providers(matcher: &Matcher, format: ProvidersFormat) -> Result<ExitCode, Failure> {
    let rows: Vec<ProviderRow<'_>> = matcher
        .providers()
        .iter()
        .map(|p| ProviderRow {
            id: p.id(),
            name: p.name(),
            website: p.website(),
            country: p.country(),
            abuse: p.abuse().as_str(),
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
        "{:id_width$}  {:name_width$}  {:>6}  {:>5}  {:12}  FREE",
        "ID", "NAME", "BLOCK", "ALLOW", "ABUSE"
    )?;
    for row in rows {
        writeln!(
            out,
            "{:id_width$}  {:name_width$}  {:>6}  {:>5}  {:12}  {}",
            row.id,
            row.name,
            row.block_entries,
            row.allow_entries,
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
        "| Provider id | Name | Country | Free sub-domains | Abuse posture | Block entries | Allow entries |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | ---: | ---: |")?;
    for row in &rows {
        let name = match row.website {
            Some(url) => format!("[{}]({})", markdown_text(row.name), markdown_url(url)),
            None => markdown_text(row.name),
        };
        writeln!(
            out,
            "| {} | {name} | {} | {} | {} | {} | {} |",
            markdown_id(row.id),
            row.country.map_or_else(|| "-".to_string(), markdown_text),
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

/// `1 provider`, `2 providers`, `1 entry`, `3 entries`.
fn counted(count: u64, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        (_, None) => format!("{count} {noun}s"),
    }
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

// ---- compile -------------------------------------------------------------------------

fn compile(inputs: &[PathBuf], output: &Path, strict: bool) -> Result<ExitCode, Failure> {
    let mut catalog = Catalog::new();
    for input in inputs {
        if is_compiled(input)? {
            return Err(Failure(format!(
                "{}: already a compiled list; give the catalogs it was compiled from",
                input.display()
            )));
        }
        catalog.merge(Catalog::read_as(input, CatalogFormat::from_path(input))?)?;
    }
    let matcher = MatcherBuilder::new()
        .reject_redundant(strict)
        .build(&catalog)?;
    let bytes = matcher.as_bytes();
    // Write next to the target and rename over it, so a process mapping the old file never
    // sees a half-written one.
    let mut temporary = output.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, output));
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(Failure(format!(
            "{}: cannot write: {err}",
            output.display()
        )));
    }
    eprintln!(
        "ddns: wrote {}: {} providers, {} entries, {} bytes",
        output.display(),
        matcher.providers().len(),
        matcher.entry_count(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
