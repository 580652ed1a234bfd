//! The regulator's monthly report (003 6.3.7, 8.1.8; issue 11): the sheets the CNCA
//! reporting platform takes from certification bodies — 审核计划信息表, 证书信息表,
//! 审核结果信息表 — as a data file of columns (`schemes/cnca/monthly.toml`):
//! each column names its sheet, header, the field of a row it shows ([`FIELDS`]) and its
//! format. The official template is given only to certification bodies, so the file records
//! which columns we derived and from where; a body adjusts the file, and loading it checks
//! it with errors naming the line. Which rows a month holds is decided in
//! [`crate::cnca_rows`].

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

/// The file shipped with the product.
pub const SHIPPED: &str = include_str!("../../../schemes/cnca/monthly.toml");
/// Its name in error messages.
pub const SHIPPED_NAME: &str = "schemes/cnca/monthly.toml";

/// Which rows a sheet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Audits whose plan was recorded in the month.
    AuditPlans,
    /// Certificates issued, reissued, suspended, restored, withdrawn or cancelled in the month.
    Certificates,
    /// Audits completed (last day) in the month.
    AuditResults,
}

impl RowKind {
    pub const ALL: [RowKind; 3] = [
        RowKind::AuditPlans,
        RowKind::Certificates,
        RowKind::AuditResults,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::AuditPlans => "audit_plans",
            RowKind::Certificates => "certificates",
            RowKind::AuditResults => "audit_results",
        }
    }

    fn parse(s: &str) -> Option<RowKind> {
        RowKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The fields a row of each kind has (what a column's `source` may name).
pub const FIELDS: &[(RowKind, &[&str])] = &[
    (
        RowKind::AuditPlans,
        &[
            "body_name",
            "org_name",
            "uscc",
            "certificate_number",
            "audit_id",
            "audit_type",
            "audit_type_code",
            "planned_on",
            "start",
            "end",
            "method",
            "leader",
            "members",
            "days",
            "sites",
            "scope",
        ],
    ),
    (
        RowKind::Certificates,
        &[
            "body_name",
            "org_name",
            "uscc",
            "certificate_number",
            "change_type",
            "change_type_code",
            "change_date",
            "status",
            "status_code",
            "reason",
            "issued",
            "valid_from",
            "valid_until",
            "original",
            "scope",
            "grade",
            "standard",
        ],
    ),
    (
        RowKind::AuditResults,
        &[
            "body_name",
            "org_name",
            "uscc",
            "certificate_number",
            "audit_id",
            "audit_type",
            "audit_type_code",
            "start",
            "last_day",
            "method",
            "findings",
            "findings_major",
            "findings_minor",
            "score",
            "recommendation",
            "conclusion",
            "decision_date",
            "decision",
        ],
    ),
];

/// How a column writes its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// As it is.
    Text,
    /// Capitals without spaces (credit codes, certificate numbers, FS codes).
    Code,
    /// A date as yyyyMMdd.
    Date,
    /// A number cell.
    Number,
}

impl Format {
    const NAMES: [(&'static str, Format); 4] = [
        ("text", Format::Text),
        ("code", Format::Code),
        ("date", Format::Date),
        ("number", Format::Number),
    ];
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub source: String,
    pub format: Format,
    /// Where we took it from when the official template does not say (an interpretation).
    pub derived: Option<String>,
}

/// One sheet with its columns in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: RowKind,
    pub columns: Vec<Column>,
}

/// The report's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The interpretation the file records (I-0): what was derived and why.
    pub interpretation: String,
    pub sheets: Vec<Sheet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    interpretation: String,
    sheet: Vec<Spanned<SheetIn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SheetIn {
    name: Spanned<String>,
    rows: Spanned<String>,
    column: Vec<Spanned<ColumnIn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnIn {
    header: Spanned<String>,
    source: Spanned<String>,
    format: Spanned<String>,
    #[serde(default)]
    derived: Option<String>,
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// Load and check a layout file; every error names `file:line` and what is accepted.
pub fn load(file: &str, text: &str) -> Result<Layout, Vec<String>> {
    let parsed: FileIn = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        vec![format!("{}:{}: {}", file, line, e.message())]
    })?;
    let mut errors = Vec::new();
    let mut sheets = Vec::new();
    let at = |span: std::ops::Range<usize>| format!("{}:{}", file, line_of(text, span.start));
    for s in parsed.sheet {
        let s = s.into_inner();
        let name = s.name.get_ref().trim().to_string();
        if name.is_empty()
            || name.chars().count() > 31
            || name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        {
            errors.push(format!(
                "{}: 工作表名“{}”无效：须为 1 至 31 个字符，不含 []:*?/\\",
                at(s.name.span()),
                name
            ));
        }
        if sheets.iter().any(|x: &Sheet| x.name == name) {
            errors.push(format!("{}: 工作表“{}”重复", at(s.name.span()), name));
        }
        let Some(rows) = RowKind::parse(s.rows.get_ref()) else {
            errors.push(format!(
                "{}: rows = “{}” 无效；可用：audit_plans、certificates、audit_results",
                at(s.rows.span()),
                s.rows.get_ref()
            ));
            continue;
        };
        let fields = FIELDS
            .iter()
            .find(|(k, _)| *k == rows)
            .map(|(_, f)| *f)
            .unwrap_or(&[]);
        let mut columns = Vec::new();
        for c in s.column {
            let c = c.into_inner();
            let header = c.header.get_ref().trim().to_string();
            if header.is_empty() {
                errors.push(format!("{}: 列名为空", at(c.header.span())));
            }
            if columns.iter().any(|x: &Column| x.header == header) {
                errors.push(format!(
                    "{}: 列名“{}”在工作表“{}”中重复",
                    at(c.header.span()),
                    header,
                    name
                ));
            }
            let source = c.source.get_ref().trim().to_string();
            if !fields.contains(&source.as_str()) {
                errors.push(format!(
                    "{}: source = “{}” 不是 {} 行的字段；可用：{}",
                    at(c.source.span()),
                    source,
                    rows.as_str(),
                    fields.join("、")
                ));
            }
            let format = Format::NAMES
                .iter()
                .find(|(n, _)| *n == c.format.get_ref().trim())
                .map(|(_, f)| *f);
            let Some(format) = format else {
                errors.push(format!(
                    "{}: format = “{}” 无效；可用：text、code、date、number",
                    at(c.format.span()),
                    c.format.get_ref()
                ));
                continue;
            };
            columns.push(Column {
                header,
                source,
                format,
                derived: c.derived.filter(|d| !d.trim().is_empty()),
            });
        }
        if columns.is_empty() {
            errors.push(format!("{}: 工作表“{}”没有列", at(s.name.span()), name));
        }
        sheets.push(Sheet {
            name,
            rows,
            columns,
        });
    }
    if sheets.is_empty() {
        errors.push(format!("{}:1: 没有任何工作表（[[sheet]]）", file));
    }
    if errors.is_empty() {
        Ok(Layout {
            interpretation: parsed.interpretation,
            sheets,
        })
    } else {
        Err(errors)
    }
}

/// The shipped layout.
pub fn shipped() -> Layout {
    // checked by a test; a broken shipped file is a build defect
    load(SHIPPED_NAME, SHIPPED).unwrap_or_else(|e| Layout {
        interpretation: e.join("\n"),
        sheets: Vec::new(),
    })
}

/// A field's value in a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Number(f64),
    Empty,
}

