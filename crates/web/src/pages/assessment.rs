//! Assessments: the list and the new-assessment form (an assessment's own page:
//! [`super::table`]; submitting: [`super::submit`]).

use maud::{html, Markup};
use tianping_core::Scheme;

use super::*;
use crate::view::{csrf, err, field, page, page_with, pager, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments", get(assessments).post(assessment_create))
        .route("/assessments/new", get(assessment_new))
}

pub(super) fn status_pill(l: Lang, s: AssessmentStatus) -> Markup {
    html! {
        @if s == AssessmentStatus::Draft {
            span.pill.warn { (l.t("进行中", "in progress")) }
        } @else {
            span.pill.ok { (l.t("已提交", "submitted")) }
        }
    }
}

pub(super) fn mode_text(l: Lang, m: Mode) -> &'static str {
    match m {
        Mode::SelfEvaluation => l.t("企业自评", "self-assessment"),
        Mode::Onsite => l.t("现场评价", "on-site"),
    }
}

/// A table of assessments: title and mode, scheme and variant (by name), status, result.
pub(super) fn assessment_list(l: Lang, st: &App, asses: &[repo::Assessment]) -> Markup {
    html! {
        @if asses.is_empty() {
            p.muted { (l.t("暂无评价。", "No assessments yet.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("评价", "Assessment")) }
                        th.hide-sm { (l.t("方案", "Scheme")) }
                        th { (l.t("状态", "Status")) }
                        th { (l.t("结果", "Result")) }
                    }
                    @for a in asses { (assessment_row(l, st, a)) }
                }
            }
        }
    }
}

fn assessment_row(l: Lang, st: &App, a: &repo::Assessment) -> Markup {
    let scheme = st.catalog.get(&a.scheme);
    let standard = scheme.map_or(a.scheme.as_str(), |s| s.standard.as_str());
    html! {
        tr {
            td {
                a href={ "/assessments/" (a.id) } { (a.title) }
                div.muted { (mode_text(l, a.mode)) }
            }
            td.hide-sm {
                (standard)
                @if let Some(v) = &a.variant { " · " (variant_name(scheme, v)) }
            }
            td { (status_pill(l, a.status)) }
            td { (result_brief(l, scheme, a.score, a.grade.as_deref(), a.stars)) }
        }
    }
}

pub(super) async fn assessments(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let p = q.page.unwrap_or(1).max(1);
    let (asses, n) = assessments::list(&st, u, None, PER_PAGE, (p - 1) * PER_PAGE).await?;
    let body = html! {
        @if let (Some(e), Role::Enterprise) = (u.enterprise_id, u.role) {
            p {
                a.button href={ "/assessments/new?enterprise=" (e) } {
                    (l.t("新建自评", "New self-assessment"))
                }
            }
        }
        (assessment_list(l, &st, &asses))
        (pager(l, "/assessments", p, PER_PAGE, n))
        p { a href="/assessments.xlsx" { (l.t("导出全部（Excel）", "Export all (Excel)")) } }
    };
    Ok(page(&ctx.chrome(), l.t("评价", "Assessments"), body))
}

/// The fields of the new-assessment form, for the messages that belong to none of them.
const NEW_KEYS: &[&str] = &[
    "enterprise_id",
    "scheme",
    "variant",
    "title",
    "current_stars",
    "first_application",
];

/// The new-assessment page: step 1 chooses the enterprise and the scheme (GET, no
/// JavaScript), step 2 the rest. The TOML profile box is for an evaluation body's staff.
/// 200, or 422 when shown again with errors.
async fn new_form(st: &App, ctx: &Ctx, i: &AssessmentInput, e: &BTreeMap<String, String>) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (ents, _) = enterprises::list(st, u, 500, 0).await?;
    let profile = u.role.is_body_editor();
    let known = if profile {
        [NEW_KEYS, &["profile"]].concat()
    } else {
        NEW_KEYS.to_vec()
    };
    let body = html! {
        (form_errors(e, &known))
        (choose_form(st, l, &ents, i, e))
        @if let Some(s) = st.catalog.get(&i.scheme) {
            (create_form(l, &ctx.csrf, s, i, e, &preselected_variant(s, &ents, i), profile))
        }
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = l.t("新建评价", "New assessment");
    Ok(page_with(status, &ctx.chrome(), title, body))
}

/// Step 1: the enterprise and the scheme.
fn choose_form(
    st: &App,
    l: Lang,
    ents: &[repo::Enterprise],
    i: &AssessmentInput,
    e: &BTreeMap<String, String>,
) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let ent_opts: Vec<(String, String)> = ents
        .iter()
        .map(|x| (x.id.to_string(), x.name.clone()))
        .collect();
    let scheme_opts: Vec<(String, String)> = st
        .catalog
        .schemes
        .iter()
        .map(|s| (s.id.clone(), format!("{} {}", s.standard, s.name)))
        .collect();
    html! {
        div.card {
            form method="get" action="/assessments/new" {
                (select(l.t("企业", "Enterprise"), "enterprise", &ent_opts, &i.enterprise_id,
                    g("enterprise_id")))
                (select(l.t("评价方案", "Scheme"), "scheme", &scheme_opts, &i.scheme, g("scheme")))
                p { button.secondary { (l.t("选择", "Choose")) } }
            }
        }
    }
}

