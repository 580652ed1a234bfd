//! Reading the audit log: pages filtered in the database (who, object, action, date range)
//! for those who may read it, and the check of the whole chain on request.

use std::collections::BTreeMap;

use tianping_domain::audit::{ActorFilter, FilterInput};
use tianping_domain::FieldError;
use tianping_store::audit;
pub use tianping_store::audit::{Entry, Report};
use tianping_store::audit_search::{self, Query};
use tianping_store::repo::{self, User};

use crate::{App, Error};

/// One page of the log.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<Entry>,
    /// How many entries match the filters.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The display names of the actors on this page.
    pub names: BTreeMap<i64, String>,
}

fn may_read(u: &User) -> Result<(), Error> {
    if u.principal().reads_audit_log() {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// A page (from 1) of the entries that match the filters as typed, newest first. A filter
/// that does not fit is refused by field; an unknown e-mail address names the field too.
pub async fn search(
    app: &App,
    u: &User,
    input: &FilterInput,
    page: i64,
    per_page: i64,
) -> Result<AuditPage, Error> {
    may_read(u)?;
    let f = input.check().map_err(Error::Invalid)?;
    let actor_id = match &f.actor {
        None => None,
        Some(ActorFilter::System) => Some(None),
        Some(ActorFilter::Id(id)) => Some(Some(*id)),
        Some(ActorFilter::Email(e)) => match repo::user_by_email(&app.store, e).await? {
            Some(x) => Some(Some(x.id)),
            None => {
                return Err(Error::Invalid(vec![FieldError::new(
                    "actor",
                    format!("没有邮箱为 {} 的账号", e),
                    format!("There is no account with the e-mail address {}", e),
                )]))
            }
        },
    };
    let (from, until) = f.time_bounds();
    let q = Query {
        actor_id,
        object_type: f.object_type,
        object_id: f.object_id,
        action: f.action,
        from: from.map(tianping_store::stamp),
        until: until.map(tianping_store::stamp),
    };
    let page = page.max(1);
    let per_page = per_page.clamp(1, 100);
    let (entries, total) = audit_search::search(
        &app.store,
        &q,
        per_page,
        (page - 1).saturating_mul(per_page),
    )
    .await?;
    let ids: Vec<i64> = entries.iter().filter_map(|e| e.actor_id).collect();
    let names = repo::user_names(&app.store, &ids).await?;
    Ok(AuditPage {
        entries,
        total,
        page,
        per_page,
        names,
    })
}

/// Walk the whole chain and compare the stored checkpoints (`tianping audit verify` also
/// checks their signatures). Reads every entry: asked for, not done on every page.
pub async fn verify(app: &App, u: &User) -> Result<Report, Error> {
    may_read(u)?;
    Ok(audit::verify(&app.store).await?)
}
