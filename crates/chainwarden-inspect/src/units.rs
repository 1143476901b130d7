//! What one verdict is given for: an installed distribution, an npm package
//! folder, or a whole source tree; found on disk without reading file bodies.

use crate::record::{installed_files, record_paths};
use chainwarden_archive::{ArchiveMeta, parse_core_metadata, parse_package_json};
use chainwarden_core::fsutil::{MAX_TEXT_FILE, join_within, read_text};
use chainwarden_core::inventory::InputError;
use std::path::{Path, PathBuf};

/// One package to inspect, with the files that belong to it.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Where the package lives (dist-info folder, package folder, tree root).
    pub(crate) origin: PathBuf,
    /// The folder paths inside the package are relative to.
    pub(crate) base: PathBuf,
    pub(crate) meta: Option<ArchiveMeta>,
    /// (path inside the package, path on disk)
    pub(crate) files: Vec<(String, PathBuf)>,
    /// Problems reading the package's own file list.
    pub(crate) errors: Vec<InputError>,
}

/// Every distribution installed in `site_dir` (dist-info with RECORD, or
/// egg-info with installed-files.txt), plus one unit for top-level `.pth`,
/// `sitecustomize.py` and `usercustomize.py` files that no distribution owns.
pub(crate) fn site_dir_units(root: &Path, site_dir: &Path) -> (Vec<Unit>, Vec<InputError>) {
    let mut units = Vec::new();
    let mut errors = Vec::new();
    let read = match std::fs::read_dir(site_dir) {
        Ok(r) => r,
        Err(e) => {
            errors.push(InputError::new(site_dir, e.to_string()));
            return (units, errors);
        }
    };
    let mut children: Vec<PathBuf> = read.flatten().map(|e| e.path()).collect();
    children.sort();
    let mut owned = std::collections::HashSet::new();
    for dir in &children {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let is_link = std::fs::symlink_metadata(dir).map_or(true, |m| m.file_type().is_symlink());
        if is_link || !dir.is_dir() {
            continue;
        }
        let unit = if name.ends_with(".dist-info") {
            dist_info_unit(root, site_dir, dir)
        } else if name.ends_with(".egg-info") {
            egg_info_unit(root, site_dir, dir)
        } else {
            continue;
        };
        owned.extend(unit.files.iter().map(|(_, p)| p.clone()));
        units.push(unit);
    }
    let unowned: Vec<(String, PathBuf)> = children
        .iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (name.ends_with(".pth") || name == "sitecustomize.py" || name == "usercustomize.py")
                && !owned.contains(*p)
        })
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            (name.to_string(), p.clone())
        })
        .collect();
    if !unowned.is_empty() {
        units.push(Unit {
            origin: site_dir.to_path_buf(),
            base: site_dir.to_path_buf(),
            meta: None,
            files: unowned,
            errors: Vec::new(),
        });
    }
    (units, errors)
}

pub(crate) fn dist_info_unit(root: &Path, site_dir: &Path, dist_info: &Path) -> Unit {
    let mut errors = Vec::new();
    let dir_name = dist_info
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = match read_text(&dist_info.join("METADATA"), MAX_TEXT_FILE) {
        Ok(t) => {
            let mut m = parse_core_metadata(&t);
            m.source_path = format!("{dir_name}/METADATA");
            Some(m)
        }
        Err(e) => {
            errors.push(InputError::new(e.path(), e.to_string()));
            None
        }
    };
    let files = match read_text(&dist_info.join("RECORD"), MAX_TEXT_FILE) {
        Ok(t) => record_paths(&t)
            .into_iter()
            .filter_map(|rel| {
                let on_disk = join_within(root, site_dir, &rel)?;
                Some((rel, on_disk))
            })
            .collect(),
        Err(e) => {
            errors.push(InputError::new(e.path(), e.to_string()));
            Vec::new()
        }
    };
    Unit {
        origin: dist_info.to_path_buf(),
        base: site_dir.to_path_buf(),
        meta,
        files,
        errors,
    }
}

