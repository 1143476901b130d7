//! JavaScript/TypeScript tokenizer: comments, quotes, template literals with
//! `${}` nesting, and regex literals (told apart from division by the token before).

use super::{Builder, Views};

/// Splits JS/TS source into code and string views.
pub fn lex_javascript(src: &str) -> Views {
    let s = src.as_bytes();
    let mut b = Builder::new(src);
    // Brace depths of the `${` expressions we are inside, innermost last.
    let mut templates: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut code_from = 0;
    // A shebang line is a comment.
    if s.starts_with(b"#!") {
        i = line_end(s, 0);
        b.blank(0, i);
        code_from = i;
    }
    while let Some(&c) = s.get(i) {
        match c {
            b'/' if s.get(i + 1) == Some(&b'/') => {
                b.code(code_from, i);
                let end = line_end(s, i);
                b.blank(i, end);
                i = end;
                code_from = i;
            }
            b'/' if s.get(i + 1) == Some(&b'*') => {
                b.code(code_from, i);
                let end = find(s, i + 2, b"*/").map_or(s.len(), |p| p + 2);
                b.blank(i, end);
                i = end;
                code_from = i;
            }
            b'/' if regex_allowed(s, i) => {
                b.code(code_from, i);
                let end = scan_regex(s, i + 1);
                b.blank(i, end);
                i = end;
                code_from = i;
            }
            b'\'' | b'"' => {
                b.code(code_from, i);
                let (content_end, close_end) = scan_quoted(s, i + 1, c);
                b.literal(i, i + 1, content_end, close_end, false);
                i = close_end;
                code_from = i;
            }
            b'`' => {
                b.code(code_from, i);
                b.blank(i, i + 1);
                i = template_part(s, i + 1, &mut b, &mut templates, depth);
                code_from = i;
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if templates.last() == Some(&depth) {
                    // End of a `${…}`: back into the template string.
                    templates.pop();
                    b.code(code_from, i);
                    b.blank(i, i + 1);
                    i = template_part(s, i + 1, &mut b, &mut templates, depth);
                    code_from = i;
                } else {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    b.code(code_from, s.len());
    b.finish()
}

/// Scans template text from `start` up to the closing backtick or a `${`;
/// returns the position after it (pushing the depth when entering `${`).
fn template_part(
    s: &[u8],
    start: usize,
    b: &mut Builder<'_>,
    templates: &mut Vec<usize>,
    depth: usize,
) -> usize {
    let mut i = start;
    while let Some(&c) = s.get(i) {
        match c {
            b'\\' => i += 2,
            b'`' => {
                b.string(start, i, false, false);
                b.blank(i, i + 1);
                return i + 1;
            }
            b'$' if s.get(i + 1) == Some(&b'{') => {
                b.string(start, i, false, false);
                b.blank(i, i + 2);
                templates.push(depth);
                return i + 2;
            }
            _ => i += 1,
        }
    }
    let end = s.len();
    b.string(start, end, false, false);
    end
}

fn line_end(s: &[u8], from: usize) -> usize {
    s.get(from..)
        .and_then(|t| t.iter().position(|&c| c == b'\n'))
        .map_or(s.len(), |p| from + p)
}

fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn scan_quoted(s: &[u8], start: usize, q: u8) -> (usize, usize) {
    let mut i = start;
    while let Some(&c) = s.get(i) {
        match c {
            b'\\' => i += 2,
            b'\n' => return (i, i),
            _ if c == q => return (i, i + 1),
            _ => i += 1,
        }
    }
    let end = s.len();
    (end, end)
}

/// A `/` starts a regex literal after an operator, an opening bracket, a
/// keyword like `return`, or at the start of the input.
fn regex_allowed(s: &[u8], slash: usize) -> bool {
    let mut p = slash;
    while p > 0 {
        let c = s.get(p - 1).copied().unwrap_or(b' ');
        if c.is_ascii_whitespace() {
            p -= 1;
            continue;
        }
        if b"(,=:[!&|?{};+-*%<>~^".contains(&c) {
            return true;
        }
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
            let end = p;
            let mut st = p;
            while st > 0
                && s.get(st - 1)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
            {
                st -= 1;
            }
            let word = s.get(st..end).unwrap_or_default();
            return matches!(
                word,
                b"return"
                    | b"typeof"
                    | b"case"
                    | b"do"
                    | b"else"
                    | b"in"
                    | b"of"
                    | b"new"
                    | b"delete"
                    | b"void"
                    | b"throw"
                    | b"yield"
                    | b"await"
            );
        }
        return false;
    }
    true
}

fn scan_regex(s: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut in_class = false;
    while let Some(&c) = s.get(i) {
        match c {
            b'\\' => i += 2,
            b'\n' => return i,
            b'[' => {
                in_class = true;
                i += 1;
            }
            b']' => {
                in_class = false;
                i += 1;
            }
            b'/' if !in_class => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_strings_templates_and_regexes() {
        let src = "#!/usr/bin/env node\n// eval(x)\nconst a = require('child_process'); /* exec */\nlet t = `hi ${fetch('u')} ~/.ssh`;\nlet r = /'[a/]/g, d = 4 / 2;\n";
        let v = lex_javascript(src);
        assert_eq!(v.code.len(), src.len());
        assert!(!v.code.contains("eval"));
        assert!(!v.code.contains("exec"));
        assert!(v.code.contains("require('child_process')"));
        assert!(v.code.contains("fetch('u')"), "{}", v.code);
        assert!(v.strings.contains("~/.ssh"));
        assert!(!v.strings.contains("fetch"));
        assert!(v.code.contains("d = 4 / 2"));
        assert!(!v.strings.contains("[a/]"));
    }

    #[test]
    fn nested_templates_and_unterminated_input() {
        let v = lex_javascript("x = `a${ {k: `b${c}`}.k }d`; eval(1)");
        assert!(v.code.contains("eval(1)"));
        assert!(v.strings.contains('d'));
        let v = lex_javascript("x = 'open");
        assert!(v.strings.contains("open"));
        let v = lex_javascript("x = `open ${");
        assert_eq!(v.code.len(), 12);
    }
}
