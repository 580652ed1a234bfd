//! Assessments: the list, the new-assessment form, an assessment's items by table, submit.

use maud::{html, Markup};
use tianping_app::domain::words;
use tianping_core::engine::Leaf;
use tianping_core::{Indicator, Plan, Scheme};

use super::*;
use crate::view::{csrf, err, field, page, page_with, pager, select};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/assessments", get(assessments).post(assessment_create))
        .route("/assessments/new", get(assessment_new))
        .route("/assessments/:id", get(assessment_page))
        .route("/assessments/:id/submit", post(submit))
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

fn mode_text(l: Lang, m: Mode) -> &'static str {
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

/// An assessment: what it is, its result (or the expert's notice), submit, the tables the
/// person sees, and the current table's items with the answer forms they may use.
pub(super) async fn assessment_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<PageQ>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access) = assessments::get(&st, u, id).await?;
    let plan = assessments::plan(&st, &a)?;
    let scheme = plan.scheme;
    let ent = assessments::enterprise_of(&st, &a).await?;
    let rows = assessments::answers(&st, u, &a, &access).await?;
    let tables = visible_tables(&plan, &access);
    let current = q
        .table
        .as_deref()
        .filter(|t| tables.contains(t))
        .or_else(|| tables.first().copied())
        .unwrap_or_default();
    let reviewer = scheme.method == Method::Dimensions
        && tianping_app::review::is_reviewer(&st, u, &a).await?;
    let items = Items {
        l,
        token: &ctx.csrf,
        user: u,
        a: &a,
        access: &access,
        plan: &plan,
        answers: rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect(),
    };
    let body = html! {
        @if let Some(s) = &q.saved {
            div.flash { (l.t("已保存：", "Saved:")) " " (s) }
        }
        (summary_line(l, &a, ent.as_ref(), scheme, &access))
        (result_or_notice(l, &a, scheme, &access))
        @if access == Access::Edit && a.status == AssessmentStatus::Draft {
            (submit_form(l, &ctx.csrf, a.id))
        }
        (table_tabs(a.id, scheme, &tables, current))
        @if let Some(t) = scheme.table(current) {
            h2 { (t.key) " " (t.title) }
        }
        @if reviewer {
            (review::table_form(l, &ctx.csrf, a.id, current, review::awaiting_in(&plan, &rows, current)))
        }
        (items.of_table(current))
    };
    Ok(page(&ctx.chrome(), &a.title, body))
}

/// Enterprise, scheme, variant (by name), mode, status, and the links to the result and the
/// history (not for experts, who see neither: I-13).
fn summary_line(
    l: Lang,
    a: &repo::Assessment,
    ent: Option<&repo::Enterprise>,
    scheme: &Scheme,
    access: &Access,
) -> Markup {
    html! {
        p.muted {
            (ent.map_or("", |e| e.name.as_str())) " · "
            (scheme.standard) " " (scheme.name)
            @if let Some(v) = &a.variant { " " (variant_name(Some(scheme), v)) }
            " · "
            (mode_text(l, a.mode)) " · "
            (status_pill(l, a.status))
            @if access.sees_result() {
                " "
                a href={ "/assessments/" (a.id) "/result" } { (l.t("结果与解释", "Result and explanation")) }
                " · "
                a href={ "/assessments/" (a.id) "/history" } { (l.t("修改记录", "History")) }
            }
        }
    }
}

/// The live result, or for an expert the notice that only their items are shown.
fn result_or_notice(l: Lang, a: &repo::Assessment, scheme: &Scheme, access: &Access) -> Markup {
    html! {
        @if access.sees_result() {
            (result_panel(l, a, scheme, false))
        } @else {
            p.flash {
                (l.t("你是本评价的评价专家：只显示指派给你的指标。",
                    "You are an expert on this assessment: only the items assigned to you are shown."))
            }
        }
    }
}

fn submit_form(l: Lang, token: &str, assessment: i64) -> Markup {
    html! {
        form method="post" action={ "/assessments/" (assessment) "/submit" } {
            (csrf(token))
            button.secondary { (l.t("提交并锁定", "Submit and lock")) }
            " "
            span.muted { (l.t("提交后不能再修改答案。", "Answers cannot be changed after submission.")) }
        }
    }
}

/// The plan's tables that hold an item the person sees, in plan order.
fn visible_tables<'p>(plan: &'p Plan, access: &Access) -> Vec<&'p str> {
    let mut t: Vec<&str> = Vec::new();
    for lf in &plan.leaves {
        if access.sees_item(&lf.ind.id) && !t.contains(&lf.ind.table.as_str()) {
            t.push(&lf.ind.table);
        }
    }
    t
}

/// A table's short name: its dimension or stage, else its title.
fn table_name(scheme: &Scheme, key: &str) -> String {
    scheme
        .table(key)
        .map(|x| {
            x.dimension
                .clone()
                .or(x.stage.clone())
                .unwrap_or_else(|| x.title.clone())
        })
        .unwrap_or_default()
}

