//! One detection engine for what must not reach an AI service unchecked:
//! secrets (vendor key formats, private keys, tokens, passwords in URLs and
//! `.env` files), personal data (validated by each format's checksum) and
//! confidentiality markers (including organisation terms from configuration).
//!
//! - [`rules`]: the rules, declared in `rules/*.toml` with examples a test asserts;
//! - [`Engine::scan`]: one pass with a literal prefilter, then the normalised
//!   views (JSON escapes, URL encoding, base64 blocks) with positions mapped back;
//! - [`policy`]: detections → `public` / `internal` / `confidential`;
//! - [`redact`]: typed placeholders stable within a document, a keyed
//!   reversible mapping, and a streaming restorer;
//! - [`files`]: the bounded walk `classify` reads files with;
//! - [`keys`]: the local key behind fingerprints, mappings and audit logs.
//!
//! No detected value ever leaves this crate except through [`redact`]'s
//! mapping: reports carry rule ids, positions and keyed fingerprints.

pub mod config;
mod engine;
pub mod files;
pub mod keys;
mod markers;
mod normalize;
mod pii;
pub mod policy;
pub mod redact;
pub mod rules;
mod validate;

pub use chainwarden_core::Confidence;
pub use engine::{Detection, Engine, EngineOptions, Term};
pub use normalize::Encoding;
pub use policy::{Class, Policy, Verdict};
pub use rules::{Kind, Rule};

/// Line (1-based) of each detection, in the order given, computed in one
/// forward pass when the detections are sorted by start.
pub fn line_numbers(text: &[u8], starts: impl IntoIterator<Item = usize>) -> Vec<u32> {
    let mut line = 1u32;
    let mut pos = 0usize;
    let mut out = Vec::new();
    for s in starts {
        let s = s.min(text.len());
        if s < pos {
            // Not sorted: count from the beginning for this one.
            let l = memchr::memchr_iter(b'\n', &text[..s]).count() as u32 + 1;
            out.push(l);
            continue;
        }
        line += memchr::memchr_iter(b'\n', &text[pos..s]).count() as u32;
        pos = s;
        out.push(line);
    }
    out
}

/// A file skipped because it is binary (reported, never a failure).
pub const BINARY_SKIPPED: chainwarden_core::RuleMeta = chainwarden_core::RuleMeta {
    id: "input/binary-skipped",
    summary: "A binary file was skipped by `classify` (no text to classify)",
    default_severity: chainwarden_core::Severity::Info,
    why: "Text detectors say nothing about images, executables or compiled files; the report lists them so nothing is silently left out.",
    fix: "Nothing to do unless the file is text with a stray NUL byte; convert it to text to classify it.",
};

/// The severity a finding of this class carries in gate terms.
pub fn severity_of(class: Class) -> chainwarden_core::Severity {
    match class {
        Class::Confidential => chainwarden_core::Severity::High,
        Class::Internal => chainwarden_core::Severity::Medium,
        Class::Public => chainwarden_core::Severity::Info,
    }
}

/// Every rule of this crate as `chainwarden rules` lists it.
pub fn rule_metas() -> &'static [chainwarden_core::RuleMeta] {
    static METAS: std::sync::OnceLock<Vec<chainwarden_core::RuleMeta>> = std::sync::OnceLock::new();
    METAS.get_or_init(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let mut rules: Vec<Rule> = rules::builtin().to_vec();
        rules.push(rules::term_rule(Class::Confidential));
        let mut out: Vec<chainwarden_core::RuleMeta> = rules
            .into_iter()
            .map(|r| {
                let (why, fix) = match r.kind {
                    Kind::Secret => (
                        "A credential in a file or a prompt is one paste away from an AI provider's logs; keys like these were what the 2026-03-24 stealer took.",
                        "Remove the value and rotate it; load it at run time from a secret store. `chainwarden redact` replaces it with a placeholder; `chainwarden guard` does so in prompts.",
                    ),
                    Kind::Pii => (
                        "Personal data sent to an AI service leaves your control (retention, training, subprocessors); identifiers with a checksum are rarely a coincidence.",
                        "Remove or anonymise the value before the text reaches an AI tool (`chainwarden redact`, or `chainwarden guard` in front of the provider); change the rule's class in `[classify.classes]` if your policy differs.",
                    ),
                    Kind::Marker => (
                        "The author marked this text as restricted; policy decides which providers, if any, may receive it.",
                        "Keep the document away from AI tools not approved for its class, or configure a provider that may receive it (`[[guard.upstream]] receives`).",
                    ),
                };
                chainwarden_core::RuleMeta {
                    id: leak(r.id),
                    summary: leak(r.summary),
                    default_severity: severity_of(r.class),
                    why,
                    fix,
                }
            })
            .collect();
        out.push(BINARY_SKIPPED);
        out
    })
}
