//! The events of a star-rating case (DESIGN I-19, seed 000 §6, §8), as written in JSON Lines:
//! `{"type": "star_awarded", "date": "2026-03-02", "stars": 1, "by": "dec"}`.
//!
//! Beyond I-19, optional fields a body needs: `dimension_stars` on `star_awarded` (the
//! single-dimension stars issued, dimension → stars, §6.2), `spot_check` and `by` on
//! `supervision_completed` (an unscheduled spot check, §8, which may found a lowering but is
//! not the yearly supervision), `reason` on `star_lowered` and `blacklist_lifted`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One dated event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The real-world day of the act.
    pub date: NaiveDate,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl crate::jsonl::EventLine for Event {
    const TYPES: &'static [&'static str] = EventKind::TYPES;
}

/// A number of stars, 0 to 5 (0: none). Any other number is refused when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct StarCount(u8);

impl StarCount {
    pub const MAX: u8 = 5;

    pub fn new(n: u8) -> Option<StarCount> {
        (n <= Self::MAX).then_some(StarCount(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for StarCount {
    type Error = String;

    fn try_from(n: u8) -> Result<StarCount, String> {
        StarCount::new(n)
            .ok_or_else(|| format!("星级 {n} 无效：应为 0 到 5 的整数（0 表示无星级）"))
    }
}

impl From<StarCount> for u8 {
    fn from(s: StarCount) -> u8 {
        s.0
    }
}

/// Stars in words: 0 → 无星级, 3 → 三星级.
pub fn star_word(n: u8) -> &'static str {
    match n {
        0 => "无星级",
        1 => "一星级",
        2 => "二星级",
        3 => "三星级",
        4 => "四星级",
        5 => "五星级",
        _ => "星级无效",
    }
}

/// Single-dimension stars, by dimension name as the result names them (§6.2, 表1).
pub type DimensionStars = BTreeMap<String, StarCount>;

/// How an evaluation was made (§6.1): the enterprise's online self-evaluation, or the
/// third-party body's on-site audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Online,
    Onsite,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Online => "online",
            Mode::Onsite => "onsite",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Mode::Online => "线上自评",
            Mode::Onsite => "现场实地审查",
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The event types of I-19 with their fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The enterprise applies for a comprehensive star rating: by online self-evaluation, or
    /// with the third-party body's on-site audit as well (§6.1). A new application replaces
    /// one still undecided.
    StarApplied { mode: Mode },
    /// What an evaluation of the current application supports (I-5): a fact, never a
    /// violation. An on-site result may give the single-dimension stars (表1).
    StarResult {
        mode: Mode,
        stars: StarCount,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dimension_stars: Option<DimensionStars>,
    },
    /// The body awards stars on the current application's results, deciding it.
    StarAwarded {
        stars: StarCount,
        by: String,
        /// Single-dimension stars issued with the award (on-site only, §6.2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dimension_stars: Option<DimensionStars>,
    },
    /// A supervision (§8) and the stars its result supports. A `spot_check` (不定期的抽查验证)
    /// may found a lowering but does not count as the yearly supervision.
    SupervisionCompleted {
        stars: StarCount,
        #[serde(default, skip_serializing_if = "is_false")]
        spot_check: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
    },
    /// The body lowers the stars to what the latest supervision supports (§8, I-6).
    StarLowered {
        stars: StarCount,
        by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The body puts the enterprise on the blacklist (§8): its stars are gone.
    Blacklisted { reason: String, by: String },
    /// The body takes the enterprise off the blacklist; it may apply again from no stars.
    BlacklistLifted {
        by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl EventKind {
    /// The `type` as written in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::StarApplied { .. } => "star_applied",
            EventKind::StarResult { .. } => "star_result",
            EventKind::StarAwarded { .. } => "star_awarded",
            EventKind::SupervisionCompleted { .. } => "supervision_completed",
            EventKind::StarLowered { .. } => "star_lowered",
            EventKind::Blacklisted { .. } => "blacklisted",
            EventKind::BlacklistLifted { .. } => "blacklist_lifted",
        }
    }

    /// Every event type, in the order of I-19.
    pub const TYPES: &'static [&'static str] = &[
        "star_applied",
        "star_result",
        "star_awarded",
        "supervision_completed",
        "star_lowered",
        "blacklisted",
        "blacklist_lifted",
    ];

    /// The event's name in Chinese.
    pub fn name_zh(&self) -> &'static str {
        type_name_zh(self.type_name())
    }
}

/// The Chinese name of an event type.
pub fn type_name_zh(t: &str) -> &'static str {
    match t {
        "star_applied" => "星级申请",
        "star_result" => "星级评价结果",
        "star_awarded" => "授予星级",
        "supervision_completed" => "监督审查完成",
        "star_lowered" => "降低星级",
        "blacklisted" => "列入黑名单",
        "blacklist_lifted" => "移出黑名单",
        _ => "未知事件",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_named_as_written() {
        for t in EventKind::TYPES {
            assert_ne!(type_name_zh(t), "未知事件", "{t}");
        }
        let e: Event = serde_json::from_str(
            r#"{"type": "star_awarded", "date": "2026-03-02", "stars": 3, "by": "dec",
                "dimension_stars": {"企业信用": 2}}"#,
        )
        .unwrap();
        assert_eq!(e.kind.type_name(), "star_awarded");
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["stars"], 3);
        assert_eq!(back["dimension_stars"]["企业信用"], 2);
    }

    #[test]
    fn stars_are_0_to_5() {
        assert!(StarCount::new(5).is_some() && StarCount::new(6).is_none());
        let e = serde_json::from_str::<Event>(
            r#"{"type": "star_result", "date": "2026-03-02", "mode": "online", "stars": 6}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("星级 6 无效"), "{e}");
    }
}
