//! End-to-end tests: the real binary on real inputs.

mod common;

use chainwarden_testkit as testkit;
use common::{cw, findings_of, json};
use std::path::PathBuf;

fn litellm_fixture() -> PathBuf {
    testkit::shared_dir().join("fixtures/litellm-1.82.8/site-packages")
}

#[test]
fn cyclonedx_of_the_litellm_fixture_lists_its_packages() {
    let out = cw()
        .args(["scan", "--format", "cyclonedx", "--fail-on", "never"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom = json(&out.stdout);
    assert_eq!(bom["specVersion"], "1.6");
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for p in [
        "pkg:pypi/litellm@1.82.8",
        "pkg:pypi/openai@1.99.0",
        "pkg:pypi/setuptools@80.9.0",
    ] {
        assert!(purls.contains(&p), "{p} missing from {purls:?}");
    }
}

#[test]
fn missing_path_is_a_usage_error_naming_it() {
    let out = cw().args(["scan", "/no/such/place"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/no/such/place") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn bad_flag_is_exit_2() {
    assert_eq!(
        cw().args(["scan", "--format", "xml"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn unpinned_action_and_mcp_server_fail_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(
        wf.join("ci.yml"),
        "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n      - uses: aquasecurity/trivy-action@6e7b7d1fd3e4fef0c5fa8cce1229c54b2c9bd0d8\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {"s": {"command": "npx", "args": ["-y", "some-server"]}}}"#,
    )
    .unwrap();
    let out = cw()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    // The CI gate says the same, as SARIF for code scanning.
    let sarif = cw()
        .args(["check", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(sarif.status.code(), Some(1));
    testkit::schema::assert_valid(
        testkit::schema::Schema::Sarif210,
        &String::from_utf8_lossy(&sarif.stdout),
    );
    let rule_ids: Vec<String> = json(&sarif.stdout)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rule_ids.contains(&"policy/action-unpinned".to_string())
            && rule_ids.contains(&"policy/mcp-unpinned".to_string()),
        "{rule_ids:?}"
    );
    let mut got: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("policy/action-unpinned".to_string(), 6),
            ("policy/mcp-unpinned".to_string(), 1)
        ]
    );
}

#[test]
fn ignore_entries_apply_expire_and_go_stale() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {"s": {"command": "uvx", "args": ["srv"]}}}"#,
    )
    .unwrap();
    let cfg = "[[ignore]]\nid = \"policy/mcp-unpinned\"\nreason = \"vetted\"\nexpires = \"2099-01-01\"\n\n[[ignore]]\nid = \"GHSA-0000-0000-0000\"\nreason = \"old\"\nexpires = \"2020-01-01\"\n\n[[ignore]]\nid = \"policy/denied\"\nreason = \"nothing\"\nexpires = \"2099-01-01\"\n";
    std::fs::write(dir.path().join("chainwarden.toml"), cfg).unwrap();
    let out = cw()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out.stdout);
    let rules: Vec<(&str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [("config/ignore-expired", 6), ("config/ignore-stale", 11)]
    );
}

#[test]
fn bad_config_is_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chainwarden.toml"),
        "[[ignore]]\nid = 'x'\nreason = 'r'\nexpires = 'soon'\n",
    )
    .unwrap();
    let out = cw().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("chainwarden.toml:1") && err.contains("expires"),
        "{err}"
    );
}

#[test]
fn docs_rules_md_is_current() {
    let out = cw().args(["rules", "--markdown"]).output().unwrap();
    let docs = testkit::workspace_root().join("docs/rules.md");
    let current = std::fs::read_to_string(&docs).unwrap_or_default();
    if std::env::var_os("CHAINWARDEN_REGEN").is_some() {
        std::fs::write(&docs, &out.stdout).unwrap();
        return;
    }
    assert!(
        current.as_bytes() == out.stdout.as_slice(),
        "docs/rules.md is stale: run `CHAINWARDEN_REGEN=1 cargo test -p chainwarden --test cli docs_rules_md_is_current`"
    );
}

