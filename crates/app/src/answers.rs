//! Saving answers and experts' scores (each change kept as a version, re-scored, audited),
//! and assigning experts to items.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tianping_core::{Category, Method};
use tianping_domain::access::draft;
use tianping_domain::answer::{self as rules, SourceDecision};
use tianping_domain::{words, Access, FieldError, Msg, Role, Source};
use tianping_store::audit;
use tianping_store::repo::{self, User};
use tianping_store::review as review_store;

use crate::assessments;
use crate::precedence::{self, Guarded, Kept};
use crate::{actor, rescore, App, Error};

/// One answer as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerInput {
    /// The answer in the core's form: a number, experts' scores, Likert ratings, or (000) a
    /// value with its source; null clears it.
    pub value: Value,
    pub note: String,
    /// 000: where the answer comes from (self, platform, third_party, onsite).
    pub source: Option<String>,
}

/// What saving an answer did.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub indicator: String,
    pub revision: i64,
    pub value: Option<Value>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    /// For an expert's own score on a points item: how many experts have scored it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts_scored: Option<usize>,
    /// The save did not replace a protected answer (I-20): kept as the enterprise's
    /// disputed proposal, or the value was the answer's already.
    #[serde(skip)]
    pub kept: Option<Kept>,
}

/// The core's objections to an answer, on the value field, in words that say what to enter
/// (the core's own text, with its JSON forms, is for answer files).
fn answer_errors(errs: Vec<tianping_core::AnswerError>, expected: &Msg) -> Error {
    Error::Invalid(
        errs.into_iter()
            .map(|e| FieldError::msg("value", words::answer_problem(e.problem, expected)))
            .collect(),
    )
}

/// What the rules need to know of the item being answered.
struct Item {
    category: Option<Category>,
    expert_panel: bool,
    answer_max: f64,
}

/// An answer checked by every rule, ready to write.
pub(crate) struct Prepared {
    indicator: String,
    item: Item,
    /// The answer given (or, for an expert, their own score).
    value: Value,
    source: Option<Source>,
    note: String,
    /// An expert's own score on a points item (the item's answer derives from all experts');
    /// a null value withdraws it.
    expert_points: bool,
    /// The star scheme: the answer has a source and precedence applies (I-20).
    stars_scheme: bool,
}

/// Apply every rule to one answer: who may answer the item, its source (I-6), its value.
pub(crate) async fn prepare(
    app: &App,
    u: &User,
    a: &repo::Assessment,
    access: &Access,
    indicator: &str,
    input: &AnswerInput,
) -> Result<Prepared, Error> {
    if !access.sees_item(indicator) {
        return Err(Error::NotFound);
    }
    if matches!(access, Access::Read) {
        access.answer(None)?;
    }
    let plan = assessments::plan(app, a)?;
    let scheme = plan.scheme;
    let item = plan
        .leaves
        .iter()
        .find(|l| l.ind.id == indicator)
        .map(|l| Item {
            category: l.ind.category,
            expert_panel: l.ind.expert_panel,
            answer_max: l.answer_max,
        })
        .ok_or(Error::NotFound)?;
    // platform operators: 线上 items only, clearing one too
    access.answer(item.category)?;
    if input.note.chars().count() > 4000 {
        return Err(Error::invalid(
            "note",
            "备注最多 4000 字",
            "The note may have at most 4000 characters",
        ));
    }
    let stars_scheme = scheme.method == Method::Dimensions;
    let expert_points = matches!(access, Access::Expert(_)) && scheme.method == Method::Points;
    let mut value = input.value.clone();
    let mut source: Option<Source> = None;
    if stars_scheme && !value.is_null() {
        let SourceDecision {
            value: v,
            source: src,
            needs_evidence,
        } = rules::star_source(
            access,
            u.role,
            item.category,
            &value,
            input.source.as_deref(),
        )?;
        if needs_evidence {
            let has = repo::evidence_of(&app.store, a.id)
                .await?
                .iter()
                .any(|e| e.indicator_id == indicator);
            if !has {
                return Err(rules::evidence_required().into());
            }
        }
        value = v;
        source = Some(src);
    } else if !stars_scheme && input.source.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(rules::source_not_applicable().into());
    }
    let points = scheme.method == Method::Points;
    // only a body's points assessment has experts' items (the assignments are read only then)
    if !expert_points && points && a.org_id.is_some() {
        // I-13: an item scored by experts takes no direct answer (it would erase theirs)
        let assigned = repo::assignments(&app.store, a.id)
            .await?
            .iter()
            .filter(|x| x.indicator_id == indicator)
            .count();
        if rules::scored_by_experts(points, true, item.expert_panel, assigned) {
            return Err(rules::direct_save_refused(indicator, item.expert_panel).into());
        }
    }
    if expert_points && !value.is_null() {
        let x = value.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
            let max = tianping_core::fmt_num(item.answer_max);
            Error::invalid(
                "value",
                format!("请填写你的评分：0 至 {} 的分值", max),
                format!("Enter your score: a value from 0 to {}", max),
            )
        })?;
        value = json!(x);
    }
    if !value.is_null() {
        // the value against the item, by the core's own rules (that item alone: a check of
        // the whole answer set would visit every item of the scheme)
        if let Some((_, Err(e))) = plan.parse_one(indicator, &value) {
            let half = plan
                .scheme
                .indicator(indicator)
                .is_some_and(|i| i.half_points);
            let expected = words::expected(plan.kind, item.answer_max, half);
            return Err(answer_errors(vec![e], &expected));
        }
    }
    Ok(Prepared {
        indicator: indicator.to_string(),
        item,
        value,
        source,
        note: input.note.trim().to_string(),
        expert_points,
        stars_scheme,
    })
}

