//! The defanged litellm 1.82.8 environment in shared/fixtures.

use chainwarden_core::{Confidence, Severity};
use chainwarden_heuristics::{
    Family, HookFinding, audit_site_dir, audit_site_dir_results, hits_to_findings, scan_source,
    verdict,
};
use chainwarden_testkit::shared_dir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn site() -> PathBuf {
    shared_dir().join("fixtures/litellm-1.82.8/site-packages")
}

/// Owner lookup from every `*.dist-info/RECORD` (name and version from the folder name).
fn record_owners(site: &Path) -> HashMap<String, (String, String)> {
    let mut owners = HashMap::new();
    for e in std::fs::read_dir(site).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".dist-info") else {
            continue;
        };
        let (dist, version) = stem.rsplit_once('-').unwrap();
        let record = std::fs::read_to_string(e.path().join("RECORD")).unwrap();
        for line in record.lines() {
            let path = line.split(',').next().unwrap();
            owners.insert(path.to_string(), (dist.to_string(), version.to_string()));
        }
    }
    owners
}

#[test]
fn proxy_server_payload_is_found_through_its_base64_layer() {
    let path = "litellm/proxy/proxy_server.py";
    let content = std::fs::read(site().join(path)).unwrap();
    let hits = scan_source(path, &content);
    let exfil = hits
        .iter()
        .find(|h| h.rule_id() == "heuristic/credentials-exfil")
        .unwrap_or_else(|| panic!("no exfil hit in {hits:#?}"));
    assert_eq!(exfil.layer, 1);
    assert_eq!(exfil.severity, Severity::Critical);
    assert_eq!(exfil.line, 2, "the line of the base64 literal");
    for store in ["ssh", "aws", "gcloud", "kube", "shell-history"] {
        assert!(
            exfil.snippet.contains(store),
            "{store} in {}",
            exfil.snippet
        );
        assert!(
            hits.iter()
                .any(|h| h.rule_id() == format!("heuristic/credentials-{store}") && h.layer == 1)
        );
    }
    assert!(
        hits.iter()
            .any(|h| h.rule_id() == "heuristic/obfuscation-encoded-code")
    );
    let v = verdict(&hits, None);
    assert_eq!(v.severity, Severity::Critical, "score {}", v.score);
    assert!(v.families.contains(&Family::Credentials));
    let findings = hits_to_findings(&hits, None);
    let f = findings
        .iter()
        .find(|f| f.rule == "heuristic/credentials-exfil")
        .unwrap();
    assert!(f.message.contains("after 1 decode"), "{}", f.message);
    assert_eq!(f.location.as_ref().and_then(|l| l.line), Some(2));
}

#[test]
fn litellm_init_pth_is_critical_and_setuptools_shim_is_not_reported() {
    let site = site();
    let owners = record_owners(&site);
    let lookup = |p: &str| owners.get(p).cloned();
    let results: Vec<HookFinding> = audit_site_dir_results(&site, &lookup);
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r.rule, "hook/pth-exec");
    assert_eq!(r.site_relative, "litellm_init.pth");
    assert_eq!(r.severity, Severity::Critical);
    assert_eq!(r.confidence, Confidence::High);
    assert_eq!(r.line, 1);
    assert_eq!(r.owner, Some(("litellm".to_string(), "1.82.8".to_string())));
    for cap in [
        "heuristic/capability-process",
        "heuristic/obfuscation-exec-decoded",
        "heuristic/credentials-exfil",
    ] {
        assert!(
            r.capabilities.iter().any(|c| c == cap),
            "{cap} in {:?}",
            r.capabilities
        );
    }
    let findings = audit_site_dir(&site, &lookup);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.rule, "hook/pth-exec");
    assert!(
        f.message.contains("owned by litellm 1.82.8"),
        "{}",
        f.message
    );
    assert_eq!(f.package.as_ref().map(|p| p.name.as_str()), Some("litellm"));
    // Without RECORD knowledge the hook is unowned, still critical.
    let unowned = audit_site_dir(&site, &|_| None);
    assert!(unowned[0].message.contains("unowned"));
    assert_eq!(unowned[0].severity, Severity::Critical);
}

#[test]
fn scanning_the_pth_as_a_file_sees_only_executed_lines() {
    let content = std::fs::read(site().join("litellm_init.pth")).unwrap();
    let hits = scan_source("litellm_init.pth", &content);
    assert!(
        hits.iter()
            .any(|h| h.rule_id() == "heuristic/obfuscation-exec-decoded")
    );
    let shim = std::fs::read(site().join("distutils-precedence.pth")).unwrap();
    let v = verdict(&scan_source("distutils-precedence.pth", &shim), None);
    assert!(v.severity < Severity::Medium, "{v:#?}");
}
