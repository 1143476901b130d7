//! npm ecosystem collectors for chainwarden.
//!
//! One module per format: [`package_lock`] (`package-lock.json` v1–v3,
//! `npm-shrinkwrap.json`), [`yarn_lock`] (yarn v1 and berry), [`pnpm_lock`]
//! (v5–v9), [`bun_lock`] (`bun.lock`) and [`node_modules`] (installed trees).
//! Every collector parses text only: nothing is run, sizes and depths are
//! bounded, and no symlink is followed out of the scan root.
//!
//! ```no_run
//! use chainwarden_core::discover::{FileKind, WalkLimits, discover};
//! use chainwarden_core::Inventory;
//! use std::path::PathBuf;
//!
//! let root = PathBuf::from(".");
//! let found = discover(&[root.clone()], WalkLimits::default());
//! let mut inv = Inventory::default();
//! for (kind, path) in &found.files {
//!     if matches!(kind, FileKind::PackageLock | FileKind::NpmShrinkwrap
//!         | FileKind::YarnLock | FileKind::PnpmLock | FileKind::BunLock)
//!     {
//!         match chainwarden_npm::collect_lockfile(*kind, path) {
//!             Ok(c) => { inv.push(c); }
//!             Err(e) => inv.errors.push(e),
//!         }
//!     }
//! }
//! for nm in &found.node_modules {
//!     let (c, errors) = chainwarden_npm::collect_node_modules(nm, &root);
//!     if let Some(c) = c { inv.push(c); }
//!     inv.errors.extend(errors);
//! }
//! let findings = chainwarden_npm::install_script_findings(&inv);
//! # let _ = findings;
//! ```

pub mod bun_lock;
mod common;
pub mod install_scripts;
mod json_scan;
pub mod node_modules;
pub mod package_lock;
pub mod pnpm_lock;
mod yaml;
pub mod yarn_lock;

use chainwarden_core::RuleMeta;
use chainwarden_core::discover::FileKind;
use chainwarden_core::inventory::Collected;
use chainwarden_core::inventory::InputError;
use std::path::Path;

pub use install_scripts::{NPM_INSTALL_SCRIPT, install_script_findings};

/// The rules this crate raises.
pub const RULES: &[RuleMeta] = &[NPM_INSTALL_SCRIPT];

/// Collects one npm lockfile found by discovery. Kinds that are not npm
/// lockfiles are refused with an error naming the file.
pub fn collect_lockfile(kind: FileKind, path: &Path) -> Result<Collected, InputError> {
    match kind {
        FileKind::PackageLock | FileKind::NpmShrinkwrap => package_lock::collect(path),
        FileKind::YarnLock => yarn_lock::collect(path),
        FileKind::PnpmLock => pnpm_lock::collect(path),
        FileKind::BunLock => bun_lock::collect(path),
        other => Err(InputError::new(
            path,
            format!("not an npm lockfile kind: {other:?}"),
        )),
    }
}

/// Collects an installed `node_modules` tree found by discovery; `root` is
/// the scan root (no symlink is followed out of it). Problems with single
/// packages are returned beside the collected tree.
pub fn collect_node_modules(dir: &Path, root: &Path) -> (Option<Collected>, Vec<InputError>) {
    node_modules::collect(dir, root)
}
