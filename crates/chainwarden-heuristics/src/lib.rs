//! Malicious-code heuristics and start-up hook audits.
//!
//! Everything here reads code as TEXT: a small tokenizer per language splits
//! code from strings and comments ([`lexer`]), every rule of every family runs
//! in one multi-pattern pass per view ([`engine`]), string literals that look
//! encoded are decoded and rescanned ([`decode`]), and file-level flows join
//! weak signals ([`flows`]). [`verdict`] combines a package's hits into one
//! score; [`hooks`] audits `.pth` / `sitecustomize` start-up hooks of a site
//! directory with the same engine. Nothing is ever run or imported.

pub mod decode;
pub mod engine;
pub mod families;
pub mod findings;
pub mod flows;
pub mod hooks;
pub mod language;
pub mod lexer;
pub mod metadata;
pub mod rule;
pub mod typosquat;
pub mod verdict;

pub use engine::{MAX_SCANNED_BYTES, scan_source};
pub use findings::hits_to_findings;
pub use hooks::{
    HookFinding, PthLine, PthLineKind, analyze_pth, audit_site_dir, audit_site_dir_results,
};
pub use language::{Language, language_for};
pub use metadata::scan_package_json;
pub use rule::{Example, Family, Hit, Rule};
pub use verdict::{PackageMeta, Verdict, verdict};

/// Every heuristic rule (`heuristic/…`) and hook rule (`hook/…`), for docs and SARIF.
pub fn all_rules() -> Vec<&'static Rule> {
    families::ALL.iter().flat_map(|f| f.iter()).collect()
}

/// The rule metadata of every rule this crate can raise.
pub fn rule_metas() -> Vec<chainwarden_core::RuleMeta> {
    let mut v: Vec<_> = all_rules().into_iter().map(|r| r.meta).collect();
    v.extend(hooks::RULES.iter().copied());
    v
}
