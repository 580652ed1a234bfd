//! Whether a stored result still stands (issue 14, `tianping regrade`): the stored figures
//! against the ones scored again from the same answers under the current scheme and engine.
//! Pure: the caller scores; this decides and says why in words.

use crate::model::fmt_num;

/// What a result stores beside its explanation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures<'a> {
    pub score: Option<f64>,
    pub grade: Option<&'a str>,
    pub stars: Option<i64>,
    pub scheme_version: Option<&'a str>,
    pub engine_version: Option<&'a str>,
}

/// Scores closer than this are the same score (the fast path sums in another order than
/// the full one; stored scores carry six decimals).
pub const SCORE_TOLERANCE: f64 = 1e-6;

/// Why a stored result no longer stands, in Chinese, one line per difference; empty when
/// it stands.
pub fn differences(stored: &Figures, fresh: &Figures) -> Vec<String> {
    let mut out = Vec::new();
    let none = "无";
    if stored.scheme_version != fresh.scheme_version {
        out.push(format!(
            "方案版本已变：存储 {}，当前 {}",
            stored.scheme_version.unwrap_or(none),
            fresh.scheme_version.unwrap_or(none)
        ));
    }
    if stored.engine_version != fresh.engine_version {
        out.push(format!(
            "引擎版本不同：存储 {}，当前 {}",
            stored.engine_version.unwrap_or(none),
            fresh.engine_version.unwrap_or(none)
        ));
    }
    let same_score = match (stored.score, fresh.score) {
        (Some(a), Some(b)) => (a - b).abs() < SCORE_TOLERANCE,
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same_score {
        let f = |x: Option<f64>| x.map(fmt_num).unwrap_or_else(|| none.into());
        out.push(format!(
            "得分不同：存储 {}，重算 {}",
            f(stored.score),
            f(fresh.score)
        ));
    }
    if stored.grade != fresh.grade {
        out.push(format!(
            "等级不同：存储 {}，重算 {}",
            stored.grade.unwrap_or(none),
            fresh.grade.unwrap_or(none)
        ));
    }
    if stored.stars != fresh.stars {
        let f = |x: Option<i64>| x.map(|s| format!("{s} 星")).unwrap_or_else(|| none.into());
        out.push(format!(
            "星级不同：存储 {}，重算 {}",
            f(stored.stars),
            f(fresh.stars)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(score: f64, grade: Option<&'static str>) -> Figures<'static> {
        Figures {
            score: Some(score),
            grade,
            stars: None,
            scheme_version: Some("v1"),
            engine_version: Some("e1"),
        }
    }

    #[test]
    fn the_same_figures_stand_and_each_change_is_named() {
        assert!(differences(&fig(81.5, Some("A")), &fig(81.5 + 1e-9, Some("A"))).is_empty());
        let d = differences(&fig(81.5, Some("A")), &fig(79.0, Some("B")));
        assert_eq!(
            d,
            vec!["得分不同：存储 81.5，重算 79", "等级不同：存储 A，重算 B"]
        );
        let mut newer = fig(81.5, Some("A"));
        newer.scheme_version = Some("v2");
        newer.stars = Some(3);
        let d = differences(&fig(81.5, Some("A")), &newer);
        assert_eq!(
            d,
            vec![
                "方案版本已变：存储 v1，当前 v2",
                "星级不同：存储 无，重算 3 星"
            ]
        );
    }
}
