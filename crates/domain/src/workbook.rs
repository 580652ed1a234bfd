//! The answer workbook of a plan (issue 11): which sheets an Excel answer template has, the
//! rows and columns of each, which answers each answer cell accepts, and how a cell is named
//! (`A.1!G5`). The app writes these layouts as `.xlsx` bytes and reads uploaded cells back
//! through [`crate::workbook_read`]; nothing here knows a file format.
//!
//! A template is one sheet `说明` (a mark in A1, then the scheme, variant and version in
//! column B) and one sheet per table of the plan: a title row, a header row, then one row
//! per indicator in table order. Column A holds the indicator's id, which is how a row is
//! read back (rows may be sorted or deleted); the answer is in the 数值 column, and T11/AII
//! (answer sources, I-6) have a 来源 column before 备注.

use tianping_core::{fmt_num, AnswerKind, Method, Plan};

use crate::msg::Msg;
use crate::text::Source;

/// The name of the sheet that marks a workbook as a template.
pub const INFO_SHEET: &str = "说明";
/// A1 of the info sheet.
pub const MARK: &str = "天平答题模板";
/// The sheet holding the drop-down lists (hidden).
pub const LIST_SHEET: &str = "选项";
/// Rows of the info sheet (0-based) holding scheme, variant and version in column B.
pub const INFO_SCHEME_ROW: u32 = 1;
pub const INFO_VARIANT_ROW: u32 = 2;
pub const INFO_VERSION_ROW: u32 = 3;
/// The header row and the first data row of a table sheet (0-based).
pub const HEADER_ROW: u32 = 1;
pub const FIRST_ROW: u32 = 2;

/// Fixed columns of a table sheet (0-based).
pub const COL_ID: u16 = 0;
pub const COL_SERIAL: u16 = 1;
pub const COL_NAME: u16 = 2;
pub const COL_TEXT: u16 = 3;
pub const COL_GUIDE: u16 = 4;
pub const COL_ACCEPT: u16 = 5;
pub const COL_VALUE: u16 = 6;

/// The sources a template's 来源 cell may name (I-6; expert scores are not typed in).
pub const SOURCES: [Source; 4] = [
    Source::SelfDeclared,
    Source::Platform,
    Source::ThirdParty,
    Source::Onsite,
];

/// What an answer cell accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Points from 0 to `max`, in steps of 0.5 when `half`.
    Points { max: f64, half: bool },
    /// A level 0–5; `names` are the printed names of levels 1–5.
    Level { names: Vec<String> },
    /// A coefficient from 0 to 100 (%).
    Coefficient,
}

impl Input {
    /// What the cell accepts, in words.
    pub fn accepted(&self) -> Msg {
        match self {
            Input::Points { max, half: true } => Msg::new(
                format!("0 至 {} 分，0.5 分为步长", fmt_num(*max)),
                format!("0 to {} points in steps of 0.5", fmt_num(*max)),
            ),
            Input::Points { max, half: false } => Msg::new(
                format!("0 至 {} 分", fmt_num(*max)),
                format!("0 to {} points", fmt_num(*max)),
            ),
            Input::Level { .. } => Msg::new(
                "等级 0 至 5（0 = 未达第一级），可从下拉列表选择",
                "a level from 0 to 5 (0 = below level 1), from the drop-down list",
            ),
            Input::Coefficient => {
                Msg::new("评分系数 0 至 100（%）", "a coefficient from 0 to 100 (%)")
            }
        }
    }

    /// The drop-down choices of a level cell: `0 未达第一级`, `1 <name>`, … .
    pub fn choices(&self) -> Vec<String> {
        match self {
            Input::Level { names } => std::iter::once("0 未达第一级".to_string())
                .chain(
                    names
                        .iter()
                        .enumerate()
                        .map(|(n, x)| format!("{} {}", n + 1, x)),
                )
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// One indicator's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub indicator: String,
    pub serial: String,
    /// The path from the top group down, joined with ` / `.
    pub name: String,
    /// Content and requirement.
    pub text: String,
    /// Method, evidence and the levels' names.
    pub guide: String,
    pub input: Input,
}

/// One table's sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name: the table's key made valid for Excel.
    pub name: String,
    pub table: String,
    pub title: String,
    pub rows: Vec<Row>,
}

/// The template of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub scheme: String,
    pub scheme_name: String,
    pub variant: Option<String>,
    pub version: String,
    /// Whether rows have a 来源 column (schemes with answer sources, I-6).
    pub sources: bool,
    pub sheets: Vec<Sheet>,
}

