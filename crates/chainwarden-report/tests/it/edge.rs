//! Names and versions from other ecosystems and odd sources: every format
//! stays valid, ids stay unique and well-formed.

use crate::validate;
use crate::{array, parse};
use chainwarden_core::inventory::Collected;
use chainwarden_core::{
    Component, ComponentId, Ecosystem, Finding, Inventory, Location, Package, Source, SourceKind,
};
use chainwarden_report::{Format, Report};
use std::collections::BTreeSet;

fn inventory() -> Inventory {
    let comp = |eco: Ecosystem, name: &str, version: &str, at: &str| {
        Component::new(Package::new(eco, name, version), name, Location::file(at))
    };
    let mut scoped = comp(
        Ecosystem::Npm,
        "@scope/pkg",
        "1.0.0-beta.1+build.5",
        "node_modules/@scope/pkg",
    );
    scoped.dependencies = vec![ComponentId(1), ComponentId(1), ComponentId(99)];
    scoped
        .properties
        .insert("license".into(), "(MIT OR Apache-2.0)".into());
    let mut inv = Inventory {
        roots: vec![".".into()],
        ..Inventory::default()
    };
    inv.push(Collected {
        source: Source::new(SourceKind::NodeModules, "node_modules", "node_modules"),
        components: vec![
            scoped,
            comp(Ecosystem::Npm, "left_pad", "0.0.1", "node_modules/left_pad"),
        ],
    });
    inv.push(Collected {
        source: Source::new(
            SourceKind::Workflow,
            ".github/workflows/ci.yml",
            "github-workflow",
        ),
        components: vec![
            comp(
                Ecosystem::GitHubActions,
                "actions/checkout",
                "v4",
                ".github/workflows/ci.yml",
            ),
            comp(
                Ecosystem::GitHubActions,
                "github/codeql-action/init",
                "",
                ".github/workflows/ci.yml",
            ),
        ],
    });
    inv.push(Collected {
        source: Source::new(SourceKind::McpConfig, "mcp.json", "mcp"),
        components: vec![comp(
            Ecosystem::Oci,
            "ghcr.io/org/Server Ünïcode",
            "sha256:0123",
            "mcp.json",
        )],
    });
    inv
}

#[test]
fn other_ecosystems_and_odd_names_stay_valid() {
    let inventory = inventory();
    let findings = vec![Finding {
        // A rule id the caller gave no metadata for, a relative path, a dangling component.
        component: Some(ComponentId(1234)),
        ..Finding::new(&crate::fixture::PTH_EXEC, "odd")
            .location(Location::line("node_modules/left_pad/index.js", 3))
    }];
    let report = Report::new(&inventory, &findings, &[], "2026-03-24T10:52:00Z", ".");
    let cdx = parse(&validate::assert_valid(Format::CycloneDx, &report));
    let refs: BTreeSet<&str> = array(&cdx, "components")
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    assert_eq!(refs.len(), 5);
    let scoped = &cdx["components"][0];
    assert_eq!(
        scoped["purl"],
        "pkg:npm/%40scope/pkg@1.0.0-beta.1%2Bbuild.5"
    );
    assert_eq!(
        scoped["licenses"][0]["license"]["name"],
        "(MIT OR Apache-2.0)"
    );
    let deps = array(&cdx, "dependencies");
    let scoped_deps = deps
        .iter()
        .find(|d| d["ref"] == scoped["bom-ref"])
        .expect("entry");
    assert_eq!(
        array(scoped_deps, "dependsOn").len(),
        1,
        "deduplicated, dangling id dropped"
    );
    assert!(
        cdx["components"][3].get("version").is_none(),
        "no empty version"
    );
    assert_eq!(cdx["components"][4]["type"], "container");

    let spdx = parse(&validate::assert_valid(Format::Spdx, &report));
    for p in array(&spdx, "packages") {
        let id = p["SPDXID"].as_str().expect("id");
        assert!(
            id.strip_prefix("SPDXRef-").is_some_and(|r| r
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')),
            "{id}"
        );
    }
    assert_eq!(spdx["packages"][4]["primaryPackagePurpose"], "CONTAINER");

    let sarif = parse(&validate::assert_valid(Format::Sarif, &report));
    let result = &sarif["runs"][0]["results"][0];
    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "node_modules/left_pad/index.js");
    assert_eq!(artifact["uriBaseId"], "SRCROOT");
    assert!(
        sarif["runs"][0].get("originalUriBaseIds").is_none(),
        "`.` has no absolute URI"
    );
    validate::assert_valid(Format::Json, &report);
}
