//! RFC 3339 date-times, normalised to UTC whole seconds.
//!
//! SPDX 2.3 requires `YYYY-MM-DDThh:mm:ssZ` exactly (no fraction, no offset)
//! and every other format accepts it, so all reports write that one form.
//! Hand-written: one function does not justify a date crate in the tree.

/// Parses an RFC 3339 date-time (`2026-03-24T12:52:00.5+02:00`) and returns
/// it in UTC whole seconds (`2026-03-24T10:52:00Z`). A fraction is dropped, a
/// leap second (`:60`) becomes `:59`. `None` when `s` is not RFC 3339.
pub fn normalize_rfc3339(s: &str) -> Option<String> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let at = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if at(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_minutes = if at(i, b"Zz") && b.len() == i + 1 {
        0
    } else if at(i, b"+-") && b.len() == i + 6 && at(i + 3, b":") {
        let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
        if oh > 23 || om > 59 {
            return None;
        }
        let sign = if at(i, b"-") { -1 } else { 1 };
        sign * (oh * 60 + om)
    } else {
        return None;
    };
    let local =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second.min(59);
    let utc = local - offset_minutes * 60;
    let (days, secs) = (utc.div_euclid(86_400), utc.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    ))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_forms_pass_through() {
        let n = |s| normalize_rfc3339(s);
        assert_eq!(
            n("2026-03-24T10:52:00Z").as_deref(),
            Some("2026-03-24T10:52:00Z")
        );
        assert_eq!(
            n("2026-03-24t10:52:00.123456z").as_deref(),
            Some("2026-03-24T10:52:00Z")
        );
        assert_eq!(
            n("2026-03-24 10:52:00Z").as_deref(),
            Some("2026-03-24T10:52:00Z")
        );
    }

    #[test]
    fn offsets_convert_across_days_months_and_leap_years() {
        let n = |s| normalize_rfc3339(s);
        assert_eq!(
            n("2026-03-24T12:52:00+02:00").as_deref(),
            Some("2026-03-24T10:52:00Z")
        );
        assert_eq!(
            n("2025-12-31T23:30:00-01:00").as_deref(),
            Some("2026-01-01T00:30:00Z")
        );
        assert_eq!(
            n("2024-03-01T00:15:00+00:30").as_deref(),
            Some("2024-02-29T23:45:00Z")
        );
        assert_eq!(
            n("1990-12-31T23:59:60Z").as_deref(),
            Some("1990-12-31T23:59:59Z")
        );
    }

    #[test]
    fn rejects_what_rfc3339_rejects() {
        for bad in [
            "",
            "2026-03-24",
            "2026-03-24T10:52Z",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-03-24T24:00:00Z",
            "2026-03-24T10:52:00",
            "2026-03-24T10:52:00.Z",
            "2026-03-24T10:52:00+0200",
            "2026-03-24T10:52:00Zjunk",
            "２026-03-24T10:52:00Z",
            "yesterday",
        ] {
            assert_eq!(normalize_rfc3339(bad), None, "{bad:?}");
        }
    }
}
