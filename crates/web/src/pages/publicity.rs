//! The public page of a capability result under publicity (seed 004 6.4, 6.5), without
//! sign-in: `/public/publicity/{case_id}` shows the enterprise, its credit code, the body,
//! the preliminary score and the grade it suggests, the publicity's period and media and how
//! many objections were received; while the publicity is open (the end day included, China
//! time) it carries the objection form. No person is shown. The form posts to
//! `/public/publicity/{case_id}/objections` and comes back to the page with the objection's
//! number, or re-shows what was typed with each error beside its field.

use std::net::{IpAddr, Ipv4Addr};

use tianping_app::capability_objections::{self as uc, ObjectionInput, PublicPublicity};
use tianping_app::domain::capability_case::{CONTACT_MAX, NAME_MAX, TEXT_MAX};
use tianping_app::domain::words::fig;

use super::*;
use crate::auth::ClientIp;
use crate::view::{csrf, field, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/public/publicity/:id", get(show))
        .route("/public/publicity/:id/objections", post(raise))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQ {
    received: Option<String>,
}

fn title(l: Lang) -> &'static str {
    l.t(
        "企业能力评价结果公示",
        "Capability evaluation result under publicity",
    )
}

fn render(
    ctx: &Ctx,
    p: &PublicPublicity,
    received: Option<&str>,
    typed: &ObjectionInput,
    errs: &BTreeMap<String, String>,
    status: StatusCode,
) -> Response {
    let l = ctx.lang;
    let Some(n) = p.view.publicity.as_ref() else {
        return page_with(StatusCode::NOT_FOUND, &ctx.chrome(), title(l), html! {});
    };
    let body = html! {
        @if let Some(id) = received {
            div.flash role="status" {
                (l.t("已收到您的异议（编号 ", "Your objection was received (number "))
                (id)
                (l.t("）。评价机构将组成新的专家组调查核实，并作出处理（6.5）。", "). The body will form a new panel to investigate and rule on it (6.5)."))
            }
        }
        div.card {
            p { (l.t("企业：", "Enterprise: ")) b { (p.enterprise) } }
            p { (l.t("统一社会信用代码：", "Credit code: ")) (p.uscc) }
            p { (l.t("评价机构：", "Evaluation body: ")) (p.body) }
            p { (l.t("初评得分：", "Preliminary score: ")) b { (fig(n.score)) } (l.t(" 分（满分100）", " of 100")) }
            p { (l.t("建议等级：", "Grade suggested: ")) b { (n.grade.map_or(l.t("不予评级（低于60分）", "none (below 60)"), |g| g.code())) } }
            p { (l.t("公示期：", "Publicity: ")) (n.start) (l.t(" 至 ", " to ")) (n.end) (l.t("（含，15个工作日）", " (inclusive, 15 working days)")) }
            @if let Some(m) = &n.media {
                p { (l.t("公示媒体：", "Published in: ")) (m) }
            }
            p { (l.t("已收到异议：", "Objections received: ")) (n.objections) (l.t(" 条，已处理 ", ", ruled ")) (n.ruled) (l.t(" 条", "")) }
        }
        @if p.open {
            h2 { (l.t("提出异议", "Raise an objection")) }
            p.muted { (l.t("对初评结果有异议的，可在公示期内提出。您的姓名和联系方式只提供给评价机构，不会公开。",
                "Anyone may object to the preliminary result during the publicity. Your name and contact go to the evaluation body only and are never published.")) }
            (super::form_errors(errs, &["name", "contact", "text"]))
            form.stack method="post" action={ "/public/publicity/" (p.case_id) "/objections" } {
                (csrf(&ctx.csrf))
                (field(l.t("姓名或单位名称", "Name or organisation"), "name", "text", &typed.name, errs.get("name").map(String::as_str), &[("required", ""), ("maxlength", &NAME_MAX.to_string())]))
                (field(l.t("联系方式（电话或电子邮箱）", "Contact (phone or e-mail)"), "contact", "text", &typed.contact, errs.get("contact").map(String::as_str), &[("required", ""), ("maxlength", &CONTACT_MAX.to_string())]))
                label for="f-text" { (l.t("异议内容及理由", "Objection and reasons")) }
                textarea #f-text name="text" rows="6" maxlength=(TEXT_MAX) required
                    class=[errs.get("text").map(|_| "invalid")] { (typed.text) }
                (view::err(errs.get("text").map(String::as_str)))
                p { button.submit { (l.t("提交异议", "Submit the objection")) } }
            }
        } @else {
            p.muted { (l.t("公示期已结束，不再接受异议。", "The publicity has ended; objections are no longer accepted.")) }
        }
    };
    page_with(status, &ctx.chrome(), title(l), body)
}

async fn show(State(st): State<App>, ctx: Ctx, Path(id): Path<i64>, Query(q): Query<ShowQ>) -> Res {
    let p = uc::publicity(&st, id).await?;
    let received = q
        .received
        .filter(|r| r.starts_with("O-") && r[2..].chars().all(|c| c.is_ascii_digit()));
    Ok(render(
        &ctx,
        &p,
        received.as_deref(),
        &ObjectionInput::default(),
        &BTreeMap::new(),
        StatusCode::OK,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectionForm {
    csrf: String,
    name: String,
    contact: String,
    text: String,
}

async fn raise(
    State(st): State<App>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<ObjectionForm>,
) -> Res {
    ctx.check_csrf(&f.csrf)?;
    let l = ctx.lang;
    let typed = ObjectionInput {
        name: f.name,
        contact: f.contact,
        text: f.text,
    };
    let source = ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match uc::raise_objection(&st, id, typed.clone(), source).await {
        Ok(n) => Ok(Redirect::to(&format!("/public/publicity/{id}?received={n}")).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Refused(_) | Error::Throttled(_))) => {
            let p = uc::publicity(&st, id).await?;
            let errs = match &e {
                Error::Invalid(v) => errs_map(l, v),
                Error::Refused(r) => {
                    let mut m = BTreeMap::new();
                    m.insert(
                        String::new(),
                        r.iter()
                            .map(|x| x.message.text(l).to_string())
                            .collect::<Vec<_>>()
                            .join(l.t("；", "; ")),
                    );
                    m
                }
                Error::Throttled(m) => {
                    let mut x = BTreeMap::new();
                    x.insert(String::new(), m.text(l).to_string());
                    x
                }
                _ => BTreeMap::new(),
            };
            let status = if matches!(e, Error::Throttled(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut p = p;
            // a refused objection keeps the form even when the page would close it
            p.open = true;
            Ok(render(&ctx, &p, None, &typed, &errs, status))
        }
        Err(e) => Err(e.into()),
    }
}
