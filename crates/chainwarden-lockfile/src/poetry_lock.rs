//! `poetry.lock`, lock-version 1.x and 2.x.
//!
//! - 1.x: `category = "main"|"dev"` per package; file hashes in
//!   `[metadata.files]` keyed by package name (2.0 moved them to `files`).
//! - 2.x: `files` per package, `groups = [...]` (Poetry ≥ 2.0).
//!
//! `[package.dependencies]` values are a version string, a table
//! (`version`, `markers`, `extras`, `optional`), or an array of such tables
//! (a multiple-constraints dependency). A name locked at several versions is
//! resolved by the version constraint, the way Poetry's installer picks
//! among the locked candidates. poetry.lock does not record which packages
//! the project requires: `direct` stays unknown here, and
//! [`crate::collect`] sets it from the `pyproject.toml` beside the lock.

use crate::common::{
    LineIndex, NameIndex, Requirement, add_edge, hash_from_parts, hash_from_prefixed, parse_toml,
    push_hash, resolve_python, set_prop,
};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<toml::Spanned<PoetryPackage>>,
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(rename = "lock-version")]
    lock_version: Option<String>,
    #[serde(rename = "content-hash")]
    content_hash: Option<String>,
    #[serde(rename = "python-versions")]
    python_versions: Option<String>,
    /// 1.x: hashes by package name.
    #[serde(default)]
    files: BTreeMap<String, Vec<FileEntry>>,
    /// Before 1.0: bare sha256 digests by package name.
    #[serde(default)]
    hashes: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    category: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    markers: Option<toml::Value>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    develop: bool,
    #[serde(default)]
    files: Vec<FileEntry>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct FileEntry {
    file: Option<String>,
    hash: Option<String>,
}

/// Whether a distribution file name is of this version (`name-1.0.tar.gz`,
/// `name-1.0-py3-none-any.whl`).
fn file_is_version(file: &str, version: &str) -> bool {
    file.match_indices(&format!("-{version}"))
        .any(|(i, m)| matches!(file.as_bytes().get(i + m.len()), Some(b'-' | b'.')))
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    reference: Option<String>,
    resolved_reference: Option<String>,
}

/// Parses `poetry.lock` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let lock: PoetryLock = parse_toml(path, text, "poetry.lock")?;
    let meta = &lock.metadata;
    if lock.package.is_empty() && meta.lock_version.is_none() && meta.content_hash.is_none() {
        return Err(InputError::not_a(
            path,
            "poetry.lock",
            text,
            "`[metadata]` (lock-version, content-hash) and no `[[package]]`",
            crate::REGENERATE,
        ));
    }
    let lines = LineIndex::new(text);
    let mut source = Source::new(SourceKind::Lockfile, path, "poetry.lock");
    let meta = &lock.metadata;
    set_prop(
        &mut source.properties,
        "lockfile_version",
        // Lock files written before 1.1 have no lock-version.
        meta.lock_version
            .clone()
            .unwrap_or_else(|| "1.0".to_string()),
    );
    if let Some(h) = &meta.content_hash {
        set_prop(&mut source.properties, "content_hash", h.clone());
    }
    if let Some(p) = &meta.python_versions {
        set_prop(&mut source.properties, "python_versions", p.clone());
    }
    let v1_files: BTreeMap<String, &Vec<FileEntry>> =
        meta.files.iter().map(|(k, v)| (pep503(k), v)).collect();

    let mut versions_of: BTreeMap<String, usize> = BTreeMap::new();
    for s in &lock.package {
        *versions_of.entry(pep503(&s.get_ref().name)).or_default() += 1;
    }
    let mut components = Vec::with_capacity(lock.package.len());
    for spanned in &lock.package {
        let p = spanned.get_ref();
        let mut loc = Location::line(path, lines.line(spanned.span().start));
        loc.detail = Some("[[package]]".to_string());
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, &p.name, &p.version),
            &p.name,
            loc,
        );
        // 1.x lists files by name only: when several versions share the
        // name, each keeps the files whose names carry its version.
        let shared = versions_of.get(&c.package.name).copied().unwrap_or(0) > 1;
        let legacy = v1_files
            .get(&c.package.name)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter(|f| {
                !shared
                    || f.file
                        .as_deref()
                        .is_some_and(|n| file_is_version(n, &p.version))
            });
        for f in p.files.iter().chain(legacy) {
            if let Some(h) = f.hash.as_deref().and_then(hash_from_prefixed) {
                push_hash(&mut c.hashes, h);
            }
        }
        // Before 1.0 the digests carry no file name to tell versions apart.
        if !shared {
            let bare = meta
                .hashes
                .iter()
                .find(|(k, _)| pep503(k) == c.package.name);
            for v in bare.into_iter().flat_map(|(_, v)| v) {
                if let Some(h) = hash_from_parts("sha256", v) {
                    push_hash(&mut c.hashes, h);
                }
            }
        }
        let groups = if p.groups.is_empty() {
            p.category.clone().unwrap_or_default()
        } else {
            p.groups.join(",")
        };
        set_prop(&mut c.properties, "groups", groups);
        if let Some(toml::Value::String(m)) = &p.markers {
            set_prop(&mut c.properties, "marker", m.clone());
        }
        if p.optional {
            set_prop(&mut c.properties, "optional", "true");
        }
        if p.develop {
            set_prop(&mut c.properties, "editable", "true");
        }
        match &p.source {
            Some(s) => {
                let kind = s.kind.clone().unwrap_or_default();
                set_prop(&mut c.properties, "source_kind", kind);
                set_prop(
                    &mut c.properties,
                    "source",
                    s.url.clone().unwrap_or_default(),
                );
                if let Some(r) = &s.reference {
                    set_prop(&mut c.properties, "reference", r.clone());
                }
                if let Some(r) = &s.resolved_reference {
                    set_prop(&mut c.properties, "resolved_reference", r.clone());
                }
            }
            None => set_prop(&mut c.properties, "source_kind", "registry"),
        }
        components.push(c);
    }

    let index = NameIndex::new(&components);
    for (from, spanned) in lock.package.iter().enumerate() {
        for (name, value) in &spanned.get_ref().dependencies {
            for specifier in constraints(value) {
                let req = Requirement {
                    name: pep503(name),
                    specifier,
                    ..Requirement::default()
                };
                for to in resolve_python(&index, &components, &req) {
                    add_edge(&mut components, from, to);
                }
            }
        }
    }
    Ok(Collected { source, components })
}

