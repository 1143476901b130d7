//! A scan that found nothing: every format still valid and clear.

use crate::validate;
use crate::{array, parse};
use chainwarden_core::Inventory;
use chainwarden_report::{Format, RenderOptions, Report, render, render_to_string};

#[test]
fn every_format_handles_an_empty_scan() {
    let inventory = Inventory::default();
    let report = Report::new(&inventory, &[], &[], "2026-03-24T10:52:00Z", "/srv/empty");
    let table = render_to_string(Format::Table, &report, &RenderOptions::default()).expect("table");
    assert!(table.contains("No findings."), "{table}");
    assert!(
        table.ends_with("0 components in 0 sources; no findings\n"),
        "{table}"
    );
    let cdx = parse(&validate::assert_valid(Format::CycloneDx, &report));
    assert!(array(&cdx, "components").is_empty());
    assert!(array(&cdx, "vulnerabilities").is_empty());
    let sarif = parse(&validate::assert_valid(Format::Sarif, &report));
    assert!(array(&sarif["runs"][0], "results").is_empty());
    let json = parse(&validate::assert_valid(Format::Json, &report));
    assert_eq!(json["summary"]["components"], 0);
    let spdx = parse(&validate::assert_valid(Format::Spdx, &report));
    let packages = array(&spdx, "packages");
    assert_eq!(packages.len(), 1, "only the target");
    assert_eq!(packages[0]["SPDXID"], "SPDXRef-Target");
    assert_eq!(packages[0]["name"], "/srv/empty");
    assert_eq!(
        spdx["relationships"][0]["relatedSpdxElement"],
        "SPDXRef-Target"
    );
}

#[test]
fn a_dependency_cycle_without_roots_is_still_described() {
    let mut inventory = crate::fixture::inventory();
    inventory.components.truncate(2);
    inventory.components[0].direct = None;
    inventory.components[1].direct = None;
    inventory.components[1].dependencies = vec![chainwarden_core::ComponentId(0)];
    let report = Report::new(&inventory, &[], &[], "2026-03-24T10:52:00Z", "cycle");
    let spdx = parse(&validate::assert_valid(Format::Spdx, &report));
    let describes = array(&spdx, "relationships")
        .iter()
        .filter(|r| r["relationshipType"] == "DESCRIBES")
        .count();
    assert_eq!(describes, 2);
    let cdx = parse(&validate::assert_valid(Format::CycloneDx, &report));
    assert_eq!(array(&cdx, "dependencies").len(), 3);
}

#[test]
fn a_bad_creation_time_is_an_input_error_naming_it() {
    let inventory = Inventory::default();
    let report = Report::new(&inventory, &[], &[], "24/03/2026", "x");
    for format in [Format::Json, Format::CycloneDx, Format::Spdx, Format::Sarif] {
        let mut out = Vec::new();
        let err = render(format, &report, &mut out).expect_err("bad time");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("24/03/2026"), "{err}");
    }
}
