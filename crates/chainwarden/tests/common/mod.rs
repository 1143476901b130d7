//! What every end-to-end test of the binary needs.
#![allow(dead_code, unreachable_pub)]

use assert_cmd::Command;
use std::path::Path;

/// The binary, with a fixed clock and no configuration from the host.
pub fn cw() -> Command {
    let mut c = Command::cargo_bin("chainwarden").expect("binary");
    c.env("SOURCE_DATE_EPOCH", "1774310400")
        .env_remove("CHAINWARDEN_DB")
        .env_remove("CHAINWARDEN_CONFIG");
    c
}

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// Runs `chainwarden ARGS… PATH --format json`: the exit code and the report.
pub fn report(args: &[&str], path: &Path) -> (Option<i32>, serde_json::Value) {
    let out = cw()
        .args(args)
        .args(["--format", "json"])
        .arg(path)
        .output()
        .expect("run chainwarden");
    (out.status.code(), json(&out.stdout))
}

/// The findings of a JSON report raised by `rule`.
pub fn findings_of(report: &serde_json::Value, rule: &str) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

/// Writes `text` at `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}
