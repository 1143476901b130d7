//! Measurement helper: scans unpacked package trees and prints one verdict
//! per tree. `cargo run -p chainwarden-heuristics --example scan_tree -- DIR…`
//! (the CLI's `inspect` is the real entry point; this only reads folders).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use chainwarden_core::fsutil::read_bounded;
use chainwarden_heuristics::{Hit, Language, PackageMeta, language_for, scan_source, verdict};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 12 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            walk(&e.path(), out, depth + 1);
        } else if t.is_file() {
            out.push(e.path());
        }
    }
}

fn main() {
    let start = Instant::now();
    let mut total_files = 0usize;
    for root in std::env::args().skip(1) {
        let root = PathBuf::from(root);
        let mut files = Vec::new();
        walk(&root, &mut files, 0);
        files.sort();
        let mut hits: Vec<Hit> = Vec::new();
        let mut meta: Option<PackageMeta> = None;
        for f in &files {
            let rel = f
                .strip_prefix(&root)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned();
            let Ok(bytes) = read_bounded(f, 16 * 1024 * 1024) else {
                continue;
            };
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            if meta.is_none() && (name == "PKG-INFO" || name == "METADATA") {
                meta = Some(PackageMeta::from_core_metadata(
                    &String::from_utf8_lossy(&bytes),
                    &rel,
                ));
            }
            if meta.is_none() && name == "package.json" {
                meta = PackageMeta::from_package_json(&String::from_utf8_lossy(&bytes), &rel);
            }
            if language_for(&rel) == Language::Other {
                continue;
            }
            total_files += 1;
            hits.extend(scan_source(&rel, &bytes));
        }
        let v = verdict(&hits, meta.as_ref());
        if std::env::var_os("SCAN_DETAIL").is_some() {
            for h in v
                .hits
                .iter()
                .filter(|h| h.severity >= chainwarden_core::Severity::Low)
            {
                eprintln!(
                    "  {} {:?} {}:{} L{} {}",
                    h.rule_id(),
                    h.severity,
                    h.path,
                    h.line,
                    h.layer,
                    h.snippet
                );
            }
        }
        let mut rules: Vec<&str> = v
            .hits
            .iter()
            .filter(|h| h.severity >= chainwarden_core::Severity::Low)
            .map(|h| h.rule_id().trim_start_matches("heuristic/"))
            .collect();
        rules.dedup();
        rules.truncate(6);
        println!(
            "{}\t{}\t{:.1}\t{}",
            root.display(),
            v.severity,
            v.score,
            rules.join(",")
        );
    }
    eprintln!("{total_files} files in {:?}", start.elapsed());
}
