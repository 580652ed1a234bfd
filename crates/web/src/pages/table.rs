//! An assessment's page: what it is, its result, and its items table by table. Each table is
//! one form with one save button that saves only the fields that changed (each row carries
//! its stored value as a hidden field), all or none; errors are shown beside their rows with
//! what was typed kept. Answered counts per table and overall, the "只看未填" filter and
//! search by number or name are query parameters (`unanswered=1`, `q=`), and so is the page
//! of rows (`page=`, [`PAGE_ROWS`] a page). Rows whose name
//! another row of the table shares show their path and content. Without JavaScript all of
//! this works; `/static/table.js` flags unsaved changes and saves in the background (the
//! same endpoint, answering JSON).

use std::collections::BTreeSet;

use maud::{html, Markup};
use tianping_app::domain::listing::{self, Count, Filter};
use tianping_app::domain::words;
use tianping_app::domain::Source;
use tianping_app::kept::Kept;
use tianping_app::submission;
use tianping_core::engine::Leaf;
use tianping_core::{Indicator, Plan, Scheme};

use super::nav::{content_start, filter_query, group_of, item_label, item_link, visible};
use super::*;
use crate::html::table_js_href;
use crate::view::{csrf, page_with};

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/assessments/:id", get(assessment_page))
}

/// The query of an assessment's page.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct TableQ {
    pub(super) table: String,
    /// Search by number or name.
    pub(super) q: String,
    /// `1`: only unanswered items.
    pub(super) unanswered: String,
    /// How many answers the table form just saved.
    pub(super) saved: String,
    /// `1`: the submission was just withdrawn.
    pub(super) withdrawn: String,
    /// How many changed rows were kept beside a protected answer (I-20).
    pub(super) kept: String,
    /// How many self-declared answers of the table a reviewer just verified.
    pub(super) verified: String,
    /// The page of the rows shown (from 1), when there are more than [`PAGE_ROWS`].
    pub(super) page: String,
}

/// Most rows on one page of a table or a search: the shipped standards' tables have up to 111
/// items, a generated 5,900-item scheme tables of 700 (one form of 700 rows is slow to send,
/// to render and to fill in).
pub(super) const PAGE_ROWS: usize = 100;

/// The page asked for, within 1..=pages.
fn page_of(q: &TableQ, pages: usize) -> usize {
    q.page
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, pages.max(1))
}

impl TableQ {
    pub(super) fn filter(&self) -> Filter<'_> {
        Filter {
            q: self.q.trim(),
            unanswered: self.unanswered == "1",
        }
    }
}

/// What a refused table form shows again: per item, what was typed (value, stored value,
/// source, stored source), and the messages by item (the empty key: the whole form).
#[derive(Default)]
pub(super) struct Typed {
    pub(super) rows: BTreeMap<String, [String; 4]>,
    pub(super) errors: BTreeMap<String, String>,
    pub(super) status: StatusCode,
}

pub(super) async fn assessment_page(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Query(q): Query<TableQ>,
) -> Res {
    assessment_view(&st, &ctx, id, &q, &Typed::default()).await
}

