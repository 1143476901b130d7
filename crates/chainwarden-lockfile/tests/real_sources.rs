//! Non-registry sources as the real tools lock them: a uv workspace with a
//! virtual root and a member, editable path dependencies and a direct URL
//! dependency, in uv.lock, pylock.toml, poetry.lock and pdm.lock.

mod fixtures;

use chainwarden_core::Component;
use chainwarden_core::discover::classify;
use chainwarden_core::inventory::Collected;
use fixtures::{SIX_SHA256, SIX_URL, python_sources, tree_edges};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn collect(path: &Path) -> Collected {
    let kind = classify(path).expect("known lockfile name");
    chainwarden_lockfile::collect(kind, path).unwrap_or_else(|e| panic!("{e:?}"))
}

fn get<'a>(c: &'a Collected, name: &str) -> &'a Component {
    c.components
        .iter()
        .find(|c| c.package.name == name)
        .unwrap_or_else(|| panic!("{name} not collected"))
}

fn prop<'a>(c: &'a Component, key: &str) -> &'a str {
    c.properties.get(key).map(String::as_str).unwrap_or("")
}

fn names(c: &Collected, pred: impl Fn(&Component) -> bool) -> BTreeSet<String> {
    c.components
        .iter()
        .filter(|c| pred(c))
        .map(|c| c.package.name.clone())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn six_is_the_url_wheel(six: &Component, kind: &str) {
    assert_eq!(six.package.version, "1.17.0");
    assert_eq!(prop(six, "source_kind"), kind);
    assert_eq!(prop(six, "source"), SIX_URL);
    assert_eq!(six.hashes.len(), 1);
    assert_eq!(six.hashes[0].value, SIX_SHA256);
}

#[test]
fn uv_workspace_path_and_url_sources() {
    let dir = python_sources().join("uv");
    let c = collect(&dir.join("uv.lock"));
    let tree = fs::read_to_string(dir.join("uv-tree.txt")).unwrap();

    // Roots: the packages `uv tree` starts from, the [manifest] members.
    let tree_roots: BTreeSet<String> = tree
        .lines()
        .filter(|l| l.starts_with(|ch: char| ch.is_ascii_alphanumeric()))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(tree_roots, set(&["member-a", "ws-root"]));
    assert_eq!(
        names(&c, |c| prop(c, "workspace_member") == "true"),
        tree_roots
    );

    // Edges and direct dependencies exactly as uv draws them.
    let mut ours: Vec<(String, String)> = c
        .components
        .iter()
        .flat_map(|f| {
            f.dependencies.iter().map(|d| {
                let t = &c.components[d.0];
                (
                    format!("{} {}", f.package.name, f.package.version),
                    format!("{} {}", t.package.name, t.package.version),
                )
            })
        })
        .collect();
    ours.sort();
    assert_eq!(ours, tree_edges(&tree, true));
    let direct: BTreeSet<String> = tree_edges(&tree, false)
        .into_iter()
        .filter(|(p, _)| tree_roots.contains(p))
        .map(|(_, ch)| ch)
        .collect();
    assert_eq!(names(&c, |c| c.direct == Some(true)), direct);
    assert_eq!(get(&c, "ws-root").direct, None, "a root nothing depends on");

    assert_eq!(prop(get(&c, "ws-root"), "source_kind"), "virtual");
    let member = get(&c, "member-a");
    assert_eq!(prop(member, "source_kind"), "editable");
    assert_eq!(prop(member, "source"), "packages/member-a");
    let local = get(&c, "localdep");
    assert_eq!(prop(local, "source_kind"), "editable");
    assert_eq!(prop(local, "source"), "vendor/localdep");
    assert_eq!(prop(local, "workspace_member"), "");
    assert!(local.hashes.is_empty());
    six_is_the_url_wheel(get(&c, "six"), "url");
    assert_eq!(prop(get(&c, "idna"), "source_kind"), "registry");
}

#[test]
fn pylock_directory_and_archive_entries() {
    let c = collect(&python_sources().join("uv/pylock.toml"));
    let local = get(&c, "localdep");
    assert_eq!(
        local.package.version, "",
        "pylock omits versions of directories"
    );
    assert_eq!(prop(local, "source_kind"), "directory");
    assert_eq!(prop(local, "editable"), "true");
    assert_eq!(prop(get(&c, "member-a"), "source"), "packages/member-a");
    six_is_the_url_wheel(get(&c, "six"), "archive");
    let idna = get(&c, "idna");
    assert_eq!(prop(idna, "source"), "https://pypi.org/simple");
    assert_eq!(prop(idna, "upload_time"), "2024-09-15T18:07:39Z");
    assert_eq!(prop(idna, "upload_time_first"), "2024-09-15T18:07:37Z");
}

#[test]
fn poetry_directory_and_url_sources() {
    let c = collect(&python_sources().join("poetry/poetry.lock"));
    let local = get(&c, "localdep");
    assert_eq!(prop(local, "source_kind"), "directory");
    assert_eq!(prop(local, "source"), "vendor/localdep");
    assert_eq!(prop(local, "editable"), "true");
    six_is_the_url_wheel(get(&c, "six"), "url");
    assert_eq!(prop(get(&c, "idna"), "source_kind"), "legacy");
    // All three are named in [tool.poetry.dependencies].
    assert_eq!(
        names(&c, |c| c.direct == Some(true)),
        set(&["idna", "localdep", "six"])
    );
}

#[test]
fn pdm_path_and_url_sources() {
    let c = collect(&python_sources().join("pdm/pdm.lock"));
    let local = get(&c, "localdep");
    assert_eq!(prop(local, "source_kind"), "path");
    assert_eq!(prop(local, "source"), "./vendor/localdep");
    let six = get(&c, "six");
    assert_eq!(prop(six, "source_kind"), "url");
    assert_eq!(prop(six, "source"), SIX_URL);
    assert_eq!(six.hashes[0].value, SIX_SHA256);
    // `name @ url` requirements in [project] dependencies count as direct.
    assert_eq!(
        names(&c, |c| c.direct == Some(true)),
        set(&["idna", "localdep", "six"])
    );
}

#[test]
fn discover_collect_and_push_into_an_inventory() {
    use chainwarden_core::Inventory;
    use chainwarden_core::discover::{WalkLimits, discover};
    let root = fixtures::python_locks();
    let found = discover(std::slice::from_ref(&root), WalkLimits::default());
    let mut inv = Inventory::default();
    let mut formats = Vec::new();
    for (kind, path) in &found.files {
        if !chainwarden_lockfile::supports(*kind) {
            continue;
        }
        let collected = chainwarden_lockfile::collect(*kind, path).unwrap();
        formats.push(collected.source.format.clone());
        inv.push(collected);
    }
    formats.sort();
    assert_eq!(
        formats,
        [
            "Pipfile.lock",
            "pdm.lock",
            "poetry.lock",
            "pylock.toml",
            "uv.lock"
        ]
    );
    // Edges stay inside their own source after rebasing.
    for comp in &inv.components {
        for d in &comp.dependencies {
            assert_eq!(inv.component(*d).source, comp.source);
        }
    }
    let requests: Vec<_> = inv
        .components
        .iter()
        .filter(|c| c.package.name == "requests")
        .collect();
    assert_eq!(requests.len(), 5, "one per lockfile");
    assert!(requests.iter().all(|c| c.package.version == "2.32.3"));
    assert!(
        requests
            .iter()
            .all(|c| c.package.purl() == "pkg:pypi/requests@2.32.3")
    );
}
