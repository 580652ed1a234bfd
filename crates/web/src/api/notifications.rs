//! `/notifications`: the caller's own notifications (newest first) and marking one read.
//! Another person's notification is not found.

use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tianping_app::domain::notify::NoticeKind;
use tianping_app::notify::{self, Item};
use tianping_app::{App, Lang};
use utoipa::{OpenApi, ToSchema};

use super::{
    paging, ApiPath, ApiQuery, ApiRes, Caller, Invalid, NotFound, NoticeKindText, Page, PageQ,
    Routes, Unauthorized,
};
use crate::error::accept_language;

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/notifications", get(list_notifications))
        .route("/notifications/:id/read", post(read_notification))
}

#[derive(OpenApi)]
#[openapi(paths(list_notifications, read_notification))]
pub(super) struct Doc;

/// A notification, in the caller's language (`Accept-Language`: English when preferred,
/// Chinese otherwise).
#[derive(Serialize, ToSchema)]
pub(super) struct Notification {
    id: i64,
    #[schema(value_type = NoticeKindText)]
    kind: NoticeKind,
    /// What happened.
    title: String,
    /// What to do about it.
    detail: String,
    /// The page it is about (a path of the site).
    link: String,
    /// The notice as data: `kind` and the ids and names it concerns (fields by kind).
    #[schema(value_type = Object)]
    data: Value,
    created_at: String,
    /// When the caller marked it read; null while unread.
    read_at: Option<String>,
}

fn view(l: Lang, n: Item) -> Notification {
    let (title, detail, data) = match &n.notice {
        Some(x) => (
            x.title(l),
            x.detail(l),
            serde_json::to_value(x).unwrap_or(Value::Null),
        ),
        None => (n.kind.label(l).to_string(), String::new(), Value::Null),
    };
    Notification {
        id: n.id,
        kind: n.kind,
        title,
        detail,
        link: n.link,
        data,
        created_at: n.created_at,
        read_at: n.read_at,
    }
}

fn lang(h: &HeaderMap) -> Lang {
    accept_language(h.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The caller's notifications
///
/// Newest first; only the caller's own.
#[utoipa::path(
    get,
    path = "/notifications",
    tag = "notifications",
    params(PageQ),
    responses(
        (status = 200, description = "A page of the caller's notifications", body = Page<Notification>),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
async fn list_notifications(
    State(st): State<App>,
    Caller(u): Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PageQ>,
) -> ApiRes<Page<Notification>> {
    let (page, per) = paging(q.page.as_deref(), q.per_page.as_deref())?;
    let (items, total) = notify::inbox(&st, &u, per, (page - 1) * per).await?;
    let l = lang(&headers);
    let items = items.into_iter().map(|n| view(l, n)).collect();
    Ok(Json(Page::new(items, page, per, total)))
}

/// Mark a notification read
///
/// Marking one that is read already changes nothing.
#[utoipa::path(
    post,
    path = "/notifications/{id}/read",
    tag = "notifications",
    params(("id" = i64, Path, description = "The notification's id")),
    responses(
        (status = 200, description = "The notification, read", body = Notification),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
async fn read_notification(
    State(st): State<App>,
    Caller(u): Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiRes<Notification> {
    let n = notify::mark_read(&st, &u, id).await?;
    Ok(Json(view(lang(&headers), n)))
}
