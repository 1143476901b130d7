//! Allow and deny lists: `name`, `name@version`, optionally `eco:` prefixed.

use crate::PolicyConfig;
use chainwarden_core::package::normalize_name;
use chainwarden_core::{Component, ComponentId, Ecosystem, Finding, Inventory, RuleMeta, Severity};

pub const DENIED: RuleMeta = RuleMeta {
    id: "policy/denied",
    summary: "A package on the deny list is present",
    default_severity: Severity::High,
    why: "The organisation decided this package (or version) must not be used.",
    fix: "Remove it, or replace it with an approved package.",
};

pub const NOT_ALLOWED: RuleMeta = RuleMeta {
    id: "policy/not-allowed",
    summary: "A package is not on the allow list",
    default_severity: Severity::Medium,
    why: "With an allow list, every dependency must have been reviewed before use.",
    fix: "Get the package reviewed and add it to `[policy] allow`, or remove it.",
};

struct Pattern {
    ecosystem: Option<Ecosystem>,
    name: String,
    version: Option<String>,
}

fn parse(p: &str) -> Pattern {
    let (ecosystem, rest) = match p.split_once(':') {
        Some(("pypi", r)) => (Some(Ecosystem::PyPI), r),
        Some(("npm", r)) => (Some(Ecosystem::Npm), r),
        Some(("cargo" | "crates.io", r)) => (Some(Ecosystem::CratesIo), r),
        Some(("actions" | "githubactions", r)) => (Some(Ecosystem::GitHubActions), r),
        _ => (None, p),
    };
    // `@scope/name@1.0`: the version `@` is the last one after the first character.
    let (name, version) = match rest[1.min(rest.len())..].rfind('@') {
        Some(i) => (&rest[..i + 1], Some(rest[i + 2..].to_string())),
        None => (rest, None),
    };
    Pattern {
        ecosystem,
        name: name.to_string(),
        version,
    }
}

fn matches(p: &Pattern, c: &Component) -> bool {
    let eco = c.package.ecosystem;
    p.ecosystem.is_none_or(|e| e == eco)
        && normalize_name(eco, &p.name) == c.package.name
        && p.version.as_deref().is_none_or(|v| v == c.package.version)
}

pub(crate) fn check(inv: &Inventory, config: &PolicyConfig) -> Vec<Finding> {
    let deny: Vec<Pattern> = config.deny.iter().map(|p| parse(p)).collect();
    let allow: Vec<Pattern> = config.allow.iter().map(|p| parse(p)).collect();
    let mut out = Vec::new();
    for (i, c) in inv.components.iter().enumerate() {
        let (rule, msg) = if let Some(p) = deny.iter().find(|p| matches(p, c)) {
            let v = p
                .version
                .as_deref()
                .map(|v| format!("@{v}"))
                .unwrap_or_default();
            (
                &DENIED,
                format!("{} is denied by policy (`{}{v}`)", c.package, p.name),
            )
        } else if !allow.is_empty() && !allow.iter().any(|p| matches(p, c)) {
            (
                &NOT_ALLOWED,
                format!("{} is not on the allow list", c.package),
            )
        } else {
            continue;
        };
        let mut f = Finding::new(rule, msg).component(ComponentId(i), &c.package);
        if let Some(l) = c.locations.first() {
            f = f.location(l.clone());
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
    fn deny_and_allow() {
        let inv = inventory(
            SourceKind::Lockfile,
            "package-lock.json",
            &[
                (Ecosystem::Npm, "@ctrl/tinycolor", "4.1.1", &[]),
                (Ecosystem::Npm, "lodash", "4.17.21", &[]),
            ],
        );
        let cfg = PolicyConfig {
            deny: vec!["npm:@ctrl/tinycolor@4.1.1".into()],
            ..Default::default()
        };
        let f = check(&inv, &cfg);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "policy/denied");
        let cfg = PolicyConfig {
            allow: vec!["lodash".into(), "pypi:Requests".into()],
            ..Default::default()
        };
        let f = check(&inv, &cfg);
        assert_eq!(
            f.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
            ["@ctrl/tinycolor 4.1.1 is not on the allow list"]
        );
    }

    #[test]
    fn config_parses_from_toml() {
        let cfg: PolicyConfig = toml::from_str(
            "require-hashes = true\nmin-release-age-days = 7\ndeny = ['litellm@1.82.8']",
        )
        .unwrap();
        assert!(cfg.require_pins && cfg.require_hashes);
        assert_eq!(cfg.min_release_age_days, 7);
        assert!(
            toml::from_str::<PolicyConfig>("require_pins = true").is_err(),
            "kebab-case keys only"
        );
    }
}