/// An assessment: summary, result, submission, the tables with their counts, the filter,
/// and the rows shown as one form.
pub(super) async fn assessment_view(
    st: &App,
    ctx: &Ctx,
    id: i64,
    q: &TableQ,
    typed: &Typed,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let (a, access, kept) = assessments::get_kept(st, u, id).await?;
    let plan = assessments::plan(st, &a)?;
    let scheme = plan.scheme;
    let ent = assessments::enterprise_of(st, &a).await?;
    // which items are answered, for the counts and the filter (one row, whatever the size of
    // the scheme); the answers themselves only of the rows shown and of the current table
    let answered_ids = assessments::answered_ids(st, u, &a, &access).await?;
    let answered = |i: &Indicator| answered_ids.contains(i.id.as_str());
    let leaves = visible(&plan, &access);
    let (counts, all) = listing::counts(leaves.iter().map(|lf| (lf.ind, answered(lf.ind))));
    let filter = q.filter();
    let current = counts
        .iter()
        .map(|(t, _)| *t)
        .find(|t| *t == q.table)
        .or_else(|| counts.first().map(|(t, _)| *t))
        .unwrap_or_default();
    // a search looks through every table; otherwise the current table
    let shown: Vec<&Leaf> = leaves
        .iter()
        .copied()
        .filter(|lf| !filter.q.is_empty() || lf.ind.table == current)
        .filter(|lf| filter.keeps(lf.ind, answered(lf.ind)))
        .collect();
    let matching = shown.len();
    let pages = matching.div_ceil(PAGE_ROWS).max(1);
    let page = page_of(q, pages);
    let shown: Vec<&Leaf> = shown
        .into_iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .collect();
    let reviewer =
        scheme.method == Method::Dimensions && tianping_app::review::is_reviewer(st, u, &a).await?;
    // the answers of the rows shown, and for a reviewer the self-declared ones of the current
    // table (the only answers that can await verification)
    let declared = if reviewer {
        assessments::self_declared_ids(st, &a).await?
    } else {
        Default::default()
    };
    let needed: BTreeSet<&str> = shown
        .iter()
        .chain(
            leaves
                .iter()
                .filter(|lf| lf.ind.table == current && declared.contains(lf.ind.id.as_str())),
        )
        .map(|lf| lf.ind.id.as_str())
        .collect();
    let needed: Vec<&str> = needed.into_iter().collect();
    let rows = assessments::answers_of(st, u, &a, &access, &needed).await?;
    let answers: BTreeMap<&str, &repo::AnswerRow> =
        rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    let rows_view = Rows {
        l,
        token: &ctx.csrf,
        user: u,
        a: &a,
        access: &access,
        plan: &plan,
        answers: &answers,
        filter,
        shared: listing::shared_names(leaves.iter().map(|lf| lf.ind)),
        typed,
    };
    let may_withdraw = match (&access, a.status) {
        (Access::Edit, AssessmentStatus::Submitted) => {
            Some(submission::may_withdraw(st, &a, &access).await)
        }
        _ => None,
    };
    let links = super::onsite::summary_links(st, l, &ctx.csrf, u, &a).await?;
    let points = super::points_feed::section(st, l, &ctx.csrf, u, &a).await?;
    let body = html! {
        @if let Ok(n) = q.saved.parse::<usize>() {
            div.flash role="status" {
                @if n == 0 { (l.t("没有修改，未保存任何答案。", "Nothing changed; no answer was saved.")) }
                @else { (l.t("已保存 ", "Saved ")) (n) (l.t(" 项答案。", " answers.")) }
            }
        }
        @if let Ok(n) = q.verified.parse::<usize>() {
            div.flash role="status" {
                @if n == 0 { (l.t("本表没有待核验的自报答案，未核验任何答案。", "No self-declared answer of this table awaited verification; none was verified.")) }
                @else { (l.t("已核验本表 ", "Verified ")) (n) (l.t(" 项自报答案。", " self-declared answers of this table.")) }
            }
        }
        @if let Some(k) = q.kept.parse::<usize>().ok().filter(|k| *k > 0) {
            div.flash role="status" {
                (k) (l.t(" 项答案已由平台、现场或核验确认，受保护：你的值没有覆盖它们，已作为异议提交给评价机构处理（见各指标页）。",
                    " answers are protected (platform, on-site or verified): your values did not replace them and went to the evaluation body as disputed proposals (see each item's page)."))
            }
        }
        @if q.withdrawn == "1" {
            div.flash role="status" {
                (l.t("已撤回提交：评价回到填写状态，可以继续修改。",
                    "The submission was withdrawn: the assessment is a draft again and can be changed."))
            }
        }
        (summary_line(l, &a, ent.as_ref(), scheme, all, &access))
        (links)
        (super::questionnaire::summary_link(st, l, u, &a))
        (points)
        (result_or_notice(l, kept.as_deref(), scheme, &access))
        (submission_bar(l, &ctx.csrf, &a, &access, may_withdraw))
        (table_tabs(l, a.id, scheme, &counts, current, &filter))
        (filter_form(l, a.id, current, &filter))
        @if filter.q.is_empty() {
            @if let Some(t) = scheme.table(current) {
                h2 { (t.key) " " (t.title) }
            }
            @if reviewer {
                (review::table_form(l, &ctx.csrf, a.id, current, review::awaiting_in(&plan, &rows, current)))
            }
        } @else {
            h2 { (l.t("搜索结果", "Search results")) "：" (filter.q) " · " (matching) (l.t(" 项", " items")) }
        }
        (pager(l, a.id, current, &filter, page, matching))
        (rows_view.form(current, &shown, page))
        (pager(l, a.id, current, &filter, page, matching))
    };
    Ok(page_with(typed.status, &ctx.chrome(), &a.title, body))
}

