//! E-mail through SMTP with an outbox. A use case queues its e-mails with [`queue`] in the
//! transaction of the event that causes them, so that a crash loses none and a rolled-back
//! event sends none; the server's delivery task ([`start`]) sends what is due
//! ([`deliver_due`]) and tries a failed e-mail again by the rule of
//! [`tianping_domain::notify::RetryPolicy`] (the configuration's `mail_retry`), keeping its
//! last error.
//!
//! Without `smtp_url` nothing is queued (and nothing sent): e-mails written while no server
//! was configured would otherwise all go out, stale, the day one is; the inbox works either
//! way.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tianping_domain::notify::{AfterFailure, MailText, CLAIM_SECS};
use tianping_store::mail::{self as outbox, OutboxMail};
use tianping_store::{stamp, WriteTx};

use crate::{App, Error};

/// Whether e-mail is configured (`smtp_url`).
pub fn enabled(app: &App) -> bool {
    app.config.smtp_url.is_some()
}

/// Check an SMTP address as the configuration gives it (the password is never shown).
pub(crate) fn check_smtp_url(url: &str) -> Result<(), String> {
    let shown = tianping_store::redact(url);
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err(format!(
            "smtp_url “{shown}” 无效：应以 smtp:// 或 smtps:// 开头，如 smtp://127.0.0.1:2525、smtps://用户:密码@smtp.example.cn 或 smtp://用户:密码@smtp.example.cn:587?tls=required"
        ));
    }
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("smtp_url “{shown}” 无效：{e}"))
}

/// Check a sender's address (`天平 <noreply@example.cn>` or `noreply@example.cn`).
pub(crate) fn check_mailbox(s: &str) -> Result<(), String> {
    s.parse::<Mailbox>().map(|_| ()).map_err(|_| {
        format!("mail_from “{s}” 无效：应为邮箱地址，可带名称，如 天平 <noreply@example.cn>")
    })
}

/// Queue an e-mail to `to` in the transaction of the event that causes it; `secret`: it
/// carries a one-time link (its body is emptied once sent or given up). Without `smtp_url`
/// nothing is queued: false.
pub async fn queue(
    app: &App,
    tx: &mut WriteTx,
    to: &str,
    m: &MailText,
    secret: bool,
) -> Result<bool, Error> {
    if !enabled(app) {
        return Ok(false);
    }
    outbox::queue(tx, to, &m.subject, &m.body, secret).await?;
    Ok(true)
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed now, to be tried again later.
    pub retrying: usize,
    /// Failed for the last time: given up.
    pub given_up: usize,
    /// What went wrong, one line per failed e-mail (for the server's log).
    pub errors: Vec<String>,
}

/// Send the e-mails that are due now (at most 50 in a round). Each is claimed first, so
/// that two servers on one database never send it at the same time.
pub async fn deliver_due(app: &App) -> Result<Delivery, Error> {
    let mut d = Delivery::default();
    let (Some(url), Some(from)) = (&app.config.smtp_url, &app.config.mail_from) else {
        return Ok(d);
    };
    let due = outbox::due(&app.store, &stamp(app.now()), 50).await?;
    if due.is_empty() {
        return Ok(d);
    }
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
        .map(|b| b.timeout(Some(Duration::from_secs(30))).build());
    for m in due {
        let mut tx = app.begin().await?;
        let claimed = outbox::claim(&mut tx, &m, &app.stamp_in(CLAIM_SECS)).await?;
        tx.commit().await?;
        if !claimed {
            continue;
        }
        let result = match &transport {
            Ok(t) => send_one(t, from, &m).await,
            Err(e) => Err((format!("SMTP 配置无效：{e}"), true)),
        };
        let mut tx = app.begin().await?;
        match result {
            Ok(()) => {
                outbox::sent(&mut tx, m.id).await?;
                d.sent += 1;
            }
            Err((error, permanent)) => {
                let error: String = error.chars().take(1000).collect();
                let attempts = u32::try_from(m.attempts + 1).unwrap_or(u32::MAX);
                let now = app.now();
                match app
                    .config
                    .mail_retry
                    .after_failure(attempts, permanent, now.timestamp())
                {
                    AfterFailure::RetryAt(t) => {
                        let at = chrono::DateTime::from_timestamp(t, 0).unwrap_or(now);
                        outbox::failed(&mut tx, m.id, &error, Some(&stamp(at))).await?;
                        d.retrying += 1;
                        d.errors.push(format!(
                            "邮件 #{}（发往 {}）第 {} 次发送失败，{} 再试：{}",
                            m.id,
                            m.recipient,
                            attempts,
                            stamp(at),
                            error
                        ));
                    }
                    AfterFailure::GiveUp => {
                        outbox::failed(&mut tx, m.id, &error, None).await?;
                        d.given_up += 1;
                        d.errors.push(format!(
                            "邮件 #{}（发往 {}）第 {} 次发送失败，已放弃：{}",
                            m.id, m.recipient, attempts, error
                        ));
                    }
                }
            }
        }
        tx.commit().await?;
    }
    Ok(d)
}

/// Send one e-mail: the error and whether it is permanent (will fail again whatever the time).
async fn send_one(
    t: &AsyncSmtpTransport<Tokio1Executor>,
    from: &str,
    m: &OutboxMail,
) -> Result<(), (String, bool)> {
    let from: Mailbox = from
        .parse()
        .map_err(|_| (format!("发件人地址无效：{from}"), true))?;
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|_| (format!("收件人地址无效：{}", m.recipient), true))?;
    let msg = Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| (format!("无法组成邮件：{e}"), true))?;
    t.send(msg)
        .await
        .map(|_| ())
        .map_err(|e| (e.to_string(), e.is_permanent()))
}

/// The server's delivery task: a round every `every`, until [`MailWorker::stop`].
pub struct MailWorker {
    stop: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

/// Start the delivery task (none when e-mail is not configured). `report` receives a line
/// for each failed attempt (the first three of a round, then their count) and for a round
/// that could not read the outbox.
pub fn start(
    app: &App,
    every: Duration,
    report: impl Fn(&str) + Send + Sync + 'static,
) -> Option<MailWorker> {
    if !enabled(app) {
        return None;
    }
    let stop = Arc::new(tokio::sync::Notify::new());
    let task = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let started = std::time::Instant::now();
                let result = deliver_due(&app).await;
                app.jobs.mail.record(
                    result.as_ref().is_ok_and(|d| d.errors.is_empty()),
                    started.elapsed(),
                    app.now().timestamp(),
                );
                match result {
                    Ok(d) => {
                        // a server that is down fails every mail of the round: a few lines
                        d.errors.iter().take(3).for_each(|e| report(e));
                        if d.errors.len() > 3 {
                            report(&format!(
                                "……本轮共 {} 封邮件发送失败（{} 封将重试，{} 封已放弃）",
                                d.errors.len(),
                                d.retrying,
                                d.given_up
                            ));
                        }
                    }
                    Err(e) => report(&format!("邮件发送：读取发件箱失败：{e}")),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.notified() => break,
                }
            }
        })
    };
    Some(MailWorker { stop, task })
}

impl MailWorker {
    /// Stop after the round in progress (an e-mail being sent is finished first).
    pub async fn stop(self) {
        self.stop.notify_one();
        let _ = self.task.await;
    }
}
