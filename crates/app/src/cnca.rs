//! The regulator's monthly report (003 6.3.7, 8.1.8; issue 11) as an .xlsx file: a body's
//! certification cases replayed up to the month's last day, the rows and their cells decided
//! by `tianping_case::cnca_rows` under a layout (`schemes/cnca/monthly.toml`, or a body's
//! own file), written here one sheet per layout sheet.

use rust_xlsxwriter::{Format, Workbook};
use tianping_case::certification as cert;
use tianping_case::cnca::{Layout, Out};
use tianping_case::cnca_rows::{self, Client, Month};
use tianping_case::CaseKind;
use tianping_domain::Role;
use tianping_store::cases as store;
use tianping_store::repo::{self, User};

use crate::cases::{conflicts_of, context, header_of, parse_events};
use crate::xlsx::internal;
use crate::{App, Error};

/// A month as typed (`2026-10`), or a refusal naming the field `month`.
pub fn month(s: &str) -> Result<Month, Error> {
    Month::parse(s).ok_or_else(|| {
        Error::invalid(
            "month",
            format!("月份“{}”无效：请写成 YYYY-MM，例如 2026-10", s.trim()),
            format!("“{}” is not a month: write YYYY-MM, e.g. 2026-10", s.trim()),
        )
    })
}

/// The report's sheets for a month: the cases of one body (or of every body), each replayed
/// up to the month's last day.
pub async fn sheets(
    app: &App,
    org: Option<i64>,
    m: &Month,
    layout: &Layout,
) -> Result<Vec<cnca_rows::SheetOut>, Error> {
    let standard = app
        .catalog
        .get("eepc-certification")
        .map(|s| s.standard.clone())
        .unwrap_or_default();
    let mut loaded = Vec::new();
    for c in store::list(&app.store, org, None).await? {
        if c.kind != CaseKind::Certification.as_str() {
            continue;
        }
        let header = header_of(app, &c).await?;
        let events: Vec<cert::Event> = parse_events(&store::events(&app.store, c.id).await?)?
            .into_iter()
            .map(|e| e.event)
            .collect();
        let conflicts = conflicts_of(app, &c).await?;
        let outcome = cert::replay(&header, &events, m.last, context(&conflicts));
        let uscc = repo::get_enterprise(&app.store, c.enterprise_id)
            .await?
            .map(|e| e.uscc)
            .unwrap_or_default();
        loaded.push((c, uscc, outcome.case));
    }
    let clients: Vec<Client> = loaded
        .iter()
        .map(|(c, uscc, case)| Client {
            body_name: &c.org_name,
            org_name: &c.enterprise_name,
            uscc,
            standard: &standard,
            case,
        })
        .collect();
    Ok(cnca_rows::report(layout, m, &clients))
}

/// The sheets as .xlsx bytes: headers in bold, codes and dates as text cells (so that
/// `20261005` and leading zeros stay as written), numbers as numbers.
pub fn write(sheets: &[cnca_rows::SheetOut]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet().set_name(&s.name).map_err(internal)?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(internal)?;
            ws.set_column_width(c as u16, 16).map_err(internal)?;
        }
        for (n, r) in s.rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                let y = n as u32 + 1;
                match v {
                    Out::Text(t) if t.is_empty() => continue,
                    Out::Text(t) => ws.write_string(y, c as u16, t).map(|_| ()),
                    Out::Number(x) => ws.write_number(y, c as u16, *x).map(|_| ()),
                }
                .map_err(internal)?;
            }
        }
    }
    wb.save_to_buffer().map_err(internal)
}

/// The file name of a month's report.
pub fn file_name(m: &Month) -> String {
    format!("cnca-{}.xlsx", m.first.format("%Y%m"))
}

/// A body admin's report of their body's cases for a month (others: not found).
pub async fn export(app: &App, u: &User, month_text: &str) -> Result<(String, Vec<u8>), Error> {
    let org = match (u.role, u.org_id) {
        (Role::BodyAdmin, Some(o)) => o,
        _ => return Err(Error::NotFound),
    };
    let m = month(month_text)?;
    let sheets = sheets(app, Some(org), &m, &tianping_case::cnca::shipped()).await?;
    Ok((file_name(&m), write(&sheets)?))
}
