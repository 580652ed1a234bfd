//! Assessments: who may do what with one, creating, scoring, lists (submitting:
//! [`crate::submission`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tianping_core::distance::Distance;
use tianping_core::stars::{apply_rules, Application, Granted};
use tianping_core::{Evaluation, Method, Plan, Profile, Scheme};
use tianping_domain::access::AssessmentFacts;
use tianping_domain::answer::sees_panel_scores;
use tianping_domain::{Access, FieldError, Mode, Msg, Role};
use tianping_store::repo::{self, Assessment, User};
use tianping_store::{answer_reads, audit};

use crate::kept::Kept;
use crate::plans::PackLayout;
use crate::{actor, App, Error};

/// The facts the permission rules need about an assessment.
pub fn facts(app: &App, a: &Assessment) -> AssessmentFacts {
    AssessmentFacts {
        org_id: a.org_id,
        star_scheme: app.star_scheme().is_some_and(|s| s.id == a.scheme),
        status: a.status,
    }
}

/// An assessment the user may see, with what they may do (or not found); its explanation
/// up to date ([`crate::rescore::fresh`]).
pub async fn get(app: &App, u: &User, id: i64) -> Result<(Assessment, Access), Error> {
    let (mut a, access, kept) = get_kept(app, u, id).await?;
    a.result_json = kept.map(|k| k.text().to_string());
    Ok((a, access))
}

