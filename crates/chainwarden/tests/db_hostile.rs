//! End-to-end tests of `db import` and `db update` on hostile or broken
//! sources: no valid data is exit 2 naming the source, skipped records are
//! said, work per record and memory per zip are bounded, and imports running
//! at the same time both keep their records. Mirrors are loopback servers.

mod common;

use chainwarden_testkit::hostile;
use chainwarden_testkit::http::{self, Reply};
use common::cw;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&std::ffi::OsStr]) -> Out {
    let out = cw().args(args).output().unwrap();
    Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn status_records(db: &Path) -> u64 {
    let out = run(&[
        "db".as_ref(),
        "status".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v["record_count"].as_u64().unwrap()
}

/// A mirror on 127.0.0.1 answering `requests` requests: the body of
/// `files[path]`, or `otherwise` for any other path (status 200).
fn serve(
    files: HashMap<String, Vec<u8>>,
    otherwise: &'static [u8],
    requests: usize,
) -> (String, std::thread::JoinHandle<()>) {
    http::serve(requests, move |path| {
        Reply::Body(
            files
                .get(path)
                .cloned()
                .unwrap_or_else(|| otherwise.to_vec()),
        )
    })
}

/// `db update --db DB --mirror URL --ecosystem PyPI`.
fn update_pypi(db: &Path, url: &str) -> Out {
    run(&[
        "db".as_ref(),
        "update".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--mirror".as_ref(),
        url.as_ref(),
        "--ecosystem".as_ref(),
        "PyPI".as_ref(),
    ])
}

/// An OSV record of a malicious PyPI package.
fn record(id: &str, name: &str) -> Vec<u8> {
    format!(
        r#"{{"id":"{id}","modified":"2026-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},"versions":["1.0"]}}]}}"#
    )
    .into_bytes()
}

/// A zip of `n` valid records `MAL-<tag>-<i>` and `bad` entries that are not JSON.
fn osv_zip(tag: &str, n: usize, bad: usize) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            let id = format!("MAL-{tag}-{i}");
            (format!("{id}.json"), record(&id, &format!("{tag}-pkg-{i}")))
        })
        .collect();
    files.extend((0..bad).map(|i| (format!("BAD-{i}.json"), b"{not json".to_vec())));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    hostile::zip_of(&refs, None)
}

#[test]
fn an_update_from_a_mirror_answering_garbage_is_exit_2_naming_the_source() {
    let (url, server) = serve(HashMap::new(), b"<html>captive portal</html>", 2);
    let db = tempfile::tempdir().unwrap();
    let out = update_pypi(db.path(), &url);
    server.join().unwrap();
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    for source in [
        format!("{url}/PyPI/all.zip"),
        format!("{url}/known_exploited_vulnerabilities.json"),
    ] {
        assert!(out.stderr.contains(&source), "{source}: {}", out.stderr);
    }
    assert!(out.stderr.contains("not a readable zip"), "{}", out.stderr);
    assert!(!out.stdout.contains("imported"), "{}", out.stdout);
}

#[test]
fn a_partly_invalid_mirror_imports_the_rest_and_says_what_it_skipped() {
    let kev = std::fs::read(
        chainwarden_testkit::shared_dir().join("data/kev/known_exploited_vulnerabilities.json"),
    )
    .unwrap();
    let files = HashMap::from([
        ("/PyPI/all.zip".to_string(), osv_zip("part", 3, 7)),
        ("/known_exploited_vulnerabilities.json".to_string(), kev),
    ]);
    let (url, server) = serve(files, b"", 2);
    let db = tempfile::tempdir().unwrap();
    let out = update_pypi(db.path(), &url);
    server.join().unwrap();
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("imported      3 records") && out.stdout.contains("7 malformed"),
        "{}",
        out.stdout
    );
    // The first few skipped records by name, the rest counted.
    assert_eq!(
        out.stdout.matches("  skipped ").count(),
        5,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("BAD-0.json"), "{}", out.stdout);
    assert!(
        out.stdout.contains("… and 2 more skipped"),
        "{}",
        out.stdout
    );
    assert_eq!(status_records(db.path()), 3);
}

#[test]
fn an_import_with_no_valid_record_is_exit_2_naming_the_source() {
    let t = tempfile::tempdir().unwrap();
    let garbage = t.path().join("advisories.json");
    std::fs::write(&garbage, b"\x00\x01 not an advisory").unwrap();
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let db = t.path().join("db");
    for source in [&garbage, &empty] {
        let out = run(&[
            "db".as_ref(),
            "import".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
            source.as_os_str(),
        ]);
        assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(&source.display().to_string()),
            "{}",
            out.stderr
        );
    }
    // The same for `scan --advisories`: matching against nothing is not a scan.
    let out = run(&[
        "scan".as_ref(),
        "--advisories".as_ref(),
        garbage.as_os_str(),
        t.path().as_os_str(),
    ]);
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("advisories.json"), "{}", out.stderr);
}

