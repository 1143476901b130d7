//! Archive anomalies as findings.

use chainwarden_archive::Anomaly;
use chainwarden_core::inventory::Location;
use chainwarden_core::{Finding, RuleMeta, Severity};
use std::path::Path;

pub const UNSAFE_PATH: RuleMeta = RuleMeta {
    id: "archive/unsafe-path",
    summary: "A package archive member is named with `..` or an absolute path",
    default_severity: Severity::High,
    why: "Extracting such a member writes outside the target folder (path traversal); \
          package build tools never produce these names.",
    fix: "Do not install or extract the package; report it to the registry.",
};

pub const EXPANSION_BOUND: RuleMeta = RuleMeta {
    id: "archive/expansion-bound",
    summary: "A package archive expands beyond the inspection bounds (zip bomb shape, too many or too large members)",
    default_severity: Severity::Medium,
    why: "Decompression bombs exhaust disk and memory of installers and scanners, and part of the \
          package was not inspected.",
    fix: "Inspect the package by hand; raise the bounds only for a trusted source.",
};

/// The rules of this crate, for docs and SARIF.
pub const ARCHIVE_RULES: [RuleMeta; 2] = [UNSAFE_PATH, EXPANSION_BOUND];

pub(crate) fn findings(anomalies: &[Anomaly], origin: &Path) -> Vec<Finding> {
    anomalies
        .iter()
        .filter_map(|a| {
            let (rule, message) = match a {
                Anomaly::UnsafePath { path, problem } => (
                    &UNSAFE_PATH,
                    format!("archive member `{path}` has an unsafe name ({problem:?})"),
                ),
                Anomaly::CompressionRatio { path, ratio_limit } => (
                    &EXPANSION_BOUND,
                    format!("`{path}` expands more than {ratio_limit}x its compressed size"),
                ),
                Anomaly::EntryTooLarge { path, limit } => (
                    &EXPANSION_BOUND,
                    format!("`{path}` is larger than {limit} bytes; not inspected"),
                ),
                Anomaly::Truncated { reason } => (
                    &EXPANSION_BOUND,
                    format!("archive expansion stopped: {reason}; the rest was not inspected"),
                ),
                // Links are skipped by design; deep nesting and unreadable
                // members are reported in `PackageResult::anomalies` only.
                Anomaly::Link { .. } | Anomaly::TooDeep { .. } | Anomaly::Unreadable { .. } => {
                    return None;
                }
            };
            Some(
                Finding::new(rule, message)
                    .location(Location::file(origin))
                    .evidence(format!("{a:?}")),
            )
        })
        .collect()
}
