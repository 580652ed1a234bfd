//! A case's records beyond its events: export and import as JSON Lines (I-16), deletion after
//! the retention of clause 10, the checklist assessment of an audit, the due list across
//! cases of every kind, and the body's certificate-number pattern (I-21).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;
use tianping_case::certification::{self as cert, Event, EventKind};
use tianping_case::{capability, jsonl, stars, CaseKind, Header, Violation};
use tianping_domain::case as rules;
use tianping_domain::Role;
use tianping_store::audit;
use tianping_store::cases::{self as store, CaseRow, EventRow};
use tianping_store::repo::{self, User};

use crate::cases::{
    client_of, conflicts_of, context, create_case, get, header_with, list, parse_events, refused,
    staff_people, today, view,
};
use crate::{actor, App, Error};

/// A case as JSON Lines (I-16): the header with the people its events name, then the events.
/// A capability evaluation or star rating names people by id only: its header is its kind.
pub async fn export(app: &App, u: &User, id: i64) -> Result<String, Error> {
    let c = get(app, u, id).await?;
    let kind = match c.kind.as_str() {
        "capability" => Some(CaseKind::Capability),
        "stars" => Some(CaseKind::Stars),
        _ => None,
    };
    if let Some(kind) = kind {
        let rows = store::events(&app.store, id).await?;
        let events: Vec<serde_json::Value> = parse_lines(&rows)?;
        return Ok(jsonl::write(&Header::new(kind), &events));
    }
    let v = view(app, u, id, None).await?;
    let events: Vec<Event> = v.events.into_iter().map(|e| e.event).collect();
    Ok(jsonl::write(&v.header, &events))
}

/// What an import did: the new case and the violations its history has (kept, I-16).
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub case_id: i64,
    pub events: usize,
    pub violations: Vec<Violation>,
}

/// Import a client's existing history (JSON Lines of I-16) as a new case of the body, of the
/// kind its header names: every event is kept, and the violations the rules find are listed.
/// A malformed file changes nothing and names the line.
pub async fn import(
    app: &App,
    u: &User,
    enterprise_id: i64,
    text: &str,
) -> Result<Imported, Error> {
    let org = u.org_id.ok_or(Error::NotFound)?;
    rules::may_manage(&u.principal(), org)?;
    client_of(app, org, enterprise_id).await?;
    let kind = jsonl::header(text).map_err(bad_file)?.case;
    let today = today(app);
    match kind {
        CaseKind::Certification => {
            let (header, events) = jsonl::parse::<Event>(text, kind).map_err(bad_file)?;
            not_after(&events.iter().map(|e| e.date).collect::<Vec<_>>(), today)?;
            let outcome = cert::replay(&header, &events, today, context(&[]));
            let cache = outcome.certificate.as_ref();
            let fold = Fold {
                state: outcome.state.as_str(),
                certificate: cache.map(|x| x.number.clone()),
                valid_until: cache.map(|x| x.valid_until.to_string()),
                public: None,
                violations: outcome.violations,
            };
            let certificates: Vec<(String, String)> = events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::CertificateIssued { number } => {
                        Some((number.clone(), e.date.to_string()))
                    }
                    _ => None,
                })
                .collect();
            let lines = lines_of(&events, |e| (e.kind.type_name(), e.date))?;
            write_import(
                app,
                u,
                org,
                enterprise_id,
                &header,
                &lines,
                &certificates,
                fold,
            )
            .await
        }
        CaseKind::Capability => {
            let (header, events) =
                jsonl::parse::<capability::Event>(text, kind).map_err(bad_file)?;
            not_after(&events.iter().map(|e| e.date).collect::<Vec<_>>(), today)?;
            let ctx = capability::Context {
                calendar: crate::cases::calendar(),
            };
            let o = capability::replay(&header, &events, today, ctx);
            let fold = Fold {
                state: o.state.as_str(),
                certificate: None,
                valid_until: o
                    .case
                    .conclusion
                    .as_ref()
                    .and_then(|c| c.valid_until)
                    .map(|d| d.to_string()),
                public: Some(tianping_case::public::capability(&o.case)),
                violations: o.violations,
            };
            let lines = lines_of(&events, |e| (e.kind.type_name(), e.date))?;
            write_import(app, u, org, enterprise_id, &header, &lines, &[], fold).await
        }
        CaseKind::Stars => {
            let (header, events) = jsonl::parse::<stars::Event>(text, kind).map_err(bad_file)?;
            not_after(&events.iter().map(|e| e.date).collect::<Vec<_>>(), today)?;
            let o = stars::replay(&header, &events, today);
            let fold = Fold {
                state: o.state.as_str(),
                certificate: None,
                valid_until: None,
                public: Some(tianping_case::public::stars(&o.case)),
                violations: o.violations,
            };
            let lines = lines_of(&events, |e| (e.kind.type_name(), e.date))?;
            write_import(app, u, org, enterprise_id, &header, &lines, &[], fold).await
        }
    }
}

