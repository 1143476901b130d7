//! OSV evaluation (<https://ossf.github.io/osv-schema/#evaluation>): a
//! version is affected when it is listed in `versions[]` or falls in one of
//! the `SEMVER`/`ECOSYSTEM` ranges.
//!
//! A range is evaluated by sorting its events by version (`introduced: "0"`
//! first) and sweeping: `introduced <= v` opens, `fixed <= v` and
//! `last_affected < v` close; `limit` events cap the range (the version must
//! be below at least one limit). Events at equal versions keep the record's
//! order (a stable sort): `fixed: X` then `introduced: X` re-opens at X (real
//! PyPA data uses this for adjacent intervals, e.g. PYSEC-2022-236), while
//! `introduced: X, fixed: X` is empty.

use crate::osv::{OsvEvent, RangeKind};
use crate::record::{AffectedPackage, Range};
use chainwarden_core::Ecosystem;
use chainwarden_core::version::{self, ParsedVersion};
use std::cmp::Ordering;

/// A version of a package, parsed once for repeated checks.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub ecosystem: Ecosystem,
    pub raw: &'a str,
    ecosystem_parsed: Option<ParsedVersion>,
    semver_parsed: Option<ParsedVersion>,
}

impl<'a> Candidate<'a> {
    pub fn new(ecosystem: Ecosystem, raw: &'a str) -> Candidate<'a> {
        Candidate {
            ecosystem,
            raw: raw.trim(),
            ecosystem_parsed: version::parse(ecosystem, raw).ok(),
            semver_parsed: version::parse(Ecosystem::Npm, raw).ok(),
        }
    }

    /// True when the version parses in its ecosystem's ordering.
    pub fn parses(&self) -> bool {
        self.ecosystem_parsed.is_some()
    }

    fn parsed(&self, kind: RangeKind) -> Option<&ParsedVersion> {
        match kind {
            RangeKind::Semver => self.semver_parsed.as_ref(),
            _ => self.ecosystem_parsed.as_ref(),
        }
    }
}

/// Parses an event version the way `kind` orders versions.
fn parse_for(kind: RangeKind, ecosystem: Ecosystem, raw: &str) -> Option<ParsedVersion> {
    match kind {
        RangeKind::Semver => version::parse(Ecosystem::Npm, raw).ok(),
        _ => version::parse(ecosystem, raw).ok(),
    }
}

/// True when `candidate` is affected per this `affected[]` entry.
pub fn affects(pkg: &AffectedPackage, candidate: &Candidate<'_>) -> bool {
    pkg.ranges
        .iter()
        .any(|r| in_range(r, pkg.ecosystem, candidate) == Some(true))
        || listed(&pkg.versions, candidate)
}

/// Exact `versions[]` match: the same string, or (PyPI) the same PEP 440
/// version (`1.0` == `1.0.0`), or (SemVer ecosystems) the same version
/// including build metadata.
pub fn listed(versions: &[String], c: &Candidate<'_>) -> bool {
    let Some(mine) = c.ecosystem_parsed.as_ref() else {
        return versions.iter().any(|v| v == c.raw);
    };
    let lead = leading_number(c.raw);
    versions.iter().any(|v| {
        if v == c.raw {
            return true;
        }
        // Cheap filter: equal versions share the first release number
        // (epochs and `v` prefixes are rare; they are parsed in full).
        let other_lead = leading_number(v);
        if lead.is_some() && other_lead.is_some() && lead != other_lead {
            return false;
        }
        match (version::parse(c.ecosystem, v), mine) {
            (Ok(ParsedVersion::Pep440(a)), ParsedVersion::Pep440(b)) => a == *b,
            (Ok(ParsedVersion::SemVer(a)), ParsedVersion::SemVer(b)) => a == *b,
            _ => false,
        }
    })
}

/// The leading decimal number of a plain version (`12` of `12.3rc1`), or
/// `None` when it starts otherwise or has an epoch.
fn leading_number(v: &str) -> Option<u64> {
    let digits: &str = &v[..v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len())];
    if digits.is_empty() || v[digits.len()..].starts_with('!') {
        return None;
    }
    match digits.trim_start_matches('0') {
        "" => Some(0),
        // Too long for u64: no filter, the full parse decides.
        n => n.parse().ok(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
}

/// Evaluates one range; `None` when it cannot be evaluated (a GIT range, a
/// version that does not parse in the range's ordering).
pub fn in_range(range: &Range, ecosystem: Ecosystem, c: &Candidate<'_>) -> Option<bool> {
    PreparedRange::new(range, ecosystem)?.contains(c)
}

/// A range with its event versions parsed and sorted, for repeated checks:
/// each check is two binary searches, so a record with many versions and
/// many events costs versions × log(events), never versions × events.
#[derive(Debug, Clone)]
pub struct PreparedRange {
    kind: RangeKind,
    /// `None` version = introduced "0" (below everything).
    events: Vec<(Option<ParsedVersion>, EventKind)>,
    /// For each index, the last index at or before it whose event is not
    /// `last_affected` (the only kind that does not act at its own version).
    last_acting_at_equal: Vec<Option<usize>>,
    limits: Vec<ParsedVersion>,
}

impl PreparedRange {
    /// `None` for GIT/unknown ranges and ranges with an unparseable event.
    pub fn new(range: &Range, ecosystem: Ecosystem) -> Option<PreparedRange> {
        if !matches!(range.kind, RangeKind::Semver | RangeKind::Ecosystem) {
            return None;
        }
        let mut events = Vec::with_capacity(range.events.len());
        let mut limits = Vec::new();
        for e in &range.events {
            let (raw, kind) = match e {
                OsvEvent {
                    introduced: Some(x),
                    ..
                } => (x, EventKind::Introduced),
                OsvEvent { fixed: Some(x), .. } => (x, EventKind::Fixed),
                OsvEvent {
                    last_affected: Some(x),
                    ..
                } => (x, EventKind::LastAffected),
                OsvEvent { limit: Some(x), .. } => {
                    if x.trim() != "*" {
                        limits.push(parse_for(range.kind, ecosystem, x)?);
                    }
                    continue;
                }
                _ => continue,
            };
            if kind == EventKind::Introduced && raw.trim() == "0" {
                events.push((None, kind));
            } else {
                events.push((Some(parse_for(range.kind, ecosystem, raw)?), kind));
            }
        }
        // Stable: events at equal versions keep the record's order.
        events.sort_by(|a, b| cmp_opt(a.0.as_ref(), b.0.as_ref()));
        let mut last = None;
        let last_acting_at_equal = events
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| {
                if *kind != EventKind::LastAffected {
                    last = Some(i);
                }
                last
            })
            .collect();
        Some(PreparedRange {
            kind: range.kind,
            events,
            last_acting_at_equal,
            limits,
        })
    }

    pub fn kind(&self) -> RangeKind {
        self.kind
    }

    /// `None` when the candidate does not parse in this range's ordering.
    pub fn contains(&self, c: &Candidate<'_>) -> Option<bool> {
        self.contains_parsed(c.parsed(self.kind)?)
    }

    /// The sweep over sorted events (see the module docs), by its result:
    /// the last event that acts on `v` decides. Events below `v` all act
    /// (`introduced` opens, `fixed` and `last_affected` close); events equal
    /// to `v` act except `last_affected`; events above do not.
    pub fn contains_parsed(&self, v: &ParsedVersion) -> Option<bool> {
        // Versions of another kind cannot be ordered against this range.
        if let Some(at) = self.events.iter().find_map(|(at, _)| at.as_ref()) {
            v.compare(at)?;
        }
        let below = |strict: bool| {
            self.events.partition_point(|(at, _)| match at {
                None => true,
                Some(at) => match at.compare(v) {
                    Some(Ordering::Less) => true,
                    Some(Ordering::Equal) => !strict,
                    _ => false,
                },
            })
        };
        let (lt, le) = (below(true), below(false));
        let acting_equal = le
            .checked_sub(1)
            .and_then(|i| self.last_acting_at_equal.get(i).copied().flatten())
            .filter(|&i| i >= lt);
        let deciding = acting_equal.or_else(|| lt.checked_sub(1));
        let mut affected = deciding
            .and_then(|i| self.events.get(i))
            .is_some_and(|(_, kind)| *kind == EventKind::Introduced);
        if affected && !self.limits.is_empty() {
            affected = self
                .limits
                .iter()
                .any(|l| v.compare(l) == Some(Ordering::Less));
        }
        Some(affected)
    }
}

fn cmp_opt(a: Option<&ParsedVersion>, b: Option<&ParsedVersion>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
    }
}

