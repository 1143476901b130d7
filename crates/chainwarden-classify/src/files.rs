//! The inputs of `classify`: files under the given roots, read safely.
//!
//! The walk never follows a symlink below a root, opens only regular files
//! (with `O_NOFOLLOW | O_NONBLOCK`, checked again on the open handle, so a
//! FIFO swapped in is never blocked on), bounds depth, entry count and file
//! size, skips binary files (reported), and reads archives (zip, wheel,
//! tar.gz, npm tgz) in memory with chainwarden-archive's bounds.

use std::path::{Path, PathBuf};

/// Bounds of one walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    pub max_depth: usize,
    pub max_entries: usize,
    /// Largest file read (an archive: its compressed size).
    pub max_file_bytes: u64,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_depth: 64,
            max_entries: 2_000_000,
            max_file_bytes: 64 << 20,
        }
    }
}

/// Why an input was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Binary content (a NUL byte in the first 8 KiB): skipped by design.
    Binary,
    /// Could not be read, or over a bound: not checked, so reported as a failure.
    Unreadable(String),
}

/// One input: a file, or a member of an archive (`outer.zip!/inner/file`).
#[derive(Debug)]
pub struct Input {
    pub path: String,
    pub content: Result<Vec<u8>, Skip>,
}

/// What the walk found before reading: file paths and the problems of the walk itself.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub problems: Vec<(String, String)>,
    /// Symlinks and special files not followed or opened.
    pub not_followed: usize,
}

fn skip_dir(name: &std::ffi::OsStr) -> bool {
    name == ".git" || name == ".hg" || name == ".svn"
}

/// Lists the regular files under `roots` (a root that is a file is itself listed).
pub fn walk(roots: &[PathBuf], limits: &WalkLimits) -> Walked {
    let mut out = Walked::default();
    let mut entries = 0usize;
    for root in roots {
        let it = walkdir::WalkDir::new(root)
            .follow_links(false)
            .follow_root_links(true)
            .max_depth(limits.max_depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !(e.file_type().is_dir() && skip_dir(e.file_name()))
            });
        for entry in it {
            entries += 1;
            if entries > limits.max_entries {
                out.problems.push((
                    root.display().to_string(),
                    format!("walk stopped after {} entries", limits.max_entries),
                ));
                return out;
            }
            match entry {
                Ok(e) if e.file_type().is_file() => out.files.push(e.into_path()),
                Ok(e) if e.file_type().is_dir() => {
                    if e.depth() == limits.max_depth {
                        out.problems.push((
                            e.path().display().to_string(),
                            format!("not walked: deeper than {} folders", limits.max_depth),
                        ));
                    }
                }
                Ok(_) => out.not_followed += 1,
                Err(e) => out.problems.push((
                    e.path()
                        .map_or_else(|| root.display().to_string(), |p| p.display().to_string()),
                    e.io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                )),
            }
        }
    }
    out
}

/// Opens `path` only if it is a regular file (never through a symlink, never
/// blocking on a FIFO), and reads at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    chainwarden_core::fsutil::read_bounded_nofollow(path, limit).map_err(|e| e.reason())
}

/// Writes `data` to a file only its owner can read (0600), never through a symlink.
pub fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// Binary content: a NUL byte in the first 8 KiB.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}

/// The inputs one file yields: itself, or the members of an archive.
pub fn inputs_of(path: &Path, limits: &WalkLimits) -> Vec<Input> {
    let name = path.display().to_string();
    let data = match read_regular(path, limits.max_file_bytes) {
        Ok(d) => d,
        Err(e) => {
            return vec![Input {
                path: name,
                content: Err(Skip::Unreadable(e)),
            }];
        }
    };
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if chainwarden_archive::is_archive_name(file_name)
        && chainwarden_archive::sniff(&data).is_some()
    {
        return archive_inputs(&name, &data);
    }
    let content = if is_binary(&data) {
        Err(Skip::Binary)
    } else {
        Ok(data)
    };
    vec![Input {
        path: name,
        content,
    }]
}

fn archive_inputs(name: &str, data: &[u8]) -> Vec<Input> {
    let limits = chainwarden_archive::Limits::default();
    match chainwarden_archive::open_archive(name, data, &limits, None) {
        Err(e) => vec![Input {
            path: name.to_string(),
            content: Err(Skip::Unreadable(e.to_string())),
        }],
        Ok(expanded) => {
            let mut out: Vec<Input> = expanded
                .entries
                .into_iter()
                .map(|e| Input {
                    path: format!("{name}!/{}", e.path),
                    content: if is_binary(&e.data) {
                        Err(Skip::Binary)
                    } else {
                        Ok(e.data)
                    },
                })
                .collect();
            use chainwarden_archive::Anomaly;
            for a in expanded.anomalies {
                let (p, why) = match a {
                    Anomaly::EntryTooLarge { path, limit } => {
                        (path, format!("member larger than {limit} bytes"))
                    }
                    Anomaly::CompressionRatio { path, ratio_limit } => {
                        (path, format!("compression ratio over {ratio_limit}"))
                    }
                    Anomaly::Truncated { reason } => (
                        String::new(),
                        format!("archive expansion stopped: {reason}"),
                    ),
                    Anomaly::TooDeep { path } => (path, "archive nested too deep".into()),
                    Anomaly::Unreadable { path, reason } => (path, reason),
                    // Links are skipped by design; odd names are still scanned.
                    Anomaly::Link { .. } | Anomaly::UnsafePath { .. } => continue,
                };
                out.push(Input {
                    path: if p.is_empty() {
                        name.to_string()
                    } else {
                        format!("{name}!/{p}")
                    },
                    content: Err(Skip::Unreadable(why)),
                });
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_symlinks_fifos_and_binaries() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("a.txt"), "hello").unwrap();
        std::fs::write(root.join("b.bin"), b"\x00\x01").unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "AKIAZ7Q3NVBRC5W2X4P6").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("s.txt")).unwrap();
        let fifo = root.join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let w = walk(&[root.to_path_buf()], &WalkLimits::default());
        let names: Vec<String> = w
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "b.bin"]);
        assert_eq!(w.not_followed, 3);
        assert_eq!(
            inputs_of(&root.join("b.bin"), &WalkLimits::default())[0].content,
            Err(Skip::Binary)
        );
        // A FIFO named directly is refused without blocking.
        let r = read_regular(&fifo, 100);
        assert!(r.unwrap_err().contains("not a regular file"));
    }
}
