//! The CISA Known Exploited Vulnerabilities catalog.

use chainwarden_core::finding::KevInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest KEV catalog read (the 2026 catalog is ~2.8 MiB).
pub const MAX_KEV_BYTES: usize = 64 * 1024 * 1024;

/// The catalog, keyed by CVE id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevCatalog {
    pub catalog_version: String,
    pub date_released: String,
    pub entries: BTreeMap<String, KevInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    #[serde(default)]
    catalog_version: String,
    #[serde(default)]
    date_released: String,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    date_added: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    required_action: String,
}

/// True when `bytes` look like a KEV catalog (so a folder import can tell it from OSV).
pub fn looks_like_kev(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let s = String::from_utf8_lossy(head);
    s.contains("\"catalogVersion\"") || s.contains("Known Exploited Vulnerabilities")
}

/// Parses CISA's `known_exploited_vulnerabilities.json`.
pub fn parse(bytes: &[u8]) -> Result<KevCatalog, String> {
    if bytes.len() > MAX_KEV_BYTES {
        return Err(format!(
            "KEV catalog is over the {MAX_KEV_BYTES}-byte limit"
        ));
    }
    let raw: RawCatalog =
        serde_json::from_slice(bytes).map_err(|e| format!("invalid KEV catalog: {e}"))?;
    let entries = raw
        .vulnerabilities
        .into_iter()
        .filter(|e| e.cve_id.starts_with("CVE-"))
        .map(|e| {
            let cve = e.cve_id.trim().to_string();
            let info = KevInfo {
                cve: cve.clone(),
                date_added: e.date_added,
                due_date: e.due_date,
                required_action: e.required_action,
            };
            (cve, info)
        })
        .collect();
    Ok(KevCatalog {
        catalog_version: raw.catalog_version,
        date_released: raw.date_released,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_catalog() {
        let path = "/work/shared/data/kev/known_exploited_vulnerabilities.json";
        let bytes = std::fs::read(path).unwrap();
        assert!(looks_like_kev(&bytes));
        let kev = parse(&bytes).unwrap();
        assert_eq!(kev.catalog_version, "2026.08.21");
        assert_eq!(kev.entries.len(), 1674);
        let log4j = &kev.entries["CVE-2021-44228"];
        assert!(!log4j.date_added.is_empty() && !log4j.due_date.is_empty());
        assert!(parse(b"{\"vulnerabilities\": 3}").is_err());
    }
}
