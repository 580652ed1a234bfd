//! Enterprise records, their sites and engagements.

use serde_json::json;
use tianping_domain::access::EnterprisePart;
use tianping_domain::enterprise::{self, EnterpriseInput, SiteInput};
use tianping_domain::identity::{self as identity_rules, IdentitySave};
use tianping_store::audit;
use tianping_store::identity::IdentityRequest;
use tianping_store::repo::{self, Enterprise, Org, Site, User};

use crate::accounts::uscc_taken;
use crate::error::on_conflict;
use crate::{actor, identity, App, Error};

/// The form's view of a stored record.
pub fn input_of(e: &Enterprise) -> EnterpriseInput {
    EnterpriseInput {
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        registered_address: e.registered_address.clone(),
        operating_address: e.operating_address.clone(),
        legal_representative: e.legal_representative.clone(),
        industry_code: e.industry_code.clone(),
        headcount: e.headcount.to_string(),
        enterprise_type: e.enterprise_type.clone().unwrap_or_default(),
        category: e.category.clone().unwrap_or_default(),
    }
}

/// The 001 category suggested by a GB/T 4754 industry code: (id, name).
pub fn suggest_category(app: &App, industry_code: &str) -> Option<(String, String)> {
    enterprise::suggest_category(app.level_scheme()?, industry_code)
}

/// An enterprise the user may see (or not found).
pub async fn get(app: &App, u: &User, id: i64) -> Result<Enterprise, Error> {
    repo::enterprise_visible(&app.store, u.principal().scope(), id)
        .await?
        .ok_or(Error::NotFound)
}

/// A page of the enterprises the user may see, and how many there are.
pub async fn list(
    app: &App,
    u: &User,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Enterprise>, i64), Error> {
    Ok(repo::list_enterprises(&app.store, u.principal().scope(), limit, offset).await?)
}

/// The sites of a visible enterprise.
pub async fn sites(app: &App, u: &User, id: i64) -> Result<Vec<Site>, Error> {
    let e = get(app, u, id).await?;
    Ok(repo::sites(&app.store, e.id).await?)
}

/// The organisations a visible enterprise has engaged.
pub async fn engaged_orgs(app: &App, u: &User, id: i64) -> Result<Vec<Org>, Error> {
    let e = get(app, u, id).await?;
    Ok(repo::engaged_orgs(&app.store, e.id).await?)
}

/// A body registers a client enterprise (and is engaged with it).
pub async fn create(app: &App, u: &User, i: &EnterpriseInput) -> Result<Enterprise, Error> {
    let org = u.principal().register_enterprise()?;
    let f = enterprise::check(app.variant_schemes(), i)?;
    if repo::enterprise_by_uscc(&app.store, &f.uscc)
        .await?
        .is_some()
    {
        return Err(Error::Invalid(vec![uscc_taken()]));
    }
    let mut tx = app.begin().await?;
    let e = repo::create_enterprise(&mut tx, &f)
        .await
        .map_err(|e| on_conflict(e, uscc_taken))?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "enterprise",
        &e.id.to_string(),
        None,
        Some(&json!(e)),
    )
    .await?;
    repo::engage(&mut tx, org, e.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "engage",
        "enterprise",
        &e.id.to_string(),
        None,
        Some(&json!({"org_id": org})),
    )
    .await?;
    tx.commit().await?;
    Ok(e)
}

/// What saving a record did: the record as stored, and the request its credit code and name
/// became when they are locked.
#[derive(Debug, Clone)]
pub struct Saved {
    pub enterprise: Enterprise,
    pub request: Option<IdentityRequest>,
}

