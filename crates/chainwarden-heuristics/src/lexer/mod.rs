//! Tokenizers that split a source file into two views of the same length:
//! `code` (string contents and comments blanked) and `strings` (only string
//! contents). Offsets and line numbers are the same in both views and in the
//! source, so a match in either view maps back to a line.

mod javascript;
mod python;

pub use javascript::lex_javascript;
pub use python::lex_python;

/// A string literal's content span in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrSpan {
    pub start: usize,
    pub end: usize,
}

/// The two views of a source file, plus its string literals.
#[derive(Debug, Clone, Default)]
pub struct Views {
    pub code: String,
    pub strings: String,
    pub literals: Vec<StrSpan>,
}

/// Builds both views byte by byte. Region changes only happen at ASCII bytes,
/// so multi-byte characters are never split and both views stay UTF-8.
pub(crate) struct Builder<'a> {
    src: &'a [u8],
    code: Vec<u8>,
    strings: Vec<u8>,
    literals: Vec<StrSpan>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Builder {
            src: src.as_bytes(),
            code: Vec::with_capacity(src.len()),
            strings: Vec::with_capacity(src.len()),
            literals: Vec::new(),
        }
    }

    /// Copies `src[from..to]` as code.
    pub(crate) fn code(&mut self, from: usize, to: usize) {
        for &b in self.src.get(from..to).unwrap_or_default() {
            self.code.push(b);
            self.strings.push(blank(b));
        }
    }

    /// Blanks `src[from..to]` in both views (comments, quotes, regex literals).
    pub(crate) fn blank(&mut self, from: usize, to: usize) {
        for &b in self.src.get(from..to).unwrap_or_default() {
            self.code.push(blank(b));
            self.strings.push(blank(b));
        }
    }

    /// A whole literal: opening quote(s) `open..from`, content `from..to`,
    /// closing quote(s) `to..close`. Short identifier-like contents (`'os'`,
    /// `'child_process'`, `'wb'`) stay in `code` with their quotes, so code
    /// patterns such as `require('child_process')` still see them.
    pub(crate) fn literal(
        &mut self,
        open: usize,
        from: usize,
        to: usize,
        close: usize,
        hidden: bool,
    ) {
        if !hidden && keep_in_code(self.src.get(from..to).unwrap_or_default()) {
            self.code(open, from);
            self.string(from, to, false, true);
            self.code(to, close);
        } else {
            self.blank(open, from);
            self.string(from, to, hidden, false);
            self.blank(to, close);
        }
    }

    /// Copies a string literal's content into `strings` (unless `hidden`,
    /// e.g. a docstring), and into `code` when `in_code`.
    pub(crate) fn string(&mut self, from: usize, to: usize, hidden: bool, in_code: bool) {
        let content = self.src.get(from..to).unwrap_or_default();
        let keep_in_code = in_code;
        for &b in content {
            self.code.push(if keep_in_code { b } else { blank(b) });
            self.strings.push(if hidden { blank(b) } else { b });
        }
        if !hidden && to > from {
            self.literals.push(StrSpan {
                start: from,
                end: to,
            });
        }
    }

    pub(crate) fn finish(self) -> Views {
        Views {
            code: String::from_utf8(self.code).unwrap_or_default(),
            strings: String::from_utf8(self.strings).unwrap_or_default(),
            literals: self.literals,
        }
    }
}

fn keep_in_code(content: &[u8]) -> bool {
    !content.is_empty()
        && content.len() <= 32
        && content
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(b))
}

fn blank(b: u8) -> u8 {
    if b == b'\n' { b'\n' } else { b' ' }
}

/// Lexes a shell-like file: everything is "string" (and code), `#` comment lines blanked.
pub fn lex_plain(src: &str) -> Views {
    let mut b = Builder::new(src);
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let end = pos + line.len();
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with("REM ") || t.starts_with("::") {
            b.blank(pos, end);
        } else {
            for i in pos..end {
                if let Some(&c) = src.as_bytes().get(i) {
                    b.code.push(c);
                    b.strings.push(c);
                }
            }
        }
        pos = end;
    }
    b.finish()
}
