//! Certification cases (DESIGN I-16, I-17): a body's client as an event log. Every append
//! loads the case's events, asks the pure rules (`tianping_case::certification::check_next`)
//! and writes the event with the cached fold and its audit entry in one transaction; a grant
//! issues the certificate with the next number of the body's series in the same transaction.
//! Views replay the events (`replay`) as of a date.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;
use tianping_case::certification::checklist::{grant_conditions, Condition};
use tianping_case::certification::events::{AuditKind, DecisionResult, ReviewResult, TeamRole};
use tianping_case::certification::programme::{programme, ProgrammeItem};
use tianping_case::certification::{self as cert, Conflict, Context, EventKind, Outcome};
use tianping_case::{CaseKind, Header, Person, Violation};
use tianping_domain::case::{self as rules, CaseFacts};
use tianping_domain::{Msg, Role};
use tianping_store::audit;
use tianping_store::cases::{self as store, CaseRow, EventRow};
use tianping_store::repo::{self, User};
use tianping_store::WriteTx;

use crate::{actor, App, Error, Refusal};

pub use tianping_case::certification::events::EventKind as Kind;
pub use tianping_case::certification::Event;
pub use tianping_store::cases::{CaseFile, CaseRow as Row};

/// Every event type of a certification case (I-17).
pub const EVENT_TYPES: &[&str] = Kind::TYPES;

/// The built-in working-day calendar and Annex A's audit-time table, loaded once.
pub fn calendar() -> &'static Calendar {
    static C: OnceLock<Calendar> = OnceLock::new();
    C.get_or_init(Calendar::builtin)
}

pub fn audit_time_table() -> &'static AuditTimeTable {
    static T: OnceLock<AuditTimeTable> = OnceLock::new();
    T.get_or_init(AuditTimeTable::builtin)
}

/// Today in China (UTC+8), the day events are entered on.
pub fn today(app: &App) -> NaiveDate {
    app.today()
}

/// One stored event with who entered it and when.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: Event,
    pub entered_by: Option<i64>,
    pub entered_at: String,
}

/// A case as a page, the API and exports show it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case: CaseRow,
    pub header: Header,
    pub events: Vec<StoredEvent>,
    pub as_of: NaiveDate,
    pub outcome: Outcome,
    /// The event types this person may enter.
    pub enterable: Vec<&'static str>,
    /// The audit programme of the current cycle (8.1.3.3), from the fold.
    pub programme: Vec<ProgrammeItem>,
    /// Who and what a certificate names (003 Annex C): the holder's record and the standard.
    pub holder: Option<repo::Enterprise>,
    /// The standard and its edition (the scheme's name and version).
    pub standard: String,
    /// Checklist assessments of the audits: (audit, assessment id).
    pub checklists: Vec<(String, i64)>,
    pub files: Vec<CaseFile>,
}

pub(crate) fn facts(c: &CaseRow) -> CaseFacts {
    CaseFacts {
        org_id: c.org_id,
        enterprise_id: c.enterprise_id,
    }
}

pub(crate) fn refused(v: Vec<Violation>) -> Error {
    Error::Refused(
        v.into_iter()
            .map(|x| Refusal {
                rule: x.rule.id().to_string(),
                clause: x.clause.to_string(),
                message: Msg::wrap("Refused by the certification rules", x.message),
            })
            .collect(),
    )
}

pub(crate) fn parse_events(rows: &[EventRow]) -> Result<Vec<StoredEvent>, Error> {
    rows.iter()
        .map(|r| {
            let event: Event = serde_json::from_str(&r.data_json)
                .map_err(|e| Error::Internal(format!("case event {} unreadable: {e}", r.seq)))?;
            Ok(StoredEvent {
                seq: r.seq,
                event,
                entered_by: r.entered_by,
                entered_at: r.entered_at.clone(),
            })
        })
        .collect()
}

/// The case, if this person sees it (else not found).
pub async fn get(app: &App, u: &User, id: i64) -> Result<CaseRow, Error> {
    let c = store::get(&app.store, id).await?.ok_or(Error::NotFound)?;
    rules::may_see(&u.principal(), facts(&c))?;
    Ok(c)
}

