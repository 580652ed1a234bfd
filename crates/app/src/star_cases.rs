//! Star-rating cases (seed 000 §6, §8; DESIGN I-5, I-6, I-19): an enterprise's stars with one
//! body as an event log. The enterprise applies (`apply`), the body records what an
//! evaluation supports — from a linked T11/AII assessment (`link_result`) or typed by hand —,
//! awards, supervises yearly, lowers or blacklists and lifts (`append`). Every append asks the
//! pure rules (`tianping_case::stars::check_next`) and writes, in one transaction, the event,
//! the cached fold, what the case publishes (`tianping_case::public::stars`), the audit entry
//! and the parties' notifications. Views replay the events as of a date.
//!
//! Decisions on the standard's silences (also in the README):
//! - One case per enterprise and body: a further application is appended to it (the stars,
//!   supervisions and blacklist are the enterprise's history with that body).
//! - A linked result is a submitted assessment of `t11-aii-001-2020` of the same enterprise;
//!   an on-site one must have been made by the case's body. Its mode decides the result's
//!   mode; its stars are the engine's comprehensive stars (表3) before the application rules
//!   (those are the case's rules); an on-site result carries the single-dimension stars the
//!   engine gives (表1), a dimension with none left out.
//! - A result is typed by hand (`star_result` through `append`) only while no assessment is
//!   linked to the case; once one is, every result comes from a linked assessment.
//! - The award form proposes the most stars `check_next` allows today, trying 5 down to 1,
//!   and says why each higher count is refused.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use tianping_case::public::{self, PublicView};
use tianping_case::stars::{self, Outcome};
pub use tianping_case::stars::{Event, EventKind, Mode, StarCount};
use tianping_case::{CaseKind, Header, Violation};
use tianping_domain::case::{may_see, CaseFacts};
use tianping_domain::case_notify::CaseNews;
use tianping_domain::notify::Notice;
use tianping_domain::star_case as rules;
use tianping_domain::{Msg, OrgKind, Role};
use tianping_store::audit;
use tianping_store::cases::{self as store, CaseRow};
use tianping_store::repo::{self, User};
use tianping_store::WriteTx;

use crate::{actor, App, Error, Refusal};

/// The scheme whose assessments give a star case its results.
pub const STAR_SCHEME: &str = "t11-aii-001-2020";

/// One stored event with who entered it and when.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: Event,
    pub entered_by: Option<i64>,
    pub entered_at: String,
}

/// The award the form proposes: the most stars allowed today and why more is not.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// 0: no award is allowed now.
    pub stars: u8,
    /// The single-dimension stars of the application's on-site result, to issue with it.
    pub dimension_stars: Option<std::collections::BTreeMap<String, u8>>,
    /// Why each higher count is refused: (stars, the rules' messages).
    pub higher: Vec<(u8, Vec<String>)>,
}

/// A star case as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct StarView {
    pub case: CaseRow,
    pub events: Vec<StoredEvent>,
    pub as_of: NaiveDate,
    pub outcome: Outcome,
    /// What the case publishes (today's fold).
    pub public: PublicView,
    /// The event types this person may enter.
    pub enterable: Vec<&'static str>,
    /// Assessments linked as results: ("result-<seq>", assessment id), `seq` the number of
    /// the `star_result` event they gave.
    pub results: Vec<(String, i64)>,
    /// For a person who may award: the proposal (as of today).
    pub proposal: Option<Proposal>,
}

/// What an append did.
#[derive(Debug, Clone, Serialize)]
pub struct Appended {
    pub seq: i64,
    pub state: String,
}

pub(crate) fn facts(c: &CaseRow) -> CaseFacts {
    CaseFacts {
        org_id: c.org_id,
        enterprise_id: c.enterprise_id,
    }
}

fn header() -> Header {
    Header::new(CaseKind::Stars)
}

/// The rules' violations as a refusal, each with its rule and clause.
pub(crate) fn refused(v: Vec<Violation>) -> Error {
    Error::Refused(
        v.into_iter()
            .map(|x| Refusal {
                rule: x.rule.id().to_string(),
                clause: x.clause.to_string(),
                message: Msg::wrap("Refused by the star rating rules", x.message),
            })
            .collect(),
    )
}

