//! Real fixtures: a small npm project installed by the real package managers
//! (npm, pnpm 8 and 9, yarn 1 and 4, bun) from the npm registry, with
//! `--ignore-scripts` so nothing in it runs. Built once, cached by testkit.

#![allow(dead_code, clippy::print_stderr, unreachable_pub)]

use chainwarden_testkit::{build_once, cache_dir, output, run};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bump when the recipe changes.
const RECIPE: &str = "r1";

/// The project: exact, ranged, scoped, aliased, dev, nested (has-flag 3 at
/// the top forces has-flag 4 under supports-color), a workspace, and
/// `bufferutil`, whose `install` script (`node-gyp-build`) is never run.
pub const MANIFEST: &str = r#"{
  "name": "cw-fixture",
  "version": "1.0.0",
  "private": true,
  "workspaces": ["packages/*"],
  "dependencies": {
    "is-number": "7.0.0",
    "chalk": "^4.1.2",
    "has-flag": "3.0.0",
    "@types/node": "20.11.30",
    "my-lodash": "npm:lodash@4.17.21",
    "bufferutil": "4.0.8",
    "local-lib": "1.0.0"
  },
  "devDependencies": {
    "ms": "2.1.3"
  }
}
"#;

const LOCAL_LIB: &str =
    r#"{ "name": "local-lib", "version": "1.0.0", "dependencies": { "is-number": "^7.0.0" } }"#;

fn write_project(dir: &Path) {
    fs::create_dir_all(dir.join("packages/local-lib")).expect("mkdir");
    fs::write(dir.join("package.json"), MANIFEST).expect("write manifest");
    fs::write(dir.join("packages/local-lib/package.json"), LOCAL_LIB).expect("write lib");
}

/// The package managers, installed from the npm registry into one folder.
pub fn tools() -> PathBuf {
    let dir = cache_dir().join(format!("npm-tools-{RECIPE}"));
    build_once(&dir, |dir| {
        eprintln!("building npm tools in {}", dir.display());
        fs::write(
            dir.join("package.json"),
            r#"{"name":"tools","private":true}"#,
        )
        .expect("w");
        run(Command::new("npm").current_dir(dir).args([
            "install",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "pnpm@9.15.9",
            "pnpm8@npm:pnpm@8.15.9",
            "yarn@1.22.22",
            "@yarnpkg/cli-dist@4.9.4",
            "bun@1.2.23",
        ]));
    })
}

fn node_tool(js: &str) -> Command {
    let mut c = Command::new("node");
    c.arg(tools().join("node_modules").join(js));
    c
}

/// A copy of the project installed by `tool`: `npm`, `npm-v2`, `npm-v1`,
/// `pnpm9`, `pnpm8`, `yarn1`, `berry`, `bun`.
pub fn project(tool: &str) -> PathBuf {
    let dir = cache_dir().join(format!("npm-project-{tool}-{RECIPE}"));
    let tools_dir = tools();
    build_once(&dir, |dir| {
        eprintln!(
            "installing the fixture project with {tool} in {}",
            dir.display()
        );
        write_project(dir);
        let npm = |extra: &[&str]| {
            let mut c = Command::new("npm");
            c.current_dir(dir).args([
                "install",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--no-omit-lockfile-registry-resolved",
            ]);
            c.args(extra);
            run(&mut c);
        };
        match tool {
            "npm" => npm(&[]),
            "npm-v2" => npm(&["--lockfile-version", "2"]),
            "npm-v1" => npm(&["--lockfile-version", "1"]),
            "pnpm9" | "pnpm8" => {
                fs::write(
                    dir.join("pnpm-workspace.yaml"),
                    "packages:\n  - \"packages/*\"\n",
                )
                .expect("w");
                fs::write(dir.join(".npmrc"), "link-workspace-packages=true\n").expect("w");
                let js = if tool == "pnpm9" {
                    "pnpm/bin/pnpm.cjs"
                } else {
                    "pnpm8/bin/pnpm.cjs"
                };
                run(node_tool(js)
                    .current_dir(dir)
                    .args(["install", "--ignore-scripts"]));
            }
            "yarn1" => run(node_tool("yarn/bin/yarn.js").current_dir(dir).args([
                "install",
                "--ignore-scripts",
                "--no-progress",
                "--non-interactive",
            ])),
            "berry" => {
                fs::write(dir.join("yarn.lock"), "").expect("w");
                fs::write(
                    dir.join(".yarnrc.yml"),
                    "nodeLinker: node-modules\nenableScripts: false\nenableTelemetry: false\n",
                )
                .expect("w");
                // Yarn turns on immutable installs when `CI` is set, as on CI machines:
                // this install writes the lockfile the tests read.
                run(node_tool("@yarnpkg/cli-dist/bin/yarn.js")
                    .current_dir(dir)
                    .args(["install", "--no-immutable"]));
            }
            "bun" => run(
                Command::new(tools_dir.join("node_modules/@oven/bun-linux-x64/bin/bun"))
                    .current_dir(dir)
                    .args(["install", "--ignore-scripts"]),
            ),
            other => panic!("unknown tool {other}"),
        }
    })
}