/// What a cell shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    Number(f64),
}

/// A value written in a column's format: dates as yyyyMMdd, codes in capitals without
/// spaces, numbers as numbers (a number column holding text keeps the text).
pub fn format(v: &Value, f: Format) -> Out {
    let text = match v {
        Value::Text(s) => s.clone(),
        Value::Date(d) if f != Format::Text => d.format("%Y%m%d").to_string(),
        Value::Date(d) => d.to_string(),
        Value::Number(x) if f == Format::Number || f == Format::Text => return Out::Number(*x),
        Value::Number(x) => format!("{}", x),
        Value::Empty => String::new(),
    };
    match f {
        Format::Code => Out::Text(
            text.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect(),
        ),
        Format::Date => Out::Text(match v {
            Value::Text(s) => s.replace(['-', '/', '.'], ""),
            _ => text,
        }),
        _ => Out::Text(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_layout_has_the_three_sheets_in_order() {
        let l = load(SHIPPED_NAME, SHIPPED).unwrap();
        let names: Vec<&str> = l.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["审核计划信息表", "证书信息表", "审核结果信息表"]);
        assert!(l.sheets.iter().all(|s| !s.columns.is_empty()));
        assert!(l.interpretation.contains("CNCA"));
    }

    #[test]
    fn errors_name_the_line() {
        let text = "interpretation = \"x\"\n[[sheet]]\nname = \"表\"\nrows = \"audit_plans\"\n[[sheet.column]]\nheader = \"A\"\nsource = \"nope\"\nformat = \"date\"\n[[sheet.column]]\nheader = \"B\"\nsource = \"start\"\nformat = \"yyyy\"\n";
        let e = load("f.toml", text).unwrap_err();
        assert_eq!(e.len(), 2, "{:?}", e);
        assert!(
            e[0].starts_with("f.toml:7:") && e[0].contains("nope"),
            "{}",
            e[0]
        );
        assert!(
            e[1].starts_with("f.toml:12:") && e[1].contains("text、code、date、number"),
            "{}",
            e[1]
        );
        let e = load("f.toml", "interpretation = \"x\"\n[[sheet]]\nname = 3\n").unwrap_err();
        assert!(e[0].starts_with("f.toml:3:"), "{:?}", e);
        let e = load(
            "f.toml",
            "interpretation = \"x\"\n[[sheet]]\nname = \"a\"\nrows = \"plans\"\ncolumn = []\n",
        )
        .unwrap_err();
        assert!(
            e[0].starts_with("f.toml:4:") && e[0].contains("audit_plans"),
            "{:?}",
            e
        );
    }

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        assert_eq!(
            format(&Value::Date(d), Format::Date),
            Out::Text("20261005".into())
        );
        assert_eq!(
            format(&Value::Text("tp 2026-a 01".into()), Format::Code),
            Out::Text("TP2026-A01".into())
        );
        assert_eq!(
            format(&Value::Number(2.5), Format::Number),
            Out::Number(2.5)
        );
        assert_eq!(
            format(&Value::Empty, Format::Date),
            Out::Text(String::new())
        );
    }
}
