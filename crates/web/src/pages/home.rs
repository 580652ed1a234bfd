//! The home page: what the signed-in person has, or what Tianping is.

use super::*;

pub(super) async fn home(State(st): State<App>, ctx: Ctx) -> Res {
    let l = ctx.lang;
    let Some(u) = &ctx.user else {
        let body = format!(
            r#"<div class="card"><p>{}</p><p><a class="button" href="/login">{}</a> <a href="/signup">{}</a></p></div>"#,
            l.t(
                "天平是按中国团体标准开展企业评价与认证的平台：企业在线自评、上传证据，评价机构现场评价、指派专家，结果附有每个数字的来由。",
                "Tianping runs enterprise evaluations under Chinese group standards: online self-evaluation with evidence, on-site evaluation by bodies and experts, and results that explain every figure."
            ),
            l.t("登录", "Sign in"),
            l.t("企业注册", "Register an enterprise")
        );
        return Ok(page(
            &ctx.chrome(),
            l.t("天平 · 企业评价", "Tianping · enterprise evaluation"),
            &body,
        ));
    };
    let (ents, ne) = enterprises::list(&st, u, 5, 0).await?;
    let (asses, na) = assessments::list(&st, u, None, 8, 0).await?;
    let mut body = String::new();
    let org = match u.org_id {
        Some(o) => admin::org(&st, o)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let _ = write!(
        body,
        r#"<div class="grid"><div class="card"><div class="muted">{}</div><div>{} · {}</div><div class="muted">{}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div></div></div>"#,
        l.t("当前账号", "Signed in as"),
        esc(&u.name),
        role_label(l, u.role.as_str()),
        esc(&org),
        l.t("可见企业", "Enterprises"),
        ne,
        l.t("可见评价", "Assessments"),
        na
    );
    if u.role == Role::Enterprise {
        if let Some(e) = u.enterprise_id {
            let _ = write!(
                body,
                r#"<p><a class="button" href="/assessments/new?enterprise={}">{}</a> <a href="/enterprises/{}">{}</a></p>"#,
                e,
                l.t("新建自评", "New self-assessment"),
                e,
                l.t("企业信息", "Enterprise record")
            );
        }
    }
    body.push_str(&format!(
        "<h2>{}</h2>",
        l.t("最近的评价", "Recent assessments")
    ));
    body.push_str(&assessment_table(l, &st, &asses).await?);
    if !ents.is_empty() && u.role != Role::Enterprise {
        body.push_str(&format!("<h2>{}</h2>", l.t("企业", "Enterprises")));
        body.push_str(&enterprise_table(l, &ents));
    }
    Ok(page(&ctx.chrome(), l.t("工作台", "Dashboard"), &body))
}
