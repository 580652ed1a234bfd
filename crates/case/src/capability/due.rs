//! What is due in a capability evaluation on a date, each with its clause: the publicity's
//! end, objections to rule, a result to re-evaluate, the confirmation, the announcement and
//! the final report, and the grade's expiry.

use chrono::NaiveDate;
use tianping_calc::calendar::add_months;

use super::grade::first_reapplication;
use super::state::CaseState;
use crate::{Due, DueKind};

/// How long before a grade's expiry the due list shows it (as certification's
/// recertification window).
const EXPIRY_NOTICE_MONTHS: i32 = 3;

pub(super) fn due_list(case: &CaseState, as_of: NaiveDate) -> Vec<Due> {
    let mut out = Vec::new();
    let mut push = |kind: DueKind, due: NaiveDate, clause, subject, message| {
        out.push(Due {
            kind,
            due,
            overdue: false,
            clause,
            subject,
            message,
        })
    };
    if let Some(app) = case.application().filter(|a| a.accepted()) {
        match (app.confirmed, app.publicity()) {
            (None, Some(p)) => {
                let after = p.end.succ_opt().unwrap_or(p.end);
                if as_of <= p.end {
                    push(
                        DueKind::PublicityEnd,
                        p.end,
                        "6.4",
                        None,
                        format!(
                            "初评结果自 {} 起公示15个工作日，至 {}（含当日）止；期内可提出异议，{after} 起可确认",
                            p.start, p.end
                        ),
                    );
                }
                let second = |event: usize| {
                    app.panels
                        .iter()
                        .any(|x| x.round == super::events::Round::Second && x.event > event)
                };
                let first = p.objections.first().map(|x| x.event).unwrap_or(0);
                for x in p.open_objections() {
                    let message = if second(first) {
                        format!(
                            "{} 收到的异议 {} 待重新组成的专家组调查核实后裁决",
                            x.date, x.id
                        )
                    } else {
                        format!(
                            "{} 收到的异议 {}：须重新组成专家组（不含第一轮成员）现场调查核实，再作出裁决",
                            x.date, x.id
                        )
                    };
                    push(
                        DueKind::ObjectionRuling,
                        x.date,
                        "6.5",
                        Some(x.id.clone()),
                        message,
                    );
                }
                if let Some(x) = p.upheld() {
                    let on = x.ruling.as_ref().map_or(x.date, |r| r.date);
                    push(
                        DueKind::Reevaluation,
                        on,
                        "6.5",
                        Some(x.id.clone()),
                        format!(
                            "异议 {} 于 {on} 裁决成立：初评结果须重新评价，新的结果重新公示后方可确认",
                            x.id
                        ),
                    );
                } else if as_of > p.end && p.open_objections().next().is_none() {
                    let how = if p.objections.is_empty() {
                        "无异议"
                    } else {
                        "异议均已裁决不成立"
                    };
                    push(
                        DueKind::Confirmation,
                        after,
                        "6.5",
                        None,
                        format!(
                            "公示期已于 {} 届满，{how}：可自 {after} 起确认评价结果并按得分划分等级",
                            p.end
                        ),
                    );
                }
            }
            (Some(c), _) => {
                if app.announced.is_none() {
                    push(
                        DueKind::Announcement,
                        c,
                        "6.5",
                        None,
                        format!("评价结果已于 {c} 确认，须向社会公告"),
                    );
                }
                if app.report.is_none() {
                    push(
                        DueKind::FinalReport,
                        c,
                        "6.5, 8.1",
                        None,
                        format!("评价结果已于 {c} 确认，须形成最终评价报告（附录B）"),
                    );
                }
            }
            (None, None) => {}
        }
    }
    if let Some(c) = &case.conclusion {
        if let (Some(g), Some(until)) = (c.grade_on(as_of), c.valid_until) {
            let from = add_months(until, -EXPIRY_NOTICE_MONTHS).unwrap_or(until);
            if as_of >= from {
                let again = case
                    .last_accepted()
                    .and_then(first_reapplication)
                    .map(|d| format!("，可申请再次评价（最早 {d}）"))
                    .unwrap_or_default();
                push(
                    DueKind::GradeExpiry,
                    until,
                    "9.1",
                    None,
                    format!(
                        "{} 确认的{}有效期至 {until}（评价周期五年）{again}",
                        c.confirmed,
                        g.code()
                    ),
                );
            }
        }
    }
    out.sort_by_key(|x| (x.due, x.kind));
    out
}
