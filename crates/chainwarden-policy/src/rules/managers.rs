//! The package managers' own cooldowns: are they configured, in the file the
//! manager reads, in the unit it expects? Each manager chose its own key,
//! file and unit, and a setting in the wrong one is silently ignored:
//!
//! | manager | file | key | unit |
//! |---|---|---|---|
//! | npm (≥ 11.10) | `.npmrc` | `min-release-age` | days |
//! | pnpm 10 | `.npmrc` | `minimum-release-age` | minutes |
//! | pnpm (≥ 10.16) | `pnpm-workspace.yaml` | `minimumReleaseAge` | minutes |
//! | Yarn Berry (≥ 4.10) | `.yarnrc.yml` | `npmMinimalAgeGate` | duration (`3d`), a bare number is minutes |
//! | Bun (≥ 1.3) | `bunfig.toml` `[install]` | `minimumReleaseAge` | seconds |
//! | uv | `pyproject.toml` `[tool.uv]`, `uv.toml` | `exclude-newer` | duration (`7 days`, `P7D`) or a fixed date |
//! | Renovate | `renovate.json` | `minimumReleaseAge` | duration string (`3 days`) |
//! | Dependabot | `.github/dependabot.yml` | `updates[].cooldown.default-days` | days |

use crate::PolicyConfig;
use chainwarden_core::discover::FileKind;
use chainwarden_core::{Finding, Location, RuleMeta, Severity};
use std::path::{Path, PathBuf};

pub const COOLDOWN_MISCONFIGURED: RuleMeta = RuleMeta {
    id: "policy/cooldown-misconfigured",
    summary: "A package manager's cooldown setting is in the wrong file, key or unit, and is not in effect as intended",
    default_severity: Severity::Medium,
    why: "Each manager reads its minimum release age from its own file, key and unit (npm: days, pnpm: minutes, Bun: seconds); a setting anywhere else is silently ignored, so the team believes it is protected when it is not.",
    fix: "Move the setting to the file and key the manager reads, in its unit (see docs/rules.md for the table).",
};

pub const COOLDOWN_MISSING: RuleMeta = RuleMeta {
    id: "policy/cooldown-missing",
    summary: "A package manager in use has no cooldown (minimum release age), or a shorter one than the policy asks",
    default_severity: Severity::Low,
    why: "Malicious releases are usually found and removed within days; a manager without a cooldown installs them the minute they are published.",
    fix: "Set the manager's own minimum release age (npm `min-release-age=7` in .npmrc, pnpm `minimumReleaseAge: 10080`, Bun `minimumReleaseAge = 604800`, uv `exclude-newer = \"7 days\"`, Yarn `npmMinimalAgeGate: 7d`).",
};

/// One cooldown setting found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub manager: &'static str,
    pub path: PathBuf,
    pub line: u32,
    pub key: String,
    pub raw: String,
    /// The window the manager will actually apply, in days, when it applies one.
    pub days: Option<f64>,
    /// Why it is not in effect as written, if so.
    pub problem: Option<String>,
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i as u32 + 1)
}

/// `7d`, `3 days`, `1 week`, `12h`, `P7D`, `1440` (bare = `bare_unit_minutes` minutes each).
fn duration_days(raw: &str, bare_unit_minutes: Option<f64>) -> Option<f64> {
    let s = raw
        .trim()
        .trim_matches(['"', '\''])
        .trim()
        .to_ascii_lowercase();
    if let Ok(n) = s.parse::<f64>() {
        return bare_unit_minutes.map(|m| n * m / 1440.0);
    }
    if let Some(iso) = s.strip_prefix('p') {
        let (n, unit) = iso.split_at(iso.find(|c: char| !c.is_ascii_digit())?);
        let n: f64 = n.parse().ok()?;
        return match unit {
            "d" => Some(n),
            "w" => Some(n * 7.0),
            _ => None,
        };
    }
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.trim().parse().ok()?;
    let per_day = match unit.trim() {
        "m" | "min" | "mins" | "minute" | "minutes" => 1440.0,
        "h" | "hour" | "hours" => 24.0,
        "d" | "day" | "days" => 1.0,
        "w" | "week" | "weeks" => 1.0 / 7.0,
        _ => return None,
    };
    Some(n / per_day)
}

fn setting(manager: &'static str, path: &Path, text: &str, key: &str, raw: &str) -> Setting {
    Setting {
        manager,
        path: path.to_path_buf(),
        line: line_of(text, key),
        key: key.to_string(),
        raw: raw.trim().to_string(),
        days: None,
        problem: None,
    }
}

