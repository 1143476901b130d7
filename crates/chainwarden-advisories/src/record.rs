//! The compact form an advisory is stored and matched in: only the affected
//! packages of ecosystems chainwarden knows, names normalised, the severity
//! and the malicious/vulnerable classification worked out once at import.

use crate::cvss;
use crate::osv::{OsvEvent, OsvRecord, RangeKind};
use chainwarden_core::package::normalize_name;
use chainwarden_core::{Ecosystem, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An advisory as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Withdrawn records are kept (so an older copy cannot revive them) but never match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// `ossf-malicious-packages`, `ghsa`, `pypa`, `rustsec`, `leitwacht`, …
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    pub kind: AdvisoryKind,
    /// Severity from the record itself (database_specific, CVSS), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub affected: Vec<AffectedPackage>,
}

/// Whether the record says a package is malware or has a vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum AdvisoryKind {
    /// Malware; `category` is the feed's own word (`malware`,
    /// `dependency_confusion`, `research_poc`, `pua`).
    Malicious {
        category: String,
    },
    Vulnerability,
}

/// One `affected[]` entry of a known ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedPackage {
    pub ecosystem: Ecosystem,
    /// Normalised per ecosystem (PEP 503 for PyPI).
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
}

/// A `SEMVER` or `ECOSYSTEM` range (GIT ranges cannot match a package version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub kind: RangeKind,
    pub events: Vec<OsvEvent>,
}

impl Advisory {
    /// Converts an OSV record; `None` when no `affected[]` entry names a
    /// package of a known ecosystem (e.g. a Debian-only record).
    pub fn from_osv(rec: &OsvRecord, source_hint: &str) -> Option<Advisory> {
        let affected: Vec<AffectedPackage> = rec
            .affected
            .iter()
            .filter_map(|a| {
                let pkg = a.package.as_ref()?;
                let ecosystem = Ecosystem::from_osv(&pkg.ecosystem)?;
                let name = normalize_name(ecosystem, &pkg.name);
                if name.is_empty() {
                    return None;
                }
                let ranges = a
                    .ranges
                    .iter()
                    .filter(|r| matches!(r.kind, RangeKind::Semver | RangeKind::Ecosystem))
                    .map(|r| Range {
                        kind: r.kind,
                        events: r.events.clone(),
                    })
                    .collect();
                let mut pkg = AffectedPackage {
                    ecosystem,
                    name,
                    versions: a.versions.iter().map(|v| v.trim().to_string()).collect(),
                    ranges,
                };
                pkg.versions = redundant_versions_removed(&pkg);
                Some(pkg)
            })
            .collect();
        if affected.is_empty() {
            return None;
        }
        let mut cvss: Vec<String> = rec.severity.iter().map(|s| s.score.clone()).collect();
        for a in &rec.affected {
            cvss.extend(a.severity.iter().map(|s| s.score.clone()));
            if let Some(v) = a
                .database_specific
                .as_ref()
                .and_then(|d| d.get("cvss"))
                .and_then(Value::as_str)
            {
                cvss.push(v.to_string());
            }
        }
        cvss.retain(|v| v.starts_with("CVSS:") || v.starts_with("AV:"));
        cvss.sort();
        cvss.dedup();
        let mut aliases: Vec<String> = rec
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty() && *a != rec.id)
            .collect();
        aliases.sort();
        aliases.dedup();
        Some(Advisory {
            id: rec.id.trim().to_string(),
            kind: classify(rec),
            severity: record_severity(rec, &cvss),
            source: source_name(rec, source_hint),
            summary: summary(rec),
            modified: rec.modified.clone(),
            published: rec.published.clone(),
            withdrawn: rec.withdrawn.clone(),
            cvss,
            references: rec
                .references
                .iter()
                .map(|r| r.url.clone())
                .filter(|u| !u.is_empty())
                .collect(),
            aliases,
            affected,
        })
    }

    pub fn is_malicious(&self) -> bool {
        matches!(self.kind, AdvisoryKind::Malicious { .. })
    }

    /// The record id and its aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// `versions[]` without the entries the ranges already cover.
///
/// Exact: a candidate equal (in the ecosystem's ordering) to a listed version
/// sorts like it, so the ranges decide it the same way. PyPA lists every
/// affected release next to its ranges; dropping them makes the index several
/// times smaller and matching faster. Versions that do not parse, or that no
/// range covers, are kept.
fn redundant_versions_removed(pkg: &AffectedPackage) -> Vec<String> {
    use crate::evaluate::PreparedRange;
    use chainwarden_core::version;
    // A PyPI SEMVER range orders differently from versions[] equality: only
    // ranges in the ecosystem's own ordering may stand in for versions[].
    let ranges: Vec<PreparedRange> = pkg
        .ranges
        .iter()
        .filter(|r| r.kind == RangeKind::Ecosystem || pkg.ecosystem != Ecosystem::PyPI)
        .filter_map(|r| PreparedRange::new(r, pkg.ecosystem))
        .collect();
    if ranges.is_empty() {
        return pkg.versions.clone();
    }
    pkg.versions
        .iter()
        .filter(|v| {
            let covered = version::parse(pkg.ecosystem, v).is_ok_and(|parsed| {
                ranges.iter().any(|r| {
                    let in_kind = match (r.kind(), &parsed) {
                        // SEMVER ranges of npm/crates.io parse like the ecosystem.
                        (RangeKind::Semver, version::ParsedVersion::Pep440(_)) => None,
                        _ => r.contains_parsed(&parsed),
                    };
                    in_kind == Some(true)
                })
            });
            !covered
        })
        .cloned()
        .collect()
}

