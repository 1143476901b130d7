//! `uv.lock` (uv's universal lockfile, `version = 1`).
//!
//! A dependency reference carries `version` and `source` only when the
//! name alone is ambiguous (a forked resolution locks several versions of
//! one name); the reference is resolved on every key it gives. The project
//! roots are the `[manifest] members` when listed, else the packages whose
//! source is `editable`/`virtual` `"."`; their dependencies, optional
//! dependencies and dependency groups are the direct ones.

use crate::common::{
    LineIndex, NameIndex, add_edge, hash_from_prefixed, mark_direct, note_upload_time, parse_toml,
    push_hash, set_prop, toml_scalar, toml_time,
};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct UvLock {
    version: Option<toml::Value>,
    revision: Option<toml::Value>,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
    #[serde(default)]
    manifest: Manifest,
    #[serde(default)]
    package: Vec<toml::Spanned<UvPackage>>,
}

#[derive(Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    source: Option<BTreeMap<String, toml::Value>>,
    /// The forks of a universal resolution that select this version.
    #[serde(rename = "resolution-markers", default)]
    resolution_markers: Vec<String>,
    #[serde(default)]
    dependencies: Vec<DepRef>,
    #[serde(rename = "optional-dependencies", default)]
    optional_dependencies: BTreeMap<String, Vec<DepRef>>,
    #[serde(rename = "dev-dependencies", default)]
    dev_dependencies: BTreeMap<String, Vec<DepRef>>,
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
}

#[derive(Deserialize)]
struct DepRef {
    name: String,
    version: Option<String>,
    source: Option<BTreeMap<String, toml::Value>>,
}

#[derive(Deserialize)]
struct Artifact {
    hash: Option<String>,
    #[serde(rename = "upload-time")]
    upload_time: Option<toml::Value>,
}

/// The source kinds uv writes, in the order a table is checked.
const SOURCE_KINDS: [&str; 7] = [
    "registry",
    "git",
    "url",
    "path",
    "directory",
    "editable",
    "virtual",
];

fn source_kind(source: &BTreeMap<String, toml::Value>) -> Option<(&'static str, String)> {
    SOURCE_KINDS.iter().find_map(|k| {
        source
            .get(*k)
            .and_then(toml::Value::as_str)
            .map(|v| (*k, v.to_string()))
    })
}

/// Parses `uv.lock` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let lock: UvLock = parse_toml(path, text, "uv.lock")?;
    if lock.version.is_none() {
        return Err(InputError::not_a(
            path,
            "uv.lock",
            text,
            "`version` key",
            crate::REGENERATE,
        ));
    }
    let lines = LineIndex::new(text);
    let mut source = Source::new(SourceKind::Lockfile, path, "uv.lock");
    if let Some(v) = &lock.version {
        set_prop(&mut source.properties, "lockfile_version", toml_scalar(v));
    }
    if let Some(r) = &lock.revision {
        set_prop(&mut source.properties, "revision", toml_scalar(r));
    }
    if let Some(rp) = &lock.requires_python {
        set_prop(&mut source.properties, "requires_python", rp.clone());
    }

    let mut components = Vec::with_capacity(lock.package.len());
    for spanned in &lock.package {
        let p = spanned.get_ref();
        let version = p.version.clone().unwrap_or_default();
        let mut loc = Location::line(path, lines.line(spanned.span().start));
        loc.detail = Some("[[package]]".to_string());
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, &p.name, &version),
            &p.name,
            loc,
        );
        if let Some((kind, value)) = p.source.as_ref().and_then(source_kind) {
            set_prop(&mut c.properties, "source_kind", kind);
            set_prop(&mut c.properties, "source", value);
            if kind == "editable" {
                set_prop(&mut c.properties, "editable", "true");
            }
        }
        if !p.resolution_markers.is_empty() {
            let forks: Vec<String> = p
                .resolution_markers
                .iter()
                .map(|m| format!("({m})"))
                .collect();
            set_prop(&mut c.properties, "marker", forks.join(" or "));
        }
        for a in p.sdist.iter().chain(&p.wheels) {
            if let Some(h) = a.hash.as_deref().and_then(hash_from_prefixed) {
                push_hash(&mut c.hashes, h);
            }
            if let Some(t) = a.upload_time.as_ref().and_then(toml_time) {
                note_upload_time(&mut c.properties, &t);
            }
        }
        components.push(c);
    }

    let index = NameIndex::new(&components);
    for (from, spanned) in lock.package.iter().enumerate() {
        let p = spanned.get_ref();
        let refs = p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
            .chain(p.dev_dependencies.values().flatten());
        for r in refs {
            for to in resolve(&index, &lock, r) {
                add_edge(&mut components, from, to);
            }
        }
    }

    let members: Vec<String> = lock.manifest.members.iter().map(|m| pep503(m)).collect();
    let roots: Vec<usize> = lock
        .package
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let p = s.get_ref();
            if !members.is_empty() {
                return members.contains(&pep503(&p.name));
            }
            p.source
                .as_ref()
                .and_then(source_kind)
                .is_some_and(|(k, v)| matches!(k, "editable" | "virtual") && v == ".")
        })
        .map(|(i, _)| i)
        .collect();
    for &r in &roots {
        if let Some(c) = components.get_mut(r) {
            set_prop(&mut c.properties, "workspace_member", "true");
        }
    }
    mark_direct(&mut components, &roots);
    Ok(Collected { source, components })
}

