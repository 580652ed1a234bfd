//! The gap to the next outcome and what-if (DESIGN I-23), for an assessment the person sees
//! with its result: the planner is `tianping-insight`'s; this reads the stored answers,
//! applies what the person typed without saving anything, and carries the typed result to
//! the pages, the API and the reports. Also a body's view of its clients: how their grades
//! are distributed and which indicators most often keep them from the next one.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use tianping_core::Plan;
use tianping_insight::{gap as plan_gap, parse_target, Gap};
use tianping_store::insight as store;
use tianping_store::repo::{self, User};

use crate::kept::Kept;
use crate::{assessments, App, Error};

fn refused(e: tianping_insight::GapError) -> Error {
    Error::invalid("target", e.0.clone(), e.0)
}

/// The gap of a set of answers under a plan, towards `target` (the next better outcome when
/// none).
pub fn gap_of(
    plan: &Plan,
    answers: &BTreeMap<String, Value>,
    target: Option<&str>,
) -> Result<Gap, Error> {
    let parsed = plan.parse_answers(answers).map_err(|errs| {
        Error::Invalid(
            errs.iter()
                .map(|e| tianping_domain::FieldError::new(&e.indicator, &e.message, &e.message))
                .collect(),
        )
    })?;
    let t = match target.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(parse_target(plan, t).map_err(refused)?),
        None => None,
    };
    plan_gap(plan, &parsed, t.as_ref()).map_err(refused)
}

/// The gap of an assessment's stored answers (404 for what the person may not see with its
/// result).
pub async fn gap(app: &App, u: &User, id: i64, target: Option<&str>) -> Result<Gap, Error> {
    let (a, access, kept) = assessments::get_kept(app, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    match target.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Gap::clone(&*next_gap(app, &a, kept.as_deref()).await?)),
        Some(_) => gap_of_assessment(app, &a, target).await,
    }
}

/// The gap towards the next better outcome of an assessment read with its kept result
/// ([`assessments::get_kept`]): worked out once per stored result and kept with it.
pub async fn next_gap(
    app: &App,
    a: &repo::Assessment,
    kept: Option<&Kept>,
) -> Result<Arc<Gap>, Error> {
    match kept {
        Some(k) => k
            .gap_cell()
            .get_or_try_init(|| async { gap_of_assessment(app, a, None).await.map(Arc::new) })
            .await
            .cloned(),
        None => gap_of_assessment(app, a, None).await.map(Arc::new),
    }
}

/// The gap of an assessment already read and allowed (the result page and the report hold
/// it): its stored answers under its cached plan.
pub async fn gap_of_assessment(
    app: &App,
    a: &repo::Assessment,
    target: Option<&str>,
) -> Result<Gap, Error> {
    let answers = assessments::stored_answers(app, a).await?;
    let plan = assessments::plan(app, a)?;
    gap_of(&plan, &answers, target)
}

/// What the result would be with some answers changed: nothing is saved.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    pub assessment_id: i64,
    /// The indicators whose answer was changed (or cleared, with `null`).
    pub changed: Vec<String>,
    /// The gap of the changed answers: `current` is the result with the changes.
    pub gap: Gap,
    /// The stored answers (before the changes), for a form that shows them.
    #[serde(skip)]
    pub stored: BTreeMap<String, Value>,
    /// The assessment's plan (its leaves are the form's rows).
    #[serde(skip)]
    pub plan: std::sync::Arc<Plan<'static>>,
}

/// The result and gap of an assessment with `changes` applied to its stored answers (a
/// `null` clears one); nothing is written. Bad values are refused naming the indicator.
pub async fn what_if(
    app: &App,
    u: &User,
    id: i64,
    changes: &BTreeMap<String, Value>,
    target: Option<&str>,
) -> Result<WhatIf, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    let rows = repo::answers(&app.store, a.id).await?;
    let stored = assessments::answer_map(&rows)?;
    let mut answers = stored.clone();
    let plan = assessments::plan(app, &a)?;
    let mut changed = Vec::new();
    for (k, v) in changes {
        if !plan.leaves.iter().any(|l| l.ind.id == *k) {
            return Err(Error::invalid(
                k,
                format!("指标 {k} 不在本评价中"),
                format!("Indicator {k} is not in this assessment"),
            ));
        }
        let before = answers.get(k).cloned();
        match v {
            Value::Null => {
                answers.remove(k);
            }
            Value::String(s) if s.trim().is_empty() => {
                answers.remove(k);
            }
            Value::String(s) => {
                let n: f64 = s.trim().parse().map_err(|_| {
                    Error::invalid(
                        k,
                        format!("指标 {k} 的答案 “{s}” 不是数字"),
                        format!("The answer to {k}, “{s}”, is not a number"),
                    )
                })?;
                answers.insert(k.clone(), with_value(before.as_ref(), Value::from(n)));
            }
            v if v.is_number() => {
                answers.insert(k.clone(), with_value(before.as_ref(), v.clone()));
            }
            v => {
                answers.insert(k.clone(), v.clone());
            }
        }
        if answers.get(k) != before.as_ref() {
            changed.push(k.clone());
        }
    }
    let gap = gap_of(&plan, &answers, target)?;
    Ok(WhatIf {
        assessment_id: a.id,
        changed,
        gap,
        stored,
        plan,
    })
}

