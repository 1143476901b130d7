//! The tables.

use crate::benign::{BenignRun, GdBenign};
use crate::manifest::Sample;
use crate::samples::{GdRun, OursRun};
use chainwarden_core::{Finding, Severity};
use chainwarden_inspect::PackageResult;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

const ECOSYSTEMS: [&str; 2] = ["PyPI", "npm"];

fn severity(r: &PackageResult) -> Severity {
    r.verdict.severity
}

fn at_least(r: &PackageResult, s: Severity) -> bool {
    severity(r) >= s
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn rules_of(r: &PackageResult) -> BTreeSet<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn top_findings(r: &PackageResult, n: usize) -> Vec<&Finding> {
    let mut f: Vec<&Finding> = r.findings.iter().collect();
    f.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
    });
    f.truncate(n);
    f
}

fn describe(f: &Finding) -> String {
    let loc = f
        .location
        .as_ref()
        .map(|l| {
            let line = l.line.map(|n| format!(":{n}")).unwrap_or_default();
            format!("{}{line}", l.path.display())
        })
        .unwrap_or_default();
    format!("{} [{}] {} — {}", f.rule, f.severity, loc, f.message)
}

pub(crate) fn samples(all: &[Sample], ours: &OursRun, verbose: bool) {
    println!("# Malware samples (ours: chainwarden inspect, in memory)\n");
    println!(
        "| ecosystem | samples | detected (≥high) | recall | ≥medium | recall ≥medium | unreadable | time total (CPU) | time / package |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for eco in ECOSYSTEMS {
        let idx: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].ecosystem == eco && all[i].is_malicious())
            .collect();
        let n = idx.len();
        let mut high = 0;
        let mut medium = 0;
        let mut unreadable = 0;
        let mut cpu = Duration::ZERO;
        for &i in &idx {
            let o = &ours.per_sample[i];
            cpu += o.elapsed;
            match &o.result {
                Ok(r) => {
                    high += usize::from(at_least(r, Severity::High));
                    medium += usize::from(at_least(r, Severity::Medium));
                }
                Err(_) => unreadable += 1,
            }
        }
        println!(
            "| {eco} | {n} | {high} | {} | {medium} | {} | {unreadable} | {} | {} |",
            pct(high, n),
            pct(medium, n),
            ms(cpu),
            ms(cpu / (n.max(1) as u32))
        );
    }
    println!(
        "\nwall time for all {} samples (rayon, {} threads): {}",
        all.len(),
        rayon::current_num_threads(),
        ms(ours.wall)
    );

    let mut slow: Vec<(Duration, &str, usize, u64)> = all
        .iter()
        .zip(&ours.per_sample)
        .map(|(s, o)| {
            let (files, bytes) = o
                .result
                .as_ref()
                .map_or((0, 0), |r| (r.files_scanned, r.bytes_scanned));
            (o.elapsed, s.upstream.as_str(), files, bytes)
        })
        .collect();
    slow.sort_by_key(|b| std::cmp::Reverse(b.0));
    println!("\nslowest samples:");
    for (d, name, files, bytes) in slow.iter().take(5) {
        println!("- {name}: {} ({files} files, {bytes} bytes)", ms(*d));
    }

    for eco in ECOSYSTEMS {
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        let mut n = 0;
        for (s, o) in all.iter().zip(&ours.per_sample) {
            if s.ecosystem != eco || !s.is_malicious() {
                continue;
            }
            n += 1;
            if let Ok(r) = &o.result {
                for rule in rules_of(r) {
                    *per_rule.entry(rule).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(&str, usize)> = per_rule.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        println!("\n## {eco}: samples each rule fired on (of {n})\n");
        println!("| rule | samples |");
        println!("|---|---:|");
        for (rule, c) in v {
            println!("| {rule} | {c} |");
        }
    }

    println!("\n## Not detected at ≥high\n");
    for (s, o) in all.iter().zip(&ours.per_sample) {
        if !s.is_malicious() {
            continue;
        }
        match &o.result {
            Ok(r) if at_least(r, Severity::High) => {
                if verbose {
                    println!("- hit {}: {:?}", s.upstream, severity(r));
                }
            }
            Ok(r) => {
                let rules: Vec<&str> = rules_of(r).into_iter().collect();
                println!(
                    "- {} ({}): verdict {:?}, {} files; rules: {}",
                    s.upstream,
                    s.ecosystem,
                    severity(r),
                    r.files_scanned,
                    if rules.is_empty() {
                        "none".into()
                    } else {
                        rules.join(", ")
                    }
                );
            }
            Err(e) => println!("- {} ({}): unreadable: {e}", s.upstream, s.ecosystem),
        }
    }
    for (s, o) in all.iter().zip(&ours.per_sample) {
        if s.is_malicious() {
            continue;
        }
        if let Ok(r) = &o.result {
            println!(
                "\nnegative example {} ({}): verdict {:?}",
                s.upstream,
                s.label,
                severity(r)
            );
        }
    }
}

pub(crate) fn benign(b: &BenignRun) {
    let n = b.packages.len();
    let high: Vec<&PackageResult> = b
        .packages
        .iter()
        .filter(|r| at_least(r, Severity::High))
        .collect();
    let medium = b
        .packages
        .iter()
        .filter(|r| at_least(r, Severity::Medium))
        .count();
    let files: usize = b.packages.iter().map(|r| r.files_scanned).sum();
    let bytes: u64 = b.packages.iter().map(|r| r.bytes_scanned).sum();
    let cpu: Duration = b.packages.iter().map(|r| r.elapsed).sum();
    println!("\n# Benign: aienv (every installed distribution)\n");
    println!(
        "| packages | flagged ≥high | FP rate | ≥medium | files scanned | MiB scanned | wall | CPU / package |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {n} | {} | {} | {medium} | {files} | {:.0} | {} | {} |",
        high.len(),
        pct(high.len(), n),
        bytes as f64 / 1048576.0,
        ms(b.wall),
        ms(cpu / (n.max(1) as u32))
    );
    if b.input_errors > 0 {
        println!("\n({} input errors)", b.input_errors);
    }
    println!("\n## Benign packages flagged ≥high, with their top hits\n");
    for r in &high {
        println!("- {} {} ({:?})", r.name, r.version, severity(r));
        for f in top_findings(r, 3) {
            println!("  - {}", describe(f));
        }
    }
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &b.packages {
        for rule in rules_of(r) {
            *per_rule.entry(rule).or_default() += 1;
        }
    }
    let mut v: Vec<(&str, usize)> = per_rule.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("\n## Benign: packages each rule fired on (any severity, of {n})\n");
    println!("| rule | packages |");
    println!("|---|---:|");
    for (rule, c) in v {
        println!("| {rule} | {c} |");
    }
}

pub(crate) fn comparison(
    all: &[Sample],
    ours: &OursRun,
    gd: &GdRun,
    benign: Option<&BenignRun>,
    gd_benign: Option<&GdBenign>,
    verbose: bool,
) {
    println!("\n# Ours vs GuardDog 3.2.0\n");
    println!(
        "Detection rule: ours = verdict ≥ high (also ≥ medium); GuardDog = its own risk label \
         `high_risk` (score ≥ 7; also ≥ `suspicious`, score ≥ 5) and, as the brief's looser rule, \
         ≥ 1 issue of any rule."
    );
    println!(
        "GuardDog time is the wall time of one `guarddog … scan` process (interpreter start-up \
         included); ours is the in-process time of one package.\n"
    );
    println!(
        "| ecosystem | tool | samples | recall ≥high | recall ≥medium | recall ≥1 issue | errors | time / package |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for eco in ECOSYSTEMS {
        let idx: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].ecosystem == eco && all[i].is_malicious())
            .collect();
        let n = idx.len();
        let (mut oh, mut om, mut ot) = (0, 0, Duration::ZERO);
        let (mut gh, mut gm, mut ga, mut ge, mut gt) = (0, 0, 0, 0, Duration::ZERO);
        for &i in &idx {
            let o = &ours.per_sample[i];
            ot += o.elapsed;
            if let Ok(r) = &o.result {
                oh += usize::from(at_least(r, Severity::High));
                om += usize::from(at_least(r, Severity::Medium));
            }
            let g = &gd.per_sample[i];
            gt += g.elapsed;
            gh += usize::from(g.high());
            gm += usize::from(g.medium());
            ga += usize::from(g.any_issue());
            ge += usize::from(g.label.is_empty());
        }
        let d = n.max(1) as u32;
        println!(
            "| {eco} | chainwarden | {n} | {} | {} | - | 0 | {} |",
            pct(oh, n),
            pct(om, n),
            ms(ot / d)
        );
        println!(
            "| {eco} | GuardDog | {n} | {} | {} | {} | {ge} | {} |",
            pct(gh, n),
            pct(gm, n),
            pct(ga, n),
            ms(gt / d)
        );
        let ratio = (gt / d).as_secs_f64() / (ot / d).as_secs_f64().max(1e-9);
        println!("| {eco} | speed ratio | | | | | | GuardDog / ours = {ratio:.0}x |");
    }
    if verbose {
        for (s, g) in all.iter().zip(&gd.per_sample) {
            println!(
                "- guarddog {}: {} score {:.1} issues {} rules {:?}{}",
                s.upstream,
                g.label,
                g.score,
                g.issues,
                g.rules,
                g.error
                    .as_deref()
                    .map(|e| format!(" error {e}"))
                    .unwrap_or_default()
            );
        }
    }
    let mut gd_rules: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, g) in all.iter().zip(&gd.per_sample) {
        if s.is_malicious() {
            for r in &g.rules {
                *gd_rules.entry(r.as_str()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(&str, usize)> = gd_rules.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("\n## GuardDog: malicious samples each rule fired on\n");
    println!("| rule | samples |");
    println!("|---|---:|");
    for (rule, c) in v.iter().take(30) {
        println!("| {rule} | {c} |");
    }
    println!(
        "\nGuardDog wall time, all samples (sequential): {:.1} s",
        gd.wall.as_secs_f64()
    );

    let (Some(b), Some(gb)) = (benign, gd_benign) else {
        return;
    };
    benign_comparison(b, gb);
}

/// GuardDog and ours on the same benign distributions.
pub(crate) fn benign_comparison(b: &BenignRun, gb: &GdBenign) {
    let n = gb.results.len();
    let (mut oh, mut om, mut ot) = (0, 0, Duration::ZERO);
    let (mut gh, mut gm, mut ga, mut gt) = (0, 0, 0, Duration::ZERO);
    println!("\n## Benign sample for GuardDog ({n} aienv distributions)\n");
    println!("| package | ours | ours time | GuardDog label | GuardDog issues | GuardDog time |");
    println!("|---|---|---:|---|---:|---:|");
    for (i, g) in &gb.results {
        let r = &b.packages[*i];
        oh += usize::from(at_least(r, Severity::High));
        om += usize::from(at_least(r, Severity::Medium));
        ot += r.elapsed;
        gh += usize::from(g.high());
        gm += usize::from(g.medium());
        ga += usize::from(g.any_issue());
        gt += g.elapsed;
        println!(
            "| {} | {:?} | {} | {} | {} | {} |",
            r.name,
            severity(r),
            ms(r.elapsed),
            if g.label.is_empty() {
                "error"
            } else {
                &g.label
            },
            g.issues,
            ms(g.elapsed)
        );
    }
    let d = n.max(1) as u32;
    println!(
        "\n| tool | benign packages | flagged ≥high | flagged ≥medium | flagged ≥1 issue | time / package |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| chainwarden | {n} | {oh} ({}) | {om} ({}) | - | {} |",
        pct(oh, n),
        pct(om, n),
        ms(ot / d)
    );
    println!(
        "| GuardDog | {n} | {gh} ({}) | {gm} ({}) | {ga} ({}) | {} |",
        pct(gh, n),
        pct(gm, n),
        pct(ga, n),
        ms(gt / d)
    );
    let ratio = (gt / d).as_secs_f64() / (ot / d).as_secs_f64().max(1e-9);
    println!("\nspeed ratio on benign packages: GuardDog / ours = {ratio:.0}x");
    println!(
        "GuardDog wall time, benign sample (sequential): {:.1} s",
        gb.wall.as_secs_f64()
    );
}

/// `--inspect PATH`: every package's verdict, time and top findings.
pub(crate) fn inspect_one(path: &std::path::Path) {
    let start = std::time::Instant::now();
    let inspection =
        chainwarden_inspect::inspect_path(path, &chainwarden_inspect::InspectLimits::default());
    let wall = start.elapsed();
    for r in &inspection.packages {
        println!(
            "{} {} [{}] score {:.1}: {} files, {} bytes, {}",
            r.name,
            r.version,
            r.verdict.severity,
            r.verdict.score,
            r.files_scanned,
            r.bytes_scanned,
            ms(r.elapsed)
        );
        for f in top_findings(r, 5) {
            println!("  - {}", describe(f));
        }
    }
    for e in &inspection.errors {
        println!("error: {e:?}");
    }
    println!("wall {}", ms(wall));
}
