//! A capability case's events told to the people they concern, in the event's transaction
//! (called by `capability_cases::write`): the enterprise's users and the body's admins hear
//! of every event through the existing `case_event` notification kind, with the event's name
//! and a note (a score, a grade, a date) — never an objector's name or contact.

use tianping_case::capability::{self as cap, Event, EventKind, Outcome};
use tianping_domain::case_notify::CaseNews;
use tianping_domain::notify::Notice;
use tianping_domain::Role;
use tianping_store::cases::CaseRow;
use tianping_store::WriteTx;

use crate::capability_cases::ReviewResult;
use crate::{App, Error};

fn event_en(t: &str) -> &'static str {
    match t {
        "application_received" => "application received",
        "application_reviewed" => "application answered",
        "verification_done" => "verification done",
        "panel_formed" => "evaluation panel formed",
        "evaluation_completed" => "preliminary result",
        "publicity_started" => "publicity started",
        "objection_received" => "objection received",
        "objection_ruled" => "objection ruled",
        "confirmed" => "result confirmed",
        "announced" => "result announced",
        "report_issued" => "final report issued",
        "revoked" => "grade revoked",
        "downgraded" => "grade downgraded",
        _ => "event",
    }
}

/// The enterprise's users and the body's admins hear of every event (the decider of a
/// confirmation too); the note carries a score, a grade or the publicity's end, never a
/// person.
pub(crate) async fn event(
    app: &App,
    tx: &mut WriteTx,
    c: &CaseRow,
    e: &Event,
    outcome: &Outcome,
) -> Result<(), Error> {
    let t = e.kind.type_name();
    let note = match &e.kind {
        EventKind::EvaluationCompleted { score, .. } => Some(format!(
            "初评得分 {}，建议等级 {}",
            tianping_domain::words::fig(score.value()),
            cap::grade_for(*score).map_or("不予评级", |g| g.code())
        )),
        EventKind::PublicityStarted { .. } => outcome
            .case
            .application()
            .and_then(|a| a.publicity())
            .map(|p| format!("公示期 {} 至 {}（含）", p.start, p.end)),
        EventKind::ApplicationReviewed { result, reason, .. } => Some(match result {
            ReviewResult::Accepted => "已受理".to_string(),
            ReviewResult::Refused => format!("不予受理：{}", reason.as_deref().unwrap_or("")),
        }),
        EventKind::ObjectionRuled { result, .. } => Some(result.name_zh().to_string()),
        EventKind::Confirmed { .. } => outcome
            .grade
            .map(|g| format!("等级 {}，有效期至 {}", g.code.code(), g.valid_until)),
        EventKind::Revoked { reason, .. } => Some(format!("撤销原因：{}", reason.name_zh())),
        EventKind::Downgraded { grade, .. } => Some(format!("降为 {}", grade.code())),
        _ => None,
    };
    let mut to = tianping_store::notify::members(tx, c.enterprise_id).await?;
    to.extend(
        tianping_store::notify::staff(tx, c.org_id)
            .await?
            .into_iter()
            .filter(|u| u.role == Role::BodyAdmin),
    );
    let n = Notice::CaseEvent {
        case_id: c.id,
        enterprise: c.enterprise_name.clone(),
        org: c.org_name.clone(),
        date: e.date.to_string(),
        certificate: None,
        news: CaseNews::Capability {
            event_zh: cap::events::type_name_zh(t).to_string(),
            event_en: event_en(t).to_string(),
            note,
        },
    };
    crate::notify::send(app, tx, &to, &n).await?;
    Ok(())
}
