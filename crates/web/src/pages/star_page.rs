//! One star-rating case (seed 000 §6, §8, I-19), the stars branch of `/cases/{id}`: the stars
//! held (★ and words), the single-dimension stars, the supervision due date, what is due on the
//! date shown, the applications with their results (and the per-stage report of an on-site
//! result), awards, supervisions, lowerings and blacklist entries, the event timeline, and the
//! forms of the events this person may enter (`star_forms`).

use chrono::NaiveDate;
use tianping_app::domain::words;
use tianping_app::star_cases::{self, StarView};
use tianping_case::stars::events::star_word;
use tianping_case::stars::state::Closed;
use tianping_case::stars::EventKind;
use tianping_case::{CaseKind, Due};

use super::case_page::due_cells;
use super::cases::{type_words, violations_table};
use super::star_forms::{forms, FormShown};
use super::*;
use crate::view::page_with;

/// What the page shows besides the case: the event just recorded, a form refused.
#[derive(Default)]
pub(super) struct Shown {
    pub done: Option<i64>,
    pub bad_date: bool,
    pub form: Option<FormShown>,
}

/// Stars as symbols: ★★★☆☆.
pub(super) fn symbols(n: u8) -> String {
    let n = n.min(5);
    format!("{}{}", words::star_marks(n), "☆".repeat(usize::from(5 - n)))
}

/// Stars as symbols and words: “★★★☆☆ 三星级” (English: “3 stars”).
pub(super) fn stars_words(l: Lang, n: u8) -> Markup {
    html! {
        span.marks aria-hidden="true" { (symbols(n)) } " "
        span.words { (words::stars(l, n)) }
    }
}

/// An event in a few words: the app's Chinese summary, or English.
fn event_words(l: Lang, k: &EventKind) -> String {
    if l == Lang::Zh {
        return star_cases::summary(k);
    }
    let why = |r: &Option<String>| r.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    match k {
        EventKind::StarApplied { mode } => format!("applied ({})", mode.as_str()),
        EventKind::StarResult { mode, stars, .. } => {
            format!(
                "{} result supports {}",
                mode.as_str(),
                words::stars(l, stars.get())
            )
        }
        EventKind::StarAwarded { stars, .. } => format!("awarded {}", words::stars(l, stars.get())),
        EventKind::SupervisionCompleted {
            stars, spot_check, ..
        } => format!(
            "{} supports {}",
            if *spot_check {
                "spot check"
            } else {
                "supervision"
            },
            words::stars(l, stars.get())
        ),
        EventKind::StarLowered { stars, reason, .. } => {
            format!("lowered to {}{}", words::stars(l, stars.get()), why(reason))
        }
        EventKind::Blacklisted { reason, .. } => format!("blacklisted: {reason}"),
        EventKind::BlacklistLifted { reason, .. } => {
            format!("taken off the blacklist{}", why(reason))
        }
    }
}

