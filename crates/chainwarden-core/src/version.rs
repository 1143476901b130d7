//! Version ordering per ecosystem: PEP 440 for PyPI, SemVer 2.0 precedence for
//! npm and crates.io (what OSV's `SEMVER` ranges use).

use crate::Ecosystem;
use std::cmp::Ordering;
use std::str::FromStr;

pub use pep440_rs::Version as Pep440Version;

/// A version parsed with its ecosystem's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedVersion {
    Pep440(Pep440Version),
    SemVer(semver::Version),
}

/// Why a version string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{}` is not a valid {ecosystem} version: {reason}",
    crate::excerpt::excerpt(version, crate::excerpt::MAX_EXCERPT_CHARS)
)]
pub struct VersionError {
    pub ecosystem: Ecosystem,
    pub version: String,
    pub reason: String,
}

/// Parses `raw` with the ordering rules of `ecosystem`.
///
/// npm and crates.io versions are SemVer 2.0; a leading `v` or `=` (allowed by
/// node-semver's loose parsing) is stripped. Ecosystems without a defined
/// ordering (GitHub Actions refs, OCI tags) return an error: they can only be
/// matched by exact string.
pub fn parse(ecosystem: Ecosystem, raw: &str) -> Result<ParsedVersion, VersionError> {
    let err = |reason: String| VersionError {
        ecosystem,
        version: raw.to_string(),
        reason,
    };
    let s = raw.trim();
    match ecosystem {
        Ecosystem::PyPI => Pep440Version::from_str(s)
            .map(ParsedVersion::Pep440)
            .map_err(|e| err(e.to_string())),
        Ecosystem::Npm | Ecosystem::CratesIo => {
            let s = s.trim_start_matches('=').trim_start_matches('v');
            semver::Version::parse(s)
                .map(ParsedVersion::SemVer)
                .map_err(|e| err(e.to_string()))
        }
        Ecosystem::GitHubActions | Ecosystem::Oci => {
            Err(err("this ecosystem has no version ordering".into()))
        }
    }
}

impl ParsedVersion {
    /// Orders two versions of one ecosystem; `None` if they are of different kinds.
    pub fn compare(&self, other: &ParsedVersion) -> Option<Ordering> {
        match (self, other) {
            (ParsedVersion::Pep440(a), ParsedVersion::Pep440(b)) => Some(a.cmp(b)),
            // SemVer precedence ignores build metadata (SemVer 2.0 §10/§11), as OSV requires.
            (ParsedVersion::SemVer(a), ParsedVersion::SemVer(b)) => Some(a.cmp_precedence(b)),
            _ => None,
        }
    }
}

/// Compares two raw versions of `ecosystem`; `None` when either does not parse.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    parse(ecosystem, a)
        .ok()?
        .compare(&parse(ecosystem, b).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_basics() {
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0", "1.0.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0rc1", "1.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1!0.1", "2.0"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0.post1", "1.0"),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn semver_precedence_ignores_build_metadata() {
        assert_eq!(
            compare(Ecosystem::Npm, "1.0.0+a", "1.0.0+b"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::CratesIo, "1.0.0-alpha", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::Npm, "v1.2.3", "1.2.3"),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn unordered_ecosystems_do_not_compare() {
        assert_eq!(compare(Ecosystem::GitHubActions, "v1", "v2"), None);
        assert!(parse(Ecosystem::PyPI, "not a version").is_err());
    }
}
