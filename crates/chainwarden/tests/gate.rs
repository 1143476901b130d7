//! End-to-end tests of the binary as an attacker would drive it: one planted
//! file must not switch the gate off, hang it, hide a package or make it
//! write somewhere else. Every run has a timeout, so a hang fails the test
//! instead of stalling the suite.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Far above what any of these runs needs on a loaded machine; a FIFO that
/// blocks would wait forever.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The binary, killed after [`TIMEOUT`].
fn cw() -> Command {
    let mut c = common::cw();
    c.timeout(TIMEOUT);
    c
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// `(rule, severity, location path)` of every finding of a JSON report.
    fn findings(&self) -> Vec<(String, String, String)> {
        self.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["severity"].as_str().unwrap_or("").to_string(),
                    f["location"]["path"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        run.code.is_some(),
        "killed (timeout: a hang?)\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// A repository with one pinned, vulnerable requirement.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("requirements.txt"),
        "requests==2.0.0 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
    );
    dir
}

fn has_component(report: &Value, name: &str, version: &str) -> bool {
    report["components"]
        .as_array()
        .expect("components")
        .iter()
        .any(|c| c["name"] == name && c["version"] == version)
}

const SIGNED_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n";

#[test]
fn a_planted_cache_tag_or_metadata_folder_does_not_hide_the_repository() {
    let dir = repo();
    let root = dir.path();
    write(&root.join("CACHEDIR.TAG"), "");
    fs::create_dir_all(root.join("x.dist-info")).unwrap();
    for command in ["check", "scan"] {
        let r = run(cw().args([command, "--format", "json"]).arg(root));
        let report = r.json();
        assert!(
            has_component(&report, "requests", "2.0.0"),
            "{command}: {}",
            r.stdout
        );
        assert_eq!(r.code, Some(0), "{command}: {}", r.stderr);
    }
    // `scan` reads the empty metadata folder as a site dir and says it could
    // not; `check` leaves installed environments out.
    let r = run(cw().args(["scan", "--format", "json"]).arg(root));
    assert!(
        r.findings()
            .iter()
            .any(|(rule, _, path)| rule == "input/malformed" && path.ends_with("x.dist-info")),
        "{:?}",
        r.findings()
    );
    // A signed tag at the root is ignored too: the user named the root.
    write(&root.join("CACHEDIR.TAG"), SIGNED_TAG);
    let r = run(cw().args(["check", "--format", "json"]).arg(root));
    assert!(has_component(&r.json(), "requests", "2.0.0"));
}

#[test]
fn a_skipped_tree_is_reported_everywhere_and_fails_the_gate() {
    let dir = repo();
    let root = dir.path();
    write(&root.join("services/CACHEDIR.TAG"), SIGNED_TAG);
    write(&root.join("services/api/uv.lock"), "version = 1\n");
    // The gate: listed as input/skipped, raised to high, exit 1.
    let r = run(cw().args(["check", "--format", "json"]).arg(root));
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let skipped: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|(rule, _, _)| rule == "input/skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", r.findings());
    assert_eq!(skipped[0].1, "high");
    assert!(skipped[0].2.ends_with("services"), "{skipped:?}");
    // `scan` reports it at its own severity and passes.
    let r = run(cw().args(["scan", "--format", "json"]).arg(root));
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert!(
        r.findings()
            .contains(&("input/skipped".into(), "low".into(), skipped[0].2.clone()))
    );
    // Table, SARIF and the SBOMs say it too.
    let table = run(cw().arg("check").arg(root));
    assert!(
        table.stdout.contains("input/skipped") && table.stdout.contains("CACHEDIR.TAG"),
        "{}",
        table.stdout
    );
    let sarif = run(cw().args(["check", "--format", "sarif"]).arg(root));
    assert!(
        sarif.stdout.contains("\"input/skipped\""),
        "{}",
        sarif.stdout
    );
    for format in ["cyclonedx", "spdx"] {
        let sbom = run(cw().args(["check", "--format", format]).arg(root));
        assert!(
            sbom.stdout.contains("input/skipped (high)") && sbom.stdout.contains("services"),
            "{format}: {}",
            sbom.stdout
        );
    }
    // Cargo's own build folder is listed but does not fail the gate.
    let cargo = tempfile::tempdir().unwrap();
    write(&cargo.path().join("Cargo.lock"), "version = 4\n");
    write(&cargo.path().join("target/CACHEDIR.TAG"), SIGNED_TAG);
    write(&cargo.path().join("target/debug/.fingerprint/x"), "");
    let r = run(cw().args(["check", "--format", "json"]).arg(cargo.path()));
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    assert!(
        r.findings()
            .iter()
            .any(|(rule, severity, path)| rule == "input/skipped"
                && severity == "info"
                && path.ends_with("target"))
    );
}

