//! Real workflows of other projects, read as they are.

use chainwarden_core::discover::FileKind;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/astral-sh-uv")
        .join(name)
}

/// astral-sh/uv calls its own reusable workflows with GitHub's
/// self-repository form `$/…`: the same commit of the same repository, as
/// pinned as `./…`. On main these were unpinned "actions" named `$/.github`.
#[test]
fn self_repository_references_are_local_not_actions() {
    let mut selfs = 0;
    for file in ["ci.yml", "release.yml"] {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        let sites = chainwarden_gha::uses_sites(FileKind::Workflow, &text).unwrap();
        for s in sites.iter().filter(|s| s.uses.raw().starts_with("$/")) {
            selfs += 1;
            assert_eq!(
                s.uses.ref_kind(),
                chainwarden_gha::RefKind::Local,
                "{}",
                s.uses.raw()
            );
        }
        let collected = chainwarden_gha::collect(FileKind::Workflow, &fixture(file)).unwrap();
        for c in &collected.components {
            assert!(!c.package.name.starts_with('$'), "{:?}", c.package);
            assert_eq!(
                c.properties.get("ref-kind").map(String::as_str),
                Some("commit-sha"),
                "uv pins every remote action: {}",
                c.display_name
            );
        }
    }
    assert_eq!(selfs, 27, "20 in ci.yml, 7 in release.yml");
}