/// An application-sized tree: jest, webpack, eslint and react-scripts
/// (~1,400 packages), installed with `--ignore-scripts`.
pub fn large_project() -> PathBuf {
    let dir = cache_dir().join(format!("npm-project-large-{RECIPE}"));
    build_once(&dir, |dir| {
        eprintln!("installing the large npm project in {}", dir.display());
        fs::write(
            dir.join("package.json"),
            r#"{"name":"bench","version":"1.0.0","private":true}"#,
        )
        .expect("w");
        run(Command::new("npm").current_dir(dir).args([
            "install",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--legacy-peer-deps",
            "--no-omit-lockfile-registry-resolved",
            "jest@29",
            "webpack@5",
            "webpack-cli@5",
            "eslint@8",
            "react-scripts@5.0.1",
            "react@18",
            "react-dom@18",
        ]));
    })
}

/// `npm shrinkwrap` run on a copy of the npm project.
pub fn shrinkwrap_project() -> PathBuf {
    let src = project("npm");
    let dir = cache_dir().join(format!("npm-project-shrinkwrap-{RECIPE}"));
    build_once(&dir, |dir| {
        write_project(dir);
        fs::copy(src.join("package-lock.json"), dir.join("package-lock.json")).expect("cp");
        run(Command::new("npm")
            .current_dir(dir)
            .args(["shrinkwrap", "--no-omit-lockfile-registry-resolved"]));
    })
}

/// `(name, version)` of every package `npm ls --all --json` shows for the npm
/// project, aliases under their real name (taken from the tarball URL).
pub fn npm_ls(dir: &Path) -> BTreeSet<(String, String)> {
    // `npm ls` exits 1 when it sees unmet peers (ELSPROBLEMS) but still
    // prints the whole tree.
    let out = Command::new("npm")
        .current_dir(dir)
        .args(["ls", "--all", "--json"])
        .output()
        .expect("run npm ls");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("npm ls json: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut set = BTreeSet::new();
    fn walk(v: &serde_json::Value, set: &mut BTreeSet<(String, String)>) {
        let Some(deps) = v.get("dependencies").and_then(|d| d.as_object()) else {
            return;
        };
        for (key, d) in deps {
            let version = d["version"].as_str().unwrap_or_default().to_string();
            let resolved = d["resolved"].as_str().unwrap_or_default();
            // https://registry.npmjs.org/<name>/-/<file>.tgz names the real package.
            let name = resolved
                .strip_prefix("https://registry.npmjs.org/")
                .and_then(|r| r.split_once("/-/"))
                .map_or(key.clone(), |(n, _)| n.to_string());
            set.insert((name, version));
            walk(d, set);
        }
    }
    walk(&v, &mut set);
    set
}

/// The set with the workspace package removed (lockfiles that do not list it).
pub fn without_workspace(set: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    set.iter()
        .filter(|(n, _)| n != "local-lib")
        .cloned()
        .collect()
}

/// Decodes base64 to hex with node, independently of the crate's decoder.
pub fn node_b64_to_hex(b64: &str) -> String {
    output(Command::new("node").args([
        "-e",
        "process.stdout.write(Buffer.from(process.argv[1], 'base64').toString('hex'))",
        b64,
    ]))
}

/// 1-based line of the first line of `path` that contains `needle`.
pub fn line_of(path: &Path, needle: &str) -> u32 {
    let text = fs::read_to_string(path).expect("read");
    let i = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display()));
    u32::try_from(i + 1).expect("line")
}
