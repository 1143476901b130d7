//! Reading hostile files safely: regular files only (a FIFO or a device
//! never blocks a scan), bounded sizes, no symlinks out of the root.
//!
//! Every crate that reads input opens it through [`open_regular`] (or the
//! bounded readers built on it), never `File::open` directly.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Largest metadata-like file read whole (METADATA, RECORD, lockfiles, configs).
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;

/// An error reading a file, naming it.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: file is larger than the {limit}-byte limit for this kind of file")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path}: not valid UTF-8 text")]
    NotUtf8 { path: PathBuf },
    #[error("{path}: {kind}, not a regular file: not read")]
    NotRegular { path: PathBuf, kind: &'static str },
}

impl FsError {
    pub fn path(&self) -> &Path {
        match self {
            FsError::Io { path, .. }
            | FsError::TooLarge { path, .. }
            | FsError::NotUtf8 { path }
            | FsError::NotRegular { path, .. } => path,
        }
    }

    /// The message without the path, for callers that name the file themselves.
    pub fn reason(&self) -> String {
        match self {
            FsError::Io { source, .. } => source.to_string(),
            FsError::TooLarge { limit, .. } => format!("larger than the {limit}-byte limit"),
            FsError::NotUtf8 { .. } => "not valid UTF-8 text".to_string(),
            FsError::NotRegular { kind, .. } => format!("{kind}, not a regular file: not read"),
        }
    }
}

/// What a file that is not regular is, for messages.
fn kind_of(ty: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ty.is_socket() {
            return "a socket";
        }
        if ty.is_char_device() || ty.is_block_device() {
            return "a device";
        }
    }
    if ty.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Opens `path` for reading if it is a regular file (a symlink is followed;
/// callers that must stay inside a root check the resolved path first).
///
/// The open itself never blocks: on Unix it is made with `O_NONBLOCK`, so a
/// FIFO with no writer returns at once, and the type is then checked on the
/// open handle (`fstat`), so the file checked is the file read. A FIFO,
/// socket, device or folder is refused with [`FsError::NotRegular`].
pub fn open_regular(path: &Path) -> Result<File, FsError> {
    open_checked(path, false)
}

/// [`open_regular`] that also refuses a symlink at `path` itself
/// (`O_NOFOLLOW`), for walks that must not leave their root through a link.
pub fn open_regular_nofollow(path: &Path) -> Result<File, FsError> {
    open_checked(path, true)
}

/// [`read_bounded`] through [`open_regular_nofollow`].
pub fn read_bounded_nofollow(path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    read_limited(open_regular_nofollow(path)?, path, limit)
}

fn open_checked(path: &Path, nofollow: bool) -> Result<File, FsError> {
    let io = |source| FsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK has no effect on reads of a regular file; O_NOCTTY keeps
        // a terminal device from becoming our controlling terminal.
        let links = if nofollow { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | links);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if nofollow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(FsError::NotRegular {
                path: path.to_path_buf(),
                kind: "a symbolic link",
            });
        }
        Err(e) => return Err(io(e)),
    };
    let ty = file.metadata().map_err(io)?.file_type();
    if !ty.is_file() {
        return Err(FsError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(ty),
        });
    }
    Ok(file)
}

/// Reads at most `limit` bytes of `path`; a larger file is an error, not a truncation.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    read_limited(open_regular(path)?, path, limit)
}

fn read_limited(file: File, path: &Path, limit: u64) -> Result<Vec<u8>, FsError> {
    let io = |source| FsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut buf = Vec::new();
    file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(buf)
}

/// Reads a bounded UTF-8 text file (a leading BOM is dropped).
pub fn read_text(path: &Path, limit: u64) -> Result<String, FsError> {
    let bytes = read_bounded(path, limit)?;
    let mut s = String::from_utf8(bytes).map_err(|_| FsError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    if s.starts_with('\u{feff}') {
        s.drain(..'\u{feff}'.len_utf8());
    }
    Ok(s)
}

/// Joins a relative path taken from a hostile file (a RECORD entry, an archive
/// member) onto `base`, refusing absolute paths and any `..` that would climb
/// above `base`. Returns `None` for such paths.
pub fn join_inside(base: &Path, relative: &str) -> Option<PathBuf> {
    let rel = Path::new(relative);
    let mut depth: usize = 0;
    let mut out = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => {
                out.push(p);
                depth += 1;
            }
            Component::CurDir => {}
            Component::ParentDir => {
                depth = depth.checked_sub(1)?;
                out.pop();
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Like [`join_inside`], but `..` may climb above `base` as long as the result
/// stays inside `root` (RECORD lists `../../../bin/tool` relative to site-packages).
pub fn join_within(root: &Path, base: &Path, relative: &str) -> Option<PathBuf> {
    let rel = Path::new(relative);
    if rel.is_absolute() {
        return None;
    }
    let mut out = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    out.starts_with(root).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_read_refuses_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().len(), 10);
        let err = read_bounded(&p, 9).unwrap_err();
        assert!(err.to_string().contains("larger than"), "{err}");
        assert_eq!(err.path(), p);
    }

    #[test]
    fn fifos_and_folders_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("METADATA");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // With no writer, a plain open would block here forever.
        let err = read_bounded(&fifo, 100).unwrap_err();
        assert!(
            matches!(err, FsError::NotRegular { kind, .. } if kind.contains("FIFO")),
            "{err}"
        );
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let err = read_text(dir.path(), 100).unwrap_err();
        assert!(
            matches!(err, FsError::NotRegular { .. } | FsError::Io { .. }),
            "{err}"
        );
        let null = open_regular(Path::new("/dev/null")).unwrap_err();
        assert!(null.to_string().contains("a device"), "{null}");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        let err = read_bounded_nofollow(&link, 100).unwrap_err();
        assert!(err.to_string().contains("a symbolic link"), "{err}");
    }

    #[test]
    fn text_drops_bom_and_rejects_binary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t");
        std::fs::write(&p, b"\xef\xbb\xbfName: x").unwrap();
        assert_eq!(read_text(&p, 100).unwrap(), "Name: x");
        std::fs::write(&p, b"\xff\xfe").unwrap();
        assert!(matches!(read_text(&p, 100), Err(FsError::NotUtf8 { .. })));
    }

    #[test]
    fn joins_refuse_escapes() {
        let base = Path::new("/env/lib/python3.11/site-packages");
        assert_eq!(join_inside(base, "a/b.py"), Some(base.join("a/b.py")));
        assert_eq!(join_inside(base, "../x"), None);
        assert_eq!(join_inside(base, "/etc/passwd"), None);
        let root = Path::new("/env");
        assert_eq!(
            join_within(root, base, "../../../bin/tool"),
            Some(PathBuf::from("/env/bin/tool"))
        );
        assert_eq!(join_within(root, base, "../../../../etc/passwd"), None);
    }
}
