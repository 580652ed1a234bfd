//! One certification case (I-16): who and where it stands on a date (`?as_of=`), the
//! certificate and its history, what is due, the violations of an imported history, the
//! application with its documents (`case_files`), the audits with their team, audit time and
//! findings, the decisions, appeals and complaints, the event timeline, the events this
//! person may enter, and the body admin's delete button (clause 10).

use chrono::NaiveDate;
use tianping_app::cases::{self, CaseView};
use tianping_app::Refusal;
use tianping_case::certification::events::{AuditKind, CorrectionKind};
use tianping_case::certification::state::{Audit, CaseState};
use tianping_case::certification::EventKind;
use tianping_case::{CaseKind, Due, Header};
use tianping_domain::words::fig;

use super::case_words::{
    appeal_result_words, decision_words, event_words, review_words, role_words, severity_words,
};
use super::cases::{parse_date, person, refusals_under, state_words, type_words, violations_table};
use super::*;
use crate::view::{csrf, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/cases/:id", get(case_page))
}

/// What the page shows besides the case: the event just recorded (`?done=seq`) or a refused
/// deletion.
#[derive(Default)]
pub(super) struct Shown {
    pub done: Option<i64>,
    pub delete_refused: Vec<Refusal>,
    pub bad_date: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CaseQ {
    as_of: Option<String>,
    done: Option<String>,
}

async fn case_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<CaseQ>,
) -> Res {
    let typed = q.as_of.as_deref().filter(|s| !s.trim().is_empty());
    let as_of = typed.and_then(parse_date);
    let done = q.done.and_then(|d| d.parse().ok());
    let bad_date = typed.is_some() && as_of.is_none();
    // one render module per kind of case
    match cases::get(&st, ctx.user()?, id).await?.kind.as_str() {
        "stars" => {
            let shown = super::star_page::Shown {
                done,
                bad_date,
                form: None,
            };
            super::star_page::render(&st, &ctx, id, as_of, shown).await
        }
        "capability" => {
            let shown = super::capability_page::Shown {
                done,
                ..Default::default()
            };
            super::capability_page::render(&st, &ctx, id, as_of, shown).await
        }
        _ => {
            let shown = Shown {
                done,
                bad_date,
                ..Default::default()
            };
            render(&st, &ctx, id, as_of, shown).await
        }
    }
}

/// The case page as of a date (default today); 422 when a deletion was refused.
pub(super) async fn render(
    st: &App,
    ctx: &Ctx,
    id: i64,
    as_of: Option<NaiveDate>,
    shown: Shown,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = cases::view(st, u, id, as_of).await?;
    let today = cases::today(st);
    let ids: Vec<i64> = v.events.iter().filter_map(|e| e.entered_by).collect();
    let names = admin::user_names(st, &ids).await?;
    let admin = u.role == Role::BodyAdmin && u.org_id == Some(v.case.org_id);
    let token = ctx.csrf.as_str();
    let o = &v.outcome;
    let materials = super::case_files::section(st, ctx, &v).await?;
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        (done_flash(l, &v, shown.done))
        @if shown.bad_date {
            div.flash.bad role="alert" { (l.t("日期格式应为 YYYY-MM-DD；显示的是今天的状态。", "Dates are written YYYY-MM-DD; showing today.")) }
        }
        (header_card(l, &v, today))
        (certificate_card(l, &v, signed_link(st, &v)))
        (super::case_programme::programme_section(l, &v.programme))
        h2 { (l.t("待办事项", "Due")) " · " (v.as_of) }
        @if o.due.is_empty() {
            p.muted { (l.t("没有到期或逾期的事项。", "Nothing due or overdue.")) }
        } @else {
            (due_table(l, &o.due))
        }
        @if !o.violations.is_empty() {
            h2 { (l.t("违反认证规则的记录", "Violations of the rules")) }
            (violations_table(l, &o.violations))
        }
        @for w in &o.warnings { p.notice { (w) } }
        (actions(l, &v))
        (application_card(l, &v))
        (materials)
        (audits_section(l, token, &v, admin))
        (decisions_section(l, &v))
        (timeline(l, &v, &names))
        @if admin { (delete_form(l, token, v.case.id, &shown.delete_refused)) }
    };
    let status = if shown.delete_refused.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!(
        "{} · {}",
        v.case.enterprise_name,
        l.t("认证案卷", "certification case")
    );
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