/// What writing one prepared answer did.
#[must_use = "the answer's audit entry must be appended before the commit"]
pub(crate) struct Written {
    /// The stored value (for an expert who withdrew their score: none, the others' stay
    /// hidden from them).
    pub(crate) value: Option<Value>,
    pub(crate) experts_scored: Option<usize>,
    pub(crate) kept: Option<Kept>,
    /// The answer's value as now stored, when an answer row was written (`Some(None)`: no
    /// answer); `None` when nothing was written (a proposal, an unchanged value).
    pub(crate) stored: Option<Option<Value>>,
    /// The audit entry still to append ([`Written::audit`]), last in the transaction.
    pub(crate) audit: Option<Entry>,
}

/// Write one prepared answer at revision `rev` with its version; its audit entry is returned
/// to be appended last ([`Written::audit`]). The stored
/// value and, for an expert's score, how many experts have scored the item. On the star
/// scheme the precedence rule decides first (I-20): a refusal is an error (the caller audits
/// it), a proposal or an unchanged value writes no answer.
pub(crate) async fn write(
    tx: &mut tianping_store::WriteTx,
    u: &User,
    a: &repo::Assessment,
    p: &Prepared,
    rev: i64,
) -> Result<Written, Error> {
    let before = repo::answer_tx(tx, a.id, &p.indicator).await?;
    if p.stars_scheme && !p.expert_points {
        let guarded = precedence::guard(
            tx,
            u,
            a,
            &p.indicator,
            &p.value,
            p.source,
            &p.note,
            before.as_ref(),
        )
        .await?;
        if let Guarded::Kept(kept) = guarded {
            let value = match before.as_ref().and_then(|b| b.value_json.as_deref()) {
                Some(v) => serde_json::from_str(v).ok(),
                None => None,
            };
            return Ok(Written {
                value,
                experts_scored: None,
                kept: Some(kept),
                stored: None,
                audit: None,
            });
        }
    }
    let mut experts_scored = None;
    let (stored_value, expert_id) = if p.expert_points {
        // I-13: an expert changes only their own score; the answer derives from all scores
        match p.value.as_f64() {
            Some(x) => repo::put_expert_score(tx, a.id, &p.indicator, u.id, x, &p.note).await?,
            None => {
                review_store::delete_expert_score(tx, a.id, &p.indicator, u.id).await?;
            }
        }
        let scores = repo::expert_scores_tx(tx, a.id, &p.indicator).await?;
        experts_scored = Some(scores.len());
        let values: Vec<f64> = scores.iter().map(|s| s.value).collect();
        (
            rules::panel_answer(&values, p.item.expert_panel),
            Some(u.id),
        )
    } else {
        ((!p.value.is_null()).then_some(p.value.clone()), None)
    };
    let note = if p.expert_points {
        before.as_ref().map(|b| b.note.clone()).unwrap_or_default()
    } else {
        p.note.clone()
    };
    let vj = stored_value.as_ref().map(|v| v.to_string());
    repo::put_answer(
        tx,
        &repo::AnswerWrite {
            assessment_id: a.id,
            indicator_id: &p.indicator,
            value_json: vj.as_deref(),
            note: &note,
            source: p.source,
            revision: rev,
            by: u.id,
            expert_id,
        },
    )
    .await?;
    let after = json!({
        "indicator": p.indicator, "value": stored_value, "note": note, "source": p.source,
        "source_label": p.source.map(|s| s.label(tianping_domain::Lang::Zh)),
        "expert_score": if p.expert_points { Some(&p.value) } else { None }, "revision": rev,
    });
    let entry = Entry {
        expert_score: p.expert_points,
        object_id: a.id.to_string(),
        before: before.as_ref().map(|b| json!(b)),
        after,
    };
    let withdrawn = p.expert_points && p.value.is_null();
    Ok(Written {
        value: if withdrawn {
            None
        } else {
            stored_value.clone()
        },
        experts_scored,
        kept: None,
        stored: Some(stored_value),
        audit: Some(entry),
    })
}

