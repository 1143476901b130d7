//! Indicators against real data: the OpenSSF advisories they cite and the
//! defanged litellm 1.82.8 environment.

use chainwarden_core::Severity;
use chainwarden_integrity::ioc::{IndicatorKind, MatchedBy, scan_home_paths};
use chainwarden_integrity::{
    IocScanOptions, IocSet, VerifyOptions, env_root_for, ioc_findings, scan_site_dir,
    verify_findings, verify_site_dir,
};
use chainwarden_testkit as testkit;
use std::fs;
use std::path::PathBuf;

fn litellm_site() -> PathBuf {
    testkit::shared_dir().join("fixtures/litellm-1.82.8/site-packages")
}

/// Every domain, URL and IP that an OpenSSF malicious-packages record lists in
/// `database_specific.iocs` is shipped, with that record's id as source.
#[test]
fn shipped_indicators_cover_the_advisories() {
    let root = testkit::shared_dir().join("data/advisories/osv/ossf-malicious-packages");
    let set = IocSet::builtin();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(entry.path()).unwrap()).unwrap();
        let id = v["id"].as_str().unwrap();
        let iocs = &v["database_specific"]["iocs"];
        for (key, kind) in [
            ("domains", IndicatorKind::Domain),
            ("urls", IndicatorKind::Url),
            ("ips", IndicatorKind::Ip),
        ] {
            for value in iocs[key].as_array().into_iter().flatten() {
                let value = value.as_str().unwrap();
                assert!(
                    set.indicators().iter().any(|i| i.kind == kind
                        && i.value.eq_ignore_ascii_case(value)
                        && (i.source == id || set.contains(kind, value))),
                    "{id}: {key} {value} not shipped"
                );
                checked += 1;
            }
        }
        for file in iocs["files"].as_array().into_iter().flatten() {
            for p in file["paths"].as_array().into_iter().flatten() {
                assert!(
                    set.contains(IndicatorKind::Filename, p.as_str().unwrap()),
                    "{id}: {p}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} indicators in the advisories");
    // litellm's own indicators carry its advisory id.
    let lite: Vec<_> = set
        .indicators()
        .iter()
        .filter(|i| i.value.contains("litellm.cloud"))
        .collect();
    assert_eq!(lite.len(), 2);
    assert!(lite.iter().all(|i| i.source == "MAL-2026-2144"));
}

#[test]
fn litellm_fixture_verifies_clean_and_matches_indicators() {
    let site = litellm_site();
    let root = env_root_for(&site);
    let report = verify_site_dir(&site, &root, &VerifyOptions::default());
    let vf = verify_findings(&report);
    assert!(vf.is_empty(), "{vf:#?}");
    assert_eq!(report.distributions.len(), 3);

    let matcher = IocSet::builtin().matcher();
    let hits = scan_site_dir(
        &site,
        &root,
        &matcher,
        &IocScanOptions::default(),
        Some(&report),
    );
    let pth = site.join("litellm_init.pth");
    let in_pth: Vec<(IndicatorKind, &str, &MatchedBy)> = hits
        .hits
        .iter()
        .filter(|h| h.path == pth)
        .map(|h| (h.indicator.kind, h.indicator.value.as_str(), &h.by))
        .collect();
    assert!(
        in_pth.iter().any(|(k, v, b)| *k == IndicatorKind::Domain
            && *v == "litellm.cloud"
            && matches!(b, MatchedBy::Base64 { .. })),
        "{in_pth:?}"
    );
    assert!(
        in_pth.iter().any(|(k, v, b)| *k == IndicatorKind::Url
            && *v == "https://models.litellm.cloud/"
            && matches!(b, MatchedBy::Base64 { .. })),
        "{in_pth:?}"
    );
    assert!(in_pth.iter().any(|(k, v, b)| *k == IndicatorKind::Filename
        && *v == "litellm_init.pth"
        && **b == MatchedBy::FileName));
    // The benign setuptools .pth matches nothing.
    assert!(
        !hits
            .hits
            .iter()
            .any(|h| h.path.ends_with("distutils-precedence.pth"))
    );

    let findings = ioc_findings(&hits);
    assert!(!findings.is_empty());
    for f in &findings {
        assert_eq!(f.rule, "ioc/match");
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.package.as_ref().unwrap().name, "litellm");
        assert!(f.evidence.iter().any(|e| e.contains("source MAL-2026-2144")
            || e.contains("github.com/BerriAI/litellm/issues/24512")));
    }

    // Without a verify report (plain `scan`), the same matches, owners from RECORD.
    let plain = scan_site_dir(&site, &root, &matcher, &IocScanOptions::default(), None);
    assert_eq!(plain.hits.len(), hits.hits.len());
    assert!(
        plain
            .hits
            .iter()
            .all(|h| h.owner.as_ref().unwrap().name == "litellm")
    );

    // Deep mode also reads the payload inside litellm/proxy/proxy_server.py.
    let deep = scan_site_dir(
        &site,
        &root,
        &matcher,
        &IocScanOptions {
            deep: true,
            ..IocScanOptions::default()
        },
        Some(&report),
    );
    assert!(
        deep.hits
            .iter()
            .any(|h| h.path.ends_with("litellm/proxy/proxy_server.py")),
        "{:#?}",
        deep.hits
    );
}

