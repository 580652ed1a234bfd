//! Shop points intake (seed 002, DESIGN I-14, I-22, I-24): a platform operator's batch of
//! I-22 events, each answered `accepted`, `duplicate` or `rejected` with the reason; the new
//! events, the affected shops' balances and ONE audit entry for the batch (counts only, not
//! one per event) written in one transaction.
//!
//! Balances are kept incrementally and always equal the fold: each affected shop's saved fold
//! (`points_balances.state`) goes on with its new events (`tianping_points::advance`); a late
//! event, another rules version or a missing state makes the intake fold that shop's stored
//! events from the start instead. The whole batch is a few multi-row statements.
//! `check` re-folds every shop with `tianping_points::fold` as of its balance's time and
//! lists each balance (or saved fold) that differs; it reads each group of shops under the
//! platform's intake lock, so a concurrent intake never shows as a difference.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::json;
use tianping_domain::{FieldError, Msg, Role};
use tianping_points::event::parse_line;
use tianping_points::{advance, fold, shanghai, Advanced, Event, Saved, Totals, Versions};
use tianping_store::audit;
use tianping_store::points::{self as store, Balance, NewEvent};
use tianping_store::repo::User;

use crate::{actor, App, Error};

/// The most events one batch may carry.
pub const MAX_BATCH: usize = 10_000;

/// What became of one event of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Accepted,
    Duplicate,
    Rejected,
}

/// One event's answer: its key (empty when unreadable), 1-based position in the batch; on an
/// accepted event, `reason` says why the fold does not apply it now, if it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub line: usize,
    pub key: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A stored balance that differs from the fold of its shop's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub platform_id: i64,
    pub shop: String,
    /// The stored total (`None`: no balance stored).
    pub stored: Option<i64>,
    pub folded: i64,
    pub stored_by_rule: Option<String>,
    pub folded_by_rule: String,
    /// The saved fold (what the next intake goes on from) differs from a new one.
    pub state_differs: bool,
}

/// The platform a person operates: an operator of a platform organisation.
pub fn platform_of(u: &User) -> Result<i64, Error> {
    match (u.role, u.org_id) {
        (Role::Operator, Some(org)) if u.disabled == 0 => Ok(org),
        _ => Err(Error::Forbidden(Msg {
            zh: "只有平台运营方的账号可以提交和查看店铺积分".into(),
            en: "Only a platform operator may submit or read shop points".into(),
        })),
    }
}

/// Take in a batch of events, each one JSON object as text (a JSON Lines line or an element
/// of a JSON array), in the batch's order.
pub async fn intake(app: &App, u: &User, lines: &[String]) -> Result<Vec<Outcome>, Error> {
    let platform = platform_of(u)?;
    intake_for(app, &actor(u), platform, lines).await
}

