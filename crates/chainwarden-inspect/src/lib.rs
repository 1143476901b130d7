//! `inspect`: malicious-code heuristics over packages.
//!
//! A PATH is one of:
//! - a package archive (wheel, sdist, npm tarball; or an encrypted sample zip
//!   when a password is given): read in memory by `chainwarden-archive`;
//! - a folder holding environments: every installed distribution of every
//!   site dir (its RECORD says which files are its own) and every package of
//!   every `node_modules` gets its own verdict;
//! - any other folder: one source tree, one verdict.
//!
//! Only files the engine has a language for (Python, JavaScript, `.pth`,
//! package.json, pyproject.toml, shell) are read. Nothing is run or imported;
//! no symlink is followed out of the root. Packages are inspected in parallel.

mod anomalies;
mod diskread;
mod engine;
mod record;
mod units;

pub use anomalies::{ARCHIVE_RULES, EXPANSION_BOUND, UNREADABLE, UNSAFE_PATH};
pub use chainwarden_archive::{Anomaly, ArchiveError, ArchiveMeta, Limits as ArchiveLimits};

use chainwarden_core::discover::{WalkLimits, discover};
use chainwarden_core::fsutil::FsError;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Ecosystem, Finding, RuleMeta};
use chainwarden_heuristics::{Hit, Verdict};
use diskread::{RootReader, Skip};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use units::Unit;

/// Bounds of one inspection.
#[derive(Debug, Clone, Copy)]
pub struct InspectLimits {
    pub archive: ArchiveLimits,
    /// Largest source file read from disk; larger ones are listed as skipped.
    pub max_file_bytes: u64,
    /// Files of one source tree or npm package.
    pub max_files_per_package: usize,
    pub walk: WalkLimits,
}

/// Largest source file inspected, on disk or in an archive.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

impl Default for InspectLimits {
    fn default() -> Self {
        InspectLimits {
            // Archive members are read whole into memory: the same bound as on disk.
            archive: ArchiveLimits {
                max_entry_bytes: MAX_FILE_BYTES,
                ..ArchiveLimits::default()
            },
            max_file_bytes: MAX_FILE_BYTES,
            max_files_per_package: 200_000,
            walk: WalkLimits::default(),
        }
    }
}

/// The verdict on one package.
#[derive(Debug, Clone)]
pub struct PackageResult {
    /// From the package's metadata; empty when it has none.
    pub name: String,
    pub version: String,
    pub ecosystem: Option<Ecosystem>,
    /// The archive file, dist-info folder, npm package folder or tree root.
    pub origin: PathBuf,
    pub verdict: Verdict,
    /// The engine's hits as findings (judged by the verdict).
    pub findings: Vec<Finding>,
    /// Findings about the input itself, whatever the verdict: archive
    /// anomalies (`archive/…`) and archives that could not be read.
    pub input_findings: Vec<Finding>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// Archive oddities (unsafe names, bombs, links, truncation).
    pub anomalies: Vec<Anomaly>,
    /// Files that could not be read, and why (never silently dropped).
    pub errors: Vec<InputError>,
    /// Time spent reading and scanning this package.
    pub elapsed: Duration,
}

/// Everything an inspection found.
#[derive(Debug, Default)]
pub struct Inspection {
    pub packages: Vec<PackageResult>,
    /// Inputs inside the inspected tree that could not be read at all.
    pub errors: Vec<InputError>,
    /// The named path itself could not be opened (missing, unreadable, not
    /// an archive, or an archive too corrupt to list): nothing was inspected.
    /// Messages name the file.
    pub unopenable: Vec<InputError>,
}

/// Whether the engine reads a file of this name.
pub fn is_scanned(path_in_package: &str) -> bool {
    engine::is_scanned(path_in_package)
}

/// Inspects `path`: an archive file, a folder of environments or a source tree.
pub fn inspect_path(path: &Path, limits: &InspectLimits) -> Inspection {
    inspect_path_with_password(path, limits, None)
}

