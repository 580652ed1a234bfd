//! A certification case's values in words: the choices of the event forms (value, Chinese,
//! English) and an event's fields as a line of the timeline.

use serde::Serialize;
use tianping_case::certification::events::{
    AppealResult, DecisionResult, ReviewResult, Severity, TeamRole,
};
use tianping_case::certification::EventKind;
use tianping_case::Header;

use super::case_page::correction_words;
use super::cases::person;
use crate::html::Lang;

/// A choice of a form: the value sent (as in JSON), its Chinese and English words.
pub(super) type Choice = (&'static str, &'static str, &'static str);

pub(super) const REVIEW: &[Choice] = &[
    ("accepted", "受理", "accepted"),
    (
        "supplement_requested",
        "要求补充材料",
        "supplement requested",
    ),
    ("refused", "不予受理", "refused"),
];

pub(super) const AUDIT_KIND: &[Choice] = &[
    ("stage1", "第一阶段审核", "stage 1"),
    ("stage2", "第二阶段审核", "stage 2"),
    ("surveillance", "监督审核", "surveillance"),
    ("recertification", "再认证审核", "recertification"),
    (
        "special",
        "特殊审核（扩大范围、提前较短时间通知）",
        "special",
    ),
];

pub(super) const TEAM_ROLE: &[Choice] = &[
    ("leader", "审核组长", "team leader"),
    ("auditor", "审核员", "auditor"),
    ("technical_expert", "技术专家", "technical expert"),
    ("trainee", "实习审核员", "trainee"),
];

pub(super) const SEVERITY: &[Choice] = &[
    ("minor", "一般不符合", "minor nonconformity"),
    ("major", "严重不符合", "major nonconformity"),
];

pub(super) const CORRECTION: &[Choice] = &[
    (
        "plan",
        "原因分析及纠正、纠正措施计划",
        "cause analysis and plan",
    ),
    (
        "done",
        "纠正及纠正措施已完成（附证据）",
        "correction done, with evidence",
    ),
];

pub(super) const DECISION: &[Choice] = &[
    ("grant", "授予（保持、更新）认证", "grant (maintain, renew)"),
    ("refuse", "不予认证", "refuse"),
];

pub(super) const RECOMMENDATION: &[Choice] = &[
    ("recommend", "推荐通过（保持）认证", "recommend"),
    (
        "after_corrections",
        "不符合项关闭后推荐通过（保持）认证",
        "recommend once the nonconformities are closed",
    ),
    (
        "not_recommend",
        "不推荐通过（保持）认证",
        "do not recommend",
    ),
];

pub(super) const SCOPE_CHANGE: &[Choice] = &[
    ("extend", "扩大认证范围", "extend the scope"),
    ("reduce", "缩小认证范围", "reduce the scope"),
];

pub(super) const APPEAL_RESULT: &[Choice] = &[
    ("upheld", "申诉成立", "upheld"),
    ("rejected", "申诉不成立", "rejected"),
];

/// The choices as select options in the page's language.
pub(super) fn options(l: Lang, c: &[Choice]) -> Vec<(String, String)> {
    c.iter()
        .map(|(v, zh, en)| (v.to_string(), l.t(zh, en).to_string()))
        .collect()
}

/// An enum's JSON value (`"minor"`).
pub(super) fn code<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn words<T: Serialize>(l: Lang, c: &[Choice], x: &T) -> &'static str {
    let v = code(x);
    c.iter()
        .find(|(k, _, _)| *k == v)
        .map_or("?", |(_, zh, en)| l.t(zh, en))
}

pub(super) fn review_words(l: Lang, r: ReviewResult) -> &'static str {
    words(l, REVIEW, &r)
}

pub(super) fn role_words(l: Lang, r: TeamRole) -> &'static str {
    words(l, TEAM_ROLE, &r)
}

pub(super) fn severity_words(l: Lang, s: Severity) -> &'static str {
    words(l, SEVERITY, &s)
}

pub(super) fn decision_words(l: Lang, d: DecisionResult) -> &'static str {
    words(l, DECISION, &d)
}

pub(super) fn appeal_result_words(l: Lang, r: AppealResult) -> &'static str {
    words(l, APPEAL_RESULT, &r)
}

