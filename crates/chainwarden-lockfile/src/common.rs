//! Helpers shared by the format modules: line numbers, hashes, TOML errors,
//! and a name index for resolving dependency references.

use crate::time::parse_rfc3339;
use base64::Engine as _;
use chainwarden_core::inventory::InputError;
use chainwarden_core::package::pep503;
use chainwarden_core::{Component, ComponentId, Hash};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Byte offsets of line starts, to turn a span into a 1-based line.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// Parses TOML into `T`, turning the parser's message (which names the line
/// and column) into an error naming the file.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    format: &str,
) -> Result<T, InputError> {
    toml::from_str(text).map_err(|e| {
        InputError::new(
            path,
            format!("not a valid {format}: {}", e.to_string().trim_end()),
        )
    })
}

/// A hash written as `algo:hex` (pip, poetry, pdm, Pipfile.lock, uv.lock).
pub(crate) fn hash_from_prefixed(s: &str) -> Option<Hash> {
    let (algo, value) = s.split_once(':').or_else(|| s.split_once('='))?;
    hash_from_parts(algo, value)
}

/// A hash from an algorithm name and a digest written as hex or as base64
/// (SRI style, `sha512-<base64>`). The digest comes out as lower-case hex.
pub(crate) fn hash_from_parts(algo: &str, value: &str) -> Option<Hash> {
    let algorithm = algo.trim().to_ascii_lowercase();
    let value = value.trim();
    if algorithm.is_empty()
        || value.is_empty()
        || !algorithm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    if let Some(len) = digest_len(&algorithm)
        && value.len() == len * 2
        && value.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Some(Hash {
            algorithm,
            value: value.to_ascii_lowercase(),
        });
    }
    if digest_len(&algorithm).is_none() && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(Hash {
            algorithm,
            value: value.to_ascii_lowercase(),
        });
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(value))
        .ok()?;
    if digest_len(&algorithm).is_some_and(|len| len != bytes.len()) {
        return None;
    }
    Some(Hash {
        algorithm,
        value: bytes.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

/// Digest sizes in bytes of the algorithms lockfiles use.
fn digest_len(algorithm: &str) -> Option<usize> {
    match algorithm {
        "md5" => Some(16),
        "sha1" => Some(20),
        "sha224" | "sha3_224" => Some(28),
        "sha256" | "sha3_256" | "blake2s" => Some(32),
        "sha384" | "sha3_384" => Some(48),
        "sha512" | "sha3_512" | "blake2b" => Some(64),
        _ => None,
    }
}

/// Adds `hash` unless an equal one is already listed.
pub(crate) fn push_hash(hashes: &mut Vec<Hash>, hash: Hash) {
    if !hashes.contains(&hash) {
        hashes.push(hash);
    }
}

/// Components of one lockfile by normalised name, to resolve references.
#[derive(Default)]
pub(crate) struct NameIndex {
    by_name: HashMap<String, Vec<usize>>,
}

impl NameIndex {
    pub(crate) fn new(components: &[Component]) -> NameIndex {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in components.iter().enumerate() {
            by_name.entry(c.package.name.clone()).or_default().push(i);
        }
        NameIndex { by_name }
    }

    /// Every component with this (already normalised) name.
    pub(crate) fn candidates(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Adds an edge `from → to` once, never a self-loop.
pub(crate) fn add_edge(components: &mut [Component], from: usize, to: usize) {
    if from == to {
        return;
    }
    if let Some(c) = components.get_mut(from) {
        let id = ComponentId(to);
        if !c.dependencies.contains(&id) {
            c.dependencies.push(id);
        }
    }
}

/// Marks the direct dependencies of the given roots: `Some(true)` for a
/// component a root depends on, `Some(false)` for every other non-root.
pub(crate) fn mark_direct(components: &mut [Component], roots: &[usize]) {
    let mut direct = vec![false; components.len()];
    for &r in roots {
        if let Some(c) = components.get(r) {
            for d in &c.dependencies {
                if let Some(slot) = direct.get_mut(d.0) {
                    *slot = true;
                }
            }
        }
    }
    for (i, c) in components.iter_mut().enumerate() {
        let is_direct = direct.get(i).copied().unwrap_or(false);
        if roots.contains(&i) {
            c.direct = is_direct.then_some(true);
        } else {
            c.direct = Some(is_direct);
        }
    }
}

/// A PEP 508 requirement string, split into its parts (no URL or marker
/// evaluation: only what resolving a lockfile reference needs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Requirement {
    /// PEP 503-normalised name.
    pub(crate) name: String,
    pub(crate) extras: Vec<String>,
    /// Version specifiers as written (`>=1,<2`), or empty.
    pub(crate) specifier: String,
    /// A direct reference (`name @ url`).
    pub(crate) url: Option<String>,
    pub(crate) marker: Option<String>,
}

/// Splits `name[extra] (>=1.0) ; marker` or `name @ url ; marker`.
pub(crate) fn parse_requirement(s: &str) -> Option<Requirement> {
    let s = s.trim();
    let (body, marker) = match s.split_once(';') {
        Some((b, m)) => (
            b.trim(),
            Some(m.trim().to_string()).filter(|m| !m.is_empty()),
        ),
        None => (s, None),
    };
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(body.len());
    let name = body.get(..name_end)?;
    if name.is_empty() {
        return None;
    }
    let mut rest = body.get(name_end..)?.trim_start();
    let mut extras = Vec::new();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after.find(']')?;
        extras = after
            .get(..close)?
            .split(',')
            .map(|e| pep503(e.trim()))
            .filter(|e| !e.is_empty())
            .collect();
        rest = after.get(close + 1..)?.trim_start();
    }
    let mut url = None;
    let mut specifier = String::new();
    if let Some(u) = rest.strip_prefix('@') {
        url = Some(u.trim().to_string());
    } else {
        specifier = rest
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim()
            .to_string();
    }
    Some(Requirement {
        name: pep503(name),
        extras,
        specifier,
        url,
        marker,
    })
}

/// Whether `version` satisfies a PEP 440 specifier set; an empty or
/// unparsable specifier (or version) matches, so a reference is never lost.
pub(crate) fn pep440_matches(specifier: &str, version: &str) -> bool {
    use std::str::FromStr;
    let spec = specifier.trim();
    if spec.is_empty() || spec == "*" {
        return true;
    }
    let (Ok(specs), Ok(v)) = (
        pep440_rs::VersionSpecifiers::from_str(spec),
        pep440_rs::Version::from_str(version),
    ) else {
        return true;
    };
    specs.contains(&v)
}

/// Resolves a Python dependency by name and specifier: the only package of
/// that name, else those whose version satisfies the specifier, else all of
/// them (a lockfile lists nothing it does not need).
pub(crate) fn resolve_python(
    index: &NameIndex,
    components: &[Component],
    req: &Requirement,
) -> Vec<usize> {
    let cands = index.candidates(&req.name);
    if cands.len() <= 1 {
        return cands.to_vec();
    }
    let matching: Vec<usize> = cands
        .iter()
        .copied()
        .filter(|&i| {
            components
                .get(i)
                .is_some_and(|c| pep440_matches(&req.specifier, &c.package.version))
        })
        .collect();
    if matching.is_empty() {
        cands.to_vec()
    } else {
        matching
    }
}

/// Inserts `key = value` when `value` is non-empty.
pub(crate) fn set_prop(props: &mut BTreeMap<String, String>, key: &str, value: impl Into<String>) {
    let value = value.into();
    if !value.is_empty() {
        props.insert(key.to_string(), value);
    }
}

/// Keeps the earliest and latest upload times seen for a component, as
/// RFC 3339 in UTC (`2024-05-29T15:37:49.536Z`): `upload_time` is the
/// latest (a file added to an old release is as new as its upload, which is
/// what a cooldown policy must see), `upload_time_first` the earliest (the
/// release date). A value that is not a date-time is ignored.
pub(crate) fn note_upload_time(props: &mut BTreeMap<String, String>, time: &str) {
    let Some(t) = parse_rfc3339(time) else {
        return;
    };
    let known =
        |key: &str, props: &BTreeMap<String, String>| props.get(key).and_then(|v| parse_rfc3339(v));
    if known("upload_time", props).is_none_or(|l| t > l) {
        props.insert("upload_time".to_string(), t.to_rfc3339());
    }
    if known("upload_time_first", props).is_none_or(|f| t < f) {
        props.insert("upload_time_first".to_string(), t.to_rfc3339());
    }
}

/// The text of a scalar TOML value (`version = 4`, `version = "4"`).
pub(crate) fn toml_scalar(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) | toml::Value::Table(_) => String::new(),
    }
}

