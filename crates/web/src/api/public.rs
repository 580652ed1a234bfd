//! `/public/…`: the public registers and notices as JSON, the same lists as the pages under
//! `/public` (`tianping_app::public`), with no token. Each takes `q` (a part of the
//! enterprise's name, or the start of its credit code). No person is named; every row names
//! the case, the enterprise and the body. Rate-limited per address like the pages
//! (`crate::ratelimit`: 429 with `Retry-After`).

use std::borrow::Cow;

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tianping_app::public::{self as uc, List};
use tianping_app::App;
use tianping_case::public::lists::PublicityStatus;
use tianping_case::public::NoticeKind;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{text_enum, ApiPath, ApiQuery, ApiRes, Invalid, NotFound, RateLimited, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.route("/public/publicity", get(list_publicity))
        .route("/public/publicity/:case_id", get(get_publicity))
        .route("/public/announcements", get(list_announcements))
        .route("/public/grades", get(list_grades))
        .route("/public/stars", get(list_stars))
        .route("/public/blacklist", get(list_blacklist))
        .route("/public/notices", get(list_notices))
        .route("/public/certificates/:number", get(get_certificate))
}

#[derive(OpenApi)]
#[openapi(paths(
    list_publicity,
    get_publicity,
    list_announcements,
    list_grades,
    list_stars,
    list_blacklist,
    list_notices,
    get_certificate
))]
pub(super) struct Doc;

/// The search of a public list.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct SearchQ {
    /// A part of the enterprise's name (Latin letters in either case), or the start of its
    /// unified social credit code; trimmed, at most 50 characters.
    q: Option<String>,
}

/// Whom a row is about.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicSubject {
    /// The case (`/public/publicity/{case_id}` for a publicity).
    case_id: i64,
    /// The enterprise's name.
    enterprise: String,
    /// Its unified social credit code.
    uscc: String,
    /// The evaluation body's name.
    body: String,
}

fn subject(s: uc::Subject) -> PublicSubject {
    PublicSubject {
        case_id: s.case_id,
        enterprise: s.enterprise,
        uscc: s.uscc,
        body: s.body,
    }
}

/// A public list as of today.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicList<T> {
    /// Today in China, the day the list is made on.
    #[schema(value_type = String, format = Date)]
    today: NaiveDate,
    /// The search as applied (trimmed), if any.
    q: Option<String>,
    items: Vec<T>,
    /// More rows matched than the 200 given: narrow the search.
    more: bool,
}

fn list<T, U>(l: List<T>, f: impl Fn(T) -> U) -> PublicList<U> {
    PublicList {
        today: l.today,
        q: l.q,
        items: l.items.into_iter().map(f).collect(),
        more: l.more,
    }
}

/// The schema of `PublicityStatus`.
struct PublicityStatusText;

impl utoipa::PartialSchema for PublicityStatusText {
    fn schema() -> RefOr<Schema> {
        text_enum(
            "Where a publicity stands today",
            PublicityStatus::ALL
                .iter()
                .map(|s| (s.as_str(), format!("{} ({})", s.name_zh(), s.name_en()))),
        )
    }
}

impl ToSchema for PublicityStatusText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PublicityStatus")
    }
}

/// The schema of the public `NoticeKind`.
struct PublicNoticeKindText;

impl utoipa::PartialSchema for PublicNoticeKindText {
    fn schema() -> RefOr<Schema> {
        text_enum(
            "What a public notice is",
            NoticeKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.name_zh().to_string())),
        )
    }
}

impl ToSchema for PublicNoticeKindText {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PublicNoticeKind")
    }
}

/// A capability evaluation's preliminary result under publicity (004 6.4).
#[derive(Serialize, ToSchema)]
pub(super) struct PublicPublicity {
    #[serde(flatten)]
    subject: PublicSubject,
    #[schema(value_type = String, format = Date)]
    start: NaiveDate,
    /// The last day objections may be raised (included).
    #[schema(value_type = String, format = Date)]
    end: NaiveDate,
    /// The preliminary score on the 100-point scale.
    score: f64,
    /// The grade it suggests (`一级`, `二级`, `三级`); none below 60.
    grade: Option<String>,
    /// Where the publicity was also published, if recorded.
    media: Option<String>,
    /// Objections received during the publicity, and how many are ruled.
    objections: usize,
    ruled: usize,
    #[schema(value_type = PublicityStatusText)]
    status: PublicityStatus,
}

fn publicity(r: uc::PublicityRow) -> PublicPublicity {
    PublicPublicity {
        subject: subject(r.subject),
        start: r.notice.start,
        end: r.notice.end,
        score: r.notice.score,
        grade: r.notice.grade.map(|g| g.code().to_string()),
        media: r.notice.media,
        objections: r.notice.objections,
        ruled: r.notice.ruled,
        status: r.status,
    }
}

/// A public notice.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicNotice {
    #[serde(flatten)]
    subject: PublicSubject,
    #[schema(value_type = String, format = Date)]
    date: NaiveDate,
    #[schema(value_type = PublicNoticeKindText)]
    kind: NoticeKind,
    /// The notice in Chinese.
    text: String,
}

