//! The catalog: providers and their entries, as people write them (TOML, JSON, plain lists).
//!
//! A catalog is data only. [`crate::MatcherBuilder`] compiles it into the binary form the
//! matcher reads; nothing here is on the lookup path.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::name::{excerpt, normalize_entry};

/// How a provider acts on abuse reports for host names under its domains.
///
/// The value is curated per provider with a written reason (see `docs/catalog.md`); it lets
/// an analyst rank a hit: a name at an `Unresponsive` provider is more likely to stay up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AbusePosture {
    /// Publishes an abuse process and is known to take reported names down quickly.
    Responsive,
    /// Acts on reports, but slowly or inconsistently.
    Slow,
    /// Known to leave reported names up.
    Unresponsive,
    /// No public evidence either way.
    #[default]
    Unknown,
}

impl AbusePosture {
    /// The lower-case name used in catalogs, JSON output and the C ABI documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            AbusePosture::Responsive => "responsive",
            AbusePosture::Slow => "slow",
            AbusePosture::Unresponsive => "unresponsive",
            AbusePosture::Unknown => "unknown",
        }
    }

    /// The byte stored in compiled lists (also `DDNS_ABUSE_*` in the C header).
    pub(crate) fn to_byte(self) -> u8 {
        match self {
            AbusePosture::Unknown => 0,
            AbusePosture::Responsive => 1,
            AbusePosture::Slow => 2,
            AbusePosture::Unresponsive => 3,
        }
    }

    /// Reads a stored byte; values from a newer format read as `Unknown`.
    pub(crate) fn from_byte(byte: u8) -> AbusePosture {
        match byte {
            1 => AbusePosture::Responsive,
            2 => AbusePosture::Slow,
            3 => AbusePosture::Unresponsive,
            _ => AbusePosture::Unknown,
        }
    }
}

impl fmt::Display for AbusePosture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a provider still hands out names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ProviderStatus {
    /// Hands out and updates names today.
    #[default]
    Active,
    /// Still runs, but some of its listed domains are no longer offered to new users, or
    /// only old accounts keep working.
    Legacy,
    /// Shut down: names under its domains no longer follow anyone's address. Listed for old
    /// configurations and logs while the vendor still holds the domains.
    Closed,
}

impl ProviderStatus {
    /// The lower-case name used in catalogs and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderStatus::Active => "active",
            ProviderStatus::Legacy => "legacy",
            ProviderStatus::Closed => "closed",
        }
    }

    /// The byte stored in compiled lists (provider record byte 35).
    pub(crate) fn to_byte(self) -> u8 {
        match self {
            ProviderStatus::Active => 0,
            ProviderStatus::Legacy => 1,
            ProviderStatus::Closed => 2,
        }
    }

    /// Reads a stored byte; `None` for a value this build does not know.
    pub(crate) fn from_byte(byte: u8) -> Option<ProviderStatus> {
        match byte {
            0 => Some(ProviderStatus::Active),
            1 => Some(ProviderStatus::Legacy),
            2 => Some(ProviderStatus::Closed),
            _ => None,
        }
    }
}

impl fmt::Display for ProviderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who gets a host name from a provider, and how: lets an engine weigh a hit (see
/// `docs/catalog.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProviderClass {
    /// Not stated (the default for lists that do not say).
    #[default]
    Unclassified,
    /// Anyone can register names for free with no more than an e-mail address or a
    /// third-party login: the class abuse concentrates in.
    FreeAnonymous,
    /// Names come with a device or product the user owns (router, NAS, camera, recorder,
    /// self-hosting system), usually assigned or enabled in its settings.
    DeviceAssigned,
    /// Names of business firewalls and network appliances, tied to a licensed or managed
    /// device.
    BusinessFirewall,
    /// Names come only with a paid plan or a customer contract.
    Paid,
}

impl ProviderClass {
    /// Every class, in byte order.
    pub const ALL: [ProviderClass; 5] = [
        ProviderClass::Unclassified,
        ProviderClass::FreeAnonymous,
        ProviderClass::DeviceAssigned,
        ProviderClass::BusinessFirewall,
        ProviderClass::Paid,
    ];

