//! `chainwarden-integrity`: wheel `RECORD` files and indicator-of-compromise sets.

use crate::text;
use std::path::Path;

/// `RECORD` text (CSV of path, hash, size); every hash also parsed alone.
pub fn integrity_record(data: &[u8]) {
    let t = text(data);
    let record = chainwarden_integrity::record::parse_record(Path::new("RECORD"), &t);
    for e in &record.entries {
        if let Some(h) = &e.hash {
            let _ = h.to_record_string();
        }
    }
    for field in t.split([',', '\n']) {
        let _ = chainwarden_integrity::record::parse_hash(field);
    }
}

/// An indicator set (`--ioc` TOML), then content matched against itself.
pub fn integrity_ioc_toml(data: &[u8]) {
    let t = text(data);
    if let Ok(set) = chainwarden_integrity::IocSet::from_toml(&t, Path::new("iocs.toml")) {
        let m = set.matcher();
        let _ = m.match_content(data, 1 << 16);
        let _ = m.match_filename("litellm_init.pth", "PyPI");
        let _ = m.match_sha256(&[0u8; 32]);
    }
}