pub(crate) fn parse(rows: &[store::EventRow]) -> Result<Vec<StoredEvent>, Error> {
    rows.iter()
        .map(|r| {
            let event: Event = serde_json::from_str(&r.data_json)
                .map_err(|e| Error::Internal(format!("star event {} unreadable: {e}", r.seq)))?;
            Ok(StoredEvent {
                seq: r.seq,
                event,
                entered_by: r.entered_by,
                entered_at: r.entered_at.clone(),
            })
        })
        .collect()
}

/// The star case, if this person sees it (else not found; a case of another kind is not
/// found either).
pub async fn get(app: &App, u: &User, id: i64) -> Result<CaseRow, Error> {
    let c = store::get(&app.store, id).await?.ok_or(Error::NotFound)?;
    may_see(&u.principal(), facts(&c))?;
    if c.kind != CaseKind::Stars.as_str() {
        return Err(Error::NotFound);
    }
    Ok(c)
}

async fn events_of(app: &App, id: i64) -> Result<Vec<StoredEvent>, Error> {
    parse(&store::events(&app.store, id).await?)
}

/// The enterprise applies to a body for a star rating, by online self-evaluation or with the
/// body's on-site audit (§6.1): the enterprise's case with that body (created on the first
/// application) gets `star_applied` dated today. Returns the case id.
pub async fn apply(app: &App, u: &User, org_id: i64, mode: Mode) -> Result<i64, Error> {
    apply_on(app, u, org_id, mode, app.today()).await
}

/// [`apply`] on a given day (not after today: the rules refuse it). For imports and the demo.
pub async fn apply_on(
    app: &App,
    u: &User,
    org_id: i64,
    mode: Mode,
    date: NaiveDate,
) -> Result<i64, Error> {
    let enterprise = match (u.role, u.enterprise_id) {
        (Role::Enterprise, Some(e)) => e,
        _ => {
            return Err(Error::forbidden(
                "只有企业用户可以申请星级评价",
                "Only an enterprise's users may apply for a star rating",
            ))
        }
    };
    let org = repo::get_org(&app.store, org_id)
        .await?
        .ok_or_else(bad_org)?;
    if org.kind != OrgKind::Body {
        return Err(bad_org());
    }
    let existing = store::list(&app.store, Some(org_id), Some(enterprise))
        .await?
        .into_iter()
        .find(|c| c.kind == CaseKind::Stars.as_str());
    let event = Event {
        date,
        kind: EventKind::StarApplied { mode },
    };
    if let Some(c) = existing {
        append(app, u, c.id, event).await?;
        return Ok(c.id);
    }
    let mut tx = app.begin().await?;
    repo::engage(&mut tx, org_id, enterprise).await?;
    let header_json = serde_json::to_string(&header()).unwrap_or_else(|_| "{}".into());
    let id = store::create(
        &mut tx,
        CaseKind::Stars.as_str(),
        org_id,
        enterprise,
        &header_json,
        u.id,
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_open",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"procedure": "stars", "org": org_id, "enterprise": enterprise})),
    )
    .await?;
    let c = store::lock(&mut tx, id).await?.ok_or(Error::NotFound)?;
    write(app, &mut tx, u, &c, Vec::new(), event).await?;
    tx.commit().await?;
    Ok(id)
}

fn bad_org() -> Error {
    Error::invalid(
        "org_id",
        "请选择一家评价机构（第三方机构）",
        "Choose an evaluation body",
    )
}

/// The person entering a decision is the one named as deciding (`by`).
fn stamp_by(kind: &mut EventKind, u: &User) {
    let me = u.id.to_string();
    match kind {
        EventKind::StarAwarded { by, .. }
        | EventKind::StarLowered { by, .. }
        | EventKind::Blacklisted { by, .. }
        | EventKind::BlacklistLifted { by, .. } => *by = me,
        EventKind::SupervisionCompleted { by, .. } => *by = Some(me),
        _ => {}
    }
}

