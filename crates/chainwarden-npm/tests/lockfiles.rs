//! Lockfiles written by the real tools for one small project, checked against
//! what `npm ls --all --json` reports for the same project.

mod common;

use chainwarden_core::discover::FileKind;
use chainwarden_core::inventory::Collected;
use chainwarden_core::{Component, Ecosystem, SourceKind};
use chainwarden_npm::collect_lockfile;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

type Set = BTreeSet<(String, String)>;

fn pair(n: &str, v: &str) -> (String, String) {
    (n.to_string(), v.to_string())
}

fn set_of(c: &Collected) -> Set {
    c.components
        .iter()
        .map(|c| pair(&c.package.name, &c.package.version))
        .collect()
}

fn get<'a>(c: &'a Collected, name: &str, version: &str) -> &'a Component {
    c.components
        .iter()
        .find(|x| x.package.name == name && x.package.version == version)
        .unwrap_or_else(|| panic!("{name}@{version} not collected"))
}

fn deps_of(c: &Collected, name: &str, version: &str) -> Set {
    get(c, name, version)
        .dependencies
        .iter()
        .map(|d| {
            let x = &c.components[d.0];
            pair(&x.package.name, &x.package.version)
        })
        .collect()
}

fn direct_set(c: &Collected) -> Set {
    c.components
        .iter()
        .filter(|x| x.direct == Some(true))
        .map(|x| pair(&x.package.name, &x.package.version))
        .collect()
}

fn chalk_sha512_hex() -> String {
    let lock = project("npm").join("package-lock.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lock).unwrap()).unwrap();
    let sri = v["packages"]["node_modules/chalk"]["integrity"]
        .as_str()
        .unwrap()
        .to_string();
    node_b64_to_hex(sri.strip_prefix("sha512-").unwrap())
}

/// What every format must agree on: the graph, the direct set, purls.
fn check_graph(c: &Collected, lock: &Path, with_workspace: bool) {
    assert_eq!(c.source.kind, SourceKind::Lockfile);
    assert_eq!(c.source.path, lock);
    for x in &c.components {
        assert_eq!(x.package.ecosystem, Ecosystem::Npm);
        assert_eq!(x.locations[0].path, lock);
        assert!(x.locations[0].line.is_some(), "{} has no line", x.package);
    }
    assert_eq!(
        deps_of(c, "chalk", "4.1.2"),
        [
            pair("ansi-styles", "4.3.0"),
            pair("supports-color", "7.2.0")
        ]
        .into()
    );
    assert_eq!(
        deps_of(c, "supports-color", "7.2.0"),
        [pair("has-flag", "4.0.0")].into(),
        "the nested has-flag, not the hoisted 3.0.0"
    );
    assert_eq!(
        deps_of(c, "@types/node", "20.11.30"),
        [pair("undici-types", "5.26.5")].into()
    );
    assert_eq!(
        deps_of(c, "color-convert", "2.0.1"),
        [pair("color-name", "1.1.4")].into()
    );
    assert!(deps_of(c, "bufferutil", "4.0.8").contains(&pair("node-gyp-build", "4.8.4")));
    let mut direct: Set = [
        pair("is-number", "7.0.0"),
        pair("chalk", "4.1.2"),
        pair("has-flag", "3.0.0"),
        pair("@types/node", "20.11.30"),
        pair("lodash", "4.17.21"),
        pair("bufferutil", "4.0.8"),
        pair("ms", "2.1.3"),
    ]
    .into();
    if with_workspace {
        direct.insert(pair("local-lib", "1.0.0"));
    }
    assert_eq!(direct_set(c), direct);
    let lodash = get(c, "lodash", "4.17.21");
    assert_eq!(
        lodash.properties.get("alias").map(String::as_str),
        Some("my-lodash")
    );
    assert_eq!(lodash.package.purl(), "pkg:npm/lodash@4.17.21");
    assert_eq!(
        get(c, "@types/node", "20.11.30").package.purl(),
        "pkg:npm/%40types/node@20.11.30"
    );
}

fn check_integrity(c: &Collected) {
    let chalk = get(c, "chalk", "4.1.2");
    let sha512: Vec<_> = chalk
        .hashes
        .iter()
        .filter(|h| h.algorithm == "sha512")
        .collect();
    assert_eq!(sha512.len(), 1, "{:?}", chalk.hashes);
    assert_eq!(sha512[0].value, chalk_sha512_hex());
}

fn check_line(c: &Collected, lock: &Path, name: &str, version: &str, needle: &str) {
    assert_eq!(
        get(c, name, version).locations[0].line,
        Some(line_of(lock, needle)),
        "line of {name}@{version}"
    );
}

#[test]
fn package_lock_v3_matches_npm_ls() {
    let dir = project("npm");
    let lock = dir.join("package-lock.json");
    let c = collect_lockfile(FileKind::PackageLock, &lock).unwrap();
    assert_eq!(c.source.format, "package-lock.json");
    assert_eq!(c.source.properties["lockfile-version"], "3");
    assert_eq!(set_of(&c), npm_ls(&dir));
    check_graph(&c, &lock, true);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "\"node_modules/chalk\": {");
    check_line(
        &c,
        &lock,
        "has-flag",
        "4.0.0",
        "\"node_modules/supports-color/node_modules/has-flag\"",
    );
    check_line(&c, &lock, "local-lib", "1.0.0", "\"packages/local-lib\": {");
    let ms = get(&c, "ms", "2.1.3");
    assert_eq!(ms.properties.get("dev").map(String::as_str), Some("true"));
    assert_eq!(
        ms.properties.get("resolved").map(String::as_str),
        Some("https://registry.npmjs.org/ms/-/ms-2.1.3.tgz")
    );
    let lib = get(&c, "local-lib", "1.0.0");
    assert_eq!(
        lib.properties.get("workspace").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        deps_of(&c, "local-lib", "1.0.0"),
        [pair("is-number", "7.0.0")].into()
    );
    assert_eq!(
        get(&c, "bufferutil", "4.0.8")
            .properties
            .get("has-install-script")
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        get(&c, "has-flag", "4.0.0").locations[0].detail.as_deref(),
        Some("node_modules/supports-color/node_modules/has-flag")
    );
}

