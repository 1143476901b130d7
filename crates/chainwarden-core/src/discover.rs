//! One bounded walk over the scan roots that finds what the collectors read:
//! Python site dirs, `node_modules` trees and files known by name.
//!
//! The walk never follows a symlink (a link to a site dir or lockfile inside
//! the root is reached by its real path anyway), descends into no site dir or
//! `node_modules` (their collectors list them themselves), and stops at a
//! depth and entry bound. Git-ignored folders such as `.venv` are walked.
//!
//! Nothing is passed over in silence: every tree not walked (a cache
//! folder, a bound hit, an exclude pattern) is listed in
//! [`Discovered::skipped`] with why, for the reports. A file planted by an
//! attacker cannot switch the walk off: a `CACHEDIR.TAG` counts only with
//! its standard signature, never at a scan root, and never on a folder that
//! holds something chainwarden reads; a `*.dist-info` folder makes its
//! parent a site dir but does not stop the walk there.

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
    /// `bun.lockb`, bun's binary lockfile: recognised so it is reported, not read.
    BunLockb,
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
        "bun.lockb" => FileKind::BunLockb,
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

/// Why a tree or file was not walked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    /// A folder tagged as a cache (`CACHEDIR.TAG` with the standard
    /// signature) holding nothing chainwarden reads at its top level.
    CacheDir,
    /// Cargo's build folder: a tagged `target/` beside `Cargo.toml` or
    /// `Cargo.lock` (build output, never a source of packages).
    BuildOutput,
    /// Deeper than the walk's depth bound.
    TooDeep { max_depth: usize },
    /// The walk's entry bound was reached in this folder: the rest of the
    /// tree was not walked.
    TooManyEntries { max_entries: usize },
    /// Matched an exclude pattern the user gave.
    Excluded { pattern: String },
}

impl SkipReason {
    /// Why, in words, for a report.
    pub fn describe(&self) -> String {
        match self {
            SkipReason::CacheDir => {
                "a cache folder (its CACHEDIR.TAG carries the standard signature)".to_string()
            }
            SkipReason::BuildOutput => {
                "Cargo's build output (a tagged target/ beside Cargo.toml)".to_string()
            }
            SkipReason::TooDeep { max_depth } => {
                format!("deeper than the walk's bound of {max_depth} folders")
            }
            SkipReason::TooManyEntries { max_entries } => format!(
                "the walk stopped here after {max_entries} entries: the rest of the tree was not walked"
            ),
            SkipReason::Excluded { pattern } => format!("excluded by the pattern `{pattern}`"),
        }
    }
}

/// A tree or file the walk did not look into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// Exclude patterns (`[scan] exclude`, `--exclude`): globs matched against
/// paths relative to the scan root, with `/` separators. As in `.gitignore`,
/// a pattern without `/` matches a name at any depth (`fixtures`, `*.in`),
/// one with `/` is anchored at the root (`test/requirements/*.in`), `**`
/// crosses folders, and a trailing `/` matches folders only. A matching
/// folder is not walked at all.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    set: globset::GlobSet,
    /// Per glob of `set`: the pattern as given, and whether it matches folders only.
    patterns: Vec<(String, bool)>,
}

