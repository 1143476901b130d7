//! chainwarden's own JSON report, `schema_version` 1.
//!
//! Schema: `docs/schema/chainwarden-report-v1.schema.json`; reference:
//! `docs/json-format.md`. Components and sources keep their inventory index
//! as `id`, so `findings[].component` and `components[].dependencies` refer
//! to them directly. Adding fields is compatible; renaming or removing one
//! bumps `schema_version`.

use crate::Report;
use chainwarden_core::finding::{AdvisoryInfo, KevInfo};
use chainwarden_core::inventory::InputError;
use chainwarden_core::{
    Component, Confidence, Finding, Hash, Location, Severity, Source, SourceKind,
};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The version of this format; bumped on incompatible changes only.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the JSON report.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_ordered(report, out)
}

/// The JSON report as a value (keys sorted; [`write()`] keeps document order).
pub fn to_value(report: &Report<'_>) -> io::Result<Value> {
    serde_json::to_value(document(report)?).map_err(io::Error::other)
}

/// Writes the JSON report, fields in the documented order.
fn write_ordered(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report)?).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn document<'r>(report: &'r Report<'_>) -> io::Result<Document<'r>> {
    let inv = report.inventory;
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    Ok(Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool::THIS,
        created: report.created_utc()?,
        target: &report.target,
        roots: inv.roots.iter().map(|r| r.to_string_lossy()).collect(),
        advisory_data: report.advisory_data.as_ref().map(|d| AdvisoryData {
            name: &d.name,
            date: &d.date,
            records: d.records,
        }),
        summary: Summary {
            sources: inv.sources.len(),
            components: inv.components.len(),
            findings: report.findings.len(),
            findings_by_severity: BySeverity {
                critical: count(Severity::Critical),
                high: count(Severity::High),
                medium: count(Severity::Medium),
                low: count(Severity::Low),
                info: count(Severity::Info),
            },
        },
        sources: inv
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| source(i, s))
            .collect(),
        components: inv
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| component(i, c))
            .collect(),
        findings: report.findings.iter().map(finding).collect(),
        notes: &report.notes,
        errors: inv.errors.iter().map(input_error).collect(),
    })
}

#[derive(Serialize)]
struct Document<'r> {
    schema_version: u32,
    tool: Tool,
    created: String,
    target: &'r str,
    roots: Vec<Cow<'r, str>>,
    advisory_data: Option<AdvisoryData<'r>>,
    summary: Summary,
    sources: Vec<SourceOut<'r>>,
    components: Vec<ComponentOut<'r>>,
    findings: Vec<FindingOut<'r>>,
    notes: &'r [String],
    errors: Vec<ErrorOut<'r>>,
}

/// `{ "name": "chainwarden", "version": … }`, in every JSON document we write.
#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    pub(crate) const THIS: Tool = Tool {
        name: chainwarden_core::TOOL_NAME,
        version: chainwarden_core::TOOL_VERSION,
    };
}

#[derive(Serialize)]
struct AdvisoryData<'r> {
    name: &'r str,
    date: &'r str,
    records: usize,
}

#[derive(Serialize)]
struct Summary {
    sources: usize,
    components: usize,
    findings: usize,
    findings_by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct SourceOut<'r> {
    id: usize,
    kind: SourceKind,
    path: Cow<'r, str>,
    format: &'r str,
    python_version: Option<&'r str>,
    properties: &'r BTreeMap<String, String>,
}

#[derive(Serialize)]
struct ComponentOut<'r> {
    id: usize,
    source: usize,
    ecosystem: &'static str,
    name: &'r str,
    display_name: &'r str,
    version: &'r str,
    purl: String,
    direct: Option<bool>,
    locations: Vec<LocationOut<'r>>,
    hashes: &'r [Hash],
    dependencies: Vec<usize>,
    properties: &'r BTreeMap<String, String>,
}

#[derive(Serialize)]
struct LocationOut<'r> {
    path: Cow<'r, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'r str>,
}

#[derive(Serialize)]
struct PackageOut<'r> {
    ecosystem: &'static str,
    name: &'r str,
    version: &'r str,
    purl: String,
}

#[derive(Serialize)]
struct FindingOut<'r> {
    rule: &'r str,
    severity: Severity,
    confidence: Confidence,
    message: &'r str,
    component: Option<usize>,
    package: Option<PackageOut<'r>>,
    location: Option<LocationOut<'r>>,
    evidence: &'r [String],
    remediation: &'r str,
    advisory: Option<AdvisoryOut<'r>>,
}

#[derive(Serialize)]
struct AdvisoryOut<'r> {
    id: &'r str,
    aliases: &'r [String],
    summary: &'r str,
    fixed: &'r [String],
    references: &'r [String],
    cvss: &'r [String],
    source: &'r str,
    published: Option<&'r str>,
    modified: Option<&'r str>,
    kev: Option<KevOut<'r>>,
}

#[derive(Serialize)]
struct KevOut<'r> {
    cve: &'r str,
    date_added: &'r str,
    due_date: &'r str,
    required_action: &'r str,
}

#[derive(Serialize)]
struct ErrorOut<'r> {
    path: Cow<'r, str>,
    message: &'r str,
}

fn source(id: usize, s: &Source) -> SourceOut<'_> {
    SourceOut {
        id,
        kind: s.kind,
        path: s.path.to_string_lossy(),
        format: &s.format,
        python_version: s.python_version.as_deref(),
        properties: &s.properties,
    }
}

fn component(id: usize, c: &Component) -> ComponentOut<'_> {
    ComponentOut {
        id,
        source: c.source.0,
        ecosystem: c.package.ecosystem.osv_name(),
        name: &c.package.name,
        display_name: &c.display_name,
        version: &c.package.version,
        purl: c.package.purl(),
        direct: c.direct,
        locations: c.locations.iter().map(location).collect(),
        hashes: &c.hashes,
        dependencies: c.dependencies.iter().map(|d| d.0).collect(),
        properties: &c.properties,
    }
}

fn location(l: &Location) -> LocationOut<'_> {
    LocationOut {
        path: l.path.to_string_lossy(),
        line: l.line,
        detail: l.detail.as_deref(),
    }
}

fn finding(f: &Finding) -> FindingOut<'_> {
    FindingOut {
        rule: &f.rule,
        severity: f.severity,
        confidence: f.confidence,
        message: &f.message,
        component: f.component.map(|c| c.0),
        package: f.package.as_ref().map(|p| PackageOut {
            ecosystem: p.ecosystem.osv_name(),
            name: &p.name,
            version: &p.version,
            purl: p.purl(),
        }),
        location: f.location.as_ref().map(location),
        evidence: &f.evidence,
        remediation: &f.remediation,
        advisory: f.advisory.as_ref().map(advisory),
    }
}

fn advisory(a: &AdvisoryInfo) -> AdvisoryOut<'_> {
    AdvisoryOut {
        id: &a.id,
        aliases: &a.aliases,
        summary: &a.summary,
        fixed: &a.fixed,
        references: &a.references,
        cvss: &a.cvss,
        source: &a.source,
        published: a.published.as_deref(),
        modified: a.modified.as_deref(),
        kev: a.kev.as_ref().map(kev),
    }
}

fn kev(k: &KevInfo) -> KevOut<'_> {
    KevOut {
        cve: &k.cve,
        date_added: &k.date_added,
        due_date: &k.due_date,
        required_action: &k.required_action,
    }
}

fn input_error(e: &InputError) -> ErrorOut<'_> {
    ErrorOut {
        path: e.path.to_string_lossy(),
        message: &e.message,
    }
}
