//! chainwarden's own JSON report, `schema_version` 1.
//!
//! Schema: `docs/schema/chainwarden-report-v1.schema.json`; reference:
//! `docs/json-format.md`. Components and sources keep their inventory index
//! as `id`, so `findings[].component` and `components[].dependencies` refer
//! to them directly. Adding fields is compatible; renaming or removing one
//! bumps `schema_version`.

use crate::{Report, write_json};
use chainwarden_core::finding::AdvisoryInfo;
use chainwarden_core::inventory::InputError;
use chainwarden_core::{Component, Finding, Hash, Location, Package, Severity, Source};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The version of this format; bumped on incompatible changes only.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the JSON report.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_json(&to_value(report)?, out)
}

/// The JSON report as a value.
pub fn to_value(report: &Report<'_>) -> io::Result<Value> {
    let inv = report.inventory;
    let mut by_severity = Map::new();
    for s in Severity::ALL.iter().rev() {
        let n = report.findings.iter().filter(|f| f.severity == *s).count();
        by_severity.insert(s.as_str().to_string(), json!(n));
    }
    Ok(json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": chainwarden_core::TOOL_NAME, "version": chainwarden_core::TOOL_VERSION},
        "created": report.created_utc()?,
        "target": report.target,
        "roots": inv.roots.iter().map(|r| r.to_string_lossy()).collect::<Vec<_>>(),
        "advisory_data": report.advisory_data.as_ref().map(|d| json!({
            "name": d.name, "date": d.date, "records": d.records,
        })),
        "summary": {
            "sources": inv.sources.len(),
            "components": inv.components.len(),
            "findings": report.findings.len(),
            "findings_by_severity": by_severity,
        },
        "sources": inv.sources.iter().enumerate().map(|(i, s)| source(i, s)).collect::<Vec<_>>(),
        "components": inv.components.iter().enumerate().map(|(i, c)| component(i, c)).collect::<Vec<_>>(),
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "notes": report.notes,
        "errors": inv.errors.iter().map(input_error).collect::<Vec<_>>(),
    }))
}

fn source(id: usize, s: &Source) -> Value {
    json!({
        "id": id,
        "kind": s.kind,
        "path": s.path.to_string_lossy(),
        "format": s.format,
        "python_version": s.python_version,
        "properties": s.properties,
    })
}

fn component(id: usize, c: &Component) -> Value {
    json!({
        "id": id,
        "source": c.source.0,
        "ecosystem": c.package.ecosystem.osv_name(),
        "name": c.package.name,
        "display_name": c.display_name,
        "version": c.package.version,
        "purl": c.package.purl(),
        "direct": c.direct,
        "locations": c.locations.iter().map(location).collect::<Vec<_>>(),
        "hashes": c.hashes.iter().map(hash).collect::<Vec<_>>(),
        "dependencies": c.dependencies.iter().map(|d| d.0).collect::<Vec<_>>(),
        "properties": c.properties,
    })
}

fn package(p: &Package) -> Value {
    json!({
        "ecosystem": p.ecosystem.osv_name(),
        "name": p.name,
        "version": p.version,
        "purl": p.purl(),
    })
}

fn location(l: &Location) -> Value {
    let mut m = Map::new();
    m.insert("path".into(), json!(l.path.to_string_lossy()));
    if let Some(line) = l.line {
        m.insert("line".into(), json!(line));
    }
    if let Some(detail) = &l.detail {
        m.insert("detail".into(), json!(detail));
    }
    Value::Object(m)
}

fn hash(h: &Hash) -> Value {
    json!({"algorithm": h.algorithm, "value": h.value})
}

fn finding(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity,
        "confidence": f.confidence,
        "message": f.message,
        "component": f.component.map(|c| c.0),
        "package": f.package.as_ref().map(package),
        "location": f.location.as_ref().map(location),
        "evidence": f.evidence,
        "remediation": f.remediation,
        "advisory": f.advisory.as_ref().map(advisory),
    })
}

fn advisory(a: &AdvisoryInfo) -> Value {
    json!({
        "id": a.id,
        "aliases": a.aliases,
        "summary": a.summary,
        "fixed": a.fixed,
        "references": a.references,
        "cvss": a.cvss,
        "source": a.source,
        "published": a.published,
        "modified": a.modified,
        "kev": a.kev.as_ref().map(|k| json!({
            "cve": k.cve,
            "date_added": k.date_added,
            "due_date": k.due_date,
            "required_action": k.required_action,
        })),
    })
}

fn input_error(e: &InputError) -> Value {
    json!({"path": e.path.to_string_lossy(), "message": e.message})
}
