//! Times `collect_site_dir` on one site dir: `cargo run --release -p
//! chainwarden-python --example time_site_dir -- <site-packages> [runs]`.
//! Prints the distribution count, edge count and the best / median wall time.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site_dir) = args.next() else {
        eprintln!("usage: time_site_dir <site-packages> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(50);
    let path = std::path::Path::new(&site_dir);
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut summary = (0usize, 0usize, 0usize);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let (collected, errors) = chainwarden_python::collect_site_dir(path);
        times.push(start.elapsed());
        let c = collected.map(|c| c.components).unwrap_or_default();
        summary = (
            c.len(),
            c.iter().map(|x| x.dependencies.len()).sum(),
            errors.len(),
        );
    }
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let best = times.first().copied().unwrap_or_default();
    println!(
        "{} distributions, {} edges, {} errors; best {:?}, median {:?} over {} runs",
        summary.0,
        summary.1,
        summary.2,
        best,
        median,
        times.len()
    );
}
