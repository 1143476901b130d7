//! The distributions a site dir makes importable, in the order and with the
//! de-duplication `pip list` (importlib.metadata backend) applies:
//!
//! 1. The locations are the site dir, then the folders its `.pth` files add
//!    (path lines, in sorted `.pth` order, as `site.py` appends them).
//! 2. In each location, `*.dist-info` / `*.egg-info` entries are grouped by
//!    the name in their file name, groups in directory order (what
//!    `importlib.metadata`'s `Lookup` does); an `.egg` location's `EGG-INFO`
//!    comes after. Then each `*.egg-link` of the location is followed.
//! 3. The first distribution of each (PEP 503) `Name` wins; later ones are
//!    shadowed. pip then drops a winner whose folder name is not a valid
//!    project name (leftovers such as `~umpy-1.0.dist-info`).
//!
//! Folders are listed in directory order on purpose (not sorted): that is
//! the order Python sees, and the order decides which duplicate wins.

use crate::dist::{InstalledDist, MetadataFormat};
use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Bounds for hostile site dirs.
const MAX_ENTRIES_PER_LOCATION: usize = 200_000;
const MAX_PTH_LOCATIONS: usize = 1_000;
const MAX_PTH_FILE: u64 = 1024 * 1024;

/// How a distribution was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reached {
    /// Directly in the site dir.
    SiteDir,
    /// In a folder a `.pth` file adds to `sys.path`.
    PthPath { pth: PathBuf, location: PathBuf },
    /// Through a legacy `*.egg-link` (setup.py develop).
    EggLink { link: PathBuf, location: PathBuf },
}

/// An installed distribution as pip lists it, with what shadows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDist {
    pub dist: InstalledDist,
    pub reached: Reached,
    /// Metadata folders of the same name that Python never sees because this
    /// one comes first.
    pub shadowed: Vec<PathBuf>,
}

/// The distributions of one site dir, and the files that could not be read.
#[derive(Debug, Clone, Default)]
pub struct SiteListing {
    pub dists: Vec<SiteDist>,
    /// `__editable__*` files of the site dir (PEP 660 `.pth` hooks and
    /// finder modules that setuptools writes for editable installs).
    pub editable_hooks: Vec<PathBuf>,
    pub errors: Vec<InputError>,
}

struct Candidate {
    info_path: PathBuf,
    format: MetadataFormat,
    reached: Reached,
}

