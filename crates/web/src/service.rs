//! The service layer: every operation the pages and the API offer, with its validation and
//! its object-level permission check, and an audit entry for every change. Pages and API
//! call the same functions, so they enforce the same rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tianping_core::stars::{apply_rules, Application, Mode};
use tianping_core::{Method, Plan, Profile, Scheme};
use tianping_store::audit::{self, Actor};
use tianping_store::repo::{self, Assessment, EnterpriseFields, Scope, User};
use tianping_store::{now_plus, random_token, sha256_hex};

use crate::auth;
use crate::error::{Error, FieldError, Msg};
use crate::AppState;

// ---------------------------------------------------------------- roles

pub const ROLES: &[&str] = &[
    "enterprise",
    "auditor",
    "expert",
    "decider",
    "body_admin",
    "operator",
    "sysadmin",
];

/// Roles a body admin may invite into the body.
pub const BODY_ROLES: &[&str] = &["auditor", "expert", "decider", "body_admin"];

pub fn actor(u: &User) -> Actor {
    Actor {
        id: Some(u.id),
        label: format!("{} ({})", u.email, u.role),
    }
}

/// What rows a user may see.
pub fn scope(u: &User) -> Scope {
    match u.role.as_str() {
        "sysadmin" => Scope::All,
        "enterprise" => u
            .enterprise_id
            .map(Scope::Enterprise)
            .unwrap_or(Scope::None),
        "auditor" | "decider" | "body_admin" | "operator" => {
            u.org_id.map(Scope::Org).unwrap_or(Scope::None)
        }
        "expert" => Scope::Expert(u.id),
        _ => Scope::None,
    }
}

fn is_body_editor(u: &User) -> bool {
    matches!(u.role.as_str(), "auditor" | "body_admin")
}

// ---------------------------------------------------------------- USCC

/// Check a unified social credit code (GB 32100-2015) with the calculators crate's check
/// and return it normalised (full-width forms and lower case accepted), or the reason (the
/// calculators' Chinese text naming the position at fault, introduced in English).
pub fn validate_uscc(input: &str) -> Result<String, Msg> {
    tianping_calc::uscc::validate(input)
        .map(|u| u.code)
        .map_err(|e| Msg::wrap("Unified social credit code is invalid", e.to_string()))
}

// ---------------------------------------------------------------- enterprises

/// Enterprise fields as typed into a form or sent to the API (all text, checked here).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EnterpriseInput {
    pub uscc: String,
    pub name: String,
    pub registered_address: String,
    pub operating_address: String,
    pub legal_representative: String,
    pub industry_code: String,
    pub headcount: String,
    pub enterprise_type: String,
    pub category: String,
}

impl EnterpriseInput {
    pub fn from_row(e: &repo::Enterprise) -> EnterpriseInput {
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
}

/// A variant id chosen on a form (000 enterprise type, 001 category): the id if the scheme has
/// it, otherwise an error on `field` listing the accepted ids.
fn variant_field(
    scheme: Option<&Scheme>,
    value: &str,
    field: &str,
    label: Msg,
    errs: &mut Vec<FieldError>,
) -> Option<String> {
    if scheme.is_some_and(|s| s.variant(value).is_some()) {
        return Some(value.to_string());
    }
    let accepted: Vec<&str> = scheme
        .map(|s| s.variants.iter().map(|v| v.id.as_str()).collect())
        .unwrap_or_default();
    errs.push(FieldError::new(
        field,
        format!(
            "{} “{}” 无效；可选：{}",
            label.zh,
            value,
            accepted.join("、")
        ),
        format!(
            "{} “{}” is invalid; choose one of: {}",
            label.en,
            value,
            accepted.join(", ")
        ),
    ));
    None
}

/// The 000 scheme (stars) and the 001 scheme (digital levels) of the catalog.
pub fn star_scheme(state: &AppState) -> Option<&'static Scheme> {
    state
        .catalog
        .schemes
        .iter()
        .find(|s| s.method == Method::Dimensions)
}

pub fn level_scheme(state: &AppState) -> Option<&'static Scheme> {
    state
        .catalog
        .schemes
        .iter()
        .find(|s| s.method == Method::WeightedLevels)
}

/// The 001 category suggested by a GB/T 4754 industry code (its section letter), I-7.
pub fn suggest_category(state: &AppState, industry_code: &str) -> Option<(String, String)> {
    let section = industry_code
        .trim()
        .chars()
        .next()?
        .to_ascii_uppercase()
        .to_string();
    let s = level_scheme(state)?;
    s.variants
        .iter()
        .find(|v| v.gbt4754_sections.contains(&section))
        .map(|v| (v.id.clone(), v.name.clone()))
}

