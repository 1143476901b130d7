//! CycloneDX 1.6 JSON.
//!
//! - `serialNumber` is `urn:uuid:` + a UUID shaped as version 4 from the
//!   SHA-256 of the rest of the document: the same scan at the same `created`
//!   time gives the same serial number, any change gives a new one.
//! - Each component instance gets its own `bom-ref`
//!   (`component-<index>:<purl>`): the same package in two sources is two
//!   components. The scan target is `metadata.component` (`bom-ref`
//!   `target`) and depends on the root components.
//! - Findings with an advisory become `vulnerabilities`, one per advisory id,
//!   each affecting every component it was found in. Other findings (hooks,
//!   integrity, policy) have no CycloneDX form: use SARIF or JSON for those.

use crate::cvss;
use crate::ids::{self, advisory, advisory_source, bom_ref, finding_component, hash_algorithm};
use crate::license::{self, License};
use crate::{Report, normalize_rfc3339, write_json};
use chainwarden_core::{Component, ComponentId, Ecosystem, Finding, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

pub const SPEC_VERSION: &str = "1.6";
/// The `bom-ref` of `metadata.component`, the scanned target.
pub const TARGET_REF: &str = "target";

/// Writes the CycloneDX BOM.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_json(&to_value(report)?, out)
}

/// The CycloneDX BOM as a value.
pub fn to_value(report: &Report<'_>) -> io::Result<Value> {
    let inv = report.inventory;
    let created = report.created_utc()?;
    let components: Vec<Value> = inv
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| component(report, ComponentId(i), c))
        .collect();
    let mut dependencies = vec![json!({
        "ref": TARGET_REF,
        "dependsOn": ids::roots(inv)
            .into_iter()
            .map(|id| bom_ref(id, inv.component(id)))
            .collect::<Vec<_>>(),
    })];
    for (i, c) in inv.components.iter().enumerate() {
        let depends: Vec<String> = ids::dependencies(inv, c)
            .into_iter()
            .map(|d| bom_ref(d, inv.component(d)))
            .collect();
        dependencies.push(json!({"ref": bom_ref(ComponentId(i), c), "dependsOn": depends}));
    }
    let mut metadata_properties: Vec<Value> = report
        .notes
        .iter()
        .map(|n| property("chainwarden:note", n))
        .collect();
    if let Some(d) = &report.advisory_data {
        metadata_properties.push(property("chainwarden:advisory-data:name", &d.name));
        metadata_properties.push(property("chainwarden:advisory-data:date", &d.date));
        metadata_properties.push(property(
            "chainwarden:advisory-data:records",
            &d.records.to_string(),
        ));
    }
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "timestamp": created,
            "tools": {"components": [{
                "type": "application",
                "name": chainwarden_core::TOOL_NAME,
                "version": chainwarden_core::TOOL_VERSION,
            }]},
            "component": {"type": "application", "bom-ref": TARGET_REF, "name": report.target},
        },
        "components": components,
        "dependencies": dependencies,
        "vulnerabilities": vulnerabilities(report),
    });
    if !metadata_properties.is_empty() {
        bom["metadata"]["properties"] = Value::Array(metadata_properties);
    }
    let content = serde_json::to_vec(&bom).map_err(io::Error::other)?;
    bom["serialNumber"] = json!(format!("urn:uuid:{}", ids::uuid_from_content(&content)));
    Ok(bom)
}

