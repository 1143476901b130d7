//! Real Python environments shared by the integration tests, built once with
//! pip from PyPI (cached by chainwarden-testkit), and the ground truth that
//! pip / importlib.metadata give for them.

#![allow(dead_code)]

use chainwarden_testkit as testkit;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (a) a few real packages, with extras asked for at install time.
pub(crate) fn real_venv() -> PathBuf {
    testkit::venv(
        "py-real",
        &[&[
            "requests[socks]==2.32.3",
            "rich==13.9.4",
            "httpx[http2]==0.28.1",
        ]],
    )
}

/// (c) namespace packages (`zope.*`, `sphinxcontrib-*`, `google-*`).
pub(crate) fn namespace_venv() -> PathBuf {
    testkit::venv(
        "py-namespaces",
        &[&[
            "zope.interface==7.2",
            "sphinx==8.1.3",
            "google-api-core==2.24.0",
        ]],
    )
}

/// A larger environment (a few hundred distributions) for speed measurements
/// and one more pip-list comparison.
pub(crate) fn large_venv() -> PathBuf {
    testkit::venv(
        "py-large",
        &[&[
            "jupyterlab==4.3.4",
            "sphinx==8.1.3",
            "boto3==1.35.90",
            "pytest==8.3.4",
            "black==24.10.0",
            "httpx[http2]==0.28.1",
            "requests[socks]==2.32.3",
            "flask==3.1.0",
            "fastapi==0.115.6",
            "sqlalchemy==2.0.36",
            "celery==5.4.0",
            "scrapy==2.12.0",
            "mkdocs-material==9.5.49",
            "ansible-core==2.18.1",
            "twine==6.0.1",
            "tox==4.23.2",
        ]],
    )
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// A small local project the editable test installs (setuptools, pyproject).
pub(crate) fn editable_project() -> PathBuf {
    let dir = testkit::cache_dir().join("projects/cw-editable-demo");
    write(
        &dir.join("pyproject.toml"),
        r#"[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "cw_Editable.Demo"
version = "0.3.1"
description = "chainwarden editable fixture"
license = {text = "MIT"}
dependencies = ["requests>=2.31", "colorama; sys_platform == 'win32'"]

[project.optional-dependencies]
fancy = ["rich>=13"]
"#,
    );
    write(&dir.join("src/cw_editable_demo/__init__.py"), "VALUE = 1\n");
    dir
}

/// (b) an editable install (PEP 660) of [`editable_project`], plus `rich`
/// so the `fancy` extra's target is present but not requested.
pub(crate) fn editable_venv() -> PathBuf {
    let project = editable_project();
    let project = project.to_str().expect("utf-8 path");
    testkit::venv("py-editable", &[&["rich==13.9.4"], &["-e", project]])
}

/// (d) legacy installs that leave `*.egg-info`: a `setup.py install
/// --single-version-externally-managed` (how distributions package Python
/// libraries) and a legacy `setup.py develop` editable via
/// `pip install --no-use-pep517 -e` (an `.egg-link` plus `easy-install.pth`).
pub(crate) fn egg_venv() -> PathBuf {
    let root = testkit::cache_dir().join("venvs/py-egg-v1");
    fs::create_dir_all(root.parent().expect("parent")).expect("mkdir");
    testkit::build_once(&root, |dir| {
        let venv = dir.join("venv");
        testkit::run(
            Command::new(testkit::python())
                .args(["-m", "venv"])
                .arg(&venv),
        );
        let py = venv.join("bin/python");
        testkit::run(Command::new(&py).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "requests==2.32.3",
            "PySocks==1.7.1",
            // pip 23 runs a legacy `setup.py develop` only with wheel present.
            "wheel==0.45.1",
        ]));
        let legacy = dir.join("legacy-lib");
        write(
            &legacy.join("setup.py"),
            r#"from setuptools import setup
setup(
    name="Legacy_Lib",
    version="1.4.0",
    description="legacy setup.py-only fixture",
    license="BSD",
    packages=["legacy_lib"],
    install_requires=["requests>=2", "idna; python_version >= '3'", "colorama; python_version < '3'"],
    extras_require={"socks": ["PySocks"], "win:sys_platform == 'win32'": ["pywin32"]},
)
"#,
        );
        write(&legacy.join("legacy_lib/__init__.py"), "X = 1\n");
        testkit::run(Command::new(&py).current_dir(&legacy).args([
            "setup.py",
            "-q",
            "install",
            "--single-version-externally-managed",
            "--record",
            "installed.txt",
        ]));
        let dev = dir.join("dev-lib");
        write(
            &dev.join("setup.py"),
            r#"from setuptools import setup
setup(name="dev-lib", version="0.9", py_modules=["dev_lib"], install_requires=["legacy-lib[socks]"])
"#,
        );
        write(&dev.join("dev_lib.py"), "Y = 2\n");
        testkit::run(
            Command::new(&py)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "--no-use-pep517",
                    "--no-build-isolation",
                    "--no-deps",
                    "-e",
                ])
                .arg(&dev),
        );
    });
    root.join("venv")
}

