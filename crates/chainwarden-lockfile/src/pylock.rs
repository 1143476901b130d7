//! PEP 751 `pylock.toml` / `pylock.<name>.toml` (`lock-version = "1.0"`).
//!
//! Each `[[packages]]` entry is one package from an index (`sdist`,
//! `wheels`), a `vcs` checkout, a local `directory` or an `archive`. Hashes
//! are tables `{ algo = "hex" }`; `upload-time` is a TOML datetime. The
//! optional `dependencies` entries identify a package by `name` plus any
//! keys needed to tell same-named entries apart (PEP 751); they are matched
//! on `name` and `version`. A pylock file does not record the project's
//! own requirements, so `direct` stays unknown.

use crate::common::{
    LineIndex, NameIndex, add_edge, hash_from_parts, note_upload_time, parse_toml, push_hash,
    set_prop, toml_time,
};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct PyLock {
    #[serde(rename = "lock-version")]
    lock_version: Option<String>,
    #[serde(rename = "created-by")]
    created_by: Option<String>,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
    #[serde(default)]
    packages: Vec<toml::Spanned<PyLockPackage>>,
}

#[derive(Deserialize)]
struct PyLockPackage {
    name: String,
    version: Option<String>,
    marker: Option<String>,
    index: Option<String>,
    #[serde(default)]
    dependencies: Vec<BTreeMap<String, toml::Value>>,
    vcs: Option<Vcs>,
    directory: Option<Directory>,
    archive: Option<FileRef>,
    sdist: Option<FileRef>,
    #[serde(default)]
    wheels: Vec<FileRef>,
}

#[derive(Deserialize)]
struct Vcs {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    path: Option<String>,
    #[serde(rename = "commit-id")]
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct Directory {
    path: Option<String>,
    #[serde(default)]
    editable: bool,
}

#[derive(Deserialize)]
struct FileRef {
    url: Option<String>,
    path: Option<String>,
    #[serde(rename = "upload-time")]
    upload_time: Option<toml::Value>,
    #[serde(default)]
    hashes: BTreeMap<String, toml::Value>,
}

/// Parses `pylock.toml` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let lock: PyLock = parse_toml(path, text, "pylock.toml")?;
    if lock.lock_version.is_none() && lock.packages.is_empty() {
        return Err(InputError::not_a(
            path,
            "pylock.toml",
            text,
            "`lock-version` (PEP 751 requires it) and no `[[packages]]`",
            crate::REGENERATE,
        ));
    }
    let lines = LineIndex::new(text);
    let mut source = Source::new(SourceKind::Lockfile, path, "pylock.toml");
    if let Some(v) = &lock.lock_version {
        set_prop(&mut source.properties, "lockfile_version", v.clone());
    }
    if let Some(v) = &lock.created_by {
        set_prop(&mut source.properties, "created_by", v.clone());
    }
    if let Some(v) = &lock.requires_python {
        set_prop(&mut source.properties, "requires_python", v.clone());
    }

