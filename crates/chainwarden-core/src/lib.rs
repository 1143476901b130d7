//! The chainwarden model.
//!
//! Data flows one way: collectors build an [`Inventory`] of [`Component`]s,
//! analyzers read it and return [`Finding`]s, reports format both. Nothing in
//! this crate prints, exits or touches the network.

pub mod cvss;
pub mod discover;
pub mod ecosystem;
pub mod excerpt;
pub mod finding;
pub mod fsutil;
pub mod graph;
pub mod inventory;
pub mod jsonc;
pub mod oci;
pub mod package;
pub mod purl;
pub mod version;

pub use ecosystem::Ecosystem;
pub use finding::{Confidence, Finding, RuleMeta, Severity};
pub use inventory::{
    Component, ComponentId, Hash, Inventory, Location, Source, SourceId, SourceKind,
};
pub use package::Package;

/// The tool's own name and version, as written into every report.
pub const TOOL_NAME: &str = "chainwarden";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
