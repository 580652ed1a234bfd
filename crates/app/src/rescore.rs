//! Re-scoring after a save, and rebuilding an explanation a save left stale.
//!
//! A save of a few answers sets them in the stored pack and scores the pack by the fast path
//! (`Plan::quick`: the same figures as the full evaluation, which a property test of the core
//! checks on every shipped plan). The figures and the pack are written with the answers; the
//! explanation — 2 MB at 5,900 items, which cost eight times a small save to rebuild on every
//! save — is marked stale, rebuilt when someone next reads it and stored by a task of its own
//! ([`fresh`]). Where no pack of
//! the plan's layout is stored, a save takes the full path and stores everything at once.
//!
//! A stale explanation is never shown: [`crate::assessments::result_view`] refuses one, so a
//! reader that forgot to call [`fresh`] fails a test instead of showing old figures.

use std::sync::Arc;

use serde_json::Value;
use tianping_core::pack;
use tianping_store::packs::Pack;
use tianping_store::repo::{self, Assessment, StoredFigures};
use tianping_store::WriteTx;

use crate::kept::{Kept, UNSTORED};
use crate::{assessments, regrade, App, Error};

/// The figures of a save, as the person who saved sees them.
pub(crate) struct Rescored {
    pub score: f64,
    pub grade: Option<String>,
    pub stars: Option<i64>,
}

/// Re-score assessment `a` in the save's transaction after the answers `changed` were
/// written, each with the value now stored (`None`: no answer). The fast path where it can
/// serve, else the full path.
pub(crate) async fn after_save(
    app: &App,
    tx: &mut WriteTx,
    a: &Assessment,
    changed: &[(&str, Option<&Value>)],
) -> Result<Rescored, Error> {
    if let Some(r) = fast(app, tx, a, changed).await? {
        return Ok(r);
    }
    let rows = repo::answers_tx(tx, a.id).await?;
    let scored = assessments::score(app, a, &rows)?;
    repo::store_result(tx, a.id, &scored.stored(), false).await?;
    Ok(Rescored {
        score: scored.score,
        grade: scored.grade,
        stars: scored.stars,
    })
}

/// The fast path: `None` when the stored pack cannot serve (none, another layout, an answer
/// the plan does not read); the full path then decides, and reports what is wrong.
async fn fast(
    app: &App,
    tx: &mut WriteTx,
    a: &Assessment,
    changed: &[(&str, Option<&Value>)],
) -> Result<Option<Rescored>, Error> {
    let (plan, layout) = assessments::packed_plan(app, a)?;
    let Some((digest, bytes)) = tianping_store::packs::get_tx(tx, a.id).await? else {
        return Ok(None);
    };
    if digest != layout.digest {
        return Ok(None);
    }
    let mut values = Vec::with_capacity(plan.leaves.len());
    if pack::decode_into(&bytes, &mut values).is_none() || values.len() != plan.leaves.len() {
        return Ok(None);
    }
    for (indicator, value) in changed {
        match plan.parse_one(indicator, value.unwrap_or(&Value::Null)) {
            Some((i, Ok(answer))) => values[i] = pack::value_of(&answer),
            _ => return Ok(None),
        }
    }
    let (score, grade, stars) = regrade::quick_figures(
        &plan,
        &values,
        a.mode,
        a.current_stars,
        a.first_application != 0,
    );
    let bytes = pack::encode(&values);
    repo::store_figures(
        tx,
        a.id,
        &StoredFigures {
            scheme_version: &plan.scheme.version,
            engine_version: tianping_core::ENGINE_VERSION,
            score: Some(score),
            grade: grade.as_deref(),
            stars,
            // the layout is stored: the pack just read names it
            pack: Pack {
                layout: &layout.digest,
                layout_text: &layout.text,
                layout_new: false,
                bytes: &bytes,
            },
        },
    )
    .await?;
    Ok(Some(Rescored {
        score,
        grade,
        stars,
    }))
}

/// Bring a stale explanation up to date (nothing to do for a fresh one): rebuilt from the
/// stored answers by the full path; the assessment's figures are then the full path's, from
/// the same answers as its explanation. It is stored by a task of its own, unless a later
/// save came first: a reader may hold a write transaction (on SQLite the one writer), and
/// waiting for another here would never end.
pub async fn fresh(app: &App, a: &mut Assessment) -> Result<(), Error> {
    if let Some(k) = fresh_kept(app, a).await? {
        a.result_json = Some(k.text().to_string());
    }
    Ok(())
}

/// [`fresh`] giving the rebuilt result (`None` when the explanation was not stale) apart
/// from the assessment, whose `result_json` is left as read: once its store has numbered it,
/// the same result — with what its first reader worked out from it — is kept in memory
/// ([`crate::kept`]); a store that found a later save is kept nowhere.
pub async fn fresh_kept(app: &App, a: &mut Assessment) -> Result<Option<Arc<Kept>>, Error> {
    if a.explanation_stale == 0 {
        return Ok(None);
    }
    let answers = assessments::stored_answers(app, a).await?;
    let scored = assessments::score_answers(app, a, &answers)?;
    let rebuilt = Arc::new(Kept::new(a.id, UNSTORED, scored.result_json.clone()));
    a.score = Some(scored.score);
    a.grade = scored.grade.clone();
    a.stars = scored.stars;
    a.explanation_stale = 0;
    let (app, id, revision) = (app.clone(), a.id, a.revision);
    let keep = rebuilt.clone();
    tokio::spawn(async move {
        match store(&app, id, revision, &scored).await {
            Ok(Some(seq)) => app.kept.put(Arc::new(keep.stored_as(seq))),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(assessment = id, error = %e, "a rebuilt explanation was not stored")
            }
        }
    });
    Ok(Some(rebuilt))
}

/// Store a rebuilt explanation (see [`repo::store_explanation`]); its sequence number, or
/// `None` when a later save came first.
async fn store(
    app: &App,
    id: i64,
    revision: i64,
    scored: &assessments::Scored,
) -> Result<Option<i64>, Error> {
    let mut tx = app.begin().await?;
    let seq = repo::store_explanation(&mut tx, id, revision, &scored.stored()).await?;
    tx.commit().await?;
    Ok(seq)
}

/// [`fresh`] for each assessment of a list.
pub async fn fresh_all(app: &App, list: &mut [Assessment]) -> Result<(), Error> {
    for a in list.iter_mut() {
        fresh(app, a).await?;
    }
    Ok(())
}
