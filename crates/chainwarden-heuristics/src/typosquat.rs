//! Typosquat check against the shipped popularity lists (`data/`).

use crate::families::typosquat::NAME;
use crate::rule::{Hit, snippet};
use chainwarden_core::Ecosystem;
use chainwarden_core::package::normalize_name;
use std::collections::HashSet;
use std::sync::OnceLock;

const PYPI: &str = include_str!("../data/popular-pypi.txt");
const NPM: &str = include_str!("../data/popular-npm.txt");

/// Shortest popular name that is checked: shorter names (`six`, `rich`) sit
/// one edit away from too many honest names.
const MIN_TARGET_LEN: usize = 5;

struct List {
    names: Vec<String>,
    set: HashSet<String>,
}

fn list(ecosystem: Ecosystem) -> Option<&'static List> {
    static PY: OnceLock<List> = OnceLock::new();
    static JS: OnceLock<List> = OnceLock::new();
    let build = |text: &str| {
        let names: Vec<String> = text
            .lines()
            .map(|l| normalize_name(ecosystem, l).to_ascii_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        let set = names.iter().cloned().collect();
        List { names, set }
    };
    match ecosystem {
        Ecosystem::PyPI => Some(PY.get_or_init(|| build(PYPI))),
        Ecosystem::Npm => Some(JS.get_or_init(|| build(NPM))),
        _ => None,
    }
}

/// Whether `name` is on the shipped popularity list of its ecosystem.
pub fn is_popular(ecosystem: Ecosystem, name: &str) -> bool {
    let n = normalize_name(ecosystem, name).to_ascii_lowercase();
    list(ecosystem).is_some_and(|l| l.set.contains(&n))
}

/// The popular name `name` imitates, if any.
pub fn squatted(ecosystem: Ecosystem, name: &str) -> Option<&'static str> {
    let list = list(ecosystem)?;
    let n = normalize_name(ecosystem, name).to_ascii_lowercase();
    if n.starts_with('@') || list.set.contains(&n) || n.len() < MIN_TARGET_LEN - 1 {
        return None;
    }
    let squashed = squash(&n);
    for target in &list.names {
        if target.len() < MIN_TARGET_LEN || target.starts_with('@') {
            continue;
        }
        let limit = if target.len() >= 10 { 2 } else { 1 };
        if n.len().abs_diff(target.len()) > limit {
            continue;
        }
        if squash(target) == squashed || damerau_levenshtein(&n, target, limit) <= limit {
            return Some(target.as_str());
        }
    }
    None
}

/// Typosquat hit for a package name.
pub fn check(ecosystem: Ecosystem, name: &str, path: &str) -> Option<Hit> {
    let target = squatted(ecosystem, name)?;
    Some(Hit {
        rule: &NAME,
        severity: NAME.meta.default_severity,
        confidence: NAME.confidence,
        path: path.to_string(),
        line: 0,
        snippet: snippet(&format!(
            "`{name}` is a near miss of the popular `{target}`"
        )),
        layer: 0,
        family: NAME.family,
    })
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect()
}

/// Optimal-string-alignment Damerau-Levenshtein distance, stopping early
/// once every cell of a row exceeds `limit`.
pub fn damerau_levenshtein(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[w - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(damerau_levenshtein("requests", "reqeusts", 2), 1);
        assert_eq!(damerau_levenshtein("urllib3", "urlib3", 2), 1);
        assert_eq!(damerau_levenshtein("abc", "abc", 2), 0);
        assert_eq!(damerau_levenshtein("kitten", "sitting", 5), 3);
        assert_eq!(damerau_levenshtein("numpy", "pandas", 1), 2);
        assert_eq!(damerau_levenshtein("", "ab", 5), 2);
    }

    #[test]
    fn squats_against_real_lists() {
        assert_eq!(squatted(Ecosystem::PyPI, "reqeusts"), Some("requests"));
        assert_eq!(
            squatted(Ecosystem::PyPI, "python-dateutils"),
            Some("python-dateutil")
        );
        assert_eq!(squatted(Ecosystem::PyPI, "Requests"), None);
        assert_eq!(
            squatted(Ecosystem::PyPI, "python_dateutil"),
            None,
            "same name per PEP 503"
        );
        assert_eq!(squatted(Ecosystem::PyPI, "chainwarden"), None);
        assert_eq!(squatted(Ecosystem::Npm, "loadash"), Some("lodash"));
        assert_eq!(squatted(Ecosystem::Npm, "lodash"), None);
        assert_eq!(squatted(Ecosystem::Npm, "@types/lodash"), None);
        assert!(is_popular(Ecosystem::PyPI, "litellm"));
    }
}