/// Like [`inspect_path`]; `password` opens encrypted zip archives.
pub fn inspect_path_with_password(
    path: &Path,
    limits: &InspectLimits,
    password: Option<&[u8]>,
) -> Inspection {
    let mut out = Inspection::default();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let message = format!("{}: {e}", path.display());
            out.unopenable.push(InputError::new(path, message));
            return out;
        }
    };
    if meta.is_file() {
        let bytes =
            match chainwarden_core::fsutil::read_bounded(path, limits.archive.max_total_bytes) {
                Ok(b) => b,
                // Found and readable, but over a bound: a finding, not a failure.
                Err(e @ FsError::TooLarge { .. }) => {
                    out.packages
                        .push(unread_archive(path, &EXPANSION_BOUND, &e.to_string()));
                    return out;
                }
                Err(e) => {
                    out.unopenable.push(InputError::new(path, e.to_string()));
                    return out;
                }
            };
        let name = path.to_string_lossy();
        match inspect_archive(&name, &bytes, path, &limits.archive, password) {
            Ok(r) => out.packages.push(r),
            Err(
                e @ (ArchiveError::PasswordRequired { .. } | ArchiveError::WrongPassword { .. }),
            ) => out
                .packages
                .push(unread_archive(path, &UNREADABLE, &e.to_string())),
            Err(e) => out.unopenable.push(InputError::new(path, e.to_string())),
        }
        return out;
    }
    let found = discover(&[path.to_path_buf()], limits.walk);
    out.errors.extend(found.errors);
    let mut units: Vec<Unit> = Vec::new();
    // The folder itself is a package when it says so (a manifest at its top),
    // or when it holds no installed packages at all.
    if (found.site_dirs.is_empty() && found.node_modules.is_empty()) || has_manifest(path) {
        let mut ignored = Vec::new();
        units.push(units::tree_unit(
            path,
            limits.max_files_per_package,
            limits.walk.max_depth,
            &mut ignored,
        ));
    }
    for site_dir in &found.site_dirs {
        let (u, errs) = units::site_dir_units(path, site_dir);
        units.extend(u);
        out.errors.extend(errs);
    }
    let mut node_modules = found.node_modules.clone();
    while let Some(nm) = node_modules.pop() {
        for pkg in units::node_modules_packages(&nm) {
            units.push(units::tree_unit(
                &pkg,
                limits.max_files_per_package,
                limits.walk.max_depth,
                &mut node_modules,
            ));
        }
    }
    out.packages = units
        .into_par_iter()
        .map(|u| inspect_unit(path, u, limits))
        .collect();
    out
}

/// Inspects one installed distribution: `dist_info` is its `*.dist-info`
/// folder inside `site_dir`; files are read only below `root`.
pub fn inspect_distribution(
    root: &Path,
    site_dir: &Path,
    dist_info: &Path,
    limits: &InspectLimits,
) -> PackageResult {
    let unit = units::dist_info_unit(root, site_dir, dist_info);
    inspect_unit(root, unit, limits)
}

/// Inspects one archive held in memory; `origin` names it in the result.
pub fn inspect_archive(
    name: &str,
    bytes: &[u8],
    origin: &Path,
    limits: &ArchiveLimits,
    password: Option<&[u8]>,
) -> Result<PackageResult, ArchiveError> {
    let start = Instant::now();
    let expanded =
        chainwarden_archive::open_archive_filtered(name, bytes, limits, password, &|p| {
            engine::is_scanned(p) || is_metadata_file(p)
        })?;
    let meta = chainwarden_archive::package_meta(&expanded.entries);
    let files = expanded
        .entries
        .iter()
        .filter(|e| engine::is_scanned(&e.path))
        .map(|e| (e.path.as_str(), e.data.as_slice()));
    let mut result = scan_package(origin, meta, files);
    result.input_findings = anomalies::findings(&expanded.anomalies, origin);
    result.anomalies = expanded.anomalies;
    result.elapsed = start.elapsed();
    Ok(result)
}

