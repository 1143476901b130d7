//! Replays the kept fuzz corpus and every regression input on stable Rust:
//! each file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` is
//! fed to the target's body, which must return (no panic) in bounded time.

use chainwarden_fuzz_replay::{TARGETS, Target};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Generous for an unoptimised build on a busy CI runner; libFuzzer runs the
/// same inputs in microseconds. A parser that goes quadratic on a kept input
/// fails here.
const PER_INPUT: Duration = Duration::from_secs(10);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &Target) -> usize {
    let mut n = 0;
    for kind in ["corpus", "regressions"] {
        for file in inputs(&fuzz_dir().join(kind).join(target.name)) {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let start = Instant::now();
            let outcome = std::panic::catch_unwind(|| (target.run)(&data));
            let took = start.elapsed();
            assert!(
                outcome.is_ok(),
                "{} panicked on {}",
                target.name,
                file.display()
            );
            assert!(
                took < PER_INPUT,
                "{} took {took:?} on {}",
                target.name,
                file.display()
            );
            n += 1;
        }
    }
    n
}

#[test]
fn every_target_has_a_fuzz_target_file_and_a_kept_corpus() {
    for t in TARGETS {
        let src = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", t.name));
        let body =
            std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        assert!(
            body.contains(&format!("chainwarden_fuzz_replay::{}(", t.name)),
            "{} does not run chainwarden_fuzz_replay::{}",
            src.display(),
            t.name
        );
        let corpus = inputs(&fuzz_dir().join("corpus").join(t.name));
        assert!(!corpus.is_empty(), "no kept corpus for {}", t.name);
    }
}

#[test]
fn every_fuzz_target_file_is_listed() {
    let listed: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
    for file in inputs(&fuzz_dir().join("fuzz_targets")) {
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            listed.contains(&stem),
            "{} is not in TARGETS",
            file.display()
        );
    }
}

#[test]
fn replay_corpus_and_regressions() {
    let mut failures = Vec::new();
    for t in TARGETS {
        match std::panic::catch_unwind(|| replay(t)) {
            Ok(n) => assert!(n > 0, "{}: nothing replayed", t.name),
            Err(_) => failures.push(t.name),
        }
    }
    assert!(failures.is_empty(), "targets failing replay: {failures:?}");
}
