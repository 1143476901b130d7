//! Identifiers shared by the formats: stable hashes, UUIDs, per-component
//! references, advisory sources and hash algorithm names.

use chainwarden_core::finding::AdvisoryInfo;
use chainwarden_core::{Component, ComponentId, Finding, Inventory};
use sha2::{Digest, Sha256};

/// SHA-256 of `parts`, each followed by a NUL so `("ab","c") != ("a","bc")`.
pub(crate) fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A UUID shaped as version 4 (random) from the first 16 bytes of a SHA-256
/// of `content`: the same content always gives the same UUID, different
/// content a different one, and validators that check the version and
/// variant bits accept it.
pub(crate) fn uuid_from_content(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The CycloneDX `bom-ref` of a component: its index and purl. The index
/// makes it unique when one package appears in two sources.
pub(crate) fn bom_ref(id: ComponentId, component: &Component) -> String {
    format!("component-{}:{}", id.0, component.package.purl())
}

/// The SPDX id of a component: `SPDXRef-Package-<index>-<name>-<version>`,
/// with every character outside `[A-Za-z0-9.-]` replaced by `-`.
pub(crate) fn spdx_id(id: ComponentId, component: &Component) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!(
        "SPDXRef-Package-{}-{}-{}",
        id.0,
        clean(&component.package.name),
        clean(&component.package.version)
    )
}

/// The component a finding is about: its own id when valid, else the first
/// component with the finding's package.
pub(crate) fn finding_component(inventory: &Inventory, finding: &Finding) -> Option<ComponentId> {
    if let Some(id) = finding.component
        && id.0 < inventory.components.len()
    {
        return Some(id);
    }
    let package = finding.package.as_ref()?;
    inventory
        .components
        .iter()
        .position(|c| &c.package == package)
        .map(ComponentId)
}

/// The components a report starts the graph from: those declared direct,
/// and, where directness is unknown, those nothing in the inventory requires.
pub(crate) fn roots(inventory: &Inventory) -> Vec<ComponentId> {
    let mut required = vec![false; inventory.components.len()];
    for c in &inventory.components {
        for d in &c.dependencies {
            if let Some(r) = required.get_mut(d.0) {
                *r = true;
            }
        }
    }
    inventory
        .components
        .iter()
        .enumerate()
        .filter(|(i, c)| match c.direct {
            Some(direct) => direct,
            None => !required.get(*i).copied().unwrap_or(false),
        })
        .map(|(i, _)| ComponentId(i))
        .collect()
}

/// A component's dependencies that exist, each once, in order.
pub(crate) fn dependencies(inventory: &Inventory, component: &Component) -> Vec<ComponentId> {
    let mut out: Vec<ComponentId> = Vec::new();
    for d in &component.dependencies {
        if d.0 < inventory.components.len() && !out.contains(d) {
            out.push(*d);
        }
    }
    out
}

/// Who publishes an advisory id, and where to read it.
pub(crate) fn advisory_source(id: &str) -> (&'static str, String) {
    let upper = id.to_ascii_uppercase();
    if upper.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if upper.starts_with("GHSA-") {
        ("GitHub", format!("https://github.com/advisories/{id}"))
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{id}"))
    }
}

/// The advisory of a finding, when it has one with a non-empty id.
pub(crate) fn advisory(finding: &Finding) -> Option<&AdvisoryInfo> {
    finding
        .advisory
        .as_ref()
        .filter(|a| !a.id.trim().is_empty())
}

/// A hash algorithm as written in lockfiles/RECORD, mapped to
/// (CycloneDX name, SPDX name). `None` for algorithms neither format knows.
pub(crate) fn hash_algorithm(alg: &str) -> Option<(&'static str, &'static str)> {
    let key: String = alg
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "md5" => ("MD5", "MD5"),
        "sha1" => ("SHA-1", "SHA1"),
        "sha256" => ("SHA-256", "SHA256"),
        "sha384" => ("SHA-384", "SHA384"),
        "sha512" => ("SHA-512", "SHA512"),
        "sha3256" => ("SHA3-256", "SHA3-256"),
        "sha3384" => ("SHA3-384", "SHA3-384"),
        "sha3512" => ("SHA3-512", "SHA3-512"),
        "blake2b256" => ("BLAKE2b-256", "BLAKE2b-256"),
        "blake2b384" => ("BLAKE2b-384", "BLAKE2b-384"),
        "blake2b512" => ("BLAKE2b-512", "BLAKE2b-512"),
        "blake3" => ("BLAKE3", "BLAKE3"),
        _ => return None,
    })
}

/// A hex digest fit for an SBOM: hex only, and of a length its algorithm
/// produces (CycloneDX restricts lengths to 32/40/64/96/128 hex digits).
pub(crate) fn valid_hex_digest(value: &str) -> bool {
    matches!(value.len(), 32 | 40 | 64 | 96 | 128) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_shaped_and_content_bound() {
        let a = uuid_from_content(b"one");
        let b = uuid_from_content(b"two");
        assert_ne!(a, b);
        assert_eq!(a, uuid_from_content(b"one"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn hash_names_map_to_both_vocabularies() {
        assert_eq!(hash_algorithm("sha256"), Some(("SHA-256", "SHA256")));
        assert_eq!(hash_algorithm("SHA-512"), Some(("SHA-512", "SHA512")));
        assert_eq!(hash_algorithm("sha3_256"), Some(("SHA3-256", "SHA3-256")));
        assert_eq!(hash_algorithm("crc32"), None);
    }

    #[test]
    fn advisory_sources_by_prefix() {
        assert_eq!(advisory_source("CVE-2026-1").0, "NVD");
        assert_eq!(advisory_source("GHSA-5mg7-485q-xm76").0, "GitHub");
        let (name, url) = advisory_source("MAL-2026-2144");
        assert_eq!(name, "OSV");
        assert_eq!(url, "https://osv.dev/vulnerability/MAL-2026-2144");
    }
}
