//! Shop points as people read them (seed 002, DESIGN I-14): one shop's page — its points on
//! each platform folded from the stored events as of now, the level badge, the history with
//! each event's rule in words, caps reached, the next level and how far — and a platform
//! operator's overview (shops by level, the intake's figures, the last batches) with the
//! batch form, which posts through the same intake as the API ([`crate::points::intake`]).
//!
//! A shop is an enterprise when the shop's id is the enterprise's unified social credit code
//! (the id platforms give their shops is the company's credit code): no mapping table. Who
//! may read a shop: the enterprise's own users and the operators of a platform that holds
//! events of it; anyone else gets 404, as for a missing shop.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use tianping_domain::Role;
use tianping_points::progress::{progress, Progress};
use tianping_points::{fold, shanghai, Rejected, Version, Versions};
use tianping_store::points as store;
use tianping_store::points_read::{self as read, Batch, LevelCount, ShopRow};
use tianping_store::repo::{self, User};

pub use tianping_points::progress::badge;
pub use tianping_points::LevelRef;

use crate::points::{intake, platform_of, Outcome};
use crate::{App, Error};

/// One line of a shop's history.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub at: DateTime<FixedOffset>,
    pub key: String,
    pub event: String,
    /// The rule in words: "卖家装修/个性化装修（每个…）", none when no rule applied.
    pub rule: Option<String>,
    /// Where the rule is printed and how it is read.
    pub clause: Option<String>,
    pub points: i64,
    /// Why the entry has its points, in words.
    pub note: String,
}

/// A shop on one platform.
#[derive(Debug, Clone, Serialize)]
pub struct OnPlatform {
    pub platform_id: i64,
    pub platform_name: String,
    pub as_of: DateTime<FixedOffset>,
    pub progress: Progress,
    /// Points per rule with the rule's name, rules with points only, in the file's order.
    pub by_rule: Vec<(String, i64)>,
    /// Newest first.
    pub history: Vec<Line>,
    pub events: usize,
    /// Events stored but not applied by the fold, with the reason.
    pub rejected: Vec<Rejected>,
    pub rules_version: String,
}

/// A shop's page.
#[derive(Debug, Clone, Serialize)]
pub struct ShopView {
    pub shop: String,
    pub enterprise: Option<(i64, String)>,
    pub platforms: Vec<OnPlatform>,
}

/// The shop id of an enterprise user (their enterprise's credit code).
pub async fn own_shop(app: &App, u: &User) -> Result<Option<String>, Error> {
    let Some(eid) = u.enterprise_id.filter(|_| u.role == Role::Enterprise) else {
        return Ok(None);
    };
    Ok(repo::get_enterprise(&app.store, eid).await?.map(|e| e.uscc))
}