fn property(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

fn component(report: &Report<'_>, id: ComponentId, c: &Component) -> Value {
    let kind = match c.package.ecosystem {
        Ecosystem::Oci => "container",
        Ecosystem::GitHubActions => "application",
        _ => "library",
    };
    let mut v = json!({
        "type": kind,
        "bom-ref": bom_ref(id, c),
        "name": c.display_name,
        "purl": c.package.purl(),
    });
    if !c.package.version.is_empty() {
        v["version"] = json!(c.package.version);
    }
    let hashes: Vec<Value> = c
        .hashes
        .iter()
        .filter(|h| ids::valid_hex_digest(&h.value))
        .filter_map(|h| {
            let (alg, _) = hash_algorithm(&h.algorithm)?;
            Some(json!({"alg": alg, "content": h.value.to_ascii_lowercase()}))
        })
        .collect();
    if !hashes.is_empty() {
        v["hashes"] = Value::Array(hashes);
    }
    if let Some(l) = c
        .properties
        .get("license")
        .and_then(|l| license::classify(l))
    {
        v["licenses"] = json!([match l {
            License::Id(id) => json!({"license": {"id": id}}),
            License::Expression(e) => json!({"expression": e}),
            License::Text(t) => json!({"license": {"name": t}}),
        }]);
    }
    let mut props = Vec::new();
    if let Some(source) = report.inventory.sources.get(c.source.0) {
        props.push(property(
            "chainwarden:source",
            &source.path.to_string_lossy(),
        ));
        props.push(property("chainwarden:source-format", &source.format));
    }
    for l in &c.locations {
        let text = match l.line {
            Some(line) => format!("{}:{line}", l.path.to_string_lossy()),
            None => l.path.to_string_lossy().into_owned(),
        };
        props.push(property("chainwarden:location", &text));
    }
    if let Some(direct) = c.direct {
        props.push(property("chainwarden:direct", &direct.to_string()));
    }
    for (k, val) in &c.properties {
        if k != "license" {
            props.push(property(&format!("chainwarden:{k}"), val));
        }
    }
    v["properties"] = Value::Array(props);
    v
}

/// One vulnerability per advisory id, in order of first appearance.
fn vulnerabilities(report: &Report<'_>) -> Vec<Value> {
    let inv = report.inventory;
    let mut order: Vec<String> = Vec::new();
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in report.findings {
        let Some(a) = advisory(f) else { continue };
        match order.iter().position(|id| *id == a.id) {
            Some(i) => {
                if let Some(g) = groups.get_mut(i) {
                    g.push(f);
                }
            }
            None => {
                order.push(a.id.clone());
                groups.push(vec![f]);
            }
        }
    }
    groups
        .iter()
        .filter_map(|group| {
            let first = group.first()?;
            let a = advisory(first)?;
            let severity = group
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(first.severity);
            let (source_name, source_url) = advisory_source(&a.id);
            let mut v = json!({
                "bom-ref": format!("vulnerability:{}", a.id),
                "id": a.id,
                "source": {"name": source_name, "url": source_url},
                "ratings": ratings(&a.cvss, severity, source_name, &source_url),
                "description": if a.summary.is_empty() { &first.message } else { &a.summary },
                "detail": first.message,
                "recommendation": recommendation(first, &a.fixed),
            });
            let aliases: Vec<Value> = a
                .aliases
                .iter()
                .filter(|alias| **alias != a.id)
                .map(|alias| {
                    let (name, url) = advisory_source(alias);
                    json!({"id": alias, "source": {"name": name, "url": url}})
                })
                .collect();
            if !aliases.is_empty() {
                v["references"] = Value::Array(aliases);
            }
            let advisories: Vec<Value> = a
                .references
                .iter()
                .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
                .map(|r| json!({"url": r}))
                .collect();
            if !advisories.is_empty() {
                v["advisories"] = Value::Array(advisories);
            }
            if let Some(p) = a.published.as_deref().and_then(normalize_rfc3339) {
                v["published"] = json!(p);
            }
            if let Some(m) = a.modified.as_deref().and_then(normalize_rfc3339) {
                v["updated"] = json!(m);
            }
            let mut affects: Vec<Value> = Vec::new();
            let mut seen: Vec<ComponentId> = Vec::new();
            for f in group {
                let Some(id) = finding_component(inv, f) else {
                    continue;
                };
                if seen.contains(&id) {
                    continue;
                }
                seen.push(id);
                let c = inv.component(id);
                affects.push(json!({
                    "ref": bom_ref(id, c),
                    "versions": [{"version": c.package.version, "status": "affected"}],
                }));
            }
            if !affects.is_empty() {
                v["affects"] = Value::Array(affects);
            }
            let mut props = vec![property("chainwarden:rule", &first.rule)];
            if !a.source.is_empty() {
                props.push(property("chainwarden:advisory-source", &a.source));
            }
            for fixed in &a.fixed {
                props.push(property("chainwarden:fixed-version", fixed));
            }
            if let Some(k) = &a.kev {
                props.push(property("chainwarden:kev:cve", &k.cve));
                props.push(property("chainwarden:kev:date-added", &k.date_added));
                props.push(property("chainwarden:kev:due-date", &k.due_date));
                if !k.required_action.is_empty() {
                    props.push(property(
                        "chainwarden:kev:required-action",
                        &k.required_action,
                    ));
                }
            }
            v["properties"] = Value::Array(props);
            Some(v)
        })
        .collect()
}

/// The CycloneDX severity names are ours, except `info`.
fn severity_name(s: Severity) -> &'static str {
    s.as_str()
}

/// One rating per CVSS vector (with its method), or one plain rating when
/// the advisory gives none. CVSS v3 ratings carry the computed base score
/// and its severity; others carry the finding's severity.
fn ratings(cvss: &[String], severity: Severity, source: &str, url: &str) -> Vec<Value> {
    let mut out: Vec<Value> = cvss
        .iter()
        .map(|vector| {
            let method = match vector.split('/').next() {
                Some("CVSS:3.1") => "CVSSv31",
                Some("CVSS:3.0") => "CVSSv3",
                Some("CVSS:4.0") => "CVSSv4",
                Some(first) if first.starts_with("AV:") => "CVSSv2",
                _ => "other",
            };
            let mut rating = json!({
                "source": {"name": source, "url": url},
                "severity": severity_name(severity),
                "method": method,
                "vector": vector,
            });
            if let Some(score) = cvss::base_score_v3(vector) {
                rating["score"] = json!(score);
                rating["severity"] = json!(cvss::rating(score));
            }
            rating
        })
        .collect();
    if out.is_empty() {
        out.push(json!({
            "source": {"name": chainwarden_core::TOOL_NAME},
            "severity": severity_name(severity),
            "method": "other",
        }));
    }
    out
}

fn recommendation(f: &Finding, fixed: &[String]) -> String {
    let mut text = String::new();
    if !fixed.is_empty()
        && let Some(p) = &f.package
    {
        text = format!("Upgrade {} to {}.", p.name, fixed.join(" or "));
    }
    if !f.remediation.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&f.remediation);
    }
    text
}
