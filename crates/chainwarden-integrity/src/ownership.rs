//! Which installed distribution owns which file: every `*.dist-info/RECORD`
//! and every `*.egg-info/installed-files.txt` of one site-packages folder.
//!
//! Reading ownership costs only the RECORD files (no hashing), so `scan` can
//! use it to name the distribution behind a file; `verify` builds on it.

use crate::record::{self, RecordEntry, RecordError};
use chainwarden_core::fsutil::{self, join_within};
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Ecosystem, Package};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// How a distribution records its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistKind {
    /// `*.dist-info` with RECORD (hashes and sizes).
    DistInfo,
    /// `*.egg-info` with `installed-files.txt` (paths only, no hashes).
    EggInfo,
}

/// One installed distribution found in the site folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Distribution {
    pub package: Package,
    pub kind: DistKind,
    /// The `*.dist-info` / `*.egg-info` folder.
    pub metadata_dir: PathBuf,
    /// The RECORD (or installed-files.txt) read, if there was one.
    pub record: Option<PathBuf>,
    /// Entries listed by it.
    pub entries: usize,
    /// Entries that carry a hash we can check.
    pub hashed_entries: usize,
}

/// A RECORD entry resolved to a path inside the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedEntry {
    /// Index into [`Ownership::distributions`].
    pub dist: usize,
    pub entry: RecordEntry,
    /// `None` when the entry points outside the environment root.
    pub resolved: Option<PathBuf>,
}

/// Ownership of the files of one site-packages folder.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    pub site_dir: PathBuf,
    pub env_root: PathBuf,
    pub distributions: Vec<Distribution>,
    /// Every listed entry, in distribution then line order.
    pub entries: Vec<OwnedEntry>,
    /// Resolved path → owning distributions (a path may be listed twice).
    pub owners: HashMap<PathBuf, Vec<usize>>,
    /// First path component (below site-packages) of every owned path.
    pub owned_top_level: HashSet<OsString>,
    /// RECORD lines that could not be parsed, with their distribution.
    pub record_errors: Vec<(usize, RecordError)>,
    /// Files that could not be read.
    pub errors: Vec<InputError>,
}

impl Ownership {
    /// The first distribution that lists `path`.
    pub fn owner_of(&self, path: &Path) -> Option<&Distribution> {
        let idx = *self.owners.get(path)?.first()?;
        self.distributions.get(idx)
    }
}

/// The environment root of a site folder: `<root>/lib/pythonX.Y/site-packages`
/// → `<root>`; Windows `<root>/Lib/site-packages` → `<root>`; otherwise the
/// site folder itself (nothing outside it will be read).
pub fn env_root_for(site_dir: &Path) -> PathBuf {
    let parent = site_dir.parent();
    let is = |p: Option<&Path>, f: &dyn Fn(&str) -> bool| {
        p.and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .is_some_and(f)
    };
    if is(parent, &|n| {
        n.starts_with("python") || n.starts_with("pypy")
    }) {
        let lib = parent.and_then(Path::parent);
        if is(lib, &|n| n == "lib" || n == "lib64" || n == "Lib")
            && let Some(root) = lib.and_then(Path::parent)
        {
            return root.to_path_buf();
        }
    }
    if is(parent, &|n| n == "Lib")
        && let Some(root) = parent.and_then(Path::parent)
    {
        return root.to_path_buf();
    }
    site_dir.to_path_buf()
}

