//! What a fold gives: per shop its total, points per rule, level and history; the repeated
//! keys counted once, and the events rejected with their reason.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::rules::LevelKind;

/// The fold of an event stream under one rules version at one time.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    /// The rules version's id (SHA-256 prefix of its file) and the date it applies from.
    pub version: String,
    pub effective_from: NaiveDate,
    pub as_of: DateTime<FixedOffset>,
    /// Shops by id, in id order.
    pub shops: BTreeMap<String, Shop>,
    /// Every repetition of a key already seen with the same content: counted once.
    pub duplicates: Vec<Duplicate>,
    /// Events not applied, with the reason.
    pub rejected: Vec<Rejected>,
    /// Events dated after `as_of`: not applied yet (neither counted nor rejected).
    pub later: usize,
}

/// One shop's points.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shop {
    pub points: i64,
    /// None for 0 points (002-P8).
    pub level: Option<LevelRef>,
    /// Every rule of the version, with the points it gives now (after its cap).
    pub by_rule: BTreeMap<String, i64>,
    /// What each applied event earned or took back, in canonical order (at, key).
    pub history: Vec<Entry>,
}

/// A level as reported: `{"kind": "diamond", "n": 2}` and the cell's id.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct LevelRef {
    pub kind: LevelKind,
    pub n: u8,
}

impl LevelRef {
    /// "2钻", "5冠".
    pub fn zh(self) -> String {
        format!("{}{}", self.n, self.kind.zh())
    }
}

/// What one event did under one rule. An event that touches two rules (a good review with
/// text, the 10th login day) has two entries.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub at: DateTime<FixedOffset>,
    pub event: String,
    /// The rule, none when the event met no rule's condition (a review neither good nor with
    /// text) or only records a fact (a replaced registration date).
    pub rule: Option<Arc<str>>,
    /// Where the rule is printed and its interpretations.
    pub clause: Option<Arc<str>>,
    /// Points earned (positive) or taken back (negative).
    pub points: i64,
    pub note: Note,
}

/// Why an entry has its points.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Note {
    /// The rule's points, or less when its cap was reached.
    Earned,
    /// Taken back by a reversal (less when the capped total did not move as much).
    TakenBack,
    /// The subject or item was already held: nothing more (I-22).
    AlreadyHeld,
    /// A second login on the same Shanghai day (002-P4).
    SameDay,
    /// The n-th consecutive login day (002-P4).
    Run { days: u32 },
    /// Full registration years to the as-of date (002-P1).
    Years { years: u32 },
    /// An earlier registration date, replaced by a later `shop_registered`.
    Replaced,
    /// A review that is neither good nor has text: counted in campaign shares, no points.
    NoRule,
    /// A campaign's share: good reviews out of reviews received in its window (002-P7).
    Share {
        good: u32,
        total: u32,
        reached: bool,
    },
    /// A campaign without reviews in its window earns nothing (002-P7).
    NoReviews,
    /// A campaign already counted (once per campaign).
    AlreadyCounted,
}

impl Note {
    /// The note in words, given the entry's points and the rule's full points.
    pub fn zh(self, points: i64, full: Option<i64>) -> String {
        let capped = full.is_some_and(|f| points.abs() < f);
        match self {
            Note::Earned if capped => format!("计 {points} 分（已达上限）"),
            Note::Earned => format!("计 {points} 分"),
            Note::TakenBack if capped => format!("扣回 {} 分（上限内的分数不变部分不扣）", -points),
            Note::TakenBack => format!("扣回 {} 分", -points),
            Note::AlreadyHeld => "已计分，不重复计".into(),
            Note::SameDay => "同一天（北京时间）已登录，不重复计".into(),
            Note::Run { days } => format!("连续登录第 {days} 天，计 {points} 分"),
            Note::Years { years } => format!("注册满 {years} 年，计 {points} 分"),
            Note::Replaced => "注册日期被之后的 shop_registered 取代".into(),
            Note::NoRule => "既非好评也无文字，不计分".into(),
            Note::Share {
                good,
                total,
                reached,
            } => {
                let pct = f64::from(good) * 100.0 / f64::from(total);
                let r = if reached { "达到" } else { "未达到" };
                format!("好评 {good}/{total}（{pct:.1}%），{r}门槛，计 {points} 分")
            }
            Note::NoReviews => "活动期间没有收到评价，不计分".into(),
            Note::AlreadyCounted => "该活动已计分，不重复计".into(),
        }
    }
}

/// A key seen again with the same content (counted once).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    /// The line of the repetition, and of the event that stands (0 when not from a file).
    pub line: usize,
    pub first_line: usize,
}

/// An event not applied and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rejected {
    pub key: String,
    pub shop: String,
    pub event: String,
    pub line: usize,
    pub reason: String,
}

impl Ledger {
    /// The total of every shop.
    pub fn totals(&self) -> BTreeMap<&str, i64> {
        self.shops
            .iter()
            .map(|(k, s)| (k.as_str(), s.points))
            .collect()
    }
}