/// Dependency edges per distribution (normalised names) as importlib.metadata
/// and pip's vendored `packaging` compute them in the venv itself: markers
/// evaluated for that interpreter, extras followed only when a requiring edge
/// asked for them, self-edges left out.
pub(crate) fn truth_graph(venv: &Path) -> BTreeMap<String, BTreeSet<String>> {
    const SNIPPET: &str = r#"
import json, importlib.metadata as md
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name
import site, sys
site_dir = site.getsitepackages()[0]
dists = {}
for d in md.distributions():
    name = d.metadata["Name"]
    if name is None:
        continue
    n = canonicalize_name(name)
    if n not in dists:
        dists[n] = d
reqs = {n: [Requirement(r) for r in (d.requires or [])] for n, d in dists.items()}
requested = {n: {""} for n in dists}
edges = {n: set() for n in dists}
changed = True
while changed:
    changed = False
    for n in dists:
        for ex in sorted(requested[n]):
            for r in reqs[n]:
                if r.marker is not None and not r.marker.evaluate({"extra": ex}):
                    continue
                t = canonicalize_name(r.name)
                if t not in dists:
                    continue
                if t != n and t not in edges[n]:
                    edges[n].add(t)
                    changed = True
                for e in r.extras:
                    e = canonicalize_name(e)
                    if e not in requested[t]:
                        requested[t].add(e)
                        changed = True
print(json.dumps({n: sorted(v) for n, v in edges.items()}))
"#;
    let out = testkit::output(Command::new(venv.join("bin/python")).args(["-c", SNIPPET]));
    let map: BTreeMap<String, Vec<String>> = serde_json::from_str(&out).expect("truth JSON");
    map.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// A venv doctored the ways real site dirs go wrong: a second dist-info of
/// an installed name (a botched upgrade), an interrupted-install leftover
/// (`~ix-…`), a `.pth` that adds a folder holding another distribution, and
/// a dist-info without METADATA. pip decides what is listed.
pub(crate) fn doctored_venv() -> PathBuf {
    let dir = testkit::cache_dir().join("venvs/py-doctored-v1");
    fs::create_dir_all(dir.parent().expect("parent")).expect("mkdir");
    testkit::build_once(&dir, |dir| {
        testkit::run(
            Command::new(testkit::python())
                .args(["-m", "venv"])
                .arg(dir),
        );
        testkit::run(Command::new(dir.join("bin/python")).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "idna==3.10",
            "six==1.16.0",
        ]));
        let sp = testkit::site_packages(dir);
        let meta = |folder: &str, text: &str| write(&sp.join(folder).join("METADATA"), text);
        meta(
            "IDNA-1.0.dist-info",
            "Metadata-Version: 2.1\nName: idna\nVersion: 1.0\n",
        );
        meta(
            "~ix-9.0.dist-info",
            "Metadata-Version: 2.1\nName: six\nVersion: 9.0\n",
        );
        fs::create_dir_all(sp.join("empty-1.0.dist-info")).expect("mkdir");
        write(
            &dir.join("extra/extra_pkg-2.0.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: extra_pkg\nVersion: 2.0\nRequires-Dist: six\n",
        );
        write(
            &sp.join("zz-extra.pth"),
            "# added by a test\n../../../extra\n",
        );
    });
    dir
}
