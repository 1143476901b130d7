//! Package metadata: parsing what a package says about itself (core metadata,
//! package.json), install scripts, build hooks, and the metadata checks.

use crate::engine::scan_as_shell;
use crate::families::{install, metadata as rules};
use crate::rule::{Hit, Rule, snippet};
use crate::typosquat;
use chainwarden_core::Ecosystem;
use chainwarden_core::package::normalize_name;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// What a package says about itself, as far as the checks need it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PackageMeta {
    pub ecosystem: Option<Ecosystem>,
    pub name: String,
    pub version: String,
    pub summary: String,
    pub home_page: String,
    /// Project-URL / repository / bugs URLs.
    pub urls: Vec<String>,
    pub author: String,
    pub author_email: String,
    /// The package runs code at install time (npm lifecycle scripts, setup.py command overrides).
    pub has_install_hooks: bool,
    /// Where this metadata was read (`PKG-INFO`, `package/package.json`), for hits.
    pub path: String,
}

/// npm lifecycle scripts that run on `npm install` of the package.
pub const NPM_INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

impl PackageMeta {
    /// Parses core metadata (`PKG-INFO`, `METADATA`): RFC 822 style headers.
    pub fn from_core_metadata(text: &str, path: &str) -> PackageMeta {
        let mut m = PackageMeta {
            ecosystem: Some(Ecosystem::PyPI),
            path: path.to_string(),
            ..PackageMeta::default()
        };
        for line in text.lines() {
            if line.is_empty() {
                break; // the body (long description) starts here
            }
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim().to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "name" => m.name = v,
                "version" => m.version = v,
                "summary" => m.summary = v,
                "home-page" => m.home_page = v,
                "author" => m.author = v,
                "author-email" => m.author_email = v,
                "project-url" => {
                    if let Some((_, u)) = v.split_once(',') {
                        m.urls.push(u.trim().to_string());
                    }
                }
                _ => {}
            }
        }
        m
    }

    /// Parses a `package.json`; `None` when it is not a JSON object.
    pub fn from_package_json(text: &str, path: &str) -> Option<PackageMeta> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let o = v.as_object()?;
        let s = |k: &str| {
            o.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let url_of = |k: &str| match o.get(k) {
            Some(serde_json::Value::String(u)) => Some(u.clone()),
            Some(serde_json::Value::Object(x)) => {
                x.get("url").and_then(|u| u.as_str()).map(str::to_string)
            }
            _ => None,
        };
        let (author, author_email) = match o.get("author") {
            Some(serde_json::Value::String(a)) => (a.clone(), String::new()),
            Some(serde_json::Value::Object(a)) => (
                a.get("name")
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .to_string(),
                a.get("email")
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .to_string(),
            ),
            _ => (String::new(), String::new()),
        };
        let has_install_hooks = o
            .get("scripts")
            .and_then(|s| s.as_object())
            .is_some_and(|s| NPM_INSTALL_SCRIPTS.iter().any(|k| s.contains_key(*k)));
        Some(PackageMeta {
            ecosystem: Some(Ecosystem::Npm),
            name: s("name"),
            version: s("version"),
            summary: s("description"),
            home_page: s("homepage"),
            urls: ["repository", "bugs"]
                .iter()
                .filter_map(|k| url_of(k))
                .collect(),
            author,
            author_email,
            has_install_hooks,
            path: path.to_string(),
        })
    }
}

/// Metadata checks: typosquat, empty description with install hooks, borrowed home page.
pub fn check(meta: &PackageMeta) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(eco) = meta.ecosystem else {
        return hits;
    };
    if let Some(h) = typosquat::check(eco, &meta.name, &meta.path) {
        hits.push(h);
    }
    if meta.has_install_hooks && meta.summary.trim().is_empty() && meta.home_page.trim().is_empty()
    {
        hits.push(hit(
            &rules::EMPTY_WITH_HOOKS,
            &meta.path,
            0,
            &format!(
                "{} has install hooks but no description or home page",
                meta.name
            ),
        ));
    }
    let own = squash(&normalize_name(eco, &meta.name));
    for url in std::iter::once(&meta.home_page).chain(&meta.urls) {
        let Some(repo) = repo_name(url) else {
            continue;
        };
        let repo_n = squash(&normalize_name(eco, &repo));
        if repo_n.len() >= 4
            && !own.contains(&repo_n)
            && !repo_n.contains(&own)
            && typosquat::is_popular(eco, &repo)
        {
            hits.push(hit(
                &rules::HOMEPAGE_IMPERSONATION,
                &meta.path,
                0,
                &format!("{} points at {url}, the repository of `{repo}`", meta.name),
            ));
            break;
        }
    }
    hits
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `https://github.com/psf/requests(.git)` → `requests`.
fn repo_name(url: &str) -> Option<String> {
    let u = url.trim().trim_start_matches("git+");
    let rest = ["github.com/", "gitlab.com/", "bitbucket.org/"]
        .iter()
        .find_map(|h| u.split_once(h).map(|(_, r)| r))?;
    let mut parts = rest.split(['/', '#', '?']);
    let _owner = parts.next()?;
    let repo = parts.next()?.trim_end_matches(".git");
    (!repo.is_empty()).then(|| repo.to_string())
}