/// Links to the other tables (when there are several); the current one marked.
fn table_tabs(assessment: i64, scheme: &Scheme, tables: &[&str], current: &str) -> Markup {
    html! {
        @if tables.len() > 1 {
            p.inline {
                @for t in tables {
                    @if *t == current {
                        b.pill.ok { (t) " " (table_name(scheme, t)) }
                    } @else {
                        a.pill href={ "/assessments/" (assessment) "?table=" (url_enc(t)) } {
                            (t) " " (table_name(scheme, t))
                        }
                    }
                }
            }
        }
    }
}

/// The groups above an item (its path without its own name).
fn group_of(i: &Indicator) -> &[String] {
    &i.path[..i.path.len().saturating_sub(1)]
}

/// How an item's answer is shown in the list.
enum AnswerCell {
    /// A number field (points or a percentage), with the answer source under the star rules.
    Number,
    /// A level 0–5.
    Level,
    /// The answer as text: no form (read only, expert, or answered on the item page).
    Shown,
}

/// The items of an assessment as one person sees them.
struct Items<'a> {
    l: Lang,
    token: &'a str,
    user: &'a User,
    a: &'a repo::Assessment,
    access: &'a Access,
    plan: &'a Plan<'static>,
    answers: BTreeMap<&'a str, &'a repo::AnswerRow>,
}

impl Items<'_> {
    /// The items of `table`, under a heading each time the group changes.
    fn of_table(&self, table: &str) -> Markup {
        let leaves: Vec<&Leaf> = self
            .plan
            .leaves
            .iter()
            .filter(|lf| lf.ind.table == table && self.access.sees_item(&lf.ind.id))
            .collect();
        html! {
            @for (n, lf) in leaves.iter().enumerate() {
                @let group = group_of(lf.ind);
                @let before: &[String] = if n == 0 { &[] } else { group_of(leaves[n - 1].ind) };
                @if group != before {
                    h3.path { (group.join(" › ")) }
                }
                (self.item(lf))
            }
        }
    }

    fn item(&self, lf: &Leaf) -> Markup {
        let (l, i) = (self.l, lf.ind);
        let hint = kind_hint(l, self.plan.kind, lf.answer_max);
        html! {
            div.ind id={ "ind-" (i.id) } {
                div {
                    a href={ "/assessments/" (self.a.id) "/items/" (url_enc(&i.id)) } {
                        b {
                            @if let Some(s) = &i.serial { (s) ". " }
                            (i.path.last().map_or("", String::as_str))
                        }
                    }
                    " "
                    span.muted { (i.category.map_or("", |c| c.as_str())) " " (hint) }
                }
                (self.answer(lf, &hint))
            }
        }
    }

    fn cell(&self, lf: &Leaf) -> AnswerCell {
        let i = lf.ind;
        let may = self.a.status == AssessmentStatus::Draft
            && !matches!(self.access, Access::Read | Access::Expert(_))
            && self.access.answer(i.category).is_ok();
        if !may {
            AnswerCell::Shown
        } else if self.plan.kind == AnswerKind::Level {
            AnswerCell::Level
        } else if !i.likert && !i.expert_panel {
            AnswerCell::Number
        } else {
            AnswerCell::Shown
        }
    }

    fn answer(&self, lf: &Leaf, hint: &str) -> Markup {
        let l = self.l;
        let row = self.answers.get(lf.ind.id.as_str());
        let current = row
            .and_then(|r| r.value_json.as_deref())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_default();
        let action = format!(
            "/assessments/{}/items/{}/answer",
            self.a.id,
            url_enc(&lf.ind.id)
        );
        match self.cell(lf) {
            AnswerCell::Number => {
                let source = row.and_then(|r| r.source).map_or("", |s| s.as_str());
                html! {
                    form.inline method="post" action=(action) {
                        (csrf(self.token))
                        input type="hidden" name="back" value="list";
                        input type="number" step="any" name="value" value=(current) aria-label=(hint);
                        @if self.plan.scheme.method == Method::Dimensions {
                            // item.rs still renders the source select as an escaped HTML
                            // string; taken as it is until it returns Markup.
                            (source_choice(l, self.user, self.access, source))
                        }
                        button { (l.t("保存", "Save")) }
                    }
                }
            }
            AnswerCell::Level => {
                let levels: Vec<(String, String)> = std::iter::once((String::new(), "—".into()))
                    .chain((0..=5).map(|n| (n.to_string(), words::level(l, n))))
                    .collect();
                html! {
                    form.inline method="post" action=(action) {
                        (csrf(self.token))
                        input type="hidden" name="back" value="list";
                        (select(l.t("等级", "Level"), "value", &levels, &current, None))
                        button { (l.t("保存", "Save")) }
                    }
                }
            }
            AnswerCell::Shown => html! {
                div {
                    (l.t("答案", "Answer")) ": "
                    b {
                        @match row.and_then(|r| r.value_json.as_deref()).and_then(|v| serde_json::from_str::<Value>(v).ok()) {
                            Some(v) => { (shown_answer(l, self.plan.kind, lf.ind, &v)) }
                            None => { "—" }
                        }
                    }
                }
            },
        }
    }
}

pub(super) async fn submit(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Form(f): Form<CsrfForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    assessments::submit(&st, u, id).await?;
    Ok(redirect(&format!("/assessments/{}/result", id)))
}
