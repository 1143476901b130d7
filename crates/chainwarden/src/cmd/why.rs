//! `chainwarden why NAME`: every path from a top-level package to NAME.

use crate::cli::{WhyArgs, WhyFormatArg};
use crate::pipeline;
use anyhow::{Result, bail};
use chainwarden_core::ComponentId;
use chainwarden_core::graph::paths_to;
use chainwarden_core::package::normalize_name;
use chainwarden_report::why::{self, WhyReport};

/// At most this many paths per occurrence: enough to see the pattern.
const MAX_PATHS: usize = 50;

pub(crate) fn run(args: &WhyArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    super::check_paths(&paths)?;
    let (inv, _) = pipeline::collect(&paths, pipeline::Scope::Everything);
    let occurrences: Vec<_> = inv
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| normalize_name(c.package.ecosystem, &args.name) == c.package.name)
        .map(|(i, _)| (ComponentId(i), paths_to(&inv, ComponentId(i), MAX_PATHS)))
        .collect();
    if occurrences.is_empty() {
        bail!(
            "`{}` is not in any environment or lockfile under {}",
            args.name,
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let report = WhyReport {
        inventory: &inv,
        query: &args.name,
        occurrences,
        max_paths: MAX_PATHS,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        WhyFormatArg::Json => why::write_json(&report, &mut out)?,
        WhyFormatArg::Table => why::write_table(&report, &mut out)?,
    }
    Ok(0)
}
