//! The embedded snapshot is built from the shared data and committed.
//! `CHAINWARDEN_REGEN=1` rewrites it; otherwise this checks it is current.

use chainwarden_advisories::{AdvisoryDb, snapshot};
use std::path::Path;

const DATA: &str = "/work/shared/data";

#[test]
fn committed_snapshot_is_current() {
    let (bytes, report) = snapshot::build(Path::new(DATA)).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/snapshot.cwdb");
    if std::env::var_os("CHAINWARDEN_REGEN").is_some() {
        std::fs::write(&committed, &bytes).unwrap();
        return;
    }
    let current = std::fs::read(&committed).unwrap();
    assert!(
        current == bytes,
        "data/snapshot.cwdb is stale: run CHAINWARDEN_REGEN=1 cargo test -p chainwarden-advisories --test snapshot"
    );
    assert!(
        bytes.len() < 8 * 1024 * 1024,
        "snapshot is {} bytes",
        bytes.len()
    );
}

#[test]
fn embedded_snapshot_opens_and_is_dated() {
    let db = AdvisoryDb::embedded();
    let st = db.status();
    assert!(st.embedded);
    assert!(st.record_count > 6_000, "{st:?}");
    assert_eq!(st.kev_count, 1674);
    assert_eq!(st.kev_catalog_version.as_deref(), Some("2026.08.21"));
    assert!(st.created.starts_with("2026-08-2"), "{}", st.created);
    let later: jiff::Timestamp = "2026-09-30T00:00:00Z".parse().unwrap();
    let age = db.data_age_days(later).unwrap();
    assert!((38..=40).contains(&age), "{age}");
    assert!(db.is_older_than(30, later));
    assert!(!db.is_older_than(60, later));
}
