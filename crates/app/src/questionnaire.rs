//! Questionnaires (004 7.2.1, I-13): the body running an on-site capability assessment opens
//! one for its 问卷调查 items and gets single-use links (each shown once, only its SHA-256
//! stored); respondents answer on a link without signing in; the body sees the count, and the
//! aggregate once the questionnaire is closed with enough responses; it may write the
//! aggregate into the assessment as `{"likert": [...]}` answers, scored by the core (I-13).
//! The rules: [`tianping_domain::questionnaire`].
//!
//! Opening, issuing more links, closing and applying are audited; answering is not — no
//! audit entry, notification or log line ties a response to its link. Failed tries on the
//! public link (an unknown token, or answering a used one) count towards the sign-in
//! throttle of the client's address ([`tianping_domain::throttle`]) under one pseudo-account,
//! [`LINK_ACCOUNT`]; an accepted answer leaves no trace there.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::NaiveDate;
use serde_json::json;
use tianping_core::Method;
use tianping_domain::access::draft;
use tianping_domain::questionnaire::{self as rule, Item, LinkRefused, OpenInput, Results, Target};
use tianping_domain::{throttle, Msg};
use tianping_store::audit;
use tianping_store::questionnaire::{self as store, Questionnaire};
use tianping_store::repo::{self, Assessment, User};
use tianping_store::{random_token, sha256_hex};

use crate::accounts::source_of;
use crate::answers::{self, AnswerInput};
use crate::{actor, assessments, App, Error};

/// The account name under which failed tries on questionnaire links are throttled (no
/// e-mail address has no `@`, so it never meets a real account's failures).
pub const LINK_ACCOUNT: &str = "questionnaire-link";

/// The questionnaire items of an assessment: its plan's indicators with `likert = true`, in
/// the scheme's order (none for other schemes).
pub fn items_of(app: &App, a: &Assessment) -> Result<Vec<Item>, Error> {
    let plan = assessments::plan(app, a)?;
    if plan.scheme.method != Method::Points {
        return Ok(Vec::new());
    }
    Ok(plan
        .leaves
        .iter()
        .filter(|l| l.ind.likert)
        .map(|l| Item {
            id: l.ind.id.clone(),
            text: l
                .ind
                .requirement
                .clone()
                .or_else(|| l.ind.content.clone())
                .unwrap_or_else(|| l.ind.path.join(" / ")),
            max: l.answer_max,
        })
        .collect())
}

fn target(a: &Assessment, items: usize) -> Target {
    Target {
        org_id: a.org_id,
        status: a.status,
        likert_items: items,
    }
}

/// The assessment `id` (404 unless the caller sees it) and its questionnaire items, if the
/// caller may manage its questionnaires.
async fn managed(app: &App, u: &User, id: i64) -> Result<(Assessment, Vec<Item>), Error> {
    let (a, _) = assessments::get(app, u, id).await?;
    let items = items_of(app, &a)?;
    rule::may_manage(&u.principal(), &target(&a, items.len()))?;
    Ok((a, items))
}

/// A questionnaire (404 unless its assessment is the caller's to manage), its assessment
/// and the items it asks (as stored when it opened, with the plan's texts).
async fn get(
    app: &App,
    u: &User,
    qid: i64,
) -> Result<(Questionnaire, Assessment, Vec<Item>), Error> {
    let q = store::get(&app.store, qid).await?.ok_or(Error::NotFound)?;
    let (a, all) = managed(app, u, q.assessment_id).await?;
    let items = asked(&q, &all);
    Ok((q, a, items))
}

/// The items a questionnaire asks, in its stored order.
fn asked(q: &Questionnaire, all: &[Item]) -> Vec<Item> {
    q.items
        .iter()
        .filter_map(|id| all.iter().find(|i| &i.id == id).cloned())
        .collect()
}

/// A questionnaire just opened (or given more links): the links' tokens, shown this once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub questionnaire: Questionnaire,
    pub tokens: Vec<String>,
}

