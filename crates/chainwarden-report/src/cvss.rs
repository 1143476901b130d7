//! CVSS in CycloneDX terms. Scores come from `chainwarden_core::cvss`
//! (v3.0/v3.1 base scores per the FIRST specifications).

pub(crate) use chainwarden_core::cvss::v3_score as base_score_v3;

/// The qualitative rating of a CVSS v3 score (CycloneDX severity names).
pub(crate) fn rating(score: f64) -> &'static str {
    if score == 0.0 {
        "none"
    } else if score < 4.0 {
        "low"
    } else if score < 7.0 {
        "medium"
    } else if score < 9.0 {
        "high"
    } else {
        "critical"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings() {
        assert_eq!(rating(0.0), "none");
        assert_eq!(rating(3.9), "low");
        assert_eq!(rating(4.0), "medium");
        assert_eq!(rating(8.8), "high");
        assert_eq!(rating(9.0), "critical");
    }
}
