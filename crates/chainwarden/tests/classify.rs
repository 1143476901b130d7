//! End-to-end: `chainwarden classify` and `chainwarden redact`, the real binary.

use assert_cmd::Command;
use std::path::Path;

const AWS_ID: &str = "AKIAZ7Q3NVBRC5W2X4P6";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3hT4vN8k";
/// Ten valid TFNs (ATO check digit), in the forms people write them.
const TFNS: [&str; 10] = [
    "123 456 782",
    "876543210",
    "38593474",
    "123456782",
    "876 543 210",
    "385 934 74",
    "565051603",
    "459599230",
    "112474082",
    "714 797 103",
];

fn cw(key_dir: &Path) -> Command {
    let mut c = Command::cargo_bin("chainwarden").expect("binary");
    c.env("CHAINWARDEN_KEY_FILE", key_dir.join("local.key"))
        .env_remove("CHAINWARDEN_CONFIG");
    c
}

fn fixture() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("aws.env"),
        format!("aws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n"),
    )
    .unwrap();
    let mut tfn = String::from("CONFIDENTIAL\n\nPayroll extract\n");
    for t in TFNS {
        tfn.push_str(&format!("employee TFN: {t}\n"));
    }
    std::fs::write(p.join("payroll.txt"), tfn).unwrap();
    std::fs::write(
        p.join("README.md"),
        "# Widgets\n\nBuild with `make`. Version 2.4.1, 2026-03-24. See the docs folder.\n",
    )
    .unwrap();
    d
}

fn all_values() -> Vec<String> {
    let mut v = vec![AWS_ID.to_string(), AWS_SECRET.to_string()];
    v.extend(TFNS.iter().map(|t| t.to_string()));
    v.extend(TFNS.iter().map(|t| t.replace(' ', "")));
    v
}

