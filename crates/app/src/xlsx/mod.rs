//! Excel files in and out (issue 11): the bytes only. What a template holds, which cells
//! are valid and what a monthly row says are decided in the pure crates
//! (`tianping_domain::workbook`, `workbook_read`, `cnca`); here rust_xlsxwriter writes them
//! and calamine reads them.
//!
//! - [`template`]: the answer template of a plan, optionally filled with an assessment's
//!   answers; reading a workbook's cells back.
//! - [`import`]: a filled template read back into an assessment, all or nothing.
//! - [`export`]: an assessment with its result and trace.
//! - [`lists`]: a list (enterprises, assessments, certificates, due items) as one sheet.

pub mod export;
pub mod import;
pub mod lists;
pub mod template;

use std::io::Cursor;

use tianping_domain::workbook_read::{Cell, Grid};
use tianping_domain::Msg;

use crate::Error;

/// The content type of an .xlsx file.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A writer's failure (never the user's data): an internal error.
pub(crate) fn internal(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(format!("xlsx: {}", e))
}

/// Why a file cannot be read as a workbook, for the person who uploaded it.
pub fn unreadable(e: &dyn std::fmt::Display) -> Msg {
    Msg::new(
        format!("无法读取这个 Excel 文件（{}）：请确认它是 .xlsx 格式", e),
        format!(
            "This Excel file cannot be read ({}): make sure it is an .xlsx file",
            e
        ),
    )
}

/// Every worksheet of a workbook as a grid of cells at their own positions (`rows[0]` is
/// row 1, `rows[r][0]` column A), in the workbook's order.
pub fn grids(data: &[u8]) -> Result<Vec<Grid>, Msg> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(data)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top as usize];
        for cells in range.rows() {
            let mut row = vec![Cell::Empty; left as usize];
            row.extend(cells.iter().map(|c| match c {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(x) => Cell::Number(*x),
                Data::Int(x) => Cell::Number(*x as f64),
                Data::Bool(b) => Cell::Text(b.to_string()),
                other => Cell::Text(other.to_string()),
            }));
            rows.push(row);
        }
        out.push(Grid { name, rows });
    }
    Ok(out)
}
