//! The difference between two ledgers — the same events under two rules versions, or at two
//! times — per shop and rule by rule, in numbers and in words.

use serde::Serialize;

use crate::ledger::{Ledger, LevelRef};

/// How one shop's points differ.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShopDiff {
    pub shop: String,
    pub old_points: i64,
    pub new_points: i64,
    pub old_level: Option<LevelRef>,
    pub new_level: Option<LevelRef>,
    /// Only the rules whose points differ (a rule missing from one version counts 0 there).
    pub rules: Vec<RuleDiff>,
}

/// One rule's points before and after.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RuleDiff {
    pub rule: String,
    pub old: i64,
    pub new: i64,
}

/// Every shop whose total, level or any rule's points differ between `old` and `new`, in
/// shop order; a shop present in one ledger only counts 0 in the other.
pub fn diff(old: &Ledger, new: &Ledger) -> Vec<ShopDiff> {
    let mut shops: Vec<&String> = old.shops.keys().chain(new.shops.keys()).collect();
    shops.sort();
    shops.dedup();
    let mut out = Vec::new();
    for shop in shops {
        let (o, n) = (old.shops.get(shop), new.shops.get(shop));
        let mut ids: Vec<&String> = o
            .iter()
            .chain(n.iter())
            .flat_map(|s| s.by_rule.keys())
            .collect();
        ids.sort();
        ids.dedup();
        let get = |s: Option<&crate::ledger::Shop>, id: &str| {
            s.and_then(|s| s.by_rule.get(id)).copied().unwrap_or(0)
        };
        let rules: Vec<RuleDiff> = ids
            .into_iter()
            .map(|id| RuleDiff {
                rule: id.clone(),
                old: get(o, id),
                new: get(n, id),
            })
            .filter(|d| d.old != d.new)
            .collect();
        let d = ShopDiff {
            shop: shop.clone(),
            old_points: o.map_or(0, |s| s.points),
            new_points: n.map_or(0, |s| s.points),
            old_level: o.and_then(|s| s.level),
            new_level: n.and_then(|s| s.level),
            rules,
        };
        if d.old_points != d.new_points || d.old_level != d.new_level || !d.rules.is_empty() {
            out.push(d);
        }
    }
    out
}

impl ShopDiff {
    /// The difference in words: "店铺 s1：120 → 130 分（2星 → 2星）；company-certificate 200 → 210（+10）".
    pub fn zh(&self) -> String {
        let lv = |l: Option<LevelRef>| l.map_or_else(|| "无等级".to_string(), |l| l.zh());
        let mut s = format!(
            "店铺 {}：{} → {} 分（{} → {}）",
            self.shop,
            self.old_points,
            self.new_points,
            lv(self.old_level),
            lv(self.new_level)
        );
        for r in &self.rules {
            s.push_str(&format!(
                "；{} {} → {}（{:+}）",
                r.rule,
                r.old,
                r.new,
                r.new - r.old
            ));
        }
        s
    }
}
