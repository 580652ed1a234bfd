//! The enterprise applies for certification (8.1.1): the body, the scope, the effective
//! headcount, the day the system started operating and the sites; a new case whose first
//! event is the application, dated today, after which the enterprise uploads the documents of
//! 8.1.1 a)–i) on the case page (`case_files`). The same inputs enter a supplement or updated
//! application on a case.

use tianping_app::cases;
use tianping_app::Refusal;
use tianping_case::certification::events::Site;
use tianping_case::certification::state::Application;
use tianping_case::certification::{Event, EventKind};

use super::case_forms::Fields;
use super::case_parse::Parse;
use super::cases::refusals_box;
use super::*;
use crate::view::{csrf, err, field, page_with, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/cases/apply", get(apply_page).post(apply_post))
}

/// Site rows on the form (more when an application already has more sites).
const SITE_ROWS: usize = 5;

/// The fields of a stored application, to start a supplement from.
pub(super) fn application_fields(a: &Application) -> Fields {
    let mut f = Fields::new();
    f.insert("scope".into(), a.scope.clone());
    f.insert("headcount".into(), a.headcount.to_string());
    if let Some(d) = a.system_start {
        f.insert("system_start".into(), d.to_string());
    }
    for (i, s) in a.sites.iter().enumerate() {
        f.insert(format!("site_name_{i}"), s.name.clone());
        f.insert(format!("site_headcount_{i}"), s.headcount.to_string());
        if s.central {
            f.insert(format!("site_central_{i}"), "1".into());
        }
        if s.temporary {
            f.insert(format!("site_temporary_{i}"), "1".into());
        }
        if let Some(a) = &s.activity {
            f.insert(format!("site_activity_{i}"), a.clone());
        }
    }
    f
}

/// How many site rows the form shows: at least [`SITE_ROWS`], one empty beyond those typed.
fn site_rows(v: &Fields) -> usize {
    let used = (0..50)
        .rev()
        .find(|i| v.contains_key(&format!("site_name_{i}")))
        .map_or(0, |i| i + 2);
    used.max(SITE_ROWS)
}

