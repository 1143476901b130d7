//! Matching components against advisories, one finding per issue.
//!
//! All advisories that affect one package version are grouped: two records
//! are the same issue when their id sets (id + aliases) overlap, and all
//! malicious records of one package version are one issue (a version is
//! malware or not; feeds rarely cross-reference each other). Each group gives
//! one finding with a stable primary id: a `MAL-` id when there is one, then
//! `GHSA-`, then other record ids, CVE last; ties break alphabetically.

use crate::evaluate::{self, Candidate};
use crate::kev::KevCatalog;
use crate::record::{Advisory, AdvisoryKind};
use crate::rules::{MALICIOUS, VULNERABLE};
use chainwarden_core::finding::AdvisoryInfo;
use chainwarden_core::inventory::ComponentId;
use chainwarden_core::{Component, Finding, Package, Severity, version};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Most reference URLs copied into one finding.
const MAX_REFERENCES: usize = 12;

/// The advisories of `records` that affect `package` (withdrawn ones never do).
pub fn affecting<'a>(records: &'a [Advisory], package: &Package) -> Vec<&'a Advisory> {
    let c = Candidate::new(package.ecosystem, &package.version);
    records
        .iter()
        .filter(|a| a.withdrawn.is_none())
        .filter(|a| {
            a.affected.iter().any(|p| {
                p.ecosystem == package.ecosystem
                    && p.name == package.name
                    && evaluate::affects(p, &c)
            })
        })
        .collect()
}

