//! A package identity: ecosystem, normalised name and raw version.

use crate::{Ecosystem, purl};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A package as an advisory or an SBOM names it.
///
/// `name` is normalised per ecosystem (PEP 503 for PyPI) so that two spellings
/// of one package compare equal; `version` is kept exactly as found and parsed
/// with the ecosystem's own ordering only when compared ([`crate::version`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
}

impl Package {
    /// Builds a package, normalising `name` for its ecosystem.
    pub fn new(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package {
            ecosystem,
            name: normalize_name(ecosystem, name),
            version: version.trim().to_string(),
        }
    }

    /// The package URL (purl) of this package.
    pub fn purl(&self) -> String {
        purl::purl(self.ecosystem, &self.name, Some(&self.version))
    }
}

impl fmt::Display for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// Normalises a package name the way its ecosystem compares names.
///
/// - PyPI: PEP 503 (`[-_.]+` → `-`, lower case).
/// - GitHub Actions: `owner/repo[/path]`, lower case (GitHub names are case-insensitive).
/// - npm, crates.io, OCI: unchanged apart from surrounding white space (npm
///   names are lower case by rule; crates.io keeps the published spelling).
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::GitHubActions => name.to_ascii_lowercase(),
        Ecosystem::Npm | Ecosystem::CratesIo | Ecosystem::Oci => name.to_string(),
    }
}

/// PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, lower case.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
                in_sep = true;
            }
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_examples_from_the_spec() {
        for raw in [
            "friendly-bard",
            "Friendly-Bard",
            "FRIENDLY-BARD",
            "friendly.bard",
            "friendly_bard",
            "friendly--bard",
            "FrIeNdLy-._.-bArD",
        ] {
            assert_eq!(pep503(raw), "friendly-bard", "{raw}");
        }
    }

    #[test]
    fn package_normalises_name_but_keeps_version() {
        let p = Package::new(Ecosystem::PyPI, "LiteLLM", " 1.82.8 ");
        assert_eq!(p.name, "litellm");
        assert_eq!(p.version, "1.82.8");
        let n = Package::new(Ecosystem::Npm, "@Scope/Pkg", "1.0.0");
        assert_eq!(n.name, "@Scope/Pkg");
    }
}
