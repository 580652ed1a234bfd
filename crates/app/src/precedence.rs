//! Precedence on save (I-20): before an answer of the star scheme is written over the
//! current one, the pure rule ([`tianping_domain::precedence`]) decides whether it replaces
//! it, changes nothing, is kept beside it as the enterprise's disputed proposal, or is
//! refused. Every outcome is audited: a proposal in the save's transaction, a refusal in its
//! own (the save's is rolled back).

use serde_json::{json, Value};
use tianping_core::fmt_num;
use tianping_domain::precedence::{self as rule, HeldAnswer, Overwrite, Standing};
use tianping_domain::review::Stored;
use tianping_domain::{Lang, Msg, Role, Source};
use tianping_store::audit;
use tianping_store::repo::{self, AnswerRow, User};
use tianping_store::review::{self as store, NewProposal};
use tianping_store::WriteTx;

use crate::{actor, App, Error};

/// A save that did not replace a protected answer: why, and the proposal it became.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The enterprise's disputed proposal (none: the value was the answer's already).
    pub proposal_id: Option<i64>,
    pub message: Msg,
}

/// What the rule decided for one save.
pub(crate) enum Guarded {
    /// Write the answer.
    Write,
    /// Nothing written: kept as a proposal, or nothing to change.
    Kept(Kept),
}

/// The answer an item holds now, with who stands behind it.
pub(crate) struct Held {
    pub(crate) json: Value,
    pub(crate) stored: Stored,
    pub(crate) standing: Standing,
    pub(crate) giver: String,
}

impl Held {
    fn shown(&self) -> String {
        self.stored.value.map(fmt_num).unwrap_or_else(|| "—".into())
    }
}

/// Read the current answer of an item (none when it has no value).
pub(crate) async fn held(tx: &mut WriteTx, row: Option<&AnswerRow>) -> Result<Option<Held>, Error> {
    let Some(row) = row else { return Ok(None) };
    let Some(text) = row.value_json.as_deref() else {
        return Ok(None);
    };
    let json: Value = serde_json::from_str(text)
        .map_err(|e| Error::Internal(format!("answer {} is not JSON: {}", row.indicator_id, e)))?;
    let stored = Stored::read(Some(&json), row.source);
    let (role, giver) = store::user_role_tx(tx, row.updated_by)
        .await?
        .unwrap_or((Role::Sysadmin, "?".into()));
    Ok(Some(Held {
        standing: Standing::of_answer(row.source, stored.verified, role),
        json,
        stored,
        giver,
    }))
}

/// The figure of an answer as sent or stored (`n` or `{"value": n, …}`).
fn figure(v: &Value) -> Option<f64> {
    match v {
        Value::Object(m) => m.get("value").and_then(Value::as_f64),
        v => v.as_f64(),
    }
}

/// Apply the precedence rule to a save of `value` (the star scheme's stored form, or null to
/// clear) by `u` over the current answer `before`; a proposal is written and audited here.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn guard(
    tx: &mut WriteTx,
    u: &User,
    a: &repo::Assessment,
    indicator: &str,
    value: &Value,
    source: Option<Source>,
    note: &str,
    before: Option<&AnswerRow>,
) -> Result<Guarded, Error> {
    let Some(h) = held(tx, before).await? else {
        return Ok(Guarded::Write);
    };
    let by = Standing::of_role(u.role);
    let clears = value.is_null();
    let same = !clears && figure(value).is_some() && figure(value) == h.stored.value;
    let shown = h.shown();
    let described = HeldAnswer {
        standing: h.standing,
        value: &shown,
        source: before.and_then(|r| r.source),
        giver: &h.giver,
    };
    match rule::overwrite(by, Some(h.standing), same, clears) {
        Overwrite::Replace => Ok(Guarded::Write),
        Overwrite::Unchanged => Ok(Guarded::Kept(Kept {
            proposal_id: None,
            message: rule::unchanged(&described),
        })),
        Overwrite::Refuse => Err(rule::refusal(&described, by, clears).into()),
        Overwrite::Propose => {
            let new = figure(value).map(fmt_num).unwrap_or_default();
            let message = rule::proposed(&described, &new);
            let text = value.to_string();
            let held_text = h.json.to_string();
            let (p, superseded) = store::add_proposal(
                tx,
                &NewProposal {
                    assessment_id: a.id,
                    indicator_id: indicator,
                    value_json: &text,
                    source: source.unwrap_or(Source::SelfDeclared),
                    note,
                    held_json: Some(&held_text),
                    held_source: before.and_then(|r| r.source),
                    held_by: before.map(|r| r.updated_by),
                    by: u.id,
                },
            )
            .await?;
            audit::append(
                tx,
                &actor(u),
                "propose_answer",
                "assessment",
                &a.id.to_string(),
                Some(&json!({"indicator": indicator, "answer": h.json, "source": before.and_then(|r| r.source)})),
                Some(&json!({
                    "indicator": indicator, "proposal": p.id, "value": value, "note": note,
                    "superseded": superseded, "reason": message.text(Lang::Zh),
                })),
            )
            .await?;
            // notify: a disputed proposal awaits the engaged body's reviewers (item `indicator`)
            Ok(Guarded::Kept(Kept {
                proposal_id: Some(p.id),
                message,
            }))
        }
    }
}

/// Record a refused save in the audit log (in its own transaction: the save's was rolled
/// back). `reason` is the refusal's message.
pub(crate) async fn audit_refusal(
    app: &App,
    u: &User,
    a: &repo::Assessment,
    indicator: &str,
    attempt: &Value,
    reason: &Msg,
) -> Result<(), Error> {
    let mut tx = app.begin().await?;
    let before = repo::answer_tx(&mut tx, a.id, indicator).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "answer_refused",
        "assessment",
        &a.id.to_string(),
        before.as_ref().map(|b| json!(b)).as_ref(),
        Some(&json!({"indicator": indicator, "attempt": attempt, "reason": reason.text(Lang::Zh)})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
