//! `chainwarden inspect`: the malicious-code heuristics, one verdict per package.

use crate::cli::InspectArgs;
use crate::config::Config;
use crate::{output, rules};
use anyhow::Result;
use chainwarden_core::{Finding, Inventory, Location, Severity};
use chainwarden_inspect::{InspectLimits, Inspection};
use std::path::PathBuf;

/// Findings of an inspection: what could not be read or broke a bound
/// (`input/…`, `archive/…`), whatever the verdicts; then per package, a
/// verdict finding (medium and above) and the hits behind it, each capped at
/// the package's verdict, so one strong keyword in a large legitimate package
/// does not fail a build.
pub(crate) fn findings(inspection: &Inspection) -> (Vec<Finding>, Vec<String>) {
    let mut out: Vec<Finding> = inspection
        .unopenable
        .iter()
        .chain(&inspection.errors)
        .map(crate::pipeline::input_error_finding)
        .collect();
    let mut notes = Vec::new();
    for p in &inspection.packages {
        out.extend(p.errors.iter().map(crate::pipeline::input_error_finding));
        out.extend(p.input_findings.iter().cloned());
        let v = &p.verdict;
        let label = if p.name.is_empty() {
            p.origin.display().to_string()
        } else {
            format!("{} {}", p.name, p.version)
        };
        if v.severity < Severity::Medium {
            continue;
        }
        let families: Vec<String> = v
            .families
            .iter()
            .map(|f| format!("{f:?}").to_lowercase())
            .collect();
        let mut f = Finding::new(
            &rules::HEURISTIC_VERDICT,
            format!(
                "{label}: suspicious code ({}), score {:.1}",
                families.join(", "),
                v.score
            ),
        )
        .severity(v.severity)
        .confidence(v.confidence)
        .location(Location::file(&p.origin));
        if let Some(pkg) = p.findings.iter().find_map(|f| f.package.clone()) {
            f = f.package(&pkg);
        }
        out.push(f);
        for hit in &p.findings {
            let mut hit = hit.clone();
            hit.severity = hit.severity.min(v.severity);
            out.push(hit);
        }
        notes.push(format!(
            "{label}: verdict {} (score {:.1}, {} files)",
            v.severity, v.score, p.files_scanned
        ));
    }
    (out, notes)
}

/// Inspects every path.
pub(crate) fn inspect_all(paths: &[PathBuf], password: Option<&[u8]>) -> Inspection {
    let mut all = Inspection::default();
    for p in paths {
        // The inspector checks every folder against the canonical root: give it one.
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        let mut one = chainwarden_inspect::inspect_path_with_password(
            &p,
            &InspectLimits::default(),
            password,
        );
        all.packages.append(&mut one.packages);
        all.errors.append(&mut one.errors);
        all.unopenable.append(&mut one.unopenable);
    }
    all
}

pub(crate) fn run(args: &InspectArgs) -> Result<u8> {
    super::check_paths(&args.paths)?;
    let config = Config::discover(args.output.config.as_deref(), &args.paths[0])?;
    let now = output::now();
    let inspection = inspect_all(
        &args.paths,
        args.archive_password.as_deref().map(str::as_bytes),
    );
    // A named target that could not be opened at all: nothing was inspected.
    if let Some(e) = inspection.unopenable.first() {
        anyhow::bail!(
            "{}; nothing was inspected (give a wheel, sdist, npm tarball, zip or a folder)",
            e.message
        );
    }
    // Fail-closed (the default of `inspect`, see output::Finish) raises what
    // could not be read or inspected to at least high.
    let (found, notes) = findings(&inspection);
    let inventory = Inventory {
        roots: args.paths.clone(),
        ..Default::default()
    };
    let mut notes = notes;
    notes.push(format!(
        "{} package(s) inspected",
        inspection.packages.len()
    ));
    output::Finish {
        args: &args.output,
        config: &config,
        now,
        inventory: &inventory,
        targets: &args.paths,
        notes,
        advisory_data: None,
        gate: true,
    }
    .report(found)
}
