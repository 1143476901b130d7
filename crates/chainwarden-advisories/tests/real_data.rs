//! Matching against the real advisories in /work/shared/data.

use chainwarden_advisories::record::Advisory;
use chainwarden_advisories::{AdvisoryDb, evaluate, matching, osv};
use chainwarden_core::inventory::Collected;
use chainwarden_core::{
    Component, Ecosystem, Finding, Inventory, Location, Package, Severity, Source, SourceKind,
};
use std::path::{Path, PathBuf};

const OSV: &str = "/work/shared/data/advisories/osv";

fn inventory(ecosystem: Ecosystem, pkgs: &[(&str, &str)]) -> Inventory {
    let mut inv = Inventory::default();
    inv.push(Collected {
        source: Source::new(SourceKind::Lockfile, "test.lock", "test"),
        components: pkgs
            .iter()
            .map(|(n, v)| {
                Component::new(
                    Package::new(ecosystem, n, v),
                    *n,
                    Location::line("test.lock", 1),
                )
            })
            .collect(),
    });
    inv
}

fn for_version<'a>(findings: &'a [Finding], version: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.package.as_ref().is_some_and(|p| p.version == version))
        .collect()
}

fn check_litellm(db: &AdvisoryDb, expect_pysec_alias: bool) {
    let inv = inventory(
        Ecosystem::PyPI,
        &[
            ("litellm", "1.82.6"),
            ("LiteLLM", "1.82.7"),
            ("litellm", "1.82.8"),
            ("litellm", "1.82.9"),
        ],
    );
    let findings = db.match_inventory(&inv);
    for v in ["1.82.7", "1.82.8"] {
        let hits = for_version(&findings, v);
        assert_eq!(hits.len(), 1, "one finding for litellm {v}: {hits:#?}");
        let f = hits[0];
        assert_eq!(f.rule, "advisory/malicious");
        assert_eq!(f.severity, Severity::Critical);
        let adv = f.advisory.as_ref().unwrap();
        assert_eq!(adv.id, "MAL-2026-2144");
        assert!(
            adv.aliases.contains(&"GHSA-5mg7-485q-xm76".to_string()),
            "{adv:?}"
        );
        if expect_pysec_alias {
            assert!(adv.aliases.contains(&"PYSEC-2026-2".to_string()), "{adv:?}");
        }
        assert!(
            f.remediation.contains("rotate every credential"),
            "{}",
            f.remediation
        );
        assert!(f.component.is_some() && f.location.is_some());
    }
    assert!(for_version(&findings, "1.82.6").is_empty());
    assert!(for_version(&findings, "1.82.9").is_empty());
}

#[test]
fn litellm_in_embedded_snapshot() {
    check_litellm(&AdvisoryDb::embedded(), true);
}

#[test]
fn litellm_from_source_folders() {
    let (db, report) = AdvisoryDb::from_sources(&[
        PathBuf::from(format!("{OSV}/ossf-malicious-packages")),
        PathBuf::from(format!("{OSV}/github-advisory-database")),
    ]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.sources[0].records, 24);
    assert_eq!(report.sources[1].records, 1);
    check_litellm(&db, true);
}

#[test]
fn ghsa_alone_gives_the_ghsa_finding() {
    let (db, _) =
        AdvisoryDb::from_sources(&[PathBuf::from(format!("{OSV}/github-advisory-database"))]);
    let f = db
        .match_package(&Package::new(Ecosystem::PyPI, "litellm", "1.82.8"))
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].rule, "advisory/malicious",
        "CWE-506 marks GitHub malware"
    );
    assert_eq!(f[0].advisory.as_ref().unwrap().id, "GHSA-5mg7-485q-xm76");
}

