//! Publicity and objections (004 6.4, 6.5; I-11, I-13): the preliminary result published for
//! 15 working days, objections in that period, the panel formed anew — after an objection,
//! with no member of round 1 — and its ruling.

use chrono::NaiveDate;

use super::apply::{not_confirmed, Out};
use super::events::*;
use super::state::*;
use super::Context;
use crate::Rule;

/// Working days of publicity (6.4: 不少于15个工作日).
pub const PUBLICITY_WORKDAYS: u32 = 15;

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

/// A panel formed anew for an objection (6.5, I-13): after an objection to the current
/// result, with no member of round 1.
pub(super) fn second_panel(case: &mut CaseState, o: &mut Out, panel: Panel) {
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

pub(super) fn publicity_started(
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

pub(super) fn objection_received(
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

pub(super) fn objection_ruled(
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
