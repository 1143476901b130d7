//! `chainwarden scan` and `chainwarden check`: collect, analyze, report.

use crate::cli::{AdvisoryArgs, CheckArgs, OutputArgs, ScanArgs};
use crate::config::Config;
use crate::{advisories, output, pipeline};
use anyhow::Result;
use std::path::PathBuf;

pub(crate) fn run(args: &ScanArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    let scope = if args.deep {
        pipeline::Scope::Deep
    } else {
        pipeline::Scope::Everything
    };
    run_on(
        &paths,
        scope,
        &args.exclude.exclude,
        &args.advisory,
        &args.output,
    )
}

/// `chainwarden check`: the repository only, no installed environments.
pub(crate) fn check(args: &CheckArgs) -> Result<u8> {
    let paths = vec![args.path.clone().unwrap_or_else(|| ".".into())];
    run_on(
        &paths,
        pipeline::Scope::Repository,
        &args.exclude.exclude,
        &args.advisory,
        &args.output,
    )
}

fn run_on(
    paths: &[PathBuf],
    scope: pipeline::Scope,
    exclude: &[String],
    advisory: &AdvisoryArgs,
    out: &OutputArgs,
) -> Result<u8> {
    super::check_paths(paths)?;
    let config = Config::discover(out.config.as_deref(), &paths[0])?;
    let now = output::now();
    let max_age = config
        .max_advisory_age_days
        .unwrap_or(advisories::DEFAULT_MAX_AGE_DAYS);
    let selected = advisories::select(advisory, max_age, now)?;
    let walk = pipeline::walk_options(&config, exclude)?;
    let (mut inventory, found) = pipeline::collect_with(paths, scope, &walk);
    let mut online_notes = Vec::new();
    if advisory.online {
        if config.policy.min_release_age_days > 0 {
            online_notes = crate::online::fill_upload_times(&mut inventory);
        } else {
            online_notes.push("--online looks up upload times for the cooldown policy, which is off: set `[policy] min-release-age-days`".into());
        }
    }
    let opts = pipeline::AnalyzeOptions {
        config: &config,
        now,
        advisories: selected.db.as_ref(),
        scope,
    };
    let mut findings = pipeline::analyze(&inventory, &found, &opts);
    let mut exposure_notes = Vec::new();
    if scope != pipeline::Scope::Repository && findings.iter().any(compromise) {
        // The first-hour question after a stealer ran: what could it read here?
        if let Some(home) = super::exposure::home(None).filter(|h| h.is_dir()) {
            let (exposed, notes) = super::exposure::findings(&home);
            exposure_notes.push(if exposed.is_empty() {
                format!("a malicious package or start-up hook was found: no credential files were found under {}; check other users and CI secrets too", home.display())
            } else {
                format!(
                    "a malicious package or start-up hook was found: {} credential(s) under {} were readable by it; rotate each (see the exposure/* findings)",
                    exposed.len(),
                    home.display()
                )
            });
            exposure_notes.extend(notes);
            findings.extend(exposed);
        }
    }
    let mut notes = selected.notes;
    notes.extend(exposure_notes);
    notes.extend(online_notes);
    output::Finish {
        args: out,
        config: &config,
        now,
        inventory: &inventory,
        targets: paths,
        notes,
        advisory_data: selected.db.as_ref().map(advisories::data_info),
        gate: scope == pipeline::Scope::Repository,
    }
    .report(findings)
}

/// A finding that means code of an attacker may have run on this host.
fn compromise(f: &chainwarden_core::Finding) -> bool {
    f.severity == chainwarden_core::Severity::Critical
        && (f.rule == "advisory/malicious" || f.rule.starts_with("hook/") || f.rule == "ioc/match")
}

/// Most severe first, then by rule and place, so output is stable.
pub(crate) fn sort(findings: &mut [chainwarden_core::Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.package.cmp(&b.package))
    });
}