    /// The kebab-case name used in catalogs, JSON output and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderClass::Unclassified => "unclassified",
            ProviderClass::FreeAnonymous => "free-anonymous",
            ProviderClass::DeviceAssigned => "device-assigned",
            ProviderClass::BusinessFirewall => "business-firewall",
            ProviderClass::Paid => "paid",
        }
    }

    /// The class named `name` ([`ProviderClass::as_str`]).
    pub fn from_name(name: &str) -> Option<ProviderClass> {
        ProviderClass::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The byte stored in compiled lists (provider record byte 34).
    pub(crate) fn to_byte(self) -> u8 {
        match self {
            ProviderClass::Unclassified => 0,
            ProviderClass::FreeAnonymous => 1,
            ProviderClass::DeviceAssigned => 2,
            ProviderClass::BusinessFirewall => 3,
            ProviderClass::Paid => 4,
        }
    }

    /// Reads a stored byte; `None` for a value this build does not know.
    pub(crate) fn from_byte(byte: u8) -> Option<ProviderClass> {
        ProviderClass::ALL.into_iter().find(|c| c.to_byte() == byte)
    }
}

impl fmt::Display for ProviderClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an allow entry carves out of its provider's base domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EntryRole {
    /// The provider's own web site.
    Website,
    /// The endpoint update clients send address changes to.
    Update,
    /// A service that tells a client its public address (queried by many programs, not
    /// only the provider's users): an IP-lookup service.
    IpCheck,
    /// A cloud API the provider's devices or apps call.
    Api,
    /// A name server of the provider's zones.
    Nameserver,
    /// Firmware, software or other downloads.
    Download,
}

impl EntryRole {
    /// The kebab-case name used in catalogs and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryRole::Website => "website",
            EntryRole::Update => "update",
            EntryRole::IpCheck => "ip-check",
            EntryRole::Api => "api",
            EntryRole::Nameserver => "nameserver",
            EntryRole::Download => "download",
        }
    }
}

/// Where a provider or an entry was read from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (or other source name) given to the reader.
    pub file: Arc<str>,
    /// 1-based line, when the reader knows it.
    pub line: Option<u32>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// A DDNS provider and its entries.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CatalogProvider {
    /// Short, stable, lower-case identifier (`duckdns`).
    pub id: String,
    /// Display name (`Duck DNS`).
    pub name: String,
    /// The provider's web site.
    pub website: Option<String>,
    /// ISO 3166-1 alpha-2 country code, when known.
    pub country: Option<String>,
    /// Whether anyone can get a host name under its domains for free.
    pub free_subdomains: bool,
    /// Whether it still hands out names.
    pub status: ProviderStatus,
    /// Who gets names from it, and how.
    pub class: ProviderClass,
    /// The brand or company behind it when several providers share one backend
    /// (`Keenetic` for Keenetic and Netcraze). Catalog and JSON only: compiled lists do not
    /// store it.
    pub operator: Option<String>,
    /// How it acts on abuse reports.
    pub abuse: AbusePosture,
    /// Why `abuse` has its value.
    pub abuse_reason: Option<String>,
    /// Where to report abuse of its names, as it publishes it: the URL of its abuse page or
    /// form, or `mailto:` and an address, optionally followed by a note. Catalog and JSON
    /// only: compiled lists do not store it.
    pub abuse_contact: Option<String>,
    /// Its base domains (block entries) and exceptions (allow entries).
    pub entries: Vec<CatalogEntry>,
    /// Where it was defined.
    pub origin: Option<Origin>,
    /// Created implicitly by a plain list naming an id no file defined; a full definition
    /// met later replaces it.
    placeholder: bool,
}

impl CatalogProvider {
    /// A provider with no entries, unknown abuse posture and no free sub-domains.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> CatalogProvider {
        CatalogProvider {
            id: id.into(),
            name: name.into(),
            website: None,
            country: None,
            free_subdomains: false,
            status: ProviderStatus::Active,
            class: ProviderClass::Unclassified,
            operator: None,
            abuse: AbusePosture::Unknown,
            abuse_reason: None,
            abuse_contact: None,
            entries: Vec::new(),
            origin: None,
            placeholder: false,
        }
    }

    fn placeholder(id: &str, origin: Origin) -> CatalogProvider {
        let name = if id == CUSTOM_PROVIDER {
            "Custom list"
        } else {
            id
        };
        CatalogProvider {
            origin: Some(origin),
            placeholder: true,
            ..CatalogProvider::new(id, name)
        }
    }
}

/// A listed domain: it matches itself and every name below it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogEntry {
    /// The base domain, lower-case, without a trailing dot.
    pub domain: String,
    /// An exception: names under it are reported as allowed, not as DDNS matches.
    pub allow: bool,
    /// A zone (block entries only): the provider hands out the names under the domain, and
    /// the domain itself (the zone's apex) is the provider's own, so a name equal to it is
    /// reported as allowed. A block entry that is not a zone (a host name in an indicator
    /// list) matches itself as well. Catalog files make block entries zones unless they say
    /// `zone = false`; plain lists write a zone as `*.domain`.
    pub zone: bool,
    /// Where the fact comes from (`psl`, or the provider's page that lists the domain).
    pub source: Option<String>,
    /// For an allow entry: what it carves out (web site, update endpoint, IP check...).
    pub role: Option<EntryRole>,
    /// Where it was read from.
    pub origin: Option<Origin>,
}

