//! Findings and the metadata of the rules that raise them.
//!
//! Rule ids (`advisory/malicious`, `hook/pth-exec`, …) are the public contract:
//! SARIF rules, ignore entries and the docs all key on them. Never rename one.

use crate::Package;
use crate::inventory::{ComponentId, Location};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected info, low, medium, high or critical)")
            })
    }
}

/// How sure the rule is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// Static description of a rule, for docs, SARIF `rules[]` and `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable id, `family/name`, kebab-case.
    pub id: &'static str,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The severity it raises unless the evidence says otherwise.
    pub default_severity: Severity,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

impl RuleMeta {
    /// The docs anchor of this rule (`docs/rules.md#advisory-malicious`).
    pub fn docs_anchor(&self) -> String {
        self.id.replace('/', "-")
    }
}

/// What an advisory says, as far as a report needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryInfo {
    /// The primary id (`MAL-2026-2144`).
    pub id: String,
    /// Other ids of the same issue (GHSA, PYSEC, CVE), merged into this finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Versions that clear the finding, per the advisory's ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<String>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// CVSS vectors as given (`CVSS:3.1/AV:N/…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<String>,
    /// Where the record came from (`ossf-malicious-packages`, `pypa`…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Set when a CVE alias is in CISA's Known Exploited Vulnerabilities catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<KevInfo>,
}

/// A CISA KEV catalog entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevInfo {
    pub cve: String,
    pub date_added: String,
    pub due_date: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub required_action: String,
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable rule id.
    pub rule: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One line, for a table row.
    pub message: String,
    /// The component concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<ComponentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// The file (and line) the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Facts that support the finding (never a secret value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// What to do.
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory: Option<AdvisoryInfo>,
}

impl Finding {
    /// A finding of `rule` at its default severity, high confidence.
    pub fn new(rule: &RuleMeta, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id.to_string(),
            severity: rule.default_severity,
            confidence: Confidence::High,
            message: crate::excerpt::cap_owned(message.into()),
            component: None,
            package: None,
            location: None,
            evidence: Vec::new(),
            remediation: rule.fix.to_string(),
            advisory: None,
        }
    }

    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Finding {
        self.confidence = c;
        self
    }

    pub fn component(mut self, id: ComponentId, package: &Package) -> Finding {
        self.component = Some(id);
        self.package = Some(package.clone());
        self
    }

    pub fn package(mut self, package: &Package) -> Finding {
        self.package = Some(package.clone());
        self
    }

    pub fn location(mut self, location: Location) -> Finding {
        self.location = Some(location);
        self
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Finding {
        self.evidence.push(crate::excerpt::cap_owned(e.into()));
        self
    }

    pub fn remediation(mut self, r: impl Into<String>) -> Finding {
        self.remediation = r.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }
}
