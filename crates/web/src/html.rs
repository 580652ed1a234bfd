//! Plain-Rust HTML: escaping, the page layout, the two languages, form widgets.

use std::fmt::Write;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};

/// The page language: Chinese by default, English by switch (cookie `tp_lang`).
pub use tianping_domain::Lang;

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Percent-encode a query value.
pub fn url_enc(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{:02X}", b);
        }
    }
    o
}

/// The stylesheet, served at [`STYLESHEET_PATH`] (no inline styles: the Content-Security-Policy
/// allows only the application's own files).
pub const CSS: &str = include_str!("../static/app.css");

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/static/app.css";

/// The stylesheet's address with its content hash as a version (`?v=…`), so that it can be
/// cached for a year and a changed stylesheet is still fetched at once.
pub fn stylesheet_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        use sha2::Digest;
        let h = sha2::Sha256::digest(CSS.as_bytes());
        let v: String = h[..8].iter().map(|b| format!("{:02x}", b)).collect();
        format!("{}?v={}", STYLESHEET_PATH, v)
    })
}

/// `GET /static/app.css`: the stylesheet, cacheable for a year (its links carry its hash).
pub async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
        .into_response()
}

/// Everything the layout needs about the request.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub user: Option<(&'a str, &'a str)>,
    pub csrf: &'a str,
    pub path: &'a str,
}

pub fn role_label(lang: Lang, role: &str) -> &'static str {
    match (role, lang) {
        ("enterprise", Lang::Zh) => "企业用户",
        ("enterprise", Lang::En) => "enterprise member",
        ("auditor", Lang::Zh) => "审核员/评价员",
        ("auditor", Lang::En) => "auditor / evaluator",
        ("expert", Lang::Zh) => "评价专家",
        ("expert", Lang::En) => "expert",
        ("decider", Lang::Zh) => "决定人员",
        ("decider", Lang::En) => "decider",
        ("body_admin", Lang::Zh) => "机构管理员",
        ("body_admin", Lang::En) => "body admin",
        ("operator", Lang::Zh) => "平台运营方",
        ("operator", Lang::En) => "platform operator",
        ("sysadmin", Lang::Zh) => "系统管理员",
        ("sysadmin", Lang::En) => "system admin",
        _ => "?",
    }
}

/// A full page.
pub fn page(c: &Chrome, title: &str, body: &str) -> Response {
    let l = c.lang;
    let mut nav = String::new();
    if let Some((_, role)) = c.user {
        let _ = write!(
            nav,
            r#"<a href="/">{}</a><a href="/enterprises">{}</a><a href="/assessments">{}</a>"#,
            l.t("首页", "Home"),
            l.t("企业", "Enterprises"),
            l.t("评价", "Assessments")
        );
        if matches!(role, "body_admin" | "sysadmin") {
            let _ = write!(
                nav,
                r#"<a href="/admin">{}</a>"#,
                l.t("机构管理", "Administration")
            );
        }
        if role == "sysadmin" {
            let _ = write!(
                nav,
                r#"<a href="/audit">{}</a>"#,
                l.t("审计日志", "Audit log")
            );
        }
        let _ = write!(nav, r#"<a href="/account">{}</a>"#, l.t("账号", "Account"));
    }
    let (other, other_label) = match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let who = match c.user {
        Some((name, role)) => format!(
            r#"<span>{} · {}</span><form method="post" action="/logout"><input type="hidden" name="csrf" value="{}"><button>{}</button></form>"#,
            esc(name),
            role_label(l, role),
            esc(c.csrf),
            l.t("退出", "Sign out")
        ),
        None => format!(
            r#"<a href="/login">{}</a><a href="/signup">{}</a>"#,
            l.t("登录", "Sign in"),
            l.t("企业注册", "Enterprise sign-up")
        ),
    };
    let html = format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title} · 天平 Tianping</title><link rel="stylesheet" href="{css}"></head><body><header><a class="brand" href="/">天平 Tianping</a><nav>{nav}</nav><div class="who">{who}<a href="/lang/{other}?back={back}">{other_label}</a></div></header><main><h1>{title}</h1>{body}</main></body></html>"#,
        lang = l.code(),
        title = esc(title),
        back = url_enc(c.path),
        css = stylesheet_href(),
    );
    Html(html).into_response()
}

/// A text input with its label and the error next to it; keeps `value`.
pub fn field(
    label: &str,
    name: &str,
    kind: &str,
    value: &str,
    err: Option<&str>,
    extra: &str,
) -> String {
    format!(
        r#"<label for="f-{name}">{label}</label><input id="f-{name}" type="{kind}" name="{name}" value="{value}"{cls} {extra}>{err}"#,
        label = esc(label),
        value = esc(value),
        cls = if err.is_some() {
            r#" class="invalid" aria-invalid="true""#
        } else {
            ""
        },
        err = err_html(err),
    )
}

pub fn err_html(err: Option<&str>) -> String {
    match err {
        Some(e) => format!(r#"<p class="err" role="alert">{}</p>"#, esc(e)),
        None => String::new(),
    }
}

/// A select with its label; `options` are (value, label).
pub fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    err: Option<&str>,
) -> String {
    let mut o = format!(
        r#"<label for="f-{name}">{}</label><select id="f-{name}" name="{name}"{}>"#,
        esc(label),
        if err.is_some() {
            r#" class="invalid""#
        } else {
            ""
        }
    );
    for (v, l) in options {
        let _ = write!(
            o,
            r#"<option value="{}"{}>{}</option>"#,
            esc(v),
            if v == selected { " selected" } else { "" },
            esc(l)
        );
    }
    o.push_str("</select>");
    o.push_str(&err_html(err));
    o
}

pub fn csrf_input(token: &str) -> String {
    format!(
        r#"<input type="hidden" name="csrf" value="{}">"#,
        esc(token)
    )
}

/// Previous / next links for a paged list.
pub fn pager(l: Lang, base: &str, page: i64, per_page: i64, total: i64) -> String {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut o = String::from(r#"<div class="pager">"#);
    if page > 1 {
        let _ = write!(
            o,
            r#"<a href="{}{}page={}">← {}</a>"#,
            esc(base),
            sep,
            page - 1,
            l.t("上一页", "Previous")
        );
    }
    let _ = write!(
        o,
        "<span class=muted>{} {} / {} · {} {}</span>",
        l.t("第", "Page"),
        page,
        pages,
        total,
        l.t("条", "items")
    );
    if page < pages {
        let _ = write!(
            o,
            r#"<a href="{}{}page={}">{} →</a>"#,
            esc(base),
            sep,
            page + 1,
            l.t("下一页", "Next")
        );
    }
    o.push_str("</div>");
    o
}

/// Format a stored timestamp for people (Asia/Shanghai, minutes).
pub fn when(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => (t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset")))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => ts.to_string(),
    }
}
