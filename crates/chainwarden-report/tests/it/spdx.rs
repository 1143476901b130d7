use crate::fixture::{self, CREATED_UTC};
use crate::validate::{self, SPDX_SCHEMA};
use crate::{array, parse};
use chainwarden_report::Format;
use serde_json::Value;
use std::collections::BTreeSet;

fn doc() -> Value {
    let owned = fixture::owned();
    parse(&validate::assert_valid(Format::Spdx, &owned.report()))
}

fn valid_spdx_id(id: &str) -> bool {
    id.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

#[test]
fn document_header() {
    let doc = doc();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["name"], "chainwarden-litellm-1.82.8");
    let ns = doc["documentNamespace"].as_str().expect("namespace");
    let uuid = ns
        .strip_prefix("https://spdx.org/spdxdocs/chainwarden/chainwarden-litellm-1.82.8-")
        .unwrap_or_else(|| panic!("namespace {ns}"));
    assert_eq!(uuid.len(), 36);
    assert!(!ns.contains('#'));
    assert_eq!(doc["creationInfo"]["created"], CREATED_UTC);
    assert_eq!(
        doc["creationInfo"]["creators"][0],
        format!("Tool: chainwarden-{}", chainwarden_core::TOOL_VERSION)
    );
}

#[test]
fn packages_carry_ids_purls_checksums_and_licenses() {
    let doc = doc();
    let packages = array(&doc, "packages");
    assert_eq!(packages.len(), 4);
    let ids: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["SPDXID"].as_str().expect("SPDXID"))
        .collect();
    assert_eq!(ids.len(), 4, "unique SPDX ids: {ids:?}");
    assert!(ids.iter().all(|id| valid_spdx_id(id)), "{ids:?}");
    for p in packages {
        assert_eq!(p["downloadLocation"], "NOASSERTION");
        assert_eq!(p["filesAnalyzed"], false);
        assert_eq!(p["licenseConcluded"], "NOASSERTION");
        let purl = &p["externalRefs"][0];
        assert_eq!(purl["referenceCategory"], "PACKAGE-MANAGER");
        assert_eq!(purl["referenceType"], "purl");
        assert!(
            purl["referenceLocator"]
                .as_str()
                .is_some_and(|l| l.starts_with("pkg:pypi/"))
        );
    }
    let litellm = &packages[0];
    assert_eq!(litellm["name"], "litellm");
    assert_eq!(litellm["versionInfo"], "1.82.8");
    assert_eq!(litellm["licenseDeclared"], "MIT");
    assert_eq!(litellm["checksums"][0]["algorithm"], "SHA256");
    let advisories: Vec<&str> = array(litellm, "externalRefs")
        .iter()
        .filter(|r| r["referenceCategory"] == "SECURITY")
        .filter_map(|r| r["referenceLocator"].as_str())
        .collect();
    assert_eq!(
        advisories,
        [
            "https://osv.dev/vulnerability/MAL-2026-2144",
            "https://github.com/advisories/GHSA-v4p8-mg3p-g94g"
        ]
    );
    assert_eq!(packages[1]["licenseDeclared"], "Apache-2.0");
    let setuptools = &packages[2];
    assert_eq!(setuptools["licenseDeclared"], "NOASSERTION");
    assert_eq!(
        setuptools["licenseComments"],
        "Declared license: MIT License (see LICENSE)"
    );
    assert_eq!(packages[3]["name"], "LiteLLM");
    assert_eq!(array(&packages[3], "checksums").len(), 1, "crc32 left out");
}

#[test]
fn relationships_describe_roots_and_follow_dependencies() {
    let doc = doc();
    let packages = array(&doc, "packages");
    let id = |i: usize| packages[i]["SPDXID"].as_str().expect("id").to_string();
    let rels: Vec<(String, String, String)> = array(&doc, "relationships")
        .iter()
        .map(|r| {
            (
                r["spdxElementId"].as_str().unwrap_or("").to_string(),
                r["relationshipType"].as_str().unwrap_or("").to_string(),
                r["relatedSpdxElement"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let doc_id = "SPDXRef-DOCUMENT".to_string();
    assert_eq!(
        rels,
        vec![
            (doc_id.clone(), "DESCRIBES".into(), id(0)),
            (doc_id.clone(), "DESCRIBES".into(), id(2)),
            (doc_id, "DESCRIBES".into(), id(3)),
            (id(0), "DEPENDS_ON".into(), id(1)),
        ]
    );
}

#[test]
fn the_validators_reject_broken_documents() {
    let good = doc();
    // The 2.3 schema checks types and required fields...
    let mut doc = good.clone();
    doc["packages"][0]["filesAnalyzed"] = Value::from("no");
    let broken = serde_json::to_string(&doc).expect("json");
    let schema = validate::against_schema(SPDX_SCHEMA, &broken, "broken.spdx.json");
    assert!(
        !schema.ok,
        "schema accepted filesAnalyzed \"no\":\n{}",
        schema.output
    );
    assert!(
        schema.output.contains("packages/0/filesAnalyzed"),
        "{}",
        schema.output
    );
    // ...pyspdxtools the SPDX rules the schema cannot express.
    let mut doc = good;
    doc["packages"][0]["SPDXID"] = Value::from("SPDXRef-bad_id");
    let broken = serde_json::to_string(&doc).expect("json");
    let tools = validate::with_pyspdxtools(&broken);
    assert!(
        !tools.ok,
        "pyspdxtools accepted a bad SPDXID:\n{}",
        tools.output
    );
    assert!(tools.output.contains("SPDXRef-bad_id"), "{}", tools.output);
}
