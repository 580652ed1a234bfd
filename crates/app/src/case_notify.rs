//! A certification case's events told to the people they concern: the hook [`event`], called
//! by `cases::append` in the event's transaction, asks the pure rule who hears of it
//! (`tianping_domain::case_notify::hearers`), finds the people of each party — the client
//! enterprise's users, the body's admins, deciders, or the audit team — and sends each the
//! notice (inbox, and e-mail through the outbox) with [`crate::notify::send`].

use tianping_case::certification::events::{
    AuditKind, CorrectionKind, DecisionResult, ReviewResult, ScopeChange, Severity,
};
use tianping_case::certification::{CaseState, Event, EventKind};
use tianping_domain::case_notify::{
    hearers, AuditSort, CaseNews, EventFacts, FindingNote, FindingSeverity, Party,
};
use tianping_domain::notify::Notice;
use tianping_domain::Role;
use tianping_store::cases::CaseRow;
use tianping_store::notify as store;
use tianping_store::repo::User;
use tianping_store::WriteTx;

use crate::{notify, App, Error};

pub(crate) fn sort(k: AuditKind) -> AuditSort {
    match k {
        AuditKind::Stage1 => AuditSort::Stage1,
        AuditKind::Stage2 => AuditSort::Stage2,
        AuditKind::Surveillance => AuditSort::Surveillance,
        AuditKind::Recertification => AuditSort::Recertification,
        AuditKind::Special => AuditSort::Special,
    }
}

fn severity(s: Severity) -> FindingSeverity {
    match s {
        Severity::Minor => FindingSeverity::Minor,
        Severity::Major => FindingSeverity::Major,
    }
}

/// The active people of a party of the case (`team`: the ids of the audit team concerned).
pub(crate) async fn people(
    tx: &mut WriteTx,
    c: &CaseRow,
    party: Party,
    team: &[String],
) -> Result<Vec<User>, Error> {
    if party == Party::Client {
        return Ok(store::members(tx, c.enterprise_id).await?);
    }
    Ok(store::staff(tx, c.org_id)
        .await?
        .into_iter()
        .filter(|u| match party {
            Party::Admins => u.role == Role::BodyAdmin,
            Party::Deciders => u.role == Role::Decider,
            Party::Team => team.contains(&u.id.to_string()),
            Party::Client => false,
        })
        .collect())
}

/// The ids of the audit team an event concerns: the team planned, or the team of the audit
/// whose finding a correction answers.
fn team_of(e: &Event, case: &CaseState) -> Vec<String> {
    let audit = match &e.kind {
        EventKind::AuditPlanned { audit, .. } => Some(audit.as_str()),
        EventKind::CorrectionSubmitted { finding, .. } => case
            .findings
            .iter()
            .find(|f| &f.id == finding)
            .map(|f| f.audit.as_str()),
        _ => None,
    };
    audit
        .and_then(|a| case.audit(a))
        .map(|a| a.team.iter().map(|m| m.person.clone()).collect())
        .unwrap_or_default()
}

fn kind_of(case: &CaseState, audit: &str) -> AuditSort {
    case.audit(audit)
        .map_or(AuditSort::Special, |a| sort(a.kind))
}