/// What was just recorded, and the certificate a grant issued.
fn done_flash(l: Lang, v: &CaseView, done: Option<i64>) -> Markup {
    let Some(seq) = done else { return html! {} };
    let Some(e) = v.events.iter().find(|e| e.seq == seq) else {
        return html! {};
    };
    // a grant's certificate is the event after it
    let issued = match v
        .events
        .iter()
        .find(|x| x.seq == seq + 1)
        .map(|x| &x.event.kind)
    {
        Some(EventKind::CertificateIssued { number }) => Some(number.as_str()),
        _ => None,
    };
    let recorded = e;
    html! {
        div.flash role="status" {
            (l.t("已记录：", "Recorded: ")) (type_words(l, CaseKind::Certification, recorded.event.kind.type_name()))
            " (" (recorded.event.date) ")"
            @if let Some(n) = issued {
                (l.t("。已颁发认证证书，证书编号 ", ". Certificate issued, number ")) b { (n) }
            }
            "。"
        }
    }
}

fn header_card(l: Lang, v: &CaseView, today: NaiveDate) -> Markup {
    let c = &v.case;
    html! {
        div.card {
            div.grid {
                div { div.muted { (l.t("申请组织", "Client")) } a href={ "/enterprises/" (c.enterprise_id) } { (c.enterprise_name) } }
                div { div.muted { (l.t("认证机构", "Certification body")) } (c.org_name) }
                div { div.muted { (l.t("状态", "State")) } b { (state_words(l, v.outcome.state)) } }
                div { div.muted { (l.t("认证周期", "Cycle")) } (v.outcome.case.cycle) }
            }
            form.inline method="get" action={ "/cases/" (c.id) } {
                label for="f-as_of" { (l.t("查看日期", "As of")) }
                input #f-as_of type="date" name="as_of" value=(v.as_of);
                button.secondary { (l.t("查看", "Show")) }
                @if v.as_of != today {
                    a href={ "/cases/" (c.id) } { (l.t("回到今天", "Back to today")) }
                }
            }
            @if v.as_of != today {
                p.notice {
                    (l.t("显示的是 ", "Showing the state on ")) (v.as_of)
                    (l.t(" 的状态和待办（今天是 ", " (today is ")) (today) (l.t("）；此后的事件未计入。", "); later events are not applied."))
                }
            }
            p { a href={ "/cases/" (c.id) "/export.jsonl" } { (l.t("导出案卷（JSON Lines）", "Export (JSON Lines)")) } }
        }
    }
}

/// The signed QR link of the certificate shown (I-21), or why it could not be signed.
fn signed_link(st: &App, v: &CaseView) -> Option<Result<String, String>> {
    let c = v.outcome.certificate.as_ref()?;
    let rec = v
        .outcome
        .case
        .certificates
        .iter()
        .rev()
        .find(|r| r.number == c.number)?;
    let holder = v.holder.as_ref()?;
    Some(
        tianping_app::certificates::signed_link(st, &v.case, holder, rec)
            .map_err(|e| e.to_string()),
    )
}

