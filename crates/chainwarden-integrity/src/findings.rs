//! Turning a [`VerifyReport`] into findings, graded so that known upstream
//! quirks do not drown a real change.
//!
//! Grading of `integrity/modified`:
//! - a start-up hook or top-level module (`*.pth`, `sitecustomize.py`, any
//!   top-level `.py`) is always its own finding, high/high;
//! - a script outside site-packages that starts with `#!` is medium/low: tools
//!   that move or re-create environments rewrite shebangs (pip itself records
//!   the rewritten hash, so a fresh pip install matches);
//! - a distribution where at least [`GROUP_THRESHOLD`] files and at least half
//!   of its hashed files differ gets ONE grouped finding, medium/low: that shape
//!   is a re-packaged or post-processed install (distro patching, conda
//!   relinking, an installer that rewrites files), while tampering touches few files;
//! - anything else is high/high, one finding per file.

use crate::record::RecordHash;
use crate::rules;
use crate::verify::{Issue, IssueKind, Unowned, UnownedKind, VerifyReport};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chainwarden_core::{Confidence, Finding, Location, Severity};
use std::path::Path;

/// Smallest number of modified files in one distribution reported as a group.
pub const GROUP_THRESHOLD: usize = 5;

/// Files listed in a grouped finding's evidence.
const GROUP_EVIDENCE: usize = 10;

/// All findings of one verify run, distributions in folder order.
pub fn verify_findings(report: &VerifyReport) -> Vec<Finding> {
    let mut out = Vec::new();
    for (idx, dist) in report.distributions.iter().enumerate() {
        let issues: Vec<&Issue> = report.issues.iter().filter(|i| i.dist == idx).collect();
        let modified: Vec<&Issue> = issues
            .iter()
            .copied()
            .filter(|i| matches!(i.kind, IssueKind::Modified { .. }))
            .collect();
        let (hooks, rest): (Vec<&Issue>, Vec<&Issue>) = modified
            .iter()
            .copied()
            .partition(|i| is_startup_or_top_level(&report.site_dir, &i.path));
        let group = rest.len() >= GROUP_THRESHOLD && rest.len() * 2 >= dist.hashed_entries;
        for issue in &hooks {
            out.push(modified_finding(report, issue));
        }
        if group {
            out.push(group_finding(report, idx, &rest));
        } else {
            out.extend(rest.iter().map(|i| modified_finding(report, i)));
        }
        for issue in issues
            .iter()
            .filter(|i| !matches!(i.kind, IssueKind::Modified { .. }))
        {
            out.push(other_issue_finding(report, issue));
        }
        for (_, err) in report.record_errors.iter().filter(|(d, _)| *d == idx) {
            out.push(
                Finding::new(
                    &rules::RECORD_INVALID,
                    format!("{}: RECORD line {} is invalid", dist.package, err.line),
                )
                .package(&dist.package)
                .location(Location::line(&err.file, err.line))
                .evidence(err.message.clone()),
            );
        }
        if dist.record.is_none() || dist.kind == crate::ownership::DistKind::EggInfo {
            let what = if dist.record.is_some() {
                "installed-files.txt lists its files but no hashes"
            } else {
                "no RECORD"
            };
            out.push(
                Finding::new(
                    &rules::NO_RECORD,
                    format!("{}: cannot be verified ({what})", dist.package),
                )
                .package(&dist.package)
                .location(Location::file(&dist.metadata_dir)),
            );
        }
    }
    out.extend(report.unowned.iter().map(unowned_finding));
    out
}

fn is_startup_or_top_level(site_dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(site_dir) else {
        return false;
    };
    let name = rel.to_string_lossy().to_ascii_lowercase();
    rel.components().count() == 1 && (name.ends_with(".pth") || name.ends_with(".py"))
}

fn record_location(report: &VerifyReport, issue: &Issue) -> Location {
    let record = report
        .distribution(issue.dist)
        .and_then(|d| d.record.as_ref())
        .map(|r| r.display().to_string())
        .unwrap_or_default();
    Location {
        path: issue.path.clone(),
        line: None,
        detail: Some(format!("listed at {record}:{}", issue.record_line)),
    }
}