/// The application's inputs: scope, headcount, system start and the site rows.
pub(super) fn application_inputs(l: Lang, v: &Fields, e: &BTreeMap<String, String>) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    html! {
        (field(l.t("申请认证的范围", "Scope applied for"), "scope", "text", &val("scope"), g("scope"), &[("required", ""), ("maxlength", "2000")]))
        (field(l.t("有效人数", "Effective headcount"), "headcount", "number", &val("headcount"), g("headcount"), &[("required", ""), ("min", "0")]))
        (field(l.t("体系开始运行的日期（现场审核前至少运行3个月）", "The day the system started operating (at least 3 months before the on-site audit)"),
            "system_start", "date", &val("system_start"), g("system_start"), &[]))
        fieldset {
            legend { (l.t("场所（名称、人数；中心办公室、临时场所请勾选）", "Sites (name, headcount; tick the central office and temporary sites)")) }
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("名称", "Name")) } th { (l.t("人数", "Headcount")) }
                        th { (l.t("中心办公室", "Central")) } th { (l.t("临时场所", "Temporary")) }
                        th.hide-sm { (l.t("活动（可不填）", "Activity (optional)")) }
                    }
                    @for i in 0..site_rows(v) {
                        tr {
                            td {
                                label.visually-hidden for={ "f-site_name_" (i) } { (l.t("场所名称", "Site name")) " " (i + 1) }
                                input id={ "f-site_name_" (i) } type="text" name={ "site_name_" (i) } value=(val(&format!("site_name_{i}"))) maxlength="200";
                                (err(g(&format!("site_name_{i}"))))
                            }
                            td {
                                label.visually-hidden for={ "f-site_headcount_" (i) } { (l.t("人数", "Headcount")) }
                                input id={ "f-site_headcount_" (i) } type="number" min="0" name={ "site_headcount_" (i) } value=(val(&format!("site_headcount_{i}")));
                                (err(g(&format!("site_headcount_{i}"))))
                            }
                            td { input type="checkbox" name={ "site_central_" (i) } value="1" aria-label=(l.t("中心办公室", "Central office")) checked[!val(&format!("site_central_{i}")).is_empty()]; }
                            td { input type="checkbox" name={ "site_temporary_" (i) } value="1" aria-label=(l.t("临时场所", "Temporary site")) checked[!val(&format!("site_temporary_{i}")).is_empty()]; }
                            td.hide-sm {
                                input type="text" name={ "site_activity_" (i) } value=(val(&format!("site_activity_{i}"))) maxlength="200" aria-label=(l.t("活动", "Activity"));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The application an enterprise's form describes, or the errors of its fields.
pub(super) fn parse_application(v: &Fields) -> Result<EventKind, Vec<FieldError>> {
    let mut p = Parse::new(v);
    let scope = p.req("scope", ("申请认证的范围", "the scope"));
    let headcount = p.count("headcount", ("有效人数", "The effective headcount"));
    let system_start = p.opt_date("system_start");
    let mut sites = Vec::new();
    for i in 0..site_rows(v) {
        let name = p.opt(&format!("site_name_{i}"));
        let count = p.opt(&format!("site_headcount_{i}"));
        let Some(name) = name else {
            if count.is_some() {
                p.req(&format!("site_name_{i}"), ("场所名称", "the site's name"));
            }
            continue;
        };
        let headcount = p.count(
            &format!("site_headcount_{i}"),
            ("场所人数", "The site's headcount"),
        );
        sites.push(Site {
            name,
            headcount,
            central: p.flag(&format!("site_central_{i}")),
            temporary: p.flag(&format!("site_temporary_{i}")),
            activity: p.opt(&format!("site_activity_{i}")),
        });
    }
    if !p.errs.is_empty() {
        return Err(p.errs);
    }
    Ok(EventKind::ApplicationReceived {
        headcount,
        scope,
        sites,
        system_start,
    })
}

async fn apply_page(State(st): State<App>, ctx: Ctx) -> Res {
    apply_view(&st, &ctx, &Fields::new(), &[], &[]).await
}

/// The application form with what was typed, the errors by field and the rules' refusals.
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
            "只有企业用户可以提出认证申请",
            "Only an enterprise's users may apply",
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
    let today = cases::today(st);
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        (refusals_box(l, refusals))
        div.card {
            p.muted {
                (l.t("申请日期为今天（", "The application is dated today (")) (today)
                (l.t("）。认证机构评审申请后，可能要求补充材料。", "). The body reviews it and may ask for supplements."))
            }
            p.muted {
                (l.t("提交后，请在案卷页面的“材料”部分上传 8.1.1 a)–i) 的文件：营业执照、认证申请及信息调查表、企业简介及组织机构图、业务活动描述、体系成文信息、未列入严重违法失信名单的截图，以及适用时的场所法律地位证明、资质证明和其他管理体系证书。",
                    "After applying, upload the documents of 8.1.1 a)–i) in the case's Documents section: the business licence, the application form, the profile and organisation chart, the business activities, the system's documented information, the credit-list screenshot, and where they apply the sites' legal status, permits and other certificates."))
            }
            form method="post" action="/cases/apply" {
                (csrf(&ctx.csrf))
                (form_errors(&e, &v.keys().map(String::as_str).chain(["org"]).collect::<Vec<_>>()))
                (select(l.t("认证机构", "Certification body"), "org", &bodies, v.get("org").map_or("", String::as_str), g("org")))
                (application_inputs(l, v, &e))
                p { button { (l.t("提交认证申请", "Apply")) } }
            }
        }
        (super::capability_forms::apply_form(l, &ctx.csrf, &bodies))
    };
    let status = if errors.is_empty() && refusals.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with(
        status,
        &ctx.chrome(),
        l.t("申请认证", "Apply for certification"),
        body,
    ))
}

async fn apply_post(State(st): State<App>, ctx: Ctx, Form(f): Form<Vec<(String, String)>>) -> Res {
    let u = ctx.user()?;
    let v: Fields = f.into_iter().collect();
    ctx.check_csrf(v.get("csrf").map_or("", String::as_str))?;
    let org = v.get("org").and_then(|s| s.trim().parse::<i64>().ok());
    let mut errors = Vec::new();
    if org.is_none() {
        errors.push(FieldError::new(
            "org",
            "请选择认证机构",
            "Choose a certification body",
        ));
    }
    let kind = parse_application(&v).map_err(|e| errors.extend(e)).ok();
    let (Some(org), Some(kind), true) = (org, kind, errors.is_empty()) else {
        return apply_view(&st, &ctx, &v, &errors, &[]).await;
    };
    let event = Event {
        date: cases::today(&st),
        kind,
    };
    match cases::apply(&st, u, org, event).await {
        // the documents of 8.1.1 a)–i) are uploaded next, in the case's documents section
        Ok(id) => Ok(redirect(&format!("/cases/{id}?done=0#materials"))),
        Err(Error::Invalid(e)) => apply_view(&st, &ctx, &v, &e, &[]).await,
        Err(Error::Refused(r)) => apply_view(&st, &ctx, &v, &[], &r).await,
        Err(Error::NotFound) => {
            let e = FieldError::new("org", "请选择认证机构", "Choose a certification body");
            apply_view(&st, &ctx, &v, &[e], &[]).await
        }
        Err(e) => Err(e.into()),
    }
}