/// Enterprise, scheme, variant (by name), mode, status, answered overall, and the links to
/// the result and the history.
fn summary_line(
    l: Lang,
    a: &repo::Assessment,
    ent: Option<&repo::Enterprise>,
    scheme: &Scheme,
    all: Count,
    access: &Access,
) -> Markup {
    html! {
        p.muted {
            (ent.map_or("", |e| e.name.as_str())) " · "
            (scheme.standard) " " (scheme.name)
            @if let Some(v) = &a.variant { " " (variant_name(Some(scheme), v)) }
            " · "
            (mode_text(l, a.mode)) " · "
            (status_pill(l, a.status)) " · "
            span.count data-count="" { (all.answered) "/" (all.total) } (l.t(" 已填", " answered"))
            // experts see neither the result nor the history (I-13: independent scoring)
            @if access.sees_result() {
                " · "
                a href={ "/assessments/" (a.id) "/result" } { (l.t("结果与解释", "Result and explanation")) }
                " · "
                a href={ "/assessments/" (a.id) "/history" } { (l.t("修改记录", "History")) }
                " · "
                a href={ "/assessments/" (a.id) "/export.xlsx" } { (l.t("导出结果（Excel）", "Export the result (Excel)")) }
            }
        }
    }
}

/// The live result, or for an expert the notice that only their items are shown.
fn result_or_notice(l: Lang, kept: Option<&Kept>, scheme: &Scheme, access: &Access) -> Markup {
    html! {
        @if access.sees_result() {
            (result_panel(l, kept, scheme, false))
        } @else {
            p.flash {
                (l.t("你是本评价的评价专家：只显示指派给你的指标。",
                    "You are an expert on this assessment: only the items assigned to you are shown."))
            }
        }
    }
}

/// Submit (through the confirmation page), withdraw while allowed, and the bulk import for
/// those who may answer.
fn submission_bar(
    l: Lang,
    token: &str,
    a: &repo::Assessment,
    access: &Access,
    may_withdraw: Option<Result<(), Error>>,
) -> Markup {
    let draft = a.status == AssessmentStatus::Draft;
    let import = draft && matches!(access, Access::Edit | Access::Platform);
    html! {
        @if (*access == Access::Edit && draft) || import || may_withdraw.is_some() {
            p.inline.actions {
                @if *access == Access::Edit && draft {
                    a.button href={ "/assessments/" (a.id) "/submit" } { (l.t("提交…", "Submit…")) }
                    span.muted { (l.t("提交前会列出未填和未核验的指标，确认后才提交。",
                        "Before submitting you see the unanswered and unverified items, then confirm.")) }
                }
                @if import {
                    a href={ "/assessments/" (a.id) "/import" } { (l.t("批量导入（CSV / Excel）", "Import in bulk (CSV / Excel)")) }
                    " "
                    a href={ "/assessments/" (a.id) "/import/template.xlsx" } { (l.t("Excel 答题模板（含已填答案）", "Excel answer template (with the answers so far)")) }
                }
                @match may_withdraw {
                    Some(Ok(())) => {
                        form.inline-form method="post" action={ "/assessments/" (a.id) "/withdraw" } {
                            (csrf(token))
                            button.secondary { (l.t("撤回提交", "Withdraw the submission")) }
                        }
                        span.muted { (l.t("评价机构处理之前可以撤回，撤回后回到填写状态。",
                            "Until the evaluation body acts on it you can withdraw it; it becomes a draft again.")) }
                    }
                    Some(Err(e)) => { span.muted { (e.detail(l)) } }
                    None => {}
                }
            }
        }
    }
}

