//! Reading advisories from folders of OSV JSON/YAML, OSV export zips and
//! the CISA KEV catalog. A bad record is reported (file + reason) and skipped.

use crate::kev::{self, KevCatalog};
use crate::osv::{self, MAX_RECORD_BYTES, OsvRecord};
use crate::record::Advisory;
use crate::store::{Content, SourceInfo};
use chainwarden_core::excerpt::cap_owned;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bounds on what one import may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Largest single record (file or zip entry), inflated.
    pub max_record_bytes: u64,
    /// Most entries read from one zip.
    pub max_zip_entries: usize,
    /// Most bytes inflated from one zip, all entries together.
    pub max_zip_total_bytes: u64,
    /// Largest zip file opened.
    pub max_zip_file_bytes: u64,
    /// Most files visited under one folder.
    pub max_files: usize,
    /// Largest inflated / compressed ratio of a zip entry, once it has
    /// produced more than `ratio_floor_bytes` (real OSV JSON compresses
    /// about 10x; a record padded with whitespace, 1000x).
    pub max_entry_ratio: u64,
    pub ratio_floor_bytes: u64,
    /// Inflated bytes of zip entries held before they are parsed (in
    /// parallel) and dropped: bounds an import's memory.
    pub max_batch_bytes: u64,
}

impl Default for ImportLimits {
    fn default() -> ImportLimits {
        ImportLimits {
            max_record_bytes: MAX_RECORD_BYTES as u64,
            // OSV's npm export holds ~250,000 records.
            max_zip_entries: 2_000_000,
            max_zip_total_bytes: 16 * 1024 * 1024 * 1024,
            max_zip_file_bytes: 4 * 1024 * 1024 * 1024,
            max_files: 2_000_000,
            max_entry_ratio: 100,
            ratio_floor_bytes: 1024 * 1024,
            max_batch_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One record (or a whole source) that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The source it belongs to ([`SourceReport::location`]).
    pub source: String,
    /// The file, or `archive.zip!entry`.
    pub file: String,
    pub reason: String,
}

/// What one source gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    pub location: String,
    /// Advisories read (KEV: CVE entries).
    pub records: usize,
    /// Records with no package of an ecosystem chainwarden matches (Debian, Maven…).
    pub unsupported: usize,
    pub withdrawn: usize,
    /// Records skipped as invalid (the first [`MAX_LISTED_ERRORS`] are in
    /// [`ImportReport::errors`]).
    pub errors: usize,
}

impl SourceReport {
    /// True when the source gave no valid record at all (unreachable,
    /// garbage, empty): the import did not get what was asked for.
    pub fn is_empty(&self) -> bool {
        self.records == 0 && self.unsupported == 0
    }
}

/// The skipped records listed per source; the rest are only counted (a
/// hostile source can hold millions of bad records).
pub const MAX_LISTED_ERRORS: usize = 100;

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// One per source asked for, in order.
    pub sources: Vec<SourceReport>,
    /// Skipped records, at most [`MAX_LISTED_ERRORS`] per source.
    pub errors: Vec<ImportError>,
    /// Advisories in the database after the import.
    pub total_records: usize,
}

impl ImportReport {
    /// The listed errors of one source.
    pub fn errors_of<'a>(&'a self, location: &'a str) -> impl Iterator<Item = &'a ImportError> {
        self.errors.iter().filter(move |e| e.source == location)
    }

    /// The sources that gave no valid record.
    pub fn empty_sources(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|s| s.is_empty())
    }

    /// Records a source that could not be read at all (a failed download).
    pub fn push_failed(&mut self, location: &str, reason: &str) {
        self.sources.push(SourceReport {
            location: location.to_string(),
            errors: 1,
            ..SourceReport::default()
        });
        self.errors.push(ImportError {
            source: location.to_string(),
            file: location.to_string(),
            reason: cap_owned(reason.to_string()),
        });
    }
}

/// A source to import: where it is read from, and how it is named in the
/// database (a downloaded zip is named by its URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub path: PathBuf,
    pub label: String,
}