fn certificate_card(l: Lang, v: &CaseView, link: Option<Result<String, String>>) -> Markup {
    let case = &v.outcome.case;
    let history = case.certificate_history();
    let rec = v.outcome.certificate.as_ref().and_then(|c| {
        case.certificates
            .iter()
            .rev()
            .find(|r| r.number == c.number)
    });
    html! {
        h2 { (l.t("认证证书", "Certificate")) }
        @match &v.outcome.certificate {
            None => { p.muted { (l.t("尚未颁发证书。", "No certificate issued.")) } }
            Some(c) => {
                div.card {
                    div.grid {
                        div { div.muted { (l.t("证书编号", "Number")) } b { (c.number) } }
                        div {
                            div.muted { (l.t("状态", "Status")) }
                            span.pill.ok[c.status.as_str() == "valid"] .warn[c.status.as_str() != "valid"] {
                                (l.t(c.status.name_zh(), c.status.as_str()))
                            }
                        }
                        div { div.muted { (l.t("有效期", "Valid")) } (c.valid_from) " — " (c.valid_until) }
                        @if let Some(r) = rec {
                            div { div.muted { (l.t("等级", "Grade")) } (r.grade.as_deref().unwrap_or("—")) }
                            div { div.muted { (l.t("认证范围", "Scope")) } (r.scope) }
                            div { div.muted { (l.t("首次发证", "First issued")) } (r.original) }
                            @if let Some(change) = &r.change {
                                div { div.muted { (l.t("换发说明", "What changed")) } (change) }
                            }
                        }
                        @if let Some(h) = &v.holder {
                            div { div.muted { (l.t("获证组织", "Holder")) } (h.name) br; span.muted { (h.uscc) } }
                            @if h.operating_address.trim().is_empty() || h.operating_address == h.registered_address {
                                div { div.muted { (l.t("地址", "Address")) } (h.registered_address) }
                            } @else {
                                div { div.muted { (l.t("注册地址", "Registered address")) } (h.registered_address) }
                                div { div.muted { (l.t("经营地址", "Operating address")) } (h.operating_address) }
                            }
                        }
                        @if let Some(app) = &case.application {
                            @let listed: Vec<&str> = app.sites.iter().filter(|s| !s.temporary).map(|s| s.name.as_str()).collect();
                            @if !listed.is_empty() {
                                div { div.muted { (l.t("证书覆盖的场所", "Sites on the certificate")) } (listed.join("、")) }
                            }
                        }
                        div { div.muted { (l.t("认证依据", "Standard")) } (v.standard) }
                        div { div.muted { (l.t("发证机构", "Issuer")) } (v.case.org_name) }
                    }
                    @match &link {
                        Some(Ok(link)) => {
                            div.cert-qr {
                                (super::questionnaire::qr_svg(link))
                                div {
                                    div.muted { (l.t("证书二维码：公开验证页，链接中带有颁证机构的签名（离线可用 tianping certificate verify 验证）", "QR code: the public status page, with the body's signature in the link (verify offline with tianping certificate verify)")) }
                                    a.break href=(link) { (link) }
                                }
                            }
                        }
                        Some(Err(e)) => { p.notice { (l.t("无法为证书签名：", "The certificate could not be signed: ")) (e) } }
                        None => {}
                    }
                    (super::documents::certificate_links(l, &c.number))
                }
            }
        }
        @if !history.is_empty() {
            details open {
                summary { (l.t("证书历史", "Certificate history")) }
                ul { @for (d, what) in &history { li { (d) " " (what) } } }
            }
        }
    }
}

/// The kind, date, clause and message of a due item (overdue marked).
pub(super) fn due_cells(l: Lang, d: &Due) -> Markup {
    html! {
        td { (l.t(d.kind.name_zh(), d.kind.as_str())) }
        td {
            (d.due)
            @if d.overdue { " " span.pill.warn { (l.t("已逾期", "overdue")) } }
        }
        td { (d.clause) }
        td { (d.message) }
    }
}

fn due_table(l: Lang, due: &[Due]) -> Markup {
    html! {
        div.tablewrap {
            table {
                tr {
                    th { (l.t("事项", "What")) } th { (l.t("期限", "Due")) }
                    th { (l.t("条款", "Clause")) } th { (l.t("说明", "Details")) }
                }
                @for d in due { tr.bad[d.overdue] { (due_cells(l, d)) } }
            }
        }
    }
}

