//! A body's expert pool for capability evaluations (004 7.2.2) on its people page: each
//! person's fields (文化, 产业, 认证审核, 标准化), set by the body admin; a person with a field is
//! in the pool and may sit on an evaluation panel.

use tianping_app::capability_objections as uc;
use tianping_app::domain::people::ExpertField;

use super::*;
use crate::view::csrf;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/people/:id/expert-fields", post(set_post))
}

/// The pool's section of `/admin/orgs/{id}/people`: everyone's fields, a form per person for
/// the body admin.
pub(super) async fn section(st: &App, ctx: &Ctx, org: i64) -> Result<Markup, Error> {
    let u = ctx.user()?;
    let l = ctx.lang;
    let Ok(fields) = uc::expert_fields(st, u, org).await else {
        return Ok(html! {});
    };
    let admin = u.role == Role::BodyAdmin && u.org_id == Some(org);
    let people = repo::users_of_org(&st.store, org).await?;
    Ok(html! {
        h2 { (l.t("专家库（企业能力评价，7.2.2）", "Expert pool (capability evaluation, 7.2.2)")) }
        div.tablewrap { table {
            tr { th { (l.t("姓名", "Name")) } th { (l.t("领域", "Fields")) } }
            @for p in people.iter().filter(|p| p.disabled == 0) {
                @let mine: Vec<ExpertField> = fields.iter().find(|(id, _)| *id == p.id).map(|(_, f)| f.clone()).unwrap_or_default();
                tr {
                    td { (p.name) }
                    td {
                        @if admin {
                            form.inline method="post" action={ "/people/" (p.id) "/expert-fields" } {
                                (csrf(&ctx.csrf))
                                @for f in ExpertField::ALL {
                                    label { input type="checkbox" name="field" value=(f.as_str()) checked[mine.contains(f)]; " " (f.label(l)) }
                                }
                                button.secondary { (l.t("保存", "Save")) }
                            }
                        } @else {
                            (mine.iter().map(|f| f.label(l)).collect::<Vec<_>>().join(l.t("、", ", ")))
                        }
                    }
                }
            }
        } }
    })
}

async fn set_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(t): Form<Vec<(String, String)>>,
) -> Res {
    ctx.check_csrf(t.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v))?;
    let u = ctx.user()?;
    let fields: Vec<ExpertField> = t
        .iter()
        .filter(|(k, _)| k == "field")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    uc::set_expert_fields(&st, u, id, &fields).await?;
    let org = u.org_id.unwrap_or_default();
    Ok(Redirect::to(&format!("/admin/orgs/{org}/people")).into_response())
}
