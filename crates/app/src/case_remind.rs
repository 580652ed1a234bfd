//! Reminders of what is due in cases of every kind (issue 9: "7 days before and on the
//! day"): [`remind`] walks the due list of every case on a day (`cases::due_all`), asks the
//! pure rule whether the day is a reminder day of each item and who hears it
//! (`tianping_domain::case_remind`), and sends each reminder once — a row of
//! `case_reminders` (case, item, subject, due date, stage) is its record, unique — with its
//! notification and e-mail, in one transaction per case with an audit entry. Running it again
//! the same day, or on two servers, sends nothing twice. The server runs it at start and
//! every hour ([`start`]); `tianping due --notify` once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::json;
use tianping_case::{Due, DueKind};
use tianping_domain::case_remind::{reminded, reminder, DueItem, Reminder};
use tianping_domain::notify::Notice;
use tianping_store::audit::{self, Actor};
use tianping_store::cases::CaseRow;
use tianping_store::notify as store;

use crate::case_notify::people;
use crate::{cases, notify, App, Error};

/// The domain's name of a due list's kind.
pub fn item(k: DueKind) -> DueItem {
    match k {
        DueKind::Supplement => DueItem::Supplement,
        DueKind::PlanConfirmation => DueItem::PlanConfirmation,
        DueKind::Contract => DueItem::Contract,
        DueKind::Decision => DueItem::Decision,
        DueKind::Certificate => DueItem::Certificate,
        DueKind::Correction => DueItem::Correction,
        DueKind::Surveillance => DueItem::Surveillance,
        DueKind::Suspend => DueItem::Suspend,
        DueKind::Withdraw => DueItem::Withdraw,
        DueKind::Recertification => DueItem::Recertification,
        DueKind::Appeal => DueItem::Appeal,
        DueKind::Complaint => DueItem::Complaint,
        DueKind::PublicityEnd => DueItem::PublicityEnd,
        DueKind::ObjectionRuling => DueItem::ObjectionRuling,
        DueKind::Reevaluation => DueItem::Reevaluation,
        DueKind::Confirmation => DueItem::Confirmation,
        DueKind::Announcement => DueItem::Announcement,
        DueKind::FinalReport => DueItem::FinalReport,
        DueKind::GradeExpiry => DueItem::GradeExpiry,
        DueKind::Supervision => DueItem::Supervision,
        DueKind::LowerOrBlacklist => DueItem::LowerOrBlacklist,
        DueKind::StarAward => DueItem::StarAward,
    }
}

/// What a run of [`remind`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reminded {
    /// Reminders sent now (not those sent before).
    pub reminders: usize,
    /// Notifications written (a person told of two items counts twice).
    pub notified: usize,
}

/// Send the reminders due on `today` that were not sent before.
pub async fn remind(app: &App, today: NaiveDate) -> Result<Reminded, Error> {
    let mut by_case: BTreeMap<i64, (CaseRow, Vec<Due>)> = BTreeMap::new();
    for row in cases::due_all(app, today).await? {
        by_case
            .entry(row.case.id)
            .or_insert_with(|| (row.case, Vec::new()))
            .1
            .push(row.due);
    }
    let mut out = Reminded::default();
    for (case, due) in by_case.into_values() {
        let todo: Vec<(Due, DueItem, _)> = due
            .into_iter()
            .filter_map(|d| {
                let i = item(d.kind);
                reminder(i, d.due, d.overdue, today).map(|s| (d, i, s))
            })
            .collect();
        if todo.is_empty() {
            continue;
        }
        let mut tx = app.begin().await?;
        let mut sent = Vec::new();
        for (d, item, stage) in todo {
            let subject = d.subject.clone().unwrap_or_default();
            let day = d.due.to_string();
            if !store::remember_reminder(&mut tx, case.id, item, &subject, &day, stage).await? {
                continue;
            }
            let mut to = Vec::new();
            for p in reminded(item) {
                to.extend(people(&mut tx, &case, *p, &[]).await?);
            }
            let n = Notice::CaseDue {
                case_id: case.id,
                enterprise: case.enterprise_name.clone(),
                org: case.org_name.clone(),
                reminder: Reminder {
                    item,
                    stage,
                    due: day.clone(),
                    subject: d.subject.clone(),
                    clause: d.clause.to_string(),
                    message: d.message.clone(),
                },
            };
            let told = notify::send(app, &mut tx, &to, &n).await?;
            out.notified += told;
            sent.push(
                json!({"kind": item.as_str(), "subject": d.subject, "due": day,
                "stage": stage.as_str(), "notified": told}),
            );
        }
        if !sent.is_empty() {
            out.reminders += sent.len();
            audit::append(
                &mut tx,
                &Actor::system(),
                "case_remind",
                "case",
                &case.id.to_string(),
                None,
                Some(&json!({"day": today.to_string(), "reminders": sent})),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(out)
}

/// The server's reminder task: a run at start and every `every`, until
/// [`ReminderTask::stop`].
pub struct ReminderTask {
    stop: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

/// Start the reminder task. `report` receives a line for each run that sent something and
/// for each run that failed (it is tried again at the next run: reminders already sent are
/// not repeated).
pub fn start(
    app: &App,
    every: Duration,
    report: impl Fn(&str) + Send + Sync + 'static,
) -> ReminderTask {
    let stop = Arc::new(tokio::sync::Notify::new());
    let task = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let today = app.today();
                let started = std::time::Instant::now();
                let result = remind(&app, today).await;
                app.jobs
                    .reminders
                    .record(result.is_ok(), started.elapsed(), app.now().timestamp());
                match result {
                    Ok(r) if r.reminders > 0 => report(&format!(
                        "案卷待办提醒（{today}）：发送 {} 条，通知 {} 人次",
                        r.reminders, r.notified
                    )),
                    Ok(_) => {}
                    Err(e) => report(&format!("案卷待办提醒（{today}）失败，下次再试：{e}")),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.notified() => break,
                }
            }
        })
    };
    ReminderTask { stop, task }
}

impl ReminderTask {
    /// Stop after the run in progress.
    pub async fn stop(self) {
        self.stop.notify_one();
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_due_kind_is_an_item_of_the_same_name() {
        use DueKind::*;
        let all = [
            Supplement,
            PlanConfirmation,
            Contract,
            Decision,
            Certificate,
            Correction,
            Surveillance,
            Suspend,
            Withdraw,
            Recertification,
            Appeal,
            Complaint,
            PublicityEnd,
            ObjectionRuling,
            Reevaluation,
            Confirmation,
            Announcement,
            FinalReport,
            GradeExpiry,
            DueKind::Supervision,
            LowerOrBlacklist,
            StarAward,
        ];
        for k in all {
            assert_eq!(item(k).as_str(), k.as_str());
        }
    }
}
