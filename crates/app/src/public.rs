//! The public registers and notices (issue 10; 004 6.4, 6.5, 9.2; 000 §6, §8): what
//! capability and star cases publish (`cases.public_json`, a
//! [`tianping_case::public::PublicView`] written with every append), as lists on today
//! ([`App::today`], China time). No sign-in, no audit entry (nothing changes), and no person:
//! a row names the enterprise (name and credit code, as registered and published) and the
//! body, never who decided or who objected. Which rows a list holds and in what order is
//! decided by the pure [`tianping_case::public::lists`].
//!
//! A search `q` matches an enterprise's name (a part of it) or its credit code (its start).
//! At most [`SHOWN`] rows are shown; `more` says that a narrower search would show others.

use chrono::NaiveDate;
use serde::Serialize;
use tianping_case::public::lists::{self, GradeInForce, PublicityStatus, StarsHeld};
use tianping_case::public::{BlacklistEntry, Notice, PublicView, PublicityNotice};
use tianping_store::public::{self as store, PublicRow};

use crate::{App, Error};

/// The most rows a list shows.
pub const SHOWN: usize = 200;
/// The most cases of a kind read for one list (lists drop expired and lifted ones).
const READ: i64 = 2000;

/// Whom a row is about: the case (its public page), the enterprise and the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub case_id: i64,
    pub enterprise: String,
    pub uscc: String,
    pub body: String,
}

/// One list as shown today.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List<T> {
    pub today: NaiveDate,
    /// The search, as a term (trimmed), if any.
    pub q: Option<String>,
    pub items: Vec<T>,
    /// More rows matched than are shown.
    pub more: bool,
}

/// A capability result under publicity (004 6.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicityRow {
    pub subject: Subject,
    pub notice: PublicityNotice,
    pub status: PublicityStatus,
}

/// A grade in force (004 8.2, 9.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRow {
    pub subject: Subject,
    pub grade: GradeInForce,
}

/// Stars held (000 §6, §8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StarRow {
    pub subject: Subject,
    pub stars: StarsHeld,
}

/// A blacklisting not lifted (000 §8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlacklistRow {
    pub subject: Subject,
    pub entry: BlacklistEntry,
}

/// A public notice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeRow {
    pub subject: Subject,
    pub notice: Notice,
}

fn subject(r: &PublicRow) -> Subject {
    Subject {
        case_id: r.case_id,
        enterprise: r.enterprise_name.clone(),
        uscc: r.uscc.clone(),
        body: r.body_name.clone(),
    }
}

/// A stored view; one that does not read (written by another version) is left out and
/// logged, never shown half.
fn parse(r: &PublicRow) -> Option<PublicView> {
    match serde_json::from_str(&r.public_json) {
        Ok(v) => Some(v),
        Err(e) => {
            eprintln!("case {}: public_json does not read: {}", r.case_id, e);
            None
        }
    }
}

/// The published cases of `kinds` matching `q`, each with its view, and whether the read
/// was cut.
async fn read(
    app: &App,
    kinds: &[&str],
    q: Option<&str>,
) -> Result<(Vec<(Subject, PublicView)>, bool), Error> {
    let mut out = Vec::new();
    let mut cut = false;
    for kind in kinds {
        let rows = store::list(&app.store, kind, q, READ).await?;
        cut |= rows.len() as i64 >= READ;
        out.extend(rows.iter().filter_map(|r| Some((subject(r), parse(r)?))));
    }
    Ok((out, cut))
}

fn name(s: &Subject) -> &str {
    &s.enterprise
}

/// Build a list: read, let the pure rule choose and order, cut at [`SHOWN`].
async fn list<T, U>(
    app: &App,
    kinds: &[&str],
    q: Option<&str>,
    rule: impl FnOnce(Vec<(Subject, PublicView)>, NaiveDate) -> Vec<T>,
    row: impl Fn(T) -> U,
) -> Result<List<U>, Error> {
    let today = app.today();
    let q = lists::search_term(q);
    let (rows, cut) = read(app, kinds, q.as_deref()).await?;
    let all = rule(rows, today);
    let more = cut || all.len() > SHOWN;
    Ok(List {
        today,
        q,
        items: all.into_iter().take(SHOWN).map(row).collect(),
        more,
    })
}

/// Publicities open today, and those ended and not yet confirmed (marked as such).
pub async fn publicities(app: &App, q: Option<&str>) -> Result<List<PublicityRow>, Error> {
    list(
        app,
        &["capability"],
        q,
        |rows, d| lists::publicities(rows, d, name),
        |(subject, notice, status)| PublicityRow {
            subject,
            notice,
            status,
        },
    )
    .await
}

/// Announcements of confirmed results (004 6.5), newest first.
pub async fn announcements(app: &App, q: Option<&str>) -> Result<List<NoticeRow>, Error> {
    list(
        app,
        &["capability"],
        q,
        |rows, d| lists::notices(rows, lists::ANNOUNCEMENTS, d, name),
        |(subject, notice)| NoticeRow { subject, notice },
    )
    .await
}

/// The register of capability grades in force today.
pub async fn grades(app: &App, q: Option<&str>) -> Result<List<GradeRow>, Error> {
    list(
        app,
        &["capability"],
        q,
        |rows, d| lists::grades(rows, d, name),
        |(subject, grade)| GradeRow { subject, grade },
    )
    .await
}

/// The star register: stars held today.
pub async fn stars(app: &App, q: Option<&str>) -> Result<List<StarRow>, Error> {
    list(
        app,
        &["stars"],
        q,
        |rows, d| lists::stars(rows, d, name),
        |(subject, stars)| StarRow { subject, stars },
    )
    .await
}

/// The blacklist: entries not lifted, with their date and reason.
pub async fn blacklist(app: &App, q: Option<&str>) -> Result<List<BlacklistRow>, Error> {
    list(
        app,
        &["stars"],
        q,
        |rows, d| lists::blacklist(rows, d, name),
        |(subject, entry)| BlacklistRow { subject, entry },
    )
    .await
}

/// Notices of revocation, downgrading and star lowering, newest first.
pub async fn notices(app: &App, q: Option<&str>) -> Result<List<NoticeRow>, Error> {
    list(
        app,
        &["capability", "stars"],
        q,
        |rows, d| lists::notices(rows, lists::WITHDRAWALS, d, name),
        |(subject, notice)| NoticeRow { subject, notice },
    )
    .await
}

/// What one case publishes, with whom it is about (the publicity page of a capability
/// evaluation): not found when the case publishes nothing.
pub async fn case(app: &App, case_id: i64) -> Result<(Subject, PublicView), Error> {
    let row = store::get(&app.store, case_id)
        .await?
        .ok_or(Error::NotFound)?;
    let v = parse(&row).ok_or(Error::NotFound)?;
    Ok((subject(&row), v))
}

/// A capability result under publicity on its own, as the publicity list shows it: not
/// found for a case that is not a capability evaluation or has no publicity listed today.
pub async fn publicity(app: &App, case_id: i64) -> Result<PublicityRow, Error> {
    let (subject, v) = case(app, case_id).await?;
    if v.kind != tianping_case::CaseKind::Capability {
        return Err(Error::NotFound);
    }
    let mut one = lists::publicities([(subject, v)], app.today(), name);
    let (subject, notice, status) = one.pop().ok_or(Error::NotFound)?;
    Ok(PublicityRow {
        subject,
        notice,
        status,
    })
}
