use crate::fixture;
use crate::validate::{self, SARIF_SCHEMA};
use crate::{array, parse};
use chainwarden_core::{Finding, Severity};
use chainwarden_report::{Format, RenderOptions, Report, render_to_string};
use serde_json::Value;
use std::collections::BTreeSet;

fn log() -> Value {
    let owned = fixture::owned();
    parse(&validate::assert_valid(Format::Sarif, &owned.report()))
}

#[test]
fn driver_and_rules() {
    let log = log();
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|s| s.ends_with("sarif-schema-2.1.0.json"))
    );
    let runs = array(&log, "runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "chainwarden");
    assert_eq!(driver["version"], chainwarden_core::TOOL_VERSION);
    assert!(
        driver["informationUri"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    let rules = array(driver, "rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["hook/pth-exec", "advisory/malicious", "advisory/vulnerable"]
    );
    let hook = &rules[0];
    assert_eq!(hook["name"], "HookPthExec");
    assert_eq!(hook["shortDescription"]["text"], fixture::PTH_EXEC.summary);
    assert_eq!(hook["fullDescription"]["text"], fixture::PTH_EXEC.why);
    assert!(
        hook["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(fixture::PTH_EXEC.fix))
    );
    assert!(
        hook["help"]["markdown"]
            .as_str()
            .is_some_and(|t| t.contains(fixture::PTH_EXEC.fix))
    );
    assert!(
        hook["helpUri"]
            .as_str()
            .is_some_and(|u| u.ends_with("docs/rules.md#hook-pth-exec"))
    );
    assert_eq!(hook["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
}

#[test]
fn results_point_at_rules_files_and_lines() {
    let log = log();
    let run = &log["runs"][0];
    let rules = array(&run["tool"]["driver"], "rules");
    let results = array(run, "results");
    assert_eq!(results.len(), 4, "one result per finding");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    let root_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .expect("SRCROOT");
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with("fixtures/litellm-1.82.8/"),
        "{root_uri}"
    );

    let hook = &results[0];
    assert_eq!(hook["ruleId"], "hook/pth-exec");
    assert_eq!(hook["level"], "error");
    let physical = &hook["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "site-packages/litellm_init.pth"
    );
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "SRCROOT");
    assert_eq!(physical["region"]["startLine"], 1);
    assert_eq!(hook["properties"]["severity"], "critical");
    assert!(hook["properties"].get("advisoryIds").is_none());

    let malicious = &results[1];
    assert_eq!(malicious["ruleId"], "advisory/malicious");
    let loc = &malicious["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "site-packages/litellm-1.82.8.dist-info"
    );
    assert!(loc.get("region").is_none(), "a folder has no line");
    assert_eq!(
        malicious["properties"]["advisoryIds"],
        serde_json::json!(["MAL-2026-2144", "GHSA-5mg7-485q-xm76", "PYSEC-2026-2"])
    );
    assert_eq!(
        malicious["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "pkg:pypi/litellm@1.82.8"
    );

    let vulnerable = &results[2];
    assert_eq!(vulnerable["level"], "error");
    assert_eq!(vulnerable["properties"]["kev"]["dueDate"], "2026-06-22");
    assert_eq!(vulnerable["properties"]["security-severity"], "8.8");
    assert_eq!(hook["properties"]["security-severity"], "9.5");
    assert_eq!(vulnerable["properties"]["fixedVersions"][0], "1.83.7");

    let locked = &results[3]["locations"][0]["physicalLocation"];
    assert_eq!(locked["artifactLocation"]["uri"], "uv.lock");
    assert_eq!(locked["region"]["startLine"], 12);

    let prints: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["chainwarden/v1"]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    assert_eq!(prints.len(), 4, "distinct findings, distinct fingerprints");
}

#[test]
fn levels_follow_severity_and_fingerprints_ignore_lines() {
    let owned = fixture::owned();
    let mut findings: Vec<Finding> = owned.findings.clone();
    let mut medium = findings[0].clone().severity(Severity::Medium);
    let low = findings[0].clone().severity(Severity::Low);
    let info = findings[0].clone().severity(Severity::Info);
    if let Some(l) = medium.location.as_mut() {
        l.line = Some(40);
    }
    findings.extend([medium, low, info]);
    let report = Report {
        findings: &findings,
        ..owned.report()
    };
    let log = parse(&validate::assert_valid(Format::Sarif, &report));
    let results = array(&log["runs"][0], "results");
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(
        levels,
        [
            "error", "error", "error", "error", "warning", "note", "note"
        ]
    );
    assert_eq!(
        results[0]["partialFingerprints"], results[4]["partialFingerprints"],
        "same rule, package and file: same fingerprint although the line moved"
    );
    let again =
        render_to_string(Format::Sarif, &report, &RenderOptions::default()).expect("render");
    assert_eq!(parse(&again), log, "reproducible");
}

#[test]
fn rules_without_metadata_still_resolve() {
    let owned = fixture::owned();
    let report = Report {
        rules: &[],
        ..owned.report()
    };
    let log = parse(&validate::assert_valid(Format::Sarif, &report));
    let rules = array(&log["runs"][0]["tool"]["driver"], "rules");
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[0], serde_json::json!({"id": "hook/pth-exec"}));
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    let mut log = log();
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let broken = serde_json::to_string(&log).expect("json");
    let outcome = validate::against_schema(SARIF_SCHEMA, &broken, "broken.sarif");
    assert!(
        !outcome.ok,
        "schema accepted level fatal:\n{}",
        outcome.output
    );
    assert!(
        outcome.output.contains("runs/0/results/0/level"),
        "{}",
        outcome.output
    );
}
