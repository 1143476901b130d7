//! Version ordering used by matching: PEP 440 (spec examples) and SemVer 2.0
//! precedence, plus property tests that both are total orders.

use chainwarden_core::Ecosystem;
use chainwarden_core::version::{compare, parse};
use proptest::prelude::*;
use std::cmp::Ordering;

fn assert_ascending(eco: Ecosystem, list: &[&str]) {
    for w in list.windows(2) {
        assert_eq!(
            compare(eco, w[0], w[1]),
            Some(Ordering::Less),
            "{} < {}",
            w[0],
            w[1]
        );
        assert_eq!(
            compare(eco, w[1], w[0]),
            Some(Ordering::Greater),
            "{} > {}",
            w[1],
            w[0]
        );
    }
    // And every pair, not only neighbours.
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            assert_eq!(compare(eco, a, b), Some(Ordering::Less), "{a} < {b}");
        }
    }
}

#[test]
fn pep440_spec_ordering_example() {
    // PEP 440, "Summary of permitted suffixes and relative ordering".
    assert_ascending(
        Ecosystem::PyPI,
        &[
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ],
    );
    assert_eq!(
        compare(Ecosystem::PyPI, "1.dev0", "1.0.dev0"),
        Some(Ordering::Equal)
    );
}

#[test]
fn pep440_epochs() {
    assert_ascending(
        Ecosystem::PyPI,
        &["2013.10", "2014.04", "1!1.0", "1!1.1", "2!0.1"],
    );
    assert_eq!(
        compare(Ecosystem::PyPI, "0!1.0", "1.0"),
        Some(Ordering::Equal)
    );
}

#[test]
fn pep440_normalisation_is_equality() {
    for (a, b) in [
        ("1.0", "1.0.0"),
        ("1.0RC1", "1.0rc1"),
        ("1.0c1", "1.0rc1"),
        ("1.0alpha1", "1.0a1"),
        ("1.0-beta.2", "1.0b2"),
        ("1.0-1", "1.0.post1"),
        ("1.0-post1", "1.0.post1"),
        ("1.0.dev", "1.0.dev0"),
        ("1.0-dev", "1.0.dev0"),
        ("v1.0", "1.0"),
        ("1.0+ubuntu-1", "1.0+ubuntu.1"),
        ("01.02", "1.2"),
    ] {
        assert_eq!(
            compare(Ecosystem::PyPI, a, b),
            Some(Ordering::Equal),
            "{a} == {b}"
        );
    }
    assert!(parse(Ecosystem::PyPI, "1.0+").is_err());
    assert!(parse(Ecosystem::PyPI, "french toast").is_err());
}

#[test]
fn semver_spec_precedence_example() {
    // SemVer 2.0.0 §11.
    assert_ascending(
        Ecosystem::Npm,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ],
    );
    assert_eq!(
        compare(Ecosystem::CratesIo, "0.0.0-0", "0.0.0-alpha"),
        Some(Ordering::Less)
    );
}

fn pep440_version() -> impl Strategy<Value = String> {
    (
        prop::option::of(0u32..3),
        prop::collection::vec(0u32..12, 1..4),
        prop::option::of((prop::sample::select(vec!["a", "b", "rc"]), 0u32..3)),
        prop::option::of(0u32..3),
        prop::option::of(0u32..3),
        prop::option::of(prop::sample::select(vec!["abc", "5", "abc.7", "1.x"])),
    )
        .prop_map(|(epoch, release, pre, post, dev, local)| {
            let mut s = String::new();
            if let Some(e) = epoch {
                s.push_str(&format!("{e}!"));
            }
            s.push_str(
                &release
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
            );
            if let Some((k, n)) = pre {
                s.push_str(&format!("{k}{n}"));
            }
            if let Some(p) = post {
                s.push_str(&format!(".post{p}"));
            }
            if let Some(d) = dev {
                s.push_str(&format!(".dev{d}"));
            }
            if let Some(l) = local {
                s.push_str(&format!("+{l}"));
            }
            s
        })
}

fn semver_version() -> impl Strategy<Value = String> {
    (
        0u32..3,
        0u32..3,
        0u32..3,
        prop::option::of(prop::sample::select(vec![
            "alpha", "alpha.1", "beta.2", "beta.11", "rc.1", "0", "1.x",
        ])),
        prop::option::of(prop::sample::select(vec!["build.1", "sha.5114f85"])),
    )
        .prop_map(|(a, b, c, pre, build)| {
            let mut s = format!("{a}.{b}.{c}");
            if let Some(p) = pre {
                s.push_str(&format!("-{p}"));
            }
            if let Some(m) = build {
                s.push_str(&format!("+{m}"));
            }
            s
        })
}

fn check_total_order(eco: Ecosystem, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let ab = compare(eco, a, b)
        .ok_or_else(|| TestCaseError::fail(format!("{a} or {b} did not parse")))?;
    let ba = compare(eco, b, a).unwrap();
    prop_assert_eq!(ab, ba.reverse(), "antisymmetry {} {}", a, b);
    prop_assert_eq!(compare(eco, a, a), Some(Ordering::Equal));
    let bc = compare(eco, b, c).unwrap();
    let ac = compare(eco, a, c).unwrap();
    if ab != Ordering::Greater && bc != Ordering::Greater {
        prop_assert!(
            ac != Ordering::Greater,
            "transitivity {} <= {} <= {}",
            a,
            b,
            c
        );
    }
    if ab == Ordering::Equal && bc == Ordering::Equal {
        prop_assert_eq!(ac, Ordering::Equal);
    }
    Ok(())
}

proptest! {
    #[test]
    fn pep440_is_a_total_order(a in pep440_version(), b in pep440_version(), c in pep440_version()) {
        check_total_order(Ecosystem::PyPI, &a, &b, &c)?;
    }

    #[test]
    fn semver_precedence_is_a_total_order(a in semver_version(), b in semver_version(), c in semver_version()) {
        check_total_order(Ecosystem::Npm, &a, &b, &c)?;
    }

    #[test]
    fn any_string_parses_or_errors_without_panic(s in "\\PC{0,24}") {
        let _ = parse(Ecosystem::PyPI, &s);
        let _ = parse(Ecosystem::Npm, &s);
    }
}
