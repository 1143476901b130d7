//! Python tokenizer: comments, string prefixes, triple quotes, docstrings.

use super::{Builder, Views};

/// Splits Python source into code and string views.
///
/// Docstrings (a triple-quoted string that is a statement on its own) are
/// blanked in both views, like comments: words in documentation never fire.
/// f-string replacement fields are treated as string content.
pub fn lex_python(src: &str) -> Views {
    let s = src.as_bytes();
    let mut b = Builder::new(src);
    let mut i = 0;
    let mut code_from = 0;
    while let Some(&c) = s.get(i) {
        match c {
            b'#' => {
                b.code(code_from, i);
                let end = memchr_nl(s, i);
                b.blank(i, end);
                i = end;
                code_from = i;
            }
            b'\'' | b'"' => {
                let raw = prefix_is_raw(s, i);
                let triple = s.get(i + 1) == Some(&c) && s.get(i + 2) == Some(&c);
                let qlen = if triple { 3 } else { 1 };
                let content_start = i + qlen;
                let (content_end, close_end) = scan_string(s, content_start, c, triple, raw);
                let statement_start = line_start_blank(s, prefix_start(s, i));
                let docstring = triple && statement_start && rest_of_line_blank(s, close_end);
                b.code(code_from, i);
                b.literal(i, content_start, content_end, close_end, docstring);
                i = close_end;
                code_from = i;
            }
            _ => i += 1,
        }
    }
    b.code(code_from, s.len());
    b.finish()
}

fn memchr_nl(s: &[u8], from: usize) -> usize {
    s.get(from..)
        .and_then(|t| t.iter().position(|&b| b == b'\n'))
        .map_or(s.len(), |p| from + p)
}

/// Where the string's prefix letters (r, b, u, f) start.
fn prefix_start(s: &[u8], quote: usize) -> usize {
    let mut p = quote;
    while p > 0 && quote - p < 3 {
        match s.get(p - 1) {
            Some(c) if b"rRbBuUfFtT".contains(c) => p -= 1,
            _ => break,
        }
    }
    // A prefix only counts when it is not the tail of a longer identifier.
    match p.checked_sub(1).and_then(|q| s.get(q)) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => quote,
        _ => p,
    }
}

fn prefix_is_raw(s: &[u8], quote: usize) -> bool {
    let start = prefix_start(s, quote);
    s.get(start..quote)
        .is_some_and(|p| p.iter().any(|c| *c == b'r' || *c == b'R'))
}

/// Returns (end of content, end after the closing quotes).
fn scan_string(s: &[u8], start: usize, q: u8, triple: bool, _raw: bool) -> (usize, usize) {
    let mut i = start;
    while let Some(&c) = s.get(i) {
        if c == b'\\' {
            // Even in raw strings a backslash keeps the next quote from closing.
            i += 2;
            continue;
        }
        if c == q {
            if !triple {
                return (i, i + 1);
            }
            if s.get(i + 1) == Some(&q) && s.get(i + 2) == Some(&q) {
                return (i, i + 3);
            }
        }
        if c == b'\n' && !triple {
            // Unterminated single-quoted string: stop at the line end.
            return (i, i);
        }
        i += 1;
    }
    let end = s.len();
    (end.min(i), end)
}

fn line_start_blank(s: &[u8], at: usize) -> bool {
    let mut p = at;
    while p > 0 {
        match s.get(p - 1) {
            Some(b'\n') => return true,
            Some(b' ' | b'\t' | b'\r') => p -= 1,
            _ => return false,
        }
    }
    true
}

fn rest_of_line_blank(s: &[u8], from: usize) -> bool {
    let mut p = from;
    while let Some(&c) = s.get(p) {
        match c {
            b'\n' | b'#' => return true,
            b' ' | b'\t' | b'\r' | b';' => p += 1,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_code_strings_and_comments() {
        let src = "import os  # exec(x)\nx = 'abc' + \"d\\\"e\"\n";
        let v = lex_python(src);
        assert_eq!(v.code.len(), src.len());
        assert_eq!(v.strings.len(), src.len());
        assert!(v.code.contains("import os"));
        assert!(!v.code.contains("exec"));
        assert!(!v.strings.contains("exec"));
        assert!(v.strings.contains("abc"));
        assert!(v.strings.contains("d\\\"e"));
        assert!(
            v.code.contains("'abc'"),
            "short identifier-like strings stay in code"
        );
        assert_eq!(v.literals.len(), 2);
    }

    #[test]
    fn docstrings_are_hidden_but_assigned_triple_strings_are_not() {
        let src = "def f():\n    \"\"\"Reads ~/.ssh/id_rsa, then exec().\"\"\"\n    x = '''~/.aws/credentials'''\n";
        let v = lex_python(src);
        assert!(!v.strings.contains(".ssh"));
        assert!(!v.code.contains("exec"));
        assert!(v.strings.contains(".aws/credentials"));
    }

    #[test]
    fn prefixes_and_unterminated_strings() {
        let v = lex_python("x = rb'\\'still'\ny = 'open\nz = exec(1)\n");
        assert!(v.strings.contains("\\'still"));
        assert!(v.code.contains("exec(1)"));
        let v = lex_python("bar'x'");
        assert!(v.strings.contains('x'));
        let v = lex_python("x = '''never closed");
        assert!(v.strings.contains("never closed"));
    }
}