#[test]
fn package_lock_v2_matches_npm_ls() {
    let dir = project("npm-v2");
    let lock = dir.join("package-lock.json");
    let c = collect_lockfile(FileKind::PackageLock, &lock).unwrap();
    assert_eq!(c.source.properties["lockfile-version"], "2");
    assert_eq!(set_of(&c), npm_ls(&project("npm")));
    check_graph(&c, &lock, true);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "\"node_modules/chalk\": {");
}

#[test]
fn package_lock_v1_matches_npm_ls() {
    // npm 11 still writes v1 when asked with `--lockfile-version 1`.
    let dir = project("npm-v1");
    let lock = dir.join("package-lock.json");
    let c = collect_lockfile(FileKind::PackageLock, &lock).unwrap();
    assert_eq!(c.source.properties["lockfile-version"], "1");
    // v1 records the workspace as a `file:` folder, not a registry package.
    assert_eq!(set_of(&c), without_workspace(&npm_ls(&project("npm"))));
    check_graph(&c, &lock, false);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "    \"chalk\": {");
    check_line(&c, &lock, "has-flag", "4.0.0", "        \"has-flag\": {");
}

#[test]
fn npm_shrinkwrap_is_read_like_a_package_lock() {
    let dir = shrinkwrap_project();
    let lock = dir.join("npm-shrinkwrap.json");
    let c = collect_lockfile(FileKind::NpmShrinkwrap, &lock).unwrap();
    assert_eq!(c.source.format, "npm-shrinkwrap.json");
    assert_eq!(set_of(&c), npm_ls(&project("npm")));
    check_graph(&c, &lock, true);
}

