//! `pdm.lock` (PDM's TOML lockfile, `lock_version` 4.x).
//!
//! Dependencies are PEP 508 strings. PDM writes a package locked with
//! extras as a second entry (`extras = [...]`) whose dependencies are the
//! base package (`requests==2.32.3`) plus what the extras add; such an entry
//! is folded into its base component (one more location, its edges), so a
//! release is counted once. A name locked at several versions (the
//! `inherit_metadata` strategy with several targets) is resolved by each
//! reference's specifier. pdm.lock does not record the project's own
//! requirements: `direct` stays unknown here, and [`crate::collect`] sets
//! it from the `pyproject.toml` beside the lock.

use crate::common::{
    LineIndex, NameIndex, add_edge, hash_from_prefixed, parse_requirement, parse_toml, push_hash,
    resolve_python, set_prop,
};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Deserialize)]
struct PdmLock {
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    package: Vec<toml::Spanned<PdmPackage>>,
}

#[derive(Deserialize, Default)]
struct Metadata {
    lock_version: Option<String>,
    content_hash: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Deserialize)]
struct PdmPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    marker: Option<String>,
    #[serde(default)]
    extras: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    files: Vec<FileEntry>,
    path: Option<String>,
    url: Option<String>,
    git: Option<String>,
    revision: Option<String>,
    #[serde(default)]
    editable: bool,
}

#[derive(Deserialize)]
struct FileEntry {
    hash: Option<String>,
}

/// Parses `pdm.lock` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let lock: PdmLock = parse_toml(path, text, "pdm.lock")?;
    if lock.package.is_empty()
        && lock.metadata.lock_version.is_none()
        && lock.metadata.content_hash.is_none()
    {
        return Err(InputError::not_a(
            path,
            "pdm.lock",
            text,
            "`[metadata]` (lock_version, content_hash) and no `[[package]]`",
            crate::REGENERATE,
        ));
    }
    let lines = LineIndex::new(text);
    let mut source = Source::new(SourceKind::Lockfile, path, "pdm.lock");
    if let Some(v) = &lock.metadata.lock_version {
        set_prop(&mut source.properties, "lockfile_version", v.clone());
    }
    if let Some(h) = &lock.metadata.content_hash {
        set_prop(&mut source.properties, "content_hash", h.clone());
    }
    set_prop(
        &mut source.properties,
        "groups",
        lock.metadata.groups.join(","),
    );

    let mut components: Vec<Component> = Vec::new();
    let mut base_of: HashMap<(String, String), usize> = HashMap::new();
    // Base entries first, so an extras entry finds its base wherever it sits.
    let order = lock
        .package
        .iter()
        .enumerate()
        .filter(|(_, s)| s.get_ref().extras.is_empty())
        .chain(
            lock.package
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.get_ref().extras.is_empty()),
        );
    // Entry index → component index (extras entries share their base's).
    let mut owner = vec![usize::MAX; lock.package.len()];
    for (i, spanned) in order {
        let p = spanned.get_ref();
        let version = p.version.clone().unwrap_or_default();
        let key = (pep503(&p.name), version.clone());
        let mut loc = Location::line(path, lines.line(spanned.span().start));
        loc.detail = Some("[[package]]".to_string());
        if !p.extras.is_empty()
            && let Some(&base) = base_of.get(&key)
        {
            if let (Some(c), Some(slot)) = (components.get_mut(base), owner.get_mut(i)) {
                loc.detail = Some(format!("[[package]] extras = [{}]", p.extras.join(", ")));
                c.locations.push(loc);
                *slot = base;
            }
            continue;
        }
        let mut c = Component::new(
            Package::new(Ecosystem::PyPI, &p.name, &version),
            &p.name,
            loc,
        );
        for h in p
            .files
            .iter()
            .filter_map(|f| f.hash.as_deref().and_then(hash_from_prefixed))
        {
            push_hash(&mut c.hashes, h);
        }
        set_prop(&mut c.properties, "groups", p.groups.join(","));
        set_prop(&mut c.properties, "extras", p.extras.join(","));
        if let Some(m) = &p.marker {
            set_prop(&mut c.properties, "marker", m.clone());
        }
        let (kind, src) = if let Some(g) = &p.git {
            ("git", g.clone())
        } else if let Some(u) = &p.url {
            ("url", u.clone())
        } else if let Some(pa) = &p.path {
            ("path", pa.clone())
        } else {
            ("registry", String::new())
        };
        set_prop(&mut c.properties, "source_kind", kind);
        set_prop(&mut c.properties, "source", src);
        if let Some(r) = &p.revision {
            set_prop(&mut c.properties, "revision", r.clone());
        }
        if p.editable {
            set_prop(&mut c.properties, "editable", "true");
        }
        base_of.entry(key).or_insert(components.len());
        if let Some(slot) = owner.get_mut(i) {
            *slot = components.len();
        }
        components.push(c);
    }

    let index = NameIndex::new(&components);
    for (i, spanned) in lock.package.iter().enumerate() {
        let Some(&from) = owner.get(i) else { continue };
        for dep in &spanned.get_ref().dependencies {
            let Some(req) = parse_requirement(dep) else {
                continue;
            };
            for to in resolve_python(&index, &components, &req) {
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

    const LOCK: &str = r#"# This file is @generated by PDM.
[metadata]
groups = ["default", "socks"]
lock_version = "4.5.0"
content_hash = "sha256:00"

[[package]]
name = "requests"
version = "2.32.3"
extras = ["socks"]
dependencies = ["PySocks!=1.5.7,>=1.5.6", "requests==2.32.3", "urllib3<3,>=2"]

[[package]]
name = "requests"
version = "2.32.3"
groups = ["default"]
dependencies = ["urllib3<3,>=1.21.1"]
files = [{file = "requests-2.32.3.tar.gz", hash = "sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760"}]

[[package]]
name = "pysocks"
version = "1.7.1"

[[package]]
name = "urllib3"
version = "1.26.20"
marker = "python_version < \"3.10\""

[[package]]
name = "urllib3"
version = "2.2.3"
marker = "python_version >= \"3.10\""

[[package]]
name = "mylib"
version = "0.1.0"
path = "./libs/mylib"
editable = true
"#;

    #[test]
    fn extras_entries_fold_into_their_base() {
        let c = parse(Path::new("pdm.lock"), LOCK).unwrap();
        let names: Vec<_> = c.components.iter().map(|c| c.package.to_string()).collect();
        assert_eq!(
            names,
            [
                "requests 2.32.3",
                "pysocks 1.7.1",
                "urllib3 1.26.20",
                "urllib3 2.2.3",
                "mylib 0.1.0"
            ]
        );
        let req = &c.components[0];
        assert_eq!(req.locations.len(), 2);
        assert_eq!(req.locations[0].line, Some(13));
        assert_eq!(req.locations[1].line, Some(7));
        // Base: both urllib3 fit ">=1.21.1,<3"; extras entry: pysocks and only urllib3 2.x.
        let mut deps = req.dependencies.clone();
        deps.sort();
        assert_eq!(deps, vec![ComponentId(1), ComponentId(2), ComponentId(3)]);
        assert_eq!(req.hashes.len(), 1);
        assert_eq!(c.components[4].properties["source_kind"], "path");
        assert_eq!(c.components[4].properties["editable"], "true");
        assert_eq!(c.source.properties["lockfile_version"], "4.5.0");
    }
}