/// Append an event to a star case: the person's permission, the rules (refused with each
/// broken rule and its clause), then in one transaction the event, the cached fold, what the
/// case publishes, the audit entry and the notifications.
pub async fn append(app: &App, u: &User, id: i64, mut event: Event) -> Result<Appended, Error> {
    let c = get(app, u, id).await?;
    rules::may_enter(&u.principal(), facts(&c), event.kind.type_name())?;
    stamp_by(&mut event.kind, u);
    if matches!(event.kind, EventKind::StarResult { .. })
        && !store::audit_links(&app.store, id).await?.is_empty()
    {
        return Err(Error::Refused(vec![Refusal {
            rule: "star_result_linked".into(),
            clause: "6".into(),
            message: Msg::new(
                "本案卷的评价结果来自关联的评价：请关联评价（线上自评或现场审查），结果不能手工填写",
                "This case's results come from linked assessments: link one instead of typing a result",
            ),
        }]));
    }
    let mut tx = app.begin().await?;
    let c = store::lock(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let events: Vec<Event> = parse(&store::events_tx(&mut tx, id).await?)?
        .into_iter()
        .map(|e| e.event)
        .collect();
    let done = write(app, &mut tx, u, &c, events, event).await?;
    tx.commit().await?;
    Ok(done)
}

/// Check and write one event in the caller's transaction (the case locked).
pub(crate) async fn write(
    app: &App,
    tx: &mut WriteTx,
    u: &User,
    c: &CaseRow,
    mut events: Vec<Event>,
    event: Event,
) -> Result<Appended, Error> {
    let today = app.today();
    stars::check_next(&header(), &events, &event, today).map_err(refused)?;
    let seq = events.len() as i64;
    let data = serde_json::to_string(&event).map_err(|x| Error::Internal(x.to_string()))?;
    let t = event.kind.type_name();
    store::append(tx, c.id, seq, t, &event.date.to_string(), &data, Some(u.id)).await?;
    audit::append(
        tx,
        &actor(u),
        "case_event",
        "case",
        &c.id.to_string(),
        None,
        Some(&json!({"seq": seq, "type": t, "date": event.date.to_string()})),
    )
    .await?;
    events.push(event.clone());
    let outcome = stars::replay(&header(), &events, today);
    store::set_cache(tx, c.id, outcome.state.as_str(), None, None).await?;
    let view = public::stars(&outcome.case);
    let public_json = if view.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&view).map_err(|x| Error::Internal(x.to_string()))?)
    };
    store::set_public(tx, c.id, public_json.as_deref()).await?;
    notify(app, tx, u, c, &event).await?;
    Ok(Appended {
        seq,
        state: outcome.state.as_str().to_string(),
    })
}

/// An event in a few words for the notice: “授予三星级”.
pub fn summary(e: &EventKind) -> String {
    use tianping_case::stars::events::star_word;
    match e {
        EventKind::StarApplied { mode } => format!("申请星级评价（{}）", mode.name_zh()),
        EventKind::StarResult { mode, stars, .. } => {
            format!("{}结果支持{}", mode.name_zh(), star_word(stars.get()))
        }
        EventKind::StarAwarded { stars, .. } => format!("授予{}", star_word(stars.get())),
        EventKind::SupervisionCompleted {
            stars, spot_check, ..
        } => format!(
            "{}完成，结果支持{}",
            if *spot_check {
                "抽查验证"
            } else {
                "监督审查"
            },
            star_word(stars.get())
        ),
        EventKind::StarLowered { stars, reason, .. } => format!(
            "星级降至{}{}",
            star_word(stars.get()),
            reason
                .as_deref()
                .map(|r| format!("：{r}"))
                .unwrap_or_default()
        ),
        EventKind::Blacklisted { reason, .. } => format!("列入黑名单：{reason}"),
        EventKind::BlacklistLifted { reason, .. } => format!(
            "移出黑名单{}",
            reason
                .as_deref()
                .map(|r| format!("：{r}"))
                .unwrap_or_default()
        ),
    }
}

