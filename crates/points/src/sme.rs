//! The SME service-quality indicators fed from a shop's points (seed 002 附件2 服务成效,
//! DESIGN I-15; interpretations 002-I15-cloud and 002-L3 of `sme-service-2020`).
//!
//! The mapping is the scheme's data (`[[extra.points_feed]]`: an indicator, the points rules
//! whose points it reads, and `full`, the points at which its coefficient is 100 %): the
//! coefficient is ⌊100 × points ÷ full⌋, at most 100, never below 0, where `points` is the sum
//! of the shop's points under those rules (after their caps). Each figure keeps the rules and
//! the events behind it so the answer can say where it comes from. Pure.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::ledger::Shop;
use crate::rules::Version;

/// One indicator's mapping, as the scheme file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FeedRule {
    pub indicator: String,
    /// Points-rule ids (`sh-service-cloud-points/rules.toml`).
    pub rules: Vec<String>,
    /// The points at which the coefficient reaches 100 %.
    pub full: i64,
    #[serde(default)]
    pub evidence: String,
}

/// The points of one rule behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulePoints {
    pub rule: String,
    /// The rule in words: "卖家装修/个性化装修".
    pub name: String,
    pub points: i64,
}

/// One indicator's figure from a shop's ledger, with its trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fed {
    pub indicator: String,
    /// The coefficient in % (0–100).
    pub coefficient: i64,
    pub points: i64,
    pub full: i64,
    /// Every mapped rule with its points (0 included), in the mapping's order.
    pub by_rule: Vec<RulePoints>,
    /// The keys of the events whose entries moved these points (earned or taken back), in
    /// the fold's order; one key per event.
    pub keys: Vec<String>,
}

/// Read `[[extra.points_feed]]` from a scheme's `extra` and check it against a rules
/// version: every rule known, `full` positive, an indicator at most once. An error names the
/// entry and the field.
pub fn read_feed(extra: &serde_json::Value, v: &Version) -> Result<Vec<FeedRule>, String> {
    let Some(list) = extra.get("points_feed") else {
        return Ok(Vec::new());
    };
    let feed: Vec<FeedRule> = serde_json::from_value(list.clone()).map_err(|e| {
        format!("[[extra.points_feed]]：{e}；应为 indicator、rules、full（正整数）")
    })?;
    for (i, f) in feed.iter().enumerate() {
        let at = format!("[[extra.points_feed]] 第 {} 项（{}）", i + 1, f.indicator);
        if f.full <= 0 {
            return Err(format!("{at}：full = {}，应为正整数", f.full));
        }
        if let Some(r) = f.rules.iter().find(|r| v.rule(r).is_none()) {
            return Err(format!("{at}：rules 中的 {r} 不是积分规则"));
        }
        if feed[..i].iter().any(|g| g.indicator == f.indicator) {
            return Err(format!("{at}：指标重复"));
        }
    }
    Ok(feed)
}

/// The figures of a shop (none: a shop without events, every figure 0).
pub fn feed(v: &Version, shop: Option<&Shop>, map: &[FeedRule]) -> Vec<Fed> {
    map.iter().map(|m| one(v, shop, m)).collect()
}

fn one(v: &Version, shop: Option<&Shop>, m: &FeedRule) -> Fed {
    let by_rule: Vec<RulePoints> = m
        .rules
        .iter()
        .map(|r| RulePoints {
            rule: r.clone(),
            name: v
                .rule(r)
                .map(|x| format!("{}/{}", x.group, x.name))
                .unwrap_or_else(|| r.clone()),
            points: shop.and_then(|s| s.by_rule.get(r)).copied().unwrap_or(0),
        })
        .collect();
    let points: i64 = by_rule.iter().map(|r| r.points).sum();
    let mut keys: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for e in shop.map(|s| s.history.as_slice()).unwrap_or_default() {
        let mapped = e
            .rule
            .as_deref()
            .is_some_and(|r| m.rules.iter().any(|x| x == r));
        if mapped && e.points != 0 && seen.insert(&e.key) {
            keys.push(e.key.clone());
        }
    }
    Fed {
        indicator: m.indicator.clone(),
        coefficient: coefficient(points, m.full),
        points,
        full: m.full,
        by_rule,
        keys,
    }
}

/// ⌊100 × points ÷ full⌋ within 0–100 (`full` positive).
pub fn coefficient(points: i64, full: i64) -> i64 {
    if full <= 0 || points <= 0 {
        return 0;
    }
    (points.saturating_mul(100) / full).min(100)
}

/// The most event keys an answer's note lists (the rest are counted).
pub const NOTE_KEYS: usize = 20;

/// The answer's note: the source, the rules with points, the arithmetic and the events.
pub fn note(f: &Fed, shop: &str, version: &str, as_of: DateTime<FixedOffset>) -> String {
    let rules: Vec<String> = f
        .by_rule
        .iter()
        .filter(|r| r.points != 0)
        .map(|r| format!("{} {} 分", r.name, r.points))
        .collect();
    let rules = if rules.is_empty() {
        "无积分".to_string()
    } else {
        rules.join("、")
    };
    let mut s = format!(
        "服务云积分（店铺 {shop}，规则版本 {version}，截至 {}）：{rules}；合计 {} 分，满分基准 {} 分，系数 {}%（002-L3）。",
        as_of.format("%Y-%m-%d %H:%M"),
        f.points,
        f.full,
        f.coefficient
    );
    if f.keys.is_empty() {
        s.push_str("没有计分事件。");
    } else {
        let shown: Vec<&str> = f.keys.iter().take(NOTE_KEYS).map(String::as_str).collect();
        s.push_str(&format!(
            "依据事件 {} 个：{}",
            f.keys.len(),
            shown.join("、")
        ));
        if f.keys.len() > NOTE_KEYS {
            s.push_str(&format!(" 等 {} 个", f.keys.len()));
        }
        s.push('。');
    }
    s
}
