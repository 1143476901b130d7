//! `chainwarden-heuristics`: malicious-code rules over source text, `.pth`
//! start-up files, package manifests.

use crate::{pick, text};
use chainwarden_heuristics::PackageMeta;

/// Source file names the engine treats differently (language, install hooks).
const SOURCES: &[&str] = &[
    "pkg/__init__.py",
    "setup.py",
    "index.js",
    "package/install.js",
    "lib/x.mjs",
    "x.ts",
    "pkg/x.pth",
    "bin/run.sh",
    "README.md",
];

/// One source file through `scan_source`, then the package verdict.
pub fn heuristics_scan_source(data: &[u8]) {
    let (i, rest) = pick(data, SOURCES.len());
    let hits = chainwarden_heuristics::scan_source(SOURCES[i], rest);
    let v = chainwarden_heuristics::verdict(&hits, None);
    assert!(v.score.is_finite(), "{v:?}");
}

/// A `.pth` file (or `.start` when the first byte is odd).
pub fn heuristics_pth(data: &[u8]) {
    let (i, rest) = pick(data, 2);
    let name = if i == 1 { "x.start" } else { "x.pth" };
    let _ = chainwarden_heuristics::analyze_pth(name, &text(rest));
}

/// `package.json`, `pyproject.toml` and core metadata read as manifests.
pub fn heuristics_manifest(data: &[u8]) {
    let t = text(data);
    let mut hits = chainwarden_heuristics::scan_package_json("package.json", &t);
    hits.extend(chainwarden_heuristics::metadata::scan_pyproject(
        "pyproject.toml",
        &t,
    ));
    let metas = [
        PackageMeta::from_package_json(&t, "package.json"),
        Some(PackageMeta::from_core_metadata(&t, "PKG-INFO")),
    ];
    for m in metas.iter().flatten() {
        hits.extend(chainwarden_heuristics::metadata::check(m));
        let _ = chainwarden_heuristics::verdict(&hits, Some(m));
    }
}
