//! The `RECORD` file of an installed distribution (PEP 376, and the
//! "Recording installed projects" / binary distribution format specs).
//!
//! `RECORD` is CSV as Python's `csv` module writes it: `path,hash,size`, fields
//! with commas or quotes are quoted and `""` escapes a quote. `hash` is
//! `<algorithm>=<urlsafe-base64-nopad digest>` or empty (RECORD itself, `.pyc`
//! compiled at install time); `size` is a decimal byte count or empty. Paths
//! are relative to site-packages and may climb out of it (`../../../bin/x`).

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use std::fmt;
use std::path::{Path, PathBuf};

/// Most entries one RECORD may list before we stop (a hostile RECORD could list
/// millions of paths to make verification crawl).
pub const MAX_RECORD_ENTRIES: usize = 500_000;

/// Longest field (path or hash) accepted.
const MAX_FIELD: usize = 16 * 1024;

/// A digest algorithm RECORD may name. The wheel spec requires sha256 or
/// better and forbids md5 and sha1; any `hashlib` name is accepted by pip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// Named in the file but not computed here (md5, sha1, sha3_*, blake2*):
    /// such entries are reported as unverifiable, never as matching.
    Other(String),
}

impl HashAlgorithm {
    pub fn parse(name: &str) -> HashAlgorithm {
        match name.to_ascii_lowercase().as_str() {
            "sha224" => HashAlgorithm::Sha224,
            "sha256" => HashAlgorithm::Sha256,
            "sha384" => HashAlgorithm::Sha384,
            "sha512" => HashAlgorithm::Sha512,
            other => HashAlgorithm::Other(other.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            HashAlgorithm::Sha224 => "sha224",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
            HashAlgorithm::Other(s) => s,
        }
    }

    /// Digest length in bytes, for the algorithms we compute.
    pub fn digest_len(&self) -> Option<usize> {
        match self {
            HashAlgorithm::Sha224 => Some(28),
            HashAlgorithm::Sha256 => Some(32),
            HashAlgorithm::Sha384 => Some(48),
            HashAlgorithm::Sha512 => Some(64),
            HashAlgorithm::Other(_) => None,
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A digest as RECORD states it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordHash {
    pub algorithm: HashAlgorithm,
    pub digest: Vec<u8>,
}

impl RecordHash {
    /// Lower-case hex of the digest.
    pub fn hex(&self) -> String {
        hex(&self.digest)
    }

    /// The digest the way RECORD writes it (`sha256=<urlsafe-b64-nopad>`).
    pub fn to_record_string(&self) -> String {
        format!(
            "{}={}",
            self.algorithm,
            URL_SAFE_NO_PAD.encode(&self.digest)
        )
    }
}

/// One line of RECORD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    /// The path as written (relative to site-packages, `/`-separated).
    pub path: String,
    pub hash: Option<RecordHash>,
    pub size: Option<u64>,
    /// 1-based line where the entry starts.
    pub line: u32,
}

/// A RECORD line that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct RecordError {
    pub file: PathBuf,
    pub line: u32,
    pub message: String,
}

/// A parsed RECORD: the entries that could be read and the lines that could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub entries: Vec<RecordEntry>,
    pub errors: Vec<RecordError>,
}

/// Parses RECORD text. `file` only names the file in errors. Bad lines are
/// collected and skipped; an unterminated quote or too many entries ends the
/// parse with an error for that line.
pub fn parse_record(file: &Path, text: &str) -> Record {
    let mut record = Record::default();
    let err = |line: u32, message: String| RecordError {
        file: file.to_path_buf(),
        line,
        message,
    };
    let mut rows = CsvRows::new(text);
    loop {
        let (line, fields) = match rows.next_row() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err((line, message)) => {
                record.errors.push(err(line, message));
                break;
            }
        };
        if fields.iter().all(|f| f.is_empty()) {
            continue; // blank line
        }
        if record.entries.len() >= MAX_RECORD_ENTRIES {
            record.errors.push(err(
                line,
                format!("more than {MAX_RECORD_ENTRIES} entries; the rest is ignored"),
            ));
            break;
        }
        match parse_fields(&fields, line) {
            Ok(entry) => record.entries.push(entry),
            Err(message) => record.errors.push(err(line, message)),
        }
    }
    record
}

fn parse_fields(fields: &[String], line: u32) -> Result<RecordEntry, String> {
    let (path, hash, size) = match fields {
        [p] => (p, "", ""),
        [p, h] => (p, h.as_str(), ""),
        [p, h, s] => (p, h.as_str(), s.as_str()),
        _ => {
            return Err(format!(
                "expected 3 fields (path,hash,size), found {}",
                fields.len()
            ));
        }
    };
    if path.is_empty() {
        return Err("empty path".to_string());
    }
    let hash = if hash.trim().is_empty() {
        None
    } else {
        Some(parse_hash(hash.trim())?)
    };
    let size = if size.trim().is_empty() {
        None
    } else {
        Some(
            size.trim()
                .parse::<u64>()
                .map_err(|_| format!("size `{}` is not a byte count", short(size)))?,
        )
    };
    Ok(RecordEntry {
        path: path.clone(),
        hash,
        size,
        line,
    })
}

