//! Big legitimate packages use subprocess, network, os.environ and base64;
//! their verdicts must stay below high. Real wheels, installed with pip.

#![allow(clippy::print_stderr)]

use chainwarden_core::Severity;
use chainwarden_core::fsutil::read_bounded;
use chainwarden_heuristics::{Hit, PackageMeta, language_for, scan_source, verdict};
use chainwarden_heuristics::{Language, Verdict};
use chainwarden_testkit::{site_packages, venv};
use std::path::Path;
use std::time::Instant;

/// Scans every file RECORD lists for each distribution in `site`.
fn verdicts(site: &Path) -> Vec<(String, Verdict, usize)> {
    let mut out = Vec::new();
    let mut dists: Vec<_> = std::fs::read_dir(site)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dist-info"))
        .collect();
    dists.sort_by_key(|e| e.file_name());
    for d in dists {
        let meta_text = std::fs::read_to_string(d.path().join("METADATA")).unwrap_or_default();
        let meta = PackageMeta::from_core_metadata(&meta_text, "METADATA");
        let record = std::fs::read_to_string(d.path().join("RECORD")).unwrap_or_default();
        let mut hits: Vec<Hit> = Vec::new();
        let mut files = 0;
        for line in record.lines() {
            let rel = line.split(',').next().unwrap_or_default();
            if language_for(rel) == Language::Other || rel.starts_with("..") {
                continue;
            }
            let Ok(bytes) = read_bounded(&site.join(rel), 16 * 1024 * 1024) else {
                continue;
            };
            files += 1;
            hits.extend(scan_source(rel, &bytes));
        }
        out.push((
            format!("{} {}", meta.name, meta.version),
            verdict(&hits, Some(&meta)),
            files,
        ));
    }
    out
}

#[test]
fn big_legitimate_packages_stay_below_high() {
    let env = venv(
        "heuristics-benign-big",
        &[&[
            "--no-deps",
            "boto3==1.40.0",
            "botocore==1.40.0",
            "s3transfer",
            "requests==2.32.3",
            "urllib3",
            "litellm==1.82.6",
            "transformers==4.57.1",
            "mlflow==3.5.1",
            "mlflow-skinny==3.5.1",
            "setuptools",
            "pip",
            "slack_sdk",
            "paramiko",
            "kubernetes",
        ]],
    );
    let site = site_packages(&env);
    let start = Instant::now();
    let results = verdicts(&site);
    let elapsed = start.elapsed();
    let files: usize = results.iter().map(|r| r.2).sum();
    let mut too_high = Vec::new();
    for (name, v, n) in &results {
        let top: Vec<String> = v
            .hits
            .iter()
            .filter(|h| h.severity >= Severity::Low)
            .take(6)
            .map(|h| format!("{} {}:{} {}", h.rule_id(), h.path, h.line, h.snippet))
            .collect();
        eprintln!(
            "{name}: {n} files, score {:.2} {:?} {top:#?}",
            v.score, v.severity
        );
        if v.severity >= Severity::High {
            too_high.push(name.clone());
        }
    }
    eprintln!("scanned {files} files in {elapsed:?}");
    assert!(results.len() >= 14, "{}", results.len());
    assert!(
        too_high.is_empty(),
        "legitimate packages rated high: {too_high:?}"
    );
}
