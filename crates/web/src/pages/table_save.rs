//! Saving a table form: the rows whose value or source changed, all or none. Without
//! JavaScript the answer is a redirect back to the same list (303) or, with errors, the page
//! again with what was typed (422); for the table form's script, JSON.

use std::collections::BTreeSet;

use axum::http::header::ACCEPT;
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;
use tianping_app::bulk;
use tianping_app::domain::import;
use tianping_app::domain::listing;

use super::nav::{filter_query, has_answer, visible};
use super::table::{assessment_view, TableQ, Typed};
use super::*;

/// The route of this feature.
pub(super) fn routes() -> Router<App> {
    Router::new().route("/assessments/:id/answers", post(table_post))
}

/// Whether a typed value is the stored one (the same text, or the same number).
fn same_value(typed: &str, old: &str) -> bool {
    let (t, o) = (typed.trim(), old.trim());
    t == o
        || matches!(
            (import::number(t), import::number(o)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// A table form as sent: the changed rows as (indicator, value, source), what was typed by
/// item, and the values that are not numbers.
struct Sent {
    changed: Vec<(String, Value, Option<String>)>,
    typed: BTreeMap<String, [String; 4]>,
    errors: BTreeMap<String, String>,
}

fn read_form(l: Lang, fields: &[(String, String)]) -> Sent {
    let mut order: Vec<String> = Vec::new();
    let mut typed: BTreeMap<String, [String; 4]> = BTreeMap::new();
    for (k, v) in fields {
        let Some((kind, ind)) = k.split_once(':') else {
            continue;
        };
        let slot = match kind {
            "v" => 0,
            "o" => 1,
            "s" => 2,
            "os" => 3,
            _ => continue,
        };
        if !typed.contains_key(ind) {
            order.push(ind.to_string());
        }
        typed.entry(ind.to_string()).or_default()[slot] = v.clone();
    }
    let mut sent = Sent {
        changed: Vec::new(),
        typed: BTreeMap::new(),
        errors: BTreeMap::new(),
    };
    for ind in order {
        let [v, o, s, os] = &typed[&ind];
        let value_changed = !same_value(v, o);
        let source_changed = s != os && !v.trim().is_empty();
        if value_changed || source_changed {
            let value = if v.trim().is_empty() {
                Ok(Value::Null)
            } else {
                import::number(v).map(|x| json!(x))
            };
            match value {
                Ok(value) => sent.changed.push((
                    ind.clone(),
                    value,
                    Some(s.clone()).filter(|s| !s.is_empty()),
                )),
                Err(m) => {
                    sent.errors.insert(ind.clone(), m.text(l).to_string());
                }
            }
        }
    }
    sent.typed = typed;
    sent
}

/// The JSON answer to the table form's script.
#[derive(Serialize)]
struct Saved {
    /// The items saved.
    saved: Vec<String>,
    message: String,
    /// Answered counts by table key, and overall under "".
    counts: BTreeMap<String, String>,
    /// Messages by item (the empty key: the whole form).
    errors: BTreeMap<String, String>,
}

fn wants_json(h: &HeaderMap) -> bool {
    h.get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// Save a table form: the rows that changed, all or none. Without JavaScript: back to the
/// same list (303) or, with errors, the page again with what was typed (422); for the
/// script: JSON.
pub(super) async fn table_post(
    State(st): State<App>,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Res {
    let u = ctx.user()?;
    let l = ctx.lang;
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    ctx.check_csrf(&field("csrf"))?;
    let back = TableQ {
        table: field("table"),
        q: field("q"),
        unanswered: field("unanswered"),
        page: field("page"),
        ..TableQ::default()
    };
    let json = wants_json(&headers);
    // rows not written because the answer is protected (I-20): proposals or the same value
    let mut kept = 0;
    let sent = read_form(l, &fields);
    let ids: Vec<String> = sent.changed.iter().map(|(i, _, _)| i.clone()).collect();
    let result = if !sent.errors.is_empty() {
        Err((StatusCode::UNPROCESSABLE_ENTITY, sent.errors))
    } else if sent.changed.is_empty() {
        Ok(0)
    } else {
        match bulk::save_table(&st, u, id, sent.changed).await {
            Ok((_, k)) => {
                kept = k.len();
                Ok(ids.len() - kept)
            }
            Err(Error::Invalid(v)) => {
                let mut errors: BTreeMap<String, String> = BTreeMap::new();
                for e in v {
                    let ind = e
                        .field
                        .rsplit_once('.')
                        .map(|(i, _)| i.to_string())
                        .filter(|i| ids.contains(i))
                        .unwrap_or_default();
                    let text = e.message.text(l);
                    errors
                        .entry(ind)
                        .and_modify(|s| {
                            s.push_str(l.t("；", "; "));
                            s.push_str(text)
                        })
                        .or_insert_with(|| text.to_string());
                }
                Err((StatusCode::UNPROCESSABLE_ENTITY, errors))
            }
            Err(e @ (Error::Forbidden(_) | Error::Locked(_) | Error::Conflict(_))) => Err((
                crate::error::status(&e),
                BTreeMap::from([(String::new(), e.detail(l))]),
            )),
            Err(e) => return Err(e.into()),
        }
    };
    if json {
        return Ok(json_answer(&st, u, id, l, ids, result, kept).await?);
    }
    match result {
        Ok(n) => {
            let mut to = format!(
                "/assessments/{}?table={}{}&saved={}&kept={}",
                id,
                url_enc(&back.table),
                filter_query(&back.filter()),
                n,
                kept
            );
            if let Some(p) = back.page.trim().parse::<usize>().ok().filter(|p| *p > 1) {
                to.push_str(&format!("&page={}", p));
            }
            if let Some(first) = ids.first() {
                to.push_str("#ind-");
                to.push_str(&url_enc(first));
            }
            Ok(redirect(&to))
        }
        Err((status, errors)) => {
            let typed = Typed {
                rows: sent.typed,
                errors,
                status,
            };
            assessment_view(&st, &ctx, id, &back, &typed).await
        }
    }
}

/// The JSON answer: what was saved with the new counts, or the messages by item.
async fn json_answer(
    st: &App,
    u: &User,
    id: i64,
    l: Lang,
    ids: Vec<String>,
    result: Result<usize, (StatusCode, BTreeMap<String, String>)>,
    kept: usize,
) -> Result<Response, Error> {
    let (a, access) = assessments::get(st, u, id).await?;
    let plan = assessments::plan(st, &a)?;
    let rows = assessments::answers(st, u, &a, &access).await?;
    let answered: BTreeSet<&str> = rows
        .iter()
        .filter(|r| has_answer(r))
        .map(|r| r.indicator_id.as_str())
        .collect();
    let (tables, all) = listing::counts(
        visible(&plan, &access)
            .iter()
            .map(|lf| (lf.ind, answered.contains(lf.ind.id.as_str()))),
    );
    let mut counts: BTreeMap<String, String> = tables
        .iter()
        .map(|(t, c)| (t.to_string(), format!("{}/{}", c.answered, c.total)))
        .collect();
    counts.insert(String::new(), format!("{}/{}", all.answered, all.total));
    let (status, body) = match result {
        Ok(n) => (
            StatusCode::OK,
            Saved {
                message: match (n, kept) {
                    (0, 0) => l.t("没有修改", "Nothing changed").to_string(),
                    (n, 0) => format!("{}{}{}", l.t("已保存 ", "Saved "), n, l.t(" 项", " answers")),
                    (n, k) => format!(
                        "{}{}{}{}{}",
                        l.t("已保存 ", "Saved "),
                        n,
                        l.t(" 项；", " answers; "),
                        k,
                        l.t(
                            " 项答案受保护，你的值已作为异议提交给评价机构",
                            " answers are protected: your values went to the body as disputed proposals"
                        )
                    ),
                },
                saved: ids,
                counts,
                errors: BTreeMap::new(),
            },
        ),
        Err((status, errors)) => (
            status,
            Saved {
                message: l
                    .t(
                        "未保存：请改正标出的答案",
                        "Not saved: correct the marked answers",
                    )
                    .to_string(),
                saved: Vec::new(),
                counts,
                errors,
            },
        ),
    };
    Ok(with_status(status, Json(body).into_response()))
}
