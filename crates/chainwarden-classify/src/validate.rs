//! Offline checks: checksums and randomness. Nothing here touches the network.

use base64::Engine as _;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub (2021) and npm (2021) tokens: `prefix_` + 30 random base62
/// characters + CRC32 of those 30 in base62, zero-padded to 6.
pub(crate) fn github_crc32(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    let mut n = crc32fast::hash(random) as u64;
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    n == 0 && enc == check
}

/// A JWT: the header is base64url JSON with an `alg` member.
pub(crate) fn jwt(token: &[u8]) -> bool {
    let Some(header) = token.split(|&b| b == b'.').next() else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&decoded)
        .ok()
        .and_then(|v| v.get("alg").map(|a| a.is_string()))
        .unwrap_or(false)
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Looks like a random credential rather than a word, an identifier or a
/// placeholder: at least two of lower/upper/digit, no run of 5 identical
/// characters, entropy of at least 3 bits per character.
pub(crate) fn looks_random(s: &[u8]) -> bool {
    let lower = s.iter().any(u8::is_ascii_lowercase);
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let digit = s.iter().any(u8::is_ascii_digit);
    let classes = usize::from(lower) + usize::from(upper) + usize::from(digit);
    let run = s.windows(5).any(|w| w.iter().all(|&b| b == w[0]));
    classes >= 2 && !run && entropy(s) >= 3.0
}

/// A value assigned to a secret-named variable that looks like a real
/// secret: random-looking, with a digit and a letter, and neither a dotted or
/// snake_case identifier nor a CONSTANT_NAME.
pub(crate) fn secret_value(s: &[u8]) -> bool {
    let has_digit = s.iter().any(u8::is_ascii_digit);
    let has_alpha = s.iter().any(u8::is_ascii_alphabetic);
    let separated = s.iter().any(|&c| matches!(c, b'_' | b'.' | b'-'));
    let lower_words = s
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b'-'));
    let constant = s
        .iter()
        .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    let dotted_identifier = s.contains(&b'.')
        && s.split(|&c| c == b'.')
            .all(|seg| seg.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_'))
        && s.split(|&c| c == b'.')
            .any(|seg| seg.len() > 2 && seg.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_'));
    has_digit
        && has_alpha
        && !(separated && (lower_words || constant))
        && !dotted_identifier
        && looks_random(s)
}

/// Luhn (ISO/IEC 7812) over ASCII digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn weighted(digits: &[u8], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d - b'0') * w)
        .sum()
}

/// Australian TFN: 9 digits (weights 1 4 3 7 5 8 6 9 10) or the older 8
/// (10 7 8 4 6 3 5 1), sum divisible by 11.
pub(crate) fn au_tfn(d: &[u8]) -> bool {
    match d.len() {
        9 => weighted(d, &[1, 4, 3, 7, 5, 8, 6, 9, 10]).is_multiple_of(11),
        8 => weighted(d, &[10, 7, 8, 4, 6, 3, 5, 1]).is_multiple_of(11),
        _ => false,
    }
}

