//! Certification cases on the pages (DESIGN I-16, I-17): the list of the cases a person
//! sees, a body admin opening a case or importing a client's history (JSON Lines), the
//! export of a case and its deletion (clause 10). Also what every case page shares: states
//! and people in words, dates from forms, and the rules' refusals with their clause.

use chrono::NaiveDate;
use tianping_app::cases::{self, Imported};
use tianping_app::Refusal;
use tianping_case::certification::State as CaseState;
use tianping_case::{CaseKind, Header, Rule, Violation};

use super::*;
use crate::view::{csrf, err, page_with, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/cases", get(list_page))
        .route("/cases/open", post(open_post))
        .route("/cases/pattern", post(pattern_post))
        .route("/cases/import", get(import_page).post(import_post))
        .route("/cases/:id/export.jsonl", get(export))
        .route("/cases/:id/delete", post(delete_post))
}

/// A case's state in words: Chinese, or its stored name in English.
pub(super) fn state_words(l: Lang, s: CaseState) -> String {
    match l {
        Lang::Zh => s.name_zh().to_string(),
        Lang::En => s.as_str().replace('_', " "),
    }
}

/// A stored state (`cases.state`) of a case of this kind in words: Chinese, or its stored
/// name in English; an unknown one as stored.
pub(super) fn kind_state(l: Lang, kind: &str, s: &str) -> String {
    match (l, CaseKind::parse(kind).and_then(|k| k.state_name_zh(s))) {
        (Lang::Zh, Some(zh)) => zh.to_string(),
        (Lang::En, Some(_)) => s.replace('_', " "),
        (_, None) => s.to_string(),
    }
}

/// An event type of a case of this kind in words: Chinese, or its JSON name in English.
pub(super) fn type_words(l: Lang, kind: CaseKind, t: &str) -> String {
    match l {
        Lang::Zh => kind.type_name_zh(t).to_string(),
        Lang::En => t.replace('_', " "),
    }
}

/// A case's kind in words (`cases.kind`).
pub(super) fn kind_words(l: Lang, kind: &str) -> String {
    match kind {
        "certification" => l.t("履约能力评价体系认证", "Certification").into(),
        "capability" => l.t("企业能力评价", "Capability evaluation").into(),
        "stars" => l.t("星级评价", "Star rating").into(),
        k => k.to_string(),
    }
}

/// A person named in events (`by`, team members): the name the header gives, with the id
/// when it says more than the name.
pub(super) fn person(header: &Header, id: &str) -> String {
    match header.person(id).and_then(|p| p.name.as_deref()) {
        Some(name) if name != id => name.to_string(),
        _ => id.to_string(),
    }
}

/// A date typed in a form (`YYYY-MM-DD`, as `<input type=date>` sends it).
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The rules' refusals of an event, each with its clause and what the rule requires.
pub(super) fn refusals_box(l: Lang, refusals: &[Refusal]) -> Markup {
    refusals_under(
        l,
        l.t(
            "不符合认证规则，未作记录：",
            "Refused by the certification rules; nothing was recorded:",
        ),
        refusals,
    )
}

