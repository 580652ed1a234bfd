//! The forms that enter a case's events (I-17), one per event type, for the types this
//! person may enter (`CaseView::enterable`): `/cases/{id}/events/new?type=…` shows one, and
//! `POST /cases/{id}/events` builds the event from its fields and appends it under the rules.
//! A refusal shows each broken rule with its clause above the form, which keeps what was
//! typed. Also linking an audit to its Annex B.1 checklist assessment.

use chrono::NaiveDate;
use tianping_app::cases::{self, CaseView};
use tianping_app::Refusal;

use super::case_apply::{application_fields, application_inputs};
use super::case_parse::parse_event;
use super::case_words::*;
use super::cases::refusals_box;
use super::cases::type_words;
use super::*;
use crate::view::{csrf, err, field, page_with, select};
use tianping_case::CaseKind;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cases/:id/events/new", get(new_event))
        .route("/cases/:id/events", post(event_post))
        .route("/cases/:id/checklists", post(checklist_post))
}

/// What was typed in a form, by field name (rows as `team_person_0`, …).
pub(super) type Fields = BTreeMap<String, String>;

pub(super) const TEAM_ROWS: usize = 4;
pub(super) const FINDING_ROWS: usize = 5;

/// What the forms choose from: the case as it stands today and the body's staff.
struct FormCtx<'a> {
    v: &'a CaseView,
    /// (user id, name · role) of the body's active auditors, admins and experts.
    staff: Vec<(String, String)>,
}

fn blank(l: Lang) -> (String, String) {
    (String::new(), l.t("（请选择）", "(choose)").to_string())
}

impl FormCtx<'_> {
    fn open_audits(&self, l: Lang) -> Vec<(String, String)> {
        self.audits_where(l, |a| a.last_day.is_none())
    }

    /// Planned audits whose plan the client has not confirmed yet (8.1.4.2).
    fn unconfirmed_audits(&self, l: Lang) -> Vec<(String, String)> {
        self.audits_where(l, |a| a.last_day.is_none() && a.confirmed.is_none())
    }

    fn audits_where(
        &self,
        l: Lang,
        keep: impl Fn(&tianping_case::certification::state::Audit) -> bool,
    ) -> Vec<(String, String)> {
        let mut o = vec![blank(l)];
        o.extend(
            self.v
                .outcome
                .case
                .audits
                .iter()
                .filter(|a| keep(a))
                .map(|a| {
                    (
                        a.id.clone(),
                        format!(
                            "{} · {} · {}",
                            a.id,
                            l.t(a.kind.name_zh(), a.kind.as_str()),
                            a.start
                        ),
                    )
                }),
        );
        o
    }

    fn decidable(&self, l: Lang) -> Vec<(String, String)> {
        let mut o = vec![blank(l)];
        o.extend(
            self.v
                .outcome
                .case
                .audits
                .iter()
                .filter(|a| a.last_day.is_some() && !a.decided)
                .map(|a| {
                    (
                        a.id.clone(),
                        format!("{} · {}", a.id, l.t(a.kind.name_zh(), a.kind.as_str())),
                    )
                }),
        );
        o
    }

    /// Findings not yet accepted (to submit a correction), or submitted and not closed (to
    /// accept one).
    fn findings(&self, l: Lang, to_accept: bool) -> Vec<(String, String)> {
        let mut o = vec![blank(l)];
        o.extend(
            self.v
                .outcome
                .case
                .findings
                .iter()
                .filter(|f| {
                    if to_accept {
                        !f.submitted.is_empty() && !f.closed()
                    } else {
                        f.accepted.is_none()
                    }
                })
                .map(|f| {
                    (
                        f.id.clone(),
                        format!(
                            "{} · {} · {}{}",
                            f.id,
                            severity_words(l, f.severity),
                            l.t("期限 ", "due "),
                            f.due
                        ),
                    )
                }),
        );
        o
    }

    fn open_appeals(&self, l: Lang, complaints: bool) -> Vec<(String, String)> {
        let c = &self.v.outcome.case;
        let mut o = vec![blank(l)];
        if complaints {
            o.extend(
                c.complaints
                    .iter()
                    .filter(|x| x.closed.is_none())
                    .map(|x| (x.id.clone(), format!("{} · {}", x.id, x.received))),
            );
        } else {
            o.extend(
                c.appeals
                    .iter()
                    .filter(|x| x.decided.is_none())
                    .map(|x| (x.id.clone(), format!("{} · {}", x.id, x.received))),
            );
        }
        o
    }
}

