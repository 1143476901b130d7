//! `package-lock.json` and `npm-shrinkwrap.json`: lockfile v1 (a nested
//! `dependencies` tree) and v2/v3 (a flat `packages` map keyed by install
//! path). Dependencies are resolved the way npm's loader does: from a
//! package's own `node_modules`, then each enclosing `node_modules` upward.

use crate::common::{self, flag, npm_alias, npm_component, sri_hashes};
use crate::json_scan;
use chainwarden_core::fsutil::MAX_TEXT_FILE;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, ComponentId, Source, SourceKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Deserialize, Default)]
#[serde(default)]
struct LockFile {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<u64>,
    name: Option<String>,
    version: Option<String>,
    packages: Option<BTreeMap<String, PackageEntry>>,
    dependencies: Option<BTreeMap<String, V1Entry>>,
}

/// One entry of the v2/v3 `packages` map.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PackageEntry {
    pub(crate) name: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) resolved: Option<String>,
    pub(crate) integrity: Option<String>,
    pub(crate) link: bool,
    pub(crate) dev: bool,
    pub(crate) optional: bool,
    #[serde(rename = "devOptional")]
    pub(crate) dev_optional: bool,
    pub(crate) peer: bool,
    #[serde(rename = "inBundle")]
    pub(crate) in_bundle: bool,
    #[serde(rename = "hasInstallScript")]
    pub(crate) has_install_script: bool,
    pub(crate) dependencies: BTreeMap<String, String>,
    #[serde(rename = "devDependencies")]
    pub(crate) dev_dependencies: BTreeMap<String, String>,
    #[serde(rename = "optionalDependencies")]
    pub(crate) optional_dependencies: BTreeMap<String, String>,
    #[serde(rename = "peerDependencies")]
    pub(crate) peer_dependencies: BTreeMap<String, String>,
}

/// One node of the v1 `dependencies` tree.
#[derive(Deserialize, Default)]
#[serde(default)]
struct V1Entry {
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    dev: bool,
    optional: bool,
    bundled: bool,
    requires: BTreeMap<String, String>,
    dependencies: BTreeMap<String, V1Entry>,
}

/// Collects a `package-lock.json` or `npm-shrinkwrap.json`.
pub fn collect(path: &Path) -> Result<Collected, InputError> {
    let text = common::read_text(path, MAX_TEXT_FILE)?;
    let format = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| *n == "npm-shrinkwrap.json")
        .unwrap_or("package-lock.json");
    parse(path, &text, format).map(|c| c.with_credentials_of(&text))
}

pub(crate) fn parse(path: &Path, text: &str, format: &str) -> Result<Collected, InputError> {
    // serde would also read a struct from a JSON array: demand an object.
    if !text.trim_start().starts_with('{') {
        return Err(InputError::new(
            path,
            format!("not a valid {format}: not a JSON object"),
        ));
    }
    let lock: LockFile = serde_json::from_str(text)
        .map_err(|e| InputError::new(path, format!("not a valid {format}: {e}")))?;
    if lock.lockfile_version.is_none() {
        return Err(InputError::not_a(
            path,
            format,
            text,
            "`lockfileVersion`",
            "regenerate it with `npm install --package-lock-only`",
        ));
    }
    let mut source = Source::new(SourceKind::Lockfile, path, format);
    if let Some(v) = lock.lockfile_version {
        source
            .properties
            .insert("lockfile-version".into(), v.to_string());
    }
    if let Some(n) = &lock.name {
        source.properties.insert("root-name".into(), n.clone());
    }
    if let Some(v) = &lock.version {
        source.properties.insert("root-version".into(), v.clone());
    }
    let components = match (&lock.packages, &lock.dependencies) {
        (Some(packages), _) if lock.lockfile_version != Some(1) => {
            let lines = json_scan::key_lines(text, |parent, _| {
                parent.len() == 1 && parent[0] == "packages"
            });
            let lines = |key: &str| lines.get(&["packages", key]);
            build_from_packages(path, packages, &lines)
        }
        (_, Some(deps)) => {
            let lines = json_scan::key_lines(text, |parent, _| {
                parent.len() % 2 == 1 && parent.iter().step_by(2).all(|p| p == "dependencies")
            });
            build_v1(path, deps, &lines)
        }
        _ => Vec::new(),
    };
    Ok(Collected { source, components })
}

