//! requirements files written by the real tools (`pip-compile
//! --generate-hashes`, `pip freeze`) and by hand from pip's documented
//! forms, each checked against pip's own parser
//! (`pip._internal.req.req_file.parse_requirements`) run on the same file.

mod common;

use chainwarden_core::SourceKind;
use chainwarden_python::requirements::{RequirementsFile, parse_requirements_file};
use chainwarden_python::{collect_requirements, collect_site_dir};
use chainwarden_testkit as testkit;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn piptools_venv() -> PathBuf {
    testkit::venv("py-piptools", &[&["pip-tools==7.4.1"]])
}

/// A lockfile compiled by pip-compile with hashes (network only at build).
fn compiled_requirements() -> PathBuf {
    let tools = piptools_venv();
    let dir = testkit::cache_dir().join("pip-compile-v1");
    testkit::build_once(&dir, |dir| {
        fs::write(
            dir.join("requirements.in"),
            "requests[socks]==2.32.3\nrich>=13\nhttpx[http2]<1\ncolorama; sys_platform == 'win32'\n",
        )
        .expect("write .in");
        testkit::run(
            Command::new(tools.join("bin/pip-compile"))
                .current_dir(dir)
                .args([
                    "--quiet",
                    "--generate-hashes",
                    "--strip-extras",
                    "-o",
                    "requirements.txt",
                    "requirements.in",
                ]),
        );
    });
    dir.join("requirements.txt")
}

/// One requirement line as pip sees it: (text, editable, constraint,
/// sorted `alg:hex` hashes, file, line).
type Line = (String, bool, bool, Vec<String>, PathBuf, u32);

