//! `chainwarden-archive`: zip, tar and tar.gz read in memory with bounded
//! expansion, and the package metadata inside them.

use crate::text;
use chainwarden_archive::{Limits, check_name, open_archive, package_meta};

/// Small bounds, so a fuzzed bomb costs little: what is checked is that the
/// bounds hold and nothing panics, not how far a real scan goes.
const LIMITS: Limits = Limits {
    max_entries: 2_000,
    max_total_bytes: 32 * 1024 * 1024,
    max_entry_bytes: 8 * 1024 * 1024,
    max_ratio: 200,
    ratio_floor_bytes: 1024 * 1024,
    max_depth: 2,
};

/// Archive bytes, expanded with and without a zip password.
pub fn archive_open(data: &[u8]) {
    for password in [None, Some(&b"infected"[..])] {
        let Ok(x) = open_archive("fuzz.whl", data, &LIMITS, password) else {
            continue;
        };
        let total: u64 = x.entries.iter().map(|e| e.data.len() as u64).sum();
        assert!(total <= LIMITS.max_total_bytes, "expanded {total} bytes");
        assert!(x.entries.len() <= LIMITS.max_entries);
        for e in &x.entries {
            let _ = check_name(&e.path);
        }
        let _ = package_meta(&x.entries);
    }
}

/// `PKG-INFO` / `METADATA` and `package.json` as found in an archive.
pub fn archive_metadata(data: &[u8]) {
    let t = text(data);
    let _ = chainwarden_archive::parse_core_metadata(&t);
    let _ = chainwarden_archive::parse_package_json(&t);
    let _ = check_name(&t);
}
