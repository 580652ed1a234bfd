//! Packing the answers of results stored before packs existed (migration 0017): run when the
//! application opens a database, once per such result, so that `tianping regrade` finds a
//! pack for every result. A result whose answers no longer score is left unpacked (the
//! re-grading reads its answers and reports it).

use tianping_store::{packs, repo};

use crate::{assessments, App};

/// Pack every stored result that has no pack yet; returns how many were packed.
pub async fn pack_existing(app: &App) -> Result<usize, String> {
    let err = |e: tianping_store::StoreError| e.to_string();
    let mut after = 0;
    let mut packed = 0;
    loop {
        let ids = packs::unpacked(&app.store, after, 200).await.map_err(err)?;
        let Some(&last) = ids.last() else {
            break;
        };
        let mut tx = app.begin().await.map_err(|e| e.to_string())?;
        for id in ids {
            let Some(a) = repo::get_assessment_tx(&mut tx, id).await.map_err(err)? else {
                continue;
            };
            let rows = repo::answers_tx(&mut tx, id).await.map_err(err)?;
            if let Ok(s) = assessments::score(app, &a, &rows) {
                if let Some(p) = s.stored().pack {
                    packs::put(&mut tx, id, &p).await.map_err(err)?;
                    packed += 1;
                }
            }
        }
        tx.commit().await.map_err(err)?;
        after = last;
    }
    for (digest, _) in packs::layouts(&app.store).await.map_err(err)? {
        app.plans.layout_stored(&digest);
    }
    Ok(packed)
}
