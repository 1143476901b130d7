//! API keys recognised by their published formats (prefix, charset, length):
//!
//! - OpenAI: `sk-proj-`, `sk-svcacct-`, `sk-admin-`, legacy `sk-` and 48 alphanumerics;
//! - Anthropic: `sk-ant-api03-`, 93 characters, then `AA`;
//! - Google API keys: `AIza` and 35 characters (as GitHub secret scanning matches them);
//! - AWS access key ids: `AKIA`/`ASIA` and 16 upper-case base32 (IAM "Unique identifiers");
//! - GitHub: `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and 36, `github_pat_` and 82;
//! - Hugging Face `hf_` and 34, Slack `xox[abprs]-`, Stripe `sk_live_`/`rk_live_`,
//!   npm `npm_` and 36, PyPI `pypi-AgEIcHlwaS5vcmc` macaroons, GitLab `glpat-` and 20.

use regex::Regex;
use std::sync::OnceLock;

/// One recognised key format.
pub(crate) struct KeyFormat {
    /// Stable name shown in findings (`openai`, `aws-access-key-id`…).
    pub(crate) name: &'static str,
    pub(crate) regex: Regex,
}

const FORMATS: &[(&str, &str)] = &[
    (
        "anthropic",
        r"sk-ant-(?:api|admin)0[0-9]-[A-Za-z0-9_-]{93}AA",
    ),
    (
        "openai",
        r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|sk-[A-Za-z0-9]{48}",
    ),
    ("google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    ("aws-access-key-id", r"(?:AKIA|ASIA)[0-9A-Z]{16}"),
    (
        "github-token",
        r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}",
    ),
    ("huggingface", r"hf_[A-Za-z0-9]{34}"),
    ("slack", r"xox[abprs]-[0-9A-Za-z-]{10,72}"),
    ("stripe", r"[sr]k_live_[0-9A-Za-z]{24,99}"),
    ("npm", r"npm_[A-Za-z0-9]{36}"),
    ("pypi", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    ("gitlab", r"glpat-[0-9A-Za-z_-]{20}"),
    (
        "aws-secret-access-key",
        r"(?i:aws_secret_access_key)\s*[=:]\s*['\x22]?([A-Za-z0-9/+]{40})",
    ),
];

/// Values that vendors publish as examples (AWS documentation keys) and
/// placeholders (`sk_live_xxxxxxxx…`): a run of 8 identical characters never
/// occurs in a real random key in practice.
fn is_documented_example(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.contains("EXAMPLE")
        || value.contains("example")
        || bytes
            .windows(8)
            .any(|w| w.iter().all(|&b| Some(&b) == w.first()))
}

fn formats() -> &'static [KeyFormat] {
    static F: OnceLock<Vec<KeyFormat>> = OnceLock::new();
    F.get_or_init(|| {
        FORMATS
            .iter()
            .filter_map(|(name, re)| {
                // Tokens must not be part of a longer token.
                let bounded = format!(r"(?:^|[^A-Za-z0-9_-])({re})(?:$|[^A-Za-z0-9_-])");
                Regex::new(&bounded)
                    .ok()
                    .map(|regex| KeyFormat { name, regex })
            })
            .collect()
    })
}

/// A key found in a line: its format and the key itself (kept in memory only
/// long enough to fingerprint it).
pub(crate) struct FoundKey<'a> {
    pub(crate) format: &'static str,
    pub(crate) value: &'a str,
}

/// Every recognised key in `line`, documented examples excluded.
pub(crate) fn find_keys(line: &str) -> Vec<FoundKey<'_>> {
    let mut out: Vec<FoundKey<'_>> = Vec::new();
    for f in formats() {
        for caps in f.regex.captures_iter(line) {
            // The inner capture group holds the secret itself when the format
            // has one (aws-secret-access-key), else the whole token.
            let m = caps.get(2).or_else(|| caps.get(1));
            let Some(m) = m else { continue };
            let value = m.as_str();
            if is_documented_example(value) || out.iter().any(|k| k.value.contains(value)) {
                continue;
            }
            out.push(FoundKey {
                format: f.name,
                value,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<&'static str> {
        find_keys(line).into_iter().map(|k| k.format).collect()
    }

    #[test]
    fn formats_and_decoys() {
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        assert_eq!(
            names(&format!("export GITHUB_TOKEN={gh}")),
            ["github-token"]
        );
        assert!(names(&format!("ghp_{}", "a".repeat(35))).is_empty());
        assert_eq!(names("AKIAZ7Q3NVBRC5W2X4P6"), ["aws-access-key-id"]);
        assert!(names("AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(names("use the sk- prefix for secret keys").is_empty());
        let ant = format!("sk-ant-api03-{}AA", "xY3_".repeat(23) + "z");
        assert_eq!(names(&ant), ["anthropic"]);
        assert_eq!(names(&format!("k='sk-{}'", "Ab1".repeat(16))), ["openai"]);
        assert!(names(&format!("STRIPE=sk_live_{}", "x".repeat(24))).is_empty());
        assert_eq!(
            names("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYZZZZZZZKEY"),
            ["aws-secret-access-key"]
        );
        assert!(
            names("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty()
        );
    }
}
