//! Start-up hooks of a site directory: `.pth` files (and PEP 829 `.start`
//! files), `sitecustomize.py` and `usercustomize.py`.
//!
//! `site.py` reads every `.pth` in a site directory at interpreter start-up.
//! Per line: a line starting with `#` is a comment, a blank line is skipped, a
//! line starting with `import ` or `import\t` is passed whole to `exec()`, and
//! anything else is a path appended to `sys.path`. So any `import` line runs
//! code on every Python start, no import of the package needed (litellm
//! 1.82.8's `litellm_init.pth`). Real tools write a handful of such lines
//! (setuptools, virtualenv, editable installs, coverage, pytest-cov); they
//! are recognised by SHAPE, statement by statement, never by file name.

use crate::engine::scan_python_snippet;
use crate::rule::{Family, Hit, snippet};
use chainwarden_core::fsutil;
use chainwarden_core::{Confidence, Ecosystem, Finding, Location, Package, RuleMeta, Severity};
use regex::Regex;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const PTH_EXEC: RuleMeta = RuleMeta {
    id: "hook/pth-exec",
    summary: "A .pth line runs code at every Python start-up",
    default_severity: Severity::High,
    why: "site.py exec()s every .pth line that starts with `import`, in every Python process of the \
environment, without the package ever being imported. litellm 1.82.8 used this to run a credential \
stealer. Process spawning, network, encoded payloads, exec/eval or file writes in the line make it critical.",
    fix: "Remove the .pth file and reinstall the owning package from a known-good version; if the \
line ran, treat the host as compromised and rotate every credential it could read.",
};

pub const SITECUSTOMIZE: RuleMeta = RuleMeta {
    id: "hook/sitecustomize",
    summary: "sitecustomize.py / usercustomize.py in a site directory runs at every Python start-up",
    default_severity: Severity::High,
    why: "site.py imports sitecustomize and usercustomize at start-up; packages have no reason to ship \
them, and one with process, network, decoding or exec capabilities is a start-up implant.",
    fix: "Find who wrote the file (its owner in RECORD), remove it, and reinstall from a known-good version.",
};

pub const PTH_PATH_OUTSIDE: RuleMeta = RuleMeta {
    id: "hook/pth-path-outside",
    summary: "A .pth path line adds a directory outside the environment to sys.path",
    default_severity: Severity::Medium,
    why: "A path outside the environment lets code nobody installed shadow real modules.",
    fix: "Check that the directory is expected (an editable install of your own project); remove the line otherwise.",
};

/// Every hook rule.
pub const RULES: &[RuleMeta] = &[PTH_EXEC, SITECUSTOMIZE, PTH_PATH_OUTSIDE];

/// Largest hook file read.
pub const MAX_HOOK_FILE: u64 = 1024 * 1024;

/// What site.py does with one line of a `.pth` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PthLineKind {
    Blank,
    Comment,
    /// Appended to sys.path (if it exists).
    Path,
    /// Starts with `import ` / `import\t`: the whole line is exec'd.
    Import,
    /// A PEP 829 `.start` entry point (`pkg.mod:func`): called at start-up.
    EntryPoint,
}

/// One classified line of a `.pth` / `.start` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PthLine {
    /// 1-based.
    pub line: u32,
    pub kind: PthLineKind,
    pub text: String,
    /// For executed lines of a known benign shape: which one.
    pub shape: Option<&'static str>,
}

/// Classifies every line of a `.pth` (or `.start`, by `name`) per site.py.
pub fn analyze_pth(name: &str, content: &str) -> Vec<PthLine> {
    let start_file = name.to_ascii_lowercase().ends_with(".start");
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    site_lines(content)
        .enumerate()
        .map(|(n, raw)| {
            let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
            let kind = if raw.starts_with('#') {
                PthLineKind::Comment
            } else if raw.trim().is_empty() {
                PthLineKind::Blank
            } else if start_file {
                PthLineKind::EntryPoint
            } else if raw.starts_with("import ") || raw.starts_with("import\t") {
                PthLineKind::Import
            } else {
                PthLineKind::Path
            };
            let shape = (kind == PthLineKind::Import)
                .then(|| benign_shape(raw))
                .flatten();
            PthLine {
                line,
                kind,
                text: raw.to_string(),
                shape,
            }
        })
        .collect()
}

