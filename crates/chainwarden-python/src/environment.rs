//! Which Python environment a site dir belongs to: a venv (`pyvenv.cfg`), a
//! conda prefix (`conda-meta/`) or a system installation, and its Python
//! version, read from files only.

use crate::pep508::MarkerEnvironment;
use chainwarden_core::fsutil;
use chainwarden_core::{Source, SourceKind};
use std::path::{Path, PathBuf};

/// `pyvenv.cfg` is a few lines; anything larger is not one.
const MAX_PYVENV_CFG: u64 = 64 * 1024;
/// How many folders above the site dir to look for `pyvenv.cfg` / `conda-meta`.
const MAX_ROOT_DEPTH: usize = 4;

/// What kind of environment a site dir is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentKind {
    /// A virtual environment (`pyvenv.cfg` at its root).
    Venv,
    /// A conda environment (`conda-meta/` at its root).
    Conda,
    /// The site dir of an interpreter installation (`lib/pythonX.Y/site-packages`).
    System,
    /// A folder holding distributions outside any recognised layout
    /// (`pip install --target`, a vendored folder).
    Unknown,
}

impl EnvironmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentKind::Venv => "venv",
            EnvironmentKind::Conda => "conda",
            EnvironmentKind::System => "system",
            EnvironmentKind::Unknown => "unknown",
        }
    }
}

/// A Python environment as described by its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonEnvironment {
    pub site_dir: PathBuf,
    pub kind: EnvironmentKind,
    /// The environment root (venv folder, conda prefix, installation prefix).
    pub root: Option<PathBuf>,
    /// `3.11`.
    pub python_version: Option<String>,
    /// `3.11.7`, when a file states it (`pyvenv.cfg`, conda-meta).
    pub python_full_version: Option<String>,
    /// `cpython` or `pypy` (from the `lib/pypyX.Y` layout or `pyvenv.cfg`).
    pub implementation: String,
    /// `include-system-site-packages` of `pyvenv.cfg`.
    pub include_system_site_packages: Option<bool>,
    /// `home` of `pyvenv.cfg`: the base interpreter's folder.
    pub home: Option<String>,
    /// Which tool made the venv (`uv`, `virtualenv`), when `pyvenv.cfg` says.
    pub creator: Option<String>,
}

impl PythonEnvironment {
    /// Reads what the files around `site_dir` say about its environment.
    pub fn detect(site_dir: &Path) -> PythonEnvironment {
        let (layout_root, layout_version, implementation) = layout(site_dir);
        let mut env = PythonEnvironment {
            site_dir: site_dir.to_path_buf(),
            kind: if layout_root.is_some() {
                EnvironmentKind::System
            } else {
                EnvironmentKind::Unknown
            },
            root: layout_root,
            python_version: layout_version,
            python_full_version: None,
            implementation,
            include_system_site_packages: None,
            home: None,
            creator: None,
        };
        for dir in site_dir.ancestors().skip(1).take(MAX_ROOT_DEPTH) {
            let cfg = dir.join("pyvenv.cfg");
            if cfg.is_file() {
                env.kind = EnvironmentKind::Venv;
                env.root = Some(dir.to_path_buf());
                if let Ok(text) = fsutil::read_text(&cfg, MAX_PYVENV_CFG) {
                    env.apply_pyvenv_cfg(&text);
                }
                break;
            }
            let conda_meta = dir.join("conda-meta");
            if conda_meta.is_dir() {
                env.kind = EnvironmentKind::Conda;
                env.root = Some(dir.to_path_buf());
                env.python_full_version = conda_python_version(&conda_meta);
                break;
            }
        }
        if env.python_version.is_none() {
            env.python_version = env.python_full_version.as_deref().map(major_minor);
        }
        env
    }

