//! `verify`: re-hash every file the RECORDs of a site folder list, and find
//! the files under it that nothing owns.
//!
//! Each distinct file is opened once and read once through a per-thread
//! buffer; every digest any RECORD asks for (and sha256, for indicator
//! matching) comes out of that one pass. Files are hashed in parallel.

use crate::hashing::{self, Digests, Wanted};
use crate::ownership::{self, Distribution, Ownership};
use crate::record::{RecordError, RecordHash, hex};
use chainwarden_core::inventory::InputError;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How `verify` runs.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Read buffer per worker thread.
    pub buffer_size: usize,
    /// Also look for files that no RECORD owns.
    pub check_unowned: bool,
    /// Also compute sha256 of every file (free when RECORD uses sha256) so
    /// indicator matching can reuse it.
    pub sha256_for_indicators: bool,
    /// Bound on the walk for unowned files.
    pub max_walk_entries: usize,
    pub max_walk_depth: usize,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            buffer_size: 128 * 1024,
            check_unowned: true,
            sha256_for_indicators: true,
            max_walk_entries: 2_000_000,
            max_walk_depth: 48,
        }
    }
}

/// What is wrong with one RECORD entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// Content or size differs from RECORD.
    Modified {
        expected: RecordHash,
        actual_hex: String,
        expected_size: Option<u64>,
        actual_size: u64,
        /// The file starts with `#!` (scripts are the usual upstream quirk).
        shebang: bool,
    },
    /// Listed with a hash but not on disk.
    Missing,
    /// The entry points outside the environment root, or is a symlink that
    /// leads out of it; it was not read.
    OutsideRoot { reason: String },
    /// Not a regular file (a directory, FIFO or device); not read.
    NotRegularFile,
    /// RECORD names an algorithm we do not compute (md5, sha1 — which the
    /// wheel spec forbids — or sha3/blake2).
    Unverifiable { algorithm: String },
    /// The file exists but could not be read.
    Unreadable { message: String },
}

/// One RECORD entry that did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Index into [`VerifyReport::distributions`].
    pub dist: usize,
    /// The file (lexically resolved, not canonicalised).
    pub path: PathBuf,
    /// The path exactly as RECORD lists it.
    pub record_path: String,
    pub record_line: u32,
    pub kind: IssueKind,
}

/// How worrying an unowned file is, by what Python does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnownedKind {
    /// A top-level `.pth`: its `import` lines run at every interpreter start.
    StartupPth,
    /// `sitecustomize.py` / `usercustomize.py`: imported at every start.
    StartupCustomize,
    /// A top-level module (`.py`, `.so`, `.pyd`): importable, may shadow one.
    TopLevelModule,
    /// A top-level folder no RECORD lists anything in, holding Python code,
    /// or a top-level symlink (never followed).
    TopLevelPackage,
    /// A `.py` file dropped inside a package that a RECORD owns.
    NestedModule,
    /// Any other file or folder (data, `.egg-link`, stray files).
    Other,
}

/// A file or folder under site-packages that no distribution lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unowned {
    pub path: PathBuf,
    pub kind: UnownedKind,
    pub is_dir: bool,
    /// For folders: files inside (bounded walk).
    pub files: usize,
}

/// Throughput numbers, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct VerifyStats {
    pub distributions: usize,
    /// RECORD entries checked.
    pub entries: usize,
    /// Distinct files read.
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
}

/// Everything `verify` found in one site folder.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub site_dir: PathBuf,
    pub env_root: PathBuf,
    pub distributions: Vec<Distribution>,
    pub issues: Vec<Issue>,
    pub unowned: Vec<Unowned>,
    pub record_errors: Vec<(usize, RecordError)>,
    /// Files or folders that could not be read, and bounds hit.
    pub errors: Vec<InputError>,
    /// sha256 of every file read (for indicator matching).
    pub sha256: HashMap<PathBuf, [u8; 32]>,
    /// Resolved path → owning distributions.
    pub owners: HashMap<PathBuf, Vec<usize>>,
    pub stats: VerifyStats,
}

impl VerifyReport {
    pub fn distribution(&self, idx: usize) -> Option<&Distribution> {
        self.distributions.get(idx)
    }

    /// The first distribution listing `path`.
    pub fn owner_of(&self, path: &Path) -> Option<&Distribution> {
        let idx = *self.owners.get(path)?.first()?;
        self.distributions.get(idx)
    }
}

/// What reading one distinct file gave.
enum FileOutcome {
    Read(Digests),
    Missing,
    Outside(String),
    NotRegular,
    Unreadable(String),
}

