//! `tianping due`: everything due or overdue across the certification cases, as readable
//! Chinese lines or JSON; with `--notify`, today's reminders sent first.

use chrono::NaiveDate;
use serde_json::json;
use tianping_app::case_remind::{self, Reminded};
use tianping_app::cases::DueRow;
use tianping_app::{mail, App};

use crate::{out, Format};

/// What `--notify` did: the reminders sent, and the e-mails delivered now.
pub struct Notified {
    pub reminded: Reminded,
    pub delivery: Option<mail::Delivery>,
}

/// Send today's reminders that were not sent before, then deliver the e-mails due (when
/// e-mail is configured; a running server's delivery task would send them too).
pub async fn notify(app: &App, today: NaiveDate) -> Result<Notified, String> {
    let reminded = case_remind::remind(app, today)
        .await
        .map_err(|e| e.to_string())?;
    let delivery = if mail::enabled(app) {
        Some(mail::deliver_due(app).await.map_err(|e| e.to_string())?)
    } else {
        None
    };
    if let Some(d) = &delivery {
        d.errors.iter().for_each(|e| out::stderrln(e));
    }
    Ok(Notified { reminded, delivery })
}

pub fn print(
    rows: &[DueRow],
    as_of: NaiveDate,
    notified: Option<&Notified>,
    format: Format,
) -> Result<(), String> {
    if format == Format::Json {
        let items: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "case": r.case.id, "body": r.case.org_name, "enterprise": r.case.enterprise_name,
                    "kind": r.due.kind.as_str(), "due": r.due.due.to_string(),
                    "overdue": r.due.overdue, "clause": r.due.clause,
                    "subject": r.due.subject, "message": r.due.message,
                })
            })
            .collect();
        let mut v = json!({"as_of": as_of.to_string(), "due": items});
        if let Some(n) = notified {
            v["reminded"] = json!({
                "reminders": n.reminded.reminders,
                "notified": n.reminded.notified,
                "mails_sent": n.delivery.as_ref().map(|d| d.sent),
            });
        }
        return out::stdoutln(&serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    if let Some(n) = notified {
        let mails = match &n.delivery {
            Some(d) => format!("，发出邮件 {} 封", d.sent),
            None => "（未配置 smtp_url，只写站内消息）".into(),
        };
        out::stdoutln(&format!(
            "今日提醒：新发送 {} 条，通知 {} 人次{mails}",
            n.reminded.reminders, n.reminded.notified
        ))?;
    }
    let overdue = rows.iter().filter(|r| r.due.overdue).count();
    out::stdoutln(&format!(
        "截至 {as_of}：待办 {} 项，其中逾期 {overdue} 项",
        rows.len()
    ))?;
    for r in rows {
        out::stdoutln(&format!(
            "{} {} ｜ {} ｜ {} ｜ 案卷 #{} {}：{}（{}）",
            if r.due.overdue { "逾期" } else { "待办" },
            r.due.due,
            r.case.org_name,
            r.due.kind.name_zh(),
            r.case.id,
            r.case.enterprise_name,
            r.due.message,
            r.due.clause
        ))?;
    }
    Ok(())
}
