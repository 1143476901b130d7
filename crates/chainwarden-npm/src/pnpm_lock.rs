//! `pnpm-lock.yaml`: lockfile v5.x (`/name/1.0.0` keys), v6 (`/name@1.0.0`)
//! and v9 (`name@1.0.0` in `packages`, dependency edges in `snapshots`).
//!
//! Peer-dependency variants (`chalk@1.0.0(react@18.2.0)`) are one package:
//! one component per name and version, with the union of their edges.
//! Workspace importers are not components (the lockfile does not give their
//! name or version), but their dependencies are direct.

use crate::common::{self, flag, npm_component, split_name_spec, sri_hashes};
use crate::yaml;
use chainwarden_core::fsutil::MAX_TEXT_FILE;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, ComponentId, Source, SourceKind};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A dependency reference: a plain version string (v5 and the `packages`
/// sections) or `{specifier, version}` (v6+ importers).
#[derive(Debug, Default, Clone)]
struct Ref(String);

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(Ref(match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(m) => m
                .get("version")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }))
    }
}

type Deps = BTreeMap<String, Ref>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Importer {
    dependencies: Deps,
    #[serde(rename = "devDependencies")]
    dev_dependencies: Deps,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Deps,
}

impl Importer {
    fn all(&self) -> impl Iterator<Item = (&String, &Ref)> {
        self.dependencies
            .iter()
            .chain(&self.dev_dependencies)
            .chain(&self.optional_dependencies)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resolution {
    integrity: Option<String>,
    tarball: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PackageEntry {
    resolution: Resolution,
    name: Option<Ref>,
    version: Option<Ref>,
    dependencies: Deps,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Deps,
    dev: Option<bool>,
    optional: bool,
    #[serde(rename = "requiresBuild")]
    requires_build: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Snapshot {
    dependencies: Deps,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LockFile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<Ref>,
    importers: BTreeMap<String, Importer>,
    packages: BTreeMap<String, PackageEntry>,
    snapshots: BTreeMap<String, Snapshot>,
    // Single-project lockfiles (before workspaces were the default) keep
    // the root's dependencies at the top level.
    #[serde(flatten)]
    root: Importer,
}

/// Which key grammar a lockfile uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyStyle {
    /// v5.x: `/name/1.0.0_peer@1.0.0`.
    Slash,
    /// v6: `/name@1.0.0(peer@1.0.0)`.
    LeadingSlash,
    /// v9: `name@1.0.0(peer@1.0.0)`.
    Plain,
}

/// `(name, version)` of a package key with any peer suffix removed.
fn split_key(key: &str, style: KeyStyle) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if style == KeyStyle::Slash {
        let (name, ver) = key.rsplit_once('/')?;
        let ver = ver.split('_').next().unwrap_or(ver);
        return Some((name.to_string(), ver.to_string()));
    }
    let base = key.split('(').next().unwrap_or(key);
    let (name, ver) = split_name_spec(base)?;
    Some((name.to_string(), ver.to_string()))
}

/// The `name@version` a dependency reference points to, or `None` for
/// workspace links and local folders.
fn ref_target(dep_name: &str, r: &str, style: KeyStyle) -> Option<(String, String)> {
    if r.is_empty() || r.starts_with("link:") || r.starts_with("file:") {
        return None;
    }
    match style {
        KeyStyle::Slash if r.starts_with('/') => split_key(r, style),
        KeyStyle::Slash => {
            let ver = r.split('_').next().unwrap_or(r);
            Some((dep_name.to_string(), ver.to_string()))
        }
        _ if r.starts_with('/') => split_key(r, style),
        _ => {
            let base = r.split('(').next().unwrap_or(r);
            // An alias (`my-lodash: lodash@4.17.21`) names its target.
            match split_name_spec(base) {
                Some((n, v)) if !n.is_empty() => Some((n.to_string(), v.to_string())),
                _ => Some((dep_name.to_string(), base.to_string())),
            }
        }
    }
}

/// Collects a `pnpm-lock.yaml`.
pub fn collect(path: &Path) -> Result<Collected, InputError> {
    let text = common::read_text(path, MAX_TEXT_FILE)?;
    parse(path, &text).map(|c| c.with_credentials_of(&text))
}

fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let value: serde_json::Value = yaml::from_str(text)
        .map_err(|e| InputError::new(path, format!("not a valid pnpm-lock.yaml: {e}")))?;
    if !value.is_object() {
        return Err(InputError::new(
            path,
            "not a valid pnpm-lock.yaml: not a mapping",
        ));
    }
    let lock: LockFile = serde_json::from_value(value)
        .map_err(|e| InputError::new(path, format!("not a valid pnpm-lock.yaml: {e}")))?;
    let version = lock
        .lockfile_version
        .as_ref()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    if version.is_empty() {
        return Err(InputError::not_a(
            path,
            "pnpm-lock.yaml",
            text,
            "`lockfileVersion`",
            "regenerate it with `pnpm install --lockfile-only`",
        ));
    }
    let style = if version.starts_with('5') || version.starts_with('4') {
        KeyStyle::Slash
    } else if version.starts_with('6') {
        KeyStyle::LeadingSlash
    } else {
        KeyStyle::Plain
    };
    let mut source = Source::new(SourceKind::Lockfile, path, "pnpm-lock.yaml");
    source
        .properties
        .insert("lockfile-version".into(), version.clone());
    let lines: HashMap<String, u32> = yaml::section_keys(text, "packages", 2)
        .into_iter()
        .collect();

    let mut components: Vec<Component> = Vec::new();
    let mut by_base: HashMap<(String, String), usize> = HashMap::new();
    for (key, e) in &lock.packages {
        let Some((key_name, key_version)) = split_key(key, style) else {
            continue;
        };
        let name = e.name.as_ref().map_or(key_name.as_str(), |n| n.0.as_str());
        let version = e
            .version
            .as_ref()
            .map_or(key_version.as_str(), |v| v.0.as_str());
        if name.is_empty() || version.is_empty() {
            continue;
        }
        let base = (key_name.clone(), key_version.clone());
        if let Some(&i) = by_base.get(&base) {
            // Another peer variant of the same package: remember the name it
            // may also be referenced by, keep the first entry's facts.
            by_base.insert((name.to_string(), version.to_string()), i);
            continue;
        }
        let mut c = npm_component(path, name, version, lines.get(key).copied(), key);
        let p = &mut c.properties;
        if let Some(t) = &e.resolution.tarball {
            p.insert("resolved".into(), t.clone());
        }
        if let (Some(repo), Some(commit)) = (&e.resolution.repo, &e.resolution.commit) {
            p.insert("resolved".into(), format!("{repo}#{commit}"));
        }
        flag(p, "dev", e.dev == Some(true));
        flag(p, "optional", e.optional);
        flag(p, "has-install-script", e.requires_build);
        if let Some(i) = &e.resolution.integrity {
            c.hashes = sri_hashes(i);
        }
        c.direct = Some(false);
        by_base.insert(base, components.len());
        by_base.insert((name.to_string(), version.to_string()), components.len());
        components.push(c);
    }

    // Edges: v9 keeps them in `snapshots`, earlier versions in `packages`.
    let mut edge_lists: Vec<(&str, Vec<(&String, &Ref)>)> = Vec::new();
    if lock.snapshots.is_empty() {
        for (key, e) in &lock.packages {
            let deps = e
                .dependencies
                .iter()
                .chain(&e.optional_dependencies)
                .collect();
            edge_lists.push((key, deps));
        }
    } else {
        for (key, s) in &lock.snapshots {
            let deps = s
                .dependencies
                .iter()
                .chain(&s.optional_dependencies)
                .collect();
            edge_lists.push((key, deps));
        }
    }
    let lookup = |by: &HashMap<(String, String), usize>, n: &str, r: &str| {
        ref_target(n, r, style).and_then(|t| by.get(&t).copied())
    };
    for (key, deps) in edge_lists {
        let Some(from) = split_key(key, style).and_then(|b| by_base.get(&b).copied()) else {
            continue;
        };
        for (n, r) in deps {
            if let Some(to) = lookup(&by_base, n, &r.0)
                && to != from
            {
                components[from].dependencies.push(ComponentId(to));
            }
        }
    }

    let root_only = lock.importers.is_empty();
    let importers = lock
        .importers
        .iter()
        .map(|(k, i)| (k.as_str(), i))
        .chain(root_only.then_some((".", &lock.root)));
    for (importer, deps) in importers {
        for (n, r) in deps.all() {
            if let Some(to) = lookup(&by_base, n, &r.0) {
                let c = &mut components[to];
                c.direct = Some(true);
                if c.package.name != *n {
                    c.properties.insert("alias".into(), n.clone());
                }
                if importer != "." {
                    c.properties.insert("importer".into(), importer.to_string());
                }
            }
        }
    }
    Ok(Collected {
        source,
        components: common::sort_by_line(components),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_each_version() {
        let kv = |k, s| split_key(k, s);
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            kv("/@s/x/1.2.3_react@18.2.0", KeyStyle::Slash),
            pair("@s/x", "1.2.3")
        );
        assert_eq!(
            kv("/@s/x@1.2.3(react@18.2.0)", KeyStyle::LeadingSlash),
            pair("@s/x", "1.2.3")
        );
        assert_eq!(kv("chalk@4.1.2", KeyStyle::Plain), pair("chalk", "4.1.2"));
        assert_eq!(
            ref_target("my-lodash", "lodash@4.17.21", KeyStyle::Plain),
            pair("lodash", "4.17.21")
        );
        assert_eq!(
            ref_target("x", "1.0.0(y@2.0.0)", KeyStyle::Plain),
            pair("x", "1.0.0")
        );
        assert_eq!(
            ref_target("my-lodash", "/lodash@4.17.21", KeyStyle::LeadingSlash),
            pair("lodash", "4.17.21")
        );
        assert_eq!(ref_target("w", "link:packages/w", KeyStyle::Plain), None);
    }

    #[test]
    fn v5_lockfile_shape() {
        // The lockfile v5.4 shape (pnpm 7): slash keys, `_peer` suffixes,
        // root dependencies at the top level.
        let text = "lockfileVersion: 5.4\n\nspecifiers:\n  react-dom: ^18.2.0\n\ndependencies:\n  react-dom: 18.2.0_react@18.2.0\n\npackages:\n\n  /loose-envify/1.4.0:\n    resolution: {integrity: sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=}\n    dev: false\n\n  /react-dom/18.2.0_react@18.2.0:\n    resolution: {integrity: sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=}\n    peerDependencies:\n      react: ^18.2.0\n    dependencies:\n      loose-envify: 1.4.0\n      react: 18.2.0\n    dev: false\n\n  /react/18.2.0:\n    resolution: {integrity: sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=}\n    dependencies:\n      loose-envify: 1.4.0\n    dev: false\n";
        let c = parse(Path::new("pnpm-lock.yaml"), text).unwrap();
        let names: Vec<(String, String, Option<u32>, Option<bool>)> = c
            .components
            .iter()
            .map(|x| {
                (
                    x.package.name.clone(),
                    x.package.version.clone(),
                    x.locations[0].line,
                    x.direct,
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("loose-envify".into(), "1.4.0".into(), Some(11), Some(false)),
                ("react-dom".into(), "18.2.0".into(), Some(15), Some(true)),
                ("react".into(), "18.2.0".into(), Some(24), Some(false)),
            ]
        );
        assert_eq!(
            c.components[1].dependencies,
            vec![ComponentId(0), ComponentId(2)]
        );
        assert_eq!(c.components[0].hashes[0].algorithm, "sha1");
    }

    #[test]
    fn non_mappings_are_errors_not_panics() {
        for bad in [
            "- a\n- b\n",
            "just text",
            "packages: [1, 2]\n",
            "a: &x [*x]\n",
        ] {
            assert!(parse(Path::new("p"), bad).is_err(), "{bad}");
        }
    }
}
