//! Insight (004 4.2, DESIGN I-23): an enterprise's results over time and a result among its
//! peers. The rules are `tianping-insight`'s; this reads the stored results, keeps what the
//! person may see and builds the typed views the pages, API and reports show.

use std::collections::HashMap;

use serde::Serialize;
use tianping_charts::Chart;
use tianping_core::engine::Evaluation;
use tianping_domain::Lang;
use tianping_insight::history::{self, Entry, ItemChange, Timeline};
use tianping_insight::peers::{self, Hidden, Histogram, Standing};
use tianping_store::insight as store;
use tianping_store::repo::{self, Assessment, User};

use crate::assessments::{self, ResultView};
use crate::{App, Error};

/// One result of the series with what the page links to.
#[derive(Debug, Clone, Serialize)]
pub struct Stop {
    pub assessment_id: i64,
    pub title: String,
    pub mode: String,
    pub date: String,
}

/// An enterprise's results of one scheme and variant over time.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub enterprise_id: i64,
    pub enterprise: String,
    pub scheme: String,
    pub scheme_name: String,
    pub variant: Option<String>,
    /// The variants the enterprise has results of (to choose from).
    pub variants: Vec<Option<String>>,
    pub stops: Vec<Stop>,
    pub timeline: Timeline,
    #[serde(skip)]
    pub chart: Option<Chart>,
    /// The two results compared (earlier, later) and their item changes.
    pub compared: Option<(i64, i64)>,
    pub changes: Vec<ItemChange>,
}

fn unknown_variant(scheme: &tianping_core::Scheme, v: &str) -> Error {
    if scheme.variants.is_empty() {
        return Error::invalid(
            "variant",
            format!("方案 {} 没有类别（variant），不接受 “{v}”", scheme.id),
            format!(
                "Scheme {} has no variants; “{v}” is not accepted",
                scheme.id
            ),
        );
    }
    let ids: Vec<&str> = scheme.variants.iter().map(|x| x.id.as_str()).collect();
    Error::invalid(
        "variant",
        format!(
            "方案 {} 没有类别 “{v}”，可选：{}",
            scheme.id,
            scheme.variant_list()
        ),
        format!(
            "Scheme {} has no variant “{v}”; one of: {}",
            scheme.id,
            ids.join(", ")
        ),
    )
}

fn date_of(a: &Assessment) -> String {
    a.result_at
        .as_deref()
        .map(|t| t.chars().take(10).collect())
        .unwrap_or_default()
}