/// An RFC 3339 string for a TOML value that is a datetime or a string.
pub(crate) fn toml_time(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_from_offsets() {
        let idx = LineIndex::new("a\nbc\n\nd");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(1), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(6), 4);
        assert_eq!(idx.line(100), 4);
    }

    #[test]
    fn hashes_hex_and_base64() {
        let hex = "55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760";
        let h = hash_from_prefixed(&format!("SHA256:{}", hex.to_uppercase())).unwrap();
        assert_eq!((h.algorithm.as_str(), h.value.as_str()), ("sha256", hex));
        // sha256 of the empty string, base64 and hex.
        let b64 =
            hash_from_parts("sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").unwrap();
        assert_eq!(
            b64.value,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(hash_from_parts("sha256", "abc").is_none(), "wrong length");
        assert!(hash_from_prefixed("nohash").is_none());
        assert!(hash_from_parts("sha256", "zz!!").is_none());
    }

    #[test]
    fn requirement_strings() {
        let r = parse_requirement("Requests[SOCKS, security] (>=2.0,<3) ; python_version < '3.10'")
            .unwrap();
        assert_eq!(r.name, "requests");
        assert_eq!(r.extras, vec!["socks", "security"]);
        assert_eq!(r.specifier, ">=2.0,<3");
        assert_eq!(r.marker.as_deref(), Some("python_version < '3.10'"));
        let u = parse_requirement("pkg @ https://example.org/p.whl").unwrap();
        assert_eq!(u.url.as_deref(), Some("https://example.org/p.whl"));
        assert!(parse_requirement(">=1").is_none());
        assert!(parse_requirement("x[unclosed").is_none());
        assert!(pep440_matches("<4,>=2", "3.5.2"));
        assert!(!pep440_matches(">=4", "3.5.2"));
        assert!(pep440_matches("not a spec", "1"));
    }

    #[test]
    fn upload_times_keep_first_and_latest() {
        let mut p = BTreeMap::new();
        note_upload_time(&mut p, "2024-05-29T15:37:49.536Z");
        note_upload_time(&mut p, "2024-05-29T15:37:47.027Z");
        note_upload_time(&mut p, "2024-05-29T15:37:49Z");
        note_upload_time(&mut p, "not a time");
        assert_eq!(p["upload_time"], "2024-05-29T15:37:49.536Z");
        assert_eq!(p["upload_time_first"], "2024-05-29T15:37:47.027Z");
        note_upload_time(&mut p, "2024-05-29T17:37:50+02:00");
        assert_eq!(p["upload_time"], "2024-05-29T15:37:50Z");
    }
}
