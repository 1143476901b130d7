//! Which advisory data a run uses, and what the user is told about it.

use crate::cli::AdvisoryArgs;
use anyhow::{Context, Result};
use chainwarden_advisories::AdvisoryDb;
use chainwarden_report::DataInfo;

/// Data older than this draws a warning unless `[scan] max-advisory-age-days` says otherwise.
pub(crate) const DEFAULT_MAX_AGE_DAYS: u32 = 7;

/// The database for this run, and notes about it (import errors, age).
pub(crate) struct Selected {
    pub(crate) db: Option<AdvisoryDb>,
    pub(crate) notes: Vec<String>,
}

/// `--no-advisories` → none; `--advisories SRC…` → exactly those records, in
/// memory; `--db PATH` → that index; else the local index, else the embedded snapshot.
pub(crate) fn select(
    args: &AdvisoryArgs,
    max_age_days: u32,
    now: jiff::Timestamp,
) -> Result<Selected> {
    let mut notes = Vec::new();
    let db = if args.no_advisories {
        None
    } else if !args.advisories.is_empty() {
        for p in &args.advisories {
            if !p.exists() {
                anyhow::bail!(
                    "{}: no such advisory source (give a folder of OSV records or an OSV export zip)",
                    p.display()
                );
            }
        }
        let (db, report) = AdvisoryDb::from_sources(&args.advisories);
        if let Some(s) = report.empty_sources().next() {
            let why = report
                .errors_of(&s.location)
                .next()
                .map_or("no OSV record in it", |e| e.reason.as_str());
            anyhow::bail!("{}: no valid advisory record ({why})", s.location);
        }
        for s in &report.sources {
            let listed: Vec<String> = report
                .errors_of(&s.location)
                .take(3)
                .map(|e| format!("{}: {}", e.file, e.reason))
                .collect();
            if !listed.is_empty() {
                notes.push(format!(
                    "{} advisory record(s) of {} skipped as invalid, first: {}",
                    s.errors,
                    s.location,
                    listed.join("; ")
                ));
            }
        }
        Some(db)
    } else if let Some(path) = &args.db {
        Some(
            AdvisoryDb::open(path).with_context(|| {
                format!("could not open the advisory database {}", path.display())
            })?,
        )
    } else {
        Some(AdvisoryDb::open_default().context("could not open the advisory database")?)
    };
    if let Some(db) = &db
        && args.advisories.is_empty()
        && db.is_older_than(i64::from(max_age_days), now)
    {
        let age = db.data_age_days(now).unwrap_or_default();
        let what = if db.status().embedded {
            "the embedded advisory snapshot"
        } else {
            "the advisory database"
        };
        notes.push(format!(
            "{what} is {age} days old (newest record {}); run `chainwarden db update` for current data",
            db.newest_modified().unwrap_or("unknown")
        ));
    }
    Ok(Selected { db, notes })
}

/// What reports say about the data used.
pub(crate) fn data_info(db: &AdvisoryDb) -> DataInfo {
    let s = db.status();
    DataInfo {
        name: if s.embedded {
            "chainwarden embedded snapshot".into()
        } else {
            s.path
                .map_or("in-memory advisories".into(), |p| p.display().to_string())
        },
        date: s.newest_modified.unwrap_or(s.created),
        records: s.record_count,
    }
}
