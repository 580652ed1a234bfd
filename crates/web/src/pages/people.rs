//! A certification body's people (8.1.4.1, 5.2): the body's list with each person's
//! competence and who is a qualified auditor on a day (`/admin/orgs/{id}/people`, the body
//! admin and the system administrator), and a person's page (`/people/{id}`: the person, their
//! body admin, the system administrator) where the admin records competence and the person or
//! the admin declares conflicts of interest with the body's clients.

use chrono::NaiveDate;
use tianping_app::domain::people::{
    parse_day, CompetenceInput, CompetenceKind, ConflictInput, REASON_MAX, VALUE_MAX,
};
use tianping_app::people::{self, BodyPeople, CompetenceRecord, ConflictRecord, PersonRecords};

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/admin/orgs/:id/people", get(body_page))
        .route("/people/:id", get(person_page))
        .route("/people/:id/competence", post(add_competence))
        .route(
            "/people/:id/competence/:rid/remove",
            post(remove_competence),
        )
        .route("/people/:id/conflicts", post(declare_conflict))
        .route(
            "/people/:id/conflicts/:cid/withdraw",
            post(withdraw_conflict),
        )
}

/// A person's competence in short, for the list: each kind with its figures; an expired
/// record is marked.
fn competence_cell(
    l: Lang,
    records: &[CompetenceRecord],
    on: NaiveDate,
    kind: CompetenceKind,
) -> Markup {
    html! {
        @for r in records.iter().filter(|r| r.kind == kind) {
            div {
                @if !r.value.is_empty() { (r.value) " " }
                @if let Some(d) = r.obtained_on {
                    span.muted { (d) } " "
                }
                @if let Some(d) = r.valid_until {
                    span.muted { (l.t("至 ", "to ")) (d) } " "
                }
                @if !r.competence().valid_on(on) {
                    span.pill.warn { (l.t("当日无效", "not valid that day")) }
                }
            }
        }
    }
}

