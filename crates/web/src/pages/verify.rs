//! 证书查询与验证 (DESIGN I-21): the public status page a certificate's QR code opens, with no
//! sign-in. `/verify/{number}` shows the live status and validity, the certificate's fields
//! (holder, credit code, scope, standard, grade, dates, issuer), its history (issued,
//! suspended, restored, reissued, withdrawn …, from the case's fold), a “valid on date …?”
//! form (`?on=YYYY-MM-DD`) and the signature check: the QR link carries the signed payload
//! in its fragment, which browsers do not send, so the optional `static/verify.js` puts it
//! into `?sig=` and the server checks it; without the script a form takes the link or its
//! part after `#`. `/verify?q=` looks certificates up by number, credit code or name.
//! `/.well-known/tianping-keys.json` publishes every body's public keys. No person is
//! named. Every path here is rate-limited per address (`crate::ratelimit`).

use axum::Json;
use chrono::NaiveDate;
use tianping_app::certificates::{self as uc, PublicCertificate, Status};
use tianping_app::domain::cert_sign::{self, KeySet, Verdict};

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/verify", get(lookup))
        .route("/verify/:number", get(show))
        .route("/.well-known/tianping-keys.json", get(keys))
}

/// `/.well-known/tianping-keys.json`: every key of every body.
async fn keys(State(st): State<App>) -> Result<Json<KeySet>, PageError> {
    Ok(Json(KeySet {
        keys: uc::keys(&st).await?,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LookupQ {
    q: Option<String>,
}

fn status_pill(l: Lang, s: Status) -> Markup {
    html! {
        span.pill.ok[s == Status::Valid] .warn[s != Status::Valid] { (l.t(s.zh(), s.en())) }
    }
}

fn search_form(l: Lang, q: &str) -> Markup {
    html! {
        form.inline.search method="get" action="/verify" role="search" {
            label for="f-q" { (l.t("证书编号、统一社会信用代码或组织名称", "Certificate number, credit code or name")) }
            input id="f-q" type="text" name="q" value=(q) maxlength="50" autocomplete="off";
            button { (l.t("查询", "Look up")) }
        }
    }
}

/// `/verify?q=`: certificates by number, credit code or name.
async fn lookup(State(st): State<App>, ctx: Ctx, Query(s): Query<LookupQ>) -> Res {
    let l = ctx.lang;
    let q = s.q.unwrap_or_default();
    let hits = uc::lookup(&st, &q).await?;
    let body = html! {
        p.muted { (l.t("查询认证证书的当前状态、有效期和历史。无需登录。", "Look up a certificate's status, validity and history. No sign-in needed.")) }
        (search_form(l, q.trim()))
        @if !q.trim().is_empty() {
            @if hits.is_empty() {
                p.muted.empty { (l.t("没有找到匹配的证书。", "No certificate matches.")) }
            } @else {
                // stacked as labelled cards on a phone (`table.cards`)
                table.cards.public data-testid="certificates" {
                    thead {
                        tr {
                            th { (l.t("证书编号", "Number")) } th { (l.t("获证组织", "Holder")) }
                            th { (l.t("统一社会信用代码", "Credit code")) } th { (l.t("发证机构", "Issuer")) }
                            th { (l.t("发证日期", "Issued")) } th { (l.t("状态", "Status")) }
                        }
                    }
                    tbody {
                        @for h in &hits {
                            tr {
                                td.name { a href={ "/verify/" (cert_sign::path_encode(&h.number)) } { (h.number) } }
                                td data-label=(l.t("获证组织", "Holder")) { (h.holder) }
                                td data-label=(l.t("统一社会信用代码", "Credit code")) { (h.uscc) }
                                td data-label=(l.t("发证机构", "Issuer")) { (h.issuer) }
                                td data-label=(l.t("发证日期", "Issued")) { (h.issued) }
                                td data-label=(l.t("状态", "Status")) { (status_pill(l, h.status)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(
        &ctx.chrome(),
        l.t("证书查询", "Certificate look-up"),
        body,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQ {
    on: Option<String>,
    sig: Option<String>,
}

/// The signed part of what was pasted: a whole link, `…#signed`, or the signed part itself.
fn signed_part(s: &str) -> String {
    let s = s.trim();
    match s.rsplit_once('#') {
        Some((_, f)) => f.to_string(),
        None => s.to_string(),
    }
}

fn invalid_reason(v: &Verdict) -> Option<&str> {
    match v {
        Verdict::Invalid { reason, .. } => Some(reason),
        _ => None,
    }
}

fn verdict_card(l: Lang, c: &PublicCertificate, v: &Verdict) -> Markup {
    let (ok, words) = match v {
        Verdict::Valid { .. } => (true, l.t("签名有效：二维码中的信息由颁证机构签发，未被改动。", "Signature valid: the QR code's data was signed by the issuing body and is unchanged.")),
        Verdict::UnknownKey { .. } => (false, l.t("未知密钥：签名所用的密钥不在公布的密钥中，无法确认。", "Unknown key: the signing key is not among the published keys.")),
        Verdict::Invalid { .. } => (false, l.t("签名无效：二维码中的信息被改动过或不是颁证机构签发的。", "Signature invalid: the QR code's data was changed or not signed by the issuing body.")),
    };
    html! {
        div.flash.bad[!ok] role="status" id="signature" {
            b { (words) }
            @if let Some(reason) = invalid_reason(v) { " " span.muted { "（" (reason) "）" } }
        }
        @if let Some(p) = v.payload() {
            @let differs = p.holder != c.holder || p.uscc != c.uscc || p.grade != c.grade.clone().unwrap_or_default()
                || p.valid_until != c.valid_until || p.issued != c.issued || p.scope != cert_sign::scope_digest(&c.scope);
            details open[differs] {
                summary { (l.t("二维码中签名的内容", "What the QR code signs")) }
                dl.grid {
                    div { dt { (l.t("证书编号", "Number")) } dd { (p.number) } }
                    div { dt { (l.t("获证组织", "Holder")) } dd { (p.holder) } }
                    div { dt { (l.t("统一社会信用代码", "Credit code")) } dd { (p.uscc) } }
                    div { dt { (l.t("等级", "Grade")) } dd { (if p.grade.is_empty() { "—" } else { &p.grade }) } }
                    div { dt { (l.t("发证日期", "Issued")) } dd { (p.issued) } }
                    div { dt { (l.t("有效期至", "Valid until")) } dd { (p.valid_until) } }
                    div { dt { (l.t("认证范围摘要", "Scope digest")) } dd { code { (p.scope) } } }
                    div { dt { (l.t("密钥编号", "Key id")) } dd { code { (p.kid) } } }
                }
                @if differs && v.is_valid() {
                    p.notice { (l.t("签名的内容与证书的当前记录不同（证书已变更或换发），以本页显示的当前状态为准。", "The signed data differs from the certificate's current record (changed or reissued since); this page's current status is what counts.")) }
                }
            }
        }
    }
}

/// `/verify/{number}`: the certificate's public status page.
async fn show(
    State(st): State<App>,
    ctx: Ctx,
    Path(number): Path<String>,
    Query(q): Query<ShowQ>,
) -> Res {
    let l = ctx.lang;
    let on_text = q.on.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let on = on_text.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let Some(c) = uc::public(&st, &number, on).await? else {
        let body = html! {
            p { (l.t("没有编号为“", "No certificate numbered “")) (number) (l.t("”的证书。请核对编号，或按名称、信用代码查询：", "”. Check the number, or look it up by name or credit code:")) }
            (search_form(l, ""))
        };
        return Ok(view::page_with(
            StatusCode::NOT_FOUND,
            &ctx.chrome(),
            l.t("证书状态", "Certificate status"),
            body,
        ));
    };
    let sig = q.sig.as_deref().map(signed_part).filter(|s| !s.is_empty());
    let verdict = match &sig {
        Some(s) => Some(uc::check_signature(&st, &c, s).await?),
        None => None,
    };
    let path = format!("/verify/{}", cert_sign::path_encode(&c.number));
    let body = html! {
        p { a href="/verify" { "← " (l.t("证书查询", "Certificate look-up")) } }
        @if let Some(v) = &verdict { (verdict_card(l, &c, v)) }
        div.card {
            p.status-line {
                (l.t("证书状态：", "Status: ")) (status_pill(l, c.status))
                @if let Some(n) = &c.superseded_by {
                    " " (l.t("已由证书 ", "replaced by ")) a href={ "/verify/" (cert_sign::path_encode(n)) } { (n) } (l.t(" 替代", ""))
                }
            }
            p.muted { (l.t("截至 ", "As of ")) (c.today) }
            dl.grid {
                div { dt { (l.t("证书编号", "Number")) } dd { b { (c.number) } } }
                div { dt { (l.t("获证组织", "Holder")) } dd { (c.holder) } }
                div { dt { (l.t("统一社会信用代码", "Credit code")) } dd { (c.uscc) } }
                div { dt { (l.t("认证范围", "Scope")) } dd { (c.scope) } }
                div { dt { (l.t("认证依据", "Standard")) } dd { (c.standard) " " span.muted { "(" (c.scheme) " " (c.edition) ")" } } }
                div { dt { (l.t("等级", "Grade")) } dd { (c.grade.as_deref().unwrap_or("—")) } }
                div { dt { (l.t("有效期", "Valid")) } dd { (c.valid_from) " — " (c.valid_until) } }
                div { dt { (l.t("发证日期", "Issued")) } dd { (c.issued) } }
                div { dt { (l.t("首次发证", "First issued")) } dd { (c.original) } }
                div { dt { (l.t("发证机构", "Issuer")) } dd { (c.issuer) } }
            }
        }
        h2 { (l.t("某日是否有效？", "Valid on a date?")) }
        form.inline method="get" action=(path) {
            label for="f-on" { (l.t("日期", "Date")) }
            input id="f-on" type="date" name="on" value=(on_text.unwrap_or("")) required;
            button { (l.t("查询", "Check")) }
        }
        @if on_text.is_some() && on.is_none() {
            p.flash.bad role="alert" { (l.t("日期格式应为 YYYY-MM-DD。", "Dates are written YYYY-MM-DD.")) }
        }
        @if let Some((d, s)) = c.on {
            p.flash.bad[s != Status::Valid] role="status" id="on-date" {
                (d) (l.t("：", ": "))
                @if s == Status::Valid { b { (l.t("有效", "valid")) } } @else { b { (l.t("无效", "not valid")) } " (" (l.t(s.zh(), s.en())) ")" }
            }
        }
        h2 { (l.t("证书历史", "History")) }
        ul.history {
            @for h in &c.history {
                li {
                    (h.date) " " (l.t(h.zh(), h.en()))
                    @if let Some(n) = &h.number { " " (n) }
                    @if let Some(ch) = &h.change { span.muted { "（" (ch) "）" } }
                }
            }
        }
        h2 { (l.t("验证二维码签名", "Check the QR code's signature")) }
        p.muted { (l.t("扫描证书二维码打开本页时会自动验证签名；也可以粘贴二维码中的链接。", "Opening this page from the certificate's QR code checks its signature; you can also paste the QR code's link.")) }
        form.stack method="get" action=(path) id="sig-form" {
            label for="f-sig" { (l.t("二维码链接", "QR code link")) }
            input id="f-sig" type="text" name="sig" value=(sig.as_deref().unwrap_or("")) autocomplete="off";
            button { (l.t("验证", "Verify")) }
        }
        p.muted { (l.t("公钥：", "Public keys: ")) a href="/.well-known/tianping-keys.json" { "/.well-known/tianping-keys.json" } }
        script src=(crate::html::verify_js_href()) defer {}
    };
    Ok(view::page(
        &ctx.chrome(),
        l.t("证书状态", "Certificate status"),
        body,
    ))
}
