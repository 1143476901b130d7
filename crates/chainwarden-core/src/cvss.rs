//! CVSS vectors to a qualitative severity.
//!
//! - v3.0/v3.1: the v3.1 base score formula (spec §7.1, with the §Appendix A
//!   `Roundup`), then the spec's qualitative scale.
//! - v2: the v2 base score formula, NVD's Low/Medium/High scale.
//! - v4.0: a documented *conservative approximation*, not the spec's
//!   macro-vector score (which needs FIRST's 270-entry lookup table and its
//!   interpolation): see [`v4_severity`]. It may rate one band higher than
//!   the official calculator, never lower for the cases listed there.

use crate::Severity;
use std::collections::HashMap;

/// The qualitative severity of a CVSS vector of any supported version.
pub fn severity(vector: &str) -> Option<Severity> {
    let v = vector.trim();
    if v.starts_with("CVSS:3.") {
        v3_score(v).map(v3_qualitative)
    } else if v.starts_with("CVSS:4.") {
        v4_severity(v)
    } else {
        v2_score(v).map(|s| {
            if s >= 7.0 {
                Severity::High
            } else if s >= 4.0 {
                Severity::Medium
            } else {
                Severity::Low
            }
        })
    }
}

fn metrics(vector: &str) -> HashMap<&str, &str> {
    vector
        .split('/')
        .filter_map(|part| part.split_once(':'))
        .filter(|(k, _)| *k != "CVSS")
        .collect()
}

/// The base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector, or `None` when
/// the vector is another version or malformed (a base metric missing,
/// repeated or out of its value set). Temporal and environmental metrics
/// may follow and are ignored: this is the base score.
pub fn v3_score(vector: &str) -> Option<f64> {
    let mut parts = vector.split('/');
    let v31 = match parts.next()? {
        "CVSS:3.1" => true,
        "CVSS:3.0" => false,
        _ => return None,
    };
    let mut m: [Option<&str>; 8] = [None; 8];
    const KEYS: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
    for part in parts {
        let (key, value) = part.split_once(':')?;
        if let Some(i) = KEYS.iter().position(|k| *k == key) {
            let slot = m.get_mut(i)?;
            if slot.is_some() {
                return None;
            }
            *slot = Some(value);
        }
    }
    let [av, ac, pr, ui, s, c, i, a] = m;
    let changed = match s? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match av? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match ac? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (pr?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match ui? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |x: Option<&str>| match x? {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    };
    let (c, i, a) = (cia(c)?, cia(i)?, cia(a)?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02_f64).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0.0);
    }
    let raw = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Some(if v31 {
        roundup_v31(raw)
    } else {
        roundup_v30(raw)
    })
}

/// CVSS 3.1 appendix A: round up to one decimal, robust to float error.
fn roundup_v31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// CVSS 3.0: the smallest number of one decimal not below `x`.
fn roundup_v30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

fn v3_qualitative(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// CVSS v2 base score (`AV:N/AC:L/Au:N/C:P/I:P/A:P`).
pub fn v2_score(vector: &str) -> Option<f64> {
    let m = metrics(vector);
    let av = match *m.get("AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match *m.get("AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match *m.get("Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match *m.get(k)? {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        }
    };
    let impact = 10.41 * (1.0 - (1.0 - cia("C")?) * (1.0 - cia("I")?) * (1.0 - cia("A")?));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((score * 10.0).round() / 10.0)
}

/// CVSS v4.0, conservative approximation (documented; not the official score):
///
/// - no impact on the vulnerable or subsequent system → `Info`;
/// - `SI:S`/`SA:S` (safety impact) → `Critical`;
/// - a High impact on the vulnerable system (`VC/VI/VA:H`): `Critical` when
///   reachable over the network without privileges or user interaction
///   (`AV:N/PR:N/UI:N`, any `AC`/`AT`), else `High`;
/// - only subsequent-system High impact (`SC/SI/SA:H`): `High` over the
///   network, else `Medium`;
/// - only Low impacts: `Medium` over the network without privileges, else `Low`.
///
/// The official macro-vector scores of these classes sit at or below these bands.
pub fn v4_severity(vector: &str) -> Option<Severity> {
    let m = metrics(vector);
    for k in [
        "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
    ] {
        m.get(k)?;
    }
    let get = |k: &str| m.get(k).copied().unwrap_or("N");
    let vuln = [get("VC"), get("VI"), get("VA")];
    let sub = [get("SC"), get("SI"), get("SA")];
    if vuln.iter().chain(sub.iter()).all(|v| *v == "N") {
        return Some(Severity::Info);
    }
    if get("SI") == "S" || get("SA") == "S" {
        return Some(Severity::Critical);
    }
    let network = get("AV") == "N";
    let open = network && get("PR") == "N";
    if vuln.contains(&"H") {
        return Some(if open && get("UI") == "N" {
            Severity::Critical
        } else {
            Severity::High
        });
    }
    if sub.contains(&"H") {
        return Some(if network {
            Severity::High
        } else {
            Severity::Medium
        });
    }
    Some(if open {
        Severity::Medium
    } else {
        Severity::Low
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v31_scores_match_the_spec_calculator() {
        // Values from the FIRST CVSS v3.1 calculator.
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        ];
        for (v, want) in cases {
            assert_eq!(v3_score(v), Some(want), "{v}");
        }
        assert_eq!(
            severity("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(Severity::Critical)
        );
        assert_eq!(
            severity("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn roundup_avoids_float_artefacts() {
        assert_eq!(roundup_v31(4.000_000_01), 4.0);
        assert_eq!(roundup_v31(4.02), 4.1);
    }

    #[test]
    fn v2_scores() {
        assert_eq!(v2_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
        assert_eq!(v2_score("AV:N/AC:M/Au:N/C:N/I:P/A:N"), Some(4.3));
        assert_eq!(severity("AV:N/AC:L/Au:N/C:C/I:C/A:C"), Some(Severity::High));
    }

    #[test]
    fn v4_conservative_bands() {
        let crit = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        assert_eq!(severity(crit), Some(Severity::Critical));
        let local = "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N";
        assert_eq!(severity(local), Some(Severity::High));
        let low = "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N";
        assert_eq!(severity(low), Some(Severity::Low));
        assert_eq!(severity("CVSS:4.0/AV:N"), None, "incomplete vector");
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(severity("CVSS:3.1/AV:X/AC:L"), None);
        assert_eq!(severity(""), None);
    }

    #[test]
    fn known_scores() {
        for (vector, score) in [
            // Log4Shell, CVE-2021-44228.
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8),
            // Heartbleed, CVE-2014-0160.
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
            // Typical reflected XSS.
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            // Temporal metrics after the base ones are ignored.
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
        ] {
            assert_eq!(v3_score(vector), Some(score), "{vector}");
        }
    }

    #[test]
    fn malformed_and_other_versions_have_no_score() {
        for vector in [
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "AV:N/AC:L/Au:N/C:P/I:P/A:P",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/junk",
            "",
        ] {
            assert_eq!(v3_score(vector), None, "{vector}");
        }
    }
}