#[test]
fn a_record_of_100k_versions_and_200k_events_is_skipped_by_name_not_hung_on() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("osv");
    std::fs::create_dir(&dir).unwrap();
    let versions: Vec<String> = (0..100_000)
        .map(|i| format!("\"{}.{}\"", i / 1000, i % 1000))
        .collect();
    let events: Vec<String> = (0..200_000)
        .map(|i| {
            let kind = if i % 2 == 0 { "introduced" } else { "fixed" };
            format!(r#"{{"{kind}":"{}.{}"}}"#, i / 1000, i % 1000)
        })
        .collect();
    let big = format!(
        r#"{{"id":"MAL-HUGE-1","affected":[{{"package":{{"ecosystem":"PyPI","name":"huge"}},"versions":[{}],"ranges":[{{"type":"ECOSYSTEM","events":[{}]}}]}}]}}"#,
        versions.join(","),
        events.join(",")
    );
    assert!(big.len() < 8 * 1024 * 1024, "{} bytes", big.len());
    std::fs::write(dir.join("MAL-HUGE-1.json"), big).unwrap();
    std::fs::write(dir.join("MAL-OK-1.json"), record("MAL-OK-1", "fine")).unwrap();
    let db = t.path().join("db");
    let out = run(&[
        "db".as_ref(),
        "import".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        dir.as_os_str(),
    ]);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("MAL-HUGE-1") && out.stdout.contains("a range of 200000 events"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("imported      1 records"),
        "{}",
        out.stdout
    );
    assert_eq!(status_records(&db), 1);
}

#[test]
fn an_osv_zip_of_padded_records_is_imported_in_bounded_memory() {
    // 300 records, each padded with 7 MiB of spaces (under the 8 MiB record
    // bound): 2.2 GB inflated, 2.2 MB on disk.
    let records: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| {
            let id = format!("MAL-PAD-{i}");
            (format!("{id}.json"), record(&id, &format!("pad-{i}")))
        })
        .collect();
    let padded = hostile::padded_osv_zip(&records, 7);
    assert!(padded.len() < 4 * 1024 * 1024, "{} bytes", padded.len());
    let t = tempfile::tempdir().unwrap();
    let zip = t.path().join("all.zip");
    std::fs::write(&zip, padded).unwrap();
    let db = t.path().join("db");
    let mut import = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainwarden"));
    import
        .arg("db")
        .arg("import")
        .arg("--db")
        .arg(&db)
        .arg(&zip);
    let (rss, status) = chainwarden_testkit::peak_rss_mib(&import);
    assert!(rss < 400, "peak RSS {rss} MiB");
    // Every record is padded far past any real record's ratio: none is valid.
    assert_eq!(status.code(), Some(2));
    let out = run(&[
        "db".as_ref(),
        "import".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        zip.as_os_str(),
    ]);
    assert!(
        out.stdout
            .contains("inflates more than 100x its compressed size"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_imports_at_once_both_keep_their_records() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join("db");
    let zips: Vec<std::path::PathBuf> = ["a", "b"]
        .iter()
        .map(|tag| {
            let p = t.path().join(format!("{tag}.zip"));
            std::fs::write(&p, osv_zip(tag, 5_000, 0)).unwrap();
            p
        })
        .collect();
    let bin = assert_cmd::cargo::cargo_bin("chainwarden");
    let children: Vec<std::process::Child> = zips
        .iter()
        .map(|z| {
            std::process::Command::new(&bin)
                .args(["db", "import", "--db"])
                .arg(&db)
                .arg(z)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(status_records(&db), 10_000);
}

#[test]
fn an_import_waits_for_the_lock_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join("db");
    std::fs::create_dir(&db).unwrap();
    let zip = t.path().join("a.zip");
    std::fs::write(&zip, osv_zip("w", 10, 0)).unwrap();
    let lock = std::fs::File::create(db.join("index.cwdb.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainwarden"))
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(&zip)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("index.cwdb.lock)") {
        let n = stderr.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "import ended without waiting: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(
        String::from_utf8_lossy(&seen).contains("waiting for another import"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    lock.unlock().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(status_records(&db), 10);
}
