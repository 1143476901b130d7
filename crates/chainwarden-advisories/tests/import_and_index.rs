//! Imports (folders, zips, YAML), hostile input, the on-disk index and `update`.

use chainwarden_advisories::import::ImportLimits;
use chainwarden_advisories::{AdvisoryDb, SourceSpec, UpdateOptions, update};
use chainwarden_core::{Ecosystem, Package};
use std::io::Write;
use std::path::{Path, PathBuf};

const OSV: &str = "/work/shared/data/advisories/osv";

fn record(id: &str, name: &str, versions: &[&str], modified: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"{modified}","summary":"test {id}","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"versions":{}}}]}}"#,
        serde_json::to_string(versions).unwrap()
    )
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn hits(db: &AdvisoryDb, name: &str, version: &str) -> Vec<String> {
    db.match_package(&Package::new(Ecosystem::PyPI, name, version))
        .unwrap()
        .into_iter()
        .map(|f| f.advisory.unwrap().id)
        .collect()
}

#[test]
fn malformed_records_are_reported_and_the_rest_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(
        d.join("sub/good.json"),
        record("TEST-1", "goodpkg", &["1.0"], "2026-01-01T00:00:00Z"),
    )
    .unwrap();
    std::fs::write(
        d.join("broken.json"),
        "{\"id\": \"TEST-2\", \"affected\": [",
    )
    .unwrap();
    std::fs::write(d.join("noid.json"), "{\"summary\": \"x\"}").unwrap();
    std::fs::write(d.join("bad.yaml"), "id: TEST-3\naffected: [ {package: \n").unwrap();
    std::fs::write(
        d.join("good.yaml"),
        "id: TEST-4\nmodified: 2026-02-01T00:00:00Z\naffected:\n- package:\n    name: Yaml_Pkg\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 2.0\n",
    )
    .unwrap();
    std::fs::write(d.join("README.md"), "not a record").unwrap();
    let (db, report) = AdvisoryDb::from_sources(&[d.to_path_buf()]);
    assert_eq!(report.sources[0].records, 2, "{report:?}");
    assert_eq!(report.errors.len(), 3, "{:?}", report.errors);
    let by_file = |f: &str| report.errors.iter().find(|e| e.file.ends_with(f)).unwrap();
    assert!(
        by_file("broken.json").reason.contains("JSON"),
        "{:?}",
        by_file("broken.json")
    );
    assert!(
        by_file("noid.json").reason.contains("id"),
        "{:?}",
        by_file("noid.json")
    );
    assert!(
        by_file("bad.yaml").reason.contains("YAML"),
        "{:?}",
        by_file("bad.yaml")
    );
    assert_eq!(hits(&db, "goodpkg", "1.0.0"), vec!["TEST-1"]);
    assert_eq!(hits(&db, "yaml-pkg", "1.9"), vec!["TEST-4"]);
    assert!(hits(&db, "yaml-pkg", "2.0").is_empty());
}

