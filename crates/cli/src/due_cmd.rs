//! `tianping due`: everything due or overdue across the certification cases, as readable
//! Chinese lines or JSON.

use chrono::NaiveDate;
use serde_json::json;
use tianping_app::cases::DueRow;

use crate::{out, Format};

pub fn print(rows: &[DueRow], as_of: NaiveDate, format: Format) -> Result<(), String> {
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
        let v = json!({"as_of": as_of.to_string(), "due": items});
        return out::stdoutln(&serde_json::to_string_pretty(&v).unwrap_or_default());
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
