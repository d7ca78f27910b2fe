//! The `ddns` command: check names and scan logs against the embedded default list or a list
//! of your own, show the providers of a list, compile catalogs into list files, export a list
//! to the formats resolvers and engines read, and import third-party lists.
//!
//! Exit status follows grep: 0 when at least one name matched, 1 when none did, 2 on error.

#![forbid(unsafe_code)]

/// `eprintln!` that survives a closed stderr (`ddns ... 2>&1 | head`): a message nobody can
/// read is not worth a panic, and the exit status still tells what happened.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod check;
mod compile;
mod entries;
mod export;
mod failure;
mod import;
mod lines;
mod list_file;
mod output;
mod providers;
mod scan;
mod verify;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ddns_core::Matcher;
use failure::Failure;

#[derive(Parser)]
#[command(
    name = "ddns",
    version,
    about = "Tells whether host names belong to dynamic-DNS providers, and which ones."
)]
struct Cli {
    /// A compiled list file (from `ddns compile`) or a catalog (.toml, .json, or a plain
    /// list) to use instead of the embedded default list; `-` reads it from standard input.
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
        /// List only the providers of this class: unclassified, free-anonymous,
        /// device-assigned, business-firewall or paid (see docs/catalog.md). Repeat it, or
        /// separate classes by commas, for several.
        #[arg(long, value_name = "CLASS", value_parser = parse_class, value_delimiter = ',')]
        class: Vec<ddns_core::ProviderClass>,
    },
    /// Compile catalogs and plain lists into one list file for `--list` and the C library.
    Compile {
        /// Catalog files: `.toml`, `.json`, anything else is read as a plain list; `-` is
        /// standard input.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<PathBuf>,
        /// Where to write the compiled list: `-` is standard output; a file is replaced
        /// atomically (through a symbolic link, its target), a device or FIFO written into.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Refuse duplicate entries and block entries nested under a block entry of the same
        /// provider, instead of keeping them.
        #[arg(long)]
        strict: bool,
    },
    /// Scan DNS, TLS and HTTP logs (Zeek, Suricata EVE, plain names) for DDNS host names.
    ///
    /// Reads the files given, or standard input (also `-`); `.gz` and `.zst` input is
    /// decompressed on the fly. Prints one line per hit: timestamp, client address, field,
    /// name, provider id and base domain, separated by tabs (`-` when the log has no such
    /// value). Memory stays constant whatever the input size; `--summary` keeps one counter
    /// per provider and per client address. Bad records are reported on stderr with file and
    /// line and skipped. Exit status: 0 when anything matched, 1 when nothing did, 2 on error.
    Scan {
        /// The log format; `auto` decides per input from its first line.
        #[arg(long, value_enum, default_value_t = scan::LogFormat::Auto)]
        format: scan::LogFormat,
        /// Print one JSON object per hit (or the summary as one JSON object).
        #[arg(long)]
        json: bool,
        /// Print counts per provider and per client with first and last seen, instead of
        /// the hits.
        #[arg(long)]
        summary: bool,
        /// Stop with exit status 2 at the first bad record instead of skipping it.
        #[arg(long)]
        strict: bool,
        /// Report only names of providers of this class (unclassified, free-anonymous,
        /// device-assigned, business-firewall, paid; docs/catalog.md). Repeat it, or separate
        /// classes by commas, for several.
        #[arg(long, value_name = "CLASS", value_parser = parse_class, value_delimiter = ',')]
        class: Vec<ddns_core::ProviderClass>,
        /// Never report names of providers of this class; repeatable, or comma-separated.
        #[arg(long, value_name = "CLASS", value_parser = parse_class, value_delimiter = ',')]
        ignore_class: Vec<ddns_core::ProviderClass>,
        /// Log files; standard input when none are given or for `-`.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Write the loaded list in a format a resolver or an engine reads.
    ///
    /// See docs/cli.md for what each format can express (exceptions, sub-domains).
    Export {
        /// The output format.
        #[arg(long, value_enum)]
        format: export::ExportFormat,
        /// First signature id of `suricata-rules` (ids count up from it in output order), and the
        /// id of the `suricata-datasets` rule.
        #[arg(long, value_name = "SID", default_value_t = export::DEFAULT_SID_BASE)]
        sid_base: u32,
        /// Answer with this address instead of NXDOMAIN (`rpz`, `unbound`, `dnsmasq`;
        /// `hosts` uses 0.0.0.0 without it).
        #[arg(long, value_name = "ADDRESS")]
        sinkhole: Option<IpAddr>,
        /// SOA serial of the `rpz` zone; seconds since 1970 when not given.
        #[arg(long, value_name = "N")]
        serial: Option<u32>,
        /// Write to this file (replaced atomically, as for `compile -o`) instead of standard
        /// output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check list files completely before deploying them to sensors.
    ///
    /// A compiled list gets every check loading makes (header, sizes, checksum, provider
    /// records) and the full index check (`Matcher::verify`); a catalog is parsed and
    /// built. Prints one line per file; exit status 0 when every file is good, 2 otherwise
    /// (every file is still checked).
    Verify {
        /// Compiled lists or catalogs; `-` is standard input.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Turn third-party block lists into a catalog or a compiled list.
    ///
    /// Lines that cannot be used are reported as `file:line: why` and skipped; a count of
    /// lines used and skipped ends the run. OUT's extension picks what is written: `.toml`
    /// or `.json` catalog, `.ddns` compiled list, anything else a plain list.
    Import {
        /// The format of the input files.
        #[arg(long, value_enum)]
        format: import::ImportFormat,
        /// Provider id for the imported entries (a plain list's own provider column wins).
        #[arg(long, value_name = "ID", default_value = ddns_core::CUSTOM_PROVIDER)]
        provider: String,
        /// Zone name that absolute owner names of an `rpz` file end with, when the file has
        /// no `$ORIGIN` line.
        #[arg(long, value_name = "ZONE")]
        origin: Option<String>,
        /// Write nothing and exit with status 2 when any line is skipped.
        #[arg(long)]
        strict: bool,
        /// Where to write the result (replaced atomically, as for `compile -o`; `-` is
        /// standard output).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Input files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(message)) => {
            warn!("ddns: {message}");
            ExitCode::from(2)
        }
    }
}

/// A provider class named on the command line.
fn parse_class(name: &str) -> Result<ddns_core::ProviderClass, String> {
    ddns_core::ProviderClass::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = ddns_core::ProviderClass::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        format!("unknown class '{name}'; one of {}", names.join(", "))
    })
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let list = cli.list.as_deref();
    refuse_list_on_stdin(list, &cli.command)?;
    match cli.command {
        Command::Check { json, names } => check::check(&load(list)?, json, names),
        Command::Providers {
            json,
            markdown,
            class,
        } => {
            let format = match (json, markdown) {
                (true, _) => providers::ProvidersFormat::Json,
                (false, true) => providers::ProvidersFormat::Markdown,
                (false, false) => providers::ProvidersFormat::Text,
            };
            providers::providers(&load(list)?, format, &class, list.is_none())
        }
        Command::Compile {
            inputs,
            output,
            strict,
        } => compile::compile(&inputs, &output, strict),
        Command::Scan {
            format,
            json,
            summary,
            strict,
            class,
            ignore_class,
            files,
        } => {
            let options = scan::ScanOptions {
                format,
                json,
                summary,
                strict,
                classes: class,
                ignored_classes: ignore_class,
            };
            scan::scan(&load(list)?, &options, &files)
        }
        Command::Export {
            format,
            sid_base,
            sinkhole,
            serial,
            output,
        } => {
            let options = export::ExportOptions {
                format,
                sid_base,
                sinkhole,
                serial,
                source: list.map_or_else(
                    || "the embedded default list".to_string(),
                    |path| path.display().to_string(),
                ),
            };
            export::export(&load(list)?, &options, output.as_deref())
        }
        Command::Verify { files } => Ok(verify::verify(&files)),
        Command::Import {
            format,
            provider,
            origin,
            strict,
            output,
            files,
        } => {
            let options = import::ImportOptions {
                format,
                provider,
                origin,
                strict,
            };
            import::import(&options, &files, &output)
        }
    }
}

/// The default list, or the list file at `path` (see [`list_file::load`]).
fn load(path: Option<&Path>) -> Result<Matcher, Failure> {
    let Some(path) = path else {
        return Ok(Matcher::default_ref().clone());
    };
    list_file::load(path)
}

/// Refuses `--list -` for a command that reads its own input from standard input too: the
/// list would take all of it.
fn refuse_list_on_stdin(list: Option<&Path>, command: &Command) -> Result<(), Failure> {
    if !list.is_some_and(list_file::is_stdin) {
        return Ok(());
    }
    let reads_stdin = match command {
        Command::Check { names, .. } => names.is_empty(),
        Command::Scan { files, .. } => {
            files.is_empty() || files.iter().any(|file| list_file::is_stdin(file))
        }
        _ => false,
    };
    if reads_stdin {
        return Err(Failure(
            "--list -: standard input cannot hold both the list and the names to read; \
             give the list as a file"
                .into(),
        ));
    }
    Ok(())
}