#[test]
fn zip_bomb_and_entry_count_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of zeros deflates to ~64 KiB: over the 8 MiB record limit.
    let bomb = vec![b' '; 64 * 1024 * 1024];
    let bytes = zip_of(&[
        ("PyPI/BOMB-1.json", bomb),
        (
            "PyPI/TEST-1.json",
            record("TEST-1", "zipped", &["1.0"], "2026-01-01T00:00:00Z").into_bytes(),
        ),
        ("PyPI/notes.txt", b"ignored".to_vec()),
    ]);
    assert!(
        bytes.len() < 1024 * 1024,
        "bomb is small on disk: {}",
        bytes.len()
    );
    let zip = dir.path().join("all.zip");
    std::fs::write(&zip, &bytes).unwrap();
    let (db, report) = AdvisoryDb::from_sources(std::slice::from_ref(&zip));
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let e = &report.errors[0];
    assert!(e.file.ends_with("all.zip!PyPI/BOMB-1.json"), "{e:?}");
    assert!(e.reason.contains("limit"), "{e:?}");
    assert_eq!(hits(&db, "zipped", "1.0"), vec!["TEST-1"]);

    // Entry count and total inflated size.
    let many: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| {
            (
                format!("PyPI/T-{i}.json"),
                record(&format!("T-{i}"), "many", &["1"], "2026-01-01T00:00:00Z").into_bytes(),
            )
        })
        .collect();
    let many_ref: Vec<(&str, Vec<u8>)> =
        many.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    let zip2 = dir.path().join("many.zip");
    std::fs::write(&zip2, zip_of(&many_ref)).unwrap();
    let mut db = AdvisoryDb::from_sources(&[]).0;
    let limits = ImportLimits {
        max_zip_entries: 2,
        ..ImportLimits::default()
    };
    let report = db
        .import_specs(&[SourceSpec::path(&zip2)], &limits)
        .unwrap();
    assert_eq!(report.sources[0].records, 2);
    assert!(
        report.errors[0].reason.contains("over the limit of 2"),
        "{:?}",
        report.errors
    );
    let limits = ImportLimits {
        max_zip_total_bytes: 300,
        ..ImportLimits::default()
    };
    let report = db
        .import_specs(&[SourceSpec::path(&zip2)], &limits)
        .unwrap();
    assert!(report.sources[0].records < 5);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.reason.contains("total limit")),
        "{:?}",
        report.errors
    );
    // Not a zip at all.
    let fake = dir.path().join("fake.zip");
    std::fs::write(&fake, b"PK\x03\x04 nope").unwrap();
    let (_, report) = AdvisoryDb::from_sources(&[fake]);
    assert!(
        report.errors[0].reason.contains("zip"),
        "{:?}",
        report.errors
    );
}

#[test]
fn osv_export_zip_of_real_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = Vec::new();
    for e in std::fs::read_dir(format!("{OSV}/rustsec-advisory-db-osv/crates"))
        .unwrap()
        .take(200)
    {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        entries.push((name, std::fs::read(&p).unwrap()));
    }
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let zip = dir.path().join("crates.io").join("all.zip");
    std::fs::create_dir_all(zip.parent().unwrap()).unwrap();
    std::fs::write(&zip, zip_of(&refs)).unwrap();
    // Given as a folder in OSV's export layout.
    let (db, report) = AdvisoryDb::from_sources(&[dir.path().to_path_buf()]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.sources[0].records, 200);
    assert_eq!(db.status().record_count, 200);
}

#[test]
fn withdrawn_records_never_match_and_newer_records_win() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("w.json"),
        r#"{"id":"W-1","withdrawn":"2026-01-02T00:00:00Z","modified":"2026-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"wpkg"},"versions":["1.0"]}]}"#,
    )
    .unwrap();
    let (mut db, report) = AdvisoryDb::from_sources(&[d.to_path_buf()]);
    assert_eq!(report.sources[0].withdrawn, 1);
    assert!(hits(&db, "wpkg", "1.0").is_empty());
    // An older, not withdrawn copy does not revive it.
    let d2 = tempfile::tempdir().unwrap();
    std::fs::write(
        d2.path().join("w.json"),
        record("W-1", "wpkg", &["1.0"], "2025-01-01T00:00:00Z"),
    )
    .unwrap();
    db.import(&[d2.path().to_path_buf()]).unwrap();
    assert!(hits(&db, "wpkg", "1.0").is_empty());
    // A newer one does.
    std::fs::write(
        d2.path().join("w.json"),
        record("W-1", "wpkg", &["1.0"], "2026-05-01T00:00:00Z"),
    )
    .unwrap();
    db.import(&[d2.path().to_path_buf()]).unwrap();
    assert_eq!(hits(&db, "wpkg", "1.0"), vec!["W-1"]);
}

