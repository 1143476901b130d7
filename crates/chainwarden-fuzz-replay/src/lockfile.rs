//! `chainwarden-lockfile`: uv, poetry, Pipfile, pdm, pylock and Cargo lockfiles.

use crate::{pick, text};
use chainwarden_core::discover::FileKind;
use std::path::Path;

/// One lockfile; the first byte picks its kind (and the name locations use).
pub fn lockfile_parse(data: &[u8]) {
    const NAMES: [&str; 6] = [
        "uv.lock",
        "poetry.lock",
        "Pipfile.lock",
        "pdm.lock",
        "pylock.toml",
        "Cargo.lock",
    ];
    let (i, rest) = pick(data, chainwarden_lockfile::KINDS.len());
    let kind: FileKind = chainwarden_lockfile::KINDS[i];
    let _ = chainwarden_lockfile::parse(kind, Path::new(NAMES[i]), &text(rest));
}
