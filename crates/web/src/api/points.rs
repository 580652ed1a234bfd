//! Shop points (seed 002, DESIGN I-14, I-22, I-24): `POST /points/events` takes a platform
//! operator's batch of events and answers per event; `GET /points/shops/{shop}` is the
//! operator's view of one shop's balance.

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{extract::State, Json};
use serde::Serialize;
use serde_json::Value;
use tianping_app::points::{self as uc, Status, MAX_BATCH};
use tianping_app::App;
use utoipa::{OpenApi, ToSchema};

use super::{
    bad_json, ApiPath, ApiRes, Caller, Forbidden, Invalid, NotFound, Routes, Unauthorized,
};
use crate::error::Error;

/// A batch of 10,000 events of up to about 3 KiB each.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

pub(super) fn routes(r: Routes) -> Routes {
    r.route(
        "/points/events",
        post(post_events).layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
    .route("/points/shops/:shop", get(get_shop))
}

#[derive(OpenApi)]
#[openapi(paths(post_events, get_shop))]
pub(super) struct Doc;

/// What became of an event.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(super) enum EventStatus {
    /// New: written and counted.
    Accepted,
    /// Its key was seen before (in this batch or an earlier one) with the same content:
    /// counted once.
    Duplicate,
    /// Not written; `reason` says why and what is accepted.
    Rejected,
}

/// One event's result, in the batch's order.
#[derive(Serialize, ToSchema)]
pub(super) struct EventOut {
    /// The event's idempotency key (empty when the event could not be read).
    key: String,
    status: EventStatus,
    /// Why it was rejected (in Chinese, naming the event's place in the batch); on an
    /// accepted event, why it does not count yet (a reversal of what was not given, a field
    /// its rule needs, a time still to come: it is kept and folded with later events).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// A batch's answer.
#[derive(Serialize, ToSchema)]
pub(super) struct IntakeOut {
    results: Vec<EventOut>,
    accepted: usize,
    duplicates: usize,
    rejected: usize,
}

/// One I-22 event (the body is an array of them, or JSON Lines with one per line).
#[derive(ToSchema)]
#[allow(dead_code)] // read by `tianping-points`; the type is its schema
pub(super) struct EventIn {
    /// The idempotency key, unique per platform.
    key: String,
    shop: String,
    /// A rule's event name or `shop_registered`.
    event: String,
    /// RFC 3339 with offset.
    at: String,
    registered_on: Option<String>,
    /// person | enterprise
    party: Option<String>,
    subject: Option<String>,
    good: Option<bool>,
    text: Option<String>,
    campaign: Option<String>,
    start: Option<String>,
    end: Option<String>,
}

/// Take in a batch of shop points events (platform operators only).
///
/// The body is a JSON array of I-22 events or, with `Content-Type: application/jsonl`
/// (or `application/x-ndjson`), one event per line; at most 10,000 events. Each event is
/// answered `accepted`, `duplicate` (its key seen before with the same content: counted
/// once) or `rejected` with the reason; only rejected events are refused. The accepted
/// events, the affected shops' balances and one audit entry for the batch are written in
/// one transaction.
#[utoipa::path(
    post,
    path = "/points/events",
    tag = "points",
    request_body(content = Vec<EventIn>, description = "I-22 events: a JSON array, or application/jsonl"),
    responses(
        (status = 200, description = "A result per event", body = IntakeOut),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    )
)]
async fn post_events(
    State(st): State<App>,
    Caller(u): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> ApiRes<IntakeOut> {
    uc::platform_of(&u)?;
    let kind = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lines: Vec<String> = if kind.contains("jsonl") || kind.contains("ndjson") {
        let text = std::str::from_utf8(&body).map_err(|_| {
            Error::invalid(
                "",
                "请求体不是 UTF-8 文本",
                "The request body is not UTF-8 text",
            )
        })?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    } else {
        match serde_json::from_slice::<Value>(&body).map_err(bad_json)? {
            Value::Array(v) => v.iter().map(Value::to_string).collect(),
            _ => {
                return Err(Error::invalid(
                    "",
                    format!("请求体应为事件数组 [{{\"key\", \"shop\", \"event\", \"at\", …}}, …]（至多 {MAX_BATCH} 个），或以 application/jsonl 每行一个事件"),
                    format!("The body must be an array of events [{{\"key\", \"shop\", \"event\", \"at\", …}}, …] (at most {MAX_BATCH}), or application/jsonl with one event per line"),
                )
                .into())
            }
        }
    };
    let out = uc::intake(&st, &u, &lines).await?;
    let count = |s: Status| out.iter().filter(|o| o.status == s).count();
    Ok(Json(IntakeOut {
        accepted: count(Status::Accepted),
        duplicates: count(Status::Duplicate),
        rejected: count(Status::Rejected),
        results: out
            .into_iter()
            .map(|o| EventOut {
                key: o.key,
                status: match o.status {
                    Status::Accepted => EventStatus::Accepted,
                    Status::Duplicate => EventStatus::Duplicate,
                    Status::Rejected => EventStatus::Rejected,
                },
                reason: o.reason,
            })
            .collect(),
    }))
}

/// A level: kind and number.
#[derive(Serialize, ToSchema)]
pub(super) struct LevelOut {
    /// star | diamond | crown
    kind: String,
    /// 1 … 5
    n: i64,
}

/// One shop's balance: the fold of all its events under the shipped rules version.
#[derive(Serialize, ToSchema)]
pub(super) struct ShopOut {
    shop: String,
    total: i64,
    /// Null at 0 points.
    level: Option<LevelOut>,
    /// Points per rule id.
    #[schema(value_type = Object)]
    by_rule: Value,
    /// How many events were folded.
    events: i64,
    /// The time the balance was folded as of (RFC 3339, Shanghai time).
    as_of: String,
}

/// One shop's balance on the caller's platform (platform operators only).
#[utoipa::path(
    get,
    path = "/points/shops/{shop}",
    tag = "points",
    params(("shop" = String, Path, description = "The shop as named in its events")),
    responses(
        (status = 200, description = "The shop's balance", body = ShopOut),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn get_shop(
    State(st): State<App>,
    Caller(u): Caller,
    ApiPath(shop): ApiPath<String>,
) -> ApiRes<ShopOut> {
    let b = uc::shop(&st, &u, &shop).await?;
    Ok(Json(ShopOut {
        shop: b.shop,
        total: b.total,
        level: match (b.level_kind, b.level_n) {
            (Some(kind), Some(n)) => Some(LevelOut { kind, n }),
            _ => None,
        },
        by_rule: serde_json::from_str(&b.by_rule).unwrap_or(Value::Null),
        events: b.events,
        as_of: b.as_of,
    }))
}
