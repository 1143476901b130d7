//! Real encrypted malware samples from the shared set, read in memory only.

use chainwarden_archive::{Limits, open_archive, package_meta};
use chainwarden_core::Ecosystem;
use std::path::PathBuf;

fn sample(rel: &str) -> (String, Vec<u8>) {
    let path: PathBuf = chainwarden_testkit::shared_dir()
        .join("data/malware-samples")
        .join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (rel.to_string(), bytes)
}

#[test]
fn pypi_sdist_sample_opens_in_memory_with_its_metadata() {
    let (name, bytes) = sample(
        "pypi/lxyeternal-pypi_malregistry/esqhttpvirtualvm/8.86/esqhttpvirtualvm-8.86.tar.gz.zip",
    );
    let x = open_archive(&name, &bytes, &Limits::default(), Some(b"infected")).unwrap();
    let paths: Vec<&str> = x.entries.iter().map(|e| e.path.as_str()).collect();
    assert!(
        paths.contains(&"esqhttpvirtualvm-8.86.tar.gz!/esqhttpvirtualvm-8.86/setup.py"),
        "{paths:?}"
    );
    let meta = package_meta(&x.entries).unwrap();
    assert_eq!(meta.ecosystem, Some(Ecosystem::PyPI));
    assert_eq!(meta.name, "esqhttpvirtualvm");
    assert_eq!(meta.version, "8.86");
    assert!(x.anomalies.is_empty(), "{:?}", x.anomalies);
    // Without the password nothing is read.
    assert!(open_archive(&name, &bytes, &Limits::default(), None).is_err());
}

#[test]
fn npm_tgz_sample_opens_with_its_install_script() {
    let (name, bytes) = sample(
        "npm/jnicastro-Sonatype-Malicious-NPM-Packages/electorn/1.0.1/electorn-1.0.1.tgz.zip",
    );
    let x = open_archive(&name, &bytes, &Limits::default(), Some(b"infected")).unwrap();
    let meta = package_meta(&x.entries).unwrap();
    assert_eq!(meta.ecosystem, Some(Ecosystem::Npm));
    assert_eq!(
        (meta.name.as_str(), meta.version.as_str()),
        ("electorn", "1.0.1")
    );
    assert!(
        meta.source_path.ends_with("package/package.json"),
        "{}",
        meta.source_path
    );
    assert!(
        x.entries
            .iter()
            .all(|e| e.path.starts_with("electorn-1.0.1.tgz!/package/"))
    );
}

#[test]
fn unpacked_npm_tree_sample_opens() {
    let (name, bytes) = sample("npm/malicious-packages-cemetery/rrgod.zip");
    let x = open_archive(&name, &bytes, &Limits::default(), Some(b"infected")).unwrap();
    assert!(!x.entries.is_empty());
    let meta = package_meta(&x.entries).unwrap();
    assert_eq!(meta.ecosystem, Some(Ecosystem::Npm));
}
