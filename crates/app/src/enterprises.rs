//! Enterprise records, their sites and engagements.

use serde_json::json;
use tianping_domain::access::EnterprisePart;
use tianping_domain::enterprise::{self, EnterpriseInput, SiteInput};
use tianping_store::audit;
use tianping_store::repo::{self, Enterprise, Org, Site, User};

use crate::accounts::uscc_taken;
use crate::error::on_conflict;
use crate::{actor, App, Error};

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

pub async fn update(
    app: &App,
    u: &User,
    id: i64,
    i: &EnterpriseInput,
) -> Result<Enterprise, Error> {
    let before = get(app, u, id).await?;
    u.principal()
        .edit_enterprise(before.id, EnterprisePart::Record)?;
    let f = enterprise::check(app.variant_schemes(), i)?;
    if f.uscc != before.uscc
        && repo::enterprise_by_uscc(&app.store, &f.uscc)
            .await?
            .is_some()
    {
        return Err(Error::Invalid(vec![uscc_taken()]));
    }
    let mut tx = app.begin().await?;
    let after = repo::update_enterprise(&mut tx, id, &f)
        .await
        .map_err(|e| on_conflict(e, uscc_taken))?;
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
    tx.commit().await?;
    Ok(after)
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
