//! Reading a filled answer template back (issue 11): the cells of each sheet, as the app read
//! them from the file, checked against the plan's [`Book`]. Every bad cell is reported by
//! its Excel name (`A.1!G5`) with what it accepts; the caller saves nothing unless there is
//! no error at all.

use serde_json::{json, Value};
use tianping_core::fmt_num;

use crate::import;
use crate::msg::Msg;
use crate::workbook::{
    cell_name, Book, Input, Sheet, COL_ID, COL_VALUE, FIRST_ROW, INFO_SCHEME_ROW, INFO_SHEET,
    INFO_VARIANT_ROW, MARK, SOURCES,
};

/// One cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

impl Cell {
    /// The cell as text (numbers as written: `88`, not `88.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(x) => fmt_num(*x),
            Cell::Text(s) => s.trim().to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// One sheet's cells; `rows[0]` is the sheet's row 1 and `rows[r][0]` its column A.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

const EMPTY: Cell = Cell::Empty;

impl Grid {
    pub fn get(&self, row: u32, col: u16) -> &Cell {
        self.rows
            .get(row as usize)
            .and_then(|r| r.get(col as usize))
            .unwrap_or(&EMPTY)
    }
}

/// One answer read from a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub indicator: String,
    pub value: f64,
    /// The source's code (`self`, `platform`, …) when the 来源 cell names one.
    pub source: Option<&'static str>,
    pub note: Option<String>,
    /// The answer cell, e.g. `A.1!G5`.
    pub cell: String,
}

impl Entry {
    /// The answer as in a JSON answers file: the number, or `{"value", "source"}`.
    pub fn json(&self) -> Value {
        match self.source {
            Some(s) => json!({"value": self.value, "source": s}),
            None => json!(self.value),
        }
    }
}

/// A bad cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub cell: String,
    pub message: Msg,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.cell, self.message.zh)
    }
}

/// Whether a workbook is an answer template (its `说明` sheet carries the mark in A1).
pub fn is_template(grids: &[Grid]) -> bool {
    grids
        .iter()
        .any(|g| g.name == INFO_SHEET && g.get(0, 0).text() == MARK)
}

