//! The advisory database: open (disk, embedded snapshot or in memory),
//! import, status, and matching an inventory.

use crate::import::{self, ImportLimits, ImportReport, SourceSpec};
use crate::kev::KevCatalog;
use crate::matching;
use crate::record::Advisory;
use crate::store::{self, Content, DbMeta, Packed, StoreError, package_key};
use chainwarden_core::inventory::ComponentId;
use chainwarden_core::{Finding, Inventory, Package};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// File name of the index inside a database folder.
pub const INDEX_FILE: &str = "index.cwdb";

/// The embedded snapshot (see `tests/snapshot.rs` to regenerate it).
static SNAPSHOT: &[u8] = include_bytes!("../data/snapshot.cwdb");

/// Why a database could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no advisory database at {0} (run `chainwarden db import` or `db update`)")]
    NotFound(PathBuf),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot tell where to keep the database: neither XDG_DATA_HOME nor HOME is set")]
    NoDataDir,
}

#[derive(Debug)]
enum Storage {
    Packed(Packed),
    Memory {
        packages: BTreeMap<String, Vec<Advisory>>,
        kev: Option<KevCatalog>,
    },
}

/// An advisory database.
#[derive(Debug)]
pub struct AdvisoryDb {
    storage: Storage,
    meta: DbMeta,
    /// The index file, for databases on disk.
    path: Option<PathBuf>,
    embedded: bool,
    kev: OnceLock<Option<KevCatalog>>,
    /// Told once, with the lock file, when an import waits for another.
    on_lock_wait: fn(&Path),
}

/// What `db status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DbStatus {
    /// The index file; `None` for the embedded snapshot and in-memory databases.
    pub path: Option<PathBuf>,
    pub embedded: bool,
    pub created: String,
    pub record_count: usize,
    pub package_count: usize,
    pub newest_modified: Option<String>,
    pub sources: Vec<store::SourceInfo>,
    pub kev_catalog_version: Option<String>,
    pub kev_count: usize,
}

