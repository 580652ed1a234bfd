//! The enterprise applies for a star rating (000 §6.1) at `/stars/apply`: the body and the
//! mode — online self-evaluation, or with the body's on-site audit. The first application
//! opens the enterprise's case with that body; a later one is appended to it.

use tianping_app::star_cases;
use tianping_app::Refusal;
use tianping_case::stars::Mode;

use super::cases::refusals_under;
use super::star_forms::{bad, modes, Fields};
use super::*;
use crate::view::{csrf, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/stars/apply", get(apply_page).post(apply_post))
}

/// The enterprise's entry to apply: the body and the mode.
async fn apply_page(State(st): State<App>, ctx: Ctx) -> Res {
    apply_view(&st, &ctx, &Fields::new(), &[], &[]).await
}

async fn apply_view(
    st: &App,
    ctx: &Ctx,
    v: &Fields,
    errors: &[FieldError],
    refusals: &[Refusal],
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    if u.role != Role::Enterprise || u.enterprise_id.is_none() {
        return Err(Error::forbidden(
            "只有企业用户可以申请星级评价",
            "Only an enterprise's users may apply for a star rating",
        )
        .into());
    }
    let mut bodies = vec![(String::new(), l.t("（请选择）", "(choose)").to_string())];
    bodies.extend(
        admin::orgs(st, Some(OrgKind::Body))
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.name)),
    );
    let e = errs_map(l, errors);
    let g = |k: &str| e.get(k).map(String::as_str);
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        (refusals_under(l, l.t("不符合星级评价规则，未作记录：", "Refused by the star rating rules; nothing was recorded:"), refusals))
        div.card {
            p.muted {
                (l.t("申请日期为今天（", "Dated today (")) (st.today())
                (l.t("）。首次申请只能获得一星级；一星级经线上自评可升至二或三星级；四、五星级须已为三星级，并经线上自评和现场实地审查（T11/AII 001-2020 第6章）。", "). A first award is at most one star; online self-evaluation lifts to two or three; four and five need three stars already, an online and an on-site result (§6)."))
            }
            form method="post" action="/stars/apply" {
                (csrf(&ctx.csrf))
                (form_errors(&e, &["org_id", "mode"]))
                (select(l.t("评价机构", "Evaluation body"), "org_id", &bodies, v.get("org_id").map_or("", String::as_str), g("org_id")))
                (select(l.t("评价方式", "Mode"), "mode", &modes(l), v.get("mode").map_or("online", String::as_str), g("mode")))
                p { button { (l.t("申请星级评价", "Apply for a star rating")) } }
            }
        }
    };
    let status = if errors.is_empty() && refusals.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(crate::view::page_with(
        status,
        &ctx.chrome(),
        l.t("申请星级评价", "Apply for a star rating"),
        body,
    ))
}

async fn apply_post(State(st): State<App>, ctx: Ctx, Form(f): Form<Vec<(String, String)>>) -> Res {
    let u = ctx.user()?;
    let fields: Fields = f.into_iter().collect();
    ctx.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let org = fields
        .get("org_id")
        .and_then(|s| s.trim().parse::<i64>().ok());
    let mode = match fields.get("mode").map(String::as_str) {
        Some("online") => Some(Mode::Online),
        Some("onsite") => Some(Mode::Onsite),
        _ => None,
    };
    let result = match (org, mode) {
        (Some(o), Some(m)) => star_cases::apply(&st, u, o, m).await,
        (o, m) => {
            let mut errs = Vec::new();
            if o.is_none() {
                bad(
                    &mut errs,
                    "org_id",
                    "请选择一家评价机构",
                    "Choose an evaluation body",
                );
            }
            if m.is_none() {
                bad(
                    &mut errs,
                    "mode",
                    "请选择评价方式：线上自评或线上自评并现场实地审查",
                    "Choose the mode",
                );
            }
            Err(tianping_app::Error::Invalid(errs))
        }
    };
    match result {
        Ok(id) => Ok(redirect(&format!("/cases/{id}"))),
        Err(tianping_app::Error::Invalid(e)) => apply_view(&st, &ctx, &fields, &e, &[]).await,
        Err(tianping_app::Error::Refused(r)) => apply_view(&st, &ctx, &fields, &[], &r).await,
        Err(e) => Err(e.into()),
    }
}
