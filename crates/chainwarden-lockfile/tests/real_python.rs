//! Python lockfiles written by the real tools, checked against what the
//! tools themselves report about the same files.

mod fixtures;

use chainwarden_core::discover::{FileKind, classify};
use chainwarden_core::inventory::Collected;
use chainwarden_core::{Component, Ecosystem, SourceKind};
use fixtures::{header_lines, python_locks, requirements_pins, tree_edges};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

fn collect(path: &Path) -> Collected {
    let kind = classify(path).expect("known lockfile name");
    chainwarden_lockfile::collect(kind, path).unwrap_or_else(|e| panic!("{e:?}"))
}

fn pins(c: &Collected) -> BTreeSet<(String, String)> {
    c.components
        .iter()
        .map(|c| (c.package.name.clone(), c.package.version.clone()))
        .collect()
}

fn key(c: &Component) -> String {
    format!("{} {}", c.package.name, c.package.version)
}

fn edges(c: &Collected) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = c
        .components
        .iter()
        .flat_map(|from| {
            from.dependencies
                .iter()
                .map(|d| (key(from), key(&c.components[d.0])))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn find<'a>(c: &'a Collected, name: &str, version: &str) -> &'a Component {
    c.components
        .iter()
        .find(|c| c.package.name == name && c.package.version == version)
        .unwrap_or_else(|| panic!("{name} {version} not collected"))
}

fn hex_hashes(c: &Component) -> BTreeSet<String> {
    c.hashes
        .iter()
        .map(|h| format!("{}:{}", h.algorithm, h.value))
        .collect()
}

