//! One bounded walk over the scan roots that finds what the collectors read:
//! Python site dirs, `node_modules` trees and files known by name.
//!
//! The walk never follows a symlink (a link to a site dir or lockfile inside
//! the root is reached by its real path anyway), descends into no site dir or
//! `node_modules` (their collectors list them themselves), and stops at a
//! depth and entry bound. Git-ignored folders such as `.venv` are walked.

use crate::inventory::InputError;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A file kind a collector or analyzer reads, recognised by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// `requirements*.txt`, `*requirements*.txt`, `constraints*.txt`, `requirements*.in`.
    Requirements,
    UvLock,
    PoetryLock,
    PipfileLock,
    PdmLock,
    /// PEP 751 `pylock.toml` / `pylock.<name>.toml`.
    PyLock,
    PackageLock,
    NpmShrinkwrap,
    YarnLock,
    PnpmLock,
    BunLock,
    CargoLock,
    /// `.github/workflows/*.yml`.
    Workflow,
    /// `action.yml` / `action.yaml` (composite or other actions).
    Action,
    /// MCP client configurations (`.mcp.json`, `mcp.json`, `claude_desktop_config.json`…).
    McpConfig,
    /// Package-manager settings that policy reads (`.npmrc`, `pyproject.toml`, `uv.toml`,
    /// `pnpm-workspace.yaml`, `.yarnrc.yml`, `bunfig.toml`, `renovate.json`, `dependabot.yml`).
    ManagerConfig,
}

/// Classifies a file by its name (and, for workflows, its parent folders).
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let grandparent = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("");
    Some(match name {
        "uv.lock" => FileKind::UvLock,
        "poetry.lock" => FileKind::PoetryLock,
        "Pipfile.lock" => FileKind::PipfileLock,
        "pdm.lock" => FileKind::PdmLock,
        "package-lock.json" => FileKind::PackageLock,
        "npm-shrinkwrap.json" => FileKind::NpmShrinkwrap,
        "yarn.lock" => FileKind::YarnLock,
        "pnpm-lock.yaml" => FileKind::PnpmLock,
        "bun.lock" => FileKind::BunLock,
        "Cargo.lock" => FileKind::CargoLock,
        "action.yml" | "action.yaml" => FileKind::Action,
        ".mcp.json"
        | "mcp.json"
        | "claude_desktop_config.json"
        | "mcp_config.json"
        | ".claude.json"
        | "cline_mcp_settings.json" => FileKind::McpConfig,
        ".npmrc"
        | "pyproject.toml"
        | "uv.toml"
        | "pnpm-workspace.yaml"
        | ".yarnrc.yml"
        | "bunfig.toml"
        | "renovate.json"
        | "renovate.json5"
        | ".renovaterc"
        | ".renovaterc.json" => FileKind::ManagerConfig,
        "dependabot.yml" | "dependabot.yaml" if parent == ".github" => FileKind::ManagerConfig,
        _ if (lower.ends_with(".yml") || lower.ends_with(".yaml"))
            && parent == "workflows"
            && grandparent == ".github" =>
        {
            FileKind::Workflow
        }
        _ if name == "pylock.toml" || (name.starts_with("pylock.") && name.ends_with(".toml")) => {
            FileKind::PyLock
        }
        _ if (lower.ends_with(".txt") || lower.ends_with(".in"))
            && (lower.contains("requirements") || lower.starts_with("constraints")) =>
        {
            FileKind::Requirements
        }
        _ if (lower.ends_with(".txt") || lower.ends_with(".in")) && parent == "requirements" => {
            FileKind::Requirements
        }
        _ => return None,
    })
}

/// Bounds of one walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    pub max_depth: usize,
    pub max_entries: usize,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_depth: 48,
            max_entries: 2_000_000,
        }
    }
}

/// What the walk found.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Discovered {
    /// Folders holding installed Python distributions (`site-packages`,
    /// `dist-packages`, or any folder with a `*.dist-info` child).
    pub site_dirs: Vec<PathBuf>,
    /// `node_modules` folders that are not inside another `node_modules`.
    pub node_modules: Vec<PathBuf>,
    /// Files recognised by [`classify`], in walk order (sorted per folder).
    pub files: Vec<(FileKind, PathBuf)>,
    /// Folders or entries that could not be read, and bounds that were hit.
    pub errors: Vec<InputError>,
}

impl Discovered {
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &Path> {
        self.files
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, p)| p.as_path())
    }
}

/// Folders never worth walking: VCS internals and caches of build tools.
fn skip_dir(name: &str) -> bool {
    matches!(
        name,
        ".git"
            | ".hg"
            | ".svn"
            | "__pycache__"
            | ".mypy_cache"
            | ".pytest_cache"
            | ".ruff_cache"
            | ".tox"
            | ".nox"
    )
}

