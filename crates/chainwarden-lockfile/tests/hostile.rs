//! Truncated, spliced and hostile lockfiles: every input gives components
//! or an error naming the file, never a panic or a stack overflow.

mod fixtures;

use chainwarden_core::discover::{FileKind, classify};
use chainwarden_lockfile::{MAX_LOCKFILE_BYTES, collect, parse};
use fixtures::{
    CARGO_LOCK_VERSIONS, cargo_workspace_with, pip_pylock, python_locks, python_sources,
};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every real lockfile the other tests use, with its text.
fn real_files() -> &'static [(FileKind, PathBuf, String)] {
    static FILES: OnceLock<Vec<(FileKind, PathBuf, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let py = python_locks();
        let src = python_sources();
        let mut paths = vec![
            py.join("uv/uv.lock"),
            py.join("uv/pylock.toml"),
            py.join("poetry/poetry.lock"),
            py.join("pdm/pdm.lock"),
            py.join("pipenv/Pipfile.lock"),
            src.join("uv/uv.lock"),
            src.join("uv/pylock.toml"),
            src.join("poetry/poetry.lock"),
            src.join("pdm/pdm.lock"),
            pip_pylock().join("pylock.toml"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"),
        ];
        for (_, rust_version) in CARGO_LOCK_VERSIONS {
            paths.push(cargo_workspace_with(rust_version).join("Cargo.lock"));
        }
        paths
            .into_iter()
            .map(|p| {
                let kind = classify(&p).expect("lockfile kind");
                let text = std::fs::read_to_string(&p).expect("read lockfile");
                (kind, p, text)
            })
            .collect()
    })
}