impl AdvisoryDb {
    /// `$XDG_DATA_HOME/chainwarden/advisories`, else `~/.local/share/chainwarden/advisories`.
    pub fn default_dir() -> Result<PathBuf, DbError> {
        let data = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty() && Path::new(v).is_absolute())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".local/share"))
            })
            .ok_or(DbError::NoDataDir)?;
        Ok(data.join("chainwarden").join("advisories"))
    }

    /// Opens the database in folder `dir` (or the index file itself).
    pub fn open(dir: &Path) -> Result<AdvisoryDb, DbError> {
        let file = index_file(dir);
        if !file.is_file() {
            return Err(DbError::NotFound(file));
        }
        let packed = Packed::open(&file)?;
        Ok(AdvisoryDb {
            meta: packed.meta().clone(),
            storage: Storage::Packed(packed),
            path: Some(file),
            embedded: false,
            kev: OnceLock::new(),
            on_lock_wait: |_| {},
        })
    }

    /// Opens `dir`, or an empty database there that the first import creates.
    pub fn open_or_create(dir: &Path) -> Result<AdvisoryDb, DbError> {
        match AdvisoryDb::open(dir) {
            Err(DbError::NotFound(file)) => Ok(AdvisoryDb {
                storage: Storage::Memory {
                    packages: BTreeMap::new(),
                    kev: None,
                },
                meta: DbMeta::default(),
                path: Some(file),
                embedded: false,
                kev: OnceLock::new(),
                on_lock_wait: |_| {},
            }),
            other => other,
        }
    }

    /// The database in the default folder if there is one, else the embedded snapshot.
    pub fn open_default() -> Result<AdvisoryDb, DbError> {
        match AdvisoryDb::default_dir().and_then(|d| AdvisoryDb::open(&d)) {
            Ok(db) => Ok(db),
            Err(DbError::NotFound(_) | DbError::NoDataDir) => Ok(AdvisoryDb::embedded()),
            Err(e) => Err(e),
        }
    }

    /// The snapshot built into the binary (dated; see [`AdvisoryDb::data_age_days`]).
    pub fn embedded() -> AdvisoryDb {
        let packed = Packed::from_static(SNAPSHOT);
        match packed {
            Ok(p) => AdvisoryDb {
                meta: p.meta().clone(),
                storage: Storage::Packed(p),
                path: None,
                embedded: true,
                kev: OnceLock::new(),
                on_lock_wait: |_| {},
            },
            // Unreachable with the committed snapshot (a test opens it); stay usable anyway.
            Err(_) => AdvisoryDb::empty(),
        }
    }

    fn empty() -> AdvisoryDb {
        AdvisoryDb {
            storage: Storage::Memory {
                packages: BTreeMap::new(),
                kev: None,
            },
            meta: DbMeta::default(),
            path: None,
            embedded: false,
            kev: OnceLock::new(),
            on_lock_wait: |_| {},
        }
    }

    /// An in-memory database of `sources` (for `scan --advisories PATH`).
    pub fn from_sources(sources: &[PathBuf]) -> (AdvisoryDb, ImportReport) {
        let mut db = AdvisoryDb::empty();
        let specs: Vec<SourceSpec> = sources.iter().map(SourceSpec::path).collect();
        let report = db.import_specs(&specs, &ImportLimits::default());
        // Memory databases cannot fail to write.
        (db, report.unwrap_or_default())
    }

    /// Imports sources (folders, zips, records, KEV catalog) and, for a
    /// database on disk, rewrites its index.
    pub fn import(&mut self, sources: &[PathBuf]) -> Result<ImportReport, DbError> {
        let specs: Vec<SourceSpec> = sources.iter().map(SourceSpec::path).collect();
        self.import_specs(&specs, &ImportLimits::default())
    }

    /// [`AdvisoryDb::import`] with explicit source labels and limits.
    ///
    /// Sources are read without a lock (the slow part); the merge runs under
    /// an exclusive lock on `<index>.lock` and starts from the index as it is
    /// on disk then, so two imports at once both keep their records.
    pub fn import_specs(
        &mut self,
        specs: &[SourceSpec],
        limits: &ImportLimits,
    ) -> Result<ImportReport, DbError> {
        let now = jiff::Timestamp::now().to_string();
        let loaded = import::load(specs, limits, &now);
        let _lock = match &self.path {
            Some(file) => Some(store::WriteLock::acquire(file, &self.on_lock_wait)?),
            None => None,
        };
        self.reload()?;
        let mut content = self.content()?;
        let mut report = loaded.report.clone();
        import::merge(&mut content, loaded);
        report.total_records = content.advisories.len();
        self.replace(content, &now)?;
        Ok(report)
    }

    /// Calls `f` (once per import, with the lock file) when an import has to
    /// wait for another one writing the same database.
    pub fn on_lock_wait(mut self, f: fn(&Path)) -> AdvisoryDb {
        self.on_lock_wait = f;
        self
    }

    /// Re-reads the index from disk (another process may have written it).
    fn reload(&mut self) -> Result<(), DbError> {
        let Some(file) = &self.path else {
            return Ok(());
        };
        if file.is_file() {
            let packed = Packed::open(file)?;
            self.meta = packed.meta().clone();
            self.storage = Storage::Packed(packed);
            self.kev = OnceLock::new();
        }
        Ok(())
    }

    /// Everything this database holds, decoded.
    pub fn content(&self) -> Result<Content, DbError> {
        match &self.storage {
            Storage::Packed(p) => p.unpack().map_err(DbError::Invalid),
            Storage::Memory { packages, kev } => {
                let mut advisories: BTreeMap<String, Advisory> = BTreeMap::new();
                for list in packages.values() {
                    for a in list {
                        match advisories.get_mut(&a.id) {
                            Some(e) => e.affected.extend(a.affected.iter().cloned()),
                            None => {
                                advisories.insert(a.id.clone(), a.clone());
                            }
                        }
                    }
                }
                Ok(Content {
                    advisories,
                    kev: kev.clone(),
                    sources: self.meta.sources.clone(),
                })
            }
        }
    }

    fn replace(&mut self, content: Content, now: &str) -> Result<(), DbError> {
        self.kev = OnceLock::new();
        self.embedded = false;
        match &self.path {
            Some(file) => {
                let bytes = store::pack(&content, now).map_err(DbError::Invalid)?;
                store::write_atomic(file, &bytes)?;
                let packed = Packed::open(file)?;
                self.meta = packed.meta().clone();
                self.storage = Storage::Packed(packed);
            }
            None => {
                self.meta = content.meta(now);
                self.storage = Storage::Memory {
                    packages: content.by_package(),
                    kev: content.kev,
                };
            }
        }
        Ok(())
    }

    pub fn status(&self) -> DbStatus {
        DbStatus {
            path: self.path.clone(),
            embedded: self.embedded,
            created: self.meta.created.clone(),
            record_count: self.meta.record_count,
            package_count: self.meta.package_count,
            newest_modified: self.meta.newest_modified.clone(),
            sources: self.meta.sources.clone(),
            kev_catalog_version: self.meta.kev_catalog_version.clone(),
            kev_count: self.meta.kev_count,
        }
    }

    /// The newest `modified` time of any record (RFC 3339).
    pub fn newest_modified(&self) -> Option<&str> {
        self.meta.newest_modified.as_deref()
    }

    /// Whole days between the newest data (newest `modified`, or the KEV
    /// release if later) and `now`; `None` for an empty database.
    pub fn data_age_days(&self, now: jiff::Timestamp) -> Option<i64> {
        let newest = [
            self.meta.newest_modified.as_deref(),
            self.meta.kev_date_released.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|s| s.parse::<jiff::Timestamp>().ok())
        .max()?;
        Some(now.duration_since(newest).as_secs().div_euclid(86_400))
    }

    /// True when the newest data is more than `days` old (for a CLI warning).
    pub fn is_older_than(&self, days: i64, now: jiff::Timestamp) -> bool {
        self.data_age_days(now).is_none_or(|age| age > days)
    }

    /// The advisories recorded for one package (all versions).
    pub fn advisories_for(&self, package: &Package) -> Result<Vec<Advisory>, DbError> {
        let key = package_key(package.ecosystem, &package.name);
        match &self.storage {
            Storage::Packed(p) => p.package(&key).map_err(DbError::Invalid),
            Storage::Memory { packages, .. } => Ok(packages.get(&key).cloned().unwrap_or_default()),
        }
    }

    fn kev(&self) -> Option<&KevCatalog> {
        self.kev
            .get_or_init(|| match &self.storage {
                Storage::Packed(p) => p.kev().ok().flatten(),
                Storage::Memory { kev, .. } => kev.clone(),
            })
            .as_ref()
    }

    /// Findings for one package version (no component attached).
    pub fn match_package(&self, package: &Package) -> Result<Vec<Finding>, DbError> {
        let records = self.advisories_for(package)?;
        Ok(self.findings(&records, package, None))
    }

    fn findings(
        &self,
        records: &[Advisory],
        package: &Package,
        component: Option<(ComponentId, &chainwarden_core::Component)>,
    ) -> Vec<Finding> {
        if package.version.is_empty() {
            return Vec::new();
        }
        let hits = matching::affecting(records, package);
        if hits.is_empty() {
            return Vec::new();
        }
        let needs_kev = hits.iter().any(|a| a.ids().any(|i| i.starts_with("CVE-")));
        let kev = if needs_kev { self.kev() } else { None };
        matching::group(&hits)
            .iter()
            .map(|g| {
                matching::finding(
                    g,
                    component.map(|c| c.0),
                    component.map(|c| c.1),
                    package,
                    kev,
                )
            })
            .collect()
    }

    /// Findings for every component of `inventory`: only the packages it
    /// contains are read from the index. A block that cannot be read (a
    /// corrupt index) is skipped; use [`AdvisoryDb::try_match_inventory`] to
    /// see that error.
    pub fn match_inventory(&self, inventory: &Inventory) -> Vec<Finding> {
        self.match_components(inventory, false).unwrap_or_default()
    }

    /// [`AdvisoryDb::match_inventory`], failing on the first unreadable block.
    pub fn try_match_inventory(&self, inventory: &Inventory) -> Result<Vec<Finding>, DbError> {
        self.match_components(inventory, true)
    }

    fn match_components(
        &self,
        inventory: &Inventory,
        strict: bool,
    ) -> Result<Vec<Finding>, DbError> {
        let mut cache: HashMap<String, Vec<Advisory>> = HashMap::new();
        let mut out = Vec::new();
        for (i, c) in inventory.components.iter().enumerate() {
            let key = package_key(c.package.ecosystem, &c.package.name);
            let known = match &self.storage {
                Storage::Packed(p) => p.contains(&key),
                Storage::Memory { packages, .. } => packages.contains_key(&key),
            };
            if !known {
                continue;
            }
            if !cache.contains_key(&key) {
                let records = match self.advisories_for(&c.package) {
                    Ok(r) => r,
                    Err(e) if strict => return Err(e),
                    Err(_) => Vec::new(),
                };
                cache.insert(key.clone(), records);
            }
            if let Some(records) = cache.get(&key) {
                out.extend(self.findings(records, &c.package, Some((ComponentId(i), c))));
            }
        }
        Ok(out)
    }
}

fn index_file(dir: &Path) -> PathBuf {
    if dir.extension().is_some_and(|e| e == "cwdb") {
        dir.to_path_buf()
    } else {
        dir.join(INDEX_FILE)
    }
}
