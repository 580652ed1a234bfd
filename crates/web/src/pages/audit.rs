//! The audit log for people: filtered (who, object, action, date range) and paged in the
//! database, each entry's action, object and changes in words, with links to the objects;
//! the check of the whole chain on its own page.

use tianping_app::audit_log::{self, AuditPage, Entry};
use tianping_app::domain::audit::{self as words, AuditAction, AuditObject, FilterInput};

use super::*;
use crate::view::{field, page_with, pager, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/audit", get(audit_page))
        .route("/audit/verify", get(verify_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AuditQ {
    page: Option<String>,
    #[serde(flatten)]
    filter: FilterInput,
}

/// The filters as a query string (for the pager and links), empty values left out.
fn query_of(f: &FilterInput) -> String {
    let pairs = [
        ("actor", &f.actor),
        ("object_type", &f.object_type),
        ("object_id", &f.object_id),
        ("action", &f.action),
        ("from", &f.from),
        ("to", &f.to),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{}={}", k, url_enc(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

fn filter_link(f: FilterInput) -> String {
    format!("/audit?{}", query_of(&f))
}

pub(super) async fn audit_page(State(st): State<App>, ctx: Ctx, Query(q): Query<AuditQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    if !u.principal().reads_audit_log() {
        return Err(Error::NotFound.into());
    }
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let (found, errors) = match audit_log::search(&st, u, &q.filter, page, 50).await {
        Ok(p) => (Some(p), BTreeMap::new()),
        Err(Error::Invalid(e)) => (None, errs_map(l, &e)),
        Err(e) => return Err(e.into()),
    };
    let body = html! {
        (filter_form(l, &q.filter, &errors))
        @if let Some(p) = &found {
            p.muted {
                (l.t("符合条件的记录", "Matching entries")) " " (p.total) " · "
                a href="/audit/verify" { (l.t("核对整条哈希链", "Check the whole hash chain")) }
            }
            @if p.entries.is_empty() {
                p { (l.t("没有符合条件的记录。", "No entries match.")) }
            } @else {
                (entries_table(l, p))
            }
            @let q = query_of(&q.filter);
            @let base = if q.is_empty() { "/audit".to_string() } else { format!("/audit?{q}") };
            (pager(l, &base, p.page, p.per_page, p.total))
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with(
        status,
        &ctx.chrome(),
        l.t("审计日志", "Audit log"),
        body,
    ))
}

fn filter_form(l: Lang, f: &FilterInput, e: &BTreeMap<String, String>) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let all = (String::new(), l.t("（全部）", "(all)").to_string());
    let objects: Vec<(String, String)> = std::iter::once(all.clone())
        .chain(
            AuditObject::ALL
                .iter()
                .map(|o| (o.as_str().to_string(), o.label(l).to_string())),
        )
        .collect();
    let actions: Vec<(String, String)> = std::iter::once(all)
        .chain(
            AuditAction::ALL
                .iter()
                .map(|a| (a.as_str().to_string(), a.label(l).to_string())),
        )
        .collect();
    html! {
        details.card open[!query_of(f).is_empty() || !e.is_empty()] {
            summary { (l.t("筛选", "Filter")) }
            form method="get" action="/audit" {
                div.grid {
                    div { (field(l.t("操作人（邮箱或账号编号）", "Who (e-mail or account number)"),
                        "actor", "text", &f.actor, g("actor"), &[("placeholder", "name@example.cn")])) }
                    div { (select(l.t("操作", "Action"), "action", &actions, &f.action, g("action"))) }
                    div { (select(l.t("对象类型", "Object type"), "object_type", &objects, &f.object_type, g("object_type"))) }
                    div { (field(l.t("对象编号", "Object number"), "object_id", "text", &f.object_id, g("object_id"), &[])) }
                    div { (field(l.t("从（日期）", "From (date)"), "from", "date", &f.from, g("from"), &[])) }
                    div { (field(l.t("到（日期，含当天）", "To (date, inclusive)"), "to", "date", &f.to, g("to"), &[])) }
                }
                p.muted { (l.t("日期按北京时间。", "Dates are China Standard Time.")) }
                p {
                    button { (l.t("筛选", "Filter")) } " "
                    a href="/audit" { (l.t("清除筛选", "Clear")) }
                }
            }
        }
    }
}

fn entries_table(l: Lang, p: &AuditPage) -> Markup {
    html! {
        div.tablewrap {
            table {
                tr {
                    th { "#" } th { (l.t("时间", "When")) } th { (l.t("操作人", "Who")) }
                    th { (l.t("操作", "Action")) } th { (l.t("对象", "Object")) }
                    th { (l.t("变更内容", "What changed")) }
                }
                @for r in &p.entries {
                    tr {
                        td { (r.seq) }
                        td { (when(&r.at)) }
                        td { (actor_cell(l, r, p)) }
                        td {
                            a href=(filter_link(FilterInput { action: r.action.clone(), ..Default::default() })) {
                                (words::action_label(&r.action, l))
                            }
                        }
                        td { (object_cell(l, r)) }
                        td { (changes_cell(l, r)) }
                    }
                }
            }
        }
    }
}

/// The actor by name, linked to their entries; the e-mail address beside it; the system's
/// own changes as “系统”.
fn actor_cell(l: Lang, r: &Entry, p: &AuditPage) -> Markup {
    let email = r.actor.split(" (").next().unwrap_or("");
    html! {
        @match r.actor_id {
            Some(id) => {
                a href=(filter_link(FilterInput { actor: id.to_string(), ..Default::default() })) {
                    (p.names.get(&id).map_or(email, String::as_str))
                }
                br;
                span.muted { (email) }
            }
            None => { (l.t("系统", "System")) }
        }
    }
}

/// The object in words, linked to its page where it has one, and to its entries.
fn object_cell(l: Lang, r: &Entry) -> Markup {
    let label = words::object_label(&r.object_type, l);
    let page = match (
        r.object_type.parse::<AuditObject>(),
        r.object_id.parse::<i64>(),
    ) {
        (Ok(AuditObject::Assessment), Ok(id)) => Some(format!("/assessments/{id}")),
        (Ok(AuditObject::Enterprise), Ok(id)) => Some(format!("/enterprises/{id}")),
        (Ok(AuditObject::Org), Ok(id)) => Some(format!("/admin/orgs/{id}")),
        _ => None,
    };
    let history = filter_link(FilterInput {
        object_type: r.object_type.clone(),
        object_id: r.object_id.clone(),
        ..Default::default()
    });
    html! {
        @match page {
            Some(href) => { a href=(href) { (label) " " (r.object_id) } }
            None => { (label) " " (r.object_id) }
        }
        br;
        a.muted href=(history) { (l.t("该对象的全部记录", "All entries of this object")) }
    }
}

/// The fields that changed, in words: “数值：88 → 100”.
fn changes_cell(l: Lang, r: &Entry) -> Markup {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    let (before, after) = (parse(&r.before_json), parse(&r.after_json));
    let c = words::changes(before.as_ref(), after.as_ref(), l);
    let sep = l.t("：", ": ");
    html! {
        @if !c.items.is_empty() {
            ul.changes {
                @for x in &c.items {
                    li {
                        (x.label) (sep)
                        @match (&x.before, &x.after) {
                            (Some(b), Some(a)) => { (b) " → " (a) }
                            (None, Some(a)) => { (a) }
                            (Some(b), None) => { (b) " → " (l.t("（已删除）", "(removed)")) }
                            (None, None) => {}
                        }
                    }
                }
            }
        }
        @if c.unnamed > 0 {
            span.muted { (l.t("另有 ", "and ")) (c.unnamed) (l.t(" 项其他字段", " other fields")) }
        }
    }
}

pub(super) async fn verify_page(State(st): State<App>, ctx: Ctx) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let report = audit_log::verify(&st, u).await?;
    let body = html! {
        div.card {
            p {
                (report.entries) " " (l.t("条记录", "entries")) " · "
                @if report.ok() {
                    (l.t("哈希链完整", "hash chain intact"))
                } @else {
                    (report.problems.len()) " " (l.t("处问题", "problems"))
                }
            }
            @for p in &report.problems {
                p.err { "#" (p.seq) ": " (p.message) }
            }
            @for n in &report.notes {
                p.muted { (n) }
            }
        }
        p { a href="/audit" { (l.t("返回审计日志", "Back to the audit log")) } }
    };
    Ok(view::page(
        &ctx.chrome(),
        l.t("审计日志核对", "Audit log check"),
        body,
    ))
}
