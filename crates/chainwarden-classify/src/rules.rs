//! The rules, read from the declarative files embedded at build time
//! (`rules/secrets.toml`, `rules/pii.toml`, `rules/markers.toml`).

use crate::policy::Class;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// What a rule finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Secret,
    Pii,
    Marker,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Pii => "pii",
            Kind::Marker => "marker",
        }
    }
}

/// How a marker phrase must appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerMode {
    /// In capitals anywhere, or in any case when it opens a line.
    Upper,
    /// Only when it opens a line.
    Banner,
    /// In any case, anywhere.
    Any,
}

/// The built-in personal-data detectors (src/pii.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Detector {
    Email,
    Phone,
    Card,
    Iban,
    UsSsn,
    UkNino,
    AuTfn,
    AuMedicare,
    AuAbn,
    AuAcn,
}

/// Offline checks that raise precision (never a network call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// GitHub's and npm's token format: CRC32 of the 30 random characters, base62, as the last 6.
    GithubCrc32,
    /// A JWT whose header decodes to a JSON object with `alg`.
    Jwt,
    /// Looks random: mixed character classes, no long runs, Shannon entropy ≥ 3 bits per character.
    Entropy,
    /// Looks random, has a digit and a letter, and is not an identifier or a constant name.
    SecretValue,
}

/// One rule as written in its file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    summary: String,
    placeholder: String,
    #[serde(default)]
    keywords: Vec<String>,
    regex: Option<String>,
    validator: Option<Validator>,
    #[serde(default)]
    reject: Vec<String>,
    #[serde(default, rename = "reject-exact")]
    reject_exact: Vec<String>,
    window: Option<usize>,
    back: Option<usize>,
    detector: Option<Detector>,
    class: Option<Class>,
    redact: Option<bool>,
    #[serde(default)]
    context: Vec<String>,
    mode: Option<MarkerMode>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    positive: Vec<String>,
    #[serde(default)]
    negative: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RawRule>,
}

/// How a rule matches.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Keywords feed the prefilter; the regex confirms near each hit.
    Regex {
        regex: regex::bytes::Regex,
        validator: Option<Validator>,
        reject: Vec<String>,
        reject_exact: Vec<String>,
        window: usize,
        back: usize,
    },
    Pii(Detector),
    Marker {
        mode: MarkerMode,
        phrases: Vec<String>,
    },
    /// An organisation term from configuration (whole word, any case).
    Term,
}

/// A rule, ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub summary: String,
    /// The type in redacted text (`EMAIL` gives `<EMAIL_1>`).
    pub placeholder: String,
    /// The class a confident detection puts a document in (policy may override).
    pub class: Class,
    /// Whether redaction replaces the value (markers and public-record numbers: no).
    pub redact: bool,
    pub keywords: Vec<String>,
    /// Words that raise a personal-data candidate's confidence.
    pub context: Vec<String>,
    pub matcher: Matcher,
    /// Yields to a specific rule on an overlapping span (`.env` assignments vs. vendor formats).
    pub generic: bool,
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

/// A rule file that does not parse is a build defect; the test suite loads
/// every file, so this cannot reach a user.
#[derive(Debug, thiserror::Error)]
#[error("rule {id}: {message}")]
pub struct RuleError {
    pub id: String,
    pub message: String,
}

const FILES: [(Kind, &str); 3] = [
    (Kind::Secret, include_str!("../rules/secrets.toml")),
    (Kind::Pii, include_str!("../rules/pii.toml")),
    (Kind::Marker, include_str!("../rules/markers.toml")),
];

