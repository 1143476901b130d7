//! `chainwarden.toml`: found upward from the scanned path, or given with
//! `--config`. Parsed strictly (unknown keys are errors that name the file and
//! line), then validated.

use anyhow::{Context, Result, bail};
use chainwarden_core::{Finding, Location, RuleMeta, Severity};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub(crate) const FILE_NAME: &str = "chainwarden.toml";

/// The raw file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    scan: RawScan,
    #[serde(default)]
    policy: chainwarden_policy::PolicyConfig,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
    #[serde(default)]
    classify: chainwarden_classify::config::ClassifyConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawScan {
    fail_on: Option<String>,
    max_advisory_age_days: Option<u32>,
    /// What could not be read fails the run (at least `high`).
    fail_closed: Option<bool>,
    /// Globs of paths the walk leaves out (see `discover::Exclude`).
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawIgnore {
    /// A rule id (`hook/pth-exec`) or an advisory id or alias (`GHSA-…`).
    id: String,
    /// Limits the entry to one package (name as the ecosystem normalises it).
    package: Option<String>,
    /// Limits the entry to one version of that package.
    version: Option<String>,
    reason: String,
    /// `YYYY-MM-DD`; from that day on the entry no longer applies.
    expires: String,
}

/// One validated ignore entry.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreEntry {
    pub(crate) id: String,
    pub(crate) package: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) reason: String,
    pub(crate) expires: jiff::civil::Date,
    pub(crate) line: u32,
}

/// The validated configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Config {
    pub(crate) path: Option<PathBuf>,
    pub(crate) fail_on: Option<Severity>,
    pub(crate) max_advisory_age_days: Option<u32>,
    /// `[scan] fail-closed`; `None` leaves each command's default.
    pub(crate) fail_closed: Option<bool>,
    /// `[scan] exclude`, validated globs.
    pub(crate) exclude: Vec<String>,
    pub(crate) policy: chainwarden_policy::PolicyConfig,
    pub(crate) ignores: Vec<IgnoreEntry>,
    /// `[classify]`: what the data-classification engine looks for, and the class policy.
    pub(crate) classify: (
        chainwarden_classify::EngineOptions,
        chainwarden_classify::Policy,
    ),
}

fn line_of(text: &str, offset: usize) -> u32 {
    text.get(..offset).map_or(0, |s| s.matches('\n').count()) as u32 + 1
}

impl Config {
    /// Parses and validates `text` read from `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text)
            .with_context(|| format!("{}: invalid configuration", path.display()))?;
        let fail_on = raw
            .scan
            .fail_on
            .map(|s| s.parse::<Severity>())
            .transpose()
            .map_err(|e| anyhow::anyhow!("{}: [scan] fail-on: {e}", path.display()))?;
        let mut exclude = Vec::new();
        for pattern in raw.scan.exclude {
            let line = line_of(text, pattern.span().start);
            let pattern = pattern.into_inner();
            chainwarden_core::discover::Exclude::new(std::slice::from_ref(&pattern))
                .map_err(|e| anyhow::anyhow!("{}:{line}: [scan] exclude: {e}", path.display()))?;
            exclude.push(pattern);
        }
        let mut ignores = Vec::new();
        for entry in raw.ignore {
            let line = line_of(text, entry.span().start);
            let e = entry.into_inner();
            let expires: jiff::civil::Date = e.expires.parse().map_err(|err| {
                anyhow::anyhow!(
                    "{}:{line}: [[ignore]] expires `{}` is not a date (YYYY-MM-DD): {err}",
                    path.display(),
                    e.expires
                )
            })?;
            if e.reason.trim().is_empty() {
                bail!(
                    "{}:{line}: [[ignore]] for `{}` needs a reason",
                    path.display(),
                    e.id
                );
            }
            ignores.push(IgnoreEntry {
                id: e.id,
                package: e.package,
                version: e.version,
                reason: e.reason,
                expires,
                line,
            });
        }
        let classify = raw
            .classify
            .resolve(text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Config {
            classify,
            path: Some(path.to_path_buf()),
            fail_on,
            max_advisory_age_days: raw.scan.max_advisory_age_days,
            fail_closed: raw.scan.fail_closed,
            exclude,
            policy: raw.policy,
            ignores,
        })
    }

    /// Loads `explicit`, or the first `chainwarden.toml` found upward from `start`.
    pub(crate) fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => {
                let abs = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
                let first = if abs.is_file() {
                    abs.parent().map(Path::to_path_buf)
                } else {
                    Some(abs)
                };
                first.and_then(|d| {
                    d.ancestors()
                        .map(|a| a.join(FILE_NAME))
                        .find(|p| p.is_file())
                })
            }
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = chainwarden_core::fsutil::read_text(&path, 1024 * 1024)
            .with_context(|| format!("could not read the configuration {}", path.display()))?;
        Config::parse(&path, &text)
    }
}

pub(crate) const IGNORE_EXPIRED: RuleMeta = RuleMeta {
    id: "config/ignore-expired",
    summary: "An ignore entry in chainwarden.toml has expired and no longer applies",
    default_severity: Severity::Low,
    why: "Ignores are time-boxed so an accepted risk is looked at again; past its date the finding it hid is reported again.",
    fix: "Fix the finding, or renew the entry with a new `expires` date and a current reason.",
};

pub(crate) const IGNORE_STALE: RuleMeta = RuleMeta {
    id: "config/ignore-stale",
    summary: "An ignore entry in chainwarden.toml matches no finding",
    default_severity: Severity::Info,
    why: "A stale entry hides nothing today but would silently hide a future finding with the same id.",
    fix: "Remove the entry.",
};