fn hit(rule: &'static Rule, path: &str, line: u32, what: &str) -> Hit {
    Hit {
        rule,
        severity: rule.meta.default_severity,
        confidence: rule.confidence,
        path: path.to_string(),
        line,
        snippet: snippet(what),
        layer: 0,
        family: rule.family,
    }
}

fn dangerous_script() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)(?:\bcurl\b|\bwget\b|\|\s*(?:ba|z)?sh\b|\b(?:ba)?sh\s+-c\b|\bpowershell\b|\bnode\s+(?:-e|--eval|-p|--print)\b|\beval\b|\bbase64\b|Buffer\.from|/dev/tcp|\bnc\s+-|https?://|\.exe\b|\bpython[0-9.]*\s+-c\b|\bchmod\b|(?:`|\$\()\s*(?:hostname|whoami)\b)",
        )
        .ok()
    })
    .as_ref()
}

/// Install commands of well-known shape that only build native code.
fn benign_script(cmd: &str) -> bool {
    let c = cmd.trim();
    const BENIGN: &[&str] = &[
        "node-gyp rebuild",
        "node-gyp-build",
        "node-gyp-build-optional-packages",
        "prebuild-install",
        "node-pre-gyp install",
        "husky install",
        "husky",
        "patch-package",
        "opencollective-postinstall",
        "exit 0",
        "true",
    ];
    BENIGN
        .iter()
        .any(|b| c == *b || c.starts_with(&format!("{b} ")) || c.starts_with(&format!("{b} ||")))
        || c.split("||").all(|p| {
            let p = p.trim();
            p.starts_with("prebuild-install") || p.starts_with("node-gyp") || p.is_empty()
        })
}

/// `package.json`: install scripts (and the metadata checks on the name).
pub fn scan_package_json(path: &str, text: &str) -> Vec<Hit> {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    let scripts = o.get("scripts").and_then(|s| s.as_object());
    for key in NPM_INSTALL_SCRIPTS {
        let Some(cmd) = scripts.and_then(|s| s.get(key)).and_then(|c| c.as_str()) else {
            continue;
        };
        let line = line_of_key(text, key);
        if dangerous_script().is_some_and(|r| r.is_match(cmd)) {
            hits.push(hit(
                &install::NPM_SCRIPT_SHELL,
                path,
                line,
                &format!("{key}: {cmd}"),
            ));
        } else if !benign_script(cmd) {
            hits.push(hit(
                &install::NPM_SCRIPT,
                path,
                line,
                &format!("{key}: {cmd}"),
            ));
        }
        // The command is shell: the shell rules (pipe-shell, destinations…) apply.
        for mut h in scan_as_shell(path, cmd) {
            h.line = line;
            hits.push(h);
        }
    }
    if let Some(meta) = PackageMeta::from_package_json(text, path) {
        hits.extend(check(&meta));
    }
    hits
}

/// `pyproject.toml`: in-tree build backends and custom build hooks.
pub fn scan_pyproject(path: &str, text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        let custom_hook = l.starts_with("[tool.hatch.build") && l.contains("hooks.custom");
        let in_tree_backend = l.starts_with("backend-path");
        let pdm_script = l.starts_with("setup-script") || l.starts_with("run-setuptools");
        if custom_hook || in_tree_backend || pdm_script {
            let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
            hits.push(hit(&install::BUILD_HOOK, path, line_no, l));
        }
    }
    hits
}

/// 1-based line of the first `"key"` in a JSON text (0 when not found).
fn line_of_key(text: &str, key: &str) -> u32 {
    let needle = format!("\"{key}\"");
    text.find(&needle)
        .map(|p| text.get(..p).unwrap_or_default().matches('\n').count() + 1)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_core_metadata_and_package_json() {
        let m = PackageMeta::from_core_metadata(
            "Metadata-Version: 2.1\nName: litellm\nVersion: 1.82.8\nSummary: x\nProject-URL: Source, https://github.com/BerriAI/litellm\n\nbody: no\n",
            "PKG-INFO",
        );
        assert_eq!((m.name.as_str(), m.version.as_str()), ("litellm", "1.82.8"));
        assert_eq!(m.urls, ["https://github.com/BerriAI/litellm"]);
        let j = PackageMeta::from_package_json(
            r#"{"name":"x","version":"1.0.0","author":{"name":"A","email":"a@b.c"},"repository":{"url":"git+https://github.com/a/x.git"},"scripts":{"postinstall":"node i.js"}}"#,
            "package.json",
        )
        .unwrap();
        assert!(j.has_install_hooks);
        assert_eq!(j.author_email, "a@b.c");
        assert_eq!(repo_name(&j.urls[0]).as_deref(), Some("x"));
        assert!(PackageMeta::from_package_json("[1]", "p").is_none());
    }

    #[test]
    fn benign_install_commands() {
        assert!(benign_script("node-gyp rebuild"));
        assert!(benign_script(
            "prebuild-install || node-gyp rebuild --release"
        ));
        assert!(!benign_script("node install.js"));
    }
}
