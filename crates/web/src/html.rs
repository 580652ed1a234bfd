//! What every page shares besides its markup (crate::view): the language, the style sheet,
//! the request's chrome, role labels, URL encoding, times for people and files as downloads.

use std::fmt::Write;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The page language: Chinese by default, English by switch (cookie `tp_lang`).
pub use tianping_domain::Lang;

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

/// A stored file as a download: its content type, a Content-Disposition with the UTF-8 name
/// (RFC 6266 `filename*`) and `fallback` as the plain name for old clients, never cached.
pub fn download(fallback: &str, file_name: &str, content_type: &str, data: Vec<u8>) -> Response {
    use axum::http::header::CONTENT_DISPOSITION;
    use axum::http::HeaderValue;
    let mut r = data.into_response();
    let h = r.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let fallback: String = fallback
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    // url_enc keeps `/`, which a stored file name never holds (evidence::file_name)
    let disp = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        url_enc(file_name)
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disp).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

/// A rendered PDF as a download (pages and API alike).
pub fn pdf_download(p: tianping_app::documents::Pdf) -> Response {
    download(&p.filename, &p.filename, "application/pdf", p.bytes)
}

/// A document's language from its `?lang=` parameter: `en` (any case) for English, Chinese
/// otherwise.
pub fn doc_lang(param: Option<&str>) -> tianping_app::Lang {
    match param {
        Some(x) if x.eq_ignore_ascii_case("en") => tianping_app::Lang::En,
        _ => tianping_app::Lang::Zh,
    }
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

/// The copy script: copy buttons beside read-only fields (invitation links).
pub const COPY_JS: &str = include_str!("../static/copy.js");
/// Where the copy script is served.
pub const COPY_SCRIPT_PATH: &str = "/static/copy.js";
/// The table form's script: flags unsaved changes and saves a table in the background.
pub const TABLE_JS: &str = include_str!("../static/table.js");
/// Where the table form's script is served.
pub const TABLE_JS_PATH: &str = "/static/table.js";
/// The certificate status page's script: moves a QR link's signed fragment into `?sig=`.
pub const VERIFY_JS: &str = include_str!("../static/verify.js");
/// Where the certificate status page's script is served.
pub const VERIFY_JS_PATH: &str = "/static/verify.js";
/// The what-if form's script: recomputes as you type.
pub const WHATIF_JS: &str = include_str!("../static/whatif.js");
/// Where the what-if form's script is served.
pub const WHATIF_JS_PATH: &str = "/static/whatif.js";

/// A script's address with its content hash as a version, like the stylesheet's. Pages work
/// without the scripts; the CSP allows only the application's own files.
fn versioned(path: &str, js: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(js.as_bytes());
    let v: String = h[..8].iter().map(|b| format!("{:02x}", b)).collect();
    format!("{}?v={}", path, v)
}

/// The copy script's versioned address.
pub fn copy_script_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| versioned(COPY_SCRIPT_PATH, COPY_JS))
}

/// The certificate status page's script, versioned.
pub fn verify_js_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| versioned(VERIFY_JS_PATH, VERIFY_JS))
}

/// The what-if script's versioned address.
pub fn whatif_js_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| versioned(WHATIF_JS_PATH, WHATIF_JS))
}

/// The table script's versioned address.
pub fn table_js_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| versioned(TABLE_JS_PATH, TABLE_JS))
}

/// A script, cacheable for a year (its links carry its hash).
fn script(js: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        js,
    )
        .into_response()
}

/// `GET /static/copy.js`.
pub async fn copy_script() -> Response {
    script(COPY_JS)
}

/// `GET /static/table.js`.
pub async fn table_js() -> Response {
    script(TABLE_JS)
}

/// `GET /static/whatif.js`.
pub async fn whatif_js() -> Response {
    script(WHATIF_JS)
}

/// GET the certificate status page's script.
pub async fn verify_js() -> Response {
    script(VERIFY_JS)
}

/// Everything the layout needs about the request.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub user: Option<(&'a str, &'a str)>,
    pub csrf: &'a str,
    pub path: &'a str,
    /// The signed-in user's unread notifications (shown beside the inbox link).
    pub unread: i64,
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

/// Format a stored timestamp for people (Asia/Shanghai, minutes).
pub fn when(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => (t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset")))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => ts.to_string(),
    }
}
