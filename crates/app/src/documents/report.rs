//! An assessment's report: the data of `templates/report.typ`, from a [`ResultView`]. The
//! generic part serves every scheme; T11/AII adds the dimensions, online ratios, single and
//! comprehensive stars with the 表3 trace and the stars granted (I-6); T/SDDITAI names its
//! category and the step-down check; the SME scheme's coefficients are its groups.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tianping_core::{Given, Method, Scheme};
use tianping_domain::{words, Lang};

use super::{fig, Chart};
use crate::assessments::ResultView;

/// Who and what the report is about (empty on the command line).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    pub enterprise: Option<String>,
    pub uscc: Option<String>,
    pub body: Option<String>,
    pub assessment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub scheme_id: String,
    pub scheme_name: String,
    pub standard: String,
    pub scheme_version: String,
    pub engine_version: String,
    pub profile: Option<ProfileMeta>,
    pub variant: Option<String>,
    pub mode: Option<String>,
    pub scored_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileMeta {
    pub name: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    pub score: String,
    pub scale: String,
    pub raw: String,
    pub max: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeLine {
    pub label: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub label: String,
    pub met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub earned: String,
    pub max: String,
    pub percent: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub no: String,
    pub name: String,
    pub table: String,
    pub answer: String,
    pub earned: String,
    pub max: String,
    pub counted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interp {
    pub id: String,
    pub clause: String,
    pub decision: String,
    pub text: String,
}

impl Interp {
    /// An interpretation as the documents list it.
    pub fn of(i: &tianping_core::Interpretation) -> Interp {
        Interp {
            id: i.id.clone(),
            clause: i.clause.clone(),
            decision: i.decision.clone(),
            text: i.text.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub name: String,
    pub weight: String,
    pub score: String,
    pub online_ratio: Option<String>,
    pub stars: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StarCheck {
    pub stars: String,
    pub met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrantedLine {
    pub stars: String,
    pub dimension_stars: Option<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stars {
    pub dimensions: Vec<Dimension>,
    pub composite: Option<String>,
    pub comprehensive: String,
    pub reason: String,
    pub checks: Vec<StarCheck>,
    pub granted: Option<GrantedLine>,
}

/// The report's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDoc {
    /// `generic`, `stars` (T11/AII), `levels` (T/SDDITAI) or `sme`.
    pub kind: &'static str,
    pub title: String,
    pub meta: Meta,
    pub party: Party,
    pub answered: String,
    pub total: Total,
    pub grade: Option<GradeLine>,
    pub grade_trace: Vec<Step>,
    pub stars: Option<Stars>,
    pub groups: Vec<Group>,
    pub items: Vec<Item>,
    pub interpretations: Vec<Interp>,
    pub charts: Vec<Chart>,
    /// 提升建议: the gap to the next outcome (set by the caller that has the answers).
    pub suggestions: Option<super::suggestions::Suggestions>,
}

fn kind(s: &Scheme) -> &'static str {
    match s.method {
        Method::Dimensions => "stars",
        Method::WeightedLevels => "levels",
        Method::WeightedCoefficients => "sme",
        Method::Points => "generic",
    }
}

fn title(l: Lang, s: &Scheme) -> String {
    match (s.method, l) {
        (Method::Dimensions, Lang::Zh) => format!("{} 星级评价报告", s.standard),
        (Method::Dimensions, Lang::En) => format!("{} star evaluation report", s.standard),
        (Method::WeightedLevels, Lang::Zh) => format!("{} 数字化等级评价报告", s.standard),
        (Method::WeightedLevels, Lang::En) => format!("{} digital level report", s.standard),
        (Method::WeightedCoefficients, Lang::Zh) => "中小企业服务质量测评报告".into(),
        (Method::WeightedCoefficients, Lang::En) => "SME service quality evaluation report".into(),
        (Method::Points, Lang::Zh) => format!("{} 评价报告", s.name),
        (Method::Points, Lang::En) => format!("Evaluation report: {}", s.name),
    }
}

fn answer_text(a: &tianping_core::Answer, method: Method) -> String {
    let unit = if method.answer_kind() == tianping_core::AnswerKind::Coefficient {
        "%"
    } else {
        ""
    };
    let v = format!("{}{}", fig(a.value), unit);
    match &a.given {
        Given::Number(_) => v,
        Given::Experts(xs) => format!(
            "{}（{}）",
            v,
            xs.iter().map(|x| fig(*x)).collect::<Vec<_>>().join("、")
        ),
        Given::Likert(xs) => format!("{}（Likert ×{}）", v, xs.len()),
    }
}

/// The report of a result. `scored_at` is the scoring time (also the PDF's creation time).
pub fn build(
    l: Lang,
    scheme: &Scheme,
    r: &ResultView,
    party: Party,
    scored_at: Option<DateTime<Utc>>,
) -> ReportDoc {
    let e = &r.evaluation;
    let by_id: HashMap<&str, &tianping_core::Indicator> = scheme
        .indicators
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let variant = e.variant.as_deref().map(|v| {
        scheme
            .find_variant(v)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| v.to_string())
    });
    let label_of = |code: &str| {
        scheme
            .grades
            .iter()
            .find(|g| g.code == code)
            .map(|g| g.label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let items = e
        .indicators
        .iter()
        .map(|i| {
            let def = by_id.get(i.id.as_str());
            Item {
                no: def
                    .and_then(|d| d.serial.clone())
                    .unwrap_or_else(|| i.id.clone()),
                name: i.path.last().cloned().unwrap_or_else(|| i.id.clone()),
                table: i.table.clone(),
                answer: i
                    .answer
                    .as_ref()
                    .map(|a| answer_text(a, scheme.method))
                    .unwrap_or_else(|| "—".into()),
                earned: fig(i.earned),
                max: fig(i.max),
                counted: i.counted || i.answer.is_none(),
            }
        })
        .collect();
    let top = e.nodes.iter().map(|n| n.path.len()).min().unwrap_or(0);
    let groups = e
        .nodes
        .iter()
        .filter(|n| n.path.len() == top)
        .map(|n| Group {
            name: n.path.join(" / "),
            earned: fig(n.earned),
            max: fig(n.max),
            percent: fig(n.percent),
        })
        .collect();
    let stars = e.stars_explained.as_ref().map(|x| Stars {
        dimensions: e
            .dimensions
            .iter()
            .map(|d| Dimension {
                name: d.name.clone(),
                weight: fig(d.weight),
                score: fig(d.score),
                online_ratio: match (d.online_ratio, d.online_vacuous) {
                    (_, true) => Some(l.t("无线上指标", "no online item").into()),
                    (Some(x), _) => Some(fig(x)),
                    (None, _) => None,
                },
                stars: words::stars(l, d.stars),
                reason: d.stars_reason.clone(),
            })
            .collect(),
        composite: e.composite.map(fig),
        comprehensive: words::stars(l, x.comprehensive),
        reason: x.reason.clone(),
        checks: x
            .checks
            .iter()
            .map(|c| StarCheck {
                stars: words::stars(l, c.stars),
                met: c.met,
                reason: c.reason.clone(),
            })
            .collect(),
        granted: r.granted.as_ref().map(|g| GrantedLine {
            stars: words::stars(l, g.stars),
            dimension_stars: g.dimension_stars.as_ref().map(|v| {
                v.iter()
                    .map(|(n, s)| format!("{} {}", n, words::stars(l, *s)))
                    .collect::<Vec<_>>()
                    .join(l.t("；", "; "))
            }),
            reasons: g.reasons.clone(),
        }),
    });
    let (answered, total) = r.answered();
    ReportDoc {
        kind: kind(scheme),
        title: title(l, scheme),
        meta: Meta {
            scheme_id: e.scheme.clone(),
            scheme_name: e.scheme_name.clone(),
            standard: scheme.standard.clone(),
            scheme_version: e.scheme_version.clone(),
            engine_version: e.engine_version.clone(),
            profile: e.profile.as_ref().map(|p| ProfileMeta {
                name: p.name.clone(),
                hash: p.hash.clone(),
            }),
            variant,
            mode: (scheme.method == Method::Dimensions).then(|| r.mode.label(l).to_string()),
            scored_at: scored_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        },
        party,
        answered: format!("{} / {}", answered, total),
        total: Total {
            score: fig(e.total.score),
            scale: fig(e.total.scale),
            raw: fig(e.total.raw),
            max: fig(e.total.max),
        },
        grade: e.grade.as_ref().map(|g| GradeLine {
            label: g.label.clone(),
            reason: g.reason.clone(),
        }),
        grade_trace: e
            .grade_trace
            .iter()
            .map(|s| Step {
                label: label_of(&s.code),
                met: s.met,
                reason: s.reason.clone(),
            })
            .collect(),
        stars,
        groups,
        items,
        interpretations: e.interpretations.iter().map(Interp::of).collect(),
        // the charts of the result page, drawn by tianping-charts
        charts: tianping_charts::for_result(scheme, e, l)
            .into_iter()
            .map(|c| Chart {
                title: c.title,
                svg: c.svg,
            })
            .collect(),
        suggestions: None,
    }
}

/// The report of an assessment the user may see with its result (404 otherwise, and for an
/// assessment never scored), as PDF. Its creation time is the scoring time and its
/// identifier names the assessment and its revision, so the same result gives the same bytes.
pub async fn pdf(
    app: &crate::App,
    u: &crate::repo::User,
    id: i64,
    l: Lang,
) -> Result<super::Pdf, crate::Error> {
    use crate::{assessments, Error};
    let (a, access) = assessments::get(app, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    let view = assessments::result_view(&a)?.ok_or(Error::NotFound)?;
    let scheme = app.scheme(&a.scheme)?;
    let ent = assessments::enterprise_of(app, &a).await?;
    let body = match a.org_id {
        Some(o) => crate::repo::get_org(&app.store, o).await?.map(|o| o.name),
        None => None,
    };
    let scored = a
        .result_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let party = Party {
        enterprise: ent.as_ref().map(|e| e.name.clone()),
        uscc: ent.as_ref().map(|e| e.uscc.clone()),
        body,
        assessment: Some(format!("#{} {}", a.id, a.title)),
    };
    let mut data = build(l, scheme, &view, party, scored);
    // the gap is advice beside the figures: a plan that cannot be made leaves it out
    if let Ok(g) = crate::insight_gap::gap_of_assessment(app, &a, None).await {
        data.suggestions = Some(super::suggestions::of(l, &g));
    }
    let created = scored.map(|t| t.naive_utc()).unwrap_or_default();
    let bytes = super::render(
        app,
        super::Template::Report,
        data,
        l,
        created,
        format!("tianping/assessment/{}/r{}/{}", a.id, a.revision, l.code()),
        vec![],
    )
    .await?;
    Ok(super::Pdf {
        bytes,
        filename: format!(
            "assessment-{}-report{}.pdf",
            a.id,
            if l == Lang::En { "-en" } else { "" }
        ),
    })
}