#[test]
fn malformed_metadata_is_a_finding_naming_the_file_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let sp = dir.path().join("site-packages");
    let di = sp.join("broken-1.0.dist-info");
    std::fs::create_dir_all(&di).unwrap();
    std::fs::write(di.join("METADATA"), [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let ok = sp.join("fine-2.0.dist-info");
    std::fs::create_dir_all(&ok).unwrap();
    std::fs::write(
        ok.join("METADATA"),
        "Metadata-Version: 2.1\nName: fine\nVersion: 2.0\n",
    )
    .unwrap();
    let out = cw()
        .args(["scan", "--format", "json"])
        .arg(&sp)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "input/malformed");
    assert!(
        f["location"]["path"]
            .as_str()
            .unwrap()
            .contains("broken-1.0.dist-info"),
        "{f}"
    );
    let names: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"fine"), "{names:?}");
}

#[test]
fn why_explains_a_transitive_package_of_a_real_venv() {
    let venv = testkit::venv("why", &[&["requests==2.32.3"]]);
    let out = cw().args(["why", "urllib3"]).arg(&venv).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("requests 2.32.3 → urllib3"), "{text}");
    let out = cw()
        .args(["why", "no-such-package-here"])
        .arg(&venv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_documented_ci_workflow_passes_its_own_check() {
    let examples = testkit::workspace_root().join("docs/examples");
    let out = cw()
        .args(["check", "--format", "json"])
        .arg(&examples)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out.stdout);
    let purls: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(purls.len(), 2, "{purls:?}");
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{}",
        report["findings"]
    );
}

#[test]
fn every_machine_format_of_a_real_scan_validates_against_its_official_schema() {
    use testkit::schema::{Schema, assert_valid};
    // A real venv, a workflow and an MCP config: components of four ecosystems and findings with lines.
    let venv = testkit::venv("why", &[&["requests==2.32.3"]]);
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(
        wf.join("ci.yml"),
        "jobs:\n  a:\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".mcp.json"),
        r#"{"mcpServers": {"s": {"command": "docker", "args": ["run", "-i", "mcp/fetch"]}}}"#,
    )
    .unwrap();
    for (format, schema) in [
        ("cyclonedx", Schema::CycloneDx16),
        ("spdx", Schema::Spdx23),
        ("sarif", Schema::Sarif210),
        ("json", Schema::ChainwardenJson),
    ] {
        let out = cw()
            .args(["scan", "--fail-on", "never", "--format", format])
            .arg(&venv)
            .arg(dir.path())
            .arg(litellm_fixture())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_valid(schema, &String::from_utf8_lossy(&out.stdout));
    }
}

