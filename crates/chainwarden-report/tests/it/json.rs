use crate::fixture::{self, CREATED_UTC};
use crate::validate;
use crate::{array, parse};
use chainwarden_report::Format;
use serde_json::{Value, json};
use std::path::Path;

fn report() -> Value {
    let owned = fixture::owned();
    parse(&validate::assert_valid(Format::Json, &owned.report()))
}

#[test]
fn header_summary_and_notes() {
    let r = report();
    assert_eq!(r["schema_version"], 1);
    assert_eq!(
        r["tool"],
        json!({"name": "chainwarden", "version": chainwarden_core::TOOL_VERSION})
    );
    assert_eq!(r["created"], CREATED_UTC);
    assert!(
        r["target"]
            .as_str()
            .is_some_and(|t| t.ends_with("fixtures/litellm-1.82.8"))
    );
    assert_eq!(
        r["advisory_data"],
        json!({"name": "osv", "date": "2026-03-21", "records": 412_345})
    );
    assert_eq!(r["summary"]["sources"], 2);
    assert_eq!(r["summary"]["components"], 4);
    assert_eq!(r["summary"]["findings"], 4);
    assert_eq!(
        r["summary"]["findings_by_severity"],
        json!({"critical": 3, "high": 1, "medium": 0, "low": 0, "info": 0})
    );
    assert_eq!(r["notes"], json!(["advisory data is 3 days old"]));
    assert_eq!(array(&r, "errors").len(), 1);
    assert_eq!(r["errors"][0]["message"], "not UTF-8");
}

#[test]
fn sources_components_and_graph() {
    let r = report();
    let sources = array(&r, "sources");
    assert_eq!(sources[0]["kind"], "python-environment");
    assert_eq!(sources[0]["python_version"], "3.11");
    assert_eq!(sources[1]["kind"], "lockfile");
    assert_eq!(sources[1]["format"], "uv.lock");
    let components = array(&r, "components");
    assert_eq!(components.len(), 4);
    for (i, c) in components.iter().enumerate() {
        assert_eq!(c["id"], i);
    }
    assert_eq!(components[0]["purl"], "pkg:pypi/litellm@1.82.8");
    assert_eq!(components[0]["dependencies"], json!([1]));
    assert_eq!(components[1]["direct"], false);
    assert_eq!(components[3]["source"], 1);
    assert_eq!(components[3]["name"], "litellm");
    assert_eq!(components[3]["display_name"], "LiteLLM");
    assert_eq!(components[3]["locations"][0]["line"], 12);
    assert_eq!(components[2]["properties"]["editable"], "true");
}

#[test]
fn findings_keep_advisories_and_locations() {
    let r = report();
    let findings = array(&r, "findings");
    let rules: Vec<&str> = findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert_eq!(
        rules,
        [
            "hook/pth-exec",
            "advisory/malicious",
            "advisory/vulnerable",
            "advisory/malicious"
        ]
    );
    let hook = &findings[0];
    assert_eq!(hook["advisory"], Value::Null);
    assert_eq!(hook["location"]["line"], 1);
    assert!(
        hook["location"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("litellm_init.pth"))
    );
    let mal = &findings[1];
    assert_eq!(mal["component"], 0);
    assert_eq!(mal["package"]["purl"], "pkg:pypi/litellm@1.82.8");
    assert_eq!(
        mal["advisory"]["aliases"],
        json!(["GHSA-5mg7-485q-xm76", "PYSEC-2026-2"])
    );
    let vuln = &findings[2];
    assert_eq!(vuln["advisory"]["fixed"], json!(["1.83.7"]));
    assert_eq!(vuln["advisory"]["kev"]["due_date"], "2026-06-22");
    assert_eq!(findings[3]["component"], 3);
}

#[test]
fn the_schema_rejects_a_broken_report() {
    let mut r = report();
    if let Some(c) = r["components"][0].as_object_mut() {
        c.remove("purl");
    }
    r["findings"][0]["severity"] = Value::from("severe");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schema/chainwarden-report-v1.schema.json");
    let outcome = validate::against_schema_file(&schema, &serde_json::to_string(&r).expect("json"));
    assert!(!outcome.ok, "{}", outcome.output);
    assert!(
        outcome
            .output
            .contains("components/0: 'purl' is a required property"),
        "{}",
        outcome.output
    );
    assert!(
        outcome.output.contains("findings/0/severity"),
        "{}",
        outcome.output
    );
}

#[test]
fn the_documented_example_is_valid() {
    // docs/json-format.md carries a full example between ```json fences.
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/json-format.md"),
    )
    .expect("docs/json-format.md");
    let start = doc.find("```json\n").expect("json example") + "```json\n".len();
    let len = doc[start..].find("```").expect("end of example");
    let example = &doc[start..start + len];
    parse(example);
    validate::assert_valid_text(Format::Json, example);
}