/// Lists the installed distributions of `site_dir` the way pip does.
///
/// With a `boundary` (the scan root), nothing outside it is read: `.pth`
/// folders, `.egg-link` targets and symlinked metadata folders that resolve
/// elsewhere are reported as errors instead. Without one, they are followed
/// as Python follows them.
pub fn list_site_dir(site_dir: &Path, boundary: Option<&Path>) -> Result<SiteListing, InputError> {
    let mut errors = Vec::new();
    let boundary = boundary.map(|b| b.canonicalize().unwrap_or_else(|_| b.to_path_buf()));
    let boundary = boundary.as_deref();
    let entries = list_dir(site_dir)?;
    let editable_hooks = entries
        .iter()
        .filter(|n| n.starts_with("__editable__"))
        .map(|n| site_dir.join(n))
        .collect();
    let mut candidates = candidates_in(site_dir, &entries, &Reached::SiteDir);
    egg_link_candidates(site_dir, &entries, boundary, &mut candidates, &mut errors);
    for (location, reached, entries) in pth_locations(site_dir, &entries, boundary, &mut errors) {
        candidates.extend(candidates_in(&location, &entries, &reached));
        egg_link_candidates(&location, &entries, boundary, &mut candidates, &mut errors);
    }
    let read: Vec<Result<InstalledDist, InputError>> = candidates
        .par_iter()
        .map(|c| {
            if let Some(b) = boundary {
                outside_check(&c.info_path, b)?;
            }
            InstalledDist::read(&c.info_path, c.format)
        })
        .collect();
    let mut dists: Vec<SiteDist> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (c, r) in candidates.into_iter().zip(read) {
        match r {
            Ok(mut dist) => {
                errors.append(&mut dist.problems);
                let key = pep503(&dist.name);
                if let Some(&i) = index.get(&key) {
                    if let Some(winner) = dists.get_mut(i) {
                        winner.shadowed.push(c.info_path);
                    }
                    continue;
                }
                index.insert(key, dists.len());
                dists.push(SiteDist {
                    dist,
                    reached: c.reached,
                    shadowed: Vec::new(),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    dists.retain(|d| {
        let ok = valid_folder_name(&d.dist.info_path);
        if !ok {
            errors.push(InputError::new(
                &d.dist.info_path,
                format!(
                    "ignored, as pip ignores it: not a valid distribution folder name (a leftover of \
                     an interrupted install?); it claims the name `{}`, hiding any other \
                     distribution of that name",
                    d.dist.name
                ),
            ));
        }
        ok
    });
    Ok(SiteListing {
        dists,
        editable_hooks,
        errors,
    })
}

/// An error when `path` (a symlink, or reached through one) resolves
/// outside `boundary`. Plain entries cost one `lstat`.
fn outside_check(path: &Path, boundary: &Path) -> Result<(), InputError> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link && path.starts_with(boundary) {
        return Ok(());
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(boundary) => Ok(()),
        Ok(real) => Err(InputError::new(
            path,
            format!(
                "not read: resolves to {} outside the scan root",
                real.display()
            ),
        )),
        Err(e) => Err(InputError::new(path, e.to_string())),
    }
}

/// Directory entry names in directory order.
fn list_dir(dir: &Path) -> Result<Vec<String>, InputError> {
    let read = std::fs::read_dir(dir).map_err(|e| InputError::new(dir, e.to_string()))?;
    let mut names = Vec::new();
    for entry in read.take(MAX_ENTRIES_PER_LOCATION) {
        let entry = entry.map_err(|e| InputError::new(dir, e.to_string()))?;
        // Names that are not UTF-8 cannot be distribution names pip lists.
        if let Ok(n) = entry.file_name().into_string() {
            names.push(n);
        }
    }
    Ok(names)
}

/// importlib.metadata's `Prepared.normalize` of a file-name stem.
fn lookup_key(file_name_lower: &str) -> String {
    let stem = file_name_lower
        .rsplit_once('.')
        .map_or(file_name_lower, |(s, _)| s);
    let name = stem.split('-').next().unwrap_or(stem);
    pep503(name).replace('-', "_")
}

fn candidates_in(location: &Path, entries: &[String], reached: &Reached) -> Vec<Candidate> {
    let mut groups: Vec<(String, Vec<Candidate>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for name in entries {
        let low = name.to_lowercase();
        let format = if low.ends_with(".dist-info") {
            MetadataFormat::DistInfo
        } else if low.ends_with(".egg-info") {
            MetadataFormat::EggInfo
        } else {
            continue;
        };
        let key = lookup_key(&low);
        let slot = *group_of.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, g)) = groups.get_mut(slot) {
            g.push(Candidate {
                info_path: location.join(name),
                format,
                reached: reached.clone(),
            });
        }
    }
    let mut out: Vec<Candidate> = groups.into_iter().flat_map(|(_, g)| g).collect();
    // An `.egg` folder on sys.path carries its metadata in `EGG-INFO`.
    let is_egg = location
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_lowercase().ends_with(".egg"));
    if is_egg {
        for name in entries.iter().filter(|n| n.to_lowercase() == "egg-info") {
            out.push(Candidate {
                info_path: location.join(name),
                format: MetadataFormat::EggInfo,
                reached: reached.clone(),
            });
        }
    }
    out
}

/// The folders the site dir's `.pth` files append to `sys.path`.
fn pth_locations(
    site_dir: &Path,
    entries: &[String],
    boundary: Option<&Path>,
    errors: &mut Vec<InputError>,
) -> Vec<(PathBuf, Reached, Vec<String>)> {
    let mut pth_files: Vec<&String> = entries.iter().filter(|n| n.ends_with(".pth")).collect();
    pth_files.sort();
    let mut seen: HashSet<PathBuf> = HashSet::from([lexical_normalize(site_dir)]);
    let mut out = Vec::new();
    for name in pth_files {
        let pth = site_dir.join(name);
        if !pth.is_file() {
            continue;
        }
        let text = match fsutil::read_bounded(&pth, MAX_PTH_FILE) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                errors.push(InputError::new(&pth, e.to_string()));
                continue;
            }
        };
        for line in text.lines() {
            // site.py: comments and `import` lines are not paths.
            if line.starts_with('#')
                || line.trim().is_empty()
                || line.starts_with("import ")
                || line.starts_with("import\t")
            {
                continue;
            }
            let dir = lexical_normalize(&site_dir.join(line.trim_end()));
            if !dir.is_dir() || !seen.insert(dir.clone()) {
                continue;
            }
            if let Some(b) = boundary
                && let Err(e) = outside_check(&dir, b)
            {
                errors.push(InputError::new(
                    &pth,
                    format!("path `{}` {}", dir.display(), e.message),
                ));
                continue;
            }
            if out.len() >= MAX_PTH_LOCATIONS {
                errors.push(InputError::new(
                    &pth,
                    format!("more than {MAX_PTH_LOCATIONS} .pth paths; the rest were not read"),
                ));
                return out;
            }
            match list_dir(&dir) {
                Ok(listing) => out.push((
                    dir.clone(),
                    Reached::PthPath {
                        pth: pth.clone(),
                        location: dir,
                    },
                    listing,
                )),
                Err(e) => errors.push(e),
            }
        }
    }
    out
}

