//! Inventories of real venvs built with pip, checked against what pip and
//! importlib.metadata say about the same venvs.

mod common;

use chainwarden_core::graph::paths_to;
use chainwarden_core::inventory::Collected;
use chainwarden_core::{ComponentId, Inventory, SourceKind};
use chainwarden_python::collect_site_dir;
use chainwarden_testkit as testkit;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn collect(venv: &Path) -> Collected {
    let sp = testkit::site_packages(venv);
    let (collected, errors) = collect_site_dir(&sp);
    assert!(errors.is_empty(), "{errors:?}");
    collected.expect("site dir inventories")
}

/// Our (display name, version) pairs must be exactly `pip list --format json`.
fn assert_matches_pip_list(venv: &Path, c: &Collected) {
    let mut ours: Vec<(String, String)> = c
        .components
        .iter()
        // pip skips a distribution whose METADATA it cannot read; we list it
        // under its folder's name, marked, so it cannot hide.
        .filter(|c| !c.properties.contains_key("metadata_source"))
        .map(|c| (c.display_name.clone(), c.package.version.clone()))
        .collect();
    ours.sort();
    assert_eq!(
        ours,
        testkit::pip_list(venv),
        "inventory != pip list for {}",
        venv.display()
    );
}

fn graph_by_name(c: &Collected) -> BTreeMap<String, BTreeSet<String>> {
    c.components
        .iter()
        .map(|comp| {
            let deps = comp
                .dependencies
                .iter()
                .map(|d| c.components[d.0].package.name.clone())
                .collect();
            (comp.package.name.clone(), deps)
        })
        .collect()
}

/// The graph equals importlib.metadata's, and `direct` means "nothing requires it".
fn assert_graph_matches_truth(venv: &Path, c: &Collected) {
    let truth = common::truth_graph(venv);
    let ours = graph_by_name(c);
    let truth: BTreeMap<String, BTreeSet<String>> = truth
        .into_iter()
        .filter(|(k, _)| ours.contains_key(k))
        .collect();
    assert_eq!(ours, truth);
    let required: BTreeSet<&String> = ours.values().flatten().collect();
    for comp in &c.components {
        assert_eq!(
            comp.direct,
            Some(!required.contains(&comp.package.name)),
            "{}",
            comp.package.name
        );
    }
}

fn find<'a>(c: &'a Collected, name: &str) -> &'a chainwarden_core::Component {
    c.components
        .iter()
        .find(|x| x.package.name == name)
        .unwrap_or_else(|| panic!("{name} not in inventory"))
}

#[test]
fn real_packages_match_pip_and_importlib() {
    let venv = common::real_venv();
    let c = collect(&venv);
    assert_matches_pip_list(&venv, &c);
    assert_graph_matches_truth(&venv, &c);

    assert_eq!(c.source.kind, SourceKind::PythonEnvironment);
    assert_eq!(c.source.format, "dist-info");
    assert_eq!(c.source.python_version.as_deref(), Some("3.11"));
    assert_eq!(c.source.properties["environment_kind"], "venv");
    assert_eq!(
        Path::new(&c.source.properties["environment_root"]),
        venv.as_path()
    );

    let requests = find(&c, "requests");
    assert_eq!(requests.package.version, "2.32.3");
    assert_eq!(requests.properties["installer"], "pip");
    assert_eq!(requests.properties["requested"], "true");
    assert_eq!(requests.properties["license"], "Apache-2.0");
    assert_eq!(requests.properties["editable"], "false");
    assert_eq!(requests.direct, Some(true));
    assert!(
        requests.locations[0]
            .path
            .ends_with("requests-2.32.3.dist-info")
    );
    let urllib3 = find(&c, "urllib3");
    assert_eq!(urllib3.direct, Some(false));
    assert_eq!(urllib3.properties["requested"], "false");

    // `requests[socks]` was asked for on the command line, which no metadata
    // records: PySocks is a root, not a dependency of requests.
    assert_eq!(find(&c, "pysocks").direct, Some(true));
    // httpx[http2] likewise; h2 is a root, and its own deps hang below it.
    assert_eq!(find(&c, "h2").direct, Some(true));
    assert!(graph_by_name(&c)["h2"].contains("hpack"));
}

