//! License strings as packages declare them, sorted into what an SBOM may
//! state as an SPDX identifier and what it may only quote.
//!
//! Package metadata holds anything from `MIT` to a whole license text. Both
//! CycloneDX (`license.id` is an enum) and SPDX validators reject unknown
//! ids, so only ids from a fixed list of common SPDX licenses — and simple
//! `AND`/`OR` combinations of them — are stated; the rest is quoted as text.

/// Common SPDX license ids (all on the SPDX License List 3.x).
const KNOWN_IDS: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC-BY-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "EPL-1.0",
    "EPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "OpenSSL",
    "PSF-2.0",
    "Python-2.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
];

/// What an SBOM may say about a declared license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum License {
    /// One listed SPDX id, canonically spelled.
    Id(&'static str),
    /// An `AND`/`OR` expression of listed ids.
    Expression(String),
    /// Anything else: quote it, never assert it.
    Text(String),
}

/// Longest quoted license text kept (whole license texts are cut).
const MAX_TEXT: usize = 200;

pub(crate) fn classify(raw: &str) -> Option<License> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let known = |tok: &str| KNOWN_IDS.iter().find(|id| id.eq_ignore_ascii_case(tok));
    let tokens: Vec<&str> = raw.split_whitespace().collect();
    if let [single] = tokens.as_slice()
        && let Some(id) = known(single)
    {
        return Some(License::Id(id));
    }
    // `A OR B AND C`: ids at even positions, operators at odd ones.
    let well_formed = tokens.len() >= 3
        && tokens.len() % 2 == 1
        && tokens.iter().enumerate().all(|(i, t)| {
            if i % 2 == 0 {
                known(t).is_some()
            } else {
                matches!(*t, "AND" | "OR")
            }
        });
    if well_formed {
        let canon: Vec<&str> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i % 2 == 0 {
                    known(t).copied().unwrap_or(t)
                } else {
                    t
                }
            })
            .collect();
        return Some(License::Expression(canon.join(" ")));
    }
    let mut text: String = raw.chars().take(MAX_TEXT).collect();
    if text.len() < raw.len() {
        text.push('…');
    }
    Some(License::Text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_expressions_and_text() {
        assert_eq!(classify("mit"), Some(License::Id("MIT")));
        assert_eq!(classify(" Apache-2.0 "), Some(License::Id("Apache-2.0")));
        assert_eq!(
            classify("MIT OR apache-2.0"),
            Some(License::Expression("MIT OR Apache-2.0".into()))
        );
        assert_eq!(
            classify("MIT License"),
            Some(License::Text("MIT License".into()))
        );
        assert_eq!(classify("MIT OR"), Some(License::Text("MIT OR".into())));
        assert_eq!(classify("  "), None);
        let long = "x".repeat(500);
        match classify(&long) {
            Some(License::Text(t)) => assert!(t.chars().count() == MAX_TEXT + 1),
            other => panic!("{other:?}"),
        }
    }
}
