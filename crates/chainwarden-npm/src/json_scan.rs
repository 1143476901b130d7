//! A small JSON (and JSONC) scanner that finds the 1-based line of object
//! keys, which serde_json does not report, and turns bun's JSONC into JSON.
//!
//! It tokenises only as far as lines need: strings, brackets, `,` and `:`;
//! comments are skipped. Nesting is bounded; the caller parses the document
//! with serde_json first, so the scanner never has to judge validity.

use std::collections::HashMap;

/// Deepest nesting the scanner follows (serde_json stops at 128 anyway).
const MAX_DEPTH: usize = 512;

/// Separator of the key paths in [`KeyLines`] (never in a JSON key we look up).
pub(crate) const PATH_SEP: char = '\u{1}';

/// Lines of the object keys that a filter selected, by their joined key path.
#[derive(Debug, Default)]
pub(crate) struct KeyLines {
    lines: HashMap<String, u32>,
}

impl KeyLines {
    /// The line of the key at `path` (keys from the document root).
    pub(crate) fn get(&self, path: &[&str]) -> Option<u32> {
        let joined = path.join(&PATH_SEP.to_string());
        self.lines.get(&joined).copied()
    }
}

enum Frame {
    Object { want_key: bool },
    Array,
}

/// Scans `text` and records the line of every object key for which
/// `want(parent_path, key)` is true. The parent path holds the keys of the
/// enclosing objects (`[]` for arrays). The first occurrence of a path wins.
pub(crate) fn key_lines(text: &str, mut want: impl FnMut(&[String], &str) -> bool) -> KeyLines {
    let bytes = text.as_bytes();
    let mut out = KeyLines::default();
    let mut frames: Vec<Frame> = Vec::new();
    // path[i] is the current key (or "[]") of frames[i].
    let mut path: Vec<String> = Vec::new();
    let mut line: u32 = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => line = line.saturating_add(1),
            b'"' => {
                let start_line = line;
                let (s, next, newlines) = read_string(bytes, i);
                line = line.saturating_add(newlines);
                i = next;
                if let Some(Frame::Object { want_key }) = frames.last_mut()
                    && *want_key
                {
                    *want_key = false;
                    let depth = path.len();
                    if depth > 0 {
                        if want(&path[..depth - 1], &s) {
                            let mut joined = String::new();
                            for p in &path[..depth - 1] {
                                joined.push_str(p);
                                joined.push(PATH_SEP);
                            }
                            joined.push_str(&s);
                            out.lines.entry(joined).or_insert(start_line);
                        }
                        path[depth - 1] = s;
                    }
                }
                continue;
            }
            b'{' | b'[' => {
                if frames.len() >= MAX_DEPTH {
                    return out;
                }
                if b == b'{' {
                    frames.push(Frame::Object { want_key: true });
                    path.push(String::new());
                } else {
                    frames.push(Frame::Array);
                    path.push("[]".to_string());
                }
            }
            b'}' | b']' => {
                frames.pop();
                path.pop();
            }
            b',' => {
                if let Some(Frame::Object { want_key }) = frames.last_mut() {
                    *want_key = true;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    if bytes[i] == b'\n' {
                        line = line.saturating_add(1);
                    }
                    i += 1;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads the JSON string starting at the quote at `start`. Returns the decoded
/// text (simple escapes decoded, `\u` kept as written), the index after the
/// closing quote and the number of raw newlines inside (invalid JSON, but a
/// truncated file must not desynchronise the line count).
fn read_string(bytes: &[u8], start: usize) -> (String, usize, u32) {
    let mut out = Vec::new();
    let mut newlines = 0;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1, newlines),
            b'\\' => {
                match bytes.get(i + 1) {
                    Some(b'n') => out.push(b'\n'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'r') => out.push(b'\r'),
                    Some(&c @ (b'"' | b'\\' | b'/')) => out.push(c),
                    Some(&c) => {
                        out.push(b'\\');
                        out.push(c);
                    }
                    None => {}
                }
                i += 2;
                continue;
            }
            b'\n' => {
                newlines += 1;
                out.push(b'\n');
            }
            c => out.push(c),
        }
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), i, newlines)
}

/// Turns JSONC (comments, trailing commas — bun.lock) into JSON with the same
/// line structure: comments and trailing commas become spaces.
pub(crate) fn jsonc_to_json(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = bytes.to_vec();
    let mut i = 0;
    // Index in `out` of the last comma seen outside strings with only
    // white space or comments after it.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                pending_comma = None;
                let (_, next, _) = read_string(bytes, i);
                i = next;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                let end = (i + 2).min(bytes.len());
                for b in &mut out[start..end] {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
                i = end;
                continue;
            }
            b',' => pending_comma = Some(i),
            b'}' | b']' => {
                if let Some(c) = pending_comma.take() {
                    out[c] = b' ';
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII spaces, so this stays UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_of_selected_keys() {
        let text = "{\n  \"packages\": {\n    \"\": {},\n    \"node_modules/a\": {\n      \"version\": \"1\"\n    },\n    \"node_modules/@s/b\": {}\n  }\n}\n";
        let lines = key_lines(text, |parent, _| {
            parent.len() == 1 && parent[0] == "packages"
        });
        assert_eq!(lines.get(&["packages", ""]), Some(3));
        assert_eq!(lines.get(&["packages", "node_modules/a"]), Some(4));
        assert_eq!(lines.get(&["packages", "node_modules/@s/b"]), Some(7));
        assert_eq!(lines.get(&["packages", "version"]), None);
    }

    #[test]
    fn strings_with_braces_and_escapes_do_not_confuse_it() {
        let text = "{\"a\": \"}{,\\\"\",\n\"b\": [1, {\"c\": 2}],\n\"d\": 3}";
        let lines = key_lines(text, |_, _| true);
        assert_eq!(lines.get(&["d"]), Some(3));
        assert_eq!(lines.get(&["b", "c"]), None);
        assert_eq!(lines.get(&["b", "[]", "c"]), Some(2));
    }

    #[test]
    fn jsonc_becomes_json_with_same_lines() {
        let text = "{\n  // note\n  \"a\": [1, 2,],\n  \"b\": {\"c\": \",}\",}, /* x\n */\n}";
        let json = jsonc_to_json(text);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["b"]["c"], ",}");
        assert_eq!(v["a"][1], 2);
        assert_eq!(json.lines().count(), text.lines().count());
    }
}
