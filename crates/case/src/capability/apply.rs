//! Applying one event to the state: every rule of I-18 is checked once, here. The app calls it
//! through `check_next` (a violation refuses the event); `replay` keeps the event and reports
//! the violation. Results (`evaluation_completed`) are facts: their score is never a
//! violation, only the procedure around them and a suggested grade that contradicts the score.
//! Here: the application, its answer, verification, panels and the evaluation; publicity and
//! objections in `publicity.rs`, confirmation and what follows in `conclude.rs`.

use chrono::NaiveDate;

use super::conclude::*;
use super::events::*;
use super::grade::{first_reapplication, grade_for, Grade, Score};
use super::publicity::*;
use super::state::*;
use super::Context;
use crate::{Rule, Violation};

/// Members of an evaluation panel at least (7.2.2, I-13).
pub const MIN_PANEL: usize = 3;

pub(super) struct Out {
    pub index: usize,
    pub list: Vec<Violation>,
}

impl Out {
    pub(super) fn push(&mut self, rule: Rule, message: String) {
        self.list.push(Violation {
            event: self.index,
            rule,
            clause: rule.clause(),
            message,
        });
    }
}

pub(super) fn apply(
    case: &mut CaseState,
    index: usize,
    e: &Event,
    ctx: Context<'_>,
) -> Vec<Violation> {
    let mut out = Out {
        index,
        list: Vec::new(),
    };
    if let Some(last) = case.last_date {
        if e.date < last {
            out.push(
                Rule::EventsInOrder,
                format!(
                    "事件日期 {} 早于前一事件的日期 {last}：事件须按日期先后记录，最早可记为 {last}",
                    e.date
                ),
            );
        }
    }
    let d = e.date;
    let o = &mut out;
    match &e.kind {
        EventKind::ApplicationReceived {} => application_received(case, o, d),
        EventKind::ApplicationReviewed { result, reason, by } => {
            application_reviewed(case, o, d, *result, reason, by)
        }
        EventKind::VerificationDone {
            registration,
            licences,
            ..
        } => verification_done(case, o, d, registration, licences),
        EventKind::PanelFormed { members, round } => {
            panel_formed(case, o, d, index, members, *round)
        }
        EventKind::EvaluationCompleted {
            score,
            grade,
            suggestions,
        } => evaluation_completed(case, o, d, index, *score, *grade, suggestions),
        EventKind::PublicityStarted { media } => publicity_started(case, o, d, media, ctx),
        EventKind::ObjectionReceived { id, from } => {
            objection_received(case, o, d, index, id, from)
        }
        EventKind::ObjectionRuled {
            result,
            objection,
            by,
        } => objection_ruled(case, o, d, *result, objection, by),
        EventKind::Confirmed { .. } => confirmed(case, o, d),
        EventKind::Announced { .. } => announced(case, o, d),
        EventKind::ReportIssued { number } => report_issued(case, o, d, number),
        EventKind::Revoked { reason, .. } => revoked(case, o, d, *reason),
        EventKind::Downgraded { grade, .. } => downgraded(case, o, d, *grade),
    }
    case.events += 1;
    case.last_date = Some(case.last_date.map_or(d, |l| l.max(d)));
    out.list
}

fn application_received(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
    if let Some(app) = case.application().filter(|a| a.review.is_none()) {
        o.push(
            Rule::NotTwice,
            format!(
                "{} 收到的申请尚未答复是否受理：同一申请不得重复记录，请先记录受理答复",
                app.received
            ),
        );
    }
    if let Some(prev) = case.last_accepted() {
        if let Some(first) = first_reapplication(prev) {
            if d < first {
                o.push(
                    Rule::CapabilityReapplicationInterval,
                    format!(
                        "上次受理的申请在 {prev}，连续两次申请第三方评价的间隔不少于两年：{d} 的申请不予受理，最早可于 {first} 再次申请"
                    ),
                );
            }
        }
    }
    case.applications.push(Application::new(d));
}

fn application_reviewed(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    result: ReviewResult,
    reason: &Option<String>,
    by: &Option<String>,
) {
    let Some(app) = case.application_mut() else {
        o.push(
            Rule::CapabilityReviewNeedsApplication,
            "案卷中没有评价申请，不能答复是否受理；请先记录收到企业的书面申请（application_received）"
                .into(),
        );
        return;
    };
    if let Some(r) = &app.review {
        o.push(
            Rule::NotTwice,
            format!(
                "{} 收到的申请已于 {} 答复，不能重复记录；再次评价须重新申请",
                app.received, r.date
            ),
        );
        return;
    }
    if result == ReviewResult::Refused && reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
        o.push(
            Rule::CapabilityRefusalReason,
            "不予受理的，须说明原因（reason）并退回申请材料".into(),
        );
    }
    app.review = Some(Review {
        date: d,
        result,
        reason: reason.clone(),
        by: by.clone(),
    });
}

