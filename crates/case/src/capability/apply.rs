//! Applying one event to the state: every rule of I-18 is checked once, here. The app calls it
//! through `check_next` (a violation refuses the event); `replay` keeps the event and reports
//! the violation. Results (`evaluation_completed`) are facts: their score is never a
//! violation, only the procedure around them and a suggested grade that contradicts the score.

use chrono::NaiveDate;

use super::events::*;
use super::grade::{first_reapplication, grade_for, valid_until, Grade, Score};
use super::state::*;
use super::Context;
use crate::{Rule, Violation};

/// Working days of publicity (6.4: 不少于15个工作日).
pub const PUBLICITY_WORKDAYS: u32 = 15;
/// Members of an evaluation panel at least (7.2.2, I-13).
pub const MIN_PANEL: usize = 3;

struct Out {
    index: usize,
    list: Vec<Violation>,
}

impl Out {
    fn push(&mut self, rule: Rule, message: String) {
        self.list.push(Violation {
            event: self.index,
            rule,
            clause: rule.clause(),
            message,
        });
    }
}

/// The last day of a publicity started on `start`: the 15th working day after it (the start
/// not counted, I-11), noting calendar warnings.
pub(super) fn publicity_end(case: &mut CaseState, ctx: Context<'_>, start: NaiveDate) -> NaiveDate {
    match ctx.calendar.add_workdays(start, PUBLICITY_WORKDAYS) {
        Ok((d, warnings)) => {
            case.warnings
                .extend(warnings.into_iter().map(|w| w.message));
            d
        }
        Err(_) => start,
    }
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
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
        EventKind::VerificationDone { .. } => verification_done(case, o, d),
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

fn not_confirmed(app: &Application, o: &mut Out, act: &str) -> bool {
    if let Some(c) = app.confirmed {
        o.push(
            Rule::NotTwice,
            format!("本次评价结果已于 {c} 确认，不能再{act}；再次评价须重新申请"),
        );
        return false;
    }
    true
}

fn verification_done(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
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

/// A panel formed anew for an objection (6.5, I-13): after an objection to the current
/// result, with no member of round 1.
fn second_panel(case: &mut CaseState, o: &mut Out, panel: Panel) {
    let Some(app) = case.application_mut() else {
        o.push(
            Rule::CapabilitySecondPanelAfterObjection,
            "案卷中没有评价申请，更没有异议：第二轮专家组须因公示期内的异议重新组成".into(),
        );
        return;
    };
    let objection = app.publicity().and_then(|p| p.objections.first());
    if objection.is_none() {
        let why = match app.publicity() {
            Some(p) => format!("{} 开始的公示没有收到异议", p.start),
            None => "本次初评结果尚未公示，没有异议".into(),
        };
        o.push(
            Rule::CapabilitySecondPanelAfterObjection,
            format!("{why}：重新组成专家组（第二轮）须在收到公示期内的异议之后"),
        );
    }
    let first = app.first_round_members();
    let shared: Vec<&str> = panel
        .members
        .iter()
        .map(String::as_str)
        .filter(|m| first.contains(m))
        .collect();
    if !shared.is_empty() {
        o.push(
            Rule::CapabilitySecondPanelIndependent,
            format!(
                "{} 是第一轮评价专家组的成员：重新组成的专家组不得有第一轮的成员（第一轮：{}）",
                shared.join("、"),
                first.join("、")
            ),
        );
    }
    app.panels.push(panel);
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

fn publicity_started(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    media: &Option<String>,
    ctx: Context<'_>,
) {
    let end = publicity_end(case, ctx, d);
    let Some(app) = case.application_mut() else {
        o.push(
            Rule::CapabilityPublicityNeedsEvaluation,
            "案卷中没有评价申请，没有可公示的初评结果".into(),
        );
        return;
    };
    if !not_confirmed(app, o, "公示") {
        return;
    }
    let Some(latest) = app.evaluations.len().checked_sub(1) else {
        o.push(
            Rule::CapabilityPublicityNeedsEvaluation,
            "尚无初评结果，不能公示：公示须在评价完成（evaluation_completed）之后".into(),
        );
        return;
    };
    if let Some(p) = app.publicity() {
        match p.upheld() {
            Some(x) => o.push(
                Rule::CapabilityPublicityNeedsEvaluation,
                format!(
                    "异议 {} 已裁决成立，{} 公示的初评结果不再成立：须重新评价后公示新的结果",
                    x.id, p.start
                ),
            ),
            None => o.push(
                Rule::NotTwice,
                format!("该初评结果已于 {} 开始公示，公示期至 {}", p.start, p.end),
            ),
        }
        return;
    }
    app.publicities.push(Publicity {
        start: d,
        end,
        evaluation: latest,
        media: media.clone(),
        objections: Vec::new(),
    });
}

fn objection_received(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    index: usize,
    id: &Option<String>,
    from: &Option<String>,
) {
    let Some(p) = case.application_mut().and_then(|a| a.publicity_mut()) else {
        o.push(
            Rule::CapabilityObjectionInTime,
            "初评结果尚未公示：异议须在公示期内提出".into(),
        );
        return;
    };
    if d > p.end {
        o.push(
            Rule::CapabilityObjectionInTime,
            format!(
                "公示自 {} 起15个工作日，至 {}（含当日）止：{d} 提出的异议已逾期",
                p.start, p.end
            ),
        );
    }
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            if p.objections.iter().any(|x| x.id == id) {
                o.push(Rule::NotTwice, format!("异议编号 {id} 已使用"));
                return;
            }
            id.to_string()
        }
        None => (p.objections.len() + 1..)
            .map(|n| format!("异议{n}"))
            .find(|c| !p.objections.iter().any(|x| &x.id == c))
            .unwrap_or_default(),
    };
    p.objections.push(Objection {
        id,
        date: d,
        event: index,
        from: from.clone(),
        ruling: None,
    });
}

fn objection_ruled(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    result: RulingResult,
    objection: &Option<String>,
    by: &Option<String>,
) {
    let Some(app) = case.application_mut() else {
        o.push(Rule::KnownReference, "案卷中没有异议，不能裁决".into());
        return;
    };
    // a panel formed anew after the first objection to this result handles them all
    let second = app.publicity().and_then(|p| {
        let first = p.objections.first()?.event;
        app.panels
            .iter()
            .rfind(|x| x.round == Round::Second && x.event > first)
            .map(|x| x.date)
    });
    let Some(p) = app.publicity_mut() else {
        o.push(
            Rule::KnownReference,
            "本次初评结果尚未公示，没有异议可裁决".into(),
        );
        return;
    };
    let wanted = objection
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let found = match wanted {
        Some(id) => p.objections.iter_mut().find(|x| x.id == id),
        None => p.objections.iter_mut().find(|x| x.ruling.is_none()),
    };
    let Some(x) = found else {
        let known: Vec<&str> = p.objections.iter().map(|x| x.id.as_str()).collect();
        let message = match wanted {
            Some(id) if known.is_empty() => {
                format!("{} 开始的公示没有收到异议，没有异议 {id}", p.start)
            }
            Some(id) => format!("没有异议 {id}；本次公示的异议：{}", known.join("、")),
            None if known.is_empty() => format!("{} 开始的公示没有收到异议，不能裁决", p.start),
            None => format!("本次公示的异议（{}）均已裁决", known.join("、")),
        };
        o.push(Rule::KnownReference, message);
        return;
    };
    if let Some(r) = &x.ruling {
        o.push(
            Rule::NotTwice,
            format!(
                "异议 {} 已于 {} 裁决（{}）",
                x.id,
                r.date,
                r.result.name_zh()
            ),
        );
        return;
    }
    if second.is_none() {
        o.push(
            Rule::CapabilityRulingAfterSecondPanel,
            format!(
                "异议 {} 须由重新组成的专家组现场调查核实后裁决：请先记录第二轮专家组（panel_formed，round 2，不含第一轮成员）",
                x.id
            ),
        );
    }
    x.ruling = Some(Ruling {
        date: d,
        result,
        by: by.clone(),
    });
}

fn confirmed(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
    let current = case.applications.len().saturating_sub(1);
    let Some(app) = case.application_mut() else {
        o.push(
            Rule::CapabilityConfirmationAfterPublicity,
            "案卷中没有评价申请，没有可确认的结果".into(),
        );
        return;
    };
    if !not_confirmed(app, o, "确认") {
        return;
    }
    match app.publicity() {
        None if app.evaluation().is_none() => o.push(
            Rule::CapabilityConfirmationAfterPublicity,
            "尚无初评结果：确认须在评价完成并公示期满之后".into(),
        ),
        None => o.push(
            Rule::CapabilityConfirmationAfterPublicity,
            "初评结果尚未公示：公示不少于15个工作日，期满后方可确认".into(),
        ),
        Some(p) if d <= p.end => o.push(
            Rule::CapabilityConfirmationAfterPublicity,
            format!(
                "公示自 {} 起15个工作日，至 {}（含当日）止：{d} 尚在公示期内，最早可于 {} 确认",
                p.start,
                p.end,
                next_day(p.end)
            ),
        ),
        Some(_) => {}
    }
    if let Some(p) = app.publicity() {
        let open: Vec<&str> = p.open_objections().map(|x| x.id.as_str()).collect();
        if !open.is_empty() {
            o.push(
                Rule::CapabilityObjectionsRuled,
                format!(
                    "异议 {} 尚未裁决：须由重新组成的专家组调查核实并裁决后方可确认",
                    open.join("、")
                ),
            );
        } else if let Some(x) = p.upheld() {
            o.push(
                Rule::CapabilityObjectionsRuled,
                format!(
                    "异议 {} 已裁决成立，{} 公示的初评结果不能确认：须重新评价并重新公示",
                    x.id, p.start
                ),
            );
        }
    }
    app.confirmed = Some(d);
    if let Some(ev) = app.evaluation() {
        let awarded = grade_for(ev.score);
        case.conclusion = Some(Conclusion {
            application: current,
            confirmed: d,
            score: ev.score,
            awarded,
            grade: awarded,
            valid_until: valid_until(d),
            downgrades: Vec::new(),
            revoked: None,
        });
    }
}

/// The current application's confirmation, or a violation naming the act.
fn after_confirmation(case: &mut CaseState, o: &mut Out, act: &str) -> Option<()> {
    match case.application() {
        Some(app) if app.confirmed.is_some() => Some(()),
        Some(_) => {
            o.push(
                Rule::CapabilityNeedsConfirmation,
                format!("评价结果尚未确认，不能{act}；须在公示期满、异议裁决后确认结果"),
            );
            None
        }
        None => {
            o.push(
                Rule::CapabilityNeedsConfirmation,
                format!("案卷中没有评价申请，没有可{act}的结果"),
            );
            None
        }
    }
}

fn announced(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
    after_confirmation(case, o, "公告");
    if let Some(app) = case.application_mut() {
        match app.announced {
            Some(a) => o.push(Rule::NotTwice, format!("评价结果已于 {a} 公告")),
            None => app.announced = Some(d),
        }
    }
}

fn report_issued(case: &mut CaseState, o: &mut Out, d: NaiveDate, number: &Option<String>) {
    after_confirmation(case, o, "出具最终评价报告");
    if let Some(app) = case.application_mut() {
        match app.report {
            Some(r) => o.push(Rule::NotTwice, format!("最终评价报告已于 {r} 出具")),
            None => {
                app.report = Some(d);
                app.report_number = number.clone();
            }
        }
    }
}

/// The grade in force on `d`, or a violation saying why there is none to sanction.
fn sanctionable<'a>(
    case: &'a mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    act: &str,
) -> Option<&'a mut Conclusion> {
    let why = match &case.conclusion {
        None => "尚无确认的评价等级".to_string(),
        Some(c) => match (c.revoked, c.grade, c.valid_until) {
            (Some((on, _)), _, _) => format!("等级已于 {on} 撤销"),
            (None, None, _) => format!(
                "{} 确认的结果得分 {}，60分以下不予评级",
                c.confirmed,
                c.score.value()
            ),
            (None, Some(_), Some(u)) if d > u => format!("等级有效期已于 {u} 届满"),
            (None, Some(_), None) => "等级有效期无法计算".into(),
            _ => return case.conclusion.as_mut(),
        },
    };
    o.push(
        Rule::CapabilitySanctionNeedsGrade,
        format!("{why}，不能{act}：撤销或降级须针对已确认、未撤销且在有效期内的等级"),
    );
    None
}

fn revoked(case: &mut CaseState, o: &mut Out, d: NaiveDate, reason: RevocationReason) {
    if let Some(c) = sanctionable(case, o, d, "撤销") {
        c.revoked = Some((d, reason));
    }
}

fn downgraded(case: &mut CaseState, o: &mut Out, d: NaiveDate, to: Grade) {
    let Some(c) = sanctionable(case, o, d, "降级") else {
        return;
    };
    let Some(now) = c.grade else { return };
    if to.rank() <= now.rank() {
        o.push(
            Rule::CapabilitySanctionNeedsGrade,
            format!(
                "现有等级为{}，降级须降至更低的等级，{}不是",
                now.code(),
                to.code()
            ),
        );
        return;
    }
    c.grade = Some(to);
    c.downgrades.push((d, to));
}