    fn apply_pyvenv_cfg(&mut self, text: &str) {
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                // `venv` writes `version`, virtualenv and uv `version_info`
                // (`3.11.7.final.0` for virtualenv).
                "version" | "version_info" => {
                    let full: Vec<&str> = value
                        .split('.')
                        .take_while(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                        .take(3)
                        .collect();
                    if full.len() >= 2 {
                        self.python_full_version = Some(full.join("."));
                        if self.python_version.is_none() {
                            self.python_version = Some(major_minor(&full.join(".")));
                        }
                    }
                }
                "home" => self.home = Some(value.to_string()),
                "include-system-site-packages" => {
                    self.include_system_site_packages = Some(value.eq_ignore_ascii_case("true"))
                }
                "implementation" => self.implementation = value.to_ascii_lowercase(),
                "uv" => self.creator = Some("uv".into()),
                "virtualenv" => self.creator = Some("virtualenv".into()),
                _ => {}
            }
        }
    }

    /// The marker environment used to evaluate `Requires-Dist` markers: this
    /// environment's Python version and implementation on the host platform
    /// (see [`MarkerEnvironment::cpython_on_host`]). Without any version
    /// evidence, comparisons on the Python version are taken to hold
    /// ([`MarkerEnvironment::python_version_unknown`]).
    pub fn marker_environment(&self) -> MarkerEnvironment {
        let known = self
            .python_full_version
            .clone()
            .or_else(|| self.python_version.clone());
        let mut env = MarkerEnvironment::cpython_on_host(known.as_deref().unwrap_or("3"));
        env.python_version_unknown = known.is_none();
        if self.implementation == "pypy" {
            env.implementation_name = "pypy".into();
            env.platform_python_implementation = "PyPy".into();
        }
        if self.site_dir.components().any(|c| c.as_os_str() == "Lib") {
            env.os_name = "nt".into();
            env.sys_platform = "win32".into();
            env.platform_system = "Windows".into();
        }
        env
    }

    /// The inventory source for this environment.
    pub fn source(&self) -> Source {
        let mut s = Source::new(SourceKind::PythonEnvironment, &self.site_dir, "dist-info");
        s.python_version = self.python_version.clone();
        let p = &mut s.properties;
        p.insert("environment_kind".into(), self.kind.as_str().into());
        if let Some(root) = &self.root {
            p.insert("environment_root".into(), root.display().to_string());
        }
        if let Some(v) = &self.python_full_version {
            p.insert("python_full_version".into(), v.clone());
        }
        p.insert("implementation".into(), self.implementation.clone());
        if let Some(v) = self.include_system_site_packages {
            p.insert("include_system_site_packages".into(), v.to_string());
        }
        if let Some(h) = &self.home {
            p.insert("home".into(), h.clone());
        }
        if let Some(c) = &self.creator {
            p.insert("creator".into(), c.clone());
        }
        s
    }
}

fn major_minor(full: &str) -> String {
    full.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// Reads `lib/pythonX.Y/site-packages` (POSIX), `lib/pypyX.Y/…`,
/// `lib/python3/dist-packages` (Debian) or `Lib/site-packages` (Windows):
/// the prefix, `X.Y` when named, and the implementation.
fn layout(site_dir: &Path) -> (Option<PathBuf>, Option<String>, String) {
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_string);
    let cpython = "cpython".to_string();
    let Some(site_name) = name(site_dir) else {
        return (None, None, cpython);
    };
    if site_name != "site-packages" && site_name != "dist-packages" {
        return (None, None, cpython);
    }
    let Some(parent) = site_dir.parent() else {
        return (None, None, cpython);
    };
    let parent_name = name(parent).unwrap_or_default();
    if parent_name == "Lib" {
        return (parent.parent().map(Path::to_path_buf), None, cpython);
    }
    let (implementation, rest) = if let Some(r) = parent_name.strip_prefix("python") {
        ("cpython", r)
    } else if let Some(r) = parent_name.strip_prefix("pypy") {
        ("pypy", r)
    } else {
        return (None, None, cpython);
    };
    // `3.13t` is a free-threaded build of 3.13.
    let digits = rest.trim_end_matches('t');
    let version = (digits.contains('.')
        && digits
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| digits.to_string());
    let prefix = parent
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    (prefix, version, implementation.to_string())
}

