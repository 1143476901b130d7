//! Credentials in text copied from scanned files: a URL's user information
//! (`https://user:token@host`), token-shaped query parameters (`?token=`,
//! `X-Amz-Signature=`), and published token formats anywhere (`ghp_…`,
//! `github_pat_…`, `glpat-…`, `npm_…`, `pypi-AgE…`), also percent-encoded.
//!
//! [`redact`] is the one function that removes them: every URL or line a
//! collector keeps, every error message and every finding goes through it
//! ([`crate::Inventory::push`], [`crate::inventory::InputError::new`],
//! [`crate::Finding::new`]). It says what kind of credential it removed,
//! never the value, so a collector can record that the file itself leaks
//! one ([`scan_lines`]).

use crate::Location;
use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

/// What replaces a credential.
pub const MASK: &str = "***";

/// Longest query parameter name kept in a [`CredentialKind`].
const MAX_PARAMETER_NAME: usize = 40;
/// Most distinct kinds [`scan_lines`] records per file (parameter names
/// come from the file).
const MAX_KINDS_PER_FILE: usize = 16;

/// What kind of credential was found (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CredentialKind {
    /// `user:password@` in a URL.
    UrlPassword,
    /// A token-shaped user name in a URL (`https://0123abcd…@host`).
    UrlUserToken,
    /// A query or fragment parameter that carries a credential.
    UrlParameter { name: String },
    /// A published token format, named (`GitHub personal access token`).
    Token { family: String },
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialKind::UrlPassword => f.write_str("a password in a URL"),
            CredentialKind::UrlUserToken => f.write_str("a token as a URL's user name"),
            CredentialKind::UrlParameter { name } => {
                write!(f, "a credential in URL parameter `{name}`")
            }
            CredentialKind::Token { family } => write!(f, "a {family}"),
        }
    }
}

/// A credential written in a scanned file: the first place, and how many
/// places of that kind the file has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedCredential {
    pub kind: CredentialKind,
    pub location: Location,
    pub occurrences: usize,
}

/// Text with its credentials masked, and what was masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted<'a> {
    pub text: Cow<'a, str>,
    pub found: Vec<CredentialKind>,
}

/// A published token format: prefix, name, the characters of its body and
/// the fewest of them it has.
struct TokenFormat {
    prefix: &'static str,
    family: &'static str,
    body: fn(u8) -> bool,
    min_body: usize,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn word_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}
fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// Token formats as their issuers document them (GitHub, GitLab, npm,
/// PyPI, Hugging Face, Slack, AWS, Google, Docker, Anthropic, OpenAI).
/// Longer prefixes first: `sk-ant-` is named before `sk-`.
const TOKEN_FORMATS: &[TokenFormat] = &[
    TokenFormat {
        prefix: "github_pat_",
        family: "GitHub fine-grained token",
        body: word,
        min_body: 30,
    },
    TokenFormat {
        prefix: "ghp_",
        family: "GitHub personal access token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "gho_",
        family: "GitHub OAuth token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "ghu_",
        family: "GitHub user token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "ghs_",
        family: "GitHub app token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "ghr_",
        family: "GitHub refresh token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "glpat-",
        family: "GitLab personal access token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "gldt-",
        family: "GitLab deploy token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "glptt-",
        family: "GitLab pipeline trigger token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "npm_",
        family: "npm access token",
        body: alnum,
        min_body: 36,
    },
    TokenFormat {
        prefix: "pypi-AgE",
        family: "PyPI API token",
        body: word_dash,
        min_body: 40,
    },
    TokenFormat {
        prefix: "hf_",
        family: "Hugging Face token",
        body: alnum,
        min_body: 30,
    },
    TokenFormat {
        prefix: "xoxb-",
        family: "Slack bot token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "xoxp-",
        family: "Slack user token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "dckr_pat_",
        family: "Docker personal access token",
        body: word_dash,
        min_body: 20,
    },
    TokenFormat {
        prefix: "sk-ant-",
        family: "Anthropic API key",
        body: word_dash,
        min_body: 32,
    },
    TokenFormat {
        prefix: "sk-proj-",
        family: "OpenAI API key",
        body: word_dash,
        min_body: 32,
    },
    TokenFormat {
        prefix: "sk-",
        family: "OpenAI-style API key",
        body: word_dash,
        min_body: 32,
    },
    TokenFormat {
        prefix: "AKIA",
        family: "AWS access key id",
        body: upper_digit,
        min_body: 16,
    },
    TokenFormat {
        prefix: "AIza",
        family: "Google API key",
        body: word_dash,
        min_body: 35,
    },
];

fn token_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(TOKEN_FORMATS.iter().map(|t| t.prefix))
            .expect("static token prefixes")
    })
}

