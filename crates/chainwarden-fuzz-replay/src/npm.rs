//! `chainwarden-npm`: package-lock / shrinkwrap, yarn (v1 and Berry), pnpm
//! and bun lockfiles. The crate reads them from a path only, so the input is
//! written to a temporary file named as the first byte picks.

use crate::pick;
use chainwarden_core::discover::FileKind;

const FILES: [(FileKind, &str); 5] = [
    (FileKind::PackageLock, "package-lock.json"),
    (FileKind::NpmShrinkwrap, "npm-shrinkwrap.json"),
    (FileKind::YarnLock, "yarn.lock"),
    (FileKind::PnpmLock, "pnpm-lock.yaml"),
    (FileKind::BunLock, "bun.lock"),
];

/// One npm lockfile through `collect_lockfile`.
pub fn npm_lockfile(data: &[u8]) {
    let (i, rest) = pick(data, FILES.len());
    let (kind, name) = FILES[i];
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join(name);
    if std::fs::write(&path, rest).is_err() {
        return;
    }
    let _ = chainwarden_npm::collect_lockfile(kind, &path);
}