/// [`get`] with the stored result kept in memory ([`crate::kept`]) instead of in
/// `result_json` (always `None` here): the row's head is read with who may see it, and the
/// stored text only when this process does not keep it under the head's `result_seq`. A
/// stale explanation is rebuilt first, as by [`get`].
pub async fn get_kept(
    app: &App,
    u: &User,
    id: i64,
) -> Result<(Assessment, Access, Option<Arc<Kept>>), Error> {
    let head = repo::assessment_head_visible(&app.store, u.principal().scope(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let access = access_to(app, u, &head).await?;
    if head.explanation_stale == 0 {
        if let Some(k) = app.kept.get(head.id, head.result_seq) {
            return Ok((head, access, Some(k)));
        }
    }
    // the whole row, read again: what it says holds together even if a save came between
    let mut a = repo::get_assessment(&app.store, id)
        .await?
        .ok_or(Error::NotFound)?;
    // a stale explanation is rebuilt; it is kept once its store has numbered it
    if let Some(rebuilt) = crate::rescore::fresh_kept(app, &mut a).await? {
        a.result_json = None;
        return Ok((a, access, Some(rebuilt)));
    }
    let kept = a
        .result_json
        .take()
        .map(|t| Arc::new(Kept::new(a.id, a.result_seq, t)));
    if let Some(k) = &kept {
        app.kept.put(k.clone());
    }
    Ok((a, access, kept))
}

/// An assessment by id, whoever asks (for the use cases that checked access another way),
/// its explanation up to date ([`crate::rescore::fresh`]).
pub async fn load(app: &App, id: i64) -> Result<Option<Assessment>, Error> {
    let Some(mut a) = repo::get_assessment(&app.store, id).await? else {
        return Ok(None);
    };
    crate::rescore::fresh(app, &mut a).await?;
    Ok(Some(a))
}

/// [`get`] without the stored result (`result_json` is `None`): for a save, which writes a
/// new result and never reads the old one.
pub async fn get_head(app: &App, u: &User, id: i64) -> Result<(Assessment, Access), Error> {
    let a = repo::assessment_head_visible(&app.store, u.principal().scope(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let access = access_to(app, u, &a).await?;
    Ok((a, access))
}

/// What the user may do with an assessment they see.
async fn access_to(app: &App, u: &User, a: &Assessment) -> Result<Access, Error> {
    let items = if u.role == Role::Expert {
        repo::assignments(&app.store, a.id)
            .await?
            .into_iter()
            .filter(|x| x.expert_id == u.id)
            .map(|x| x.indicator_id)
            .collect()
    } else {
        Vec::new()
    };
    Ok(u.principal().access(&facts(app, a), || items))
}

/// A page of the assessments the user may see (of one enterprise, or all), and how many
/// there are. Totals, grades and stars are removed for people who must not see them.
pub async fn list(
    app: &App,
    u: &User,
    enterprise_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Assessment>, i64), Error> {
    let (mut rows, total) = repo::list_assessments(
        &app.store,
        u.principal().scope(),
        enterprise_id,
        limit,
        offset,
    )
    .await?;
    if !u.principal().sees_totals() {
        for a in &mut rows {
            hide_result(a);
        }
    }
    Ok((rows, total))
}

/// Remove the figures of a result from a row (for experts, I-13).
pub fn hide_result(a: &mut Assessment) {
    a.score = None;
    a.grade = None;
    a.stars = None;
    a.result_json = None;
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AssessmentInput {
    pub enterprise_id: String,
    pub scheme: String,
    pub variant: String,
    pub title: String,
    pub profile: String,
    /// 000 only: comprehensive stars held now, and whether this is the first application.
    pub current_stars: String,
    pub first_application: String,
}

pub async fn create(app: &App, u: &User, i: &AssessmentInput) -> Result<Assessment, Error> {
    let mut errs = Vec::new();
    let eid: i64 = i
        .enterprise_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid("enterprise_id", "请选择企业", "Choose an enterprise"))?;
    let ent = crate::enterprises::get(app, u, eid).await.map_err(|_| {
        Error::invalid(
            "enterprise_id",
            "没有这家企业（或你无权为它创建评价）",
            "No such enterprise (or you may not create assessments for it)",
        )
    })?;
    let (org_id, mode) = u.principal().new_assessment()?;
    let scheme = app.scheme(i.scheme.trim())?;
    let variant = match i.variant.trim() {
        "" => None,
        v => Some(v),
    };
    let profile = match (i.profile.trim(), u.principal().set_profile()) {
        ("", _) => None,
        (_, Err(tianping_domain::Denied::Invalid(v))) => {
            errs.extend(v);
            None
        }
        (_, Err(d)) => return Err(d.into()),
        (text, Ok(())) => match Profile::parse("profile", text) {
            Ok(p) => Some(p),
            Err(m) => {
                errs.push(FieldError::msg(
                    "profile",
                    Msg::wrap("The profile is invalid", m),
                ));
                None
            }
        },
    };
    let variant = match Plan::new(scheme, variant, profile.as_ref()) {
        Ok(plan) => variant.and(plan.variant.map(|v| v.id.clone())),
        Err(e) => {
            let (field, en) = if e.0.contains("配置") {
                ("profile", "The profile does not fit the scheme")
            } else {
                ("variant", "The variant is invalid")
            };
            errs.push(FieldError::msg(field, Msg::wrap(en, e.0)));
            None
        }
    };
    let title = match i.title.trim() {
        "" => format!("{} {}", ent.name, scheme.name),
        t if t.chars().count() > 200 => {
            errs.push(FieldError::new(
                "title",
                "标题最多 200 字",
                "The title may have at most 200 characters",
            ));
            String::new()
        }
        t => t.to_string(),
    };
    let stars_rules = scheme.method == Method::Dimensions;
    let current_stars = match i.current_stars.trim() {
        "" => 0,
        s => match s.parse::<i64>() {
            Ok(n) if (0..=5).contains(&n) && stars_rules => n,
            Ok(_) | Err(_) if stars_rules => {
                errs.push(FieldError::new(
                    "current_stars",
                    "现有星级应为 0 至 5",
                    "The current stars must be 0 to 5",
                ));
                0
            }
            _ => {
                errs.push(FieldError::new(
                    "current_stars",
                    "现有星级只适用于星级评价方案",
                    "Current stars apply only to the star rating scheme",
                ));
                0
            }
        },
    };
    let first = match i.first_application.trim() {
        "" => current_stars == 0,
        "1" | "true" | "on" | "yes" => true,
        "0" | "false" | "off" | "no" => false,
        _ => {
            errs.push(FieldError::new(
                "first_application",
                "应为 true 或 false",
                "Must be true or false",
            ));
            true
        }
    };
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let mut tx = app.begin().await?;
    let a = repo::create_assessment(
        &mut tx,
        &repo::NewAssessment {
            enterprise_id: ent.id,
            org_id,
            scheme: &scheme.id,
            variant: variant.as_deref(),
            profile_name: profile.as_ref().map(|p| p.name.as_str()),
            profile_text: profile.as_ref().map(|_| i.profile.trim()),
            profile_hash: profile.as_ref().map(|p| p.hash.as_str()),
            mode,
            title: &title,
            current_stars,
            first_application: first,
            created_by: u.id,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!(a)),
    )
    .await?;
    let scored = score(app, &a, &[])?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    tx.commit().await?;
    repo::get_assessment(&app.store, a.id)
        .await?
        .ok_or(Error::NotFound)
}

/// A computed result, ready to store.
pub struct Scored {
    /// The result as stored: [`ResultView`] as compact JSON.
    pub result_json: String,
    pub score: f64,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub scheme_version: String,
    /// The answers scored, packed for bulk re-grading (`tianping_core::pack`).
    pub pack: Vec<u8>,
    pub layout: Arc<PackLayout>,
    /// Whether the layout may not be in the database yet (then written with the pack).
    pub layout_new: bool,
}

impl Scored {
    pub fn stored(&self) -> repo::StoredResult<'_> {
        repo::StoredResult {
            scheme_version: &self.scheme_version,
            engine_version: tianping_core::ENGINE_VERSION,
            result_json: &self.result_json,
            score: Some(self.score),
            grade: self.grade.as_deref(),
            stars: self.stars,
            pack: Some(tianping_store::packs::Pack {
                layout: &self.layout.digest,
                layout_text: &self.layout.text,
                layout_new: self.layout_new,
                bytes: &self.pack,
            }),
        }
    }
}

/// The answers of an assessment as the core takes them.
pub fn answer_map(rows: &[repo::AnswerRow]) -> Result<BTreeMap<String, Value>, Error> {
    let mut m = BTreeMap::new();
    for r in rows {
        if let Some(v) = &r.value_json {
            let v: Value = serde_json::from_str(v).map_err(|e| {
                Error::Internal(format!("answer {} is not JSON: {}", r.indicator_id, e))
            })?;
            m.insert(r.indicator_id.clone(), v);
        }
    }
    Ok(m)
}

/// The stored answers of an assessment as the core takes them, read in one row (not one row
/// per answer: at 5,900 items that was most of a page's time).
pub async fn stored_answers(app: &App, a: &Assessment) -> Result<BTreeMap<String, Value>, Error> {
    let text = answer_reads::answer_values(&app.store, a.id).await?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Internal(format!(
            "the answers of assessment {} are not JSON: {}",
            a.id, e
        ))
    })
}

/// The ids of the answered items the user may see (an expert: as [`answers`] shows them),
/// read in one row.
pub async fn answered_ids(
    app: &App,
    u: &User,
    a: &Assessment,
    access: &Access,
) -> Result<std::collections::HashSet<String>, Error> {
    if matches!(access, Access::Expert(_)) {
        return Ok(answers(app, u, a, access)
            .await?
            .into_iter()
            .filter(|r| r.value_json.as_deref().is_some_and(|v| v != "null"))
            .map(|r| r.indicator_id)
            .collect());
    }
    Ok(answer_reads::answered_ids(&app.store, a.id)
        .await?
        .into_iter()
        .filter(|id| access.sees_item(id))
        .collect())
}

/// The ids of the answers the enterprise declared itself (the only ones that can await
/// verification), read in one row.
pub async fn self_declared_ids(
    app: &App,
    a: &Assessment,
) -> Result<std::collections::HashSet<String>, Error> {
    Ok(answer_reads::self_declared_ids(&app.store, a.id)
        .await?
        .into_iter()
        .collect())
}

/// The (cached) plan of an assessment.
pub fn plan(app: &App, a: &Assessment) -> Result<Arc<Plan<'static>>, Error> {
    Ok(packed_plan(app, a)?.0)
}