/// What the party is told of the event (none: nothing to tell).
fn news(e: &Event, party: Party, case: &CaseState) -> Option<CaseNews> {
    let day = |d: chrono::NaiveDate| d.to_string();
    Some(match &e.kind {
        EventKind::ApplicationReceived { scope, .. } => CaseNews::ApplicationReceived {
            scope: scope.clone(),
        },
        EventKind::ApplicationReviewed {
            result,
            due,
            reason,
            ..
        } => match result {
            ReviewResult::Accepted => CaseNews::ApplicationAccepted,
            ReviewResult::SupplementRequested => CaseNews::SupplementRequested {
                due: due.map(day),
                reason: reason.clone(),
            },
            ReviewResult::Refused => CaseNews::ApplicationRefused {
                reason: reason.clone(),
            },
        },
        EventKind::AuditPlanned {
            audit,
            kind,
            start,
            end,
            ..
        } => CaseNews::AuditPlanned {
            audit: audit.clone(),
            kind: sort(*kind),
            start: day(*start),
            end: day(*end),
        },
        EventKind::PlanConfirmed { .. } => return None,
        EventKind::AuditCompleted { audit, .. } if party == Party::Client => {
            CaseNews::AuditFindings {
                audit: audit.clone(),
                kind: kind_of(case, audit),
                findings: case
                    .findings
                    .iter()
                    .filter(|f| &f.audit == audit)
                    .map(|f| FindingNote {
                        id: f.id.clone(),
                        severity: severity(f.severity),
                        due: day(f.due),
                        text: f.text.clone(),
                    })
                    .collect(),
            }
        }
        EventKind::AuditCompleted { audit, .. } => CaseNews::DecisionAwaited {
            audit: audit.clone(),
            kind: kind_of(case, audit),
        },
        EventKind::CorrectionSubmitted { finding, kind } => CaseNews::CorrectionSubmitted {
            finding: finding.clone(),
            done: *kind == CorrectionKind::Done,
        },
        EventKind::Decision {
            audit,
            result,
            reason,
            ..
        } => match result {
            DecisionResult::Grant => CaseNews::Granted {
                audit: audit.clone(),
                kind: kind_of(case, audit),
            },
            DecisionResult::Refuse => CaseNews::NotGranted {
                audit: audit.clone(),
                kind: kind_of(case, audit),
                reason: reason.clone(),
            },
        },
        EventKind::Suspended { cause, .. } => CaseNews::Suspended {
            cause: cause.clone(),
        },
        EventKind::Restored { .. } => CaseNews::Restored,
        EventKind::Withdrawn { reason } => CaseNews::Withdrawn {
            reason: reason.clone(),
        },
        EventKind::Cancelled { reason } => CaseNews::Cancelled {
            reason: reason.clone(),
        },
        EventKind::ScopeChanged { change, scope } => CaseNews::ScopeChanged {
            extended: *change == ScopeChange::Extend,
            scope: scope.clone(),
        },
        EventKind::RecertificationApplied {} => CaseNews::RecertificationApplied,
        EventKind::AppealReceived { id } => CaseNews::AppealReceived {
            id: id
                .clone()
                .or_else(|| case.appeals.last().map(|a| a.id.clone())),
        },
        EventKind::AppealDecided { id, result, .. } => CaseNews::AppealDecided {
            id: id.clone(),
            upheld: *result == tianping_case::certification::events::AppealResult::Upheld,
        },
        EventKind::ComplaintReceived { id } => CaseNews::ComplaintReceived {
            id: id
                .clone()
                .or_else(|| case.complaints.last().map(|c| c.id.clone())),
        },
        EventKind::ComplaintClosed { id, .. } => CaseNews::ComplaintClosed { id: id.clone() },
        EventKind::ContractSigned { .. }
        | EventKind::CorrectionAccepted { .. }
        | EventKind::CertificateIssued { .. }
        | EventKind::SurveillanceExtensionApproved { .. } => return None,
    })
}

/// Tell the people concerned of an event appended to a case, in the event's transaction.
/// `certificate`: the number a grant or a change of scope issued with it; `case`: the fold
/// with the event (audits, their teams, findings with their due dates).
pub async fn event(
    app: &App,
    tx: &mut WriteTx,
    c: &CaseRow,
    e: &Event,
    certificate: Option<&str>,
    case: &CaseState,
) -> Result<(), Error> {
    let facts = match &e.kind {
        EventKind::AuditCompleted {
            audit, findings, ..
        } => EventFacts {
            findings: !findings.is_empty(),
            awaits_decision: case
                .audit(audit)
                .is_some_and(|a| a.kind != AuditKind::Stage1),
        },
        _ => EventFacts::default(),
    };
    let team = team_of(e, case);
    // the same words to several parties go out once to each person
    let mut sends: Vec<(CaseNews, Vec<User>)> = Vec::new();
    for party in hearers(e.kind.type_name(), facts) {
        let Some(n) = news(e, party, case) else {
            continue;
        };
        let to = people(tx, c, party, &team).await?;
        match sends.iter_mut().find(|(x, _)| *x == n) {
            Some((_, all)) => all.extend(to),
            None => sends.push((n, to)),
        }
    }
    for (news, to) in sends {
        let n = Notice::CaseEvent {
            case_id: c.id,
            enterprise: c.enterprise_name.clone(),
            org: c.org_name.clone(),
            date: e.date.to_string(),
            certificate: certificate
                .or(c.certificate_number.as_deref())
                .map(str::to_string),
            news,
        };
        notify::send(app, tx, &to, &n).await?;
    }
    Ok(())
}