pub fn check_enterprise(state: &AppState, i: &EnterpriseInput) -> Result<EnterpriseFields, Error> {
    let mut errs = Vec::new();
    let uscc = match validate_uscc(&i.uscc) {
        Ok(c) => c,
        Err(m) => {
            errs.push(FieldError::msg("uscc", m));
            String::new()
        }
    };
    let name = i.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        errs.push(FieldError::new(
            "name",
            "企业名称必填，最多 200 字",
            "The enterprise name is required, at most 200 characters",
        ));
    }
    for (f, v, zh, en) in [
        (
            "registered_address",
            &i.registered_address,
            "注册地址",
            "The registered address",
        ),
        (
            "operating_address",
            &i.operating_address,
            "经营地址",
            "The operating address",
        ),
        (
            "legal_representative",
            &i.legal_representative,
            "法定代表人",
            "The legal representative",
        ),
    ] {
        if v.chars().count() > 300 {
            errs.push(FieldError::new(
                f,
                format!("{}最多 300 字", zh),
                format!("{} may have at most 300 characters", en),
            ));
        }
    }
    let industry = i.industry_code.trim().to_uppercase();
    if !industry.is_empty() {
        let b = industry.as_bytes();
        let ok = (b[0] as char).is_ascii_uppercase()
            && (b'A'..=b'T').contains(&b[0])
            && matches!(b.len(), 1 | 3 | 4 | 5)
            && b[1..].iter().all(|c| c.is_ascii_digit());
        if !ok {
            errs.push(FieldError::new(
                "industry_code",
                "行业代码应按 GB/T 4754：门类字母 A–T，后接 2、3 或 4 位数字（如 C、C35、C351、C3511）",
                "The industry code follows GB/T 4754: a section letter A–T, then 2, 3 or 4 digits (e.g. C, C35, C351, C3511)",
            ));
        }
    }
    let headcount = match i.headcount.trim() {
        "" => 0,
        h => match h.parse::<i64>() {
            Ok(n) if (0..=10_000_000).contains(&n) => n,
            _ => {
                errs.push(FieldError::new(
                    "headcount",
                    "人数应为 0 至 10000000 的整数",
                    "The headcount must be a whole number from 0 to 10000000",
                ));
                0
            }
        },
    };
    let enterprise_type = match i.enterprise_type.trim() {
        "" => None,
        t => variant_field(
            star_scheme(state),
            t,
            "enterprise_type",
            Msg::new("企业类型", "Enterprise type"),
            &mut errs,
        ),
    };
    let category = match i.category.trim() {
        "" => suggest_category(state, &industry).map(|c| c.0),
        c => variant_field(
            level_scheme(state),
            c,
            "category",
            Msg::new("企业类别", "Enterprise category"),
            &mut errs,
        ),
    };
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    Ok(EnterpriseFields {
        uscc,
        name,
        registered_address: i.registered_address.trim().into(),
        operating_address: i.operating_address.trim().into(),
        legal_representative: i.legal_representative.trim().into(),
        industry_code: industry,
        headcount,
        enterprise_type,
        category,
    })
}

fn uscc_taken() -> Error {
    Error::invalid(
        "uscc",
        "该统一社会信用代码已登记；如属本企业，请联系已注册的同事或评价机构",
        "This unified social credit code is already registered; if it is your enterprise, ask your registered colleague or the evaluation body",
    )
}

fn email_taken() -> FieldError {
    FieldError::new(
        "email",
        "该邮箱已注册，请直接登录",
        "This email address is already registered; please sign in",
    )
}

/// Sign-up of an enterprise and its first member.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SignupInput {
    pub email: String,
    pub user_name: String,
    pub password: String,
    #[serde(flatten)]
    pub enterprise: EnterpriseInput,
}

pub fn check_email(email: &str) -> Result<String, Msg> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 200
        && e.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.')
        })
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(e)
    } else {
        Err(Msg::new(
            "邮箱地址无效，应形如 name@example.com",
            "The email address is invalid; it should look like name@example.com",
        ))
    }
}

