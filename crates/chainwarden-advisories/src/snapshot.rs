//! Building the embedded snapshot from the shared advisory data.
//!
//! `tests/snapshot.rs` rebuilds it and checks the committed file is current;
//! `CHAINWARDEN_REGEN=1 cargo test -p chainwarden-advisories --test snapshot`
//! rewrites it. The build is deterministic: its date is the newest date in the
//! data, not the time of the build.

use crate::import::{self, ImportLimits, ImportReport, SourceSpec};
use crate::store::{self, Content};
use std::path::Path;

/// The sources, relative to the shared data folder.
pub const SOURCES: &[&str] = &[
    "advisories/osv/ossf-malicious-packages",
    "advisories/osv/github-advisory-database",
    "advisories/osv/pypa-advisory-database/vulns",
    "advisories/osv/rustsec-advisory-db-osv/crates",
    "advisories/osv/leitwacht-malicious-packages/osv",
    "kev/known_exploited_vulnerabilities.json",
];

/// Builds the packed snapshot from `data_root` (e.g. `/work/shared/data`).
pub fn build(data_root: &Path) -> Result<(Vec<u8>, ImportReport), String> {
    let specs: Vec<SourceSpec> = SOURCES
        .iter()
        .map(|rel| SourceSpec {
            path: data_root.join(rel),
            label: (*rel).to_string(),
        })
        .collect();
    // First pass to learn the data date, used as the import date so the
    // output does not depend on when it was built.
    let loaded = import::load(&specs, &ImportLimits::default(), "");
    let date = loaded
        .sources
        .iter()
        .filter_map(|s| s.newest_modified.as_deref())
        .filter_map(|s| s.parse::<jiff::Timestamp>().ok())
        .max()
        .map(|t| t.to_string())
        .unwrap_or_default();
    let mut report = loaded.report.clone();
    let mut content = Content::default();
    import::merge(&mut content, loaded);
    for s in &mut content.sources {
        s.imported_at = date.clone();
    }
    report.total_records = content.advisories.len();
    let bytes = store::pack(&content, &date)?;
    Ok((bytes, report))
}