/// Parses and checks the result is sound; returns whether it was an error.
fn check(kind: FileKind, path: &Path, text: &str) -> bool {
    match parse(kind, path, text) {
        Ok(c) => {
            for comp in &c.components {
                for d in &comp.dependencies {
                    assert!(d.0 < c.components.len(), "edge out of range");
                }
            }
            false
        }
        Err(e) => {
            assert_eq!(e.path, path);
            assert!(!e.message.is_empty());
            true
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn truncated_prefixes_never_panic() {
    for (kind, path, text) in real_files() {
        let whole = parse(*kind, path, text).expect("the whole file parses");
        assert!(!whole.components.is_empty());
        let cuts = 32usize;
        let mut errors = 0;
        for k in 0..cuts {
            let at = floor_char_boundary(text, text.len() * k / cuts);
            let prefix = &text[..at];
            errors += usize::from(check(*kind, path, prefix));
        }
        // Most cuts land inside a value: the parsers must notice.
        assert!(errors > 0, "{}: no truncation was detected", path.display());
        // The first bytes of every file, one cut per byte.
        for at in 0..text.len().min(300) {
            check(*kind, path, &text[..floor_char_boundary(text, at)]);
        }
    }
}

#[test]
fn toml_errors_give_the_line() {
    for (kind, path, text) in real_files() {
        if *kind == FileKind::PipfileLock {
            continue;
        }
        // Cut inside the first quoted value of the first [[package]] entry.
        let at = text.find("name = \"").expect("a name") + 10;
        let e = parse(*kind, path, &text[..at]).unwrap_err();
        assert!(e.message.contains("line "), "{}", e.message);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// A real file with a random slice replaced by random text.
    #[test]
    fn spliced_files_never_panic(
        which in 0usize..15,
        start in 0.0f64..1.0,
        len in 0usize..400,
        garbage in "[\\[\\]{}\"'=,:.a-z0-9#\\\\ \n-]{0,40}",
    ) {
        let files = real_files();
        let (kind, path, text) = &files[which % files.len()];
        let a = floor_char_boundary(text, (text.len() as f64 * start) as usize);
        let b = floor_char_boundary(text, (a + len).min(text.len()));
        let spliced = format!("{}{}{}", &text[..a], garbage, &text[b..]);
        check(*kind, path, &spliced);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = 200_000;
    let toml = format!("x = {}{}", "[".repeat(deep), "]".repeat(deep));
    let json = format!("{{\"default\": {}{}}}", "[".repeat(deep), "]".repeat(deep));
    for kind in chainwarden_lockfile::KINDS {
        let text = if kind == FileKind::PipfileLock {
            &json
        } else {
            &toml
        };
        let e = parse(kind, Path::new("lock"), text).unwrap_err();
        assert!(!e.message.is_empty());
    }
    let inline = format!(
        "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = {}1{}\n",
        "{ a = ".repeat(deep),
        " }".repeat(deep)
    );
    assert!(parse(FileKind::UvLock, Path::new("uv.lock"), &inline).is_err());
}

#[test]
fn oversized_binary_and_foreign_files_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let big = dir.join("uv.lock");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(MAX_LOCKFILE_BYTES + 1).unwrap();
    let e = collect(FileKind::UvLock, &big).unwrap_err();
    assert_eq!(e.path, big);
    assert!(e.message.contains("larger than"), "{}", e.message);

    let bin = dir.join("Cargo.lock");
    std::fs::write(&bin, b"version = 4\n\xff\xfe").unwrap();
    let e = collect(FileKind::CargoLock, &bin).unwrap_err();
    assert!(e.message.contains("UTF-8"), "{}", e.message);

    let e = collect(FileKind::PackageLock, &bin).unwrap_err();
    assert!(e.message.contains("not a lockfile format"), "{}", e.message);
    let missing = dir.join("poetry.lock");
    let e = collect(FileKind::PoetryLock, &missing).unwrap_err();
    assert_eq!(e.path, missing);
}

#[test]
fn wrong_shapes_are_errors_naming_the_reason() {
    let p = Path::new("poetry.lock");
    let e = parse(FileKind::PoetryLock, p, "[[package]]\nversion = \"1\"\n").unwrap_err();
    assert!(e.message.contains("name"), "{}", e.message);
    let e = parse(
        FileKind::CargoLock,
        Path::new("Cargo.lock"),
        "package = 3\n",
    )
    .unwrap_err();
    assert!(e.message.contains("Cargo.lock"), "{}", e.message);
    let e = parse(FileKind::PipfileLock, Path::new("Pipfile.lock"), "[]").unwrap_err();
    assert!(e.message.contains("Pipfile.lock"), "{}", e.message);
    // An empty file, or one without what every lockfile of its format has,
    // is an error, never an empty source (a gate would pass it as "no
    // dependencies"). A lockfile that says what it is but locks nothing is
    // still fine.
    for kind in chainwarden_lockfile::KINDS {
        for text in ["", "\n  \n", "{}", "[]", "x = 1\n", "[tool.x]\ny = 2\n"] {
            assert!(
                parse(kind, Path::new("x"), text).is_err(),
                "{kind:?} accepted {text:?}"
            );
        }
    }
    let e = parse(FileKind::UvLock, Path::new("uv.lock"), "").unwrap_err();
    assert!(e.message.contains("the file is empty"), "{}", e.message);
    let e = parse(FileKind::CargoLock, Path::new("Cargo.lock"), "x = 1\n").unwrap_err();
    assert!(
        e.message.contains("line 1: it has no `version`"),
        "{}",
        e.message
    );
    for (kind, text) in [
        (FileKind::UvLock, "version = 1\nrevision = 3\n"),
        (
            FileKind::PoetryLock,
            "package = []\n[metadata]\nlock-version = \"2.1\"\n",
        ),
        (FileKind::PdmLock, "[metadata]\nlock_version = \"4.5.0\"\n"),
        (FileKind::PyLock, "lock-version = \"1.0\"\n"),
        (FileKind::CargoLock, "version = 4\n"),
    ] {
        assert!(
            parse(kind, Path::new("x"), text)
                .unwrap()
                .components
                .is_empty()
        );
    }
    assert!(
        parse(
            FileKind::PipfileLock,
            Path::new("Pipfile.lock"),
            r#"{"_meta": {"pipfile-spec": 6}, "default": {}, "develop": {}}"#
        )
        .unwrap()
        .components
        .is_empty()
    );
}