/// Lines as site.py's text reader yields them (universal newlines).
fn site_lines(content: &str) -> impl Iterator<Item = &str> {
    content
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

/// Only the executed lines of a `.pth` (others blanked, line numbers kept),
/// for scanning a `.pth` as Python.
pub(crate) fn executed_lines_only(content: &str) -> String {
    site_lines(content)
        .map(|l| {
            if l.starts_with("import ") || l.starts_with("import\t") {
                l
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- benign shapes ---------------------------------------------------------

/// A name-like string literal (namespace package names in `-nspkg.pth`).
const S: &str = r"'[A-Za-z_][A-Za-z0-9_.]*'";

struct Shapes {
    /// (shape name, statement templates; every statement must match one,
    /// and the first statement must match the first template).
    statements: Vec<(&'static str, Vec<Regex>)>,
    exec_literal: Regex,
    bare_import: Regex,
    coverage_body: Regex,
}

fn shapes() -> Option<&'static Shapes> {
    static SH: OnceLock<Option<Shapes>> = OnceLock::new();
    SH.get_or_init(build_shapes).as_ref()
}

fn build_shapes() -> Option<Shapes> {
    let res = |list: &[&str]| -> Option<Vec<Regex>> {
        list.iter()
            .map(|t| Regex::new(&format!("^(?:{})$", t.replace("{S}", S))).ok())
            .collect()
    };
    let statements = vec![
        (
            "setuptools distutils-precedence shim",
            res(&[
                r"importos",
                r"var='SETUPTOOLS_USE_DISTUTILS'",
                r"enabled=os\.environ\.get\(var,'(?:local|stdlib)'\)=='local'",
                r"enabledand__import__\('_distutils_hack'\)\.add_shim\(\)",
            ])?,
        ),
        (
            "setuptools namespace package (-nspkg.pth)",
            res(&[
                r"importsys,types,os",
                r"has_mfs=sys\.version_info>\(3,5\)",
                r"p=os\.path\.join\(sys\._getframe\(1\)\.f_locals\['sitedir'\],\*\((?:{S},)+\)\)",
                r"p=os\.path\.join\(sys\._getframe\(1\)\.f_locals\['sitedir'\],\*\({S}(?:,{S})*,?\)\)",
                r"importlib=has_mfsand__import__\('importlib\.util'\)",
                r"has_mfsand__import__\('importlib\.machinery'\)",
                r"m=has_mfsandsys\.modules\.setdefault\({S},importlib\.util\.module_from_spec\(importlib\.machinery\.PathFinder\.find_spec\({S},\[os\.path\.dirname\(p\)\]\)\)\)",
                r"m=morsys\.modules\.setdefault\({S},types\.ModuleType\({S}\)\)",
                r"mp=\(mor\[\]\)andm\.__dict__\.setdefault\('__path__',\[\]\)",
                r"\(pnotinmp\)andmp\.append\(p\)",
                r"ie=os\.path\.exists\(os\.path\.join\(p,'__init__\.py'\)\)",
                r"m=notieandsys\.modules\.setdefault\({S},types\.ModuleType\({S}\)\)",
                r"mandsetattr\(sys\.modules\[{S}\],{S},m\)",
            ])?,
        ),
        (
            "setuptools editable finder",
            res(&[
                r"import(__editable___[A-Za-z0-9_]+_finder)",
                r"__editable___[A-Za-z0-9_]+_finder\.install\(\)",
            ])?,
        ),
        (
            "setuptools easy-install path bookkeeping",
            res(&[
                r"importsys",
                r"sys\.__plen=len\(sys\.path\)",
                r"new=sys\.path\[sys\.__plen:\]",
                r"delsys\.path\[sys\.__plen:\]",
                r"p=getattr\(sys,'__egginsert',0\)",
                r"sys\.path\[p:p\]=new",
                r"sys\.__egginsert=p\+len\(new\)",
            ])?,
        ),
        (
            "coverage process start-up",
            res(&[r"importcoverage", r"coverage\.process_startup\(\)"])?,
        ),
    ];
    Some(Shapes {
        statements,
        exec_literal: Regex::new(
            r#"^import\s+(?:os|sys)(?:\s*,\s*(?:os|sys))?\s*;\s*exec\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\)\s*;?\s*$"#,
        )
        .ok()?,
        bare_import: Regex::new(r"^import[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*;?[ \t]*$").ok()?,
        coverage_body: Regex::new(
            r#"^import os if os\.getenv\("COVERAGE_PROCESS_\w+"\)(?: or os\.getenv\("COVERAGE_PROCESS_\w+"\))*: try: import coverage except: pass else: coverage\.process_startup\((?:slug="\w+")?\)$"#,
        )
        .ok()?,
    })
}

/// pytest-cov's start-up body (pytest-cov 2.x–4.x `pytest-cov.pth`), whitespace squashed.
const PYTEST_COV_BODY: &str = "if 'COV_CORE_SOURCE' in os.environ: try: from pytest_cov.embed import init init() except Exception as exc: sys.stderr.write( \"pytest-cov: Failed to setup subprocess coverage. \" \"Environ: {0!r} \" \"Exception: {1!r}\\n\".format( dict((k, v) for k, v in os.environ.items() if k.startswith('COV_CORE')), exc ) )";

/// The known benign shape of an executed line, if it has one.
fn benign_shape(line: &str) -> Option<&'static str> {
    let sh = shapes()?;
    let squashed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let stmts: Vec<&str> = squashed.split(';').filter(|s| !s.is_empty()).collect();
    for (name, templates) in &sh.statements {
        let Some(first) = templates.first() else {
            continue;
        };
        let starts = stmts.first().is_some_and(|s| first.is_match(s));
        if starts
            && stmts
                .iter()
                .all(|s| templates.iter().any(|t| t.is_match(s)))
        {
            return Some(name);
        }
    }
    if let Some(c) = sh.exec_literal.captures(line.trim_end()) {
        let lit = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        let body = squash_ws(&unescape(lit));
        if sh.coverage_body.is_match(&body) {
            return Some("coverage process start-up");
        }
        if body == PYTEST_COV_BODY {
            return Some("pytest-cov subprocess start-up");
        }
    }
    None
}

/// The module of a bare `import name` line.
fn bare_import(line: &str) -> Option<String> {
    let sh = shapes()?;
    sh.bare_import
        .captures(line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Python string-literal escapes (enough for hook bodies).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

// ---- auditing a site directory ---------------------------------------------

/// One start-up hook finding, before it becomes a [`Finding`].
#[derive(Debug, Clone, Serialize)]
pub struct HookFinding {
    /// `hook/pth-exec`, `hook/sitecustomize` or `hook/pth-path-outside`.
    pub rule: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The hook file.
    pub file: PathBuf,
    /// Its path relative to the site directory (what the owner lookup got).
    pub site_relative: String,
    /// 1-based line (0 for a whole file).
    pub line: u32,
    /// The line or file summary, bounded and printable.
    pub text: String,
    /// (name, version) of the distribution whose RECORD lists the file.
    pub owner: Option<(String, String)>,
    /// What the executed code can do (heuristic rule ids that matched it).
    pub capabilities: Vec<String>,
    /// The heuristic hits on the executed code.
    pub hits: Vec<Hit>,
}

/// Audits the start-up hooks of one site directory. `owners` maps a path
/// relative to `site_dir` (`litellm_init.pth`) to the owning distribution's
/// (name, version), from RECORD; `None` means no distribution owns it.
pub fn audit_site_dir(
    site_dir: &Path,
    owners: &dyn Fn(&str) -> Option<(String, String)>,
) -> Vec<Finding> {
    audit_site_dir_results(site_dir, owners)
        .into_iter()
        .map(|h| h.to_finding())
        .collect()
}

/// Like [`audit_site_dir`], with structured results.
pub fn audit_site_dir_results(
    site_dir: &Path,
    owners: &dyn Fn(&str) -> Option<(String, String)>,
) -> Vec<HookFinding> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(site_dir) else {
        return out;
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    files.sort();
    for (name, path) in files {
        let lower = name.to_ascii_lowercase();
        let is_pth = lower.ends_with(".pth") || lower.ends_with(".start");
        let is_custom = lower == "sitecustomize.py" || lower == "usercustomize.py";
        // site.py (3.13+) skips hidden .pth files; older versions read them: audit anyway.
        if !is_pth && !is_custom {
            continue;
        }
        // Looking an owner up reads RECORDs: do it only for files that gave a finding.
        let start = out.len();
        let text = match read_inside(site_dir, &path) {
            Ok(t) => t,
            Err(e) => {
                out.push(HookFinding {
                    rule: if is_pth {
                        PTH_EXEC.id
                    } else {
                        SITECUSTOMIZE.id
                    },
                    severity: Severity::Medium,
                    confidence: Confidence::Low,
                    file: path.clone(),
                    site_relative: name.clone(),
                    line: 0,
                    text: snippet(&format!("could not be audited: {e}")),
                    owner: owners(&name),
                    capabilities: Vec::new(),
                    hits: Vec::new(),
                });
                continue;
            }
        };
        if is_pth {
            audit_pth(site_dir, &name, &path, &text, None, &mut out);
        } else {
            audit_customize(&name, &path, &text, None, &mut out);
        }
        if out.len() > start {
            let owner = owners(&name);
            for h in &mut out[start..] {
                h.owner.clone_from(&owner);
            }
        }
    }
    out
}

/// Reads a hook file, refusing symlinks that leave the site directory.
fn read_inside(site_dir: &Path, path: &Path) -> Result<String, String> {
    let real = path.canonicalize().map_err(|e| e.to_string())?;
    let root = site_dir.canonicalize().map_err(|e| e.to_string())?;
    if !real.starts_with(&root) {
        return Err(format!(
            "symlink to {} outside the site directory",
            real.display()
        ));
    }
    let bytes = fsutil::read_bounded(&real, MAX_HOOK_FILE).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Capabilities that make an executed hook critical.
fn dangerous(h: &Hit) -> bool {
    matches!(
        h.family,
        Family::Obfuscation
            | Family::DownloadExec
            | Family::Credentials
            | Family::Destination
            | Family::Persistence
    ) || matches!(
        h.rule.meta.id,
        "heuristic/capability-network"
            | "heuristic/capability-process"
            | "heuristic/capability-exec"
            | "heuristic/capability-file-write"
            | "heuristic/capability-chmod-exec"
    )
}

fn capabilities(hits: &[Hit]) -> Vec<String> {
    let mut caps: Vec<String> = hits
        .iter()
        .filter(|h| dangerous(h))
        .map(|h| h.rule.meta.id.to_string())
        .collect();
    caps.sort();
    caps.dedup();
    caps
}

fn audit_pth(
    site_dir: &Path,
    name: &str,
    path: &Path,
    text: &str,
    owner: Option<(String, String)>,
    out: &mut Vec<HookFinding>,
) {
    let env_root = env_root(site_dir);
    for l in analyze_pth(name, text) {
        let finding = |rule: &'static str, severity, confidence, hits: Vec<Hit>| HookFinding {
            rule,
            severity,
            confidence,
            file: path.to_path_buf(),
            site_relative: name.to_string(),
            line: l.line,
            text: snippet(&l.text),
            owner: owner.clone(),
            capabilities: capabilities(&hits),
            hits,
        };
        match l.kind {
            PthLineKind::Blank | PthLineKind::Comment => {}
            PthLineKind::Path => {
                if let Some(outside) = path_outside(site_dir, env_root.as_deref(), &l.text) {
                    let mut f = finding(
                        PTH_PATH_OUTSIDE.id,
                        Severity::Medium,
                        Confidence::Medium,
                        Vec::new(),
                    );
                    f.text = snippet(&format!("{} (outside {})", l.text, outside.display()));
                    out.push(f);
                }
            }
            PthLineKind::Import | PthLineKind::EntryPoint => {
                if l.shape.is_some() {
                    continue;
                }
                let code = if l.kind == PthLineKind::EntryPoint {
                    entry_point_as_code(&l.text)
                } else {
                    l.text.clone()
                };
                let mut hits = scan_python_snippet(name, &code);
                for h in &mut hits {
                    h.line = l.line;
                }
                if let Some(module) = bare_import(&l.text) {
                    // `import mod`: what runs is mod's top level; judge that.
                    match module_source(site_dir, &module) {
                        Some((rel, src)) => {
                            let mod_hits = crate::scan_source(&rel, src.as_bytes());
                            let v = crate::verdict(&mod_hits, None);
                            if v.severity < Severity::Medium && !mod_hits.iter().any(dangerous_top)
                            {
                                continue;
                            }
                            hits.extend(mod_hits);
                        }
                        None => {
                            out.push(finding(
                                PTH_EXEC.id,
                                Severity::Medium,
                                Confidence::Low,
                                hits,
                            ));
                            continue;
                        }
                    }
                }
                let critical = hits.iter().any(dangerous);
                let (sev, conf) = if critical {
                    (Severity::Critical, Confidence::High)
                } else {
                    (Severity::High, Confidence::Medium)
                };
                out.push(finding(PTH_EXEC.id, sev, conf, hits));
            }
        }
    }
}

/// In an imported module, process/network/exec at top level is what runs.
fn dangerous_top(h: &Hit) -> bool {
    dangerous(h) && h.family != Family::Capability
}

/// `pkg.mod:func` → `import pkg.mod; pkg.mod.func()` so the engine sees a call.
fn entry_point_as_code(entry: &str) -> String {
    let e = entry.trim();
    match e.split_once(':') {
        Some((m, f)) => format!("import {m}\n{m}.{f}()\n"),
        None => format!("import {e}\n"),
    }
}

/// The source of a top-level module in the site directory.
fn module_source(site_dir: &Path, module: &str) -> Option<(String, String)> {
    for rel in [format!("{module}.py"), format!("{module}/__init__.py")] {
        let p = fsutil::join_inside(site_dir, &rel)?;
        if p.is_file()
            && let Ok(t) = read_inside(site_dir, &p)
        {
            return Some((rel, t));
        }
    }
    None
}

/// `<env>` for `<env>/lib/pythonX.Y/site-packages` or `<env>/Lib/site-packages`.
fn env_root(site_dir: &Path) -> Option<PathBuf> {
    let sd = site_dir.canonicalize().ok()?;
    let parent = sd.parent()?;
    let pname = parent.file_name()?.to_string_lossy().to_ascii_lowercase();
    if pname.starts_with("python") {
        return parent.parent()?.parent().map(Path::to_path_buf);
    }
    if pname == "lib" {
        return parent.parent().map(Path::to_path_buf);
    }
    Some(sd)
}

/// The env root a path line escapes, if it does. Paths into a project
/// source tree (an editable install: a folder with pyproject.toml, setup.py
/// or setup.cfg at or above it, two levels at most) are not reported.
fn path_outside(site_dir: &Path, env_root: Option<&Path>, line: &str) -> Option<PathBuf> {
    let root = env_root?;
    let target = site_dir.join(line.trim_end());
    let real = target.canonicalize().unwrap_or(target);
    if real.starts_with(root) {
        return None;
    }
    let project = real.ancestors().take(3).any(|d| {
        ["pyproject.toml", "setup.py", "setup.cfg"]
            .iter()
            .any(|f| d.join(f).is_file())
    });
    (!project).then(|| root.to_path_buf())
}

fn audit_customize(
    name: &str,
    path: &Path,
    text: &str,
    owner: Option<(String, String)>,
    out: &mut Vec<HookFinding>,
) {
    let hits = crate::scan_source(name, text.as_bytes());
    let critical = hits.iter().any(dangerous);
    let (sev, conf) = if critical {
        (Severity::Critical, Confidence::High)
    } else {
        (Severity::High, Confidence::Medium)
    };
    let first_line = hits.iter().filter(|h| dangerous(h)).map(|h| h.line).min();
    out.push(HookFinding {
        rule: SITECUSTOMIZE.id,
        severity: sev,
        confidence: conf,
        file: path.to_path_buf(),
        site_relative: name.to_string(),
        line: first_line.unwrap_or(0),
        text: snippet(&format!("{name} runs at every Python start-up")),
        owner,
        capabilities: capabilities(&hits),
        hits,
    });
}

impl HookFinding {
    /// The rule metadata of this finding.
    pub fn meta(&self) -> &'static RuleMeta {
        RULES
            .iter()
            .find(|r| r.id == self.rule)
            .unwrap_or(&PTH_EXEC)
    }

    /// As a chainwarden [`Finding`], naming the owning distribution ("unowned" when none).
    pub fn to_finding(&self) -> Finding {
        let meta = self.meta();
        let who = match &self.owner {
            Some((n, v)) => format!("owned by {n} {v}"),
            None => "unowned".to_string(),
        };
        let file = self.file.file_name().map_or_else(
            || self.site_relative.clone(),
            |f| f.to_string_lossy().into_owned(),
        );
        let message = if self.capabilities.is_empty() {
            format!("{file}: {} ({who})", meta.summary)
        } else {
            format!(
                "{file}: {} with {} ({who})",
                meta.summary,
                self.capabilities.join(", ")
            )
        };
        let mut location = if self.line > 0 {
            Location::line(&self.file, self.line)
        } else {
            Location::file(&self.file)
        };
        location.detail = Some(who.clone());
        let mut f = Finding::new(meta, message)
            .severity(self.severity)
            .confidence(self.confidence)
            .location(location)
            .evidence(self.text.clone());
        for h in self.hits.iter().filter(|h| dangerous(h)).take(8) {
            let layer = if h.layer > 0 {
                format!(" [decode layer {}]", h.layer)
            } else {
                String::new()
            };
            f = f.evidence(format!("{}: {}{layer}", h.rule.meta.id, h.snippet));
        }
        if let Some((n, v)) = &self.owner {
            f = f.package(&Package::new(Ecosystem::PyPI, n, v));
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_lines_like_site_py() {
        let lines = analyze_pth(
            "x.pth",
            "# comment\n\n/abs/path\n import os\nimport os; print(1)\nimport\tsys\nimportlib\n",
        );
        let kinds: Vec<_> = lines.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                PthLineKind::Comment,
                PthLineKind::Blank,
                PthLineKind::Path,
                PthLineKind::Path,
                PthLineKind::Import,
                PthLineKind::Import,
                PthLineKind::Path,
                PthLineKind::Blank,
            ]
        );
        assert_eq!(lines[4].line, 5);
        let start = analyze_pth("x.start", "pkg.mod:main\n# c\n");
        assert_eq!(start[0].kind, PthLineKind::EntryPoint);
    }

    #[test]
    fn benign_shapes_are_recognised_and_twins_are_not() {
        let dp = "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); ";
        assert_eq!(
            benign_shape(dp),
            Some("setuptools distutils-precedence shim")
        );
        let evil = dp.replace("_distutils_hack", "evil");
        assert_eq!(benign_shape(&evil), None);
        let extra = format!("{dp}__import__('os').system('id')");
        assert_eq!(benign_shape(&extra), None);
        let nspkg = "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('google',));importlib = has_mfs and __import__('importlib.util');has_mfs and __import__('importlib.machinery');m = has_mfs and sys.modules.setdefault('google', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('google', [os.path.dirname(p)])));m = m or sys.modules.setdefault('google', types.ModuleType('google'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)";
        assert!(benign_shape(nspkg).is_some());
        let cov = r#"import sys; exec('import os\n\nif os.getenv("COVERAGE_PROCESS_START") or os.getenv("COVERAGE_PROCESS_CONFIG"):\n try:\n  import coverage\n except:\n  pass\n else:\n  coverage.process_startup(slug="pth")')"#;
        assert_eq!(benign_shape(cov), Some("coverage process start-up"));
        let pytest_cov = r#"import os, sys;exec('if \'COV_CORE_SOURCE\' in os.environ:\n try:\n  from pytest_cov.embed import init\n  init()\n except Exception as exc:\n  sys.stderr.write(\n   "pytest-cov: Failed to setup subprocess coverage. "\n   "Environ: {0!r} "\n   "Exception: {1!r}\\n".format(\n    dict((k, v) for k, v in os.environ.items() if k.startswith(\'COV_CORE\')),\n    exc\n   )\n  )\n')"#;
        assert_eq!(
            benign_shape(pytest_cov),
            Some("pytest-cov subprocess start-up")
        );
        let cov_evil = cov.replace("pass", "__import__('os').system('id')");
        assert_eq!(benign_shape(&cov_evil), None);
        assert_eq!(
            bare_import("import _virtualenv"),
            Some("_virtualenv".into())
        );
        assert_eq!(bare_import("import os; os.system('x')"), None);
    }
}
