//! `ddns import`: third-party block lists (hosts files, Adblock filters, dnsmasq, RPZ and
//! Unbound configurations, wildcard lists, ddns plain lists) into a catalog or a compiled
//! list.
//!
//! Each line is read by the format's parser ([`formats`]) into domain entries, or ignored
//! (comments, blank lines, settings that are not list entries), or skipped with a reason
//! printed as `file:line: why`. The domains then go through `Catalog::add_entry`, which
//! checks them as `ddns compile` would.

mod formats;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use ddns_core::{Catalog, CatalogEntry, CatalogFormat, MatcherBuilder, Origin};

use crate::failure::Failure;
use crate::lines::{Line, Lines};
use crate::output::{counted, write_atomically};
use formats::{LineParser, Parsed};

/// A line longer than this is skipped and reported without being held: the input is read
/// line by line, so memory grows with the entries kept, not with the file.
const MAX_LINE: usize = 16 << 20;

/// The list formats `ddns import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportFormat {
    /// hosts(5) lines: an address, then names (each imported as a domain entry).
    Hosts,
    /// Adblock-style DNS rules: `||domain^`, `@@||domain^` exceptions, `$important`.
    Adblock,
    /// dnsmasq `address=/d/.../`, `local=/d/`, `server=/d/` blocks and `server=/d/#`
    /// exceptions.
    Dnsmasq,
    /// A response policy zone: QNAME triggers; `rpz-passthru.` answers are exceptions.
    Rpz,
    /// Unbound `local-zone:` lines (transparent types are exceptions) and `local-data:`.
    Unbound,
    /// One `*.domain`, `.domain` or `domain` per line.
    Wildcard,
    /// The ddns plain list: `DOMAIN [PROVIDER-ID]`, `!` for exceptions.
    Text,
}

/// What `ddns import` was asked for.
pub(crate) struct ImportOptions {
    pub format: ImportFormat,
    pub provider: String,
    pub origin: Option<String>,
    pub strict: bool,
}

/// Lines of one input by what became of them.
#[derive(Default)]
struct Counts {
    used: u64,
    skipped: u64,
    ignored: u64,
}

/// The catalog being built and the domains already in it.
struct Import {
    catalog: Catalog,
    /// Normalised domain -> (allow, where it was first listed).
    seen: HashMap<String, (bool, Origin)>,
    block: u64,
    allow: u64,
}

impl Import {
    /// Adds one domain; `Err` says why it was not added.
    fn add(
        &mut self,
        provider: &str,
        domain: &str,
        allow: bool,
        zone: bool,
        origin: Origin,
    ) -> Result<(), String> {
        let key = domain
            .strip_suffix('.')
            .unwrap_or(domain)
            .to_ascii_lowercase();
        if let Some((kind, first)) = self.seen.get(&key) {
            if *kind == allow {
                return Ok(());
            }
            let (listed, now) = if *kind {
                ("an exception", "blocked")
            } else {
                ("blocked", "an exception")
            };
            return Err(format!(
                "'{domain}' is {listed} at {first} and {now} here; the first is kept"
            ));
        }
        let mut entry = match (allow, zone) {
            (true, _) => CatalogEntry::allow(domain),
            (false, true) => CatalogEntry::zone(domain),
            (false, false) => CatalogEntry::block(domain),
        };
        entry.origin = Some(origin.clone());
        if let Err(err) = self.catalog.add_entry(provider, entry) {
            // The error reads "file:line: 'domain': why"; the caller adds file and line.
            let text = err.to_string();
            let prefix = format!("{origin}: ");
            return Err(text.strip_prefix(&prefix).unwrap_or(&text).to_string());
        }
        self.seen.insert(key, (allow, origin));
        if allow {
            self.allow += 1;
        } else {
            self.block += 1;
        }
        Ok(())
    }
}

