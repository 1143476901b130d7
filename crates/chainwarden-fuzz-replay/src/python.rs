//! `chainwarden-python`: installed-metadata text, PEP 508, requirements files.

use crate::{pick, text};
use chainwarden_python::dist::{self, HeaderLimits, Headers, read_header_block_from};
use chainwarden_python::pep508::{MarkerEnvironment, MarkerTree, Requirement};
use chainwarden_python::requirements::parse_requirements_text;
use std::path::Path;

/// `METADATA` / `PKG-INFO` headers (RFC 822 style, with continuation lines).
/// `Headers::parse` is the entry point; `read_header_block` only reads a file.
pub fn python_metadata_headers(data: &[u8]) {
    let t = text(data);
    let h = Headers::parse(&t);
    let _ = h.get("Name");
    let _ = h.get_all("Requires-Dist").count();
    // Filtering while parsing keeps exactly what filtering afterwards would.
    let is_req = |k: &str| k.eq_ignore_ascii_case("Requires-Dist");
    let filtered = Headers::parse_filtered(&t, |k, _| is_req(k));
    let after: Vec<_> = h.0.iter().filter(|(k, _)| is_req(k)).cloned().collect();
    assert_eq!(filtered.0, after);
}

/// `dist::read_header_block_from`, the bounded streaming reader of METADATA:
/// any bytes (invalid UTF-8, endless lines, padding) give headers within the
/// bounds; and when it reports no problem, it keeps exactly what parsing the
/// same text whole keeps.
pub fn python_metadata_stream(data: &[u8]) {
    let limits = HeaderLimits {
        max_block: 4096,
        max_line: 256,
        max_kept: 1024,
    };
    let keep = |k: &str, _: &str| {
        ["Name", "Version", "Requires-Dist"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(k))
    };
    let block = read_header_block_from(data, &limits, keep).expect("reading memory cannot fail");
    let kept: usize = block.headers.0.iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(
        kept <= limits.max_kept + 3 * limits.max_line,
        "{kept} bytes kept"
    );
    if block.problems.is_empty()
        && let Ok(t) = std::str::from_utf8(data)
    {
        let t = t.strip_prefix('\u{feff}').unwrap_or(t);
        assert_eq!(block.headers, Headers::parse_filtered(t, keep));
    }
}

/// One PEP 508 requirement; what it prints parses again; a pinned version
/// is a substring of the input (kept as written) that PEP 440 parses.
pub fn python_requirement(data: &[u8]) {
    let t = text(data);
    let Ok(r) = Requirement::parse(&t) else {
        return;
    };
    let _ = r.normalized_name();
    let _ = r.normalized_extras();
    if let Some(v) = r.pinned_version() {
        assert!(t.contains(v.as_str()), "{t:?} pins {v:?}, not as written");
        if r.arbitrary_equality.is_none() {
            assert!(
                chainwarden_core::version::parse(chainwarden_core::Ecosystem::PyPI, &v).is_ok(),
                "{t:?} pins {v:?}, which does not parse"
            );
        }
    }
    let printed = r.to_string();
    assert!(
        Requirement::parse(&printed).is_ok(),
        "{t:?} parsed but its display {printed:?} does not"
    );
    if let Some(m) = &r.marker {
        let _ = m.evaluate(&environment(false), None);
    }
}

fn environment(unknown_python: bool) -> MarkerEnvironment {
    let mut env = MarkerEnvironment::cpython_on_host("3.12.4");
    env.python_version_unknown = unknown_python;
    env
}

/// A PEP 508 marker, evaluated with and without a known Python and extra.
pub fn python_marker(data: &[u8]) {
    let (unknown, rest) = pick(data, 2);
    let t = text(rest);
    let Ok(m) = MarkerTree::parse(&t) else {
        return;
    };
    let env = environment(unknown == 1);
    let _ = m.evaluate(&env, None);
    let _ = m.evaluate(&env, Some("security"));
    let _ = m.mentions_extra();
    let printed = m.to_string();
    assert!(
        MarkerTree::parse(&printed).is_ok(),
        "{t:?} parsed but its display {printed:?} does not"
    );
}

/// `requirements.txt` text (includes are reported, not followed).
pub fn python_requirements_txt(data: &[u8]) {
    let t = text(data);
    let _ = parse_requirements_text(&t, Path::new("requirements.txt"));
}

/// PEP 610 `direct_url.json`.
pub fn python_direct_url(data: &[u8]) {
    let _ = dist::parse_direct_url(&text(data));
}

/// egg-info `requires.txt` (sections become markers), each result parsed as PEP 508.
pub fn python_requires_txt(data: &[u8]) {
    for line in dist::requires_txt_to_requires_dist(&text(data)) {
        let _ = Requirement::parse(&line);
    }
}