impl CatalogEntry {
    /// A block entry that matches itself and the names under it (not a zone).
    pub fn block(domain: impl Into<String>) -> CatalogEntry {
        CatalogEntry {
            domain: domain.into(),
            allow: false,
            zone: false,
            source: None,
            role: None,
            origin: None,
        }
    }

    /// A zone: a DDNS base domain, whose names are users' and whose apex is the provider's.
    pub fn zone(domain: impl Into<String>) -> CatalogEntry {
        CatalogEntry {
            zone: true,
            ..CatalogEntry::block(domain)
        }
    }

    /// An allow entry (an exception under a base domain).
    pub fn allow(domain: impl Into<String>) -> CatalogEntry {
        CatalogEntry {
            allow: true,
            ..CatalogEntry::block(domain)
        }
    }
}

/// The provider id plain-list entries get when their line names none.
pub const CUSTOM_PROVIDER: &str = "custom";

/// The text formats a catalog can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogFormat {
    /// `[[provider]]` tables with `entries = [{ domain = "...", source = "..." }]`.
    Toml,
    /// The same structure as TOML, as JSON: `{"provider": [...]}`.
    Json,
    /// One domain per line, optional provider id column, `!` for allow, `#` comments.
    List,
}

impl CatalogFormat {
    /// Picks a format from a file name: `.toml`, `.json`, anything else is a plain list.
    pub fn from_path(path: &Path) -> CatalogFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => CatalogFormat::Toml,
            Some(ext) if ext.eq_ignore_ascii_case("json") => CatalogFormat::Json,
            _ => CatalogFormat::List,
        }
    }
}