/// Lines of each `[[package]]` header by (name, version), from the text.
fn assert_lines_match_headers(c: &Collected, text: &str, header: &str) {
    let expected = header_lines(text, header);
    assert_eq!(
        expected.len(),
        text.matches(&format!("\n{header}\n")).count()
    );
    let mut got: Vec<(u32, String, String)> = c
        .components
        .iter()
        .flat_map(|comp| {
            comp.locations.iter().map(|l| {
                (
                    l.line.expect("line"),
                    comp.display_name.clone(),
                    comp.package.version.clone(),
                )
            })
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
}

const REQUESTS_SDIST_SHA256: &str =
    "sha256:55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760";
const REQUESTS_WHEEL_SHA256: &str =
    "sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6";

#[test]
fn uv_lock_matches_uv_tree_and_export() {
    let dir = python_locks().join("uv");
    let path = dir.join("uv.lock");
    let text = fs::read_to_string(&path).unwrap();
    let c = collect(&path);
    assert_eq!(c.source.kind, SourceKind::Lockfile);
    assert_eq!(c.source.format, "uv.lock");
    assert_eq!(c.source.properties["lockfile_version"], "1");
    assert!(
        c.components
            .iter()
            .all(|c| c.package.ecosystem == Ecosystem::PyPI)
    );

    // Components: what `uv export` lists, plus the virtual project itself.
    let export = requirements_pins(&fs::read_to_string(dir.join("uv-export.txt")).unwrap());
    let mut expected: BTreeSet<(String, String)> = export
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    expected.insert(("demo-app".into(), "0.1.0".into()));
    assert_eq!(pins(&c), expected);
    assert_eq!(c.components.len(), expected.len(), "no duplicates");
    // The fork really produced two versions of one name.
    // (urllib3 dropped Python 3.9 after 2.6; requests 2.32.3 allows both.)
    let urllib3 = expected.iter().filter(|(n, _)| n == "urllib3").count();
    assert_eq!(urllib3, 2);

    // Edges: exactly `uv tree --universal --all-groups` (extras folded in).
    let tree = fs::read_to_string(dir.join("uv-tree.txt")).unwrap();
    assert_eq!(edges(&c), tree_edges(&tree, true));

    // Direct: the root's children in uv's tree.
    let root = find(&c, "demo-app", "0.1.0");
    assert_eq!(root.properties["workspace_member"], "true");
    assert_eq!(root.properties["source_kind"], "virtual");
    let tree_direct: BTreeSet<String> = tree_edges(&tree, true)
        .into_iter()
        .filter(|(p, _)| p == "demo-app 0.1.0")
        .map(|(_, ch)| ch)
        .collect();
    let ours_direct: BTreeSet<String> = c
        .components
        .iter()
        .filter(|c| c.direct == Some(true))
        .map(key)
        .collect();
    assert_eq!(ours_direct, tree_direct);
    assert_eq!(find(&c, "mdurl", "0.1.2").direct, Some(false));

    // Hashes: every hash uv exports for a package, and only those.
    for (name, version, hashes) in &export {
        let comp = find(&c, name, version);
        let want: BTreeSet<String> = hashes.iter().cloned().collect();
        assert_eq!(hex_hashes(comp), want, "{name} {version}");
    }
    let requests = find(&c, "requests", "2.32.3");
    assert!(hex_hashes(requests).contains(REQUESTS_SDIST_SHA256));
    assert!(hex_hashes(requests).contains(REQUESTS_WHEEL_SHA256));
    // PyPI's upload times of requests 2.32.3 (sdist last, wheel first).
    assert_eq!(
        requests.properties["upload_time"],
        "2024-05-29T15:37:49.536Z"
    );
    assert_eq!(
        requests.properties["upload_time_first"],
        "2024-05-29T15:37:47.027Z"
    );
    assert_eq!(
        requests.properties["source"], "https://pypi.org/simple",
        "registry source"
    );
    // Forked versions carry the forks that select them.
    for u in c.components.iter().filter(|c| c.package.name == "urllib3") {
        assert!(u.properties["marker"].starts_with("(python_full_version "));
    }
    assert!(!requests.properties.contains_key("marker"));

    assert_lines_match_headers(&c, &text, "[[package]]");
    // One line checked by hand: the root's header.
    let root_line = text
        .lines()
        .position(|l| l == "name = \"demo-app\"")
        .unwrap() as u32;
    assert_eq!(root.locations[0].line, Some(root_line));
}

#[test]
fn pylock_from_uv_export_matches_the_uv_resolution() {
    let dir = python_locks().join("uv");
    let path = dir.join("pylock.toml");
    assert_eq!(classify(&path), Some(FileKind::PyLock));
    let text = fs::read_to_string(&path).unwrap();
    let c = collect(&path);
    assert_eq!(c.source.format, "pylock.toml");
    assert_eq!(c.source.properties["lockfile_version"], "1.0");
    assert_eq!(c.source.properties["created_by"], "uv");

    let export = requirements_pins(&fs::read_to_string(dir.join("uv-export.txt")).unwrap());
    let expected: BTreeSet<(String, String)> = export
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    assert_eq!(pins(&c), expected);
    for (name, version, hashes) in &export {
        let want: BTreeSet<String> = hashes.iter().cloned().collect();
        assert_eq!(
            hex_hashes(find(&c, name, version)),
            want,
            "{name} {version}"
        );
    }
    // pylock writes upload-time as a TOML datetime, to the second.
    let requests = find(&c, "requests", "2.32.3");
    assert_eq!(requests.properties["upload_time"], "2024-05-29T15:37:49Z");
    let urllib3: Vec<&Component> = c
        .components
        .iter()
        .filter(|c| c.package.name == "urllib3")
        .collect();
    assert_eq!(urllib3.len(), 2);
    assert!(
        urllib3
            .iter()
            .all(|u| u.properties["marker"].contains("python_full_version"))
    );
    assert!(c.components.iter().all(|c| c.direct.is_none()));
    assert_lines_match_headers(&c, &text, "[[packages]]");

    // uv writes the same upload times to both files, to the second here.
    let uv = collect(&dir.join("uv.lock"));
    let mut compared = 0;
    for comp in &c.components {
        let u = find(&uv, &comp.package.name, &comp.package.version);
        for key in ["upload_time", "upload_time_first"] {
            let theirs = &u.properties[key];
            let whole_seconds = match theirs.split_once('.') {
                Some((s, _)) => format!("{s}Z"),
                None => theirs.clone(),
            };
            assert_eq!(comp.properties[key], whole_seconds, "{}", comp.package);
            compared += 1;
        }
    }
    assert_eq!(compared, 2 * c.components.len());
}

#[test]
fn poetry_lock_matches_poetry_show() {
    let dir = python_locks().join("poetry");
    let path = dir.join("poetry.lock");
    let text = fs::read_to_string(&path).unwrap();
    let c = collect(&path);
    assert_eq!(c.source.format, "poetry.lock");
    let lock_version = &c.source.properties["lockfile_version"];
    assert!(lock_version.starts_with('2'), "{lock_version}");
    assert!(c.source.properties["content_hash"].len() == 64);

    // `poetry show` lists what applies to this platform (name, version);
    // `poetry show --tree` adds the platform-conditional ones (colorama).
    let show = fs::read_to_string(dir.join("poetry-show.txt")).unwrap();
    let tree = fs::read_to_string(dir.join("poetry-tree.txt")).unwrap();
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut top_level: BTreeSet<String> = BTreeSet::new();
    for line in show.lines() {
        let mut w = line.split_whitespace().filter(|w| *w != "(!)");
        if let (Some(n), Some(v)) = (w.next(), w.next()) {
            assert!(
                pins(&c).contains(&(n.to_string(), v.to_string())),
                "{n} {v} from poetry show"
            );
            names.insert(n.to_string());
        }
    }
    for line in tree.lines() {
        // Top-level entries (the project's requirements) start in column 0.
        if line.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
            names.insert(line.split_whitespace().next().unwrap().to_string());
            top_level.insert(line.split_whitespace().next().unwrap().to_string());
        }
    }
    for (p, ch) in tree_edges(&tree, false) {
        names.insert(p);
        names.insert(ch);
    }
    let ours: BTreeSet<String> = c
        .components
        .iter()
        .map(|c| c.package.name.clone())
        .collect();
    assert_eq!(ours, names);

    // Every edge poetry draws exists, and each drawn package has exactly
    // the children poetry draws.
    let ours_by_name: BTreeSet<(String, String)> = edges(&c)
        .into_iter()
        .map(|(a, b)| {
            (
                a.split(' ').next().unwrap().to_string(),
                b.split(' ').next().unwrap().to_string(),
            )
        })
        .collect();
    let theirs: BTreeSet<(String, String)> = tree_edges(&tree, false).into_iter().collect();
    let parents: BTreeSet<&String> = theirs.iter().map(|(p, _)| p).collect();
    let ours_drawn: BTreeSet<(String, String)> = ours_by_name
        .iter()
        .filter(|(p, _)| parents.contains(p))
        .cloned()
        .collect();
    assert_eq!(ours_drawn, theirs);

    let requests = find(&c, "requests", "2.32.3");
    assert!(hex_hashes(requests).contains(REQUESTS_SDIST_SHA256));
    assert_eq!(requests.properties["groups"], "main");
    assert_eq!(requests.properties["source_kind"], "legacy");
    assert_eq!(requests.properties["source"], "https://pypi.org/simple");
    assert_eq!(
        find(&c, "iniconfig", &find_version(&c, "iniconfig")).properties["groups"],
        "dev"
    );

    // Direct: the top level of `poetry show --tree`, via the pyproject.toml.
    assert_eq!(direct_names(&c), top_level);
    assert!(c.components.iter().all(|c| c.direct.is_some()));
    assert_eq!(
        c.source.properties["direct_from"],
        dir.join("pyproject.toml").display().to_string()
    );
    // Text alone cannot know.
    let bare = chainwarden_lockfile::parse(FileKind::PoetryLock, &path, &text).unwrap();
    assert!(bare.components.iter().all(|c| c.direct.is_none()));
    assert_lines_match_headers(&c, &text, "[[package]]");
}

fn direct_names(c: &Collected) -> BTreeSet<String> {
    c.components
        .iter()
        .filter(|c| c.direct == Some(true))
        .map(|c| c.package.name.clone())
        .collect()
}

/// Names of the root's children in `uv tree` (same pyproject.toml).
fn uv_direct_names() -> BTreeSet<String> {
    let tree = fs::read_to_string(python_locks().join("uv/uv-tree.txt")).unwrap();
    tree_edges(&tree, false)
        .into_iter()
        .filter(|(p, _)| p == "demo-app")
        .map(|(_, ch)| ch)
        .collect()
}

fn find_version(c: &Collected, name: &str) -> String {
    c.components
        .iter()
        .find(|c| c.package.name == name)
        .map(|c| c.package.version.clone())
        .unwrap_or_else(|| panic!("{name} not collected"))
}

#[test]
fn pdm_lock_matches_pdm_export() {
    let dir = python_locks().join("pdm");
    let path = dir.join("pdm.lock");
    let text = fs::read_to_string(&path).unwrap();
    let c = collect(&path);
    assert_eq!(c.source.format, "pdm.lock");
    assert!(c.source.properties["lockfile_version"].starts_with("4."));

    let export = requirements_pins(&fs::read_to_string(dir.join("pdm-export.txt")).unwrap());
    let expected: BTreeSet<(String, String)> = export
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    assert_eq!(pins(&c), expected);
    assert_eq!(c.components.len(), expected.len(), "extras entry folded");

    // requests[socks] is a second [[package]] entry: one component, two lines.
    let requests = find(&c, "requests", "2.32.3");
    assert_eq!(requests.locations.len(), 2);
    let want_lines: Vec<u32> = header_lines(&text, "[[package]]")
        .into_iter()
        .filter(|(_, n, _)| n == "requests")
        .map(|(l, _, _)| l)
        .collect();
    let mut got_lines: Vec<u32> = requests.locations.iter().map(|l| l.line.unwrap()).collect();
    got_lines.sort();
    assert_eq!(got_lines, want_lines);
    let deps: BTreeSet<String> = requests
        .dependencies
        .iter()
        .map(|d| c.components[d.0].package.name.clone())
        .collect();
    let want: BTreeSet<String> = [
        "certifi",
        "charset-normalizer",
        "idna",
        "urllib3",
        "pysocks",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(deps, want);
    assert!(hex_hashes(requests).contains(REQUESTS_SDIST_SHA256));
    assert!(hex_hashes(requests).contains(REQUESTS_WHEEL_SHA256));
    assert_eq!(requests.properties["groups"], "default,socks");
    assert_eq!(find(&c, "pysocks", "1.7.1").properties["groups"], "socks");
    // Direct: from the pyproject.toml, the same set uv puts under the root.
    assert_eq!(direct_names(&c), uv_direct_names());
    assert_eq!(requests.direct, Some(true));
    assert_eq!(
        find(&c, "urllib3", &find_version(&c, "urllib3")).direct,
        Some(false)
    );
    assert_lines_match_headers(&c, &text, "[[package]]");
}

#[test]
fn pdm_and_poetry_hashes_agree_with_uv() {
    // Three tools, one PyPI: every file hash uv locks for a release, the
    // others lock too (uv drops files no allowed Python can install, such
    // as PySocks' py27 wheel, so the others may list more).
    let root = python_locks();
    let uv = collect(&root.join("uv/uv.lock"));
    let mut compared = 0;
    for other in ["poetry/poetry.lock", "pdm/pdm.lock"] {
        let o = collect(&root.join(other));
        for comp in &o.components {
            if let Some(u) = uv.components.iter().find(|u| u.package == comp.package) {
                let theirs = hex_hashes(comp);
                assert!(!theirs.is_empty(), "{other}: {}", comp.package);
                assert!(
                    hex_hashes(u).is_subset(&theirs),
                    "{other}: {}",
                    comp.package
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 16, "{compared}");
}

#[test]
fn pipfile_lock_matches_pipenv_requirements() {
    let dir = python_locks().join("pipenv");
    let path = dir.join("Pipfile.lock");
    let c = collect(&path);
    assert_eq!(c.source.format, "Pipfile.lock");
    assert_eq!(c.source.properties["lockfile_version"], "6");

    let reqs = requirements_pins(&fs::read_to_string(dir.join("pipenv-requirements.txt")).unwrap());
    let expected: BTreeSet<(String, String)> = reqs
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    assert_eq!(pins(&c), expected);
    let by_pin: BTreeMap<(String, String), BTreeSet<String>> = reqs
        .iter()
        .map(|(n, v, h)| ((n.clone(), v.clone()), h.iter().cloned().collect()))
        .collect();
    for comp in &c.components {
        let want = &by_pin[&(comp.package.name.clone(), comp.package.version.clone())];
        assert_eq!(&hex_hashes(comp), want, "{}", comp.package);
    }
    // colorama is excluded on this platform: pipenv leaves it unpinned.
    let colorama = c
        .components
        .iter()
        .find(|c| c.package.name == "colorama")
        .unwrap();
    assert_eq!(colorama.package.version, "");
    assert_eq!(colorama.properties["version_spec"], "*");
    assert_eq!(colorama.properties["marker"], "sys_platform == 'win32'");
    let requests = find(&c, "requests", "2.32.3");
    assert_eq!(requests.properties["extras"], "socks");
    assert!(hex_hashes(requests).contains(REQUESTS_SDIST_SHA256));
    let iniconfig = c
        .components
        .iter()
        .find(|c| c.package.name == "iniconfig")
        .unwrap();
    assert_eq!(iniconfig.properties["groups"], "develop");
    // Direct: the Pipfile's packages and dev-packages (as uv sees the
    // same requirements in pyproject.toml).
    assert_eq!(direct_names(&c), uv_direct_names());
    assert_eq!(
        find(&c, "certifi", &find_version(&c, "certifi")).direct,
        Some(false)
    );

    // Lines: the line of each `"name": {` key, found in the text.
    let text = fs::read_to_string(&path).unwrap();
    for comp in &c.components {
        let line = comp.locations[0].line.expect("line") as usize;
        let at = text.lines().nth(line - 1).unwrap();
        assert_eq!(
            at.trim(),
            format!("\"{}\": {{", comp.display_name),
            "{}",
            comp.package
        );
    }
}

#[test]
fn pylock_from_pip_lock_matches_pip_report() {
    let dir = fixtures::pip_pylock();
    let path = dir.join("pylock.toml");
    let text = fs::read_to_string(&path).unwrap();
    let c = collect(&path);
    assert_eq!(c.source.properties["created_by"], "pip");
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let mut expected = BTreeSet::new();
    for item in report["install"].as_array().unwrap() {
        let name = chainwarden_core::package::pep503(item["metadata"]["name"].as_str().unwrap());
        let version = item["metadata"]["version"].as_str().unwrap().to_string();
        let comp = find(&c, &name, &version);
        let hashes = item["download_info"]["archive_info"]["hashes"]
            .as_object()
            .unwrap();
        let want: BTreeSet<String> = hashes
            .iter()
            .map(|(a, v)| format!("{a}:{}", v.as_str().unwrap()))
            .collect();
        assert_eq!(hex_hashes(comp), want, "{name} {version}");
        expected.insert((name, version));
    }
    assert_eq!(pins(&c), expected);
    assert!(expected.contains(&("pysocks".to_string(), "1.7.1".to_string())));
    // Expanded tables ([[packages.wheels]]) between entries: lines still
    // point at each [[packages]] header.
    assert_lines_match_headers(&c, &text, "[[packages]]");
}