#[test]
fn why_urllib3_goes_through_requests_and_httpx_deps() {
    let venv = common::real_venv();
    let c = collect(&venv);
    let mut inv = Inventory::default();
    inv.push(c);
    let id = |name: &str| {
        ComponentId(
            inv.components
                .iter()
                .position(|x| x.package.name == name)
                .unwrap_or_else(|| panic!("{name}")),
        )
    };
    let names = |p: &Vec<ComponentId>| -> Vec<String> {
        p.iter()
            .map(|i| inv.component(*i).package.name.clone())
            .collect()
    };
    let paths: Vec<Vec<String>> = paths_to(&inv, id("urllib3"), 10)
        .paths
        .iter()
        .map(names)
        .collect();
    assert_eq!(
        paths,
        vec![vec!["requests".to_string(), "urllib3".to_string()]]
    );
    // idna is reached from requests and from httpx (directly and via anyio);
    // every path starts at a root and follows real edges.
    let idna = paths_to(&inv, id("idna"), 10).paths;
    let idna_names: Vec<Vec<String>> = idna.iter().map(names).collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for want in [
        s(&["requests", "idna"]),
        s(&["httpx", "idna"]),
        s(&["httpx", "anyio", "idna"]),
    ] {
        assert!(idna_names.contains(&want), "{want:?} not in {idna_names:?}");
    }
    for p in &idna {
        assert_eq!(inv.component(p[0]).direct, Some(true));
        for w in p.windows(2) {
            assert!(inv.component(w[0]).dependencies.contains(&w[1]));
        }
    }
    assert_eq!(paths_to(&inv, id("idna"), 1).paths.len(), 1, "bounded");
}

#[test]
fn namespace_packages_match_pip_and_importlib() {
    let venv = common::namespace_venv();
    let c = collect(&venv);
    assert_matches_pip_list(&venv, &c);
    assert_graph_matches_truth(&venv, &c);
    let zope = find(&c, "zope-interface");
    assert_eq!(zope.display_name, "zope.interface");
    assert!(
        c.components
            .iter()
            .any(|x| x.package.name == "sphinxcontrib-htmlhelp")
    );
    assert!(
        c.components
            .iter()
            .any(|x| x.package.name == "googleapis-common-protos")
    );
    // sphinx requires every sphinxcontrib-* package.
    assert!(graph_by_name(&c)["sphinx"].contains("sphinxcontrib-serializinghtml"));
}

#[test]
fn editable_install_matches_pip_and_importlib() {
    let venv = common::editable_venv();
    let c = collect(&venv);
    assert_matches_pip_list(&venv, &c);
    assert_graph_matches_truth(&venv, &c);
    let demo = find(&c, "cw-editable-demo");
    assert_eq!(demo.display_name, "cw_Editable.Demo");
    assert_eq!(demo.package.version, "0.3.1");
    assert_eq!(demo.properties["editable"], "true");
    assert!(demo.properties["direct_url"].starts_with("file://"));
    assert!(demo.properties["direct_url"].ends_with("cw-editable-demo"));
    assert_eq!(
        Path::new(&demo.properties["project_location"]),
        common::editable_project().as_path()
    );
    assert!(demo.properties["editable_hooks"].ends_with("__editable__.cw_editable_demo-0.3.1.pth"));
    // setuptools leaves `src/*.egg-info` on the path the hook adds; Python
    // sees the site-packages dist-info first, so it is shadowed.
    assert!(demo.properties["shadowed"].ends_with("src/cw_Editable.Demo.egg-info"));
    let deps = &graph_by_name(&c)["cw-editable-demo"];
    assert!(deps.contains("requests"));
    assert!(!deps.contains("rich"), "extra `fancy` was not requested");
    assert!(!deps.contains("colorama"), "win32-only");
}

