//! The advisory matcher keys on (ecosystem, normalised name, version): a
//! lockfile naming a version that an OSV `MAL-` record lists must yield
//! exactly that component. The fixtures are the real lockfiles of the test
//! project, hand-edited to add the malicious package.

use chainwarden_core::discover::FileKind;
use chainwarden_core::{Ecosystem, Package};
use chainwarden_npm::collect_lockfile;
use chainwarden_testkit::shared_dir;
use std::path::{Path, PathBuf};

const RECORD: &str = "data/advisories/osv/ossf-malicious-packages/osv/malicious/npm/@servicetitan/eh-module-communication/MAL-2026-11858.json";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/malicious")
        .join(name)
}

/// testkit's `shared_dir()` (`../shared` beside the checkout, or
/// `$CHAINWARDEN_SHARED`); from a worktree nested one level deeper, the
/// nearest `shared` folder above the crate.
fn record_path() -> PathBuf {
    let direct = shared_dir().join(RECORD);
    if direct.is_file() {
        return direct;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared").join(RECORD))
        .find(|p| p.is_file())
        .unwrap_or(direct)
}

/// The package the OSV record lists, at the version the fixtures pin.
fn advisory_package() -> Package {
    let text = std::fs::read_to_string(record_path())
        .unwrap_or_else(|e| panic!("{}: {e}", record_path().display()));
    let osv: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(osv["id"], "MAL-2026-11858");
    let affected = &osv["affected"][0];
    let eco = Ecosystem::from_osv(affected["package"]["ecosystem"].as_str().unwrap()).unwrap();
    let name = affected["package"]["name"].as_str().unwrap();
    let versions: Vec<&str> = affected["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(versions.contains(&"0.2.3"), "{versions:?}");
    Package::new(eco, name, "0.2.3")
}

#[test]
fn package_lock_yields_the_malicious_component() {
    let want = advisory_package();
    let path = fixture("package-lock.json");
    let c = collect_lockfile(FileKind::PackageLock, &path).unwrap();
    let hits: Vec<_> = c.components.iter().filter(|x| x.package == want).collect();
    assert_eq!(hits.len(), 1);
    let hit = hits[0];
    assert_eq!(hit.package.ecosystem, Ecosystem::Npm);
    assert_eq!(hit.package.name, "@servicetitan/eh-module-communication");
    assert_eq!(hit.direct, Some(true));
    assert_eq!(
        hit.package.purl(),
        "pkg:npm/%40servicetitan/eh-module-communication@0.2.3"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"node_modules/@servicetitan/eh-module-communication\""))
        .unwrap()
        + 1;
    assert_eq!(hit.locations[0].line, Some(u32::try_from(line).unwrap()));
    assert_eq!(hit.properties["has-install-script"], "true");
}

#[test]
fn yarn_lock_yields_the_malicious_component() {
    let want = advisory_package();
    let c = collect_lockfile(FileKind::YarnLock, &fixture("yarn.lock")).unwrap();
    let hit = c
        .components
        .iter()
        .find(|x| x.package == want)
        .expect("malicious component");
    let deps: Vec<&str> = hit
        .dependencies
        .iter()
        .map(|d| c.components[d.0].package.name.as_str())
        .collect();
    assert_eq!(deps, vec!["chalk"]);
}