/// The family of a token that `s` starts with (the whole of `s` need not
/// be the token).
pub fn known_token(s: &str) -> Option<&'static str> {
    TOKEN_FORMATS.iter().find_map(|t| {
        let body = s.strip_prefix(t.prefix)?;
        token_body(t, body.as_bytes()).map(|_| t.family)
    })
}

/// A token body: long enough, and random-looking (letters and digits):
/// a name such as `sk-learn-…` is not a key.
fn token_body(format: &TokenFormat, rest: &[u8]) -> Option<usize> {
    let n = rest.iter().take_while(|&&b| (format.body)(b)).count();
    let body = &rest[..n];
    (n >= format.min_body
        && body.iter().any(u8::is_ascii_digit)
        && body.iter().any(u8::is_ascii_alphabetic))
    .then_some(n)
}

/// Tokens of a published format anywhere in `text`: `(start, end, family)`.
fn token_spans(text: &str) -> Vec<(usize, usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for m in token_matcher().find_iter(text) {
        let Some(format) = TOKEN_FORMATS.get(m.pattern().as_usize()) else {
            continue;
        };
        // A token starts a word: `xghp_…` is not one.
        if m.start() > 0 && bytes.get(m.start() - 1).is_some_and(|&b| word(b)) {
            continue;
        }
        if let Some(n) = token_body(format, &bytes[m.end()..]) {
            out.push((m.start(), m.end() + n, format.family));
        }
    }
    out
}

/// Percent-decodes `s` (lossy), for checks only.
fn decoded(s: &str) -> Cow<'_, str> {
    if s.contains('%') {
        Cow::Owned(
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// A parameter name that carries a credential (`token`, `access_token`,
/// `api_key`, `X-Amz-Signature`, `password`, `sig`…).
fn is_secret_parameter(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    const PARTS: [&str; 11] = [
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "apikey",
        "signature",
        "credential",
        "auth",
        "session",
        "jwt",
    ];
    n == "key" || n == "sig" || n.ends_with("key") || PARTS.iter().any(|p| n.contains(p))
}

fn parameter_kind(name: &str) -> CredentialKind {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(MAX_PARAMETER_NAME)
        .collect();
    CredentialKind::UrlParameter { name }
}

/// A user name that is a credential by its shape: a published token, or a
/// long run of token characters with letters and digits (a classic
/// 40-hex GitHub token, an API key).
fn token_shaped(user: &str) -> bool {
    known_token(user).is_some()
        || (user.len() >= 20
            && user.bytes().all(word_dash)
            && user.bytes().any(|b| b.is_ascii_digit())
            && user.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// Where each URL in `text` is: `(start, end)` byte spans. A URL starts at
/// a scheme (`[A-Za-z][A-Za-z0-9+.-]*://`) and ends before white space, a
/// quote or a bracket.
fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find("://")) {
        let sep = from + i;
        let mut start = sep;
        while start > 0 && {
            let b = bytes[start - 1];
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
        } {
            start -= 1;
        }
        while start < sep && !bytes[start].is_ascii_alphabetic() {
            start += 1;
        }
        let end = bytes[sep + 3..]
            .iter()
            .position(|&b| {
                b.is_ascii_whitespace()
                    || b.is_ascii_control()
                    || matches!(
                        b,
                        b'"' | b'\'' | b'<' | b'>' | b'`' | b'{' | b'}' | b'|' | b'\\' | b'^'
                    )
            })
            .map_or(bytes.len(), |p| sep + 3 + p);
        if start < sep {
            out.push((start, end));
        }
        from = end.max(sep + 3);
    }
    out
}

/// Masks the credentials of one URL; `found` gets their kinds.
fn redact_url(url: &str, found: &mut Vec<CredentialKind>) -> Option<String> {
    let sep = url.find("://")?;
    let scheme = url[..sep].to_ascii_lowercase();
    let rest = &url[sep + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut changed = false;
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..sep + 3]);
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = decoded(&authority[..at]);
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo.as_ref(), None),
            };
            let kind = if let Some(family) =
                password.and_then(known_token).or_else(|| known_token(user))
            {
                Some(CredentialKind::Token {
                    family: family.to_string(),
                })
            } else if password.is_some_and(|p| !p.is_empty()) {
                Some(CredentialKind::UrlPassword)
            } else if token_shaped(user) {
                Some(CredentialKind::UrlUserToken)
            } else {
                None
            };
            // A bare user name over HTTP is masked too (it is often a token
            // of a shape we do not know); `git@` over SSH is kept.
            let ssh = scheme.contains("ssh");
            if kind.is_some() || (!ssh && !user.is_empty() && user != MASK) {
                found.extend(kind);
                out.push_str(MASK);
                changed = true;
            } else {
                out.push_str(&authority[..at]);
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    let (path, query_and_fragment) = tail.split_at(tail.find(['?', '#']).unwrap_or(tail.len()));
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let d = decoded(segment);
        match token_spans(&d).first() {
            Some(&(_, _, family)) => {
                found.push(CredentialKind::Token {
                    family: family.to_string(),
                });
                out.push_str(MASK);
                changed = true;
            }
            None => out.push_str(segment),
        }
    }
    // Query and fragment: `k=v` pairs separated by `&` or `;`, each
    // separator (and `?`, `#`) copied as it was.
    let mut first = true;
    for piece in query_and_fragment.split_inclusive(['?', '#', '&', ';']) {
        let (pair, sep) = match piece.char_indices().last() {
            Some((i, '?' | '#' | '&' | ';')) => (&piece[..i], &piece[i..]),
            _ => (piece, ""),
        };
        if first {
            // The text before the first separator is empty (the path ended).
            first = false;
            out.push_str(piece);
            continue;
        }
        let (key, value) = match pair.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (pair, None),
        };
        let dk = decoded(key);
        let dv = value.map(decoded);
        let token = dv
            .as_deref()
            .and_then(|v| token_spans(v).first().map(|&(_, _, f)| f))
            .or_else(|| token_spans(&dk).first().map(|&(_, _, f)| f));
        let secret_value =
            value.is_some_and(|v| !v.is_empty() && v != MASK) && is_secret_parameter(&dk);
        if let Some(family) = token {
            found.push(CredentialKind::Token {
                family: family.to_string(),
            });
        } else if secret_value {
            found.push(parameter_kind(&dk));
        }
        match value {
            _ if token.is_none() && !secret_value => out.push_str(pair),
            None => out.push_str(MASK),
            Some(_) => {
                out.push_str(key);
                out.push('=');
                out.push_str(MASK);
            }
        }
        changed |= token.is_some() || secret_value;
        out.push_str(sep);
    }
    changed.then_some(out)
}

