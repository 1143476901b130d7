//! End-to-end: a credential written in a scanned file never reaches a
//! report (no format of `scan` or `check` holds its bytes), and the file's
//! leak is itself a finding (`secret/url-credential`).
//!
//! The lockfiles are the real ones the npm, yarn, pnpm, bun, uv, poetry,
//! pdm, pipenv and cargo tests build (cached by the testkit), with their
//! registry URLs rewritten the way a private registry configured with a
//! password or token shows up in them. The tools themselves strip a
//! password from the registry URLs they write (npm 10 and yarn 1.22 were
//! tried here); hand edits, older versions, tokens in URL paths or
//! parameters and `git+https://TOKEN@` URLs are how they get in.

mod common;

use common::{cw, findings_of, report, write};
use std::path::Path;

#[path = "../../chainwarden-lockfile/tests/fixtures/mod.rs"]
mod lock_fixtures;
#[path = "../../chainwarden-npm/tests/common/mod.rs"]
mod npm_fixtures;

const PASSWORD: &str = "Sup3rS3cretPassw0rd";
const NPM_TOKEN: &str = "npm_Q2x9ZtR4mK8pL1vN6bH3jD7fS0aW5eY2uC4i";
const PYPI_TOKEN: &str =
    "pypi-AgEIcHlwaS5vcmcCJDk3ZjU2YmQ2LTRkNjUtNDk1Ny1hYjQ3LTUxZTBmMjZhNmQ1ZgACKlsz";
const GITHUB_TOKEN: &str = "ghp_Zx8Kq2Lm9Vb4Nc7Rt1Yw5Pd3Hs6Jf0Ga2Ue8";
const GITLAB_TOKEN: &str = "glpat-Xy7Rb2Kq9Lm4Vn8Tz3Wd";

/// Parts of each secret that no report may hold (the distinctive bodies,
/// so a percent-encoded or partial copy is caught too).
const SECRET_BYTES: [&str; 5] = [
    "Sup3rS3cret",
    "Q2x9ZtR4mK8pL1vN6bH3",
    "aS5vcmcCJDk3ZjU2YmQ2",
    "Zx8Kq2Lm9Vb4Nc7Rt1Yw",
    "Xy7Rb2Kq9Lm4Vn8Tz3Wd",
];

/// Copies the real file `from` to `root/rel`, rewriting as given; each
/// rewrite must apply.
fn plant(root: &Path, rel: &str, from: &Path, rewrites: &[(&str, String)]) {
    let mut text = std::fs::read_to_string(from).unwrap();
    for (old, new) in rewrites {
        assert!(text.contains(old), "{} has no `{old}`", from.display());
        text = text.replace(old, new);
    }
    write(root, rel, &text);
}

