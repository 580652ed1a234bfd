//! The conclusion (004 6.5, 8.1, 8.2, 9.2): confirmation after the publicity with every
//! objection ruled, the grade the score gives and its period, announcement and final report,
//! revocation and downgrading.

use chrono::NaiveDate;

use super::apply::{not_confirmed, Out};
use super::events::*;
use super::grade::{grade_for, valid_until, Grade};
use super::state::*;
use crate::Rule;

fn next_day(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

pub(super) fn confirmed(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
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

pub(super) fn announced(case: &mut CaseState, o: &mut Out, d: NaiveDate) {
    after_confirmation(case, o, "公告");
    if let Some(app) = case.application_mut() {
        match app.announced {
            Some(a) => o.push(Rule::NotTwice, format!("评价结果已于 {a} 公告")),
            None => app.announced = Some(d),
        }
    }
}

pub(super) fn report_issued(
    case: &mut CaseState,
    o: &mut Out,
    d: NaiveDate,
    number: &Option<String>,
) {
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

pub(super) fn revoked(case: &mut CaseState, o: &mut Out, d: NaiveDate, reason: RevocationReason) {
    if let Some(c) = sanctionable(case, o, d, "撤销") {
        c.revoked = Some((d, reason));
    }
}

pub(super) fn downgraded(case: &mut CaseState, o: &mut Out, d: NaiveDate, to: Grade) {
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