/// Save an enterprise's record. Once its identity is locked (an assessment submitted or a
/// body engaged), a new credit code or name is not applied but filed as a request for an
/// admin of an engaged body ([`crate::identity`]); the rest of the record is saved.
pub async fn save(app: &App, u: &User, id: i64, i: &EnterpriseInput) -> Result<Saved, Error> {
    let before = get(app, u, id).await?;
    u.principal()
        .edit_enterprise(before.id, EnterprisePart::Record)?;
    let mut f = enterprise::check(app.variant_schemes(), i)?;
    let changed = f.uscc != before.uscc || f.name != before.name;
    let lock = identity::lock(app, before.id).await?;
    let pending = changed
        && lock.locked()
        && tianping_store::identity::pending_of(&app.store, before.id)
            .await?
            .is_some();
    let requested = match identity_rules::save(&lock, changed, pending)? {
        IdentitySave::Request => Some((
            std::mem::replace(&mut f.uscc, before.uscc.clone()),
            std::mem::replace(&mut f.name, before.name.clone()),
        )),
        IdentitySave::Apply | IdentitySave::Unchanged => None,
    };
    let new_uscc = requested.as_ref().map_or(&f.uscc, |r| &r.0);
    if *new_uscc != before.uscc
        && repo::enterprise_by_uscc(&app.store, new_uscc)
            .await?
            .is_some()
    {
        return Err(Error::Invalid(vec![uscc_taken()]));
    }
    let mut tx = app.begin().await?;
    let after = repo::update_enterprise(&mut tx, id, &f)
        .await
        .map_err(|e| on_conflict(e, uscc_taken))?;
    let same_record = Enterprise {
        updated_at: before.updated_at.clone(),
        ..after.clone()
    } == before;
    if requested.is_none() || !same_record {
        audit::append(
            &mut tx,
            &actor(u),
            "update",
            "enterprise",
            &id.to_string(),
            Some(&json!(before)),
            Some(&json!(after)),
        )
        .await?;
    }
    let request = match &requested {
        Some((uscc, name)) => Some(identity::file(app, &mut tx, u, &before, uscc, name).await?),
        None => None,
    };
    tx.commit().await?;
    Ok(Saved {
        enterprise: after,
        request,
    })
}

/// [`save`], for callers that need only the record.
pub async fn update(
    app: &App,
    u: &User,
    id: i64,
    i: &EnterpriseInput,
) -> Result<Enterprise, Error> {
    Ok(save(app, u, id, i).await?.enterprise)
}

pub async fn add_site(
    app: &App,
    u: &User,
    enterprise_id: i64,
    i: &SiteInput,
) -> Result<Site, Error> {
    let e = get(app, u, enterprise_id).await?;
    u.principal().edit_enterprise(e.id, EnterprisePart::Sites)?;
    let (name, address, headcount) = enterprise::check_site(i)?;
    let mut tx = app.begin().await?;
    let s = repo::add_site(&mut tx, enterprise_id, &name, &address, headcount).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "site",
        &s.id.to_string(),
        None,
        Some(&json!(s)),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn delete_site(
    app: &App,
    u: &User,
    enterprise_id: i64,
    site_id: i64,
) -> Result<(), Error> {
    let e = get(app, u, enterprise_id).await?;
    u.principal().edit_enterprise(e.id, EnterprisePart::Sites)?;
    let mut tx = app.begin().await?;
    let s = repo::delete_site(&mut tx, enterprise_id, site_id)
        .await?
        .ok_or(Error::NotFound)?;
    audit::append(
        &mut tx,
        &actor(u),
        "delete",
        "site",
        &s.id.to_string(),
        Some(&json!(s)),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enterprise member engages an evaluation body or authorises a platform.
pub async fn engage(app: &App, u: &User, enterprise_id: i64, org_id: i64) -> Result<(), Error> {
    let e = get(app, u, enterprise_id).await?;
    u.principal().engage(e.id)?;
    let org = repo::get_org(&app.store, org_id).await?.ok_or_else(|| {
        Error::invalid(
            "org_id",
            "没有这个评价机构或平台",
            "There is no such evaluation body or platform",
        )
    })?;
    let mut tx = app.begin().await?;
    if repo::engage(&mut tx, org.id, e.id).await? {
        audit::append(
            &mut tx,
            &actor(u),
            "engage",
            "enterprise",
            &e.id.to_string(),
            None,
            Some(&json!({"org_id": org.id, "org": org.name})),
        )
        .await?;
        crate::notify::engaged(app, &mut tx, &org, &e).await?;
    }
    tx.commit().await?;
    Ok(())
}
