//! HTML with maud: compile-time checked templates that escape every value unless it is
//! explicitly marked as markup. Chosen over askama because the pages are built from Rust
//! values and small components; maud keeps them in the same type-checked code, with no
//! template files to keep in step. The layout and the form widgets every page uses.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::html::{role_label, stylesheet_href, url_enc, Chrome, Lang};

/// A full page in the layout, status 200.
pub fn page(c: &Chrome, title: &str, body: Markup) -> Response {
    Html(document(c, title, body).into_string()).into_response()
}

/// A full page in the layout with another status (a form shown again with its errors, an
/// error page).
pub fn page_with(status: StatusCode, c: &Chrome, title: &str, body: Markup) -> Response {
    (status, Html(document(c, title, body).into_string())).into_response()
}

/// The layout: header with navigation by role, who is signed in, the language switch.
pub fn document(c: &Chrome, title: &str, body: Markup) -> Markup {
    let l = c.lang;
    let (other, other_label) = match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) " · 天平 Tianping" }
                link rel="stylesheet" href=(stylesheet_href());
            }
            body {
                header {
                    a.brand href="/" { "天平 Tianping" }
                    nav {
                        @if let Some((_, role)) = c.user {
                            a href="/" { (l.t("首页", "Home")) }
                            a href="/enterprises" { (l.t("企业", "Enterprises")) }
                            a href="/assessments" { (l.t("评价", "Assessments")) }
                            @if matches!(role, "body_admin" | "auditor" | "decider" | "enterprise" | "operator") {
                                a href="/cases" { (l.t("案卷", "Cases")) }
                            }
                            @if matches!(role, "enterprise" | "operator") {
                                a href="/shops" { (l.t("店铺积分", "Shop points")) }
                            }
                            @if matches!(role, "body_admin" | "auditor" | "decider") {
                                a href="/due" { (l.t("待办", "Due")) }
                            }
                            @if matches!(role, "body_admin" | "sysadmin") {
                                a href="/admin" { (l.t("机构管理", "Administration")) }
                            }
                            @if role == "sysadmin" {
                                a href="/audit" { (l.t("审计日志", "Audit log")) }
                            }
                            a href="/account" { (l.t("账号", "Account")) }
                            a href="/inbox" {
                                (l.t("消息", "Inbox"))
                                @if c.unread > 0 {
                                    " " span.badge title=(l.t("未读", "unread")) { (c.unread) }
                                }
                            }
                        }
                        a href="/public" { (l.t("公示公告", "Public notices")) }
                    }
                    div.who {
                        @match c.user {
                            Some((name, role)) => {
                                span { (name) " · " (role_label(l, role)) }
                                form method="post" action="/logout" {
                                    (csrf(c.csrf))
                                    button { (l.t("退出", "Sign out")) }
                                }
                            }
                            None => {
                                a href="/login" { (l.t("登录", "Sign in")) }
                                a href="/signup" { (l.t("企业注册", "Enterprise sign-up")) }
                            }
                        }
                        a href={ "/lang/" (other) "?back=" (url_enc(c.path)) } { (other_label) }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A field's error, next to it.
pub fn err(err: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = err {
            p.err role="alert" { (e) }
        }
    }
}

/// A text input with its label and its error; keeps `value`. `extra` adds attributes the
/// browser checks (e.g. `required`, `maxlength`), as (name, value).
pub fn field(
    label: &str,
    name: &str,
    kind: &str,
    value: &str,
    error: Option<&str>,
    extra: &[(&str, &str)],
) -> Markup {
    let id = format!("f-{name}");
    html! {
        label for=(id) { (label) }
        input id=(id) type=(kind) name=(name) value=(value)
            class=[error.map(|_| "invalid")] aria-invalid=[error.map(|_| "true")]
            required[extra.iter().any(|(k, _)| *k == "required")]
            maxlength=[attr(extra, "maxlength")] minlength=[attr(extra, "minlength")]
            autocomplete=[attr(extra, "autocomplete")] placeholder=[attr(extra, "placeholder")]
            step=[attr(extra, "step")] min=[attr(extra, "min")] max=[attr(extra, "max")]
            pattern=[attr(extra, "pattern")];
        (err(error))
    }
}

fn attr<'a>(extra: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    extra.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// A select with its label; `options` are (value, label).
pub fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    error: Option<&str>,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        label for=(id) { (label) }
        select id=(id) name=(name) class=[error.map(|_| "invalid")] {
            @for (v, l) in options {
                option value=(v) selected[v == selected] { (l) }
            }
        }
        (err(error))
    }
}

/// Previous / next links for a paged list.
pub fn pager(l: Lang, base: &str, page: i64, per_page: i64, total: i64) -> Markup {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    html! {
        div.pager {
            @if page > 1 {
                a href={ (base) (sep) "page=" (page - 1) } { "← " (l.t("上一页", "Previous")) }
            }
            span.muted { (l.t("第", "Page")) " " (page) " / " (pages) " · " (total) " " (l.t("条", "items")) }
            @if page < pages {
                a href={ (base) (sep) "page=" (page + 1) } { (l.t("下一页", "Next")) " →" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_errors_marked() {
        let m = field(
            "名称",
            "name",
            "text",
            "<b>\"x\"</b>",
            Some("必填 <!>"),
            &[("required", "")],
        );
        let s = m.into_string();
        assert!(
            s.contains("value=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\""),
            "{s}"
        );
        assert!(
            s.contains("class=\"invalid\"") && s.contains("aria-invalid=\"true\""),
            "{s}"
        );
        assert!(
            s.contains("必填 &lt;!&gt;") && s.contains(" required"),
            "{s}"
        );
        let s = select("x", "k", &[("a".into(), "<A>".into())], "a", None).into_string();
        assert!(
            s.contains("<option value=\"a\" selected>&lt;A&gt;</option>"),
            "{s}"
        );
    }

    #[test]
    fn the_pager_links_only_existing_pages() {
        let s = pager(Lang::En, "/x?q=1", 1, 20, 45).into_string();
        assert!(
            !s.contains("Previous") && s.contains("/x?q=1&amp;page=2") && s.contains("1 / 3"),
            "{s}"
        );
        let s = pager(Lang::Zh, "/x", 3, 20, 45).into_string();
        assert!(s.contains("/x?page=2") && !s.contains("下一页"), "{s}");
    }
}
