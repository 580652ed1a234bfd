//! The home page: what the signed-in person has, or what Tianping is.

use super::*;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/", get(home))
}

pub(super) async fn home(State(st): State<App>, ctx: Ctx) -> Res {
    let l = ctx.lang;
    let Some(u) = &ctx.user else {
        let body = html! {
            div.card {
                p {
                    (l.t(
                        "天平是按中国团体标准开展企业评价与认证的平台：企业在线自评、上传证据，评价机构现场评价、指派专家，结果附有每个数字的来由。",
                        "Tianping runs enterprise evaluations under Chinese group standards: online self-evaluation with evidence, on-site evaluation by bodies and experts, and results that explain every figure.",
                    ))
                }
                p {
                    a.button href="/login" { (l.t("登录", "Sign in")) } " "
                    a href="/signup" { (l.t("企业注册", "Register an enterprise")) }
                }
                p {
                    a href="/public" { (l.t("公示公告", "Public notices")) }
                    " · "
                    span.muted {
                        (l.t(
                            "评价结果公示与公告、企业能力等级名录、星级企业名录、黑名单，无需登录。",
                            "Publicities and announcements, the register of grades, the star register and the blacklist; no sign-in needed.",
                        ))
                    }
                }
            }
        };
        return Ok(view::page(
            &ctx.chrome(),
            l.t("天平 · 企业评价", "Tianping · enterprise evaluation"),
            body,
        ));
    };
    let (ents, ne) = enterprises::list(&st, u, 5, 0).await?;
    let (asses, na) = assessments::list(&st, u, None, 8, 0).await?;
    let org = match u.org_id {
        Some(o) => admin::org(&st, o).await?.map(|o| o.name),
        None => None,
    };
    let body = html! {
        div.grid {
            div.card {
                div.muted { (l.t("当前账号", "Signed in as")) }
                div { (u.name) " · " (role_label(l, u.role.as_str())) }
                div.muted { (org.unwrap_or_default()) }
            }
            div.card { div.muted { (l.t("可见企业", "Enterprises")) } div.big { (ne) } }
            div.card { div.muted { (l.t("可见评价", "Assessments")) } div.big { (na) } }
        }
        @if let (Role::Enterprise, Some(e)) = (u.role, u.enterprise_id) {
            p {
                a.button href={ "/assessments/new?enterprise=" (e) } { (l.t("新建自评", "New self-assessment")) } " "
                a href={ "/enterprises/" (e) } { (l.t("企业信息", "Enterprise record")) }
            }
        }
        @if let Some(o) = u.org_id.filter(|o| u.principal().sees_clients_of(*o)) {
            p { a href={ "/orgs/" (o) "/clients" } { (l.t("客户结果分布与常见差距", "Clients' results and common gaps")) } }
        }
        h2 { (l.t("最近的评价", "Recent assessments")) }
        (assessment_list(l, &st, &asses))
        @if !ents.is_empty() && u.role != Role::Enterprise {
            h2 { (l.t("企业", "Enterprises")) }
            (enterprise_list(l, &ents))
        }
    };
    Ok(view::page(&ctx.chrome(), l.t("工作台", "Dashboard"), body))
}
