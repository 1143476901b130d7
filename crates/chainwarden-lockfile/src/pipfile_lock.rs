//! `Pipfile.lock` (pipenv's JSON lockfile, `pipfile-spec` 6).
//!
//! `default` and `develop` map a package name to its entry: `version`
//! (`==x.y`), `hashes` (`sha256:hex`), `markers`, `extras`, `index`, and
//! for non-index packages `git`/`ref`, `path`, `file`, `editable`. The
//! file records neither dependency edges nor which packages the Pipfile
//! names, so components have no edges and `direct` stays unknown here
//! ([`crate::collect`] sets it from the `Pipfile` beside the lock). A name
//! in both sections yields one component per section.

use crate::common::{LineIndex, hash_from_prefixed, push_hash, set_prop};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(rename = "_meta", default)]
    meta: Meta,
    #[serde(default)]
    default: BTreeMap<String, Entry>,
    #[serde(default)]
    develop: BTreeMap<String, Entry>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(rename = "pipfile-spec")]
    pipfile_spec: Option<serde_json::Value>,
    #[serde(default)]
    hash: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
    markers: Option<String>,
    #[serde(default)]
    extras: Vec<String>,
    index: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    path: Option<String>,
    file: Option<String>,
    #[serde(default)]
    editable: bool,
}

/// Parses `Pipfile.lock` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    // serde would also accept a JSON array for the top-level struct.
    if !text.trim_start().starts_with('{') {
        return Err(InputError::new(
            path,
            "not a valid Pipfile.lock: the document is not a JSON object",
        ));
    }
    let lock: PipfileLock = serde_json::from_str(text)
        .map_err(|e| InputError::new(path, format!("not a valid Pipfile.lock: {e}")))?;
    if lock.meta.pipfile_spec.is_none()
        && lock.meta.hash.is_empty()
        && lock.default.is_empty()
        && lock.develop.is_empty()
    {
        return Err(InputError::not_a(
            path,
            "Pipfile.lock",
            text,
            "`_meta` and no package",
            crate::REGENERATE,
        ));
    }
    let lines = key_lines(text);
    let mut source = Source::new(SourceKind::Lockfile, path, "Pipfile.lock");
    if let Some(v) = &lock.meta.pipfile_spec {
        set_prop(&mut source.properties, "lockfile_version", v.to_string());
    }
    if let Some(h) = lock
        .meta
        .hash
        .get("sha256")
        .and_then(serde_json::Value::as_str)
    {
        set_prop(
            &mut source.properties,
            "content_hash",
            format!("sha256:{h}"),
        );
    }

    let mut components = Vec::new();
    for (section, entries) in [("default", &lock.default), ("develop", &lock.develop)] {
        for (name, e) in entries {
            // Pinned entries read `==x.y`; pipenv writes `*` (or nothing) for
            // an entry it did not pin, e.g. one whose markers exclude the
            // locking platform: that version is unknown.
            let spec = e.version.as_deref().unwrap_or("").trim();
            let version = spec
                .strip_prefix("===")
                .or_else(|| spec.strip_prefix("=="))
                .unwrap_or("")
                .trim();
            let mut loc = match lines.get(&(section.to_string(), name.clone())) {
                Some(&line) => Location::line(path, line),
                None => Location::file(path),
            };
            loc.detail = Some(format!("{section}.{name}"));
            let mut c = Component::new(Package::new(Ecosystem::PyPI, name, version), name, loc);
            for h in e.hashes.iter().filter_map(|h| hash_from_prefixed(h)) {
                push_hash(&mut c.hashes, h);
            }
            set_prop(&mut c.properties, "groups", section);
            if version.is_empty() {
                set_prop(&mut c.properties, "version_spec", spec);
            }
            if let Some(m) = &e.markers {
                set_prop(&mut c.properties, "marker", m.clone());
            }
            set_prop(&mut c.properties, "extras", e.extras.join(","));
            let (kind, src) = if let Some(g) = &e.git {
                ("git", g.clone())
            } else if let Some(f) = &e.file {
                ("url", f.clone())
            } else if let Some(p) = &e.path {
                ("path", p.clone())
            } else {
                ("registry", e.index.clone().unwrap_or_default())
            };
            set_prop(&mut c.properties, "source_kind", kind);
            set_prop(&mut c.properties, "source", src);
            if let Some(r) = &e.git_ref {
                set_prop(&mut c.properties, "reference", r.clone());
            }
            if e.editable {
                set_prop(&mut c.properties, "editable", "true");
            }
            components.push(c);
        }
    }
    Ok(Collected { source, components })
}

