//! Personal and business identifiers, found by one forward pass over the
//! bytes: every `@` is tried as an e-mail, every run of digits (with single
//! spaces, dashes or dots between groups) is tried against each numeric
//! format's length, grouping and checksum. Context words shortly before a
//! candidate raise its confidence; formats that collide with ordinary numbers
//! (TFN, Medicare, ACN, ABN, bare SSN, national phone numbers) are only
//! confident next to one.

use crate::Confidence;
use crate::rules::Detector;
use crate::validate;

/// The personal-data rules in force: detector, rule index and context words.
#[derive(Debug, Clone, Default)]
pub(crate) struct PiiSet {
    pub(crate) rules: Vec<(Detector, usize, Vec<String>)>,
}

/// A candidate: rule index, value span, confidence.
pub(crate) type Hit = (usize, usize, usize, Confidence);

impl PiiSet {
    fn get(&self, d: Detector) -> Option<&(Detector, usize, Vec<String>)> {
        self.rules.iter().find(|r| r.0 == d)
    }

    pub(crate) fn has(&self, d: Detector) -> bool {
        self.get(d).is_some()
    }

    /// Context for detector `d` within 48 bytes before `start`?
    fn context(&self, text: &[u8], start: usize, d: Detector) -> bool {
        let Some((_, _, words)) = self.get(d) else {
            return false;
        };
        let from = floor_char(text, start.saturating_sub(48));
        let window = text[from..start].to_ascii_lowercase();
        words
            .iter()
            .any(|w| memchr::memmem::find(&window, w.as_bytes()).is_some())
    }

    fn push(&self, out: &mut Vec<Hit>, d: Detector, start: usize, end: usize, c: Confidence) {
        if let Some((_, idx, _)) = self.get(d) {
            out.push((*idx, start, end, c));
        }
    }

