//! Detections → a document class.
//!
//! Default policy (no configuration): any secret, government or health
//! identifier (TFN, Medicare, SSN, NINO), payment card, bank account or
//! confidentiality marker makes a document `confidential`; contact data
//! (e-mail, phone) or an internal-use marker makes it `internal`; otherwise
//! it is `public`. Business numbers (ABN, ACN) are public record. Each rule's
//! class is in its rule file; `[classify] classes` in chainwarden.toml
//! overrides it per rule id.

use crate::{Confidence, Detection, Engine};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A document class. Ordered: `Public < Internal < Confidential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Public,
    Internal,
    Confidential,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Public => "public",
            Class::Internal => "internal",
            Class::Confidential => "confidential",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Class {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Ok(Class::Public),
            "internal" => Ok(Class::Internal),
            "confidential" => Ok(Class::Confidential),
            _ => Err(format!(
                "unknown class `{s}` (expected public, internal or confidential)"
            )),
        }
    }
}

/// Per-rule class overrides and the confidence a detection needs to count.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub classes: BTreeMap<String, Class>,
}

/// A document's class and the detection that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub class: Class,
    /// Index into the detections; `None` for a public document.
    pub decided_by: Option<usize>,
}

impl Policy {
    /// The class one detection of `rule_id` implies.
    pub fn class_of(&self, engine: &Engine, d: &Detection) -> Class {
        let rule = engine.rule(d);
        self.classes.get(&rule.id).copied().unwrap_or(rule.class)
    }

    /// The highest class among the detections; the first detection of that
    /// class decides.
    pub fn verdict(&self, engine: &Engine, detections: &[Detection]) -> Verdict {
        let mut best = Verdict {
            class: Class::Public,
            decided_by: None,
        };
        for (i, d) in detections.iter().enumerate() {
            if d.confidence < Confidence::Medium {
                continue;
            }
            let c = self.class_of(engine, d);
            if c > best.class {
                best = Verdict {
                    class: c,
                    decided_by: Some(i),
                };
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EngineOptions;

    fn class(text: &str) -> Class {
        let e = Engine::new(&EngineOptions::default()).unwrap();
        let d = e.scan(text.as_bytes());
        Policy::default().verdict(&e, &d).class
    }

    #[test]
    fn default_policy() {
        assert_eq!(class("AKIAZ7Q3NVBRC5W2X4P6"), Class::Confidential);
        assert_eq!(class("TFN: 123 456 782"), Class::Confidential);
        assert_eq!(class("CONFIDENTIAL"), Class::Confidential);
        assert_eq!(class("card 4111 1111 1111 1111"), Class::Confidential);
        assert_eq!(class("mail jane@acme-corp.com.au"), Class::Internal);
        assert_eq!(class("Internal use only"), Class::Internal);
        assert_eq!(class("ABN 51 824 753 556"), Class::Public);
        assert_eq!(class("# Hello\nNothing here."), Class::Public);
    }
}
