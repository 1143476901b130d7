//! Collects each lockfile given on the command line and prints a summary
//! line with the time taken: `cargo run --release -p chainwarden-lockfile
//! --example lockfile_summary -- uv.lock Cargo.lock`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use chainwarden_core::discover::classify;
use std::path::Path;
use std::time::Instant;

fn main() {
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let Some(kind) = classify(path) else {
            eprintln!("{arg}: not a lockfile name chainwarden knows");
            continue;
        };
        let start = Instant::now();
        match chainwarden_lockfile::collect(kind, path) {
            Ok(c) => {
                let elapsed = start.elapsed();
                let edges: usize = c.components.iter().map(|c| c.dependencies.len()).sum();
                let direct = c
                    .components
                    .iter()
                    .filter(|c| c.direct == Some(true))
                    .count();
                let hashes: usize = c.components.iter().map(|c| c.hashes.len()).sum();
                println!(
                    "{arg}: {} {:?}, {} components, {direct} direct, {edges} edges, {hashes} hashes in {:.2} ms",
                    c.source.format,
                    c.source.properties.get("lockfile_version"),
                    c.components.len(),
                    elapsed.as_secs_f64() * 1000.0
                );
            }
            Err(e) => println!("{}: error: {}", e.path.display(), e.message),
        }
    }
}
