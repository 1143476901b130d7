use crate::fixture::{self, CREATED_UTC};
use crate::validate::{self, CYCLONEDX_SCHEMA};
use crate::{array, parse};
use chainwarden_report::{Format, RenderOptions, render_to_string};
use serde_json::Value;
use std::collections::BTreeSet;

fn bom() -> (String, Value) {
    let owned = fixture::owned();
    let text = validate::assert_valid(Format::CycloneDx, &owned.report());
    let v = parse(&text);
    (text, v)
}

fn component_by_ref<'v>(bom: &'v Value, r: &str) -> &'v Value {
    array(bom, "components")
        .iter()
        .find(|c| c["bom-ref"] == r)
        .unwrap_or_else(|| panic!("no component with bom-ref {r}"))
}

#[test]
fn header_and_metadata() {
    let (_, bom) = bom();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["version"], 1);
    let serial = bom["serialNumber"].as_str().expect("serialNumber");
    let uuid = serial.strip_prefix("urn:uuid:").expect("urn:uuid prefix");
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "version nibble of {uuid}");
    let meta = &bom["metadata"];
    assert_eq!(meta["timestamp"], CREATED_UTC);
    assert_eq!(meta["tools"]["components"][0]["name"], "chainwarden");
    assert_eq!(meta["tools"]["components"][0]["type"], "application");
    assert_eq!(meta["component"]["bom-ref"], "target");
    assert!(
        meta["component"]["name"]
            .as_str()
            .is_some_and(|n| n.ends_with("fixtures/litellm-1.82.8"))
    );
    let props = array(meta, "properties");
    assert!(props.iter().any(|p| p["name"] == "chainwarden:note"
        && p["value"] == "advisory data is 3 days old"));
}

#[test]
fn components_have_unique_refs_purls_hashes_and_licenses() {
    let (_, bom) = bom();
    let components = array(&bom, "components");
    assert_eq!(components.len(), 4);
    let refs: BTreeSet<&str> = components
        .iter()
        .map(|c| c["bom-ref"].as_str().expect("bom-ref"))
        .collect();
    assert_eq!(refs.len(), 4, "bom-refs must be unique: {refs:?}");
    let purls: Vec<&str> = components
        .iter()
        .map(|c| c["purl"].as_str().expect("purl"))
        .collect();
    assert_eq!(
        purls,
        [
            "pkg:pypi/litellm@1.82.8",
            "pkg:pypi/openai@1.99.0",
            "pkg:pypi/setuptools@80.9.0",
            "pkg:pypi/litellm@1.82.8"
        ]
    );
    // The same package in the environment and the lockfile: two components.
    assert_ne!(components[0]["bom-ref"], components[3]["bom-ref"]);
    assert_eq!(components[3]["name"], "LiteLLM", "name as displayed");

    let litellm = &components[0];
    let hash = &litellm["hashes"][0];
    assert_eq!(hash["alg"], "SHA-256");
    assert_eq!(hash["content"].as_str().map(str::len), Some(64));
    assert_eq!(litellm["licenses"][0]["license"]["id"], "MIT");
    assert_eq!(
        components[2]["licenses"][0]["license"]["name"],
        "MIT License (see LICENSE)"
    );
    // The crc32 "hash" of the lockfile entry is not a CycloneDX algorithm.
    assert_eq!(array(&components[3], "hashes").len(), 1);

    let props = array(litellm, "properties");
    let prop = |name: &str| -> Vec<&str> {
        props
            .iter()
            .filter(|p| p["name"] == name)
            .filter_map(|p| p["value"].as_str())
            .collect()
    };
    assert!(prop("chainwarden:source")[0].ends_with("litellm-1.82.8/site-packages"));
    assert!(prop("chainwarden:location")[0].ends_with("litellm-1.82.8.dist-info"));
    assert_eq!(prop("chainwarden:direct"), ["true"]);
    let lock_props = array(&components[3], "properties");
    assert!(lock_props.iter().any(|p| {
        p["name"] == "chainwarden:location"
            && p["value"]
                .as_str()
                .is_some_and(|v| v.ends_with("uv.lock:12"))
    }));
}

#[test]
fn dependencies_cover_every_component_and_follow_the_graph() {
    let (_, bom) = bom();
    let components = array(&bom, "components");
    let deps = array(&bom, "dependencies");
    let depends_on = |r: &Value| -> Vec<String> {
        let entry = deps
            .iter()
            .find(|d| &d["ref"] == r)
            .unwrap_or_else(|| panic!("no dependencies entry for {r}"));
        array(entry, "dependsOn")
            .iter()
            .map(|x| x.as_str().expect("ref").to_string())
            .collect()
    };
    assert_eq!(
        deps.len(),
        components.len() + 1,
        "one per component + target"
    );
    let refs: Vec<&Value> = components.iter().map(|c| &c["bom-ref"]).collect();
    assert_eq!(depends_on(refs[0]), [refs[1].as_str().expect("ref")]);
    assert!(depends_on(refs[1]).is_empty());
    assert!(depends_on(refs[2]).is_empty());
    assert!(depends_on(refs[3]).is_empty());
    let roots = depends_on(&Value::from("target"));
    let expected: Vec<String> = [refs[0], refs[2], refs[3]]
        .iter()
        .map(|r| r.as_str().expect("ref").to_string())
        .collect();
    assert_eq!(roots, expected, "openai is transitive, not a root");
    for d in deps {
        for r in array(d, "dependsOn") {
            component_by_ref(&bom, r.as_str().expect("ref"));
        }
    }
}

