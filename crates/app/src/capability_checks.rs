//! What a capability case's append checks besides the pure event rules, each decided by
//! `tianping_domain::capability_case`: the form's fields (a verification's findings, 6.2; a
//! revocation's or downgrading's reasons, 9.2), the panel's members against the body's staff,
//! expert pool and conflicts (7.2.2), and — when the preliminary result is read from the
//! linked on-site assessment — that every member of the round-1 panel scored every
//! expert-panel item of it (7.2.2, I-13).

use tianping_case::capability::events::Round;
use tianping_case::capability::{self as cap, Event, EventKind};
use tianping_case::{CaseKind, Header};
use tianping_domain::capability_case::{self as rules, Candidate};
use tianping_store::cases::{self as store, CaseRow};
use tianping_store::repo;
use tianping_store::WriteTx;

use crate::case_records::parse_lines;
use crate::{assessments, App, Error};

/// The fields a form must carry beyond the rules.
pub(crate) fn form(e: &Event) -> Result<(), Error> {
    if let EventKind::VerificationDone {
        registration,
        licences,
        ..
    } = &e.kind
    {
        rules::verification_fields(registration.as_deref(), licences.as_deref())
            .map_err(Error::Invalid)?;
    }
    let note = match &e.kind {
        EventKind::Revoked { note, .. } | EventKind::Downgraded { note, .. } => note.as_deref(),
        _ => None,
    };
    rules::decision_note(e.kind.type_name(), note).map_err(Error::Invalid)
}

/// Panel members: active staff of the body, in its expert pool, without a conflict with the
/// enterprise on the panel's day (7.2.2).
pub(crate) async fn panel(app: &App, c: &CaseRow, e: &Event) -> Result<(), Error> {
    let EventKind::PanelFormed { members, .. } = &e.kind else {
        return Ok(());
    };
    let staff = repo::users_of_org(&app.store, c.org_id).await?;
    let fields = tianping_store::people::expert_fields_of_org(&app.store, c.org_id).await?;
    let conflicts = crate::people::conflicts_for(app, c.org_id, c.enterprise_id).await?;
    let candidates: Vec<Candidate> = members
        .iter()
        .map(|m| {
            let id = m.trim().parse::<i64>().ok();
            let person = id.and_then(|id| staff.iter().find(|s| s.id == id && s.disabled == 0));
            Candidate {
                id: person.map_or_else(|| m.clone(), |p| format!("{}（{}）", p.name, p.id)),
                staff: person.is_some(),
                fields: person
                    .map(|p| {
                        fields
                            .iter()
                            .filter(|(u, _)| *u == p.id)
                            .map(|(_, f)| *f)
                            .collect()
                    })
                    .unwrap_or_default(),
                conflicted: conflicts
                    .iter()
                    .any(|x| x.person == m.trim() && x.active_on(e.date)),
            }
        })
        .collect();
    let refusals = rules::panel_refusals(&candidates);
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(refusals))
    }
}

/// Every member of the current application's latest round-1 panel scored every expert-panel
/// item of the linked assessment `assessment`.
pub(crate) async fn panel_scored(
    app: &App,
    tx: &mut WriteTx,
    case: i64,
    assessment: i64,
) -> Result<(), Error> {
    let events: Vec<Event> = parse_lines(&store::events_tx(tx, case).await?)?;
    let ctx = cap::Context {
        calendar: crate::cases::calendar(),
    };
    let o = cap::replay(
        &Header::new(CaseKind::Capability),
        &events,
        app.today(),
        ctx,
    );
    let Some(members) = o.case.application().and_then(|a| {
        a.panels
            .iter()
            .rev()
            .find(|p| p.round == Round::First)
            .map(|p| p.members.clone())
    }) else {
        // no panel yet: the pure rules refuse the evaluation with their own words
        return Ok(());
    };
    let a = repo::get_assessment(&app.store, assessment)
        .await?
        .ok_or(Error::NotFound)?;
    let plan = assessments::plan(app, &a)?;
    let items: Vec<&str> = plan
        .leaves
        .iter()
        .filter(|l| l.ind.expert_panel)
        .map(|l| l.ind.id.as_str())
        .collect();
    let scored: Vec<(String, String)> = repo::expert_scores(&app.store, assessment)
        .await?
        .into_iter()
        .map(|s| (s.indicator_id, s.expert_id.to_string()))
        .collect();
    rules::panel_scored(&items, &scored, &members).map_err(Error::Invalid)
}
