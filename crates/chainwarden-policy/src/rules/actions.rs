//! GitHub Actions referenced by something that can be moved (a tag, a
//! branch, an image tag). On 2026-03-19, 76 of 77 tags of
//! aquasecurity/trivy-action were force-pushed to malicious commits; every
//! workflow using `@<tag>` ran them, and litellm's PyPI token was stolen so.

use crate::PolicyConfig;
use chainwarden_core::{ComponentId, Ecosystem, Finding, Inventory, RuleMeta, Severity};

pub const ACTION_UNPINNED: RuleMeta = RuleMeta {
    id: "policy/action-unpinned",
    summary: "A GitHub Action, reusable workflow or docker:// image is referenced by a tag or branch, not a full commit SHA or digest",
    default_severity: Severity::High,
    why: "Tags and branches can be moved to other code at any time; the trivy-action tag hijack of 2026-03-19 ran a stealer in every workflow that used a tag, and stole litellm's PyPI token.",
    fix: "Pin to the full 40-hex commit SHA (keep the tag in a comment: `uses: owner/repo@<sha> # v1.2.3`), pin images by `@sha256:` digest, or onboard the workflow to GitHub's actions.lock.",
};

pub const ACTIONS_LOCK_STALE: RuleMeta = RuleMeta {
    id: "policy/actions-lock-stale",
    summary: "A workflow onboarded to .github/workflows/actions.lock uses an action the lockfile does not pin",
    default_severity: Severity::Medium,
    why: "The lockfile is the review record of which commits may run; a `uses:` missing from it was never locked, and GitHub refuses to run the job until the lockfile is updated.",
    fix: "Run `gh actions-lock` to lock the new dependency, and review the commit it pins.",
};

pub(crate) fn check(inv: &Inventory, config: &PolicyConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        let Some(kind) = c.properties.get("ref-kind") else {
            continue;
        };
        if !matches!(
            c.package.ecosystem,
            Ecosystem::GitHubActions | Ecosystem::Oci
        ) {
            continue;
        }
        let uses = c
            .properties
            .get("uses")
            .map_or(c.display_name.as_str(), String::as_str);
        let location = c.locations.first().cloned();
        let lock = c.properties.get("actions-lock").map(String::as_str);
        if lock == Some("missing") {
            let mut f = Finding::new(
                &ACTIONS_LOCK_STALE,
                format!("`{uses}` is not pinned in actions.lock"),
            )
            .component(ComponentId(i), &c.package);
            if let Some(l) = location.clone() {
                f = f.location(l);
            }
            out.push(f);
        }
        let pinned = matches!(kind.as_str(), "commit-sha" | "image-digest" | "local")
            || lock == Some("locked");
        if pinned {
            continue;
        }
        let owner = c.package.name.split('/').next().unwrap_or_default();
        if c.package.ecosystem == Ecosystem::GitHubActions
            && config
                .trusted_action_owners
                .iter()
                .any(|o| o.eq_ignore_ascii_case(owner))
        {
            continue;
        }
        let what = match kind.as_str() {
            "image-tag" => "an image tag, not a digest",
            "missing" => "no ref at all",
            _ => "a tag or branch, not a full commit SHA",
        };
        let mut f = Finding::new(
            &ACTION_UNPINNED,
            format!("`{uses}` is referenced by {what}"),
        )
        .component(ComponentId(i), &c.package)
        .evidence(format!("ref kind: {kind}"));
        if let Some(l) = location {
            f = f.location(l);
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::inventory;
    use chainwarden_core::SourceKind;

    #[test]
    fn tags_are_flagged_shas_and_locked_refs_are_not() {
        let inv = inventory(
            SourceKind::Workflow,
            ".github/workflows/ci.yml",
            &[
                (
                    Ecosystem::GitHubActions,
                    "aquasecurity/trivy-action",
                    "0.28.0",
                    &[
                        ("ref-kind", "tag-or-branch"),
                        ("uses", "aquasecurity/trivy-action@0.28.0"),
                    ],
                ),
                (
                    Ecosystem::GitHubActions,
                    "aquasecurity/trivy-action",
                    "6e7b7d1fd3e4fef0c5fa8cce1229c54b2c9bd0d8",
                    &[("ref-kind", "commit-sha")],
                ),
                (
                    Ecosystem::GitHubActions,
                    "actions/checkout",
                    "v6",
                    &[("ref-kind", "tag-or-branch"), ("actions-lock", "locked")],
                ),
                (
                    Ecosystem::Oci,
                    "alpine",
                    "3.20",
                    &[("ref-kind", "image-tag")],
                ),
                (
                    Ecosystem::GitHubActions,
                    "actions/setup-go",
                    "v6",
                    &[("ref-kind", "tag-or-branch"), ("actions-lock", "missing")],
                ),
            ],
        );
        let f = check(&inv, &PolicyConfig::default());
        let got: Vec<(&str, Option<u32>)> = f
            .iter()
            .map(|f| (f.rule.as_str(), f.location.as_ref().and_then(|l| l.line)))
            .collect();
        assert_eq!(
            got,
            [
                ("policy/action-unpinned", Some(1)),
                ("policy/action-unpinned", Some(4)),
                ("policy/actions-lock-stale", Some(5)),
                ("policy/action-unpinned", Some(5)),
            ]
        );
        let trusted = PolicyConfig {
            trusted_action_owners: vec!["actions".into()],
            ..Default::default()
        };
        assert_eq!(
            check(&inv, &trusted).len(),
            3,
            "trusted owners may use tags"
        );
    }
}