/// Every PyPA record: each listed version matches, each `fixed` version does not.
#[test]
#[allow(clippy::print_stderr)]
fn pypa_cross_check() {
    let db = AdvisoryDb::embedded();
    let mut files = Vec::new();
    collect(
        Path::new(&format!("{OSV}/pypa-advisory-database/vulns")),
        &mut files,
    );
    assert_eq!(files.len(), 2661);
    let (mut records, mut listed_ok, mut fixed_ok) = (0, 0, 0);
    let mut quirks: Vec<String> = Vec::new();
    let mut blocks: std::collections::HashMap<String, Vec<Advisory>> = Default::default();
    let mut failures: Vec<String> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let rec = osv::parse_yaml(&text).unwrap();
        if rec.withdrawn.is_some() {
            continue;
        }
        records += 1;
        for a in &rec.affected {
            let pkg = a.package.as_ref().unwrap();
            let probe = Package::new(Ecosystem::PyPI, &pkg.name, "0");
            let stored = blocks
                .entry(probe.name.clone())
                .or_insert_with(|| db.advisories_for(&probe).unwrap());
            let mine: Vec<Advisory> = stored.iter().filter(|s| s.id == rec.id).cloned().collect();
            assert_eq!(mine.len(), 1, "{} stored for {}", rec.id, pkg.name);
            for v in &a.versions {
                let p = Package::new(Ecosystem::PyPI, &pkg.name, v);
                if matching::affecting(&mine, &p).is_empty() {
                    failures.push(format!(
                        "{} {} {v}: listed but not matched",
                        rec.id, pkg.name
                    ));
                } else {
                    listed_ok += 1;
                }
            }
            for fixed in a
                .ranges
                .iter()
                .flat_map(|r| r.events.iter())
                .filter_map(|e| e.fixed.as_deref())
            {
                let p = Package::new(Ecosystem::PyPI, &pkg.name, fixed);
                // A fixed version is also affected when the record lists it or
                // another interval of its ranges covers it: a data quirk.
                let listed = evaluate::listed(
                    &a.versions,
                    &evaluate::Candidate::new(Ecosystem::PyPI, fixed),
                );
                if matching::affecting(&mine, &p).is_empty() {
                    fixed_ok += 1;
                } else if listed {
                    // versions[] is authoritative in OSV: the record says it is affected.
                    quirks.push(format!(
                        "{} {} {fixed}: fixed version also in versions[]",
                        rec.id, pkg.name
                    ));
                } else {
                    failures.push(format!(
                        "{} {} {fixed}: fixed version matches",
                        rec.id, pkg.name
                    ));
                }
            }
        }
    }
    eprintln!(
        "pypa cross-check: {records} records, {listed_ok} listed versions matched, {fixed_ok} fixed versions clear, {} data quirks, {} failures",
        quirks.len(),
        failures.len()
    );
    for f in quirks.iter().chain(&failures) {
        eprintln!("  {f}");
    }
    assert!(records > 2_600);
    assert!(listed_ok > 100_000, "{listed_ok}");
    assert!(failures.is_empty(), "{} failures", failures.len());
    assert!(quirks.len() <= 5, "{quirks:?}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

#[test]
fn npm_leitwacht_record_matches() {
    let db = AdvisoryDb::embedded();
    let inv = inventory(
        Ecosystem::Npm,
        &[("bandkit", "1.0.7"), ("bandkit", "1.0.6")],
    );
    let findings = db.match_inventory(&inv);
    let hit = for_version(&findings, "1.0.7");
    assert_eq!(hit.len(), 1, "{findings:#?}");
    let adv = hit[0].advisory.as_ref().unwrap();
    assert_eq!(hit[0].rule, "advisory/malicious");
    assert_eq!(hit[0].severity, Severity::Critical);
    assert_eq!(adv.id, "MAL-2026-4496", "MAL alias preferred as primary");
    assert_eq!(adv.aliases, vec!["LWA-2026-0053".to_string()]);
    assert_eq!(adv.source, "leitwacht");
    assert!(for_version(&findings, "1.0.6").is_empty());
}

#[test]
fn crates_io_rustsec_semver_range() {
    let db = AdvisoryDb::embedded();
    let f = db
        .match_package(&Package::new(Ecosystem::CratesIo, "openssl", "0.8.3"))
        .unwrap();
    let hit: Vec<_> = f
        .iter()
        .filter(|f| {
            let a = f.advisory.as_ref().unwrap();
            a.id == "RUSTSEC-2016-0001" || a.aliases.contains(&"RUSTSEC-2016-0001".to_string())
        })
        .collect();
    assert_eq!(hit.len(), 1, "{f:#?}");
    let adv = hit[0].advisory.as_ref().unwrap();
    assert_eq!(hit[0].rule, "advisory/vulnerable");
    assert_eq!(adv.id, "GHSA-34p9-f4q3-c4r7");
    assert!(adv.aliases.contains(&"CVE-2016-10931".to_string()));
    assert_eq!(adv.fixed, vec!["0.9.0".to_string()]);
    assert_eq!(hit[0].severity, Severity::High, "CVSS 3.0 8.1");
    let fixed = db
        .match_package(&Package::new(Ecosystem::CratesIo, "openssl", "0.9.0"))
        .unwrap();
    assert!(
        fixed.iter().all(|f| {
            let a = f.advisory.as_ref().unwrap();
            a.id != "RUSTSEC-2016-0001" && !a.aliases.contains(&"RUSTSEC-2016-0001".to_string())
        }),
        "0.9.0 is the fix"
    );
}

#[test]
fn kev_raises_severity_and_is_reported() {
    let db = AdvisoryDb::embedded();
    let f = db
        .match_package(&Package::new(Ecosystem::PyPI, "pyspark", "3.2.1"))
        .unwrap();
    let hit = f
        .iter()
        .find(|f| {
            f.advisory
                .as_ref()
                .unwrap()
                .aliases
                .contains(&"PYSEC-2022-236".to_string())
                || f.advisory.as_ref().unwrap().id == "PYSEC-2022-236"
        })
        .expect("PYSEC-2022-236");
    let adv = hit.advisory.as_ref().unwrap();
    let kev = adv.kev.as_ref().expect("CVE-2022-33891 is in KEV");
    assert_eq!(kev.cve, "CVE-2022-33891");
    assert!(hit.severity >= Severity::High);
    assert!(hit.remediation.contains("3.2.2"), "{}", hit.remediation);
    assert!(hit.evidence.iter().any(|e| e.contains("Known Exploited")));
}