/// Malicious when: the id or an alias is an OpenSSF `MAL-` id; the record
/// carries OpenSSF's `malicious-packages-origins`; Leitwacht files it under a
/// category; or GitHub tags it CWE-506 (embedded malicious code).
fn classify(rec: &OsvRecord) -> AdvisoryKind {
    let ds = rec.database_specific.as_ref();
    if let Some(cat) = ds
        .and_then(|d| d.get("leitwacht"))
        .and_then(|l| l.get("category"))
        .and_then(Value::as_str)
    {
        return AdvisoryKind::Malicious {
            category: cat.to_string(),
        };
    }
    let mal_id = std::iter::once(&rec.id)
        .chain(rec.aliases.iter())
        .any(|i| i.starts_with("MAL-"));
    let ossf = ds
        .and_then(|d| d.get("malicious-packages-origins"))
        .is_some();
    let cwe506 = ds
        .and_then(|d| d.get("cwe_ids"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|c| c.as_str() == Some("CWE-506")));
    if mal_id || ossf || cwe506 {
        AdvisoryKind::Malicious {
            category: "malware".into(),
        }
    } else {
        AdvisoryKind::Vulnerability
    }
}

/// GHSA's `database_specific.severity` wins (GitHub reviewed it); otherwise
/// the highest CVSS-derived or per-package severity.
fn record_severity(rec: &OsvRecord, cvss_vectors: &[String]) -> Option<Severity> {
    let word = |v: Option<&Value>| {
        v.and_then(|s| s.get("severity"))
            .and_then(Value::as_str)
            .and_then(severity_word)
    };
    if let Some(s) = word(rec.database_specific.as_ref()) {
        return Some(s);
    }
    let from_cvss = cvss_vectors.iter().filter_map(|v| cvss::severity(v)).max();
    let from_affected = rec
        .affected
        .iter()
        .flat_map(|a| {
            [
                word(a.database_specific.as_ref()),
                word(a.ecosystem_specific.as_ref()),
            ]
        })
        .flatten()
        .max();
    from_cvss.max(from_affected)
}

/// GHSA/OSV severity words (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`).
pub fn severity_word(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_uppercase().as_str() {
        "LOW" => Some(Severity::Low),
        "MODERATE" | "MEDIUM" => Some(Severity::Medium),
        "HIGH" => Some(Severity::High),
        "CRITICAL" => Some(Severity::Critical),
        _ => None,
    }
}

fn source_name(rec: &OsvRecord, hint: &str) -> String {
    let id = rec.id.as_str();
    let by_prefix = [
        ("MAL-", "ossf-malicious-packages"),
        ("GHSA-", "ghsa"),
        ("PYSEC-", "pypa"),
        ("RUSTSEC-", "rustsec"),
        ("LWA-", "leitwacht"),
    ];
    by_prefix
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, s)| (*s).to_string())
        .unwrap_or_else(|| hint.to_string())
}

/// The summary, or the first line of the details when there is none.
fn summary(rec: &OsvRecord) -> String {
    let s = rec.summary.as_deref().map(str::trim).unwrap_or("");
    let text = if s.is_empty() {
        rec.details
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or("")
    } else {
        s
    };
    let mut out: String = text.chars().take(240).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::parse_json;

    #[test]
    fn classification() {
        let mal = parse_json(br#"{"id":"MAL-1","affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar"},"versions":["1"]}]}"#).unwrap();
        let a = Advisory::from_osv(&mal, "x").unwrap();
        assert!(a.is_malicious());
        assert_eq!(a.affected[0].name, "foo-bar");
        assert_eq!(a.source, "ossf-malicious-packages");
        let ghsa = parse_json(br#"{"id":"GHSA-x","database_specific":{"severity":"MODERATE","cwe_ids":["CWE-79"]},"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"npm","name":"x"}}]}"#).unwrap();
        let g = Advisory::from_osv(&ghsa, "x").unwrap();
        assert_eq!(g.kind, AdvisoryKind::Vulnerability);
        assert_eq!(g.severity, Some(Severity::Medium), "GHSA's own rating wins");
        let deb = parse_json(
            br#"{"id":"DSA-1","affected":[{"package":{"ecosystem":"Debian:12","name":"x"}}]}"#,
        )
        .unwrap();
        assert!(Advisory::from_osv(&deb, "x").is_none());
    }

    #[test]
    fn versions_covered_by_ranges_are_dropped() {
        let r = parse_json(br#"{"id":"P","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}],"versions":["1.0","1.5","2.0","3.0","weird version"]}]}"#).unwrap();
        let a = Advisory::from_osv(&r, "").unwrap();
        assert_eq!(a.affected[0].versions, vec!["2.0", "3.0", "weird version"]);
    }

    #[test]
    fn summary_falls_back_to_details() {
        let r = parse_json(br#"{"id":"P","details":"\n  First line.\nSecond","affected":[{"package":{"ecosystem":"PyPI","name":"x"}}]}"#).unwrap();
        assert_eq!(Advisory::from_osv(&r, "").unwrap().summary, "First line.");
    }
}