/// The page as of a date (default today); 422 when a form was refused.
pub(super) async fn render(
    st: &App,
    ctx: &Ctx,
    id: i64,
    as_of: Option<NaiveDate>,
    shown: Shown,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let v = star_cases::view(st, u, id, as_of).await?;
    let today = st.today();
    let ids: Vec<i64> = v.events.iter().filter_map(|e| e.entered_by).collect();
    let names = admin::user_names(st, &ids).await?;
    let o = &v.outcome;
    let failed = shown.form.is_some();
    let body = html! {
        p { a href="/cases" { "← " (l.t("案卷", "Cases")) } }
        @if let Some(seq) = shown.done {
            @if let Some(e) = v.events.iter().find(|e| e.seq == seq) {
                div.flash role="status" {
                    (l.t("已记录：", "Recorded: ")) (type_words(l, CaseKind::Stars, e.event.kind.type_name()))
                    " · " (event_words(l, &e.event.kind))
                }
            }
        }
        @if shown.bad_date {
            div.flash.bad role="alert" { (l.t("日期格式应为 YYYY-MM-DD；显示的是今天的状态。", "Dates are written YYYY-MM-DD; showing today.")) }
        }
        (header_card(l, &v, today))
        h2 { (l.t("待办事项", "Due")) " · " (v.as_of) }
        @if o.due.is_empty() {
            p.muted { (l.t("没有到期或待决定的事项。", "Nothing due.")) }
        } @else {
            (due_table(l, &o.due))
        }
        @if !o.violations.is_empty() {
            h2 { (l.t("违反星级评价规则的记录", "Violations of the rules")) }
            (violations_table(l, &o.violations))
        }
        @for w in &o.warnings { p.notice { (w) } }
        (forms(st, ctx, &v, shown.form.as_ref()).await?)
        (applications(l, &v))
        (history(l, &v, &names))
        (timeline(l, &v, &names))
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!(
        "{} · {}",
        v.case.enterprise_name,
        l.t("星级评价", "star rating")
    );
    Ok(page_with(status, &ctx.chrome(), &title, body))
}

fn header_card(l: Lang, v: &StarView, today: NaiveDate) -> Markup {
    let c = &v.case;
    let s = &v.outcome.stars;
    let case = &v.outcome.case;
    html! {
        div.card {
            div.grid {
                div { div.muted { (l.t("企业", "Enterprise")) } a href={ "/enterprises/" (c.enterprise_id) } { (c.enterprise_name) } }
                div { div.muted { (l.t("评价机构", "Evaluation body")) } (c.org_name) }
                div { div.muted { (l.t("状态", "State")) } b { (l.t(v.outcome.state.name_zh(), v.outcome.state.as_str())) } }
                div {
                    div.muted { (l.t("综合星级", "Comprehensive stars")) }
                    b { (stars_words(l, s.current)) }
                    @if let Some(d) = s.since { br; span.muted { (l.t("自 ", "since ")) (d) } }
                }
                div {
                    div.muted { (l.t("年度监督审查期限", "Yearly supervision due")) }
                    (case.supervision_due().map_or("—".to_string(), |d| d.to_string()))
                }
            }
            @if let Some(b) = case.blacklisted() {
                p.flash.bad { (l.t("列入黑名单（", "Blacklisted (")) (b.date) (l.t("）：", "): ")) (b.reason) }
            }
            @if let Some(d) = &s.dimension_stars {
                h3 { (l.t("单项星级", "Single-dimension stars")) }
                div.tablewrap {
                    table {
                        tr { th { (l.t("维度", "Dimension")) } th { (l.t("星级", "Stars")) } }
                        @for (name, n) in d { tr { td { (name) } td { (stars_words(l, *n)) } } }
                    }
                }
            }
            form.inline method="get" action={ "/cases/" (c.id) } {
                label for="f-as_of" { (l.t("查看日期", "As of")) }
                input #f-as_of type="date" name="as_of" value=(v.as_of);
                button.secondary { (l.t("查看", "Show")) }
                @if v.as_of != today {
                    a href={ "/cases/" (c.id) } { (l.t("回到今天", "Back to today")) }
                }
            }
            @if v.as_of != today {
                p.notice {
                    (l.t("显示的是 ", "Showing the state on ")) (v.as_of)
                    (l.t(" 的状态和待办（今天是 ", " (today is ")) (today) (l.t("）；此后的事件未计入。", "); later events are not applied."))
                }
            }
        }
    }
}

fn due_table(l: Lang, due: &[Due]) -> Markup {
    html! {
        div.tablewrap {
            table {
                tr {
                    th { (l.t("事项", "What")) } th { (l.t("期限", "Due")) }
                    th { (l.t("条款", "Clause")) } th { (l.t("说明", "Details")) }
                }
                @for d in due { tr.bad[d.overdue] { (due_cells(l, d)) } }
            }
        }
    }
}

fn closed_words(l: Lang, c: Option<(NaiveDate, Closed)>) -> String {
    match c {
        None => l.t("待决定", "open").to_string(),
        Some((d, Closed::Awarded)) => format!("{d} {}", l.t("已授予", "awarded")),
        Some((d, Closed::Replaced)) => format!("{d} {}", l.t("被新的申请取代", "replaced")),
        Some((d, Closed::Blacklisted)) => format!(
            "{d} {}",
            l.t("因列入黑名单终止", "ended by the blacklisting")
        ),
    }
}

/// The applications with their results; the linked assessments (with their per-stage report
/// when on site).
fn applications(l: Lang, v: &StarView) -> Markup {
    let apps = &v.outcome.case.applications;
    html! {
        h2 { (l.t("申请与评价结果", "Applications and results")) }
        @if apps.is_empty() {
            p.muted { (l.t("尚无申请。", "No application yet.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { (l.t("申请", "Application")) }
                        th { (l.t("评价结果", "Results")) }
                        th { (l.t("结论", "Outcome")) }
                    }
                    @for a in apps.iter().rev() {
                        tr {
                            td { (a.date) br; span.muted { (l.t(a.mode.name_zh(), a.mode.as_str())) } }
                            td {
                                @if a.results.is_empty() { span.muted { "—" } }
                                @for r in &a.results {
                                    (r.date) " " (l.t(r.mode.name_zh(), r.mode.as_str())) "：" (stars_words(l, r.stars))
                                    @if let Some(d) = &r.dimension_stars {
                                        br; span.muted {
                                            @for (name, n) in d { (name) " " (symbols(*n)) "　" }
                                        }
                                    }
                                    br;
                                }
                            }
                            td { (closed_words(l, a.closed)) }
                        }
                    }
                }
            }
        }
        @if !v.results.is_empty() {
            p {
                (l.t("关联的评价：", "Linked assessments: "))
                @for (name, a) in &v.results {
                    a href={ "/assessments/" (a) "/result" } { (name) " → " (l.t("评价 ", "assessment ")) (a) }
                    " (" a href={ "/assessments/" (a) "/stages" } { (l.t("专项能力分阶段报告", "per-stage report")) } ") "
                }
            }
        }
    }
}

fn who(names: &BTreeMap<i64, String>, by: &str) -> String {
    by.parse::<i64>()
        .ok()
        .and_then(|id| names.get(&id).cloned())
        .unwrap_or_else(|| by.to_string())
}

/// Awards, supervisions, lowerings and blacklist entries.
fn history(l: Lang, v: &StarView, names: &BTreeMap<i64, String>) -> Markup {
    let c = &v.outcome.case;
    html! {
        @if !c.awards.is_empty() {
            h2 { (l.t("授予星级", "Awards")) }
            ul {
                @for a in c.awards.iter().rev() {
                    li { (a.date) " " (stars_words(l, a.stars)) " · " (l.t("决定人 ", "by ")) (who(names, &a.by)) }
                }
            }
        }
        @if !c.supervisions.is_empty() {
            h2 { (l.t("监督审查", "Supervisions")) }
            ul { @for s in c.supervisions.iter().rev() { li { (s.words()) } } }
        }
        @if !c.lowerings.is_empty() {
            h2 { (l.t("降低星级", "Lowerings")) }
            ul {
                @for x in c.lowerings.iter().rev() {
                    li {
                        (x.date) " " (star_word(x.from)) " → " (star_word(x.to)) " · " (who(names, &x.by))
                        @if let Some(r) = &x.reason { "：" (r) }
                    }
                }
            }
        }
        @if !c.blacklist.is_empty() {
            h2 { (l.t("黑名单", "Blacklist")) }
            ul {
                @for b in c.blacklist.iter().rev() {
                    li {
                        (b.date) " " (l.t("列入黑名单：", "blacklisted: ")) (b.reason) " · " (who(names, &b.by))
                        @if let Some((d, by)) = &b.lifted {
                            br; (d) " " (l.t("移出黑名单", "lifted")) " · " (who(names, by))
                        }
                    }
                }
            }
        }
    }
}

fn timeline(l: Lang, v: &StarView, names: &BTreeMap<i64, String>) -> Markup {
    html! {
        h2 { (l.t("事件记录", "Events")) }
        @if v.events.is_empty() {
            p.muted { (l.t("尚无事件。", "No events yet.")) }
        } @else {
            div.tablewrap {
                table {
                    tr {
                        th { "#" } th { (l.t("日期", "Date")) } th { (l.t("事件", "Event")) }
                        th { (l.t("内容", "Details")) } th.hide-sm { (l.t("录入", "Entered")) }
                    }
                    @for e in &v.events {
                        tr {
                            td { (e.seq + 1) }
                            td { (e.event.date) }
                            td { (type_words(l, CaseKind::Stars, e.event.kind.type_name())) }
                            td { (event_words(l, &e.event.kind)) }
                            td.hide-sm {
                                span.muted {
                                    (e.entered_by.and_then(|x| names.get(&x)).map_or("—", String::as_str))
                                    br; (when(&e.entered_at))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
