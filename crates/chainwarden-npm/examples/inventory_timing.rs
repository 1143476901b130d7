//! Times the inventory of one project: its `node_modules` tree and its
//! lockfile. Usage: `cargo run --release --example inventory_timing -- <project dir>`.

#![allow(clippy::print_stdout)]

use chainwarden_core::discover::FileKind;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        println!("usage: inventory_timing <project dir>");
        return;
    };
    if std::env::args().nth(2).as_deref() == Some("--dump") {
        let (c, _) = chainwarden_npm::collect_node_modules(&dir.join("node_modules"), &dir);
        for comp in c.map(|c| c.components).unwrap_or_default() {
            println!("{}@{}", comp.package.name, comp.package.version);
        }
        return;
    }
    if std::env::args().nth(2).as_deref() == Some("--once") {
        let (c, _) = chainwarden_npm::collect_node_modules(&dir.join("node_modules"), &dir);
        println!("{} components", c.map_or(0, |c| c.components.len()));
        return;
    }
    let runs = 5;
    for _ in 0..runs {
        let t = Instant::now();
        let (c, errors) = chainwarden_npm::collect_node_modules(&dir.join("node_modules"), &dir);
        let n = c.map_or(0, |c| c.components.len());
        let edges_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "node_modules: {n} components, {} errors, {edges_ms:.1} ms",
            errors.len()
        );
    }
    let lock = dir.join("package-lock.json");
    if lock.is_file() {
        for _ in 0..runs {
            let t = Instant::now();
            match chainwarden_npm::collect_lockfile(FileKind::PackageLock, &lock) {
                Ok(c) => println!(
                    "package-lock.json: {} components, {:.1} ms",
                    c.components.len(),
                    t.elapsed().as_secs_f64() * 1000.0
                ),
                Err(e) => println!("package-lock.json: {}", e.message),
            }
        }
    }
}
