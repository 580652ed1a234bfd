//! Notifications: the in-app inbox, and an e-mail for each notification when e-mail is
//! configured ([`crate::mail`]). Both are written in the transaction of the event, with
//! [`send`]; the use cases call one hook each ([`engaged`], [`expert_assigned`],
//! [`submitted`], [`invited`]). A notice is stored as data and put into words in the
//! reader's language when shown ([`Notice::title`], [`Notice::detail`]).
//!
//! Certification cases have their own hook and reminders ([`crate::case_notify`],
//! [`crate::case_remind`]), through [`send`] too.
//!
//! For later events (verification finished, change requests, deadline reminders):
//! `notify::send(app, &mut tx, &recipients, &Notice::Verified { … })`, with the recipients
//! from [`staff_hearing`] or [`enterprise_members`].

use tianping_domain::notify::{self as rules, invitation_mail, notice_mail};
use tianping_domain::Mode;
use tianping_store::notify as store;
use tianping_store::repo::{Assessment, Enterprise, Invitation, Org, User};
use tianping_store::WriteTx;

pub use tianping_domain::notify::{Notice, NoticeKind};

use crate::{mail, App, Error};

/// A notification as its reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub kind: NoticeKind,
    /// The notice (none when a stored payload cannot be read: the kind and link remain).
    pub notice: Option<Notice>,
    /// The page it is about.
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