/// The first values of a new form: today's date, and what the case suggests.
fn defaults(t: &str, v: &CaseView, today: NaiveDate) -> Fields {
    let mut f = Fields::new();
    f.insert("date".into(), today.to_string());
    let case = &v.outcome.case;
    match t {
        "application_received" => {
            if let Some(a) = &case.application {
                f.extend(application_fields(a));
            }
        }
        "audit_planned" => {
            let has = |k| {
                case.audits
                    .iter()
                    .any(|a| a.kind == k && a.cycle == case.cycle)
            };
            use tianping_case::certification::events::AuditKind as K;
            let (id, kind) = if !has(K::Stage1) && case.certificate().is_none() {
                ("S1".to_string(), "stage1")
            } else if !has(K::Stage2) && case.certificate().is_none() {
                ("S2".to_string(), "stage2")
            } else {
                (format!("A{}", case.audits.len() + 1), "surveillance")
            };
            f.insert("audit".into(), id);
            f.insert("kind".into(), kind.into());
            f.insert("start".into(), today.to_string());
            f.insert("end".into(), today.to_string());
        }
        "audit_completed" => {
            f.insert("last_day".into(), today.to_string());
        }
        _ => {}
    }
    f
}

/// The inputs of one event type (without the date and the button).
fn inputs(l: Lang, t: &str, c: &FormCtx<'_>, v: &Fields, e: &BTreeMap<String, String>) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let val = |k: &str| v.get(k).map_or("", String::as_str);
    let text = |zh: &str, en: &str, k: &str, extra: &[(&str, &str)]| {
        field(l.t(zh, en), k, "text", val(k), g(k), extra)
    };
    let date = |zh: &str, en: &str, k: &str| field(l.t(zh, en), k, "date", val(k), g(k), &[]);
    let choose = |zh: &str, en: &str, k: &str, o: &[(String, String)]| {
        select(l.t(zh, en), k, o, val(k), g(k))
    };
    let check = |zh: &str, en: &str, k: &str| {
        html! {
            label.check { input type="checkbox" name=(k) value="1" checked[!val(k).is_empty()]; (l.t(zh, en)) }
            (err(g(k)))
        }
    };
    match t {
        "application_received" => application_inputs(l, v, e),
        "application_reviewed" => html! {
            (choose("评审结果", "Result", "result", &options(l, REVIEW)))
            (date("补充期限（要求补充材料时必填）", "Supplement due (when asking for one)", "due"))
            (text("理由（不予受理时必填，写给申请组织）", "Reason (required for a refusal; the client reads it)", "reason", &[("maxlength", "2000")]))
        },
        "contract_signed" => text(
            "合同编号或文件（可不填）",
            "Contract number or file (optional)",
            "file",
            &[("maxlength", "200")],
        ),
        "audit_planned" => html! {
            (text("审核编号", "Audit id", "audit", &[("required", ""), ("maxlength", "40")]))
            (choose("审核类型", "Kind", "kind", &options(l, AUDIT_KIND)))
            (date("开始日期", "Start", "start"))
            (date("结束日期", "End", "end"))
            (team_rows(l, c, v, e))
            (field(l.t("计划人日（可不填）", "Planned days (optional)"), "days", "number", val("days"), g("days"), &[("step", "0.5"), ("min", "0")]))
            (text("计划人日低于审核时间的理由（经机构批准）", "Why fewer days than the audit time (approved by the body)", "days_reason", &[("maxlength", "2000")]))
            (site_checks(l, c, v))
            (text("第一阶段非现场审核的理由（8.1.5.2）", "Why stage 1 is off site (8.1.5.2)", "offsite_reason", &[("maxlength", "2000")]))
            (text("审核目的（8.1.4.2）", "Objectives (8.1.4.2)", "objectives", &[("maxlength", "2000")]))
            (text("审核准则", "Criteria", "criteria", &[("maxlength", "2000")]))
            (text("审核范围", "Audit scope", "audit_scope", &[("maxlength", "2000")]))
        },
        "plan_confirmed" => html! {
            (choose("审核计划", "Audit plan", "audit", &c.unconfirmed_audits(l)))
        },
        "audit_completed" => html! {
            (choose("审核", "Audit", "audit", &c.open_audits(l)))
            (date("审核末日", "Last day of the audit", "last_day"))
            (field(l.t("附录B.1清单得分（可不填；已关联评分时自动读取）", "Annex B.1 checklist score (optional; read from a linked assessment)"), "score", "number", val("score"), g("score"), &[("step", "0.01"), ("min", "0"), ("max", "100")]))
            (finding_rows(l, v, e))
            (choose("审核组对是否通过或保持认证的意见（8.1.6.4 8)）", "The team's opinion (8.1.6.4 8))", "recommendation", &{
                let mut o = vec![blank(l)];
                o.extend(options(l, RECOMMENDATION));
                o
            }))
            (text("审核结论（8.1.6.4 7)）", "Conclusion (8.1.6.4 7))", "conclusion", &[("maxlength", "4000")]))
            (text("审核实施情况及偏离计划的情况（8.1.6.4 6)）", "How it went and deviations from the plan (8.1.6.4 6))", "deviations", &[("maxlength", "4000")]))
        },
        "correction_submitted" => html! {
            (choose("不符合项", "Finding", "finding", &c.findings(l, false)))
            (choose("提交内容", "What is submitted", "kind", &options(l, CORRECTION)))
        },
        "correction_accepted" => html! {
            (choose("不符合项", "Finding", "finding", &c.findings(l, true)))
            (check("已现场验证（严重不符合须现场验证）", "Verified on site (required for a major one)", "onsite"))
        },
        "decision" => html! {
            (choose("审核", "Audit", "audit", &c.decidable(l)))
            (choose("决定", "Decision", "result", &options(l, DECISION)))
            (text("理由（不予认证时必填，书面告知申请组织）", "Reason (required for a refusal; written to the client)", "reason", &[("maxlength", "2000")]))
        },
        "surveillance_extension_approved" => {
            date("监督审核延长至", "Surveillance extended until", "until")
        }
        "suspended" => html! {
            (text("暂停原因", "Cause", "cause", &[("required", ""), ("maxlength", "2000")]))
            (date("原因核实日期", "Cause confirmed on", "cause_confirmed"))
            (check("因资质许可暂停（至许可决定之日）", "Waiting for a licence decision", "licence"))
        },
        "withdrawn" | "cancelled" => text(
            "原因",
            "Reason",
            "reason",
            &[("required", ""), ("maxlength", "2000")],
        ),
        "scope_changed" => html! {
            (choose("变更", "Change", "change", &options(l, SCOPE_CHANGE)))
            (text("变更后的认证范围", "The scope after the change", "scope", &[("required", ""), ("maxlength", "2000")]))
        },
        "appeal_received" | "complaint_received" => text(
            "编号（可不填，自动编号）",
            "Id (optional; numbered if empty)",
            "id",
            &[("maxlength", "40")],
        ),
        "appeal_decided" => html! {
            (choose("申诉", "Appeal", "id", &c.open_appeals(l, false)))
            (choose("处理结果", "Result", "result", &options(l, APPEAL_RESULT)))
        },
        "complaint_closed" => choose("投诉", "Complaint", "id", &c.open_appeals(l, true)),
        _ => html! {},
    }
}

