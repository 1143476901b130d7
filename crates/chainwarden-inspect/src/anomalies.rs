//! Archive anomalies as findings. These are about the input, not the code in
//! it: they are reported whatever the package's verdict (a bomb, a traversal
//! or an unreadable member says nothing about the code that was read).

use chainwarden_archive::Anomaly;
use chainwarden_core::excerpt::{MAX_EXCERPT_CHARS, excerpt};
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
    summary: "A package archive expands beyond the inspection bounds (zip bomb shape, too many or too large members, nested too deep)",
    default_severity: Severity::Medium,
    why: "Decompression bombs exhaust disk and memory of installers and scanners, and part of the \
          package was not inspected. Under fail-closed (the default of `check` and `inspect`) it is \
          at least high: what was not inspected cannot pass a gate.",
    fix: "Inspect the package by hand; raise the bounds only for a trusted source.",
};

pub const UNREADABLE: RuleMeta = RuleMeta {
    id: "archive/unreadable",
    summary: "A package archive, or a member or nested archive in it, could not be read (corrupt, truncated, encrypted, unsupported compression)",
    default_severity: Severity::Medium,
    why: "What could not be read was not inspected; a truncated or encrypted member can hide a \
          payload. Under fail-closed (the default of `check` and `inspect`) it is at least high.",
    fix: "Fetch the package again from the registry and compare its hash; give \
          `--archive-password` for an encrypted sample; otherwise treat it as unvetted.",
};

/// The rules of this crate, for docs and SARIF.
pub const ARCHIVE_RULES: [RuleMeta; 3] = [UNSAFE_PATH, EXPANSION_BOUND, UNREADABLE];

/// A member name as shown in a message (names are attacker-chosen, up to 64 KiB).
fn name(path: &str) -> std::borrow::Cow<'_, str> {
    excerpt(path, MAX_EXCERPT_CHARS)
}

/// One finding per anomaly, except links (skipped by design: their target is
/// not content of the package).
pub(crate) fn findings(anomalies: &[Anomaly], origin: &Path) -> Vec<Finding> {
    anomalies
        .iter()
        .filter_map(|a| {
            let (rule, message) = match a {
                Anomaly::UnsafePath { path, problem } => (
                    &UNSAFE_PATH,
                    format!(
                        "archive member `{}` has an unsafe name ({problem:?})",
                        name(path)
                    ),
                ),
                Anomaly::CompressionRatio { path, ratio_limit } => (
                    &EXPANSION_BOUND,
                    format!(
                        "`{}` expands more than {ratio_limit}x its compressed size; not inspected",
                        name(path)
                    ),
                ),
                Anomaly::EntryTooLarge { path, limit } => (
                    &EXPANSION_BOUND,
                    format!(
                        "`{}` is larger than {limit} bytes; not inspected",
                        name(path)
                    ),
                ),
                Anomaly::Truncated { reason } => (
                    &EXPANSION_BOUND,
                    format!("archive expansion stopped: {reason}; the rest was not inspected"),
                ),
                Anomaly::TooDeep { path } => (
                    &EXPANSION_BOUND,
                    format!(
                        "`{}` is an archive nested deeper than the depth bound; not inspected",
                        name(path)
                    ),
                ),
                Anomaly::Unreadable { path, reason } => (
                    &UNREADABLE,
                    format!("`{}` could not be read: {reason}", name(path)),
                ),
                Anomaly::Link { .. } => return None,
            };
            Some(Finding::new(rule, message).location(Location::file(origin)))
        })
        .collect()
}

/// The finding for a whole archive that was found but not read: over a
/// bound (`EXPANSION_BOUND`) or encrypted (`UNREADABLE`).
pub(crate) fn unread_archive(origin: &Path, rule: &RuleMeta, reason: &str) -> Finding {
    Finding::new(rule, format!("{reason}; not inspected")).location(Location::file(origin))
}
