//! `yarn.lock`: yarn v1's own line format and yarn berry's (v2+) YAML.
//!
//! Both key entries by the specs that resolve to them (`chalk@^4.1.0,
//! chalk@^4.1.2`), so dependency edges are resolved by looking up the
//! `name@spec` a dependency names. Neither records the root project: v1's
//! direct dependencies come from the `package.json` beside the lockfile,
//! berry's from its `workspace:` entries.

use crate::common::{self, flag, npm_alias, npm_component, split_name_spec, sri_hashes, url_sha1};
use crate::yaml;
use chainwarden_core::fsutil::MAX_TEXT_FILE;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{ComponentId, Source, SourceKind};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Collects a `yarn.lock`, choosing the format by its content.
pub fn collect(path: &Path) -> Result<Collected, InputError> {
    let text = common::read_text(path, MAX_TEXT_FILE)?;
    let parsed = if is_berry(&text) {
        parse_berry(path, &text)
    } else {
        parse_v1(path, &text)
    };
    parsed.map(|c| c.with_credentials_of(&text))
}

/// Berry lockfiles start their YAML with a `__metadata:` block.
fn is_berry(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"))
}

// ---------------------------------------------------------------- yarn v1

/// One `spec, spec:` block of a v1 lockfile.
#[derive(Debug, Default)]
struct V1Block {
    specs: Vec<String>,
    line: u32,
    fields: BTreeMap<String, String>,
    dependencies: Vec<(String, String)>,
}

/// Splits `key value` where either may be double-quoted.
fn split_key_value(s: &str) -> (String, String) {
    let s = s.trim();
    let (key, rest) = if let Some(body) = s.strip_prefix('"') {
        match closing_quote(body) {
            Some(end) => (unescape(&body[..end]), &body[end + 1..]),
            None => (body.to_string(), ""),
        }
    } else {
        match s.find(char::is_whitespace) {
            Some(i) => (s[..i].to_string(), &s[i..]),
            None => (s.to_string(), ""),
        }
    };
    (
        key.trim_end_matches(':').to_string(),
        unquote_value(rest.trim()),
    )
}

fn closing_quote(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

fn unquote_value(s: &str) -> String {
    match s.strip_prefix('"').and_then(|b| b.strip_suffix('"')) {
        Some(inner) => unescape(inner),
        None => s.to_string(),
    }
}

/// Splits a block header (`"a@^1", a@^1.2:`) into its specs.
fn header_specs(header: &str) -> Vec<String> {
    let mut specs = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in header.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                specs.push(std::mem::take(&mut current).trim().to_string());
            }
            _ => current.push(c),
        }
    }
    specs.push(current.trim().to_string());
    specs.retain(|s| !s.is_empty());
    specs
}

fn parse_v1_blocks(text: &str) -> Vec<V1Block> {
    let mut blocks: Vec<V1Block> = Vec::new();
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let body = trimmed.trim_end();
        if indent == 0 {
            section = None;
            if let Some(header) = body.strip_suffix(':') {
                blocks.push(V1Block {
                    specs: header_specs(header),
                    line,
                    ..V1Block::default()
                });
            }
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            continue;
        };
        if indent <= 2 {
            if let Some(name) = body.strip_suffix(':') {
                section = Some(unquote_value(name));
            } else {
                section = None;
                let (k, v) = split_key_value(body);
                block.fields.insert(k, v);
            }
        } else if matches!(
            section.as_deref(),
            Some("dependencies" | "optionalDependencies")
        ) {
            let (k, v) = split_key_value(body);
            block.dependencies.push((k, v));
        }
    }
    blocks
}