/// The enterprise's users and the body's admins hear of every event (the one entering it
/// excepted); the deciders of a result that waits for their decision.
async fn notify(
    app: &App,
    tx: &mut WriteTx,
    me: &User,
    c: &CaseRow,
    e: &Event,
) -> Result<(), Error> {
    let mut to = tianping_store::notify::members(tx, c.enterprise_id).await?;
    to.extend(
        tianping_store::notify::staff(tx, c.org_id)
            .await?
            .into_iter()
            .filter(|s| {
                s.role == Role::BodyAdmin
                    || (s.role == Role::Decider && matches!(e.kind, EventKind::StarResult { .. }))
            }),
    );
    let notice = Notice::CaseEvent {
        case_id: c.id,
        enterprise: c.enterprise_name.clone(),
        org: c.org_name.clone(),
        date: e.date.to_string(),
        certificate: None,
        news: CaseNews::StarEvent {
            kind: e.kind.type_name().to_string(),
            summary: summary(&e.kind),
        },
    };
    to.retain(|x| x.id != me.id);
    crate::notify::send(app, tx, &to, &notice).await?;
    Ok(())
}

/// A star case as of a date (default today).
pub async fn view(
    app: &App,
    u: &User,
    id: i64,
    as_of: Option<NaiveDate>,
) -> Result<StarView, Error> {
    let c = get(app, u, id).await?;
    let events = events_of(app, id).await?;
    let today = app.today();
    let as_of = as_of.unwrap_or(today);
    let plain: Vec<Event> = events.iter().map(|e| e.event.clone()).collect();
    let outcome = stars::replay(&header(), &plain, as_of);
    let now = stars::replay(&header(), &plain, today);
    let enterable = rules::enterable(&u.principal(), facts(&c));
    let proposal = enterable
        .contains(&"star_awarded")
        .then(|| propose(u, &plain, &now, today));
    Ok(StarView {
        public: public::stars(&now.case),
        results: store::audit_links(&app.store, id).await?,
        case: c,
        events,
        as_of,
        outcome,
        enterable,
        proposal,
    })
}

/// The most stars `check_next` allows to be awarded today (5 down to 1) with the on-site
/// result's single-dimension stars, and why each higher count is refused.
fn propose(u: &User, events: &[Event], now: &Outcome, today: NaiveDate) -> Proposal {
    let dims = now
        .case
        .open_application()
        .and_then(|a| a.latest_of(Mode::Onsite))
        .and_then(|r| r.dimension_stars.clone())
        .map(|m| {
            m.into_iter()
                .filter(|(_, s)| *s > 0)
                .collect::<std::collections::BTreeMap<_, _>>()
        })
        .filter(|m| !m.is_empty());
    let as_count = |m: &std::collections::BTreeMap<String, u8>| {
        m.iter()
            .filter_map(|(k, v)| StarCount::new(*v).map(|s| (k.clone(), s)))
            .collect()
    };
    let mut higher = Vec::new();
    for n in (1..=StarCount::MAX).rev() {
        let Some(count) = StarCount::new(n) else {
            continue;
        };
        let award = |dimension_stars| Event {
            date: today,
            kind: EventKind::StarAwarded {
                stars: count,
                by: u.id.to_string(),
                dimension_stars,
            },
        };
        match stars::check_next(&header(), events, &award(None), today) {
            Ok(()) => {
                // the dimension stars go with it only when the rules accept them too
                let dims = dims.filter(|d| {
                    stars::check_next(&header(), events, &award(Some(as_count(d))), today).is_ok()
                });
                return Proposal {
                    stars: n,
                    dimension_stars: dims,
                    higher,
                };
            }
            Err(v) => higher.push((n, v.into_iter().map(|x| x.message).collect())),
        }
    }
    Proposal {
        stars: 0,
        dimension_stars: None,
        higher,
    }
}

/// The star cases this person sees (of every kind the list holds, the stars ones).
pub async fn list(app: &App, u: &User) -> Result<Vec<CaseRow>, Error> {
    Ok(crate::cases::list(app, u)
        .await?
        .into_iter()
        .filter(|c| c.kind == CaseKind::Stars.as_str())
        .collect())
}

pub use crate::star_results::link_result;
pub use crate::star_stages::{stages, StageReport, StageRow};
