//! Objections to a capability result under publicity (seed 004 6.4, 6.5), raised by anyone
//! on the public publicity page without signing in, and the body's expert pool (7.2.2).
//!
//! An objection's name, contact and text stay in the `objections` table; the case's event
//! log records `objection_received` with the id `O-<row id>` and no person, and the audit
//! entry's actor is `public` with no name or contact. Each network address is throttled by
//! the SHA-256 of its address (`tianping_domain::capability_case::objection_throttle`:
//! 3 per case and 10 in all per China day). Who sees the objections: the body's staff with
//! name and contact, the enterprise only the date and text.

use std::net::IpAddr;

use serde::Serialize;
use serde_json::json;
use tianping_case::capability::{Event, EventKind};
use tianping_case::public::PublicView;
use tianping_case::CaseKind;
use tianping_domain::capability_case::{self as rules, ObjectionSight};
use tianping_domain::people::ExpertField;
use tianping_domain::throttle::source_key;
use tianping_store::cases as store;
use tianping_store::objections::{self as objs, NewObjection};
use tianping_store::repo::{self, User};
use tianping_store::{audit, sha256_hex};

use crate::capability_cases::{case_facts, get, write};
use crate::{actor, App, Error};

pub use tianping_domain::capability_case::ObjectionInput;

/// A case's publicity as the public page shows it (no person).
#[derive(Debug, Clone, Serialize)]
pub struct PublicPublicity {
    pub case_id: i64,
    pub enterprise: String,
    pub uscc: String,
    pub body: String,
    pub view: PublicView,
    /// Whether objections are accepted today (China time).
    pub open: bool,
    pub today: chrono::NaiveDate,
}

/// The publicity of a capability case, for anyone (not found unless the case is a capability
/// case publishing a publicity).
pub async fn publicity(app: &App, case_id: i64) -> Result<PublicPublicity, Error> {
    let c = store::get(&app.store, case_id)
        .await?
        .ok_or(Error::NotFound)?;
    if c.kind != CaseKind::Capability.as_str() {
        return Err(Error::NotFound);
    }
    let view: PublicView = objs::public_json(&app.store, case_id)
        .await?
        .and_then(|j| serde_json::from_str(&j).ok())
        .ok_or(Error::NotFound)?;
    let Some(p) = view.publicity.as_ref() else {
        return Err(Error::NotFound);
    };
    let today = app.today();
    let e = repo::get_enterprise(&app.store, c.enterprise_id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(PublicPublicity {
        case_id,
        enterprise: e.name,
        uscc: e.uscc,
        body: c.org_name,
        open: p.open_on(today),
        today,
        view,
    })
}

/// Raise an objection to a capability result under publicity, from network address
/// `source`. Returns its id (`O-<n>`).
pub async fn raise_objection(
    app: &App,
    case_id: i64,
    input: ObjectionInput,
    source: IpAddr,
) -> Result<String, Error> {
    let input = input.check().map_err(Error::Invalid)?;
    let c = store::get(&app.store, case_id)
        .await?
        .ok_or(Error::NotFound)?;
    if c.kind != CaseKind::Capability.as_str() {
        return Err(Error::NotFound);
    }
    let today = app.today();
    let hash = sha256_hex(source_key(source).as_bytes());
    let mut tx = app.begin().await?;
    let c = store::lock(&mut tx, case_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (to_case, all) = objs::sent_on(&mut tx, &hash, &today.to_string(), case_id).await?;
    rules::objection_throttle(to_case as usize, all as usize).map_err(Error::Throttled)?;
    let n = objs::insert(
        &mut tx,
        &NewObjection {
            case_id,
            received_on: &today.to_string(),
            name: &input.name,
            contact: &input.contact,
            text: &input.text,
            source_hash: &hash,
        },
    )
    .await?;
    let id = format!("O-{n}");
    let event = Event {
        date: today,
        kind: EventKind::ObjectionReceived {
            id: Some(id.clone()),
            from: None,
        },
    };
    write(app, &mut tx, &c, None, event).await?;
    audit::append(
        &mut tx,
        &audit::Actor {
            id: None,
            label: "public".into(),
        },
        "objection_raised",
        "case",
        &case_id.to_string(),
        None,
        Some(&json!({"objection": id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One objection as a person of the case sees it (name and contact: the body's staff only).
#[derive(Debug, Clone, Serialize)]
pub struct ObjectionView {
    pub id: String,
    pub received_on: String,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub text: String,
}

/// The objections raised on a case's publicity page, as this person may see them.
pub async fn objections(app: &App, u: &User, case_id: i64) -> Result<Vec<ObjectionView>, Error> {
    let c = get(app, u, case_id).await?;
    let sight = rules::objection_sight(&u.principal(), case_facts(&c))?;
    let full = sight == ObjectionSight::Full;
    Ok(objs::of_case(&app.store, case_id)
        .await?
        .into_iter()
        .map(|o| ObjectionView {
            id: format!("O-{}", o.id),
            received_on: o.received_on,
            name: full.then_some(o.name),
            contact: full.then_some(o.contact),
            text: o.text,
        })
        .collect())
}

/// The body admin sets the expert-pool fields of a person of the body (none: out of the
/// pool), audited.
pub async fn set_expert_fields(
    app: &App,
    u: &User,
    user_id: i64,
    fields: &[ExpertField],
) -> Result<(), Error> {
    let person = repo::get_user(&app.store, user_id)
        .await?
        .ok_or(Error::NotFound)?;
    let org = person.org_id.ok_or(Error::NotFound)?;
    if u.role != tianping_domain::Role::BodyAdmin || u.org_id != Some(org) {
        return Err(Error::NotFound);
    }
    let mut fields = fields.to_vec();
    fields.sort();
    fields.dedup();
    let mut tx = app.begin().await?;
    tianping_store::people::set_expert_fields(&mut tx, org, user_id, &fields, u.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "set_expert_fields",
        "user",
        &user_id.to_string(),
        None,
        Some(&json!({"fields": fields.iter().map(|f| f.as_str()).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The expert-pool fields of a body's people: (user id, fields), for the body's staff.
pub async fn expert_fields(
    app: &App,
    u: &User,
    org: i64,
) -> Result<Vec<(i64, Vec<ExpertField>)>, Error> {
    if u.org_id != Some(org) && u.role != tianping_domain::Role::Sysadmin {
        return Err(Error::NotFound);
    }
    let mut out: Vec<(i64, Vec<ExpertField>)> = Vec::new();
    for (id, f) in tianping_store::people::expert_fields_of_org(&app.store, org).await? {
        match out.last_mut() {
            Some((last, v)) if *last == id => v.push(f),
            _ => out.push((id, vec![f])),
        }
    }
    Ok(out)
}