fn bad_file(e: jsonl::ParseError) -> Error {
    Error::invalid(
        "file",
        e.to_string(),
        format!("Line {}: {}", e.line, e.message),
    )
}

/// Only what has happened can be imported.
fn not_after(dates: &[NaiveDate], today: NaiveDate) -> Result<(), Error> {
    match dates.iter().enumerate().find(|(_, d)| **d > today) {
        Some((i, d)) => Err(Error::invalid(
            "file",
            format!("第 {i} 个事件的日期 {d} 晚于今天 {today}：只能导入已经发生的事"),
            format!("Event {i} is dated {d} after today {today}"),
        )),
        None => Ok(()),
    }
}

/// Each event as (type, date, JSON line).
fn lines_of<E: Serialize>(
    events: &[E],
    head: impl Fn(&E) -> (&'static str, NaiveDate),
) -> Result<Vec<(&'static str, String, String)>, Error> {
    events
        .iter()
        .map(|e| {
            let (t, d) = head(e);
            let data = serde_json::to_string(e).map_err(|x| Error::Internal(x.to_string()))?;
            Ok((t, d.to_string(), data))
        })
        .collect()
}

/// What an imported history's fold leaves in the case row.
struct Fold {
    state: &'static str,
    certificate: Option<String>,
    valid_until: Option<String>,
    public: Option<tianping_case::public::PublicView>,
    violations: Vec<Violation>,
}

/// The new case with its events, certificate numbers, cached fold, what it publishes and the
/// audit entry, in one transaction.
#[allow(clippy::too_many_arguments)]
async fn write_import(
    app: &App,
    u: &User,
    org: i64,
    enterprise_id: i64,
    header: &Header,
    lines: &[(&'static str, String, String)],
    certificates: &[(String, String)],
    fold: Fold,
) -> Result<Imported, Error> {
    let mut tx = app.begin().await?;
    let id = create_case(&mut tx, u, org, enterprise_id, header).await?;
    for (i, (t, d, data)) in lines.iter().enumerate() {
        store::append(&mut tx, id, i as i64, t, d, data, Some(u.id)).await?;
    }
    for (number, date) in certificates {
        store::record_certificate(&mut tx, number, org, id, date).await?;
    }
    store::set_cache(
        &mut tx,
        id,
        fold.state,
        fold.certificate.as_deref(),
        fold.valid_until.as_deref(),
    )
    .await?;
    if let Some(p) = fold.public.filter(|p| !p.is_empty()) {
        let json = serde_json::to_string(&p).map_err(|x| Error::Internal(x.to_string()))?;
        store::set_public(&mut tx, id, Some(&json)).await?;
    }
    audit::append(
        &mut tx,
        &actor(u),
        "case_import",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"procedure": header.case.as_str(), "events": lines.len(), "violations": fold.violations.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(Imported {
        case_id: id,
        events: lines.len(),
        violations: fold.violations,
    })
}

/// Delete a case: the body's admin, and only after the retention of clause 10.
pub async fn delete(app: &App, u: &User, id: i64) -> Result<(), Error> {
    let v = view(app, u, id, None).await?;
    rules::may_manage(&u.principal(), v.case.org_id)?;
    cert::deletion_allowed(&v.outcome.case, v.as_of).map_err(|x| refused(vec![x]))?;
    let mut tx = app.begin().await?;
    store::delete(&mut tx, id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_delete",
        "case",
        &id.to_string(),
        Some(&json!({"enterprise": v.case.enterprise_id, "events": v.events.len()})),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Link an audit of a case to the eepc-certification assessment that scores it (Annex B.1).
pub async fn link_checklist(
    app: &App,
    u: &User,
    id: i64,
    audit: &str,
    assessment_id: i64,
) -> Result<(), Error> {
    let c = get(app, u, id).await?;
    rules::may_manage(&u.principal(), c.org_id)?;
    let a = repo::get_assessment(&app.store, assessment_id)
        .await?
        .ok_or(Error::NotFound)?;
    if a.enterprise_id != c.enterprise_id
        || a.org_id != Some(c.org_id)
        || a.scheme != "eepc-certification"
    {
        return Err(Error::invalid(
            "assessment",
            "审核的评分须为本机构对该组织的履约能力评价体系认证（eepc-certification）现场评价",
            "The checklist must be this body's eepc-certification assessment of the client",
        ));
    }
    let mut tx = app.begin().await?;
    store::link_audit(&mut tx, id, audit, assessment_id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_link_checklist",
        "case",
        &id.to_string(),
        None,
        Some(&json!({"audit": audit, "assessment": assessment_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One thing due in one case.
#[derive(Debug, Clone, Serialize)]
pub struct DueRow {
    pub case: CaseRow,
    pub due: tianping_case::Due,
}

/// Everything due or overdue on `as_of` across the cases this person sees, earliest first.
pub async fn due(app: &App, u: &User, as_of: NaiveDate) -> Result<Vec<DueRow>, Error> {
    due_in(app, list(app, u).await?, as_of).await
}

/// Everything due or overdue on `as_of` in every case of every body (the command line,
/// reminders).
pub async fn due_all(app: &App, as_of: NaiveDate) -> Result<Vec<DueRow>, Error> {
    due_in(app, store::list(&app.store, None, None).await?, as_of).await
}

async fn due_in(app: &App, cases: Vec<CaseRow>, as_of: NaiveDate) -> Result<Vec<DueRow>, Error> {
    let mut out = Vec::new();
    // the staff of a body are read once for all its cases (the hourly reminders walk them all)
    let mut staff: std::collections::HashMap<i64, Vec<tianping_case::Person>> =
        std::collections::HashMap::new();
    for c in cases {
        let rows = store::events(&app.store, c.id).await?;
        let due = match c.kind.as_str() {
            "capability" => {
                let events: Vec<capability::Event> = parse_lines(&rows)?;
                let ctx = capability::Context {
                    calendar: crate::cases::calendar(),
                };
                capability::replay(&Header::new(CaseKind::Capability), &events, as_of, ctx).due
            }
            "stars" => {
                let events: Vec<stars::Event> = parse_lines(&rows)?;
                stars::replay(&Header::new(CaseKind::Stars), &events, as_of).due
            }
            _ => {
                if let std::collections::hash_map::Entry::Vacant(e) = staff.entry(c.org_id) {
                    e.insert(staff_people(app, c.org_id).await?);
                }
                let header = header_with(&c, &staff[&c.org_id]);
                let events: Vec<Event> =
                    parse_events(&rows)?.into_iter().map(|e| e.event).collect();
                let conflicts = conflicts_of(app, &c).await?;
                cert::replay(&header, &events, as_of, context(&conflicts)).due
            }
        };
        out.extend(due.into_iter().map(|due| DueRow {
            case: c.clone(),
            due,
        }));
    }
    out.sort_by(|a, b| {
        a.due
            .due
            .cmp(&b.due.due)
            .then(a.case.enterprise_name.cmp(&b.case.enterprise_name))
    });
    Ok(out)
}

/// The stored events of a capability or star case, read as that kind's events.
pub(crate) fn parse_lines<E: serde::de::DeserializeOwned>(
    rows: &[EventRow],
) -> Result<Vec<E>, Error> {
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.data_json)
                .map_err(|e| Error::Internal(format!("case event {} unreadable: {e}", r.seq)))
        })
        .collect()
}

/// A body's certificate-number pattern (I-21) and the number the next grant would get.
#[derive(Debug, Clone, Serialize)]
pub struct Pattern {
    pub pattern: String,
    /// An example of this year's number with the next value of the sequence.
    pub example: String,
}

/// The body's pattern (its staff).
pub async fn pattern(app: &App, u: &User) -> Result<Pattern, Error> {
    let org = match (u.role, u.org_id) {
        (Role::BodyAdmin | Role::Auditor | Role::Decider, Some(o)) => o,
        _ => return Err(Error::NotFound),
    };
    let pattern = store::pattern(&app.store, org)
        .await?
        .unwrap_or_else(|| rules::DEFAULT_PATTERN.to_string());
    let example = rules::certificate_number(&pattern, today(app).year(), 1)
        .map_err(|e| Error::Invalid(vec![e]))?;
    Ok(Pattern { pattern, example })
}

/// Set the body's pattern (its admin): `{year}`, `{seq}` or `{seq:N}` once, safe
/// characters. Numbers already issued stay as they are; the sequence goes on.
pub async fn set_pattern(app: &App, u: &User, pattern: &str) -> Result<Pattern, Error> {
    let org = u.org_id.ok_or(Error::NotFound)?;
    rules::may_manage(&u.principal(), org)?;
    let pattern = pattern.trim();
    rules::check_pattern(pattern).map_err(|e| Error::Invalid(vec![e]))?;
    let before = store::pattern(&app.store, org).await?;
    let mut tx = app.begin().await?;
    store::set_pattern(&mut tx, org, pattern).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "case_pattern",
        "org",
        &org.to_string(),
        before.map(|p| json!({ "pattern": p })).as_ref(),
        Some(&json!({ "pattern": pattern })),
    )
    .await?;
    tx.commit().await?;
    self::pattern(app, u).await
}