/// Re-hashes every file listed by the RECORDs in `site_dir` and (by default)
/// lists the files no distribution owns. Paths that leave `env_root` are
/// refused, not read.
pub fn verify_site_dir(site_dir: &Path, env_root: &Path, opts: &VerifyOptions) -> VerifyReport {
    let started = Instant::now();
    let own = ownership::read_ownership(site_dir, env_root);
    let mut report = VerifyReport {
        site_dir: site_dir.to_path_buf(),
        env_root: env_root.to_path_buf(),
        ..VerifyReport::default()
    };
    let canon_root = match fs::canonicalize(env_root) {
        Ok(p) => p,
        Err(e) => {
            report.errors.push(InputError::new(env_root, e.to_string()));
            report.errors.extend(own.errors);
            report.distributions = own.distributions;
            return report;
        }
    };

    // Distinct files and the digests they need.
    let mut wanted: BTreeMap<&Path, Wanted> = BTreeMap::new();
    for e in &own.entries {
        if let Some(p) = &e.resolved {
            let w = wanted.entry(p.as_path()).or_default();
            if let Some(h) = &e.entry.hash {
                w.add(&h.algorithm);
            }
            w.sha256 |= opts.sha256_for_indicators;
        }
    }
    let buffer_size = opts.buffer_size.max(4096);
    let outcomes: HashMap<&Path, FileOutcome> = wanted
        .into_par_iter()
        .map_init(
            || Worker {
                buf: vec![0u8; buffer_size],
                parents: HashMap::new(),
            },
            |worker, (path, w)| (path, read_one(path, &canon_root, w, worker)),
        )
        .collect();

    for e in &own.entries {
        report.stats.entries += 1;
        let issue = |kind| Issue {
            dist: e.dist,
            path: e
                .resolved
                .clone()
                .unwrap_or_else(|| PathBuf::from(&e.entry.path)),
            record_path: e.entry.path.clone(),
            record_line: e.entry.line,
            kind,
        };
        let Some(path) = &e.resolved else {
            report.issues.push(issue(IssueKind::OutsideRoot {
                reason: "the path climbs out of the environment root".to_string(),
            }));
            continue;
        };
        let Some(outcome) = outcomes.get(path.as_path()) else {
            continue;
        };
        if let Some(kind) = check_entry(e, path, outcome) {
            // A file two distributions list, matching the other one's RECORD,
            // was overwritten by that distribution's later install (pip warns
            // and goes on): not a change after installation.
            let overwritten = matches!(kind, IssueKind::Modified { .. })
                && own.owners.get(path).is_some_and(|o| o.len() > 1)
                && own.entries.iter().any(|other| {
                    other.dist != e.dist
                        && other.resolved.as_deref() == Some(path.as_path())
                        && check_entry(other, path, outcome).is_none()
                });
            if !overwritten {
                report.issues.push(issue(kind));
            }
        }
    }
    for (path, outcome) in &outcomes {
        if let FileOutcome::Read(d) = outcome {
            report.stats.files += 1;
            report.stats.bytes += d.size;
            if let Some(h) = d.sha256 {
                report.sha256.insert(path.to_path_buf(), h);
            }
        }
    }
    drop(outcomes);

    if opts.check_unowned {
        find_unowned(&own, opts, &mut report);
    }
    report.stats.distributions = own.distributions.len();
    report.distributions = own.distributions;
    report.owners = own.owners;
    report.record_errors = own.record_errors;
    report.errors.extend(own.errors);
    report
        .issues
        .sort_by(|a, b| (a.dist, &a.path).cmp(&(b.dist, &b.path)));
    report.stats.seconds = started.elapsed().as_secs_f64();
    report
}

/// Per-thread state: the read buffer and the canonical form of the folders
/// seen so far (most files share a few hundred folders; resolving each file's
/// full path would cost a syscall per path component).
struct Worker {
    buf: Vec<u8>,
    parents: HashMap<PathBuf, Option<PathBuf>>,
}

/// Reads one file if it is a regular file inside the root (symlinks inside
/// the root are followed; out of it, refused).
fn read_one(path: &Path, canon_root: &Path, wanted: Wanted, worker: &mut Worker) -> FileOutcome {
    let meta = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileOutcome::Missing,
        Err(e) => return FileOutcome::Unreadable(e.to_string()),
        Ok(m) => m,
    };
    let is_link = meta.file_type().is_symlink();
    // Resolves every link on the way, including parent folders.
    let real = if is_link {
        match fs::canonicalize(path) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return FileOutcome::Outside("a dangling symlink".to_string());
            }
            Err(e) => return FileOutcome::Unreadable(e.to_string()),
        }
    } else {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return FileOutcome::NotRegular;
        };
        let canon_parent = worker
            .parents
            .entry(parent.to_path_buf())
            .or_insert_with(|| fs::canonicalize(parent).ok());
        match canon_parent {
            Some(p) => p.join(name),
            None => return FileOutcome::Unreadable("its folder cannot be resolved".to_string()),
        }
    };
    if !real.starts_with(canon_root) {
        return FileOutcome::Outside(format!(
            "a symlink on the way leads out of the environment root, to {}",
            real.display()
        ));
    }
    let is_file = if is_link {
        fs::metadata(&real).is_ok_and(|m| m.is_file())
    } else {
        meta.is_file()
    };
    if !is_file {
        return FileOutcome::NotRegular;
    }
    match hashing::hash_file(&real, wanted, &mut worker.buf) {
        Ok(d) => FileOutcome::Read(d),
        Err(e) => FileOutcome::Unreadable(e.to_string()),
    }
}