/// The current application, accepted; otherwise a violation of `rule` saying what is missing.
fn accepted_app<'a>(
    case: &'a mut CaseState,
    o: &mut Out,
    rule: Rule,
    act: &str,
) -> Option<&'a mut Application> {
    match case.application_mut() {
        Some(app) if app.accepted() => Some(app),
        Some(app) => {
            let why = match &app.review {
                None => format!("{} 收到的申请尚未答复是否受理", app.received),
                Some(r) => format!("{} 收到的申请已于 {} 不予受理", app.received, r.date),
            };
            o.push(rule, format!("{why}，不能{act}；须先受理申请"));
            None
        }
        None => {
            o.push(
                rule,
                format!("案卷中没有评价申请，不能{act}；须先收到并受理企业的申请"),
            );
            None
        }
    }
}

pub(super) fn not_confirmed(app: &Application, o: &mut Out, act: &str) -> bool {
    if let Some(c) = app.confirmed {
        o.push(
            Rule::NotTwice,
            format!("本次评价结果已于 {c} 确认，不能再{act}；再次评价须重新申请"),
        );
        return false;
    }
    true
}

fn verification_done(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    registration: &Option<String>,
    licences: &Option<String>,
) {
    let Some(app) = accepted_app(case, o, Rule::CapabilityNeedsAcceptance, "核查申请材料")
    else {
        return;
    };
    if let Some(v) = app.verified {
        o.push(
            Rule::NotTwice,
            format!("申请材料已于 {v} 核查完成，不能重复记录"),
        );
        return;
    }
    app.verified = Some(d);
    app.registration = registration.clone();
    app.licences = licences.clone();
}

fn distinct(members: &[String]) -> Vec<String> {
    let mut m: Vec<String> = members
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    m.sort_unstable();
    m.dedup();
    m
}

fn panel_formed(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    index: usize,
    members: &[String],
    round: Round,
) {
    let members = distinct(members);
    if members.len() < MIN_PANEL {
        o.push(
            Rule::CapabilityPanelSize,
            format!(
                "{}只有 {} 位专家（同一人只计一次）：专家组不少于{MIN_PANEL}位专家",
                round.name_zh(),
                members.len()
            ),
        );
    }
    let panel = Panel {
        date: d,
        event: index,
        round,
        members,
    };
    match round {
        Round::First => {
            if let Some(app) =
                accepted_app(case, o, Rule::CapabilityNeedsAcceptance, "成立评价专家组")
            {
                app.panels.push(panel);
            }
        }
        Round::Second => second_panel(case, o, panel),
    }
}

fn evaluation_completed(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    index: usize,
    score: Score,
    grade: Option<Grade>,
    suggestions: &Option<String>,
) {
    let expected = grade_for(score);
    if let Some(given) = grade {
        if Some(given) != expected {
            let should = match expected {
                Some(g) => format!("应为{}（{}）", g.code(), g.band()),
                None => "60分以下只给出得分，不予评级".into(),
            };
            o.push(
                Rule::CapabilityGradeFollowsScore,
                format!(
                    "得分 {} 与等级建议{}不符：{should}",
                    score.value(),
                    given.code()
                ),
            );
        }
    }
    let Some(app) = case.application_mut() else {
        o.push(
            Rule::CapabilityEvaluationNeedsPanel,
            "案卷中没有评价申请：评价须在受理申请、核查申请材料并成立评价专家组之后".into(),
        );
        return;
    };
    if !not_confirmed(app, o, "评价") {
        return;
    }
    let mut missing = Vec::new();
    if !app.accepted() {
        missing.push("受理申请");
    }
    if app.verified.is_none() {
        missing.push("核查申请材料（verification_done）");
    }
    if !app.panels.iter().any(|p| p.round == Round::First) {
        missing.push("成立第一轮评价专家组（panel_formed，round 1）");
    }
    if !missing.is_empty() {
        o.push(
            Rule::CapabilityEvaluationNeedsPanel,
            format!("评价须在{}之后", missing.join("、")),
        );
    }
    app.evaluations.push(Evaluation {
        date: d,
        event: index,
        score,
        grade_given: grade,
        suggestions: suggestions.clone(),
    });
}
