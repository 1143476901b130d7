//! `bun.lock`: bun's text lockfile (JSONC: trailing commas allowed).
//!
//! `packages` maps an install path (`supports-color/has-flag` is `has-flag`
//! nested under `supports-color`) to an array whose first element is the
//! resolved `name@version`; npm packages continue with the registry, an info
//! object (dependencies) and the SRI integrity. Dependencies resolve like
//! node_modules: the nearest enclosing path first.

use crate::common::{self, flag, npm_component, split_name_spec, sri_hashes};
use crate::json_scan;
use chainwarden_core::fsutil::MAX_TEXT_FILE;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, ComponentId, Source, SourceKind};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Collects a `bun.lock`.
pub fn collect(path: &Path) -> Result<Collected, InputError> {
    let text = common::read_text(path, MAX_TEXT_FILE)?;
    parse(path, &text).map(|c| c.with_credentials_of(&text))
}

/// Splits an install path into package names (`a/@s/b/c` → `a`, `@s/b`, `c`).
fn path_segments(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let parts = if rest.starts_with('@') { 2 } else { 1 };
        let end = rest
            .match_indices('/')
            .nth(parts - 1)
            .map_or(rest.len(), |(i, _)| i);
        out.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

/// Resolves dependency `dep` from install path `from` (`""` is the root).
fn resolve<'a>(paths: &'a HashMap<String, usize>, from: &str, dep: &str) -> Option<&'a usize> {
    let mut segs = path_segments(from);
    loop {
        let candidate = if segs.is_empty() {
            dep.to_string()
        } else {
            format!("{}/{dep}", segs.join("/"))
        };
        if let Some(i) = paths.get(&candidate) {
            return Some(i);
        }
        segs.pop()?;
    }
}

fn dep_names(info: Option<&Value>, with_dev: bool) -> Vec<String> {
    let mut kinds = vec!["dependencies", "optionalDependencies", "peerDependencies"];
    if with_dev {
        kinds.push("devDependencies");
    }
    let mut out = Vec::new();
    for kind in kinds {
        if let Some(map) = info.and_then(|i| i.get(kind)).and_then(Value::as_object) {
            out.extend(map.keys().cloned());
        }
    }
    out
}

fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let json = json_scan::jsonc_to_json(text);
    let doc: Value = serde_json::from_str(&json)
        .map_err(|e| InputError::new(path, format!("not a valid bun.lock: {e}")))?;
    if !doc.is_object() {
        return Err(InputError::new(
            path,
            "not a valid bun.lock: not a JSON object",
        ));
    }
    if doc.get("lockfileVersion").is_none() {
        return Err(InputError::not_a(
            path,
            "bun.lock",
            text,
            "`lockfileVersion`",
            "regenerate it with `bun install --save-text-lockfile`",
        ));
    }
    let mut source = Source::new(SourceKind::Lockfile, path, "bun.lock");
    if let Some(v) = doc.get("lockfileVersion") {
        source
            .properties
            .insert("lockfile-version".into(), v.to_string());
    }
    let lines = json_scan::key_lines(&json, |parent, _| {
        parent.len() == 1 && parent[0] == "packages"
    });
    let empty = serde_json::Map::new();
    let packages = doc
        .get("packages")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut components: Vec<Component> = Vec::new();
    let mut infos: Vec<(String, Option<&Value>)> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();
    let mut workspace_paths: HashMap<String, String> = HashMap::new();
    for (key, entry) in packages {
        let Some(arr) = entry.as_array() else {
            continue;
        };
        let Some((name, reference)) = arr
            .first()
            .and_then(Value::as_str)
            .and_then(split_name_spec)
        else {
            continue;
        };
        if let Some(dir) = reference.strip_prefix("workspace:") {
            workspace_paths.insert(key.clone(), dir.to_string());
            continue;
        }
        if reference.is_empty() {
            continue;
        }
        let line = lines.get(&["packages", key]);
        let mut c = npm_component(path, name, reference, line, key);
        let installed_as = path_segments(key).last().copied().unwrap_or(key);
        let p = &mut c.properties;
        if installed_as != name {
            p.insert("alias".into(), installed_as.to_string());
        }
        // npm entries: [ident, registry, info, integrity]; others differ.
        if let Some(reg) = arr.get(1).and_then(Value::as_str).filter(|r| !r.is_empty()) {
            p.insert("registry".into(), reg.to_string());
        }
        let info = arr.iter().skip(1).find(|v| v.is_object());
        if let Some(integrity) = arr
            .iter()
            .skip(1)
            .filter_map(Value::as_str)
            .find(|s| s.starts_with("sha") && s.contains('-'))
        {
            c.hashes = sri_hashes(integrity);
        }
        let is_optional = info
            .and_then(|i| i.get("optional"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        flag(p, "optional", is_optional);
        c.direct = Some(false);
        by_path.insert(key.clone(), components.len());
        infos.push((key.clone(), info));
        components.push(c);
    }
    for (ci, (key, info)) in infos.iter().enumerate() {
        let deps: Vec<ComponentId> = dep_names(*info, false)
            .iter()
            .filter_map(|n| resolve(&by_path, key, n))
            .filter(|&&d| d != ci)
            .map(|&d| ComponentId(d))
            .collect();
        components[ci].dependencies = deps;
    }
    // Workspaces: their dependencies are direct; a workspace's own nested
    // packages live under its name (`local-lib/x`).
    if let Some(ws) = doc.get("workspaces").and_then(Value::as_object) {
        for (dir, manifest) in ws {
            let from = workspace_paths
                .iter()
                .find(|(_, d)| *d == dir)
                .map_or("", |(k, _)| k.as_str());
            for n in dep_names(Some(manifest), true) {
                if let Some(&d) = resolve(&by_path, from, &n) {
                    components[d].direct = Some(true);
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
    fn segments_and_resolution() {
        assert_eq!(path_segments("a/@s/b/c"), vec!["a", "@s/b", "c"]);
        assert_eq!(path_segments("@types/node"), vec!["@types/node"]);
        let mut m = HashMap::new();
        m.insert("has-flag".to_string(), 1);
        m.insert("supports-color/has-flag".to_string(), 2);
        m.insert("supports-color".to_string(), 3);
        assert_eq!(resolve(&m, "supports-color", "has-flag"), Some(&2));
        assert_eq!(resolve(&m, "chalk", "has-flag"), Some(&1));
        assert_eq!(resolve(&m, "", "supports-color"), Some(&3));
        assert_eq!(resolve(&m, "", "nope"), None);
    }

    #[test]
    fn scoped_nested_and_non_npm_entries() {
        let text = r#"{
  "lockfileVersion": 1,
  "workspaces": { "": { "name": "app", "dependencies": { "@s/a": "1", "g": "github:o/g" } } },
  "packages": {
    "@s/a": ["@s/a@1.0.0", "", { "dependencies": { "b": "2" } }, "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="],
    "b": ["b@1.0.0", "", {}, "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="],
    "@s/a/b": ["b@2.0.0", "", {}, "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="],
    "g": ["g@github:o/g#abc123", {}, "o-g-abc123"],
  },
}"#;
        let c = parse(Path::new("bun.lock"), text).unwrap();
        let names: Vec<String> = c.components.iter().map(|x| x.package.to_string()).collect();
        assert_eq!(
            names,
            vec!["@s/a 1.0.0", "b 1.0.0", "b 2.0.0", "g github:o/g#abc123"]
        );
        assert_eq!(c.components[0].dependencies, vec![ComponentId(2)]);
        assert_eq!(c.components[0].direct, Some(true));
        assert_eq!(c.components[1].direct, Some(false));
        assert_eq!(c.components[3].direct, Some(true));
        assert!(c.components[3].hashes.is_empty());
        assert_eq!(c.components[2].locations[0].line, Some(7));
    }
}