pub(crate) const RULES: &[RuleMeta] = &[IGNORE_EXPIRED, IGNORE_STALE];

/// Does `entry` name this finding (by rule id, advisory id or alias, and package)?
fn matches(entry: &IgnoreEntry, f: &Finding) -> bool {
    let id_match = entry.id == f.rule
        || f.advisory
            .as_ref()
            .is_some_and(|a| a.id == entry.id || a.aliases.contains(&entry.id));
    if !id_match {
        return false;
    }
    if let Some(pkg) = &entry.package {
        let Some(p) = &f.package else { return false };
        if chainwarden_core::package::normalize_name(p.ecosystem, pkg) != p.name {
            return false;
        }
        if let Some(v) = &entry.version
            && v.trim() != p.version
        {
            return false;
        }
    }
    true
}

/// What applying the ignore list did.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    pub(crate) kept: Vec<Finding>,
    pub(crate) ignored: Vec<(Finding, String)>,
}

/// Drops the findings named by live entries; reports expired and stale entries
/// as findings of their own (located at the entry's line).
pub(crate) fn apply_ignores(
    config: &Config,
    findings: Vec<Finding>,
    today: jiff::civil::Date,
) -> Applied {
    let mut used = vec![false; config.ignores.len()];
    let mut out = Applied::default();
    for f in findings {
        let hit = config
            .ignores
            .iter()
            .enumerate()
            .find(|(_, e)| matches(e, &f));
        match hit {
            Some((i, e)) => {
                used[i] = true;
                if e.expires > today {
                    out.ignored.push((f, e.reason.clone()));
                } else {
                    out.kept.push(f);
                }
            }
            None => out.kept.push(f),
        }
    }
    let path = config
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(FILE_NAME));
    for (entry, was_used) in config.ignores.iter().zip(used) {
        let what = match (&entry.package, &entry.version) {
            (Some(p), Some(v)) => format!("`{}` for {p} {v}", entry.id),
            (Some(p), None) => format!("`{}` for {p}", entry.id),
            _ => format!("`{}`", entry.id),
        };
        if entry.expires <= today {
            out.kept.push(
                Finding::new(
                    &IGNORE_EXPIRED,
                    format!("ignore entry {what} expired on {}", entry.expires),
                )
                .location(Location::line(&path, entry.line))
                .evidence(format!("reason given: {}", entry.reason)),
            );
        } else if !was_used {
            out.kept.push(
                Finding::new(
                    &IGNORE_STALE,
                    format!("ignore entry {what} matches no finding"),
                )
                .location(Location::line(&path, entry.line)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainwarden_core::finding::AdvisoryInfo;
    use chainwarden_core::{Ecosystem, Package};

    const TEXT: &str = r#"
[scan]
fail-on = "medium"

[[ignore]]
id = "GHSA-5mg7-485q-xm76"
package = "LiteLLM"
reason = "isolated test box"
expires = "2027-01-01"

[[ignore]]
id = "hook/pth-exec"
reason = "old"
expires = "2026-01-01"

[[ignore]]
id = "PYSEC-0000-1"
reason = "nothing has it"
expires = "2099-01-01"
"#;

    fn finding(rule: &RuleMeta, adv: Option<&str>) -> Finding {
        let mut f =
            Finding::new(rule, "x").package(&Package::new(Ecosystem::PyPI, "litellm", "1.82.8"));
        f.advisory = adv.map(|a| AdvisoryInfo {
            id: "MAL-2026-2144".into(),
            aliases: vec![a.into()],
            ..Default::default()
        });
        f
    }

    #[test]
    fn aliases_expiry_and_staleness() {
        let cfg = Config::parse(Path::new("chainwarden.toml"), TEXT).unwrap();
        assert_eq!(cfg.fail_on, Some(Severity::Medium));
        assert_eq!(cfg.ignores[1].line, 11);
        let today: jiff::civil::Date = "2026-11-22".parse().unwrap();
        let f1 = finding(&IGNORE_STALE, Some("GHSA-5mg7-485q-xm76"));
        let f2 = finding(&IGNORE_EXPIRED, None);
        let mut f2 = f2;
        f2.rule = "hook/pth-exec".into();
        let out = apply_ignores(&cfg, vec![f1, f2], today);
        assert_eq!(out.ignored.len(), 1, "alias ignores the merged finding");
        let rules: Vec<&str> = out.kept.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "hook/pth-exec",
                "config/ignore-expired",
                "config/ignore-stale"
            ]
        );
        assert_eq!(out.kept[1].location.as_ref().unwrap().line, Some(11));
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = Config::parse(
            Path::new("x/chainwarden.toml"),
            "[[ignore]]\nid='a'\nreason='r'\nexpires='soon'\n",
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("x/chainwarden.toml:1"),
            "{err:#}"
        );
        let err = Config::parse(Path::new("c.toml"), "[scan]\nfail_on = 'x'\n").unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"), "{err:#}");
        let err =
            Config::parse(Path::new("c.toml"), "[scan]\n\nfail-closed = 'yes'\n").unwrap_err();
        let err = format!("{err:#}");
        assert!(
            err.contains("line 3") && err.contains("fail-closed"),
            "{err}"
        );
        let err = Config::parse(
            Path::new("c.toml"),
            "[scan]\nexclude = [\n  'ok/**',\n  'a[b',\n]\n",
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("c.toml:4: [scan] exclude: `a[b`"),
            "{err:#}"
        );
        let cfg = Config::parse(
            Path::new("c.toml"),
            "[scan]\nfail-closed = false\nexclude = ['test/**']\n",
        )
        .unwrap();
        assert_eq!(cfg.fail_closed, Some(false));
        assert_eq!(cfg.exclude, ["test/**"]);
    }
}