/// pip's own reading of a requirements file, run with the pip-tools venv's
/// Python (the file is data here; nothing scanned is executed).
fn pip_truth(path: &Path) -> Vec<Line> {
    const SNIPPET: &str = r#"
import json, re, sys
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
out = []
for pr in parse_requirements(sys.argv[1], session=PipSession()):
    m = re.match(r"^-[rc] (.*) \(line (\d+)\)$", pr.comes_from)
    hashes = sorted(f"{a}:{h}" for a, hs in (pr.options or {}).get("hashes", {}).items() for h in hs)
    out.append([" ".join(pr.requirement.split()), pr.is_editable, pr.constraint, hashes, __import__("os").path.normpath(m.group(1)), int(m.group(2))])
print(json.dumps(out))
"#;
    let out = testkit::output(
        Command::new(piptools_venv().join("bin/python"))
            .args(["-c", SNIPPET])
            .arg(path),
    );
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("truth JSON");
    rows.iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_bool().unwrap(),
                r[2].as_bool().unwrap(),
                r[3].as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect(),
                PathBuf::from(r[4].as_str().unwrap()),
                r[5].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

fn ours(r: &RequirementsFile) -> Vec<Line> {
    r.entries
        .iter()
        .map(|e| {
            let mut hashes: Vec<String> = e
                .hashes
                .iter()
                .map(|h| format!("{}:{}", h.algorithm, h.value))
                .collect();
            hashes.sort();
            (
                e.text.split_whitespace().collect::<Vec<_>>().join(" "),
                e.editable,
                e.constraint,
                hashes,
                e.file.clone(),
                e.line,
            )
        })
        .collect()
}

#[test]
fn pip_compile_with_hashes_matches_pip() {
    let path = compiled_requirements();
    let parsed = parse_requirements_file(&path, path.parent().unwrap());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let truth = pip_truth(&path);
    assert!(truth.len() >= 10, "{truth:?}");
    assert_eq!(ours(&parsed), truth);

    let (c, errors) = collect_requirements(&path, path.parent().unwrap());
    assert!(errors.is_empty());
    let c = c.unwrap();
    assert_eq!(
        c.source.kind,
        SourceKind::Lockfile,
        "pip-compile pins everything"
    );
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for comp in &c.components {
        assert!(!comp.package.version.is_empty(), "{}", comp.package.name);
        assert!(!comp.hashes.is_empty(), "{}", comp.package.name);
        assert!(
            comp.hashes
                .iter()
                .all(|h| h.algorithm == "sha256" && h.value.len() == 64)
        );
        let line = comp.locations[0].line.unwrap() as usize;
        assert!(
            lines[line - 1].starts_with(&format!("{}==", comp.display_name)),
            "{} at line {line}: {}",
            comp.display_name,
            lines[line - 1]
        );
    }
    let requests = c
        .components
        .iter()
        .find(|x| x.package.name == "requests")
        .unwrap();
    assert_eq!(requests.package.version, "2.32.3");
    // pip-compile resolves markers for this platform: win32-only colorama is left out.
    assert!(!c.components.iter().any(|x| x.package.name == "colorama"));
}

#[test]
fn pip_freeze_of_a_real_venv_matches_pip_and_the_installed_env() {
    let venv = common::real_venv();
    let freeze = testkit::output(Command::new(venv.join("bin/python")).args([
        "-m",
        "pip",
        "freeze",
        "--disable-pip-version-check",
    ]));
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("requirements.txt");
    fs::write(&path, &freeze).unwrap();
    let parsed = parse_requirements_file(&path, t.path());
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(ours(&parsed), pip_truth(&path));

    // Every frozen pin is exactly an installed distribution.
    let (c, _) = collect_requirements(&path, t.path());
    let frozen: BTreeSet<(String, String)> = c
        .unwrap()
        .components
        .iter()
        .map(|x| (x.package.name.clone(), x.package.version.clone()))
        .collect();
    let (env, _) = collect_site_dir(&testkit::site_packages(&venv));
    let installed: BTreeSet<(String, String)> = env
        .unwrap()
        .components
        .iter()
        .filter(|x| {
            !["pip", "setuptools", "wheel", "distribute"].contains(&x.package.name.as_str())
        })
        .map(|x| (x.package.name.clone(), x.package.version.clone()))
        .collect();
    assert_eq!(frozen, installed);
}

#[test]
fn hand_written_forms_from_pips_docs_match_pip() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    fs::create_dir_all(root.join("requirements")).unwrap();
    fs::create_dir_all(root.join("local/project")).unwrap();
    fs::write(
        root.join("requirements.txt"),
        "\
# Requirements file format examples (pip docs, \"Requirements File Format\")
--index-url https://pypi.org/simple
--extra-index-url https://example.com/simple
-f ./wheels
--no-binary :all:
--only-binary=numpy
--prefer-binary

-r requirements/base.txt
-c constraints.txt

pytest
pytest-cov
beautifulsoup4
docopt == 0.6.1             # Version Matching. Must be version 0.6.1
keyring >= 4.1.1            # Minimum version 4.1.1
coverage != 3.5             # Version Exclusion. Anything except version 3.5
Mopidy-Dirble ~= 1.1        # Compatible release. Same as >= 1.1, == 1.*
SomeProject[foo, bar]
SomeProject2 ==5.4 ; python_version < '3.8'
SomeProject3; sys_platform == 'win32'
requests [security] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"
FooProject == 1.2 \\
    --hash=sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 \\
    --hash=sha256:486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7
-e git+https://git.example.com/MyProject#egg=MyProject
-e ./local/project
git+https://github.com/pypa/sampleproject.git@v3.0#egg=sampleproject
https://example.com/packages/foo_bar-1.2.0-py3-none-any.whl ; python_version >= '3.8'
pip @ https://github.com/pypa/pip/archive/22.0.2.zip
./downloads/numpy-1.9.2-cp34-none-win32.whl
Django===4.2.custom
",
    )
    .unwrap();
    fs::write(
        root.join("requirements/base.txt"),
        "six==1.16.0\n-r ../requirements/more.txt\n",
    )
    .unwrap();
    fs::write(root.join("requirements/more.txt"), "attrs>=23  # more\n").unwrap();
    fs::write(root.join("constraints.txt"), "urllib3==2.2.3\n").unwrap();
    let path = root.join("requirements.txt");
    let parsed = parse_requirements_file(&path, root);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(ours(&parsed), pip_truth(&path));
    assert_eq!(parsed.files.len(), 4);
    assert_eq!(parsed.options.len(), 6, "{:?}", parsed.options);

    let (c, errors) = collect_requirements(&path, root);
    assert!(errors.is_empty());
    let c = c.unwrap();
    assert_eq!(c.source.kind, SourceKind::Manifest);
    assert_eq!(c.source.properties["index_url"], "https://pypi.org/simple");
    let get = |n: &str| c.components.iter().find(|x| x.package.name == n).unwrap();
    assert_eq!(get("docopt").package.version, "0.6.1");
    assert_eq!(get("keyring").package.version, "");
    assert_eq!(get("keyring").properties["specifier"], ">=4.1.1");
    assert_eq!(get("fooproject").hashes.len(), 2);
    assert_eq!(get("fooproject").locations[0].line, Some(23));
    assert_eq!(
        get("someproject2").properties["marker"],
        "python_version < \"3.8\""
    );
    assert_eq!(get("myproject").properties["editable"], "true");
    assert_eq!(get("foo-bar").package.version, "1.2.0");
    assert_eq!(get("django").package.version, "4.2.custom");
    assert_eq!(get("urllib3").properties["constraint"], "true");
    assert_eq!(get("urllib3").direct, None);
    assert_eq!(
        get("attrs").locations[0].path,
        root.join("requirements/more.txt")
    );
}