/// One shop's page for `u` (404 for anyone but its enterprise's users and the operators of a
/// platform that holds it).
pub async fn shop(app: &App, u: &User, shop: &str) -> Result<ShopView, Error> {
    let mine = own_shop(app, u).await?.is_some_and(|s| s == shop);
    let operator = platform_of(u).ok();
    let mut held = read::shop_balances(&app.store, shop).await?;
    if !mine {
        held.retain(|(b, _)| Some(b.platform_id) == operator);
    }
    if held.is_empty() && !mine {
        return Err(Error::NotFound);
    }
    let as_of = app.now().with_timezone(&shanghai());
    // the rules version in force today, as the intake folds
    let version = Versions::shipped().in_force(as_of.date_naive());
    let mut platforms = Vec::with_capacity(held.len());
    for (b, name) in held {
        let lines = store::shop_events_read(&app.store, b.platform_id, shop).await?;
        let events = lines
            .iter()
            .enumerate()
            .map(|(i, s)| {
                tianping_points::event::parse_line(s, i + 1)
                    .map_err(|p| Error::Internal(format!("stored event: {}", p.message)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ledger = fold(version, &events, as_of);
        platforms.push(on_platform(
            version,
            &ledger,
            shop,
            b.platform_id,
            name,
            events.len(),
        ));
    }
    let enterprise = repo::enterprise_by_uscc(&app.store, shop)
        .await?
        .map(|e| (e.id, e.name));
    Ok(ShopView {
        shop: shop.to_string(),
        enterprise,
        platforms,
    })
}

fn on_platform(
    v: &Version,
    ledger: &tianping_points::Ledger,
    shop: &str,
    platform_id: i64,
    platform_name: String,
    events: usize,
) -> OnPlatform {
    let empty = tianping_points::Shop {
        points: 0,
        level: None,
        by_rule: Default::default(),
        history: Vec::new(),
    };
    let s = ledger.shops.get(shop).unwrap_or(&empty);
    let history = s
        .history
        .iter()
        .rev()
        .map(|e| {
            let rule = e.rule.as_deref().and_then(|r| v.rule(r));
            Line {
                at: e.at,
                key: e.key.clone(),
                event: e.event.clone(),
                rule: rule.map(rule_words),
                clause: e.clause.as_deref().map(str::to_string),
                points: e.points,
                note: e.note.zh(e.points, rule.map(|r| r.points)),
            }
        })
        .collect();
    let by_rule = v
        .rules
        .iter()
        .filter_map(|r| {
            let p = s.by_rule.get(&*r.id).copied().unwrap_or(0);
            (p != 0).then(|| (rule_words(r), p))
        })
        .collect();
    OnPlatform {
        platform_id,
        platform_name,
        as_of: ledger.as_of,
        progress: progress(v, s),
        by_rule,
        history,
        events,
        rejected: ledger
            .rejected
            .iter()
            .filter(|r| r.shop == shop)
            .cloned()
            .collect(),
        rules_version: ledger.version.clone(),
    }
}

/// A rule in words with its unit and points: "公司信息/公司资质（证书）（每个10分）",
/// "卖家装修/个性化装修（50分）".
fn rule_words(r: &tianping_points::Rule) -> String {
    format!("{}/{}（{}{}分）", r.group, r.name, unit(&r.unit), r.points)
}

/// The unit as printed, or nothing for a rule without one (printed “——”).
fn unit(u: &str) -> String {
    if u == "——" {
        String::new()
    } else {
        u.to_string()
    }
}

/// The intake's figures of a platform.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    pub events: i64,
    pub shops: i64,
    pub batches: usize,
    pub accepted: i64,
    pub duplicates: i64,
    pub rejected: i64,
}

/// A platform operator's overview.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub platform_id: i64,
    pub platform_name: String,
    /// Counts per level, in the table's order (no level first), levels without shops left
    /// out.
    pub levels: Vec<LevelCount>,
    pub shops: Vec<ShopRow>,
    pub figures: Figures,
    pub last_batches: Vec<Batch>,
}

/// The most shops the overview lists.
pub const LIST: i64 = 200;

/// The overview of the operator's platform; `q` searches shops by id or enterprise name.
pub async fn overview(app: &App, u: &User, q: Option<&str>) -> Result<Overview, Error> {
    let platform = platform_of(u)?;
    let mut levels = read::level_counts(&app.store, platform).await?;
    let rank = |c: &LevelCount| {
        let k = match c.level_kind.as_deref() {
            None => 0,
            Some("star") => 1,
            Some("diamond") => 2,
            _ => 3,
        };
        (k, c.level_n.unwrap_or(0))
    };
    levels.sort_by_key(rank);
    let (events, shops) = read::event_totals(&app.store, platform).await?;
    let mut figures = Figures {
        events,
        shops,
        ..Figures::default()
    };
    for text in read::batch_figures(&app.store, platform).await? {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let n = |k: &str| v.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0);
        figures.batches += 1;
        figures.accepted += n("accepted");
        figures.duplicates += n("duplicates");
        figures.rejected += n("rejected");
    }
    Ok(Overview {
        platform_id: platform,
        platform_name: read::platform_name(&app.store, platform)
            .await?
            .unwrap_or_default(),
        levels,
        shops: read::shops(&app.store, platform, q, LIST).await?,
        figures,
        last_batches: read::batches(&app.store, platform, 10).await?,
    })
}

/// A batch from the operator's form: a JSON Lines text (blank lines skipped) or a JSON
/// array of events, taken in by the same intake as the API. An empty text is refused.
pub async fn post_batch(app: &App, u: &User, text: &str) -> Result<Vec<Outcome>, Error> {
    platform_of(u)?;
    let text = text.trim_start_matches('\u{feff}').trim();
    let lines: Vec<String> = if text.starts_with('[') {
        match serde_json::from_str::<Vec<serde_json::Value>>(text) {
            Ok(v) => v.iter().map(|e| e.to_string()).collect(),
            Err(e) => {
                return Err(Error::invalid(
                    "events",
                    format!("JSON 数组无法读取：{e}；应为 JSON Lines（每行一个事件）或事件的 JSON 数组"),
                    format!("The JSON array cannot be read: {e}; send JSON Lines (one event a line) or a JSON array of events"),
                ))
            }
        }
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    if lines.is_empty() {
        return Err(Error::invalid(
            "events",
            "没有事件：请上传 .jsonl 文件或粘贴事件，每行一个 JSON 对象",
            "No events: upload a .jsonl file or paste the events, one JSON object a line",
        ));
    }
    intake(app, u, &lines).await
}

/// A stored level (`star` | `diamond` | `crown`, 1–5) as a level; none at 0 points or when
/// unreadable.
pub fn level_of(kind: Option<&str>, n: Option<i64>) -> Option<LevelRef> {
    let kind = serde_json::from_value(serde_json::json!(kind?)).ok()?;
    let n = u8::try_from(n?).ok()?;
    Some(LevelRef { kind, n })
}
