//! Reading advisories from folders of OSV JSON/YAML, OSV export zips and
//! the CISA KEV catalog. A bad record is reported (file + reason) and skipped.

use crate::kev::{self, KevCatalog};
use crate::osv::{self, MAX_RECORD_BYTES, OsvRecord};
use crate::record::Advisory;
use crate::store::{Content, SourceInfo};
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
        }
    }
}

/// One record that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
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
    pub errors: usize,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub sources: Vec<SourceReport>,
    pub errors: Vec<ImportError>,
    /// Advisories in the database after the import.
    pub total_records: usize,
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

/// Reads every source.
pub(crate) fn load(specs: &[SourceSpec], limits: &ImportLimits, now: &str) -> Loaded {
    let mut loaded = Loaded::default();
    for spec in specs {
        let units = read_source(spec, limits);
        let mut rep = SourceReport {
            location: spec.label.clone(),
            ..SourceReport::default()
        };
        let mut newest: Option<String> = None;
        for u in units {
            match u {
                Unit::Osv(a) => {
                    if a.withdrawn.is_some() {
                        rep.withdrawn += 1;
                    }
                    rep.records += 1;
                    if let Some(m) = &a.modified
                        && newest.as_ref().is_none_or(|n| m > n)
                    {
                        newest = Some(m.clone());
                    }
                    loaded.advisories.push(a);
                }
                Unit::Unsupported => rep.unsupported += 1,
                Unit::Kev(k) => {
                    rep.records += k.entries.len();
                    if newest.as_ref().is_none_or(|n| &k.date_released > n) {
                        newest = Some(k.date_released.clone());
                    }
                    loaded.kev = Some(k);
                }
                Unit::Error(e) => {
                    rep.errors += 1;
                    loaded.report.errors.push(e);
                }
            }
        }
        loaded.sources.push(SourceInfo {
            location: spec.label.clone(),
            imported_at: now.to_string(),
            records: rep.records,
            newest_modified: newest,
        });
        loaded.report.sources.push(rep);
    }
    loaded
}

fn err(file: impl Into<String>, reason: impl Into<String>) -> Unit {
    Unit::Error(ImportError {
        file: file.into(),
        reason: reason.into(),
    })
}

fn read_source(spec: &SourceSpec, limits: &ImportLimits) -> Vec<Unit> {
    let path = &spec.path;
    // The source the user names may be a symlink; nothing below it is followed.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return vec![err(path.display().to_string(), e.to_string())],
    };
    if meta.is_dir() {
        return read_dir(path, limits, &spec.label);
    }
    match classify(path) {
        Some(FileType::Zip) => read_zip_file(path, limits, &spec.label),
        Some(kind) => vec![read_file(path, kind, limits, &spec.label)],
        None => vec![err(
            path.display().to_string(),
            "not an OSV record (.json/.yaml/.yml), OSV export (.zip) or KEV catalog",
        )],
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

fn read_dir(root: &Path, limits: &ImportLimits, label: &str) -> Vec<Unit> {
    let mut files = Vec::new();
    let mut out = Vec::new();
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
                out.push(err(p, e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if files.len() >= limits.max_files {
            out.push(err(
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
    let parsed: Vec<Vec<Unit>> = files
        .par_iter()
        .map(|(p, kind)| match kind {
            FileType::Zip => read_zip_file(p, limits, label),
            k => vec![read_file(p, *k, limits, label)],
        })
        .collect();
    out.extend(parsed.into_iter().flatten());
    out
}

fn read_file(path: &Path, kind: FileType, limits: &ImportLimits, label: &str) -> Unit {
    let name = path.display().to_string();
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
    parse_record(&name, &bytes, kind, label)
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

fn read_zip_file(path: &Path, limits: &ImportLimits, label: &str) -> Vec<Unit> {
    let name = path.display().to_string();
    let file = match chainwarden_core::fsutil::open_regular(path) {
        Ok(f) => f,
        Err(e) => return vec![err(name, e.to_string())],
    };
    match file.metadata() {
        Ok(m) if m.len() > limits.max_zip_file_bytes => {
            return vec![err(
                name,
                format!("zip is over the {}-byte limit", limits.max_zip_file_bytes),
            )];
        }
        Err(e) => return vec![err(name, e.to_string())],
        Ok(_) => {}
    }
    read_zip(std::io::BufReader::new(file), &name, limits, label)
}

/// Reads an OSV export zip entry by entry, in memory, never extracting.
fn read_zip<R: Read + std::io::Seek>(
    reader: R,
    name: &str,
    limits: &ImportLimits,
    label: &str,
) -> Vec<Unit> {
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => return vec![err(name, format!("not a readable zip: {e}"))],
    };
    let mut out = Vec::new();
    let count = archive.len();
    if count > limits.max_zip_entries {
        out.push(err(
            name,
            format!(
                "zip has {count} entries, over the limit of {}; only the first {} are read",
                limits.max_zip_entries, limits.max_zip_entries
            ),
        ));
    }
    let mut total: u64 = 0;
    let mut raw: Vec<(String, FileType, Vec<u8>)> = Vec::new();
    for i in 0..count.min(limits.max_zip_entries) {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push(err(format!("{name}!#{i}"), e.to_string()));
                continue;
            }
        };
        let inner = match entry.name() {
            Ok(n) => n.to_string(),
            Err(e) => {
                out.push(err(format!("{name}!#{i}"), e.to_string()));
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
            out.push(err(
                entry_name,
                format!(
                    "entry declares {} bytes, over the {}-byte limit",
                    entry.size(),
                    limits.max_record_bytes
                ),
            ));
            continue;
        }
        // Declared sizes can lie: read at most one byte past the limit.
        let mut buf = Vec::new();
        match (&mut entry)
            .take(limits.max_record_bytes + 1)
            .read_to_end(&mut buf)
        {
            Ok(_) if buf.len() as u64 > limits.max_record_bytes => {
                out.push(err(
                    entry_name,
                    format!(
                        "entry inflates past the {}-byte limit",
                        limits.max_record_bytes
                    ),
                ));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                out.push(err(entry_name, e.to_string()));
                continue;
            }
        }
        total += buf.len() as u64;
        if total > limits.max_zip_total_bytes {
            out.push(err(
                name,
                format!(
                    "zip inflates past the {}-byte total limit; the rest was skipped",
                    limits.max_zip_total_bytes
                ),
            ));
            break;
        }
        raw.push((entry_name, kind, buf));
    }
    let parsed: Vec<Unit> = raw
        .par_iter()
        .map(|(n, kind, bytes)| parse_record(n, bytes, *kind, label))
        .collect();
    out.extend(parsed);
    out
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
