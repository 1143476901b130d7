//! Cargo.lock files written by the real cargo, checked against
//! `cargo metadata` for the same workspace.

mod fixtures;

use chainwarden_core::discover::FileKind;
use chainwarden_core::inventory::Collected;
use chainwarden_core::{Ecosystem, SourceKind};
use fixtures::{CARGO_LOCK_VERSIONS, cargo, cargo_workspace, cargo_workspace_with, header_lines};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

type Graph = BTreeSet<(String, String)>;

/// Nodes and edges (`name version`) and the members, as cargo resolved them.
fn metadata_graph(meta: &str) -> (BTreeSet<String>, Graph, BTreeSet<String>) {
    let v: serde_json::Value = serde_json::from_str(meta).expect("metadata JSON");
    let mut id_to_key: BTreeMap<String, String> = BTreeMap::new();
    for p in v["packages"].as_array().expect("packages") {
        id_to_key.insert(
            p["id"].as_str().unwrap().to_string(),
            format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            ),
        );
    }
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    for n in v["resolve"]["nodes"].as_array().expect("resolve nodes") {
        let from = &id_to_key[n["id"].as_str().unwrap()];
        nodes.insert(from.clone());
        for d in n["deps"].as_array().unwrap() {
            edges.insert((from.clone(), id_to_key[d["pkg"].as_str().unwrap()].clone()));
        }
    }
    let members = v["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| id_to_key[m.as_str().unwrap()].clone())
        .collect();
    (nodes, edges, members)
}

fn our_graph(c: &Collected) -> (BTreeSet<String>, Graph) {
    let key = |i: usize| c.components[i].package.to_string();
    let nodes = (0..c.components.len()).map(key).collect();
    let edges = c
        .components
        .iter()
        .enumerate()
        .flat_map(|(i, comp)| comp.dependencies.iter().map(move |d| (key(i), key(d.0))))
        .collect();
    (nodes, edges)
}

fn assert_matches_metadata(c: &Collected, meta: &str, text: &str) {
    let (nodes, edges, members) = metadata_graph(meta);
    let (our_nodes, our_edges) = our_graph(c);
    assert_eq!(our_nodes, nodes);
    assert_eq!(c.components.len(), nodes.len(), "one component per package");
    assert_eq!(our_edges, edges);

    let ours_members: BTreeSet<String> = c
        .components
        .iter()
        .filter(|c| {
            c.properties
                .get("workspace_member")
                .is_some_and(|v| v == "true")
        })
        .map(|c| c.package.to_string())
        .collect();
    assert_eq!(ours_members, members);
    let direct: BTreeSet<String> = edges
        .iter()
        .filter(|(from, _)| members.contains(from))
        .map(|(_, to)| to.clone())
        .collect();
    for comp in &c.components {
        let k = comp.package.to_string();
        if members.contains(&k) && !direct.contains(&k) {
            assert_eq!(comp.direct, None, "{k}");
        } else {
            assert_eq!(comp.direct, Some(direct.contains(&k)), "{k}");
        }
    }

    // Lines and checksums, read from the text without the TOML parser.
    let headers = header_lines(text, "[[package]]");
    let lines: Vec<(u32, String, String)> = c
        .components
        .iter()
        .map(|c| {
            (
                c.locations[0].line.unwrap(),
                c.display_name.clone(),
                c.package.version.clone(),
            )
        })
        .collect();
    assert_eq!(lines, headers);
    for comp in &c.components {
        let line = comp.locations[0].line.unwrap() as usize;
        let entry: Vec<&str> = text
            .lines()
            .skip(line)
            .take_while(|l| !l.starts_with('['))
            .collect();
        // v1 keeps checksums in [metadata] as "checksum NAME VERSION (SOURCE)".
        let v1_key = format!(
            "\"checksum {} {} (",
            comp.display_name, comp.package.version
        );
        let checksum = entry
            .iter()
            .find_map(|l| l.strip_prefix("checksum = \""))
            .or_else(|| {
                text.lines()
                    .find(|l| l.starts_with(&v1_key))
                    .and_then(|l| l.split(" = \"").nth(1))
            })
            .map(|l| l.trim_end_matches('"'));
        let ours = comp.hashes.first().map(|h| h.value.as_str());
        assert_eq!(ours, checksum, "{}", comp.package);
        if let Some(h) = comp.hashes.first() {
            assert_eq!(h.algorithm, "sha256");
        }
    }
    assert!(
        c.components
            .iter()
            .all(|c| c.package.ecosystem == Ecosystem::CratesIo)
    );
}