fn parse_v1(path: &Path, text: &str) -> Result<Collected, InputError> {
    let blocks = parse_v1_blocks(text);
    if blocks.is_empty() && !text.contains("yarn lockfile v1") {
        return Err(InputError::not_a(
            path,
            "yarn.lock",
            text,
            "entry and no `# yarn lockfile v1` header",
            "regenerate it with `yarn install`",
        ));
    }
    let mut source = Source::new(SourceKind::Lockfile, path, "yarn.lock");
    source
        .properties
        .insert("lockfile-version".into(), "yarn-v1".into());
    let mut components = Vec::new();
    let mut by_spec: HashMap<String, usize> = HashMap::new();
    let mut comp_block = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        let Some(version) = b.fields.get("version").filter(|v| !v.is_empty()) else {
            continue;
        };
        let Some((key_name, range)) = b.specs.first().and_then(|s| split_name_spec(s)) else {
            continue;
        };
        let name = npm_alias(range).map_or(key_name, |(real, _)| real);
        let detail = b.specs.join(", ");
        let mut c = npm_component(path, name, version, Some(b.line), &detail);
        if name != key_name {
            c.properties.insert("alias".into(), key_name.to_string());
        }
        if let Some(r) = b.fields.get("resolved") {
            c.properties.insert("resolved".into(), r.clone());
        }
        if let Some(i) = b.fields.get("integrity") {
            c.hashes = sri_hashes(i);
        }
        if let Some(h) = b.fields.get("resolved").and_then(|r| url_sha1(r))
            && !c.hashes.contains(&h)
        {
            c.hashes.push(h);
        }
        for s in &b.specs {
            by_spec.insert(s.clone(), components.len());
        }
        comp_block.push(bi);
        components.push(c);
    }
    for (ci, &bi) in comp_block.iter().enumerate() {
        let deps: Vec<ComponentId> = blocks[bi]
            .dependencies
            .iter()
            .filter_map(|(n, r)| by_spec.get(&format!("{n}@{r}")))
            .filter(|&&d| d != ci)
            .map(|&d| ComponentId(d))
            .collect();
        components[ci].dependencies = deps;
    }
    if let Some(root) = common::sibling_manifest_deps(path) {
        for c in &mut components {
            c.direct = Some(false);
        }
        for (n, r) in root {
            if let Some(&d) = by_spec.get(&format!("{n}@{r}")) {
                components[d].direct = Some(true);
            }
        }
    }
    Ok(Collected {
        source,
        components: common::sort_by_line(components),
    })
}

// ---------------------------------------------------------------- berry

/// A YAML scalar read as text whatever its type (`version: 8` is a number).
#[derive(Debug, Default, Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(Text(match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BerryEntry {
    version: Option<Text>,
    resolution: Option<Text>,
    dependencies: BTreeMap<String, Text>,
    #[serde(rename = "peerDependencies")]
    peer_dependencies: BTreeMap<String, Text>,
    checksum: Option<Text>,
    #[serde(rename = "linkType")]
    link_type: Option<Text>,
}