/// The on-disk digest written the way RECORD writes digests, for comparison.
fn actual_record_string(expected: &RecordHash, actual_hex: &str) -> String {
    let bytes: Vec<u8> = (0..actual_hex.len() / 2)
        .filter_map(|i| {
            actual_hex
                .get(i * 2..i * 2 + 2)
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect();
    format!("{}={}", expected.algorithm, URL_SAFE_NO_PAD.encode(bytes))
}

fn modified_finding(report: &VerifyReport, issue: &Issue) -> Finding {
    let Some(dist) = report.distribution(issue.dist) else {
        return Finding::new(&rules::MODIFIED, issue.record_path.clone());
    };
    let IssueKind::Modified {
        expected,
        actual_hex,
        expected_size,
        actual_size,
        shebang,
    } = &issue.kind
    else {
        return other_issue_finding(report, issue);
    };
    let outside_site = !issue.path.starts_with(&report.site_dir);
    let in_metadata = issue.path.starts_with(&dist.metadata_dir);
    let mut f = Finding::new(
        &rules::MODIFIED,
        format!(
            "{}: {} differs from RECORD",
            dist.package, issue.record_path
        ),
    )
    .package(&dist.package)
    .location(record_location(report, issue))
    .evidence(format!(
        "RECORD: {} size {}",
        expected.to_record_string(),
        size_str(*expected_size)
    ))
    .evidence(format!(
        "on disk: {} size {actual_size}",
        actual_record_string(expected, actual_hex)
    ));
    if *shebang && outside_site {
        f = f
            .severity(Severity::Medium)
            .confidence(Confidence::Low)
            .evidence(
                "a script outside site-packages starting with `#!`: tools that move or re-create \
                 environments rewrite shebangs (pip records the rewritten hash, so a fresh pip \
                 install matches); compare the first line",
            );
    } else if in_metadata {
        f = f
            .severity(Severity::Medium)
            .confidence(Confidence::Medium)
            .evidence("a file of the distribution's own metadata folder");
    }
    f
}

fn size_str(s: Option<u64>) -> String {
    s.map_or_else(|| "not stated".to_string(), |s| s.to_string())
}

fn group_finding(report: &VerifyReport, idx: usize, issues: &[&Issue]) -> Finding {
    let Some(dist) = report.distribution(idx) else {
        return Finding::new(&rules::MODIFIED, "modified files");
    };
    let mut f = Finding::new(
        &rules::MODIFIED,
        format!(
            "{}: {} of {} hashed files differ from RECORD",
            dist.package,
            issues.len(),
            dist.hashed_entries
        ),
    )
    .severity(Severity::Medium)
    .confidence(Confidence::Low)
    .package(&dist.package)
    .location(Location::file(
        dist.record.clone().unwrap_or_else(|| dist.metadata_dir.clone()),
    ))
    .evidence(
        "most of the distribution differs: the shape of a re-packaged or post-processed install \
         (an upstream or installer quirk) rather than a targeted edit; compare with a fresh install",
    );
    for i in issues.iter().take(GROUP_EVIDENCE) {
        f = f.evidence(format!("differs: {}", i.record_path));
    }
    if issues.len() > GROUP_EVIDENCE {
        f = f.evidence(format!("… and {} more", issues.len() - GROUP_EVIDENCE));
    }
    f
}

fn other_issue_finding(report: &VerifyReport, issue: &Issue) -> Finding {
    let Some(dist) = report.distribution(issue.dist) else {
        return Finding::new(&rules::MISSING, issue.record_path.clone());
    };
    let loc = record_location(report, issue);
    let base = |rule, msg: String| {
        Finding::new(rule, format!("{}: {msg}", dist.package))
            .package(&dist.package)
            .location(loc.clone())
    };
    match &issue.kind {
        IssueKind::Missing => base(
            &rules::MISSING,
            format!("{} is listed in RECORD but missing", issue.record_path),
        ),
        IssueKind::OutsideRoot { reason } => base(
            &rules::OUTSIDE_ROOT,
            format!("{} was not read", issue.record_path),
        )
        .evidence(reason.clone()),
        IssueKind::NotRegularFile => base(
            &rules::MODIFIED,
            format!("{} is no longer a regular file", issue.record_path),
        )
        .severity(Severity::Medium),
        IssueKind::Unverifiable { algorithm } => base(
            &rules::RECORD_INVALID,
            format!(
                "{} is listed with {algorithm}, which is not checked",
                issue.record_path
            ),
        ),
        IssueKind::Unreadable { message } => base(
            &rules::MISSING,
            format!("{} could not be read", issue.record_path),
        )
        .severity(Severity::Low)
        .confidence(Confidence::Low)
        .evidence(message.clone()),
        IssueKind::Modified { .. } => modified_finding(report, issue),
    }
}

fn unowned_finding(u: &Unowned) -> Finding {
    let (severity, what) = match u.kind {
        UnownedKind::StartupPth => (
            Severity::High,
            "a .pth start-up file: its `import` lines run at every Python start",
        ),
        UnownedKind::StartupCustomize => (Severity::High, "imported at every Python start"),
        UnownedKind::TopLevelModule => (
            Severity::High,
            "an importable top-level module that may shadow a real one",
        ),
        UnownedKind::TopLevelPackage => (Severity::Medium, "an importable package folder"),
        UnownedKind::NestedModule => (Severity::Medium, "code dropped inside an installed package"),
        UnownedKind::Other => (Severity::Low, "not code Python loads by itself"),
    };
    let thing = if u.is_dir {
        format!("folder {} ({} files)", u.path.display(), u.files)
    } else {
        u.path.display().to_string()
    };
    Finding::new(
        &rules::UNOWNED,
        format!("{thing} is not owned by any installed distribution"),
    )
    .severity(severity)
    .location(Location::file(&u.path))
    .evidence(what)
}