#[test]
fn pnpm_v9_lock() {
    let dir = project("pnpm9");
    let lock = dir.join("pnpm-lock.yaml");
    let c = collect_lockfile(FileKind::PnpmLock, &lock).unwrap();
    assert_eq!(c.source.format, "pnpm-lock.yaml");
    assert_eq!(c.source.properties["lockfile-version"], "9.0");
    assert_eq!(set_of(&c), without_workspace(&npm_ls(&project("npm"))));
    check_graph(&c, &lock, false);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "  chalk@4.1.2:");
    check_line(
        &c,
        &lock,
        "@types/node",
        "20.11.30",
        "  '@types/node@20.11.30':",
    );
}

#[test]
fn pnpm_v6_lock() {
    let dir = project("pnpm8");
    let lock = dir.join("pnpm-lock.yaml");
    let c = collect_lockfile(FileKind::PnpmLock, &lock).unwrap();
    assert_eq!(c.source.properties["lockfile-version"], "6.0");
    assert_eq!(set_of(&c), without_workspace(&npm_ls(&project("npm"))));
    check_graph(&c, &lock, false);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "  /chalk@4.1.2:");
    assert_eq!(
        get(&c, "bufferutil", "4.0.8")
            .properties
            .get("has-install-script")
            .map(String::as_str),
        Some("true"),
        "requiresBuild"
    );
    assert_eq!(
        get(&c, "ms", "2.1.3")
            .properties
            .get("dev")
            .map(String::as_str),
        Some("true")
    );
}

#[test]
fn yarn_v1_lock() {
    let dir = project("yarn1");
    let lock = dir.join("yarn.lock");
    let c = collect_lockfile(FileKind::YarnLock, &lock).unwrap();
    assert_eq!(c.source.format, "yarn.lock");
    assert_eq!(c.source.properties["lockfile-version"], "yarn-v1");
    assert_eq!(set_of(&c), without_workspace(&npm_ls(&project("npm"))));
    check_graph(&c, &lock, false);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "chalk@^4.1.2:");
    check_line(
        &c,
        &lock,
        "is-number",
        "7.0.0",
        "is-number@7.0.0, is-number@^7.0.0:",
    );
    // The `#<sha1>` of the resolved URL is kept too.
    let chalk = get(&c, "chalk", "4.1.2");
    assert!(chalk.hashes.iter().any(|h| h.algorithm == "sha1"
        && h.value == "aac4e2b7734a740867aeb16bf02aad556a1e7a01"));
}

#[test]
fn yarn_berry_lock() {
    let dir = project("berry");
    let lock = dir.join("yarn.lock");
    let c = collect_lockfile(FileKind::YarnLock, &lock).unwrap();
    assert!(c.source.properties["lockfile-version"].starts_with("yarn-berry-"));
    let got = set_of(&c);
    let want = without_workspace(&npm_ls(&project("npm")));
    // Berry adds `node-gyp` to packages with a binding.gyp (bufferutil): the
    // extra packages must all hang off that node-gyp.
    assert!(
        got.is_superset(&want),
        "missing: {:?}",
        want.difference(&got)
    );
    let gyp = c
        .components
        .iter()
        .position(|x| x.package.name == "node-gyp")
        .expect("node-gyp added by berry");
    let mut reachable = BTreeSet::from([gyp]);
    let mut todo = vec![gyp];
    while let Some(i) = todo.pop() {
        for d in &c.components[i].dependencies {
            if reachable.insert(d.0) {
                todo.push(d.0);
            }
        }
    }
    for extra in got.difference(&want) {
        let i = c
            .components
            .iter()
            .position(|x| x.package.name == extra.0 && x.package.version == extra.1)
            .unwrap();
        assert!(reachable.contains(&i), "{extra:?} is not under node-gyp");
    }
    check_graph(&c, &lock, false);
    check_line(&c, &lock, "chalk", "4.1.2", "\"chalk@npm:^4.1.2\":");
    let chalk = get(&c, "chalk", "4.1.2");
    assert!(chalk.properties["yarn-checksum"].starts_with("10c0/"));
    assert_eq!(chalk.properties["resolution"], "chalk@npm:4.1.2");
}

