//! Finding one's way between items: the list's filter as carried by links (`q=`,
//! `unanswered=1`), items named as printed (serial, and for rows that share a name, the start
//! of their content), and an item page's previous and next items in table order.

use std::collections::BTreeSet;

use maud::{html, Markup};
use tianping_app::domain::listing::{self, Filter};
use tianping_core::engine::Leaf;
use tianping_core::{Indicator, Plan};

use super::*;

/// The search and filter of a page's address (`?q=…&unanswered=1`), as the item page reads
/// them from the list's links.
pub(super) fn filter_of(path_and_query: &str) -> (String, bool) {
    let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
    let mut out = (String::new(), false);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "q" => out.0 = v.trim().to_string(),
            "unanswered" => out.1 = v == "1",
            _ => {}
        }
    }
    out
}

/// The query string that keeps a filter (empty when none), starting with `&`.
pub(super) fn filter_query(f: &Filter) -> String {
    let mut s = String::new();
    if !f.q.is_empty() {
        s.push_str("&q=");
        s.push_str(&url_enc(f.q));
    }
    if f.unanswered {
        s.push_str("&unanswered=1");
    }
    s
}

/// An item's page, keeping the list's filter (for its previous and next links).
pub(super) fn item_link(id: i64, ind: &str, f: &Filter) -> String {
    let q = filter_query(f);
    match q.strip_prefix('&') {
        Some(q) => format!("{}?{}", item_url(id, ind), q),
        None => item_url(id, ind),
    }
}

/// Whether a stored answer row holds an answer.
pub(super) fn has_answer(r: &repo::AnswerRow) -> bool {
    r.value_json.as_deref().is_some_and(|v| v != "null")
}

/// The plan's leaves the person sees, in table order.
pub(super) fn visible<'p>(plan: &'p Plan<'static>, access: &Access) -> Vec<&'p Leaf<'static>> {
    plan.leaves
        .iter()
        .filter(|l| access.sees_item(&l.ind.id))
        .collect()
}

/// The groups above an item (its path without its own name).
pub(super) fn group_of(i: &Indicator) -> &[String] {
    &i.path[..i.path.len().saturating_sub(1)]
}

/// An item's name with its serial (`28. 资质信用情况`).
pub(super) fn item_label(i: &Indicator) -> String {
    let name = i.path.last().map_or("", String::as_str);
    match &i.serial {
        Some(s) => format!("{}. {}", s, name),
        None => format!("{} {}", i.id, name),
    }
}

/// The first words of an item's content (to tell rows with the same name apart).
pub(super) fn content_start(i: &Indicator) -> String {
    let c = i.content.as_deref().unwrap_or("");
    let mut s: String = c.chars().take(40).collect();
    if c.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// On an item's page: the previous and next items in table order (within the list's filter,
/// read from the page's address), and for an item whose name another item of its table
/// shares, what tells it apart.
pub(super) fn item_nav(
    l: Lang,
    id: i64,
    plan: &Plan<'static>,
    access: &Access,
    rows: &[repo::AnswerRow],
    current: &Indicator,
    path_and_query: &str,
) -> Markup {
    let (q, unanswered) = filter_of(path_and_query);
    let filter = Filter { q: &q, unanswered };
    let answered: BTreeSet<&str> = rows
        .iter()
        .filter(|r| has_answer(r))
        .map(|r| r.indicator_id.as_str())
        .collect();
    let leaves = visible(plan, access);
    let order: Vec<&Indicator> = leaves
        .iter()
        .map(|lf| lf.ind)
        .filter(|i| i.id == current.id || filter.keeps(i, answered.contains(i.id.as_str())))
        .collect();
    let (prev, next) = listing::neighbours(&order, &current.id);
    let same: Vec<&Indicator> = leaves
        .iter()
        .map(|lf| lf.ind)
        .filter(|i| i.table == current.table && i.path.last() == current.path.last())
        .collect();
    let link = |i: &Indicator| {
        html! {
            (i.table) " " (item_label(i))
            @if listing::shared_names(same.iter().copied()).contains(i.id.as_str()) {
                " — " (content_start(i))
            }
        }
    };
    html! {
        nav.prevnext aria-label=(l.t("上一项和下一项", "Previous and next item")) {
            @if let Some(p) = prev {
                a rel="prev" href=(item_link(id, &p.id, &filter)) { "← " (l.t("上一项", "Previous")) "：" (link(p)) }
            }
            @if let Some(n) = next {
                a rel="next" href=(item_link(id, &n.id, &filter)) { (l.t("下一项", "Next")) "：" (link(n)) " →" }
            }
            @if filter.active() {
                a href={ "/assessments/" (id) "?table=" (url_enc(&current.table)) (filter_query(&filter)) } {
                    (l.t("返回筛选后的列表", "Back to the filtered list"))
                }
            }
        }
        @if same.len() > 1 {
            p.muted.same-name {
                (l.t("本表有 ", "This table has ")) (same.len())
                (l.t(" 项同名指标“", " items named “")) (current.path.last().map_or("", String::as_str))
                (l.t("”；本项是 ", "”; this one is ")) (current.table) " "
                (l.t("序号 ", "No. ")) (current.serial.as_deref().unwrap_or(&current.id)) " · "
                (group_of(current).join(" › ")) " · " (content_start(current))
            }
        }
    }
}