#[test]
fn vulnerabilities_are_deduplicated_with_resolving_affects() {
    let (_, bom) = bom();
    let vulns = array(&bom, "vulnerabilities");
    let ids: Vec<&str> = vulns.iter().filter_map(|v| v["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["MAL-2026-2144", "GHSA-v4p8-mg3p-g94g"],
        "hook finding has no advisory"
    );

    let mal = &vulns[0];
    assert_eq!(mal["source"]["name"], "OSV");
    assert_eq!(
        mal["source"]["url"],
        "https://osv.dev/vulnerability/MAL-2026-2144"
    );
    assert_eq!(mal["ratings"][0]["severity"], "critical");
    assert_eq!(mal["description"], "Malicious code in litellm (PyPI)");
    assert_eq!(mal["published"], "2026-03-24T11:15:14Z");
    let aliases: Vec<&str> = array(mal, "references")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(aliases, ["GHSA-5mg7-485q-xm76", "PYSEC-2026-2"]);
    assert_eq!(array(mal, "advisories").len(), 2);
    let affects = array(mal, "affects");
    assert_eq!(affects.len(), 2, "environment and lockfile copies");
    let components = array(&bom, "components");
    assert_eq!(affects[0]["ref"], components[0]["bom-ref"]);
    assert_eq!(affects[1]["ref"], components[3]["bom-ref"]);
    for a in affects {
        component_by_ref(&bom, a["ref"].as_str().expect("ref"));
    }
    assert!(mal.get("analysis").is_none());

    let vuln = &vulns[1];
    assert_eq!(vuln["source"]["name"], "GitHub");
    let ratings = array(vuln, "ratings");
    let methods: Vec<(&str, &str)> = ratings
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or(""),
                r["vector"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        methods[0],
        ("CVSSv31", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
    );
    assert_eq!(methods[1].0, "CVSSv4");
    assert_eq!(ratings[0]["score"], 8.8, "computed CVSS 3.1 base score");
    assert_eq!(ratings[0]["severity"], "high");
    assert!(
        ratings[1].get("score").is_none(),
        "no CVSS 4 score computed"
    );
    assert_eq!(ratings[1]["severity"], "high", "the finding's severity");
    assert!(
        vuln["recommendation"]
            .as_str()
            .is_some_and(|r| r.contains("Upgrade litellm to 1.83.7"))
    );
    let props = array(vuln, "properties");
    assert!(
        props
            .iter()
            .any(|p| p["name"] == "chainwarden:kev:due-date" && p["value"] == "2026-06-22")
    );
    assert_eq!(vuln["references"][0]["id"], "CVE-2026-42271");
    assert_eq!(vuln["references"][0]["source"]["name"], "NVD");
}

#[test]
fn output_is_reproducible_and_serial_follows_content() {
    let owned = fixture::owned();
    let opts = RenderOptions::default();
    let a = render_to_string(Format::CycloneDx, &owned.report(), &opts).expect("render");
    let b = render_to_string(Format::CycloneDx, &owned.report(), &opts).expect("render");
    assert_eq!(a, b);
    let mut later = owned.report();
    later.created = "2026-03-25T00:00:00Z".into();
    let c = parse(&render_to_string(Format::CycloneDx, &later, &opts).expect("render"));
    assert_ne!(parse(&a)["serialNumber"], c["serialNumber"]);
}

#[test]
fn the_schema_check_rejects_a_broken_bom() {
    let (_, mut bom) = bom();
    bom["components"][0]["hashes"][0]["alg"] = Value::from("SHA256");
    let broken = serde_json::to_string(&bom).expect("json");
    let outcome = validate::against_schema(CYCLONEDX_SCHEMA, &broken, "broken.cdx.json");
    assert!(
        !outcome.ok,
        "schema accepted an invalid alg:\n{}",
        outcome.output
    );
    assert!(
        outcome.output.contains("components/0/hashes/0/alg"),
        "{}",
        outcome.output
    );
    // Formats are checked too, not only structure.
    bom["components"][0]["hashes"][0]["alg"] = Value::from("SHA-256");
    bom["metadata"]["timestamp"] = Value::from("24 March 2026");
    let broken = serde_json::to_string(&bom).expect("json");
    let outcome = validate::against_schema(CYCLONEDX_SCHEMA, &broken, "broken.cdx.json");
    assert!(
        !outcome.ok,
        "schema accepted a bad timestamp:\n{}",
        outcome.output
    );
    assert!(
        outcome.output.contains("metadata/timestamp"),
        "{}",
        outcome.output
    );
}
