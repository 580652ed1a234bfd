//! How a shop stands against the level table and the capped rules (seed 002 二、卖家评价等级,
//! 002-P3, P8): the level badge, the next level and how many points are missing, and the
//! rules whose cap the shop has reached. Read from a [`Shop`] of a fold and the version it was
//! folded under; pure.

use std::sync::Arc;

use serde::Serialize;

use crate::ledger::{LevelRef, Shop};
use crate::rules::{Level, LevelKind, Version};

/// A shop's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub points: i64,
    /// None at 0 points (002-P8).
    pub level: Option<LevelRef>,
    /// The next level up, none at the top level.
    pub next: Option<Next>,
    /// Every capped rule, with whether the shop has reached its cap.
    pub caps: Vec<Cap>,
}

/// The next level and how far it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Next {
    pub level: LevelRef,
    /// The level's lowest total, and the range as printed ("101-200").
    pub min: i64,
    pub printed: String,
    /// Points still missing (at least 1).
    pub missing: i64,
}

/// A capped rule (公司资质（证书）: 200 分封顶) and where the shop stands under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cap {
    pub rule: Arc<str>,
    /// The rule's printed group and name: "公司信息/公司资质（证书）".
    pub name: String,
    pub cap: i64,
    pub points: i64,
    pub reached: bool,
}

/// The standing of a shop's fold under the version it was folded with.
pub fn progress(v: &Version, shop: &Shop) -> Progress {
    standing(v, shop.points, |rule| {
        shop.by_rule.get(rule).copied().unwrap_or(0)
    })
}

/// The standing of a total and per-rule points given by a function (a stored balance).
pub fn standing(v: &Version, points: i64, by_rule: impl Fn(&str) -> i64) -> Progress {
    let level = v.level_of(points).map(|l| LevelRef {
        kind: l.kind,
        n: l.n,
    });
    let next = v
        .levels
        .iter()
        .filter(|l| l.min > points)
        .min_by_key(|l| l.min)
        .map(|l: &Level| Next {
            level: LevelRef {
                kind: l.kind,
                n: l.n,
            },
            min: l.min,
            printed: l.printed.clone(),
            missing: l.min - points,
        });
    let caps = v
        .rules
        .iter()
        .filter_map(|r| {
            let cap = r.cap?;
            let points = by_rule(&r.id);
            Some(Cap {
                rule: r.id.clone(),
                name: format!("{}/{}", r.group, r.name),
                cap,
                points,
                reached: points >= cap,
            })
        })
        .collect();
    Progress {
        points,
        level,
        next,
        caps,
    }
}

/// The badge of a level: its marks (★★★, ◆◆, ♛) and its name in words (3星, 2钻, 1皇冠).
pub fn badge(l: LevelRef) -> (String, String) {
    let (mark, word) = match l.kind {
        LevelKind::Star => ("★", "星"),
        LevelKind::Diamond => ("◆", "钻"),
        LevelKind::Crown => ("♛", "皇冠"),
    };
    (mark.repeat(usize::from(l.n)), format!("{}{}", l.n, word))
}
