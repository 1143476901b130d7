//! chainwarden-eval: how well `inspect` finds real malware, how often it
//! flags a real AI environment, and the same for GuardDog, side by side.
//!
//! ```text
//! cargo run -p chainwarden-eval --release -- [--samples DIR] [--aienv DIR]
//!     [--guarddog] [--guarddog-venv DIR] [--guarddog-benign N]
//! ```
//! Samples are opened IN MEMORY (password `infected`); see `guarddog.rs` for
//! how GuardDog, which needs files, gets them. Nothing is installed or run.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod benign;
mod guarddog;
mod manifest;
mod report;
mod rss;
mod samples;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

const PASSWORD: &[u8] = b"infected";

pub(crate) struct Args {
    samples: PathBuf,
    aienv: Option<PathBuf>,
    guarddog: bool,
    guarddog_venv: PathBuf,
    guarddog_benign: usize,
    /// Only the first N samples (quick runs).
    limit: Option<usize>,
    /// Print every sample's verdict and misses.
    verbose: bool,
    /// GuardDog vs ours on a sample of aienv distributions only.
    benign_sample_only: bool,
    /// Only inspect this path and print each package's verdict and time.
    inspect: Option<PathBuf>,
}

fn parse_args() -> Result<Args> {
    let cache = std::env::var_os("CHAINWARDEN_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/testcache"));
    let mut a = Args {
        samples: PathBuf::from("/work/shared/data/malware-samples"),
        aienv: None,
        guarddog: false,
        guarddog_venv: cache.join("guarddog-venv"),
        guarddog_benign: 30,
        limit: None,
        verbose: false,
        inspect: None,
        benign_sample_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--samples" => a.samples = value("--samples")?.into(),
            "--aienv" => a.aienv = Some(value("--aienv")?.into()),
            "--guarddog" => a.guarddog = true,
            "--guarddog-venv" => a.guarddog_venv = value("--guarddog-venv")?.into(),
            "--guarddog-benign" => a.guarddog_benign = value("--guarddog-benign")?.parse()?,
            "--limit" => a.limit = Some(value("--limit")?.parse()?),
            "-v" | "--verbose" => a.verbose = true,
            "--benign-sample-only" => a.benign_sample_only = true,
            "--inspect" => a.inspect = Some(value("--inspect")?.into()),
            "-h" | "--help" => {
                println!(
                    "usage: chainwarden-eval [--samples DIR] [--aienv DIR] [--guarddog] \
                     [--guarddog-venv DIR] [--guarddog-benign N] [--limit N] [-v]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}` (see --help)"),
        }
    }
    Ok(a)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    if let Some(path) = &args.inspect {
        report::inspect_one(path);
        return Ok(());
    }
    if args.benign_sample_only {
        let gd = guarddog::GuardDog::new(&args.guarddog_venv)?;
        let dir = args
            .aienv
            .as_deref()
            .context("--benign-sample-only needs --aienv")?;
        let (ours, gdb) = benign::run_sample_only(&gd, dir, args.guarddog_benign)?;
        report::benign_comparison(&ours, &gdb);
        return Ok(());
    }
    let mut all = manifest::read(&args.samples.join("MANIFEST.tsv"))?;
    if let Some(n) = args.limit {
        all.truncate(n);
    }
    let gd = if args.guarddog {
        Some(guarddog::GuardDog::new(&args.guarddog_venv)?)
    } else {
        None
    };

    let ours = samples::run_ours(&all, PASSWORD);
    let rss_after_samples = rss::peak_rss_kib();
    report::samples(&all, &ours, args.verbose);

    let benign = match &args.aienv {
        Some(dir) => Some(benign::run_ours(dir)?),
        None => None,
    };
    if let Some(b) = &benign {
        report::benign(b);
    }
    let rss_final = rss::peak_rss_kib();
    println!(
        "\npeak RSS (VmHWM): {} MiB after samples, {} MiB at end",
        rss_after_samples.unwrap_or(0) / 1024,
        rss_final.unwrap_or(0) / 1024
    );

    if let Some(gd) = &gd {
        let gd_samples = samples::run_guarddog(gd, &all, PASSWORD);
        let gd_benign = match (&args.aienv, &benign) {
            (Some(dir), Some(b)) => Some(benign::run_guarddog(gd, dir, b, args.guarddog_benign)?),
            _ => None,
        };
        report::comparison(
            &all,
            &ours,
            &gd_samples,
            benign.as_ref(),
            gd_benign.as_ref(),
            args.verbose,
        );
    }
    Ok(())
}
