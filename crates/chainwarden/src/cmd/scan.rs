//! `chainwarden scan`: inventory + advisories + start-up hooks + policy.

use crate::cli::{CheckArgs, OutputArgs, ScanArgs};
use crate::config::{Config, apply_ignores};
use crate::{output, pipeline, rules};
use anyhow::Result;
use chainwarden_report::Report;

pub(crate) fn run(args: &ScanArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    run_on(&paths, pipeline::Scope::Everything, &args.output)
}

/// `chainwarden check`: the repository only, no installed environments.
pub(crate) fn check(args: &CheckArgs) -> Result<u8> {
    let paths = vec![args.path.clone().unwrap_or_else(|| ".".into())];
    run_on(&paths, pipeline::Scope::Repository, &args.output)
}

fn run_on(paths: &[std::path::PathBuf], scope: pipeline::Scope, out: &OutputArgs) -> Result<u8> {
    super::check_paths(paths)?;
    let config = Config::discover(out.config.as_deref(), &paths[0])?;
    let now = output::now();
    let (inventory, found) = pipeline::collect(paths, scope);
    let findings = pipeline::analyze(
        &inventory,
        &found,
        &pipeline::AnalyzeOptions {
            config: &config,
            now,
        },
    );
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut applied = apply_ignores(&config, findings, today);
    sort(&mut applied.kept);
    let all_rules = rules::all();
    let target = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = Report::new(
        &inventory,
        &applied.kept,
        &all_rules,
        now.to_string(),
        target,
    );
    if !applied.ignored.is_empty() {
        report.notes.push(format!(
            "{} finding(s) ignored by chainwarden.toml",
            applied.ignored.len()
        ));
    }
    output::write(out, &report)?;
    Ok(output::exit_code(
        &applied.kept,
        output::fail_on(out, &config),
    ))
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
