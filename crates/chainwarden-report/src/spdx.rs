//! SPDX 2.3 JSON.
//!
//! - `documentNamespace` is `https://spdx.org/spdxdocs/chainwarden/<name>-<uuid>`
//!   with a UUID shaped as version 4 from the SHA-256 of the document's
//!   content, so the same scan at the same time gives the same namespace.
//! - One package per component instance (`SPDXRef-Package-<index>-<name>-<version>`);
//!   `SPDXRef-DOCUMENT DESCRIBES` each root component (declared direct, or
//!   required by nothing), and `DEPENDS_ON` relationships follow the graph.
//!   A scan without components describes one package standing for the
//!   target (`SPDXRef-Target`), as SPDX requires a described element.
//! - Licenses are stated only when they are known SPDX ids (see `license`);
//!   any other declared license is quoted in `licenseComments`.
//! - Components with an advisory finding carry a `SECURITY`/`advisory`
//!   external reference per advisory.

use crate::ids::{self, advisory, advisory_source, finding_component, hash_algorithm, spdx_id};
use crate::license::{self, License};
use crate::{Report, write_json};
use chainwarden_core::{Component, ComponentId, Ecosystem};
use serde_json::{Value, json};
use std::io::{self, Write};

pub const SPDX_VERSION: &str = "SPDX-2.3";
const NOASSERTION: &str = "NOASSERTION";
/// The package standing for the scan target when no component was found.
pub const TARGET_ID: &str = "SPDXRef-Target";

/// Writes the SPDX document.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_json(&to_value(report)?, out)
}

/// The SPDX document as a value.
pub fn to_value(report: &Report<'_>) -> io::Result<Value> {
    let inv = report.inventory;
    let created = report.created_utc()?;
    // Advisory ids per component, in finding order, each once.
    let mut advisories: Vec<Vec<&str>> = vec![Vec::new(); inv.components.len()];
    for f in report.findings {
        if let Some(a) = advisory(f)
            && let Some(id) = finding_component(inv, f)
            && let Some(list) = advisories.get_mut(id.0)
            && !list.contains(&a.id.as_str())
        {
            list.push(&a.id);
        }
    }
    let mut packages: Vec<Value> = inv
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| package(report, &advisories, ComponentId(i), c))
        .collect();
    // SPDX requires the document to describe something: every component
    // when none is a root (a dependency cycle), the target when none exist.
    let mut described: Vec<String> = ids::roots(inv)
        .into_iter()
        .map(|id| spdx_id(id, inv.component(id)))
        .collect();
    if described.is_empty() {
        described = inv
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| spdx_id(ComponentId(i), c))
            .collect();
    }
    if described.is_empty() {
        packages.push(json!({
            "SPDXID": TARGET_ID,
            "name": report.target,
            "downloadLocation": NOASSERTION,
            "filesAnalyzed": false,
            "licenseConcluded": NOASSERTION,
            "licenseDeclared": NOASSERTION,
            "copyrightText": NOASSERTION,
            "comment": "The scanned target; the scan found no packages in it.",
        }));
        described.push(TARGET_ID.to_string());
    }
    let mut relationships: Vec<Value> = described
        .iter()
        .map(|id| relationship("SPDXRef-DOCUMENT", "DESCRIBES", id))
        .collect();
    for (i, c) in inv.components.iter().enumerate() {
        let from = spdx_id(ComponentId(i), c);
        for d in ids::dependencies(inv, c) {
            relationships.push(relationship(
                &from,
                "DEPENDS_ON",
                &spdx_id(d, inv.component(d)),
            ));
        }
    }
    let mut comment = format!("Scan of {}.", report.target);
    if let Some(d) = &report.advisory_data {
        comment.push_str(&format!(
            " Advisory data: {} ({}, {} records).",
            d.name, d.date, d.records
        ));
    }
    for note in &report.notes {
        comment.push_str(&format!(" Note: {note}"));
    }
    let name = format!("chainwarden-{}", document_name(&report.target));
    let mut doc = json!({
        "spdxVersion": SPDX_VERSION,
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": "",
        "comment": comment,
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: {}-{}", chainwarden_core::TOOL_NAME, chainwarden_core::TOOL_VERSION)],
        },
        "packages": packages,
        "relationships": relationships,
    });
    let content = serde_json::to_vec(&doc).map_err(io::Error::other)?;
    doc["documentNamespace"] = json!(format!(
        "https://spdx.org/spdxdocs/chainwarden/{}-{}",
        name,
        ids::uuid_from_content(&content)
    ));
    Ok(doc)
}

/// The last path segment of the target, as a readable document name.
fn document_name(target: &str) -> String {
    let trimmed = target.trim_end_matches(['/', '\\']);
    let last = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    let clean: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if clean.is_empty() {
        "scan".to_string()
    } else {
        clean
    }
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({"spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to})
}

fn package(report: &Report<'_>, advisories: &[Vec<&str>], id: ComponentId, c: &Component) -> Value {
    let mut refs = vec![json!({
        "referenceCategory": "PACKAGE-MANAGER",
        "referenceType": "purl",
        "referenceLocator": c.package.purl(),
    })];
    let advisories: &[&str] = advisories.get(id.0).map(Vec::as_slice).unwrap_or(&[]);
    for a in advisories {
        refs.push(json!({
            "referenceCategory": "SECURITY",
            "referenceType": "advisory",
            "referenceLocator": advisory_source(a).1,
        }));
    }
    let checksums: Vec<Value> = c
        .hashes
        .iter()
        .filter(|h| ids::valid_hex_digest(&h.value))
        .filter_map(|h| {
            let (_, alg) = hash_algorithm(&h.algorithm)?;
            Some(json!({"algorithm": alg, "checksumValue": h.value.to_ascii_lowercase()}))
        })
        .collect();
    let mut p = json!({
        "SPDXID": spdx_id(id, c),
        "name": c.display_name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "externalRefs": refs,
    });
    if !c.package.version.is_empty() {
        p["versionInfo"] = json!(c.package.version);
    }
    if !checksums.is_empty() {
        p["checksums"] = Value::Array(checksums);
    }
    p["primaryPackagePurpose"] = json!(match c.package.ecosystem {
        Ecosystem::Oci => "CONTAINER",
        Ecosystem::GitHubActions => "APPLICATION",
        _ => "LIBRARY",
    });
    match c
        .properties
        .get("license")
        .and_then(|l| license::classify(l))
    {
        Some(License::Id(l)) => p["licenseDeclared"] = json!(l),
        Some(License::Expression(e)) => p["licenseDeclared"] = json!(e),
        Some(License::Text(t)) => p["licenseComments"] = json!(format!("Declared license: {t}")),
        None => {}
    }
    if let Some(source) = report.inventory.sources.get(c.source.0) {
        let mut comment = format!(
            "Found in {} ({}).",
            source.path.to_string_lossy(),
            source.format
        );
        if let Some(l) = c.locations.first() {
            comment.push_str(&format!(" Location: {}.", l.path.to_string_lossy()));
        }
        p["comment"] = json!(comment);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_are_last_segments() {
        assert_eq!(document_name("/srv/app/"), "app");
        assert_eq!(document_name("C:\\proj\\uv.lock"), "uv.lock");
        assert_eq!(document_name("image:tag@x"), "image-tag-x");
        assert_eq!(document_name("/"), "scan");
    }
}
