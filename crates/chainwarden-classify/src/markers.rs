//! Confidentiality markers and organisation terms, confirmed at a prefilter hit.

use crate::rules::MarkerMode;

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whole word: no letter, digit or underscore on either side (a phrase that
/// ends in punctuation, like `SECRET//`, needs no boundary after it).
pub(crate) fn whole_word(text: &[u8], s: usize, e: usize) -> bool {
    let before = s == 0 || !is_word(text[s - 1]);
    let last = text[e - 1];
    let after = !is_word(last) || e == text.len() || !is_word(text[e]);
    before && after
}

/// Only whitespace and comment or markup decoration (`# * // -- [ <!--`)
/// stands between the line start and `s`.
fn opens_line(text: &[u8], s: usize) -> bool {
    let mut k = s;
    let mut n = 0;
    while k > 0 && text[k - 1] != b'\n' {
        k -= 1;
        n += 1;
        if n > 12 || !b" \t#*/-=[]<>!;:|'\"`({~".contains(&text[k]) {
            return false;
        }
    }
    true
}

/// What follows a banner word: the end of the line, decoration, or more
/// words; not an assignment, a call or an attribute (`SECRET = …`, `SECRET(`).
fn banner_tail(text: &[u8], e: usize, colon_ok: bool) -> bool {
    let mut k = e;
    while k < text.len() && (text[k] == b' ' || text[k] == b'\t') {
        k += 1;
    }
    match text.get(k) {
        None | Some(b'\n' | b'\r') => true,
        Some(b':') => colon_ok,
        Some(c) => !b"=(.,;[{\"'".contains(c),
    }
}

/// Confirms a marker phrase hit at `s..e` (matched case-insensitively).
pub(crate) fn confirm(text: &[u8], s: usize, e: usize, mode: MarkerMode, phrase: &str) -> bool {
    if !whole_word(text, s, e) {
        return false;
    }
    let exact = &text[s..e] == phrase.as_bytes();
    match mode {
        MarkerMode::Any => true,
        MarkerMode::Upper => {
            exact
                || (text[s].is_ascii_uppercase()
                    && opens_line(text, s)
                    && banner_tail(text, e, true))
        }
        MarkerMode::Banner => exact && opens_line(text, s) && banner_tail(text, e, false),
    }
}
