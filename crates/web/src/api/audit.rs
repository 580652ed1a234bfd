//! `GET /audit-log`: the audit log, filtered in the database (who, object, action, date
//! range) and paged, newest first; each entry with its action, object and changes in words
//! (in the caller's language) besides what it recorded. For those who may read the log
//! (system administrators); others get 404, as for the page.

use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tianping_app::audit_log::{self, Entry};
use tianping_app::domain::audit::{self as words, FilterInput};
use tianping_app::{App, Lang};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{paging, ApiQuery, ApiRes, Caller, Invalid, NotFound, Page, Routes, Unauthorized};
use crate::error::accept_language;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/audit-log", get(list_audit_log))
}

#[derive(OpenApi)]
#[openapi(paths(list_audit_log))]
pub(super) struct Doc;

/// The filters and paging of the audit log; every filter is optional.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct AuditQ {
    /// Who made the change: an e-mail address, an account number, or `system`.
    actor: Option<String>,
    /// The object type (`enterprise`, `assessment`, `user`, `org`, `site`, `api_token`).
    object_type: Option<String>,
    /// The object's number (with `object_type`).
    object_id: Option<String>,
    /// The action, e.g. `answer`, `submit`, `approve_identity_change`.
    action: Option<String>,
    /// The first day, `YYYY-MM-DD` (China Standard Time), inclusive.
    #[param(format = Date)]
    from: Option<String>,
    /// The last day, `YYYY-MM-DD` (China Standard Time), inclusive.
    #[param(format = Date)]
    to: Option<String>,
    /// The page, from 1.
    #[param(value_type = Option<i64>, minimum = 1, default = 1)]
    page: Option<String>,
    /// Entries per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    per_page: Option<String>,
}

/// One changed field of an entry, in words.
#[derive(Serialize, ToSchema)]
struct AuditChange {
    /// The recorded field.
    field: String,
    /// Its name for people.
    label: String,
    /// The value before, in words (absent for a field the entry created).
    before: Option<String>,
    /// The value after, in words (absent for a field the entry removed).
    after: Option<String>,
}

/// One entry of the audit log.
#[derive(Serialize, ToSchema)]
struct AuditEntry {
    /// The entry's place in the hash chain.
    seq: i64,
    at: String,
    /// The acting account (null: the system itself).
    actor_id: Option<i64>,
    /// The actor as recorded (e-mail address and role, or `system`).
    actor: String,
    /// The acting account's display name.
    actor_name: Option<String>,
    action: String,
    /// The action in words.
    action_label: String,
    object_type: String,
    /// The object type in words.
    object_label: String,
    object_id: String,
    /// The fields that changed, in words.
    changes: Vec<AuditChange>,
    /// How many recorded fields have no name in words (they are in `before`/`after`).
    unnamed_fields: usize,
    /// What was recorded before the change.
    #[schema(value_type = Option<Object>)]
    before: Option<Value>,
    /// What was recorded after the change.
    #[schema(value_type = Option<Object>)]
    after: Option<Value>,
    /// The entry's hash (SHA-256, chained to the previous entry's).
    hash: String,
}

fn view(e: Entry, name: Option<String>, l: Lang) -> AuditEntry {
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let (before, after): (Option<Value>, Option<Value>) =
        (parse(&e.before_json), parse(&e.after_json));
    let c = words::changes(before.as_ref(), after.as_ref(), l);
    AuditEntry {
        seq: e.seq,
        at: e.at,
        actor_id: e.actor_id,
        actor: e.actor,
        actor_name: name,
        action_label: words::action_label(&e.action, l).to_string(),
        action: e.action,
        object_label: words::object_label(&e.object_type, l).to_string(),
        object_type: e.object_type,
        object_id: e.object_id,
        changes: c
            .items
            .into_iter()
            .map(|x| AuditChange {
                field: x.field,
                label: x.label.to_string(),
                before: x.before,
                after: x.after,
            })
            .collect(),
        unnamed_fields: c.unnamed,
        before,
        after,
        hash: e.hash,
    }
}

/// The audit log (system administrators)
///
/// Newest first. Labels and changes are in the caller's language (`Accept-Language`).
#[utoipa::path(
    get,
    path = "/audit-log",
    tag = "audit",
    params(AuditQ),
    responses(
        (status = 200, description = "A page of audit entries", body = Page<AuditEntry>),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
async fn list_audit_log(
    State(st): State<App>,
    Caller(u): Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AuditQ>,
) -> ApiRes<Page<AuditEntry>> {
    if !u.principal().reads_audit_log() {
        return Err(crate::error::Error::NotFound.into());
    }
    let l = accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let (page, per) = paging(q.page.as_deref(), q.per_page.as_deref())?;
    let f = FilterInput {
        actor: q.actor.unwrap_or_default(),
        object_type: q.object_type.unwrap_or_default(),
        object_id: q.object_id.unwrap_or_default(),
        action: q.action.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
    };
    let p = audit_log::search(&st, &u, &f, page, per).await?;
    let items = p
        .entries
        .into_iter()
        .map(|e| {
            let name = e.actor_id.and_then(|id| p.names.get(&id).cloned());
            view(e, name, l)
        })
        .collect();
    Ok(Json(Page::new(items, page, per, p.total)))
}
