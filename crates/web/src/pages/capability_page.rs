//! One capability evaluation case (seed 004 §6, §9; I-18), the capability branch of
//! `/cases/{id}`: its state, the application with its answer and verification, the panels
//! with their members, the preliminary results, each publicity with its objections and
//! rulings (the objectors' names and contacts for the body's staff only), the confirmation,
//! announcement, report and revocation, what is due, the event timeline, and a form for each
//! event the person may enter (`capability_forms`).

use chrono::NaiveDate;
use tianping_app::capability_cases::{self as uc, CapabilityView};
use tianping_app::capability_objections::{self as objs, ObjectionView};
use tianping_app::domain::words::fig;
use tianping_case::capability::EventKind;
use tianping_case::CaseKind;

use super::capability_forms::{event_form, Typed};
use super::cases::{refusals_under, type_words};
use super::*;
use crate::view::{csrf, field, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    super::capability_forms::routes()
}

/// What the page shows besides the case: the event just recorded, or a form's error with
/// what was typed.
#[derive(Default)]
pub(super) struct Shown {
    pub done: Option<i64>,
    pub error: Option<Error>,
    pub typed: Typed,
}

fn who(v: &CapabilityView, id: &str) -> String {
    v.staff_names
        .iter()
        .find(|(i, _)| i == id)
        .map_or_else(|| id.to_string(), |(_, n)| n.clone())
}

/// The capability case page as of a date (default today).
pub(super) async fn render(
    st: &App,
    ctx: &Ctx,
    id: i64,
    as_of: Option<NaiveDate>,
    shown: Shown,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = uc::view(st, u, id, as_of).await?;
    // the platform's operators see the case but not the objections
    let objections = match objs::objections(st, u, id).await {
        Err(Error::NotFound) => Vec::new(),
        r => r?,
    };
    let token = ctx.csrf.as_str();
    let o = &v.outcome;
    let (errs, refusals, forbidden) = match &shown.error {
        Some(Error::Invalid(e)) => (errs_map(l, e), Vec::new(), None),
        Some(Error::Refused(r)) => (BTreeMap::new(), r.clone(), None),
        Some(Error::Forbidden(m)) => (BTreeMap::new(), Vec::new(), Some(m.text(l).to_string())),
        _ => (BTreeMap::new(), Vec::new(), None),
    };
    let body_staff = u.org_id == Some(v.case.org_id);
    let admin = body_staff && u.role == Role::BodyAdmin;
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        @if let Some(seq) = shown.done {
            @if let Some(e) = v.events.iter().find(|e| e.seq == seq) {
                div.flash role="status" { (l.t("已记录：", "Recorded: ")) (type_words(l, CaseKind::Capability, e.event.kind.type_name())) }
            }
        }
        (refusals_under(l, l.t("不符合企业能力评价规则，未作记录：", "Refused by the capability evaluation rules; nothing was recorded:"), &refusals))
        @if let Some(m) = forbidden { div.flash.bad role="alert" { (m) } }
        (super::form_errors(&errs, &["date", "result", "reason", "members", "round", "score", "media", "objection", "from", "number", "note", "grade", "assessment"]))
        div.card {
            p { (l.t("企业能力评价 · ", "Capability evaluation · ")) b { (v.case.enterprise_name) } }
            p { (l.t("评价机构：", "Body: ")) (v.case.org_name) }
            p { a href={ "/cases/" (v.case.id) "/report" } { (l.t("评价报告", "Evaluation report")) } }
            p { (l.t("状态：", "State: ")) b { (l.t(o.state.name_zh(), o.state.as_str())) } " · " (v.as_of) }
            @if let Some(g) = o.grade {
                p { (l.t("等级：", "Grade: ")) b { (g.code.code()) } (l.t("，有效期至 ", ", valid until ")) (g.valid_until) }
            }
            @if let Some(r) = &o.case.conclusion {
                @if let Some((d, why)) = r.revoked {
                    p.bad { (l.t("等级已于 ", "Grade revoked on ")) (d) (l.t(" 撤销：", ": ")) (why.name_zh()) }
                }
            }
        }
        h2 { (l.t("待办事项", "Due")) }
        @if o.due.is_empty() {
            p.muted { (l.t("没有到期或逾期的事项。", "Nothing due or overdue.")) }
        } @else {
            ul { @for d in &o.due {
                li.bad[d.overdue] { (l.t(d.kind.name_zh(), d.kind.as_str())) " · " (d.due) " · " (d.clause) " · " (d.message) }
            } }
        }
        @if !o.violations.is_empty() {
            h2 { (l.t("违反规则的记录", "Violations")) }
            (super::cases::violations_table(l, &o.violations))
        }
        @for (k, a) in o.case.applications.iter().enumerate() {
            h2 { (l.t("申请 ", "Application ")) (k + 1) " · " (a.received) }
            ul {
                @if let Some(r) = &a.review {
                    li { (l.t("受理答复：", "Answer: ")) (r.date) " " (if r.result == uc::ReviewResult::Accepted { l.t("受理", "accepted") } else { l.t("不予受理", "refused") })
                        @if let Some(x) = &r.reason { "（" (x) "）" } }
                }
                @if let Some(d) = a.verified {
                    li { (l.t("核查完成：", "Verified: ")) (d)
                        @if let Some(x) = &a.registration { " · " (l.t("合法注册：", "registration: ")) (x) }
                        @if let Some(x) = &a.licences { " · " (l.t("许可：", "licences: ")) (x) } }
                }
                @for p in &a.panels {
                    li { (p.round.name_zh()) "：" (p.date) " · "
                        (p.members.iter().map(|m| who(&v, m)).collect::<Vec<_>>().join("、")) }
                }
                @for e in &a.evaluations {
                    li { (l.t("初评结果：", "Preliminary result: ")) (e.date) " · " (fig(e.score.value())) (l.t(" 分", " points"))
                        " · " (tianping_case::capability::grade_for(e.score).map_or(l.t("不予评级", "no grade"), |g| g.code()))
                        @if let Some(s) = &e.suggestions { br; span.muted { (l.t("改进措施建议：", "Suggestions: ")) (s) } } }
                }
                @for p in &a.publicities {
                    li { (l.t("公示：", "Publicity: ")) (p.start) (l.t(" 至 ", " to ")) (p.end)
                        @if let Some(m) = &p.media { " · " (m) }
                        " · " a href={ "/public/publicity/" (v.case.id) } { (l.t("公示页面", "public page")) }
                        @if !p.objections.is_empty() { ul { @for x in &p.objections {
                            li { (x.id) " · " (x.date) " · "
                                (x.ruling.as_ref().map_or(l.t("待处理", "open").to_string(), |r| format!("{} {}", r.date, r.result.name_zh()))) }
                        } } }
                    }
                }
                @if let Some(d) = a.confirmed { li { (l.t("确认：", "Confirmed: ")) (d) } }
                @if let Some(d) = a.announced { li { (l.t("公告：", "Announced: ")) (d) } }
                @if let Some(d) = a.report { li { (l.t("最终评价报告：", "Final report: ")) (d) @if let Some(n) = &a.report_number { " · " (n) } } }
            }
        }
        (objections_section(l, &objections))
        @if !v.enterable.is_empty() {
            h2 { (l.t("记录事件", "Record an event")) }
            @for t in &v.enterable {
                (event_form(l, token, &v, t, &shown.typed, &errs))
            }
        }
        @if admin {
            h2 { (l.t("关联现场评价", "Link the on-site assessment")) }
            p.muted { (l.t("本机构对该企业的企业能力评价（t-cic-capability）现场评价；初评得分取自它。", "This body's t-cic-capability assessment of the enterprise; the preliminary score is read from it.")) }
            form.inline method="post" action={ "/cases/" (v.case.id) "/capability/evaluation" } {
                (csrf(token))
                (field(l.t("评价编号", "Assessment number"), "assessment", "number", &v.evaluation.map(|a| a.to_string()).unwrap_or_default(), errs.get("assessment").map(String::as_str), &[("required", "")]))
                button { (l.t("关联", "Link")) }
            }
        }
        h2 { (l.t("事件记录", "Events")) }
        div.tablewrap { table {
            tr { th { (l.t("日期", "Date")) } th { (l.t("事件", "Event")) } th { (l.t("说明", "Details")) } }
            @for e in &v.events {
                tr { td { (e.event.date) } td { (type_words(l, CaseKind::Capability, e.event.kind.type_name())) } td { (details(&v, &e.event.kind)) } }
            }
        } }
    };
    let status = if shown.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!(
        "{} · {}",
        v.case.enterprise_name,
        l.t("企业能力评价", "capability evaluation")
    );
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