/// Australian ABN: subtract 1 from the first digit, weights 10 1 3 … 19, mod 89.
pub(crate) fn au_abn(d: &[u8]) -> bool {
    if d.len() != 11 || d[0] == b'0' {
        return false;
    }
    let w = [10u32, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let first = u32::from(d[0] - b'0') - 1;
    let rest: u32 = weighted(&d[1..], &w[1..]);
    (first * w[0] + rest).is_multiple_of(89)
}

/// Australian ACN: weights 8 … 1 on the first 8, complement of the sum mod 10.
pub(crate) fn au_acn(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let s = weighted(&d[..8], &[8, 7, 6, 5, 4, 3, 2, 1]);
    (10 - s % 10) % 10 == u32::from(d[8] - b'0')
}

/// Australian Medicare: first digit 2–6, weights 1 3 7 9 1 3 7 9 on the first
/// 8, mod 10 equals the 9th; the 10th is the issue number (not 0), an 11th the
/// individual reference.
pub(crate) fn au_medicare(d: &[u8]) -> bool {
    if !(d.len() == 10 || d.len() == 11) || !(b'2'..=b'6').contains(&d[0]) || d[9] == b'0' {
        return false;
    }
    weighted(&d[..8], &[1, 3, 7, 9, 1, 3, 7, 9]) % 10 == u32::from(d[8] - b'0')
}

/// US SSN ranges: area not 000, 666 or 900–999; group not 00; serial not
/// 0000; not one of the numbers published as samples (123-45-6789 in forms,
/// 078-05-1120 from a wallet insert, 219-09-9999 from an SSA pamphlet).
pub(crate) fn us_ssn(d: &[u8]) -> bool {
    if d.len() != 9 || matches!(d, b"123456789" | b"078051120" | b"219099999") {
        return false;
    }
    let area = &d[..3];
    area != b"000" && area != b"666" && area[0] != b'9' && &d[3..5] != b"00" && &d[5..] != b"0000"
}

/// UK NINO letters: neither D, F, I, Q, U nor V; the second not O; the pairs
/// BG, GB, KN, NK, NT, TN and ZZ are never issued; suffix A–D.
pub(crate) fn uk_nino_letters(a: u8, b: u8, suffix: u8) -> bool {
    let bad = |c: u8| matches!(c, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    let pair = [a, b];
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad(a)
        && !bad(b)
        && b != b'O'
        && !matches!(&pair, b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ")
        && (b'A'..=b'D').contains(&suffix)
}

/// IBAN lengths by country (ISO 13616 registry); a code not listed is not an IBAN.
fn iban_length(cc: &[u8]) -> Option<usize> {
    Some(match cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AZ" => 28,
        b"BA" => 20,
        b"BH" => 22,
        b"BR" => 29,
        b"CR" => 22,
        b"DO" => 28,
        b"EG" => 29,
        b"GE" => 22,
        b"GI" => 23,
        b"GT" => 28,
        b"IL" => 23,
        b"IS" => 26,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MR" => 27,
        b"MU" => 30,
        b"PK" => 24,
        b"PS" => 29,
        b"QA" => 29,
        b"RS" => 22,
        b"SA" => 24,
        b"SM" => 27,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VA" => 22,
        b"VG" => 24,
        b"XK" => 20,
        b"AT" => 20,
        b"BE" => 16,
        b"CH" | b"LI" => 21,
        b"CY" => 28,
        b"CZ" | b"ES" | b"SE" | b"SK" => 24,
        b"DE" | b"GB" | b"IE" => 22,
        b"DK" | b"FI" | b"FO" | b"GL" | b"NL" => 18,
        b"FR" | b"GR" | b"IT" | b"MC" => 27,
        b"HR" | b"LV" => 21,
        b"HU" | b"PL" => 28,
        b"LU" => 20,
        b"NO" => 15,
        b"PT" => 25,
        b"SI" => 19,
        b"BG" | b"RO" => 24,
        b"EE" => 20,
        b"LT" => 20,
        b"MT" => 31,
        _ => return None,
    })
}

/// IBAN (ISO 13616): country code, two check digits, BBAN; mod 97 = 1.
pub(crate) fn iban(s: &[u8]) -> bool {
    if s.len() < 15 || s.len() > 34 || !s[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    if iban_length(&s[..2]) != Some(s.len()) {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in s[4..].iter().chain(&s[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert!(github_crc32(b"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"));
        assert!(!github_crc32(b"ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IM"));
        assert!(github_crc32(b"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"));
        assert!(luhn(b"4111111111111111") && !luhn(b"4111111111111112"));
        assert!(au_tfn(b"123456782") && !au_tfn(b"123456789"));
        assert!(au_tfn(b"38593474"));
        assert!(au_abn(b"51824753556") && !au_abn(b"51824753557"));
        assert!(au_acn(b"004085616") && au_acn(b"000000019") && !au_acn(b"004085617"));
        assert!(au_medicare(b"2123456701") && !au_medicare(b"2123456711"));
        assert!(
            us_ssn(b"512438891")
                && !us_ssn(b"123456789")
                && !us_ssn(b"666456789")
                && !us_ssn(b"123006789")
        );
        assert!(uk_nino_letters(b'A', b'B', b'C') && !uk_nino_letters(b'Q', b'Q', b'C'));
        assert!(iban(b"GB82WEST12345698765432") && !iban(b"GB82WEST12345698765433"));
        assert!(iban(b"DE89370400440532013000"));
        assert!(jwt(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.x"));
        assert!(!jwt(b"eyJub3QiOiJqd3QifQ.e30.x"));
        assert!(looks_random(b"Zt9Xw2Lp8Vb7Nc1Rt6Yw"));
        assert!(!looks_random(b"bearer_access_token"));
        assert!(!looks_random(b"xxxxxxxxxxxxxxxx"));
    }
}
