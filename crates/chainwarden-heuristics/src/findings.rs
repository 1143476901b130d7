//! Hits as chainwarden findings.

use crate::rule::Hit;
use chainwarden_core::{Finding, Location, Package, Severity};
use std::collections::HashSet;

/// One finding per distinct (rule, file, line) hit at `Low` or above
/// (capabilities, which are `Info`, are left out). Rule ids are
/// `heuristic/<family>-<name>`; the location is the file as given to
/// [`crate::scan_source`] (join it onto the package root or archive name).
pub fn hits_to_findings(hits: &[Hit], package: Option<&Package>) -> Vec<Finding> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for h in hits {
        if h.severity < Severity::Low || !seen.insert((h.rule.meta.id, h.path.as_str(), h.line)) {
            continue;
        }
        let hidden = if h.layer > 0 {
            format!(
                " (after {} decode{})",
                h.layer,
                if h.layer > 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        let location = if h.line > 0 {
            Location::line(&h.path, h.line)
        } else {
            Location::file(&h.path)
        };
        let mut f = Finding::new(&h.rule.meta, format!("{}{hidden}", h.rule.meta.summary))
            .severity(h.severity)
            .confidence(h.confidence)
            .location(location)
            .evidence(h.snippet.clone());
        if h.layer > 0 {
            f = f.evidence(format!("decode layer {}", h.layer));
        }
        if let Some(p) = package {
            f = f.package(p);
        }
        out.push(f);
    }
    out
}
