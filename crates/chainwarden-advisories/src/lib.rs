//! Advisories for chainwarden: the OSV model, imports (folders, OSV export
//! zips, PyPA YAML, CISA KEV), a packed index that opens in milliseconds,
//! an embedded dated snapshot, and exact OSV matching of an inventory.
//!
//! ```no_run
//! use chainwarden_advisories::AdvisoryDb;
//! # fn scan(inventory: &chainwarden_core::Inventory) -> Result<(), chainwarden_advisories::DbError> {
//! let db = AdvisoryDb::open_default()?; // the XDG index, else the embedded snapshot
//! for finding in db.match_inventory(inventory) {
//!     // finding.rule is "advisory/malicious" or "advisory/vulnerable"
//! }
//! # Ok(()) }
//! ```

pub mod cvss;
pub mod db;
pub mod evaluate;
pub mod http;
pub mod import;
pub mod kev;
pub mod matching;
pub mod osv;
pub mod record;
pub mod rules;
pub mod snapshot;
pub mod store;
pub mod update;

pub use db::{AdvisoryDb, DbError, DbStatus};
pub use import::{ImportError, ImportLimits, ImportReport, SourceReport, SourceSpec};
pub use rules::{MALICIOUS, RULES, VULNERABLE};
pub use update::{UpdateOptions, update};