/// Masks every credential in `text` (URLs' user information, credential
/// parameters and published tokens, also percent-encoded) with `***`, and
/// says which kinds it masked. Text without one is returned borrowed.
pub fn redact(text: &str) -> Redacted<'_> {
    let mut found = Vec::new();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for (start, end) in url_spans(text) {
        if let Some(masked) = redact_url(&text[start..end], &mut found) {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..start]);
            o.push_str(&masked);
            copied = end;
        }
    }
    if let Some(o) = &mut out {
        o.push_str(&text[copied..]);
    }
    // Tokens outside URLs (or in parts of them not read above).
    let current: &str = out.as_deref().unwrap_or(text);
    let spans = token_spans(current);
    if !spans.is_empty() {
        let mut o = String::with_capacity(current.len());
        let mut at = 0;
        for (start, end, family) in spans {
            found.push(CredentialKind::Token {
                family: family.to_string(),
            });
            o.push_str(&current[at..start]);
            o.push_str(MASK);
            at = end;
        }
        o.push_str(&current[at..]);
        out = Some(o);
    }
    Redacted {
        text: out.map_or(Cow::Borrowed(text), Cow::Owned),
        found,
    }
}

/// [`redact`] of an owned string, without the kinds.
pub fn redacted(text: String) -> String {
    match redact(&text).text {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => masked,
    }
}

/// Adds `found` to `list`: to the entry of its kind (more occurrences, the
/// first place kept), or as a new entry (at most a few kinds per source:
/// parameter names come from the file).
pub fn record(list: &mut Vec<EmbeddedCredential>, found: EmbeddedCredential) {
    if let Some(e) = list.iter_mut().find(|e| e.kind == found.kind) {
        e.occurrences += found.occurrences;
    } else if list.len() < MAX_KINDS_PER_FILE {
        list.push(found);
    }
}

