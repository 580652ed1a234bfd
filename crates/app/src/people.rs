//! A certification body's people (8.1.4.1, 5.2): competence records kept by the body admin,
//! conflicts of interest declared per client by the person or the admin (and withdrawn by the
//! admin), a person's records, and the body's people with who is a qualified auditor on a day
//! (rules: `tianping_domain::people`). Each change is written with its audit entry (object: the
//! person's account) in one transaction.
//!
//! The certification rules (`tianping_case`) read these records through [`conflicts_for`],
//! [`competence_strings`] and [`case_person`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{json, Value};
use tianping_case::certification::Conflict;
use tianping_case::Person;
use tianping_domain::people::{
    self as rules, CompetenceInput, CompetenceKind, ConflictInput, Staff,
};
use tianping_domain::OrgKind;
use tianping_store::audit;
use tianping_store::people as store;
use tianping_store::repo::{self, Org, User};
use tianping_store::staff::user_tx;

use crate::{actor, App, Error};

pub use tianping_store::people::{CompetenceRecord, ConflictRecord};

/// Today in China, the day people date their records by.
pub fn today(app: &App) -> NaiveDate {
    app.today()
}

fn staff(u: &User) -> Staff {
    Staff {
        user_id: u.id,
        role: u.role,
        org_id: u.org_id,
    }
}

/// A person's records with what the reader may do with them.
#[derive(Debug, Clone)]
pub struct PersonRecords {
    pub person: User,
    pub org: Org,
    pub competence: Vec<CompetenceRecord>,
    /// Newest first, withdrawn ones too.
    pub conflicts: Vec<ConflictRecord>,
    /// The names of the enterprises the conflicts name.
    pub enterprise_names: BTreeMap<i64, String>,
    /// The names of those who recorded, declared or withdrew.
    pub names: BTreeMap<i64, String>,
    pub today: NaiveDate,
    /// What the person lacks today to audit (8.1.4.1 1)); empty: a qualified auditor.
    pub gaps: Vec<CompetenceKind>,
    pub may_record: bool,
    pub may_declare: bool,
    pub may_withdraw: bool,
    /// The body's client enterprises (id, name), to declare a conflict for; empty when the
    /// reader may not declare.
    pub clients: Vec<(i64, String)>,
}