fn details(v: &CapabilityView, k: &EventKind) -> String {
    match k {
        EventKind::ApplicationReviewed {
            reason: Some(r), ..
        } => r.clone(),
        EventKind::PanelFormed { members, round } => format!(
            "{} · {}",
            round.name_zh(),
            members
                .iter()
                .map(|m| who(v, m))
                .collect::<Vec<_>>()
                .join("、")
        ),
        EventKind::EvaluationCompleted { score, .. } => format!("{} 分", fig(score.value())),
        EventKind::PublicityStarted { media: Some(m) }
        | EventKind::Announced { media: Some(m) } => m.clone(),
        EventKind::ObjectionReceived { id, .. } => id.clone().unwrap_or_default(),
        EventKind::ObjectionRuled {
            result, objection, ..
        } => {
            format!(
                "{} {}",
                objection.as_deref().unwrap_or(""),
                result.name_zh()
            )
        }
        EventKind::ReportIssued { number: Some(n) } => n.clone(),
        EventKind::Revoked { reason, note, .. } => {
            format!("{}：{}", reason.name_zh(), note.as_deref().unwrap_or(""))
        }
        EventKind::Downgraded { grade, .. } => grade.code().to_string(),
        _ => String::new(),
    }
}

/// The objections raised on the public page: contact for the body's staff only.
fn objections_section(l: Lang, list: &[ObjectionView]) -> Markup {
    html! {
        @if !list.is_empty() {
            h2 { (l.t("公示异议", "Objections")) }
            ul.objections {
                @for o in list {
                    li {
                        b { (o.id) } " · " (o.received_on)
                        @if let (Some(n), Some(c)) = (&o.name, &o.contact) {
                            " · " (n) " · " span.contact { (c) }
                        }
                        br; (o.text)
                    }
                }
            }
        }
    }
}