/// `name-version.dist-info` → (name, version). The name part is escaped with
/// `_` by installers, so the first `-` separates name and version; egg-info
/// names add `-pyX.Y` after the version.
pub fn split_metadata_dir_name(dir_name: &str) -> Option<(String, String)> {
    let stem = dir_name
        .strip_suffix(".dist-info")
        .or_else(|| dir_name.strip_suffix(".egg-info"))?;
    let (name, rest) = stem.split_once('-')?;
    let version = rest.split('-').next().unwrap_or(rest);
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

/// Reads every RECORD and installed-files.txt in `site_dir`.
pub fn read_ownership(site_dir: &Path, env_root: &Path) -> Ownership {
    let mut own = Ownership {
        site_dir: site_dir.to_path_buf(),
        env_root: env_root.to_path_buf(),
        ..Ownership::default()
    };
    let mut names: Vec<(String, PathBuf)> = match fs::read_dir(site_dir) {
        Ok(rd) => rd
            .flatten()
            .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
            .collect(),
        Err(e) => {
            own.errors.push(InputError::new(site_dir, e.to_string()));
            return own;
        }
    };
    names.sort();
    for (name, path) in names {
        let kind = if name.ends_with(".dist-info") {
            DistKind::DistInfo
        } else if name.ends_with(".egg-info") {
            DistKind::EggInfo
        } else {
            continue;
        };
        let (dist_name, version) =
            split_metadata_dir_name(&name).unwrap_or_else(|| (name.clone(), String::new()));
        let dist = own.distributions.len();
        own.distributions.push(Distribution {
            package: Package::new(Ecosystem::PyPI, &dist_name, &version),
            kind,
            metadata_dir: path.clone(),
            record: None,
            entries: 0,
            hashed_entries: 0,
        });
        // A symlinked metadata folder or RECORD is not followed.
        if !is_real_dir(&path) {
            continue;
        }
        match kind {
            DistKind::DistInfo => read_record(&mut own, dist, &path.join("RECORD")),
            DistKind::EggInfo => read_installed_files(&mut own, dist, &path),
        }
    }
    own
}

fn is_real_dir(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// Whether a file list (RECORD, installed-files.txt) is there to read.
/// Absent is `false` (nothing to verify against, reported as such); present
/// but a symlink is an error, and so (when read) is anything but a regular
/// file: a FIFO named RECORD must not pass as "no RECORD".
fn present(own: &mut Ownership, p: &Path) -> bool {
    match fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            own.errors.push(InputError::new(p, e.to_string()));
            false
        }
        Ok(m) if m.file_type().is_symlink() => {
            own.errors
                .push(InputError::new(p, "a symbolic link: not followed"));
            false
        }
        Ok(_) => true,
    }
}

fn read_record(own: &mut Ownership, dist: usize, record_path: &Path) {
    if !present(own, record_path) {
        return;
    }
    let text = match fsutil::read_text(record_path, fsutil::MAX_TEXT_FILE) {
        Ok(t) => t,
        Err(e) => {
            own.errors.push(InputError::new(record_path, e.to_string()));
            return;
        }
    };
    let parsed = record::parse_record(record_path, &text);
    let hashed = parsed.entries.iter().filter(|e| e.hash.is_some()).count();
    if let Some(d) = own.distributions.get_mut(dist) {
        d.record = Some(record_path.to_path_buf());
        d.entries = parsed.entries.len();
        d.hashed_entries = hashed;
    }
    own.record_errors
        .extend(parsed.errors.into_iter().map(|e| (dist, e)));
    for entry in parsed.entries {
        let resolved = join_within(&own.env_root, &own.site_dir, &entry.path);
        if let Some(p) = &resolved {
            own.note_owned(p, dist);
        }
        own.entries.push(OwnedEntry {
            dist,
            entry,
            resolved,
        });
    }
}

/// `installed-files.txt`: one path per line, relative to the egg-info folder.
fn read_installed_files(own: &mut Ownership, dist: usize, egg_info: &Path) {
    let list = egg_info.join("installed-files.txt");
    if !present(own, &list) {
        return;
    }
    let text = match fsutil::read_text(&list, fsutil::MAX_TEXT_FILE) {
        Ok(t) => t,
        Err(e) => {
            own.errors.push(InputError::new(&list, e.to_string()));
            return;
        }
    };
    let mut n = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if n >= record::MAX_RECORD_ENTRIES {
            break;
        }
        n += 1;
        if let Some(p) = join_within(&own.env_root, egg_info, line) {
            own.note_owned(&p, dist);
        }
    }
    if let Some(d) = own.distributions.get_mut(dist) {
        d.record = Some(list);
        d.entries = n;
    }
}

impl Ownership {
    fn note_owned(&mut self, path: &Path, dist: usize) {
        if let Ok(rel) = path.strip_prefix(&self.site_dir)
            && let Some(Component::Normal(first)) = rel.components().next()
        {
            self.owned_top_level.insert(first.to_os_string());
        }
        let owners = self.owners.entry(path.to_path_buf()).or_default();
        if !owners.contains(&dist) {
            owners.push(dist);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_roots() {
        assert_eq!(
            env_root_for(Path::new("/v/lib/python3.11/site-packages")),
            Path::new("/v")
        );
        assert_eq!(
            env_root_for(Path::new("/usr/lib/python3/dist-packages")),
            Path::new("/usr")
        );
        assert_eq!(
            env_root_for(Path::new("C:/v/Lib/site-packages")),
            Path::new("C:/v")
        );
        assert_eq!(env_root_for(Path::new("/opt/sp")), Path::new("/opt/sp"));
    }

    #[test]
    fn metadata_dir_names() {
        assert_eq!(
            split_metadata_dir_name("typing_extensions-4.12.2.dist-info"),
            Some(("typing_extensions".into(), "4.12.2".into()))
        );
        assert_eq!(
            split_metadata_dir_name("PyYAML-6.0-py3.11.egg-info"),
            Some(("PyYAML".into(), "6.0".into()))
        );
        assert_eq!(split_metadata_dir_name("broken.dist-info"), None);
    }
}
