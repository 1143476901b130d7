//! Installed-package integrity and indicators of compromise.
//!
//! - [`record`]: the RECORD file of an installed distribution.
//! - [`ownership`]: which distribution owns which file (RECORD, installed-files.txt).
//! - [`verify`]: re-hash every owned file, find files nothing owns.
//! - [`findings`]: graded `integrity/*` findings from a verify report.
//! - [`ioc`]: public indicators of compromise matched against installed files.
//!
//! Nothing here runs, imports or prints anything.

pub mod findings;
pub mod hashing;
pub mod ioc;
pub mod ownership;
pub mod record;
pub mod rules;
pub mod verify;

pub use findings::verify_findings;
pub use ioc::{IocMatcher, IocReport, IocScanOptions, IocSet, ioc_findings, scan_site_dir};
pub use ownership::{Distribution, Ownership, env_root_for, read_ownership};
pub use rules::RULES;
pub use verify::{VerifyOptions, VerifyReport, VerifyStats, verify_site_dir};
