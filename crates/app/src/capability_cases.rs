//! Capability evaluation cases (seed 004 §6, §9; DESIGN I-13, I-18): a body's evaluation of an
//! enterprise as an event log. Every append checks who may enter the event
//! (`tianping_domain::capability_case`), the panel's members against the body's expert pool
//! and conflicts, and the pure rules (`tianping_case::capability::check_next`), then writes in
//! one transaction the event, the cached state (grade's last valid day), what the case
//! publishes (`cases.public_json`), the audit entry and the notices.
//!
//! Decisions on the standard's silences: one capability case per enterprise and body — a new
//! application (9.1, 2 years after the previous accepted one) is appended to it, so the rule
//! sees the previous one; a score typed by hand is accepted only when no on-site assessment
//! is linked (the linked assessment's score wins otherwise). Objections from the public:
//! [`crate::capability_objections`].
//!
//! For the demo: [`apply`] / [`apply_on`] (the enterprise applies, today or on a past day),
//! [`open`] / [`open_on`] (the body admin opens a case for a client with its application),
//! [`append`] (an event as a given user, dated as given: a backdated history is entered event
//! by event in date order, each not after today), [`link_evaluation`]; the expert pool with
//! `capability_objections::set_expert_fields`.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use tianping_case::capability::{self as cap, Context, Outcome};
pub use tianping_case::capability::{Event, EventKind, Grade, Score};
use tianping_case::{CaseKind, Header};
use tianping_domain::capability_case as rules;
use tianping_domain::case::CaseFacts;
use tianping_domain::people::ExpertField;
use tianping_domain::{OrgKind, Role};
use tianping_store::audit;
use tianping_store::cases::{self as store, CaseRow};
use tianping_store::repo::{self, User};
use tianping_store::WriteTx;

use crate::capability_checks as checks;
use crate::cases::{calendar, facts};
use crate::{actor, App, Error, Refusal};

pub use tianping_case::capability::events::{ReviewResult, RevocationReason, Round, RulingResult};

/// The audit name under which a case's on-site capability assessment is linked.
pub const EVALUATION: &str = "evaluation";
/// The scheme of the on-site capability assessment.
pub const SCHEME: &str = "t-cic-capability";

pub(crate) fn context() -> Context<'static> {
    Context {
        calendar: calendar(),
    }
}

fn header() -> Header {
    Header::new(CaseKind::Capability)
}

pub(crate) fn refused(v: Vec<tianping_case::Violation>) -> Error {
    Error::Refused(
        v.into_iter()
            .map(|x| Refusal {
                rule: x.rule.id().to_string(),
                clause: x.clause.to_string(),
                message: tianping_domain::Msg::wrap(
                    "Refused by the capability evaluation rules",
                    x.message,
                ),
            })
            .collect(),
    )
}

/// One stored event of a capability case with who entered it and when.
#[derive(Debug, Clone, Serialize)]
pub struct CapEvent {
    pub seq: i64,
    pub event: Event,
    pub entered_by: Option<i64>,
    pub entered_at: String,
}

fn events_of(rows: &[store::EventRow]) -> Result<Vec<CapEvent>, Error> {
    rows.iter()
        .map(|r| {
            let event: Event = serde_json::from_str(&r.data_json)
                .map_err(|e| Error::Internal(format!("case event {} unreadable: {e}", r.seq)))?;
            Ok(CapEvent {
                seq: r.seq,
                event,
                entered_by: r.entered_by,
                entered_at: r.entered_at.clone(),
            })
        })
        .collect()
}

/// A member of the body's expert pool, as the panel form offers them.
#[derive(Debug, Clone, Serialize)]
pub struct PoolMember {
    pub user_id: i64,
    pub name: String,
    pub fields: Vec<ExpertField>,
    /// A conflict of interest with this case's enterprise lasting today.
    pub conflicted: bool,
}

