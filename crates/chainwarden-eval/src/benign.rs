//! The benign set: every distribution installed in the aienv venv.

use crate::guarddog::{GdResult, GuardDog, private_tempdir};
use anyhow::{Result, bail};
use chainwarden_core::fsutil::{MAX_TEXT_FILE, join_inside, read_text};
use chainwarden_inspect::{InspectLimits, PackageResult, inspect_path};
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) struct BenignRun {
    pub(crate) packages: Vec<PackageResult>,
    pub(crate) wall: Duration,
    pub(crate) input_errors: usize,
}

pub(crate) fn run_ours(dir: &Path) -> Result<BenignRun> {
    if !dir.is_dir() {
        bail!(
            "{}: not a folder (build it with bench/build-aienv.sh)",
            dir.display()
        );
    }
    let start = Instant::now();
    let inspection = inspect_path(dir, &InspectLimits::default());
    let wall = start.elapsed();
    let mut packages = inspection.packages;
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(BenignRun {
        packages,
        wall,
        input_errors: inspection.errors.len(),
    })
}

/// Packages GuardDog is run on first (the AI stack's most used), the rest of
/// the sample is spread evenly over the sorted list.
const PREFERRED: [&str; 6] = [
    "requests",
    "openai",
    "litellm",
    "transformers",
    "boto3",
    "mlflow",
];

pub(crate) struct GdBenign {
    /// (our result index, GuardDog's result)
    pub(crate) results: Vec<(usize, GdResult)>,
    pub(crate) wall: Duration,
}

/// GuardDog and ours on a sample of the aienv distributions only (no full
/// aienv run): ours inspects each chosen distribution on its own.
pub(crate) fn run_sample_only(
    gd: &GuardDog,
    dir: &Path,
    n: usize,
) -> Result<(BenignRun, GdBenign)> {
    let site_dirs = chainwarden_core::discover::discover(
        &[dir.to_path_buf()],
        chainwarden_core::discover::WalkLimits::default(),
    )
    .site_dirs;
    let limits = InspectLimits::default();
    let mut packages = Vec::new();
    let start = Instant::now();
    for sd in &site_dirs {
        let mut dists: Vec<_> = std::fs::read_dir(sd)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "dist-info"))
            .collect();
        dists.sort();
        for d in dists {
            // Metadata only here: the names pick the sample.
            let name = read_text(&d.join("METADATA"), MAX_TEXT_FILE)
                .map(|t| chainwarden_archive::parse_core_metadata(&t).name)
                .unwrap_or_default();
            packages.push((name, sd.clone(), d));
        }
    }
    packages.sort_by(|a, b| a.0.cmp(&b.0));
    let mut chosen: Vec<usize> = (0..packages.len())
        .filter(|&i| PREFERRED.contains(&packages[i].0.as_str()))
        .collect();
    let rest = n.saturating_sub(chosen.len());
    if rest > 0 && !packages.is_empty() {
        let step = (packages.len() / rest).max(1);
        for i in (0..packages.len()).step_by(step) {
            if chosen.len() >= n {
                break;
            }
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
    }
    let mut ours = Vec::new();
    let mut results = Vec::new();
    for (k, &i) in chosen.iter().enumerate() {
        let (_, sd, d) = &packages[i];
        let r = chainwarden_inspect::inspect_distribution(dir, sd, d, &limits);
        let g = scan_dist(gd, &r)?;
        eprintln!(
            "benign {}/{}: {} ours {} in {:.0} ms; guarddog {} ({} issues, {:.1}s)",
            k + 1,
            chosen.len(),
            r.name,
            r.verdict.severity,
            r.elapsed.as_secs_f64() * 1000.0,
            g.label,
            g.issues,
            g.elapsed.as_secs_f64()
        );
        results.push((ours.len(), g));
        ours.push(r);
    }
    let wall = start.elapsed();
    Ok((
        BenignRun {
            packages: ours,
            wall,
            input_errors: 0,
        },
        GdBenign { results, wall },
    ))
}

pub(crate) fn run_guarddog(
    gd: &GuardDog,
    _dir: &Path,
    ours: &BenignRun,
    n: usize,
) -> Result<GdBenign> {
    let named: Vec<usize> = ours
        .packages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.origin.extension().is_some_and(|e| e == "dist-info"))
        .map(|(i, _)| i)
        .collect();
    let mut chosen: Vec<usize> = named
        .iter()
        .copied()
        .filter(|&i| PREFERRED.contains(&ours.packages[i].name.as_str()))
        .collect();
    let rest = n.saturating_sub(chosen.len());
    if rest > 0 && !named.is_empty() {
        let step = (named.len() / rest).max(1);
        for &i in named.iter().step_by(step) {
            if chosen.len() >= n {
                break;
            }
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
    }
    let start = Instant::now();
    let mut results = Vec::new();
    for (k, &i) in chosen.iter().enumerate() {
        let p = &ours.packages[i];
        let r = scan_dist(gd, p)?;
        eprintln!(
            "guarddog benign {}/{}: {} → {} ({} issues, {:.1}s)",
            k + 1,
            chosen.len(),
            p.name,
            r.label,
            r.issues,
            r.elapsed.as_secs_f64()
        );
        results.push((i, r));
    }
    Ok(GdBenign {
        results,
        wall: start.elapsed(),
    })
}

/// Copies the distribution's own files (its RECORD, below site-packages) into
/// a private folder and runs `guarddog pypi scan` on that folder, so GuardDog
/// reads exactly the files our inspection read.
fn scan_dist(gd: &GuardDog, p: &PackageResult) -> Result<GdResult> {
    let Some(site_dir) = p.origin.parent() else {
        bail!("{}: no site dir", p.origin.display());
    };
    let record = read_text(&p.origin.join("RECORD"), MAX_TEXT_FILE)?;
    let tmp = private_tempdir()?;
    let dest = tmp.path().join(&p.name);
    std::fs::create_dir_all(&dest)?;
    for line in record.lines() {
        let rel = line.split(',').next().unwrap_or_default();
        let (Some(src), Some(dst)) = (join_inside(site_dir, rel), join_inside(&dest, rel)) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&src, &dst)?;
    }
    let r = gd.scan("pypi", &dest, tmp.path());
    tmp.close()?;
    Ok(r)
}
