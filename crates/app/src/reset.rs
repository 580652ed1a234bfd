//! Password reset by e-mail: a one-time link (only its SHA-256 is stored) that works for an
//! hour and is replaced by a newer one; a new password under the usual rule; every session
//! of the account ended; an audit entry. The request answers the same whether or not the
//! address has an account, and how often an address is sent a link is limited
//! ([`tianping_domain::reset`]). Works only with e-mail configured ([`available`]).

use serde_json::json;
use tianping_domain::notify::{absolute, reset_mail};
use tianping_domain::reset::{may_send, RESET};
use tianping_domain::{enterprise, FieldError};
use tianping_store::mail as store;
use tianping_store::repo::{self, User};
use tianping_store::{audit, random_token, sha256_hex, stamp};

use crate::accounts::{check_new_password, hash_password_async};
use crate::{actor, mail, App, Error};

/// Whether passwords can be reset by e-mail (e-mail is configured).
pub fn available(app: &App) -> bool {
    mail::enabled(app)
}

/// Ask for a reset link for `email`. Whatever the address (an account or not, disabled,
/// asked too often), the answer is the same `Ok`; only a malformed address is refused.
pub async fn request(app: &App, email: &str) -> Result<(), Error> {
    let email =
        enterprise::email(email).map_err(|m| Error::Invalid(vec![FieldError::msg("email", m)]))?;
    if !available(app) {
        return Ok(());
    }
    let Some(user) = repo::user_by_email(&app.store, &email).await? else {
        return Ok(());
    };
    if user.disabled != 0 {
        return Ok(());
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let earlier: Vec<i64> =
        store::reset_times(&mut tx, user.id, &app.stamp_in(-RESET.history_secs()))
            .await?
            .iter()
            .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp())
            .collect();
    if !may_send(&RESET, &earlier, now.timestamp()) {
        return Ok(());
    }
    let token = random_token();
    store::create_reset(
        &mut tx,
        user.id,
        &sha256_hex(token.as_bytes()),
        &app.stamp_in(RESET.valid_secs),
        &app.stamp_in(-RESET.history_secs()),
    )
    .await?;
    let url = absolute(&app.config.base_url(), &format!("/password/reset/{token}"));
    let m = reset_mail(&user.email, &url, RESET.valid_minutes());
    mail::queue(app, &mut tx, &user.email, &m, true).await?;
    tx.commit().await?;
    Ok(())
}

/// The account of a reset link that works now (unused, not replaced, not expired).
pub async fn target(app: &App, token: &str) -> Result<Option<User>, Error> {
    let now = stamp(app.now());
    let Some(r) = store::open_reset(&app.store, &sha256_hex(token.as_bytes()), &now).await? else {
        return Ok(None);
    };
    Ok(repo::get_user(&app.store, r.user_id)
        .await?
        .filter(|u| u.disabled == 0))
}

/// Set a new password with a working reset link: every session of the account ends, and the
/// link cannot be used again. A link that does not work is not found.
pub async fn reset(app: &App, token: &str, password: &str) -> Result<User, Error> {
    let hash_of_token = sha256_hex(token.as_bytes());
    let now = stamp(app.now());
    let r = store::open_reset(&app.store, &hash_of_token, &now)
        .await?
        .ok_or(Error::NotFound)?;
    let user = repo::get_user(&app.store, r.user_id)
        .await?
        .filter(|u| u.disabled == 0)
        .ok_or(Error::NotFound)?;
    let enterprise = match user.enterprise_id {
        Some(e) => repo::get_enterprise(&app.store, e).await?.map(|e| e.name),
        None => None,
    };
    let names = [user.name.as_str(), enterprise.as_deref().unwrap_or("")];
    check_new_password(password, &user.email, &names)
        .map_err(|m| Error::Invalid(vec![FieldError::msg("password", m)]))?;
    let hash = hash_password_async(password.to_string()).await?;
    let mut tx = app.begin().await?;
    if !store::use_reset(&mut tx, r.id).await? {
        return Err(Error::NotFound);
    }
    let ended = store::set_password(&mut tx, user.id, &user.email, &hash).await?;
    audit::append(
        &mut tx,
        &actor(&user),
        "reset_password",
        "user",
        &user.id.to_string(),
        None,
        Some(&json!({"by": "email_link", "sessions_ended": ended})),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}