#[test]
fn user_indicators_merge_and_match_hashes_and_paths() {
    let site = litellm_site();
    let root = env_root_for(&site);
    let pth_hash = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(fs::read(site.join("litellm_init.pth")).unwrap());
        chainwarden_integrity::record::hex(&d)
    };
    let tmp = tempfile::tempdir().unwrap();
    let extra = tmp.path().join("extra.toml");
    fs::write(
        &extra,
        format!(
            "[[indicator]]\nkind = \"sha256\"\nvalue = \"{}\"\nsource = \"internal IR-42\"\n\
             [[indicator]]\nkind = \"path\"\nvalue = \"~/.config/sysmon/sysmon.py\"\nsource = \"internal IR-42\"\n\
             [[indicator]]\nkind = \"domain\"\nvalue = \"litellm.cloud\"\nsource = \"MAL-2026-2144\"\ncampaign = \"dup\"\n",
            pth_hash.to_uppercase()
        ),
    )
    .unwrap();
    let mut set = IocSet::builtin();
    let before = set.indicators().len();
    assert_eq!(
        set.load_extra(&extra).unwrap(),
        2,
        "the duplicate is merged"
    );
    assert_eq!(set.indicators().len(), before + 2);
    let matcher = set.matcher();
    for verify in [
        None,
        Some(verify_site_dir(&site, &root, &VerifyOptions::default())),
    ] {
        let r = scan_site_dir(
            &site,
            &root,
            &matcher,
            &IocScanOptions::default(),
            verify.as_ref(),
        );
        assert!(
            r.hits
                .iter()
                .any(|h| h.by == MatchedBy::Sha256 && h.path.ends_with("litellm_init.pth")),
            "{:#?}",
            r.hits
        );
    }
    let home = tmp.path().join("home");
    assert!(scan_home_paths(&home, &matcher).is_empty());
    fs::create_dir_all(home.join(".config/sysmon")).unwrap();
    fs::write(home.join(".config/sysmon/sysmon.py"), b"").unwrap();
    let h = scan_home_paths(&home, &matcher);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].by, MatchedBy::PathExists);

    fs::write(
        &extra,
        "[[indicator]]\nkind = \"sha256\"\nvalue = \"zz\"\nsource = \"x\"\n",
    )
    .unwrap();
    let err = set.load_extra(&extra).unwrap_err().to_string();
    assert!(
        err.contains("extra.toml") && err.contains("64 hex"),
        "{err}"
    );
}
