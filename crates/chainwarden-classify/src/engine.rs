//! The scan: one pass of a literal prefilter (Aho-Corasick over every rule's
//! keywords, marker phrases and organisation terms), each hit confirmed by its
//! rule near the hit; one pass for personal data; then the same over the
//! normalised views, positions mapped back to the original text.

use crate::normalize::{self, Encoding};
use crate::pii::PiiSet;
use crate::policy::Class;
use crate::rules::{self, Kind, Matcher, Rule, Validator};
use crate::{Confidence, markers, validate};
use aho_corasick::AhoCorasick;
use serde::Deserialize;

/// An organisation-defined term (a codename, a customer) and the class a
/// document that mentions it is in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    #[serde(default = "confidential")]
    pub class: Class,
}

fn confidential() -> Class {
    Class::Confidential
}

/// What the engine looks for.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub secrets: bool,
    pub personal_data: bool,
    pub markers: bool,
    pub terms: Vec<Term>,
    /// Rule ids switched off.
    pub disabled: Vec<String>,
    /// Detections below this confidence are dropped.
    pub min_confidence: Confidence,
    /// Also scan the JSON-unescaped, URL-decoded and base64-decoded views.
    pub normalise: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            secrets: true,
            personal_data: true,
            markers: true,
            terms: Vec::new(),
            disabled: Vec::new(),
            min_confidence: Confidence::Medium,
            normalise: true,
        }
    }
}

/// One detection. The value itself is never stored: `start..end` points into
/// the scanned text, which the caller owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub confidence: Confidence,
    /// Set when the value was found in a decoded view.
    pub encoding: Option<Encoding>,
}

/// The compiled rule set.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<Rule>,
    prefilter: Option<AhoCorasick>,
    /// Rules (and, for markers, the phrase) behind each prefilter pattern.
    pattern_rules: Vec<Vec<(usize, usize)>>,
    pii: PiiSet,
    min_confidence: Confidence,
    normalise: bool,
}

/// A configured term that cannot be used (empty, or too short to mean anything).
#[derive(Debug, thiserror::Error)]
#[error("term `{0}` is shorter than 3 characters")]
pub struct TermError(pub String);

impl Engine {
    pub fn new(opts: &EngineOptions) -> Result<Engine, TermError> {
        let mut rules: Vec<Rule> = rules::builtin()
            .iter()
            .filter(|r| match r.kind {
                Kind::Secret => opts.secrets,
                Kind::Pii => opts.personal_data,
                Kind::Marker => opts.markers,
            })
            .filter(|r| !opts.disabled.iter().any(|d| d == &r.id))
            .cloned()
            .collect();
        let mut literals: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut add = |lit: &str, rule: usize, phrase: usize| {
            let key = lit.to_ascii_lowercase();
            match literals.iter().position(|l| l.to_ascii_lowercase() == key) {
                Some(p) => pattern_rules[p].push((rule, phrase)),
                None => {
                    literals.push(lit.to_string());
                    pattern_rules.push(vec![(rule, phrase)]);
                }
            }
        };
        for (i, r) in rules.iter().enumerate() {
            for (k, kw) in r.keywords.iter().enumerate() {
                add(kw, i, k);
            }
        }
        for t in &opts.terms {
            let term = t.term.trim();
            if term.chars().count() < 3 {
                return Err(TermError(t.term.clone()));
            }
            let idx = match rules
                .iter()
                .position(|r| matches!(r.matcher, Matcher::Term) && r.class == t.class)
            {
                Some(i) => i,
                None => {
                    rules.push(rules::term_rule(t.class));
                    rules.len() - 1
                }
            };
            add(term, idx, 0);
        }
        let prefilter = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&literals)
                    .map_err(|e| TermError(e.to_string()))?,
            )
        };
        let pii = PiiSet {
            rules: rules
                .iter()
                .enumerate()
                .filter_map(|(i, r)| match r.matcher {
                    Matcher::Pii(d) => Some((d, i, r.context.clone())),
                    _ => None,
                })
                .collect(),
        };
        Ok(Engine {
            rules,
            prefilter,
            pattern_rules,
            pii,
            min_confidence: opts.min_confidence,
            normalise: opts.normalise,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, d: &Detection) -> &Rule {
        &self.rules[d.rule]
    }

    /// Every detection in `text`, sorted by position, overlaps of one rule merged.
    pub fn scan(&self, text: &[u8]) -> Vec<Detection> {
        let mut out = Vec::new();
        self.scan_plain(text, None, &mut out);
        if self.normalise {
            for view in normalize::views(text) {
                let mut found = Vec::new();
                self.scan_plain(&view.bytes, Some(view.encoding), &mut found);
                for mut d in found {
                    let (s, e) = view.original(d.start, d.end);
                    d.start = s;
                    d.end = e;
                    out.push(d);
                }
            }
        }
        out.retain(|d| d.confidence >= self.min_confidence);
        out.sort_by(|a, b| (a.start, a.rule, b.end).cmp(&(b.start, b.rule, a.end)));
        // The same rule on overlapping spans (a plain and a decoded hit): keep the first, widest.
        let mut kept: Vec<Detection> = Vec::with_capacity(out.len());
        for d in out {
            if kept
                .iter()
                .rev()
                .take(8)
                .any(|k| k.rule == d.rule && k.start < d.end && d.start < k.end)
            {
                continue;
            }
            kept.push(d);
        }
        // A generic rule yields to a specific one on the same value.
        let specific: Vec<(usize, usize)> = kept
            .iter()
            .filter(|d| !self.rules[d.rule].generic && self.rules[d.rule].kind == Kind::Secret)
            .map(|d| (d.start, d.end))
            .collect();
        if specific.len() < kept.len() {
            kept.retain(|d| {
                !self.rules[d.rule].generic
                    || !specific.iter().any(|&(s, e)| s < d.end && d.start < e)
            });
        }
        kept
    }

    fn scan_plain(&self, text: &[u8], encoding: Option<Encoding>, out: &mut Vec<Detection>) {
        if let Some(ac) = &self.prefilter {
            let mut covered = vec![0usize; self.rules.len()];
            for m in ac.find_overlapping_iter(text) {
                for &(r, phrase) in &self.pattern_rules[m.pattern().as_usize()] {
                    if m.start() < covered[r] {
                        continue;
                    }
                    let rule = &self.rules[r];
                    let hit = match &rule.matcher {
                        Matcher::Regex { .. } => confirm_regex(rule, text, m.start(), m.end()),
                        Matcher::Marker { mode, phrases } => {
                            markers::confirm(text, m.start(), m.end(), *mode, &phrases[phrase])
                                .then_some((m.start(), m.end()))
                        }
                        Matcher::Term => markers::whole_word(text, m.start(), m.end())
                            .then_some((m.start(), m.end())),
                        Matcher::Pii(_) => None,
                    };
                    if let Some((s, e)) = hit {
                        covered[r] = e;
                        out.push(Detection {
                            rule: r,
                            start: s,
                            end: e,
                            confidence: Confidence::High,
                            encoding,
                        });
                    }
                }
            }
        }
        let mut hits = Vec::new();
        self.pii.scan(text, &mut hits);
        out.extend(
            hits.into_iter()
                .map(|(rule, start, end, confidence)| Detection {
                    rule,
                    start,
                    end,
                    confidence,
                    encoding,
                }),
        );
    }
}

