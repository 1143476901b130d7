//! The packed index: one file that opens by reading a small header and
//! decompresses only the blocks of the packages asked for.
//!
//! Layout: `CWDB1\n`, a little-endian `u64` header length, the header (JSON:
//! metadata + `"<ecosystem>/<name>"` → block offset/length), then the blocks.
//! A block is the deflate-compressed JSON list of the advisories affecting one
//! package, each trimmed to that package's `affected[]` entries. The KEV
//! catalog is one more block. The same format is used on disk and for the
//! embedded snapshot.

use crate::kev::KevCatalog;
use crate::record::Advisory;
use chainwarden_core::Ecosystem;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAGIC: &[u8; 6] = b"CWDB1\n";
/// Largest header accepted (a full OSV PyPI+npm+crates.io index is a few MiB).
const MAX_HEADER: u64 = 256 * 1024 * 1024;
/// Largest inflated block (one package's advisories).
const MAX_BLOCK_INFLATED: u64 = 256 * 1024 * 1024;

/// Where one imported source came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The path or URL, as given.
    pub location: String,
    /// RFC 3339 time of the import.
    pub imported_at: String,
    /// Advisories read from it (for a KEV catalog: CVE entries).
    pub records: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
}

/// The metadata of a database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbMeta {
    /// When this index was written (for the embedded snapshot: the date of its newest data).
    pub created: String,
    pub sources: Vec<SourceInfo>,
    pub record_count: usize,
    pub package_count: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev_catalog_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev_date_released: Option<String>,
    #[serde(default)]
    pub kev_count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    meta: DbMeta,
    packages: BTreeMap<String, (u64, u64)>,
    #[serde(default)]
    kev: Option<(u64, u64)>,
}

/// Everything a database holds, fully decoded (for import and packing).
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub advisories: BTreeMap<String, Advisory>,
    pub kev: Option<KevCatalog>,
    pub sources: Vec<SourceInfo>,
}

/// The index key of a package.
pub fn package_key(ecosystem: Ecosystem, normalized_name: &str) -> String {
    format!("{}/{}", ecosystem.osv_name(), normalized_name)
}

/// Why an index could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a chainwarden advisory index ({reason})")]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "{path}: another import into this database has held the lock for {} s; try again when it has finished", waited.as_secs()
    )]
    Busy {
        path: PathBuf,
        waited: std::time::Duration,
    },
}

impl Content {
    /// The metadata this content packs with.
    pub fn meta(&self, created: &str) -> DbMeta {
        let mut names = std::collections::BTreeSet::new();
        for a in self.advisories.values() {
            for p in &a.affected {
                names.insert(package_key(p.ecosystem, &p.name));
            }
        }
        DbMeta {
            created: created.to_string(),
            sources: self.sources.clone(),
            record_count: self.advisories.len(),
            package_count: names.len(),
            newest_modified: self
                .advisories
                .values()
                .filter_map(|a| a.modified.as_deref())
                .max()
                .map(str::to_string),
            kev_catalog_version: self.kev.as_ref().map(|k| k.catalog_version.clone()),
            kev_date_released: self.kev.as_ref().map(|k| k.date_released.clone()),
            kev_count: self.kev.as_ref().map_or(0, |k| k.entries.len()),
        }
    }

    /// Advisories per package key, each trimmed to that package.
    pub fn by_package(&self) -> BTreeMap<String, Vec<Advisory>> {
        let mut out: BTreeMap<String, Vec<Advisory>> = BTreeMap::new();
        for a in self.advisories.values() {
            let mut keys: BTreeMap<String, Vec<_>> = BTreeMap::new();
            for p in &a.affected {
                keys.entry(package_key(p.ecosystem, &p.name))
                    .or_default()
                    .push(p.clone());
            }
            for (k, affected) in keys {
                let mut copy = a.clone();
                copy.affected = affected;
                out.entry(k).or_default().push(copy);
            }
        }
        out
    }
}

/// Packs content into the index format (deterministic for equal content).
pub fn pack(content: &Content, created: &str) -> Result<Vec<u8>, String> {
    let mut blocks: Vec<u8> = Vec::new();
    let mut packages = BTreeMap::new();
    for (key, list) in content.by_package() {
        let json = serde_json::to_vec(&list).map_err(|e| e.to_string())?;
        let start = blocks.len() as u64;
        deflate(&json, &mut blocks)?;
        packages.insert(key, (start, blocks.len() as u64 - start));
    }
    let kev = match &content.kev {
        Some(k) => {
            let json = serde_json::to_vec(k).map_err(|e| e.to_string())?;
            let start = blocks.len() as u64;
            deflate(&json, &mut blocks)?;
            Some((start, blocks.len() as u64 - start))
        }
        None => None,
    };
    let header = Header {
        meta: content.meta(created),
        packages,
        kev,
    };
    let header = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + header.len() + blocks.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blocks);
    Ok(out)
}

fn deflate(data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let mut enc = DeflateEncoder::new(out, Compression::default());
    enc.write_all(data).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())?;
    Ok(())
}