impl SourceSpec {
    pub fn path(path: impl Into<PathBuf>) -> SourceSpec {
        let path = path.into();
        SourceSpec {
            label: path.display().to_string(),
            path,
        }
    }
}

/// What was read from sources, before merging into a database.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub advisories: Vec<Advisory>,
    pub kev: Option<KevCatalog>,
    pub report: ImportReport,
    pub sources: Vec<SourceInfo>,
}

enum Unit {
    Osv(Advisory),
    Unsupported,
    Kev(KevCatalog),
    Error(ImportError),
}

/// Takes what one source gives, unit by unit, as it is read: a source of
/// millions of bad records costs counts, not memory.
struct Sink<'a> {
    label: &'a str,
    rep: SourceReport,
    newest: Option<String>,
    loaded: &'a mut Loaded,
}

impl<'a> Sink<'a> {
    fn new(label: &'a str, loaded: &'a mut Loaded) -> Sink<'a> {
        Sink {
            label,
            rep: SourceReport {
                location: label.to_string(),
                ..SourceReport::default()
            },
            newest: None,
            loaded,
        }
    }

    fn take(&mut self, u: Unit) {
        let newer = |newest: &mut Option<String>, m: &str| {
            if newest.as_deref().is_none_or(|n| m > n) {
                *newest = Some(m.to_string());
            }
        };
        match u {
            Unit::Osv(a) => {
                if a.withdrawn.is_some() {
                    self.rep.withdrawn += 1;
                }
                self.rep.records += 1;
                if let Some(m) = &a.modified {
                    newer(&mut self.newest, m);
                }
                self.loaded.advisories.push(a);
            }
            Unit::Unsupported => self.rep.unsupported += 1,
            Unit::Kev(k) => {
                self.rep.records += k.entries.len();
                newer(&mut self.newest, &k.date_released);
                self.loaded.kev = Some(k);
            }
            Unit::Error(e) => {
                self.rep.errors += 1;
                if self.rep.errors <= MAX_LISTED_ERRORS {
                    self.loaded.report.errors.push(ImportError {
                        source: self.label.to_string(),
                        ..e
                    });
                }
            }
        }
    }

    fn take_all(&mut self, units: impl IntoIterator<Item = Unit>) {
        for u in units {
            self.take(u);
        }
    }

    fn finish(self, now: &str) {
        // A source that gave nothing is not recorded: it would replace what
        // an earlier good import of the same source said.
        if !self.rep.is_empty() {
            self.loaded.sources.push(SourceInfo {
                location: self.label.to_string(),
                imported_at: now.to_string(),
                records: self.rep.records,
                newest_modified: self.newest,
            });
        }
        self.loaded.report.sources.push(self.rep);
    }
}

/// Reads every source.
pub(crate) fn load(specs: &[SourceSpec], limits: &ImportLimits, now: &str) -> Loaded {
    let mut loaded = Loaded::default();
    for spec in specs {
        let mut sink = Sink::new(&spec.label, &mut loaded);
        read_source(spec, limits, &mut sink);
        sink.finish(now);
    }
    loaded
}

/// A record that could not be imported; file names from a zip and parser
/// messages quote the source, so both are capped.
fn err(file: impl Into<String>, reason: impl Into<String>) -> Unit {
    Unit::Error(ImportError {
        source: String::new(),
        file: cap_owned(file.into()),
        reason: cap_owned(reason.into()),
    })
}