/// Flags numbers that only make sense in another unit (7 "minutes" meant as days).
fn implausible(days: f64, unit: &str) -> Option<String> {
    if days > 0.0 && days < 1.0 {
        Some(format!(
            "the value is in {unit}: it is a window of {:.1} hours, probably not what was meant",
            days * 24.0
        ))
    } else if days > 365.0 {
        Some(format!(
            "the value is in {unit}: it is a window of {days:.0} days, probably not what was meant"
        ))
    } else {
        None
    }
}

fn npmrc(path: &Path, text: &str, out: &mut Vec<Setting>) {
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        let mut s = match k {
            "min-release-age" => {
                let mut s = setting("npm", path, text, k, v);
                s.days = v.parse::<f64>().ok();
                s.problem = match s.days {
                    None => Some(format!("`{v}` is not a number of days")),
                    Some(d) => implausible(d, "days"),
                };
                s
            }
            "minimum-release-age" => {
                let mut s = setting("pnpm", path, text, k, v);
                s.days = v.parse::<f64>().ok().map(|m| m / 1440.0);
                s.problem = match s.days {
                    None => Some(format!("`{v}` is not a number of minutes")),
                    Some(d) => implausible(d, "minutes"),
                };
                s
            }
            "minimumReleaseAge" => {
                let mut s = setting("pnpm", path, text, k, v);
                s.problem = Some("pnpm reads `minimumReleaseAge` from pnpm-workspace.yaml (or `minimum-release-age` in .npmrc for pnpm 10)".into());
                s
            }
            "npmMinimalAgeGate" => {
                let mut s = setting("yarn", path, text, k, v);
                s.problem = Some(
                    "Yarn Berry does not read .npmrc: set `npmMinimalAgeGate` in .yarnrc.yml"
                        .into(),
                );
                s
            }
            _ => continue,
        };
        s.raw = v.to_string();
        out.push(s);
    }
}

/// A top-level `key: value` of a simple YAML file, with its line.
fn yaml_scalar(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        Some(rest.split(" #").next().unwrap_or(rest).trim().to_string())
    })
}

fn pnpm_workspace(path: &Path, text: &str, out: &mut Vec<Setting>) {
    if let Some(v) = yaml_scalar(text, "minimumReleaseAge") {
        let mut s = setting("pnpm", path, text, "minimumReleaseAge", &v);
        match v.parse::<f64>() {
            Ok(m) => {
                s.days = Some(m / 1440.0);
                s.problem = implausible(m / 1440.0, "minutes");
            }
            Err(_) => {
                s.problem = Some(format!(
                    "`{v}` is not a number of minutes (pnpm takes minutes: 7 days = 10080)"
                ))
            }
        }
        out.push(s);
    }
}

fn yarnrc(path: &Path, text: &str, out: &mut Vec<Setting>) {
    if let Some(v) = yaml_scalar(text, "npmMinimalAgeGate") {
        let mut s = setting("yarn", path, text, "npmMinimalAgeGate", &v);
        s.days = duration_days(&v, Some(1.0));
        s.problem = match s.days {
            None => Some(format!("`{v}` is not a duration (use e.g. `7d`)")),
            Some(d) if v.trim_matches(['"', '\'']).parse::<f64>().is_ok() => {
                implausible(d, "minutes (a bare number)")
            }
            Some(_) => None,
        };
        out.push(s);
    }
}

