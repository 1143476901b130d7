//! RECORD written the way Python's `csv` module writes it parses back to the
//! same entries, whatever the path holds (commas, quotes, newlines, non-ASCII).

use chainwarden_integrity::record::{HashAlgorithm, parse_hash, parse_record};
use proptest::prelude::*;
use std::path::Path;

/// Python `csv.writer` (excel dialect, QUOTE_MINIMAL) quoting of one field.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

proptest! {
    #[test]
    fn written_then_parsed(
        rows in proptest::collection::vec(
            ("[a-zA-Z0-9_./,\"\\n é-]{1,40}", proptest::option::of(any::<[u8; 32]>()), proptest::option::of(0u64..1 << 40)),
            0..20,
        )
    ) {
        use base64::Engine;
        let mut text = String::new();
        for (path, digest, size) in &rows {
            let hash = digest
                .map(|d| format!("sha256={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)))
                .unwrap_or_default();
            let size = size.map(|s| s.to_string()).unwrap_or_default();
            text.push_str(&format!("{},{},{}\r\n", csv_field(path), hash, size));
        }
        let parsed = parse_record(Path::new("RECORD"), &text);
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert_eq!(parsed.entries.len(), rows.len());
        for (e, (path, digest, size)) in parsed.entries.iter().zip(&rows) {
            prop_assert_eq!(&e.path, path);
            prop_assert_eq!(e.size, *size);
            prop_assert_eq!(e.hash.as_ref().map(|h| h.digest.clone()), digest.map(|d| d.to_vec()));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse_record(Path::new("RECORD"), &text);
        let _ = parse_hash(&text);
    }
}

#[test]
fn padded_digests_are_accepted() {
    let h = parse_hash("sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=").unwrap();
    assert_eq!(h.algorithm, HashAlgorithm::Sha256);
    assert_eq!(
        h.hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}