/// Groups records that describe one issue.
pub fn group<'a>(hits: &[&'a Advisory]) -> Vec<Vec<&'a Advisory>> {
    let n = hits.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..n {
        for j in (i + 1)..n {
            let same = (hits[i].is_malicious() && hits[j].is_malicious())
                || hits[i].ids().any(|x| hits[j].ids().any(|y| x == y));
            if same {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<Vec<&Advisory>> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for (i, hit) in hits.iter().enumerate() {
        let r = find(&mut parent, i);
        match roots.iter().position(|&x| x == r) {
            Some(g) => groups[g].push(*hit),
            None => {
                roots.push(r);
                groups.push(vec![*hit]);
            }
        }
    }
    groups
}

fn id_rank(id: &str) -> u8 {
    if id.starts_with("MAL-") {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("CVE-") {
        3
    } else {
        2
    }
}

/// Picks the primary id of a group (see the module docs).
pub fn primary_id(group: &[&Advisory]) -> String {
    group
        .iter()
        .flat_map(|a| a.ids())
        .min_by(|a, b| id_rank(a).cmp(&id_rank(b)).then(a.cmp(b)))
        .unwrap_or_default()
        .to_string()
}

/// Severity of a malicious group: malware is critical; Leitwacht's other
/// categories (dependency confusion, research PoC) high, PUA medium.
fn malicious_severity(group: &[&Advisory]) -> Severity {
    group
        .iter()
        .filter_map(|a| match &a.kind {
            AdvisoryKind::Malicious { category } => Some(match category.as_str() {
                "pua" => Severity::Medium,
                "dependency_confusion" | "research_poc" => Severity::High,
                _ => Severity::Critical,
            }),
            AdvisoryKind::Vulnerability => None,
        })
        .max()
        .unwrap_or(Severity::Critical)
}

/// Builds the finding for one group of advisories affecting `component`.
pub fn finding(
    group: &[&Advisory],
    id: Option<ComponentId>,
    component: Option<&Component>,
    package: &Package,
    kev: Option<&KevCatalog>,
) -> Finding {
    let primary = primary_id(group);
    let all_ids: BTreeSet<&str> = group.iter().flat_map(|a| a.ids()).collect();
    let aliases: Vec<String> = all_ids
        .iter()
        .filter(|i| **i != primary)
        .map(|s| s.to_string())
        .collect();
    let malicious = group.iter().any(|a| a.is_malicious());
    let lead = group
        .iter()
        .find(|a| a.id == primary)
        .or_else(|| {
            group
                .iter()
                .find(|a| a.is_malicious() == malicious && !a.summary.is_empty())
        })
        .or(group.first());
    let summary = lead.map(|a| a.summary.clone()).unwrap_or_default();

    let kev_hit = kev.and_then(|k| {
        all_ids
            .iter()
            .filter(|i| i.starts_with("CVE-"))
            .find_map(|i| k.entries.get(*i).cloned())
    });
    let fixed = fixed_versions(group, package);

    let mut sources: BTreeSet<&str> = BTreeSet::new();
    let mut references: Vec<String> = Vec::new();
    let mut cvss: BTreeSet<String> = BTreeSet::new();
    for a in group {
        sources.insert(a.source.as_str());
        for r in &a.references {
            if !references.contains(r) && references.len() < MAX_REFERENCES {
                references.push(r.clone());
            }
        }
        cvss.extend(a.cvss.iter().cloned());
    }
    let info = AdvisoryInfo {
        id: primary.clone(),
        aliases,
        summary: summary.clone(),
        fixed: fixed.clone(),
        references,
        cvss: cvss.into_iter().collect(),
        source: sources.into_iter().collect::<Vec<_>>().join(", "),
        published: group.iter().filter_map(|a| a.published.clone()).min(),
        modified: group.iter().filter_map(|a| a.modified.clone()).max(),
        kev: kev_hit.clone(),
    };

    let mut f = if malicious {
        Finding::new(
            &MALICIOUS,
            format!("{} {} is a known malicious package ({primary})", package.name, package.version),
        )
        .severity(malicious_severity(group))
        .remediation(format!(
            "Remove {} {}, rebuild the environment from a clean lock, and rotate every credential the host could read.",
            package.name, package.version
        ))
    } else {
        let mut sev = group
            .iter()
            .filter_map(|a| a.severity)
            .max()
            .unwrap_or(VULNERABLE.default_severity);
        if kev_hit.is_some() {
            sev = sev.max(Severity::High);
        }
        let msg = if summary.is_empty() {
            format!(
                "{} {} is vulnerable ({primary})",
                package.name, package.version
            )
        } else {
            format!(
                "{} {} is vulnerable ({primary}): {summary}",
                package.name, package.version
            )
        };
        Finding::new(&VULNERABLE, msg)
            .severity(sev)
            .remediation(upgrade_advice(group, package, &fixed))
    };
    for a in group {
        let what = match &a.kind {
            AdvisoryKind::Malicious { category } => format!("malicious ({category})"),
            AdvisoryKind::Vulnerability => "vulnerability".to_string(),
        };
        f = f.evidence(format!(
            "{} ({}) lists {} {} as {what}",
            a.id, a.source, package.name, package.version
        ));
    }
    if let Some(k) = &kev_hit {
        f = f.evidence(format!(
            "{} is in CISA's Known Exploited Vulnerabilities catalog (added {}, due {})",
            k.cve, k.date_added, k.due_date
        ));
    }
    f = match (id, component) {
        (Some(id), Some(c)) => {
            let f = f.component(id, package);
            match c.locations.first() {
                Some(l) => f.location(l.clone()),
                None => f,
            }
        }
        _ => f.package(package),
    };
    f.advisory = Some(info);
    f
}

/// The `fixed` versions of the group's ranges for this package, in version order.
fn fixed_versions(group: &[&Advisory], package: &Package) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in group {
        for p in &a.affected {
            if p.ecosystem == package.ecosystem && p.name == package.name {
                for v in evaluate::fixed_versions(p) {
                    if !out.iter().any(|o| o == v) {
                        out.push(v.to_string());
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| version::compare(package.ecosystem, a, b).unwrap_or_else(|| a.cmp(b)));
    out
}

/// "Upgrade to X": the lowest fixed version above the installed one that no
/// record of the group still lists as affected.
fn upgrade_advice(group: &[&Advisory], package: &Package, fixed: &[String]) -> String {
    let target = fixed.iter().find(|v| {
        version::compare(package.ecosystem, v, &package.version) == Some(Ordering::Greater) && {
            let probe = Package {
                version: (*v).clone(),
                ..package.clone()
            };
            let owned: Vec<Advisory> = group.iter().map(|a| (*a).clone()).collect();
            affecting(&owned, &probe).is_empty()
        }
    });
    match target {
        Some(v) => format!("Upgrade {} to {v} or later.", package.name),
        None if fixed.is_empty() => format!(
            "No fixed version is known: remove or replace {}, or apply the advisory's mitigation.",
            package.name
        ),
        None => format!(
            "No single fixed version above {} clears every range (fixed in: {}); see the advisory.",
            package.version,
            fixed.join(", ")
        ),
    }
}