#[test]
fn aliases_merge_vulnerability_records_into_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("a.json"),
        r#"{"id":"PYSEC-9-1","aliases":["CVE-2099-1"],"affected":[{"package":{"ecosystem":"PyPI","name":"m"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("b.json"),
        r#"{"id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2099-1"],"database_specific":{"severity":"HIGH"},"affected":[{"package":{"ecosystem":"PyPI","name":"m"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"1.6"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("c.json"),
        r#"{"id":"PYSEC-9-2","affected":[{"package":{"ecosystem":"PyPI","name":"m"},"versions":["1.2"]}]}"#,
    )
    .unwrap();
    let (db, _) = AdvisoryDb::from_sources(&[d.to_path_buf()]);
    let f = db
        .match_package(&Package::new(Ecosystem::PyPI, "m", "1.2"))
        .unwrap();
    assert_eq!(f.len(), 2, "{f:#?}");
    let merged = f
        .iter()
        .find(|f| f.advisory.as_ref().unwrap().id == "GHSA-aaaa-bbbb-cccc")
        .unwrap();
    let adv = merged.advisory.as_ref().unwrap();
    assert_eq!(adv.aliases, vec!["CVE-2099-1", "PYSEC-9-1"]);
    assert_eq!(adv.fixed, vec!["1.5", "1.6"]);
    assert_eq!(merged.severity, chainwarden_core::Severity::High);
    assert_eq!(
        merged.remediation, "Upgrade m to 1.6 or later.",
        "1.5 is still affected by the GHSA range"
    );
    let other = f
        .iter()
        .find(|f| f.advisory.as_ref().unwrap().id == "PYSEC-9-2")
        .unwrap();
    assert_eq!(
        other.severity,
        chainwarden_core::Severity::Medium,
        "default"
    );
    assert!(
        other.remediation.contains("No fixed version"),
        "{}",
        other.remediation
    );
}

#[test]
fn on_disk_index_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let dbdir = dir.path().join("db");
    assert!(matches!(
        AdvisoryDb::open(&dbdir),
        Err(chainwarden_advisories::DbError::NotFound(_))
    ));
    let mut db = AdvisoryDb::open_or_create(&dbdir).unwrap();
    let src = PathBuf::from(format!("{OSV}/ossf-malicious-packages"));
    let kev = PathBuf::from("/work/shared/data/kev/known_exploited_vulnerabilities.json");
    let report = db.import(&[src.clone(), kev]).unwrap();
    assert!(report.errors.is_empty());
    assert_eq!(report.total_records, 24);
    drop(db);
    let db = AdvisoryDb::open(&dbdir).unwrap();
    let st = db.status();
    assert_eq!(st.path, Some(dbdir.join("index.cwdb")));
    assert_eq!(st.record_count, 24);
    assert_eq!(st.kev_count, 1674);
    assert_eq!(st.sources.len(), 2);
    assert_eq!(st.sources[0].location, src.display().to_string());
    assert_eq!(st.sources[0].records, 24);
    assert!(st.sources[0].newest_modified.is_some());
    assert!(!st.sources[0].imported_at.is_empty());
    assert_eq!(db.newest_modified(), st.newest_modified.as_deref());
    assert_eq!(hits(&db, "litellm", "1.82.8"), vec!["MAL-2026-2144"]);
    // A corrupt index is an error naming the file, not a panic.
    std::fs::write(
        dbdir.join("index.cwdb"),
        b"CWDB1\n\xff\xff\xff\xff\xff\xff\xff\xff",
    )
    .unwrap();
    let err = AdvisoryDb::open(&dbdir).unwrap_err().to_string();
    assert!(err.contains("index.cwdb"), "{err}");
}

#[test]
fn xdg_default_dir() {
    // Read-only check of the rule; the environment is not modified.
    let dir = AdvisoryDb::default_dir().unwrap();
    assert!(dir.ends_with("chainwarden/advisories"), "{}", dir.display());
}