pub(crate) fn import(
    options: &ImportOptions,
    files: &[PathBuf],
    output: &Path,
) -> Result<ExitCode, Failure> {
    // A bad --provider is one error, not one per line.
    Catalog::new()
        .add_entry(&options.provider, CatalogEntry::block("example.org"))
        .map_err(|err| Failure(format!("--provider: {err}")))?;
    let mut import = Import {
        catalog: Catalog::new(),
        seen: HashMap::new(),
        block: 0,
        allow: 0,
    };
    let mut total = Counts::default();
    for path in files {
        let counts = import_file(&mut import, options, path)?;
        warn!(
            "ddns: {}: {} used, {} skipped, {} ignored",
            path.display(),
            counted(counts.used, "line"),
            counts.skipped,
            counts.ignored
        );
        total.used += counts.used;
        total.skipped += counts.skipped;
        total.ignored += counts.ignored;
    }
    if options.strict && total.skipped > 0 {
        return Err(Failure(format!(
            "{} skipped (--strict): nothing written",
            counted(total.skipped, "line")
        )));
    }
    if import.block + import.allow == 0 {
        return Err(Failure(format!(
            "no entries found: no line of the input is a {} entry",
            options
                .format
                .to_possible_value()
                .expect("no skipped variants")
                .get_name()
        )));
    }
    let bytes = match CatalogFormat::from_path(output) {
        CatalogFormat::Toml => import.catalog.to_toml().into_bytes(),
        CatalogFormat::Json => import.catalog.to_json().into_bytes(),
        _ if output.extension().is_some_and(|ext| ext == "ddns") => {
            MatcherBuilder::new().compile(&import.catalog)?
        }
        _ => import.catalog.to_list().into_bytes(),
    };
    write_atomically(output, &bytes)?;
    warn!(
        "ddns: wrote {}: {} block and {} allow entries from {}",
        crate::output::output_name(output),
        import.block,
        import.allow,
        if files.len() == 1 {
            "1 file".to_string()
        } else {
            format!("{} files", files.len())
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn import_file(
    import: &mut Import,
    options: &ImportOptions,
    path: &Path,
) -> Result<Counts, Failure> {
    let cannot_read =
        |err: std::io::Error| Failure(format!("{}: cannot read: {err}", path.display()));
    let mut lines = Lines::new(Box::new(File::open(path).map_err(cannot_read)?), MAX_LINE);
    let file: Arc<str> = Arc::from(path.display().to_string());
    let mut parser = LineParser::new(options.format, options.origin.as_deref());
    let mut counts = Counts::default();
    let report = |line: u32, why: &str| {
        warn!("ddns: {file}:{line}: {}", crate::output::cut_message(why));
    };
    while let Some((number, line)) = lines.next_line().map_err(cannot_read)? {
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        let raw = match line {
            Line::Text(raw) => raw,
            Line::TooLong(length) => {
                report(
                    number,
                    &format!(
                        "line of {length} bytes is longer than {} MiB, skipped",
                        MAX_LINE >> 20
                    ),
                );
                counts.skipped += 1;
                continue;
            }
        };
        let parsed = match std::str::from_utf8(raw) {
            Ok(line) => parser.line(line, number),
            Err(err) => Parsed::Skip(format!("not UTF-8 at column {}", err.valid_up_to() + 1)),
        };
        match parsed {
            Parsed::Ignore => counts.ignored += 1,
            Parsed::Skip(why) => {
                report(number, &why);
                counts.skipped += 1;
            }
            Parsed::Entries { at, entries } => {
                let mut added = false;
                for entry in entries {
                    let provider = entry.provider.as_deref().unwrap_or(&options.provider);
                    let origin = Origin {
                        file: file.clone(),
                        line: Some(at),
                    };
                    match import.add(provider, &entry.domain, entry.allow, entry.zone, origin) {
                        Ok(()) => added = true,
                        Err(why) => report(at, &why),
                    }
                }
                if added {
                    counts.used += 1;
                } else {
                    counts.skipped += 1;
                }
            }
        }
    }
    for (line, why) in parser.finish() {
        report(line, &why);
        counts.skipped += 1;
    }
    Ok(counts)
}