fn egg_info_unit(root: &Path, site_dir: &Path, egg_info: &Path) -> Unit {
    let mut errors = Vec::new();
    let dir_name = egg_info
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = read_text(&egg_info.join("PKG-INFO"), MAX_TEXT_FILE)
        .map(|t| {
            let mut m = parse_core_metadata(&t);
            m.source_path = format!("{dir_name}/PKG-INFO");
            m
        })
        .map_err(|e| errors.push(InputError::new(e.path(), e.to_string())))
        .ok();
    // Paths are relative to the egg-info folder; name them relative to the site dir.
    let files = read_text(&egg_info.join("installed-files.txt"), MAX_TEXT_FILE)
        .map(|t| {
            installed_files(&t)
                .into_iter()
                .filter_map(|rel| {
                    let on_disk = join_within(root, egg_info, &rel)?;
                    let in_pkg = on_disk
                        .strip_prefix(site_dir)
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or(rel);
                    Some((in_pkg, on_disk))
                })
                .collect()
        })
        .unwrap_or_default();
    Unit {
        origin: egg_info.to_path_buf(),
        base: site_dir.to_path_buf(),
        meta,
        files,
        errors,
    }
}

/// Folders never part of a package's own code.
fn skip_dir(name: &str) -> bool {
    matches!(
        name,
        ".git" | ".hg" | ".svn" | "__pycache__" | ".mypy_cache" | ".pytest_cache" | ".tox" | ".nox"
    )
}

/// A site dir or a virtual environment root inside a tree.
fn is_environment(dir: &Path, name: &str) -> bool {
    name == "site-packages" || name == "dist-packages" || dir.join("pyvenv.cfg").is_file()
}

/// Every file of a source tree or npm package folder (no symlinks, bounded),
/// with `node_modules` folders returned apart: they hold other packages.
pub(crate) fn tree_unit(
    dir: &Path,
    max_files: usize,
    max_depth: usize,
    nested_node_modules: &mut Vec<PathBuf>,
) -> Unit {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let read = match std::fs::read_dir(&d) {
            Ok(r) => r,
            Err(e) => {
                errors.push(InputError::new(&d, e.to_string()));
                continue;
            }
        };
        let mut children: Vec<(PathBuf, std::fs::FileType)> = read
            .flatten()
            .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
            .collect();
        children.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, ty) in children {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if ty.is_symlink() {
                continue;
            }
            if ty.is_dir() {
                if name == "node_modules" {
                    nested_node_modules.push(path);
                } else if skip_dir(name) || is_environment(&path, name) {
                    // Installed packages are units of their own, never part of a tree.
                } else if depth + 1 > max_depth {
                    errors.push(InputError::new(
                        &path,
                        format!("deeper than {max_depth} folders; not inspected"),
                    ));
                } else {
                    stack.push((path, depth + 1));
                }
            } else if ty.is_file() {
                if files.len() >= max_files {
                    errors.push(InputError::new(
                        dir,
                        format!("more than {max_files} files, the rest not inspected"),
                    ));
                    return finish(dir, files, errors);
                }
                let rel = path
                    .strip_prefix(dir)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((rel, path));
            }
        }
    }
    finish(dir, files, errors)
}

fn finish(dir: &Path, mut files: Vec<(String, PathBuf)>, errors: Vec<InputError>) -> Unit {
    files.sort();
    let meta = tree_meta(dir);
    Unit {
        origin: dir.to_path_buf(),
        base: dir.to_path_buf(),
        meta,
        files,
        errors,
    }
}

/// A tree's own metadata: package.json, else PKG-INFO.
fn tree_meta(dir: &Path) -> Option<ArchiveMeta> {
    if let Ok(t) = read_text(&dir.join("package.json"), MAX_TEXT_FILE)
        && let Some(mut m) = parse_package_json(&t)
    {
        m.source_path = "package.json".into();
        return Some(m);
    }
    let t = read_text(&dir.join("PKG-INFO"), MAX_TEXT_FILE).ok()?;
    let mut m = parse_core_metadata(&t);
    m.source_path = "PKG-INFO".into();
    Some(m)
}

/// The package folders directly inside a `node_modules` folder
/// (`name/` and `@scope/name/`).
pub(crate) fn node_modules_packages(node_modules: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let list = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .map(|r| {
                r.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    for p in list(node_modules) {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('@') {
            out.extend(list(&p));
        } else if !name.starts_with('.') {
            out.push(p);
        }
    }
    out
}