/// A person's competence records and conflicts, for the person, their body's admin and the
/// system administrator (anyone else: not found).
pub async fn person(app: &App, u: &User, user_id: i64) -> Result<PersonRecords, Error> {
    let person = repo::get_user(&app.store, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let p = u.principal();
    let who = staff(&person);
    rules::read_person(&p, &who)?;
    let org_id = person.org_id.ok_or(Error::NotFound)?;
    let org = repo::get_org(&app.store, org_id)
        .await?
        .ok_or(Error::NotFound)?;
    let competence = store::competence_of(&app.store, person.id).await?;
    let conflicts = store::conflicts_of(&app.store, person.id).await?;
    let ids: Vec<i64> = conflicts.iter().map(|c| c.enterprise_id).collect();
    let enterprise_names = store::enterprise_names(&app.store, &ids).await?;
    let who_ids: Vec<i64> = competence
        .iter()
        .map(|r| r.recorded_by)
        .chain(conflicts.iter().map(|c| c.declared_by))
        .chain(conflicts.iter().filter_map(|c| c.withdrawn_by))
        .collect();
    let names = repo::user_names(&app.store, &who_ids).await?;
    let today = today(app);
    let facts: Vec<_> = competence
        .iter()
        .map(CompetenceRecord::competence)
        .collect();
    let gaps = rules::gaps_on(&facts, today);
    let may_declare = rules::declare_conflict(&p, &who).is_ok();
    let clients = if may_declare {
        store::clients(&app.store, org_id).await?
    } else {
        Vec::new()
    };
    Ok(PersonRecords {
        may_record: rules::record_competence(&p, &who).is_ok(),
        may_withdraw: rules::withdraw_conflict(&p, &who).is_ok(),
        may_declare,
        clients,
        person,
        org,
        competence,
        conflicts,
        enterprise_names,
        names,
        today,
        gaps,
    })
}

/// One person of a body with their competence.
#[derive(Debug, Clone)]
pub struct PersonSummary {
    pub user: User,
    pub competence: Vec<CompetenceRecord>,
    /// What the person lacks on the list's day to audit; empty: a qualified auditor.
    pub gaps: Vec<CompetenceKind>,
}

impl PersonSummary {
    /// A qualified auditor on the list's day: CCAA and EEPC both valid (8.1.4.1 1)).
    pub fn qualified(&self) -> bool {
        self.gaps.is_empty()
    }
}

/// A body's people on a day.
#[derive(Debug, Clone)]
pub struct BodyPeople {
    pub org: Org,
    pub on: NaiveDate,
    pub people: Vec<PersonSummary>,
}

/// The people of body `org_id` with their competence and who is a qualified auditor on `on`
/// (default: today), for the body's admin and the system administrator.
pub async fn of_body(
    app: &App,
    u: &User,
    org_id: i64,
    on: Option<NaiveDate>,
) -> Result<BodyPeople, Error> {
    rules::read_body(&u.principal(), org_id)?;
    let org = repo::get_org(&app.store, org_id)
        .await?
        .filter(|o| o.kind == OrgKind::Body)
        .ok_or(Error::NotFound)?;
    let on = on.unwrap_or_else(|| today(app));
    let mut records: BTreeMap<i64, Vec<CompetenceRecord>> = BTreeMap::new();
    for r in store::competence_of_org(&app.store, org_id).await? {
        records.entry(r.user_id).or_default().push(r);
    }
    let people = repo::users_of_org(&app.store, org_id)
        .await?
        .into_iter()
        .map(|user| {
            let competence = records.remove(&user.id).unwrap_or_default();
            let facts: Vec<_> = competence.iter().map(|r| r.competence()).collect();
            PersonSummary {
                gaps: rules::gaps_on(&facts, on),
                user,
                competence,
            }
        })
        .collect();
    Ok(BodyPeople { org, on, people })
}

fn competence_json(r: &CompetenceRecord) -> Value {
    json!({
        "record_id": r.id,
        "competence_kind": r.kind,
        "value": r.value,
        "obtained_on": r.obtained_on.map(|d| d.to_string()),
        "valid_until": r.valid_until.map(|d| d.to_string()),
    })
}

fn conflict_json(c: &ConflictRecord) -> Value {
    json!({
        "conflict_id": c.id,
        "enterprise_id": c.enterprise_id,
        "reason": c.reason,
        "until": c.until.map(|d| d.to_string()),
        "declared_on": c.declared_on.to_string(),
    })
}

/// Record a competence of a member of the body (the body admin).
pub async fn add_competence(
    app: &App,
    u: &User,
    user_id: i64,
    input: &CompetenceInput,
) -> Result<CompetenceRecord, Error> {
    let mut tx = app.begin().await?;
    let person = user_tx(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    rules::record_competence(&u.principal(), &staff(&person))?;
    let org_id = person.org_id.ok_or(Error::NotFound)?;
    let c = input.check(today(app))?;
    let rec = store::add_competence(&mut tx, org_id, person.id, &c, u.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "add_competence",
        "user",
        &person.id.to_string(),
        None,
        Some(&competence_json(&rec)),
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// Remove a competence record recorded by mistake (the body admin); the audit entry keeps it.
pub async fn remove_competence(
    app: &App,
    u: &User,
    user_id: i64,
    record_id: i64,
) -> Result<CompetenceRecord, Error> {
    let mut tx = app.begin().await?;
    let person = user_tx(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    rules::record_competence(&u.principal(), &staff(&person))?;
    let rec = store::remove_competence(&mut tx, person.id, record_id)
        .await?
        .ok_or(Error::NotFound)?;
    audit::append(
        &mut tx,
        &actor(u),
        "remove_competence",
        "user",
        &person.id.to_string(),
        Some(&competence_json(&rec)),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// Declare a conflict of interest of a person with one of the body's clients (the person or
/// the body admin), dated today.
pub async fn declare_conflict(
    app: &App,
    u: &User,
    user_id: i64,
    input: &ConflictInput,
) -> Result<ConflictRecord, Error> {
    let mut tx = app.begin().await?;
    let person = user_tx(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    rules::declare_conflict(&u.principal(), &staff(&person))?;
    let org_id = person.org_id.ok_or(Error::NotFound)?;
    let clients: Vec<i64> = store::clients(&app.store, org_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let decl = input.check(&clients)?;
    let rec = store::declare_conflict(&mut tx, org_id, person.id, &decl, today(app), u.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "declare_conflict",
        "user",
        &person.id.to_string(),
        None,
        Some(&conflict_json(&rec)),
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// Withdraw a declared conflict (the body admin); it stays on record, marked withdrawn.
pub async fn withdraw_conflict(
    app: &App,
    u: &User,
    user_id: i64,
    conflict_id: i64,
) -> Result<ConflictRecord, Error> {
    let mut tx = app.begin().await?;
    let person = user_tx(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    rules::withdraw_conflict(&u.principal(), &staff(&person))?;
    let Some(rec) = store::withdraw_conflict(&mut tx, person.id, conflict_id, u.id).await? else {
        return Err(
            match store::conflict_of(&app.store, person.id, conflict_id).await? {
                Some(_) => Error::locked(
                    "这项利益冲突声明已经撤回",
                    "This declaration is already withdrawn",
                ),
                None => Error::NotFound,
            },
        );
    };
    audit::append(
        &mut tx,
        &actor(u),
        "withdraw_conflict",
        "user",
        &person.id.to_string(),
        Some(&conflict_json(&rec)),
        Some(&json!({"withdrawn_at": rec.withdrawn_at, "withdrawn_by": rec.withdrawn_by})),
    )
    .await?;
    tx.commit().await?;
    Ok(rec)
}

/// An enterprise's name (empty when there is none), for a declaration's view.
pub async fn enterprise_name(app: &App, id: i64) -> Result<String, Error> {
    Ok(store::enterprise_names(&app.store, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// The declared (not withdrawn) conflicts of body `body_org_id`'s people with client
/// `enterprise_id`, as the certification rules take them (`person`: the account's id). Each
/// carries its last day: whether it lasts on an audit's day is the rules' to say
/// (`Conflict::active_on`), so a conflict that ended is still listed for earlier audits.
pub async fn conflicts_for(
    app: &App,
    body_org_id: i64,
    enterprise_id: i64,
) -> Result<Vec<Conflict>, Error> {
    Ok(
        store::open_conflicts_for(&app.store, body_org_id, enterprise_id)
            .await?
            .into_iter()
            .map(|c| Conflict {
                person: c.user_id.to_string(),
                reason: c.reason,
                until: c.until,
            })
            .collect(),
    )
}

/// A person's competence valid today as the certification rules read it: `CCAA …` for a
/// registration, `EEPC …` for the training, business areas as recorded.
pub async fn competence_strings(app: &App, user_id: i64) -> Result<Vec<String>, Error> {
    competence_strings_on(app, user_id, today(app)).await
}

/// [`competence_strings`] on `day` (an audit's first day, say).
pub async fn competence_strings_on(
    app: &App,
    user_id: i64,
    day: NaiveDate,
) -> Result<Vec<String>, Error> {
    let records: Vec<_> = store::competence_of(&app.store, user_id)
        .await?
        .iter()
        .map(CompetenceRecord::competence)
        .collect();
    Ok(rules::case_texts(&records, day))
}

/// A member of staff as the certification rules describe people (`id`: the account's id; the
/// competence valid on `day`); none when there is no such account.
pub async fn case_person(app: &App, user_id: i64, day: NaiveDate) -> Result<Option<Person>, Error> {
    let Some(u) = repo::get_user(&app.store, user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Person {
        id: u.id.to_string(),
        name: Some(u.name),
        roles: vec![u.role.as_str().to_string()],
        competence: competence_strings_on(app, user_id, day).await?,
        records_complete: true,
    }))
}
