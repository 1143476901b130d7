//! `Cargo.lock`, versions 1 to 4.
//!
//! - v1 (no `version` key): checksums sit in `[metadata]` as
//!   `"checksum NAME VERSION (SOURCE)" = "hex"`, and every dependency is
//!   written `NAME VERSION (SOURCE)`.
//! - v2 (no `version` key), v3 (`version = 3`), v4 (`version = 4`): a
//!   `checksum` per package, and dependencies as short as unambiguous:
//!   `NAME`, `NAME VERSION`, or `NAME VERSION (SOURCE)`.
//!
//! Packages without a `source` are path packages: workspace members (or
//! path dependencies, which a lockfile cannot tell apart); their
//! dependencies are the direct ones.

use crate::common::{
    LineIndex, add_edge, hash_from_parts, mark_direct, parse_toml, set_prop, toml_scalar,
};
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, Ecosystem, Location, Package, Source, SourceKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Deserialize)]
struct CargoLock {
    version: Option<toml::Value>,
    #[serde(default)]
    package: Vec<toml::Spanned<CargoPackage>>,
    #[serde(default)]
    metadata: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// A parsed dependency reference.
#[derive(Debug, PartialEq, Eq)]
struct DepRef<'a> {
    name: &'a str,
    version: Option<&'a str>,
    source: Option<&'a str>,
}

/// Splits `name`, `name version` or `name version (source)`.
fn parse_dep(s: &str) -> Option<DepRef<'_>> {
    let s = s.trim();
    let (head, source) = match s.split_once(" (") {
        Some((h, rest)) => (h, Some(rest.strip_suffix(')')?)),
        None => (s, None),
    };
    let mut parts = head.split_whitespace();
    let name = parts.next()?;
    let version = parts.next();
    if parts.next().is_some() {
        return None;
    }
    Some(DepRef {
        name,
        version,
        source,
    })
}

/// The kind of a Cargo source string (`registry+URL`, `sparse+URL`, `git+URL#commit`).
fn source_kind(source: &str) -> &'static str {
    match source.split_once('+').map(|(k, _)| k) {
        Some("registry") => "registry",
        Some("sparse") => "sparse",
        Some("git") => "git",
        Some("path") => "path",
        _ => "other",
    }
}

/// Parses `Cargo.lock` text.
pub fn parse(path: &Path, text: &str) -> Result<Collected, InputError> {
    let lock: CargoLock = parse_toml(path, text, "Cargo.lock")?;
    if lock.version.is_none() && lock.package.is_empty() {
        return Err(InputError::not_a(
            path,
            "Cargo.lock",
            text,
            "`version` key and no `[[package]]`",
            "regenerate it with `cargo generate-lockfile`",
        ));
    }
    let lines = LineIndex::new(text);
    let v1_checksums: HashMap<&str, &str> = lock
        .metadata
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("checksum ")?, v.as_str()?)))
        .collect();
    let version = match &lock.version {
        Some(v) => toml_scalar(v),
        None if !v1_checksums.is_empty() => "1".to_string(),
        // Without checksums a v1 lock is told by its fully spelled-out references.
        None if is_v1_shaped(&lock) => "1".to_string(),
        None => "2".to_string(),
    };
    let mut source = Source::new(SourceKind::Lockfile, path, "Cargo.lock");
    set_prop(&mut source.properties, "lockfile_version", version);

    let mut components = Vec::with_capacity(lock.package.len());
    for spanned in &lock.package {
        let p = spanned.get_ref();
        let mut loc = Location::line(path, lines.line(spanned.span().start));
        loc.detail = Some("[[package]]".to_string());
        let mut c = Component::new(
            Package::new(Ecosystem::CratesIo, &p.name, &p.version),
            &p.name,
            loc,
        );
        match &p.source {
            Some(s) => {
                set_prop(&mut c.properties, "source_kind", source_kind(s));
                set_prop(&mut c.properties, "source", s.clone());
            }
            None => {
                set_prop(&mut c.properties, "source_kind", "path");
                set_prop(&mut c.properties, "workspace_member", "true");
            }
        }
        let v1_key = match &p.source {
            Some(s) => format!("{} {} ({s})", p.name, p.version),
            None => format!("{} {}", p.name, p.version),
        };
        let checksum = p
            .checksum
            .as_deref()
            .or_else(|| v1_checksums.get(v1_key.as_str()).copied());
        // v1 writes "<none>" for packages without a checksum.
        if let Some(h) = checksum.and_then(|v| hash_from_parts("sha256", v)) {
            c.hashes.push(h);
        }
        components.push(c);
    }

    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in lock.package.iter().enumerate() {
        by_name
            .entry(s.get_ref().name.as_str())
            .or_default()
            .push(i);
    }
    for (from, spanned) in lock.package.iter().enumerate() {
        for dep in &spanned.get_ref().dependencies {
            let Some(r) = parse_dep(dep) else { continue };
            let matches: Vec<usize> = by_name
                .get(r.name)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .copied()
                .filter(|&i| {
                    let Some(p) = lock.package.get(i).map(toml::Spanned::get_ref) else {
                        return false;
                    };
                    r.version.is_none_or(|v| p.version == v)
                        && r.source.is_none_or(|s| p.source.as_deref() == Some(s))
                })
                .collect();
            // Cargo writes the shortest unambiguous reference, so exactly one
            // package matches; an ambiguous or dangling one is not guessed.
            if let [to] = matches.as_slice() {
                add_edge(&mut components, from, *to);
            }
        }
    }

    let roots: Vec<usize> = lock
        .package
        .iter()
        .enumerate()
        .filter(|(_, s)| s.get_ref().source.is_none())
        .map(|(i, _)| i)
        .collect();
    mark_direct(&mut components, &roots);
    Ok(Collected { source, components })
}

