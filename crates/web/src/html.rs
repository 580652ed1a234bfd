//! What every page shares besides its markup (crate::view): the language, the style sheet,
//! the request's chrome, role labels, URL encoding and times for people.

use std::fmt::Write;

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

pub const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d2733;background:#f4f6f8;line-height:1.55}
a{color:#0b5cad}
header{background:#12355b;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700;font-size:1.15rem}
header nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;flex:1}
header .who{font-size:.9rem;opacity:.9;display:flex;gap:.6rem;align-items:center;flex-wrap:wrap}
header form{display:inline}
header button{background:none;border:1px solid #fff8;color:#fff;border-radius:4px;padding:.1rem .5rem;cursor:pointer}
main{max-width:1100px;margin:1rem auto;padding:0 1rem}
h1{font-size:1.45rem;margin:.6rem 0}
h2{font-size:1.15rem;margin:1.2rem 0 .5rem}
.card{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:1rem;margin:.8rem 0}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e8ee;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
.tablewrap{overflow-x:auto}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=email],input[type=password],input[type=number],select,textarea{width:100%;max-width:32rem;padding:.4rem;border:1px solid #b8c2cc;border-radius:4px;font:inherit}
textarea{min-height:5rem}
.inline input[type=number],.inline select{width:auto;max-width:10rem}
button,.button{background:#0b5cad;color:#fff;border:0;border-radius:4px;padding:.45rem 1rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#5a6b7c}
button.danger{background:#b3261e}
.err{color:#b3261e;font-size:.9rem;margin:.15rem 0}
.invalid{border-color:#b3261e!important;background:#fff6f6}
.flash{background:#e6f4ea;border:1px solid #9ccfa8;padding:.6rem 1rem;border-radius:6px}
.flash.bad{background:#fdecea;border-color:#f1a49c}
.muted{color:#5f6d7a;font-size:.9rem}
.pill{display:inline-block;border-radius:999px;padding:0 .6rem;font-size:.85rem;background:#e3e8ee}
.pill.ok{background:#d7f0dd}.pill.warn{background:#fff1c2}
.big{font-size:2rem;font-weight:700}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.8rem}
.ind{border-top:1px solid #e3e8ee;padding:.6rem 0}
.ind:target{background:#fffbe6}
.path{color:#5f6d7a;font-size:.88rem}
details summary{cursor:pointer;color:#0b5cad}
.inline{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.inline label{display:inline;margin:0;font-weight:400}
.pager{display:flex;gap:1rem;margin:.6rem 0}
@media (max-width:640px){main{padding:0 .5rem}h1{font-size:1.2rem}th,td{padding:.3rem}.hide-sm{display:none}}
"#;

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

/// Format a stored timestamp for people (Asia/Shanghai, minutes).
pub fn when(ts: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(ts) {
        Ok(t) => (t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset")))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => ts.to_string(),
    }
}