/// The install path that encloses `key`: `node_modules/a/node_modules/b` →
/// `node_modules/a`; a top-level or workspace path → the root (`""`).
pub(crate) fn parent_path(key: &str) -> &str {
    match key.rfind("/node_modules/") {
        Some(i) => &key[..i],
        None => "",
    }
}

/// Finds which install path `dep` resolves to from `from`, npm-style.
pub(crate) fn resolve_path<'a, T>(
    paths: &'a HashMap<String, T>,
    from: &str,
    dep: &str,
) -> Option<&'a T> {
    let mut base = from;
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{base}/node_modules/{dep}")
        };
        if let Some(t) = paths.get(&candidate) {
            return Some(t);
        }
        if base.is_empty() {
            return None;
        }
        base = parent_path(base);
    }
}

/// Builds components from a v2/v3 `packages` map (also used for npm's hidden
/// lockfile `node_modules/.package-lock.json`).
pub(crate) fn build_from_packages(
    path: &Path,
    packages: &BTreeMap<String, PackageEntry>,
    line_of: &dyn Fn(&str) -> Option<u32>,
) -> Vec<Component> {
    // Link entries name the folder they point to; that folder is the package.
    let mut link_names: HashMap<&str, &str> = HashMap::new();
    for (key, e) in packages {
        if e.link
            && let Some(target) = e.resolved.as_deref()
        {
            link_names
                .entry(target)
                .or_insert(common::name_from_modules_path(key));
        }
    }
    let mut components: Vec<Component> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();
    for (key, e) in packages {
        if key.is_empty() || e.link {
            continue;
        }
        let Some(version) = e.version.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let installed_as = common::name_from_modules_path(key);
        let workspace = !key.starts_with("node_modules/") && !key.contains("/node_modules/");
        let name = match (&e.name, workspace) {
            (Some(n), _) => n.as_str(),
            (None, true) => link_names
                .get(key.as_str())
                .copied()
                .unwrap_or(installed_as),
            (None, false) => installed_as,
        };
        let mut c = npm_component(path, name, version, line_of(key), key);
        let p = &mut c.properties;
        if !workspace && name != installed_as {
            p.insert("alias".into(), installed_as.to_string());
        }
        if let Some(r) = &e.resolved {
            p.insert("resolved".into(), r.clone());
        }
        flag(p, "workspace", workspace);
        flag(p, "dev", e.dev);
        flag(p, "optional", e.optional);
        flag(p, "dev-optional", e.dev_optional);
        flag(p, "peer", e.peer);
        flag(p, "in-bundle", e.in_bundle);
        flag(p, "has-install-script", e.has_install_script);
        if let Some(i) = &e.integrity {
            c.hashes = sri_hashes(i);
        }
        c.direct = Some(workspace);
        by_path.insert(key.clone(), components.len());
        keys.push(key);
        components.push(c);
    }
    // Links resolve to their target's component.
    for (key, e) in packages {
        if e.link
            && let Some(&id) = e.resolved.as_deref().and_then(|t| by_path.get(t))
        {
            by_path.insert(key.clone(), id);
        }
    }
    let edges = |key: &str, e: &PackageEntry, with_dev: bool| -> Vec<ComponentId> {
        let mut names: Vec<&String> = e
            .dependencies
            .keys()
            .chain(e.optional_dependencies.keys())
            .chain(e.peer_dependencies.keys())
            .collect();
        if with_dev {
            names.extend(e.dev_dependencies.keys());
        }
        names
            .into_iter()
            .filter_map(|n| resolve_path(&by_path, key, n))
            .map(|&i| ComponentId(i))
            .collect()
    };
    for (i, key) in keys.iter().enumerate() {
        let Some(e) = packages.get(*key) else {
            continue;
        };
        let workspace = components[i].direct == Some(true);
        let deps = edges(key, e, workspace);
        let c = &mut components[i];
        c.dependencies = deps.into_iter().filter(|d| d.0 != i).collect();
        if workspace {
            for d in c.dependencies.clone() {
                if let Some(dc) = components.get_mut(d.0) {
                    dc.direct = Some(true);
                }
            }
        }
    }
    if let Some(root) = packages.get("") {
        for d in edges("", root, true) {
            if let Some(dc) = components.get_mut(d.0) {
                dc.direct = Some(true);
            }
        }
    }
    common::sort_by_line(components)
}

