//! The OSV schema (1.7) as serde types, written by hand: only what matching
//! and reporting read is typed; free-form blocks stay `serde_json::Value`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One OSV record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OsvRecord {
    #[serde(default)]
    pub schema_version: Option<String>,
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<OsvSeverity>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<OsvAffected>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<OsvReference>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

/// `severity[]`: a scoring system and its vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvSeverity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`.
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// `affected[]`: one package and the versions of it the record covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OsvAffected {
    #[serde(default)]
    pub package: Option<OsvPackage>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<OsvSeverity>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<OsvRange>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    #[serde(default)]
    pub ecosystem_specific: Option<Value>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvPackage {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub purl: Option<String>,
}

/// `ranges[]`: a list of events in one ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<OsvEvent>,
}

/// The ordering a range's events use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RangeKind {
    #[serde(rename = "SEMVER")]
    Semver,
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    #[serde(rename = "GIT")]
    Git,
    /// A type this schema version does not know; never matches.
    #[serde(other)]
    Unknown,
}

/// One event; exactly one field is set in a valid record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvReference {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub url: String,
}

/// Lists written as `null` (seen in real exports) read as empty.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Largest OSV record read (a PyPA record with every version listed is ~100 KiB).
pub const MAX_RECORD_BYTES: usize = 8 * 1024 * 1024;

/// Bounds on one record's shape, far above real data (the largest records
/// of the OSV, GHSA, PyPA, RustSec and OpenSSF data list ~1,100 versions and
/// ~50 events): matching costs versions × ranges × log(events) per record,
/// and a record over these is refused, not truncated (a cut range would
/// match wrongly).
pub const MAX_AFFECTED: usize = 10_000;
pub const MAX_RANGES_PER_PACKAGE: usize = 100;
pub const MAX_EVENTS_PER_RANGE: usize = 10_000;
pub const MAX_VERSIONS_PER_PACKAGE: usize = 100_000;
/// Σ over `affected[]` of versions × ranges, plus every event.
pub const MAX_RECORD_WORK: usize = 2_000_000;

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("record is {0} bytes, over the {MAX_RECORD_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("invalid OSV JSON: {0}")]
    Json(String),
    #[error("invalid OSV YAML: {0}")]
    Yaml(String),
    #[error("record has an empty `id`")]
    NoId,
    #[error("record {id}: {what}, over the limit of {limit}; the record was skipped")]
    TooComplex {
        id: String,
        what: String,
        limit: usize,
    },
}

/// Parses one OSV record from JSON.
pub fn parse_json(bytes: &[u8]) -> Result<OsvRecord, ParseError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(ParseError::TooLarge(bytes.len()));
    }
    let rec: OsvRecord =
        serde_json::from_slice(bytes).map_err(|e| ParseError::Json(e.to_string()))?;
    check(rec)
}

/// Parses one OSV record from YAML (PyPA's layout), with parser budgets
/// against alias bombs and deep nesting.
pub fn parse_yaml(text: &str) -> Result<OsvRecord, ParseError> {
    if text.len() > MAX_RECORD_BYTES {
        return Err(ParseError::TooLarge(text.len()));
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 500_000;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_depth = 64;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    let rec: OsvRecord = serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| ParseError::Yaml(first_line(&e.to_string())))?;
    check(rec)
}

fn check(rec: OsvRecord) -> Result<OsvRecord, ParseError> {
    if rec.id.trim().is_empty() {
        return Err(ParseError::NoId);
    }
    check_shape(&rec)?;
    Ok(rec)
}