/// Providers and their entries: the input of [`crate::MatcherBuilder`].
///
/// Read one with [`Catalog::parse`] or [`Catalog::read`], combine several with
/// [`Catalog::merge`], or build one in code with [`Catalog::add_provider`] and
/// [`Catalog::add_entry`].
///
/// ```
/// use ddns_core::{Catalog, CatalogFormat};
///
/// let text = "duckdns.org duckdns\n!www.duckdns.org duckdns\n";
/// let catalog = Catalog::parse(text, CatalogFormat::List, "mine.txt")?;
/// assert_eq!(catalog.providers()[0].entries.len(), 2);
/// # Ok::<(), ddns_core::CatalogError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    providers: Vec<CatalogProvider>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// The providers, in the order they were added.
    pub fn providers(&self) -> &[CatalogProvider] {
        &self.providers
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&CatalogProvider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// Number of entries of every provider, allow entries included.
    pub fn entry_count(&self) -> usize {
        self.providers.iter().map(|p| p.entries.len()).sum()
    }

    /// Adds a provider (with the entries it holds).
    ///
    /// # Errors
    /// When the id is not a valid provider id, or a provider with the same id exists and
    /// neither of the two is a placeholder created by a plain list.
    pub fn add_provider(&mut self, provider: CatalogProvider) -> Result<(), CatalogError> {
        let origin = provider.origin.clone();
        check_provider_id(&provider.id).map_err(|why| CatalogError::at(origin.clone(), why))?;
        let Some(existing) = self.providers.iter_mut().find(|p| p.id == provider.id) else {
            self.providers.push(provider);
            return Ok(());
        };
        match (existing.placeholder, provider.placeholder) {
            (_, true) => existing.entries.extend(provider.entries),
            (true, false) => {
                let entries = std::mem::take(&mut existing.entries);
                *existing = provider;
                existing.entries.extend(entries);
            }
            (false, false) => {
                let first = existing
                    .origin
                    .as_ref()
                    .map_or_else(|| "elsewhere".to_string(), Origin::to_string);
                return Err(CatalogError::new(
                    CatalogErrorKind::DuplicateProvider,
                    origin,
                    format!("provider '{}' is already defined at {first}", provider.id),
                ));
            }
        }
        Ok(())
    }

    /// Adds an entry to the provider with id `provider`, creating a placeholder provider
    /// when there is none yet. The domain is checked and normalised (lower case, no
    /// trailing dot).
    ///
    /// # Errors
    /// When the domain is not a valid entry or the provider id is invalid.
    pub fn add_entry(
        &mut self,
        provider: &str,
        mut entry: CatalogEntry,
    ) -> Result<(), CatalogError> {
        entry.domain = normalize_entry(&entry.domain).map_err(|why| {
            CatalogError::new(
                CatalogErrorKind::InvalidDomain,
                entry.origin.clone(),
                format!("'{}': {why}", excerpt(&entry.domain)),
            )
        })?;
        let index = match self.providers.iter().position(|p| p.id == provider) {
            Some(index) => index,
            None => {
                let origin = entry.origin.clone().unwrap_or_else(|| Origin {
                    file: Arc::from("<code>"),
                    line: None,
                });
                self.add_provider(CatalogProvider::placeholder(provider, origin))?;
                self.providers.len() - 1
            }
        };
        self.providers[index].entries.push(entry);
        Ok(())
    }

    /// Adds every provider and entry of `other`.
    ///
    /// # Errors
    /// As [`Catalog::add_provider`].
    pub fn merge(&mut self, other: Catalog) -> Result<(), CatalogError> {
        for provider in other.providers {
            self.add_provider(provider)?;
        }
        Ok(())
    }

    /// Reads catalog text. `file` names the source in error messages.
    ///
    /// # Errors
    /// A [`CatalogError`] naming the file, the line and what is wrong.
    pub fn parse(text: &str, format: CatalogFormat, file: &str) -> Result<Catalog, CatalogError> {
        let file: Arc<str> = Arc::from(file);
        match format {
            CatalogFormat::Toml => parse_toml(text, file),
            CatalogFormat::Json => parse_json(text, file),
            CatalogFormat::List => parse_list(text, file),
        }
    }

    /// Reads a catalog file, choosing the format from its extension
    /// ([`CatalogFormat::from_path`]).
    ///
    /// # Errors
    /// When the file cannot be read, is not UTF-8, or does not parse.
    pub fn read(path: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
        let path = path.as_ref();
        Catalog::read_as(path, CatalogFormat::from_path(path))
    }

    /// Reads a catalog file in the given format.
    ///
    /// # Errors
    /// When the file cannot be read, is not UTF-8, or does not parse.
    pub fn read_as(path: impl AsRef<Path>, format: CatalogFormat) -> Result<Catalog, CatalogError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|err| {
            CatalogError::new(
                CatalogErrorKind::Io,
                Some(Origin {
                    file: Arc::from(file.as_str()),
                    line: None,
                }),
                format!("cannot read: {err}"),
            )
        })?;
        Catalog::parse_bytes(&bytes, format, &file)
    }

    /// Like [`Catalog::parse`], for bytes that may not be UTF-8 (a file, a buffer from C).
    /// `file` names the source in error messages: use it for bytes read from a pipe or
    /// standard input, which have no path to read again.
    ///
    /// ```
    /// use ddns_core::{Catalog, CatalogFormat};
    ///
    /// let catalog = Catalog::parse_bytes(b"duckdns.org duckdns\n", CatalogFormat::List, "<stdin>")?;
    /// assert_eq!(catalog.entry_count(), 1);
    /// let bad = Catalog::parse_bytes(b"ok.example\n\xff.example\n", CatalogFormat::List, "<stdin>");
    /// assert_eq!(bad.unwrap_err().to_string(), "<stdin>:2: not UTF-8 at column 1");
    /// # Ok::<(), ddns_core::CatalogError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Catalog::parse`]; invalid UTF-8 is a syntax error naming its line and column.
    pub fn parse_bytes(
        bytes: &[u8],
        format: CatalogFormat,
        file: &str,
    ) -> Result<Catalog, CatalogError> {
        let text = std::str::from_utf8(bytes).map_err(|err| {
            let at = err.valid_up_to();
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |nl| nl + 1);
            CatalogError::new(
                CatalogErrorKind::Syntax,
                Some(Origin {
                    file: Arc::from(file),
                    line: Some(line_at(bytes, at)),
                }),
                format!("not UTF-8 at column {}", at - line_start + 1),
            )
        })?;
        Catalog::parse(text, format, file)
    }

    /// The catalog as TOML, in the format [`CatalogFormat::Toml`] reads.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.to_repr()).expect("a catalog always serialises to TOML")
    }

    /// The catalog as pretty-printed JSON, in the format [`CatalogFormat::Json`] reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_repr()).expect("a catalog always serialises to JSON")
    }

    /// The catalog as a plain list, in the format [`CatalogFormat::List`] reads: one
    /// `DOMAIN PROVIDER-ID` line per entry, `!` in front of an allow entry, `*.` in front of
    /// a zone, grouped by
    /// provider in catalog order. Provider names, web sites and abuse postures are not part
    /// of that format; use [`Catalog::to_toml`] to keep them.
    ///
    /// ```
    /// use ddns_core::{Catalog, CatalogFormat};
    ///
    /// let text = "*.duckdns.org duckdns\n!www.duckdns.org duckdns\nc2.example.net iocs\n";
    /// let catalog = Catalog::parse(text, CatalogFormat::List, "l.txt")?;
    /// assert_eq!(catalog.to_list(), text);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_list(&self) -> String {
        let mut out = String::new();
        for provider in &self.providers {
            for entry in &provider.entries {
                if entry.allow {
                    out.push('!');
                }
                if entry.zone && !entry.allow {
                    out.push_str("*.");
                }
                out.push_str(&entry.domain);
                out.push(' ');
                out.push_str(&provider.id);
                out.push('\n');
            }
        }
        out
    }

    fn to_repr(&self) -> FileRepr<String> {
        FileRepr {
            provider: self
                .providers
                .iter()
                .map(|p| ProviderRepr {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    website: p.website.clone(),
                    country: p.country.clone(),
                    free_subdomains: p.free_subdomains,
                    status: p.status,
                    class: p.class,
                    operator: p.operator.clone(),
                    abuse: p.abuse,
                    abuse_reason: p.abuse_reason.clone(),
                    abuse_contact: p.abuse_contact.clone(),
                    entries: p
                        .entries
                        .iter()
                        .map(|e| EntryRepr {
                            domain: e.domain.clone(),
                            allow: e.allow,
                            // Block entries of catalog files are zones unless they say not.
                            zone: (!e.allow && !e.zone).then_some(false),
                            source: e.source.clone(),
                            role: e.role,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Why a catalog could not be read.
///
/// `Display` gives `file:line: what is wrong`.
#[derive(Debug, Clone)]
pub struct CatalogError {
    kind: CatalogErrorKind,
    origin: Option<Origin>,
    message: String,
}

/// What kind of problem a [`CatalogError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogErrorKind {
    /// The file could not be read.
    Io,
    /// The text is not valid TOML, JSON or list syntax, or has unknown or missing fields.
    Syntax,
    /// A domain is not a valid entry.
    InvalidDomain,
    /// A provider id is malformed.
    InvalidProvider,
    /// Two providers share an id.
    DuplicateProvider,
}

impl CatalogError {
    fn new(kind: CatalogErrorKind, origin: Option<Origin>, message: String) -> CatalogError {
        CatalogError {
            kind,
            origin,
            message,
        }
    }

    fn at(origin: Option<Origin>, message: String) -> CatalogError {
        CatalogError::new(CatalogErrorKind::InvalidProvider, origin, message)
    }

    /// What went wrong.
    pub fn kind(&self) -> CatalogErrorKind {
        self.kind
    }

    /// The file and line, when known.
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Some(origin) => write!(f, "{origin}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CatalogError {}

fn check_provider_id(id: &str) -> Result<(), String> {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "provider id '{id}' must be 1-64 characters of a-z, 0-9, '-' and '_'"
        ))
    }
}

/// 1-based line of byte offset `at`.
fn line_at(text: &[u8], at: usize) -> u32 {
    let before = &text[..at.min(text.len())];
    u32::try_from(before.iter().filter(|&&b| b == b'\n').count() + 1).unwrap_or(u32::MAX)
}

// ---- TOML and JSON -------------------------------------------------------------------

/// The on-disk structure shared by TOML and JSON. `S` is the type of the located strings
/// (provider ids and domains): `toml::Spanned<String>` for TOML, so errors found after
/// parsing still name a line, and `String` for JSON and for writing.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "S: Deserialize<'de>"))]
struct FileRepr<S> {
    #[serde(default)]
    provider: Vec<ProviderRepr<S>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "S: Deserialize<'de>"))]
struct ProviderRepr<S> {
    id: S,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country: Option<String>,
    #[serde(default)]
    free_subdomains: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    status: ProviderStatus,
    #[serde(default, skip_serializing_if = "is_default")]
    class: ProviderClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operator: Option<String>,
    #[serde(default)]
    abuse: AbusePosture,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abuse_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abuse_contact: Option<String>,
    #[serde(default)]
    entries: Vec<EntryRepr<S>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "S: Deserialize<'de>"))]