#[test]
fn the_three_files_get_the_policy_classes_and_no_format_prints_a_value() {
    let d = fixture();
    let keys = tempfile::tempdir().unwrap();
    let out = cw(keys.path())
        .arg("classify")
        .arg(d.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "confidential files fail the default gate"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let class_of = |name: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    let aws = class_of("aws.env");
    assert_eq!(aws["class"], "confidential");
    assert_eq!(aws["decided_by"]["rule"], "secret/aws-access-key-id");
    let rules: Vec<&str> = aws["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["secret/aws-access-key-id", "secret/aws-secret-access-key"]
    );
    for f in aws["findings"].as_array().unwrap() {
        assert_eq!(f["kind"], "secret");
        assert!(f["line"].as_u64().unwrap() >= 1);
        assert!(f["fingerprint"].as_str().unwrap().starts_with("hmac:"));
    }
    let payroll = class_of("payroll.txt");
    assert_eq!(payroll["class"], "confidential");
    let tfn_count = payroll["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "pii/au-tfn")
        .count();
    assert_eq!(tfn_count, 10, "{payroll:#}");
    assert!(
        payroll["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "marker/confidential" && f["line"] == 1)
    );
    assert_eq!(class_of("README.md")["class"], "public");
    assert_eq!(
        class_of("README.md")["findings"].as_array().unwrap().len(),
        0
    );

    for format in ["json", "table", "sarif"] {
        let out = cw(keys.path())
            .arg("classify")
            .arg(d.path())
            .args(["--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for v in all_values() {
            assert!(!text.contains(&v), "{format} output shows a value");
        }
        if format == "sarif" {
            let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(s["version"], "2.1.0");
            assert!(s["runs"][0]["results"].as_array().unwrap().len() >= 13);
        }
    }
    // Same key, same fingerprints; another key, other fingerprints (keyed, not a plain hash).
    let again = cw(keys.path())
        .arg("classify")
        .arg(d.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(again.stdout, out.stdout);
    let other = tempfile::tempdir().unwrap();
    let third = cw(other.path())
        .arg("classify")
        .arg(d.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_ne!(third.stdout, out.stdout);
}

#[test]
fn stdin_exit_codes_and_config_errors() {
    let keys = tempfile::tempdir().unwrap();
    let out = cw(keys.path())
        .args(["classify", "-", "--format", "json"])
        .write_stdin("just words\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = cw(keys.path())
        .args(["classify", "-", "--format", "json"])
        .write_stdin("mail jane.citizen@acme-corp.com.au\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "internal is below the default fail-on high"
    );
    let out = cw(keys.path())
        .args(["classify", "-", "--fail-on", "medium"])
        .write_stdin("mail jane.citizen@acme-corp.com.au\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        cw(keys.path())
            .args(["classify", "/nonexistent/x"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("chainwarden.toml"), "[classify]\nterms = [{ term = \"Bluebird\" }]\n\n[classify.classes]\n\"pii/nope\" = \"public\"\n").unwrap();
    std::fs::write(d.path().join("a.txt"), "x").unwrap();
    let out = cw(keys.path())
        .arg("classify")
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("chainwarden.toml: line 5") && err.contains("pii/nope"),
        "{err}"
    );
    std::fs::write(
        d.path().join("chainwarden.toml"),
        "[classify]\nterms = [{ term = \"Bluebird\" }]\n",
    )
    .unwrap();
    std::fs::write(d.path().join("a.txt"), "Project bluebird kickoff").unwrap();
    let out = cw(keys.path())
        .arg("classify")
        .arg(d.path())
        .args(["-f", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("a.txt"))
        .unwrap()
        .clone();
    assert_eq!(a["class"], "confidential");
    assert_eq!(a["findings"][0]["rule"], "marker/org-term");
}

#[test]
fn binaries_fifos_archives_and_symlinks() {
    let keys = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("blob.bin"), b"\x7fELF\x00\x00AKIAZ7Q3NVBRC5W2X4P6").unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(p.join("fifo"))
            .status()
            .unwrap()
            .success()
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.env"), format!("k={AWS_ID}\n")).unwrap();
    std::os::unix::fs::symlink(outside.path(), p.join("link")).unwrap();
    // A zip with a secret in a member, read in memory.
    let mut zbuf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut zbuf);
        z.start_file("inner/config.py", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, format!("KEY = '{AWS_ID}'\n").as_bytes()).unwrap();
        z.finish().unwrap();
    }
    std::fs::write(p.join("bundle.zip"), zbuf.into_inner()).unwrap();
    let out = cw(keys.path())
        .arg("classify")
        .arg(p)
        .args(["-f", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("bundle.zip!/inner/config.py"));
    assert_eq!(doc["files"][0]["class"], "confidential");
    assert_eq!(doc["skipped"][0]["reason"], "binary");
    assert_eq!(doc["summary"]["skipped_binary"], 1);
}

#[test]
fn redact_reversible_roundtrip_and_tamper() {
    let keys = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("prompt.md");
    let text = format!(
        "Please debug: key {AWS_ID}, write to jane.citizen@acme-corp.com.au, again {AWS_ID}.\n"
    );
    std::fs::write(&src, &text).unwrap();
    let out = cw(keys.path())
        .arg("redact")
        .arg(&src)
        .arg("--reversible")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let red = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        red,
        "Please debug: key <SECRET_AWS_1>, write to <EMAIL_1>, again <SECRET_AWS_1>.\n"
    );
    let map = d.path().join("prompt.md.mapping.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&map).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let back = cw(keys.path())
        .args(["redact", "-", "--restore", "--mapping"])
        .arg(&map)
        .write_stdin(red.clone())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(back.stdout).unwrap(), text);
    let edited = std::fs::read_to_string(&map)
        .unwrap()
        .replace("jane.citizen", "eve");
    std::fs::write(&map, edited).unwrap();
    let out = cw(keys.path())
        .args(["redact", "-", "--restore", "--mapping"])
        .arg(&map)
        .write_stdin(red)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not verify"));
}
