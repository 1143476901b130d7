//! Measures `verify` on one site-packages folder:
//! `cargo run --release -p chainwarden-integrity --example verify_bench -- SITE_DIR [BUFFER_KIB]`

#![allow(clippy::print_stdout)]

use chainwarden_integrity::{
    IocScanOptions, IocSet, VerifyOptions, env_root_for, scan_site_dir, verify_findings,
    verify_site_dir,
};
use std::path::PathBuf;
use std::time::Instant;

/// User+system CPU seconds of this process so far (Linux), to compare runs on
/// a loaded machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_comm = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after_comm
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the comm.
    (f.get(10).copied().unwrap_or(0.0) + f.get(11).copied().unwrap_or(0.0)) / 100.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next().map(PathBuf::from) else {
        println!("usage: verify_bench SITE_DIR [BUFFER_KIB]");
        return;
    };
    let mut opts = VerifyOptions::default();
    if let Some(kib) = args.next().and_then(|a| a.parse::<usize>().ok()) {
        opts.buffer_size = kib * 1024;
    }
    let root = env_root_for(&site);
    let (t, c) = (Instant::now(), cpu_seconds());
    let own = chainwarden_integrity::read_ownership(&site, &root);
    println!(
        "ownership: {} distributions, {} entries, seconds {:.3}, cpu seconds {:.2}",
        own.distributions.len(),
        own.entries.len(),
        t.elapsed().as_secs_f64(),
        cpu_seconds() - c
    );
    let matcher = IocSet::builtin().matcher();
    for deep in [false, true] {
        let (t, c) = (Instant::now(), cpu_seconds());
        let opts = IocScanOptions {
            deep,
            ..IocScanOptions::default()
        };
        let r = scan_site_dir(&site, &root, &matcher, &opts, None);
        println!(
            "ioc scan deep={deep}: files {} bytes {} hits {} seconds {:.3} cpu seconds {:.2}",
            r.files_read,
            r.bytes_read,
            r.hits.len(),
            t.elapsed().as_secs_f64(),
            cpu_seconds() - c
        );
    }
    for _ in 0..3 {
        let c = cpu_seconds();
        let r = verify_site_dir(&site, &root, &opts);
        let cpu = cpu_seconds() - c;
        let s = r.stats;
        println!(
            "dists {} entries {} files {} bytes {} seconds {:.3} GiB/s {:.3} cpu seconds {cpu:.2} findings {}",
            s.distributions,
            s.entries,
            s.files,
            s.bytes,
            s.seconds,
            s.bytes as f64 / s.seconds / (1u64 << 30) as f64,
            verify_findings(&r).len()
        );
    }
}