/// A copy of the litellm fixture with litellm at `version` instead of 1.82.8.
fn litellm_at(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sp = dir.path().join("site-packages");
    let src = litellm_fixture();
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap().to_string_lossy().replace(
            "litellm-1.82.8.dist-info",
            &format!("litellm-{version}.dist-info"),
        );
        let dest = sp.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let text = std::fs::read(&entry).unwrap();
        let text = if entry.ends_with("METADATA") && entry.to_string_lossy().contains("litellm-") {
            String::from_utf8(text)
                .unwrap()
                .replace("Version: 1.82.8", &format!("Version: {version}"))
                .into_bytes()
        } else {
            text
        };
        std::fs::write(dest, text).unwrap();
    }
    dir
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn litellm_1_82_8_is_malicious_with_no_setup_and_every_format_says_so() {
    use testkit::schema::{Schema, assert_valid};
    let out = cw()
        .args(["scan", "--format", "json"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "malicious → exit 1");
    let report = json(&out.stdout);
    let mal = findings_of(&report, "advisory/malicious");
    assert_eq!(mal.len(), 1, "one merged finding: {mal:?}");
    let adv = &mal[0]["advisory"];
    assert_eq!(adv["id"], "MAL-2026-2144");
    let aliases: Vec<&str> = adv["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(aliases.contains(&"GHSA-5mg7-485q-xm76"), "{aliases:?}");
    assert_eq!(mal[0]["severity"], "critical");

    let table = cw().arg("scan").arg(litellm_fixture()).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("MAL-2026-2144") && text.contains("GHSA-5mg7-485q-xm76"),
        "{text}"
    );

    let sarif = cw()
        .args(["scan", "--format", "sarif"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    let sarif_text = String::from_utf8_lossy(&sarif.stdout);
    assert_valid(Schema::Sarif210, &sarif_text);
    let log = json(&sarif.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "advisory/malicious")
        .expect("SARIF carries the finding");
    assert!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .contains("litellm-1.82.8.dist-info")
    );

    let cdx = cw()
        .args(["scan", "--format", "cyclonedx"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_valid(Schema::CycloneDx16, &String::from_utf8_lossy(&cdx.stdout));
    let bom = json(&cdx.stdout);
    let v = bom["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "MAL-2026-2144")
        .expect("CycloneDX carries it");
    let refs = v["affects"].as_array().unwrap();
    let litellm_ref = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purl"] == "pkg:pypi/litellm@1.82.8")
        .unwrap()["bom-ref"]
        .clone();
    assert_eq!(refs[0]["ref"], litellm_ref);
}

#[test]
fn neighbouring_litellm_versions_are_not_malicious() {
    for version in ["1.82.6", "1.82.9"] {
        let dir = litellm_at(version);
        let out = cw()
            .args(["scan", "--format", "json", "--fail-on", "never"])
            .arg(dir.path().join("site-packages"))
            .output()
            .unwrap();
        let report = json(&out.stdout);
        let names: Vec<&str> = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["version"].as_str().unwrap())
            .collect();
        assert!(names.contains(&version), "{names:?}");
        assert!(
            findings_of(&report, "advisory/malicious").is_empty(),
            "{version}: {}",
            report["findings"]
        );
    }
}

#[test]
fn advisories_flag_uses_exactly_those_records() {
    let only = testkit::shared_dir().join("data/advisories/osv/rustsec-advisory-db-osv");
    let out = cw()
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--advisories",
        ])
        .arg(&only)
        .arg(litellm_fixture())
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert!(
        findings_of(&report, "advisory/malicious").is_empty(),
        "no PyPI records given"
    );
    let out = cw()
        .args(["scan", "--advisories", "/no/such/advisories"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn db_import_then_status_and_scan_use_the_local_index() {
    let db = tempfile::tempdir().unwrap();
    let mal = testkit::shared_dir().join("data/advisories/osv/ossf-malicious-packages");
    let out = cw()
        .args(["db", "import", "--db"])
        .arg(db.path())
        .arg(&mal)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cw()
        .args(["db", "status", "--format", "json", "--db"])
        .arg(db.path())
        .output()
        .unwrap();
    let status = json(&out.stdout);
    assert_eq!(status["record_count"], 24);
    assert_eq!(status["embedded"], false);
    let out = cw()
        .args(["scan", "--format", "json", "--db"])
        .arg(db.path())
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings_of(&json(&out.stdout), "advisory/malicious").len(),
        1
    );
}

#[test]
fn a_real_npm_lockfile_naming_a_malicious_version_is_malicious() {
    let lock = testkit::workspace_root()
        .join("crates/chainwarden-npm/tests/fixtures/malicious/package-lock.json");
    let out = cw()
        .args(["check", "--format", "json"])
        .arg(lock.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    let mal = findings_of(&report, "advisory/malicious");
    assert!(
        mal.iter().any(
            |f| f["package"]["name"] == "@servicetitan/eh-module-communication"
                && f["location"]["line"].as_u64().is_some()
        ),
        "{mal:?}"
    );
}

#[test]
fn verify_a_real_venv_after_a_one_byte_edit_gives_exactly_one_modified() {
    let venv = testkit::venv("why", &[&["requests==2.32.3"]]);
    let copy = tempfile::tempdir().unwrap();
    testkit::run(
        std::process::Command::new("cp")
            .arg("-a")
            .arg(&venv)
            .arg(copy.path().join("venv")),
    );
    let venv = copy.path().join("venv");
    let clean = cw()
        .args(["verify", "--format", "json"])
        .arg(&venv)
        .output()
        .unwrap();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let report = json(&clean.stdout);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "high" && f["severity"] != "critical"),
        "a fresh venv has no high findings: {}",
        report["findings"]
    );
    let api = testkit::site_packages(&venv).join("requests/api.py");
    let mut bytes = std::fs::read(&api).unwrap();
    bytes[100] ^= 0x20;
    std::fs::write(&api, bytes).unwrap();
    let out = cw()
        .args(["verify", "--format", "json"])
        .arg(&venv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let modified = findings_of(&json(&out.stdout), "integrity/modified");
    assert_eq!(modified.len(), 1, "{modified:?}");
    assert_eq!(modified[0]["package"]["name"], "requests");
    assert!(
        modified[0]["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("requests/api.py")
    );
}

#[test]
fn exposure_lists_planted_credentials_by_fingerprint_never_by_value() {
    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    testkit::run(
        std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(ssh.join("id_ed25519")),
    );
    let token = "sk-proj-Q3xV8mN2pL7rT4wY9zB1cD6fG0hJ5kA2sE8uI3oP7qR4tW9yX1vB6nM0lK5jH2gF";
    std::fs::write(
        home.path().join(".bash_history"),
        format!("ls\nexport OPENAI_API_KEY={token}\n"),
    )
    .unwrap();
    std::fs::write(
        home.path().join(".env.example"),
        "OPENAI_API_KEY=your-key-here\n",
    )
    .unwrap();
    let out = cw()
        .args(["exposure", "--format", "json", "--home"])
        .arg(home.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let report = json(&out.stdout);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"exposure/ssh-private-key") && rules.contains(&"exposure/history-secret"),
        "{rules:?}"
    );
    assert_eq!(
        rules.len(),
        2,
        "the placeholder in .env.example is a decoy: {rules:?}"
    );
    assert!(
        !text.contains(token) && !text.contains(&token[8..24]),
        "a secret leaked into the report"
    );
    let key = std::fs::read_to_string(ssh.join("id_ed25519")).unwrap();
    let body: String = key.lines().nth(1).unwrap().chars().take(40).collect();
    assert!(!text.contains(&body), "key material leaked");
}

#[test]
fn the_litellm_start_up_hook_is_critical_with_no_advisory_data() {
    let home = tempfile::tempdir().unwrap();
    let out = cw()
        .env("HOME", home.path())
        .args(["scan", "--no-advisories", "--format", "json"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    assert!(findings_of(&report, "advisory/malicious").is_empty());
    let hooks = findings_of(&report, "hook/pth-exec");
    assert_eq!(
        hooks.len(),
        1,
        "only litellm_init.pth, not setuptools' distutils-precedence.pth: {hooks:?}"
    );
    assert_eq!(hooks[0]["severity"], "critical");
    assert!(
        hooks[0]["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("litellm_init.pth")
    );
    assert_eq!(hooks[0]["package"]["name"], "litellm");
    assert_eq!(hooks[0]["package"]["version"], "1.82.8");
}

#[test]
fn a_fresh_real_venv_scans_clean_of_high_findings() {
    let venv = testkit::venv("why", &[&["requests==2.32.3"]]);
    let home = tempfile::tempdir().unwrap();
    let out = cw()
        .env("HOME", home.path())
        .args(["scan", "--deep", "--format", "json"])
        .arg(&venv)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out.stdout);
    let high: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "high" || f["severity"] == "critical")
        .collect();
    assert!(high.is_empty(), "{high:?}");
    assert!(
        testkit::site_packages(&venv)
            .join("distutils-precedence.pth")
            .exists(),
        "the venv has setuptools' real .pth"
    );
}

#[test]
fn inspect_names_rule_file_and_line_in_a_real_malware_archive_read_in_memory() {
    let sample = testkit::shared_dir().join(
        "data/malware-samples/pypi/rsc-dev-pypi_malware/malware/djanga/djanga-0.1.tar.gz.zip",
    );
    let out = cw()
        .args([
            "inspect",
            "--archive-password",
            "infected",
            "--format",
            "json",
        ])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    let verdict = findings_of(&report, "heuristic/verdict");
    assert_eq!(verdict.len(), 1);
    assert!(
        verdict[0]["severity"] == "high" || verdict[0]["severity"] == "critical",
        "{verdict:?}"
    );
    let hit = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] != "heuristic/verdict")
        .expect("a hit");
    assert!(
        hit["location"]["path"]
            .as_str()
            .unwrap()
            .contains("djanga-0.1/"),
        "{hit}"
    );
    assert!(hit["location"]["line"].as_u64().unwrap() > 0);
}

#[test]
fn inspect_finds_the_litellm_payload_through_its_base64_layer() {
    let out = cw()
        .args(["inspect", "--format", "json"])
        .arg(litellm_fixture())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    let hit = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .unwrap_or("")
                .ends_with("proxy/proxy_server.py")
        })
        .expect("a hit in proxy_server.py");
    let evidence = hit["evidence"].to_string();
    assert!(
        evidence.contains("layer") || hit["message"].as_str().unwrap().contains("decode"),
        "{hit}"
    );
}

#[test]
fn online_upload_times_feed_the_cooldown_policy() {
    // A registry mirror in the registries' own JSON forms (npm packument `time`, PEP 691/700 simple index).
    let mirror = tempfile::tempdir().unwrap();
    let npm = mirror.path().join("npm");
    let pypi = mirror.path().join("pypi");
    std::fs::create_dir_all(&npm).unwrap();
    std::fs::create_dir_all(&pypi).unwrap();
    // SOURCE_DATE_EPOCH of these tests is 2026-03-24T00:00:00Z.
    std::fs::write(npm.join("left-pad"), r#"{"name":"left-pad","time":{"created":"2014-03-20T00:00:00Z","1.3.0":"2026-03-23T12:00:00.000Z"}}"#).unwrap();
    std::fs::write(
        pypi.join("requests"),
        r#"{"meta":{"api-version":"1.1"},"name":"requests","files":[{"filename":"requests-2.32.3-py3-none-any.whl","upload-time":"2024-05-29T15:37:47.027275Z"},{"filename":"requests-2.32.3.tar.gz","upload-time":"2024-05-29T15:37:49.536Z"}]}"#,
    )
    .unwrap();
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("package-lock.json"),
        r#"{"name":"p","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"p","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}},"node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","integrity":"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEQ4ezxYj5JJ4bGhSnHRpfdndRDkNpuP5kZgJDoPwg/A/FKQ=="}}}"#,
    )
    .unwrap();
    std::fs::write(
        project.path().join("requirements.txt"),
        "requests==2.32.3\n",
    )
    .unwrap();
    std::fs::write(
        project.path().join("chainwarden.toml"),
        "[policy]\nmin-release-age-days = 7\n",
    )
    .unwrap();
    let run = |online: bool| {
        let mut c = cw();
        c.env(
            "CHAINWARDEN_NPM_REGISTRY",
            format!("file://{}", npm.display()),
        )
        .env(
            "CHAINWARDEN_PYPI_SIMPLE",
            format!("file://{}", pypi.display()),
        )
        .args(["check", "--format", "json", "--fail-on", "never"]);
        if online {
            c.arg("--online");
        }
        json(&c.arg(project.path()).output().unwrap().stdout)
    };
    assert!(
        findings_of(&run(false), "policy/cooldown").is_empty(),
        "offline: package-lock.json records no upload times"
    );
    let cooldown = findings_of(&run(true), "policy/cooldown");
    assert_eq!(cooldown.len(), 1, "{cooldown:?}");
    assert!(
        cooldown[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("left-pad 1.3.0 was uploaded 0.5 days ago"),
        "{cooldown:?}"
    );
}