/// Walks each root. A root that is a file is classified alone; a root that is
/// itself a site dir is reported as one.
pub fn discover(roots: &[PathBuf], limits: WalkLimits) -> Discovered {
    let mut out = Discovered::default();
    let mut entries = 0usize;
    for root in roots {
        match std::fs::symlink_metadata(root) {
            Ok(m) if m.is_file() => match classify(root) {
                Some(k) => out.files.push((k, root.clone())),
                None => out.errors.push(InputError::new(
                    root,
                    "not a file kind chainwarden reads (see `chainwarden scan --help`)",
                )),
            },
            Ok(_) => {
                // A root given as a symlink is followed: the user named it.
                walk(root, 0, &limits, &mut entries, &mut out);
            }
            Err(e) => out.errors.push(InputError::new(root, e.to_string())),
        }
    }
    out
}

fn is_site_dir_name(name: &str) -> bool {
    name == "site-packages" || name == "dist-packages"
}

fn walk(dir: &Path, depth: usize, limits: &WalkLimits, entries: &mut usize, out: &mut Discovered) {
    if depth > limits.max_depth {
        out.errors.push(InputError::new(
            dir,
            format!("not walked: deeper than {} folders", limits.max_depth),
        ));
        return;
    }
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if is_site_dir_name(name) {
        out.site_dirs.push(dir.to_path_buf());
        return;
    }
    if name == "node_modules" {
        out.node_modules.push(dir.to_path_buf());
        return;
    }
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(InputError::new(dir, e.to_string()));
            return;
        }
    };
    let mut children: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
    for entry in read {
        *entries += 1;
        if *entries > limits.max_entries {
            out.errors.push(InputError::new(
                dir,
                format!("walk stopped after {} entries", limits.max_entries),
            ));
            return;
        }
        match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
            Ok(c) => children.push(c),
            Err(e) => out.errors.push(InputError::new(dir, e.to_string())),
        }
    }
    // Cache folders (Cargo's target/, pip's cache) mark themselves with a
    // CACHEDIR.TAG (bford.info/cachedir): build output, not installed software.
    if children
        .iter()
        .any(|(p, t)| t.is_file() && p.file_name().is_some_and(|n| n == "CACHEDIR.TAG"))
    {
        return;
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    let has_dist_info = children
        .iter()
        .any(|(p, t)| t.is_dir() && p.extension().is_some_and(|e| e == "dist-info"));
    if has_dist_info {
        out.site_dirs.push(dir.to_path_buf());
        return;
    }
    for (path, ty) in children {
        if ty.is_symlink() {
            continue;
        }
        if ty.is_dir() {
            let n = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !skip_dir(n) {
                walk(&path, depth + 1, limits, entries, out);
            }
        } else if ty.is_file()
            && let Some(k) = classify(&path)
        {
            out.files.push((k, path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn classifies_known_names() {
        let c = |p: &str| classify(Path::new(p));
        assert_eq!(c("x/requirements-dev.txt"), Some(FileKind::Requirements));
        assert_eq!(c("x/dev-requirements.in"), Some(FileKind::Requirements));
        assert_eq!(c("x/requirements/base.txt"), Some(FileKind::Requirements));
        assert_eq!(c("x/notes.txt"), None);
        assert_eq!(c("repo/.github/workflows/ci.yml"), Some(FileKind::Workflow));
        assert_eq!(c("repo/workflows/ci.yml"), None);
        assert_eq!(c("p/pylock.dev.toml"), Some(FileKind::PyLock));
        assert_eq!(c("p/Cargo.lock"), Some(FileKind::CargoLock));
        assert_eq!(c("p/.cursor/mcp.json"), Some(FileKind::McpConfig));
    }

    #[test]
    fn finds_site_dirs_lockfiles_and_skips_symlinks() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let sp = root.join(".venv/lib/python3.11/site-packages");
        fs::create_dir_all(sp.join("a-1.0.dist-info")).unwrap();
        fs::create_dir_all(root.join("proj")).unwrap();
        fs::write(root.join("proj/uv.lock"), "").unwrap();
        fs::create_dir_all(root.join("target-dir/x-1.dist-info")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("poetry.lock"), "").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("escape")).unwrap();
        std::os::unix::fs::symlink(root, root.join("proj/loop")).unwrap();

        let d = discover(&[root.to_path_buf()], WalkLimits::default());
        assert_eq!(d.site_dirs, vec![sp, root.join("target-dir")]);
        assert_eq!(d.files, vec![(FileKind::UvLock, root.join("proj/uv.lock"))]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn cache_directories_are_skipped() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("target/debug")).unwrap();
        fs::write(
            t.path().join("target/CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .unwrap();
        fs::write(t.path().join("target/debug/Cargo.lock"), "").unwrap();
        fs::write(t.path().join("Cargo.lock"), "").unwrap();
        let d = discover(&[t.path().to_path_buf()], WalkLimits::default());
        assert_eq!(
            d.files,
            vec![(FileKind::CargoLock, t.path().join("Cargo.lock"))]
        );
    }

    #[test]
    fn depth_bound_is_reported() {
        let t = tempfile::tempdir().unwrap();
        let deep = t.path().join("a/b/c/d");
        fs::create_dir_all(&deep).unwrap();
        let d = discover(
            &[t.path().to_path_buf()],
            WalkLimits {
                max_depth: 2,
                max_entries: 100,
            },
        );
        assert_eq!(d.errors.len(), 1);
        assert!(d.errors[0].message.contains("deeper"));
    }
}