/// The intake for a platform by an actor already allowed (the operator above, or the
/// command line's `tianping points import`, run by whoever holds the database).
pub async fn intake_for(
    app: &App,
    who: &audit::Actor,
    platform: i64,
    lines: &[String],
) -> Result<Vec<Outcome>, Error> {
    if lines.len() > MAX_BATCH {
        return Err(Error::Invalid(vec![FieldError::msg(
            "events",
            Msg {
                zh: format!(
                    "一批最多 {MAX_BATCH} 个事件，收到 {} 个：请分批提交",
                    lines.len()
                ),
                en: format!(
                    "At most {MAX_BATCH} events per batch, got {}: split the batch",
                    lines.len()
                ),
            },
        )]));
    }
    let today = app.now().with_timezone(&shanghai()).date_naive();
    let names: BTreeSet<&str> = Versions::shipped()
        .in_force(today)
        .event_names()
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(lines.len());
    // events to write: (index in `out`, event, its JSON)
    let mut fresh: Vec<(usize, Event, String)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let e = match parse_line(raw, n) {
            Ok(e) => e,
            Err(p) => {
                out.push(rejected(
                    n,
                    key_of(raw),
                    format!("第 {n} 个事件：{}", p.message),
                ));
                continue;
            }
        };
        if e.key.trim().is_empty() || e.shop.trim().is_empty() {
            let m = format!("第 {n} 个事件：key（幂等键）和 shop（店铺）不能为空");
            out.push(rejected(n, e.key.clone(), m));
            continue;
        }
        if !names.contains(e.event.as_str()) {
            let m = format!(
                "第 {n} 个事件：event “{}” 不是积分事件；可用：{}",
                e.event,
                names.iter().copied().collect::<Vec<_>>().join("、")
            );
            out.push(rejected(n, e.key.clone(), m));
            continue;
        }
        if let Some(&j) = seen.get(&e.key) {
            let first: &Event = &fresh[j].1;
            out.push(repeated(
                n,
                &e,
                first,
                &format!("本批第 {} 个事件", first.line),
            ));
            continue;
        }
        seen.insert(e.key.clone(), fresh.len());
        let json = serde_json::to_string(&e).map_err(|x| Error::Internal(x.to_string()))?;
        out.push(Outcome {
            line: n,
            key: e.key.clone(),
            status: Status::Accepted,
            reason: None,
        });
        fresh.push((i, e, json));
    }

    let mut tx = app.begin().await?;
    store::lock_platform(&mut tx, platform).await?;
    // folded as of now under the rules version in force (I-22); a shop saved under another
    // version is folded again from the start
    let as_of = app.now().with_timezone(&shanghai());
    let version = Versions::shipped().in_force(as_of.date_naive());
    let ats: Vec<String> = fresh.iter().map(|(_, e, _)| e.at.to_rfc3339()).collect();
    let rows: Vec<NewEvent> = fresh
        .iter()
        .zip(&ats)
        .map(|((_, e, json), at)| NewEvent {
            key: &e.key,
            shop: &e.shop,
            event: &e.event,
            at,
            data_json: json,
        })
        .collect();
    let new = store::insert_events(&mut tx, platform, &rows).await?;
    // keys already stored: a duplicate when the contents agree, else a conflict
    let old: Vec<&str> = fresh
        .iter()
        .zip(&new)
        .filter(|(_, is_new)| !**is_new)
        .map(|((_, e, _), _)| e.key.as_str())
        .collect();
    let stored = store::events_json(&mut tx, platform, &old).await?;
    let mut by_shop: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
    for ((i, e, _), is_new) in fresh.iter().zip(new) {
        if is_new {
            by_shop.entry(e.shop.as_str()).or_default().push(e.clone());
            continue;
        }
        let first = stored.get(&e.key).and_then(|s| parse_line(s, 0).ok());
        out[*i] = match first {
            Some(f) => repeated(i + 1, e, &f, "已接收的事件"),
            None => rejected(i + 1, e.key.clone(), "幂等键已被占用".into()),
        };
    }
    let names: Vec<&str> = by_shop.keys().copied().collect();
    let before: HashMap<String, store::Balance> = store::balances_of(&mut tx, platform, &names)
        .await?
        .into_iter()
        .map(|b| (b.shop.clone(), b))
        .collect();
    let mut unapplied: HashMap<String, String> = HashMap::new();
    let mut balances = Vec::with_capacity(by_shop.len());
    for (shop, events) in by_shop {
        let prev = before.get(shop);
        let added = events.len() as i64;
        // a shop without a balance has no events before this batch (both are written in one
        // transaction); a balance without a readable saved fold is folded from the start
        let saved = prev.map(|b| b.state.as_deref().and_then(Saved::from_json));
        let step = match saved {
            None => advance(version, None, events, as_of).map(|a| (a, added)),
            Some(None) => None,
            Some(Some(s)) => advance(version, Some(s), events, as_of)
                .map(|a| (a, prev.map_or(0, |b| b.events) + added)),
        };
        let (adv, count) = match step {
            Some(x) => x,
            None => {
                let all = read_events(store::shop_events(&mut tx, platform, shop).await?)?;
                let n = all.len() as i64;
                let a = advance(version, None, all, as_of)
                    .ok_or_else(|| Error::Internal("a fold from the start declined".into()))?;
                (a, n)
            }
        };
        unapplied.extend(
            adv.rejected
                .iter()
                .map(|r| (r.key.clone(), r.reason.clone())),
        );
        balances.push(balance_of(platform, shop, &adv, count, as_of));
    }
    store::upsert_balances(&mut tx, &balances).await?;
    // an accepted event the fold does not apply now (a reversal of what was not given, a
    // field its rule needs, a time still to come) is kept, and the answer says so
    for (i, e, _) in &fresh {
        let o = &mut out[*i];
        if o.status != Status::Accepted {
            continue;
        }
        if let Some(r) = unapplied.get(&e.key) {
            o.reason = Some(format!("已接收，暂未计分：{r}"));
        } else if e.at > as_of {
            o.reason = Some(format!(
                "已接收，暂未计分：时间 {} 晚于现在，之后的接收或重算才计入",
                e.at.to_rfc3339()
            ));
        }
    }
    let count = |s: Status| out.iter().filter(|o| o.status == s).count();
    audit::append(
        &mut tx,
        who,
        "points_intake",
        "org",
        &platform.to_string(),
        None,
        Some(&json!({
            "accepted": count(Status::Accepted),
            "duplicates": count(Status::Duplicate),
            "rejected": count(Status::Rejected),
            "shops": balances.len(),
            "rules_version": version.id,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Shops checked per transaction (each group under the platform's intake lock).
const CHECK_GROUP: usize = 500;

/// Re-fold every shop's events as of its balance's time and list each balance that differs,
/// in its total, points per rule, level, event count or saved fold.
pub async fn check(app: &App) -> Result<Vec<Difference>, Error> {
    let versions = Versions::shipped();
    let shops = store::shops(&app.store).await?;
    let mut out = Vec::new();
    for platform_shops in shops.chunk_by(|a, b| a.0 == b.0) {
        for group in platform_shops.chunks(CHECK_GROUP) {
            let platform = group[0].0;
            let mut tx = app.begin().await?;
            store::lock_platform(&mut tx, platform).await?;
            let names: Vec<&str> = group.iter().map(|(_, s)| s.as_str()).collect();
            let stored: HashMap<String, Balance> = store::balances_of(&mut tx, platform, &names)
                .await?
                .into_iter()
                .map(|b| (b.shop.clone(), b))
                .collect();
            for shop in names {
                let events = read_events(store::shop_events(&mut tx, platform, shop).await?)?;
                let had = stored.get(shop);
                let as_of = had
                    .and_then(|b| DateTime::parse_from_rfc3339(&b.as_of).ok())
                    .unwrap_or_else(|| app.now().with_timezone(&shanghai()));
                let n = events.len() as i64;
                let version = versions.in_force(as_of.date_naive());
                let l = fold(version, &events, as_of);
                let t = l.shops.get(shop).map(|s| Totals {
                    points: s.points,
                    level: s.level,
                    by_rule: s.by_rule.clone(),
                });
                let fresh = advance(version, None, events, as_of)
                    .ok_or_else(|| Error::Internal("a fold from the start declined".into()))?;
                // a shop with no event applied yet has zero points under every rule
                let t = t.unwrap_or_else(|| fresh.totals.clone());
                let now = balance_from(platform, shop, &t, n, as_of, None);
                let same = had.is_some_and(|b| {
                    (b.total, &b.by_rule, &b.level_kind, b.level_n, b.events)
                        == (
                            now.total,
                            &now.by_rule,
                            &now.level_kind,
                            now.level_n,
                            now.events,
                        )
                });
                let state_same = had
                    .and_then(|b| b.state.as_deref())
                    .and_then(Saved::from_json)
                    .is_some_and(|s| s.same(&fresh.saved));
                if !same || !state_same {
                    out.push(Difference {
                        platform_id: platform,
                        shop: shop.to_string(),
                        stored: had.map(|b| b.total),
                        folded: now.total,
                        stored_by_rule: had.map(|b| b.by_rule.clone()),
                        folded_by_rule: now.by_rule,
                        state_differs: !state_same,
                    });
                }
            }
            tx.commit().await?;
        }
    }
    Ok(out)
}

/// One shop's balance as the operator reads it.
pub async fn shop(app: &App, u: &User, shop: &str) -> Result<Balance, Error> {
    let platform = platform_of(u)?;
    store::balance(&app.store, platform, shop)
        .await?
        .ok_or(Error::NotFound)
}

fn read_events(lines: Vec<String>) -> Result<Vec<Event>, Error> {
    lines
        .iter()
        .enumerate()
        .map(|(i, s)| {
            parse_line(s, i + 1)
                .map_err(|p| Error::Internal(format!("stored event: {}", p.message)))
        })
        .collect()
}

fn balance_of(
    platform: i64,
    shop: &str,
    a: &Advanced,
    events: i64,
    as_of: DateTime<FixedOffset>,
) -> Balance {
    let state = Some(a.saved.to_json());
    balance_from(platform, shop, &a.totals, events, as_of, state)
}

fn balance_from(
    platform: i64,
    shop: &str,
    t: &Totals,
    events: i64,
    as_of: DateTime<FixedOffset>,
    state: Option<String>,
) -> Balance {
    Balance {
        platform_id: platform,
        shop: shop.to_string(),
        total: t.points,
        by_rule: json!(t.by_rule).to_string(),
        level_kind: t
            .level
            .map(|l| json!(l.kind).as_str().unwrap_or_default().to_string()),
        level_n: t.level.map(|l| i64::from(l.n)),
        events,
        as_of: as_of.to_rfc3339(),
        updated_at: String::new(),
        state,
    }
}

fn rejected(line: usize, key: String, reason: String) -> Outcome {
    Outcome {
        line,
        key,
        status: Status::Rejected,
        reason: Some(reason),
    }
}

/// A key seen before: a duplicate when the contents agree, else rejected as a conflict
/// (I-22: the first stands).
fn repeated(line: usize, e: &Event, first: &Event, where_: &str) -> Outcome {
    if e.same_content(first) {
        Outcome {
            line,
            key: e.key.clone(),
            status: Status::Duplicate,
            reason: None,
        }
    } else {
        let m = format!(
            "第 {line} 个事件：幂等键 “{}” 与{where_}内容不同，以先到者为准",
            e.key
        );
        rejected(line, e.key.clone(), m)
    }
}

/// The `key` of an unreadable event, when it has one.
fn key_of(raw: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| v.get("key").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_default()
}
