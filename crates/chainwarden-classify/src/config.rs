//! The `[classify]` section of chainwarden.toml: what to look for, extra
//! organisation terms, and per-rule class overrides. Validation errors name
//! the line.

use crate::policy::{Class, Policy};
use crate::rules;
use crate::{Confidence, EngineOptions, Term};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClassifyConfig {
    pub secrets: Option<bool>,
    pub personal_data: Option<bool>,
    pub markers: Option<bool>,
    /// `low`, `medium` (default) or `high`.
    pub min_confidence: Option<Spanned<String>>,
    /// Rule ids switched off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Organisation terms: codenames, customer names.
    #[serde(default)]
    pub terms: Vec<Spanned<Term>>,
    /// Class per rule id, overriding the rule file's.
    #[serde(default)]
    pub classes: BTreeMap<String, Spanned<Class>>,
}

/// Line (1-based) of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |s| s.matches('\n').count()) + 1
}

impl ClassifyConfig {
    /// The engine options and policy this section asks for; `text` is the
    /// whole configuration file, for line numbers in errors.
    pub fn resolve(&self, text: &str) -> Result<(EngineOptions, Policy), String> {
        let known =
            |id: &str| id == "marker/org-term" || rules::builtin().iter().any(|r| r.id == id);
        let mut opts = EngineOptions {
            secrets: self.secrets.unwrap_or(true),
            personal_data: self.personal_data.unwrap_or(true),
            markers: self.markers.unwrap_or(true),
            ..EngineOptions::default()
        };
        if let Some(mc) = &self.min_confidence {
            opts.min_confidence = match mc.get_ref().as_str() {
                "low" => Confidence::Low,
                "medium" => Confidence::Medium,
                "high" => Confidence::High,
                other => {
                    return Err(format!(
                        "line {}: [classify] min-confidence `{other}`: expected low, medium or high",
                        line_of(text, mc.span().start)
                    ));
                }
            };
        }
        for d in &self.disable {
            if !known(d.get_ref()) {
                return Err(format!(
                    "line {}: [classify] disable: unknown rule id `{}` (see `chainwarden rules`)",
                    line_of(text, d.span().start),
                    d.get_ref()
                ));
            }
            opts.disabled.push(d.get_ref().clone());
        }
        for t in &self.terms {
            if t.get_ref().term.trim().chars().count() < 3 {
                return Err(format!(
                    "line {}: [classify] terms: `{}` is shorter than 3 characters and would match everywhere",
                    line_of(text, t.span().start),
                    t.get_ref().term
                ));
            }
            opts.terms.push(t.get_ref().clone());
        }
        let mut policy = Policy::default();
        for (id, class) in &self.classes {
            if !known(id) {
                return Err(format!(
                    "line {}: [classify.classes] unknown rule id `{id}` (see `chainwarden rules`)",
                    line_of(text, class.span().start)
                ));
            }
            policy.classes.insert(id.clone(), *class.get_ref());
        }
        Ok((opts, policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        classify: ClassifyConfig,
    }

    fn resolve(text: &str) -> Result<(EngineOptions, Policy), String> {
        let d: Doc = toml::from_str(text).map_err(|e| e.to_string())?;
        d.classify.resolve(text)
    }

    #[test]
    fn valid_and_invalid() {
        let (o, p) = resolve(
            "[classify]\nterms = [{ term = \"Bluebird\" }, { term = \"Northwind\", class = \"internal\" }]\n[classify.classes]\n\"pii/email\" = \"public\"\n",
        )
        .unwrap();
        assert_eq!(o.terms.len(), 2);
        assert_eq!(o.terms[0].class, Class::Confidential);
        assert_eq!(p.classes["pii/email"], Class::Public);
        let e = resolve("[classify]\n\ndisable = [\"pii/nope\"]\n").unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
        let e = resolve("[classify]\nterms = [{ term = \"ab\" }]\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = resolve("[classify.classes]\n\"pii/email\" = \"secret\"\n").unwrap_err();
        assert!(e.contains("unknown variant") && e.contains("line 2"), "{e}");
    }
}
