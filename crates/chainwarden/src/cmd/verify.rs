//! `chainwarden verify`: re-hash every installed file against its RECORD.

use crate::cli::VerifyArgs;
use crate::config::Config;
use crate::{output, pipeline};
use anyhow::Result;

pub(crate) fn run(args: &VerifyArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    super::check_paths(&paths)?;
    let config = Config::discover(args.output.config.as_deref(), &paths[0])?;
    let now = output::now();
    let walk = pipeline::walk_options(&config, &[])?;
    let (inventory, found) = pipeline::collect_with(&paths, pipeline::Scope::Everything, &walk);
    if found.site_dirs.is_empty() {
        anyhow::bail!(
            "no installed Python environment under {} (give a virtualenv, an environment root or a site-packages folder)",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let started = std::time::Instant::now();
    let mut findings = pipeline::input_findings(&inventory, &found);
    findings.extend(pipeline::site_dir_checks(
        &found.site_dirs,
        pipeline::SiteChecks {
            hooks: false,
            verify: true,
            deep_indicators: false,
        },
    ));
    let elapsed = started.elapsed();
    let notes = vec![format!(
        "verified {} distributions in {} environment(s) in {:.2} s",
        inventory.components.len(),
        found.site_dirs.len(),
        elapsed.as_secs_f64()
    )];
    output::Finish {
        args: &args.output,
        config: &config,
        now,
        inventory: &inventory,
        targets: &paths,
        notes,
        advisory_data: None,
        gate: true,
    }
    .report(findings)
}
