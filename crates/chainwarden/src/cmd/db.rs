//! `chainwarden db import|status|update`.

use crate::cli::{DbCommand, FormatArg};
use anyhow::{Context, Result};
use chainwarden_advisories::{AdvisoryDb, ImportReport, UpdateOptions};
use chainwarden_core::Ecosystem;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Opens (or prepares) the database an import writes, telling the user when
/// it waits for another import into the same database.
fn open_for_import(dir: &Path) -> Result<AdvisoryDb> {
    let db = AdvisoryDb::open_or_create(dir)
        .with_context(|| format!("could not open {}", dir.display()))?;
    Ok(db.on_lock_wait(|lock| {
        #[allow(clippy::print_stderr)] // progress, outside the report
        {
            eprintln!(
                "waiting for another import into this database to finish (lock {})",
                lock.display()
            );
        }
    }))
}

fn dir(db: Option<&Path>) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p.to_path_buf()),
        None => {
            AdvisoryDb::default_dir().context("no place for the advisory database; give --db PATH")
        }
    }
}

/// Skipped records listed per source; the rest are counted.
const SHOWN_ERRORS: usize = 5;

fn print_import(report: &ImportReport, dir: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for s in &report.sources {
        if s.is_empty() {
            writeln!(out, "no valid record from {}", s.location)?;
        } else {
            writeln!(
                out,
                "imported {:>6} records from {} ({} withdrawn, {} for other ecosystems, {} malformed)",
                s.records, s.location, s.withdrawn, s.unsupported, s.errors
            )?;
        }
        for e in report.errors_of(&s.location).take(SHOWN_ERRORS) {
            writeln!(out, "  skipped {}: {}", e.file, e.reason)?;
        }
        if s.errors > SHOWN_ERRORS {
            writeln!(out, "  … and {} more skipped", s.errors - SHOWN_ERRORS)?;
        }
    }
    writeln!(
        out,
        "{} advisories in {}",
        report.total_records,
        dir.display()
    )?;
    Ok(())
}

/// Exit 2 when a source asked for gave no valid record: the database keeps
/// what the other sources gave, but the job asked for was not done.
fn check_all_gave_data(report: &ImportReport) -> Result<u8> {
    let empty: Vec<String> = report
        .empty_sources()
        .map(|s| {
            let why = report
                .errors_of(&s.location)
                .next()
                .map_or("it holds no OSV record or KEV catalog".to_string(), |e| {
                    e.reason.clone()
                });
            format!("{}: {why}", s.location)
        })
        .collect();
    if empty.is_empty() {
        return Ok(0);
    }
    anyhow::bail!(
        "no valid advisory record from {} source(s); check the path or mirror:\n  {}",
        empty.len(),
        empty.join("\n  ")
    )
}

pub(crate) fn run(cmd: &DbCommand) -> Result<u8> {
    match cmd {
        DbCommand::Import { sources, db } => {
            for s in sources {
                if !s.exists() {
                    anyhow::bail!(
                        "{}: no such file or folder (give OSV JSON/YAML records, a folder of them, an OSV export zip or the CISA KEV JSON)",
                        s.display()
                    );
                }
            }
            let dir = dir(db.as_deref())?;
            let mut adb = open_for_import(&dir)?;
            let report = adb.import(sources)?;
            print_import(&report, &dir)?;
            check_all_gave_data(&report)
        }
        DbCommand::Update {
            db,
            mirror,
            ecosystems,
        } => {
            let dir = dir(db.as_deref())?;
            let mut opts = UpdateOptions {
                mirror: mirror.clone(),
                ..Default::default()
            };
            if !ecosystems.is_empty() {
                opts.ecosystems = ecosystems
                    .iter()
                    .map(|e| Ecosystem::from_osv(e).ok_or_else(|| anyhow::anyhow!("unknown ecosystem `{e}` (OSV names: PyPI, npm, crates.io, GitHub Actions)")))
                    .collect::<Result<_>>()?;
            }
            let mut adb = open_for_import(&dir)?;
            let report = chainwarden_advisories::update(&mut adb, &opts)?;
            print_import(&report, &dir)?;
            check_all_gave_data(&report)
        }
        DbCommand::Status { db, format } => {
            let adb = match db {
                Some(p) => AdvisoryDb::open(p)
                    .with_context(|| format!("could not open {}", p.display()))?,
                None => AdvisoryDb::open_default()?,
            };
            let s = adb.status();
            let now = crate::output::now();
            let mut out = std::io::stdout().lock();
            if *format == FormatArg::Json {
                let mut v = serde_json::to_value(&s)?;
                v["age_days"] = adb.data_age_days(now).into();
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
                return Ok(0);
            }
            let where_ = if s.embedded {
                "embedded snapshot (no local database yet: `chainwarden db update` or `db import`)"
                    .to_string()
            } else {
                s.path
                    .as_ref()
                    .map_or_else(String::new, |p| p.display().to_string())
            };
            writeln!(out, "database:  {where_}")?;
            writeln!(
                out,
                "records:   {} advisories for {} packages",
                s.record_count, s.package_count
            )?;
            writeln!(
                out,
                "newest:    {}  ({} days old)",
                s.newest_modified.as_deref().unwrap_or("unknown"),
                adb.data_age_days(now).map_or("?".into(), |d| d.to_string())
            )?;
            if let Some(v) = &s.kev_catalog_version {
                writeln!(out, "CISA KEV:  catalog {v}, {} CVEs", s.kev_count)?;
            }
            writeln!(out, "sources:")?;
            for src in &s.sources {
                writeln!(
                    out,
                    "  {:>6} records  {}  (imported {}, newest {})",
                    src.records,
                    src.location,
                    src.imported_at,
                    src.newest_modified.as_deref().unwrap_or("?")
                )?;
            }
            Ok(0)
        }
    }
}
