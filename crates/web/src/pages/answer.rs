//! Answering an item: the answer form with its source choice, reading the form, saving.

use super::*;
use crate::view::{csrf, err, field, select};
use tianping_app::domain::words;

/// The routes of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/assessments/:id/items/:ind/answer", post(answer_post))
}

/// The answer sources this person may choose, as (value, label).
pub(super) fn sources(l: Lang, u: &User, access: &Access) -> Vec<(&'static str, &'static str)> {
    match (access, u.role) {
        (Access::Platform, _) => vec![("platform", l.t("平台数据", "platform data"))],
        (Access::Edit, Role::Enterprise) => vec![
            (
                "self",
                l.t(
                    "企业自报（核验后计分）",
                    "self-declared (counts once verified)",
                ),
            ),
            (
                "third_party",
                l.t(
                    "第三方数据（须附证据）",
                    "third-party data (evidence required)",
                ),
            ),
        ],
        _ => vec![
            ("onsite", l.t("现场核验", "verified on site")),
            ("platform", l.t("平台数据", "platform data")),
            ("third_party", l.t("第三方数据", "third-party data")),
            (
                "self",
                l.t("企业自报（未核验）", "self-declared (unverified)"),
            ),
        ],
    }
}

/// The answer source select (named by `aria-label`: the assessment list has one per row).
pub(super) fn source_choice(l: Lang, u: &User, access: &Access, current: &str) -> Markup {
    html! {
        select name="source" aria-label=(l.t("来源", "Source")) {
            @for (v, t) in sources(l, u, access) {
                option value=(v) selected[v == current] { (t) }
            }
        }
    }
}

/// What was typed into an answer form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct AnswerForm {
    pub(super) csrf: String,
    pub(super) value: String,
    pub(super) likert: String,
    pub(super) experts: String,
    pub(super) note: String,
    pub(super) source: String,
}

pub(super) fn num_list(s: &str) -> Result<Vec<f64>, ()> {
    s.split([',', '，', ' ', ';', '；'])
        .filter(|x| !x.trim().is_empty())
        .map(|x| x.trim().parse::<f64>().map_err(|_| ()))
        .collect()
}

/// Turn the typed form into the core's answer value.
pub(super) fn answer_from_form(f: &AnswerForm) -> Result<AnswerInput, Error> {
    let value = if !f.likert.trim().is_empty() {
        let xs = num_list(&f.likert).map_err(|_| {
            Error::invalid(
                "likert",
                "问卷回答应为以逗号分隔的 1 至 5 的整数，例如 4, 5, 3",
                "Questionnaire answers are whole numbers from 1 to 5 separated by commas, e.g. 4, 5, 3",
            )
        })?;
        json!({"likert": xs})
    } else if !f.experts.trim().is_empty() {
        let xs = num_list(&f.experts).map_err(|_| {
            Error::invalid(
                "experts",
                "专家评分应为以逗号分隔的数字，例如 4, 4.5, 5",
                "Expert scores are numbers separated by commas, e.g. 4, 4.5, 5",
            )
        })?;
        json!({"experts": xs})
    } else if f.value.trim().is_empty() {
        Value::Null
    } else {
        let v = f.value.trim();
        let x: f64 = v.parse().map_err(|_| {
            Error::invalid(
                "value",
                format!("“{}” 不是数字", v),
                format!("“{}” is not a number", v),
            )
        })?;
        json!(x)
    };
    Ok(AnswerInput {
        value,
        note: f.note.clone(),
        source: Some(f.source.clone()).filter(|s| !s.is_empty()),
    })
}

/// What the item page shows again after a refused form: what was typed, the messages by
/// field, and the status.
#[derive(Default)]
pub(super) struct Again<'a> {
    pub(super) typed: Option<&'a AnswerForm>,
    pub(super) errors: BTreeMap<String, String>,
    pub(super) status: StatusCode,
}