#[test]
fn legacy_egg_info_installs_match_pip_and_importlib() {
    let venv = common::egg_venv();
    let c = collect(&venv);
    assert_matches_pip_list(&venv, &c);
    assert_graph_matches_truth(&venv, &c);

    let legacy = find(&c, "legacy-lib");
    assert_eq!(legacy.display_name, "Legacy-Lib");
    assert_eq!(legacy.properties["metadata_format"], "egg-info");
    assert_eq!(legacy.properties["license"], "BSD");
    assert!(
        legacy.locations[0]
            .path
            .to_string_lossy()
            .ends_with(".egg-info")
    );
    let g = graph_by_name(&c);
    // requires.txt: the base section and `[:python_version >= "3"]`; the
    // `socks` extra is followed because dev-lib requires `legacy-lib[socks]`.
    assert_eq!(
        g["legacy-lib"],
        ["idna", "pysocks", "requests"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );

    let dev = find(&c, "dev-lib");
    assert_eq!(dev.properties["editable"], "true");
    assert!(dev.properties.contains_key("egg_link") || dev.properties.contains_key("pth"));
    assert!(g["dev-lib"].contains("legacy-lib"));
    assert_eq!(dev.direct, Some(true));
    assert_eq!(legacy.direct, Some(false));
}

#[test]
fn large_environment_matches_pip_and_importlib() {
    let venv = common::large_venv();
    let c = collect(&venv);
    assert!(c.components.len() > 150, "{}", c.components.len());
    assert_matches_pip_list(&venv, &c);
    assert_graph_matches_truth(&venv, &c);
}

#[test]
fn bad_metadata_is_an_error_and_the_rest_still_inventories() {
    let t = tempfile::tempdir().unwrap();
    let sp = t.path().join("lib/python3.12/site-packages");
    let good = sp.join("good-1.0.dist-info");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(
        good.join("METADATA"),
        "Metadata-Version: 2.1\nName: good\nVersion: 1.0\nRequires-Dist: bad>=1\nRequires-Dist: not a valid ((( requirement\n",
    )
    .unwrap();
    let bad = sp.join("bad-1.0.dist-info");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("METADATA"), b"Name: bad\nVersion: \xff\xfe\n").unwrap();
    let (c, errors) = collect_site_dir(&sp);
    let c = c.unwrap();
    // The invalid bytes are replaced: the package is still listed.
    assert_eq!(c.components.len(), 2);
    let names: Vec<(&str, &str)> = c
        .components
        .iter()
        .map(|c| (c.package.name.as_str(), c.package.version.as_str()))
        .collect();
    assert!(names.contains(&("good", "1.0")), "{names:?}");
    assert!(names.contains(&("bad", "\u{fffd}\u{fffd}")), "{names:?}");
    assert_eq!(c.source.python_version.as_deref(), Some("3.12"));
    assert_eq!(c.source.properties["environment_kind"], "system");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.path == bad.join("METADATA") && e.message.contains("UTF-8"))
    );
    assert!(
        errors
            .iter()
            .any(|e| e.path == good && e.message.contains("invalid Requires-Dist"))
    );
    let (none, errors) = collect_site_dir(&t.path().join("missing"));
    assert!(none.is_none());
    assert_eq!(errors.len(), 1);
}

#[test]
fn doctored_site_dir_matches_pip_list() {
    let venv = common::doctored_venv();
    let sp = testkit::site_packages(&venv);
    let (c, errors) = collect_site_dir(&sp);
    let c = c.unwrap();
    // Same names and versions as pip, whichever duplicate directory order puts first.
    assert_matches_pip_list(&venv, &c);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.path == sp.join("empty-1.0.dist-info"))
    );
    let empty = find(&c, "empty");
    assert_eq!(empty.properties["metadata_source"], "folder-name");
    assert!(
        errors
            .iter()
            .any(|e| e.path == sp.join("~ix-9.0.dist-info") && e.message.contains("`six`"))
    );
    let idna = find(&c, "idna");
    assert!(idna.properties["shadowed"].contains("dist-info"));
    let extra = find(&c, "extra-pkg");
    assert!(extra.properties["pth"].ends_with("zz-extra.pth"));
    assert!(extra.locations[0].path.starts_with(venv.join("extra")));
    // With the venv as the scan root the .pth folder is inside and still read;
    // with the site dir as the root it is outside and reported, not read.
    let (inside, _) = chainwarden_python::collect_site_dir_within(&sp, Some(&venv));
    assert!(
        inside
            .unwrap()
            .components
            .iter()
            .any(|x| x.package.name == "extra-pkg")
    );
    let (bounded, errors) = chainwarden_python::collect_site_dir_within(&sp, Some(&sp));
    assert!(
        !bounded
            .unwrap()
            .components
            .iter()
            .any(|x| x.package.name == "extra-pkg")
    );
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("outside the scan root"))
    );
}
