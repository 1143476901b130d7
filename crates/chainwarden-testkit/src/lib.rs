//! Test support shared by the crates' tests: real fixtures, built once.
//!
//! Tests build real environments with the real tools (`python3 -m venv`,
//! `pip install` from PyPI) and cache them under `<workspace>/.cache/`
//! (or `$CHAINWARDEN_TEST_CACHE`), keyed by a hash of the recipe, so a second
//! run costs nothing. Concurrent tests building the same recipe wait on a
//! file lock instead of racing.

#![allow(clippy::print_stderr)]

pub mod hostile;
pub mod http;
pub mod schema;

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `../shared` beside the checkout: the shared test data.
pub fn shared_dir() -> PathBuf {
    if let Ok(p) = std::env::var("CHAINWARDEN_SHARED") {
        return PathBuf::from(p);
    }
    workspace_root().join("../shared")
}

/// The cache folder for built fixtures.
pub fn cache_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARDEN_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".cache"));
    fs::create_dir_all(&dir).expect("create test cache dir");
    dir
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `f` to build `dir` once: the result is kept when `f` succeeds and a
/// `.complete` marker is written; a failed or interrupted build is redone.
pub fn build_once(dir: &Path, f: impl FnOnce(&Path)) -> PathBuf {
    let lock_path = dir.with_extension("lock");
    let lock = File::create(&lock_path).expect("create lock file");
    lock.lock().expect("lock fixture");
    let marker = dir.join(".complete");
    if !marker.exists() {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir).expect("create fixture dir");
        f(dir);
        fs::write(&marker, b"").expect("write marker");
    }
    lock.unlock().expect("unlock fixture");
    dir.to_path_buf()
}

/// Runs `cmd` under `/usr/bin/time` (Debian package `time`; `.ci/run`
/// installs it) and returns its peak resident memory in MiB and its status.
/// Its output is discarded.
pub fn peak_rss_mib(cmd: &Command) -> (u64, std::process::ExitStatus) {
    let t = tempfile::tempdir().expect("tempdir");
    let report = t.path().join("rss");
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("/usr/bin/time (Debian package `time`)");
    let text = fs::read_to_string(&report).expect("time's report");
    let kib: u64 = text
        .trim()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("time's report: {text}"));
    (kib / 1024, status)
}

/// Runs a command, panicking with its output when it fails.
pub fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a command and returns its stdout, panicking when it fails.
pub fn output(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The Python interpreter tests use (`$CHAINWARDEN_TEST_PYTHON` or `python3`).
pub fn python() -> String {
    std::env::var("CHAINWARDEN_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// A real virtual environment with `pip install <args>` applied in order
/// (each element of `installs` is one `pip install` invocation's arguments).
/// Returns the venv root; the venv is cached across runs.
pub fn venv(name: &str, installs: &[&[&str]]) -> PathBuf {
    let recipe: Vec<String> = installs.iter().map(|a| a.join(" ")).collect();
    let recipe_refs: Vec<&str> = recipe.iter().map(String::as_str).collect();
    let dir = cache_dir()
        .join("venvs")
        .join(format!("{name}-{}", short_hash(&recipe_refs)));
    fs::create_dir_all(dir.parent().expect("parent")).expect("venvs dir");
    build_once(&dir, |dir| {
        eprintln!("testkit: building venv {} ({recipe:?})", dir.display());
        run(Command::new(python()).args(["-m", "venv"]).arg(dir));
        for args in installs {
            run(Command::new(dir.join("bin/python"))
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-input",
                    "-q",
                ])
                .args(*args));
        }
    })
}

/// `pip list --format json` of a venv, as (name, version) pairs, sorted.
pub fn pip_list(venv: &Path) -> Vec<(String, String)> {
    let out = output(Command::new(venv.join("bin/python")).args([
        "-m",
        "pip",
        "list",
        "--format",
        "json",
        "--disable-pip-version-check",
    ]));
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).expect("pip list JSON");
    let mut pairs: Vec<(String, String)> = list
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap_or_default().to_string(),
                o["version"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// The site-packages folder of a venv built by [`venv`].
pub fn site_packages(venv: &Path) -> PathBuf {
    let lib = venv.join("lib");
    for entry in fs::read_dir(&lib).expect("venv lib dir").flatten() {
        let sp = entry.path().join("site-packages");
        if sp.is_dir() {
            return sp;
        }
    }
    panic!("no site-packages under {}", lib.display())
}