/// A table's short name: its dimension or stage, else its title.
pub(super) fn table_name(scheme: &Scheme, key: &str) -> String {
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

/// Links to the tables (when there are several) with their answered counts; the current one
/// marked. The unanswered filter is kept, a search is left.
fn table_tabs(
    l: Lang,
    id: i64,
    scheme: &Scheme,
    counts: &[(&str, Count)],
    current: &str,
    f: &Filter,
) -> Markup {
    let keep = Filter { q: "", ..*f };
    html! {
        @if counts.len() > 1 {
            nav.tabs aria-label=(l.t("评价表", "Tables")) {
                @for (t, c) in counts {
                    @let label = html! {
                        (t) " " (table_name(scheme, t)) " "
                        span.count data-count=(t) { (c.answered) "/" (c.total) }
                    };
                    @if *t == current && f.q.is_empty() {
                        b.pill.ok.tab aria-current="page" { (label) }
                    } @else {
                        a.pill.tab.done[c.done()] href={ "/assessments/" (id) "?table=" (url_enc(t)) (filter_query(&keep)) } { (label) }
                    }
                }
            }
        }
    }
}

/// Which rows of how many this page shows, with links to the others (nothing when they fit
/// on one page).
fn pager(l: Lang, id: i64, table: &str, f: &Filter, page: usize, matching: usize) -> Markup {
    let pages = matching.div_ceil(PAGE_ROWS).max(1);
    let from = (page - 1) * PAGE_ROWS + 1;
    let to = (page * PAGE_ROWS).min(matching);
    let link = |p: usize| {
        format!(
            "/assessments/{}?table={}{}&page={}",
            id,
            url_enc(table),
            filter_query(f),
            p
        )
    };
    html! {
        @if pages > 1 {
            nav.pager aria-label=(l.t("分页", "Pages")) {
                span.muted {
                    @match l {
                        Lang::Zh => { "第 " (from) "–" (to) " 项，共 " (matching) " 项" }
                        Lang::En => { "Items " (from) "–" (to) " of " (matching) }
                    }
                }
                " "
                @if page > 1 { a rel="prev" href=(link(page - 1)) { "← " (l.t("上一页", "Previous")) } " " }
                @for p in 1..=pages {
                    @if p == page { b aria-current="page" { (p) } } @else { a href=(link(p)) { (p) } }
                    " "
                }
                @if page < pages { a rel="next" href=(link(page + 1)) { (l.t("下一页", "Next")) " →" } }
            }
        }
    }
}

/// Search by number or name and "只看未填" (a GET form: works without JavaScript).
fn filter_form(l: Lang, id: i64, table: &str, f: &Filter) -> Markup {
    html! {
        form.inline.filter method="get" action={ "/assessments/" (id) } role="search" {
            input type="hidden" name="table" value=(table);
            input type="search" name="q" value=(f.q) aria-label=(l.t("按编号或名称搜索", "Search by number or name"))
                placeholder=(l.t("编号或名称", "number or name"));
            label {
                input type="checkbox" name="unanswered" value="1" checked[f.unanswered];
                " " (l.t("只看未填", "Unanswered only"))
            }
            button.secondary { (l.t("筛选", "Filter")) }
            @if f.active() {
                a href={ "/assessments/" (id) "?table=" (url_enc(table)) } { (l.t("清除筛选", "Clear")) }
            }
        }
    }
}

/// How an item's answer is given in the table.
enum Cell {
    /// A number (points or a percentage).
    Number,
    /// A level 0–5.
    Level,
    /// Shown as text: read only, an expert, or answered on the item page (questionnaire and
    /// expert-panel items).
    Shown,
}

/// The rows of a table as one person sees them.
struct Rows<'a> {
    l: Lang,
    token: &'a str,
    user: &'a User,
    a: &'a repo::Assessment,
    access: &'a Access,
    plan: &'a Plan<'static>,
    answers: &'a BTreeMap<&'a str, &'a repo::AnswerRow>,
    filter: Filter<'a>,
    shared: BTreeSet<&'a str>,
    typed: &'a Typed,
}