/// Serves files from `root` over plain HTTP on 127.0.0.1, like a mirror
/// (JSON chunked, to exercise that decoder).
fn serve(root: PathBuf) -> (String, std::thread::JoinHandle<()>) {
    use chainwarden_testkit::http::{self, Reply};
    http::serve(3, move |path| {
        let path = path.replace("%20", " ");
        match std::fs::read(root.join(path.trim_start_matches('/'))) {
            Ok(body) if path.ends_with(".json") => Reply::Chunked(body),
            Ok(body) => Reply::Body(body),
            Err(_) => Reply::NotFound,
        }
    })
}

#[test]
fn update_from_a_local_http_mirror() {
    let mirror = tempfile::tempdir().unwrap();
    let mut entries = Vec::new();
    for e in walk(Path::new(&format!(
        "{OSV}/ossf-malicious-packages/osv/malicious/pypi"
    ))) {
        entries.push((
            e.file_name().unwrap().to_string_lossy().to_string(),
            std::fs::read(&e).unwrap(),
        ));
    }
    let refs: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    std::fs::create_dir_all(mirror.path().join("PyPI")).unwrap();
    std::fs::write(mirror.path().join("PyPI/all.zip"), zip_of(&refs)).unwrap();
    std::fs::copy(
        "/work/shared/data/kev/known_exploited_vulnerabilities.json",
        mirror.path().join("known_exploited_vulnerabilities.json"),
    )
    .unwrap();
    let (url, server) = serve(mirror.path().to_path_buf());
    let dbdir = tempfile::tempdir().unwrap();
    let mut db = AdvisoryDb::open_or_create(dbdir.path()).unwrap();
    let opts = UpdateOptions {
        ecosystems: vec![Ecosystem::PyPI, Ecosystem::Npm],
        kev: true,
        mirror: Some(url.clone()),
    };
    let report = update(&mut db, &opts).unwrap();
    server.join().unwrap();
    // npm is missing on the mirror: reported, the rest imported.
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].file.ends_with("/npm/all.zip") && report.errors[0].reason.contains("404")
    );
    // Every source asked for is reported; the one that gave nothing says so.
    assert_eq!(report.sources.len(), 3);
    assert_eq!(report.sources[0].location, format!("{url}/PyPI/all.zip"));
    assert_eq!(report.sources[0].records, 20);
    assert_eq!(report.sources[1].records, 1674);
    let empty: Vec<&str> = report
        .empty_sources()
        .map(|s| s.location.as_str())
        .collect();
    assert_eq!(empty, [format!("{url}/npm/all.zip")]);
    let st = AdvisoryDb::open(dbdir.path()).unwrap().status();
    assert_eq!(st.record_count, 20);
    assert_eq!(st.kev_count, 1674);
    assert_eq!(hits(&db, "litellm", "1.82.7"), vec!["MAL-2026-2144"]);
    // No leftovers from the download; the lock file stays (deleting a lock
    // file while another process may have it open would break the lock).
    let mut names: Vec<_> = std::fs::read_dir(dbdir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["index.cwdb", "index.cwdb.lock"]);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn update_from_a_local_folder_mirror() {
    let mirror = tempfile::tempdir().unwrap();
    let rec = std::fs::read(format!(
        "{OSV}/rustsec-advisory-db-osv/crates/RUSTSEC-2016-0001.json"
    ))
    .unwrap();
    std::fs::create_dir_all(mirror.path().join("crates.io")).unwrap();
    std::fs::write(
        mirror.path().join("crates.io/all.zip"),
        zip_of(&[("RUSTSEC-2016-0001.json", rec)]),
    )
    .unwrap();
    let mut db = AdvisoryDb::from_sources(&[]).0;
    let opts = UpdateOptions {
        ecosystems: vec![Ecosystem::CratesIo],
        kev: false,
        mirror: Some(mirror.path().display().to_string()),
    };
    let report = update(&mut db, &opts).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.total_records, 1);
    let f = db
        .match_package(&Package::new(Ecosystem::CratesIo, "openssl", "0.8.0"))
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(
        chainwarden_advisories::update::urls(&UpdateOptions::default()),
        vec![
            "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
            "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
            "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
            "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        ]
    );
}