impl Book {
    /// The 来源 column, when there is one.
    pub fn col_source(&self) -> Option<u16> {
        self.sources.then_some(COL_VALUE + 1)
    }

    /// The 备注 column.
    pub fn col_note(&self) -> u16 {
        COL_VALUE + if self.sources { 2 } else { 1 }
    }

    /// The header of a table sheet, one entry per column.
    pub fn header(&self) -> Vec<&'static str> {
        let mut h = vec![
            "指标编号",
            "序号",
            "指标",
            "内容与要求",
            "评价方法与证据",
            "可填写",
            "数值",
        ];
        if self.sources {
            h.push("来源");
        }
        h.push("备注");
        h
    }

    /// The sheet and row of an indicator.
    pub fn find(&self, indicator: &str) -> Option<(&Sheet, usize)> {
        self.sheets.iter().find_map(|s| {
            s.rows
                .iter()
                .position(|r| r.indicator == indicator)
                .map(|n| (s, n))
        })
    }
}

/// A name Excel accepts for a sheet: at most 31 characters, none of `[]:*?/\`, unique in
/// the book (a number is added when two tables would share one).
fn sheet_name(key: &str, taken: &[String]) -> String {
    let base: String = key
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let base = if base.is_empty() || base == INFO_SHEET || base == LIST_SHEET {
        format!("表{}", base)
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{}-{}", base, n);
        n += 1;
    }
    name
}

/// The template of a plan: one sheet per table in the plan's order.
pub fn book(plan: &Plan) -> Book {
    let s = plan.scheme;
    let sources = s.method == Method::Dimensions;
    let mut sheets: Vec<Sheet> = Vec::new();
    for leaf in &plan.leaves {
        let i = leaf.ind;
        if sheets.last().map(|x| x.table != i.table).unwrap_or(true) {
            let taken: Vec<String> = sheets.iter().map(|x| x.name.clone()).collect();
            let title = s
                .tables
                .iter()
                .find(|t| t.key == i.table)
                .map(|t| t.title.clone())
                .unwrap_or_default();
            sheets.push(Sheet {
                name: sheet_name(&i.table, &taken),
                table: i.table.clone(),
                title,
                rows: Vec::new(),
            });
        }
        let input = match plan.kind {
            AnswerKind::Points => Input::Points {
                max: leaf.answer_max,
                half: i.half_points,
            },
            AnswerKind::Level => Input::Level {
                names: i.levels.clone(),
            },
            AnswerKind::Coefficient => Input::Coefficient,
        };
        let text = [&i.content, &i.requirement]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        let mut guide: Vec<String> = [&i.method, &i.evidence]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if !i.levels.is_empty() {
            guide.push(input.choices().join("；"));
        }
        if i.expert_panel {
            guide.push("专家评审项：由专家各自评分".into());
        }
        if let Some(sheet) = sheets.last_mut() {
            sheet.rows.push(Row {
                indicator: i.id.clone(),
                serial: i.serial.clone().unwrap_or_default(),
                name: i.path.join(" / "),
                text,
                guide: guide.join("\n"),
                input,
            });
        }
    }
    Book {
        scheme: s.id.clone(),
        scheme_name: s.name.clone(),
        variant: plan.variant.map(|v| v.id.clone()),
        version: s.version.clone(),
        sources,
        sheets,
    }
}

/// A column's letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn col_name(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell as Excel names it, e.g. `表2!D7` (row and column 0-based).
pub fn cell_name(sheet: &str, row: u32, col: u16) -> String {
    format!("{}!{}{}", sheet, col_name(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_as_excel_shows_them() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(6), "G");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
        assert_eq!(cell_name("表2", 6, 3), "表2!D7");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(sheet_name("A.1", &[]), "A.1");
        assert_eq!(sheet_name("a/b", &[]), "a_b");
        assert_eq!(sheet_name("说明", &[]), "表说明");
        assert_eq!(sheet_name("A.1", &["A.1".into()]), "A.1-2");
        assert!(sheet_name(&"长".repeat(40), &[]).chars().count() <= 31);
    }
}
