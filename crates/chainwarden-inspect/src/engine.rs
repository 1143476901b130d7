//! The one place that talks to the heuristics engine.

use chainwarden_archive::ArchiveMeta;
use chainwarden_core::{Finding, Package};
use chainwarden_heuristics::{Hit, Language, PackageMeta, Verdict, language_for};

/// Whether the engine has a language for this file.
pub(crate) fn is_scanned(path_in_package: &str) -> bool {
    language_for(path_in_package) != Language::Other
}

pub(crate) fn scan(path_in_package: &str, data: &[u8]) -> Vec<Hit> {
    chainwarden_heuristics::scan_source(path_in_package, data)
}

fn to_engine_meta(m: &ArchiveMeta) -> PackageMeta {
    PackageMeta {
        ecosystem: m.ecosystem,
        name: m.name.clone(),
        version: m.version.clone(),
        summary: m.summary.clone(),
        home_page: m.home_page.clone(),
        author: m.author.clone(),
        author_email: m.author_email.clone(),
        has_install_hooks: m.has_install_hooks(),
        path: m.source_path.clone(),
        ..PackageMeta::default()
    }
}

/// The verdict and its findings (from the verdict's hits, which include the
/// metadata checks).
pub(crate) fn judge(hits: &[Hit], meta: Option<&ArchiveMeta>) -> (Verdict, Vec<Finding>) {
    let engine_meta = meta.map(to_engine_meta);
    let verdict = chainwarden_heuristics::verdict(hits, engine_meta.as_ref());
    let package = meta.and_then(|m| {
        let eco = m.ecosystem?;
        (!m.name.is_empty()).then(|| Package::new(eco, &m.name, &m.version))
    });
    let findings = chainwarden_heuristics::hits_to_findings(&verdict.hits, package.as_ref());
    (verdict, findings)
}
