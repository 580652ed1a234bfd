//! Appeals and complaints (11.1): received within 10 working days of the decision, decided by
//! someone who took no part in it, each closed once.

use chrono::NaiveDate;

use super::apply::{workdays_after, Out};
use super::events::AppealResult;
use super::state::*;
use super::Context;
use crate::Rule;

pub(super) fn appeal_received(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    id: &Option<String>,
    ctx: Context<'_>,
) {
    let id = id
        .clone()
        .unwrap_or_else(|| format!("申诉{}", case.appeals.len() + 1));
    let decision = case.decisions.iter().rev().find(|x| x.date <= d).cloned();
    match &decision {
        None => out.push(
            Rule::KnownReference,
            "案卷中没有可申诉的认证决定；申诉针对认证决定提出".into(),
        ),
        Some(x) => {
            let last = workdays_after(case, ctx.calendar, x.date, 10);
            if d > last {
                out.push(
                    Rule::AppealInTime,
                    format!(
                        "认证决定于 {} 作出，申诉须在其后10个工作日内、最迟于 {last} 提出，{d} 已逾期",
                        x.date
                    ),
                );
            }
        }
    }
    if case.appeals.iter().any(|a| a.id == id) {
        out.push(Rule::NotTwice, format!("申诉 {id} 已记录"));
    }
    let involved = decision.as_ref().map_or_else(Vec::new, |x| {
        let mut people = vec![x.by.clone()];
        for a in case.audits.iter().filter(|a| x.covers.contains(&a.id)) {
            people.extend(a.team.iter().map(|m| m.person.clone()));
        }
        people.sort();
        people.dedup();
        people
    });
    case.appeals.push(AppealRec {
        id,
        received: d,
        decision_date: decision.as_ref().map(|x| x.date),
        decider: decision.map(|x| x.by),
        involved,
        decided: None,
    });
}

pub(super) fn appeal_decided(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    by: &str,
    result: AppealResult,
    id: &Option<String>,
) {
    let name = case.who(by);
    let found = case
        .appeals
        .iter_mut()
        .find(|a| a.decided.is_none() && id.as_ref().is_none_or(|i| &a.id == i));
    match found {
        None => out.push(
            Rule::AppealOpen,
            match id {
                Some(i) => format!(
                    "没有待处理的申诉 {i}：申诉须先收到（appeal_received）后处理，且只处理一次"
                ),
                None => {
                    "没有待处理的申诉：申诉须先收到（appeal_received）后处理，且只处理一次".into()
                }
            },
        ),
        Some(a) => {
            if a.decider.as_deref() == Some(by) {
                out.push(
                    Rule::AppealImpartial,
                    format!("{name} 作出了被申诉的认证决定，申诉须由未参与该决定的人员处理"),
                );
            } else if a.involved.iter().any(|p| p == by) {
                out.push(
                    Rule::AppealImpartial,
                    format!(
                        "{name} 是被申诉决定所覆盖审核的审核组成员，申诉须由未参与该决定的人员处理"
                    ),
                );
            }
            a.decided = Some((d, by.to_string(), result));
        }
    }
}

pub(super) fn complaint_received(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    id: &Option<String>,
) {
    let id = id
        .clone()
        .unwrap_or_else(|| format!("投诉{}", case.complaints.len() + 1));
    if case.complaints.iter().any(|c| c.id == id) {
        out.push(Rule::NotTwice, format!("投诉 {id} 已记录"));
    }
    case.complaints.push(ComplaintRec {
        id,
        received: d,
        closed: None,
    });
}

pub(super) fn complaint_closed(
    case: &mut CaseState,
    out: &mut Out,
    d: NaiveDate,
    by: &str,
    id: &Option<String>,
) {
    let found = case
        .complaints
        .iter_mut()
        .find(|c| c.closed.is_none() && id.as_ref().is_none_or(|i| &c.id == i));
    match found {
        None => out.push(
            Rule::AppealOpen,
            match id {
                Some(i) => format!(
                    "没有待处理的投诉 {i}：投诉须先收到（complaint_received）后处理，且只处理一次"
                ),
                None => "没有待处理的投诉：投诉须先收到（complaint_received）后处理，且只处理一次"
                    .into(),
            },
        ),
        Some(c) => c.closed = Some((d, by.to_string())),
    }
}