fn team_rows(l: Lang, c: &FormCtx<'_>, v: &Fields, e: &BTreeMap<String, String>) -> Markup {
    let mut people = vec![blank(l)];
    people.extend(c.staff.iter().cloned());
    let roles = options(l, TEAM_ROLE);
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    html! {
        fieldset {
            legend { (l.t("审核组（须有一名组长；技术专家和实习审核员不计审核时间）", "Team (one leader; technical experts and trainees add no days)")) }
            (err(e.get("team").map(String::as_str)))
            @for i in 0..TEAM_ROWS {
                div.inline {
                    label for={ "f-team_person_" (i) } { (l.t("成员", "Member")) " " (i + 1) }
                    select id={ "f-team_person_" (i) } name={ "team_person_" (i) } {
                        @for (k, t) in &people { option value=(k) selected[*k == val(&format!("team_person_{i}"))] { (t) } }
                    }
                    label.visually-hidden for={ "f-team_role_" (i) } { (l.t("角色", "Role")) }
                    select id={ "f-team_role_" (i) } name={ "team_role_" (i) } {
                        @for (k, t) in &roles { option value=(k) selected[*k == val(&format!("team_role_{i}"))] { (t) } }
                    }
                    label.visually-hidden for={ "f-team_task_" (i) } { (l.t("任务分工", "Tasks")) }
                    input id={ "f-team_task_" (i) } type="text" name={ "team_task_" (i) } maxlength="200"
                        placeholder=(l.t("任务分工（可不填）", "Tasks (optional)")) value=(val(&format!("team_task_{i}")));
                }
                (err(e.get(&format!("team_role_{i}")).map(String::as_str)))
            }
        }
    }
}