/// conda records its Python as `conda-meta/python-3.11.7-<build>.json`.
fn conda_python_version(conda_meta: &Path) -> Option<String> {
    let entries = std::fs::read_dir(conda_meta).ok()?;
    for entry in entries.flatten().take(100_000) {
        let name = entry.file_name();
        let name = name.to_str()?;
        if let Some(rest) = name.strip_prefix("python-")
            && name.ends_with(".json")
        {
            let version = rest.split('-').next()?;
            if version
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            {
                return Some(version.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn venv_from_pyvenv_cfg() {
        let t = tempfile::tempdir().unwrap();
        let sp = t.path().join("lib/python3.12/site-packages");
        fs::create_dir_all(&sp).unwrap();
        fs::write(
            t.path().join("pyvenv.cfg"),
            "home = /usr/bin\ninclude-system-site-packages = false\nversion_info = 3.12.1.final.0\nvirtualenv = 20.25.0\n",
        )
        .unwrap();
        let env = PythonEnvironment::detect(&sp);
        assert_eq!(env.kind, EnvironmentKind::Venv);
        assert_eq!(env.root.as_deref(), Some(t.path()));
        assert_eq!(env.python_version.as_deref(), Some("3.12"));
        assert_eq!(env.python_full_version.as_deref(), Some("3.12.1"));
        assert_eq!(env.include_system_site_packages, Some(false));
        assert_eq!(env.creator.as_deref(), Some("virtualenv"));
        let m = env.marker_environment();
        assert_eq!(m.python_full_version, "3.12.1");
        let s = env.source();
        assert_eq!(s.python_version.as_deref(), Some("3.12"));
        assert_eq!(s.properties["environment_kind"], "venv");
    }

    #[test]
    fn conda_and_system_and_unknown() {
        let t = tempfile::tempdir().unwrap();
        let sp = t.path().join("lib/python3.10/site-packages");
        fs::create_dir_all(&sp).unwrap();
        fs::create_dir_all(t.path().join("conda-meta")).unwrap();
        fs::write(
            t.path().join("conda-meta/python-3.10.14-h955ad1f_0.json"),
            "{}",
        )
        .unwrap();
        fs::write(
            t.path().join("conda-meta/python_abi-3.10-4_cp310.json"),
            "{}",
        )
        .unwrap();
        let env = PythonEnvironment::detect(&sp);
        assert_eq!(env.kind, EnvironmentKind::Conda);
        assert_eq!(env.python_full_version.as_deref(), Some("3.10.14"));

        let t = tempfile::tempdir().unwrap();
        let sp = t.path().join("usr/lib/pypy3.10/site-packages");
        fs::create_dir_all(&sp).unwrap();
        let env = PythonEnvironment::detect(&sp);
        assert_eq!(env.kind, EnvironmentKind::System);
        assert_eq!(env.root.as_deref(), Some(t.path().join("usr").as_path()));
        assert_eq!(env.python_version.as_deref(), Some("3.10"));
        assert_eq!(env.marker_environment().implementation_name, "pypy");

        let env = PythonEnvironment::detect(Path::new("/nonexistent/vendor"));
        assert_eq!(env.kind, EnvironmentKind::Unknown);
        assert_eq!(env.python_version, None);
        assert!(env.marker_environment().python_version_unknown);
        assert!(
            !PythonEnvironment::detect(&sp)
                .marker_environment()
                .python_version_unknown
        );
    }

    #[test]
    fn free_threaded_and_debian_layouts() {
        let (root, v, _) = layout(Path::new("/opt/py/lib/python3.13t/site-packages"));
        assert_eq!(root.as_deref(), Some(Path::new("/opt/py")));
        assert_eq!(v.as_deref(), Some("3.13"));
        let (root, v, _) = layout(Path::new("/usr/lib/python3/dist-packages"));
        assert_eq!(root.as_deref(), Some(Path::new("/usr")));
        assert_eq!(v, None);
    }
}