fn build(kind: Kind, raw: RawRule) -> Result<Rule, RuleError> {
    let err = |m: String| RuleError {
        id: raw.id.clone(),
        message: m,
    };
    if !raw.id.starts_with(&format!("{}/", kind.as_str())) {
        return Err(err(format!("id must start with `{}/`", kind.as_str())));
    }
    let matcher = match kind {
        Kind::Secret => {
            let re = raw
                .regex
                .as_deref()
                .ok_or_else(|| err("needs a regex".into()))?;
            if raw.keywords.is_empty() {
                return Err(err("needs keywords for the prefilter".into()));
            }
            let regex = regex::bytes::RegexBuilder::new(re)
                .unicode(false)
                .size_limit(4 << 20)
                .build()
                .map_err(|e| err(e.to_string()))?;
            Matcher::Regex {
                regex,
                validator: raw.validator,
                reject: raw.reject.clone(),
                reject_exact: raw.reject_exact.clone(),
                window: raw.window.unwrap_or(256),
                back: raw.back.unwrap_or(0),
            }
        }
        Kind::Pii => Matcher::Pii(raw.detector.ok_or_else(|| err("needs a detector".into()))?),
        Kind::Marker => {
            if raw.phrases.is_empty() {
                return Err(err("needs phrases".into()));
            }
            Matcher::Marker {
                mode: raw.mode.unwrap_or(MarkerMode::Any),
                phrases: raw.phrases.clone(),
            }
        }
    };
    let keywords = match &matcher {
        Matcher::Marker { phrases, .. } => phrases.clone(),
        _ => raw.keywords.clone(),
    };
    Ok(Rule {
        kind,
        summary: raw.summary,
        placeholder: raw.placeholder,
        class: raw.class.unwrap_or(match kind {
            Kind::Secret => Class::Confidential,
            Kind::Pii | Kind::Marker => Class::Internal,
        }),
        redact: raw.redact.unwrap_or(kind != Kind::Marker),
        keywords,
        context: raw.context.iter().map(|c| c.to_ascii_lowercase()).collect(),
        matcher,
        generic: raw.generic,
        positive: raw.positive,
        negative: raw.negative,
        id: raw.id,
    })
}

fn load() -> Result<Vec<Rule>, RuleError> {
    let mut out = Vec::new();
    for (kind, text) in FILES {
        let file: RuleFile = toml::from_str(text).map_err(|e| RuleError {
            id: format!("{}.toml", kind.as_str()),
            message: e.to_string(),
        })?;
        for raw in file.rule {
            out.push(build(kind, raw)?);
        }
    }
    Ok(out)
}

/// Every built-in rule, in file order.
pub fn builtin() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| load().unwrap_or_else(|e| panic!("embedded rule files: {e}")))
}

/// The rule organisation terms are reported under.
pub fn term_rule(class: Class) -> Rule {
    Rule {
        id: "marker/org-term".into(),
        kind: Kind::Marker,
        summary: "An organisation-defined term (codename, customer name) from chainwarden.toml"
            .into(),
        placeholder: "TERM".into(),
        class,
        redact: false,
        keywords: Vec::new(),
        context: Vec::new(),
        matcher: Matcher::Term,
        generic: false,
        positive: Vec::new(),
        negative: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, EngineOptions};

    #[test]
    fn every_rule_finds_its_positives_and_none_of_its_negatives() {
        let engine = Engine::new(&EngineOptions::default()).unwrap();
        let mut failures = Vec::new();
        for rule in builtin() {
            assert!(
                !rule.positive.is_empty() && !rule.negative.is_empty(),
                "{} needs examples",
                rule.id
            );
            for p in &rule.positive {
                let found = engine.scan(p.as_bytes());
                if !found.iter().any(|d| engine.rule(d).id == rule.id) {
                    failures.push(format!("{}: missed positive {p:?}", rule.id));
                }
            }
            for n in &rule.negative {
                let found = engine.scan(n.as_bytes());
                if found.iter().any(|d| engine.rule(d).id == rule.id) {
                    failures.push(format!("{}: flagged negative {n:?}", rule.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn ids_are_unique_and_kinds_covered() {
        let mut ids: Vec<&str> = builtin().iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for k in [Kind::Secret, Kind::Pii, Kind::Marker] {
            assert!(builtin().iter().any(|r| r.kind == k));
        }
    }
}