fn tokens(n: u32) -> (Vec<String>, Vec<String>) {
    let tokens: Vec<String> = (0..n).map(|_| random_token()).collect();
    let hashes = tokens.iter().map(|t| sha256_hex(t.as_bytes())).collect();
    (tokens, hashes)
}

/// Open a questionnaire on assessment `id` with a closing day and a number of links.
pub async fn open(app: &App, u: &User, id: i64, input: &OpenInput) -> Result<Issued, Error> {
    let (a, items) = managed(app, u, id).await?;
    let o = rule::check_open(input, app.today())?;
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    let others: Vec<_> = store::of_assessment_tx(&mut tx, a.id)
        .await?
        .iter()
        .map(|q| (q.status, q.closes_on))
        .collect();
    rule::may_open(&target(&cur, items.len()), &others, app.now())?;
    let (tokens, hashes) = tokens(o.links);
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let q = store::create(&mut tx, a.id, &ids, o.closes_on, u.id, &hashes).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "questionnaire_open",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!({
            "questionnaire": q.id, "closes_on": q.closes_on, "links": o.links, "items": ids,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Issued {
        questionnaire: q,
        tokens,
    })
}

/// Issue more links on an open questionnaire (the earlier ones keep working).
pub async fn add_links(app: &App, u: &User, qid: i64, links: &str) -> Result<Issued, Error> {
    let (q, a, _) = get(app, u, qid).await?;
    let n = rule::check_links(links).map_err(|e| Error::Invalid(vec![e]))?;
    let mut tx = app.begin().await?;
    let cur = store::get_tx(&mut tx, q.id).await?.ok_or(Error::NotFound)?;
    rule::may_change(cur.status, cur.closes_on, app.now())?;
    let (tokens, hashes) = tokens(n);
    store::add_links(&mut tx, q.id, &hashes).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "questionnaire_links",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!({"questionnaire": q.id, "links": n})),
    )
    .await?;
    tx.commit().await?;
    Ok(Issued {
        questionnaire: cur,
        tokens,
    })
}

/// A questionnaire as the body sees it.
#[derive(Debug, Clone)]
pub struct View {
    pub questionnaire: Questionnaire,
    /// Closed by the body or past its closing day.
    pub closed: bool,
    pub links_issued: i64,
    pub links_used: i64,
    pub items: Vec<Item>,
    /// The count, and the aggregate or why it is withheld.
    pub results: Results,
}

async fn view(app: &App, q: Questionnaire, items: Vec<Item>) -> Result<View, Error> {
    let closed = rule::is_closed(q.status, q.closes_on, app.now());
    let (links_issued, links_used) = store::link_counts(&app.store, q.id).await?;
    let responses = read_responses(store::responses(&app.store, q.id).await?)?;
    let results = rule::results(&items, &responses, closed);
    Ok(View {
        questionnaire: q,
        closed,
        links_issued,
        links_used,
        items,
        results,
    })
}

fn read_responses(rows: Vec<String>) -> Result<Vec<BTreeMap<String, u8>>, Error> {
    rows.iter()
        .map(|t| {
            rule::parse_stored(t)
                .ok_or_else(|| Error::Internal(format!("a stored response is not ratings: {t}")))
        })
        .collect()
}

/// The questionnaires of assessment `id`, newest first, each with its count and, when
/// shown, its aggregate; and the assessment's questionnaire items.
pub async fn list(
    app: &App,
    u: &User,
    id: i64,
) -> Result<(Assessment, Vec<Item>, Vec<View>), Error> {
    let (a, all) = managed(app, u, id).await?;
    let mut out = Vec::new();
    for q in store::of_assessment(&app.store, a.id).await? {
        let items = asked(&q, &all);
        out.push(view(app, q, items).await?);
    }
    Ok((a, all, out))
}

