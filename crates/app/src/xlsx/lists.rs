//! A list as one .xlsx sheet (issue 11): enterprises, assessments, certificates and due
//! items, each read through the same use case as its page (the same filter and visibility),
//! then written with a bold header and an autofilter.

use rust_xlsxwriter::{Format, Workbook};

use super::internal;
use crate::Error;

/// One cell of a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Number(f64),
    Empty,
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}

impl From<f64> for Val {
    fn from(x: f64) -> Val {
        Val::Number(x)
    }
}

impl From<i64> for Val {
    fn from(x: i64) -> Val {
        Val::Number(x as f64)
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(x: Option<T>) -> Val {
        x.map(Into::into).unwrap_or(Val::Empty)
    }
}

/// A list's sheet name, header and rows as .xlsx bytes.
pub fn write(sheet: &str, header: &[&str], rows: &[Vec<Val>]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet().set_name(sheet).map_err(internal)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(internal)?;
        ws.set_column_width(c as u16, 16).map_err(internal)?;
    }
    for (n, r) in rows.iter().enumerate() {
        let y = n as u32 + 1;
        for (c, v) in r.iter().enumerate() {
            match v {
                Val::Text(s) => ws.write_string(y, c as u16, s).map(|_| ()),
                Val::Number(x) => ws.write_number(y, c as u16, *x).map(|_| ()),
                Val::Empty => Ok(()),
            }
            .map_err(internal)?;
        }
    }
    if !header.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)
            .map_err(internal)?;
    }
    ws.set_freeze_panes(1, 0).map_err(internal)?;
    wb.save_to_buffer().map_err(internal)
}