/// Read every answer of a template for `book`: the scheme and variant of the info sheet must
/// be the book's; each table sheet's rows are found by the id in column A. An empty answer
/// cell is no answer; sheets not in the book are not read.
pub fn read(book: &Book, grids: &[Grid]) -> Result<Vec<Entry>, Vec<CellError>> {
    let mut errors = Vec::new();
    if let Some(info) = grids.iter().find(|g| g.name == INFO_SHEET) {
        let scheme = info.get(INFO_SCHEME_ROW, 1).text();
        if scheme != book.scheme {
            errors.push(CellError {
                cell: cell_name(INFO_SHEET, INFO_SCHEME_ROW, 1),
                message: Msg::new(
                    format!("模板属于方案“{}”，本评价的方案是“{}”：请下载本评价的模板", scheme, book.scheme),
                    format!("The template is for scheme “{}”, this assessment's is “{}”: download this assessment's template", scheme, book.scheme),
                ),
            });
        }
        let variant = info.get(INFO_VARIANT_ROW, 1).text();
        let want = book.variant.clone().unwrap_or_default();
        if scheme == book.scheme && variant != want {
            errors.push(CellError {
                cell: cell_name(INFO_SHEET, INFO_VARIANT_ROW, 1),
                message: Msg::new(
                    format!("模板的类型是“{}”，本评价的类型是“{}”：请下载本评价的模板", variant, want),
                    format!("The template's variant is “{}”, this assessment's is “{}”: download this assessment's template", variant, want),
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    for sheet in &book.sheets {
        if let Some(g) = grids.iter().find(|g| g.name == sheet.name) {
            read_sheet(book, sheet, g, &mut out, &mut errors);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn read_sheet(
    book: &Book,
    sheet: &Sheet,
    g: &Grid,
    out: &mut Vec<Entry>,
    errors: &mut Vec<CellError>,
) {
    let mut seen: Vec<(String, String)> = Vec::new();
    for r in FIRST_ROW..g.rows.len() as u32 {
        let at = |c: u16| cell_name(&sheet.name, r, c);
        let id = g.get(r, COL_ID).text();
        let value = g.get(r, COL_VALUE);
        let source = book.col_source().map(|c| g.get(r, c)).unwrap_or(&EMPTY);
        let note = g.get(r, book.col_note()).text();
        if id.is_empty() {
            if !value.is_empty() || !source.is_empty() {
                errors.push(CellError {
                    cell: at(COL_ID),
                    message: Msg::new(
                        "这一行有数值但没有指标编号：请勿改动 A 列",
                        "This row has a value but no indicator id: leave column A as it was",
                    ),
                });
            }
            continue;
        }
        let Some(row) = sheet.rows.iter().find(|x| x.indicator == id) else {
            let elsewhere = book.find(&id).map(|(s, _)| s.name.clone());
            errors.push(CellError {
                cell: at(COL_ID),
                message: match elsewhere {
                    Some(s) => Msg::new(
                        format!("指标“{}”属于工作表“{}”，不在本表：请在那张表中填写", id, s),
                        format!("Indicator “{}” belongs to sheet “{}”, not this one: fill it in there", id, s),
                    ),
                    None => Msg::new(
                        format!("没有指标“{}”：A 列须为模板中的指标编号（本表第一项是 {}）", id, first(sheet)),
                        format!("No indicator “{}”: column A must hold the template's indicator ids (this sheet's first is {})", id, first(sheet)),
                    ),
                },
            });
            continue;
        };
        if let Some((_, cell)) = seen.iter().find(|(i, _)| *i == id) {
            errors.push(CellError {
                cell: at(COL_ID),
                message: Msg::new(
                    format!("指标“{}”已在 {} 出现：每个指标只能出现一次", id, cell),
                    format!(
                        "Indicator “{}” already appears at {}: each indicator only once",
                        id, cell
                    ),
                ),
            });
            continue;
        }
        seen.push((id.clone(), at(COL_ID)));
        if value.is_empty() {
            if !source.is_empty() {
                errors.push(CellError {
                    cell: at(COL_VALUE),
                    message: Msg::new(
                        "填写了来源却没有数值：请填写数值，或清空来源",
                        "A source without a value: enter the value, or clear the source",
                    ),
                });
            }
            continue;
        }
        let parsed = parse_value(&row.input, value).map_err(|m| CellError {
            cell: at(COL_VALUE),
            message: m,
        });
        let src = match book.col_source() {
            Some(c) if !source.is_empty() => {
                parse_source(source).map(Some).map_err(|m| CellError {
                    cell: at(c),
                    message: m,
                })
            }
            _ => Ok(None),
        };
        match (parsed, src) {
            (Ok(v), Ok(s)) => out.push(Entry {
                indicator: id,
                value: v,
                source: s,
                note: Some(note).filter(|n| !n.is_empty()),
                cell: at(COL_VALUE),
            }),
            (a, b) => errors.extend(a.err().into_iter().chain(b.err())),
        }
    }
}

fn first(sheet: &Sheet) -> &str {
    sheet
        .rows
        .first()
        .map(|r| r.indicator.as_str())
        .unwrap_or("")
}

fn with_accepted(problem: Msg, input: &Input) -> Msg {
    let a = input.accepted();
    Msg::new(
        format!("{}；可填写：{}", problem.zh, a.zh),
        format!("{}; accepted: {}", problem.en, a.en),
    )
}

/// An answer cell's value on its input's scale.
pub fn parse_value(input: &Input, cell: &Cell) -> Result<f64, Msg> {
    if let Input::Level { names } = input {
        return parse_level(input, names, cell);
    }
    let x = match cell {
        Cell::Number(x) => *x,
        c => import::number(&c.text()).map_err(|m| with_accepted(m, input))?,
    };
    let shown = fmt_num(x);
    match input {
        Input::Points { max, half } => {
            if !(0.0..=*max).contains(&x) {
                return Err(with_accepted(
                    Msg::new(
                        format!("{} 超出范围", shown),
                        format!("{} is out of range", shown),
                    ),
                    input,
                ));
            }
            if *half && (x * 2.0).fract() != 0.0 {
                return Err(with_accepted(
                    Msg::new(
                        format!("{} 不是 0.5 分的整数倍", shown),
                        format!("{} is not a multiple of 0.5", shown),
                    ),
                    input,
                ));
            }
        }
        _ => {
            if !(0.0..=100.0).contains(&x) {
                return Err(with_accepted(
                    Msg::new(
                        format!("{} 超出范围", shown),
                        format!("{} is out of range", shown),
                    ),
                    input,
                ));
            }
        }
    }
    Ok(x)
}

/// A level cell: a number 0–5, a drop-down choice (`3 …`), or a level's printed name.
fn parse_level(input: &Input, names: &[String], cell: &Cell) -> Result<f64, Msg> {
    let t = cell.text();
    let lead: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = t[lead.len()..].trim();
    let n = match (lead.parse::<usize>(), cell) {
        (_, Cell::Number(x)) if x.fract() == 0.0 && (0.0..=5.0).contains(x) => Some(*x as usize),
        (Ok(n), Cell::Text(_))
            if n <= 5 && (rest.is_empty() || input.choices().get(n).is_some_and(|c| c == &t)) =>
        {
            Some(n)
        }
        _ => names.iter().position(|x| x == &t).map(|n| n + 1),
    };
    n.map(|n| n as f64).ok_or_else(|| {
        with_accepted(
            Msg::new(format!("没有等级“{}”", t), format!("No level “{}”", t)),
            input,
        )
    })
}

/// A 来源 cell as a source code.
pub fn parse_source(cell: &Cell) -> Result<&'static str, Msg> {
    let t = cell.text();
    let code = import::source(&t);
    SOURCES
        .iter()
        .find(|s| s.as_str() == code)
        .map(|s| s.as_str())
        .ok_or_else(|| {
            let names = SOURCES
                .iter()
                .map(|s| s.label(crate::Lang::Zh))
                .collect::<Vec<_>>();
            Msg::new(
                format!("没有来源“{}”；可填写：{}", t, names.join("、")),
                format!("No source “{}”; accepted: {}", t, names.join(", ")),
            )
        })
}

#[cfg(test)]
#[path = "workbook_tests.rs"]
mod tests;