/// The events this person may enter: a link to each form (the decision per audit to decide).
fn actions(l: Lang, v: &CaseView) -> Markup {
    let id = v.case.id;
    let decidable: Vec<&Audit> = v
        .outcome
        .case
        .audits
        .iter()
        .filter(|a| a.last_day.is_some() && !a.decided && a.kind != AuditKind::Stage1)
        .collect();
    html! {
        @if !v.enterable.is_empty() {
            h2 { (l.t("记录事件", "Record an event")) }
            ul.actions {
                @for t in &v.enterable {
                    @if *t == "decision" {
                        @for a in &decidable {
                            li { a href={ "/cases/" (id) "/decide?audit=" (url_enc(&a.id)) } {
                                (l.t("认证决定：审核 ", "Decide on audit ")) (a.id) " (" (l.t(a.kind.name_zh(), a.kind.as_str())) ")"
                            } }
                        }
                    } @else if applicable(t, &v.outcome.case) {
                        li { a href={ "/cases/" (id) "/events/new?type=" (t) } { (type_words(l, CaseKind::Certification, t)) } }
                    }
                }
            }
        }
    }
}

/// Whether an event type has something to act on: an open audit to complete, a finding to
/// correct or accept, an open appeal or complaint. Others are always offered (the rules
/// decide).
fn applicable(t: &str, c: &CaseState) -> bool {
    match t {
        "audit_completed" => c.audits.iter().any(|a| a.last_day.is_none()),
        "plan_confirmed" => c
            .audits
            .iter()
            .any(|a| a.last_day.is_none() && a.confirmed.is_none()),
        "correction_submitted" => c.findings.iter().any(|f| f.accepted.is_none()),
        "correction_accepted" => c
            .findings
            .iter()
            .any(|f| !f.submitted.is_empty() && !f.closed()),
        "appeal_decided" => c.appeals.iter().any(|a| a.decided.is_none()),
        "complaint_closed" => c.complaints.iter().any(|x| x.closed.is_none()),
        _ => true,
    }
}

