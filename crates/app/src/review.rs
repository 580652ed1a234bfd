//! The body's review of a star-scheme assessment (I-6, I-20): a reviewer verifies the
//! enterprise's self-declared answers — confirming or correcting each with a note, item by
//! item or a whole table at once — and resolves the enterprise's disputed proposals. Each
//! verification writes the answer again (verified, so that it counts) as a new version with
//! its verification record and audit entry, and the assessment is scored again, in one
//! transaction. Reviewers act on drafts and on submitted assessments alike.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_core::Plan;
use tianping_domain::review::{self as rule, Stored};
use tianping_domain::{Access, Denied, Lang, ProposalStatus, Source};
use tianping_store::audit;
use tianping_store::repo::{self, AnswerRow, User};
use tianping_store::review::{self as store, NewVerification};
use tianping_store::WriteTx;

use crate::assessments::{self, Scored};
use crate::{actor, App, Error};

pub use tianping_store::review::{Proposal, Verification};

/// A verification as sent: a corrected value (none: confirm), and a note.
#[derive(Debug, Clone, Default)]
pub struct VerifyInput {
    pub value: Option<f64>,
    pub note: String,
}

/// One verified answer.
#[derive(Debug, Clone)]
pub struct Verified {
    pub indicator: String,
    pub value: Value,
    pub corrected: bool,
}

/// What a verification (of an item or a table) or an accepted proposal did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub revision: i64,
    pub verified: Vec<Verified>,
    pub score: f64,
    pub grade: Option<String>,
    pub stars: Option<i64>,
}

/// Whether this person reviews the assessment (verifies its answers, resolves proposals).
pub async fn check_reviewer(app: &App, u: &User, a: &repo::Assessment) -> Result<(), Error> {
    let engaged = match u.org_id {
        Some(org) if a.org_id.is_none() => {
            repo::is_engaged(&app.store, org, a.enterprise_id).await?
        }
        _ => false,
    };
    rule::reviewer(&u.principal(), &assessments::facts(app, a), engaged)?;
    Ok(())
}

