//! End-to-end tests of the binary on inputs written by an attacker: what
//! could not be read fails the gate, bounds hold (memory, output size,
//! work), and nothing is silently skipped. Every input is generated here,
//! cheaply (see `chainwarden_testkit::hostile`).

mod common;

use chainwarden_testkit::hostile::{self, Declared};
use common::cw;
use std::path::Path;

struct Run {
    code: Option<i32>,
    report: serde_json::Value,
    stderr: String,
}

fn inspect(path: &Path, extra: &[&str]) -> Run {
    let out = cw()
        .args(["inspect", "--format", "json"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    Run {
        code: out.status.code(),
        report,
        stderr,
    }
}

/// The findings of `rule`, as (severity, message).
fn of_rule(report: &serde_json::Value, rule: &str) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == rule)
                .map(|f| {
                    (
                        f["severity"].as_str().unwrap_or("").to_string(),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts the run failed the gate (exit 1) with a high finding of `rule`
/// whose message contains `needle`.
fn assert_fails_with(run: &Run, rule: &str, needle: &str) {
    assert_eq!(run.code, Some(1), "{}\n{}", run.report, run.stderr);
    let hits = of_rule(&run.report, rule);
    assert!(
        hits.iter()
            .any(|(sev, msg)| sev == "high" && msg.contains(needle)),
        "no high {rule} finding containing {needle:?} in {:#}",
        run.report["findings"]
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `inspect` of `bytes` saved as a file named `name`.
fn inspect_bytes(name: &str, bytes: &[u8], extra: &[&str]) -> Run {
    let t = tempfile::tempdir().unwrap();
    inspect(&write(t.path(), name, bytes), extra)
}

#[test]
fn a_10_gib_zip_bomb_fails_inspect_in_bounded_memory() {
    let t = tempfile::tempdir().unwrap();
    for (declared, rule, needle) in [
        // Sizes as stated: refused before inflating.
        (Declared::Honest, "archive/expansion-bound", "not inspected"),
        // Sizes that lie: cut off while inflating, as corrupt.
        (
            Declared::Lying,
            "archive/unreadable",
            "larger than its declared uncompressed size",
        ),
    ] {
        let bomb = hostile::zip_bomb(10, 1024, declared);
        assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
        let path = write(t.path(), "bomb-1.0-py3-none-any.whl", &bomb);
        let run = inspect(&path, &[]);
        assert_fails_with(&run, rule, needle);
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainwarden"));
        cmd.arg("inspect").arg(&path);
        let (rss, _) = chainwarden_testkit::peak_rss_mib(&cmd);
        assert!(rss < 400, "{declared:?}: peak RSS {rss} MiB");
    }
}

#[test]
fn an_archive_of_150k_entries_fails_inspect() {
    let run = inspect_bytes(
        "many-1.0.tar.gz",
        &hostile::many_entries_tar_gz(150_000),
        &[],
    );
    assert_fails_with(&run, "archive/expansion-bound", "more than 100000 entries");
}

#[test]
fn a_truncated_sdist_fails_inspect() {
    let body = "x = 1\n".repeat(50_000);
    let files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("demo-1.0/demo/m{i}.py"), body.as_bytes().to_vec()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let run = inspect_bytes(
        "demo-1.0.tar.gz",
        &hostile::truncated_tar_gz(&refs, 0.6),
        &[],
    );
    assert_fails_with(&run, "archive/unreadable", "could not be read");
}

#[test]
fn an_archive_nested_5_deep_fails_inspect() {
    let run = inspect_bytes(
        "outer.zip",
        &hostile::nested_zip(5, "pkg/payload.py", b"import os\nos.system('id')\n"),
        &[],
    );
    assert_fails_with(&run, "archive/expansion-bound", "nested deeper");
}

#[test]
fn an_unsafe_member_name_fails_inspect_whatever_the_verdict() {
    let tar = hostile::tar_of(&[
        ("demo-1.0/PKG-INFO", b"Name: demo\nVersion: 1.0\n"),
        ("demo-1.0/demo/__init__.py", b"x = 1\n"),
        ("../../../home/user/.bashrc", b"# harmless text\n"),
    ]);
    let run = inspect_bytes("demo-1.0.tar.gz", &hostile::gzip(&tar), &[]);
    assert_fails_with(&run, "archive/unsafe-path", "../../../home/user/.bashrc");
    assert!(
        of_rule(&run.report, "heuristic/verdict").is_empty(),
        "the code itself is clean"
    );
}

#[test]
fn an_encrypted_archive_fails_inspect_without_the_right_password() {
    let t = tempfile::tempdir().unwrap();
    let zip = hostile::zip_of(&[("demo/__init__.py", b"x = 1\n")], Some(b"infected"));
    let path = write(t.path(), "sample.zip", &zip);
    let run = inspect(&path, &[]);
    assert_fails_with(&run, "archive/unreadable", "no password");
    // A wrong password fails ZipCrypto's check byte (or, 1 time in 256, the
    // inflate of what it decrypts to): unreadable either way.
    let run = inspect(&path, &["--archive-password", "wrong"]);
    assert_fails_with(&run, "archive/unreadable", "");
    let run = inspect(&path, &["--archive-password", "infected"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.report, run.stderr);
}

#[test]
fn a_corrupt_member_archive_fails_inspect() {
    // A zip holding a "zip" that is a zip's first bytes and then garbage.
    let mut inner = hostile::zip_of(&[("a.py", b"x = 1\n")], None);
    inner.truncate(20);
    let zip = hostile::zip_of(&[("pkg/inner.zip", &inner), ("pkg/a.py", b"x = 1\n")], None);
    let run = inspect_bytes("outer.zip", &zip, &[]);
    assert_fails_with(&run, "archive/unreadable", "pkg/inner.zip");
}

#[test]
fn a_source_file_over_the_bound_fails_inspect() {
    let t = tempfile::tempdir().unwrap();
    let tree = t.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("setup.py"), "from setuptools import setup\n").unwrap();
    // Sparse: 33 MiB of zeros cost nothing on disk.
    let big = std::fs::File::create(tree.join("big.py")).unwrap();
    big.set_len(33 * 1024 * 1024).unwrap();
    let run = inspect(&tree, &[]);
    assert_fails_with(&run, "input/malformed", "big.py");

    // The same file in a wheel.
    let run = inspect_bytes(
        "big-1.0-py3-none-any.whl",
        &hostile::zip_bomb(1, 33, Declared::Honest),
        &[],
    );
    assert_fails_with(&run, "archive/expansion-bound", "bomb/0.py");
}

#[test]
fn a_named_target_that_cannot_be_opened_is_exit_2_naming_it() {
    let run = inspect_bytes(
        "garbage-1.0-py3-none-any.whl",
        b"not an archive at all",
        &[],
    );
    assert_eq!(run.code, Some(2), "{}", run.report);
    assert!(
        run.stderr.contains("garbage-1.0-py3-none-any.whl")
            && run.stderr.contains("not a zip, tar or gzip archive"),
        "{}",
        run.stderr
    );
    let mut cut = hostile::zip_of(&[("a.py", b"x = 1\n")], None);
    cut.truncate(cut.len() / 2);
    let run = inspect_bytes("broken.zip", &cut, &[]);
    assert_eq!(run.code, Some(2), "{}", run.report);
    assert!(run.stderr.contains("broken.zip"), "{}", run.stderr);
}

/// Runs the binary; returns (exit code, stdout bytes, stderr bytes).
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out = cw().args(args).output().unwrap();
    (out.status.code(), out.stdout, out.stderr)
}

#[test]
fn a_4_mb_one_line_lockfile_gives_a_small_report_in_every_format() {
    let t = tempfile::tempdir().unwrap();
    // Not TOML at all: the parser's error quotes the line.
    std::fs::write(t.path().join("Cargo.lock"), "a".repeat(4_000_000)).unwrap();
    let repo = t.path().as_os_str();
    for format in ["table", "json", "sarif"] {
        let (code, out, err) = run(&["check".as_ref(), "--format".as_ref(), format.as_ref(), repo]);
        assert!(code == Some(0) || code == Some(1), "{format}: {code:?}");
        assert!(
            out.len() < 32 * 1024 && err.len() < 32 * 1024,
            "{format}: {} bytes of report, {} of stderr",
            out.len(),
            err.len()
        );
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("(4000004 chars)"), "{format}: {text}");
    }
}

#[test]
fn a_huge_quoted_string_gives_a_small_report() {
    let t = tempfile::tempdir().unwrap();
    // A requirement line whose PEP 508 error quotes the whole line.
    std::fs::write(
        t.path().join("requirements.txt"),
        format!("requests==2.0 ; {}\n", "x".repeat(8_000_000)),
    )
    .unwrap();
    let (code, out, err) = run(&[
        "scan".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        t.path().as_os_str(),
    ]);
    assert!(code == Some(0) || code == Some(1), "{code:?}");
    assert!(
        out.len() < 32 * 1024 && err.len() < 32 * 1024,
        "{} bytes of report, {} of stderr",
        out.len(),
        err.len()
    );
}

#[test]
fn a_config_error_quoting_a_huge_line_is_a_short_message() {
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("chainwarden.toml");
    // Under the 1 MiB config bound; an unclosed string: TOML quotes the line.
    std::fs::write(
        &config,
        format!("[scan]\nfail-on = \"{}\n", "h".repeat(900_000)),
    )
    .unwrap();
    let (code, out, err) = run(&[
        "check".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        t.path().as_os_str(),
    ]);
    assert_eq!(code, Some(2));
    let err = String::from_utf8_lossy(&err);
    assert!(
        out.is_empty() && err.len() < 32 * 1024,
        "{} bytes",
        err.len()
    );
    assert!(err.contains("chainwarden.toml"), "{err}");
}
