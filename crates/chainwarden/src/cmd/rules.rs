//! `chainwarden rules`: every rule id, what it means, how to fix and ignore it.

use crate::cli::RulesArgs;
use anyhow::{Result, bail};
use std::io::Write;

pub(crate) fn run(args: &RulesArgs) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    if args.markdown {
        out.write_all(crate::rules::markdown().as_bytes())?;
        return Ok(0);
    }
    let all = crate::rules::all();
    match &args.id {
        Some(id) => {
            let Some(r) = all.iter().find(|r| r.id == id.as_str()) else {
                bail!("no rule `{id}`; `chainwarden rules` lists them all");
            };
            writeln!(
                out,
                "{}  ({})\n\n{}.\n\nWhy it matters: {}\n\nHow to fix: {}\n\nHow to ignore: add to chainwarden.toml\n  [[ignore]]\n  id = \"{}\"\n  reason = \"…\"\n  expires = \"YYYY-MM-DD\"",
                r.id, r.default_severity, r.summary, r.why, r.fix, r.id
            )?;
        }
        None => {
            let width = all.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &all {
                writeln!(
                    out,
                    "{:width$}  {:8}  {}",
                    r.id,
                    r.default_severity.as_str(),
                    r.summary
                )?;
            }
        }
    }
    Ok(0)
}