/// The variant typed, else the one the enterprise's record names for this scheme (its 000
/// type or 001 category).
fn preselected_variant(s: &Scheme, ents: &[repo::Enterprise], i: &AssessmentInput) -> String {
    if !i.variant.is_empty() {
        return i.variant.clone();
    }
    let Some(ent) = ents.iter().find(|x| x.id.to_string() == i.enterprise_id) else {
        return String::new();
    };
    let named = match s.method {
        Method::Dimensions => ent.enterprise_type.clone(),
        Method::WeightedLevels => ent.category.clone(),
        _ => None,
    };
    named.unwrap_or_default()
}

/// Step 2: the chosen scheme's variant (by name), title, the star rules' facts, and for
/// staff the profile box.
fn create_form(
    l: Lang,
    token: &str,
    s: &Scheme,
    i: &AssessmentInput,
    e: &BTreeMap<String, String>,
    variant: &str,
    profile: bool,
) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let variants: Vec<(String, String)> = s
        .variants
        .iter()
        .map(|v| (v.id.clone(), v.name.clone()))
        .collect();
    html! {
        div.card {
            h2 { (s.standard) " " (s.name) }
            form method="post" action="/assessments" {
                (csrf(token))
                input type="hidden" name="enterprise_id" value=(i.enterprise_id);
                input type="hidden" name="scheme" value=(s.id);
                @if !variants.is_empty() {
                    (select(l.t("类别", "Variant"), "variant", &variants, variant, g("variant")))
                }
                (field(l.t("标题（可空）", "Title (optional)"), "title", "text", &i.title,
                    g("title"), &[]))
                @if s.method == Method::Dimensions { (star_fields(l, i, e)) }
                @if profile { (profile_box(l, &i.profile, g("profile"))) }
                p { button { (l.t("创建评价", "Create assessment")) } }
            }
            p.muted {
                (l.t("Excel 答题模板（每张表一个工作表，可离线填写后在评价的“批量导入”中上传）：", "Excel answer template (a sheet per table, to fill in offline and upload on the assessment's import page): "))
                @if variants.is_empty() {
                    a href={ "/schemes/" (s.id) "/template.xlsx" } { (s.name) ".xlsx" }
                }
                @for (id, name) in &variants {
                    a href={ "/schemes/" (s.id) "/template.xlsx?variant=" (id) } { (name) } " "
                }
            }
        }
    }
}

/// T11/AII 000: the comprehensive stars held now and whether this is a first application.
fn star_fields(l: Lang, i: &AssessmentInput, e: &BTreeMap<String, String>) -> Markup {
    let g = |k: &str| e.get(k).map(String::as_str);
    let stars: Vec<(String, String)> = (0..=5)
        .map(|n| {
            let label = match n {
                0 => l.t("无", "none").to_string(),
                n => "★".repeat(n),
            };
            (n.to_string(), label)
        })
        .collect();
    let yes_no = [("true", l.t("是", "yes")), ("false", l.t("否", "no"))]
        .map(|(v, t)| (v.to_string(), t.to_string()));
    let or = |typed: &'_ str, default: &'static str| -> String {
        if typed.is_empty() { default } else { typed }.to_string()
    };
    html! {
        (select(l.t("现有综合星级", "Comprehensive stars held now"), "current_stars", &stars,
            &or(&i.current_stars, "0"), g("current_stars")))
        (select(l.t("首次申请", "First application"), "first_application", &yes_no,
            &or(&i.first_application, "true"), g("first_application")))
    }
}

/// The profile (TOML: selection and weights) as typed, with its error: an evaluation body's
/// "advanced" option, folded away unless it holds something.
fn profile_box(l: Lang, text: &str, error: Option<&str>) -> Markup {
    html! {
        details.advanced open[!text.trim().is_empty() || error.is_some()] {
            summary { (l.t("高级", "Advanced")) }
            label for="f-profile" {
                (l.t("评价方案配置（可空：选用指标与权重，TOML 格式）",
                    "Evaluation profile (optional: selected indicators and weights, in TOML)"))
            }
            textarea id="f-profile" name="profile" class=[error.map(|_| "invalid")]
                aria-invalid=[error.map(|_| "true")] { (text) }
            (err(error))
        }
    }
}

/// Only those who may create an assessment get the form: the others are refused (403).
pub(super) async fn assessment_new(State(st): State<App>, ctx: Ctx, Query(q): Query<PageQ>) -> Res {
    let u = ctx.user()?;
    u.principal().new_assessment().map_err(Error::from)?;
    let i = AssessmentInput {
        enterprise_id: q
            .enterprise
            .clone()
            .or_else(|| u.enterprise_id.map(|e| e.to_string()))
            .unwrap_or_default(),
        scheme: q.scheme.clone().unwrap_or_default(),
        ..Default::default()
    };
    new_form(&st, &ctx, &i, &BTreeMap::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AssessmentForm {
    pub(super) csrf: String,
    #[serde(flatten)]
    pub(super) input: AssessmentInput,
}

/// Who may create is decided before the form is read: a refusal is a 403 whatever was typed,
/// a 422 means invalid input.
pub(super) async fn assessment_create(
    State(st): State<App>,
    ctx: Ctx,
    Form(f): Form<AssessmentForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    u.principal().new_assessment().map_err(Error::from)?;
    match assessments::create(&st, u, &f.input).await {
        Ok(a) => Ok(redirect(&format!("/assessments/{}", a.id))),
        Err(Error::Invalid(e)) => new_form(&st, &ctx, &f.input, &errs_map(ctx.lang, &e)).await,
        Err(e) => Err(e.into()),
    }
}