/// The results over time of an enterprise the person sees (404 otherwise), of one scheme and
/// variant (the variant of the latest result when none is asked), oldest first; `pair`
/// chooses the two compared (default: the last two).
pub async fn history(
    app: &App,
    u: &User,
    enterprise_id: i64,
    scheme_id: &str,
    variant: Option<&str>,
    pair: Option<(i64, i64)>,
    l: Lang,
) -> Result<HistoryView, Error> {
    let p = u.principal();
    if !p.sees_totals() {
        return Err(Error::NotFound);
    }
    let scheme = app.scheme(scheme_id)?;
    let ent = crate::enterprises::get(app, u, enterprise_id).await?;
    let mut rows = store::history(&app.store, p.scope(), enterprise_id, scheme_id).await?;
    crate::rescore::fresh_all(app, &mut rows).await?;
    let mut variants: Vec<Option<String>> = Vec::new();
    for a in &rows {
        if !variants.contains(&a.variant) {
            variants.push(a.variant.clone());
        }
    }
    // a variant asked for by id, letter or name, as stored (the canonical id); one the
    // scheme does not have is refused, not answered with an empty series
    let variant: Option<String> = match variant.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Some(
            scheme
                .canonical_variant_id(v)
                .ok_or_else(|| unknown_variant(scheme, v))?
                .to_string(),
        ),
        None => rows.last().and_then(|a| a.variant.clone()),
    };
    let mut kept: Vec<(Assessment, ResultView)> = Vec::new();
    for a in rows.into_iter().filter(|a| a.variant == variant) {
        if let Some(v) = assessments::result_view(&a)? {
            kept.push((a, v));
        }
    }
    let dates: Vec<String> = kept.iter().map(|(a, _)| date_of(a)).collect();
    let entries: Vec<Entry<'_>> = kept
        .iter()
        .zip(&dates)
        .map(|((_, v), d)| Entry {
            label: d,
            evaluation: &v.evaluation,
        })
        .collect();
    let timeline = history::timeline(&entries);
    let chart = tianping_charts::trend(
        &timeline
            .points
            .iter()
            .map(|p| tianping_charts::Point {
                label: p.label.clone(),
                total: p.total,
                parts: p.parts.clone(),
            })
            .collect::<Vec<_>>(),
        timeline.points.last().map_or(100.0, |p| p.scale),
        l,
    );
    let find = |id: i64| kept.iter().position(|(a, _)| a.id == id);
    let compared = match pair {
        Some((x, y)) => match (find(x), find(y)) {
            (Some(i), Some(j)) if i != j => Some((i.min(j), i.max(j))),
            _ => {
                return Err(Error::invalid(
                    "compare",
                    "请选择本序列中的两次不同评价进行比较",
                    "Choose two different results of this series to compare",
                ))
            }
        },
        None if kept.len() >= 2 => Some((kept.len() - 2, kept.len() - 1)),
        None => None,
    };
    let changes = compared
        .map(|(i, j)| history::changes(&kept[i].1.evaluation, &kept[j].1.evaluation))
        .unwrap_or_default();
    Ok(HistoryView {
        enterprise_id,
        enterprise: ent.name,
        scheme: scheme.id.clone(),
        scheme_name: scheme.name.clone(),
        variant,
        variants,
        stops: kept
            .iter()
            .zip(&dates)
            .map(|((a, _), d)| Stop {
                assessment_id: a.id,
                title: a.title.clone(),
                mode: a.mode.label(l).to_string(),
                date: d.clone(),
            })
            .collect(),
        timeline,
        chart,
        compared: compared.map(|(i, j)| (kept[i].0.id, kept[j].0.id)),
        changes,
    })
}

/// One figure's place in the group, or why it is not shown.
#[derive(Debug, Clone, Serialize)]
pub struct PartStanding {
    pub name: String,
    pub value: f64,
    pub standing: Option<Standing>,
}

/// A result among its peers (I-23).
#[derive(Debug, Clone, Serialize)]
pub struct PeersView {
    pub assessment_id: i64,
    pub scheme: String,
    pub variant: Option<String>,
    pub mode: String,
    /// The GB/T 4754 section (门类) of the enterprise.
    pub section: Option<char>,
    /// Other enterprises in the group.
    pub others: usize,
    /// Why nothing is shown (fewer than 5 others, no industry code).
    pub hidden: Option<Hidden>,
    pub total: Option<Standing>,
    pub own_total: f64,
    pub parts: Vec<PartStanding>,
    pub histogram: Option<Histogram>,
    /// How many of the group hold each grade (or stars), best first.
    pub outcomes: Vec<(String, usize)>,
    #[serde(skip)]
    pub chart: Option<Chart>,
}

fn section_of(code: &str) -> Option<char> {
    tianping_calc::industry::validate(code)
        .ok()
        .map(|c| c.section())
}

fn outcome_of(grade: &Option<String>, stars: Option<i64>) -> Option<String> {
    grade.clone().or_else(|| stars.map(|s| format!("{}★", s)))
}

