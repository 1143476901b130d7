//! Exact pins and hashes: what gets installed must be exactly what was reviewed.

use crate::PolicyConfig;
use chainwarden_core::{ComponentId, Finding, Inventory, RuleMeta, Severity, SourceKind};

pub const UNPINNED: RuleMeta = RuleMeta {
    id: "policy/unpinned",
    summary: "A requirement is not pinned to one exact version",
    default_severity: Severity::Medium,
    why: "A range installs whatever is newest at install time: the litellm stealer reached users whose requirements said `litellm>=1.80` within hours of its upload.",
    fix: "Pin with `==` (generate with `uv pip compile` or `pip-compile`), or install from a lockfile.",
};

pub const MISSING_HASH: RuleMeta = RuleMeta {
    id: "policy/missing-hash",
    summary: "A locked or pinned package carries no hash",
    default_severity: Severity::Medium,
    why: "Without a hash, an index (or anyone between you and it) can serve different bytes under the same version; a hash makes pip/npm refuse them.",
    fix: "Generate hashes (`uv pip compile --generate-hashes`, `pip-compile --generate-hashes`); npm, uv and poetry lockfiles record them by default.",
};

/// Components that are not fetched from a registry (the project itself, a
/// path or editable dependency) cannot be hashed and need no pin.
fn is_local(c: &chainwarden_core::Component) -> bool {
    c.properties.get("editable").is_some_and(|v| v == "true")
        || c.properties.get("source").is_some_and(|s| {
            matches!(
                s.as_str(),
                "path" | "directory" | "editable" | "virtual" | "workspace"
            )
        })
}

pub(crate) fn check(inv: &Inventory, config: &PolicyConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        let kind = inv.sources[c.source.0].kind;
        if is_local(c) {
            continue;
        }
        let loc = c.locations.first().cloned();
        if config.require_pins && kind == SourceKind::Manifest && c.package.version.is_empty() {
            let spec = c
                .properties
                .get("specifier")
                .map_or("no version", String::as_str);
            let mut f = Finding::new(
                &UNPINNED,
                format!("`{}` is not pinned ({spec})", c.display_name),
            )
            .component(ComponentId(i), &c.package);
            if let Some(l) = loc.clone() {
                f = f.location(l);
            }
            out.push(f);
        }
        if config.require_hashes
            && matches!(kind, SourceKind::Lockfile | SourceKind::Manifest)
            && c.hashes.is_empty()
        {
            let mut f = Finding::new(&MISSING_HASH, format!("`{}` has no hash", c.package))
                .component(ComponentId(i), &c.package);
            if let Some(l) = loc {
                f = f.location(l);
            }
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::inventory;
    use chainwarden_core::Ecosystem;

    #[test]
    fn ranges_and_missing_hashes() {
        let inv = inventory(
            SourceKind::Manifest,
            "requirements.txt",
            &[
                (Ecosystem::PyPI, "litellm", "", &[("specifier", ">=1.80")]),
                (Ecosystem::PyPI, "requests", "2.32.3", &[]),
                (Ecosystem::PyPI, "myproj", "", &[("editable", "true")]),
            ],
        );
        let f = check(&inv, &PolicyConfig::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "`litellm` is not pinned (>=1.80)");
        let strict = PolicyConfig {
            require_hashes: true,
            ..Default::default()
        };
        let strict_findings = check(&inv, &strict);
        let rules: Vec<&str> = strict_findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "policy/unpinned",
                "policy/missing-hash",
                "policy/missing-hash"
            ]
        );
    }
}
