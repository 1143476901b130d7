//! `chainwarden-core`: JSONC stripping, purl building, version parsing,
//! credential redaction.

use crate::{pick, split_nul, text};
use chainwarden_core::Ecosystem;
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