/// `*.egg-link`: the first non-empty line is the project folder, whose
/// metadata folders are candidates (pip's `find_linked`).
fn egg_link_candidates(
    location: &Path,
    entries: &[String],
    boundary: Option<&Path>,
    out: &mut Vec<Candidate>,
    errors: &mut Vec<InputError>,
) {
    for name in entries.iter().filter(|n| n.ends_with(".egg-link")) {
        let link = location.join(name);
        if !link.is_file() {
            continue;
        }
        let text = match fsutil::read_bounded(&link, MAX_PTH_FILE) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                errors.push(InputError::new(&link, e.to_string()));
                continue;
            }
        };
        let Some(target) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
            continue;
        };
        let target = lexical_normalize(&location.join(target));
        if !target.is_dir() {
            continue;
        }
        if let Some(b) = boundary
            && let Err(e) = outside_check(&target, b)
        {
            errors.push(InputError::new(
                &link,
                format!("target `{}` {}", target.display(), e.message),
            ));
            continue;
        }
        match list_dir(&target) {
            Ok(listing) => {
                let reached = Reached::EggLink {
                    link: link.clone(),
                    location: target.clone(),
                };
                out.extend(candidates_in(&target, &listing, &reached));
            }
            Err(e) => errors.push(e),
        }
    }
}