/// A TOML value as its user would have written it.
fn toml_raw(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn bunfig(path: &Path, text: &str, out: &mut Vec<Setting>) {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    let install = doc.get("install").and_then(|i| i.get("minimumReleaseAge"));
    if let Some(v) = install {
        let raw = toml_raw(v);
        let mut s = setting("bun", path, text, "minimumReleaseAge", &raw);
        match v.as_integer().map(|i| i as f64).or_else(|| v.as_float()) {
            Some(secs) => {
                s.days = Some(secs / 86_400.0);
                s.problem = implausible(secs / 86_400.0, "seconds");
            }
            None => {
                s.problem = Some(format!(
                    "`{raw}` is not a number of seconds (7 days = 604800)"
                ))
            }
        }
        out.push(s);
    } else if let Some(v) = doc.get("minimumReleaseAge") {
        let mut s = setting("bun", path, text, "minimumReleaseAge", &toml_raw(v));
        s.problem =
            Some("Bun reads `minimumReleaseAge` under `[install]`, not at the top level".into());
        out.push(s);
    }
}

fn uv(path: &Path, text: &str, in_pyproject: bool, now: jiff::Timestamp, out: &mut Vec<Setting>) {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    let (value, misplaced) = if in_pyproject {
        (
            doc.get("tool")
                .and_then(|t| t.get("uv"))
                .and_then(|u| u.get("exclude-newer")),
            None,
        )
    } else {
        let nested = doc
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("exclude-newer"));
        (
            doc.get("exclude-newer").or(nested),
            nested.map(|_| "uv.toml takes `exclude-newer` at the top level, not under [tool.uv]"),
        )
    };
    let Some(v) = value.and_then(|v| v.as_str()) else {
        return;
    };
    let mut s = setting("uv", path, text, "exclude-newer", v);
    if let Some(m) = misplaced {
        s.problem = Some(m.to_string());
    } else if let Some(d) = duration_days(v, None) {
        s.days = Some(d);
    } else if let Ok(ts) = v.parse::<jiff::Timestamp>() {
        // A fixed date freezes resolution; its window only grows with time.
        s.days = Some((now.as_second() - ts.as_second()) as f64 / 86_400.0);
    } else if let Ok(date) = v.parse::<jiff::civil::Date>() {
        let ts = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(now);
        s.days = Some((now.as_second() - ts.as_second()) as f64 / 86_400.0);
    } else {
        s.problem = Some(format!("`{v}` is neither a duration (`7 days`) nor a date"));
    }
    out.push(s);
}

fn renovate(path: &Path, text: &str, out: &mut Vec<Setting>) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&chainwarden_core::jsonc::strip(text))
    else {
        return;
    };
    let mut values = Vec::new();
    if let Some(m) = v.get("minimumReleaseAge") {
        values.push(m.clone());
    }
    if let Some(rules) = v.get("packageRules").and_then(|r| r.as_array()) {
        values.extend(
            rules
                .iter()
                .filter_map(|r| r.get("minimumReleaseAge").cloned()),
        );
    }
    for m in values {
        let raw = m.to_string();
        let mut s = setting("renovate", path, text, "minimumReleaseAge", &raw);
        match m.as_str() {
            Some(d) => match duration_days(d, None) {
                Some(days) => s.days = Some(days),
                None => {
                    s.problem = Some(format!(
                        "`{d}` is not a duration Renovate understands (use e.g. \"3 days\")"
                    ))
                }
            },
            None => {
                s.problem = Some(format!(
                    "`{raw}` must be a string with a unit, e.g. \"3 days\""
                ))
            }
        }
        out.push(s);
    }
}

fn dependabot(path: &Path, text: &str, out: &mut Vec<Setting>) {
    #[derive(serde::Deserialize)]
    struct Config {
        #[serde(default)]
        updates: Vec<serde_saphyr::Spanned<Update>>,
    }
    #[derive(serde::Deserialize)]
    struct Update {
        #[serde(rename = "package-ecosystem")]
        ecosystem: Option<String>,
        cooldown: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    }
    let Ok(cfg) = serde_saphyr::from_str::<Config>(text) else {
        return;
    };
    for u in cfg.updates {
        let line = u.referenced.line() as u32;
        let eco = u.value.ecosystem.clone().unwrap_or_default();
        let Some(cooldown) = &u.value.cooldown else {
            out.push(Setting {
                manager: "dependabot",
                path: path.to_path_buf(),
                line,
                key: format!("updates[{eco}].cooldown"),
                raw: String::new(),
                days: None,
                problem: None,
            });
            continue;
        };
        let known = [
            "default-days",
            "semver-major-days",
            "semver-minor-days",
            "semver-patch-days",
            "include",
            "exclude",
        ];
        let unknown: Vec<&String> = cooldown
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        let days = cooldown.get("default-days").and_then(|v| v.as_f64());
        out.push(Setting {
            manager: "dependabot",
            path: path.to_path_buf(),
            line,
            key: format!("updates[{eco}].cooldown"),
            raw: days.map(|d| d.to_string()).unwrap_or_default(),
            days,
            problem: if !unknown.is_empty() {
                Some(format!("unknown cooldown key(s) {unknown:?}: Dependabot rejects the file and keeps the previous configuration"))
            } else if days.is_none() {
                Some("`cooldown` without `default-days` applies no default window".into())
            } else {
                None
            },
        });
    }
}

