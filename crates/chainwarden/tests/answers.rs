//! End-to-end: what the reports say about real inputs is right (issue 9's
//! wrong answers: self-repository workflow references, refs printed twice,
//! versions reported as found, MCP servers behind a shell, `why` paths,
//! advisory coverage).

mod common;

use chainwarden_testkit as testkit;
use common::{cw, findings_of, json, report, write};
use std::path::Path;

/// The real lockfiles the lockfile crate's tests build with cargo, uv,
/// poetry and pdm (cached by the testkit).
#[path = "../../chainwarden-lockfile/tests/fixtures/mod.rs"]
mod lock_fixtures;

/// astral-sh/uv's real workflows call their own reusable workflows as
/// `$/.github/workflows/x.yml` (31 false highs before); a tag-pinned
/// action is printed once as `name@ref`, never `name@ref@ref`.
#[test]
fn self_repository_workflows_pass_and_refs_print_once() {
    let dir = tempfile::tempdir().unwrap();
    let uv = testkit::workspace_root().join("crates/chainwarden-gha/tests/fixtures/astral-sh-uv");
    for f in ["ci.yml", "release.yml"] {
        let text = std::fs::read_to_string(uv.join(f)).unwrap();
        write(dir.path(), &format!(".github/workflows/{f}"), &text);
    }
    let (code, report) = report(&["check"], dir.path());
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(code, Some(0));

    write(
        dir.path(),
        ".github/workflows/old.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v2\n",
    );
    let out = cw()
        .args(["check", "--format", "table"])
        .arg(dir.path())
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("actions/checkout@v2"), "{table}");
    assert!(!table.contains("@v2@v2"), "{table}");
    assert!(!table.contains("$/"), "{table}");
}

/// Versions are reported exactly as the file writes them (the JSON docs
/// promise it; home-assistant pins `aioambient==2023.04.0`) and compared
/// as PEP 440 versions: `1.82.07` is the malicious litellm `1.82.7`.
#[test]
fn versions_are_reported_as_written_and_matched_as_parsed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "aioambient==2023.04.0\nlitellm==1.82.07\n",
    );
    let (code, report) = report(&["scan"], dir.path());
    assert_eq!(code, Some(1));
    let versions: Vec<(&str, &str)> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["version"].as_str().unwrap()))
        .collect();
    assert_eq!(
        versions,
        [("aioambient", "2023.04.0"), ("litellm", "1.82.07")]
    );
    let malicious = findings_of(&report, "advisory/malicious");
    assert_eq!(malicious.len(), 1, "{malicious:#?}");
    assert_eq!(malicious[0]["package"]["version"], "1.82.07");
}

/// MCP servers started through a shell, in the shapes `claude mcp add …
/// -- cmd /c npx -y PKG` and the servers' READMEs write: inventoried, and a
/// known-malicious package behind `cmd /c` is reported.
#[test]
fn mcp_servers_behind_a_shell_are_inventoried() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".mcp.json",
        r#"{
  "mcpServers": {
    "memory": {"type": "stdio", "command": "cmd", "args": ["/c", "npx", "-y", "@modelcontextprotocol/server-memory"], "env": {}},
    "comm": {"command": "cmd.exe", "args": ["/C", "npx -y @servicetitan/eh-module-communication@0.2.3"]},
    "fetch": {"command": "powershell", "args": ["-NoProfile", "-Command", "uvx mcp-server-fetch==2025.4.7"]},
    "git": {"command": "bash", "args": ["-lc", "cd /srv && exec uvx mcp-server-git"]}
  }
}"#,
    );
    let (code, report) = report(&["check"], dir.path());
    assert_eq!(code, Some(1));
    let mut got: Vec<(String, String, String)> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["purl"].as_str().unwrap().to_string(),
                c["properties"]["shell"].as_str().unwrap_or("").to_string(),
                c["properties"]["pinned"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    got.sort();
    let row = |p: &str, s: &str, pinned: &str| (p.to_string(), s.to_string(), pinned.to_string());
    assert_eq!(
        got,
        [
            row(
                "pkg:npm/%40modelcontextprotocol/server-memory",
                "cmd",
                "false"
            ),
            row(
                "pkg:npm/%40servicetitan/eh-module-communication@0.2.3",
                "cmd",
                "true"
            ),
            row("pkg:pypi/mcp-server-fetch@2025.4.7", "powershell", "true"),
            row("pkg:pypi/mcp-server-git", "bash", "false"),
        ]
    );
    let malicious = findings_of(&report, "advisory/malicious");
    assert_eq!(malicious.len(), 1, "{malicious:#?}");
}