/// Lexical `abspath`: joins and folds `.`/`..` without touching the disk.
pub(crate) fn lexical_normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// pip ignores a distribution whose metadata folder name is not a valid
/// project name (`^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`, case-insensitive),
/// judged on the canonical name taken from the folder name.
fn valid_folder_name(info_path: &Path) -> bool {
    let Some(file) = info_path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = file.to_lowercase();
    if !(lower.ends_with(".dist-info") || lower.ends_with(".egg-info")) {
        // `EGG-INFO` inside an `.egg`: pip uses the metadata name.
        return true;
    }
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let name = pep503(stem.split('-').next().unwrap_or(stem));
    let ok = |c: char| c.is_ascii_alphanumeric();
    !name.is_empty()
        && name.chars().next().is_some_and(ok)
        && name.chars().last().is_some_and(ok)
        && name.chars().all(|c| ok(c) || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn dist(dir: &Path, folder: &str, name: &str, version: &str) {
        let d = dir.join(folder);
        fs::create_dir_all(&d).unwrap();
        fs::write(
            d.join("METADATA"),
            format!("Name: {name}\nVersion: {version}\n"),
        )
        .unwrap();
    }

    #[test]
    fn duplicates_and_leftovers() {
        let t = tempfile::tempdir().unwrap();
        let sp = t.path();
        dist(sp, "Foo_Bar-1.0.dist-info", "Foo_Bar", "1.0");
        dist(sp, "foo.bar-2.0.dist-info", "foo.bar", "2.0");
        dist(sp, "~ix-1.0.dist-info", "six", "1.0");
        dist(sp, "ok-1.dist-info", "ok", "1");
        fs::create_dir_all(sp.join("broken-1.dist-info")).unwrap();
        let l = list_site_dir(sp, None).unwrap();
        let names: Vec<&str> = l.dists.iter().map(|d| d.dist.name.as_str()).collect();
        assert!(names.contains(&"ok"));
        assert!(!names.contains(&"six"), "pip drops the `~ix` leftover");
        let foo: Vec<&SiteDist> = l
            .dists
            .iter()
            .filter(|d| pep503(&d.dist.name) == "foo-bar")
            .collect();
        assert_eq!(foo.len(), 1);
        assert_eq!(foo[0].shadowed.len(), 1);
        // The winner is whichever directory order lists first, as in Python.
        let order = list_dir(sp).unwrap();
        let first = order
            .iter()
            .find(|n| n.to_lowercase().starts_with("foo"))
            .unwrap();
        assert_eq!(foo[0].dist.info_path, sp.join(first));
        assert_eq!(l.errors.len(), 2, "{:?}", l.errors);
        assert!(
            l.errors
                .iter()
                .any(|e| e.path == sp.join("broken-1.dist-info"))
        );
        assert!(
            l.errors
                .iter()
                .any(|e| e.path == sp.join("~ix-1.0.dist-info"))
        );
    }

    #[test]
    fn pth_paths_and_egg_links() {
        let t = tempfile::tempdir().unwrap();
        let sp = t.path().join("site-packages");
        let proj = t.path().join("proj");
        let other = t.path().join("other");
        fs::create_dir_all(&sp).unwrap();
        dist(&proj, "proj.egg-info", "proj", "0.1");
        dist(&other, "other-2.dist-info", "other", "2");
        dist(&other, "proj-9.dist-info", "proj", "9");
        fs::write(sp.join("proj.egg-link"), "../proj\n.").unwrap();
        fs::write(
            sp.join("easy-install.pth"),
            "# comment\nimport sys; sys.x = 1\n../other\n../missing\n",
        )
        .unwrap();
        let l = list_site_dir(&sp, None).unwrap();
        let got: Vec<(&str, &str)> = l
            .dists
            .iter()
            .map(|d| (d.dist.name.as_str(), d.dist.version.as_str()))
            .collect();
        // The egg-link of the site dir is followed before the .pth folders.
        assert_eq!(got, [("proj", "0.1"), ("other", "2")]);
        assert!(matches!(l.dists[0].reached, Reached::EggLink { .. }));
        assert!(matches!(l.dists[1].reached, Reached::PthPath { .. }));
        assert!(l.errors.is_empty(), "{:?}", l.errors);
    }

    #[test]
    fn boundary_keeps_reads_inside_the_scan_root() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        let sp = root.join("site-packages");
        let outside = t.path().join("outside");
        fs::create_dir_all(&sp).unwrap();
        dist(&outside, "secret-1.dist-info", "secret", "1");
        dist(&outside, "linked-1.dist-info", "linked", "1");
        dist(&sp, "inside-1.dist-info", "inside", "1");
        fs::write(sp.join("x.pth"), "../../outside\n").unwrap();
        std::os::unix::fs::symlink(
            outside.join("linked-1.dist-info"),
            sp.join("linked-1.dist-info"),
        )
        .unwrap();
        let free = list_site_dir(&sp, None).unwrap();
        assert_eq!(free.dists.len(), 3, "Python itself follows both");
        let bounded = list_site_dir(&sp, Some(&root)).unwrap();
        let names: Vec<&str> = bounded.dists.iter().map(|d| d.dist.name.as_str()).collect();
        assert_eq!(names, ["inside"]);
        assert_eq!(bounded.errors.len(), 2, "{:?}", bounded.errors);
        assert!(
            bounded
                .errors
                .iter()
                .all(|e| e.message.contains("outside the scan root"))
        );
    }

    #[test]
    fn egg_info_files_and_egg_folders() {
        let t = tempfile::tempdir().unwrap();
        let sp = t.path().join("site-packages");
        fs::create_dir_all(&sp).unwrap();
        // distutils wrote PKG-INFO content straight into an `.egg-info` file.
        fs::write(
            sp.join("old_lib-0.5-py3.11.egg-info"),
            "Metadata-Version: 1.0\nName: old-lib\nVersion: 0.5\n",
        )
        .unwrap();
        // easy_install: an `.egg` folder put on sys.path by easy-install.pth.
        let egg = sp.join("Eggy-2.1-py3.11.egg");
        fs::create_dir_all(egg.join("EGG-INFO")).unwrap();
        fs::write(egg.join("EGG-INFO/PKG-INFO"), "Name: Eggy\nVersion: 2.1\n").unwrap();
        fs::write(egg.join("EGG-INFO/requires.txt"), "six\n[x]\nattrs\n").unwrap();
        fs::write(sp.join("easy-install.pth"), "./Eggy-2.1-py3.11.egg\n").unwrap();
        let l = list_site_dir(&sp, None).unwrap();
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        let got: Vec<(&str, &str)> = l
            .dists
            .iter()
            .map(|d| (d.dist.name.as_str(), d.dist.version.as_str()))
            .collect();
        assert_eq!(got, [("old-lib", "0.5"), ("Eggy", "2.1")]);
        assert_eq!(
            l.dists[1].dist.requires_dist,
            ["six", "attrs; extra == \"x\""]
        );
        assert_eq!(l.dists[0].dist.format, MetadataFormat::EggInfo);
    }

    #[test]
    fn lookup_keys_match_importlib() {
        assert_eq!(lookup_key("foo_bar-1.0.dist-info"), "foo_bar");
        assert_eq!(lookup_key("foo.bar-1.0.dist-info"), "foo_bar");
        assert_eq!(
            lookup_key("zope.interface-7.2-py3.11.egg-info"),
            "zope_interface"
        );
        assert!(valid_folder_name(Path::new(
            "/x/zope.interface-7.2.dist-info"
        )));
        assert!(!valid_folder_name(Path::new("/x/~ope-7.2.dist-info")));
    }
}