/// Refuses records whose matching would cost more than the bounds allow.
fn check_shape(rec: &OsvRecord) -> Result<(), ParseError> {
    let over = |what: String, limit: usize| ParseError::TooComplex {
        id: chainwarden_core::excerpt::excerpt(rec.id.trim(), 100).into_owned(),
        what,
        limit,
    };
    if rec.affected.len() > MAX_AFFECTED {
        let n = rec.affected.len();
        return Err(over(format!("{n} affected packages"), MAX_AFFECTED));
    }
    let mut work = 0usize;
    for a in &rec.affected {
        if a.ranges.len() > MAX_RANGES_PER_PACKAGE {
            let n = a.ranges.len();
            return Err(over(
                format!("{n} ranges for one package"),
                MAX_RANGES_PER_PACKAGE,
            ));
        }
        if a.versions.len() > MAX_VERSIONS_PER_PACKAGE {
            let n = a.versions.len();
            return Err(over(
                format!("{n} versions for one package"),
                MAX_VERSIONS_PER_PACKAGE,
            ));
        }
        for r in &a.ranges {
            if r.events.len() > MAX_EVENTS_PER_RANGE {
                let n = r.events.len();
                return Err(over(format!("a range of {n} events"), MAX_EVENTS_PER_RANGE));
            }
            work = work.saturating_add(r.events.len());
        }
        work = work.saturating_add(a.versions.len().saturating_mul(a.ranges.len().max(1)));
    }
    if work > MAX_RECORD_WORK {
        return Err(over(
            format!("{work} versions × ranges and events"),
            MAX_RECORD_WORK,
        ));
    }
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_minimal_and_null_lists() {
        let r = parse_json(br#"{"id":"X-1","aliases":null,"affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}]}"#).unwrap();
        assert_eq!(r.id, "X-1");
        assert!(r.aliases.is_empty());
        assert_eq!(r.affected[0].ranges[0].kind, RangeKind::Ecosystem);
        assert_eq!(
            r.affected[0].ranges[0].events[1].fixed.as_deref(),
            Some("1.0")
        );
    }

    #[test]
    fn unknown_range_type_is_kept_as_unknown() {
        let r =
            parse_json(br#"{"id":"X","affected":[{"ranges":[{"type":"FUTURE","events":[]}]}]}"#)
                .unwrap();
        assert_eq!(r.affected[0].ranges[0].kind, RangeKind::Unknown);
    }

    #[test]
    fn rejects_missing_id_and_garbage() {
        assert!(matches!(parse_json(br#"{"id":""}"#), Err(ParseError::NoId)));
        assert!(matches!(parse_json(b"{not json"), Err(ParseError::Json(_))));
        assert!(matches!(
            parse_yaml("id: [unclosed"),
            Err(ParseError::Yaml(_))
        ));
    }

    #[test]
    fn yaml_scalars_read_as_strings() {
        let r = parse_yaml(
            "id: PYSEC-1\nmodified: 2021-01-01T00:00:00Z\naffected:\n- package:\n    name: lxml\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 3.3.5\n  versions:\n  - \"1.0\"\n  - 0.9.1\n",
        )
        .unwrap();
        assert_eq!(r.modified.as_deref(), Some("2021-01-01T00:00:00Z"));
        assert_eq!(r.affected[0].versions, vec!["1.0", "0.9.1"]);
        assert_eq!(
            r.affected[0].ranges[0].events[1].fixed.as_deref(),
            Some("3.3.5")
        );
    }

    #[test]
    fn records_too_costly_to_match_are_refused_naming_the_id() {
        let versions: Vec<String> = (0..25_000).map(|i| format!("\"1.{i}\"")).collect();
        let range = r#"{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}"#;
        let refusal = |ranges: usize| {
            let rec = format!(
                r#"{{"id":"MAL-9","affected":[{{"package":{{"ecosystem":"PyPI","name":"x"}},"versions":[{}],"ranges":[{}]}}]}}"#,
                versions.join(","),
                vec![range; ranges].join(",")
            );
            parse_json(rec.as_bytes())
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        let e = refusal(101);
        assert!(e.contains("MAL-9") && e.contains("101 ranges"), "{e}");
        let e = refusal(100);
        assert!(e.contains("2500100 versions × ranges"), "{e}");
    }

    #[test]
    fn yaml_alias_bomb_is_refused() {
        let mut y = String::from("id: X\nbomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..20 {
            let p = i - 1;
            y.push_str(&format!(
                "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let r = parse_yaml(&y);
        assert!(matches!(r, Err(ParseError::Yaml(_))), "{r:?}");
    }
}