/// The rules' refusals under a heading saying what was not done.
pub(super) fn refusals_under(l: Lang, heading: &str, refusals: &[Refusal]) -> Markup {
    html! {
        @if !refusals.is_empty() {
            div.flash.bad role="alert" {
                p { strong { (heading) } }
                ul {
                    @for r in refusals {
                        li {
                            (r.message.text(l))
                            br;
                            span.muted {
                                (l.t("依据条款 ", "Clause ")) b { (r.clause) }
                                @if let Some(rule) = Rule::from_id(&r.rule) {
                                    (l.t("：", ": ")) (rule.requirement_zh())
                                }
                                " (" (r.rule) ")"
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A history's violations (kept events that break a rule), with the event's line.
pub(super) fn violations_table(l: Lang, v: &[Violation]) -> Markup {
    html! {
        div.tablewrap {
            table {
                tr {
                    th { (l.t("事件", "Event")) }
                    th { (l.t("规则", "Rule")) }
                    th { (l.t("条款", "Clause")) }
                    th { (l.t("说明", "What is wrong")) }
                }
                @for x in v {
                    tr.bad {
                        td { (l.t("第 ", "#")) (x.event + 1) (l.t(" 个", "")) }
                        td { (x.rule.requirement_zh()) br; span.muted { (x.rule.id()) } }
                        td { (x.clause) }
                        td { (x.message) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQ {
    done: Option<String>,
}

/// The cases this person sees; a body admin opens or imports one, an enterprise applies.
async fn list_page(State(st): State<App>, ctx: Ctx, Query(q): Query<ListQ>) -> Res {
    list_view(&st, &ctx, &q, None).await
}

/// The list page; `pattern_error` re-shows the number-pattern form with what was typed.
async fn list_view(st: &App, ctx: &Ctx, q: &ListQ, pattern_error: Option<(&str, &Error)>) -> Res {
    let st = st.clone();
    let u = ctx.user()?;
    let l = ctx.lang;
    let list = cases::list(&st, u).await?;
    let admin = u.role == Role::BodyAdmin && u.org_id.is_some();
    let ents = if admin {
        enterprises::list(&st, u, 500, 0).await?.0
    } else {
        Vec::new()
    };
    let pattern = if admin {
        Some(cases::pattern(&st, u).await?)
    } else {
        None
    };
    let body = html! {
        @if q.done.as_deref() == Some("deleted") {
            div.flash role="status" { (l.t("案卷已删除。", "The case was deleted.")) }
        }
        @if q.done.as_deref() == Some("pattern") {
            div.flash role="status" { (l.t("证书编号规则已保存。", "The certificate number pattern was saved.")) }
        }
        @if u.role == Role::Enterprise {
            p {
                a.button href="/cases/apply" { (l.t("申请认证或企业能力评价", "Apply for certification or a capability evaluation")) } " "
                a.button href="/stars/apply" { (l.t("申请星级评价", "Apply for a star rating")) }
            }
        }
        @if list.is_empty() {
            p.muted { (l.t("没有可见的案卷。", "No cases visible to you.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("企业", "Enterprise")) }
                        th { (l.t("类型", "Kind")) }
                        th.hide-sm { (l.t("认证机构", "Body")) }
                        th { (l.t("状态", "State")) }
                        th { (l.t("证书编号", "Certificate")) }
                        th { (l.t("有效期至", "Valid until")) }
                    }
                    @for c in &list {
                        tr {
                            td { a href={ "/cases/" (c.id) } { (c.enterprise_name) } }
                            td { (kind_words(l, &c.kind)) }
                            td.hide-sm { (c.org_name) }
                            td { (kind_state(l, &c.kind, &c.state)) }
                            td { (c.certificate_number.as_deref().unwrap_or("—")) }
                            td { (c.valid_until.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        @if admin {
            h2 { (l.t("建立认证案卷", "Open a case")) }
            @if ents.is_empty() {
                p.muted { (l.t("本机构尚无客户企业。", "The body has no client enterprises yet.")) }
            } @else {
                form.inline method="post" action="/cases/open" {
                    (csrf(&ctx.csrf))
                    (select(l.t("客户企业", "Client enterprise"), "enterprise", &enterprise_options(&ents), "", None))
                    button { (l.t("建立案卷", "Open")) }
                }
            }
            p { a href="/cases/import" { (l.t("导入已有的认证记录（JSON Lines）", "Import an existing history (JSON Lines)")) } }
            p {
                a href="/reports/cnca" { (l.t("CNCA 月度报送数据（Excel）", "Monthly report to CNCA (Excel)")) }
                " · "
                a href="/certificates.xlsx" { (l.t("证书清单（Excel）", "Certificates (Excel)")) }
            }
            (pattern_form(l, &ctx.csrf, &pattern, pattern_error))
        }
    };
    let status = if pattern_error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(page_with(status, &ctx.chrome(), l.t("案卷", "Cases"), body))
}

/// The body's certificate-number pattern (I-21): the current one, an example, the form.
fn pattern_form(
    l: Lang,
    token: &str,
    current: &Option<cases::Pattern>,
    error: Option<(&str, &Error)>,
) -> Markup {
    let Some(p) = current else { return html! {} };
    let value = error.map_or(p.pattern.as_str(), |(v, _)| v);
    html! {
        h2 { (l.t("证书编号规则", "Certificate numbers")) }
        p.muted {
            (l.t("授予认证时按此规则自动编号，序号由数据库顺序产生，不会重复。当前规则的本年示例：", "A grant numbers its certificate by this pattern; the sequence comes from the database and never repeats. This year's example: "))
            b { (p.example) }
        }
        form.inline method="post" action="/cases/pattern" {
            (csrf(token))
            label for="f-pattern" { (l.t("编号规则（{year} 年份，{seq} 或 {seq:5} 补零序号）", "Pattern ({year}, {seq} or zero-padded {seq:5})")) }
            input #f-pattern type="text" name="pattern" value=(value) maxlength="40" required;
            button { (l.t("保存", "Save")) }
        }
        @if let Some((_, e)) = error {
            p.err role="alert" { (e.detail(l)) }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PatternForm {
    csrf: String,
    pattern: String,
}

async fn pattern_post(State(st): State<App>, ctx: Ctx, Form(f): Form<PatternForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match cases::set_pattern(&st, u, &f.pattern).await {
        Ok(_) => Ok(redirect("/cases?done=pattern")),
        Err(e @ Error::Invalid(_)) => {
            list_view(&st, &ctx, &ListQ::default(), Some((&f.pattern, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}

fn enterprise_options(ents: &[repo::Enterprise]) -> Vec<(String, String)> {
    ents.iter()
        .map(|e| (e.id.to_string(), format!("{}（{}）", e.name, e.uscc)))
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OpenForm {
    csrf: String,
    enterprise: String,
}

async fn open_post(State(st): State<App>, ctx: Ctx, Form(f): Form<OpenForm>) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let id: i64 = f.enterprise.trim().parse().map_err(|_| {
        Error::invalid("enterprise", "请选择客户企业", "Choose a client enterprise")
    })?;
    let case = cases::open(&st, u, id).await?;
    Ok(redirect(&format!("/cases/{case}")))
}

async fn import_page(State(st): State<App>, ctx: Ctx) -> Res {
    import_view(&st, &ctx, "", None, None).await
}

/// The import form; after an import, the new case and its violations (`done`), or why the
/// file was refused (`error`, 422).
async fn import_view(
    st: &App,
    ctx: &Ctx,
    enterprise: &str,
    done: Option<&Imported>,
    error: Option<&BTreeMap<String, String>>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    if u.role != Role::BodyAdmin {
        return Err(Error::forbidden(
            "只有认证机构管理员可以导入认证记录",
            "Only a body's administrator may import a history",
        )
        .into());
    }
    let ents = enterprises::list(st, u, 500, 0).await?.0;
    let g = |k: &str| error.and_then(|e| e.get(k)).map(String::as_str);
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        @if let Some(i) = done {
            div.card {
                h2 { (l.t("导入结果", "Result of the import")) }
                p.flash.bad[!i.violations.is_empty()] role="status" {
                    (l.t("已导入 ", "Imported ")) (i.events) (l.t(" 个事件，全部保留；", " events, all kept; "))
                    (i.violations.len()) (l.t(" 处违反认证规则。", " violations of the rules."))
                }
                p { a.button href={ "/cases/" (i.case_id) } { (l.t("查看导入的案卷", "Open the imported case")) } }
                @if !i.violations.is_empty() { (violations_table(l, &i.violations)) }
            }
        }
        div.card {
            p { (l.t(
                "文件为 JSON Lines（UTF-8）：第一行为表头 {\"case\": \"certification\", \"people\": […]}，其后每行一个事件。每个事件都按认证规则检查：违反规则的事件照样保留，并列出违反的规则和条款；格式错误的文件不做任何修改，并指出出错的行。",
                "A JSON Lines file (UTF-8): a header line {\"case\": \"certification\", \"people\": […]}, then one event per line. Every event is checked against the rules: events that break one are kept and listed with the rule and clause; a malformed file changes nothing and names the line.",
            )) }
            form method="post" action="/cases/import" enctype="multipart/form-data" {
                (csrf(&ctx.csrf))
                (form_errors(error.unwrap_or(&BTreeMap::new()), &["enterprise", "file"]))
                (select(l.t("客户企业", "Client enterprise"), "enterprise", &enterprise_options(&ents), enterprise, g("enterprise")))
                label for="f-file" { (l.t("文件（.jsonl）", "File (.jsonl)")) }
                input #f-file type="file" name="file" accept=".jsonl,.json,.txt" required
                    aria-invalid=[g("file").map(|_| "true")];
                (err(g("file")))
                p { button { (l.t("导入", "Import")) } }
            }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with(
        status,
        &ctx.chrome(),
        l.t("导入认证记录", "Import a history"),
        body,
    ))
}

async fn import_post(State(st): State<App>, ctx: Ctx, mut mp: Multipart) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (fields, _name, data) = uploaded_form(&st, &mut mp).await?;
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let enterprise = fields.get("enterprise").cloned().unwrap_or_default();
    let refused = |e: Vec<FieldError>| errs_map(l, &e);
    let Ok(ent) = enterprise.trim().parse::<i64>() else {
        let e = FieldError::new("enterprise", "请选择客户企业", "Choose a client enterprise");
        return import_view(&st, &ctx, &enterprise, None, Some(&refused(vec![e]))).await;
    };
    let text = match String::from_utf8(data) {
        Ok(t) if !t.trim().is_empty() => t,
        Ok(_) => {
            let e = FieldError::new("file", "请选择要导入的文件", "Choose a file to import");
            return import_view(&st, &ctx, &enterprise, None, Some(&refused(vec![e]))).await;
        }
        Err(_) => {
            let e = FieldError::new(
                "file",
                "文件不是 UTF-8 编码的文本",
                "The file is not UTF-8 text",
            );
            return import_view(&st, &ctx, &enterprise, None, Some(&refused(vec![e]))).await;
        }
    };
    match cases::import(&st, u, ent, &text).await {
        Ok(i) => import_view(&st, &ctx, &enterprise, Some(&i), None).await,
        Err(Error::Invalid(e)) => {
            import_view(&st, &ctx, &enterprise, None, Some(&refused(e))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The case as JSON Lines (I-16), as a download.
async fn export(State(st): State<App>, ctx: Ctx, Ids(id): Ids<i64>) -> Res {
    let u = ctx.user()?;
    let text = cases::export(&st, u, id).await?;
    let disposition = format!("attachment; filename=\"case-{id}.jsonl\"");
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        text,
    )
        .into_response())
}

/// Delete a case (the body's admin, after the retention of clause 10); a refusal is shown on
/// the case page beside the button.
async fn delete_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    match cases::delete(&st, u, id).await {
        Ok(()) => Ok(redirect("/cases?done=deleted")),
        Err(Error::Refused(r)) => {
            let shown = super::case_page::Shown {
                delete_refused: r,
                ..Default::default()
            };
            super::case_page::render(&st, &ctx, id, None, shown).await
        }
        Err(e) => Err(e.into()),
    }
}
