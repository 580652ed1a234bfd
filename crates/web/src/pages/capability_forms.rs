//! The forms of a capability case (seed 004; rules in `tianping_case::capability` and
//! `tianping_domain::capability_case`): one form per event type the person may enter, read
//! into the event here; the enterprise's application; linking the on-site assessment.

use chrono::NaiveDate;
use tianping_app::capability_cases::{
    self as uc, CapabilityView, ReviewResult, RevocationReason, Round, RulingResult,
};
use tianping_case::capability::{Event, EventKind, Grade, Score};

use super::capability_page::{render, Shown};
use super::*;
use crate::view::{csrf, field, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cases/:id/capability/events", post(event_post))
        .route("/cases/:id/capability/evaluation", post(link_post))
        .route("/cases/capability/apply", post(apply_post))
}

/// What was typed into a form, by field (several values for `members`).
pub(super) type Typed = Vec<(String, String)>;

fn one<'a>(t: &'a Typed, k: &str) -> &'a str {
    t.iter()
        .find(|(x, _)| x == k)
        .map_or("", |(_, v)| v.as_str())
}

fn opt(t: &Typed, k: &str) -> Option<String> {
    Some(one(t, k).trim().to_string()).filter(|s| !s.is_empty())
}

fn bad(field: &str, zh: &str, en: &str) -> Error {
    Error::invalid(field, zh.to_string(), en.to_string())
}

