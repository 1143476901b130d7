//! `chainwarden-core`: JSONC stripping, purl building, version parsing,
//! credential redaction.

use crate::{pick, split_nul, text};
use chainwarden_core::Ecosystem;
use chainwarden_core::discover::Exclude;
use chainwarden_core::{jsonc, purl, redact, version};

/// `jsonc::strip`: never panics; keeps every line break (line numbers stay
/// true); what parsed as JSON before still parses after.
pub fn core_jsonc(data: &[u8]) {
    let input = text(data);
    let out = jsonc::strip(&input);
    assert_eq!(
        input.matches('\n').count(),
        out.matches('\n').count(),
        "strip changed the number of lines"
    );
    if serde_json::from_str::<serde_json::Value>(&input).is_ok() {
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "valid JSON no longer parses after strip: {out:?}"
        );
    }
}

fn ecosystem(i: usize) -> Ecosystem {
    Ecosystem::ALL[i % Ecosystem::ALL.len()]
}

/// `purl::purl` for every ecosystem: name, then NUL, then version (if any).
pub fn core_purl(data: &[u8]) {
    let (eco, rest) = pick(data, Ecosystem::ALL.len());
    let (name, ver) = split_nul(rest);
    let (name, ver) = (text(name), text(ver));
    let version = (!ver.is_empty()).then_some(&*ver);
    let p = purl::purl(ecosystem(eco), &name, version);
    assert!(p.starts_with("pkg:"), "not a purl: {p:?}");
    let _ = chainwarden_core::oci::split_image(&name);
    let _ = chainwarden_core::oci::is_digest(&name);
}

/// `version::parse` and `version::compare`: two versions separated by NUL.
pub fn core_version(data: &[u8]) {
    let (eco, rest) = pick(data, Ecosystem::ALL.len());
    let eco = ecosystem(eco);
    let (a, b) = split_nul(rest);
    let (a, b) = (text(a), text(b));
    if let (Ok(va), Ok(vb)) = (version::parse(eco, &a), version::parse(eco, &b)) {
        // An ordering is total and antisymmetric.
        let ab = va.compare(&vb);
        let ba = vb.compare(&va);
        assert_eq!(ab.map(std::cmp::Ordering::reverse), ba, "{a:?} vs {b:?}");
        assert_eq!(va.compare(&va), Some(std::cmp::Ordering::Equal));
    }
    let _ = version::compare(eco, &a, &b);
}

/// `excerpt::cap_message`: every line within the bound (plus the marker),
/// at most one line more than the line bound, and capping twice changes
/// nothing (a capped message passed through another constructor stays).
pub fn core_excerpt(data: &[u8]) {
    use chainwarden_core::excerpt::{MAX_LINE_CHARS, MAX_MESSAGE_LINES, cap_message};
    let input = text(data);
    let once = cap_message(&input);
    assert!(once.lines().count() <= MAX_MESSAGE_LINES + 1, "{once:?}");
    for line in once.lines() {
        assert!(
            line.chars().count() <= MAX_LINE_CHARS + 64,
            "a line of {} chars",
            line.chars().count()
        );
    }
    assert_eq!(cap_message(&once), once, "capping is not idempotent");
}

/// `discover::Exclude` (`[scan] exclude`, `--exclude`): patterns one per line,
/// then NUL, then a relative path. A folder-only pattern never matches a
/// file that the same patterns would not match as a folder.
pub fn core_exclude(data: &[u8]) {
    let (patterns, path) = split_nul(data);
    let patterns = text(patterns);
    let path = text(path);
    let list: Vec<&str> = patterns.lines().collect();
    let Ok(exclude) = Exclude::new(&list) else {
        return;
    };
    let as_file = exclude.matching(&path, false);
    let as_dir = exclude.matching(&path, true);
    assert!(
        as_file.is_none() || as_dir.is_some(),
        "{path:?} matches as a file ({as_file:?}) but not as a folder"
    );
    if let Some(p) = as_dir {
        assert!(list.contains(&p), "matched a pattern not given: {p:?}");
    }
}

/// `redact::redact` and `scan_lines`: what it returns has no credential
/// left (redacting it again finds nothing and changes nothing), and it
/// never grows the text by more than the masks it writes.
pub fn core_redact(data: &[u8]) {
    let input = text(data);
    let once = redact::redact(&input);
    let twice = redact::redact(&once.text);
    assert!(
        twice.found.is_empty() && twice.text == once.text,
        "a credential survived redaction: {input:?} → {:?} → {:?} ({:?})",
        once.text,
        twice.text,
        twice.found
    );
    assert!(
        once.text.len() <= input.len() + redact::MASK.len() * (once.found.len() + 1) * 4,
        "redaction grew the text: {input:?} → {:?}",
        once.text
    );
    let _ = redact::scan_lines(&input, std::path::Path::new("f"));
    let _ = redact::known_token(&input);
}