/// Reads every cooldown setting of the manager configuration files found.
pub fn settings(files: &[(FileKind, PathBuf)], now: jiff::Timestamp) -> Vec<Setting> {
    let mut out = Vec::new();
    for (kind, path) in files {
        if *kind != FileKind::ManagerConfig {
            continue;
        }
        let Ok(text) = chainwarden_core::fsutil::read_text(path, 4 * 1024 * 1024) else {
            continue;
        };
        match path.file_name().and_then(|n| n.to_str()).unwrap_or("") {
            ".npmrc" => npmrc(path, &text, &mut out),
            "pnpm-workspace.yaml" => pnpm_workspace(path, &text, &mut out),
            ".yarnrc.yml" => yarnrc(path, &text, &mut out),
            "bunfig.toml" => bunfig(path, &text, &mut out),
            "pyproject.toml" => uv(path, &text, true, now, &mut out),
            "uv.toml" => uv(path, &text, false, now, &mut out),
            "renovate.json" | "renovate.json5" | ".renovaterc" | ".renovaterc.json" => {
                renovate(path, &text, &mut out)
            }
            "dependabot.yml" | "dependabot.yaml" => dependabot(path, &text, &mut out),
            _ => {}
        }
    }
    out
}

/// Which managers the lockfiles found say are in use.
fn managers_in_use(files: &[(FileKind, PathBuf)]) -> Vec<(&'static str, &Path)> {
    let mut out: Vec<(&'static str, &Path)> = Vec::new();
    for (kind, path) in files {
        let m = match kind {
            FileKind::PackageLock | FileKind::NpmShrinkwrap => "npm",
            FileKind::PnpmLock => "pnpm",
            FileKind::YarnLock => "yarn",
            FileKind::BunLock | FileKind::BunLockb => "bun",
            FileKind::UvLock => "uv",
            _ => continue,
        };
        if !out.iter().any(|(x, _)| *x == m) {
            out.push((m, path.as_path()));
        }
    }
    out
}

pub(crate) fn check(
    files: &[(FileKind, PathBuf)],
    config: &PolicyConfig,
    now: jiff::Timestamp,
) -> Vec<Finding> {
    let found = settings(files, now);
    let mut out = Vec::new();
    for s in &found {
        let loc = Location::line(&s.path, s.line);
        if let Some(problem) = &s.problem {
            out.push(
                Finding::new(
                    &COOLDOWN_MISCONFIGURED,
                    format!(
                        "{}: `{}` is not in effect as written: {problem}",
                        s.manager, s.key
                    ),
                )
                .location(loc)
                .evidence(format!(
                    "value: {}",
                    if s.raw.is_empty() { "(none)" } else { &s.raw }
                )),
            );
        } else if s.manager == "dependabot" && s.days.is_none() {
            out.push(
                Finding::new(
                    &COOLDOWN_MISSING,
                    format!("dependabot: `{}` has no cooldown", s.key),
                )
                .location(loc),
            );
        } else if let Some(d) = s.days
            && config.min_release_age_days > 0
            && d < f64::from(config.min_release_age_days)
        {
            out.push(
                Finding::new(
                    &COOLDOWN_MISSING,
                    format!(
                        "{}: cooldown of {d:.1} days is shorter than the policy's {} days",
                        s.manager, config.min_release_age_days
                    ),
                )
                .severity(Severity::Medium)
                .location(loc),
            );
        }
    }
    for (manager, lockfile) in managers_in_use(files) {
        if found
            .iter()
            .any(|s| s.manager == manager && s.problem.is_none() && s.days.is_some())
        {
            continue;
        }
        let severity = if config.min_release_age_days > 0 {
            Severity::Medium
        } else {
            Severity::Low
        };
        out.push(
            Finding::new(&COOLDOWN_MISSING, format!("{manager} is in use here but no cooldown (minimum release age) is in effect for it"))
                .severity(severity)
                .location(Location::file(lockfile)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path, list: &[(&str, &str, FileKind)]) -> Vec<(FileKind, PathBuf)> {
        list.iter()
            .map(|(name, text, kind)| {
                let p = dir.join(name);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, text).unwrap();
                (*kind, p)
            })
            .collect()
    }

    fn now() -> jiff::Timestamp {
        "2026-11-22T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn units_per_manager() {
        let d = tempfile::tempdir().unwrap();
        let f = files(
            d.path(),
            &[
                (
                    ".npmrc",
                    "registry=https://registry.npmjs.org/\nmin-release-age=7\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "pnpm-workspace.yaml",
                    "packages:\n  - 'pkgs/*'\nminimumReleaseAge: 10080\n",
                    FileKind::ManagerConfig,
                ),
                (
                    ".yarnrc.yml",
                    "nodeLinker: node-modules\nnpmMinimalAgeGate: 3d\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "bunfig.toml",
                    "[install]\nminimumReleaseAge = 604800\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "pyproject.toml",
                    "[project]\nname='x'\n[tool.uv]\nexclude-newer = \"7 days\"\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "renovate.json",
                    "{\"extends\": [\"config:recommended\"], \"minimumReleaseAge\": \"3 days\"}",
                    FileKind::ManagerConfig,
                ),
                (
                    ".github/dependabot.yml",
                    "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    cooldown:\n      default-days: 5\n",
                    FileKind::ManagerConfig,
                ),
            ],
        );
        let s = settings(&f, now());
        let got: Vec<(&str, u32, Option<f64>, bool)> = s
            .iter()
            .map(|s| (s.manager, s.line, s.days, s.problem.is_none()))
            .collect();
        assert_eq!(
            got,
            [
                ("npm", 2, Some(7.0), true),
                ("pnpm", 3, Some(7.0), true),
                ("yarn", 2, Some(3.0), true),
                ("bun", 2, Some(7.0), true),
                ("uv", 4, Some(7.0), true),
                ("renovate", 1, Some(3.0), true),
                ("dependabot", 3, Some(5.0), true),
            ]
        );
        assert!(check(&f, &PolicyConfig::default(), now()).is_empty());
        let strict = PolicyConfig {
            min_release_age_days: 5,
            ..Default::default()
        };
        let short: Vec<String> = check(&f, &strict, now())
            .iter()
            .map(|f| f.message.clone())
            .collect();
        assert_eq!(short.len(), 2, "{short:?}");
        assert!(short[0].starts_with("yarn: cooldown of 3.0 days"));
    }

    #[test]
    fn wrong_file_key_or_unit_is_misconfigured() {
        let d = tempfile::tempdir().unwrap();
        let f = files(
            d.path(),
            &[
                (
                    ".npmrc",
                    "minimumReleaseAge=10080\nnpmMinimalAgeGate=7d\nmin-release-age=10080\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "pnpm-workspace.yaml",
                    "minimumReleaseAge: 7\n",
                    FileKind::ManagerConfig,
                ),
                (
                    ".yarnrc.yml",
                    "npmMinimalAgeGate: 7\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "bunfig.toml",
                    "minimumReleaseAge = 604800\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "uv.toml",
                    "[tool.uv]\nexclude-newer = \"7 days\"\n",
                    FileKind::ManagerConfig,
                ),
                (
                    "renovate.json",
                    "{\"minimumReleaseAge\": 3}",
                    FileKind::ManagerConfig,
                ),
                (
                    ".github/dependabot.yml",
                    "version: 2\nupdates:\n  - package-ecosystem: maven\n    directory: /\n    cooldown:\n      default: 4\n",
                    FileKind::ManagerConfig,
                ),
            ],
        );
        let findings = check(&f, &PolicyConfig::default(), now());
        let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            rules,
            vec!["policy/cooldown-misconfigured"; 9],
            "{findings:#?}"
        );
        assert!(
            findings[2].message.contains("window of 10080 days"),
            "{}",
            findings[2].message
        );
        assert!(
            findings[3].message.contains("0.1 hours"),
            "{}",
            findings[3].message
        );
    }

    #[test]
    fn managers_in_use_without_a_cooldown() {
        let d = tempfile::tempdir().unwrap();
        let f = files(
            d.path(),
            &[
                ("package-lock.json", "{}", FileKind::PackageLock),
                ("uv.lock", "", FileKind::UvLock),
                (
                    "uv.toml",
                    "exclude-newer = \"2026-11-01T00:00:00Z\"\n",
                    FileKind::ManagerConfig,
                ),
            ],
        );
        let findings = check(&f, &PolicyConfig::default(), now());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "npm is in use here but no cooldown (minimum release age) is in effect for it"
        );
        assert_eq!(findings[0].severity, Severity::Low);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_days("7d", None), Some(7.0));
        assert_eq!(duration_days("\"1 week\"", None), Some(7.0));
        assert_eq!(duration_days("P7D", None), Some(7.0));
        assert_eq!(duration_days("36h", None), Some(1.5));
        assert_eq!(duration_days("1440", Some(1.0)), Some(1.0));
        assert_eq!(duration_days("1440", None), None);
        assert_eq!(duration_days("soon", None), None);
    }
}
