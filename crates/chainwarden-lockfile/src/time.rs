//! Upload times as lockfiles write them (`2024-05-29T15:37:49.536Z`, TOML
//! datetimes such as `2025-01-25T11:30:10.164985+00:00`), normalised to
//! RFC 3339 in UTC so that a cooldown policy can compare them as text or
//! parse them with any RFC 3339 parser.

/// A point in time: seconds since 1970-01-01T00:00:00Z and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Utc {
    secs: i64,
    nanos: u32,
}

impl Utc {
    /// Renders as `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the fraction without
    /// trailing zeros.
    pub(crate) fn to_rfc3339(self) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut out = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 3339 date-time (also accepting a space for `T`, a missing
/// seconds field as TOML 1.1 allows, and a missing offset, read as UTC as
/// lockfiles mean it). Returns `None` for anything else.
pub(crate) fn parse_rfc3339(s: &str) -> Option<Utc> {
    let s = s.trim();
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let sep = rest.chars().next()?;
    if !matches!(sep, 'T' | 't' | ' ') {
        return None;
    }
    let rest = rest.get(1..)?;
    let mut dp = date.split('-');
    let (y, mo, d) = (
        digits(dp.next()?)?,
        digits(dp.next()?)?,
        digits(dp.next()?)?,
    );
    if dp.next().is_some() || !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    // Split the offset off the time.
    let (time, offset_secs) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (t, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        let (oh, om) = (digits(oh)?, digits(om)?);
        if oh > 23 || om > 59 {
            return None;
        }
        (t, sign * (oh * 3600 + om * 60))
    } else {
        (rest, 0)
    };
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (time, None),
    };
    let mut tp = hms.split(':');
    let h = digits(tp.next()?)?;
    let mi = digits(tp.next()?)?;
    let sec = match tp.next() {
        Some(x) => digits(x)?,
        None => 0,
    };
    if tp.next().is_some() || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<9}").parse::<u32>().ok()?
        }
        Some(_) => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_secs;
    Some(Utc { secs, nanos })
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

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
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
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<String> {
        parse_rfc3339(s).map(Utc::to_rfc3339)
    }

    #[test]
    fn normalises_to_utc() {
        assert_eq!(
            norm("2024-05-29T15:37:49.536Z").unwrap(),
            "2024-05-29T15:37:49.536Z"
        );
        assert_eq!(
            norm("2025-01-25T11:30:10.164985+00:00").unwrap(),
            "2025-01-25T11:30:10.164985Z"
        );
        assert_eq!(
            norm("2024-03-01T01:30:00+02:00").unwrap(),
            "2024-02-29T23:30:00Z"
        );
        assert_eq!(
            norm("1969-12-31 23:59:59-00:01").unwrap(),
            "1970-01-01T00:00:59Z"
        );
        assert_eq!(norm("2024-09-15T18:07").unwrap(), "2024-09-15T18:07:00Z");
        assert_eq!(
            norm("2024-09-15T18:07:39.100000000Z").unwrap(),
            "2024-09-15T18:07:39.1Z"
        );
    }

    #[test]
    fn rejects_what_is_not_a_datetime() {
        for bad in [
            "",
            "2024-05-29",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-29T24:00:00Z",
            "2024-05-29T15:37:49.Z",
            "2024-05-29T15:37:49.1234567890Z",
            "2024-05-29T15:37:49+2:00x",
            "２024-05-29T15:37:49Z",
            "2024-05-29X15:37:49Z",
            "2024-05-29T15:3a:49Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_across_offsets() {
        let a = parse_rfc3339("2024-05-29T17:00:00+02:00").unwrap();
        let b = parse_rfc3339("2024-05-29T15:00:00.5Z").unwrap();
        assert!(a < b);
    }
}
