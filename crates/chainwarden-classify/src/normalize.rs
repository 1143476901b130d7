//! Normalised views of a text: what an encoding hides from a plain scan.
//!
//! - JSON (and most languages') string escapes: `\n` inside a PEM key in a
//!   service-account file, `\u0041KIA…`;
//! - URL encoding: `%2B`, `%40` in query strings and form bodies;
//! - base64 blocks: a `.env` or a key pasted as base64.
//!
//! Each view keeps, for every decoded byte, the offset in the original text
//! where the sequence that produced it starts, so findings are reported (and
//! redacted) at their original position. A base64 block maps as a whole.
//! Code fences need no decoding: fenced text is scanned as it stands.

use base64::Engine as _;

/// Which encoding a view undid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    JsonEscape,
    Url,
    Base64,
}

pub(crate) struct View {
    pub(crate) encoding: Encoding,
    pub(crate) bytes: Vec<u8>,
    /// Original offset of each decoded byte's source, plus one entry for the end.
    pub(crate) map: Vec<usize>,
    /// A base64 block maps as a whole to this span.
    pub(crate) whole: Option<(usize, usize)>,
}

impl View {
    /// The original span of the decoded span `s..e`.
    pub(crate) fn original(&self, s: usize, e: usize) -> (usize, usize) {
        match self.whole {
            Some(w) => w,
            None => (self.map[s], self.map[e.min(self.map.len() - 1)]),
        }
    }
}

/// Upper bound of decoded bytes per text (a hostile file of escapes costs no more).
const MAX_DECODED: usize = 16 << 20;
const MIN_BASE64: usize = 40;

pub(crate) fn views(text: &[u8]) -> Vec<View> {
    let mut out = Vec::new();
    let mut budget = MAX_DECODED;
    let mut next_line = 0usize;
    for hit in memchr::memchr2_iter(b'\\', b'%', text) {
        if hit < next_line || budget == 0 {
            continue;
        }
        let ls = memchr::memrchr(b'\n', &text[..hit]).map_or(0, |p| p + 1);
        let le = memchr::memchr(b'\n', &text[hit..]).map_or(text.len(), |p| hit + p);
        next_line = le;
        let line = &text[ls..le];
        for v in [unescape(line, ls), url_decode(line, ls)]
            .into_iter()
            .flatten()
        {
            budget = budget.saturating_sub(v.bytes.len());
            out.push(v);
        }
    }
    base64_blocks(text, &mut budget, &mut out);
    out
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// JSON string escapes of one line; `None` when there is none.
fn unescape(line: &[u8], base: usize) -> Option<View> {
    let mut bytes = Vec::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len() + 1);
    let mut changed = false;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if c == b'\\' && i + 1 < line.len() {
            let simple = match line[i + 1] {
                b'n' => Some(b'\n'),
                b't' => Some(b'\t'),
                b'r' => Some(b'\r'),
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'/' => Some(b'/'),
                b'b' => Some(8),
                b'f' => Some(12),
                _ => None,
            };
            if let Some(b) = simple {
                bytes.push(b);
                map.push(base + i);
                i += 2;
                changed = true;
                continue;
            }
            if line[i + 1] == b'u' && i + 6 <= line.len() {
                let code = line[i + 2..i + 6]
                    .iter()
                    .try_fold(0u32, |a, &h| hex(h).map(|v| a * 16 + u32::from(v)));
                if let Some(mut cp) = code {
                    let mut len = 6;
                    if (0xD800..0xDC00).contains(&cp)
                        && line.get(i + 6..i + 8) == Some(b"\\u")
                        && let Some(lo) = line.get(i + 8..i + 12).and_then(|h| {
                            h.iter()
                                .try_fold(0u32, |a, &x| hex(x).map(|v| a * 16 + u32::from(v)))
                        })
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        len = 12;
                    }
                    let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                    let mut buf = [0u8; 4];
                    for &b in ch.encode_utf8(&mut buf).as_bytes() {
                        bytes.push(b);
                        map.push(base + i);
                    }
                    i += len;
                    changed = true;
                    continue;
                }
            }
        }
        bytes.push(c);
        map.push(base + i);
        i += 1;
    }
    map.push(base + line.len());
    changed.then_some(View {
        encoding: Encoding::JsonEscape,
        bytes,
        map,
        whole: None,
    })
}

/// `%XX` sequences of one line; `None` when there is none.
fn url_decode(line: &[u8], base: usize) -> Option<View> {
    let mut bytes = Vec::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len() + 1);
    let mut changed = false;
    let mut i = 0;
    while i < line.len() {
        if line[i] == b'%'
            && let (Some(h), Some(l)) = (
                line.get(i + 1).copied().and_then(hex),
                line.get(i + 2).copied().and_then(hex),
            )
        {
            bytes.push(h * 16 + l);
            map.push(base + i);
            i += 3;
            changed = true;
            continue;
        }
        bytes.push(line[i]);
        map.push(base + i);
        i += 1;
    }
    map.push(base + line.len());
    changed.then_some(View {
        encoding: Encoding::Url,
        bytes,
        map,
        whole: None,
    })
}

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_')
}

/// Runs of at least 40 base64 characters with upper, lower and digits that
/// decode to mostly printable text.
fn base64_blocks(text: &[u8], budget: &mut usize, out: &mut Vec<View>) {
    let mut i = 0;
    while i < text.len() {
        if !is_b64(text[i]) {
            i += 1;
            continue;
        }
        let s = i;
        let (mut up, mut lo, mut dig) = (false, false, false);
        while i < text.len() && is_b64(text[i]) {
            let c = text[i];
            up |= c.is_ascii_uppercase();
            lo |= c.is_ascii_lowercase();
            dig |= c.is_ascii_digit();
            i += 1;
        }
        let mut e = i;
        while e < text.len() && text[e] == b'=' && e - i < 2 {
            e += 1;
        }
        if i - s < MIN_BASE64 || !(up && lo && dig) || *budget == 0 {
            i = e.max(i);
            continue;
        }
        let run = &text[s..i];
        let decoded = if run.iter().any(|&c| c == b'-' || c == b'_') {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(run)
        } else {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(run)
        };
        if let Ok(bytes) = decoded
            && printable(&bytes)
        {
            *budget = budget.saturating_sub(bytes.len());
            out.push(View {
                encoding: Encoding::Base64,
                bytes,
                map: Vec::new(),
                whole: Some((s, e)),
            });
        }
        i = e.max(i);
    }
}

fn printable(b: &[u8]) -> bool {
    if b.len() < 20 {
        return false;
    }
    let ok = b
        .iter()
        .filter(|&&c| (0x20..0x7f).contains(&c) || c == b'\n' || c == b'\r' || c == b'\t')
        .count();
    ok * 100 >= b.len() * 95
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_map_back() {
        let t = br#"{"k": "a\nAKIA\u0041"}"#;
        let v = views(t);
        assert_eq!(v.len(), 1);
        let view = &v[0];
        let pos = view.bytes.iter().position(|&b| b == b'A').unwrap();
        assert_eq!(view.original(pos, view.bytes.len() - 2), (10, t.len() - 2));
    }

    #[test]
    fn base64_block_maps_whole() {
        let inner = b"DATABASE_URL=postgres://app:Zt9Xw2Lp8Vb7@db.internal:5432/app";
        let enc = base64::engine::general_purpose::STANDARD.encode(inner);
        let t = format!("config: {enc}\n");
        let v = views(t.as_bytes());
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].bytes, inner);
        assert_eq!(v[0].original(3, 4), (8, 8 + enc.len()));
    }
}