/// A capability case as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct CapabilityView {
    pub case: CaseRow,
    pub events: Vec<CapEvent>,
    pub as_of: NaiveDate,
    pub outcome: Outcome,
    /// The event types this person may enter.
    pub enterable: Vec<&'static str>,
    /// The linked on-site assessment of `t-cic-capability`.
    pub evaluation: Option<i64>,
    /// The body's expert pool (staff of the body only; empty for others).
    pub pool: Vec<PoolMember>,
    /// The names of the body's staff by user id (for panels; staff of the body only).
    pub staff_names: Vec<(String, String)>,
}

/// The case, if it is a capability case this person sees.
pub async fn get(app: &App, u: &User, id: i64) -> Result<CaseRow, Error> {
    let c = crate::cases::get(app, u, id).await?;
    if c.kind != CaseKind::Capability.as_str() {
        return Err(Error::NotFound);
    }
    Ok(c)
}

/// The body's expert pool for a case's enterprise on `day`.
pub(crate) async fn pool(
    app: &App,
    org: i64,
    enterprise: i64,
    day: NaiveDate,
) -> Result<Vec<PoolMember>, Error> {
    let fields = tianping_store::people::expert_fields_of_org(&app.store, org).await?;
    let conflicts = crate::people::conflicts_for(app, org, enterprise).await?;
    let mut out = Vec::new();
    for u in repo::users_of_org(&app.store, org).await? {
        let f: Vec<ExpertField> = fields
            .iter()
            .filter(|(id, _)| *id == u.id)
            .map(|(_, f)| *f)
            .collect();
        if f.is_empty() || u.disabled != 0 {
            continue;
        }
        let me = u.id.to_string();
        out.push(PoolMember {
            user_id: u.id,
            name: u.name.clone(),
            fields: f,
            conflicted: conflicts.iter().any(|c| c.person == me && c.active_on(day)),
        });
    }
    Ok(out)
}

/// A capability case as of a date (default today).
pub async fn view(
    app: &App,
    u: &User,
    id: i64,
    as_of: Option<NaiveDate>,
) -> Result<CapabilityView, Error> {
    let c = get(app, u, id).await?;
    let events = events_of(&store::events(&app.store, id).await?)?;
    let as_of = as_of.unwrap_or_else(|| app.today());
    let plain: Vec<Event> = events.iter().map(|e| e.event.clone()).collect();
    let outcome = cap::replay(&header(), &plain, as_of, context());
    let body_staff = u.org_id == Some(c.org_id);
    let (pool, staff_names) = if body_staff {
        let names = repo::users_of_org(&app.store, c.org_id)
            .await?
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect();
        (pool(app, c.org_id, c.enterprise_id, as_of).await?, names)
    } else {
        (Vec::new(), Vec::new())
    };
    let evaluation = store::audit_links(&app.store, id)
        .await?
        .into_iter()
        .find(|(a, _)| a == EVALUATION)
        .map(|(_, a)| a);
    Ok(CapabilityView {
        enterable: rules::enterable(&u.principal(), facts(&c)),
        case: c,
        events,
        as_of,
        outcome,
        evaluation,
        pool,
        staff_names,
    })
}

/// The capability case of an enterprise with a body, if there is one.
async fn existing(app: &App, org: i64, enterprise: i64) -> Result<Option<i64>, Error> {
    Ok(store::list(&app.store, Some(org), Some(enterprise))
        .await?
        .into_iter()
        .find(|c| c.kind == CaseKind::Capability.as_str())
        .map(|c| c.id))
}

async fn create(tx: &mut WriteTx, u: &User, org: i64, enterprise: i64) -> Result<i64, Error> {
    repo::engage(tx, org, enterprise).await?;
    let header_json = serde_json::to_string(&header()).unwrap_or_else(|_| "{}".into());
    let id = store::create(
        tx,
        CaseKind::Capability.as_str(),
        org,
        enterprise,
        &header_json,
        u.id,
    )
    .await?;
    audit::append(
        tx,
        &actor(u),
        "case_open",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"procedure": "capability", "org": org, "enterprise": enterprise})),
    )
    .await?;
    Ok(id)
}

