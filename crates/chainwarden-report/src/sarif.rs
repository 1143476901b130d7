//! SARIF 2.1.0: findings only (the inventory belongs in an SBOM).
//!
//! - `rules[]` holds the rules that appear, in order of first appearance,
//!   from the [`RuleMeta`] the caller passed (a rule without metadata still
//!   gets an entry with its id, so `ruleIndex` always resolves).
//! - Paths under a scan root are relative with `uriBaseId` `SRCROOT` (the
//!   first root; `SRCROOT2`… for the others), declared in
//!   `originalUriBaseIds` when the root is absolute; other paths are
//!   absolute `file://` URIs.
//! - `partialFingerprints["chainwarden/v1"]` hashes rule, package and
//!   relative path (not the line, which moves with unrelated edits).
//! - `properties.security-severity` follows GitHub code scanning's scale:
//!   the CVSS v3 base score when the advisory has one, else by severity.

use crate::ids::{advisory, finding_component, sha256_hex};
use crate::paths::{file_uri, relative_to_roots, root_base_uri};
use crate::{Report, write_json};
use chainwarden_core::finding::RuleMeta;
use chainwarden_core::{Finding, Location, Severity};
use serde_json::{Map, Value, json};
use std::io::{self, Write};
use std::path::Path;

pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Where the rule documentation lives; `helpUri` adds `#<rule anchor>`.
pub const RULES_DOC: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

/// Writes the SARIF log.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_json(&to_value(report)?, out)
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like score).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// The highest CVSS v3 base score of a finding's advisory, else the score
/// its severity maps to.
fn finding_security_severity(f: &Finding) -> String {
    advisory(f)
        .and_then(|a| {
            a.cvss
                .iter()
                .filter_map(|v| crate::cvss::base_score_v3(v))
                .reduce(f64::max)
        })
        .map(|score| format!("{score:.1}"))
        .unwrap_or_else(|| security_severity(f.severity).to_string())
}

/// The SARIF log as a value.
pub fn to_value(report: &Report<'_>) -> io::Result<Value> {
    // Validate the time even though SARIF has no creation field, so every
    // machine format fails the same way on a bad value.
    let created = report.created_utc()?;
    let mut rule_ids: Vec<&str> = Vec::new();
    for f in report.findings {
        if !rule_ids.contains(&f.rule.as_str()) {
            rule_ids.push(&f.rule);
        }
    }
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| match report.rule(id) {
            Some(meta) => rule(meta),
            None => json!({"id": id}),
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = rule_ids.iter().position(|id| *id == f.rule).unwrap_or(0);
            result(report, f, index)
        })
        .collect();
    let mut bases = Map::new();
    for (i, root) in report.inventory.roots.iter().enumerate() {
        let is_file = report.inventory.sources.iter().any(|s| &s.path == root);
        if let Some(uri) = root_base_uri(root, is_file) {
            bases.insert(base_id(i), json!({"uri": uri}));
        }
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": chainwarden_core::TOOL_NAME,
            "version": chainwarden_core::TOOL_VERSION,
            "semanticVersion": chainwarden_core::TOOL_VERSION,
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        }},
        "results": results,
        "properties": {"target": report.target, "created": created, "notes": report.notes},
    });
    if !bases.is_empty() {
        run["originalUriBaseIds"] = Value::Object(bases);
    }
    Ok(json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [run],
    }))
}

fn base_id(root_index: usize) -> String {
    if root_index == 0 {
        "SRCROOT".to_string()
    } else {
        format!("SRCROOT{}", root_index + 1)
    }
}

/// `advisory/malicious` → `AdvisoryMalicious`.
fn rule_name(id: &str) -> String {
    id.split(['/', '-', '_'])
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn rule(meta: &RuleMeta) -> Value {
    let family = meta.id.split('/').next().unwrap_or(meta.id);
    json!({
        "id": meta.id,
        "name": rule_name(meta.id),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.why},
        "help": {
            "text": format!("{}\n\nWhy: {}\n\nFix: {}", meta.summary, meta.why, meta.fix),
            "markdown": format!(
                "**{}**\n\n{}\n\n**Fix:** {}\n\nSee [{}]({}#{}).",
                meta.summary, meta.why, meta.fix, meta.id, RULES_DOC, meta.docs_anchor()
            ),
        },
        "helpUri": format!("{RULES_DOC}#{}", meta.docs_anchor()),
        "defaultConfiguration": {"level": level(meta.default_severity)},
        "properties": {
            "tags": ["security", "supply-chain", family],
            "security-severity": security_severity(meta.default_severity),
        },
    })
}

/// The location a finding points at: its own, else its component's first.
fn finding_location<'r>(report: &'r Report<'_>, f: &'r Finding) -> Option<&'r Location> {
    f.location.as_ref().or_else(|| {
        let id = finding_component(report.inventory, f)?;
        report.inventory.component(id).locations.first()
    })
}

fn artifact_location(report: &Report<'_>, path: &Path) -> (Value, String) {
    match relative_to_roots(path, &report.inventory.roots) {
        Some((i, rel)) => (
            json!({"uri": crate::paths::encode_uri_path(&rel), "uriBaseId": base_id(i)}),
            rel,
        ),
        None => {
            let uri = file_uri(path);
            (json!({"uri": uri}), path.to_string_lossy().into_owned())
        }
    }
}

fn result(report: &Report<'_>, f: &Finding, rule_index: usize) -> Value {
    let mut v = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": f.message},
    });
    let mut fingerprint_path = String::new();
    if let Some(loc) = finding_location(report, f) {
        let (artifact, shown) = artifact_location(report, &loc.path);
        fingerprint_path = shown;
        let mut physical = json!({"artifactLocation": artifact});
        if let Some(line) = loc.line.filter(|l| *l >= 1) {
            physical["region"] = json!({"startLine": line});
        }
        let mut location = json!({"physicalLocation": physical});
        if let Some(p) = &f.package {
            location["logicalLocations"] = json!([{
                "name": p.name,
                "fullyQualifiedName": p.purl(),
                "kind": "package",
            }]);
        }
        v["locations"] = json!([location]);
    }
    let purl = f.package.as_ref().map(|p| p.purl()).unwrap_or_default();
    v["partialFingerprints"] = json!({
        "chainwarden/v1": sha256_hex(&[&f.rule, &purl, &fingerprint_path]),
    });
    let mut props = json!({
        "severity": f.severity,
        "confidence": f.confidence,
        "security-severity": finding_security_severity(f),
        "remediation": f.remediation,
    });
    if !purl.is_empty() {
        props["purl"] = json!(purl);
    }
    if !f.evidence.is_empty() {
        props["evidence"] = json!(f.evidence);
    }
    if let Some(a) = advisory(f) {
        let mut ids = vec![a.id.clone()];
        ids.extend(a.aliases.iter().filter(|x| **x != a.id).cloned());
        props["advisoryIds"] = json!(ids);
        if !a.fixed.is_empty() {
            props["fixedVersions"] = json!(a.fixed);
        }
        if !a.cvss.is_empty() {
            props["cvss"] = json!(a.cvss);
        }
        if let Some(k) = &a.kev {
            props["kev"] = json!({"cve": k.cve, "dateAdded": k.date_added, "dueDate": k.due_date});
        }
    }
    v["properties"] = props;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_names() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(rule_name("advisory/malicious"), "AdvisoryMalicious");
        assert_eq!(rule_name("hook/pth-exec"), "HookPthExec");
    }
}