/// The version constraints of one dependency entry (one per alternative).
fn constraints(value: &toml::Value) -> Vec<String> {
    let one = |v: &toml::Value| match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Table(t) => t
            .get("version")
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    };
    match value {
        toml::Value::Array(items) => items.iter().map(one).collect(),
        other => vec![one(other)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::ComponentId;

    // Poetry 1.1 format: category, [metadata.files], multiple constraints.
    const V1: &str = r#"[[package]]
name = "numpy"
version = "1.24.4"
description = ""
category = "main"
optional = false
python-versions = ">=3.8"

[[package]]
name = "numpy"
version = "1.26.4"
description = ""
category = "main"
optional = false
python-versions = ">=3.9"

[[package]]
name = "pandas"
version = "2.0.3"
description = ""
category = "main"
optional = false
python-versions = ">=3.8"

[package.dependencies]
numpy = [
    {version = ">=1.20.3,<1.25", markers = "python_version < \"3.9\""},
    {version = ">=1.26.0", markers = "python_version >= \"3.12\""},
]
Tzdata = ">=2022.1"

[[package]]
name = "tzdata"
version = "2024.1"
description = ""
category = "dev"
optional = false
python-versions = ">=2"

[package.source]
type = "git"
url = "https://github.com/python/tzdata.git"
reference = "main"
resolved_reference = "0123456789abcdef0123456789abcdef01234567"

[metadata]
lock-version = "1.1"
python-versions = "^3.8"
content-hash = "abc"

[metadata.files]
numpy = [
    {file = "numpy-1.24.4.tar.gz", hash = "sha256:80f5e3a4e498641401868df4208b74581206afbee7cf7b8329daae82676d9463"},
    {file = "numpy-1.26.4.tar.gz", hash = "sha256:2a02aba9ed12e4ac4eb3ea9421c420301a0c6460d9830d74a9df87efa4912010"},
]
"#;

    #[test]
    fn v1_metadata_files_and_multiple_constraints() {
        let c = parse(Path::new("poetry.lock"), V1).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "1.1");
        assert_eq!(c.source.properties["content_hash"], "abc");
        assert_eq!(c.components.len(), 4);
        // Each alternative picks the numpy its constraint allows.
        let mut deps = c.components[2].dependencies.clone();
        deps.sort();
        assert_eq!(deps, vec![ComponentId(0), ComponentId(1), ComponentId(3)]);
        // [metadata.files] lists files by name: each numpy keeps its own.
        assert_eq!(
            c.components[0].hashes[0].value,
            "80f5e3a4e498641401868df4208b74581206afbee7cf7b8329daae82676d9463"
        );
        assert_eq!(c.components[0].hashes.len(), 1);
        assert_eq!(c.components[1].hashes.len(), 1);
        assert_eq!(c.components[3].properties["groups"], "dev");
        assert_eq!(c.components[3].properties["source_kind"], "git");
        assert_eq!(
            c.components[3].properties["resolved_reference"],
            "0123456789abcdef0123456789abcdef01234567"
        );
        assert_eq!(
            c.components
                .iter()
                .map(|c| c.locations[0].line)
                .collect::<Vec<_>>(),
            [Some(1), Some(9), Some(17), Some(32)]
        );
        assert!(c.components.iter().all(|c| c.direct.is_none()));
    }

    #[test]
    fn pre_1_0_metadata_hashes() {
        let lock = "[[package]]\nname = \"six\"\nversion = \"1.12.0\"\ncategory = \"main\"\n\n\
            [metadata]\ncontent-hash = \"x\"\n[metadata.hashes]\n\
            six = [\"3350809f0555b11f552448330d0b52d5f24c91a322ea4a15ef22629740f3761c\", \"d16a0141ec1a18405cd4ce8b4613101da75da0e9a7aec5bdd4fa804d0e0eba73\"]\n";
        let c = parse(Path::new("poetry.lock"), lock).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "1.0");
        assert_eq!(c.components[0].hashes.len(), 2);
        assert_eq!(c.components[0].properties["groups"], "main");
    }
}