fn site_checks(l: Lang, c: &FormCtx<'_>, v: &Fields) -> Markup {
    let sites =
        c.v.outcome
            .case
            .application
            .as_ref()
            .map(|a| a.sites.clone())
            .unwrap_or_default();
    html! {
        @if !sites.is_empty() {
            fieldset {
                legend { (l.t("本次审核覆盖的场所（I-9 抽样）", "Sites this audit covers (I-9 sampling)")) }
                @for (i, s) in sites.iter().enumerate() {
                    label.check {
                        input type="checkbox" name={ "site_" (i) } value=(s.name) checked[v.contains_key(&format!("site_{i}"))];
                        (s.name)
                        @if s.central { " · " (l.t("中心办公室", "central office")) }
                        @if s.temporary { " · " (l.t("临时场所", "temporary")) }
                    }
                }
            }
        }
    }
}

fn finding_rows(l: Lang, v: &Fields, e: &BTreeMap<String, String>) -> Markup {
    let sev = options(l, SEVERITY);
    let val = |k: String| v.get(&k).cloned().unwrap_or_default();
    html! {
        fieldset {
            legend { (l.t("不符合项（无则留空）", "Findings (leave empty if none)")) }
            @for i in 0..FINDING_ROWS {
                div.inline {
                    label for={ "f-finding_id_" (i) } { (l.t("编号", "Id")) }
                    input id={ "f-finding_id_" (i) } type="text" name={ "finding_id_" (i) } value=(val(format!("finding_id_{i}"))) maxlength="40" placeholder={ "NC" (i + 1) };
                    label.visually-hidden for={ "f-finding_severity_" (i) } { (l.t("严重程度", "Severity")) }
                    select id={ "f-finding_severity_" (i) } name={ "finding_severity_" (i) } {
                        @for (k, t) in &sev { option value=(k) selected[*k == val(format!("finding_severity_{i}"))] { (t) } }
                    }
                    label.visually-hidden for={ "f-finding_text_" (i) } { (l.t("内容", "Text")) }
                    input id={ "f-finding_text_" (i) } type="text" name={ "finding_text_" (i) } value=(val(format!("finding_text_{i}"))) maxlength="2000" placeholder=(l.t("不符合事实", "What was found"));
                }
                (err(e.get(&format!("finding_id_{i}")).map(String::as_str)))
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQ {
    #[serde(rename = "type")]
    kind: String,
}

async fn new_event(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<NewQ>,
) -> Res {
    let u = ctx.user()?;
    let v = cases::view(&st, u, id, None).await?;
    let fields = defaults(&q.kind, &v, cases::today(&st));
    form_page(&st, &ctx, v, &q.kind, &fields, &[], &[]).await
}

/// The form of one event type, with what was typed, the errors by field and the rules'
/// refusals (422 when there are any).
async fn form_page(
    st: &App,
    ctx: &Ctx,
    v: CaseView,
    t: &str,
    fields: &Fields,
    errors: &[FieldError],
    refusals: &[Refusal],
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let Some(t) = v.enterable.iter().find(|x| **x == t).copied() else {
        return Err(Error::NotFound.into());
    };
    let staff = if t == "audit_planned" {
        admin::staff(st, u, v.case.org_id)
            .await?
            .into_iter()
            .filter(|s| {
                s.disabled == 0 && matches!(s.role, Role::Auditor | Role::BodyAdmin | Role::Expert)
            })
            .map(|s| {
                (
                    s.id.to_string(),
                    format!("{} · {}", s.name, role_label(l, s.role.as_str())),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let e = errs_map(l, errors);
    let id = v.case.id;
    let documents = match t {
        "application_reviewed" => super::case_files::review_note(st, ctx, &v).await?,
        _ => html! {},
    };
    let c = FormCtx { v: &v, staff };
    let known: Vec<String> = fields
        .keys()
        .cloned()
        .chain(["date".to_string(), "team".to_string()])
        .collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let body = html! {
        p { a href={ "/cases/" (id) } { "← " (v.case.enterprise_name) " · " (l.t("认证案卷", "certification case")) } }
        (refusals_box(l, refusals))
        (documents)
        div.card {
            form method="post" action={ "/cases/" (id) "/events" } {
                (csrf(&ctx.csrf))
                input type="hidden" name="type" value=(t);
                (form_errors(&e, &known))
                (field(l.t("日期（事件发生的日期，不得晚于今天）", "Date (when it happened; not after today)"), "date", "date",
                    fields.get("date").map_or("", String::as_str), e.get("date").map(String::as_str), &[("required", "")]))
                (inputs(l, t, &c, fields, &e))
                p { button { (l.t("记录", "Record")) } }
            }
        }
    };
    let status = if errors.is_empty() && refusals.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = type_words(l, CaseKind::Certification, t);
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

async fn event_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let fields: Fields = f.into_iter().collect();
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let t = fields.get("type").cloned().unwrap_or_default();
    let result = match parse_event(&t, &fields, u) {
        Ok(event) => cases::append(&st, u, id, event).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    let (errors, refusals) = match result {
        Ok(a) => return Ok(redirect(&format!("/cases/{id}?done={}", a.seq))),
        Err(Error::Invalid(e)) => (e, Vec::new()),
        Err(Error::Refused(r)) => (Vec::new(), r),
        Err(e) => return Err(e.into()),
    };
    let v = cases::view(&st, u, id, None).await?;
    form_page(&st, &ctx, v, &t, &fields, &errors, &refusals).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkForm {
    csrf: String,
    audit: String,
    assessment: String,
}

/// The body admin links an audit to the eepc-certification assessment that scores it.
async fn checklist_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<LinkForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let assessment: i64 = f.assessment.trim().parse().map_err(|_| {
        Error::invalid(
            "assessment",
            "请填写评价编号（数字）",
            "Enter the assessment's number",
        )
    })?;
    cases::link_checklist(&st, u, id, &f.audit, assessment).await?;
    Ok(redirect(&format!("/cases/{id}")))
}