impl From<store::Notification> for Item {
    fn from(n: store::Notification) -> Item {
        Item {
            id: n.id,
            kind: n.kind,
            notice: serde_json::from_str(&n.payload_json).ok(),
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// Notify each of `recipients` (in the inbox, and by e-mail when configured), in the
/// transaction of the event. A kind that [`rules::coalesces`] is left out for a person who
/// has not read the last one about the same page. How many were notified.
pub async fn send(
    app: &App,
    tx: &mut WriteTx,
    recipients: &[User],
    notice: &Notice,
) -> Result<usize, Error> {
    let kind = notice.kind();
    let link = notice.link();
    let payload = serde_json::to_string(notice).map_err(|e| Error::Internal(e.to_string()))?;
    let mail = notice_mail(notice, &app.config.base_url());
    let mut done: Vec<i64> = Vec::new();
    for u in recipients {
        if done.contains(&u.id) || u.disabled != 0 {
            continue;
        }
        if rules::coalesces(kind) && store::unread_exists(tx, u.id, kind, &link).await? {
            continue;
        }
        store::add(tx, u.id, kind, &payload, &link).await?;
        mail::queue(app, tx, &u.email, &mail, false).await?;
        done.push(u.id);
    }
    Ok(done.len())
}

/// The active staff of an organisation who hear of notices of `kind`
/// ([`rules::staff_hears`]).
pub async fn staff_hearing(
    tx: &mut WriteTx,
    org_id: i64,
    kind: NoticeKind,
) -> Result<Vec<User>, Error> {
    Ok(store::staff(tx, org_id)
        .await?
        .into_iter()
        .filter(|u| rules::staff_hears(kind, u.role))
        .collect())
}

/// The active members of an enterprise.
pub async fn enterprise_members(tx: &mut WriteTx, enterprise_id: i64) -> Result<Vec<User>, Error> {
    Ok(store::members(tx, enterprise_id).await?)
}

/// An enterprise engaged an organisation: its admins and auditors (a platform's operators).
pub async fn engaged(app: &App, tx: &mut WriteTx, org: &Org, e: &Enterprise) -> Result<(), Error> {
    let to = staff_hearing(tx, org.id, NoticeKind::Engaged).await?;
    let n = Notice::Engaged {
        enterprise_id: e.id,
        enterprise: e.name.clone(),
        org: org.name.clone(),
    };
    send(app, tx, &to, &n).await.map(|_| ())
}

/// An expert was assigned an item of an assessment: the expert (once until they read it).
pub async fn expert_assigned(
    app: &App,
    tx: &mut WriteTx,
    a: &Assessment,
    expert: &User,
) -> Result<(), Error> {
    let n = Notice::ExpertAssigned {
        assessment_id: a.id,
        title: a.title.clone(),
        enterprise: store::enterprise_name(tx, a.enterprise_id)
            .await?
            .unwrap_or_default(),
    };
    send(app, tx, std::slice::from_ref(expert), &n)
        .await
        .map(|_| ())
}

/// An assessment was submitted: a self-assessment to the reviewers of the bodies the
/// enterprise engaged, an on-site assessment to the enterprise's members.
pub async fn submitted(app: &App, tx: &mut WriteTx, a: &Assessment) -> Result<(), Error> {
    let to: Vec<User> = match a.mode {
        Mode::SelfEvaluation => store::engaged_staff(tx, a.enterprise_id)
            .await?
            .into_iter()
            .filter(|u| rules::staff_hears(NoticeKind::Submitted, u.role))
            .collect(),
        Mode::Onsite => enterprise_members(tx, a.enterprise_id).await?,
    };
    let n = Notice::Submitted {
        assessment_id: a.id,
        title: a.title.clone(),
        enterprise: store::enterprise_name(tx, a.enterprise_id)
            .await?
            .unwrap_or_default(),
        mode: a.mode,
    };
    send(app, tx, &to, &n).await.map(|_| ())
}

/// Self-declared answers of an assessment were verified: the enterprise's members (once until
/// they read it, however many items or tables are verified).
pub async fn verified(app: &App, tx: &mut WriteTx, a: &Assessment) -> Result<(), Error> {
    let to = enterprise_members(tx, a.enterprise_id).await?;
    let n = Notice::Verified {
        assessment_id: a.id,
        title: a.title.clone(),
        enterprise: store::enterprise_name(tx, a.enterprise_id)
            .await?
            .unwrap_or_default(),
    };
    send(app, tx, &to, &n).await.map(|_| ())
}

/// An enterprise asked to change its locked identity: the admins of the bodies it engaged.
pub async fn change_requested(app: &App, tx: &mut WriteTx, e: &Enterprise) -> Result<(), Error> {
    let to: Vec<User> = store::engaged_staff(tx, e.id)
        .await?
        .into_iter()
        .filter(|u| rules::staff_hears(NoticeKind::ChangeRequested, u.role))
        .collect();
    let n = Notice::ChangeRequested {
        enterprise_id: e.id,
        enterprise: e.name.clone(),
    };
    send(app, tx, &to, &n).await.map(|_| ())
}

/// Days an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// A person was invited: an e-mail to the invited address with the full link (the person has
/// no account, so no inbox).
pub async fn invited(
    app: &App,
    tx: &mut WriteTx,
    inviter: &User,
    inv: &Invitation,
    token: &str,
) -> Result<(), Error> {
    let org = match inv.org_id {
        Some(o) => store::org_name(tx, o).await?,
        None => None,
    };
    let url = rules::absolute(&app.config.base_url(), &format!("/invite/{token}"));
    let m = invitation_mail(
        org.as_deref(),
        inv.role,
        &inviter.name,
        &url,
        INVITATION_DAYS,
    );
    mail::queue(app, tx, &inv.email, &m, true).await.map(|_| ())
}

// ---------------------------------------------------------------- the inbox

/// A page of the user's own notifications, newest first, and how many there are.
pub async fn inbox(
    app: &App,
    u: &User,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Item>, i64), Error> {
    let (rows, total) = store::of_user(&app.store, u.id, limit, offset).await?;
    Ok((rows.into_iter().map(Item::from).collect(), total))
}

/// How many of the user's notifications are unread.
pub async fn unread(app: &App, u: &User) -> Result<i64, Error> {
    Ok(store::unread_count(&app.store, u.id).await?)
}

/// Mark one of the user's own notifications read (another person's is not found).
pub async fn mark_read(app: &App, u: &User, id: i64) -> Result<Item, Error> {
    let mut tx = app.begin().await?;
    let n = store::mark_read(&mut tx, u.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(n.into())
}

/// Mark all of the user's notifications read: how many were unread.
pub async fn mark_all_read(app: &App, u: &User) -> Result<u64, Error> {
    let mut tx = app.begin().await?;
    let n = store::mark_all_read(&mut tx, u.id).await?;
    tx.commit().await?;
    Ok(n)
}
