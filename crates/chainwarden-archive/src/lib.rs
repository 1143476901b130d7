//! Package archives read in memory, never extracted to disk, never executed.
//!
//! [`open_archive`] expands a wheel, an sdist (`.zip`, `.tar.gz`), an npm
//! tarball (`.tgz`) or an encrypted sample zip (ZipCrypto) holding any of
//! those, and returns the regular files it holds with their bytes. Expansion is
//! bounded ([`Limits`]): entry count, total and per-entry uncompressed bytes,
//! compression ratio and nesting depth. Hostile names (`../`, absolute paths)
//! are kept as plain strings and recorded as an [`Anomaly`]; they are never
//! joined to a real path. Symlinks and hard links are skipped.
//!
//! [`package_meta`] reads the package's own metadata (PKG-INFO / METADATA or
//! package.json) from the expanded entries.

mod budget;
mod meta;
mod names;
mod tarfmt;
mod zipfmt;

pub use meta::{ArchiveMeta, InstallHook, package_meta, parse_core_metadata, parse_package_json};
pub use names::{NameProblem, check_name};

use budget::Budget;
use serde::Serialize;

/// Bounds of one archive expansion (all nesting levels together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries of any kind (files, folders, links) visited, over all levels.
    pub max_entries: usize,
    /// Uncompressed bytes read, over all levels.
    pub max_total_bytes: u64,
    /// Uncompressed bytes of one entry.
    pub max_entry_bytes: u64,
    /// Largest uncompressed / compressed ratio accepted for an entry (zip) or a
    /// gzip stream (tar.gz), once it has produced more than `ratio_floor_bytes`.
    pub max_ratio: u64,
    /// Output below this size is never judged by its ratio (small files of
    /// repeated text compress very well and are harmless).
    pub ratio_floor_bytes: u64,
    /// Archives inside archives: 0 reads only the top level.
    pub max_depth: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_total_bytes: 1024 * 1024 * 1024,
            max_entry_bytes: 256 * 1024 * 1024,
            max_ratio: 200,
            ratio_floor_bytes: 4 * 1024 * 1024,
            max_depth: 3,
        }
    }
}

/// One regular file read from an archive.
///
/// `path` is the member name as stored (with `\` turned into `/`); a member of
/// a nested archive is named `outer/inner.tar.gz!/member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub data: Vec<u8>,
}

/// Something odd about an archive, worth a finding but not fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Anomaly {
    /// A member name that climbs out (`../`) or is absolute; the entry is
    /// still read (under its raw name) so its content can be scanned.
    UnsafePath { path: String, problem: NameProblem },
    /// A symlink or hard link member, skipped.
    Link { path: String, target: String },
    /// A member that expands far more than its compressed size (zip bomb shape).
    CompressionRatio { path: String, ratio_limit: u64 },
    /// A member larger than the per-entry limit, skipped.
    EntryTooLarge { path: String, limit: u64 },
    /// Expansion stopped: the entry count or total byte bound was reached.
    Truncated { reason: String },
    /// An archive nested deeper than the depth bound, kept unexpanded.
    TooDeep { path: String },
    /// A member that could not be read (unsupported compression, corrupt data).
    Unreadable { path: String, reason: String },
}

/// What [`open_archive`] read.
#[derive(Debug, Clone, Default)]
pub struct Expanded {
    pub entries: Vec<Entry>,
    pub anomalies: Vec<Anomaly>,
}

/// Why an archive could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{name}: not a zip, tar or gzip archive")]
    UnknownFormat { name: String },
    #[error("{name}: corrupt archive: {reason}")]
    Corrupt { name: String, reason: String },
    #[error("{name}: entries are encrypted and no password was given")]
    PasswordRequired { name: String },
    #[error("{name}: wrong password")]
    WrongPassword { name: String },
}

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    TarGz,
    Tar,
}

/// Recognises an archive by its leading bytes (names lie; magic rarely does).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Format::TarGz)
    } else if bytes.get(257..262) == Some(b"ustar") {
        Some(Format::Tar)
    } else {
        None
    }
}

/// Whether a member name looks like an archive worth expanding.
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".zip", ".whl", ".egg", ".tar.gz", ".tgz", ".tar"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Reads every regular file of the archive `bytes` (named `name` in errors),
/// expanding nested archives up to `limits.max_depth`. `password` opens
/// ZipCrypto-encrypted zip members at any level.
pub fn open_archive(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    password: Option<&[u8]>,
) -> Result<Expanded, ArchiveError> {
    open_archive_filtered(name, bytes, limits, password, &|_| true)
}

/// Like [`open_archive`], but only members for which `keep(path)` is true are
/// decompressed into entries (nested archives are always expanded, and their
/// members filtered the same way). Skipped members cost no memory.
pub fn open_archive_filtered(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    password: Option<&[u8]>,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Expanded, ArchiveError> {
    let mut out = Expanded::default();
    let mut budget = Budget::new(limits);
    let ctx = Ctx {
        limits,
        password,
        keep,
    };
    expand(&ctx, name, "", bytes, 0, &mut budget, &mut out)?;
    Ok(out)
}

/// The settings shared by every level of one expansion.
struct Ctx<'a> {
    limits: &'a Limits,
    password: Option<&'a [u8]>,
    keep: &'a dyn Fn(&str) -> bool,
}

/// Expands one archive level; `prefix` is prepended to member names.
fn expand(
    ctx: &Ctx<'_>,
    name: &str,
    prefix: &str,
    bytes: &[u8],
    depth: u8,
    budget: &mut Budget,
    out: &mut Expanded,
) -> Result<(), ArchiveError> {
    let format = sniff(bytes).ok_or_else(|| ArchiveError::UnknownFormat {
        name: name.to_string(),
    })?;
    let members = match format {
        Format::Zip => zipfmt::read(ctx, name, bytes, budget, out)?,
        Format::TarGz => tarfmt::read_gz(ctx, name, bytes, budget, out)?,
        Format::Tar => tarfmt::read_plain(ctx, name, bytes, budget, out)?,
    };
    for member in members {
        let full = format!("{prefix}{}", member.path);
        if is_archive_name(&member.path) && sniff(&member.data).is_some() {
            if depth >= ctx.limits.max_depth {
                out.anomalies.push(Anomaly::TooDeep { path: full });
                continue;
            }
            let inner_prefix = format!("{full}!/");
            // A nested archive that cannot be read is an anomaly of the outer
            // one, not a failure of the whole expansion.
            if let Err(e) = expand(
                ctx,
                &full,
                &inner_prefix,
                &member.data,
                depth + 1,
                budget,
                out,
            ) {
                out.anomalies.push(Anomaly::Unreadable {
                    path: full,
                    reason: e.to_string(),
                });
            }
        } else if (ctx.keep)(&full) {
            out.entries.push(Entry {
                path: full,
                data: member.data,
            });
        }
    }
    Ok(())
}

/// A member read by a format reader, before nesting is resolved.
struct Member {
    path: String,
    data: Vec<u8>,
}

/// Whether a member must be decompressed: wanted by the caller, or an archive.
fn wanted(ctx: &Ctx<'_>, path: &str) -> bool {
    is_archive_name(path) || (ctx.keep)(path)
}

#[cfg(test)]
mod tests;