/// The (cached) plan of an assessment with its pack layout.
pub fn packed_plan(
    app: &App,
    a: &Assessment,
) -> Result<(Arc<Plan<'static>>, Arc<PackLayout>), Error> {
    let scheme = app
        .catalog
        .get(&a.scheme)
        .ok_or_else(|| Error::Internal(format!("scheme {} not in catalog", a.scheme)))?;
    app.plans.get_packed(
        scheme,
        a.variant.as_deref(),
        a.profile_text.as_deref(),
        a.profile_hash.as_deref(),
    )
}

/// Score an assessment from its stored answers: the evaluation and, for the star scheme,
/// the stars granted under the application rules (I-6). Deterministic.
pub fn score(app: &App, a: &Assessment, rows: &[repo::AnswerRow]) -> Result<Scored, Error> {
    score_answers(app, a, &answer_map(rows)?)
}

/// [`score`] of answers already read ([`stored_answers`]).
pub fn score_answers(
    app: &App,
    a: &Assessment,
    answers: &BTreeMap<String, Value>,
) -> Result<Scored, Error> {
    let (plan, layout) = packed_plan(app, a)?;
    let parsed = plan.parse_answers(answers).map_err(|errs| {
        Error::Internal(
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let ev = plan.evaluate_parsed(&parsed);
    let pack = tianping_core::pack::encode(&tianping_core::pack::values_of(&parsed));
    let granted = (plan.scheme.method == Method::Dimensions).then(|| {
        apply_rules(
            Application {
                current_stars: a.current_stars.clamp(0, 5) as u8,
                first_application: a.first_application != 0,
                mode: a.mode.core(),
            },
            ev.stars.unwrap_or(0),
            &ev.dimensions,
        )
    });
    let view = ResultView {
        evaluation: ev,
        granted,
        mode: a.mode,
    };
    // written straight to text (the same bytes as through a generic value, without building
    // one: a save at 5,900 items built a 2 MB tree only to print it)
    let result_json = serde_json::to_string(&view)
        .map_err(|e| Error::Internal(format!("result not serialisable: {}", e)))?;
    Ok(Scored {
        result_json,
        score: view.evaluation.total.score,
        grade: view.evaluation.grade.as_ref().map(|g| g.code.clone()),
        stars: view.granted.as_ref().map(|g| g.stars as i64),
        scheme_version: plan.scheme.version.clone(),
        pack,
        layout_new: app.plans.layout_maybe_new(&layout.digest),
        layout,
    })
}

/// The stored result of an assessment, typed: what [`score`] writes as `result_json` and what
/// pages (and later PDF and Excel) read. Field names are the stored keys, so a renamed field
/// in the core fails to parse (and a test) instead of leaving a figure out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    /// The core's evaluation: totals, grade, trace, nodes, dimensions, stars supported.
    pub evaluation: Evaluation,
    /// The star scheme only: the stars granted under the application rules (I-6).
    pub granted: Option<Granted>,
    pub mode: Mode,
}

impl ResultView {
    /// Parse a stored result.
    pub fn parse(text: &str) -> Result<ResultView, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// How far the result is from each grade, level or star it did not reach (see
    /// [`tianping_core::distance`]). Computed when read, never stored, so a stored result of
    /// any age is measured by the scheme's rules.
    pub fn distances(&self, scheme: &Scheme) -> Vec<Distance> {
        tianping_core::distance::distances(scheme, &self.evaluation)
    }

    /// How many indicators have an answer, and how many there are.
    pub fn answered(&self) -> (usize, usize) {
        let e = &self.evaluation;
        let total = e.indicators.len();
        (total - e.unanswered.len().min(total), total)
    }
}

/// The stored result of an assessment as a typed view (`None` before it was ever scored). A
/// stored result this engine cannot read is an internal error naming the assessment, never
/// an empty page.
pub fn result_view(a: &Assessment) -> Result<Option<ResultView>, Error> {
    let Some(text) = a.result_json.as_deref() else {
        return Ok(None);
    };
    not_stale(a)?;
    ResultView::parse(text)
        .map(Some)
        .map_err(|e| Error::Internal(crate::kept::unreadable(a.id, &e.to_string())))
}

/// A stale explanation is never shown: whoever read the assessment without
/// [`crate::rescore::fresh`] gets an internal error, not an old result.
fn not_stale(a: &Assessment) -> Result<(), Error> {
    if a.explanation_stale != 0 {
        return Err(Error::Internal(format!(
            "the explanation of assessment {} is stale (revision {}) and was read without being rebuilt",
            a.id, a.revision
        )));
    }
    Ok(())
}

/// The distances of a stored result measured from its figures alone: the text is scanned
/// once, never read whole into a [`ResultView`], so serving a result costs what copying it
/// costs. The same distances as [`ResultView::distances`]; why the text cannot be read.
pub fn figures_distances(scheme: &Scheme, text: &str) -> Result<Vec<Distance>, String> {
    #[derive(Deserialize)]
    struct Stored {
        evaluation: tianping_core::distance::Figures,
    }
    let stored: Stored = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(tianping_core::distance::measure(scheme, &stored.evaluation))
}

/// Submit and lock an assessment without asking for an acknowledgement of unanswered items
/// (the demo and the API; see [`crate::submission::submit`]).
pub async fn submit(app: &App, u: &User, id: i64) -> Result<Assessment, Error> {
    let (a, _) = crate::submission::submit(app, u, id, crate::submission::Ack::NotAsked).await?;
    Ok(a)
}

/// The stored answers of an assessment obtained with [`get`] (the items the user sees). An
/// expert on a points scheme sees an item's answer (derived from every expert's score) only
/// once they have scored it themselves (I-13).
pub async fn answers(
    app: &App,
    u: &User,
    a: &Assessment,
    access: &Access,
) -> Result<Vec<repo::AnswerRow>, Error> {
    let rows = repo::answers(&app.store, a.id).await?;
    seen(app, u, a, access, rows).await
}

/// The answer rows of some items, as [`answers`] shows them, for a page that shows those
/// items only.
pub async fn answers_of(
    app: &App,
    u: &User,
    a: &Assessment,
    access: &Access,
    ids: &[&str],
) -> Result<Vec<repo::AnswerRow>, Error> {
    let rows = answer_reads::answers_in(&app.store, a.id, ids).await?;
    seen(app, u, a, access, rows).await
}

/// The rows of `rows` the user sees: the items they see and, for an expert on a points
/// scheme, only the items they have scored themselves (I-13).
async fn seen(
    app: &App,
    u: &User,
    a: &Assessment,
    access: &Access,
    rows: Vec<repo::AnswerRow>,
) -> Result<Vec<repo::AnswerRow>, Error> {
    let panel = matches!(access, Access::Expert(_))
        && app
            .scheme(&a.scheme)
            .is_ok_and(|s| s.method == Method::Points);
    let scored: Vec<String> = if panel {
        repo::expert_scores(&app.store, a.id)
            .await?
            .into_iter()
            .filter(|s| s.expert_id == u.id)
            .map(|s| s.indicator_id)
            .collect()
    } else {
        Vec::new()
    };
    Ok(rows
        .into_iter()
        .filter(|r| access.sees_item(&r.indicator_id))
        .filter(|r| !panel || sees_panel_scores(access, scored.contains(&r.indicator_id)))
        .collect())
}

/// The enterprise of an assessment the user sees (seeing the assessment lets one see whose
/// it is).
pub async fn enterprise_of(app: &App, a: &Assessment) -> Result<Option<repo::Enterprise>, Error> {
    Ok(repo::get_enterprise(&app.store, a.enterprise_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tianping_core::AnswerKind;

    /// Answers for two leaves in three (the rest unanswered), or full marks for all. On the
    /// star scheme every other partial answer is self-declared, so some are given but not
    /// counted.
    fn answers(plan: &Plan, full: bool) -> BTreeMap<String, Value> {
        let dims = plan.scheme.method == Method::Dimensions;
        plan.leaves
            .iter()
            .enumerate()
            .filter(|(n, _)| full || n % 3 != 0)
            .map(|(n, l)| {
                let v = match plan.kind {
                    AnswerKind::Points if full || n % 2 == 0 => json!(l.answer_max),
                    AnswerKind::Points => json!(0),
                    AnswerKind::Level if full => json!(5),
                    AnswerKind::Level => json!(n % 6),
                    AnswerKind::Coefficient if dims && full => {
                        json!({"value": 100, "source": "onsite"})
                    }
                    AnswerKind::Coefficient if dims => {
                        let source = if n % 2 == 0 { "self" } else { "onsite" };
                        json!({"value": (n * 7) % 101, "source": source})
                    }
                    AnswerKind::Coefficient if full => json!(100),
                    AnswerKind::Coefficient => json!((n * 7) % 101),
                };
                (l.ind.id.clone(), v)
            })
            .collect()
    }

    /// Every shipped scheme and variant, evaluated on a mix of answers, with the stars
    /// granted where the scheme has stars.
    fn shipped_results() -> Vec<(String, ResultView)> {
        let catalog = tianping_catalog::Catalog::load(None).unwrap();
        let mut out = Vec::new();
        for s in &catalog.schemes {
            let variants: Vec<Option<&str>> = if s.variants.is_empty() {
                vec![None]
            } else {
                s.variants.iter().map(|v| Some(v.id.as_str())).collect()
            };
            for (v, full) in variants.into_iter().flat_map(|v| [(v, false), (v, true)]) {
                let name = format!("{} {} full={}", s.id, v.unwrap_or(""), full);
                let plan = Plan::new(s, v, None).unwrap();
                let ev = plan.evaluate(&answers(&plan, full), false).unwrap();
                let granted = (s.method == Method::Dimensions).then(|| {
                    apply_rules(
                        Application {
                            current_stars: 3,
                            first_application: false,
                            mode: Mode::Onsite.core(),
                        },
                        ev.stars.unwrap_or(0),
                        &ev.dimensions,
                    )
                });
                let view = ResultView {
                    evaluation: ev,
                    granted,
                    mode: Mode::Onsite,
                };
                out.push((name, view));
            }
        }
        out
    }

    #[test]
    fn a_stored_result_reads_back_as_the_same_value() {
        let results = shipped_results();
        assert!(results
            .iter()
            .any(|(_, r)| r.granted.is_some() && !r.evaluation.dimensions.is_empty()));
        assert!(results.iter().any(|(_, r)| r.evaluation.grade.is_some()));
        assert!(results
            .iter()
            .any(|(_, r)| !r.evaluation.not_counted.is_empty()));
        for (name, view) in results {
            // through JSON values: exactly the same typed value
            let value = serde_json::to_value(&view).unwrap();
            let back: ResultView = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(back, view, "{name}");
            let ev: Evaluation =
                serde_json::from_value(serde_json::to_value(&view.evaluation).unwrap()).unwrap();
            assert_eq!(ev, view.evaluation, "{name}");
            // through the stored text: every key read back (floats are compared as parsed
            // from the same text, since re-parsing may move one by a unit in the last place)
            let text = value.to_string();
            let read = ResultView::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let as_stored: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_value(&read).unwrap(), as_stored, "{name}");
        }
    }

    #[test]
    fn the_typed_result_is_stored_with_the_bytes_of_the_former_json() {
        for (name, view) in shipped_results() {
            let former = json!({
                "evaluation": view.evaluation,
                "granted": view.granted,
                "mode": view.mode,
            });
            assert_eq!(
                serde_json::to_value(&view).unwrap().to_string(),
                former.to_string(),
                "{name}"
            );
        }
    }

    #[test]
    fn a_renamed_field_fails_to_read_instead_of_blanking_a_page() {
        let (_, view) = shipped_results().remove(0);
        let mut v = serde_json::to_value(&view).unwrap();
        let ev = v["evaluation"].as_object_mut().unwrap();
        let trace = ev.remove("grade_trace").unwrap();
        ev.insert("grading_trace".into(), trace);
        let e = ResultView::parse(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("grade_trace"), "{e}");
    }
}