fn why_json(name: &str, path: &Path) -> serde_json::Value {
    let out = cw()
        .args(["why", name, "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    testkit::schema::assert_valid(testkit::schema::Schema::ChainwardenWhyJson, &text);
    json(text.as_bytes())
}

/// Every path's first name, per occurrence.
fn path_names(v: &serde_json::Value) -> Vec<Vec<String>> {
    v["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["paths"].as_array().unwrap().iter())
        .map(|p| {
            p.as_array()
                .unwrap()
                .iter()
                .map(|n| n["name"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// A real Cargo.lock of a workspace (`app` requires the member `helper`,
/// which requires `smallvec`; `app` requires `serde`): every path starts at
/// the workspace member nothing requires, as ripgrep's `serde_json → serde`
/// did not.
#[test]
fn why_paths_start_at_the_workspace_member() {
    let ws = lock_fixtures::cargo_workspace();
    let v = why_json("smallvec", &ws.join("Cargo.lock"));
    assert_eq!(path_names(&v), [["app", "helper", "smallvec"]]);
    assert_eq!(v["occurrences"][0]["top_level"], false);
    assert_eq!(v["occurrences"][0]["complete"], true);
    for name in ["serde", "serde_derive", "proc-macro2"] {
        let v = why_json(name, &ws.join("Cargo.lock"));
        let paths = path_names(&v);
        assert!(!paths.is_empty(), "{name}");
        for p in &paths {
            assert_eq!(p[0], "app", "{name}: {p:?}");
            assert_eq!(p.last().map(String::as_str), Some(name));
        }
    }
    let out = cw()
        .args(["why", "smallvec"])
        .arg(ws.join("Cargo.lock"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  app 0.1.0 → helper 0.2.0 → smallvec "),
        "{text}"
    );
    assert!(!text.contains("top-level"), "{text}");
}

/// A real uv.lock of a workspace (virtual root `ws-root` → member `member-a`
/// → `idna`): paths start at the project, not at its declared dependency
/// (`poetry → dulwich → urllib3` when only `benchmark` is a root).
#[test]
fn why_paths_start_at_the_uv_project() {
    let uv = lock_fixtures::python_sources().join("uv");
    let v = why_json("idna", &uv.join("uv.lock"));
    let paths = path_names(&v);
    assert!(!paths.is_empty());
    for p in &paths {
        assert_eq!(p[0], "ws-root", "{paths:?}");
    }
}

/// `why` has table and JSON only: SBOM and SARIF formats are usage errors.
#[test]
fn why_rejects_formats_it_cannot_write() {
    let ws = lock_fixtures::cargo_workspace();
    for format in ["cyclonedx", "spdx", "sarif"] {
        let out = cw()
            .args(["why", "smallvec", "--format", format])
            .arg(&ws)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
    }
}

/// The example in docs/json-format.md#why is valid against its schema.
#[test]
fn the_documented_why_example_is_valid() {
    let doc =
        std::fs::read_to_string(testkit::workspace_root().join("docs/json-format.md")).unwrap();
    let section = &doc[doc.find("## `why`").expect("why section")..];
    let start = section.find("```json\n").expect("example") + "```json\n".len();
    let len = section[start..].find("```").expect("end of example");
    testkit::schema::assert_valid(
        testkit::schema::Schema::ChainwardenWhyJson,
        &section[start..start + len],
    );
}