impl Rows<'_> {
    fn stars(&self) -> bool {
        self.plan.scheme.method == Method::Dimensions
    }

    fn cell(&self, i: &Indicator) -> Cell {
        let may = self.a.status == AssessmentStatus::Draft
            && !matches!(self.access, Access::Read | Access::Expert(_))
            && self.access.answer(i.category).is_ok();
        if !may {
            Cell::Shown
        } else if self.plan.kind == AnswerKind::Level {
            Cell::Level
        } else if !i.likert && !i.expert_panel {
            Cell::Number
        } else {
            Cell::Shown
        }
    }

    /// The form of the shown rows (a table without inputs when none can be answered here).
    fn form(&self, table: &str, shown: &[&Leaf], page: usize) -> Markup {
        let l = self.l;
        if shown.is_empty() {
            return html! {
                p.muted { (l.t("没有符合条件的指标。", "No item matches.")) }
            };
        }
        let editable = shown
            .iter()
            .any(|lf| !matches!(self.cell(lf.ind), Cell::Shown));
        let general = self.typed.errors.get("");
        let listed: Vec<(&Indicator, &String)> = shown
            .iter()
            .filter_map(|lf| self.typed.errors.get(&lf.ind.id).map(|e| (lf.ind, e)))
            .collect();
        let grid = html! {
            div.tablewrap {
                table.answers {
                    thead {
                        tr {
                            th scope="col" { (l.t("序号", "No.")) }
                            th scope="col" { (l.t("指标", "Item")) }
                            th scope="col" { (l.t("答案", "Answer")) }
                            @if self.stars() { th scope="col" { (l.t("来源", "Source")) } }
                            @if editable { th scope="col" { span.visually-hidden { (l.t("状态", "State")) } } }
                        }
                    }
                    tbody {
                        @for (n, lf) in shown.iter().enumerate() {
                            @let prev = n.checked_sub(1).map(|p| shown[p].ind);
                            @if prev.is_none_or(|p| p.table != lf.ind.table) && !self.filter.q.is_empty() {
                                tr.tablehead { th colspan=(self.columns(editable)) scope="colgroup" {
                                    (lf.ind.table) " " (table_name(self.plan.scheme, &lf.ind.table))
                                } }
                            }
                            @if prev.is_none_or(|p| group_of(p) != group_of(lf.ind)) && !group_of(lf.ind).is_empty() {
                                tr.group { th colspan=(self.columns(editable)) scope="colgroup" {
                                    span.path { (group_of(lf.ind).join(" › ")) }
                                } }
                            }
                            (self.row(lf, editable))
                        }
                    }
                }
            }
        };
        html! {
            @if general.is_some() || !listed.is_empty() {
                div.flash.bad role="alert" {
                    @if let Some(g) = general { p { (g) } }
                    @if !listed.is_empty() {
                        p { (l.t("以下指标未保存（本表的修改都没有保存）：", "These items were not saved (none of the table's changes were saved):")) }
                        ul {
                            @for (i, e) in &listed {
                                li { a href={ "#ind-" (i.id) } { (i.table) " " (item_label(i)) } "：" (e) }
                            }
                        }
                    }
                }
            }
            @if editable {
                form.answers method="post" action={ "/assessments/" (self.a.id) "/answers" }
                    data-unsaved=(l.t("有未保存的修改", "Unsaved changes"))
                    data-saving=(l.t("正在保存…", "Saving…"))
                    data-saved=(l.t("已保存", "Saved"))
                    data-failed=(l.t("未保存", "Not saved"))
                    data-offline=(l.t("保存失败：请检查网络后再点“保存”", "Saving failed: check the connection and press “Save” again")) {
                    (csrf(self.token))
                    input type="hidden" name="table" value=(table);
                    input type="hidden" name="q" value=(self.filter.q);
                    @if self.filter.unanswered { input type="hidden" name="unanswered" value="1"; }
                    @if page > 1 { input type="hidden" name="page" value=(page); }
                    (grid)
                    p.inline.savebar {
                        button { (l.t("保存本表", "Save this table")) }
                        span.save-status role="status" aria-live="polite" {}
                        span.muted { (l.t("只保存改动过的答案；有错误时本表都不保存。",
                            "Only changed answers are saved; if any has an error, none is saved.")) }
                    }
                }
                script src=(table_js_href()) defer {}
            } @else {
                (grid)
            }
        }
    }

    fn columns(&self, editable: bool) -> usize {
        3 + self.stars() as usize + editable as usize
    }

    fn row(&self, lf: &Leaf, editable: bool) -> Markup {
        let (l, i) = (self.l, lf.ind);
        let hint = kind_hint(l, self.plan.kind, lf.answer_max);
        let error = self.typed.errors.get(&i.id);
        let shared = self.shared.contains(i.id.as_str());
        html! {
            tr.row.invalid-row[error.is_some()] id={ "ind-" (i.id) } data-ind=(i.id) {
                td.serial { (i.serial.as_deref().unwrap_or(&i.id)) }
                td.item {
                    a href=(item_link(self.a.id, &i.id, &self.filter)) {
                        (i.path.last().map_or("", String::as_str))
                    }
                    @if shared {
                        div.path { (i.table) " " (l.t("序号", "No. ")) (i.serial.as_deref().unwrap_or(&i.id)) " · " (group_of(i).join(" › ")) }
                        div.muted.content { (content_start(i)) }
                    }
                    div.muted { (i.category.map_or("", |c| c.as_str())) " " (hint) }
                }
                (self.answer(lf, &hint, error))
                @if editable { td.state { span.rowstate aria-live="polite" {} } }
            }
        }
    }

    fn answer(&self, lf: &Leaf, hint: &str, error: Option<&String>) -> Markup {
        let (l, i) = (self.l, lf.ind);
        let row = self.answers.get(i.id.as_str());
        let stored = row
            .and_then(|r| r.value_json.as_deref())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
            .map(|v| shown_value(&v))
            .unwrap_or_default();
        let sources = sources(l, self.user, self.access);
        let stored_source = row
            .and_then(|r| r.source)
            .map(|s| s.as_str())
            .filter(|s| sources.iter().any(|(v, _)| v == s))
            .or(sources.first().map(|(v, _)| *v))
            .unwrap_or_default();
        // what was typed in a refused form, else the stored answer
        let (value, old, source, old_source) = match self.typed.rows.get(&i.id) {
            Some([v, o, s, os]) => (v.as_str(), o.as_str(), s.as_str(), os.as_str()),
            None => (
                stored.as_str(),
                stored.as_str(),
                stored_source,
                stored_source,
            ),
        };
        let label = format!("{} {}（{}）", i.table, item_label(i), hint);
        let cell = self.cell(i);
        html! {
            td.answer {
                @match cell {
                    Cell::Number => {
                        input type="text" inputmode="decimal" name={ "v:" (i.id) } value=(value)
                            aria-label=(label) class=[error.map(|_| "invalid")]
                            aria-invalid=[error.map(|_| "true")];
                        input type="hidden" name={ "o:" (i.id) } value=(old);
                    }
                    Cell::Level => {
                        select name={ "v:" (i.id) } aria-label=(label) class=[error.map(|_| "invalid")] {
                            option value="" selected[value.is_empty()] { "—" }
                            @for n in 0..=5 {
                                @let v = n.to_string();
                                option value=(v) selected[value == v] { (words::level(l, n)) }
                            }
                        }
                        input type="hidden" name={ "o:" (i.id) } value=(old);
                    }
                    Cell::Shown => {
                        b {
                            @match row.and_then(|r| r.value_json.as_deref()).and_then(|v| serde_json::from_str::<Value>(v).ok()) {
                                Some(v) => { (shown_answer(l, self.plan.kind, i, &v)) }
                                None => { "—" }
                            }
                        }
                        @if i.likert || i.expert_panel {
                            " " a.muted href=(item_link(self.a.id, &i.id, &self.filter)) { (l.t("在指标页作答", "answer on the item page")) }
                        }
                    }
                }
                @if let Some(e) = error { p.err role="alert" { (e) } }
            }
            @if self.stars() {
                td.source {
                    @if matches!(cell, Cell::Number) {
                        select name={ "s:" (i.id) } aria-label={ (l.t("来源", "Source")) " " (item_label(i)) } {
                            @for (v, t) in &sources {
                                option value=(v) selected[*v == source] { (t) }
                            }
                        }
                        input type="hidden" name={ "os:" (i.id) } value=(old_source);
                    } @else if let Some(s) = row.and_then(|r| r.source) {
                        span.muted { (s.label(l)) }
                    }
                    // a self-declared figure that a reviewer verified counts (I-6, I-20)
                    @if row.and_then(|r| r.source) == Some(Source::SelfDeclared)
                        && row.and_then(|r| r.value_json.as_deref())
                            .and_then(|v| serde_json::from_str::<Value>(v).ok())
                            .is_some_and(|v| v["verified"] == Value::Bool(true)) {
                        " " span.pill.ok data-testid="verified" { (l.t("已核验", "Verified")) }
                    }
                }
            }
        }
    }
}