#[test]
fn generated_workspace_lock_matches_cargo_metadata() {
    let dir = cargo_workspace();
    let path = dir.join("Cargo.lock");
    let text = fs::read_to_string(&path).unwrap();
    let c = chainwarden_lockfile::collect(FileKind::CargoLock, &path).unwrap();
    assert_eq!(c.source.kind, SourceKind::Lockfile);
    assert_eq!(c.source.format, "Cargo.lock");
    assert_eq!(c.source.properties["lockfile_version"], "4");
    let meta = fs::read_to_string(dir.join("metadata.json")).unwrap();
    assert_matches_metadata(&c, &meta, &text);

    // Two itoa majors: each reference resolved to its own package.
    let itoa: Vec<_> = c
        .components
        .iter()
        .filter(|c| c.package.name == "itoa")
        .collect();
    assert_eq!(itoa.len(), 2);
    assert!(itoa.iter().any(|c| c.package.version == "1.0.15"));
    assert!(itoa.iter().all(|c| c.direct == Some(true)));
    let serde = c
        .components
        .iter()
        .find(|c| c.package.name == "serde")
        .unwrap();
    assert_eq!(serde.direct, Some(true));
    assert_eq!(serde.properties["source_kind"], "registry");
    assert_eq!(
        serde.properties["source"],
        "registry+https://github.com/rust-lang/crates.io-index"
    );
    let syn = c
        .components
        .iter()
        .find(|c| c.package.name == "syn")
        .unwrap();
    assert_eq!(syn.direct, Some(false));
    let helper = c
        .components
        .iter()
        .find(|c| c.package.name == "helper")
        .unwrap();
    assert_eq!(helper.direct, Some(true), "member that app depends on");
    assert_eq!(helper.properties["source_kind"], "path");
}

#[test]
fn every_lockfile_version_cargo_writes_matches_cargo_metadata() {
    for (version, rust_version) in CARGO_LOCK_VERSIONS {
        let dir = cargo_workspace_with(rust_version);
        let path = dir.join("Cargo.lock");
        let text = fs::read_to_string(&path).unwrap();
        let c = chainwarden_lockfile::collect(FileKind::CargoLock, &path).unwrap();
        assert_eq!(
            c.source.properties["lockfile_version"], version,
            "{rust_version:?}"
        );
        let meta = fs::read_to_string(dir.join("metadata.json")).unwrap();
        assert_matches_metadata(&c, &meta, &text);
        // Every registry package has its checksum, wherever the version keeps it.
        for comp in &c.components {
            let registry = comp.properties["source_kind"] == "registry";
            assert_eq!(
                comp.hashes.len(),
                usize::from(registry),
                "v{version}: {}",
                comp.package
            );
        }
    }
}

#[test]
fn this_repository_lock_matches_cargo_metadata() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("Cargo.lock");
    let text = fs::read_to_string(&path).unwrap();
    let c = chainwarden_lockfile::collect(FileKind::CargoLock, &path).unwrap();
    assert_eq!(c.source.properties["lockfile_version"], "4");
    let out = Command::new(cargo())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(&root)
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_matches_metadata(&c, &String::from_utf8(out.stdout).unwrap(), &text);
    let core = c
        .components
        .iter()
        .find(|c| c.package.name == "chainwarden-core")
        .unwrap();
    assert_eq!(core.properties["workspace_member"], "true");
}
