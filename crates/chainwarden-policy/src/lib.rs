//! Policy: could the compromise have been stopped? Pinned actions and MCP
//! servers, exact pins and hashes in lockfiles, a minimum release age
//! (cooldown) and allow/deny lists, evaluated over an [`Inventory`].
//!
//! One file per rule family under `rules/`; each reads the inventory and the
//! [`PolicyConfig`] and returns findings. Collectors record facts (`ref-kind`,
//! `pinned`, `upload_time`); only this crate judges them.

pub mod rules;

use chainwarden_core::{Finding, Inventory, RuleMeta};
use serde::Deserialize;

pub use rules::RULES;

/// `[policy]` in chainwarden.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PolicyConfig {
    /// Requirements files must pin every package with `==` (lockfiles always pin).
    pub require_pins: bool,
    /// Every locked or pinned package must carry a hash (`--hash`, lockfile integrity).
    pub require_hashes: bool,
    /// Packages uploaded fewer than this many days ago are flagged (0 = off).
    pub min_release_age_days: u32,
    /// Actions owned by these owners may use tags (e.g. `["actions"]`); default: none.
    pub trusted_action_owners: Vec<String>,
    /// Packages that must never appear: `name` or `name@version`, optionally
    /// prefixed by the ecosystem (`npm:`, `pypi:`, `cargo:`).
    pub deny: Vec<String>,
    /// When not empty, only these packages may appear (same syntax as `deny`).
    pub allow: Vec<String>,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            require_pins: true,
            require_hashes: false,
            min_release_age_days: 0,
            trusted_action_owners: Vec::new(),
            deny: Vec::new(),
            allow: Vec::new(),
        }
    }
}

/// Runs every policy rule. `now` is the evaluation time (for cooldowns).
pub fn evaluate(
    inventory: &Inventory,
    config: &PolicyConfig,
    now: jiff::Timestamp,
) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(rules::actions::check(inventory, config));
    out.extend(rules::mcp::check(inventory));
    out.extend(rules::pins::check(inventory, config));
    out.extend(rules::cooldown::check(inventory, config, now));
    out.extend(rules::lists::check(inventory, config));
    out.extend(rules::credentials::check(inventory));
    out
}

/// Checks the package managers' own cooldown settings among the files found
/// by discovery (manager configs, and lockfiles to know which managers are in use).
pub fn evaluate_manager_settings(
    files: &[(chainwarden_core::discover::FileKind, std::path::PathBuf)],
    config: &PolicyConfig,
    now: jiff::Timestamp,
) -> Vec<Finding> {
    rules::managers::check(files, config, now)
}

/// All rule metadata of this crate.
pub fn rules() -> &'static [RuleMeta] {
    RULES
}