/// A repository holding every lockfile format with a credential in it.
fn leaky_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let npm = npm_fixtures::project("npm");
    plant(
        root,
        "npm/package-lock.json",
        &npm.join("package-lock.json"),
        &[(
            "https://registry.npmjs.org/",
            format!("https://ci-bot:{PASSWORD}@registry.npmjs.org/"),
        )],
    );
    plant(
        root,
        "yarn/yarn.lock",
        &npm_fixtures::project("yarn1").join("yarn.lock"),
        &[(
            "https://registry.yarnpkg.com/",
            format!("https://_:{NPM_TOKEN}@registry.yarnpkg.com/"),
        )],
    );
    // pnpm writes a `tarball` for a package from another registry; this one
    // carries its token as a parameter, percent-encoded.
    let pnpm = npm_fixtures::project("pnpm9").join("pnpm-lock.yaml");
    let pnpm_text = std::fs::read_to_string(&pnpm).unwrap();
    let first = pnpm_text
        .lines()
        .find(|l| l.trim_start().starts_with("resolution: {integrity:"))
        .unwrap()
        .trim_start()
        .to_string();
    let with_tarball = first.replace(
        '}',
        &format!(
            ", tarball: https://gitlab.corp.example/api/v4/packages/npm/x.tgz?private_token={}}}",
            GITLAB_TOKEN.replace('-', "%2D")
        ),
    );
    plant(
        root,
        "pnpm/pnpm-lock.yaml",
        &pnpm,
        &[(&first, with_tarball)],
    );
    plant(
        root,
        "bun/bun.lock",
        &npm_fixtures::project("bun").join("bun.lock"),
        &[(
            "[\"ms@2.1.3\", \"\",",
            format!("[\"ms@2.1.3\", \"https://ci:{PASSWORD}@npm.corp.example/\","),
        )],
    );
    let python = lock_fixtures::python_locks();
    let pypi = format!("https://__token__:{PYPI_TOKEN}@pypi.org/simple");
    plant(
        root,
        "uv/uv.lock",
        &python.join("uv/uv.lock"),
        &[("https://pypi.org/simple", pypi.clone())],
    );
    plant(
        root,
        "pylock/pylock.toml",
        &python.join("uv/pylock.toml"),
        &[("https://pypi.org/simple", pypi)],
    );
    plant(
        root,
        "poetry/poetry.lock",
        &python.join("poetry/poetry.lock"),
        &[(
            "url = \"https://pypi.org/simple\"",
            format!("url = \"https://me%40corp.example:{PASSWORD}@pypi.org/simple\""),
        )],
    );
    plant(
        root,
        "pipenv/Pipfile.lock",
        &python.join("pipenv/Pipfile.lock"),
        &[(
            "\"url\": \"https://pypi.org/simple\"",
            format!("\"url\": \"https://ci:{PASSWORD}@pypi.org/simple\""),
        )],
    );
    plant(
        root,
        "pdm/pdm.lock",
        &lock_fixtures::python_sources().join("pdm/pdm.lock"),
        &[(
            "https://files.pythonhosted.org/",
            format!("https://{GITHUB_TOKEN}@files.pythonhosted.org/"),
        )],
    );
    plant(
        root,
        "cargo/Cargo.lock",
        &lock_fixtures::cargo_workspace().join("Cargo.lock"),
        &[(
            "registry+https://github.com/rust-lang/crates.io-index",
            format!("sparse+https://cargo:{PASSWORD}@crates.corp.example/index/"),
        )],
    );
    // What `uv export` wrote, behind the index line pip-compile writes with
    // --emit-index-url, and a private package by git URL.
    let export = std::fs::read_to_string(python.join("uv/uv-export.txt")).unwrap();
    write(
        root,
        "requirements.txt",
        &format!(
            "--index-url https://ci:{PASSWORD}@pypi.corp.example/simple\n{export}\n\
             private-pkg @ git+https://{GITHUB_TOKEN}@github.com/corp/private-pkg.git@v1.0\n"
        ),
    );
    write(
        root,
        ".github/workflows/ci.yml",
        &format!(
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: pip install --extra-index-url https://__token__:{PYPI_TOKEN}@pypi.corp.example/simple x\n"
        ),
    );
    write(
        root,
        ".mcp.json",
        &format!(
            r#"{{"mcpServers": {{"git": {{"command": "uvx", "args": ["--from", "git+https://{GITHUB_TOKEN}@github.com/corp/mcp-git.git@v1", "mcp-git"]}}}}}}"#
        ),
    );
    // Files that cannot be parsed: their errors quote the line.
    write(
        root,
        "broken/uv.lock",
        &format!(
            "version = 1\n[[package]]\nname = \"x\"\nsource = {{ registry = \"https://u:{PASSWORD}@pypi.org/simple\"\n"
        ),
    );
    write(
        root,
        "broken/requirements.txt",
        &format!("x @ https://u:{PASSWORD}@h.example/x.whl junk\n"),
    );
    dir
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for s in SECRET_BYTES {
        if let Some(at) = text.find(s) {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(120)
                .map_or(0, |(i, _)| i);
            panic!(
                "{what} holds `{s}`: …{}…",
                &text[from..(at + 40).min(text.len())]
            );
        }
    }
}

#[test]
fn no_report_format_holds_a_credential_and_each_file_is_a_finding() {
    let repo = leaky_repository();
    for command in ["scan", "check"] {
        for format in ["table", "json", "cyclonedx", "spdx", "sarif"] {
            let out = cw()
                .args([command, "--format", format, "--fail-on", "never"])
                .arg(repo.path())
                .env("COLUMNS", "300")
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{command} {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_no_secret(&format!("{command} --format {format}"), &out.stdout);
            assert_no_secret(
                &format!("{command} --format {format} (stderr)"),
                &out.stderr,
            );
        }
    }
    let (_, json) = report(&["check", "--fail-on", "never"], repo.path());
    let mut files: Vec<String> = findings_of(&json, "secret/url-credential")
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            let rel = Path::new(path)
                .strip_prefix(repo.path())
                .unwrap_or(Path::new(path));
            rel.to_string_lossy().into_owned()
        })
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(
        files,
        [
            ".github/workflows/ci.yml",
            "broken/requirements.txt",
            "bun/bun.lock",
            "cargo/Cargo.lock",
            "npm/package-lock.json",
            "pdm/pdm.lock",
            "pipenv/Pipfile.lock",
            "pnpm/pnpm-lock.yaml",
            "poetry/poetry.lock",
            "pylock/pylock.toml",
            "requirements.txt",
            "uv/uv.lock",
            "yarn/yarn.lock",
        ]
    );
    for f in findings_of(&json, "secret/url-credential") {
        assert_eq!(f["severity"], "high");
        assert!(f["location"]["line"].as_u64().is_some(), "{f:#}");
    }
    // The MCP config's token is its own rule's finding.
    assert!(
        findings_of(&json, "exposure/mcp-inline-secret")
            .iter()
            .any(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("GitHub personal access token")),
        "{json:#}"
    );
    // The broken files are reported, masked.
    let errors: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(errors.iter().any(|m| m.contains("***")), "{errors:?}");
    // The gate fails on the leak.
    let out = cw().arg("check").arg(repo.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
