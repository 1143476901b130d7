//! `chainwarden why NAME`: every path from a top-level package to NAME.

use crate::cli::{FormatArg, WhyArgs};
use crate::pipeline;
use anyhow::{Result, bail};
use chainwarden_core::graph::paths_to;
use chainwarden_core::package::normalize_name;
use chainwarden_core::{ComponentId, Inventory};
use serde::Serialize;
use std::io::Write;

/// At most this many paths per occurrence: enough to see the pattern.
const MAX_PATHS: usize = 50;

#[derive(Serialize)]
struct Occurrence {
    source: String,
    package: String,
    version: String,
    paths: Vec<Vec<String>>,
}

fn label(inv: &Inventory, id: ComponentId) -> String {
    let c = inv.component(id);
    format!("{} {}", c.display_name, c.package.version)
}

pub(crate) fn run(args: &WhyArgs) -> Result<u8> {
    let paths = super::paths_or_dot(&args.paths);
    super::check_paths(&paths)?;
    let (inv, _) = pipeline::collect(&paths, pipeline::Scope::Everything);
    let mut found = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        if normalize_name(c.package.ecosystem, &args.name) != c.package.name {
            continue;
        }
        let id = ComponentId(i);
        let src = inv.source(c.source);
        let paths: Vec<Vec<String>> = paths_to(&inv, id, MAX_PATHS)
            .into_iter()
            .map(|p| p.into_iter().map(|n| label(&inv, n)).collect())
            .collect();
        found.push(Occurrence {
            source: format!("{} ({})", src.path.display(), src.format),
            package: c.display_name.clone(),
            version: c.package.version.clone(),
            paths,
        });
    }
    if found.is_empty() {
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
    let mut out = std::io::stdout().lock();
    if args.format == FormatArg::Json {
        serde_json::to_writer_pretty(&mut out, &found)?;
        writeln!(out)?;
        return Ok(0);
    }
    for occ in &found {
        writeln!(out, "{} {} in {}", occ.package, occ.version, occ.source)?;
        if occ.paths.iter().all(|p| p.len() == 1) {
            writeln!(out, "  top-level: nothing else requires it")?;
        }
        for p in occ.paths.iter().filter(|p| p.len() > 1) {
            writeln!(out, "  {}", p.join(" → "))?;
        }
        if occ.paths.len() >= MAX_PATHS {
            writeln!(out, "  … (first {MAX_PATHS} paths shown)")?;
        }
    }
    Ok(0)
}