fn parse_berry(path: &Path, text: &str) -> Result<Collected, InputError> {
    let doc: BTreeMap<String, serde_json::Value> = yaml::from_str(text)
        .map_err(|e| InputError::new(path, format!("not a valid yarn berry lockfile: {e}")))?;
    let mut source = Source::new(SourceKind::Lockfile, path, "yarn.lock");
    if let Some(v) = doc.get("__metadata").and_then(|m| m.get("version")) {
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        source
            .properties
            .insert("lockfile-version".into(), format!("yarn-berry-{v}"));
    }
    let lines: HashMap<String, u32> = yaml::block_keys(text, 0)
        .into_iter()
        .map(|(k, l, _)| (k, l))
        .collect();
    let mut entries: Vec<(&str, BerryEntry)> = Vec::new();
    for (key, value) in &doc {
        if key == "__metadata" {
            continue;
        }
        let entry: BerryEntry = serde_json::from_value(value.clone())
            .map_err(|e| InputError::new(path, format!("yarn.lock entry `{key}`: {e}")))?;
        entries.push((key, entry));
    }
    let mut components = Vec::new();
    let mut comp_entry: Vec<usize> = Vec::new();
    let mut by_descriptor: HashMap<String, usize> = HashMap::new();
    let mut workspaces: Vec<usize> = Vec::new();
    for (ei, (key, e)) in entries.iter().enumerate() {
        let resolution = e.resolution.as_ref().map_or("", |t| t.0.as_str());
        let Some((name, reference)) = split_name_spec(resolution) else {
            continue;
        };
        if reference.starts_with("workspace:") {
            workspaces.push(ei);
            continue;
        }
        let Some(version) = e
            .version
            .as_ref()
            .map(|t| t.0.as_str())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let mut c = npm_component(path, name, version, lines.get(*key).copied(), key);
        let p = &mut c.properties;
        p.insert("resolution".into(), resolution.to_string());
        let descriptors = header_specs(key);
        if let Some((alias, _)) = descriptors.first().and_then(|s| split_name_spec(s))
            && alias != name
        {
            p.insert("alias".into(), alias.to_string());
        }
        if let Some(ck) = &e.checksum {
            // Yarn's checksum covers its own cache zip, not the registry tarball.
            p.insert("yarn-checksum".into(), ck.0.clone());
        }
        flag(p, "patched", reference.starts_with("patch:"));
        if let Some(lt) = &e.link_type {
            p.insert("link-type".into(), lt.0.to_ascii_lowercase());
        }
        for d in descriptors {
            by_descriptor.insert(d, components.len());
        }
        comp_entry.push(ei);
        components.push(c);
    }
    let resolve = |by: &HashMap<String, usize>, name: &str, value: &str| -> Option<usize> {
        by.get(&format!("{name}@{value}"))
            .or_else(|| by.get(&format!("{name}@npm:{value}")))
            .copied()
    };
    for (ci, &ei) in comp_entry.iter().enumerate() {
        let e = &entries[ei].1;
        let deps: Vec<ComponentId> = e
            .dependencies
            .iter()
            .chain(e.peer_dependencies.iter())
            .filter_map(|(n, v)| resolve(&by_descriptor, n, &v.0))
            .filter(|&d| d != ci)
            .map(ComponentId)
            .collect();
        components[ci].dependencies = deps;
        components[ci].direct = Some(false);
    }
    for &wi in &workspaces {
        let e = &entries[wi].1;
        for (n, v) in &e.dependencies {
            if let Some(d) = resolve(&by_descriptor, n, &v.0) {
                components[d].direct = Some(true);
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
    fn v1_blocks_parse_quoted_keys_and_sections() {
        let text = "# yarn lockfile v1\n\n\n\"@s/x@^1\", \"@s/x@^1.1\":\n  version \"1.2.0\"\n  resolved \"https://r/x-1.2.0.tgz#da39a3ee5e6b4b0d3255bfef95601890afd80709\"\n  dependencies:\n    \"@s/y\" \"~2\"\n    z \"^3\"\n  optionalDependencies:\n    o \"1\"\n\nz@^3:\n  version \"3.0.0\"\n";
        let blocks = parse_v1_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].specs, vec!["@s/x@^1", "@s/x@^1.1"]);
        assert_eq!(blocks[0].line, 4);
        assert_eq!(blocks[0].fields["version"], "1.2.0");
        assert_eq!(
            blocks[0].dependencies,
            vec![
                ("@s/y".to_string(), "~2".to_string()),
                ("z".to_string(), "^3".to_string()),
                ("o".to_string(), "1".to_string())
            ]
        );
        assert_eq!(blocks[1].specs, vec!["z@^3"]);
    }

    #[test]
    fn berry_patch_and_workspace_entries() {
        let text = "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n  dependencies:\n    resolve: \"patch:resolve@npm%3A^1.22.0#optional!builtin<compat/resolve>\"\n  languageName: unknown\n  linkType: soft\n\n\"resolve@patch:resolve@npm%3A^1.22.0#optional!builtin<compat/resolve>\":\n  version: 1.22.8\n  resolution: \"resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d\"\n  checksum: 10c0/abc\n  languageName: node\n  linkType: hard\n";
        let c = parse_berry(Path::new("yarn.lock"), text).unwrap();
        assert_eq!(c.components.len(), 1);
        let r = &c.components[0];
        assert_eq!(
            (r.package.name.as_str(), r.package.version.as_str()),
            ("resolve", "1.22.8")
        );
        assert_eq!(r.direct, Some(true));
        assert_eq!(r.properties["patched"], "true");
        assert_eq!(r.locations[0].line, Some(13));
        assert_eq!(c.source.properties["lockfile-version"], "yarn-berry-8");
    }

    #[test]
    fn v1_without_entries_is_refused() {
        assert!(parse_v1(Path::new("yarn.lock"), "{ not yarn }").is_err());
        // An empty file is not a lockfile of no dependencies: yarn writes its
        // header even then.
        let e = parse_v1(Path::new("yarn.lock"), "").unwrap_err();
        assert!(e.message.contains("the file is empty"), "{}", e.message);
        let header = "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n";
        assert!(
            parse_v1(Path::new("yarn.lock"), header)
                .unwrap()
                .components
                .is_empty()
        );
    }
}