struct EntryRepr<S> {
    domain: S,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    zone: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role: Option<EntryRole>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Gives the text and line of a located string.
trait Located {
    fn into_located(self, locator: &mut Locator<'_>) -> (String, Option<u32>);
}

impl Located for toml::Spanned<String> {
    fn into_located(self, locator: &mut Locator<'_>) -> (String, Option<u32>) {
        let line = line_at(locator.text.as_bytes(), self.span().start);
        (self.into_inner(), Some(line))
    }
}

impl Located for String {
    /// serde_json keeps no positions once parsing succeeded, so the line is found by
    /// looking for the quoted value after the previous located value.
    fn into_located(self, locator: &mut Locator<'_>) -> (String, Option<u32>) {
        let quoted = format!("\"{self}\"");
        let line = locator.text[locator.cursor..].find(&quoted).map(|found| {
            locator.cursor += found + quoted.len();
            line_at(locator.text.as_bytes(), locator.cursor)
        });
        (self, line)
    }
}

struct Locator<'a> {
    text: &'a str,
    cursor: usize,
}

fn from_repr<S: Located>(
    repr: FileRepr<S>,
    text: &str,
    file: Arc<str>,
) -> Result<Catalog, CatalogError> {
    let mut locator = Locator { text, cursor: 0 };
    let mut catalog = Catalog::new();
    for provider in repr.provider {
        let (id, line) = provider.id.into_located(&mut locator);
        let origin = Origin {
            file: file.clone(),
            line,
        };
        let mut entries = Vec::with_capacity(provider.entries.len());
        for entry in provider.entries {
            let (domain, line) = entry.domain.into_located(&mut locator);
            let origin = Origin {
                file: file.clone(),
                line,
            };
            let domain = normalize_entry(&domain).map_err(|why| {
                CatalogError::new(
                    CatalogErrorKind::InvalidDomain,
                    Some(origin.clone()),
                    format!("'{}': {why}", excerpt(&domain)),
                )
            })?;
            if entry.allow && entry.zone == Some(true) {
                return Err(CatalogError::new(
                    CatalogErrorKind::Syntax,
                    Some(origin),
                    format!("'{domain}': an allow entry cannot be a zone"),
                ));
            }
            entries.push(CatalogEntry {
                domain,
                allow: entry.allow,
                zone: !entry.allow && entry.zone.unwrap_or(true),
                source: entry.source,
                role: entry.role,
                origin: Some(origin),
            });
        }
        catalog.add_provider(CatalogProvider {
            id,
            name: provider.name,
            website: provider.website,
            country: provider.country,
            free_subdomains: provider.free_subdomains,
            status: provider.status,
            class: provider.class,
            operator: provider.operator,
            abuse: provider.abuse,
            abuse_reason: provider.abuse_reason,
            abuse_contact: provider.abuse_contact,
            entries,
            origin: Some(origin),
            placeholder: false,
        })?;
    }
    Ok(catalog)
}

fn parse_toml(text: &str, file: Arc<str>) -> Result<Catalog, CatalogError> {
    let repr: FileRepr<toml::Spanned<String>> = toml::from_str(text).map_err(|err| {
        let line = err.span().map(|span| line_at(text.as_bytes(), span.start));
        CatalogError::new(
            CatalogErrorKind::Syntax,
            Some(Origin {
                file: file.clone(),
                line,
            }),
            err.message().trim_end().to_string(),
        )
    })?;
    from_repr(repr, text, file)
}

fn parse_json(text: &str, file: Arc<str>) -> Result<Catalog, CatalogError> {
    let repr: FileRepr<String> = serde_json::from_str(text).map_err(|err| {
        let full = err.to_string();
        // serde_json appends " at line L column C"; the line goes in front instead.
        let message = full
            .rfind(" at line ")
            .map_or(full.as_str(), |at| &full[..at])
            .to_string();
        CatalogError::new(
            CatalogErrorKind::Syntax,
            Some(Origin {
                file: file.clone(),
                line: u32::try_from(err.line()).ok(),
            }),
            message,
        )
    })?;
    from_repr(repr, text, file)
}

// ---- plain lists ---------------------------------------------------------------------

fn parse_list(text: &str, file: Arc<str>) -> Result<Catalog, CatalogError> {
    let mut catalog = Catalog::new();
    for (index, raw) in text.lines().enumerate() {
        let origin = Origin {
            file: file.clone(),
            line: Some(u32::try_from(index + 1).unwrap_or(u32::MAX)),
        };
        let content = raw.split_once('#').map_or(raw, |(before, _)| before);
        let mut columns = content.split_whitespace();
        let Some(domain) = columns.next() else {
            continue;
        };
        let provider = columns.next().unwrap_or(CUSTOM_PROVIDER);
        if let Some(extra) = columns.next() {
            return Err(CatalogError::new(
                CatalogErrorKind::Syntax,
                Some(origin),
                format!("unexpected third column '{extra}': a line is 'DOMAIN [PROVIDER-ID]'"),
            ));
        }
        check_provider_id(provider).map_err(|why| CatalogError::at(Some(origin.clone()), why))?;
        let (domain, allow) = match domain.strip_prefix('!') {
            Some(rest) => (rest, true),
            None => (domain, false),
        };
        let (domain, zone) = match domain.strip_prefix("*.") {
            Some(_) if allow => {
                return Err(CatalogError::new(
                    CatalogErrorKind::Syntax,
                    Some(origin),
                    format!("'!{domain}': an allow entry cannot be a zone ('*.')"),
                ));
            }
            Some(rest) => (rest, true),
            None => (domain, false),
        };
        let entry = CatalogEntry {
            domain: domain.to_string(),
            allow,
            zone,
            source: None,
            role: None,
            origin: Some(origin),
        };
        catalog.add_entry(provider, entry)?;
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_read_and_written_in_every_format() {
        let toml = r#"
[[provider]]
id = "p"
name = "P"
entries = [
  { domain = "zone.example" },
  { domain = "host.example", zone = false },
  { domain = "www.zone.example", allow = true },
]
"#;
        let catalog = Catalog::parse(toml, CatalogFormat::Toml, "z.toml").unwrap();
        let zones: Vec<(&str, bool, bool)> = catalog.providers()[0]
            .entries
            .iter()
            .map(|e| (e.domain.as_str(), e.allow, e.zone))
            .collect();
        assert_eq!(
            zones,
            [
                ("zone.example", false, true),
                ("host.example", false, false),
                ("www.zone.example", true, false),
            ]
        );
        let list = catalog.to_list();
        assert_eq!(
            list,
            "*.zone.example p\nhost.example p\n!www.zone.example p\n"
        );
        let again = Catalog::parse(&list, CatalogFormat::List, "z.txt").unwrap();
        assert_eq!(again.to_list(), list);
        let toml_again = Catalog::parse(&catalog.to_toml(), CatalogFormat::Toml, "z2.toml")
            .unwrap()
            .to_list();
        assert_eq!(toml_again, list);
        let json_again = Catalog::parse(&catalog.to_json(), CatalogFormat::Json, "z.json")
            .unwrap()
            .to_list();
        assert_eq!(json_again, list);

        let allow_zone = "[[provider]]\nid = \"p\"\nname = \"P\"\n\
                          entries = [{ domain = \"a.example\", allow = true, zone = true }]\n";
        let err = Catalog::parse(allow_zone, CatalogFormat::Toml, "bad.toml").unwrap_err();
        assert!(
            err.to_string().contains("an allow entry cannot be a zone"),
            "{err}"
        );
        let err = Catalog::parse("!*.a.example p\n", CatalogFormat::List, "bad.txt").unwrap_err();
        assert!(
            err.to_string().contains("an allow entry cannot be a zone"),
            "{err}"
        );
    }

    const TOML: &str = r#"
[[provider]]
id = "duckdns"
name = "Duck DNS"
website = "https://www.duckdns.org/"
free_subdomains = true
status = "legacy"
class = "free-anonymous"
operator = "Duck"
abuse = "responsive"
abuse_reason = "test"
abuse_contact = "mailto:abuse@duckdns.example"
entries = [
  { domain = "DuckDNS.org", source = "psl" },
  { domain = "www.duckdns.org", allow = true, source = "site", role = "website" },
]
"#;

    #[test]
    fn toml_reads_providers_and_normalises_entries() {
        let catalog = Catalog::parse(TOML, CatalogFormat::Toml, "a.toml").unwrap();
        let provider = catalog.provider("duckdns").unwrap();
        assert_eq!(provider.abuse, AbusePosture::Responsive);
        assert_eq!(provider.entries[0].domain, "duckdns.org");
        assert_eq!(
            provider.entries[0].origin.as_ref().unwrap().to_string(),
            "a.toml:14"
        );
        assert!(provider.entries[1].allow);
    }

    #[test]
    fn toml_and_json_round_trip() {
        let catalog = Catalog::parse(TOML, CatalogFormat::Toml, "a.toml").unwrap();
        let json = Catalog::parse(&catalog.to_json(), CatalogFormat::Json, "a.json").unwrap();
        let toml = Catalog::parse(&catalog.to_toml(), CatalogFormat::Toml, "b.toml").unwrap();
        for other in [json, toml] {
            assert_eq!(other.providers().len(), 1);
            let (a, b) = (&catalog.providers()[0], &other.providers()[0]);
            assert_eq!((&a.id, &a.name, a.abuse), (&b.id, &b.name, b.abuse));
            assert_eq!(
                (a.status, a.class, &a.operator),
                (b.status, b.class, &b.operator)
            );
            assert_eq!(b.status, ProviderStatus::Legacy);
            assert_eq!(a.abuse_contact, b.abuse_contact);
            assert!(b.abuse_contact.is_some());
            assert_eq!(b.class, ProviderClass::FreeAnonymous);
            let domains = |p: &CatalogProvider| {
                p.entries
                    .iter()
                    .map(|e| (e.domain.clone(), e.allow, e.source.clone(), e.role))
                    .collect::<Vec<_>>()
            };
            assert_eq!(domains(a), domains(b));
        }
    }

    #[test]
    fn class_and_status_reach_the_compiled_list_and_default_when_unstated() {
        let catalog = Catalog::parse(TOML, CatalogFormat::Toml, "a.toml").unwrap();
        let matcher = crate::MatcherBuilder::new().build(&catalog).unwrap();
        let duck = &matcher.providers()[0];
        assert_eq!(duck.class(), ProviderClass::FreeAnonymous);
        assert_eq!(duck.status(), ProviderStatus::Legacy);
        let plain = Catalog::parse("a.example\n", CatalogFormat::List, "l.txt").unwrap();
        let matcher = crate::MatcherBuilder::new().build(&plain).unwrap();
        assert_eq!(matcher.providers()[0].class(), ProviderClass::Unclassified);
        assert_eq!(matcher.providers()[0].status(), ProviderStatus::Active);
        for class in ProviderClass::ALL {
            assert_eq!(ProviderClass::from_name(class.as_str()), Some(class));
            assert_eq!(ProviderClass::from_byte(class.to_byte()), Some(class));
        }
        let bad = TOML.replace("\"legacy\"", "\"gone\"");
        let err = Catalog::parse(&bad, CatalogFormat::Toml, "a.toml").unwrap_err();
        assert_eq!(err.kind(), CatalogErrorKind::Syntax);
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad_domain = TOML.replace("www.duckdns.org", "www..duckdns.org");
        let err = Catalog::parse(&bad_domain, CatalogFormat::Toml, "a.toml").unwrap_err();
        assert_eq!(err.kind(), CatalogErrorKind::InvalidDomain);
        assert!(
            err.to_string().starts_with("a.toml:15: 'www..duckdns.org'"),
            "{err}"
        );

        let unknown_field = TOML.replace("free_subdomains", "free_subdomain");
        let err = Catalog::parse(&unknown_field, CatalogFormat::Toml, "a.toml").unwrap_err();
        assert_eq!(err.kind(), CatalogErrorKind::Syntax);
        assert!(err.to_string().starts_with("a.toml:6: "), "{err}");

        let json = "{\"provider\": [{\"id\": \"x\", \"name\": \"X\",\n \"entries\": [{\"domain\": \"a.org\"},\n {\"domain\": \"b..org\"}]}]}";
        let err = Catalog::parse(json, CatalogFormat::Json, "a.json").unwrap_err();
        assert!(err.to_string().starts_with("a.json:3: 'b..org'"), "{err}");

        let err = Catalog::parse(
            "{\"provider\": [\n{\"id\": 5}]}",
            CatalogFormat::Json,
            "b.json",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("b.json:2: invalid type"),
            "{err}"
        );

        let list = "a.org\nb.org x y\n";
        let err = Catalog::parse(list, CatalogFormat::List, "l.txt").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("l.txt:2: unexpected third column"),
            "{err}"
        );
    }

    #[test]
    fn plain_lists_take_provider_column_allow_prefix_and_comments() {
        let list =
            "# header\nduckdns.org duckdns # inline\n!www.duckdns.org duckdns\n\nexample.org\r\n";
        let catalog = Catalog::parse(list, CatalogFormat::List, "l.txt").unwrap();
        assert_eq!(catalog.providers().len(), 2);
        let duck = catalog.provider("duckdns").unwrap();
        assert_eq!(duck.entries.len(), 2);
        assert!(duck.entries[1].allow);
        assert_eq!(
            catalog.provider(CUSTOM_PROVIDER).unwrap().entries[0].domain,
            "example.org"
        );
    }

    #[test]
    fn a_full_definition_replaces_a_list_placeholder_and_two_full_ones_conflict() {
        let mut catalog =
            Catalog::parse("x.duckdns.org duckdns\n", CatalogFormat::List, "l.txt").unwrap();
        catalog
            .merge(Catalog::parse(TOML, CatalogFormat::Toml, "a.toml").unwrap())
            .unwrap();
        let duck = catalog.provider("duckdns").unwrap();
        assert_eq!(duck.name, "Duck DNS");
        assert_eq!(duck.entries.len(), 3);
        let err = catalog
            .merge(Catalog::parse(TOML, CatalogFormat::Toml, "b.toml").unwrap())
            .unwrap_err();
        assert_eq!(err.kind(), CatalogErrorKind::DuplicateProvider);
        assert!(
            err.to_string().contains("already defined at a.toml:3"),
            "{err}"
        );
    }
}
