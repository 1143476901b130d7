//! `chainwarden-policy`: the package managers' cooldown settings. The reader
//! takes files found by discovery, so the input is written to a temporary
//! file with the name the first byte picks.

use crate::pick;
use chainwarden_core::discover::FileKind;

const NAMES: &[&str] = &[
    ".npmrc",
    "pnpm-workspace.yaml",
    ".yarnrc.yml",
    "bunfig.toml",
    "pyproject.toml",
    "uv.toml",
    "renovate.json",
    "dependabot.yml",
];

/// One manager config file, read by `rules::managers::settings`.
pub fn policy_manager_settings(data: &[u8]) {
    let (i, rest) = pick(data, NAMES.len());
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join(NAMES[i]);
    if std::fs::write(&path, rest).is_err() {
        return;
    }
    let now = jiff::Timestamp::from_second(1_790_000_000).unwrap_or_default();
    for s in chainwarden_policy::rules::managers::settings(&[(FileKind::ManagerConfig, path)], now)
    {
        if let Some(d) = s.days {
            let _ = d.is_finite();
        }
    }
}