fn check_entry(e: &ownership::OwnedEntry, path: &Path, outcome: &FileOutcome) -> Option<IssueKind> {
    let hash = e.entry.hash.as_ref();
    match outcome {
        FileOutcome::Missing => {
            // Unhashed entries are RECORD itself and byte-code compiled at
            // install time; a missing `.pyc` is regenerated and harmless.
            let pyc = path.extension().is_some_and(|x| x == "pyc");
            (hash.is_some() || !pyc).then_some(IssueKind::Missing)
        }
        FileOutcome::Outside(reason) => Some(IssueKind::OutsideRoot {
            reason: reason.clone(),
        }),
        FileOutcome::NotRegular => Some(IssueKind::NotRegularFile),
        FileOutcome::Unreadable(m) => Some(IssueKind::Unreadable { message: m.clone() }),
        FileOutcome::Read(d) => {
            let expected = hash?;
            let Some(actual) = d.get(&expected.algorithm) else {
                return Some(IssueKind::Unverifiable {
                    algorithm: expected.algorithm.to_string(),
                });
            };
            let size_ok = e.entry.size.is_none_or(|s| s == d.size);
            (actual != expected.digest.as_slice() || !size_ok).then(|| IssueKind::Modified {
                expected: expected.clone(),
                actual_hex: hex(actual),
                expected_size: e.entry.size,
                actual_size: d.size,
                shebang: d.shebang,
            })
        }
    }
}

/// Names in site-packages that Python itself or pip put there, not owned.
fn ignored_top_level(name: &str) -> bool {
    name == "__pycache__"
        || name.ends_with(".dist-info")
        || name.ends_with(".egg-info")
        // CPython ships site-packages/README.txt; easy_install eggs own themselves.
        || name == "README.txt"
        || name == "README"
        || name.ends_with(".egg")
}

fn find_unowned(own: &Ownership, opts: &VerifyOptions, report: &mut VerifyReport) {
    let site = &own.site_dir;
    let mut walk = walkdir::WalkDir::new(site)
        .follow_links(false)
        .min_depth(1)
        .max_depth(opts.max_walk_depth)
        .sort_by_file_name()
        .into_iter();
    let mut seen = 0usize;
    // Open unowned top-level folder: (index in report.unowned, its path).
    let mut open_dir: Option<(usize, PathBuf)> = None;
    while let Some(item) = walk.next() {
        seen += 1;
        if seen > opts.max_walk_entries {
            report.errors.push(InputError::new(
                site,
                format!(
                    "stopped looking for unowned files after {} entries",
                    opts.max_walk_entries
                ),
            ));
            break;
        }
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().unwrap_or(site).to_path_buf();
                report.errors.push(InputError::new(p, e.to_string()));
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let is_dir = entry.file_type().is_dir();
        if let Some((idx, dir)) = &open_dir {
            if path.starts_with(dir) {
                if !is_dir && let Some(u) = report.unowned.get_mut(*idx) {
                    u.files += 1;
                    if name.ends_with(".py") && u.kind == UnownedKind::Other {
                        u.kind = UnownedKind::TopLevelPackage;
                    }
                }
                continue;
            }
            open_dir = None;
        }
        if entry.depth() == 1 {
            if ignored_top_level(&name) {
                if is_dir {
                    walk.skip_current_dir();
                }
                continue;
            }
            if is_dir {
                if !own.owned_top_level.contains(entry.file_name()) {
                    report.unowned.push(Unowned {
                        path: path.to_path_buf(),
                        kind: UnownedKind::Other,
                        is_dir: true,
                        files: 0,
                    });
                    open_dir = Some((report.unowned.len() - 1, path.to_path_buf()));
                }
                continue;
            }
            if !own.owners.contains_key(path) {
                let mut kind = top_level_file_kind(&name);
                // A top-level symlink (not followed) may point at a package
                // folder anywhere: importable under its name.
                if entry.path_is_symlink() && kind == UnownedKind::Other {
                    kind = UnownedKind::TopLevelPackage;
                }
                report.unowned.push(Unowned {
                    path: path.to_path_buf(),
                    kind,
                    is_dir: false,
                    files: 1,
                });
            }
            continue;
        }
        // Inside a folder some RECORD owns part of.
        if is_dir {
            if name == "__pycache__" {
                walk.skip_current_dir();
            }
            continue;
        }
        if name.ends_with(".pyc") || own.owners.contains_key(path) {
            continue;
        }
        let kind = if name.ends_with(".py") || name.ends_with(".pth") {
            UnownedKind::NestedModule
        } else {
            UnownedKind::Other
        };
        report.unowned.push(Unowned {
            path: path.to_path_buf(),
            kind,
            is_dir: false,
            files: 1,
        });
    }
}

fn top_level_file_kind(name: &str) -> UnownedKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pth") {
        UnownedKind::StartupPth
    } else if lower == "sitecustomize.py" || lower == "usercustomize.py" {
        UnownedKind::StartupCustomize
    } else if lower.ends_with(".py") || lower.ends_with(".so") || lower.ends_with(".pyd") {
        UnownedKind::TopLevelModule
    } else {
        UnownedKind::Other
    }
}