/// The event a form describes.
pub(super) fn parse(t: &Typed) -> Result<Event, Error> {
    let date = NaiveDate::parse_from_str(one(t, "date").trim(), "%Y-%m-%d").map_err(|_| {
        bad(
            "date",
            "请填写日期（年-月-日）",
            "Enter the date (YYYY-MM-DD)",
        )
    })?;
    let kind = match one(t, "type") {
        "application_received" => EventKind::ApplicationReceived {},
        "application_reviewed" => EventKind::ApplicationReviewed {
            result: match one(t, "result") {
                "accepted" => ReviewResult::Accepted,
                "refused" => ReviewResult::Refused,
                _ => {
                    return Err(bad(
                        "result",
                        "请选择受理或不予受理",
                        "Choose accept or refuse",
                    ))
                }
            },
            reason: opt(t, "reason"),
            by: None,
        },
        "verification_done" => EventKind::VerificationDone {
            by: None,
            registration: opt(t, "registration"),
            licences: opt(t, "licences"),
        },
        "panel_formed" => EventKind::PanelFormed {
            members: t
                .iter()
                .filter(|(k, v)| k == "members" && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .collect(),
            round: if one(t, "round") == "2" {
                Round::Second
            } else {
                Round::First
            },
        },
        "evaluation_completed" => EventKind::EvaluationCompleted {
            score: match opt(t, "score") {
                // replaced by the linked assessment's score (the app reads it)
                None if one(t, "linked") == "1" => {
                    Score::new(0.0).map_err(|m| bad("score", &m, "score"))?
                }
                None => {
                    return Err(bad(
                        "score",
                        "请填写得分（0–100），或先关联现场评价",
                        "Enter the score (0–100) or link the assessment first",
                    ))
                }
                Some(s) => s
                    .parse::<f64>()
                    .map_err(|_| ())
                    .and_then(|x| Score::new(x).map_err(|_| ()))
                    .map_err(|_| {
                        bad(
                            "score",
                            "得分应为 0 到 100 之间的数（7.1）",
                            "A score from 0 to 100",
                        )
                    })?,
            },
            grade: None,
            suggestions: opt(t, "suggestions"),
        },
        "publicity_started" => EventKind::PublicityStarted {
            media: opt(t, "media"),
        },
        "objection_received" => EventKind::ObjectionReceived {
            id: opt(t, "objection"),
            from: opt(t, "from"),
        },
        "objection_ruled" => EventKind::ObjectionRuled {
            result: match one(t, "result") {
                "upheld" => RulingResult::Upheld,
                "dismissed" => RulingResult::Dismissed,
                _ => {
                    return Err(bad(
                        "result",
                        "请选择异议成立或异议不成立",
                        "Choose upheld or dismissed",
                    ))
                }
            },
            objection: opt(t, "objection"),
            by: None,
        },
        "confirmed" => EventKind::Confirmed { by: None },
        "announced" => EventKind::Announced {
            media: opt(t, "media"),
        },
        "report_issued" => EventKind::ReportIssued {
            number: opt(t, "number"),
        },
        "revoked" => EventKind::Revoked {
            reason: match one(t, "reason") {
                "fraud" => RevocationReason::Fraud,
                "accident" => RevocationReason::Accident,
                _ => {
                    return Err(bad(
                        "reason",
                        "请选择撤销原因（9.2）",
                        "Choose the reason (9.2)",
                    ))
                }
            },
            note: opt(t, "note"),
            by: None,
        },
        "downgraded" => EventKind::Downgraded {
            grade: match one(t, "grade") {
                "二级" => Grade::Second,
                "三级" => Grade::Third,
                "一级" => Grade::First,
                _ => return Err(bad("grade", "请选择降至的等级", "Choose the grade")),
            },
            note: opt(t, "note"),
            by: None,
        },
        _ => return Err(bad("type", "未知的事件类型", "Unknown event type")),
    };
    Ok(Event { date, kind })
}

async fn event_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(t): Form<Typed>,
) -> Res {
    ctx.check_csrf(one(&t, "csrf"))?;
    let u = ctx.user()?;
    let r = match parse(&t) {
        Ok(e) => uc::append(&st, u, id, e).await.map(|a| a.seq),
        Err(e) => Err(e),
    };
    match r {
        Ok(seq) => Ok(Redirect::to(&format!("/cases/{id}?done={seq}")).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Refused(_) | Error::Forbidden(_))) => {
            render(
                &st,
                &ctx,
                id,
                None,
                Shown {
                    error: Some(e),
                    typed: t,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn link_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(t): Form<Typed>,
) -> Res {
    ctx.check_csrf(one(&t, "csrf"))?;
    let u = ctx.user()?;
    let r = match one(&t, "assessment").trim().parse::<i64>() {
        Ok(a) => uc::link_evaluation(&st, u, id, a).await,
        Err(_) => Err(bad(
            "assessment",
            "请填写现场评价的编号",
            "Enter the assessment's number",
        )),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(e @ (Error::Invalid(_) | Error::NotFound)) => {
            let e = if matches!(e, Error::NotFound) {
                bad("assessment", "没有这个评价", "No such assessment")
            } else {
                e
            };
            render(
                &st,
                &ctx,
                id,
                None,
                Shown {
                    error: Some(e),
                    typed: t,
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The enterprise applies for a capability evaluation (from `/cases/apply`'s choice).
async fn apply_post(State(st): State<App>, ctx: Ctx, Form(t): Form<Typed>) -> Res {
    ctx.check_csrf(one(&t, "csrf"))?;
    let u = ctx.user()?;
    let org = one(&t, "org").trim().parse::<i64>().unwrap_or(0);
    let id = uc::apply(&st, u, org).await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

/// The enterprise's application for a capability evaluation, on `/cases/apply` (6.1): the
/// body chosen, dated today; a re-application inside 2 years is refused naming the first day.
pub(super) fn apply_form(l: Lang, token: &str, bodies: &[(String, String)]) -> Markup {
    html! {
        h2 { (l.t("申请企业能力评价", "Apply for a capability evaluation")) }
        div.card {
            p.muted { (l.t("向评价机构提出书面申请（6.1），申请日期为今天；两次申请应间隔2年以上（9.1）。",
                "A written application to an evaluation body (6.1), dated today; applications are at least 2 years apart (9.1).")) }
            form method="post" action="/cases/capability/apply" {
                (csrf(token))
                (select(l.t("评价机构", "Evaluation body"), "org", bodies, "", None))
                p { button { (l.t("申请企业能力评价", "Apply for a capability evaluation")) } }
            }
        }
    }
}

fn grade_options() -> Vec<(String, String)> {
    ["二级", "三级", "一级"]
        .iter()
        .map(|g| (g.to_string(), g.to_string()))
        .collect()
}

/// The form of one event type, with what was typed and the errors of its fields.
pub(super) fn event_form(
    l: Lang,
    token: &str,
    v: &CapabilityView,
    t: &str,
    typed: &Typed,
    errs: &BTreeMap<String, String>,
) -> Markup {
    let mine = one(typed, "type") == t;
    let val = |k: &str| {
        if mine {
            one(typed, k).to_string()
        } else {
            String::new()
        }
    };
    let e = |k: &str| {
        if mine {
            errs.get(k).map(String::as_str)
        } else {
            None
        }
    };
    let today = v.as_of.to_string();
    let date = if mine && !one(typed, "date").is_empty() {
        one(typed, "date").to_string()
    } else {
        today
    };
    let open_objections: Vec<(String, String)> = v
        .outcome
        .case
        .application()
        .and_then(|a| a.publicity())
        .map(|p| {
            p.open_objections()
                .map(|o| (o.id.clone(), o.id.clone()))
                .collect()
        })
        .unwrap_or_default();
    html! {
        details open[mine] {
            summary { (super::cases::type_words(l, tianping_case::CaseKind::Capability, t)) }
            form.stack method="post" action={ "/cases/" (v.case.id) "/capability/events" } {
                (csrf(token))
                input type="hidden" name="type" value=(t);
                (field(l.t("日期", "Date"), "date", "date", &date, e("date"), &[("required", "")]))
                @match t {
                    "application_reviewed" => {
                        (select(l.t("答复", "Answer"), "result", &[("accepted".into(), l.t("受理", "Accept").into()), ("refused".into(), l.t("不予受理", "Refuse").into())], &val("result"), e("result")))
                        (field(l.t("理由（不予受理时必填）", "Reason (for a refusal)"), "reason", "text", &val("reason"), e("reason"), &[]))
                    }
                    "verification_done" => {
                        (field(l.t("合法注册的核实依据（6.2）", "Legal registration: what showed it (6.2)"), "registration", "text", &val("registration"), e("registration"), &[("required", "")]))
                        (field(l.t("业务所需许可及核查结果（无需许可的写“无需许可”）", "Licences the business needs and what was found (or none needed)"), "licences", "text", &val("licences"), e("licences"), &[("required", "")]))
                    }
                    "panel_formed" => {
                        (select(l.t("轮次", "Round"), "round", &[("1".into(), Round::First.name_zh().into()), ("2".into(), Round::Second.name_zh().into())], &val("round"), e("round")))
                        fieldset {
                            legend { (l.t("专家库成员（至少3人，7.2.2）", "Experts of the pool (at least 3, 7.2.2)")) }
                            @if v.pool.is_empty() {
                                p.muted { (l.t("本机构专家库尚无成员：请在人员页面记录专家领域。", "The pool is empty: record experts' fields on the people page.")) }
                            }
                            @for m in &v.pool {
                                @let id = m.user_id.to_string();
                                label {
                                    input type="checkbox" name="members" value=(id)
                                        checked[mine && typed.iter().any(|(k, x)| k == "members" && *x == id)];
                                    " " (m.name) " · "
                                    (m.fields.iter().map(|f| f.label(l)).collect::<Vec<_>>().join(l.t("、", ", ")))
                                    @if m.conflicted { " " span.bad { (l.t("（已声明利益冲突）", "(conflict declared)")) } }
                                }
                            }
                            (view::err(e("members")))
                        }
                    }
                    "evaluation_completed" => {
                        @if let Some(a) = v.evaluation {
                            input type="hidden" name="linked" value="1";
                            p.muted { (l.t("得分取自关联的现场评价 #", "The score is read from the linked assessment #")) (a) }
                        } @else {
                            (field(l.t("得分（0–100，未关联现场评价时填写）", "Score (0–100, when no assessment is linked)"), "score", "number", &val("score"), e("score"), &[("step", "any"), ("min", "0"), ("max", "100"), ("required", "")]))
                        }
                        label for="f-suggestions" { (l.t("改进措施建议（6.3）", "Suggested improvements (6.3)")) }
                        textarea #f-suggestions name="suggestions" rows="4" { (val("suggestions")) }
                    }
                    "publicity_started" | "announced" => {
                        (field(l.t("媒体（网站、报刊等）", "Media"), "media", "text", &val("media"), e("media"), &[]))
                    }
                    "objection_received" => {
                        (field(l.t("异议编号（可空）", "Objection id (optional)"), "objection", "text", &val("objection"), e("objection"), &[]))
                        (field(l.t("来源（信函、电话等）", "From (letter, phone…)"), "from", "text", &val("from"), e("from"), &[]))
                    }
                    "objection_ruled" => {
                        (select(l.t("裁决", "Ruling"), "result", &[("dismissed".into(), RulingResult::Dismissed.name_zh().into()), ("upheld".into(), RulingResult::Upheld.name_zh().into())], &val("result"), e("result")))
                        (select(l.t("异议", "Objection"), "objection", &open_objections, &val("objection"), e("objection")))
                    }
                    "report_issued" => {
                        (field(l.t("报告编号", "Report number"), "number", "text", &val("number"), e("number"), &[]))
                    }
                    "revoked" => {
                        (select(l.t("撤销原因（9.2）", "Reason (9.2)"), "reason", &[("fraud".into(), RevocationReason::Fraud.name_zh().into()), ("accident".into(), RevocationReason::Accident.name_zh().into())], &val("reason"), e("reason")))
                        (field(l.t("决定的事实和理由（必填）", "Facts and reasons (required)"), "note", "text", &val("note"), e("note"), &[("required", "")]))
                    }
                    "downgraded" => {
                        (select(l.t("降至等级", "Lowered to"), "grade", &grade_options(), &val("grade"), e("grade")))
                        (field(l.t("决定的事实和理由（必填）", "Facts and reasons (required)"), "note", "text", &val("note"), e("note"), &[("required", "")]))
                    }
                    _ => {}
                }
                p { button { (l.t("记录", "Record")) } }
            }
        }
    }
}