/// The audit entry of a written answer, appended by [`Written::audit`] as the last write of
/// the transaction: taking the audit head locks every other writer out until the commit
/// (on PostgreSQL a row lock), so it is taken when nothing but the commit is left.
pub(crate) struct Entry {
    /// An expert's own score (else an answer).
    expert_score: bool,
    object_id: String,
    before: Option<Value>,
    after: Value,
}

impl Written {
    /// Append this answer's audit entry (none when nothing was written: a proposal or an
    /// unchanged value). Call it after every other write of the transaction.
    pub(crate) async fn audit(
        &mut self,
        tx: &mut tianping_store::WriteTx,
        u: &User,
    ) -> Result<(), Error> {
        if let Some(e) = self.audit.take() {
            audit::append(
                tx,
                &actor(u),
                if e.expert_score {
                    "expert_score"
                } else {
                    "answer"
                },
                "assessment",
                &e.object_id,
                e.before.as_ref(),
                Some(&e.after),
            )
            .await?;
        }
        Ok(())
    }
}

/// A precedence refusal (409) of the save of `p`, audited in its own transaction; any other
/// error as it is.
async fn audited(app: &App, u: &User, a: &repo::Assessment, p: &Prepared, e: Error) -> Error {
    if let Error::Conflict(m) = &e {
        if let Err(x) = audit_refusal(app, u, a, p, m).await {
            return x;
        }
    }
    e
}

/// Record a precedence refusal of a prepared answer in the audit log (its own transaction).
pub(crate) async fn audit_refusal(
    app: &App,
    u: &User,
    a: &repo::Assessment,
    p: &Prepared,
    m: &Msg,
) -> Result<(), Error> {
    precedence::audit_refusal(app, u, a, &p.indicator, &p.value, m).await
}

pub(crate) fn locked() -> Error {
    Error::locked(
        "评价已提交并锁定，不能再修改答案",
        "The assessment is submitted and locked; answers can no longer change",
    )
}

/// Save one answer (or one expert's score), keep the change as a version, re-score, audit.
/// On the star scheme a save over a protected answer is the enterprise's proposal (see
/// `kept`) or refused (409, audited), I-20.
pub async fn save(
    app: &App,
    u: &User,
    assessment_id: i64,
    indicator: &str,
    input: &AnswerInput,
) -> Result<Saved, Error> {
    // the stored result is neither needed nor read: the save writes a new one
    let (a, access) = assessments::get_head(app, u, assessment_id).await?;
    let p = prepare(app, u, &a, &access, indicator, input).await?;
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_head_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    draft(cur.status).map_err(|_| locked())?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut w = match write(&mut tx, u, &a, &p, rev).await {
        Ok(w) => w,
        Err(e) => {
            tx.rollback().await?;
            return Err(audited(app, u, &a, &p, e).await);
        }
    };
    let changed: Vec<(&str, Option<&Value>)> = w
        .stored
        .iter()
        .map(|v| (p.indicator.as_str(), v.as_ref()))
        .collect();
    let scored = rescore::after_save(app, &mut tx, &cur, &changed).await?;
    w.audit(&mut tx, u).await?;
    tx.commit().await?;
    let show = access.sees_result();
    Ok(Saved {
        indicator: indicator.to_string(),
        revision: rev,
        value: w.value,
        score: show.then_some(scored.score),
        grade: if show { scored.grade } else { None },
        stars: if show { scored.stars } else { None },
        experts_scored: w.experts_scored,
        kept: w.kept,
    })
}