impl<'a> Again<'a> {
    /// Invalid input: 422 with the messages next to their fields.
    pub(super) fn invalid(l: Lang, e: &[FieldError], typed: Option<&'a AnswerForm>) -> Again<'a> {
        Again {
            typed,
            errors: errs_map(l, e),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// A refused answer, shown again with its reason at the answer: invalid input (422),
    /// refused by a permission rule (403), a locked assessment or a protected answer (409),
    /// the statuses of
    /// [`crate::error::status`]; any other error as an error page.
    pub(super) fn refused(l: Lang, e: Error, typed: &'a AnswerForm) -> Result<Again<'a>, Error> {
        match &e {
            Error::Invalid(v) => Ok(Again::invalid(l, v, Some(typed))),
            Error::Forbidden(m) | Error::Locked(m) | Error::Conflict(m) => Ok(Again {
                typed: Some(typed),
                errors: BTreeMap::from([("value".to_string(), m.text(l).to_string())]),
                status: crate::error::status(&e),
            }),
            _ => Err(e),
        }
    }

    pub(super) fn get(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(|s| s.as_str())
    }
}

/// The fields of the item page's forms: their errors are shown next to them, any other
/// in a general message.
const ITEM_FIELDS: [&str; 14] = [
    "value",
    "likert",
    "experts",
    "source",
    "note",
    "file",
    "expert_id",
    // shown by the review card (pages/review.rs)
    "kept",
    "verify",
    "verify_value",
    "verify_note",
    "proposal",
    "proposal_note",
    "decision",
];

pub(super) async fn answer_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids((id, ind)): Ids<(i64, String)>,
    Form(f): Form<AnswerForm>,
) -> Res {
    let u = ctx.user()?;
    ctx.check_csrf(&f.csrf)?;
    let res = match answer_from_form(&f) {
        Ok(input) => answers::save(&st, u, id, &ind, &input).await,
        Err(e) => Err(e),
    };
    let saved = match res {
        Ok(saved) => saved,
        Err(e) => {
            let again = Again::refused(ctx.lang, e, &f)?;
            return item_view(&st, &ctx, id, &ind, again, None).await;
        }
    };
    if let Some(k) = &saved.kept {
        // not written over a protected answer (I-20): the item with why, beside the answer
        let again = Again {
            typed: None,
            errors: BTreeMap::from([("kept".to_string(), k.message.text(ctx.lang).to_string())]),
            status: StatusCode::OK,
        };
        return item_view(&st, &ctx, id, &ind, again, None).await;
    }
    let (a, _) = assessments::get(&st, u, id).await?;
    let scheme = st.catalog.get(&a.scheme);
    let mut what = ind.clone();
    if saved.score.is_some() {
        what.push_str(&format!(
            " · {} {}",
            ctx.lang.t("总分", "total"),
            result_brief(
                ctx.lang,
                scheme,
                saved.score,
                saved.grade.as_deref(),
                saved.stars
            )
        ));
    }
    Ok(redirect(&format!(
        "{}?saved={}",
        item_url(id, &ind),
        url_enc(&what)
    )))
}

/// The current answer and, where the rules allow, the form to change it (for an expert on
/// a points item: their own score).
pub(super) fn answer_card(
    it: &Item,
    answer: Option<&repo::AnswerRow>,
    mine: Option<&repo::ExpertScore>,
    again: &Again,
) -> Markup {
    let l = it.l;
    let current: Option<Value> = answer
        .and_then(|r| r.value_json.as_deref())
        .and_then(|v| serde_json::from_str(v).ok());
    let can_answer = it.draft && it.access.answer(it.ind().category).is_ok();
    html! {
        div.card {
            h2 {
                @if it.expert_points { (l.t("我的评分", "My score")) } @else { (l.t("答案", "Answer")) }
            }
            @if !it.expert_points {
                p {
                    (l.t("当前答案", "Current answer")) ": "
                    b {
                        (current.as_ref().map(|v| shown_answer(l, it.plan.kind, it.ind(), v)).filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into()))
                    }
                }
                @if let Some(r) = answer {
                    @if let Some(s) = r.source {
                        p.muted { (l.t("来源", "Source")) ": " (s.label(l)) }
                    }
                    @if !r.note.is_empty() {
                        p.muted { (l.t("备注", "Note")) ": " (r.note) }
                    }
                }
            }
            @if can_answer {
                (answer_form(it, current.as_ref(), answer, mine, again))
            } @else {
                @if !it.draft {
                    p.muted { (l.t("评价已提交并锁定。", "The assessment is submitted and locked.")) }
                }
                (err(again.get("value")))
            }
        }
    }
}

/// The answer form, showing again what was typed (or the stored answer).
pub(super) fn answer_form(
    it: &Item,
    current: Option<&Value>,
    answer: Option<&repo::AnswerRow>,
    mine: Option<&repo::ExpertScore>,
    again: &Again,
) -> Markup {
    let l = it.l;
    let typed = again.typed;
    let note = typed.map(|t| t.note.clone()).unwrap_or_else(|| {
        mine.map(|m| m.note.clone())
            .or(answer.map(|r| r.note.clone()))
            .unwrap_or_default()
    });
    let source = typed
        .map(|t| t.source.clone())
        .or(answer.and_then(|r| r.source.map(|s| s.as_str().to_string())))
        .unwrap_or_default();
    html! {
        form method="post" action={ (it.url) "/answer" } {
            (csrf(it.csrf))
            (answer_input(it, current, mine, again))
            @if it.scheme.method == Method::Dimensions && !it.expert_points {
                label { (l.t("来源", "Source")) }
                (source_choice(l, it.u, it.access, &source))
                (err(again.get("source")))
            }
            label for="f-note" { (l.t("备注", "Note")) }
            textarea #f-note name="note" { (note) }
            (err(again.get("note")))
            (form_errors(&again.errors, &ITEM_FIELDS))
            p { button { (l.t("保存", "Save")) } }
        }
    }
}

/// The answer's input by the kind of item: a level select, questionnaire responses, expert
/// scores, or a number.
pub(super) fn answer_input(
    it: &Item,
    current: Option<&Value>,
    mine: Option<&repo::ExpertScore>,
    again: &Again,
) -> Markup {
    let (l, i) = (it.l, it.ind());
    let typed = again.typed;
    // what was typed, else the stored list of a questionnaire or expert-panel answer
    let typed_or_stored = |typed: Option<&String>, key: &str| match (typed, current) {
        (Some(t), _) => t.clone(),
        (None, Some(v)) if v.get(key).is_some() => shown_value(v),
        _ => String::new(),
    };
    let value = typed
        .map(|t| t.value.clone())
        .unwrap_or_else(|| match (mine, current) {
            (Some(m), _) => fmt_num(m.value),
            // as people write it (3, not 3.0): a level must match its option
            (None, Some(v @ Value::Number(_))) => shown_value(v),
            (None, Some(Value::Object(m))) if m.contains_key("value") => shown_value(&m["value"]),
            _ => String::new(),
        });
    if it.plan.kind == AnswerKind::Level && !it.expert_points {
        let mut options = vec![
            (String::new(), l.t("（未答）", "(unanswered)").to_string()),
            ("0".into(), words::level(l, 0)),
        ];
        for (n, d) in i.levels.iter().enumerate() {
            let short: String = d.chars().take(40).collect();
            let level = words::level(l, n as u32 + 1);
            options.push(((n + 1).to_string(), format!("{level}：{short}")));
        }
        select(
            l.t("等级", "Level"),
            "value",
            &options,
            &value,
            again.get("value"),
        )
    } else if i.likert && !it.expert_points {
        field(
            l.t(
                "问卷回答（1–5，逗号分隔）",
                "Questionnaire responses (1–5, comma separated)",
            ),
            "likert",
            "text",
            &typed_or_stored(typed.map(|t| &t.likert), "likert"),
            again.get("likert").or(again.get("value")),
            &[],
        )
    } else if i.expert_panel && !it.expert_points {
        field(
            l.t(
                "专家评分（至少 3 位，逗号分隔；或由指派的专家各自评分）",
                "Expert scores (3 or more, comma separated; or each assigned expert scores)",
            ),
            "experts",
            "text",
            &typed_or_stored(typed.map(|t| &t.experts), "experts"),
            again.get("experts").or(again.get("value")),
            &[],
        )
    } else {
        field(
            &kind_hint(l, it.plan.kind, it.leaf.answer_max),
            "value",
            "number",
            &value,
            again.get("value"),
            &[("step", "any")],
        )
    }
}
