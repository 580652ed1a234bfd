//! Submitting with care and withdrawing: what a submission would leave out (unanswered items,
//! self-declared answers not yet verified) and the result it would lock in; submitting with
//! the unanswered items acknowledged; withdrawing until the body has acted on it.

use serde::Serialize;
use serde_json::{json, Value};
use tianping_core::Plan;
use tianping_domain::submission::{self as rules, VersionBy};
use tianping_domain::{Access, AssessmentStatus};
use tianping_store::audit;
use tianping_store::repo::{self, Assessment, User};
pub use tianping_store::submission::Submission;

use crate::{actor, assessments, App, Error};

/// What a submission would leave out and the result it would lock in.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    /// The items without an answer, in table order.
    pub unanswered: Vec<String>,
    /// Self-declared answers (T11/AII) not yet verified: kept, but they do not count (I-6).
    pub unverified: Vec<String>,
    /// How many items there are.
    pub items: usize,
    /// The total, grade and stars as they would be submitted (none for people who do not see
    /// results).
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
}

/// Whether the submission must acknowledge the unanswered items: the confirmation page asks
/// for it (the number the person confirmed, none if they did not tick the box); the API
/// returns the lists instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    NotAsked,
    Given(Option<usize>),
}

/// The unanswered and unverified items of the stored answers, in table order.
fn lists(plan: &Plan, access: &Access, rows: &[repo::AnswerRow]) -> Review {
    let stored: std::collections::BTreeMap<&str, Value> = rows
        .iter()
        .filter_map(|r| {
            let v = serde_json::from_str(r.value_json.as_deref()?).ok()?;
            Some((r.indicator_id.as_str(), v))
        })
        .collect();
    let mut review = Review::default();
    for leaf in plan.leaves.iter().filter(|l| access.sees_item(&l.ind.id)) {
        review.items += 1;
        match stored.get(leaf.ind.id.as_str()) {
            None => review.unanswered.push(leaf.ind.id.clone()),
            Some(v) if rules::unverified_self(v) => review.unverified.push(leaf.ind.id.clone()),
            Some(_) => {}
        }
    }
    review
}

/// The review of a submission: the lists and, for people who see results, the result.
fn review_of(
    app: &App,
    a: &Assessment,
    access: &Access,
    rows: &[repo::AnswerRow],
) -> Result<Review, Error> {
    let plan = assessments::plan(app, a)?;
    let mut review = lists(&plan, access, rows);
    if access.sees_result() {
        let scored = assessments::score(app, a, rows)?;
        review.score = Some(scored.score);
        review.grade = scored.grade;
        review.stars = scored.stars;
    }
    Ok(review)
}

/// The confirmation page's data, for the party that may submit: the assessment, the review
/// and the submission record (who submitted or withdrew, and when).
pub async fn review(
    app: &App,
    u: &User,
    id: i64,
) -> Result<(Assessment, Access, Review, Submission), Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    rules::submitter(&access)?;
    let rows = assessments::answers(app, u, &a, &access).await?;
    let review = review_of(app, &a, &access, &rows)?;
    let record = tianping_store::submission::get(&app.store, a.id).await?;
    Ok((a, access, review, record))
}

/// Submit and lock an assessment: the party that may submit, a draft, the unanswered items
/// acknowledged where asked. The result is computed once more and stored; who submitted and
/// when is recorded, with an audit entry.
pub async fn submit(app: &App, u: &User, id: i64, ack: Ack) -> Result<(Assessment, Review), Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    access.submit(a.status)?;
    let mut tx = app.begin().await?;
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let review = review_of(app, &a, &access, &rows)?;
    if let Ack::Given(n) = ack {
        rules::acknowledged(review.unanswered.len(), n)?;
    }
    if !tianping_store::submission::submit(&mut tx, a.id, u.id).await? {
        return Err(Error::locked(
            "评价已经提交",
            "The assessment is already submitted",
        ));
    }
    let scored = assessments::score(app, &a, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), true).await?;
    let after = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    audit::append(
        &mut tx,
        &actor(u),
        "submit",
        "assessment",
        &a.id.to_string(),
        Some(&json!({"status": a.status})),
        Some(&json!({
            "status": after.status, "score": after.score, "grade": after.grade,
            "stars": after.stars, "unanswered": review.unanswered.len(),
            "unverified": review.unverified.len(),
        })),
    )
    .await?;
    crate::notify::submitted(app, &mut tx, &after).await?;
    tx.commit().await?;
    Ok((after, review))
}

/// Whether the submission of an assessment (obtained with [`assessments::get`]) can be
/// withdrawn by this person now; the refusal says why.
pub async fn may_withdraw(app: &App, a: &Assessment, access: &Access) -> Result<(), Error> {
    rules::withdraw(access, a.status, false)?;
    let record = tianping_store::submission::get(&app.store, a.id).await?;
    let mark = record.last_version.unwrap_or(0);
    let after = tianping_store::submission::versions_after(&app.store, a.id, mark).await?;
    Ok(rules::withdraw(
        access,
        a.status,
        rules::body_has_acted(mark, &after),
    )?)
}

/// Whether the body has acted on the submission in force (read under the write lock).
async fn body_acted(tx: &mut tianping_store::WriteTx, id: i64) -> Result<bool, Error> {
    let record = tianping_store::submission::get_tx(tx, id).await?;
    let mark = record.last_version.unwrap_or(0);
    let after: Vec<VersionBy> = tianping_store::submission::versions_after_tx(tx, id, mark).await?;
    Ok(rules::body_has_acted(mark, &after))
}

/// Withdraw a submission: back to draft, recorded (who, when, audit entry). Only the party
/// that may submit, and only until the body has acted on it (an answer version written by
/// staff since the submission).
pub async fn withdraw(app: &App, u: &User, id: i64) -> Result<Assessment, Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    let acted = body_acted(&mut tx, a.id).await?;
    rules::withdraw(&access, cur.status, acted)?;
    let before = tianping_store::submission::get_tx(&mut tx, a.id).await?;
    if !tianping_store::submission::withdraw(&mut tx, a.id, u.id).await? {
        return Err(rules::withdraw(&access, AssessmentStatus::Draft, false)
            .map_or_else(Error::from, |()| Error::NotFound));
    }
    let after = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    audit::append(
        &mut tx,
        &actor(u),
        "withdraw",
        "assessment",
        &a.id.to_string(),
        Some(&json!({
            "status": cur.status, "submitted_at": before.submitted_at,
            "submitted_by": before.submitted_by,
        })),
        Some(&json!({"status": after.status})),
    )
    .await?;
    tx.commit().await?;
    // notify: the engaged body, that the submission was withdrawn
    Ok(after)
}