/// [`check_reviewer`] as a yes or no (for pages: whether to show the review forms).
pub async fn is_reviewer(app: &App, u: &User, a: &repo::Assessment) -> Result<bool, Error> {
    match check_reviewer(app, u, a).await {
        Ok(()) => Ok(true),
        Err(Error::Forbidden(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

fn note_checked(note: &str) -> Result<String, Error> {
    if note.chars().count() > 4000 {
        return Err(Error::invalid(
            "note",
            "备注最多 4000 字",
            "The note may have at most 4000 characters",
        ));
    }
    Ok(note.trim().to_string())
}

fn parse(row: &AnswerRow) -> Result<Option<Value>, Error> {
    row.value_json
        .as_deref()
        .map(serde_json::from_str::<Value>)
        .transpose()
        .map_err(|e| Error::Internal(format!("answer {} is not JSON: {}", row.indicator_id, e)))
}

/// Check a stored value against the item by the core's rules (a corrected value out of range).
fn check_value(plan: &Plan, indicator: &str, value: &Value) -> Result<(), Error> {
    let one = BTreeMap::from([(indicator.to_string(), value.clone())]);
    plan.parse_answers(&one).map_err(|errs| {
        Error::Invalid(
            errs.into_iter()
                .map(|e| {
                    tianping_domain::FieldError::msg(
                        "value",
                        tianping_domain::Msg::wrap("The value is invalid", e.message),
                    )
                })
                .collect(),
        )
    })?;
    Ok(())
}

/// Who verified an answer at its revision, and when (for a refusal to verify it again).
async fn verified_by(tx: &mut WriteTx, row: &AnswerRow) -> Result<Option<(String, String)>, Error> {
    let Some(v) =
        store::verification_at_tx(tx, row.assessment_id, &row.indicator_id, row.revision).await?
    else {
        return Ok(None);
    };
    let name = store::user_role_tx(tx, v.verified_by)
        .await?
        .map(|(_, n)| n)
        .unwrap_or_default();
    Ok(Some((name, v.verified_at)))
}

/// Write one verified answer at `rev` with its version, verification record and audit entry.
#[allow(clippy::too_many_arguments)]
async fn write_verified(
    tx: &mut WriteTx,
    u: &User,
    a: &repo::Assessment,
    row: Option<&AnswerRow>,
    indicator: &str,
    value: &Value,
    source: Source,
    answer_note: &str,
    note: &str,
    corrected: bool,
    proposal: Option<i64>,
    rev: i64,
) -> Result<Verification, Error> {
    let text = value.to_string();
    repo::put_answer(
        tx,
        &repo::AnswerWrite {
            assessment_id: a.id,
            indicator_id: indicator,
            value_json: Some(&text),
            note: answer_note,
            source: Some(source),
            revision: rev,
            by: u.id,
            expert_id: None,
        },
    )
    .await?;
    let before = row.and_then(|r| r.value_json.as_deref());
    let v = store::add_verification(
        tx,
        &NewVerification {
            assessment_id: a.id,
            indicator_id: indicator,
            revision: rev,
            value_before: before,
            value_after: &text,
            corrected,
            note,
            proposal_id: proposal,
            by: u.id,
        },
    )
    .await?;
    audit::append(
        tx,
        &actor(u),
        if proposal.is_some() {
            "accept_proposal"
        } else {
            "verify_answer"
        },
        "assessment",
        &a.id.to_string(),
        row.map(|r| json!(r)).as_ref(),
        Some(&json!({
            "indicator": indicator, "value": value, "corrected": corrected, "note": note,
            "proposal": proposal, "revision": rev, "verification": v.id,
        })),
    )
    .await?;
    Ok(v)
}

/// One verification checked by the rules, ready to write.
struct Checked {
    indicator: String,
    row: Option<AnswerRow>,
    value: Value,
    corrected: bool,
}

/// Check the verification of one item's stored answer (it must await verification; a
/// correction needs a note and must fit the item). Reads only.
async fn check_one(
    tx: &mut WriteTx,
    plan: &Plan<'_>,
    row: Option<AnswerRow>,
    indicator: &str,
    input: &VerifyInput,
) -> Result<Checked, Error> {
    let value = row.as_ref().map(parse).transpose()?.flatten();
    let stored = Stored::read(value.as_ref(), row.as_ref().and_then(|r| r.source));
    let by = match &row {
        Some(r) if stored.verified => verified_by(tx, r).await?,
        _ => None,
    };
    let by = by.as_ref().map(|(n, t)| (n.as_str(), beijing_minute(t)));
    rule::verifiable(
        indicator,
        &stored,
        by.as_ref().map(|(n, t)| (*n, t.as_str())),
    )?;
    let current = stored.value.unwrap_or_default();
    let corrected = rule::correction(current, input.value, &input.note)?;
    let new = rule::verified_value(corrected.unwrap_or(current), Source::SelfDeclared);
    check_value(plan, indicator, &new)?;
    Ok(Checked {
        indicator: indicator.to_string(),
        row,
        value: new,
        corrected: corrected.is_some(),
    })
}

/// Write checked verifications at revision `rev`.
async fn write_checked(
    tx: &mut WriteTx,
    u: &User,
    a: &repo::Assessment,
    checked: Vec<Checked>,
    note: &str,
    rev: i64,
) -> Result<Vec<Verified>, Error> {
    let mut out = Vec::with_capacity(checked.len());
    for c in checked {
        let answer_note = c.row.as_ref().map(|r| r.note.as_str()).unwrap_or("");
        write_verified(
            tx,
            u,
            a,
            c.row.as_ref(),
            &c.indicator,
            &c.value,
            Source::SelfDeclared,
            answer_note,
            note,
            c.corrected,
            None,
            rev,
        )
        .await?;
        out.push(Verified {
            indicator: c.indicator,
            value: c.value,
            corrected: c.corrected,
        });
    }
    Ok(out)
}

/// A stored time as people read it in a message (Beijing time, to the minute).
fn beijing_minute(t: &str) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600);
    match (chrono::DateTime::parse_from_rfc3339(t), beijing) {
        (Ok(x), Some(tz)) => x.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        _ => t.to_string(),
    }
}

/// Score again and store the result, in the transaction.
async fn rescore(app: &App, tx: &mut WriteTx, a: &repo::Assessment) -> Result<Scored, Error> {
    let rows = repo::answers_tx(tx, a.id).await?;
    let scored = assessments::score(app, a, &rows)?;
    repo::store_result(tx, a.id, &scored.stored(), false).await?;
    Ok(scored)
}

fn outcome(rev: i64, verified: Vec<Verified>, s: Scored) -> Outcome {
    Outcome {
        revision: rev,
        verified,
        score: s.score,
        grade: s.grade,
        stars: s.stars,
    }
}

/// An assessment the reviewer may review, and its plan.
async fn reviewed(
    app: &App,
    u: &User,
    id: i64,
) -> Result<(repo::Assessment, Access, std::sync::Arc<Plan<'static>>), Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    check_reviewer(app, u, &a).await?;
    let plan = assessments::plan(app, &a)?;
    Ok((a, access, plan))
}

/// Verify one item's self-declared answer: confirm it, or correct it with a note.
pub async fn verify_item(
    app: &App,
    u: &User,
    id: i64,
    indicator: &str,
    input: &VerifyInput,
) -> Result<Outcome, Error> {
    let (a, access, plan) = reviewed(app, u, id).await?;
    if !access.sees_item(indicator) || !plan.leaves.iter().any(|l| l.ind.id == indicator) {
        return Err(Error::NotFound);
    }
    let input = VerifyInput {
        value: input.value,
        note: note_checked(&input.note)?,
    };
    let mut tx = app.begin().await?;
    let row = repo::answer_tx(&mut tx, a.id, indicator).await?;
    let checked = match check_one(&mut tx, &plan, row, indicator, &input).await {
        Ok(c) => c,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let done = write_checked(&mut tx, u, &a, vec![checked], &input.note, rev).await?;
    let scored = rescore(app, &mut tx, &a).await?;
    crate::notify::verified(app, &mut tx, &a).await?;
    tx.commit().await?;
    Ok(outcome(rev, done, scored))
}

/// The tables of an assessment's plan, in plan order.
fn tables(plan: &Plan) -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    for l in &plan.leaves {
        if !t.contains(&l.ind.table) {
            t.push(l.ind.table.clone());
        }
    }
    t
}

/// The items of a table whose answers await verification (answered, self-declared, not yet
/// verified), in plan order.
pub fn awaiting(plan: &Plan, rows: &[AnswerRow], table: &str) -> Vec<String> {
    // by id: a scan of the rows per item was quadratic in the size of the table
    let by_id: std::collections::HashMap<&str, &AnswerRow> =
        rows.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    plan.leaves
        .iter()
        .filter(|l| l.ind.table == table)
        .filter(|l| {
            by_id
                .get(l.ind.id.as_str())
                .map(|r| {
                    let v = parse(r).ok().flatten();
                    Stored::read(v.as_ref(), r.source).awaits_verification()
                })
                .unwrap_or(false)
        })
        .map(|l| l.ind.id.clone())
        .collect()
}

/// Verify every self-declared, unverified, answered item of a table at once (confirming
/// their values), with one note. Nothing awaiting: nothing written, no verified items.
pub async fn verify_table(
    app: &App,
    u: &User,
    id: i64,
    table: &str,
    note: &str,
) -> Result<Outcome, Error> {
    let (a, _, plan) = reviewed(app, u, id).await?;
    let all = tables(&plan);
    if !all.iter().any(|t| t == table) {
        return Err(Error::invalid(
            "table",
            format!("没有表 “{}”；可选：{}", table, all.join("、")),
            format!(
                "There is no table “{}”; choose one of: {}",
                table,
                all.join(", ")
            ),
        ));
    }
    let input = VerifyInput {
        value: None,
        note: note_checked(note)?,
    };
    let mut tx = app.begin().await?;
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let items = awaiting(&plan, &rows, table);
    if items.is_empty() {
        tx.rollback().await?;
        let a = repo::get_assessment(&app.store, a.id)
            .await?
            .ok_or(Error::NotFound)?;
        return Ok(Outcome {
            revision: a.revision,
            verified: Vec::new(),
            score: a.score.unwrap_or(0.0),
            grade: a.grade,
            stars: a.stars,
        });
    }
    let mut checked = Vec::with_capacity(items.len());
    for ind in &items {
        let row = rows.iter().find(|r| &r.indicator_id == ind).cloned();
        match check_one(&mut tx, &plan, row, ind, &input).await {
            Ok(c) => checked.push(c),
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        }
    }
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let done = write_checked(&mut tx, u, &a, checked, &input.note, rev).await?;
    let scored = rescore(app, &mut tx, &a).await?;
    crate::notify::verified(app, &mut tx, &a).await?;
    tx.commit().await?;
    Ok(outcome(rev, done, scored))
}

/// Resolve an open proposal: accept it (its value becomes the answer, verified) or reject
/// it (a note says why).
pub async fn resolve(
    app: &App,
    u: &User,
    id: i64,
    proposal_id: i64,
    accept: bool,
    note: &str,
) -> Result<(Proposal, Option<Outcome>), Error> {
    let (a, access, plan) = reviewed(app, u, id).await?;
    let note = note_checked(note)?;
    if !accept && note.is_empty() {
        return Err(Error::invalid(
            "note",
            "驳回提议时请在备注中写明理由",
            "When rejecting a proposal, give the reason in the note",
        ));
    }
    let mut tx = app.begin().await?;
    let p = store::proposal_tx(&mut tx, a.id, proposal_id)
        .await?
        .filter(|p| access.sees_item(&p.indicator_id))
        .ok_or(Error::NotFound)?;
    if p.status != ProposalStatus::Open {
        return Err(Denied::conflict(
            format!("这项提议已经处理过（{}）", p.status.label(Lang::Zh)),
            format!(
                "This proposal was already dealt with ({})",
                p.status.label(Lang::En)
            ),
        )
        .into());
    }
    // the proposed figure, verified (checked before anything is written)
    let proposed: Value = serde_json::from_str(&p.value_json)
        .map_err(|e| Error::Internal(format!("proposal {} is not JSON: {}", p.id, e)))?;
    let x = Stored::read(Some(&proposed), Some(p.source))
        .value
        .ok_or_else(|| Error::Internal(format!("proposal {} has no value", p.id)))?;
    let new = rule::verified_value(x, p.source);
    if accept {
        check_value(&plan, &p.indicator_id, &new)?;
    }
    let status = if accept {
        ProposalStatus::Accepted
    } else {
        ProposalStatus::Rejected
    };
    store::resolve_proposal(&mut tx, p.id, status, u.id, &note).await?;
    let outcome = if accept {
        let row = repo::answer_tx(&mut tx, a.id, &p.indicator_id).await?;
        let held = row.as_ref().map(parse).transpose()?.flatten();
        let held = Stored::read(held.as_ref(), row.as_ref().and_then(|r| r.source));
        let rev = repo::bump_revision(&mut tx, a.id).await?;
        write_verified(
            &mut tx,
            u,
            &a,
            row.as_ref(),
            &p.indicator_id,
            &new,
            p.source,
            &p.note,
            &note,
            held.value != Some(x),
            Some(p.id),
            rev,
        )
        .await?;
        let scored = rescore(app, &mut tx, &a).await?;
        let v = Verified {
            indicator: p.indicator_id.clone(),
            value: new,
            corrected: held.value != Some(x),
        };
        Some(outcome(rev, vec![v], scored))
    } else {
        audit::append(
            &mut tx,
            &actor(u),
            "reject_proposal",
            "assessment",
            &a.id.to_string(),
            Some(&json!({"indicator": p.indicator_id, "proposal": p.id, "value": p.value_json})),
            Some(&json!({"indicator": p.indicator_id, "proposal": p.id, "status": status, "note": note})),
        )
        .await?;
        None
    };
    let p = store::proposal_tx(&mut tx, a.id, p.id)
        .await?
        .ok_or(Error::NotFound)?;
    tx.commit().await?;
    // notify: the enterprise's proposal was accepted or rejected (for its proposer)
    Ok((p, outcome))
}

/// The review of one item as its page shows it: who verified the current answer and when,
/// and the enterprise's proposals (open first, then resolved, newest first), with names.
#[derive(Debug, Clone, Default)]
pub struct ItemReview {
    pub verification: Option<Verification>,
    pub proposals: Vec<Proposal>,
    /// The names of everyone named above.
    pub names: BTreeMap<i64, String>,
}

/// The review of an item of an assessment obtained with [`assessments::get`] (experts see
/// none: they score independently).
pub async fn item_review(
    app: &App,
    a: &repo::Assessment,
    access: &Access,
    answer: Option<&AnswerRow>,
) -> Result<ItemReview, Error> {
    let Some(ind) = answer.map(|r| r.indicator_id.as_str()) else {
        return Ok(ItemReview::default());
    };
    if matches!(access, Access::Expert(_)) || !access.sees_item(ind) {
        return Ok(ItemReview::default());
    }
    let revision = answer.map(|r| r.revision);
    let verification = store::verifications(&app.store, a.id, Some(ind))
        .await?
        .into_iter()
        .find(|v| Some(v.revision) == revision);
    let mut proposals = store::proposals(&app.store, a.id, Some(ind)).await?;
    proposals.sort_by_key(|p| (p.status != ProposalStatus::Open, -p.id));
    let mut ids: Vec<i64> = proposals
        .iter()
        .flat_map(|p| [Some(p.proposed_by), p.resolved_by, p.held_by])
        .flatten()
        .collect();
    ids.extend(verification.as_ref().map(|v| v.verified_by));
    let names = repo::user_names(&app.store, &ids).await?;
    Ok(ItemReview {
        verification,
        proposals,
        names,
    })
}

/// The proposals of an assessment obtained with [`assessments::get`] (experts: none).
pub async fn proposals(
    app: &App,
    a: &repo::Assessment,
    access: &Access,
) -> Result<Vec<Proposal>, Error> {
    if matches!(access, Access::Expert(_)) {
        return Ok(Vec::new());
    }
    Ok(store::proposals(&app.store, a.id, None)
        .await?
        .into_iter()
        .filter(|p| access.sees_item(&p.indicator_id))
        .collect())
}

/// The verification of each current answer that has one, by indicator.
pub async fn current_verifications(
    app: &App,
    a: &repo::Assessment,
    rows: &[AnswerRow],
) -> Result<BTreeMap<String, Verification>, Error> {
    let mut out = BTreeMap::new();
    for v in store::verifications(&app.store, a.id, None).await? {
        let current = rows
            .iter()
            .any(|r| r.indicator_id == v.indicator_id && r.revision == v.revision);
        if current && !out.contains_key(&v.indicator_id) {
            out.insert(v.indicator_id.clone(), v);
        }
    }
    Ok(out)
}
