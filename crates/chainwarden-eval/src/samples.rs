//! The malware samples: ours in memory, GuardDog through a private folder.

use crate::guarddog::{GdResult, GuardDog};
use crate::manifest::Sample;
use chainwarden_inspect::{InspectLimits, PackageResult, inspect_archive};
use rayon::prelude::*;
use std::time::{Duration, Instant};

pub(crate) struct Ours {
    pub(crate) result: Result<PackageResult, String>,
    pub(crate) elapsed: Duration,
}

pub(crate) struct OursRun {
    pub(crate) per_sample: Vec<Ours>,
    pub(crate) wall: Duration,
}

/// Every sample, opened and scanned in memory, in parallel.
pub(crate) fn run_ours(samples: &[Sample], password: &[u8]) -> OursRun {
    let limits = InspectLimits::default();
    let start = Instant::now();
    let per_sample = samples
        .par_iter()
        .map(|s| {
            let t = Instant::now();
            let result = std::fs::read(&s.zip)
                .map_err(|e| format!("{}: {e}", s.zip.display()))
                .and_then(|bytes| {
                    inspect_archive(&s.upstream, &bytes, &s.zip, &limits.archive, Some(password))
                        .map_err(|e| e.to_string())
                });
            Ours {
                result,
                elapsed: t.elapsed(),
            }
        })
        .collect();
    OursRun {
        per_sample,
        wall: start.elapsed(),
    }
}

pub(crate) struct GdRun {
    pub(crate) per_sample: Vec<GdResult>,
    pub(crate) wall: Duration,
}

/// Every sample through GuardDog, one at a time.
pub(crate) fn run_guarddog(gd: &GuardDog, samples: &[Sample], password: &[u8]) -> GdRun {
    let start = Instant::now();
    let mut per_sample = Vec::with_capacity(samples.len());
    for (i, s) in samples.iter().enumerate() {
        let r = gd.scan_sample(s, password);
        eprintln!(
            "guarddog sample {}/{}: {} → {} ({} issues, {:.1}s){}",
            i + 1,
            samples.len(),
            s.upstream,
            r.label,
            r.issues,
            r.elapsed.as_secs_f64(),
            r.error
                .as_deref()
                .map(|e| format!(" [{e}]"))
                .unwrap_or_default()
        );
        per_sample.push(r);
    }
    GdRun {
        per_sample,
        wall: start.elapsed(),
    }
}
