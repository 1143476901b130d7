//! Rule families: one file per family, each with its `RULES`.

pub mod capability;
pub mod credentials;
pub mod destination;
pub mod download_exec;
pub mod install;
pub mod metadata;
pub mod obfuscation;
pub mod persistence;
pub mod typosquat;

use crate::rule::Rule;

/// Every family's rules.
pub const ALL: &[&[Rule]] = &[
    credentials::RULES,
    obfuscation::RULES,
    download_exec::RULES,
    install::RULES,
    persistence::RULES,
    destination::RULES,
    typosquat::RULES,
    metadata::RULES,
    capability::RULES,
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    ALL.iter().flat_map(|f| f.iter()).find(|r| r.meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{PackageMeta, check};
    use crate::rule::Matcher;
    use std::collections::HashSet;

    fn hits_for(path: &str, text: &str) -> Vec<&'static str> {
        let hits = if path.ends_with("PKG-INFO") {
            check(&PackageMeta::from_core_metadata(text, path))
        } else {
            crate::scan_source(path, text.as_bytes())
        };
        hits.iter().map(|h| h.rule.meta.id).collect()
    }

    /// Every rule's examples: positives must hit, negatives must not.
    #[test]
    fn every_rule_example_behaves() {
        let mut failures = Vec::new();
        for rule in ALL.iter().flat_map(|f| f.iter()) {
            for ex in rule.examples {
                let ids = hits_for(ex.path, ex.text);
                if ids.contains(&rule.meta.id) != ex.fires {
                    failures.push(format!(
                        "{} {} on {:?}: got {ids:?}",
                        rule.meta.id,
                        if ex.fires { "missed" } else { "fired" },
                        ex.text
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn rules_are_well_formed() {
        let mut ids = HashSet::new();
        for rule in ALL.iter().flat_map(|f| f.iter()) {
            let id = rule.meta.id;
            assert!(ids.insert(id), "duplicate id {id}");
            let prefix = format!("heuristic/{}-", rule.family.as_str());
            assert!(id.starts_with(&prefix), "{id} not under {prefix}");
            assert!(
                rule.examples.iter().any(|e| e.fires) && rule.examples.iter().any(|e| !e.fires),
                "{id} needs a positive and a negative example"
            );
            assert!(!rule.meta.summary.is_empty() && !rule.meta.why.is_empty());
            if let Matcher::Pattern { regex, .. } = rule.matcher {
                assert!(regex::Regex::new(regex).is_ok(), "{id}: bad regex");
            }
        }
    }
}
