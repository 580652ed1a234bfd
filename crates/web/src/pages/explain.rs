//! Why a result is what it is, in words for people: each grade or level tried and how far
//! the unmet ones are, the star levels of T11/AII with their conditions, the dimensions with
//! their single stars, the scores by group, and the interpretations of the standard that
//! affected the result. Figures have at most two decimals (`words::fig`); the API keeps them
//! in full.

use maud::{html, Markup};
use tianping_app::assessments::ResultView;
use tianping_app::domain::{interpretation, words};
use tianping_app::Lang;
use tianping_core::distance::{Distance, Target};
use tianping_core::engine::NodeResult;
use tianping_core::stars::DimensionResult;
use tianping_core::{Interpretation, Method, Scheme};

/// The sections below the result card.
pub(super) fn explanation(l: Lang, r: &ResultView, scheme: &Scheme) -> Markup {
    let ev = &r.evaluation;
    let distances = r.distances(scheme);
    html! {
        @if scheme.method == Method::Dimensions {
            (star_levels(l, r, scheme, &distances))
            (dimensions(l, r, &distances))
        } @else if !scheme.grades.is_empty() {
            (grades(l, r, scheme, &distances))
        }
        (node_scores(l, &ev.nodes))
        (interpretations(l, &ev.interpretations))
    }
}

/// A condition line: met (✔) or not (✘), said in words.
fn check(l: Lang, met: bool, what: &str, body: Markup) -> Markup {
    html! {
        li class=(if met { "met" } else { "unmet" }) {
            span.mark aria-hidden="true" { (if met { "✔" } else { "✘" }) }
            " " b { (what) }
            // a label such as 第四级：集成级 has its own colon
            (if what.contains('：') { " — " } else { l.t("：", ": ") })
            (body)
        }
    }
}

/// The unmet conditions of one target, each in a sentence.
fn conditions(l: Lang, list: &[&Distance], stars: bool) -> Markup {
    html! {
        @if list.len() == 1 {
            span data-testid="distance" { (words::condition(l, list[0], stars)) }
        } @else {
            ul {
                @for d in list {
                    li data-testid="distance" { (words::condition(l, d, stars)) }
                }
            }
        }
    }
}

/// Every grade or level from the best down to the one reached: the reached one as met, the
/// better ones with how far each condition is.
fn grades(l: Lang, r: &ResultView, scheme: &Scheme, distances: &[Distance]) -> Markup {
    let ev = &r.evaluation;
    let reached = ev
        .grade
        .as_ref()
        .and_then(|g| scheme.grades.iter().position(|x| x.code == g.code));
    let tried = reached.map_or(scheme.grades.len(), |k| k + 1);
    let levels = scheme.method == Method::WeightedLevels;
    html! {
        h2 { (l.t("等级判定", "Grade determination")) }
        ul.checks {
            @for g in &scheme.grades[..tried] {
                @let own: Vec<&Distance> = distances
                    .iter()
                    .filter(|d| matches!(&d.target, Target::Grade { code, .. } if *code == g.code))
                    .collect();
                @if own.is_empty() {
                    (check(l, true, &g.label, html! {
                        (l.t("达到", "reached"))
                        @if levels {
                            (l.t("（总分在本级区间或已由更高等级降级，低于本级的指标不超过允许项数）",
                                " (the total is in its band or a higher level stepped down to it, with no more indicators below it than allowed)"))
                        } @else {
                            " " (l.t("得分区间", "band")) " " (g.band())
                        }
                        " · " (l.t("条款 ", "clause ")) (g.clause)
                    }))
                } @else {
                    (check(l, false, &g.label, conditions(l, &own, false)))
                }
            }
        }
        @if reached.is_none() {
            p.muted { (super::result::no_grade(l, scheme)) }
        }
    }
}

/// T11/AII 表3: each comprehensive star level from five down, met or not; the unmet levels
/// above the one the result supports with every condition's distance.
fn star_levels(l: Lang, r: &ResultView, scheme: &Scheme, distances: &[Distance]) -> Markup {
    let ev = &r.evaluation;
    let (Some(rules), Some(outcome)) = (scheme.stars.as_ref(), ev.stars_explained.as_ref()) else {
        return html! {};
    };
    let vacuous: Vec<&str> = ev
        .dimensions
        .iter()
        .filter(|d| d.online_vacuous)
        .map(|d| d.name.as_str())
        .collect();
    html! {
        h2 { (l.t("综合星级判定（表3）", "Comprehensive stars (表3)")) }
        ul.checks data-testid="star-levels" {
            @for c in &outcome.checks {
                @let what = format!("{} {}", words::star_marks(c.stars), words::stars(l, c.stars));
                @let own: Vec<&Distance> = distances
                    .iter()
                    .filter(|d| d.target == Target::Stars { stars: c.stars })
                    .collect();
                @if c.met {
                    (check(l, true, &what, html! {
                        @if c.stars >= 4 {
                            @let t = rules.composite.get(usize::from(c.stars - 4)).copied().unwrap_or(0.0);
                            @match l {
                                Lang::Zh => { "综合得分和每个单项得分均达到 " (words::fig(t)) }
                                Lang::En => { "the composite and every dimension reach " (words::fig(t)) }
                            }
                        } @else {
                            @let t = rules.online_ratio.get(usize::from(c.stars - 1)).copied().unwrap_or(0.0);
                            @match l {
                                Lang::Zh => { "每个单项的线上得分率均达到 " (words::pct(t)) }
                                Lang::En => { "every dimension's online ratio reaches " (words::pct(t)) }
                            }
                            @if !vacuous.is_empty() {
                                @match l {
                                    Lang::Zh => { "（" (vacuous.join("、")) "没有线上指标，视为满足）" }
                                    Lang::En => { " (" (vacuous.join(", ")) ": no online items, met by definition)" }
                                }
                            }
                        }
                    }))
                } @else if own.is_empty() {
                    (check(l, false, &what, html! {
                        (l.t("条件未满足；更高星级的条件已满足，结果按更高星级",
                            "not met; a higher level's conditions are met, and the higher level counts"))
                    }))
                } @else {
                    (check(l, false, &what, conditions(l, &own, true)))
                }
            }
        }
    }
}

