//! The rules this crate raises. Ids are a public contract: never rename one.

use chainwarden_core::{RuleMeta, Severity};

/// A package version that an advisory database lists as malware.
pub const MALICIOUS: RuleMeta = RuleMeta {
    id: "advisory/malicious",
    summary: "A package version listed as malicious (OpenSSF MAL-, GitHub malware, Leitwacht)",
    default_severity: Severity::Critical,
    why: "Malicious versions run attacker code when installed or imported (litellm 1.82.8 ran \
          a credential stealer from a .pth file at every Python start-up). Anything the host \
          could read must be assumed stolen.",
    fix: "Remove the package, rebuild the environment from a clean lock, and rotate every \
          credential the host could read.",
};

/// A package version with a known vulnerability.
pub const VULNERABLE: RuleMeta = RuleMeta {
    id: "advisory/vulnerable",
    summary: "A package version affected by a known vulnerability (OSV: GHSA, PYSEC, RUSTSEC, …)",
    default_severity: Severity::Medium,
    why: "A published vulnerability is a known way in; exploited ones (CISA KEV) are being used now.",
    fix: "Upgrade to a fixed version listed by the advisory, or remove the package.",
};

/// Every rule of this crate.
pub const RULES: &[RuleMeta] = &[MALICIOUS, VULNERABLE];