/// One questionnaire with its count and, when shown, its aggregate.
pub async fn results(app: &App, u: &User, qid: i64) -> Result<(Assessment, View), Error> {
    let (q, a, items) = get(app, u, qid).await?;
    Ok((a, view(app, q, items).await?))
}

/// Close a questionnaire: it takes no more answers.
pub async fn close(app: &App, u: &User, qid: i64) -> Result<(), Error> {
    let (q, a, _) = get(app, u, qid).await?;
    let mut tx = app.begin().await?;
    let cur = store::get_tx(&mut tx, q.id).await?.ok_or(Error::NotFound)?;
    rule::may_change(cur.status, cur.closes_on, app.now())?;
    store::close(&mut tx, q.id, u.id).await?;
    let responses = store::responses_tx(&mut tx, q.id).await?.len();
    audit::append(
        &mut tx,
        &actor(u),
        "questionnaire_close",
        "assessment",
        &a.id.to_string(),
        Some(&json!({"questionnaire": q.id, "status": cur.status})),
        Some(&json!({"questionnaire": q.id, "status": "closed", "responses": responses})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Write a closed questionnaire's ratings into its assessment: one `{"likert": [...]}`
/// answer per item (ratings sorted), under the answers' own rules, in one revision with one
/// re-score and the `questionnaire_apply` entry. Returns the items written.
pub async fn apply(app: &App, u: &User, qid: i64) -> Result<Vec<String>, Error> {
    let (q, a, items) = get(app, u, qid).await?;
    let (_, access) = assessments::get(app, u, a.id).await?;
    let closed = rule::is_closed(q.status, q.closes_on, app.now());
    let responses = read_responses(store::responses(&app.store, q.id).await?)?;
    rule::may_apply(closed, responses.len(), a.status)?;
    let note = format!("问卷 #{} 汇总（{} 份回答）", q.id, responses.len());
    let mut prepared = Vec::new();
    for (id, xs) in rule::likert_answers(&items, &responses) {
        let input = AnswerInput {
            value: json!({ "likert": xs }),
            note: note.clone(),
            source: None,
        };
        prepared.push(answers::prepare(app, u, &a, &access, &id, &input).await?);
    }
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    draft(cur.status).map_err(|_| answers::locked())?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut done = Vec::with_capacity(prepared.len());
    for p in &prepared {
        done.push(answers::write(&mut tx, u, &a, p, rev).await?);
    }
    store::mark_applied(&mut tx, q.id).await?;
    let written: Vec<String> = rule::likert_answers(&items, &responses)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let scored = assessments::score(app, &cur, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    // the audit entries last: the audit head is held from here to the commit
    for w in &mut done {
        w.audit(&mut tx, u).await?;
    }
    audit::append(
        &mut tx,
        &actor(u),
        "questionnaire_apply",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!({
            "questionnaire": q.id, "responses": responses.len(), "items": written,
            "revision": rev,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

// ------------------------------------------------------------------ the public link

/// What a respondent's link leads to.
#[derive(Debug, Clone)]
pub enum Link {
    /// The form: the enterprise evaluated, the items and the closing day.
    Open {
        enterprise: String,
        items: Vec<Item>,
        closes_on: NaiveDate,
    },
    /// Why the link takes no answer.
    Refused(LinkRefused),
}

/// Refuse the client's address while it has too many failed tries; `Ok` otherwise.
async fn throttled(app: &App, source: &str) -> Result<(), Error> {
    let p = &throttle::POLICY;
    let now = app.now();
    let rows =
        repo::login_failures_from(&app.store, source, &app.stamp_in(-p.history_secs())).await?;
    let failures: Vec<throttle::Failure> = rows
        .into_iter()
        .filter_map(|r| {
            let at = chrono::DateTime::parse_from_rfc3339(&r.at).ok()?;
            Some(throttle::Failure {
                account: r.email,
                at: at.timestamp(),
            })
        })
        .collect();
    match throttle::decide(p, LINK_ACCOUNT, &failures, now.timestamp()) {
        Ok(()) => Ok(()),
        Err(r) => {
            let m = r.minutes(now.timestamp());
            Err(Error::Throttled(Msg::new(
                format!(
                    "您的网络地址打开无效或已使用的问卷链接次数过多，请 {} 分钟后再试",
                    m
                ),
                format!(
                    "Too many tries with invalid or used questionnaire links from your network address; try again in {} minutes",
                    m
                ),
            )))
        }
    }
}

async fn record_failure(app: &App, source: &str) -> Result<(), Error> {
    let mut tx = app.begin().await?;
    repo::record_login_failure(&mut tx, LINK_ACCOUNT, source).await?;
    tx.commit().await?;
    Ok(())
}

/// The items of a link's questionnaire, from its assessment's plan, and the assessment.
async fn link_items(app: &App, q: &Questionnaire) -> Result<(Vec<Item>, Assessment), Error> {
    let a = repo::get_assessment(&app.store, q.assessment_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((asked(q, &items_of(app, &a)?), a))
}

/// Open the link `token` (no sign-in): the form, or why it takes no answer. An unknown token
/// counts as a failed try of the client's address (throttled).
pub async fn link(app: &App, token: &str, client: Option<IpAddr>) -> Result<Link, Error> {
    let source = source_of(client);
    throttled(app, &source).await?;
    let found = store::link_read(&app.store, &sha256_hex(token.trim().as_bytes())).await?;
    match rule::may_answer(found.as_ref().map(|(_, f)| f), app.now()) {
        Ok(()) => {
            let (q, _) = found.ok_or(Error::NotFound)?;
            let (items, a) = link_items(app, &q).await?;
            let enterprise = assessments::enterprise_of(app, &a)
                .await?
                .map(|e| e.name)
                .unwrap_or_default();
            Ok(Link::Open {
                enterprise,
                items,
                closes_on: q.closes_on,
            })
        }
        Err(why) => {
            if why == LinkRefused::Unknown {
                record_failure(app, &source).await?;
            }
            Ok(Link::Refused(why))
        }
    }
}

/// Answer on the link `token` (no sign-in): every item rated 1–5 (`form`: ratings by item
/// id). In one transaction the link is marked used and the ratings stored with nothing that
/// ties them to it. `Ok(Err(why))` when the link takes no answer (an unknown token, or a used
/// one, counts as a failed try of the address); an invalid form is `Error::Invalid` on each
/// item at fault, and nothing is written.
pub async fn answer(
    app: &App,
    token: &str,
    form: &BTreeMap<String, String>,
    client: Option<IpAddr>,
) -> Result<Result<(), LinkRefused>, Error> {
    let source = source_of(client);
    throttled(app, &source).await?;
    let hash = sha256_hex(token.trim().as_bytes());
    let mut tx = app.begin().await?;
    let found = store::link(&mut tx, &hash).await?;
    let refused = |why: LinkRefused| async move {
        if matches!(why, LinkRefused::Unknown | LinkRefused::Used) {
            record_failure(app, &source_of(client)).await?;
        }
        Ok::<_, Error>(Err(why))
    };
    if let Err(why) = rule::may_answer(found.as_ref().map(|(_, f)| f), app.now()) {
        tx.rollback().await?;
        return refused(why).await;
    }
    let (q, _) = found.ok_or(Error::NotFound)?;
    let (items, _) = link_items(app, &q).await?;
    let ratings = match rule::check_response(&items, form) {
        Ok(r) => r,
        Err(e) => {
            tx.rollback().await?;
            return Err(Error::Invalid(e));
        }
    };
    if !store::answer(&mut tx, q.id, &hash, &rule::stored(&ratings)).await? {
        tx.rollback().await?;
        return refused(LinkRefused::Used).await;
    }
    tx.commit().await?;
    Ok(Ok(()))
}
