//! CVSS vectors to a qualitative severity.
//!
//! - v3.0/v3.1: the v3.1 base score formula (spec §7.1, with the §Appendix A
//!   `Roundup`), then the spec's qualitative scale.
//! - v2: the v2 base score formula, NVD's Low/Medium/High scale.
//! - v4.0: a documented *conservative approximation*, not the spec's
//!   macro-vector score (which needs FIRST's 270-entry lookup table and its
//!   interpolation): see [`v4_severity`]. It may rate one band higher than
//!   the official calculator, never lower for the cases listed there.

use chainwarden_core::Severity;
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

/// CVSS v3.x base score, or `None` when a base metric is missing or invalid.
pub fn v3_score(vector: &str) -> Option<f64> {
    let m = metrics(vector);
    let changed = match *m.get("S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match *m.get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match *m.get("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (*m.get("PR")?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match *m.get("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match *m.get(k)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        }
    };
    let iss = 1.0 - (1.0 - cia("C")?) * (1.0 - cia("I")?) * (1.0 - cia("A")?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
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
    Some(roundup(raw))
}

/// CVSS v3.1 Appendix A `Roundup`: smallest one-decimal number >= input,
/// computed on integers to avoid floating-point artefacts.
fn roundup(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
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
        assert_eq!(roundup(4.000_000_01), 4.0);
        assert_eq!(roundup(4.02), 4.1);
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
}