#[test]
fn bun_lock() {
    let dir = project("bun");
    let lock = dir.join("bun.lock");
    let c = collect_lockfile(FileKind::BunLock, &lock).unwrap();
    assert_eq!(c.source.format, "bun.lock");
    assert_eq!(set_of(&c), without_workspace(&npm_ls(&project("npm"))));
    check_graph(&c, &lock, false);
    check_integrity(&c);
    check_line(&c, &lock, "chalk", "4.1.2", "\"chalk\": [");
    check_line(
        &c,
        &lock,
        "has-flag",
        "4.0.0",
        "\"supports-color/has-flag\": [",
    );
}

#[test]
fn other_kinds_are_refused() {
    let err = collect_lockfile(FileKind::UvLock, Path::new("uv.lock")).unwrap_err();
    assert!(err.message.contains("not an npm lockfile"));
}

/// Every prefix of every real lockfile parses or fails cleanly: no panic.
#[test]
fn truncated_lockfiles_never_panic() {
    let cases = [
        (
            FileKind::PackageLock,
            project("npm").join("package-lock.json"),
        ),
        (
            FileKind::PackageLock,
            project("npm-v1").join("package-lock.json"),
        ),
        (FileKind::PnpmLock, project("pnpm9").join("pnpm-lock.yaml")),
        (FileKind::PnpmLock, project("pnpm8").join("pnpm-lock.yaml")),
        (FileKind::YarnLock, project("yarn1").join("yarn.lock")),
        (FileKind::YarnLock, project("berry").join("yarn.lock")),
        (FileKind::BunLock, project("bun").join("bun.lock")),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (kind, src) in cases {
        let text = std::fs::read(&src).unwrap();
        let name = src.file_name().unwrap();
        let dst = tmp.path().join(name);
        let step = (text.len() / 150).max(1);
        let mut errors = 0;
        for cut in (0..text.len()).step_by(step) {
            std::fs::write(&dst, &text[..cut]).unwrap();
            match collect_lockfile(kind, &dst) {
                Ok(c) => assert!(c.components.len() <= 40),
                Err(e) => {
                    assert_eq!(e.path, dst);
                    errors += 1;
                }
            }
        }
        assert!(
            errors > 0 || kind == FileKind::YarnLock,
            "{}",
            src.display()
        );
    }
}

/// Real lockfiles with bytes replaced by structural characters: every
/// result is a clean `Ok` or an error naming the file, never a panic.
#[test]
fn mutated_lockfiles_never_panic() {
    let cases = [
        (
            FileKind::PackageLock,
            project("npm").join("package-lock.json"),
        ),
        (
            FileKind::PackageLock,
            project("npm-v1").join("package-lock.json"),
        ),
        (FileKind::PnpmLock, project("pnpm9").join("pnpm-lock.yaml")),
        (FileKind::YarnLock, project("yarn1").join("yarn.lock")),
        (FileKind::YarnLock, project("berry").join("yarn.lock")),
        (FileKind::BunLock, project("bun").join("bun.lock")),
    ];
    let tmp = tempfile::tempdir().unwrap();
    // xorshift: deterministic, no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"{}[]\":,\n @/'-#&*!|>(";
    for (kind, src) in cases {
        let original = std::fs::read(&src).unwrap();
        let dst = tmp.path().join(src.file_name().unwrap());
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % bytes.len() as u64) as usize;
                bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            std::fs::write(&dst, &bytes).unwrap();
            if let Err(e) = collect_lockfile(kind, &dst) {
                assert_eq!(e.path, dst);
                assert!(!e.message.is_empty());
            }
        }
    }
}