/// A certification case; a case of another kind (its own module reads it) is not found here.
fn certification(c: CaseRow) -> Result<CaseRow, Error> {
    if c.kind == CaseKind::Certification.as_str() {
        Ok(c)
    } else {
        Err(Error::NotFound)
    }
}

/// The people a case's events name: the header of an imported history, and the body's
/// staff (id = user id) with their roles and their competence records valid today — complete
/// records, so that an auditor without CCAA and EEPC is refused (8.1.4.1).
pub(crate) async fn header_of(app: &App, c: &CaseRow) -> Result<Header, Error> {
    Ok(header_with(c, &staff_people(app, c.org_id).await?))
}

/// A body's staff as the case rules describe people (one read for many of its cases).
pub(crate) async fn staff_people(app: &App, org: i64) -> Result<Vec<Person>, Error> {
    let mut out = Vec::new();
    for u in repo::users_of_org(&app.store, org).await? {
        out.push(Person {
            id: u.id.to_string(),
            name: Some(u.name.clone()),
            roles: vec![u.role.as_str().to_string()],
            competence: crate::people::competence_strings(app, u.id).await?,
            records_complete: true,
        });
    }
    Ok(out)
}

/// A case's header with the body's staff added where the stored header does not name them.
pub(crate) fn header_with(c: &CaseRow, staff: &[Person]) -> Header {
    let mut header: Header = serde_json::from_str(&c.header_json)
        .unwrap_or_else(|_| Header::new(CaseKind::Certification));
    for p in staff {
        if header.person(&p.id).is_none() {
            header.people.push(p.clone());
        }
    }
    header
}

/// The conflicts of interest the body's people declared with this client.
pub(crate) async fn conflicts_of(app: &App, c: &CaseRow) -> Result<Vec<Conflict>, Error> {
    crate::people::conflicts_for(app, c.org_id, c.enterprise_id).await
}

pub(crate) fn context<'a>(conflicts: &'a [Conflict]) -> Context<'a> {
    Context {
        calendar: calendar(),
        audit_time: audit_time_table(),
        conflicts,
    }
}

/// A case as of a date (default today).
pub async fn view(
    app: &App,
    u: &User,
    id: i64,
    as_of: Option<NaiveDate>,
) -> Result<CaseView, Error> {
    let c = certification(get(app, u, id).await?)?;
    let header = header_of(app, &c).await?;
    let events = parse_events(&store::events(&app.store, id).await?)?;
    let conflicts = conflicts_of(app, &c).await?;
    let as_of = as_of.unwrap_or_else(|| today(app));
    let plain: Vec<Event> = events.iter().map(|e| e.event.clone()).collect();
    let outcome = cert::replay(&header, &plain, as_of, context(&conflicts));
    let programme = programme(&outcome.case, context(&conflicts));
    let holder = repo::get_enterprise(&app.store, c.enterprise_id).await?;
    let standard = app
        .catalog
        .get("eepc-certification")
        .map(|s| {
            format!(
                "{}（方案版本 {}）",
                s.standard,
                &s.version[..s.version.len().min(12)]
            )
        })
        .unwrap_or_default();
    Ok(CaseView {
        programme,
        holder,
        standard,
        enterable: rules::enterable(&u.principal(), facts(&c)),
        checklists: store::audit_links(&app.store, id).await?,
        files: store::files(&app.store, id).await?,
        case: c,
        header,
        events,
        as_of,
        outcome,
    })
}

/// The cases this person sees: a body's staff their body's, an enterprise its own, the
/// platform every case.
pub async fn list(app: &App, u: &User) -> Result<Vec<CaseRow>, Error> {
    Ok(match u.role {
        Role::Enterprise => match u.enterprise_id {
            Some(e) => store::list(&app.store, None, Some(e)).await?,
            None => Vec::new(),
        },
        Role::BodyAdmin | Role::Auditor | Role::Decider => match u.org_id {
            Some(o) => store::list(&app.store, Some(o), None).await?,
            None => Vec::new(),
        },
        Role::Operator | Role::Sysadmin => store::list(&app.store, None, None).await?,
        Role::Expert => Vec::new(),
    })
}