/// Runs a regex rule around the keyword at `ks..ke`: the match must contain
/// the keyword; the value (group `v`, else group 1, else the match) must pass
/// the rule's reject list and validator.
fn confirm_regex(rule: &Rule, text: &[u8], ks: usize, ke: usize) -> Option<(usize, usize)> {
    let Matcher::Regex {
        regex,
        validator,
        reject,
        reject_exact,
        window,
        back,
    } = &rule.matcher
    else {
        return None;
    };
    let ws = ks.saturating_sub(*back);
    let we = text.len().min(ke + window);
    let hay = &text[..we];
    let mut pos = ws;
    while pos <= ks {
        let caps = regex.captures_at(hay, pos)?;
        let m = caps.get(0)?;
        if m.start() > ks {
            return None;
        }
        if m.end() >= ke {
            let v = caps.name("v").or_else(|| caps.get(1)).unwrap_or(m);
            let value = v.as_bytes();
            if reject
                .iter()
                .any(|r| memchr::memmem::find(value, r.as_bytes()).is_some())
                || reject_exact.iter().any(|r| r.as_bytes() == value)
            {
                return None;
            }
            let ok = match validator {
                None => true,
                Some(Validator::GithubCrc32) => validate::github_crc32(value),
                Some(Validator::Jwt) => validate::jwt(value),
                Some(Validator::Entropy) => validate::looks_random(value),
                Some(Validator::SecretValue) => validate::secret_value(value),
            };
            return ok.then_some((v.start(), v.end()));
        }
        pos = m.end().max(m.start() + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(engine: &Engine, text: &str) -> Vec<String> {
        engine
            .scan(text.as_bytes())
            .iter()
            .map(|d| engine.rule(d).id.clone())
            .collect()
    }

    #[test]
    fn normalised_views_report_original_positions() {
        let e = Engine::new(&EngineOptions::default()).unwrap();
        let text = r#"{"private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n", "k": "AKIA\u005A7Q3NVBRC5W2X4P6"}"#;
        let found = e.scan(text.as_bytes());
        let rules: Vec<&str> = found.iter().map(|d| e.rule(d).id.as_str()).collect();
        assert_eq!(rules, ["secret/private-key", "secret/aws-access-key-id"]);
        let aws = &found[1];
        assert_eq!(&text[aws.start..aws.end], r"AKIA\u005A7Q3NVBRC5W2X4P6");
        assert_eq!(aws.encoding, Some(Encoding::JsonEscape));
        let url = "https://x.test/?to=jane.citizen%40acme-corp.com.au&x=1";
        let found = e.scan(url.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(
            &url[found[0].start..found[0].end],
            "jane.citizen%40acme-corp.com.au"
        );
    }

    #[test]
    fn terms_and_switches() {
        let e = Engine::new(&EngineOptions {
            terms: vec![Term {
                term: "Bluebird".into(),
                class: Class::Confidential,
            }],
            personal_data: false,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ids(&e, "Project BLUEBIRD launch"), ["marker/org-term"]);
        assert!(ids(&e, "bluebirds").is_empty());
        assert!(ids(&e, "mail jane@acme-corp.com.au").is_empty());
        assert!(
            Engine::new(&EngineOptions {
                terms: vec![Term {
                    term: "ab".into(),
                    class: Class::Internal
                }],
                ..Default::default()
            })
            .is_err()
        );
    }
}