/// The packages a reference names: by name, then by the version and source
/// it gives when the name is ambiguous.
fn resolve(index: &NameIndex, lock: &UvLock, r: &DepRef) -> Vec<usize> {
    let name = pep503(&r.name);
    let cands = index.candidates(&name);
    if cands.len() <= 1 {
        return cands.to_vec();
    }
    cands
        .iter()
        .copied()
        .filter(|&i| {
            let Some(p) = lock.package.get(i).map(toml::Spanned::get_ref) else {
                return false;
            };
            let version_ok = r
                .version
                .as_ref()
                .is_none_or(|v| p.version.as_deref() == Some(v.as_str()));
            let source_ok = r
                .source
                .as_ref()
                .is_none_or(|s| p.source.as_ref() == Some(s));
            version_ok && source_ok
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = r#"
version = 1
revision = 3
requires-python = ">=3.12"

[manifest]
members = ["app", "lib-a"]

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "lib-a" }, { name = "anyio" }]

[[package]]
name = "lib-a"
version = "0.2.0"
source = { editable = "packages/lib-a" }
dependencies = [{ name = "idna", version = "3.10", source = { registry = "https://pypi.org/simple" } }]

[[package]]
name = "anyio"
version = "4.0.0"
source = { git = "https://github.com/agronholm/anyio?rev=4.0.0#abcdef" }
dependencies = [{ name = "idna", version = "2.10", source = { registry = "https://mirror.example/simple" } }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/idna-3.10.tar.gz", hash = "sha256:12F65C9B470ABDA6DC35CF6E9DF8D8EC1B5B0B9F1D1BB0ED1AA7A3ED8DB6C0AB", size = 1, upload-time = "2024-09-15T18:07:39.745Z" }
wheels = [{ url = "https://x/idna-3.10-py3-none-any.whl", hash = "sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3", upload-time = "2024-09-15T18:07:37.964Z" }]

[[package]]
name = "idna"
version = "2.10"
source = { registry = "https://mirror.example/simple" }

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://mirror.example/simple" }
"#;

    #[test]
    fn workspace_members_sources_and_ambiguous_refs() {
        let c = parse(Path::new("uv.lock"), WORKSPACE).unwrap();
        let names: Vec<_> = c
            .components
            .iter()
            .map(|c| (c.package.name.as_str(), c.package.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("app", "0.1.0"),
                ("lib-a", "0.2.0"),
                ("anyio", "4.0.0"),
                ("idna", "3.10"),
                ("idna", "2.10"),
                ("idna", "3.10")
            ]
        );
        let lines: Vec<_> = c.components.iter().map(|c| c.locations[0].line).collect();
        assert_eq!(
            lines,
            [Some(9), Some(15), Some(21), Some(27), Some(34), Some(39)]
        );
        // Both members are roots; lib-a is also a dependency of app.
        assert_eq!(c.components[0].properties["workspace_member"], "true");
        assert_eq!(c.components[1].properties["workspace_member"], "true");
        assert_eq!(c.components[0].direct, None);
        assert_eq!(c.components[1].direct, Some(true));
        assert_eq!(c.components[2].direct, Some(true));
        // The reference with version and source picks exactly one `idna`.
        assert_eq!(
            c.components[1].dependencies,
            vec![chainwarden_core::ComponentId(3)]
        );
        assert_eq!(
            c.components[2].dependencies,
            vec![chainwarden_core::ComponentId(4)]
        );
        assert_eq!(c.components[3].direct, Some(true));
        assert_eq!(c.components[4].direct, Some(false));
        assert_eq!(c.components[5].direct, Some(false));
        assert_eq!(c.components[2].properties["source_kind"], "git");
        assert_eq!(c.components[1].properties["editable"], "true");
        let idna = &c.components[3];
        assert_eq!(idna.hashes.len(), 2);
        assert_eq!(
            idna.hashes[0].value,
            "12f65c9b470abda6dc35cf6e9df8d8ec1b5b0b9f1d1bb0ed1aa7a3ed8db6c0ab"
        );
        assert_eq!(idna.properties["upload_time"], "2024-09-15T18:07:39.745Z");
        assert_eq!(
            idna.properties["upload_time_first"],
            "2024-09-15T18:07:37.964Z"
        );
        assert_eq!(c.source.properties["lockfile_version"], "1");
        assert_eq!(c.source.properties["revision"], "3");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = parse(
            Path::new("/p/uv.lock"),
            "version = 1\n[[package]]\nname = 3\n",
        )
        .unwrap_err();
        assert_eq!(e.path, Path::new("/p/uv.lock"));
        assert!(e.message.contains("line 3"), "{}", e.message);
        let e = parse(Path::new("uv.lock"), "[[package]]\nname = \"a").unwrap_err();
        assert!(e.message.contains("line 2"), "{}", e.message);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let c = parse(
            Path::new("uv.lock"),
            "version = 1\nfuture = true\n[[package]]\nname = \"a\"\nversion = \"1\"\nnew-key = { x = 1 }\n",
        )
        .unwrap();
        assert_eq!(c.components.len(), 1);
    }
}
