//! Measurement helper: time of each rule's regex (and of the one-pass sets)
//! over a file. `cargo run --release --example rule_timing -- FILE`.

#![allow(clippy::print_stdout)]

use chainwarden_heuristics::families::ALL;
use chainwarden_heuristics::rule::Matcher;
use std::time::Instant;

fn main() {
    for path in std::env::args().skip(1) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        let mut times = Vec::new();
        let mut all = Vec::new();
        for rule in ALL.iter().flat_map(|f| f.iter()) {
            let Matcher::Pattern { regex, .. } = rule.matcher else {
                continue;
            };
            let Ok(re) = regex::Regex::new(regex) else {
                continue;
            };
            all.push(regex);
            let t = Instant::now();
            let n = re.find_iter(&text).count();
            times.push((t.elapsed(), rule.meta.id, n));
        }
        times.sort();
        for (t, id, n) in times.iter().rev().take(8) {
            println!("{path}: {id} {n} matches in {t:?}");
        }
        if let Ok(set) = regex::RegexSet::new(&all) {
            let t = Instant::now();
            let m = set.matches(&text).iter().count();
            println!(
                "{path}: set of {} rules: {m} matched in {:?}",
                all.len(),
                t.elapsed()
            );
        }
    }
}