fn notice(r: uc::NoticeRow) -> PublicNotice {
    PublicNotice {
        subject: subject(r.subject),
        date: r.notice.date,
        kind: r.notice.kind,
        text: r.notice.text,
    }
}

/// A capability grade in force today (004 8.2, 9.1).
#[derive(Serialize, ToSchema)]
pub(super) struct PublicGrade {
    #[serde(flatten)]
    subject: PublicSubject,
    /// `一级`, `二级` or `三级`.
    grade: String,
    score: f64,
    #[schema(value_type = String, format = Date)]
    confirmed: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    announced: Option<NaiveDate>,
    /// The last valid day (confirmation + 5 years − 1 day).
    #[schema(value_type = String, format = Date)]
    valid_until: NaiveDate,
}

fn grade(r: uc::GradeRow) -> PublicGrade {
    PublicGrade {
        subject: subject(r.subject),
        grade: r.grade.grade.code().to_string(),
        score: r.grade.score,
        confirmed: r.grade.confirmed,
        announced: r.grade.announced,
        valid_until: r.grade.valid_until,
    }
}

/// One single-dimension star rating.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicDimensionStars {
    dimension: String,
    stars: u8,
}

/// Stars held today (000 §6, §8).
#[derive(Serialize, ToSchema)]
pub(super) struct PublicStars {
    #[serde(flatten)]
    subject: PublicSubject,
    /// 1 to 5.
    stars: u8,
    /// The day of the latest award or lowering.
    #[schema(value_type = Option<String>, format = Date)]
    since: Option<NaiveDate>,
    dimension_stars: Vec<PublicDimensionStars>,
    /// The yearly supervision's last day.
    #[schema(value_type = Option<String>, format = Date)]
    supervision_due: Option<NaiveDate>,
    /// That day has passed with no supervision recorded.
    supervision_overdue: bool,
}

fn stars(r: uc::StarRow) -> PublicStars {
    PublicStars {
        subject: subject(r.subject),
        stars: r.stars.stars,
        since: r.stars.since,
        dimension_stars: r
            .stars
            .dimension_stars
            .into_iter()
            .map(|(dimension, stars)| PublicDimensionStars { dimension, stars })
            .collect(),
        supervision_due: r.stars.supervision_due,
        supervision_overdue: r.stars.supervision_overdue,
    }
}

/// A blacklisting not lifted (000 §8).
#[derive(Serialize, ToSchema)]
pub(super) struct PublicBlacklisted {
    #[serde(flatten)]
    subject: PublicSubject,
    #[schema(value_type = String, format = Date)]
    date: NaiveDate,
    reason: String,
}

fn blacklisted(r: uc::BlacklistRow) -> PublicBlacklisted {
    PublicBlacklisted {
        subject: subject(r.subject),
        date: r.entry.date,
        reason: r.entry.reason,
    }
}

/// Capability results under publicity: open today first (soonest to close first), then
/// those ended and not yet confirmed.
#[utoipa::path(
    get,
    path = "/public/publicity",
    tag = "public",
    operation_id = "list_public_publicity",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "Results under publicity", body = PublicList<PublicPublicity>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_publicity(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicPublicity>> {
    Ok(Json(list(
        uc::publicities(&st, q.q.as_deref()).await?,
        publicity,
    )))
}

/// One capability result under publicity, as the list shows it.
#[utoipa::path(
    get,
    path = "/public/publicity/{case_id}",
    tag = "public",
    operation_id = "get_public_publicity",
    security(()),
    params(("case_id" = i64, Path, description = "The case")),
    responses(
        (status = 200, description = "The result under publicity", body = PublicPublicity),
        (status = 404, response = NotFound),
        (status = 429, response = RateLimited)
    )
)]
async fn get_publicity(
    State(st): State<App>,
    ApiPath(case_id): ApiPath<i64>,
) -> ApiRes<PublicPublicity> {
    Ok(Json(publicity(uc::publicity(&st, case_id).await?)))
}

