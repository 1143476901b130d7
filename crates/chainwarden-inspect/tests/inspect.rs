//! `inspect` over real inputs: encrypted malware samples (in memory), the
//! defanged litellm 1.82.8 environment, a real pip-built venv, and hostile
//! folder layouts.

use chainwarden_core::Severity;
use chainwarden_inspect::{InspectLimits, PackageResult, inspect_archive, inspect_path};
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    chainwarden_testkit::shared_dir()
}

fn sample(rel: &str) -> PackageResult {
    let path = shared().join("data/malware-samples").join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    inspect_archive(
        rel,
        &bytes,
        &path,
        &InspectLimits::default().archive,
        Some(b"infected"),
    )
    .unwrap()
}

/// (rule, file, line) of every finding that has a line.
fn located(r: &PackageResult) -> Vec<(String, String, u32)> {
    r.findings
        .iter()
        .filter_map(|f| {
            let l = f.location.as_ref()?;
            Some((f.rule.clone(), l.path.display().to_string(), l.line?))
        })
        .collect()
}

#[test]
fn encrypted_pypi_sample_names_rule_file_and_line() {
    let r = sample(
        "pypi/lxyeternal-pypi_malregistry/esqhttpvirtualvm/8.86/esqhttpvirtualvm-8.86.tar.gz.zip",
    );
    assert_eq!(
        (r.name.as_str(), r.version.as_str()),
        ("esqhttpvirtualvm", "8.86")
    );
    let hits = located(&r);
    assert!(
        hits.iter()
            .any(|(_, file, line)| file.ends_with("esqhttpvirtualvm-8.86/setup.py") && *line > 0),
        "{hits:?}"
    );
    assert!(r.verdict.severity >= Severity::Medium, "{:?}", r.verdict);
}

#[test]
fn encrypted_npm_tgz_sample_yields_a_located_hit() {
    let r = sample(
        "npm/jnicastro-Sonatype-Malicious-NPM-Packages/electorn/1.0.1/electorn-1.0.1.tgz.zip",
    );
    assert_eq!(r.name, "electorn");
    let hits = located(&r);
    assert!(
        hits.iter()
            .any(|(_, file, _)| file.contains("electorn-1.0.1.tgz!/package/")),
        "{hits:?}"
    );
}

#[test]
fn litellm_1_82_8_is_high_through_the_base64_layer() {
    let root = shared().join("fixtures/litellm-1.82.8/site-packages");
    let inspection = inspect_path(&root, &InspectLimits::default());
    assert!(inspection.errors.is_empty(), "{:?}", inspection.errors);
    let names: Vec<&str> = inspection
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(
        names.contains(&"openai") && names.contains(&"setuptools"),
        "{names:?}"
    );
    let litellm = inspection
        .packages
        .iter()
        .find(|p| p.name == "litellm")
        .expect("litellm inspected");
    assert_eq!(litellm.version, "1.82.8");
    assert!(
        litellm.verdict.severity >= Severity::High,
        "{:?}",
        litellm.verdict
    );
    assert!(
        litellm
            .verdict
            .hits
            .iter()
            .any(|h| h.path == "litellm/proxy/proxy_server.py" && h.layer >= 1 && h.line > 0),
        "{:#?}",
        litellm.verdict.hits
    );
    // setuptools' own distutils-precedence.pth is benign.
    let setuptools = inspection
        .packages
        .iter()
        .find(|p| p.name == "setuptools")
        .unwrap();
    assert!(setuptools.verdict.severity < Severity::High);
}

#[test]
fn every_distribution_of_a_real_venv_gets_a_verdict() {
    let venv = chainwarden_testkit::venv("inspect-requests", &[&["requests==2.32.3"]]);
    let inspection = inspect_path(&venv, &InspectLimits::default());
    let mut got: Vec<(String, String)> = inspection
        .packages
        .iter()
        .filter(|p| p.origin.extension().is_some_and(|e| e == "dist-info"))
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = chainwarden_testkit::pip_list(&venv)
        .into_iter()
        .map(|(n, v)| (chainwarden_core::package::pep503(&n), v))
        .collect();
    want.sort();
    let got_norm: Vec<(String, String)> = got
        .into_iter()
        .map(|(n, v)| (chainwarden_core::package::pep503(&n), v))
        .collect();
    assert_eq!(got_norm, want);
    let requests = inspection
        .packages
        .iter()
        .find(|p| p.name == "requests")
        .unwrap();
    assert!(requests.files_scanned >= 15, "{}", requests.files_scanned);
    assert!(
        requests.verdict.severity < Severity::High,
        "{:?}",
        requests.findings
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn symlinks_out_of_the_root_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    write(
        &outside.path().join("evil/__init__.py"),
        "import base64;exec(base64.b64decode('aW1wb3J0IG9z'))\n",
    );
    let t = tempfile::tempdir().unwrap();
    let sp = t.path().join("lib/python3.11/site-packages");
    write(
        &sp.join("demo-1.0.dist-info/METADATA"),
        "Name: demo\nVersion: 1.0\n",
    );
    write(
        &sp.join("demo-1.0.dist-info/RECORD"),
        "demo/__init__.py,,\nlinked/__init__.py,,\nevil.py,,\n../../../../../etc/passwd.py,,\n",
    );
    write(&sp.join("demo/__init__.py"), "x = 1\n");
    std::os::unix::fs::symlink(outside.path().join("evil"), sp.join("linked")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("evil/__init__.py"), sp.join("evil.py"))
        .unwrap();
    let inspection = inspect_path(t.path(), &InspectLimits::default());
    let demo = inspection
        .packages
        .iter()
        .find(|p| p.name == "demo")
        .unwrap();
    assert_eq!(demo.files_scanned, 1, "{:?}", demo.errors);
    assert_eq!(demo.errors.len(), 2, "{:?}", demo.errors);
    assert!(
        demo.errors
            .iter()
            .all(|e| e.message.contains("outside the scan root"))
    );
    assert!(demo.findings.is_empty(), "{:?}", demo.findings);
}

#[test]
fn a_source_tree_is_one_package_named_by_its_manifest() {
    let t = tempfile::tempdir().unwrap();
    write(
        &t.path().join("package.json"),
        r#"{"name":"tree-demo","version":"0.0.1","scripts":{"postinstall":"node setup.js"}}"#,
    );
    write(&t.path().join("setup.js"), "console.log('hi')\n");
    write(
        &t.path().join("node_modules/dep/package.json"),
        r#"{"name":"dep","version":"1.0.0"}"#,
    );
    let inspection = inspect_path(t.path(), &InspectLimits::default());
    // The tree is one package; each package in its node_modules is another.
    let names: Vec<&str> = inspection
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["tree-demo", "dep"]);
    assert_eq!(
        inspection.packages[0].files_scanned, 2,
        "node_modules is not the tree's own"
    );

    std::fs::remove_dir_all(t.path().join("node_modules")).unwrap();
    let inspection = inspect_path(t.path(), &InspectLimits::default());
    assert_eq!(inspection.packages.len(), 1);
    let p = &inspection.packages[0];
    assert_eq!(
        (p.name.as_str(), p.version.as_str()),
        ("tree-demo", "0.0.1")
    );
    assert_eq!(p.files_scanned, 2);
}

#[test]
fn a_missing_path_cannot_be_opened_and_says_so() {
    let inspection = inspect_path(Path::new("/nonexistent/x"), &InspectLimits::default());
    assert!(inspection.packages.is_empty());
    assert_eq!(inspection.unopenable.len(), 1);
    assert!(
        inspection.unopenable[0]
            .message
            .starts_with("/nonexistent/x: ")
    );
}