/// What a person lacks to audit, or the mark of a qualified auditor.
fn qualified_mark(l: Lang, gaps: &[CompetenceKind]) -> Markup {
    html! {
        @if gaps.is_empty() {
            span.pill.ok { (l.t("合格审核员", "Qualified auditor")) }
        } @else {
            span.muted {
                (l.t("缺：", "Lacks: "))
                @for (i, g) in gaps.iter().enumerate() {
                    @if i > 0 { (l.t("、", ", ")) }
                    (g.label(l))
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OnQ {
    on: String,
}

fn body_view(ctx: &Ctx, b: &BodyPeople, on_error: Option<&str>, typed: &str) -> Markup {
    let l = ctx.lang;
    html! {
        p {
            a href={ "/admin/orgs/" (b.org.id) } { (l.t("返回人员管理", "Back to staff")) }
        }
        p.muted {
            (l.t(
                "合格审核员：在所选日期同时持有有效的 CCAA 注册审核员资格和 EEPC 认证知识培训（细则 8.1.4.1）。技术专家不需要。",
                "Qualified auditor: holds a valid CCAA auditor registration and the EEPC training on the chosen day (8.1.4.1). Technical experts need neither.",
            ))
        }
        form.inline method="get" action={ "/admin/orgs/" (b.org.id) "/people" } {
            label for="f-on" { (l.t("日期", "Day")) }
            input id="f-on" type="date" name="on" value=(typed)
                class=[on_error.map(|_| "invalid")] aria-invalid=[on_error.map(|_| "true")];
            button.secondary { (l.t("查看", "Show")) }
        }
        (view::err(on_error))
        div.tablewrap {
            table {
                tr {
                    th { (l.t("姓名", "Name")) } th { (l.t("角色", "Role")) }
                    th { "CCAA" } th { "EEPC" } th { (l.t("业务范围", "Business areas")) }
                    th { (l.t("审核员资格", "Auditor")) " · " (b.on) }
                }
                @for p in &b.people {
                    tr {
                        td {
                            a href={ "/people/" (p.user.id) } { (p.user.name) }
                            @if p.user.disabled != 0 { " " span.pill.warn { (l.t("已停用", "Deactivated")) } }
                        }
                        td { (role_label(l, p.user.role.as_str())) }
                        td { (competence_cell(l, &p.competence, b.on, CompetenceKind::Ccaa)) }
                        td { (competence_cell(l, &p.competence, b.on, CompetenceKind::Eepc)) }
                        td { (competence_cell(l, &p.competence, b.on, CompetenceKind::BusinessArea)) }
                        td { (qualified_mark(l, &p.gaps)) }
                    }
                }
            }
        }
    }
}

/// A body's people with their competence on a day (`?on=YYYY-MM-DD`, default today).
pub(super) async fn body_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<OnQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (on, on_error) = match parse_day("on", &q.on) {
        Ok(d) => (d, None),
        Err(e) => (None, Some(e.message.text(l).to_string())),
    };
    let b = people::of_body(&st, u, id, on).await?;
    let typed = if on_error.is_some() {
        q.on.clone()
    } else {
        b.on.to_string()
    };
    let title = format!("{} · {}", l.t("人员能力", "Competence"), b.org.name);
    let pool = super::expert_pool::section(&st, &ctx, id).await?;
    let body = html! { (body_view(&ctx, &b, on_error.as_deref(), &typed)) (pool) };
    let status = if on_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(view::page_with(status, &ctx.chrome(), &title, body))
}

/// What the person page shows besides the records: a refused form again, the outcome of a
/// change.
#[derive(Default)]
struct Shown<'a> {
    competence: Option<&'a CompetenceInput>,
    conflict: Option<&'a ConflictInput>,
    errors: BTreeMap<String, String>,
    done: Option<&'a str>,
}

fn done_flash(l: Lang, done: &str) -> Markup {
    let text = match done {
        "competence" => l.t("已记录。", "Recorded."),
        "removed" => l.t(
            "已删除该记录（审计日志保留原记录）。",
            "Record removed (the audit log keeps it).",
        ),
        "declared" => l.t("已声明利益冲突。", "Conflict of interest declared."),
        "withdrawn" => l.t("已撤回该利益冲突声明。", "Declaration withdrawn."),
        _ => return html! {},
    };
    html! { div.flash role="status" { (text) } }
}

fn competence_list(ctx: &Ctx, r: &PersonRecords) -> Markup {
    let l = ctx.lang;
    html! {
        h2 { (l.t("能力记录", "Competence")) }
        p { (l.t("今天（", "Today (")) (r.today) (l.t("）：", "): ")) (qualified_mark(l, &r.gaps)) }
        @if r.competence.is_empty() {
            p.muted { (l.t("尚无记录。", "No records yet.")) }
        } @else {
            ul {
                @for c in &r.competence {
                    li {
                        (c.competence().describe(l))
                        @if !c.competence().valid_on(r.today) { " " span.pill.warn { (l.t("今日无效", "not valid today")) } }
                        " " span.muted {
                            (l.t("记录人 ", "recorded by ")) (r.names.get(&c.recorded_by).map_or("", String::as_str))
                            " · " (when(&c.recorded_at))
                        }
                        @if r.may_record {
                            " "
                            form.inline-form method="post" action={ "/people/" (r.person.id) "/competence/" (c.id) "/remove" } {
                                (view::csrf(&ctx.csrf))
                                button.secondary { (l.t("删除", "Remove")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn competence_form(
    ctx: &Ctx,
    r: &PersonRecords,
    t: &CompetenceInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let kinds: Vec<(String, String)> = CompetenceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label(l).to_string()))
        .collect();
    let max = VALUE_MAX.to_string();
    html! {
        div.card {
            h2 { (l.t("记录能力", "Record competence")) }
            p.muted {
                (l.t(
                    "CCAA：填写注册证书编号和有效期至；EEPC：填写通过培训的日期（编号可不填）；业务范围：填写代码或名称。",
                    "CCAA: the registration number and its last valid day; EEPC: the day the training was passed (a number is optional); business area: its code or name.",
                ))
            }
            form method="post" action={ "/people/" (r.person.id) "/competence" } {
                (view::csrf(&ctx.csrf))
                (view::select(l.t("类别", "Kind"), "kind", &kinds, if t.kind.is_empty() { "ccaa" } else { &t.kind }, g("kind")))
                (view::field(l.t("编号或名称", "Number or name"), "value", "text", &t.value, g("value"), &[("maxlength", &max)]))
                (view::field(l.t("取得日期（EEPC 必填）", "Obtained on (required for EEPC)"), "obtained_on", "date", &t.obtained_on, g("obtained_on"), &[]))
                (view::field(l.t("有效期至（CCAA 必填）", "Valid until (required for CCAA)"), "valid_until", "date", &t.valid_until, g("valid_until"), &[]))
                (form_errors(e, &["kind", "value", "obtained_on", "valid_until"]))
                p { button { (l.t("记录", "Record")) } }
            }
        }
    }
}

fn conflict_state(l: Lang, c: &ConflictRecord, today: NaiveDate) -> Markup {
    html! {
        @if c.withdrawn_at.is_some() {
            span.pill { (l.t("已撤回", "Withdrawn")) }
        } @else if c.until.is_some_and(|u| u < today) {
            span.pill { (l.t("已结束", "Ended")) }
        } @else {
            span.pill.warn { (l.t("有效", "In force")) }
        }
    }
}

fn conflict_list(ctx: &Ctx, r: &PersonRecords) -> Markup {
    let l = ctx.lang;
    let name = |id: i64| r.names.get(&id).map_or("", String::as_str);
    html! {
        h2 { (l.t("利益冲突声明", "Conflicts of interest")) }
        @if r.conflicts.is_empty() {
            p.muted { (l.t("尚无声明。", "None declared.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("客户企业", "Client")) } th { (l.t("原因", "Reason")) }
                        th { (l.t("持续至", "Lasts until")) } th { (l.t("声明", "Declared")) }
                        th { (l.t("状态", "State")) }
                    }
                    @for c in &r.conflicts {
                        tr {
                            td { (r.enterprise_names.get(&c.enterprise_id).map_or("", String::as_str)) }
                            td { (c.reason) }
                            td {
                                @match c.until {
                                    Some(d) => { (d) }
                                    None => { (l.t("长期", "For good")) }
                                }
                            }
                            td { (c.declared_on) " · " (name(c.declared_by)) }
                            td {
                                (conflict_state(l, c, r.today))
                                @if let Some(w) = &c.withdrawn_at {
                                    " " span.muted { (when(w)) " · " (c.withdrawn_by.map_or("", name)) }
                                } @else if r.may_withdraw {
                                    " "
                                    form.inline-form method="post" action={ "/people/" (r.person.id) "/conflicts/" (c.id) "/withdraw" } {
                                        (view::csrf(&ctx.csrf))
                                        button.secondary { (l.t("撤回", "Withdraw")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn conflict_form(
    ctx: &Ctx,
    r: &PersonRecords,
    t: &ConflictInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let l = ctx.lang;
    let g = |k: &str| e.get(k).map(|s| s.as_str());
    let clients: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(r.clients.iter().map(|(id, n)| (id.to_string(), n.clone())))
        .collect();
    let max = REASON_MAX.to_string();
    html! {
        div.card {
            h2 { (l.t("声明利益冲突", "Declare a conflict of interest")) }
            @if r.clients.is_empty() {
                p.muted { (l.t("本机构还没有客户企业。", "The body has no client enterprises yet.")) }
            } @else {
                p.muted {
                    (l.t(
                        "与某客户存在利益冲突（例如 2 年内为其提供咨询）的人员不能参加该客户的审核或认证决定（5.2）。“持续至”当天仍有冲突；不填表示长期。",
                        "A person with a conflict of interest with a client (consulting for it within 2 years, say) takes no part in its audits or decisions (5.2). The conflict lasts through the “until” day; empty means for good.",
                    ))
                }
                form method="post" action={ "/people/" (r.person.id) "/conflicts" } {
                    (view::csrf(&ctx.csrf))
                    (view::select(l.t("客户企业", "Client enterprise"), "enterprise_id", &clients, &t.enterprise_id, g("enterprise_id")))
                    (view::field(l.t("原因", "Reason"), "reason", "text", &t.reason, g("reason"), &[("required", ""), ("maxlength", &max), ("placeholder", l.t("2年内为其提供咨询", "consulted for it within 2 years"))]))
                    (view::field(l.t("持续至（可不填）", "Lasts until (optional)"), "until", "date", &t.until, g("until"), &[]))
                    (form_errors(e, &["enterprise_id", "reason", "until"]))
                    p { button { (l.t("声明", "Declare")) } }
                }
            }
        }
    }
}

async fn person_view(st: &App, ctx: &Ctx, id: i64, shown: Shown<'_>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let r = people::person(st, u, id).await?;
    let e = &shown.errors;
    let none = BTreeMap::new();
    let (ce, ke) = match (shown.competence.is_some(), shown.conflict.is_some()) {
        (true, _) => (e, &none),
        (_, true) => (&none, e),
        _ => (&none, &none),
    };
    let body = html! {
        @if let Some(d) = shown.done { (done_flash(l, d)) }
        p {
            (role_label(l, r.person.role.as_str())) " · " (r.org.name)
            @if r.person.disabled != 0 { " " span.pill.warn { (l.t("已停用", "Deactivated")) } }
            @if u.role == Role::BodyAdmin || u.role == Role::Sysadmin {
                " · " a href={ "/admin/orgs/" (r.org.id) "/people" } { (l.t("本机构人员能力", "The body's people")) }
            }
        }
        (competence_list(ctx, &r))
        @if r.may_record {
            (competence_form(ctx, &r, shown.competence.unwrap_or(&CompetenceInput::default()), ce))
        }
        (conflict_list(ctx, &r))
        @if r.may_declare {
            (conflict_form(ctx, &r, shown.conflict.unwrap_or(&ConflictInput::default()), ke))
        }
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(view::page_with(status, &ctx.chrome(), &r.person.name, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQ {
    done: Option<String>,
}

pub(super) async fn person_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<DoneQ>,
) -> Res {
    let shown = Shown {
        done: q.done.as_deref(),
        ..Default::default()
    };
    person_view(&st, &ctx, id, shown).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CompetenceForm {
    csrf: String,
    #[serde(flatten)]
    input: CompetenceInput,
}

pub(super) async fn add_competence(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CompetenceForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match people::add_competence(&st, u, id, &f.input).await {
        Ok(_) => Ok(redirect(&format!("/people/{id}?done=competence"))),
        Err(Error::Invalid(e)) => {
            let shown = Shown {
                competence: Some(&f.input),
                errors: errs_map(ctx.lang, &e),
                ..Default::default()
            };
            person_view(&st, &ctx, id, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn remove_competence(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, rid)): Ids<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    people::remove_competence(&st, u, id, rid).await?;
    Ok(redirect(&format!("/people/{id}?done=removed")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConflictForm {
    csrf: String,
    #[serde(flatten)]
    input: ConflictInput,
}

pub(super) async fn declare_conflict(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<ConflictForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match people::declare_conflict(&st, u, id, &f.input).await {
        Ok(_) => Ok(redirect(&format!("/people/{id}?done=declared"))),
        Err(Error::Invalid(e)) => {
            let shown = Shown {
                conflict: Some(&f.input),
                errors: errs_map(ctx.lang, &e),
                ..Default::default()
            };
            person_view(&st, &ctx, id, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn withdraw_conflict(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, cid)): Ids<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    people::withdraw_conflict(&st, u, id, cid).await?;
    Ok(redirect(&format!("/people/{id}?done=withdrawn")))
}
