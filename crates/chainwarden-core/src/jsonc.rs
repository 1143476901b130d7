//! JSON with comments and trailing commas (VS Code's `mcp.json`, `bun.lock`):
//! turned into plain JSON by blanking comments and dropping trailing commas,
//! keeping every line break so line numbers stay true.

/// Returns plain JSON text with the same line structure as `text`.
pub fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' && i + 1 < b.len() {
                // The escaped character may be several bytes long (`"\é"` is
                // not JSON, but hostile text is not JSON either): copy it whole.
                let end = (i + 1 + utf8_len(b[i + 1])).min(b.len());
                out.push_str(&text[i..end]);
                i = end;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            let ch_len = utf8_len(c);
            out.push_str(&text[i..(i + ch_len).min(b.len())]);
            i += ch_len;
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                out.push('"');
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
                i += 2;
            }
            b',' => {
                // Drop the comma when the next significant byte closes a container.
                let mut j = i + 1;
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) == Some(&b'/') && matches!(b.get(j + 1), Some(b'/') | Some(b'*')) {
                        let star = b[j + 1] == b'*';
                        j += 2;
                        while j < b.len()
                            && !(if star {
                                b[j] == b'*' && b.get(j + 1) == Some(&b'/')
                            } else {
                                b[j] == b'\n'
                            })
                        {
                            j += 1;
                        }
                        j += if star { 2 } else { 0 };
                        continue;
                    }
                    break;
                }
                if !matches!(b.get(j), Some(b'}') | Some(b']')) {
                    out.push(',');
                }
                i += 1;
            }
            _ => {
                let ch_len = utf8_len(c);
                out.push_str(&text[i..(i + ch_len).min(b.len())]);
                i += ch_len;
            }
        }
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas() {
        let src = "{\n  // a comment\n  \"a\": \"http://x//y\", /* b */\n  \"c\": [1, 2,],\n}\n";
        let plain = strip(src);
        let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(v["a"], "http://x//y");
        assert_eq!(v["c"][1], 2);
        assert_eq!(plain.lines().count(), src.lines().count());
    }

    #[test]
    fn strings_with_escapes_and_unicode_survive() {
        let src = "{\"k\": \"q\\\"//é,]\",}";
        let v: serde_json::Value = serde_json::from_str(&strip(src)).unwrap();
        assert_eq!(v["k"], "q\"//é,]");
    }

    #[test]
    fn a_backslash_before_a_multibyte_character_is_copied_whole() {
        // Found by fuzzing (fuzz/regressions/core_jsonc): this used to slice
        // inside `é` and panic.
        assert_eq!(strip("\"\\é\""), "\"\\é\"");
        assert_eq!(strip("{\"a\": \"\\€\",}"), "{\"a\": \"\\€\"}");
        assert_eq!(strip("\"\\"), "\"\\");
    }
}