/// Where an assessment's result stands among its peers: the latest result of the same mode
/// of each other enterprise with the same scheme, variant and GB/T 4754 section, across the
/// platform, never named; nothing shown with fewer than 5 others. An assessment without any
/// answer has no result to place (404).
pub async fn peers(app: &App, u: &User, id: i64, l: Lang) -> Result<PeersView, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    let own = assessments::result_view(&a)?.ok_or(Error::NotFound)?;
    // an assessment is scored empty when created: with no answer it has no result to place
    if own.answered().0 == 0 {
        return Err(Error::NotFound);
    }
    let ent = repo::get_enterprise(&app.store, a.enterprise_id)
        .await?
        .ok_or(Error::NotFound)?;
    let section = section_of(&ent.industry_code);
    let rows = store::scored(&app.store, &a.scheme, a.mode.as_str()).await?;
    // each other enterprise's latest result of the group (rows come newest first per
    // enterprise)
    let mut latest: HashMap<i64, &store::ScoredRow> = HashMap::new();
    for r in &rows {
        if r.enterprise_id == a.enterprise_id
            || r.variant != a.variant
            || section.is_none()
            || section_of(&r.industry_code) != section
        {
            continue;
        }
        latest.entry(r.enterprise_id).or_insert(r);
    }
    let group: Vec<&store::ScoredRow> = latest.into_values().collect();
    let e = &own.evaluation;
    let own_total = e.total.score;
    let others: Vec<f64> = group.iter().filter_map(|r| r.score).collect();
    let mut view = PeersView {
        assessment_id: a.id,
        scheme: a.scheme.clone(),
        variant: a.variant.clone(),
        mode: a.mode.label(l).to_string(),
        section,
        others: group.len(),
        hidden: None,
        total: None,
        own_total,
        parts: Vec::new(),
        histogram: None,
        outcomes: Vec::new(),
        chart: None,
    };
    let total = match peers::standing(own_total, &others) {
        Ok(s) => s,
        Err(h) => {
            view.hidden = Some(h);
            return Ok(view);
        }
    };
    view.total = Some(total);
    // each part: the others' figure of the same name
    let mut theirs: Vec<Evaluation> = Vec::with_capacity(group.len());
    for r in &group {
        // a save left this explanation stale: rebuilt (and stored) before it is read
        let rebuilt = if r.explanation_stale != 0 {
            assessments::load(app, r.id)
                .await?
                .and_then(|a| a.result_json)
        } else {
            None
        };
        let text = rebuilt.as_deref().unwrap_or(&r.result_json);
        theirs.extend(ResultView::parse(text).ok().map(|v| v.evaluation));
    }
    let their_parts: Vec<Vec<(String, f64)>> = theirs.iter().map(history::parts).collect();
    for (name, value) in history::parts(e) {
        let xs: Vec<f64> = their_parts
            .iter()
            .filter_map(|ps| ps.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
            .collect();
        view.parts.push(PartStanding {
            standing: peers::standing(value, &xs).ok(),
            name,
            value,
        });
    }
    let scale = e.total.scale;
    let h = peers::histogram(own_total, &others, scale, 10).ok();
    view.chart = h.as_ref().and_then(|h| {
        let bands: Vec<tianping_charts::Band> = h
            .edges
            .iter()
            .zip(&h.counts)
            .map(|(lo, n)| tianping_charts::Band {
                label: format!(
                    "{}–{}",
                    tianping_domain::words::fig(*lo),
                    tianping_domain::words::fig(lo + scale / h.counts.len() as f64)
                ),
                count: *n,
            })
            .collect();
        tianping_charts::distribution(&bands, Some(h.own_bin), l)
    });
    view.histogram = h;
    let scheme = app.scheme(&a.scheme)?;
    let order: Vec<&str> = scheme.grades.iter().map(|g| g.code.as_str()).collect();
    let outcomes: Vec<String> = group
        .iter()
        .map(|r| (r.grade.clone(), r.stars))
        .chain(std::iter::once((a.grade.clone(), a.stars)))
        .filter_map(|(g, s)| outcome_of(&g, s))
        .collect();
    view.outcomes = peers::tally(outcomes.iter().map(String::as_str), &order);
    Ok(view)
}
