//! The SME service-quality figures fed from the service-cloud points (seed 002 附件2 服务成效,
//! DESIGN I-15, interpretations 002-I15-cloud and 002-L3): the indicators a scheme maps to
//! points rules (`[[extra.points_feed]]`) get a coefficient from the enterprise's shop ledger
//! (the shop whose id is the enterprise's credit code), written as platform data with a note
//! that names the rules, the points and the events behind the figure.
//!
//! Triggered by a button on the assessment's page ("从服务云积分导入"), not after each intake:
//! an assessment is a reading on a day chosen by its assessor, and a submitted one must not
//! change under an incoming batch. Precedence (I-20): the import stands as platform data —
//! it replaces no answer, an enterprise's own figure or earlier platform data, and leaves an
//! answer the body gave or verified as it is, saying so. One transaction: the answers, the
//! re-score and one audit entry.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::json;
use tianping_domain::access::draft;
use tianping_domain::precedence::{overwrite, Overwrite, Standing};
use tianping_domain::{Access, Role, Source};
use tianping_points::sme::{feed, note, read_feed, Fed, FeedRule};
use tianping_points::{fold, shanghai, Version, Versions};
use tianping_store::audit;
use tianping_store::points as store;
use tianping_store::points_read as read;
use tianping_store::repo::{self, Assessment, User};

use crate::answers::locked;
use crate::{actor, assessments, precedence, App, Error};

/// The figures an assessment can take from the ledger now.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// The shop (the enterprise's credit code) and the platform whose ledger is read; none
    /// when no platform holds events of the shop.
    pub shop: String,
    pub platform: Option<(i64, String)>,
    pub as_of: DateTime<FixedOffset>,
    pub rules_version: String,
    pub figures: Vec<Fed>,
    /// The answer each figure's indicator holds now (same order): its value as stored and
    /// whether it is platform data (an earlier import).
    pub current: Vec<Option<Current>>,
    /// Whether `u` may import them (the body's staff who answer this assessment, a draft).
    pub may_import: bool,
}

/// An indicator's answer now.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    pub value: String,
    pub platform: bool,
}

/// What an import did to one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub fed: Fed,
    pub written: bool,
    /// Why the answer was not written (kept, unchanged).
    pub reason: Option<String>,
}

/// The rules version in force today (the one the intake folds with).
fn in_force(app: &App) -> &'static Version {
    Versions::shipped().in_force(app.now().with_timezone(&shanghai()).date_naive())
}

/// The mapping of an assessment's scheme (empty: the scheme takes nothing from the ledger).
fn mapping(app: &App, a: &Assessment, v: &Version) -> Result<Vec<FeedRule>, Error> {
    let scheme = app.scheme(&a.scheme)?;
    read_feed(&scheme.extra, v).map_err(Error::Internal)
}

fn may_import(u: &User, access: &Access, a: &Assessment) -> bool {
    matches!(access, Access::Edit)
        && matches!(u.role, Role::BodyAdmin | Role::Auditor)
        && draft(a.status).is_ok()
}

/// The figures for the assessment page; none when its scheme takes nothing from the ledger.
pub async fn preview(app: &App, u: &User, id: i64) -> Result<Option<Preview>, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    // most schemes take nothing from the ledger: no rules version read for them
    if app.scheme(&a.scheme)?.extra.get("points_feed").is_none() {
        return Ok(None);
    }
    let v = in_force(app);
    let map = mapping(app, &a, v)?;
    if map.is_empty() {
        return Ok(None);
    }
    let (shop, platform, figures, as_of) = figures(app, &a, v, &map).await?;
    let rows = assessments::answers(app, u, &a, &access).await?;
    let current = figures
        .iter()
        .map(|f| {
            let r = rows.iter().find(|r| r.indicator_id == f.indicator)?;
            let value = r.value_json.clone()?;
            let shown = value
                .parse::<f64>()
                .map(tianping_core::fmt_num)
                .unwrap_or(value);
            Some(Current {
                value: shown,
                platform: r.source == Some(Source::Platform),
            })
        })
        .collect();
    Ok(Some(Preview {
        shop,
        platform,
        as_of,
        rules_version: v.id.clone(),
        figures,
        current,
        may_import: may_import(u, &access, &a),
    }))
}

type Figures = (
    String,
    Option<(i64, String)>,
    Vec<Fed>,
    DateTime<FixedOffset>,
);