/// The 1-based line of every second-level key (`section`, `name`) of a JSON
/// document, found by one scan that honours strings and escapes. Only called
/// on text that already parsed as JSON.
fn key_lines(text: &str) -> HashMap<(String, String), u32> {
    let bytes = text.as_bytes();
    let index = LineIndex::new(text);
    let mut out = HashMap::new();
    let mut depth = 0usize;
    let mut section = String::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i;
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                let end = i.min(bytes.len().saturating_sub(1));
                let mut j = end + 1;
                while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if bytes.get(j) == Some(&b':')
                    && (depth == 1 || depth == 2)
                    && let Some(Ok(key)) = text.get(start..=end).map(serde_json::from_str::<String>)
                {
                    if depth == 1 {
                        section = key;
                    } else {
                        out.entry((section.clone(), key))
                            .or_insert(index.line(start));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_meta": {
        "hash": {"sha256": "ab"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
    },
    "default": {
        "my-lib": {
            "editable": true,
            "git": "https://github.com/me/my-lib.git",
            "ref": "0123456789abcdef0123456789abcdef01234567"
        },
        "colorama": {"markers": "sys_platform == 'win32'", "version": "*"},
        "requests": {
            "extras": ["socks"],
            "hashes": [
                "sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760",
                "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"
            ],
            "index": "pypi",
            "markers": "python_version >= '3.8'",
            "version": "==2.32.3"
        },
        "we\"ird": {"version": "==1.0", "note": "key with \"default\": inside"}
    },
    "develop": {
        "requests": {"version": "==2.32.3"}
    }
}"#;

    #[test]
    fn sections_lines_hashes_and_vcs_entries() {
        let c = parse(Path::new("Pipfile.lock"), LOCK).unwrap();
        let got: Vec<_> = c
            .components
            .iter()
            .map(|c| {
                (
                    c.package.name.as_str(),
                    c.package.version.as_str(),
                    c.locations[0].line,
                    c.properties["groups"].as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("colorama", "", Some(14), "default"),
                ("my-lib", "", Some(9), "default"),
                ("requests", "2.32.3", Some(15), "default"),
                ("we\"ird", "1.0", Some(25), "default"),
                ("requests", "2.32.3", Some(28), "develop"),
            ]
        );
        assert_eq!(c.components[0].properties["version_spec"], "*");
        assert_eq!(c.components[1].properties["source_kind"], "git");
        assert_eq!(c.components[1].properties["editable"], "true");
        assert_eq!(c.components[2].hashes.len(), 2);
        assert_eq!(c.components[2].properties["extras"], "socks");
        assert_eq!(c.source.properties["lockfile_version"], "6");
        assert_eq!(c.source.properties["content_hash"], "sha256:ab");
        assert!(c.components.iter().all(|c| c.direct.is_none()));
    }

    #[test]
    fn bad_json_names_the_file() {
        let e = parse(Path::new("/x/Pipfile.lock"), "{\"default\": {\"a\": ").unwrap_err();
        assert_eq!(e.path, Path::new("/x/Pipfile.lock"));
        assert!(e.message.contains("line 1"), "{}", e.message);
        let e = parse(
            Path::new("Pipfile.lock"),
            "{\"default\": {\"a\": {\"version\": 3}}}",
        )
        .unwrap_err();
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }
}
