//! `--online`: upload times from the registries, for the cooldown policy, for
//! packages whose lockfile does not record them (package-lock.json,
//! requirements files, installed environments…).
//!
//! npm: the packument's `time` map (`<registry>/<name>`). PyPI: the JSON form
//! of the simple index (PEP 691, `upload-time` from PEP 700). Registry bases
//! can be redirected (mirrors, tests) with `CHAINWARDEN_NPM_REGISTRY` and
//! `CHAINWARDEN_PYPI_SIMPLE`; `https://` goes through the system `curl`.

use chainwarden_core::package::pep503;
use chainwarden_core::{Ecosystem, Inventory};
use std::collections::{BTreeMap, BTreeSet};

const NPM: &str = "https://registry.npmjs.org";
const PYPI: &str = "https://pypi.org/simple";
/// Largest registry document read (a packument of a busy npm package is large).
const MAX_DOC: u64 = 64 * 1024 * 1024;
const WORKERS: usize = 8;

fn base(var: &str, default: &str) -> String {
    std::env::var(var)
        .unwrap_or_else(|_| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// The JSON forms registries serve when asked (PyPI's simple index answers HTML otherwise).
const ACCEPT: &str = "Accept: application/vnd.pypi.simple.v1+json, application/json;q=0.9";

fn get_json(url: &str) -> Result<serde_json::Value, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dest = dir.path().join("doc.json");
    if url.starts_with("https://") {
        let out = std::process::Command::new("curl")
            .args([
                "--proto",
                "=https",
                "--proto-redir",
                "=https",
                "--tlsv1.2",
                "-fsSL",
                "-H",
                ACCEPT,
            ])
            .args([
                "--max-filesize",
                &MAX_DOC.to_string(),
                "--max-time",
                "60",
                "-o",
            ])
            .arg(&dest)
            .arg(url)
            .output()
            .map_err(|e| format!("{url}: could not run curl: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{url}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    } else {
        chainwarden_advisories::http::fetch(url, &dest, MAX_DOC).map_err(|e| e.to_string())?;
    }
    let bytes =
        chainwarden_core::fsutil::read_bounded(&dest, MAX_DOC).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{url}: not JSON: {e}"))
}

/// Upload time of each version of an npm package.
fn npm_times(name: &str) -> Result<BTreeMap<String, String>, String> {
    let url = format!(
        "{}/{}",
        base("CHAINWARDEN_NPM_REGISTRY", NPM),
        name.replace('/', "%2f")
    );
    let doc = get_json(&url)?;
    let times = doc
        .get("time")
        .and_then(|t| t.as_object())
        .ok_or_else(|| format!("{url}: no `time` map"))?;
    Ok(times
        .iter()
        .filter_map(|(v, t)| Some((v.clone(), t.as_str()?.to_string())))
        .collect())
}

/// The version of a distribution file name (`pkg-1.0-py3-none-any.whl`, `pkg-1.0.tar.gz`).
fn file_version(filename: &str, name: &str) -> Option<String> {
    let (stem, wheel) = match filename.strip_suffix(".whl") {
        Some(s) => (s, true),
        None => (
            filename
                .strip_suffix(".tar.gz")
                .or_else(|| filename.strip_suffix(".zip"))?,
            false,
        ),
    };
    let (n, v) = if wheel {
        let mut parts = stem.split('-');
        (parts.next()?, parts.next()?)
    } else {
        stem.rsplit_once('-')?
    };
    (pep503(n) == name).then(|| v.to_string())
}

/// Earliest upload time of each version of a PyPI project.
fn pypi_times(name: &str) -> Result<BTreeMap<String, String>, String> {
    let base = base("CHAINWARDEN_PYPI_SIMPLE", PYPI);
    // The index wants its trailing slash; a mirror folder (file://) holds one file per project.
    let url = if base.starts_with("https://") {
        format!("{base}/{name}/")
    } else {
        format!("{base}/{name}")
    };
    let doc = get_json(&url)?;
    let files = doc
        .get("files")
        .and_then(|f| f.as_array())
        .ok_or_else(|| format!("{url}: no `files` list"))?;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for f in files {
        let (Some(file), Some(t)) = (
            f.get("filename").and_then(|x| x.as_str()),
            f.get("upload-time").and_then(|x| x.as_str()),
        ) else {
            continue;
        };
        if let Some(v) = file_version(file, name) {
            let e = out.entry(v).or_insert_with(|| t.to_string());
            if t < e.as_str() {
                *e = t.to_string();
            }
        }
    }
    Ok(out)
}

/// A name that npm or PyPI could have published: no `..`, no query or
/// fragment, nothing that would leave the package's URL.
fn is_registry_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains("..")
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'@' | b'/' | b'.' | b'_' | b'-' | b'~')
        })
        && name.matches('/').count() <= 1
}

/// Fills the `upload_time` property of every npm and PyPI component that has
/// a version and no upload time yet. Returns notes for what could not be looked up.
pub(crate) fn fill_upload_times(inv: &mut Inventory) -> Vec<String> {
    let wanted: BTreeSet<(Ecosystem, String)> = inv
        .components
        .iter()
        .filter(|c| matches!(c.package.ecosystem, Ecosystem::Npm | Ecosystem::PyPI))
        .filter(|c| !c.package.version.is_empty() && !c.properties.contains_key("upload_time"))
        // Names come from scanned files and become URL paths: registry names only.
        .filter(|c| is_registry_name(&c.package.name))
        .map(|c| (c.package.ecosystem, c.package.name.clone()))
        .collect();
    let wanted: Vec<(Ecosystem, String)> = wanted.into_iter().collect();
    let results = std::sync::Mutex::new(BTreeMap::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..WORKERS.min(wanted.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((eco, name)) = wanted.get(i) else {
                        break;
                    };
                    let r = match eco {
                        Ecosystem::Npm => npm_times(name),
                        _ => pypi_times(name),
                    };
                    if let Ok(mut m) = results.lock() {
                        m.insert((*eco, name.clone()), r);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let mut notes = Vec::new();
    for c in &mut inv.components {
        let Some(r) = results.get(&(c.package.ecosystem, c.package.name.clone())) else {
            continue;
        };
        match r {
            Ok(times) => {
                let eco = c.package.ecosystem;
                let found = times.iter().find(|(v, _)| {
                    *v == &c.package.version
                        || chainwarden_core::version::compare(eco, v, &c.package.version)
                            == Some(std::cmp::Ordering::Equal)
                });
                if let Some((_, t)) = found {
                    c.properties.insert("upload_time".into(), t.clone());
                }
            }
            Err(e) => notes.push(format!("--online: {e}")),
        }
    }
    notes.sort();
    notes.dedup();
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_scanned_files_cannot_leave_the_package_url() {
        assert!(is_registry_name("@scope/pkg") && is_registry_name("typing-extensions"));
        for bad in ["../../etc/passwd", "a/b/c", "x?y", "pkg#frag", "", "a b"] {
            assert!(!is_registry_name(bad), "{bad}");
        }
    }

    #[test]
    fn file_versions() {
        assert_eq!(
            file_version("requests-2.32.3-py3-none-any.whl", "requests").as_deref(),
            Some("2.32.3")
        );
        assert_eq!(
            file_version("Jinja2-3.1.4.tar.gz", "jinja2").as_deref(),
            Some("3.1.4")
        );
        assert_eq!(
            file_version(
                "typing_extensions-4.12.2-py3-none-any.whl",
                "typing-extensions"
            )
            .as_deref(),
            Some("4.12.2")
        );
        assert_eq!(file_version("other-1.0.tar.gz", "requests"), None);
    }
}
