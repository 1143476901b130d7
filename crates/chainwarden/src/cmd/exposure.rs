//! `chainwarden exposure`: what a stealer running as this user could read.

use crate::cli::ExposureArgs;
use crate::config::Config;
use crate::output;
use anyhow::{Context, Result};
use chainwarden_core::{Finding, Inventory};
use std::path::PathBuf;

/// The home folder to examine: `--home`, else `$HOME`.
pub(crate) fn home(explicit: Option<&PathBuf>) -> Option<PathBuf> {
    explicit
        .cloned()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
}

/// Exposure findings for `home`, with the folders that could not be read as notes.
pub(crate) fn findings(home: &std::path::Path) -> (Vec<Finding>, Vec<String>) {
    let report = chainwarden_exposure::scan_home_report(
        home,
        &chainwarden_exposure::ExposureOptions::default(),
    );
    let notes = report
        .errors
        .iter()
        .map(|e| format!("not read: {}: {}", e.path.display(), e.message))
        .collect();
    (
        chainwarden_exposure::exposure_findings(&report.exposures),
        notes,
    )
}

pub(crate) fn run(args: &ExposureArgs) -> Result<u8> {
    let home = home(args.home.as_ref()).context("no home folder: give --home DIR")?;
    if !home.is_dir() {
        anyhow::bail!("{}: not a folder (give --home DIR)", home.display());
    }
    let config = Config::discover(args.output.config.as_deref(), &home)?;
    let now = output::now();
    let (found, mut notes) = findings(&home);
    notes.push(format!(
        "{} credential(s) readable by any process running as this user; values are never shown, only fingerprints",
        found.len()
    ));
    let inventory = Inventory {
        roots: vec![home.clone()],
        ..Default::default()
    };
    let targets = [home];
    output::Finish {
        args: &args.output,
        config: &config,
        now,
        inventory: &inventory,
        targets: &targets,
        notes,
        advisory_data: None,
        gate: false,
    }
    .report(found)
}