impl Exclude {
    /// Compiles the patterns; an invalid one is an error naming it.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Exclude, String> {
        let mut builder = globset::GlobSetBuilder::new();
        let mut kept = Vec::new();
        for given in patterns {
            let given = given.as_ref();
            let mut p = given.trim();
            let dir_only = p.ends_with('/') && p.len() > 1;
            p = p.trim_end_matches('/');
            p = p.strip_prefix("./").unwrap_or(p);
            if p.is_empty() {
                return Err(format!("`{given}`: an empty pattern would exclude nothing"));
            }
            let anchored = p.contains('/');
            let p = p.trim_start_matches('/');
            let full = if anchored {
                p.to_string()
            } else {
                format!("**/{p}")
            };
            let mut variants = vec![full.clone()];
            // `dir/**` also names `dir` itself, so the folder is not walked.
            if let Some(base) = full.strip_suffix("/**") {
                variants.push(base.to_string());
            }
            for v in variants {
                let glob = globset::GlobBuilder::new(&v)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("`{given}`: {e}"))?;
                builder.add(glob);
                kept.push((given.to_string(), dir_only));
            }
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(Exclude {
            set,
            patterns: kept,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The first pattern matching `relative` (`/`-separated, relative to the
    /// scan root), if any.
    pub fn matching(&self, relative: &str, is_dir: bool) -> Option<&str> {
        if self.patterns.is_empty() || relative.is_empty() {
            return None;
        }
        self.set
            .matches(relative)
            .into_iter()
            .filter_map(|i| self.patterns.get(i))
            .find(|(_, dir_only)| is_dir || !dir_only)
            .map(|(p, _)| p.as_str())
    }
}

/// How to walk: bounds and exclusions.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub limits: WalkLimits,
    pub exclude: Exclude,
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
    /// Folders or entries that could not be read.
    pub errors: Vec<InputError>,
    /// Trees and files not walked, and why.
    pub skipped: Vec<Skipped>,
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

/// Walks each root with default options (no exclusions).
pub fn discover(roots: &[PathBuf], limits: WalkLimits) -> Discovered {
    discover_with(
        roots,
        &WalkOptions {
            limits,
            ..Default::default()
        },
    )
}

/// Walks each root. A root that is a file is classified alone; a root that is
/// itself a site dir is reported as one.
pub fn discover_with(roots: &[PathBuf], options: &WalkOptions) -> Discovered {
    let mut out = Discovered::default();
    let mut walk = Walk {
        options,
        entries: 0,
        stopped: false,
        out: &mut out,
    };
    for root in roots {
        // A root given as a symlink is followed: the user named it.
        match std::fs::metadata(root) {
            Ok(m) if m.is_file() => match classify(root) {
                Some(k) => walk.out.files.push((k, root.clone())),
                None => walk.out.errors.push(InputError::new(
                    root,
                    "not a file kind chainwarden reads (see `chainwarden scan --help`)",
                )),
            },
            Ok(_) => walk.dir(root, "", 0),
            Err(e) => walk.out.errors.push(InputError::new(root, e.to_string())),
        }
    }
    out
}

fn is_site_dir_name(name: &str) -> bool {
    name == "site-packages" || name == "dist-packages"
}

/// The standard first line of a `CACHEDIR.TAG` (bford.info/cachedir).
const CACHEDIR_SIGNATURE: &[u8] = b"Signature: 8a477f597d28d172789f06886806bc55";

/// Whether `path` is a regular file starting with the cache-tag signature.
fn is_signed_cachedir_tag(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = crate::fsutil::open_regular(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(CACHEDIR_SIGNATURE.len());
    file.take(CACHEDIR_SIGNATURE.len() as u64)
        .read_to_end(&mut head)
        .is_ok()
        && head == CACHEDIR_SIGNATURE
}

/// Whether an entry is something chainwarden reads or walks to: then a
/// folder holding it is never skipped as a cache.
fn holds_input(path: &Path, ty: std::fs::FileType) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if ty.is_dir() {
        is_site_dir_name(name)
            || name == "node_modules"
            || name == ".github"
            || name == "conda-meta"
            || name.ends_with(".dist-info")
            || name.ends_with(".egg-info")
    } else {
        name == "pyvenv.cfg" || classify(path).is_some()
    }
}

struct Walk<'a> {
    options: &'a WalkOptions,
    entries: usize,
    /// The entry bound was hit: nothing more is walked.
    stopped: bool,
    out: &'a mut Discovered,
}

impl Walk<'_> {
    fn skip(&mut self, path: &Path, reason: SkipReason) {
        self.out.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
        });
    }

    /// Walks `dir`, `relative` to its scan root (`""` for the root itself).
    fn dir(&mut self, dir: &Path, relative: &str, depth: usize) {
        let limits = self.options.limits;
        if self.stopped {
            return;
        }
        if depth > limits.max_depth {
            self.skip(
                dir,
                SkipReason::TooDeep {
                    max_depth: limits.max_depth,
                },
            );
            return;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if is_site_dir_name(name) {
            self.out.site_dirs.push(dir.to_path_buf());
            return;
        }
        if name == "node_modules" {
            self.out.node_modules.push(dir.to_path_buf());
            return;
        }
        let read = match std::fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.out.errors.push(InputError::new(dir, e.to_string()));
                return;
            }
        };
        let mut children: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
        for entry in read {
            self.entries += 1;
            if self.entries > limits.max_entries {
                self.stopped = true;
                self.skip(
                    dir,
                    SkipReason::TooManyEntries {
                        max_entries: limits.max_entries,
                    },
                );
                return;
            }
            match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
                Ok(c) => children.push(c),
                Err(e) => self.out.errors.push(InputError::new(dir, e.to_string())),
            }
        }
        // Cache folders (Cargo's target/, pip's cache) mark themselves with a
        // CACHEDIR.TAG: build output, not installed software. Only a signed
        // tag counts, never at a root the user named, and never on a folder
        // holding what we read (virtualenv tags the environments it makes).
        if !relative.is_empty()
            && children.iter().any(|(p, t)| {
                t.is_file()
                    && p.file_name().is_some_and(|n| n == "CACHEDIR.TAG")
                    && is_signed_cachedir_tag(p)
            })
            && !children.iter().any(|(p, t)| holds_input(p, *t))
        {
            let beside_cargo = name == "target"
                && dir.parent().is_some_and(|parent| {
                    parent.join("Cargo.toml").is_file() || parent.join("Cargo.lock").is_file()
                });
            let reason = if beside_cargo {
                SkipReason::BuildOutput
            } else {
                SkipReason::CacheDir
            };
            self.skip(dir, reason);
            return;
        }
        children.sort_by(|a, b| a.0.cmp(&b.0));
        // A folder with metadata folders in it is a site dir (`pip install
        // --target`), and its other folders are still walked: one empty
        // `x.dist-info` must not hide a repository.
        let has_dist_info = children
            .iter()
            .any(|(p, t)| t.is_dir() && p.extension().is_some_and(|e| e == "dist-info"));
        if has_dist_info {
            self.out.site_dirs.push(dir.to_path_buf());
        }
        for (path, ty) in children {
            if ty.is_symlink() {
                continue;
            }
            let Some(child) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let child_relative = if relative.is_empty() {
                child.to_string()
            } else {
                format!("{relative}/{child}")
            };
            if ty.is_dir() {
                if skip_dir(child)
                    || (has_dist_info
                        && (child.ends_with(".dist-info") || child.ends_with(".egg-info")))
                {
                    continue;
                }
                if let Some(pattern) = self.options.exclude.matching(&child_relative, true) {
                    let pattern = pattern.to_string();
                    self.skip(&path, SkipReason::Excluded { pattern });
                    continue;
                }
                self.dir(&path, &child_relative, depth + 1);
                if self.stopped {
                    return;
                }
            } else if ty.is_file()
                && let Some(k) = classify(&path)
            {
                if let Some(pattern) = self.options.exclude.matching(&child_relative, false) {
                    let pattern = pattern.to_string();
                    self.skip(&path, SkipReason::Excluded { pattern });
                    continue;
                }
                self.out.files.push((k, path));
            }
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

    const SIGNED: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# a cache\n";

    #[test]
    fn cache_directories_are_skipped_and_listed() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("target/debug")).unwrap();
        fs::write(t.path().join("target/CACHEDIR.TAG"), SIGNED).unwrap();
        fs::write(t.path().join("target/debug/Cargo.lock"), "").unwrap();
        fs::write(t.path().join("Cargo.lock"), "").unwrap();
        fs::create_dir_all(t.path().join("cache/wheels")).unwrap();
        fs::write(t.path().join("cache/CACHEDIR.TAG"), SIGNED).unwrap();
        fs::write(t.path().join("cache/wheels/uv.lock"), "").unwrap();
        let d = discover(&[t.path().to_path_buf()], WalkLimits::default());
        assert_eq!(
            d.files,
            vec![(FileKind::CargoLock, t.path().join("Cargo.lock"))]
        );
        assert_eq!(
            d.skipped,
            vec![
                Skipped {
                    path: t.path().join("cache"),
                    reason: SkipReason::CacheDir
                },
                Skipped {
                    path: t.path().join("target"),
                    reason: SkipReason::BuildOutput
                },
            ]
        );
    }

    #[test]
    fn one_planted_file_does_not_hide_a_tree() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::write(root.join("requirements.txt"), "requests==2.0.0\n").unwrap();
        // An empty, unsigned tag at the root, and a signed one (roots are
        // always walked).
        for tag in ["", SIGNED] {
            fs::write(root.join("CACHEDIR.TAG"), tag).unwrap();
            let d = discover(&[root.to_path_buf()], WalkLimits::default());
            assert_eq!(d.files.len(), 1, "{tag:?}");
            assert!(d.skipped.is_empty());
        }
        // Unsigned below the root; signed on a folder holding a lockfile or
        // an environment (virtualenv tags the environments it makes).
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/CACHEDIR.TAG"), "").unwrap();
        fs::write(root.join("a/uv.lock"), "").unwrap();
        fs::create_dir_all(root.join("b")).unwrap();
        fs::write(root.join("b/CACHEDIR.TAG"), SIGNED).unwrap();
        fs::write(root.join("b/poetry.lock"), "").unwrap();
        let venv = root.join("c");
        fs::create_dir_all(venv.join("lib/python3.12/site-packages")).unwrap();
        fs::write(venv.join("CACHEDIR.TAG"), SIGNED).unwrap();
        fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        // An empty metadata folder makes the root a site dir; the walk goes on.
        fs::create_dir_all(root.join("x.dist-info")).unwrap();
        let d = discover(&[root.to_path_buf()], WalkLimits::default());
        let kinds: Vec<FileKind> = d.files.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            kinds,
            [
                FileKind::UvLock,
                FileKind::PoetryLock,
                FileKind::Requirements
            ]
        );
        assert_eq!(
            d.site_dirs,
            [
                root.to_path_buf(),
                venv.join("lib/python3.12/site-packages")
            ]
        );
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
    }

    #[test]
    fn excludes_are_applied_and_listed() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        fs::create_dir_all(root.join("test/requirements")).unwrap();
        fs::write(root.join("test/requirements/a.in"), "x\n").unwrap();
        fs::create_dir_all(root.join("pkg/fixtures/p")).unwrap();
        fs::write(root.join("pkg/fixtures/p/package-lock.json"), "{}").unwrap();
        fs::write(root.join("requirements.in"), "y\n").unwrap();
        fs::write(root.join("uv.lock"), "").unwrap();
        let options = WalkOptions {
            exclude: Exclude::new(&["test/requirements/*.in", "fixtures/", "./nothing/**"])
                .unwrap(),
            ..Default::default()
        };
        let d = discover_with(&[root.to_path_buf()], &options);
        let files: Vec<&Path> = d.files.iter().map(|(_, p)| p.as_path()).collect();
        assert_eq!(files, [root.join("requirements.in"), root.join("uv.lock")]);
        assert_eq!(
            d.skipped,
            vec![
                Skipped {
                    path: root.join("pkg/fixtures"),
                    reason: SkipReason::Excluded {
                        pattern: "fixtures/".into()
                    }
                },
                Skipped {
                    path: root.join("test/requirements/a.in"),
                    reason: SkipReason::Excluded {
                        pattern: "test/requirements/*.in".into()
                    }
                },
            ]
        );
        let e = Exclude::new(&["docs/**", "*.lock"]).unwrap();
        assert_eq!(e.matching("docs", true), Some("docs/**"));
        assert_eq!(e.matching("a/b/uv.lock", false), Some("*.lock"));
        assert_eq!(e.matching("a/docs", true), None, "anchored");
        assert!(Exclude::new(&["a[b"]).unwrap_err().contains("a[b"));
        assert!(Exclude::new(&[" "]).is_err());
    }

    #[test]
    fn a_root_named_through_a_symlink_is_followed() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("real.lock"), "").unwrap();
        let link = t.path().join("uv.lock");
        std::os::unix::fs::symlink(t.path().join("real.lock"), &link).unwrap();
        let d = discover(std::slice::from_ref(&link), WalkLimits::default());
        assert_eq!(d.files, vec![(FileKind::UvLock, link)]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
    }

    #[test]
    fn binary_bun_lockfiles_are_recognised() {
        assert_eq!(classify(Path::new("p/bun.lockb")), Some(FileKind::BunLockb));
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
        assert_eq!(
            d.skipped,
            vec![Skipped {
                path: t.path().join("a/b/c"),
                reason: SkipReason::TooDeep { max_depth: 2 }
            }]
        );
        let d = discover(
            &[t.path().to_path_buf()],
            WalkLimits {
                max_depth: 10,
                max_entries: 2,
            },
        );
        assert_eq!(d.skipped.len(), 1, "the walk stops once: {:?}", d.skipped);
    }
}