fn application_card(l: Lang, v: &CaseView) -> Markup {
    let Some(a) = &v.outcome.case.application else {
        return html! {};
    };
    let header = &v.header;
    let reviews: Vec<_> = a.earlier_reviews.iter().chain(a.review.iter()).collect();
    html! {
        h2 { (l.t("认证申请", "Application")) }
        div.card {
            div.grid {
                div { div.muted { (l.t("收到日期", "Received")) } (a.received) }
                div { div.muted { (l.t("有效人数", "Effective headcount")) } (a.headcount) }
                div { div.muted { (l.t("体系运行起始日", "System in operation since")) } (a.system_start.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                div { div.muted { (l.t("认证合同", "Contract")) } (v.outcome.case.contract.map(|d| d.to_string()).unwrap_or_else(|| l.t("未签订", "not signed").into())) }
            }
            p { span.muted { (l.t("认证范围：", "Scope: ")) } (a.scope) }
            @if !a.sites.is_empty() {
                table {
                    tr { th { (l.t("场所", "Site")) } th { (l.t("人数", "Headcount")) } th { (l.t("类型", "Kind")) } }
                    @for s in &a.sites {
                        tr {
                            td { (s.name) @if let Some(x) = &s.activity { br; span.muted { (x) } } }
                            td { (s.headcount) }
                            td {
                                @if s.central { (l.t("中心办公室 ", "central office ")) }
                                @if s.temporary { (l.t("临时场所", "temporary")) }
                            }
                        }
                    }
                }
            }
            @for r in reviews {
                p {
                    (l.t("申请评审 ", "Reviewed ")) (r.date) "：" (review_words(l, r.result))
                    @if let Some(d) = r.due { (l.t("，补充期限 ", ", supplement by ")) (d) }
                    @if let Some(x) = &r.reason { (l.t("；理由：", "; reason: ")) (x) }
                    @if let Some(b) = &r.by { " · " span.muted { (person(header, b)) } }
                }
            }
        }
    }
}

fn audits_section(l: Lang, token: &str, v: &CaseView, admin: bool) -> Markup {
    let case = &v.outcome.case;
    html! {
        @if !case.audits.is_empty() {
            h2 { (l.t("审核", "Audits")) }
            @for a in &case.audits {
                (audit_card(l, token, v, a, admin))
            }
        }
    }
}

fn audit_card(l: Lang, token: &str, v: &CaseView, a: &Audit, admin: bool) -> Markup {
    let header = &v.header;
    let findings: Vec<_> = v
        .outcome
        .case
        .findings
        .iter()
        .filter(|f| f.audit == a.id)
        .collect();
    let checklist = v.checklists.iter().find(|(x, _)| *x == a.id).map(|x| x.1);
    // Annex A gives stage 1 and stage 2 together: stage 2 is compared with both stages' days
    let stage1_days: f64 = v
        .outcome
        .case
        .audits
        .iter()
        .filter(|s| s.kind == AuditKind::Stage1 && s.cycle == a.cycle)
        .filter_map(|s| s.days)
        .sum();
    let (planned, together) = match (a.kind, a.days) {
        (AuditKind::Stage2, Some(d)) => (Some(d + stage1_days), true),
        (AuditKind::Stage1, _) => (None, true),
        (_, d) => (d, false),
    };
    let below = matches!((planned, a.audit_time), (Some(d), Some(t)) if d < t);
    html! {
        div.card {
            p {
                b { (a.id) " · " (l.t(a.kind.name_zh(), a.kind.as_str())) }
                " " span.muted { (l.t("第 ", "cycle ")) (a.cycle) (l.t(" 周期 · 计划于 ", " · planned ")) (a.planned_on) }
            }
            p {
                (l.t("审核日期 ", "Dates ")) (a.start) " — " (a.end)
                @match a.last_day {
                    Some(d) => { " · " (l.t("已完成，末日 ", "completed, last day ")) (d) }
                    None => { " · " span.pill.warn { (l.t("未完成", "not completed")) } }
                }
                @if a.decided { " · " span.pill.ok { (l.t("已决定", "decided")) } }
            }
            p {
                (l.t("审核组：", "Team: "))
                @for (i, m) in a.team.iter().enumerate() {
                    @if i > 0 { "、" }
                    (person(header, &m.person)) "（" (role_words(l, m.role))
                    @if let Some(t) = &m.task { "：" (t) }
                    "）"
                }
            }
            (plan_and_report(l, a))
            p {
                (l.t("审核报告（8.1.6.4）：", "Audit report (8.1.6.4): "))
                (super::documents::pdf_link(l, &format!("/cases/{}/audits/{}/report.pdf", v.case.id, crate::html::url_enc(&a.id))))
            }
            p {
                (l.t("计划人日：", "Planned days: ")) (a.days.map(super::case_words::days).unwrap_or_else(|| "—".into()))
                @if a.kind == AuditKind::Stage2 {
                    @if let Some(p) = planned { (l.t("（第一、二阶段合计 ", " (stages 1 and 2 together: ")) (super::case_words::days(p)) (l.t("）", ")")) }
                }
                (l.t("；按附录A（I-8）计算的审核时间", "; audit time by Annex A (I-8)"))
                @if together { (l.t("（第一、二阶段合计）", " (stages 1 and 2 together)")) }
                (l.t("：", ": "))
                (a.audit_time.map(super::case_words::days).unwrap_or_else(|| l.t("无法计算", "not computable").into()))
                @if below { " " span.pill.warn { (l.t("低于审核时间", "below the audit time")) } }
                @if let Some(r) = &a.days_reason { br; span.muted { (l.t("理由：", "Reason: ")) (r) } }
            }
            @if !a.audit_time_trace.is_empty() {
                details {
                    summary { (l.t("审核时间的计算过程", "How the audit time was computed")) }
                    ol { @for t in &a.audit_time_trace { li { (t) } } }
                }
            }
            @if !a.sites.is_empty() {
                p { (l.t("覆盖场所：", "Sites covered: ")) (a.sites.join("、")) }
            }
            @if let Some(r) = &a.offsite_reason { p { (l.t("非现场审核的理由：", "Why off site: ")) (r) } }
            @if let Some(s) = a.score { p { (l.t("附录B.1清单得分：", "Annex B.1 checklist score: ")) (fig(s)) } }
            @if let Some(asid) = checklist {
                p { a href={ "/assessments/" (asid) } { (l.t("审核评分（附录B.1）", "Audit checklist (Annex B.1)")) } }
            } @else if admin && a.kind != AuditKind::Stage1 {
                form.inline method="post" action={ "/cases/" (v.case.id) "/checklists" } {
                    (csrf(token))
                    input type="hidden" name="audit" value=(a.id);
                    label for={ "f-assessment-" (a.id) } { (l.t("关联附录B.1评分的评价编号", "Checklist assessment no.")) }
                    input id={ "f-assessment-" (a.id) } type="number" name="assessment" min="1";
                    button.secondary { (l.t("关联", "Link")) }
                }
            }
            @if !findings.is_empty() {
                table {
                    tr {
                        th { (l.t("不符合项", "Finding")) } th { (l.t("纠正期限", "Due")) }
                        th { (l.t("提交", "Submitted")) } th { (l.t("接受", "Accepted")) }
                    }
                    @for f in findings {
                        tr.bad[!f.closed() && v.as_of > f.due] {
                            td {
                                b { (f.id) } " " (severity_words(l, f.severity))
                                @if let Some(t) = &f.text { br; (t) }
                            }
                            td {
                                (f.due)
                                @if !f.closed() && v.as_of > f.due { " " span.pill.warn { (l.t("已逾期", "overdue")) } }
                            }
                            td {
                                @for (d, k) in &f.submitted {
                                    (d) " " (correction_words(l, *k)) br;
                                }
                            }
                            td {
                                @if let Some(x) = &f.accepted {
                                    (x.date) " " (person(header, &x.by))
                                    @if x.onsite { (l.t("（现场验证）", " (verified on site)")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn correction_words(l: Lang, k: CorrectionKind) -> &'static str {
    match k {
        CorrectionKind::Plan => l.t("原因分析及纠正措施计划", "cause analysis and plan"),
        CorrectionKind::Done => l.t("纠正及纠正措施已完成", "correction done"),
    }
}

fn decisions_section(l: Lang, v: &CaseView) -> Markup {
    let case = &v.outcome.case;
    let h = &v.header;
    html! {
        @if !case.decisions.is_empty() {
            h2 { (l.t("认证决定", "Decisions")) }
            table {
                tr {
                    th { (l.t("日期", "Date")) } th { (l.t("审核", "Audit")) } th { (l.t("结果", "Result")) }
                    th { (l.t("决定人员", "Decider")) } th { (l.t("理由", "Reason")) }
                }
                @for d in &case.decisions {
                    tr {
                        td { (d.date) }
                        td { (d.covers.join("、")) }
                        td { (decision_words(l, d.result)) @if d.certificate_issued { " · " (l.t("已发证", "certificate issued")) } }
                        td { (person(h, &d.by)) }
                        td { (d.reason.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
        @if !case.appeals.is_empty() {
            h2 { (l.t("申诉", "Appeals")) }
            ul {
                @for a in &case.appeals {
                    li {
                        b { (a.id) } " " (l.t("收到 ", "received ")) (a.received)
                        @if let Some(d) = a.decision_date { (l.t("，针对 ", ", against the decision of ")) (d) (l.t(" 的认证决定", "")) }
                        @match &a.decided {
                            Some((d, by, r)) => { (l.t("；", "; ")) (d) " " (appeal_result_words(l, *r)) " · " (person(h, by)) }
                            None => { " " span.pill.warn { (l.t("待处理", "open")) } }
                        }
                    }
                }
            }
        }
        @if !case.complaints.is_empty() {
            h2 { (l.t("投诉", "Complaints")) }
            ul {
                @for c in &case.complaints {
                    li {
                        b { (c.id) } " " (l.t("收到 ", "received ")) (c.received)
                        @match &c.closed {
                            Some((d, by)) => { (l.t("；处理完毕 ", "; closed ")) (d) " · " (person(h, by)) }
                            None => { " " span.pill.warn { (l.t("待处理", "open")) } }
                        }
                    }
                }
            }
        }
    }
}

fn timeline(l: Lang, v: &CaseView, names: &BTreeMap<i64, String>) -> Markup {
    let h: &Header = &v.header;
    html! {
        h2 { (l.t("事件记录", "Events")) }
        @if v.events.is_empty() {
            p.muted { (l.t("尚无事件。", "No events yet.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { "#" } th { (l.t("日期", "Date")) } th { (l.t("事件", "Event")) }
                        th { (l.t("内容", "Details")) } th.hide-sm { (l.t("录入", "Entered")) }
                    }
                    @for e in &v.events {
                        tr {
                            td { (e.seq + 1) }
                            td {
                                (e.event.date)
                                @if e.event.date > v.as_of { br; span.muted { (l.t("晚于查看日期，未计入", "after the as-of date")) } }
                            }
                            td { (type_words(l, CaseKind::Certification, e.event.kind.type_name())) }
                            td { (event_words(l, &e.event.kind, h)) }
                            td.hide-sm {
                                span.muted {
                                    (e.entered_by.and_then(|x| names.get(&x)).map_or("—", String::as_str))
                                    br; (when(&e.entered_at))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn delete_form(l: Lang, token: &str, id: i64, refused: &[Refusal]) -> Markup {
    html! {
        h2 { (l.t("删除案卷", "Delete the case")) }
        (refusals_under(l, l.t("认证档案尚在保存期内，未删除：", "Not deleted; the records are still kept:"), refused))
        p.muted { (l.t("认证档案须保存至当前认证周期加上一个完整的认证周期（第10章），期满后方可删除。", "Records are kept for the current cycle plus one full cycle (clause 10); only then can the case be deleted.")) }
        form method="post" action={ "/cases/" (id) "/delete" } {
            (csrf(token))
            button.danger { (l.t("删除案卷", "Delete the case")) }
        }
    }
}

/// The audit plan's items and the client's confirmation (8.1.4.2), and the report's own
/// items (8.1.6.4 6)–8)).
fn plan_and_report(l: Lang, a: &Audit) -> Markup {
    use tianping_case::certification::events::AuditKind as K;
    let line = |zh: &'static str, en: &'static str, x: &Option<String>| {
        html! { @if let Some(t) = x.as_deref().filter(|t| !t.trim().is_empty()) { p { span.muted { (l.t(zh, en)) } (t) } } }
    };
    html! {
        (line("审核目的：", "Objectives: ", &a.objectives))
        (line("审核准则：", "Criteria: ", &a.criteria))
        (line("审核范围：", "Audit scope: ", &a.scope))
        @if a.kind != K::Special {
            p {
                (l.t("审核计划确认（8.1.4.2）：", "Plan confirmed by the client (8.1.4.2): "))
                @match a.confirmed {
                    Some(d) => { span.pill.ok { (l.t("已确认", "confirmed")) } " " (d) }
                    None => { span.pill.warn { (l.t("待申请组织确认", "waiting for the client")) } }
                }
            }
        }
        @if let Some(r) = &a.report {
            @if let Some(x) = r.recommendation {
                p { span.muted { (l.t("审核组意见：", "Team's opinion: ")) } b { (super::case_words::choice_words(l, super::case_words::RECOMMENDATION, x)) } }
            }
            (line("审核结论：", "Conclusion: ", &r.conclusion))
            (line("审核实施情况及偏离计划：", "How it went, deviations: ", &r.deviations))
        }
    }
}