/// The `fixed` versions of an entry's ranges.
pub fn fixed_versions(pkg: &AffectedPackage) -> impl Iterator<Item = &str> {
    pkg.ranges
        .iter()
        .flat_map(|r| r.events.iter())
        .filter_map(|e| e.fixed.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, v: &str) -> OsvEvent {
        let mut e = OsvEvent::default();
        let s = Some(v.to_string());
        match kind {
            "i" => e.introduced = s,
            "f" => e.fixed = s,
            "l" => e.last_affected = s,
            _ => e.limit = s,
        }
        e
    }

    fn pkg(
        eco: Ecosystem,
        kind: RangeKind,
        ranges: &[&[(&str, &str)]],
        versions: &[&str],
    ) -> AffectedPackage {
        AffectedPackage {
            ecosystem: eco,
            name: "p".into(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
            ranges: ranges
                .iter()
                .map(|evs| Range {
                    kind,
                    events: evs.iter().map(|(k, v)| ev(k, v)).collect(),
                })
                .collect(),
        }
    }

    fn hit(p: &AffectedPackage, v: &str) -> bool {
        affects(p, &Candidate::new(p.ecosystem, v))
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let p = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "0"), ("f", "1.2.3")]],
            &[],
        );
        assert!(hit(&p, "0.0.1"));
        assert!(hit(&p, "1.2.3rc1"), "a pre-release of the fix is before it");
        assert!(!hit(&p, "1.2.3"));
        assert!(!hit(&p, "1.2.3.post1"));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let p = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "1.82.7"), ("l", "1.82.8")]],
            &[],
        );
        assert!(!hit(&p, "1.82.6"));
        assert!(hit(&p, "1.82.7"));
        assert!(hit(&p, "1.82.8"));
        assert!(!hit(&p, "1.82.9"));
        assert!(!hit(&p, "1.82.8.post1"));
    }

    #[test]
    fn several_intervals_in_one_range_unsorted() {
        // From the OSV schema: introduced 1.0.0 / fixed 1.0.2 / introduced 1.1.0 / fixed 1.1.2,
        // given here out of order.
        let p = pkg(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[
                ("f", "1.1.2"),
                ("i", "1.1.0"),
                ("f", "1.0.2"),
                ("i", "1.0.0"),
            ]],
            &[],
        );
        for (v, want) in [
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.0.1", true),
            ("1.0.2", false),
            ("1.0.9", false),
            ("1.1.0", true),
            ("1.1.1", true),
            ("1.1.2", false),
            ("2.0.0", false),
        ] {
            assert_eq!(hit(&p, v), want, "{v}");
        }
    }

    #[test]
    fn multiple_ranges_any_matches() {
        let p = pkg(
            Ecosystem::CratesIo,
            RangeKind::Semver,
            &[
                &[("i", "0.0.0-0"), ("f", "0.9.0")],
                &[("i", "1.0.0"), ("f", "1.0.5")],
            ],
            &[],
        );
        assert!(hit(&p, "0.8.9"));
        assert!(!hit(&p, "0.9.0"));
        assert!(hit(&p, "1.0.4"));
        assert!(!hit(&p, "1.0.5"));
        assert!(hit(&p, "0.1.0-alpha"), "0.0.0-0 is the lowest SemVer");
    }

    #[test]
    fn limit_caps_the_range() {
        let p = pkg(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "0"), ("lim", "2.0.0")]],
            &[],
        );
        assert!(hit(&p, "1.9.9"));
        assert!(!hit(&p, "2.0.0"));
        let star = pkg(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "1.0.0"), ("lim", "*")]],
            &[],
        );
        assert!(hit(&star, "5.0.0"));
    }

    #[test]
    fn introduced_only_is_open_ended() {
        let p = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "2.0")]],
            &[],
        );
        assert!(!hit(&p, "1.9"));
        assert!(hit(&p, "2.0.0"));
        assert!(hit(&p, "99"));
    }

    #[test]
    fn equal_versions_keep_record_order() {
        let empty = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "1.0"), ("f", "1.0")]],
            &[],
        );
        assert!(!hit(&empty, "1.0"));
        assert!(!hit(&empty, "2.0"));
        // PYSEC-2022-236: introduced 0, fixed 3.1.1, introduced 3.2.0, fixed 3.2.2, introduced 3.1.1, fixed 3.1.3.
        let adjacent = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[
                ("i", "0"),
                ("f", "3.1.1"),
                ("i", "3.2.0"),
                ("f", "3.2.2"),
                ("i", "3.1.1"),
                ("f", "3.1.3"),
            ]],
            &[],
        );
        for (v, want) in [
            ("3.1.0", true),
            ("3.1.1", true),
            ("3.1.2", true),
            ("3.1.3", false),
            ("3.2.1", true),
            ("3.2.2", false),
        ] {
            assert_eq!(hit(&adjacent, v), want, "{v}");
        }
    }

    #[test]
    fn versions_list_uses_pep440_equality() {
        let p = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[],
            &["1.0", "2.0a1", "1!3.0"],
        );
        assert!(hit(&p, "1.0.0"));
        assert!(hit(&p, "1.0"));
        assert!(hit(&p, "2.0.a1"));
        assert!(hit(&p, "2.0alpha1"));
        assert!(hit(&p, "1!3"));
        assert!(!hit(&p, "3.0"));
        assert!(!hit(&p, "1.0.1"));
        assert!(
            !hit(&p, "1.0+local"),
            "versions[] is exact: a local build is another version"
        );
    }

    #[test]
    fn unparseable_versions_only_match_exactly() {
        let p = pkg(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "0")]],
            &["weird-1"],
        );
        assert!(hit(&p, "weird-1"));
        assert!(!hit(&p, "weird-2"), "no ordering for garbage");
        let gha = pkg(
            Ecosystem::GitHubActions,
            RangeKind::Ecosystem,
            &[&[("i", "0")]],
            &["v1"],
        );
        assert!(hit(&gha, "v1"));
        assert!(!hit(&gha, "v2"));
    }

    #[test]
    fn semver_range_ignores_build_metadata() {
        let p = pkg(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "1.0.0"), ("f", "1.0.1")]],
            &[],
        );
        assert!(hit(&p, "1.0.0+build.5"));
        assert!(!hit(&p, "1.0.1+build.5"));
    }

    /// The OSV sweep as the spec writes it: every event in sorted order.
    fn sweep(range: &PreparedRange, v: &ParsedVersion) -> bool {
        let mut affected = false;
        for (at, kind) in &range.events {
            let ord = at
                .as_ref()
                .map_or(Ordering::Greater, |at| v.compare(at).unwrap());
            match kind {
                EventKind::Introduced if ord != Ordering::Less => affected = true,
                EventKind::Fixed if ord != Ordering::Less => affected = false,
                EventKind::LastAffected if ord == Ordering::Greater => affected = false,
                _ => {}
            }
        }
        affected
    }

    proptest::proptest! {
        #[test]
        fn binary_search_agrees_with_the_sweep(
            events in proptest::collection::vec((0u8..3, 0u8..12), 0..24),
            candidate in 0u8..14,
        ) {
            let events: Vec<OsvEvent> = events
                .iter()
                .map(|(k, v)| {
                    let v = if *v == 0 { "0".to_string() } else { format!("1.{v}") };
                    ev(["i", "f", "l"][usize::from(*k)], &v)
                })
                .collect();
            let range = Range { kind: RangeKind::Ecosystem, events };
            let prepared = PreparedRange::new(&range, Ecosystem::PyPI).unwrap();
            let v = version::parse(Ecosystem::PyPI, &format!("1.{candidate}")).unwrap();
            proptest::prop_assert_eq!(prepared.contains_parsed(&v), Some(sweep(&prepared, &v)));
        }
    }

    #[test]
    fn a_range_of_200k_alternating_events_is_evaluated_exactly() {
        let events: Vec<OsvEvent> = (0..200_000u32)
            .map(|i| {
                ev(
                    if i % 2 == 0 { "i" } else { "f" },
                    &format!("{}.{}", i / 1000, i % 1000),
                )
            })
            .collect();
        let range = Range {
            kind: RangeKind::Ecosystem,
            events,
        };
        let prepared = PreparedRange::new(&range, Ecosystem::PyPI).unwrap();
        let probes = [
            ("0.0", true),
            ("0.1", false),
            ("0.2", true),
            ("199.999", false),
            ("150.500", true),
        ];
        for (raw, want) in probes {
            let v = version::parse(Ecosystem::PyPI, raw).unwrap();
            assert_eq!(prepared.contains_parsed(&v), Some(want), "{raw}");
        }
    }
}
