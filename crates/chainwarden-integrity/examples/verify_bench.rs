//! Measures `verify` on one site-packages folder:
//! `cargo run --release -p chainwarden-integrity --example verify_bench -- SITE_DIR [BUFFER_KIB]`

#![allow(clippy::print_stdout)]

use chainwarden_integrity::{VerifyOptions, env_root_for, verify_findings, verify_site_dir};
use std::path::PathBuf;

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
    for _ in 0..3 {
        let r = verify_site_dir(&site, &root, &opts);
        let s = r.stats;
        println!(
            "dists {} entries {} files {} bytes {} seconds {:.3} GiB/s {:.3} findings {}",
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