/// The dimensions (表1 single stars): weight, score, online ratio, single stars in words and
/// how far the next one is. Stacked as cards on a phone.
fn dimensions(l: Lang, r: &ResultView, distances: &[Distance]) -> Markup {
    let dims: &[DimensionResult] = &r.evaluation.dimensions;
    let issued = r
        .granted
        .as_ref()
        .is_some_and(|g| g.dimension_stars.is_some());
    let h = [
        l.t("维度", "Dimension"),
        l.t("权重", "Weight"),
        l.t("得分", "Score"),
        l.t("线上得分率", "Online ratio"),
        l.t("单项星级", "Single stars"),
        l.t("距下一单项星级", "To the next single star"),
    ];
    html! {
        @if !dims.is_empty() {
            h2 { (l.t("单项能力（表1）", "Dimensions (表1)")) }
            table.cards data-testid="dimensions" {
                thead { tr { @for x in h { th { (x) } } } }
                tbody {
                    @for d in dims {
                        @let next = distances.iter().find(|x| matches!(&x.target,
                            Target::DimensionStars { dimension, .. } if *dimension == d.name));
                        tr {
                            td.name data-label=(h[0]) { (d.name) }
                            td data-label=(h[1]) { (words::pct(d.weight)) }
                            td data-label=(h[2]) { (words::fig(d.score)) }
                            td data-label=(h[3]) {
                                @match d.online_ratio {
                                    Some(x) => { (words::pct(x)) }
                                    None => { (l.t("无线上指标", "no online items")) }
                                }
                            }
                            td data-label=(h[4]) {
                                @if d.stars > 0 { span.marks aria-hidden="true" { (words::star_marks(d.stars)) } " " }
                                (words::stars(l, d.stars))
                            }
                            td data-label=(h[5]) {
                                @match next {
                                    Some(x) => {
                                        (words::target(l, &Target::Stars { stars: d.stars + 1 }))
                                        (l.t("：", ": ")) (words::short(l, x))
                                        span.muted { (l.t("（需 ", " (needs ")) (words::fig(x.required)) (l.t("）", ")")) }
                                    }
                                    None => { "—" }
                                }
                            }
                        }
                    }
                }
            }
            @if !issued {
                p.muted { (l.t("单项星级只在现场审查时颁发（§6.2）；此处为结果所示的星级。",
                    "Single stars are issued only with an on-site audit (§6.2); shown here as the result supports them.")) }
            }
        }
    }
}

/// What every group of indicators earned (the first 400).
fn node_scores(l: Lang, nodes: &[NodeResult]) -> Markup {
    let h = [
        l.t("指标", "Group"),
        l.t("得分", "Earned"),
        l.t("满分", "Max"),
    ];
    html! {
        @if !nodes.is_empty() {
            details {
                summary { (l.t("各级指标得分", "Scores by group")) }
                table.cards {
                    thead { tr { @for x in h { th { (x) } } } }
                    tbody {
                        @for n in nodes.iter().take(400) {
                            tr {
                                td.name data-label=(h[0]) { (n.table) " " (n.path.join(" › ")) }
                                td data-label=(h[1]) { (words::fig(n.earned)) }
                                td data-label=(h[2]) { (words::fig(n.max)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The standard's interpretations that affected the result: a title and the clause, the code
/// as a small tag, and on demand what the standard says and what is done.
pub(super) fn interpretations(l: Lang, list: &[Interpretation]) -> Markup {
    html! {
        @if !list.is_empty() {
            details {
                summary {
                    (l.t("影响本结果的标准解释", "Interpretations that affected this result"))
                    " (" (list.len()) ")"
                }
                ul.interpretations {
                    @for x in list {
                        li { (interpretation(l, x)) }
                    }
                }
            }
        }
    }
}

/// One interpretation for people (also on the item page).
pub(super) fn interpretation(l: Lang, x: &Interpretation) -> Markup {
    html! {
        b { (interpretation::title(x)) }
        " " span.tag title=(l.t("解释编号", "Interpretation code")) { (x.id) }
        div.muted { (l.t("条款", "Clause")) (l.t("：", ": ")) (x.clause) }
        details {
            summary { (l.t("详情", "Details")) }
            p { b { (l.t("标准原文", "The standard says")) } (l.t("：", ": ")) (interpretation::for_people(&x.text)) }
            p { b { (l.t("本系统的处理", "What is done")) } (l.t("：", ": ")) (interpretation::for_people(&x.action)) }
        }
    }
}
