//! Helpers every npm collector shares: `name@spec` splitting, aliases,
//! Subresource Integrity strings, bounded reads, component construction.

use base64::Engine;
use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, Ecosystem, Hash, Location, Package};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest `package.json` read (real ones are a few KiB).
pub(crate) const MAX_MANIFEST: u64 = 1024 * 1024;

/// Splits `name@spec` where `name` may be scoped (`@scope/name@^1`).
/// Returns `None` when there is no spec part.
pub(crate) fn split_name_spec(s: &str) -> Option<(&str, &str)> {
    let start = usize::from(s.starts_with('@'));
    let at = s.get(start..)?.find('@')? + start;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// `npm:real@range` → (`real`, `range`): the alias form npm, yarn and pnpm write.
pub(crate) fn npm_alias(spec: &str) -> Option<(&str, &str)> {
    let rest = spec.strip_prefix("npm:")?;
    let (name, range) = split_name_spec(rest)?;
    (!name.is_empty()).then_some((name, range))
}

/// The package name in a `node_modules/...` path: the last segment, or the
/// last two when scoped (`node_modules/@s/x/node_modules/@t/y` → `@t/y`).
pub(crate) fn name_from_modules_path(path: &str) -> &str {
    match path.rfind("node_modules/") {
        Some(i) => &path[i + "node_modules/".len()..],
        None => path.rsplit('/').next().unwrap_or(path),
    }
}

/// Parses an SRI string (`sha512-<base64> sha1-<base64>`) into hex hashes.
/// Unknown algorithms and undecodable digests are skipped.
pub(crate) fn sri_hashes(integrity: &str) -> Vec<Hash> {
    let mut out = Vec::new();
    for token in integrity.split_ascii_whitespace() {
        let Some((algo, rest)) = token.split_once('-') else {
            continue;
        };
        let algo = algo.to_ascii_lowercase();
        if !matches!(algo.as_str(), "sha1" | "sha256" | "sha384" | "sha512") {
            continue;
        }
        // SRI allows `?options` after the digest.
        let b64 = rest.split('?').next().unwrap_or(rest);
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) {
            let hash = Hash {
                algorithm: algo,
                value: hex(&bytes),
            };
            if !out.contains(&hash) {
                out.push(hash);
            }
        }
    }
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// A `#<40 hex>` fragment on a yarn v1 `resolved` URL is the tarball's SHA-1.
pub(crate) fn url_sha1(resolved: &str) -> Option<Hash> {
    let (_, frag) = resolved.rsplit_once('#')?;
    (frag.len() == 40 && frag.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Hash {
        algorithm: "sha1".to_string(),
        value: frag.to_ascii_lowercase(),
    })
}

/// A component of ecosystem npm seen at `path:line`, `detail` naming the entry.
pub(crate) fn npm_component(
    path: &Path,
    name: &str,
    version: &str,
    line: Option<u32>,
    detail: &str,
) -> Component {
    let location = Location {
        path: path.to_path_buf(),
        line,
        detail: (!detail.is_empty()).then(|| detail.to_string()),
    };
    Component::new(Package::new(Ecosystem::Npm, name, version), name, location)
}

/// Reads a bounded text file, mapping errors to an [`InputError`] naming it.
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String, InputError> {
    fsutil::read_text(path, limit).map_err(|e| InputError::new(path, e.to_string()))
}

/// The dependency names and specs a `package.json` declares, by kind
/// (`dependencies`, `devDependencies`, `optionalDependencies`, `peerDependencies`).
pub(crate) type ManifestDeps = Vec<(String, String)>;

/// Reads the `package.json` beside a lockfile, for formats that do not record
/// the root's requirements. Missing or malformed manifests give `None`.
pub(crate) fn sibling_manifest_deps(lockfile: &Path) -> Option<ManifestDeps> {
    let manifest = lockfile.parent()?.join("package.json");
    let text = fsutil::read_text(&manifest, MAX_MANIFEST).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(manifest_deps(&value))
}

/// All `(name, spec)` pairs a manifest object declares, in every dependency kind.
pub(crate) fn manifest_deps(value: &serde_json::Value) -> ManifestDeps {
    let mut out = Vec::new();
    for kind in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        if let Some(map) = value.get(kind).and_then(|v| v.as_object()) {
            for (name, spec) in map {
                if let Some(spec) = spec.as_str() {
                    out.push((name.clone(), spec.to_string()));
                }
            }
        }
    }
    out
}

/// Sets a boolean property only when true (absent means false).
pub(crate) fn flag(props: &mut BTreeMap<String, String>, key: &str, on: bool) {
    if on {
        props.insert(key.to_string(), "true".to_string());
    }
}

/// Sorts components by their first location's line and remaps dependency ids.
pub(crate) fn sort_by_line(components: Vec<Component>) -> Vec<Component> {
    use chainwarden_core::ComponentId;
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&i| {
        let c = &components[i];
        (
            c.locations.first().and_then(|l| l.line).unwrap_or(u32::MAX),
            c.package.name.clone(),
            c.package.version.clone(),
        )
    });
    let mut new_index = vec![0usize; components.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Component>> = components.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for &old in &order {
        if let Some(mut c) = slots[old].take() {
            for d in &mut c.dependencies {
                *d = ComponentId(new_index[d.0]);
            }
            c.dependencies.sort();
            c.dependencies.dedup();
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scoped_and_aliased_specs() {
        assert_eq!(split_name_spec("chalk@^4.1.2"), Some(("chalk", "^4.1.2")));
        assert_eq!(
            split_name_spec("@types/node@20.11.30"),
            Some(("@types/node", "20.11.30"))
        );
        assert_eq!(
            split_name_spec("my-lodash@npm:lodash@4.17.21"),
            Some(("my-lodash", "npm:lodash@4.17.21"))
        );
        assert_eq!(split_name_spec("@types/node"), None);
        assert_eq!(npm_alias("npm:lodash@4.17.21"), Some(("lodash", "4.17.21")));
        assert_eq!(npm_alias("npm:@s/x@1"), Some(("@s/x", "1")));
        assert_eq!(npm_alias("^1.0.0"), None);
    }

    #[test]
    fn modules_path_names() {
        assert_eq!(name_from_modules_path("node_modules/a"), "a");
        assert_eq!(
            name_from_modules_path("node_modules/a/node_modules/@s/b"),
            "@s/b"
        );
        assert_eq!(name_from_modules_path("packages/local-lib"), "local-lib");
    }

    #[test]
    fn sri_to_hex() {
        // `printf '' | openssl dgst -sha1 -binary | base64` = 2jmj7l5rSw0yVb/vlWAYkK/YBwk=
        let h = sri_hashes("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= md5-xyz bogus");
        assert_eq!(
            h,
            vec![Hash {
                algorithm: "sha1".into(),
                value: "da39a3ee5e6b4b0d3255bfef95601890afd80709".into()
            }]
        );
        assert!(sri_hashes("sha512-!!!").is_empty());
        assert_eq!(
            url_sha1("https://r/x.tgz#DA39A3EE5E6B4B0D3255BFEF95601890AFD80709").map(|h| h.value),
            Some("da39a3ee5e6b4b0d3255bfef95601890afd80709".to_string())
        );
    }
}
