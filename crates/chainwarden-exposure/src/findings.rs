//! Exposures as findings.

use crate::model::Exposure;
use crate::rules::rule_for;
use chainwarden_core::{Finding, Location, Severity};

/// One finding per exposure: rule `exposure/<kind>`, the rotation step as
/// remediation, the fingerprint (never the value) as evidence.
pub fn exposure_findings(exposures: &[Exposure]) -> Vec<Finding> {
    exposures.iter().map(finding).collect()
}

fn finding(e: &Exposure) -> Finding {
    let rule = rule_for(e.kind);
    let mut f =
        Finding::new(rule, format!("{}: {}", e.path.display(), e.detail)).location(Location {
            path: e.path.clone(),
            line: e.line,
            detail: None,
        });
    if e.protected == Some(true) {
        f = f
            .severity(Severity::Low)
            .evidence("passphrase-protected: an attacker must still crack it offline");
    }
    if let Some(k) = e.key_format {
        f = f.evidence(format!("key format: {k}"));
    }
    if let Some(fp) = &e.fingerprint {
        f = f.evidence(format!(
            "fingerprint {fp} (identifies the secret, cannot be reversed into it)"
        ));
    }
    f
}