/// Where the packed bytes live.
#[derive(Debug)]
enum Blob {
    Static(&'static [u8]),
    File { path: PathBuf, file: Mutex<File> },
}

/// An opened packed index.
#[derive(Debug)]
pub struct Packed {
    blob: Blob,
    /// Offset of the first block.
    base: u64,
    header: Header,
}

impl Packed {
    /// Opens the packed bytes of the embedded snapshot.
    pub fn from_static(bytes: &'static [u8]) -> Result<Packed, String> {
        let (len, rest) = split_magic(bytes)?;
        let header_bytes = rest.get(..len as usize).ok_or("truncated header")?;
        let header: Header = serde_json::from_slice(header_bytes).map_err(|e| e.to_string())?;
        Ok(Packed {
            blob: Blob::Static(bytes),
            base: (MAGIC.len() + 8) as u64 + len,
            header,
        })
    }

    /// Opens an index file, reading only its header.
    pub fn open(path: &Path) -> Result<Packed, StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            reason,
        };
        let mut file = chainwarden_core::fsutil::open_regular(path)
            .map_err(|e| io(std::io::Error::other(e)))?;
        let mut head = [0u8; 14];
        file.read_exact(&mut head)
            .map_err(|e| corrupt(format!("cannot read header: {e}")))?;
        let (len, _) = split_magic(&head).map_err(corrupt)?;
        if len > MAX_HEADER {
            return Err(corrupt(format!("header of {len} bytes")));
        }
        let mut header_bytes = Vec::new();
        (&mut file)
            .take(len)
            .read_to_end(&mut header_bytes)
            .map_err(io)?;
        if header_bytes.len() as u64 != len {
            return Err(corrupt("truncated header".into()));
        }
        let header: Header =
            serde_json::from_slice(&header_bytes).map_err(|e| corrupt(e.to_string()))?;
        Ok(Packed {
            blob: Blob::File {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            },
            base: 14 + len,
            header,
        })
    }

    pub fn meta(&self) -> &DbMeta {
        &self.header.meta
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.header.packages.keys().map(String::as_str)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.header.packages.contains_key(key)
    }

    /// The advisories of one package (empty when it has none).
    pub fn package(&self, key: &str) -> Result<Vec<Advisory>, String> {
        match self.header.packages.get(key) {
            Some(&(off, len)) => {
                let bytes = self.inflate(off, len)?;
                serde_json::from_slice(&bytes).map_err(|e| format!("block {key}: {e}"))
            }
            None => Ok(Vec::new()),
        }
    }

    pub fn kev(&self) -> Result<Option<KevCatalog>, String> {
        match self.header.kev {
            Some((off, len)) => {
                let bytes = self.inflate(off, len)?;
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| format!("KEV block: {e}"))
            }
            None => Ok(None),
        }
    }

    fn raw(&self, off: u64, len: u64) -> Result<Vec<u8>, String> {
        let start = self.base.checked_add(off).ok_or("bad offset")?;
        match &self.blob {
            Blob::Static(b) => {
                let end = start.checked_add(len).ok_or("bad length")?;
                b.get(start as usize..end as usize)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| "block outside the index".to_string())
            }
            Blob::File { path, file } => {
                let mut f = file.lock().map_err(|_| "index file lock poisoned")?;
                let err = |e: std::io::Error| format!("{}: {e}", path.display());
                f.seek(SeekFrom::Start(start)).map_err(err)?;
                let mut buf = Vec::new();
                (&mut *f).take(len).read_to_end(&mut buf).map_err(err)?;
                if buf.len() as u64 != len {
                    return Err(format!("{}: truncated block", path.display()));
                }
                Ok(buf)
            }
        }
    }

    fn inflate(&self, off: u64, len: u64) -> Result<Vec<u8>, String> {
        let raw = self.raw(off, len)?;
        let mut out = Vec::new();
        DeflateDecoder::new(raw.as_slice())
            .take(MAX_BLOCK_INFLATED + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("corrupt block: {e}"))?;
        if out.len() as u64 > MAX_BLOCK_INFLATED {
            return Err("block inflates beyond the limit".into());
        }
        Ok(out)
    }

    /// Decodes everything (for merging an import into this index).
    pub fn unpack(&self) -> Result<Content, String> {
        let mut advisories: BTreeMap<String, Advisory> = BTreeMap::new();
        for key in self.header.packages.keys() {
            for a in self.package(key)? {
                match advisories.get_mut(&a.id) {
                    Some(existing) => existing.affected.extend(a.affected),
                    None => {
                        advisories.insert(a.id.clone(), a);
                    }
                }
            }
        }
        Ok(Content {
            advisories,
            kev: self.kev()?,
            sources: self.header.meta.sources.clone(),
        })
    }
}

fn split_magic(bytes: &[u8]) -> Result<(u64, &[u8]), String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("wrong magic bytes")?;
    let (len, rest) = rest.split_first_chunk::<8>().ok_or("truncated header")?;
    Ok((u64::from_le_bytes(*len), rest))
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
/// How long an import waits for another one to finish writing the same index.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// An exclusive lock on `<index>.lock`, held while an index is read, merged
/// and rewritten; released on drop (and by the OS if the process dies).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the lock of `index`, waiting up to [`LOCK_WAIT`]; `on_wait` is
    /// called once if another process holds it.
    pub fn acquire(index: &Path, on_wait: &dyn Fn(&Path)) -> Result<WriteLock, StoreError> {
        let path = lock_path(index);
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        let start = std::time::Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) => {
                    if !told {
                        on_wait(&path);
                        told = true;
                    }
                    if start.elapsed() > LOCK_WAIT {
                        return Err(StoreError::Busy {
                            path,
                            waited: LOCK_WAIT,
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }
}

/// `index.cwdb` → `index.cwdb.lock`.
pub fn lock_path(index: &Path) -> PathBuf {
    let mut name = index.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    index.with_file_name(name)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("index"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
