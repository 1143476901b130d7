//! The blast radius: which credentials a stealer running as a user could read.
//!
//! [`scan_home`] looks at one home folder (SSH keys, cloud and registry
//! credentials, `.env` files, shell histories, wallets) and returns
//! [`Exposure`]s; [`exposure_findings`] turns them into findings, one stable
//! rule per kind (`exposure/<kind>`), each with its rotation step.
//!
//! No secret value ever leaves this crate: exposures carry a path, a line, a
//! description and a non-reversible [`Fingerprint`] only.

mod findings;
mod model;
mod patterns;
mod readers;
pub mod rules;
mod scan;
mod secret;
mod ssh;

pub use findings::exposure_findings;
pub use model::{Exposure, ExposureKind};
pub use rules::RULES;
pub use scan::{ExposureOptions, ExposureReport, scan_home, scan_home_report};
pub use secret::Fingerprint;