/// Builds components from a v1 `dependencies` tree, turning each node's
/// position into a v2-style install path so resolution is shared.
fn build_v1(
    path: &Path,
    deps: &BTreeMap<String, V1Entry>,
    lines: &json_scan::KeyLines,
) -> Vec<Component> {
    struct Node<'a> {
        key: String,
        entry: &'a V1Entry,
    }
    let mut nodes: Vec<Node<'_>> = Vec::new();
    let mut stack: Vec<(String, &BTreeMap<String, V1Entry>)> = vec![(String::new(), deps)];
    while let Some((base, map)) = stack.pop() {
        for (name, entry) in map {
            let key = if base.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{base}/node_modules/{name}")
            };
            if !entry.dependencies.is_empty() {
                stack.push((key.clone(), &entry.dependencies));
            }
            nodes.push(Node { key, entry });
        }
    }
    let mut components = Vec::new();
    let mut comp_node: Vec<usize> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();
    for (ni, node) in nodes.iter().enumerate() {
        let e = node.entry;
        let Some(raw_version) = e.version.as_deref() else {
            continue;
        };
        // `file:`/`link:` versions are local folders, not registry packages.
        if raw_version.starts_with("file:") || raw_version.starts_with("link:") {
            continue;
        }
        let installed_as = common::name_from_modules_path(&node.key);
        let (name, version) = npm_alias(raw_version).unwrap_or((installed_as, raw_version));
        let line = lines.get(&v1_json_path(&node.key));
        let mut c = npm_component(path, name, version, line, &node.key);
        let p = &mut c.properties;
        if name != installed_as {
            p.insert("alias".into(), installed_as.to_string());
        }
        if let Some(r) = &e.resolved {
            p.insert("resolved".into(), r.clone());
        }
        flag(p, "dev", e.dev);
        flag(p, "optional", e.optional);
        flag(p, "in-bundle", e.bundled);
        if let Some(i) = &e.integrity {
            c.hashes = sri_hashes(i);
        }
        by_path.insert(node.key.clone(), components.len());
        comp_node.push(ni);
        components.push(c);
    }
    for (ci, &ni) in comp_node.iter().enumerate() {
        let node = &nodes[ni];
        let deps: Vec<ComponentId> = node
            .entry
            .requires
            .keys()
            .filter_map(|n| resolve_path(&by_path, &node.key, n))
            .filter(|&&d| d != ci)
            .map(|&d| ComponentId(d))
            .collect();
        components[ci].dependencies = deps;
    }
    // v1 does not record the root's requirements: the manifest beside it does.
    if let Some(root_deps) = common::sibling_manifest_deps(path) {
        for c in &mut components {
            c.direct = Some(false);
        }
        for (name, _) in root_deps {
            if let Some(&d) = resolve_path(&by_path, "", &name)
                && let Some(c) = components.get_mut(d)
            {
                c.direct = Some(true);
            }
        }
    }
    common::sort_by_line(components)
}