/// Announcements of confirmed capability results, newest first.
#[utoipa::path(
    get,
    path = "/public/announcements",
    tag = "public",
    operation_id = "list_public_announcements",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "Announcements", body = PublicList<PublicNotice>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_announcements(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicNotice>> {
    Ok(Json(list(
        uc::announcements(&st, q.q.as_deref()).await?,
        notice,
    )))
}

/// The register of capability grades in force today, newest confirmation first.
#[utoipa::path(
    get,
    path = "/public/grades",
    tag = "public",
    operation_id = "list_public_grades",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "Grades in force", body = PublicList<PublicGrade>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_grades(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicGrade>> {
    Ok(Json(list(uc::grades(&st, q.q.as_deref()).await?, grade)))
}

/// The star register: stars held today, the most stars first.
#[utoipa::path(
    get,
    path = "/public/stars",
    tag = "public",
    operation_id = "list_public_stars",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "Stars held", body = PublicList<PublicStars>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_stars(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicStars>> {
    Ok(Json(list(uc::stars(&st, q.q.as_deref()).await?, stars)))
}

/// The blacklist: entries not lifted, newest first.
#[utoipa::path(
    get,
    path = "/public/blacklist",
    tag = "public",
    operation_id = "list_public_blacklist",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "The blacklist", body = PublicList<PublicBlacklisted>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_blacklist(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicBlacklisted>> {
    Ok(Json(list(
        uc::blacklist(&st, q.q.as_deref()).await?,
        blacklisted,
    )))
}

/// Notices of revoked and downgraded grades and of lowered stars, newest first.
#[utoipa::path(
    get,
    path = "/public/notices",
    tag = "public",
    operation_id = "list_public_notices",
    security(()),
    params(SearchQ),
    responses(
        (status = 200, description = "Revocation, downgrade and lowering notices", body = PublicList<PublicNotice>),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn list_notices(
    State(st): State<App>,
    ApiQuery(q): ApiQuery<SearchQ>,
) -> ApiRes<PublicList<PublicNotice>> {
    Ok(Json(list(uc::notices(&st, q.q.as_deref()).await?, notice)))
}

/// A certification certificate as its public status page shows it (I-21): no person.
#[derive(Serialize, ToSchema)]
pub(super) struct PublicCertificate {
    /// The certificate number.
    number: String,
    /// The holder's name.
    holder: String,
    /// The holder's unified social credit code.
    uscc: String,
    /// The issuing certification body.
    issuer: String,
    /// The certified scope.
    scope: String,
    /// The standard's title.
    standard: String,
    /// The scheme id and its edition (the first 12 digits of the scheme version).
    scheme: String,
    edition: String,
    /// AAAAA–AA, when the certificate names a grade.
    grade: Option<String>,
    #[schema(value_type = String, format = Date)]
    issued: NaiveDate,
    #[schema(value_type = String, format = Date)]
    valid_from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    valid_until: NaiveDate,
    /// The first issue of the chain of renewals.
    #[schema(value_type = String, format = Date)]
    original: NaiveDate,
    /// Today in China, the day `status` is for.
    #[schema(value_type = String, format = Date)]
    today: NaiveDate,
    /// `valid`, `suspended`, `withdrawn`, `cancelled`, `expired`, `superseded` (a later
    /// certificate replaced this number) or `not_issued`.
    status: String,
    /// The number that replaced this one, when superseded.
    superseded_by: Option<String>,
    /// The day asked about with `on`, and the status on it.
    on: Option<CertificateOn>,
    /// Issues, reissues and status changes, oldest first.
    history: Vec<CertificateStep>,
}

/// The status on a day asked about.
#[derive(Serialize, ToSchema)]
pub(super) struct CertificateOn {
    #[schema(value_type = String, format = Date)]
    date: NaiveDate,
    /// As `status` of the certificate.
    status: String,
    valid: bool,
}

/// One step of a certificate's history.
#[derive(Serialize, ToSchema)]
pub(super) struct CertificateStep {
    #[schema(value_type = String, format = Date)]
    date: NaiveDate,
    /// `issued`, `reissued`, `suspended`, `restored`, `withdrawn`, `cancelled` or `expired`.
    kind: String,
    /// The number issued (issues and reissues).
    number: Option<String>,
    /// What changed (a reissue or renewal).
    change: Option<String>,
}

/// The day to ask about.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct OnQ {
    /// A day, `YYYY-MM-DD`: the answer says whether the certificate was valid on it.
    on: Option<String>,
}

fn status_code(s: tianping_app::certificates::Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A certificate's public status, validity and history (the QR link's status page as JSON).
#[utoipa::path(
    get,
    path = "/public/certificates/{number}",
    tag = "public",
    operation_id = "get_public_certificate",
    security(()),
    params(("number" = String, Path, description = "The certificate number"), OnQ),
    responses(
        (status = 200, description = "The certificate", body = PublicCertificate),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited)
    )
)]
async fn get_certificate(
    State(st): State<App>,
    ApiPath(number): ApiPath<String>,
    ApiQuery(q): ApiQuery<OnQ>,
) -> ApiRes<PublicCertificate> {
    let on = match q.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            tianping_app::Error::Invalid(vec![tianping_app::FieldError::msg(
                "on",
                tianping_app::Msg::new("日期格式应为 YYYY-MM-DD", "Dates are written YYYY-MM-DD"),
            )])
        })?),
    };
    let c = tianping_app::certificates::public(&st, &number, on)
        .await?
        .ok_or(tianping_app::Error::NotFound)?;
    Ok(Json(PublicCertificate {
        number: c.number,
        holder: c.holder,
        uscc: c.uscc,
        issuer: c.issuer,
        scope: c.scope,
        standard: c.standard,
        scheme: c.scheme,
        edition: c.edition,
        grade: c.grade,
        issued: c.issued,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
        original: c.original,
        today: c.today,
        status: status_code(c.status),
        superseded_by: c.superseded_by,
        on: c.on.map(|(date, s)| CertificateOn {
            date,
            status: status_code(s),
            valid: s == tianping_app::certificates::Status::Valid,
        }),
        history: c
            .history
            .into_iter()
            .map(|h| CertificateStep {
                date: h.date,
                kind: h.kind.to_string(),
                number: h.number,
                change: h.change,
            })
            .collect(),
    }))
}