/// Apply (as the enterprise, to `org`) or open (as the body admin, for client `enterprise`):
/// the application dated today goes to the pair's capability case, made if there is none.
async fn application(
    app: &App,
    u: &User,
    org: i64,
    enterprise: i64,
    date: NaiveDate,
) -> Result<i64, Error> {
    let event = Event {
        date,
        kind: EventKind::ApplicationReceived {},
    };
    if let Some(id) = existing(app, org, enterprise).await? {
        append(app, u, id, event).await?;
        return Ok(id);
    }
    // the rules first, on the empty case: nothing is made for a refused application
    cap::check_next(&header(), &[], &event, app.today(), context()).map_err(refused)?;
    let mut tx = app.begin().await?;
    let id = create(&mut tx, u, org, enterprise).await?;
    tx.commit().await?;
    match append(app, u, id, event).await {
        Ok(_) => Ok(id),
        Err(e) => {
            let mut tx = app.begin().await?;
            store::delete(&mut tx, id).await?;
            tx.commit().await?;
            Err(e)
        }
    }
}

/// The enterprise applies to a body for a capability evaluation (6.1), dated today. Returns
/// the case id.
pub async fn apply(app: &App, u: &User, org_id: i64) -> Result<i64, Error> {
    apply_on(app, u, org_id, app.today()).await
}

/// [`apply`] with the application dated `date` (not after today): a history entered after
/// the fact, as the demo does.
pub async fn apply_on(app: &App, u: &User, org_id: i64, date: NaiveDate) -> Result<i64, Error> {
    let enterprise = match (u.role, u.enterprise_id) {
        (Role::Enterprise, Some(e)) => e,
        _ => {
            return Err(Error::forbidden(
                "只有企业用户可以申请企业能力评价",
                "Only an enterprise's users may apply",
            ))
        }
    };
    let org = repo::get_org(&app.store, org_id)
        .await?
        .ok_or(Error::NotFound)?;
    if org.kind != OrgKind::Body {
        return Err(Error::invalid(
            "org",
            "请选择一家评价机构",
            "Choose an evaluation body",
        ));
    }
    application(app, u, org_id, enterprise, date).await
}

/// The body's admin opens a capability case for a client with its application dated today.
pub async fn open(app: &App, u: &User, enterprise_id: i64) -> Result<i64, Error> {
    open_on(app, u, enterprise_id, app.today()).await
}

/// [`open`] with the application dated `date` (not after today).
pub async fn open_on(
    app: &App,
    u: &User,
    enterprise_id: i64,
    date: NaiveDate,
) -> Result<i64, Error> {
    let org = u.org_id.ok_or(Error::NotFound)?;
    tianping_domain::case::may_manage(&u.principal(), org)?;
    crate::cases::client_of(app, org, enterprise_id).await?;
    application(app, u, org, enterprise_id, date).await
}

/// The person entering an act is the one named as acting (`by`).
fn stamp_by(kind: &mut EventKind, u: &User) {
    let me = Some(u.id.to_string());
    match kind {
        EventKind::ApplicationReviewed { by, .. }
        | EventKind::VerificationDone { by, .. }
        | EventKind::ObjectionRuled { by, .. }
        | EventKind::Confirmed { by }
        | EventKind::Revoked { by, .. }
        | EventKind::Downgraded { by, .. } => *by = me,
        _ => {}
    }
}

/// What an append did.
#[derive(Debug, Clone, Serialize)]
pub struct Appended {
    pub seq: i64,
    pub state: String,
}