/// The credentials written in a file's text, per kind: the first line and
/// how many lines hold one. Linear in the text; at most a few kinds.
pub fn scan_lines(text: &str, path: &Path) -> Vec<EmbeddedCredential> {
    let mut out: Vec<EmbeddedCredential> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let r = redact(line);
        for kind in r.found {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            record(
                &mut out,
                EmbeddedCredential {
                    kind,
                    location: Location::line(path, line),
                    occurrences: 1,
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GHP: &str = "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    const PYPI: &str =
        "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmFiY2RlZmFiY2RlZmFiY2RlZmFiY2RlZmFiY2RlZmFiY2Rl";

    fn r(s: &str) -> (String, Vec<String>) {
        let x = redact(s);
        (
            x.text.into_owned(),
            x.found.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn userinfo_is_masked() {
        assert_eq!(
            r("--index-url https://user:s3cr3t@pypi.corp.example/simple"),
            (
                "--index-url https://***@pypi.corp.example/simple".into(),
                vec!["a password in a URL".into()]
            )
        );
        assert_eq!(
            r(&format!("git+https://{GHP}@github.com/o/r.git@v1#egg=r")).0,
            "git+https://***@github.com/o/r.git@v1#egg=r"
        );
        assert_eq!(
            r(&format!("https://__token__:{PYPI}@upload.pypi.org/legacy/")).1,
            ["a PyPI API token"]
        );
        assert_eq!(
            r("https://0123456789abcdef0123456789abcdef01234567@github.com/o/r").1,
            ["a token as a URL's user name"]
        );
        // Percent-encoded user information.
        assert_eq!(
            r("https://me%40corp.com:p%40ss@registry.corp/npm/").0,
            "https://***@registry.corp/npm/"
        );
        // A bare user name over HTTP is masked but not called a credential;
        // `git@` over SSH is an account name and stays.
        assert_eq!(
            r("https://oauth2@gitlab.com/x"),
            ("https://***@gitlab.com/x".into(), vec![])
        );
        assert_eq!(
            r("git+ssh://git@github.com/o/r.git").0,
            "git+ssh://git@github.com/o/r.git"
        );
        assert_eq!(r("ssh://git:hunter2hunter2@host/r").0, "ssh://***@host/r");
    }

    #[test]
    fn parameters_and_tokens_in_paths() {
        assert_eq!(
            r("https://bucket.s3.amazonaws.com/p.tgz?X-Amz-Credential=AK%2F1&X-Amz-Signature=abc123&v=1").0,
            "https://bucket.s3.amazonaws.com/p.tgz?X-Amz-Credential=***&X-Amz-Signature=***&v=1"
        );
        assert_eq!(
            r("https://h/simple/?access_token=xyz;page=2#token=abc").0,
            "https://h/simple/?access_token=***;page=2#token=***"
        );
        assert_eq!(
            r("https://h/x.whl#sha256=00ff&egg=x").1,
            Vec::<String>::new()
        );
        assert_eq!(
            r(&format!(
                "https://npm.pkg.github.com/{GHP}/pkg/-/pkg-1.0.0.tgz"
            ))
            .0,
            "https://npm.pkg.github.com/***/pkg/-/pkg-1.0.0.tgz"
        );
        // Percent-encoded token in a path segment.
        let encoded = GHP.replace('_', "%5F");
        assert_eq!(
            r(&format!("https://h/{encoded}/simple")),
            (
                "https://h/***/simple".into(),
                vec!["a GitHub personal access token".into()]
            )
        );
    }

    #[test]
    fn tokens_outside_urls_and_clean_text() {
        let npm = "npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        assert_eq!(
            r(&format!("line 3: invalid requirement `x @ {npm}`")).0,
            "line 3: invalid requirement `x @ ***`"
        );
        for clean in [
            "requests==2.32.3",
            "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz",
            "sha512-AKIAAAAAAAAAAAAAAAAAAAAAAAA==",
            "npm_config_cache",
            "xghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            "registry+https://github.com/rust-lang/crates.io-index",
            "git+ssh://git@github.com/o/r.git",
        ] {
            let x = redact(clean);
            assert!(
                matches!(x.text, Cow::Borrowed(_)) && x.found.is_empty(),
                "{clean}: {x:?}"
            );
        }
        assert_eq!(known_token(GHP), Some("GitHub personal access token"));
        assert_eq!(known_token("ghp_short"), None);
    }

    #[test]
    fn scan_lines_counts_per_kind() {
        let text = format!(
            "a\nresolved \"https://u:p@r.example/a.tgz\"\nresolved \"https://u:p@r.example/b.tgz\"\n{GHP}\n"
        );
        let found = scan_lines(&text, Path::new("yarn.lock"));
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].location.line, found[0].occurrences), (Some(2), 2));
        assert_eq!(found[1].location.line, Some(4));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever surrounds it, a token never survives redaction.
            #[test]
            fn a_token_never_survives(pre in "[ -~]{0,30}", post in "[ -~]{0,30}", user in proptest::bool::ANY) {
                let text = if user {
                    format!("{pre} https://x:{GHP}@h/p {post}")
                } else {
                    format!("{pre} {GHP} {post}")
                };
                let out = redact(&text);
                prop_assert!(!out.text.contains(GHP), "{:?}", out.text);
            }

            #[test]
            fn never_panics(s in "\\PC{0,200}") {
                let _ = redact(&s);
            }
        }
    }
}
