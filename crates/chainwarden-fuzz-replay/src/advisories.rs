//! `chainwarden-advisories`: OSV records (JSON and YAML), range evaluation,
//! CISA KEV, CVSS vectors.

use crate::text;
use chainwarden_advisories::kev;
use chainwarden_advisories::matching;
use chainwarden_advisories::osv::{self, OsvRecord};
use chainwarden_advisories::record::Advisory;
use chainwarden_core::Package;

/// A parsed record, converted, then matched against every version it names
/// (and a few others): this drives range evaluation with hostile events.
fn exercise(rec: &OsvRecord) {
    let Some(adv) = Advisory::from_osv(rec, "fuzz") else {
        return;
    };
    let _ = adv.is_malicious();
    let _ = adv.ids().count();
    let records = std::slice::from_ref(&adv);
    for p in &adv.affected {
        let mut versions: Vec<&str> = p.versions.iter().map(String::as_str).collect();
        for r in &p.ranges {
            for e in &r.events {
                versions.extend(
                    [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
        }
        versions.extend(["0", "0.0.1", "1.0.0", "1.0.0-rc.1", "2.0a1"]);
        for v in versions {
            let hits = matching::affecting(records, &Package::new(p.ecosystem, &p.name, v));
            for g in matching::group(&hits) {
                let _ = matching::primary_id(&g);
            }
        }
    }
}

/// One OSV record as JSON bytes.
pub fn advisories_osv_json(data: &[u8]) {
    if let Ok(rec) = osv::parse_json(data) {
        exercise(&rec);
    }
}

/// One OSV record as YAML (the form some feeds publish).
pub fn advisories_osv_yaml(data: &[u8]) {
    if let Ok(rec) = osv::parse_yaml(&text(data)) {
        exercise(&rec);
    }
}

/// The CISA KEV catalogue JSON.
pub fn advisories_kev(data: &[u8]) {
    let _ = kev::looks_like_kev(data);
    let _ = kev::parse(data);
}

/// A CVSS vector (v2, v3.x or v4), scored and rated.
pub fn advisories_cvss(data: &[u8]) {
    use chainwarden_advisories::cvss;
    let v = text(data);
    let _ = cvss::severity(&v);
    let _ = cvss::v4_severity(&v);
    for score in [cvss::v3_score(&v), cvss::v2_score(&v)]
        .into_iter()
        .flatten()
    {
        assert!((0.0..=10.0).contains(&score), "{v:?} scored {score}");
    }
}

/// An OSV export zip imported into a database (small bounds, so a fuzzed
/// bomb costs little): one source report, every error listed at most
/// `MAX_LISTED_ERRORS` times, counts that add up.
pub fn advisories_import_zip(data: &[u8]) {
    use chainwarden_advisories::import::{ImportLimits, MAX_LISTED_ERRORS, SourceSpec};
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let zip = dir.path().join("all.zip");
    if std::fs::write(&zip, data).is_err() {
        return;
    }
    let limits = ImportLimits {
        max_record_bytes: 1024 * 1024,
        max_zip_entries: 2_000,
        max_zip_total_bytes: 16 * 1024 * 1024,
        max_zip_file_bytes: 16 * 1024 * 1024,
        max_files: 2_000,
        max_entry_ratio: 100,
        ratio_floor_bytes: 64 * 1024,
        max_batch_bytes: 1024 * 1024,
    };
    let Ok(mut db) = chainwarden_advisories::AdvisoryDb::open_or_create(&dir.path().join("db"))
    else {
        return;
    };
    let Ok(report) = db.import_specs(&[SourceSpec::path(&zip)], &limits) else {
        return;
    };
    assert_eq!(report.sources.len(), 1);
    let s = &report.sources[0];
    assert!(report.errors.len() <= MAX_LISTED_ERRORS.min(s.errors));
    assert!(s.withdrawn <= s.records);
    assert!(report.total_records <= s.records);
}
