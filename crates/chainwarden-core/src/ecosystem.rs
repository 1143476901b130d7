//! Package ecosystems, named as OSV names them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ecosystem, spelled exactly as in OSV's `affected[].package.ecosystem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "crates.io")]
    CratesIo,
    #[serde(rename = "GitHub Actions")]
    GitHubActions,
    /// Container images (OCI/Docker), e.g. from `docker run` in an MCP config.
    #[serde(rename = "OCI")]
    Oci,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 5] = [
        Ecosystem::PyPI,
        Ecosystem::Npm,
        Ecosystem::CratesIo,
        Ecosystem::GitHubActions,
        Ecosystem::Oci,
    ];

    /// The OSV ecosystem name.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::GitHubActions => "GitHub Actions",
            Ecosystem::Oci => "OCI",
        }
    }

    /// Parses an OSV ecosystem name. OSV allows a `:suffix` (e.g. `Debian:12`);
    /// only the part before it names the ecosystem.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name);
        match base {
            "PyPI" => Some(Ecosystem::PyPI),
            "npm" => Some(Ecosystem::Npm),
            "crates.io" => Some(Ecosystem::CratesIo),
            "GitHub Actions" => Some(Ecosystem::GitHubActions),
            "OCI" => Some(Ecosystem::Oci),
            _ => None,
        }
    }

    /// The purl type (`pkg:<type>/…`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::CratesIo => "cargo",
            Ecosystem::GitHubActions => "githubactions",
            Ecosystem::Oci => "oci",
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_names_round_trip() {
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_osv(e.osv_name()), Some(e));
        }
        assert_eq!(Ecosystem::from_osv("PyPI:extra"), Some(Ecosystem::PyPI));
        assert_eq!(
            Ecosystem::from_osv("pypi"),
            None,
            "OSV names are case-sensitive"
        );
    }
}