    let mut components = Vec::with_capacity(lock.packages.len());
    for spanned in &lock.packages {
        let p = spanned.get_ref();
        let version = p.version.clone().unwrap_or_default();
        let mut loc = Location::line(path, lines.line(spanned.span().start));
        loc.detail = Some("[[packages]]".to_string());
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, &p.name, &version),
            &p.name,
            loc,
        );
        if let Some(m) = &p.marker {
            set_prop(&mut c.properties, "marker", m.clone());
        }
        if let Some(v) = &p.vcs {
            set_prop(
                &mut c.properties,
                "source_kind",
                v.kind.clone().unwrap_or("vcs".into()),
            );
            set_prop(
                &mut c.properties,
                "source",
                v.url.clone().or(v.path.clone()).unwrap_or_default(),
            );
            if let Some(id) = &v.commit_id {
                set_prop(&mut c.properties, "commit_id", id.clone());
            }
        } else if let Some(d) = &p.directory {
            set_prop(&mut c.properties, "source_kind", "directory");
            set_prop(
                &mut c.properties,
                "source",
                d.path.clone().unwrap_or_default(),
            );
            if d.editable {
                set_prop(&mut c.properties, "editable", "true");
            }
        } else if let Some(a) = &p.archive {
            set_prop(&mut c.properties, "source_kind", "archive");
            set_prop(
                &mut c.properties,
                "source",
                a.url.clone().or(a.path.clone()).unwrap_or_default(),
            );
        } else {
            set_prop(&mut c.properties, "source_kind", "registry");
            set_prop(
                &mut c.properties,
                "source",
                p.index.clone().unwrap_or_default(),
            );
        }
        for f in p.archive.iter().chain(&p.sdist).chain(&p.wheels) {
            for (algo, value) in &f.hashes {
                if let Some(h) = value.as_str().and_then(|v| hash_from_parts(algo, v)) {
                    push_hash(&mut c.hashes, h);
                }
            }
            if let Some(t) = f.upload_time.as_ref().and_then(toml_time) {
                note_upload_time(&mut c.properties, &t);
            }
        }
        components.push(c);
    }

    let index = NameIndex::new(&components);
    for (from, spanned) in lock.packages.iter().enumerate() {
        for dep in &spanned.get_ref().dependencies {
            let Some(name) = dep.get("name").and_then(toml::Value::as_str) else {
                continue;
            };
            let version = dep.get("version").and_then(toml::Value::as_str);
            let targets: Vec<usize> = index
                .candidates(&pep503(name))
                .iter()
                .copied()
                .filter(|&i| {
                    version
                        .is_none_or(|v| components.get(i).is_some_and(|c| c.package.version == v))
                })
                .collect();
            for to in targets {
                add_edge(&mut components, from, to);
            }
        }
    }
    Ok(Collected { source, components })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::ComponentId;

    // Shaped after the examples in PEP 751.
    const LOCK: &str = r#"lock-version = "1.0"
environments = ["sys_platform == 'win32'", "sys_platform == 'linux'"]
requires-python = "==3.12"
created-by = "mousebender"

[[packages]]
name = "attrs"
version = "25.1.0"
requires-python = ">=3.8"
wheels = [
  {name = "attrs-25.1.0-py3-none-any.whl", upload-time = 2025-01-25T11:30:10.164985+00:00, url = "https://files.pythonhosted.org/packages/fc/30/d4986a882011f9df997a55e6becd864812ccfcd821d64aac8570ee39f719/attrs-25.1.0-py3-none-any.whl", size = 63152, hashes = {sha256 = "c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a"}},
]

[[packages]]
name = "cattrs"
version = "24.1.2"
dependencies = [{name = "attrs"}]
sdist = {name = "cattrs-24.1.2.tar.gz", upload-time = 2024-09-22T14:58:36Z, url = "https://x/cattrs-24.1.2.tar.gz", hashes = {sha256 = "8028cfe1ff5382df59dd36474a86e02d817b06eaf8af84555441bac915d2ef85"}}

[[packages]]
name = "numpy"
version = "2.2.3"
marker = "sys_platform == 'win32'"
vcs = {type = "git", url = "https://github.com/numpy/numpy.git", commit-id = "0123456789abcdef0123456789abcdef01234567"}

[[packages]]
name = "mine"
directory = {path = ".", editable = true}
dependencies = [{name = "cattrs", version = "24.1.2"}, {name = "numpy"}]
"#;

    #[test]
    fn pep751_entries() {
        let c = parse(Path::new("pylock.toml"), LOCK).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "1.0");
        assert_eq!(c.components.len(), 4);
        let lines: Vec<_> = c.components.iter().map(|c| c.locations[0].line).collect();
        assert_eq!(lines, [Some(6), Some(14), Some(20), Some(26)]);
        let attrs = &c.components[0];
        assert_eq!(
            attrs.properties["upload_time"],
            "2025-01-25T11:30:10.164985Z"
        );
        assert_eq!(attrs.hashes[0].algorithm, "sha256");
        assert_eq!(
            c.components[1].properties["upload_time"],
            "2024-09-22T14:58:36Z"
        );
        assert_eq!(c.components[1].dependencies, vec![ComponentId(0)]);
        assert_eq!(c.components[2].properties["source_kind"], "git");
        assert_eq!(
            c.components[2].properties["marker"],
            "sys_platform == 'win32'"
        );
        assert_eq!(c.components[3].package.version, "");
        assert_eq!(c.components[3].properties["editable"], "true");
        assert_eq!(
            c.components[3].dependencies,
            vec![ComponentId(1), ComponentId(2)]
        );
    }
}