    /// Every candidate in `text`, at every confidence.
    pub(crate) fn scan(&self, text: &[u8], out: &mut Vec<Hit>) {
        if self.rules.is_empty() {
            return;
        }
        if self.has(Detector::Email) {
            for at in memchr::memchr_iter(b'@', text) {
                self.email(text, at, out);
            }
        }
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            if !b.is_ascii_digit() {
                i += 1;
            } else if i == 0 || !is_word(text[i - 1]) {
                i = self.number(text, i, out);
            } else {
                // Digits right after two capitals: an IBAN or a NINO.
                if i >= 2
                    && text[i - 1].is_ascii_uppercase()
                    && text[i - 2].is_ascii_uppercase()
                    && (i == 2 || !is_word(text[i - 3]))
                {
                    self.iban(text, i, out);
                    self.nino_compact(text, i - 2, out);
                }
                while i < text.len() && is_word(text[i]) {
                    i += 1;
                }
            }
        }
    }

    fn email(&self, text: &[u8], at: usize, out: &mut Vec<Hit>) {
        let local_ok = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
        let mut s = at;
        while s > 0 && at - s < 64 && local_ok(text[s - 1]) {
            s -= 1;
        }
        if s == at || text[s] == b'.' {
            return;
        }
        // URL userinfo (`https://user@host`) and SSH remotes are not addresses.
        if s >= 2 && &text[s - 2..s] == b"//" {
            return;
        }
        let mut e = at + 1;
        let mut last_dot = None;
        while e < text.len() && e - at < 254 {
            let c = text[e];
            if c.is_ascii_alphanumeric() || c == b'-' {
                e += 1;
            } else if c == b'.' && e + 1 < text.len() && text[e + 1].is_ascii_alphanumeric() {
                last_dot = Some(e);
                e += 1;
            } else {
                break;
            }
        }
        let Some(dot) = last_dot else { return };
        let tld = &text[dot + 1..e];
        if tld.len() < 2 || tld.len() > 24 || !tld.iter().all(u8::is_ascii_alphabetic) {
            return;
        }
        let tld_l = tld.to_ascii_lowercase();
        if matches!(
            tld_l.as_slice(),
            b"png"
                | b"jpg"
                | b"jpeg"
                | b"gif"
                | b"svg"
                | b"webp"
                | b"js"
                | b"ts"
                | b"py"
                | b"css"
                | b"json"
                | b"html"
                | b"md"
                | b"txt"
                | b"map"
                | b"mjs"
        ) {
            return;
        }
        let local = &text[s..at];
        if local == b"git"
            || (e < text.len()
                && text[e] == b':'
                && text.get(e + 1).is_some_and(|c| !c.is_ascii_digit()))
        {
            return;
        }
        let domain = text[at + 1..e].to_ascii_lowercase();
        let reserved = [b"example.com".as_slice(), b"example.org", b"example.net"];
        let placeholder = reserved.contains(&domain.as_slice())
            || domain.ends_with(b".example")
            || domain.ends_with(b".test")
            || domain.ends_with(b".invalid")
            || domain.ends_with(b".localhost")
            || domain.ends_with(b".local");
        let c = if placeholder {
            Confidence::Low
        } else if self.context(text, s, Detector::Email) {
            Confidence::High
        } else {
            Confidence::Medium
        };
        self.push(out, Detector::Email, s, e, c);
    }

    /// Reads the number starting at `i` and tries every numeric format;
    /// returns where scanning resumes.
    fn number(&self, text: &[u8], i: usize, out: &mut Vec<Hit>) -> usize {
        let paren = i > 0 && text[i - 1] == b'(';
        // `+61 …` as written, not `a+12345678` in code.
        let plus = i > 0
            && text[i - 1] == b'+'
            && (i == 1
                || matches!(
                    text[i - 2],
                    b' ' | b'\t' | b'\n' | b'(' | b'"' | b'\'' | b':' | b'<' | b'>' | b','
                ));
        let mut digits = [0u8; 20];
        let mut n = 0usize;
        let mut groups = [0u8; 8];
        let mut ng = 0usize;
        let mut sep: Option<u8> = None;
        let mut mixed = false;
        let mut j = i;
        let mut cur = 0u8;
        loop {
            match text.get(j) {
                Some(&c) if c.is_ascii_digit() => {
                    if n == digits.len() {
                        // Longer than any format: skip the whole run.
                        while j < text.len() && (text[j].is_ascii_digit()) {
                            j += 1;
                        }
                        return j;
                    }
                    digits[n] = c;
                    n += 1;
                    cur += 1;
                    j += 1;
                }
                Some(&c)
                    if (c == b' ' || c == b'-' || c == b'.' || (c == b')' && paren))
                        && text
                            .get(j + 1)
                            .is_some_and(|d| d.is_ascii_digit() || (c == b')' && *d == b' '))
                        && ng < groups.len() - 1 =>
                {
                    let step = if c == b')' && text.get(j + 1) == Some(&b' ') {
                        2
                    } else {
                        1
                    };
                    if !text.get(j + step).is_some_and(u8::is_ascii_digit) {
                        break;
                    }
                    let s = if c == b')' { b' ' } else { c };
                    if sep.is_some_and(|p| p != s) {
                        mixed = true;
                    }
                    sep = Some(s);
                    groups[ng] = cur;
                    ng += 1;
                    cur = 0;
                    j += step;
                }
                _ => break,
            }
        }
        groups[ng] = cur;
        ng += 1;
        let end = j;
        if text.get(end).is_some_and(|&c| is_word(c)) {
            return end;
        }
        let d = &digits[..n];
        let g = &groups[..ng];
        let start = if paren || plus { i - 1 } else { i };
        self.numeric(text, start, end, d, g, sep, mixed, plus, out);
        // NINO and IBAN start with letters before the digits.
        if n == 6 && g == [2, 2, 2] && sep == Some(b' ') && self.has(Detector::UkNino) {
            self.nino_spaced(text, i, end, out);
        }
        end
    }

    #[allow(clippy::too_many_arguments)]
    fn numeric(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        d: &[u8],
        g: &[u8],
        sep: Option<u8>,
        mixed: bool,
        plus: bool,
        out: &mut Vec<Hit>,
    ) {
        use Confidence::{High, Low, Medium};
        let n = d.len();
        let ctx = |det| self.context(text, start, det);
        let level = |confident: bool| if confident { Medium } else { Low };
        if plus {
            if (8..=15).contains(&n) && d[0] != b'0' && !mixed && sep != Some(b'.') {
                let c = if ctx(Detector::Phone) { High } else { Medium };
                self.push(out, Detector::Phone, start, end, c);
            }
            return;
        }
        if (13..=19).contains(&n) && !mixed && card_issuer(d) && validate::luhn(d) {
            let grouped_ok = g.len() == 1
                || g.iter().take(g.len() - 1).all(|&x| x == 4)
                || (n == 15 && g == [4, 6, 5]);
            if grouped_ok && sep != Some(b'.') {
                let c = if ctx(Detector::Card) { High } else { Medium };
                self.push(out, Detector::Card, start, end, c);
            }
        }
        if (n == 9 || n == 8)
            && validate::au_tfn(d)
            && (g.len() == 1 || g.iter().all(|&x| x == 3 || (n == 8 && x == 2)))
        {
            let c = if ctx(Detector::AuTfn) { High } else { Low };
            self.push(out, Detector::AuTfn, start, end, c);
        }
        if n == 9 && validate::us_ssn(d) {
            let dashed = g == [3, 2, 4] && sep == Some(b'-');
            let c = match (dashed, ctx(Detector::UsSsn)) {
                (_, true) => High,
                (true, false) => Medium,
                _ => Low,
            };
            if dashed || g.len() == 1 {
                self.push(out, Detector::UsSsn, start, end, c);
            }
        }
        if n == 9 && validate::au_acn(d) && (g.len() == 1 || g == [3, 3, 3]) {
            self.push(
                out,
                Detector::AuAcn,
                start,
                end,
                level(ctx(Detector::AuAcn)),
            );
        }
        if n == 11 && validate::au_abn(d) && (g.len() == 1 || g == [2, 3, 3, 3]) {
            self.push(
                out,
                Detector::AuAbn,
                start,
                end,
                level(ctx(Detector::AuAbn)),
            );
        }
        if (n == 10 || n == 11) && validate::au_medicare(d) {
            let c = if ctx(Detector::AuMedicare) { High } else { Low };
            self.push(out, Detector::AuMedicare, start, end, c);
        }
        // National phone forms: a trunk 0 and 10–11 digits (AU, UK), or the
        // North American 3-3-4 grouping; confident only next to a context word.
        let national = (d[0] == b'0' && (n == 10 || n == 11) && g.len() > 1)
            || (n == 10 && (g == [3, 3, 4]) && d[0] != b'0');
        if national && !mixed && sep != Some(b'.') {
            self.push(
                out,
                Detector::Phone,
                start,
                end,
                level(ctx(Detector::Phone)),
            );
        }
    }

    /// `AB 12 34 56 C`: the digits were read as a number starting at `i`.
    fn nino_spaced(&self, text: &[u8], i: usize, end: usize, out: &mut Vec<Hit>) {
        if i < 3 || text[i - 1] != b' ' {
            return;
        }
        let li = i - 3;
        if li > 0 && is_word(text[li - 1]) {
            return;
        }
        if text.get(end) != Some(&b' ') {
            return;
        }
        self.nino_at(text, li, text[li], text[li + 1], end + 1, out);
    }

    /// `AB123456C` starting at `s`.
    fn nino_compact(&self, text: &[u8], s: usize, out: &mut Vec<Hit>) {
        if !self.has(Detector::UkNino) || text.len() < s + 9 {
            return;
        }
        if !text[s + 2..s + 8].iter().all(u8::is_ascii_digit) {
            return;
        }
        self.nino_at(text, s, text[s], text[s + 1], s + 8, out);
    }

    fn nino_at(&self, text: &[u8], s: usize, a: u8, b: u8, k: usize, out: &mut Vec<Hit>) {
        let Some(&suffix) = text.get(k) else { return };
        if text.get(k + 1).is_some_and(|&c| is_word(c)) || !validate::uk_nino_letters(a, b, suffix)
        {
            return;
        }
        let c = if self.context(text, s, Detector::UkNino) {
            Confidence::High
        } else {
            Confidence::Medium
        };
        self.push(out, Detector::UkNino, s, k + 1, c);
    }

    /// An IBAN whose check digits start at `i` (the country code before it).
    fn iban(&self, text: &[u8], i: usize, out: &mut Vec<Hit>) {
        if !self.has(Detector::Iban) {
            return;
        }
        let s = i - 2;
        let mut compact = Vec::with_capacity(34);
        let mut j = s;
        let mut end = s;
        while j < text.len() && compact.len() < 34 {
            let c = text[j];
            if c.is_ascii_uppercase() || c.is_ascii_digit() {
                compact.push(c);
                j += 1;
                end = j;
            } else if c == b' '
                && text
                    .get(j + 1)
                    .is_some_and(|n| n.is_ascii_uppercase() || n.is_ascii_digit())
                && compact.len() % 4 == 0
            {
                j += 1;
            } else {
                break;
            }
        }
        if text.get(end).is_some_and(|&c| is_word(c)) {
            return;
        }
        if validate::iban(&compact) {
            let c = if self.context(text, s, Detector::Iban) {
                Confidence::High
            } else {
                Confidence::Medium
            };
            self.push(out, Detector::Iban, s, end, c);
        }
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Issuer prefixes and lengths: Visa 4 (13, 16, 19), Mastercard 51–55 and
/// 2221–2720 (16), Amex 34/37 (15), Discover 6011/65/644–649 (16–19), JCB
/// 3528–3589 (16–19), Diners 36/300–305 (14–16), UnionPay 62 (16–19).
fn card_issuer(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| -> u32 {
        d[..k]
            .iter()
            .fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'))
    };
    match d[0] {
        b'4' => n == 13 || n == 16 || n == 19,
        b'5' => (51..=55).contains(&p(2)) && n == 16,
        b'2' => (2221..=2720).contains(&p(4)) && n == 16,
        b'3' => {
            (matches!(p(2), 34 | 37) && n == 15)
                || ((3528..=3589).contains(&p(4)) && (16..=19).contains(&n))
                || ((p(2) == 36 || (300..=305).contains(&p(3))) && (14..=16).contains(&n))
        }
        b'6' => {
            (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)) || p(2) == 62)
                && (16..=19).contains(&n)
        }
        _ => false,
    }
}

/// The largest char boundary at or below `i` (so a window never splits a
/// UTF-8 sequence; for bytes it only matters when lower-casing).
fn floor_char(text: &[u8], mut i: usize) -> usize {
    while i > 0 && i < text.len() && (text[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}