fn is_v1_shaped(lock: &CargoLock) -> bool {
    let mut deps = lock
        .package
        .iter()
        .flat_map(|p| p.get_ref().dependencies.iter())
        .peekable();
    deps.peek().is_some()
        && deps.all(|d| parse_dep(d).is_some_and(|r| r.version.is_some()))
        && lock.package.iter().all(|p| p.get_ref().checksum.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::ComponentId;

    #[test]
    fn dependency_references() {
        assert_eq!(
            parse_dep("serde 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)"),
            Some(DepRef {
                name: "serde",
                version: Some("1.0.0"),
                source: Some("registry+https://github.com/rust-lang/crates.io-index")
            })
        );
        assert_eq!(
            parse_dep("itoa"),
            Some(DepRef {
                name: "itoa",
                version: None,
                source: None
            })
        );
        assert_eq!(parse_dep("a b c"), None);
        assert_eq!(parse_dep("a 1 (unclosed"), None);
    }

    // The v1 format as cargo wrote it before 1.41 (checksums in [metadata]).
    const V1: &str = r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)",
 "rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)" = "6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03"
"checksum rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)" = "34af8d1a0e25924bc5b7c43c4d4e4b61e2ac8b38fc11e5ba8b4ebc2bc8e2e82a"
"#;

    #[test]
    fn v1_checksums_in_metadata() {
        let c = parse(Path::new("Cargo.lock"), V1).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "1");
        assert_eq!(c.components.len(), 3);
        assert_eq!(
            c.components[0].dependencies,
            vec![ComponentId(1), ComponentId(2)]
        );
        assert_eq!(
            c.components[1].hashes[0].value,
            "6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03"
        );
        assert_eq!(c.components[2].hashes[0].algorithm, "sha256");
        assert_eq!(c.components[0].direct, None);
        assert_eq!(c.components[1].direct, Some(true));
        assert_eq!(
            c.components
                .iter()
                .map(|c| c.locations[0].line)
                .collect::<Vec<_>>(),
            [Some(1), Some(9), Some(14)]
        );
    }

    // v2/v3: short references, with the version or source only when needed.
    const V3: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "helper",
 "rand 0.7.3",
 "rand 0.8.5 (git+https://github.com/rust-random/rand?branch=master#0123456789abcdef0123456789abcdef01234567)",
 "rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "helper"
version = "0.1.0"
dependencies = ["libc"]

[[package]]
name = "libc"
version = "0.2.150"
source = "sparse+https://index.crates.io/"
checksum = "89d92a4743f9a61002fae18374ed11e7973f530cb3a3255fb354818118b2203c"

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03"

[[package]]
name = "rand"
version = "0.8.5"
source = "git+https://github.com/rust-random/rand?branch=master#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "34af8d1a0e25924bc5b7c43c4d4e4b61e2ac8b38fc11e5ba8b4ebc2bc8e2e82a"
"#;

    #[test]
    fn v3_short_references_resolve_exactly() {
        let c = parse(Path::new("Cargo.lock"), V3).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "3");
        let ids = |v: &[usize]| v.iter().map(|&i| ComponentId(i)).collect::<Vec<_>>();
        assert_eq!(c.components[0].dependencies, ids(&[1, 3, 4, 5]));
        assert_eq!(c.components[1].dependencies, ids(&[2]));
        // Both source-less packages are members; helper is also a dependency.
        assert_eq!(c.components[1].properties["workspace_member"], "true");
        assert_eq!(c.components[1].direct, Some(true));
        assert_eq!(
            c.components[2].direct,
            Some(true),
            "dependency of member helper"
        );
        assert_eq!(c.components[2].properties["source_kind"], "sparse");
        assert_eq!(c.components[4].properties["source_kind"], "git");
        assert!(c.components[4].hashes.is_empty());
        assert_eq!(c.components[5].hashes.len(), 1);
    }

    #[test]
    fn v2_without_version_key() {
        let v2 = V3.replace("version = 3\n", "");
        let c = parse(Path::new("Cargo.lock"), &v2).unwrap();
        assert_eq!(c.source.properties["lockfile_version"], "2");
        assert_eq!(c.components[0].dependencies.len(), 4);
    }

    #[test]
    fn ambiguous_reference_is_not_guessed() {
        let lock = "version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"b\"]\n\
            [[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n\
            [[package]]\nname = \"b\"\nversion = \"2.0.0\"\nsource = \"registry+x\"\n";
        let c = parse(Path::new("Cargo.lock"), lock).unwrap();
        assert!(c.components[0].dependencies.is_empty());
        assert_eq!(c.source.properties["lockfile_version"], "4");
    }
}