/// Parses `algorithm=digest` (urlsafe base64; padding tolerated).
pub fn parse_hash(s: &str) -> Result<RecordHash, String> {
    let (alg, b64) = s
        .split_once('=')
        .ok_or_else(|| format!("hash `{}` is not `algorithm=digest`", short(s)))?;
    let algorithm = HashAlgorithm::parse(alg.trim());
    let b64 = b64.trim();
    let digest = URL_SAFE_NO_PAD
        .decode(b64.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(b64))
        .map_err(|_| format!("hash digest `{}` is not urlsafe base64", short(b64)))?;
    if let Some(want) = algorithm.digest_len()
        && digest.len() != want
    {
        return Err(format!(
            "{algorithm} digest is {} bytes, expected {want}",
            digest.len()
        ));
    }
    Ok(RecordHash { algorithm, digest })
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// A minimal reader of CSV as Python's `csv` writes it (excel dialect).
struct CsvRows<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: u32,
}

impl<'a> CsvRows<'a> {
    fn new(text: &'a str) -> Self {
        CsvRows {
            chars: text.chars().peekable(),
            line: 1,
        }
    }

    /// The next row and the line it started on; `Err` on an unterminated quote.
    #[allow(clippy::type_complexity)]
    fn next_row(&mut self) -> Result<Option<(u32, Vec<String>)>, (u32, String)> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            let Some(c) = self.chars.next() else {
                if quoted {
                    return Err((start, "unterminated quoted field".to_string()));
                }
                fields.push(field);
                return Ok(Some((start, fields)));
            };
            if field.len() > MAX_FIELD {
                return Err((start, format!("field longer than {MAX_FIELD} bytes")));
            }
            match c {
                '"' if quoted => {
                    if self.chars.peek() == Some(&'"') {
                        self.chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                }
                '"' if field.is_empty() => quoted = true,
                '\n' | '\r' if !quoted => {
                    if c == '\r' && self.chars.peek() == Some(&'\n') {
                        self.chars.next();
                    }
                    self.line = self.line.saturating_add(1);
                    fields.push(field);
                    return Ok(Some((start, fields)));
                }
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                _ => {
                    if c == '\n' {
                        self.line = self.line.saturating_add(1);
                    }
                    field.push(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Record {
        parse_record(Path::new("x.dist-info/RECORD"), text)
    }

    #[test]
    fn parses_pip_written_lines() {
        let r = parse(
            "requests/__init__.py,sha256=yMgSkm2GlhQMZ0Y_uU4WuZC-GVSYCqXUuR-ZuDRBRrQ,4958\n\
             requests/__pycache__/__init__.cpython-311.pyc,,\n\
             ../../../bin/black,sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,250\n\
             requests-2.32.3.dist-info/RECORD,,\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.entries.len(), 4);
        let e = &r.entries[0];
        assert_eq!(e.path, "requests/__init__.py");
        assert_eq!(e.size, Some(4958));
        let h = e.hash.as_ref().unwrap();
        assert_eq!(h.algorithm, HashAlgorithm::Sha256);
        assert_eq!(
            h.to_record_string(),
            "sha256=yMgSkm2GlhQMZ0Y_uU4WuZC-GVSYCqXUuR-ZuDRBRrQ"
        );
        assert_eq!(r.entries[1].hash, None);
        assert_eq!(r.entries[1].size, None);
        assert_eq!(r.entries[2].path, "../../../bin/black");
        assert_eq!(r.entries[3].line, 4);
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let r = parse(
            "\"pkg/a,b.py\",sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n\
             \"pkg/say \"\"hi\"\".txt\",,\n\
             \"pkg/two\nlines\",,\n\
             after,,\r\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let paths: Vec<_> = r.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "pkg/a,b.py",
                "pkg/say \"hi\".txt",
                "pkg/two\nlines",
                "after"
            ]
        );
        // the quoted newline moves the line counter
        assert_eq!(r.entries[3].line, 5);
    }

    #[test]
    fn other_algorithms() {
        // sha512 of the empty string
        let r = parse(
            "a,sha512=z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg_SpIdNs6c5H0NE8XYXysP-DGNKHfuwvY7kxvUdBeoGlODJ6-SfaPg,0\n\
             b,sha384=OLBgp1GsljhM2TJ-sbHjaiH9txEUvgdDTAzHv2P24donTt6_529l-9Ua0vFImLlb,0\n\
             c,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            r.entries[0].hash.as_ref().unwrap().algorithm,
            HashAlgorithm::Sha512
        );
        assert_eq!(
            r.entries[1].hash.as_ref().unwrap().hex(),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
        assert_eq!(
            r.entries[2].hash.as_ref().unwrap().algorithm,
            HashAlgorithm::Other("md5".into())
        );
    }

    #[test]
    fn bad_lines_name_file_and_line_and_parsing_goes_on() {
        let r = parse(
            "ok,,\n\
             a,sha256=notbase64!!,1\n\
             b,sha256=AAAA,1\n\
             c,,12x\n\
             d,,,extra\n\
             e,nohash,1\n\
             last,,\n",
        );
        assert_eq!(r.entries.len(), 2);
        let lines: Vec<u32> = r.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6]);
        let msg = r.errors[1].to_string();
        assert!(msg.starts_with("x.dist-info/RECORD:3: "), "{msg}");
        assert!(msg.contains("expected 32"), "{msg}");
    }

    #[test]
    fn unterminated_quote_is_an_error_not_a_hang() {
        let r = parse("ok,,\n\"never closed,,\n");
        assert_eq!(r.entries.len(), 1);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, 2);
    }

    #[test]
    fn arbitrary_input_never_panics() {
        for s in [
            "",
            "\"",
            ",,,,",
            "\"\"\"",
            "\r\r\n\n",
            "a\"b,c",
            "é,sha256=é,é",
        ] {
            let _ = parse(s);
        }
    }
}
