//! Reading files of a scan root without leaving it.

use chainwarden_core::fsutil::{FsError, read_bounded};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads files below one canonical root, refusing symlinks and any path whose
/// real parent folder lies outside the root (a symlinked folder on the way).
pub(crate) struct RootReader {
    root: PathBuf,
    /// Real paths of parent folders already checked.
    parents: HashMap<PathBuf, bool>,
    max_file_bytes: u64,
}

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Skip {
    /// Missing (RECORD lists files a tool removed; not worth an error).
    Missing,
    /// A symlink, or reached through one out of the root.
    OutsideRoot,
    /// Not a regular file.
    NotAFile,
    Error(String),
}

impl RootReader {
    pub(crate) fn new(root: &Path, max_file_bytes: u64) -> RootReader {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        RootReader {
            root,
            parents: HashMap::new(),
            max_file_bytes,
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn read(&mut self, path: &Path) -> Result<Vec<u8>, Skip> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Skip::Missing),
            Err(e) => return Err(Skip::Error(format!("{}: {e}", path.display()))),
        };
        if meta.file_type().is_symlink() {
            return Err(Skip::OutsideRoot);
        }
        if !meta.is_file() {
            return Err(Skip::NotAFile);
        }
        let parent = path.parent().unwrap_or(path).to_path_buf();
        let inside = match self.parents.get(&parent) {
            Some(v) => *v,
            None => {
                let v = parent
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&self.root));
                self.parents.insert(parent, v);
                v
            }
        };
        if !inside {
            return Err(Skip::OutsideRoot);
        }
        read_bounded(path, self.max_file_bytes).map_err(|e| match e {
            FsError::TooLarge { .. } => Skip::Error(e.to_string()),
            other => Skip::Error(other.to_string()),
        })
    }
}
