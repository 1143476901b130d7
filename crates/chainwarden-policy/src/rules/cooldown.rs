//! Minimum release age: most malicious uploads are found and removed within
//! days; waiting that long before adopting a release keeps them out.

use crate::PolicyConfig;
use chainwarden_core::{ComponentId, Finding, Inventory, RuleMeta, Severity};

pub const TOO_NEW: RuleMeta = RuleMeta {
    id: "policy/cooldown",
    summary: "A locked package was uploaded more recently than the minimum release age",
    default_severity: Severity::Medium,
    why: "litellm 1.82.7/1.82.8 were live for hours; malicious releases are usually yanked within days. A cooldown keeps fresh uploads out until the community has had time to look.",
    fix: "Lock an older release (e.g. `uv lock --exclude-newer \"7 days\"`), or wait until the release is older than `min-release-age-days`.",
};

pub(crate) fn check(inv: &Inventory, config: &PolicyConfig, now: jiff::Timestamp) -> Vec<Finding> {
    if config.min_release_age_days == 0 {
        return Vec::new();
    }
    let min_secs = i64::from(config.min_release_age_days) * 86_400;
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        let Some(uploaded) = c
            .properties
            .get("upload_time")
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        else {
            continue;
        };
        let age = now.as_second() - uploaded.as_second();
        if age < min_secs {
            let days = age as f64 / 86_400.0;
            let mut f = Finding::new(
                &TOO_NEW,
                format!(
                    "{} was uploaded {days:.1} days ago (policy: at least {} days)",
                    c.package, config.min_release_age_days
                ),
            )
            .component(ComponentId(i), &c.package)
            .evidence(format!("upload time {uploaded}"));
            if let Some(l) = c.locations.first() {
                f = f.location(l.clone());
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
    use chainwarden_core::{Ecosystem, SourceKind};

    #[test]
    fn flags_only_fresh_uploads() {
        let inv = inventory(
            SourceKind::Lockfile,
            "uv.lock",
            &[
                (
                    Ecosystem::PyPI,
                    "litellm",
                    "1.82.8",
                    &[("upload_time", "2026-03-24T10:52:00Z")],
                ),
                (
                    Ecosystem::PyPI,
                    "litellm",
                    "1.82.6",
                    &[("upload_time", "2026-03-10T10:00:00Z")],
                ),
                (Ecosystem::PyPI, "requests", "2.32.3", &[]),
            ],
        );
        let now: jiff::Timestamp = "2026-03-24T12:00:00Z".parse().unwrap();
        let cfg = PolicyConfig {
            min_release_age_days: 7,
            ..Default::default()
        };
        let f = check(&inv, &cfg, now);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .starts_with("litellm 1.82.8 was uploaded 0.0 days ago"),
            "{}",
            f[0].message
        );
        assert!(
            check(&inv, &PolicyConfig::default(), now).is_empty(),
            "off by default"
        );
    }
}