/// The enterprise's shop, the platform read (the lowest id holding the shop) and its figures.
async fn figures(
    app: &App,
    a: &Assessment,
    v: &Version,
    map: &[FeedRule],
) -> Result<Figures, Error> {
    let e = repo::get_enterprise(&app.store, a.enterprise_id)
        .await?
        .ok_or(Error::NotFound)?;
    let as_of = app.now().with_timezone(&shanghai());
    let held = read::shop_balances(&app.store, &e.uscc).await?;
    let Some((b, name)) = held.into_iter().next() else {
        return Ok((e.uscc, None, feed(v, None, map), as_of));
    };
    let lines = store::shop_events_read(&app.store, b.platform_id, &e.uscc).await?;
    let events = lines
        .iter()
        .enumerate()
        .map(|(i, s)| {
            tianping_points::event::parse_line(s, i + 1)
                .map_err(|p| Error::Internal(format!("stored event: {}", p.message)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ledger = fold(v, &events, as_of);
    let figures = feed(v, ledger.shops.get(&e.uscc), map);
    Ok((e.uscc, Some((b.platform_id, name)), figures, as_of))
}

/// Import the figures into the assessment as platform data (see the module's comment).
pub async fn import(app: &App, u: &User, id: i64) -> Result<Vec<Item>, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    if !matches!(access, Access::Edit) || !matches!(u.role, Role::BodyAdmin | Role::Auditor) {
        return Err(Error::forbidden(
            "只有负责这项评价的评价机构人员可以从服务云积分导入",
            "Only the evaluation body's staff responsible for this assessment may import the service-cloud points",
        ));
    }
    let v = in_force(app);
    let map = mapping(app, &a, v)?;
    if map.is_empty() {
        return Err(Error::NotFound);
    }
    let (shop, platform, figures, as_of) = figures(app, &a, v, &map).await?;
    let Some((platform_id, platform_name)) = platform else {
        return Err(Error::invalid(
            "shop",
            format!("服务云没有店铺 {shop}（企业的统一社会信用代码）的积分事件，没有可导入的数据"),
            format!("The service cloud has no points events of shop {shop} (the enterprise's credit code): nothing to import"),
        ));
    };
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    draft(cur.status).map_err(|_| locked())?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut items = Vec::with_capacity(figures.len());
    for f in figures {
        let before = repo::answer_tx(&mut tx, a.id, &f.indicator).await?;
        let value = json!(f.coefficient);
        let text = note(&f, &shop, &v.id, as_of);
        let held = precedence::held(&mut tx, before.as_ref()).await?;
        let same = held
            .as_ref()
            .is_some_and(|h| h.stored.value == Some(f.coefficient as f64))
            && before.as_ref().is_some_and(|b| b.note == text);
        // earlier platform data is replaced by newer platform data
        let standing = held.as_ref().map(|h| {
            if before.as_ref().and_then(|b| b.source) == Some(Source::Platform) {
                Standing::Platform
            } else {
                h.standing
            }
        });
        let reason = match overwrite(Standing::Platform, standing, same, false) {
            Overwrite::Replace if same => Some("数据未变，答案不变".to_string()),
            Overwrite::Replace => None,
            Overwrite::Unchanged => Some("现有答案与服务云数据相同，答案不变".to_string()),
            Overwrite::Propose | Overwrite::Refuse => Some(format!(
                "现有答案 {} 由 {} 给出（{}），优先于平台数据，保留不变",
                held.as_ref()
                    .and_then(|h| h.stored.value)
                    .map(tianping_core::fmt_num)
                    .unwrap_or_default(),
                held.as_ref().map(|h| h.giver.as_str()).unwrap_or(""),
                standing
                    .map(|s| s.label(tianping_domain::Lang::Zh))
                    .unwrap_or(""),
            )),
        };
        if reason.is_none() {
            repo::put_answer(
                &mut tx,
                &repo::AnswerWrite {
                    assessment_id: a.id,
                    indicator_id: &f.indicator,
                    value_json: Some(&value.to_string()),
                    note: &text,
                    source: Some(Source::Platform),
                    revision: rev,
                    by: u.id,
                    expert_id: None,
                },
            )
            .await?;
        }
        items.push(Item {
            written: reason.is_none(),
            reason,
            fed: f,
        });
    }
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let scored = assessments::score(app, &cur, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    let trace: Vec<_> = items
        .iter()
        .map(|i| {
            json!({
                "indicator": i.fed.indicator, "coefficient": i.fed.coefficient,
                "points": i.fed.points, "events": i.fed.keys.len(), "written": i.written,
                "reason": i.reason,
            })
        })
        .collect();
    audit::append(
        &mut tx,
        &actor(u),
        "points_feed",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!({
            "shop": shop, "platform": platform_id, "platform_name": platform_name,
            "rules_version": v.id, "as_of": as_of.to_rfc3339(), "revision": rev, "items": trace,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(items)
}
