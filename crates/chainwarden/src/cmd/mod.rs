//! One file per subcommand.

pub(crate) mod classify;
pub(crate) mod db;
pub(crate) mod exposure;
pub(crate) mod inspect;
pub(crate) mod redact;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod verify;
pub(crate) mod why;

use std::path::PathBuf;

/// The paths given, or `.`.
pub(crate) fn paths_or_dot(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// Fails (exit 2) when a path given on the command line does not exist or
/// cannot be opened: chainwarden could not do what was asked at all. (What
/// cannot be read *inside* a named folder is a finding instead.)
pub(crate) fn check_paths(paths: &[PathBuf]) -> anyhow::Result<()> {
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
                "{}: no such file or folder (give a project, virtualenv, site-packages folder or lockfile)",
                p.display()
            ),
            Err(e) => anyhow::bail!("{}: {e}", p.display()),
        };
        if meta.is_dir() {
            std::fs::read_dir(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        } else {
            chainwarden_core::fsutil::open_regular(p)?;
        }
    }
    Ok(())
}