/// `node_modules/a/node_modules/b` → `["dependencies", "a", "dependencies", "b"]`.
fn v1_json_path(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for seg in key.split("/node_modules/") {
        out.push("dependencies");
        out.push(seg.strip_prefix("node_modules/").unwrap_or(seg));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_paths() {
        assert_eq!(
            parent_path("node_modules/a/node_modules/b"),
            "node_modules/a"
        );
        assert_eq!(parent_path("node_modules/a"), "");
        assert_eq!(parent_path("packages/x/node_modules/y"), "packages/x");
        assert_eq!(parent_path("packages/x"), "");
    }

    #[test]
    fn resolution_prefers_the_nearest_node_modules() {
        let mut m = HashMap::new();
        m.insert("node_modules/b".to_string(), 1);
        m.insert("node_modules/a/node_modules/b".to_string(), 2);
        m.insert("node_modules/@s/c".to_string(), 3);
        assert_eq!(resolve_path(&m, "node_modules/a", "b"), Some(&2));
        assert_eq!(resolve_path(&m, "node_modules/x", "b"), Some(&1));
        assert_eq!(
            resolve_path(&m, "node_modules/a/node_modules/b", "@s/c"),
            Some(&3)
        );
        assert_eq!(resolve_path(&m, "", "zz"), None);
        assert_eq!(
            v1_json_path("node_modules/a/node_modules/@s/b"),
            vec!["dependencies", "a", "dependencies", "@s/b"]
        );
    }

    #[test]
    fn v3_flags_bundles_and_workspace_nesting() {
        let text = r#"{
  "name": "app", "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "workspaces": ["w"], "dependencies": { "w": "*" },
          "peerDependencies": { "p": "1" }, "optionalDependencies": { "o": "1" } },
    "node_modules/w": { "resolved": "w", "link": true },
    "w": { "name": "w", "version": "0.1.0", "devDependencies": { "d": "1" } },
    "w/node_modules/d": { "version": "1.0.0", "dev": true, "integrity": "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=" },
    "node_modules/d": { "version": "2.0.0", "dev": true },
    "node_modules/p": { "version": "1.0.0", "peer": true, "dependencies": { "b": "1" } },
    "node_modules/p/node_modules/b": { "version": "1.0.0", "inBundle": true },
    "node_modules/o": { "version": "1.0.0", "optional": true, "devOptional": true }
  }
}"#;
        let c = parse(Path::new("package-lock.json"), text, "package-lock.json").unwrap();
        let find = |n: &str, v: &str| {
            c.components
                .iter()
                .position(|x| x.package.name == n && x.package.version == v)
                .unwrap()
        };
        let w = &c.components[find("w", "0.1.0")];
        assert_eq!(
            w.dependencies,
            vec![ComponentId(find("d", "1.0.0"))],
            "workspace's own node_modules first"
        );
        assert_eq!(w.direct, Some(true));
        assert_eq!(c.components[find("d", "1.0.0")].direct, Some(true));
        assert_eq!(c.components[find("d", "2.0.0")].direct, Some(false));
        let p = &c.components[find("p", "1.0.0")];
        assert_eq!(p.properties["peer"], "true");
        assert_eq!(p.direct, Some(true));
        assert_eq!(
            c.components[find("b", "1.0.0")].properties["in-bundle"],
            "true"
        );
        let o = &c.components[find("o", "1.0.0")];
        assert_eq!(
            (
                o.properties["optional"].as_str(),
                o.properties["dev-optional"].as_str()
            ),
            ("true", "true")
        );
        assert_eq!(c.components[find("d", "1.0.0")].locations[0].line, Some(8));
    }

    #[test]
    fn wrong_shapes_are_errors_naming_the_file() {
        for bad in [
            "[]",
            "{\"packages\": 3}",
            "{\"packages\": {\"node_modules/a\": {\"dependencies\": []}}}",
            "{",
        ] {
            let e = parse(Path::new("x/package-lock.json"), bad, "package-lock.json").unwrap_err();
            assert_eq!(e.path, Path::new("x/package-lock.json"));
            assert!(
                e.message.contains("not a valid package-lock.json"),
                "{}",
                e.message
            );
        }
    }
}