/// Append an event to a capability case: the person's permission, the panel's members, the
/// score of the linked assessment, the rules (refused with each broken rule and its clause),
/// then the event, the cached state, what the case publishes, the audit entry and the
/// notices in one transaction.
pub async fn append(app: &App, u: &User, id: i64, mut event: Event) -> Result<Appended, Error> {
    let c = get(app, u, id).await?;
    rules::may_enter(&u.principal(), facts(&c), event.kind.type_name())?;
    stamp_by(&mut event.kind, u);
    checks::form(&event)?;
    checks::panel(app, &c, &event).await?;
    let mut tx = app.begin().await?;
    store::lock(&mut tx, id).await?.ok_or(Error::NotFound)?;
    if let EventKind::EvaluationCompleted { score, .. } = &mut event.kind {
        if let Some(a) = store::audit_link_tx(&mut tx, id, EVALUATION).await? {
            let s = repo::get_assessment(&app.store, a)
                .await?
                .and_then(|a| a.score)
                .ok_or_else(|| {
                    Error::invalid(
                        "score",
                        "关联的现场评价还没有得分：请先完成评分",
                        "The linked assessment has no score yet",
                    )
                })?;
            *score = Score::new(s).map_err(|m| Error::invalid("score", m, "Score out of range"))?;
            checks::panel_scored(app, &mut tx, id, a).await?;
        }
    }
    let (_, c) = write(app, &mut tx, &c, Some(u), event).await?;
    tx.commit().await?;
    Ok(c)
}

/// Check and write an event in the caller's transaction (the case locked): event, cache,
/// public view, audit entry, notices. `u`: who entered it (none: the public).
pub(crate) async fn write(
    app: &App,
    tx: &mut WriteTx,
    c: &CaseRow,
    u: Option<&User>,
    event: Event,
) -> Result<(Outcome, Appended), Error> {
    let today = app.today();
    let stored = events_of(&store::events_tx(tx, c.id).await?)?;
    let mut events: Vec<Event> = stored.into_iter().map(|e| e.event).collect();
    cap::check_next(&header(), &events, &event, today, context()).map_err(refused)?;
    let seq = events.len() as i64;
    let data = serde_json::to_string(&event).map_err(|x| Error::Internal(x.to_string()))?;
    let t = event.kind.type_name();
    store::append(
        tx,
        c.id,
        seq,
        t,
        &event.date.to_string(),
        &data,
        u.map(|u| u.id),
    )
    .await?;
    let who = match u {
        Some(u) => actor(u),
        None => audit::Actor {
            id: None,
            label: "public".into(),
        },
    };
    audit::append(
        tx,
        &who,
        "case_event",
        "case",
        &c.id.to_string(),
        None,
        Some(&json!({"seq": seq, "type": t, "date": event.date.to_string()})),
    )
    .await?;
    events.push(event.clone());
    let outcome = cap::replay(&header(), &events, today, context());
    let valid_until = outcome
        .case
        .conclusion
        .as_ref()
        .and_then(|r| r.valid_until)
        .map(|d| d.to_string());
    store::set_cache(
        tx,
        c.id,
        outcome.state.as_str(),
        None,
        valid_until.as_deref(),
    )
    .await?;
    let public = tianping_case::public::capability(&outcome.case);
    let public_json = if public.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&public).map_err(|x| Error::Internal(x.to_string()))?)
    };
    store::set_public(tx, c.id, public_json.as_deref()).await?;
    crate::capability_notify::event(app, tx, c, &event, &outcome).await?;
    let state = outcome.state.as_str().to_string();
    Ok((outcome, Appended { seq, state }))
}

/// Link the body's on-site capability assessment of the enterprise (`t-cic-capability`) to
/// the case: the preliminary result reads its score.
pub async fn link_evaluation(
    app: &App,
    u: &User,
    id: i64,
    assessment_id: i64,
) -> Result<(), Error> {
    let c = get(app, u, id).await?;
    tianping_domain::case::may_manage(&u.principal(), c.org_id)?;
    let a = repo::get_assessment(&app.store, assessment_id)
        .await?
        .ok_or(Error::NotFound)?;
    if a.enterprise_id != c.enterprise_id || a.org_id != Some(c.org_id) || a.scheme != SCHEME {
        return Err(Error::invalid(
            "assessment",
            "评价须为本机构对该企业的企业能力评价（t-cic-capability）",
            "The assessment must be this body's t-cic-capability assessment of the enterprise",
        ));
    }
    let mut tx = app.begin().await?;
    store::link_audit(&mut tx, id, EVALUATION, assessment_id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_link_evaluation",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"assessment": assessment_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The facts the permission rules read of a case (for the objections list).
pub(crate) fn case_facts(c: &CaseRow) -> CaseFacts {
    facts(c)
}
