//! Accounts: sign-up, sign-in with throttling, sessions, API tokens, invitations accepted,
//! password hashing (argon2id).

use std::net::IpAddr;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tianping_domain::enterprise::{self, EnterpriseInput};
use tianping_domain::{password, throttle, FieldError, Msg, Role};
use tianping_store::audit;
use tianping_store::repo::{self, Session, User};
use tianping_store::{random_token, sha256_hex};

use crate::error::on_conflict;
use crate::{actor, App, Error};

static CHEAP_HASHING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tests only: hash new passwords with minimal argon2id parameters so that a test suite that
/// creates many accounts stays fast in debug builds. Verification reads the parameters from
/// each hash, so nothing else changes.
pub fn use_cheap_hashing_for_tests() {
    CHEAP_HASHING.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn hasher() -> Argon2<'static> {
    if CHEAP_HASHING.load(std::sync::atomic::Ordering::Relaxed) {
        let p = argon2::Params::new(64, 1, 1, None).unwrap_or_default();
        Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p)
    } else {
        Argon2::default()
    }
}

pub fn hash_password(pw: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("密码哈希失败：{}", e)))
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Hash off the async threads (argon2id is deliberately slow).
pub async fn hash_password_async(pw: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

pub async fn verify_password_async(pw: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .unwrap_or(false)
}

/// A password acceptable for a new account of `email` with the given names (the person's,
/// and for a sign-up the enterprise's), or the reason why not: the rule is
/// [`tianping_domain::password::check`]; the strength estimate is zxcvbn's, made here because
/// it reads the current year from the clock.
pub fn check_new_password(pw: &str, email: &str, names: &[&str]) -> Result<(), Msg> {
    let inputs = password::user_inputs(email, names);
    password::check(pw, &inputs, |p, ui| {
        password::Estimate::from(&zxcvbn::zxcvbn(p, ui))
    })
}

pub(crate) fn uscc_taken() -> FieldError {
    FieldError::new(
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

pub(crate) fn has_account() -> FieldError {
    FieldError::new(
        "email",
        "该邮箱已有账号",
        "This email address already has an account",
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

pub async fn signup(app: &App, i: &SignupInput) -> Result<User, Error> {
    let mut errs = Vec::new();
    let email = enterprise::email(&i.email)
        .map_err(|m| errs.push(FieldError::msg("email", m)))
        .ok();
    if let Err(e) = enterprise::required("user_name", &i.user_name, 100, "姓名", "Your name") {
        errs.push(e);
    }
    if let Err(m) = check_new_password(&i.password, &i.email, &[&i.user_name, &i.enterprise.name]) {
        errs.push(FieldError::msg("password", m));
    }
    let fields = match enterprise::check(app.variant_schemes(), &i.enterprise) {
        Ok(f) => Some(f),
        Err(d) => match Error::from(d) {
            Error::Invalid(mut v) => {
                errs.append(&mut v);
                None
            }
            e => return Err(e),
        },
    };
    if let Some(e) = &email {
        if repo::user_by_email(&app.store, e).await?.is_some() {
            errs.push(email_taken());
        }
    }
    if let Some(f) = &fields {
        if repo::enterprise_by_uscc(&app.store, &f.uscc)
            .await?
            .is_some()
        {
            errs.push(uscc_taken());
        }
    }
    let (Some(email), Some(fields), true) = (email, fields, errs.is_empty()) else {
        return Err(Error::Invalid(errs));
    };
    let hash = hash_password_async(i.password.clone()).await?;
    let mut tx = app.begin().await?;
    let ent = repo::create_enterprise(&mut tx, &fields)
        .await
        .map_err(|e| on_conflict(e, uscc_taken))?;
    let user = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: &email,
            name: i.user_name.trim(),
            password_hash: &hash,
            role: Role::Enterprise,
            org_id: None,
            enterprise_id: Some(ent.id),
        },
    )
    .await
    .map_err(|e| on_conflict(e, email_taken))?;
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

/// Start a session for `user_id`: the raw token (for the cookie).
pub async fn start_session(app: &App, user_id: i64) -> Result<String, Error> {
    let token = random_token();
    let csrf = random_token();
    let mut tx = app.begin().await?;
    repo::purge_expired(&mut tx, &app.stamp_in(-throttle::POLICY.history_secs())).await?;
    repo::create_session(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        user_id,
        &csrf,
        &app.stamp_in(app.config.session_hours * 3600),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The live session of a raw session token, and its user.
pub async fn session(app: &App, token: &str) -> Result<Option<(Session, User)>, Error> {
    let now = tianping_store::stamp(app.now());
    Ok(repo::session_user(&app.store, &sha256_hex(token.as_bytes()), &now).await?)
}

/// End a session (by the hash kept in the request context).
pub async fn end_session(app: &App, session_hash: &str) -> Result<(), Error> {
    let mut tx = app.begin().await?;
    repo::delete_session(&mut tx, session_hash).await?;
    tx.commit().await?;
    Ok(())
}

/// The user of an API bearer token.
pub async fn token_user(app: &App, token: &str) -> Result<Option<User>, Error> {
    Ok(repo::api_token_user(&app.store, &sha256_hex(token.as_bytes())).await?)
}

/// The throttling source of requests without a client address.
pub const UNKNOWN_SOURCE: &str = "unknown";

/// The throttling source of a client address ([`throttle::source_key`]); without one (a
/// request that did not come through a socket, as in tests) the fixed [`UNKNOWN_SOURCE`].
pub fn source_of(client: Option<IpAddr>) -> String {
    client
        .map(throttle::source_key)
        .unwrap_or_else(|| UNKNOWN_SOURCE.to_string())
}

/// Check a password with throttling ([`throttle::decide`] on the failed sign-ins from the
/// client's source): a refused try is not checked. Failures for unknown addresses count too,
/// and take as long as real ones, so the answer does not reveal whether an account exists.
/// A success forgets the failures of this address from this source.
pub async fn authenticate(
    app: &App,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, Error> {
    let email = email.trim().to_lowercase();
    let source = source_of(client);
    let p = &throttle::POLICY;
    let now = app.now();
    let rows =
        repo::login_failures_from(&app.store, &source, &app.stamp_in(-p.history_secs())).await?;
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
    if let Err(refusal) = throttle::decide(p, &email, &failures, now.timestamp()) {
        return Err(Error::Throttled(refusal.message(now.timestamp())));
    }
    let user = repo::user_by_email(&app.store, &email).await?;
    let ok = match &user {
        Some(u) => verify_password_async(password.to_string(), u.password_hash.clone()).await,
        None => {
            // same work as a real check
            let _ = verify_password_async(password.to_string(), dummy_hash().to_string()).await;
            false
        }
    };
    if ok && user.as_ref().is_some_and(|u| u.disabled != 0) {
        // only someone who knows the password learns that the account is deactivated
        return Err(Error::invalid(
            "password",
            "此账号已被停用，不能登录；如有疑问，请联系本机构的管理员",
            "This account is deactivated and cannot sign in; ask your organisation's admin",
        ));
    }
    let mut tx = app.begin().await?;
    if ok {
        repo::clear_login_failures(&mut tx, &email, &source).await?;
        tx.commit().await?;
        user.ok_or(Error::Unauthorized)
    } else {
        repo::record_login_failure(&mut tx, &email, &source).await?;
        tx.commit().await?;
        Err(Error::invalid(
            "password",
            "邮箱或密码不正确",
            "Wrong email or password",
        ))
    }
}

fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("tianping-dummy-password").unwrap_or_default())
}

/// An open invitation by its raw token.
pub async fn invitation(app: &App, token: &str) -> Result<Option<repo::Invitation>, Error> {
    let now = tianping_store::stamp(app.now());
    Ok(repo::open_invitation(&app.store, &sha256_hex(token.as_bytes()), &now).await?)
}

/// Accept an invitation: the new account.
pub async fn accept_invite(
    app: &App,
    token: &str,
    name: &str,
    password: &str,
) -> Result<User, Error> {
    let inv = invitation(app, token).await?.ok_or(Error::NotFound)?;
    let mut errs = Vec::new();
    if let Err(e) = enterprise::required("name", name, 100, "姓名", "Your name") {
        errs.push(e);
    }
    if let Err(m) = check_new_password(password, &inv.email, &[name, &inv.name]) {
        errs.push(FieldError::msg("password", m));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let hash = hash_password_async(password.to_string()).await?;
    accept_invite_hashed(app, &inv, name, &hash).await
}

/// Accept an open invitation with an already hashed password (the demo hashes once).
pub async fn accept_invite_hashed(
    app: &App,
    inv: &repo::Invitation,
    name: &str,
    hash: &str,
) -> Result<User, Error> {
    let mut tx = app.begin().await?;
    if !repo::use_invitation(&mut tx, inv.id).await? {
        return Err(Error::NotFound);
    }
    let user = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: &inv.email,
            name: name.trim(),
            password_hash: hash,
            role: inv.role,
            org_id: inv.org_id,
            enterprise_id: None,
        },
    )
    .await
    .map_err(|e| on_conflict(e, has_account))?;
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

/// Create an API token for the user; returns the raw token (shown once).
pub async fn create_token(app: &App, u: &User, name: &str) -> Result<String, Error> {
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
    let mut tx = app.begin().await?;
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

/// The first system administrator of an empty installation (no rule can invite the first
/// one). Refused once any account exists.
pub async fn bootstrap_sysadmin(
    app: &App,
    email: &str,
    name: &str,
    hash: &str,
) -> Result<User, Error> {
    if repo::count_users(&app.store).await? > 0 {
        return Err(Error::forbidden(
            "已有账号，不能再创建初始系统管理员",
            "Accounts exist already; the first system administrator cannot be created again",
        ));
    }
    let email =
        enterprise::email(email).map_err(|m| Error::Invalid(vec![FieldError::msg("email", m)]))?;
    let mut tx = app.begin().await?;
    let u = repo::create_user(
        &mut tx,
        &repo::NewUser {
            email: &email,
            name,
            password_hash: hash,
            role: Role::Sysadmin,
            org_id: None,
            enterprise_id: None,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        &audit::Actor::system(),
        "bootstrap",
        "user",
        &u.id.to_string(),
        None,
        Some(&json!(u)),
    )
    .await?;
    tx.commit().await?;
    Ok(u)
}