fn read_source(spec: &SourceSpec, limits: &ImportLimits, sink: &mut Sink<'_>) {
    let path = &spec.path;
    // The source the user names may be a symlink; nothing below it is followed.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return sink.take(err(spec.label.as_str(), e.to_string())),
    };
    if meta.is_dir() {
        return read_dir(path, limits, sink);
    }
    match classify(path) {
        // Errors name the source as given (a download is named by its URL).
        Some(FileType::Zip) => read_zip_file(path, &spec.label, limits, sink),
        Some(kind) => {
            let u = read_file(path, &spec.label, kind, limits, &spec.label);
            sink.take(u);
        }
        None => sink.take(err(
            spec.label.as_str(),
            "not an OSV record (.json/.yaml/.yml), OSV export (.zip) or KEV catalog",
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileType {
    Json,
    Yaml,
    Zip,
}

fn classify(path: &Path) -> Option<FileType> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(FileType::Json),
        "yaml" | "yml" => Some(FileType::Yaml),
        "zip" => Some(FileType::Zip),
        _ => None,
    }
}

/// Files parsed in parallel at a time (bounds what is held between reads).
const FILE_BATCH: usize = 4096;

fn read_dir(root: &Path, limits: &ImportLimits, sink: &mut Sink<'_>) {
    let label = sink.label;
    let mut files = Vec::new();
    // Symlinks are not followed: an advisory folder has no reason to hold any.
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                sink.take(err(p, e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if files.len() >= limits.max_files {
            sink.take(err(
                root.display().to_string(),
                format!(
                    "more than {} files; the rest were skipped",
                    limits.max_files
                ),
            ));
            break;
        }
        if let Some(kind) = classify(entry.path()) {
            files.push((entry.into_path(), kind));
        }
    }
    for batch in files.chunks(FILE_BATCH) {
        let parsed: Vec<Unit> = batch
            .par_iter()
            .filter(|(_, kind)| *kind != FileType::Zip)
            .map(|(p, kind)| read_file(p, &p.display().to_string(), *kind, limits, label))
            .collect();
        sink.take_all(parsed);
    }
    for (p, _) in files.iter().filter(|(_, kind)| *kind == FileType::Zip) {
        read_zip_file(p, &p.display().to_string(), limits, sink);
    }
}

fn read_file(path: &Path, name: &str, kind: FileType, limits: &ImportLimits, label: &str) -> Unit {
    let bytes = match chainwarden_core::fsutil::read_bounded(
        path,
        limits.max_record_bytes.max(kev::MAX_KEV_BYTES as u64),
    ) {
        Ok(b) => b,
        Err(e) => return err(name, e.to_string()),
    };
    if kind == FileType::Json && kev::looks_like_kev(&bytes) {
        return match kev::parse(&bytes) {
            Ok(k) => Unit::Kev(k),
            Err(e) => err(name, e),
        };
    }
    if bytes.len() as u64 > limits.max_record_bytes {
        return err(
            name,
            format!("record is over the {}-byte limit", limits.max_record_bytes),
        );
    }
    parse_record(name, &bytes, kind, label)
}

fn parse_record(name: &str, bytes: &[u8], kind: FileType, label: &str) -> Unit {
    let rec: Result<OsvRecord, osv::ParseError> = match kind {
        FileType::Yaml => match std::str::from_utf8(bytes) {
            Ok(s) => osv::parse_yaml(s),
            Err(_) => return err(name, "not valid UTF-8"),
        },
        _ => osv::parse_json(bytes),
    };
    match rec {
        Ok(r) => match Advisory::from_osv(&r, source_hint(label)) {
            Some(a) => Unit::Osv(a),
            None => Unit::Unsupported,
        },
        Err(e) => err(name, e.to_string()),
    }
}

/// The last path component of a source, as the fallback source name.
fn source_hint(label: &str) -> &str {
    label
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(label)
}

fn read_zip_file(path: &Path, name: &str, limits: &ImportLimits, sink: &mut Sink<'_>) {
    let file = match chainwarden_core::fsutil::open_regular(path) {
        Ok(f) => f,
        Err(e) => return sink.take(err(name, e.to_string())),
    };
    match file.metadata() {
        Ok(m) if m.len() > limits.max_zip_file_bytes => {
            return sink.take(err(
                name,
                format!("zip is over the {}-byte limit", limits.max_zip_file_bytes),
            ));
        }
        Err(e) => return sink.take(err(name, e.to_string())),
        Ok(_) => {}
    }
    read_zip(std::io::BufReader::new(file), name, limits, sink);
}

/// Reads an OSV export zip entry by entry, in memory, never extracting.
/// Entries are parsed in batches of at most `max_batch_bytes` inflated, so
/// memory stays bounded however many records the zip holds.
fn read_zip<R: Read + std::io::Seek>(
    reader: R,
    name: &str,
    limits: &ImportLimits,
    sink: &mut Sink<'_>,
) {
    let label = sink.label;
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => return sink.take(err(name, format!("not a readable zip: {e}"))),
    };
    let count = archive.len();
    if count > limits.max_zip_entries {
        sink.take(err(
            name,
            format!(
                "zip has {count} entries, over the limit of {}; only the first {} are read",
                limits.max_zip_entries, limits.max_zip_entries
            ),
        ));
    }
    let mut total: u64 = 0;
    let mut batch: Vec<(String, FileType, Vec<u8>)> = Vec::new();
    let mut batch_bytes: u64 = 0;
    let flush = |batch: &mut Vec<(String, FileType, Vec<u8>)>, sink: &mut Sink<'_>| {
        let parsed: Vec<Unit> = batch
            .par_iter()
            .map(|(n, kind, bytes)| parse_record(n, bytes, *kind, label))
            .collect();
        batch.clear();
        sink.take_all(parsed);
    };
    for i in 0..count.min(limits.max_zip_entries) {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                sink.take(err(format!("{name}!#{i}"), e.to_string()));
                continue;
            }
        };
        let inner = match entry.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                sink.take(err(format!("{name}!#{i}"), e.to_string()));
                continue;
            }
        };
        let entry_name = format!("{name}!{inner}");
        if entry.is_dir() {
            continue;
        }
        let Some(kind) = classify(Path::new(&inner)).filter(|k| *k != FileType::Zip) else {
            continue;
        };
        if entry.size() > limits.max_record_bytes {
            sink.take(err(
                entry_name,
                format!(
                    "entry declares {} bytes, over the {}-byte limit",
                    entry.size(),
                    limits.max_record_bytes
                ),
            ));
            continue;
        }
        // Declared sizes can lie: read at most one byte past the bound. A
        // record padded to inflate far beyond its compressed size is cut at
        // its ratio bound, not at the record bound.
        let by_ratio = entry
            .compressed_size()
            .saturating_mul(limits.max_entry_ratio)
            .max(limits.ratio_floor_bytes);
        let cap = limits.max_record_bytes.min(by_ratio);
        let mut buf = Vec::new();
        match (&mut entry).take(cap + 1).read_to_end(&mut buf) {
            Ok(_) if buf.len() as u64 > cap => {
                let why = if cap < limits.max_record_bytes {
                    format!(
                        "entry inflates more than {}x its compressed size (padded?)",
                        limits.max_entry_ratio
                    )
                } else {
                    format!(
                        "entry inflates past the {}-byte limit",
                        limits.max_record_bytes
                    )
                };
                sink.take(err(entry_name, why));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                sink.take(err(entry_name, e.to_string()));
                continue;
            }
        }
        total += buf.len() as u64;
        if total > limits.max_zip_total_bytes {
            sink.take(err(
                name,
                format!(
                    "zip inflates past the {}-byte total limit; the rest was skipped",
                    limits.max_zip_total_bytes
                ),
            ));
            break;
        }
        batch_bytes += buf.len() as u64;
        batch.push((entry_name, kind, buf));
        if batch_bytes >= limits.max_batch_bytes {
            flush(&mut batch, sink);
            batch_bytes = 0;
        }
    }
    flush(&mut batch, sink);
}

/// Merges loaded advisories into `content`: per id, the record with the
/// newest `modified` wins (a later import of the same date replaces it).
pub(crate) fn merge(content: &mut Content, loaded: Loaded) {
    for a in loaded.advisories {
        match content.advisories.get(&a.id) {
            Some(old) if old.modified > a.modified => {}
            _ => {
                content.advisories.insert(a.id.clone(), a);
            }
        }
    }
    if let Some(k) = loaded.kev {
        let newer = content
            .kev
            .as_ref()
            .is_none_or(|old| old.date_released <= k.date_released);
        if newer {
            content.kev = Some(k);
        }
    }
    for s in loaded.sources {
        content.sources.retain(|old| old.location != s.location);
        content.sources.push(s);
    }
}
