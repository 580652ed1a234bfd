//! Scores, grades and the capability evaluation's periods (seed 004 8.2, 9.1; DESIGN I-3,
//! I-18 and its edges): the grade follows the score on half-open bands, is valid until
//! confirmation + 5 years − 1 day, and a new application is possible 2 years after the
//! previous one.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use tianping_calc::calendar::add_months;

/// A score on the standard's 100-point scale (7.1), 0 to 100 inclusive. A file with another
/// number cannot be read (it is no score), so a score in an event is always on the scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    pub fn new(x: f64) -> Result<Score, String> {
        if x.is_finite() && (0.0..=100.0).contains(&x) {
            Ok(Score(x))
        } else {
            Err(format!(
                "得分 score 应为 0 到 100 之间的数（总分100分，7.1），而不是 {x}"
            ))
        }
    }

    pub fn value(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = String;
    fn try_from(x: f64) -> Result<Score, String> {
        Score::new(x)
    }
}

impl From<Score> for f64 {
    fn from(s: Score) -> f64 {
        s.0
    }
}

/// The grades of 8.2, written as the scheme's codes (`"一级"`, `"二级"`, `"三级"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Grade {
    #[serde(rename = "一级")]
    First,
    #[serde(rename = "二级")]
    Second,
    #[serde(rename = "三级")]
    Third,
}

impl Grade {
    /// The scheme's code (`t-cic-capability`), also its name.
    pub fn code(self) -> &'static str {
        match self {
            Grade::First => "一级",
            Grade::Second => "二级",
            Grade::Third => "三级",
        }
    }

    /// 1 for the highest grade, 3 for the lowest.
    pub fn rank(self) -> u8 {
        match self {
            Grade::First => 1,
            Grade::Second => 2,
            Grade::Third => 3,
        }
    }

    /// The band in words, as I-3 reads 8.2.
    pub fn band(self) -> &'static str {
        match self {
            Grade::First => "[85, 100]",
            Grade::Second => "[70, 85)",
            Grade::Third => "[60, 70)",
        }
    }
}

/// The score settled to 9 decimals, so that float noise never crosses a band's edge (as the
/// scoring engine does).
fn settle(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// The grade a score gives (8.2, I-3): 一级 [85, 100], 二级 [70, 85), 三级 [60, 70); below 60
/// a score and no grade.
pub fn grade_for(score: Score) -> Option<Grade> {
    let s = settle(score.value());
    if s >= 85.0 {
        Some(Grade::First)
    } else if s >= 70.0 {
        Some(Grade::Second)
    } else if s >= 60.0 {
        Some(Grade::Third)
    } else {
        None
    }
}

/// The last day a grade confirmed on `confirmed` is valid: confirmation + 5 years − 1 day
/// (9.1, I-18 edges). When the anniversary does not exist (confirmed on 29 February), the
/// period ends on the last day of February (Civil Code art. 202), as a certificate's does.
pub fn valid_until(confirmed: NaiveDate) -> Option<NaiveDate> {
    let anniversary = add_months(confirmed, 60).ok()?;
    if anniversary.day() != confirmed.day() {
        return Some(anniversary);
    }
    anniversary.pred_opt()
}

/// The first day a new application is possible after one of `previous` (9.1, I-18 edges):
/// that date + 2 years (29 February + 2 years is 28 February, months clamped as everywhere).
pub fn first_reapplication(previous: NaiveDate) -> Option<NaiveDate> {
    add_months(previous, 24).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: f64) -> Score {
        Score::new(x).unwrap()
    }

    fn d(x: &str) -> NaiveDate {
        x.parse().unwrap()
    }

    #[test]
    fn bands_are_half_open() {
        assert_eq!(grade_for(s(100.0)), Some(Grade::First));
        assert_eq!(grade_for(s(85.0)), Some(Grade::First));
        assert_eq!(grade_for(s(84.999)), Some(Grade::Second));
        assert_eq!(grade_for(s(70.0)), Some(Grade::Second));
        assert_eq!(grade_for(s(69.99)), Some(Grade::Third));
        assert_eq!(grade_for(s(60.0)), Some(Grade::Third));
        assert_eq!(grade_for(s(59.999)), None);
        assert_eq!(grade_for(s(0.0)), None);
        // float noise does not cross an edge
        assert_eq!(grade_for(s(0.1 + 0.2 + 84.7)), Some(Grade::First));
    }

    #[test]
    fn a_score_is_on_the_scale() {
        assert!(Score::new(-0.5).is_err());
        assert!(Score::new(100.01).is_err());
        assert!(Score::new(f64::NAN).is_err());
        assert!(Score::new(f64::INFINITY).is_err());
        let e = serde_json::from_str::<Score>("101").unwrap_err();
        assert!(e.to_string().contains("0 到 100"), "{e}");
    }

    #[test]
    fn validity_is_five_years_less_a_day() {
        assert_eq!(valid_until(d("2026-11-16")), Some(d("2031-11-15")));
        assert_eq!(valid_until(d("2027-01-01")), Some(d("2031-12-31")));
        // 1 March 2027 + 5 years is 1 March 2032, a leap year: valid through 29 February
        assert_eq!(valid_until(d("2027-03-01")), Some(d("2032-02-29")));
        // confirmed on 29 February 2028: 2033 has none, the period ends on 28 February
        assert_eq!(valid_until(d("2028-02-29")), Some(d("2033-02-28")));
        assert_eq!(valid_until(d("2028-02-28")), Some(d("2033-02-27")));
    }

    #[test]
    fn reapplication_two_years_on() {
        assert_eq!(first_reapplication(d("2026-03-02")), Some(d("2028-03-02")));
        assert_eq!(first_reapplication(d("2028-02-29")), Some(d("2030-02-28")));
    }
}