/// The result for an archive that was found but not read (over a bound,
/// encrypted): no verdict, one finding of `rule` saying why.
fn unread_archive(origin: &Path, rule: &RuleMeta, reason: &str) -> PackageResult {
    let mut result = finish(origin, None, Vec::new(), 0, 0, Vec::new());
    result.input_findings = vec![anomalies::unread_archive(origin, rule, reason)];
    result
}

/// Files that make a folder a package of its own.
fn has_manifest(dir: &Path) -> bool {
    [
        "package.json",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "PKG-INFO",
    ]
    .iter()
    .any(|m| dir.join(m).is_file())
}

fn is_metadata_file(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    matches!(file, "PKG-INFO" | "METADATA" | "package.json")
}

/// Runs the engine over a package's files (path inside the package, bytes).
pub fn scan_package<'a>(
    origin: &Path,
    meta: Option<ArchiveMeta>,
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> PackageResult {
    let start = Instant::now();
    let mut hits: Vec<Hit> = Vec::new();
    let mut files_scanned = 0;
    let mut bytes_scanned = 0u64;
    for (path, data) in files {
        files_scanned += 1;
        bytes_scanned += data.len() as u64;
        hits.extend(engine::scan(path, data));
    }
    let mut result = finish(origin, meta, hits, files_scanned, bytes_scanned, Vec::new());
    result.elapsed = start.elapsed();
    result
}

fn finish(
    origin: &Path,
    meta: Option<ArchiveMeta>,
    hits: Vec<Hit>,
    files_scanned: usize,
    bytes_scanned: u64,
    errors: Vec<InputError>,
) -> PackageResult {
    let (verdict, findings) = engine::judge(&hits, meta.as_ref());
    let m = meta.unwrap_or_default();
    PackageResult {
        name: m.name,
        version: m.version,
        ecosystem: m.ecosystem,
        origin: origin.to_path_buf(),
        verdict,
        findings,
        input_findings: Vec::new(),
        files_scanned,
        bytes_scanned,
        anomalies: Vec::new(),
        errors,
        elapsed: Duration::ZERO,
    }
}

fn inspect_unit(root: &Path, unit: Unit, limits: &InspectLimits) -> PackageResult {
    let start = Instant::now();
    let mut reader = RootReader::new(root, limits.max_file_bytes);
    let mut errors = unit.errors;
    let mut hits = Vec::new();
    let mut files_scanned = 0;
    let mut bytes_scanned = 0u64;
    for (rel, on_disk) in &unit.files {
        if !engine::is_scanned(rel) {
            continue;
        }
        // RECORD paths are resolved lexically; the real path must stay inside too.
        let on_disk = if on_disk.is_absolute() {
            on_disk.clone()
        } else {
            reader.root().join(on_disk)
        };
        match reader.read(&on_disk) {
            Ok(data) => {
                files_scanned += 1;
                bytes_scanned += data.len() as u64;
                hits.extend(engine::scan(rel, &data));
            }
            Err(Skip::Missing | Skip::NotAFile) => {}
            Err(Skip::OutsideRoot) => errors.push(InputError::new(
                &on_disk,
                "not read: a symlink, or outside the scan root",
            )),
            Err(Skip::Error(e)) => errors.push(InputError::new(&on_disk, e)),
        }
    }
    let mut result = finish(
        &unit.origin,
        unit.meta,
        hits,
        files_scanned,
        bytes_scanned,
        errors,
    );
    // Findings name files inside the package; on disk, name the real file.
    for f in &mut result.findings {
        if let Some(loc) = f.location.as_mut()
            && let Some(rel) = loc.path.to_str()
        {
            loc.path = unit.base.join(rel);
        }
    }
    result.elapsed = start.elapsed();
    result
}
