//! Collectors for resolved lockfiles: one module per format.
//!
//! Each module reads one format as text (nothing is run or imported) and
//! returns a [`Collected`] source: one component per locked package, with
//! its `[[package]]` line, hashes, direct flag and dependency edges (local
//! indices, rebased by [`chainwarden_core::Inventory::push`]).
//!
//! `direct`, per format:
//! - uv.lock: the project roots are the `[manifest] members` (else the
//!   `editable`/`virtual` `"."` package); what they depend on (including
//!   extras and dependency groups) is `Some(true)`, the rest `Some(false)`;
//!   a root nothing depends on is `None`, marked `workspace_member`.
//! - Cargo.lock: the same, with the source-less packages as roots.
//! - poetry.lock, pdm.lock, Pipfile.lock: [`collect`] reads the
//!   `pyproject.toml` / `Pipfile` beside the lockfile; [`parse`] alone
//!   leaves `None`.
//! - pylock.toml: `None` (PEP 751 does not record the project's requirements).
//!
//! Properties set on components (all optional):
//! - `source_kind`: `registry`, `git`, `path`, `directory`, `editable`,
//!   `virtual`, `url`, `archive`, `legacy`, `sparse` (as the format names
//!   it); `source`: the registry URL, repository URL or path.
//! - `upload_time` (latest file upload, RFC 3339 in UTC, `…Z`) and
//!   `upload_time_first` (earliest), from uv.lock and pylock.toml.
//! - `marker`, `groups`, `extras`, `workspace_member`, `editable`,
//!   `reference`/`resolved_reference`/`commit_id`/`revision` (VCS),
//!   `version_spec` (a Pipfile.lock entry left unpinned).
//!
//! Source properties: `lockfile_version` always (as the file states it;
//! for Cargo.lock v1/v2, inferred), and where present `revision`,
//! `content_hash`, `requires_python`, `created_by`, `groups`,
//! `direct_from` (the manifest that set `direct`).

use chainwarden_core::discover::FileKind;
use chainwarden_core::fsutil;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use std::path::Path;

pub mod cargo_lock;
mod common;
mod manifest;
pub mod pdm_lock;
pub mod pipfile_lock;
pub mod poetry_lock;
pub mod pylock;
mod time;
pub mod uv_lock;

/// How to repair a lockfile that is not one (empty, truncated).
const REGENERATE: &str = "regenerate it with the tool that wrote it (`uv lock`, `poetry lock`, `pipenv lock`, `pdm lock`, `pip lock`)";

/// Largest lockfile read (the core's bound for metadata-like text files).
pub const MAX_LOCKFILE_BYTES: u64 = fsutil::MAX_TEXT_FILE;

/// The lockfile kinds this crate reads.
pub const KINDS: [FileKind; 6] = [
    FileKind::UvLock,
    FileKind::PoetryLock,
    FileKind::PipfileLock,
    FileKind::PdmLock,
    FileKind::PyLock,
    FileKind::CargoLock,
];

/// Whether [`collect`] reads this kind of file.
pub fn supports(kind: FileKind) -> bool {
    KINDS.contains(&kind)
}

/// Reads one lockfile (bounded to [`MAX_LOCKFILE_BYTES`]) and collects its
/// packages. A kind this crate does not read is an error naming the file.
///
/// For `poetry.lock`, `pdm.lock` and `Pipfile.lock`, which do not record
/// the project's own requirements, the `pyproject.toml` / `Pipfile` beside
/// the lockfile (a regular file, not a symlink) sets `direct`; the source
/// property `direct_from` names it.
pub fn collect(kind: FileKind, path: &Path) -> Result<Collected, InputError> {
    if !supports(kind) {
        return Err(InputError::new(
            path,
            format!("{kind:?} is not a lockfile format chainwarden-lockfile reads"),
        ));
    }
    let text = fsutil::read_text(path, MAX_LOCKFILE_BYTES)
        .map_err(|e| InputError::new(e.path(), e.to_string()))?;
    let mut collected = parse(kind, path, &text)?;
    let manifest = match kind {
        FileKind::PoetryLock | FileKind::PdmLock => manifest::pyproject_requirements(path),
        FileKind::PipfileLock => manifest::pipfile_requirements(path),
        _ => None,
    };
    if let Some((manifest_path, names)) = manifest
        && manifest::apply_direct(&mut collected.components, &names)
    {
        collected.source.properties.insert(
            "direct_from".to_string(),
            manifest_path.display().to_string(),
        );
    }
    Ok(collected)
}

/// Parses lockfile text already read; `path` is only used to name locations
/// (no sibling manifest is read, so poetry/pdm/Pipfile `direct` stays `None`).
/// Credentials written in the text (a source URL with a password or token)
/// are recorded on the source.
pub fn parse(kind: FileKind, path: &Path, text: &str) -> Result<Collected, InputError> {
    let parsed = match kind {
        FileKind::UvLock => uv_lock::parse(path, text),
        FileKind::PoetryLock => poetry_lock::parse(path, text),
        FileKind::PipfileLock => pipfile_lock::parse(path, text),
        FileKind::PdmLock => pdm_lock::parse(path, text),
        FileKind::PyLock => pylock::parse(path, text),
        FileKind::CargoLock => cargo_lock::parse(path, text),
        other => Err(InputError::new(
            path,
            format!("{other:?} is not a lockfile format chainwarden-lockfile reads"),
        )),
    };
    parsed.map(|c| c.with_credentials_of(text))
}