/// An event's main fields in words, for the timeline.
pub(super) fn event_words(l: Lang, k: &EventKind, h: &Header) -> String {
    let sep = l.t("；", "; ");
    let opt = |label: &str, x: &Option<String>| match x {
        Some(s) if !s.trim().is_empty() => format!("{sep}{label}{s}"),
        _ => String::new(),
    };
    match k {
        EventKind::ApplicationReceived {
            headcount,
            scope,
            sites,
            system_start,
        } => {
            let mut s = format!(
                "{}{headcount}{sep}{}{scope}",
                l.t("有效人数 ", "effective headcount "),
                l.t("范围：", "scope: ")
            );
            if !sites.is_empty() {
                let list: Vec<String> = sites
                    .iter()
                    .map(|x| format!("{} {}", x.name, x.headcount))
                    .collect();
                s.push_str(&format!(
                    "{sep}{}{}",
                    l.t("场所：", "sites: "),
                    list.join("、")
                ));
            }
            if let Some(d) = system_start {
                s.push_str(&format!(
                    "{sep}{}{d}",
                    l.t("体系运行起始 ", "system since ")
                ));
            }
            s
        }
        EventKind::ApplicationReviewed {
            result,
            due,
            reason,
            by,
        } => format!(
            "{}{}{}{}",
            review_words(l, *result),
            due.map(|d| format!("{sep}{}{d}", l.t("补充期限 ", "by ")))
                .unwrap_or_default(),
            opt(l.t("理由：", "reason: "), reason),
            by.as_deref()
                .map(|b| format!(" · {}", person(h, b)))
                .unwrap_or_default()
        ),
        EventKind::PlanConfirmed { audit } => {
            format!(
                "{audit}{sep}{}",
                l.t("申请组织确认审核计划", "the client confirmed the plan")
            )
        }
        EventKind::ContractSigned { file } => opt(l.t("合同：", "contract: "), file)
            .trim_start_matches(sep)
            .to_string(),
        EventKind::AuditPlanned {
            audit,
            kind,
            start,
            end,
            team,
            days,
            ..
        } => {
            let team: Vec<String> = team
                .iter()
                .map(|m| {
                    let task = m
                        .task
                        .as_deref()
                        .map(|t| format!("：{t}"))
                        .unwrap_or_default();
                    format!(
                        "{}（{}{task}）",
                        person(h, &m.person),
                        role_words(l, m.role)
                    )
                })
                .collect();
            format!(
                "{audit} {}{sep}{start} — {end}{sep}{}{}{}",
                l.t(kind.name_zh(), kind.as_str()),
                l.t("审核组：", "team: "),
                team.join("、"),
                days.map(|d| format!("{sep}{} {}", self::days(d), l.t("人日", "days")))
                    .unwrap_or_default()
            )
        }
        EventKind::AuditCompleted {
            audit,
            last_day,
            findings,
            score,
            report,
        } => {
            let mut s = format!("{audit}{sep}{}{last_day}", l.t("末日 ", "last day "));
            if let Some(r) = report {
                if let Some(x) = r.recommendation {
                    s.push_str(&format!(
                        "{sep}{}{}",
                        l.t("审核组意见：", "team's opinion: "),
                        choice_words(l, RECOMMENDATION, x)
                    ));
                }
                s.push_str(&opt(l.t("审核结论：", "conclusion: "), &r.conclusion));
                s.push_str(&opt(l.t("偏离计划：", "deviations: "), &r.deviations));
            }
            if findings.is_empty() {
                s.push_str(&format!("{sep}{}", l.t("无不符合项", "no findings")));
            }
            for f in findings {
                s.push_str(&format!(
                    "{sep}{} {}{}",
                    f.id,
                    severity_words(l, f.severity),
                    f.text
                        .as_deref()
                        .map(|t| format!("：{t}"))
                        .unwrap_or_default()
                ));
            }
            if let Some(x) = score {
                s.push_str(&format!(
                    "{sep}{}{}",
                    l.t("清单得分 ", "score "),
                    tianping_domain::words::fig(*x)
                ));
            }
            s
        }
        EventKind::CorrectionSubmitted { finding, kind } => {
            format!("{finding}{sep}{}", correction_words(l, *kind))
        }
        EventKind::CorrectionAccepted {
            finding,
            by,
            onsite,
        } => format!(
            "{finding} · {}{}",
            person(h, by),
            if *onsite {
                l.t("（现场验证）", " (on site)")
            } else {
                ""
            }
        ),
        EventKind::Decision {
            audit,
            by,
            result,
            reason,
        } => format!(
            "{audit}{sep}{} · {}{}",
            decision_words(l, *result),
            person(h, by),
            opt(l.t("理由：", "reason: "), reason)
        ),
        EventKind::CertificateIssued { number } => number.clone(),
        EventKind::SurveillanceExtensionApproved { by, until } => {
            format!("{}{until} · {}", l.t("延长至 ", "until "), person(h, by))
        }
        EventKind::Suspended {
            cause,
            cause_confirmed,
            licence,
        } => format!(
            "{cause}{sep}{}{cause_confirmed}{}",
            l.t("原因核实于 ", "cause confirmed "),
            if *licence {
                l.t("（等待资质许可决定）", " (waiting for a licence decision)")
            } else {
                ""
            }
        ),
        EventKind::Restored { by } => person(h, by),
        EventKind::Withdrawn { reason } | EventKind::Cancelled { reason } => reason.clone(),
        EventKind::ScopeChanged { change, scope } => {
            format!("{}：{scope}", words(l, SCOPE_CHANGE, change))
        }
        EventKind::RecertificationApplied {} => String::new(),
        EventKind::AppealReceived { id } | EventKind::ComplaintReceived { id } => {
            id.clone().unwrap_or_default()
        }
        EventKind::AppealDecided { by, result, id } => format!(
            "{}{} · {}",
            id.as_deref().map(|i| format!("{i} ")).unwrap_or_default(),
            appeal_result_words(l, *result),
            person(h, by)
        ),
        EventKind::ComplaintClosed { by, id } => format!(
            "{}{}",
            id.as_deref().map(|i| format!("{i} · ")).unwrap_or_default(),
            person(h, by)
        ),
    }
}

/// A choice's words for an enum value (its serde name).
pub(super) fn choice_words<T: serde::Serialize>(l: Lang, c: &[Choice], v: T) -> String {
    let key = serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(str::to_string))
        .unwrap_or_default();
    c.iter()
        .find(|x| x.0 == key)
        .map_or(key.clone(), |x| l.t(x.1, x.2).to_string())
}

/// Person-days as people write them: half days as "1.5", whole days as "2".
pub(super) fn days(x: f64) -> String {
    let s = tianping_domain::words::fig(x);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