/// Save several answers at once under the same rules as [`save`], all or none, in one
/// revision with one re-score. Every item at fault is reported, each error on the field
/// `<indicator>.<field>` (a refusal by a permission rule on `<indicator>.value`); a precedence
/// refusal is audited and refuses the whole batch; the items kept as proposals or unchanged
/// are returned with why.
pub async fn save_many(
    app: &App,
    u: &User,
    assessment_id: i64,
    items: &[(String, AnswerInput)],
) -> Result<(i64, Vec<(String, Kept)>), Error> {
    let (a, access) = assessments::get_head(app, u, assessment_id).await?;
    if matches!(access, Access::Read) {
        access.answer(None)?;
    }
    draft(a.status).map_err(|_| locked())?;
    let mut prepared = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (indicator, input) in items {
        match prepare(app, u, &a, &access, indicator, input).await {
            Ok(p) => prepared.push(p),
            Err(Error::Invalid(v)) => errors.extend(
                v.into_iter()
                    .map(|e| FieldError::msg(&format!("{}.{}", indicator, e.field), e.message)),
            ),
            Err(Error::Forbidden(m)) => {
                errors.push(FieldError::msg(&format!("{}.value", indicator), m))
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_head_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    draft(cur.status).map_err(|_| locked())?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut kept = Vec::new();
    let mut written = Vec::with_capacity(prepared.len());
    for p in &prepared {
        match write(&mut tx, u, &a, p, rev).await {
            Ok(mut w) => {
                kept.extend(w.kept.take().map(|k| (p.indicator.clone(), k)));
                written.push(w);
            }
            Err(e) => {
                tx.rollback().await?;
                return Err(match audited(app, u, &a, p, e).await {
                    Error::Conflict(m) => Error::Conflict(Msg::new(
                        format!("{}：{}", p.indicator, m.zh),
                        format!("{}: {}", p.indicator, m.en),
                    )),
                    e => e,
                });
            }
        }
    }
    let changed: Vec<(&str, Option<&Value>)> = prepared
        .iter()
        .zip(&written)
        .filter_map(|(p, w)| {
            w.stored
                .as_ref()
                .map(|v| (p.indicator.as_str(), v.as_ref()))
        })
        .collect();
    rescore::after_save(app, &mut tx, &cur, &changed).await?;
    for w in &mut written {
        w.audit(&mut tx, u).await?;
    }
    tx.commit().await?;
    Ok((rev, kept))
}

/// Assign (or remove) an expert of the body on an item (several per item).
pub async fn assign_expert(
    app: &App,
    u: &User,
    id: i64,
    indicator: &str,
    expert_id: i64,
    remove: bool,
) -> Result<(), Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    u.principal()
        .assign_experts(&assessments::facts(app, &a), &access)?;
    let scheme = app.scheme(&a.scheme)?;
    if scheme.indicator(indicator).is_none() {
        return Err(Error::NotFound);
    }
    let expert = repo::get_user(&app.store, expert_id).await?;
    let Some(expert) =
        expert.filter(|e| e.role == Role::Expert && e.org_id == a.org_id && e.disabled == 0)
    else {
        return Err(Error::invalid(
            "expert_id",
            "请选择本机构的评价专家",
            "Choose an expert of this body",
        ));
    };
    let mut tx = app.begin().await?;
    let changed = if remove {
        repo::unassign(&mut tx, a.id, indicator, expert.id).await?
    } else {
        repo::assign(&mut tx, a.id, indicator, expert.id, u.id).await?
    };
    if changed {
        audit::append(
            &mut tx,
            &actor(u),
            if remove {
                "unassign_expert"
            } else {
                "assign_expert"
            },
            "assessment",
            &a.id.to_string(),
            None,
            Some(&json!({"indicator": indicator, "expert_id": expert.id, "expert": expert.email})),
        )
        .await?;
    }
    if changed && !remove {
        crate::notify::expert_assigned(app, &mut tx, &a, &expert).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The experts' own scores on an assessment obtained with [`assessments::get`]: an expert
/// sees their own, and the others' of an item only once they have scored it themselves
/// (I-13).
pub async fn expert_scores(
    app: &App,
    u: &User,
    a: &repo::Assessment,
    access: &Access,
) -> Result<Vec<repo::ExpertScore>, Error> {
    let all = repo::expert_scores(&app.store, a.id).await?;
    let scored: Vec<String> = all
        .iter()
        .filter(|s| s.expert_id == u.id)
        .map(|s| s.indicator_id.clone())
        .collect();
    Ok(all
        .into_iter()
        .filter(|s| {
            access.sees_item(&s.indicator_id)
                && rules::sees_panel_scores(access, scored.contains(&s.indicator_id))
        })
        .collect())
}

/// The experts assigned on an assessment obtained with [`assessments::get`].
pub async fn assignments(app: &App, a: &repo::Assessment) -> Result<Vec<repo::Assignment>, Error> {
    Ok(repo::assignments(&app.store, a.id).await?)
}

/// The versions of answers of an assessment obtained with [`assessments::get`] (of one
/// item, or all; the items the user sees).
pub async fn versions(
    app: &App,
    a: &repo::Assessment,
    access: &Access,
    indicator: Option<&str>,
) -> Result<Vec<repo::AnswerVersion>, Error> {
    Ok(repo::answer_versions(&app.store, a.id, indicator)
        .await?
        .into_iter()
        .filter(|v| access.sees_item(&v.indicator_id))
        .collect())
}