/// The body's admin opens a certification case for an enterprise that engaged the body.
/// Returns the case id.
pub async fn open(app: &App, u: &User, enterprise_id: i64) -> Result<i64, Error> {
    let org = u.org_id.ok_or(Error::NotFound)?;
    rules::may_manage(&u.principal(), org)?;
    client_of(app, org, enterprise_id).await?;
    let mut tx = app.begin().await?;
    let id = create_case(
        &mut tx,
        u,
        org,
        enterprise_id,
        &Header::new(CaseKind::Certification),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A body opens cases only for enterprises that engaged it (the enterprise's own choice);
/// any other enterprise is not found.
pub(crate) async fn client_of(app: &App, org: i64, enterprise_id: i64) -> Result<(), Error> {
    repo::get_enterprise(&app.store, enterprise_id)
        .await?
        .ok_or(Error::NotFound)?;
    if repo::is_engaged(&app.store, org, enterprise_id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

pub(crate) async fn create_case(
    tx: &mut WriteTx,
    u: &User,
    org: i64,
    enterprise_id: i64,
    header: &Header,
) -> Result<i64, Error> {
    repo::engage(tx, org, enterprise_id).await?;
    let header_json = serde_json::to_string(header).unwrap_or_else(|_| "{}".into());
    let id = store::create(
        tx,
        header.case.as_str(),
        org,
        enterprise_id,
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
        Some(&json!({"procedure": header.case.as_str(), "org": org, "enterprise": enterprise_id})),
    )
    .await?;
    Ok(id)
}

/// The enterprise applies to a body for certification: a new case whose first event is the
/// application. Returns the case id.
pub async fn apply(app: &App, u: &User, org_id: i64, application: Event) -> Result<i64, Error> {
    let enterprise = match (u.role, u.enterprise_id) {
        (Role::Enterprise, Some(e)) => e,
        _ => {
            return Err(Error::forbidden(
                "只有企业用户可以提出认证申请",
                "Only an enterprise's users may apply",
            ))
        }
    };
    let org = repo::get_org(&app.store, org_id)
        .await?
        .ok_or(Error::NotFound)?;
    if org.kind != tianping_domain::OrgKind::Body {
        return Err(Error::invalid(
            "org",
            "请选择一家认证机构",
            "Choose a certification body",
        ));
    }
    if !matches!(application.kind, EventKind::ApplicationReceived { .. }) {
        return Err(Error::invalid(
            "type",
            "认证申请的第一个事件应为收到认证申请（application_received）",
            "A case starts with application_received",
        ));
    }
    let mut tx = app.begin().await?;
    let id = create_case(
        &mut tx,
        u,
        org_id,
        enterprise,
        &Header::new(CaseKind::Certification),
    )
    .await?;
    tx.commit().await?;
    match append(app, u, id, application).await {
        Ok(_) => Ok(id),
        Err(e) => {
            // an application the rules refuse leaves no empty case behind
            let mut tx = app.begin().await?;
            store::delete(&mut tx, id).await?;
            tx.commit().await?;
            Err(e)
        }
    }
}

/// The person entering an act is the one named as acting (`by`).
fn stamp_by(kind: &mut EventKind, u: &User) {
    let me = u.id.to_string();
    match kind {
        EventKind::ApplicationReviewed { by, .. } => *by = Some(me),
        EventKind::CorrectionAccepted { by, .. }
        | EventKind::Decision { by, .. }
        | EventKind::SurveillanceExtensionApproved { by, .. }
        | EventKind::Restored { by }
        | EventKind::AppealDecided { by, .. }
        | EventKind::ComplaintClosed { by, .. } => *by = me,
        _ => {}
    }
}

/// Checks of an event that need the database: team members are staff of the body, an
/// auditor acts only on an audit whose team they are on.
async fn check_people(
    app: &App,
    u: &User,
    c: &CaseRow,
    e: &Event,
    events: &[Event],
) -> Result<(), Error> {
    if let EventKind::AuditPlanned { team, .. } = &e.kind {
        let staff = repo::users_of_org(&app.store, c.org_id).await?;
        for m in team {
            let person = m
                .person
                .parse::<i64>()
                .ok()
                .and_then(|id| staff.iter().find(|s| s.id == id));
            let ok = match (person, m.role) {
                (Some(p), TeamRole::TechnicalExpert) => {
                    p.disabled == 0 && matches!(p.role, Role::Expert | Role::Auditor)
                }
                (Some(p), _) => {
                    p.disabled == 0 && matches!(p.role, Role::Auditor | Role::BodyAdmin)
                }
                (None, _) => false,
            };
            if !ok {
                return Err(Error::invalid(
                    "team",
                    format!(
                        "审核组成员 {} 不是本机构在职的审核员（技术专家可为专家）",
                        m.person
                    ),
                    format!(
                        "Team member {} is not an active auditor (or expert) of the body",
                        m.person
                    ),
                ));
            }
        }
    }
    if u.role == Role::Auditor {
        let audit = match &e.kind {
            EventKind::AuditCompleted { audit, .. } => Some(audit.clone()),
            EventKind::CorrectionAccepted { finding, .. } => {
                events.iter().find_map(|x| match &x.kind {
                    EventKind::AuditCompleted {
                        audit, findings, ..
                    } if findings.iter().any(|f| &f.id == finding) => Some(audit.clone()),
                    _ => None,
                })
            }
            _ => None,
        };
        let me = u.id.to_string();
        let on_team = audit.is_some_and(|a| {
            events.iter().any(|x| matches!(&x.kind, EventKind::AuditPlanned { audit, team, .. } if *audit == a && team.iter().any(|m| m.person == me)))
        });
        if !on_team {
            return Err(Error::forbidden(
                "只有该审核的审核组成员可以记录审核结果和接受纠正",
                "Only a member of the audit's team may record this",
            ));
        }
    }
    Ok(())
}

/// What an append did.
#[derive(Debug, Clone, Serialize)]
pub struct Appended {
    /// The number of the appended event in the case (0-based); a certificate a grant issued
    /// follows it.
    pub seq: i64,
    /// The certificate a grant issued.
    pub certificate: Option<String>,
    pub state: String,
}

/// Append an event to a case: the person's permission, the rules (refused with each broken
/// rule and its clause), then the event, a certificate for a grant, the cached fold and the
/// audit entry in one transaction.
pub async fn append(app: &App, u: &User, id: i64, mut event: Event) -> Result<Appended, Error> {
    let c = certification(get(app, u, id).await?)?;
    rules::may_enter(&u.principal(), facts(&c), event.kind.type_name())?;
    stamp_by(&mut event.kind, u);
    if let EventKind::ApplicationReviewed {
        result: ReviewResult::Accepted,
        ..
    } = &event.kind
    {
        // an application is accepted only with its documents complete (8.1.2.2)
        let missing = crate::case_files::missing_documents(app, u, id).await?;
        tianping_domain::case_files::acceptance(&missing).map_err(|m| {
            Error::Refused(vec![Refusal {
                rule: "application_complete".into(),
                clause: "8.1.2.2".into(),
                message: Msg::wrap("The application's documents are not complete", m),
            }])
        })?;
    }
    let header = header_of(app, &c).await?;
    let conflicts = conflicts_of(app, &c).await?;
    let today = today(app);

    let mut tx = app.begin().await?;
    store::lock(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let stored = parse_events(&store::events_tx(&mut tx, id).await?)?;
    let mut events: Vec<Event> = stored.into_iter().map(|e| e.event).collect();
    check_people(app, u, &c, &event, &events).await?;
    if let EventKind::AuditCompleted { audit, score, .. } = &mut event.kind {
        if score.is_none() {
            if let Some(a) = store::audit_link_tx(&mut tx, id, audit).await? {
                *score = repo::get_assessment(&app.store, a)
                    .await?
                    .and_then(|a| a.score);
            }
        }
    }
    cert::check_next(&header, &events, &event, today, context(&conflicts)).map_err(refused)?;
    let mut certificate = None;
    let seq = events.len() as i64;
    write_event(&mut tx, u, id, seq, &event).await?;
    let grant = matches!(
        &event.kind,
        EventKind::Decision { result: DecisionResult::Grant, audit, .. }
            if events.iter().any(|x| matches!(&x.kind, EventKind::AuditPlanned { audit: a, kind: AuditKind::Stage2 | AuditKind::Recertification, .. } if a == audit))
    );
    let reissue = matches!(event.kind, EventKind::ScopeChanged { .. });
    events.push(event.clone());
    if grant || reissue {
        let number = next_number(&mut tx, &c, event.date).await?;
        let issue = Event {
            date: event.date,
            kind: EventKind::CertificateIssued {
                number: number.clone(),
            },
        };
        cert::check_next(&header, &events, &issue, today, context(&conflicts)).map_err(refused)?;
        write_event(&mut tx, u, id, events.len() as i64, &issue).await?;
        events.push(issue);
        certificate = Some(number);
    }
    let outcome = cert::replay(&header, &events, today, context(&conflicts));
    let cache = outcome.certificate.as_ref();
    store::set_cache(
        &mut tx,
        id,
        outcome.state.as_str(),
        cache.map(|x| x.number.as_str()),
        cache.map(|x| x.valid_until.to_string()).as_deref(),
    )
    .await?;
    crate::case_notify::event(
        app,
        &mut tx,
        &c,
        &event,
        certificate.as_deref(),
        &outcome.case,
    )
    .await?;
    tx.commit().await?;
    Ok(Appended {
        seq,
        certificate,
        state: outcome.state.as_str().to_string(),
    })
}

async fn write_event(
    tx: &mut WriteTx,
    u: &User,
    id: i64,
    seq: i64,
    e: &Event,
) -> Result<(), Error> {
    let data = serde_json::to_string(e).map_err(|x| Error::Internal(x.to_string()))?;
    store::append(
        tx,
        id,
        seq,
        e.kind.type_name(),
        &e.date.to_string(),
        &data,
        Some(u.id),
    )
    .await?;
    audit::append(
        tx,
        &actor(u),
        "case_event",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"seq": seq, "type": e.kind.type_name(), "date": e.date.to_string()})),
    )
    .await?;
    Ok(())
}

/// The next certificate number of the case's body (I-21): the body's pattern with the next
/// value of its sequence, never handed out twice.
async fn next_number(tx: &mut WriteTx, c: &CaseRow, date: NaiveDate) -> Result<String, Error> {
    loop {
        let (pattern, seq) = store::take_seq(tx, c.org_id, rules::DEFAULT_PATTERN).await?;
        let number = rules::certificate_number(&pattern, date.year(), seq)
            .map_err(|e| Error::Invalid(vec![e]))?;
        if store::record_certificate(tx, &number, c.org_id, c.id, &date.to_string()).await? {
            return Ok(number);
        }
    }
}

/// The decider's checklist of 8.1.7 for an audit of a case, for this person as decider.
pub async fn checklist(app: &App, u: &User, id: i64, audit: &str) -> Result<Vec<Condition>, Error> {
    let v = view(app, u, id, None).await?;
    if v.outcome.case.audit(audit).is_none() {
        return Err(Error::NotFound);
    }
    let conflicts = conflicts_of(app, &v.case).await?;
    let me = u.id.to_string();
    Ok(grant_conditions(
        &v.outcome.case,
        audit,
        Some(&me),
        v.as_of,
        context(&conflicts),
    ))
}

pub use crate::case_records::{
    delete, due, due_all, export, import, link_checklist, pattern, set_pattern, DueRow, Imported,
    Pattern,
};