/// A number tried in place of a stored answer: a sourced answer (`{"value", "source",
/// "verified"}`, I-6) keeps its source and verification and changes only its value, as a save
/// by the same person would; anything else becomes the number.
fn with_value(stored: Option<&Value>, n: Value) -> Value {
    match stored {
        Some(Value::Object(m)) if m.contains_key("value") => {
            let mut m = m.clone();
            m.insert("value".into(), n);
            Value::Object(m)
        }
        _ => n,
    }
}

/// The number a form shows for a stored answer: the number itself or a sourced answer's value
/// (none for an expert panel's or a questionnaire's answer).
pub fn shown_number(stored: Option<&Value>) -> Option<String> {
    match stored {
        None => Some(String::new()),
        Some(v) if v.is_number() => Some(v.to_string()),
        Some(Value::Object(m)) => m
            .get("value")
            .filter(|v| v.is_number())
            .map(|v| v.to_string()),
        _ => None,
    }
}

/// An indicator that keeps clients from their next outcome, and how many.
#[derive(Debug, Clone, Serialize)]
pub struct CommonGap {
    pub indicator: String,
    pub name: String,
    pub clients: usize,
}

/// A body's clients under one scheme: their latest results' outcomes and common gaps.
#[derive(Debug, Clone, Serialize)]
pub struct ClientsView {
    pub org_id: i64,
    pub scheme: String,
    pub scheme_name: String,
    /// Clients with a scored result of the scheme.
    pub clients: usize,
    /// How many hold each grade (or stars), best first; “—” for none.
    pub outcomes: Vec<(String, usize)>,
    /// The indicators most often in the plans to the next outcome, most first (at most 10).
    pub common_gaps: Vec<CommonGap>,
    /// The outcomes as bars (none without clients).
    #[serde(skip)]
    pub chart: Option<tianping_charts::Chart>,
}

/// The distribution of a body's clients' latest results of a scheme and the indicators most
/// often in their plans to the next outcome: the body's staff (and platform admins) only.
pub async fn clients(
    app: &App,
    u: &User,
    org_id: i64,
    scheme_id: &str,
    lang: tianping_domain::Lang,
) -> Result<ClientsView, Error> {
    if !u.principal().sees_clients_of(org_id) {
        return Err(Error::NotFound);
    }
    let scheme = app.scheme(scheme_id)?;
    let mut rows = store::of_org(&app.store, org_id, scheme_id).await?;
    crate::rescore::fresh_all(app, &mut rows).await?;
    let mut latest: HashMap<i64, &repo::Assessment> = HashMap::new();
    for a in &rows {
        latest.entry(a.enterprise_id).or_insert(a);
    }
    let mut counts: HashMap<String, (String, usize)> = HashMap::new();
    let mut outcomes = Vec::new();
    for a in latest.values() {
        outcomes.push(
            a.grade
                .clone()
                .or_else(|| a.stars.map(|s| format!("{s}★")))
                .unwrap_or_else(|| "—".into()),
        );
        let answers = assessments::answer_map(&repo::answers(&app.store, a.id).await?)?;
        let plan = assessments::plan(app, a)?;
        // a result the planner cannot read is left out of the common gaps, not fatal
        if let Ok(g) = gap_of(&plan, &answers, None) {
            for c in &g.plan.changes {
                let e = counts
                    .entry(c.indicator.clone())
                    .or_insert_with(|| (c.path.last().cloned().unwrap_or_default(), 0));
                e.1 += 1;
            }
        }
    }
    let order: Vec<&str> = scheme.grades.iter().map(|g| g.code.as_str()).collect();
    let mut common: Vec<CommonGap> = counts
        .into_iter()
        .map(|(indicator, (name, clients))| CommonGap {
            indicator,
            name,
            clients,
        })
        .collect();
    common.sort_by(|a, b| {
        b.clients
            .cmp(&a.clients)
            .then(a.indicator.cmp(&b.indicator))
    });
    common.truncate(10);
    let outcomes = tianping_insight::peers::tally(outcomes.iter().map(String::as_str), &order);
    let bands: Vec<tianping_charts::Band> = outcomes
        .iter()
        .map(|(o, n)| tianping_charts::Band {
            label: o.clone(),
            count: *n,
        })
        .collect();
    Ok(ClientsView {
        chart: tianping_charts::distribution(&bands, None, lang),
        org_id,
        scheme: scheme.id.clone(),
        scheme_name: scheme.name.clone(),
        clients: latest.len(),
        outcomes,
        common_gaps: common,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_tried_number_keeps_the_answers_source() {
        let self_declared = json!({"value": 60, "source": "self", "verified": false});
        assert_eq!(
            with_value(Some(&self_declared), json!(80)),
            json!({"value": 80, "source": "self", "verified": false})
        );
        assert_eq!(with_value(Some(&json!(2.5)), json!(3)), json!(3));
        assert_eq!(with_value(None, json!(3)), json!(3));
        assert_eq!(shown_number(Some(&self_declared)).as_deref(), Some("60"));
        assert_eq!(shown_number(Some(&json!({"experts": [1, 2]}))), None);
        assert_eq!(shown_number(None).as_deref(), Some(""));
    }
}