pub async fn signup(state: &AppState, i: &SignupInput) -> Result<User, Error> {
    let mut errs = Vec::new();
    let email = check_email(&i.email)
        .map_err(|m| errs.push(FieldError::msg("email", m)))
        .ok();
    if i.user_name.trim().is_empty() || i.user_name.chars().count() > 100 {
        errs.push(FieldError::new(
            "user_name",
            "姓名必填，最多 100 字",
            "Your name is required, at most 100 characters",
        ));
    }
    if let Err(m) = auth::check_new_password(&i.password) {
        errs.push(FieldError::msg("password", m));
    }
    let fields = match check_enterprise(state, &i.enterprise) {
        Ok(f) => Some(f),
        Err(Error::Invalid(mut v)) => {
            errs.append(&mut v);
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(e) = &email {
        if repo::user_by_email(&state.store, e).await?.is_some() {
            errs.push(email_taken());
        }
    }
    if let Some(f) = &fields {
        if repo::enterprise_by_uscc(&state.store, &f.uscc)
            .await?
            .is_some()
        {
            if let Error::Invalid(mut v) = uscc_taken() {
                errs.append(&mut v);
            }
        }
    }
    let (Some(email), Some(fields), true) = (email, fields, errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let hash = auth::hash_password_async(i.password.clone()).await?;
    let mut tx = state.store.begin().await?;
    let ent = repo::create_enterprise(&mut tx, &fields)
        .await
        .map_err(|e| match e {
            tianping_store::StoreError::Conflict(_) => uscc_taken(),
            e => e.into(),
        })?;
    let user = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: &email,
            name: i.user_name.trim(),
            password_hash: &hash,
            role: "enterprise",
            org_id: None,
            enterprise_id: Some(ent.id),
        },
    )
    .await
    .map_err(|e| match e {
        tianping_store::StoreError::Conflict(_) => Error::Invalid(vec![email_taken()]),
        e => e.into(),
    })?;
    let a = actor(&user);
    audit::append(
        &mut tx,
        &a,
        "signup",
        "enterprise",
        &ent.id.to_string(),
        None,
        Some(&json!(ent)),
    )
    .await?;
    audit::append(
        &mut tx,
        &a,
        "create",
        "user",
        &user.id.to_string(),
        None,
        Some(&json!(user)),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// An enterprise the user may see (or not found).
pub async fn enterprise(state: &AppState, u: &User, id: i64) -> Result<repo::Enterprise, Error> {
    repo::enterprise_visible(&state.store, scope(u), id)
        .await?
        .ok_or(Error::NotFound)
}

/// Whether the user may change this (visible) enterprise's record.
pub fn can_edit_enterprise(u: &User, e: &repo::Enterprise) -> bool {
    match u.role.as_str() {
        "enterprise" => u.enterprise_id == Some(e.id),
        "auditor" | "body_admin" | "sysadmin" => true,
        _ => false,
    }
}

/// A body registers a client enterprise (and is engaged with it).
pub async fn create_enterprise(
    state: &AppState,
    u: &User,
    i: &EnterpriseInput,
) -> Result<repo::Enterprise, Error> {
    let org = match (u.role.as_str(), u.org_id) {
        ("auditor" | "body_admin", Some(o)) => Some(o),
        ("sysadmin", _) => None,
        _ => {
            return Err(Error::forbidden(
                "只有评价机构的审核员或管理员可以登记客户企业；企业请自行注册",
                "Only an evaluation body's auditors or admins may register client enterprises; enterprises sign up themselves",
            ))
        }
    };
    let f = check_enterprise(state, i)?;
    if repo::enterprise_by_uscc(&state.store, &f.uscc)
        .await?
        .is_some()
    {
        return Err(uscc_taken());
    }
    let mut tx = state.store.begin().await?;
    let e = repo::create_enterprise(&mut tx, &f)
        .await
        .map_err(|e| match e {
            tianping_store::StoreError::Conflict(_) => uscc_taken(),
            e => e.into(),
        })?;
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
    if let Some(o) = org {
        repo::engage(&mut tx, o, e.id).await?;
        audit::append(
            &mut tx,
            &actor(u),
            "engage",
            "enterprise",
            &e.id.to_string(),
            None,
            Some(&json!({"org_id": o})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(e)
}

pub async fn update_enterprise(
    state: &AppState,
    u: &User,
    id: i64,
    i: &EnterpriseInput,
) -> Result<repo::Enterprise, Error> {
    let before = enterprise(state, u, id).await?;
    if !can_edit_enterprise(u, &before) {
        return Err(Error::forbidden(
            "你可以查看但不能修改这家企业的登记信息",
            "You may view but not change this enterprise's record",
        ));
    }
    let f = check_enterprise(state, i)?;
    if f.uscc != before.uscc
        && repo::enterprise_by_uscc(&state.store, &f.uscc)
            .await?
            .is_some()
    {
        return Err(uscc_taken());
    }
    let mut tx = state.store.begin().await?;
    let after = repo::update_enterprise(&mut tx, id, &f)
        .await
        .map_err(|e| match e {
            tianping_store::StoreError::Conflict(_) => uscc_taken(),
            e => e.into(),
        })?;
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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    pub headcount: String,
}

pub async fn add_site(
    state: &AppState,
    u: &User,
    enterprise_id: i64,
    i: &SiteInput,
) -> Result<repo::Site, Error> {
    let e = enterprise(state, u, enterprise_id).await?;
    if !can_edit_enterprise(u, &e) {
        return Err(Error::forbidden(
            "你不能修改这家企业的场所",
            "You may not change this enterprise's sites",
        ));
    }
    let mut errs = Vec::new();
    if i.name.trim().is_empty() || i.name.chars().count() > 200 {
        errs.push(FieldError::new(
            "name",
            "场所名称必填，最多 200 字",
            "The site name is required, at most 200 characters",
        ));
    }
    let hc = match i.headcount.trim().parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => n,
        _ => {
            errs.push(FieldError::new(
                "headcount",
                "场所人数应为 0 至 10000000 的整数",
                "The site's headcount must be a whole number from 0 to 10000000",
            ));
            0
        }
    };
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let mut tx = state.store.begin().await?;
    let s = repo::add_site(&mut tx, enterprise_id, i.name.trim(), i.address.trim(), hc).await?;
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
    state: &AppState,
    u: &User,
    enterprise_id: i64,
    site_id: i64,
) -> Result<(), Error> {
    let e = enterprise(state, u, enterprise_id).await?;
    if !can_edit_enterprise(u, &e) {
        return Err(Error::forbidden(
            "你不能修改这家企业的场所",
            "You may not change this enterprise's sites",
        ));
    }
    let mut tx = state.store.begin().await?;
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
pub async fn engage(
    state: &AppState,
    u: &User,
    enterprise_id: i64,
    org_id: i64,
) -> Result<(), Error> {
    let e = enterprise(state, u, enterprise_id).await?;
    if u.role != "enterprise" || u.enterprise_id != Some(e.id) {
        return Err(Error::forbidden(
            "只有企业本身可以委托评价机构或授权平台",
            "Only the enterprise itself may engage an evaluation body or authorise a platform",
        ));
    }
    let org = repo::get_org(&state.store, org_id).await?.ok_or_else(|| {
        Error::invalid(
            "org_id",
            "没有这个评价机构或平台",
            "There is no such evaluation body or platform",
        )
    })?;
    let mut tx = state.store.begin().await?;
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
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- assessments

/// What a user may do with an assessment they can see.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Read everything.
    Read,
    /// Answer every item, upload evidence, submit (and, for a body's own assessment, assign experts).
    Edit,
    /// An expert: only these items.
    Expert(Vec<String>),
    /// A platform operator feeding platform data into 线上 items (000 self-assessments).
    Platform,
}

impl Access {
    /// Whether the user sees this item at all.
    pub fn sees_item(&self, indicator: &str) -> bool {
        match self {
            Access::Expert(items) => items.iter().any(|i| i == indicator),
            _ => true,
        }
    }
    pub fn sees_result(&self) -> bool {
        !matches!(self, Access::Expert(_))
    }
}

/// An assessment the user may see, with what they may do (or not found).
pub async fn assessment(
    state: &AppState,
    u: &User,
    id: i64,
) -> Result<(Assessment, Access), Error> {
    let a = repo::assessment_visible(&state.store, scope(u), id)
        .await?
        .ok_or(Error::NotFound)?;
    let access = match u.role.as_str() {
        "enterprise" if a.org_id.is_none() => Access::Edit,
        "auditor" | "body_admin" if a.org_id.is_some() && a.org_id == u.org_id => Access::Edit,
        "expert" => {
            let items = repo::assignments(&state.store, a.id)
                .await?
                .into_iter()
                .filter(|x| x.expert_id == u.id)
                .map(|x| x.indicator_id)
                .collect();
            Access::Expert(items)
        }
        "operator"
            if a.org_id.is_none() && star_scheme(state).is_some_and(|s| s.id == a.scheme) =>
        {
            Access::Platform
        }
        _ => Access::Read,
    };
    Ok((a, access))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AssessmentInput {
    pub enterprise_id: String,
    pub scheme: String,
    pub variant: String,
    pub title: String,
    pub profile: String,
    /// 000 only: comprehensive stars held now, and whether this is the first application.
    pub current_stars: String,
    pub first_application: String,
}

pub fn scheme_of(state: &AppState, id: &str) -> Result<&'static Scheme, Error> {
    state.catalog.get(id).ok_or_else(|| {
        Error::Invalid(vec![FieldError::msg(
            "scheme",
            Msg::wrap("Unknown scheme", state.catalog.unknown(id)),
        )])
    })
}

pub async fn create_assessment(
    state: &AppState,
    u: &User,
    i: &AssessmentInput,
) -> Result<Assessment, Error> {
    let mut errs = Vec::new();
    let eid: i64 = i
        .enterprise_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid("enterprise_id", "请选择企业", "Choose an enterprise"))?;
    let ent = enterprise(state, u, eid).await.map_err(|_| {
        Error::invalid(
            "enterprise_id",
            "没有这家企业（或你无权为它创建评价）",
            "No such enterprise (or you may not create assessments for it)",
        )
    })?;
    let (org_id, mode) = match u.role.as_str() {
        "enterprise" => (None, "self"),
        "auditor" | "body_admin" => (u.org_id, "onsite"),
        _ => {
            return Err(Error::forbidden(
                "只有企业用户（自评）和评价机构的审核员、管理员（现场评价）可以创建评价",
                "Only enterprise members (self-assessment) and an evaluation body's auditors and admins (on-site assessment) may create assessments",
            ))
        }
    };
    let scheme = scheme_of(state, i.scheme.trim())?;
    let variant = match i.variant.trim() {
        "" => None,
        v => Some(v),
    };
    let profile = match i.profile.trim() {
        "" => None,
        text => match Profile::parse("profile", text) {
            Ok(p) => Some(p),
            Err(m) => {
                errs.push(FieldError::msg(
                    "profile",
                    Msg::wrap("The profile is invalid", m),
                ));
                None
            }
        },
    };
    if let Err(e) = Plan::new(scheme, variant, profile.as_ref()) {
        let (field, en) = if e.0.contains("配置") {
            ("profile", "The profile does not fit the scheme")
        } else {
            ("variant", "The variant is invalid")
        };
        errs.push(FieldError::msg(field, Msg::wrap(en, e.0)));
    }
    let title = match i.title.trim() {
        "" => format!("{} {}", ent.name, scheme.name),
        t if t.chars().count() > 200 => {
            errs.push(FieldError::new(
                "title",
                "标题最多 200 字",
                "The title may have at most 200 characters",
            ));
            String::new()
        }
        t => t.to_string(),
    };
    let stars_rules = scheme.method == Method::Dimensions;
    let current_stars = match i.current_stars.trim() {
        "" => 0,
        s => match s.parse::<i64>() {
            Ok(n) if (0..=5).contains(&n) && stars_rules => n,
            Ok(_) | Err(_) if stars_rules => {
                errs.push(FieldError::new(
                    "current_stars",
                    "现有星级应为 0 至 5",
                    "The current stars must be 0 to 5",
                ));
                0
            }
            _ => {
                errs.push(FieldError::new(
                    "current_stars",
                    "现有星级只适用于星级评价方案",
                    "Current stars apply only to the star rating scheme",
                ));
                0
            }
        },
    };
    let first = match i.first_application.trim() {
        "" => current_stars == 0,
        "1" | "true" | "on" | "yes" => true,
        "0" | "false" | "off" | "no" => false,
        _ => {
            errs.push(FieldError::new(
                "first_application",
                "应为 true 或 false",
                "Must be true or false",
            ));
            true
        }
    };
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let mut tx = state.store.begin().await?;
    let a = repo::create_assessment(
        &mut tx,
        &repo::NewAssessment {
            enterprise_id: ent.id,
            org_id,
            scheme: &scheme.id,
            variant,
            profile_name: profile.as_ref().map(|p| p.name.as_str()),
            profile_text: profile.as_ref().map(|_| i.profile.trim()),
            profile_hash: profile.as_ref().map(|p| p.hash.as_str()),
            mode,
            title: &title,
            current_stars,
            first_application: first,
            created_by: u.id,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!(a)),
    )
    .await?;
    let scored = score(state, &a, &[])?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    tx.commit().await?;
    repo::get_assessment(&state.store, a.id)
        .await?
        .ok_or(Error::NotFound)
}

/// A computed result, ready to store.
pub struct Scored {
    pub result: Value,
    pub result_json: String,
    pub score: f64,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    pub scheme_version: String,
}

impl Scored {
    pub fn stored(&self) -> repo::StoredResult<'_> {
        repo::StoredResult {
            scheme_version: &self.scheme_version,
            engine_version: tianping_core::ENGINE_VERSION,
            result_json: &self.result_json,
            score: Some(self.score),
            grade: self.grade.as_deref(),
            stars: self.stars,
        }
    }
}

/// The answers of an assessment as the core takes them.
pub fn answer_map(rows: &[repo::AnswerRow]) -> Result<BTreeMap<String, Value>, Error> {
    let mut m = BTreeMap::new();
    for r in rows {
        if let Some(v) = &r.value_json {
            let v: Value = serde_json::from_str(v).map_err(|e| {
                Error::Internal(format!("answer {} is not JSON: {}", r.indicator_id, e))
            })?;
            m.insert(r.indicator_id.clone(), v);
        }
    }
    Ok(m)
}

/// Score an assessment from its stored answers: the evaluation and, for the star scheme,
/// the stars granted under the application rules (I-6). Deterministic.
pub fn score(state: &AppState, a: &Assessment, rows: &[repo::AnswerRow]) -> Result<Scored, Error> {
    let scheme = state
        .catalog
        .get(&a.scheme)
        .ok_or_else(|| Error::Internal(format!("scheme {} not in catalog", a.scheme)))?;
    let profile = match &a.profile_text {
        Some(t) => Some(Profile::parse("profile", t).map_err(Error::Internal)?),
        None => None,
    };
    let plan = Plan::new(scheme, a.variant.as_deref(), profile.as_ref())
        .map_err(|e| Error::Internal(e.0))?;
    let answers = answer_map(rows)?;
    let ev = plan.evaluate(&answers, false).map_err(|errs| {
        Error::Internal(
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let granted = (scheme.method == Method::Dimensions).then(|| {
        apply_rules(
            Application {
                current_stars: a.current_stars.clamp(0, 5) as u8,
                first_application: a.first_application != 0,
                mode: if a.mode == "onsite" {
                    Mode::Onsite
                } else {
                    Mode::SelfEvaluation
                },
            },
            ev.stars.unwrap_or(0),
            &ev.dimensions,
        )
    });
    let result = json!({
        "evaluation": ev,
        "granted": granted,
        "mode": a.mode,
    });
    Ok(Scored {
        result_json: result.to_string(),
        score: ev.total.score,
        grade: ev.grade.as_ref().map(|g| g.code.clone()),
        stars: granted.as_ref().map(|g| g.stars as i64),
        scheme_version: scheme.version.clone(),
        result,
    })
}

/// One answer as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AnswerInput {
    /// The answer in the core's form: a number, {"experts": [..]}, {"likert": [..]}, or
    /// (000) {"value": n, "source": …, "verified": …}; null clears it.
    pub value: Value,
    pub note: String,
    /// 000: where the answer comes from (self, platform, third_party, onsite).
    pub source: Option<String>,
}

/// What saving an answer did.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub indicator: String,
    pub revision: i64,
    pub value: Option<Value>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    /// For an expert's own score on a points item: how many experts have scored it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts_scored: Option<usize>,
}

fn source_label(s: &str) -> &'static str {
    match s {
        "self" => "企业自报",
        "platform" => "平台数据",
        "third_party" => "第三方数据",
        "onsite" => "现场核验",
        _ => "?",
    }
}

/// The core's (Chinese) objections to an answer, on the value field.
fn answer_errors(errs: Vec<tianping_core::AnswerError>) -> Error {
    Error::Invalid(
        errs.into_iter()
            .map(|e| FieldError::msg("value", Msg::wrap("The answer is invalid", e.message)))
            .collect(),
    )
}

/// Save one answer (or one expert's score), keep the change as a version, re-score, audit.
pub async fn save_answer(
    state: &AppState,
    u: &User,
    assessment_id: i64,
    indicator: &str,
    input: &AnswerInput,
) -> Result<Saved, Error> {
    let (a, access) = assessment(state, u, assessment_id).await?;
    if !access.sees_item(indicator) {
        return Err(Error::NotFound);
    }
    if matches!(access, Access::Read) {
        return Err(Error::forbidden(
            "你可以查看这项评价，但不能作答",
            "You may view this assessment but not answer it",
        ));
    }
    let scheme = scheme_of(state, &a.scheme)?;
    let profile = match &a.profile_text {
        Some(t) => Some(Profile::parse("profile", t).map_err(Error::Internal)?),
        None => None,
    };
    let plan = Plan::new(scheme, a.variant.as_deref(), profile.as_ref())
        .map_err(|e| Error::Internal(e.0))?;
    let leaf = plan
        .leaves
        .iter()
        .find(|l| l.ind.id == indicator)
        .ok_or(Error::NotFound)?;
    if input.note.chars().count() > 4000 {
        return Err(Error::invalid(
            "note",
            "备注最多 4000 字",
            "The note may have at most 4000 characters",
        ));
    }
    let stars_scheme = scheme.method == Method::Dimensions;
    // The answer's source (000), decided by role (I-6).
    let mut value = input.value.clone();
    let mut source: Option<String> = None;
    let expert_points = matches!(access, Access::Expert(_)) && scheme.method == Method::Points;
    if stars_scheme && !value.is_null() {
        let (n, given_source) = match &value {
            Value::Object(m) if m.contains_key("value") => (
                m.get("value").cloned().unwrap_or(Value::Null),
                m.get("source").and_then(|s| s.as_str()).map(str::to_string),
            ),
            v => (v.clone(), None),
        };
        let asked = input.source.clone().or(given_source);
        let (src, verified) = match (&access, u.role.as_str()) {
            (Access::Platform, _) => {
                if leaf.ind.category != Some(tianping_core::Category::Online) {
                    return Err(Error::forbidden(
                        "平台运营方只能为线上指标提供平台数据",
                        "Platform operators may only provide platform data for online (线上) items",
                    ));
                }
                ("platform", true)
            }
            (Access::Edit, "enterprise") => match asked.as_deref().unwrap_or("self") {
                "self" => ("self", false),
                "third_party" => ("third_party", true),
                other => {
                    return Err(Error::invalid(
                        "source",
                        format!("企业自评的答案来源只能是 self（企业自报，经核验后计分）或 third_party（第三方数据，须上传证据），不能是 “{}”", other),
                        format!("In a self-assessment the answer source can only be self (the enterprise's own figure, counted once verified) or third_party (third-party data, evidence required), not “{}”", other),
                    ))
                }
            },
            _ => match asked.as_deref().unwrap_or("onsite") {
                "onsite" => ("onsite", true),
                "platform" | "third_party" => (if asked.as_deref() == Some("platform") { "platform" } else { "third_party" }, true),
                "self" => ("self", false),
                other => {
                    return Err(Error::invalid(
                        "source",
                        format!("答案来源 “{}” 无效；可用：self、platform、third_party、onsite", other),
                        format!("Answer source “{}” is invalid; use self, platform, third_party or onsite", other),
                    ))
                }
            },
        };
        if src == "third_party" && u.role == "enterprise" {
            let has = repo::evidence_of(&state.store, a.id)
                .await?
                .iter()
                .any(|e| e.indicator_id == indicator);
            if !has {
                return Err(Error::invalid(
                    "source",
                    "选择第三方数据作为来源时，请先为该指标上传证据文件",
                    "To use third-party data as the source, first upload an evidence file for this item",
                ));
            }
        }
        value = json!({"value": n, "source": src, "verified": verified});
        source = Some(src.to_string());
    } else if !stars_scheme && input.source.as_deref().is_some_and(|s| !s.is_empty()) {
        return Err(Error::invalid(
            "source",
            "答案来源只适用于星级评价方案（T11/AII 001-2020）",
            "An answer source applies only to the star rating scheme (T11/AII 001-2020)",
        ));
    }
    // Check the value against the indicator with the core's own rules.
    if !value.is_null() && !expert_points {
        let mut m = BTreeMap::new();
        m.insert(indicator.to_string(), value.clone());
        if let Err(errs) = plan.parse_answers(&m) {
            return Err(answer_errors(errs));
        }
    }
    let mut tx = state.store.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    if cur.status != "draft" {
        return Err(Error::locked(
            "评价已提交并锁定，不能再修改答案",
            "The assessment is submitted and locked; answers can no longer change",
        ));
    }
    let before = repo::answer_tx(&mut tx, a.id, indicator).await?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut experts_scored = None;
    let (stored_value, expert_id) = if expert_points {
        // An expert's own score; the item's answer is the experts' scores (mean, I-13).
        let x = value.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
            let max = tianping_core::fmt_num(leaf.answer_max);
            Error::invalid(
                "value",
                format!("请填写你的评分：0 至 {} 的分值", max),
                format!("Enter your score: a value from 0 to {}", max),
            )
        })?;
        let mut m = BTreeMap::new();
        m.insert(indicator.to_string(), json!(x));
        if let Err(errs) = plan.parse_answers(&m) {
            return Err(answer_errors(errs));
        }
        repo::put_expert_score(&mut tx, a.id, indicator, u.id, x, input.note.trim()).await?;
        let scores = repo::expert_scores_tx(&mut tx, a.id, indicator).await?;
        experts_scored = Some(scores.len());
        let need = if leaf.ind.expert_panel { 3 } else { 1 };
        let v = (scores.len() >= need)
            .then(|| json!({"experts": scores.iter().map(|s| s.value).collect::<Vec<_>>()}));
        (v, Some(u.id))
    } else {
        ((!value.is_null()).then_some(value.clone()), None)
    };
    let note = if expert_points {
        before.as_ref().map(|b| b.note.clone()).unwrap_or_default()
    } else {
        input.note.trim().to_string()
    };
    let vj = stored_value.as_ref().map(|v| v.to_string());
    repo::put_answer(
        &mut tx,
        &repo::AnswerWrite {
            assessment_id: a.id,
            indicator_id: indicator,
            value_json: vj.as_deref(),
            note: &note,
            source: source.as_deref(),
            revision: rev,
            by: u.id,
            expert_id,
        },
    )
    .await?;
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let scored = score(state, &cur, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    let after = json!({
        "indicator": indicator, "value": stored_value, "note": note, "source": source,
        "source_label": source.as_deref().map(source_label),
        "expert_score": if expert_points { Some(&input.value) } else { None }, "revision": rev,
    });
    audit::append(
        &mut tx,
        &actor(u),
        if expert_points {
            "expert_score"
        } else {
            "answer"
        },
        "assessment",
        &a.id.to_string(),
        before.as_ref().map(|b| json!(b)).as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let show = access.sees_result();
    Ok(Saved {
        indicator: indicator.to_string(),
        revision: rev,
        value: stored_value,
        score: show.then_some(scored.score),
        grade: if show { scored.grade } else { None },
        stars: if show { scored.stars } else { None },
        experts_scored,
    })
}

/// Submit and lock an assessment.
pub async fn submit(state: &AppState, u: &User, id: i64) -> Result<Assessment, Error> {
    let (a, access) = assessment(state, u, id).await?;
    if access != Access::Edit {
        return Err(Error::forbidden(
            "只有评价的负责方（企业自评由企业，现场评价由评价机构）可以提交",
            "Only the party responsible for the assessment (the enterprise for a self-assessment, the evaluation body for an on-site one) may submit it",
        ));
    }
    let mut tx = state.store.begin().await?;
    if !repo::submit_assessment(&mut tx, a.id, u.id).await? {
        return Err(Error::locked(
            "评价已经提交",
            "The assessment is already submitted",
        ));
    }
    let rows = repo::answers_tx(&mut tx, a.id).await?;
    let scored = score(state, &a, &rows)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), true).await?;
    let after = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    audit::append(&mut tx, &actor(u), "submit", "assessment", &a.id.to_string(), Some(&json!({"status": a.status})), Some(&json!({"status": after.status, "score": after.score, "grade": after.grade, "stars": after.stars}))).await?;
    tx.commit().await?;
    Ok(after)
}

fn locked() -> Error {
    Error::locked("评价已提交并锁定", "The assessment is submitted and locked")
}

/// Assign an expert of the body to an item (several per item).
pub async fn assign_expert(
    state: &AppState,
    u: &User,
    id: i64,
    indicator: &str,
    expert_id: i64,
    remove: bool,
) -> Result<(), Error> {
    let (a, access) = assessment(state, u, id).await?;
    if access != Access::Edit || a.org_id.is_none() || !is_body_editor(u) {
        return Err(Error::forbidden(
            "只有评价机构的审核员或管理员可以为本机构的现场评价指派专家",
            "Only an evaluation body's auditors or admins may assign experts to the body's on-site assessments",
        ));
    }
    if a.status != "draft" {
        return Err(locked());
    }
    let scheme = scheme_of(state, &a.scheme)?;
    if scheme.indicator(indicator).is_none() {
        return Err(Error::NotFound);
    }
    let expert = repo::get_user(&state.store, expert_id).await?;
    let Some(expert) = expert.filter(|e| e.role == "expert" && e.org_id == a.org_id) else {
        return Err(Error::invalid(
            "expert_id",
            "请选择本机构的评价专家",
            "Choose an expert of this body",
        ));
    };
    let mut tx = state.store.begin().await?;
    let changed = if remove {
        repo::unassign(&mut tx, a.id, indicator, expert.id).await?
    } else {
        repo::assign(&mut tx, a.id, indicator, expert.id, u.id).await?
    };
    if changed {
        audit::append(
            &mut tx,
            &actor(u),
            if remove {
                "unassign_expert"
            } else {
                "assign_expert"
            },
            "assessment",
            &a.id.to_string(),
            None,
            Some(&json!({"indicator": indicator, "expert_id": expert.id, "expert": expert.email})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- evidence

pub const EVIDENCE_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// The stored content type of an upload, checked by extension and by the file's first bytes.
pub fn evidence_type(file_name: &str, data: &[u8]) -> Result<&'static str, Msg> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, ct)) = EVIDENCE_TYPES.iter().find(|(e, _)| *e == ext) else {
        let types = EVIDENCE_TYPES.iter().map(|(e, _)| *e).collect::<Vec<_>>();
        return Err(Msg::new(
            format!(
                "不接受 “{}” 类型的文件；可上传：{}",
                if ext.is_empty() { "无扩展名" } else { &ext },
                types.join("、")
            ),
            format!(
                "Files of type “{}” are not accepted; upload one of: {}",
                if ext.is_empty() { "no extension" } else { &ext },
                types.join(", ")
            ),
        ));
    };
    let ok = match ext.as_str() {
        "pdf" => data.starts_with(b"%PDF-"),
        "png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" | "xlsx" => data.starts_with(b"PK\x03\x04"),
        _ => std::str::from_utf8(data).is_ok(),
    };
    if !ok {
        return Err(Msg::new(
            format!("文件内容与扩展名 .{} 不符", ext),
            format!("The file's content does not match its extension .{}", ext),
        ));
    }
    Ok(ct)
}

pub async fn add_evidence(
    state: &AppState,
    u: &User,
    id: i64,
    indicator: &str,
    file_name: &str,
    data: &[u8],
) -> Result<repo::Evidence, Error> {
    let (a, access) = assessment(state, u, id).await?;
    if !access.sees_item(indicator) {
        return Err(Error::NotFound);
    }
    if !matches!(access, Access::Edit | Access::Expert(_) | Access::Platform) {
        return Err(Error::forbidden(
            "你可以查看这项评价，但不能上传证据",
            "You may view this assessment but not upload evidence",
        ));
    }
    let scheme = scheme_of(state, &a.scheme)?;
    if scheme.indicator(indicator).is_none() {
        return Err(Error::NotFound);
    }
    if a.status != "draft" {
        return Err(locked());
    }
    let name: String = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if name.is_empty() {
        return Err(Error::invalid(
            "file",
            "请选择要上传的文件",
            "Choose a file to upload",
        ));
    }
    if data.is_empty() {
        return Err(Error::invalid("file", "文件为空", "The file is empty"));
    }
    if data.len() > state.config.max_upload_bytes {
        let (size, max) = (data.len(), state.config.max_upload_bytes / 1024 / 1024);
        return Err(Error::invalid(
            "file",
            format!("文件过大：{} 字节，上限 {} MB", size, max),
            format!(
                "The file is too large: {} bytes, the limit is {} MB",
                size, max
            ),
        ));
    }
    let ct =
        evidence_type(&name, data).map_err(|m| Error::Invalid(vec![FieldError::msg("file", m)]))?;
    let hash = sha256_hex(data);
    let mut tx = state.store.begin().await?;
    let ev = repo::add_evidence(&mut tx, a.id, indicator, &hash, data, &name, ct, u.id).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "evidence",
        "assessment",
        &a.id.to_string(),
        None,
        Some(&json!(ev)),
    )
    .await?;
    tx.commit().await?;
    Ok(ev)
}

/// An evidence file the user may download: its record and bytes.
pub async fn evidence_file(
    state: &AppState,
    u: &User,
    evidence_id: i64,
) -> Result<(repo::Evidence, Vec<u8>), Error> {
    let ev = repo::get_evidence(&state.store, evidence_id)
        .await?
        .ok_or(Error::NotFound)?;
    let (_, access) = assessment(state, u, ev.assessment_id).await?;
    if !access.sees_item(&ev.indicator_id) {
        return Err(Error::NotFound);
    }
    let data = repo::blob(&state.store, &ev.sha256)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((ev, data))
}

// ---------------------------------------------------------------- staff and orgs

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InviteInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub org_id: String,
}

/// Invite a member of staff; returns the invitation and the one-time token for the link.
pub async fn invite(
    state: &AppState,
    u: &User,
    i: &InviteInput,
) -> Result<(repo::Invitation, String), Error> {
    let mut errs = Vec::new();
    let email = check_email(&i.email)
        .map_err(|m| errs.push(FieldError::msg("email", m)))
        .ok();
    let role = i.role.trim();
    let org_id = match u.role.as_str() {
        "body_admin" => {
            if !BODY_ROLES.contains(&role) {
                errs.push(FieldError::new(
                    "role",
                    format!("可邀请的角色：{}", BODY_ROLES.join("、")),
                    format!("Roles you may invite: {}", BODY_ROLES.join(", ")),
                ));
            }
            u.org_id
        }
        "sysadmin" => {
            let org: Option<i64> = i.org_id.trim().parse().ok();
            match role {
                "sysadmin" => None,
                "body_admin" | "auditor" | "expert" | "decider" | "operator" => {
                    let o = match org {
                        Some(o) => repo::get_org(&state.store, o).await?,
                        None => None,
                    };
                    match o {
                        Some(o) if (o.kind == "platform") == (role == "operator") => Some(o.id),
                        _ => {
                            errs.push(FieldError::new(
                                "org_id",
                                "请选择与角色相符的机构（评价机构或平台）",
                                "Choose an organisation that fits the role (an evaluation body or a platform)",
                            ));
                            None
                        }
                    }
                }
                _ => {
                    errs.push(FieldError::new(
                        "role",
                        "可邀请的角色：body_admin、auditor、expert、decider、operator、sysadmin",
                        "Roles you may invite: body_admin, auditor, expert, decider, operator, sysadmin",
                    ));
                    None
                }
            }
        }
        _ => {
            return Err(Error::forbidden(
                "只有机构管理员或系统管理员可以邀请人员",
                "Only body admins or system admins may invite people",
            ))
        }
    };
    if let Some(e) = &email {
        if repo::user_by_email(&state.store, e).await?.is_some() {
            errs.push(has_account());
        }
    }
    let (Some(email), true) = (email, errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let token = random_token();
    let mut tx = state.store.begin().await?;
    let inv = repo::create_invitation(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        org_id,
        role,
        &email,
        i.name.trim(),
        u.id,
        &now_plus(7 * 24 * 3600),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor(u),
        "invite",
        "user",
        &email,
        None,
        Some(&json!(inv)),
    )
    .await?;
    tx.commit().await?;
    Ok((inv, token))
}

fn has_account() -> FieldError {
    FieldError::new(
        "email",
        "该邮箱已有账号",
        "This email address already has an account",
    )
}

pub async fn accept_invite(
    state: &AppState,
    token: &str,
    name: &str,
    password: &str,
) -> Result<User, Error> {
    let inv = repo::open_invitation(&state.store, &sha256_hex(token.as_bytes()))
        .await?
        .ok_or(Error::NotFound)?;
    let mut errs = Vec::new();
    if name.trim().is_empty() || name.chars().count() > 100 {
        errs.push(FieldError::new(
            "name",
            "姓名必填，最多 100 字",
            "Your name is required, at most 100 characters",
        ));
    }
    if let Err(m) = auth::check_new_password(password) {
        errs.push(FieldError::msg("password", m));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let hash = auth::hash_password_async(password.to_string()).await?;
    let mut tx = state.store.begin().await?;
    if !repo::use_invitation(&mut tx, inv.id).await? {
        return Err(Error::NotFound);
    }
    let user = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: &inv.email,
            name: name.trim(),
            password_hash: &hash,
            role: &inv.role,
            org_id: inv.org_id,
            enterprise_id: None,
        },
    )
    .await
    .map_err(|e| match e {
        tianping_store::StoreError::Conflict(_) => Error::Invalid(vec![has_account()]),
        e => e.into(),
    })?;
    audit::append(
        &mut tx,
        &actor(&user),
        "accept_invite",
        "user",
        &user.id.to_string(),
        None,
        Some(&json!(user)),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn create_org(
    state: &AppState,
    u: &User,
    kind: &str,
    name: &str,
) -> Result<repo::Org, Error> {
    if u.role != "sysadmin" {
        return Err(Error::forbidden(
            "只有系统管理员可以创建评价机构或平台",
            "Only system admins may create evaluation bodies or platforms",
        ));
    }
    let mut errs = Vec::new();
    if !matches!(kind, "body" | "platform") {
        errs.push(FieldError::new(
            "kind",
            "类型应为 body（评价机构）或 platform（平台）",
            "The kind must be body (evaluation body) or platform",
        ));
    }
    if name.trim().is_empty() || name.chars().count() > 200 {
        errs.push(FieldError::new(
            "name",
            "名称必填，最多 200 字",
            "The name is required, at most 200 characters",
        ));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let mut tx = state.store.begin().await?;
    let o = repo::create_org(&mut tx, kind, name.trim()).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "org",
        &o.id.to_string(),
        None,
        Some(&json!(o)),
    )
    .await?;
    tx.commit().await?;
    Ok(o)
}

/// Create an API token for the user; returns the raw token (shown once).
pub async fn create_token(state: &AppState, u: &User, name: &str) -> Result<String, Error> {
    let name = match name.trim() {
        "" => "api",
        n if n.chars().count() > 100 => {
            return Err(Error::invalid(
                "name",
                "名称最多 100 字",
                "The name may have at most 100 characters",
            ))
        }
        n => n,
    };
    let token = format!("tp_{}", random_token());
    let mut tx = state.store.begin().await?;
    let id = repo::create_api_token(&mut tx, &sha256_hex(token.as_bytes()), u.id, name).await?;
    audit::append(
        &mut tx,
        &actor(u),
        "create",
        "api_token",
        &id.to_string(),
        None,
        Some(&json!({"name": name, "user_id": u.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}