/// A site-packages folder holding litellm 1.82.7 (a known-malicious release)
/// with the given METADATA bytes.
fn litellm_site(metadata: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let info = dir
        .path()
        .join("lib/python3.12/site-packages/litellm-1.82.7.dist-info");
    write(&info.join("METADATA"), metadata);
    write(&info.join("RECORD"), "litellm/__init__.py,,\n");
    dir
}

fn assert_litellm_caught(dir: &Path) {
    let r = run(cw().args(["scan", "--format", "json"]).arg(dir));
    assert!(
        has_component(&r.json(), "litellm", "1.82.7"),
        "{}",
        r.stdout
    );
    assert!(
        r.findings()
            .iter()
            .any(|(rule, severity, _)| rule == "advisory/malicious" && severity == "critical"),
        "{:?}",
        r.findings()
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn broken_metadata_does_not_hide_a_malicious_package() {
    // One invalid UTF-8 byte.
    let one_byte = litellm_site(
        b"Metadata-Version: 2.1\nName: litellm\nVersion: 1.82.7\nSummary: caf\xe9\n\nbody\n",
    );
    assert_litellm_caught(one_byte.path());
    // A header block of 5 MB before the name.
    let mut padded = b"Metadata-Version: 2.1\nVersion: 1.82.7\n".to_vec();
    for _ in 0..(5 * 1024 * 1024 / 32) {
        padded.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaa\n");
    }
    padded.extend_from_slice(b"Name: litellm\n\n");
    let huge = litellm_site(&padded);
    assert_litellm_caught(huge.path());
    // A METADATA that cannot be read at all: the folder name still says
    // what it is, and in a gate the unreadable file is at least high.
    let fifo = litellm_site(b"");
    let metadata = fifo
        .path()
        .join("lib/python3.12/site-packages/litellm-1.82.7.dist-info/METADATA");
    fs::remove_file(&metadata).unwrap();
    mkfifo(&metadata);
    assert_litellm_caught(fifo.path());
    let r = run(cw()
        .args([
            "scan",
            "--fail-closed",
            "--no-advisories",
            "--format",
            "json",
        ])
        .arg(fifo.path()));
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(
        r.findings()
            .iter()
            .any(|(rule, severity, path)| rule == "input/malformed"
                && severity == "high"
                && path.ends_with("METADATA")),
        "{:?}",
        r.findings()
    );
}

#[test]
fn fifos_never_hang_any_command() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // An npm tree with a FIFO for a package.json.
    write(
        &root.join("node_modules/ok/package.json"),
        r#"{"name": "ok", "version": "1.0.0"}"#,
    );
    mkfifo(&root.join("node_modules/evil/package.json"));
    // A Python environment with FIFOs for RECORD and METADATA.
    let sp = root.join(".venv/lib/python3.12/site-packages");
    write(
        &sp.join("good-1.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: good\nVersion: 1.0\n",
    );
    mkfifo(&sp.join("good-1.0.dist-info/RECORD"));
    mkfifo(&sp.join("bad-2.0.dist-info/METADATA"));
    write(&sp.join("bad-2.0.dist-info/RECORD"), "");
    let commands: [&[&str]; 5] = [
        &["scan", "--no-advisories"],
        &["scan", "--deep", "--no-advisories"],
        &["check", "--no-advisories"],
        &["verify"],
        &["inspect"],
    ];
    for args in commands {
        let r = run(cw().args(args).args(["--format", "json"]).arg(root));
        assert!(
            matches!(r.code, Some(0 | 1)),
            "{args:?}: {}\n{}",
            r.stdout,
            r.stderr
        );
        // What could not be read is named, in every command that reads it
        // (`check` leaves installed trees out).
        let unread: Vec<String> = r
            .findings()
            .into_iter()
            .filter(|(rule, _, _)| rule == "input/malformed")
            .map(|(_, _, path)| path)
            .collect();
        let expected: &[&str] = match args {
            ["scan", "--no-advisories"] => &["evil/package.json", "bad-2.0.dist-info/METADATA"],
            ["scan", "--deep", ..] | ["verify"] => &[
                "evil/package.json",
                "bad-2.0.dist-info/METADATA",
                "good-1.0.dist-info/RECORD",
            ],
            ["inspect"] => &["bad-2.0.dist-info/METADATA", "good-1.0.dist-info/RECORD"],
            _ => &[],
        };
        for e in expected {
            assert!(
                unread.iter().any(|p| p.ends_with(e)),
                "{args:?}: {e} not reported in {unread:?}"
            );
        }
    }
    // A FIFO named as the configuration is an invalid configuration: exit 2, at once.
    let fifo_config = root.join("fifo.toml");
    mkfifo(&fifo_config);
    let r = run(cw()
        .args(["scan", "--no-advisories", "--config"])
        .arg(&fifo_config)
        .arg(root));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    // And a FIFO named as the scan target cannot be opened: exit 2.
    let r = run(cw().args(["scan", "--no-advisories"]).arg(&fifo_config));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn output_never_writes_through_a_symlink() {
    let dir = repo();
    let victim_dir = tempfile::tempdir().unwrap();
    let victim = victim_dir.path().join(".bashrc");
    fs::write(&victim, "original\n").unwrap();
    let out = dir.path().join("report.json");
    std::os::unix::fs::symlink(&victim, &out).unwrap();
    let r = run(cw()
        .args(["check", "--no-advisories", "--format", "json", "--output"])
        .arg(&out)
        .arg(dir.path()));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "original\n");
    assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
    // A regular file is replaced whole, keeping its permissions.
    fs::remove_file(&out).unwrap();
    fs::write(
        &out,
        "old report, longer than the new one will be, surely\n".repeat(1000),
    )
    .unwrap();
    let r = run(cw()
        .args(["check", "--no-advisories", "--format", "json", "--output"])
        .arg(&out)
        .arg(dir.path()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let report: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert!(has_component(&report, "requests", "2.0.0"));
}

#[test]
fn input_errors_fail_the_gate_by_default_and_the_repository_decides() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("uv.lock"), "");
    write(&root.join("web/package-lock.json"), "{}");
    // check: fail-closed.
    let r = run(cw()
        .args(["check", "--no-advisories", "--format", "json"])
        .arg(root));
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let malformed: Vec<_> = r
        .findings()
        .into_iter()
        .filter(|(rule, _, _)| rule == "input/malformed")
        .collect();
    assert_eq!(malformed.len(), 2, "{malformed:?}");
    assert!(malformed.iter().all(|(_, severity, _)| severity == "high"));
    // scan: reported, low, exit 0; --fail-closed makes it a gate.
    let r = run(cw()
        .args(["scan", "--no-advisories", "--format", "json"])
        .arg(root));
    assert_eq!(r.code, Some(0));
    assert!(
        r.findings()
            .iter()
            .filter(|(rule, severity, _)| rule == "input/malformed" && severity == "low")
            .count()
            == 2
    );
    let r = run(cw()
        .args(["scan", "--no-advisories", "--fail-closed"])
        .arg(root));
    assert_eq!(r.code, Some(1));
    // The repository can turn it off (reviewed like any change), the flag back on.
    write(
        &root.join("chainwarden.toml"),
        "[scan]\nfail-closed = false\n",
    );
    let r = run(cw().args(["check", "--no-advisories"]).arg(root));
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    let r = run(cw()
        .args(["check", "--no-advisories", "--fail-closed"])
        .arg(root));
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    // A wrong value is an invalid configuration, named at its line.
    write(
        &root.join("chainwarden.toml"),
        "[scan]\n\nfail-closed = \"yes\"\n",
    );
    let r = run(cw().args(["check", "--no-advisories"]).arg(root));
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("chainwarden.toml") && r.stderr.contains("line 3"),
        "{}",
        r.stderr
    );
}

#[test]
fn reported_paths_are_relative_to_the_root_as_given() {
    let parent = tempfile::tempdir().unwrap();
    let root = parent.path().join("proj");
    write(
        &root.join("node_modules/left-pad/package.json"),
        r#"{"name": "left-pad", "version": "1.3.0", "scripts": {"postinstall": "node x.js"}}"#,
    );
    write(
        &root.join("requirements.txt"),
        "requests==2.0.0\nnot a requirement (\n",
    );
    mkfifo(&root.join("node_modules/evil/package.json"));
    let r = run(cw().current_dir(parent.path()).args([
        "scan",
        "--no-advisories",
        "--format",
        "json",
        "proj",
    ]));
    let report = r.json();
    let mut paths: Vec<String> = Vec::new();
    for s in report["sources"].as_array().unwrap() {
        paths.push(s["path"].as_str().unwrap().to_string());
    }
    for c in report["components"].as_array().unwrap() {
        for l in c["locations"].as_array().unwrap() {
            paths.push(l["path"].as_str().unwrap().to_string());
        }
    }
    for e in report["errors"].as_array().unwrap() {
        paths.push(e["path"].as_str().unwrap().to_string());
    }
    paths.extend(r.findings().into_iter().map(|(_, _, p)| p));
    assert!(
        paths.iter().any(|p| p.contains("node_modules")),
        "{paths:?}"
    );
    for p in &paths {
        assert!(p.starts_with("proj/"), "{p} in {paths:?}");
    }
    assert!(!r.stdout.contains(&parent.path().display().to_string()));
}

#[test]
fn the_gate_log_shows_findings_and_a_summary_not_the_inventory() {
    let dir = repo();
    let check = run(cw().args(["check", "--no-advisories"]).arg(dir.path()));
    assert!(!check.stdout.contains("COMPONENTS"), "{}", check.stdout);
    assert!(
        check.stdout.contains("1 component in 1 source"),
        "{}",
        check.stdout
    );
    let listed = run(cw()
        .args(["check", "--no-advisories", "--inventory"])
        .arg(dir.path()));
    assert!(listed.stdout.contains("COMPONENTS (1 in 1 sources)"));
    let scan = run(cw().args(["scan", "--no-advisories"]).arg(dir.path()));
    assert!(scan.stdout.contains("COMPONENTS (1 in 1 sources)"));
    let quiet = run(cw()
        .args(["scan", "--no-advisories", "--no-inventory"])
        .arg(dir.path()));
    assert!(!quiet.stdout.contains("COMPONENTS"));
}

#[test]
fn excluded_fixtures_do_not_drive_the_gate_and_are_listed() {
    let dir = repo();
    let root = dir.path();
    write(&root.join("test/requirements/a.in"), "flask==0.1\n");
    write(&root.join("test/requirements/b.in"), "flask==0.2\n");
    write(&root.join("pkg/fixtures/private/package-lock.json"), "{}");
    write(
        &root.join("chainwarden.toml"),
        "[scan]\nexclude = [\"test/requirements/*.in\"]\n",
    );
    let r = run(cw()
        .args(["check", "--format", "json", "--exclude", "fixtures/"])
        .arg(root));
    let report = r.json();
    assert!(!has_component(&report, "flask", "0.1"));
    assert!(has_component(&report, "requests", "2.0.0"));
    let findings = report["findings"].as_array().unwrap();
    let excluded: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "input/excluded")
        .collect();
    assert_eq!(excluded.len(), 2, "{excluded:?}");
    let by_config = excluded
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("test/requirements/*.in")
        })
        .expect("config pattern listed");
    assert_eq!(by_config["severity"], "info");
    assert_eq!(by_config["evidence"].as_array().unwrap().len(), 2);
    assert!(
        !findings.iter().any(|f| f["rule"] == "input/malformed"),
        "the excluded garbage lockfile is not read"
    );
    // An invalid pattern is a usage error.
    let r = run(cw().args(["check", "--exclude", "a[b"]).arg(root));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("a[b"), "{}", r.stderr);
}

#[test]
fn a_binary_bun_lockfile_is_reported_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("bun.lockb"),
        b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n\x00\x01\x02",
    );
    let r = run(cw()
        .args(["check", "--no-advisories", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let report = r.json();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "input/unsupported")
        .expect("bun.lockb reported");
    assert_eq!(f["severity"], "high");
    assert!(
        f["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("bun.lockb")
    );
    assert!(
        f["remediation"]
            .as_str()
            .unwrap()
            .contains("--save-text-lockfile")
    );
    // With the text lockfile beside it, bun.lockb is noted, not failed on.
    write(
        &dir.path().join("bun.lock"),
        "{\"lockfileVersion\": 1, \"workspaces\": {\"\": {\"name\": \"x\"}}, \"packages\": {}}",
    );
    let r = run(cw()
        .args(["check", "--no-advisories", "--format", "json"])
        .arg(dir.path()));
    let lockb = dir.path().join("bun.lockb").display().to_string();
    assert!(
        r.findings()
            .contains(&("input/unsupported".into(), "info".into(), lockb)),
        "{:?}",
        r.findings()
    );
}
