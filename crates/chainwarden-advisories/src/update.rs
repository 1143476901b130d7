//! `db update`: download OSV export zips and the CISA KEV catalog, then import them.

use crate::db::{AdvisoryDb, DbError};
use crate::http::{self, FetchError};
use crate::import::{ImportLimits, ImportReport, SourceSpec};
use chainwarden_core::Ecosystem;

/// OSV's public export bucket.
pub const OSV_BASE: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// CISA's KEV feed.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// Largest download accepted (OSV's npm export is the biggest, well below this).
pub const MAX_DOWNLOAD: u64 = 4 * 1024 * 1024 * 1024;

/// What to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOptions {
    pub ecosystems: Vec<Ecosystem>,
    pub kev: bool,
    /// A mirror with OSV's layout (`<mirror>/<Ecosystem>/all.zip`,
    /// `<mirror>/known_exploited_vulnerabilities.json`): an `http://` or
    /// `https://` URL, `file://` URL or a local folder.
    pub mirror: Option<String>,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions {
            ecosystems: vec![Ecosystem::PyPI, Ecosystem::Npm, Ecosystem::CratesIo],
            kev: true,
            mirror: None,
        }
    }
}

/// The URLs an update reads.
pub fn urls(opts: &UpdateOptions) -> Vec<String> {
    let base = opts
        .mirror
        .as_deref()
        .map(|m| m.trim_end_matches('/').to_string());
    let mut out: Vec<String> = opts
        .ecosystems
        .iter()
        .map(|e| {
            let eco = e.osv_name().replace(' ', "%20");
            format!("{}/{eco}/all.zip", base.as_deref().unwrap_or(OSV_BASE))
        })
        .collect();
    if opts.kev {
        out.push(match &base {
            Some(b) => format!("{b}/known_exploited_vulnerabilities.json"),
            None => KEV_URL.to_string(),
        });
    }
    out
}

/// Downloads every source (into a temporary folder next to the index) and
/// imports what arrived. A failed download is reported and the rest import.
pub fn update(db: &mut AdvisoryDb, opts: &UpdateOptions) -> Result<ImportReport, DbError> {
    let tmp = tempdir_near(db)?;
    let mut specs = Vec::new();
    let mut failures = Vec::new();
    for (i, url) in urls(opts).into_iter().enumerate() {
        let name = if url.ends_with(".zip") {
            format!("{i}.zip")
        } else {
            format!("{i}.json")
        };
        let dest = tmp.join(name);
        let local = url.clone();
        let src = if url.contains("://") {
            url.clone()
        } else {
            local
        };
        match http::fetch(&src, &dest, MAX_DOWNLOAD) {
            Ok(_) => specs.push(SourceSpec {
                path: dest,
                label: url,
            }),
            Err(FetchError::Failed { url, reason }) => failures.push((url, reason)),
        }
    }
    let result = db.import_specs(&specs, &ImportLimits::default());
    let _ = std::fs::remove_dir_all(&tmp);
    let mut report = result?;
    for (url, reason) in failures {
        report.push_failed(&url, &reason);
    }
    Ok(report)
}

fn tempdir_near(db: &AdvisoryDb) -> Result<std::path::PathBuf, DbError> {
    let parent = db
        .status()
        .path
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir);
    let dir = parent.join(format!(".download-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| DbError::Invalid(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}
