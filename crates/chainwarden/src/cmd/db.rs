//! `chainwarden db import|status|update`.

use crate::cli::{DbCommand, FormatArg};
use anyhow::{Context, Result};
use chainwarden_advisories::{AdvisoryDb, ImportReport, UpdateOptions};
use chainwarden_core::Ecosystem;
use std::io::Write;
use std::path::{Path, PathBuf};

fn dir(db: Option<&Path>) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p.to_path_buf()),
        None => {
            AdvisoryDb::default_dir().context("no place for the advisory database; give --db PATH")
        }
    }
}

fn print_import(report: &ImportReport, dir: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for s in &report.sources {
        writeln!(
            out,
            "imported {:>6} records from {} ({} withdrawn, {} for other ecosystems, {} malformed)",
            s.records, s.location, s.withdrawn, s.unsupported, s.errors
        )?;
    }
    for e in &report.errors {
        writeln!(out, "skipped  {}: {}", e.file, e.reason)?;
    }
    writeln!(
        out,
        "{} advisories in {}",
        report.total_records,
        dir.display()
    )?;
    Ok(())
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
            let mut adb = AdvisoryDb::open_or_create(&dir)
                .with_context(|| format!("could not open {}", dir.display()))?;
            let report = adb.import(sources)?;
            print_import(&report, &dir)?;
            Ok(0)
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
            let mut adb = AdvisoryDb::open_or_create(&dir)
                .with_context(|| format!("could not open {}", dir.display()))?;
            let report = chainwarden_advisories::update(&mut adb, &opts)?;
            print_import(&report, &dir)?;
            Ok(if report.sources.is_empty() { 2 } else { 0 })
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
