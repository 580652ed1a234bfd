//! Rate limits of the pages without sign-in, counted in the database so that every server
//! on it counts together (DESIGN I-24): [`take`] reads and locks the stored time of the
//! client's source in a bucket, lets `tianping_domain::rate_limit::decide` decide, and
//! stores the new time, in one transaction. No audit entry: a count is not a change of
//! anything a person did. Rows whose time has passed are pruned every [`PRUNE_EVERY`]
//! requests of a process, in a transaction of their own.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use tianping_domain::rate_limit::{decide, Bucket, Decision, Quota};
use tianping_store::rate_limit as store;

use crate::accounts::source_of;
use crate::{App, Error};

/// One request in this many (per process) prunes the rows whose time has passed.
pub const PRUNE_EVERY: u64 = 256;

static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// Count one request of `client` in `bucket` under `quota`: `Ok(None)` to serve it,
/// `Ok(Some(seconds))` to refuse it with that wait.
pub async fn take(
    app: &App,
    bucket: Bucket,
    quota: Quota,
    client: Option<IpAddr>,
) -> Result<Option<u64>, Error> {
    let source = source_of(client);
    let now_ms = app.now().timestamp_millis();
    let mut tx = app.begin().await?;
    let stored = store::lock(&mut tx, bucket.as_str(), &source).await?;
    let stored = (stored > 0).then_some(stored);
    let wait = match decide(quota, stored, now_ms) {
        Decision::Allow { tat } => {
            store::set(&mut tx, bucket.as_str(), &source, tat).await?;
            None
        }
        Decision::Refuse { retry_after_secs } => Some(retry_after_secs),
    };
    tx.commit().await?;
    if REQUESTS.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
        // a failed prune loses nothing (another server may be pruning the same rows): the
        // next one does it
        let _ = prune(app, now_ms).await;
    }
    Ok(wait)
}

/// Delete the rows whose time is before `now_ms` (a full allowance, as no row).
pub async fn prune(app: &App, now_ms: i64) -> Result<u64, Error> {
    let mut tx = app.begin().await?;
    let n = store::prune(&mut tx, now_ms).await?;
    tx.commit().await?;
    Ok(n)
}
