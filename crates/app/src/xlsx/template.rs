//! The answer template as an .xlsx file: the `说明` sheet, one protected sheet per table
//! whose answer, source and note cells are open and validated (number ranges, half points,
//! level and source drop-downs), and a hidden `选项` sheet holding the drop-downs' lists.
//! Filled with an assessment's answers when given.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet,
};
use serde_json::Value;
use tianping_domain::workbook::{
    cell_name, col_name, Book, Input, FIRST_ROW, HEADER_ROW, INFO_SCHEME_ROW, INFO_SHEET,
    INFO_VARIANT_ROW, INFO_VERSION_ROW, LIST_SHEET, MARK, SOURCES,
};
use tianping_domain::Lang;

use super::internal;
use crate::Error;

/// An answer written into a template: the value, its source and note.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub value: Option<f64>,
    pub source: Option<String>,
    pub note: String,
}

impl Filled {
    /// A stored answer's number (a plain number or `{"value": …}`; experts' and
    /// questionnaire answers are not typed into a cell and stay empty).
    pub fn from_stored(value: Option<&Value>, source: Option<&str>, note: &str) -> Filled {
        let value = match value {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::Object(m)) => m.get("value").and_then(Value::as_f64),
            _ => None,
        };
        Filled {
            value,
            source: source.map(str::to_string),
            note: note.to_string(),
        }
    }
}

/// Extra lines of the `说明` sheet (label, value), e.g. the assessment it was made for.
pub type Info = Vec<(String, String)>;

const GUIDE: &[&str] = &[
    "填写方法：在各表的“数值”列填写答案（T11/AII 另在“来源”列选择数据来源），“备注”可选。",
    "A 列是指标编号，导入时按它找到指标：请勿改动；可以排序或删去不填的行。",
    "数值留空表示本次不作答。导入时整份文件须没有任何错误才会保存；每个错误单元格都会标出（如 A.1!G5）并说明可填写的内容。",
    "T11/AII：企业自报的数值须经评价机构核验后计分（I-6）；第三方数据须附证据。",
];

/// The template of `book` as .xlsx bytes, with `filled` answers by indicator id.
pub fn write(
    book: &Book,
    filled: &BTreeMap<String, Filled>,
    info: &Info,
) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let open = Format::new()
        .set_unlocked()
        .set_background_color("#FFF9DB")
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDE6F0")
        .set_border(FormatBorder::Thin);

    let ws = wb.add_worksheet().set_name(INFO_SHEET).map_err(internal)?;
    ws.write_string_with_format(0, 0, MARK, &bold)
        .map_err(internal)?;
    let mut lines = vec![
        ("方案", book.scheme.clone(), book.scheme_name.clone()),
        (
            "类型",
            book.variant.clone().unwrap_or_default(),
            String::new(),
        ),
        ("版本", book.version.clone(), String::new()),
    ];
    for (k, v) in info {
        lines.push((k.as_str(), v.clone(), String::new()));
    }
    debug_assert_eq!(
        (INFO_SCHEME_ROW, INFO_VARIANT_ROW, INFO_VERSION_ROW),
        (1, 2, 3)
    );
    let mut row = 1;
    for (k, v, extra) in &lines {
        ws.write_string_with_format(row, 0, *k, &bold)
            .map_err(internal)?;
        ws.write_string(row, 1, v).map_err(internal)?;
        if !extra.is_empty() {
            ws.write_string(row, 2, extra).map_err(internal)?;
        }
        row += 1;
    }
    row += 1;
    for g in GUIDE {
        ws.write_string(row, 0, *g).map_err(internal)?;
        row += 1;
    }
    ws.set_column_width(0, 12).map_err(internal)?;
    ws.set_column_width(1, 28).map_err(internal)?;

    // The drop-downs' lists: row 1 the sources, then one row per level item.
    let mut lists: Vec<Vec<String>> = vec![SOURCES
        .iter()
        .map(|s| s.label(Lang::Zh).to_string())
        .collect()];
    let mut list_of: BTreeMap<String, usize> = BTreeMap::new();
    for s in &book.sheets {
        for r in &s.rows {
            if matches!(r.input, Input::Level { .. }) {
                list_of.insert(r.indicator.clone(), lists.len());
                lists.push(r.input.choices());
            }
        }
    }
    let list_ref = |n: usize, len: usize| {
        format!(
            "='{}'!$A${}:${}${}",
            LIST_SHEET,
            n + 1,
            col_name(len.saturating_sub(1) as u16),
            n + 1
        )
    };

    let header = book.header();
    let (col_source, col_note) = (book.col_source(), book.col_note());
    for s in &book.sheets {
        let ws = wb.add_worksheet().set_name(&s.name).map_err(internal)?;
        ws.write_string_with_format(0, 0, format!("{} {}", s.table, s.title), &bold)
            .map_err(internal)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW, c as u16, *h, &head)
                .map_err(internal)?;
        }
        for (n, r) in s.rows.iter().enumerate() {
            let y = FIRST_ROW + n as u32;
            let texts = [
                &r.indicator,
                &r.serial,
                &r.name,
                &r.text,
                &r.guide,
                &r.input.accepted().zh,
            ];
            for (c, t) in texts.iter().enumerate() {
                ws.write_string_with_format(y, c as u16, *t, &wrap)
                    .map_err(internal)?;
            }
            let f = filled.get(&r.indicator).cloned().unwrap_or_default();
            let value = tianping_domain::workbook::COL_VALUE;
            match (f.value, &r.input) {
                (Some(x), Input::Level { .. }) => {
                    let choice = r
                        .input
                        .choices()
                        .get(x as usize)
                        .cloned()
                        .unwrap_or_default();
                    ws.write_string_with_format(y, value, choice, &open)
                }
                (Some(x), _) => ws.write_number_with_format(y, value, x, &open),
                (None, _) => ws.write_blank(y, value, &open),
            }
            .map_err(internal)?;
            ws.add_data_validation(
                y,
                value,
                y,
                value,
                &validation(
                    &r.input,
                    y,
                    list_of
                        .get(&r.indicator)
                        .map(|k| list_ref(*k, lists[*k].len())),
                )?,
            )
            .map_err(internal)?;
            if let Some(c) = col_source {
                let label = f
                    .source
                    .as_deref()
                    .and_then(|code| SOURCES.iter().find(|s| s.as_str() == code))
                    .map(|s| s.label(Lang::Zh))
                    .unwrap_or("");
                ws.write_string_with_format(y, c, label, &open)
                    .map_err(internal)?;
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(list_ref(0, SOURCES.len())))
                    .set_error_message("来源只能是：企业自报、平台数据、第三方数据、现场核验")
                    .map_err(internal)?;
                ws.add_data_validation(y, c, y, c, &dv).map_err(internal)?;
            }
            ws.write_string_with_format(y, col_note, &f.note, &open)
                .map_err(internal)?;
        }
        for (c, w) in [14, 6, 30, 50, 40, 18, 14, 12, 24].iter().enumerate() {
            if c < header.len() {
                ws.set_column_width(c as u16, *w).map_err(internal)?;
            }
        }
        ws.set_freeze_panes(FIRST_ROW, 1).map_err(internal)?;
        ws.protect();
    }

    let ws: &mut Worksheet = wb.add_worksheet().set_name(LIST_SHEET).map_err(internal)?;
    for (y, list) in lists.iter().enumerate() {
        for (x, v) in list.iter().enumerate() {
            ws.write_string(y as u32, x as u16, v).map_err(internal)?;
        }
    }
    ws.set_hidden(true);
    wb.save_to_buffer().map_err(internal)
}

/// The validation of an answer cell at row `y` (its list's range for a level item).
fn validation(input: &Input, y: u32, list: Option<String>) -> Result<DataValidation, Error> {
    let at = |c: u16| cell_name("", y, c)[1..].to_string();
    let g = at(tianping_domain::workbook::COL_VALUE);
    let dv = match (input, list) {
        (Input::Points { max, half: true }, _) => DataValidation::new().allow_custom(Formula::new(
            format!("=AND(ISNUMBER({g}),{g}>=0,{g}<={max},MOD({g}*2,1)=0)"),
        )),
        (Input::Points { max, half: false }, _) => {
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, *max))
        }
        (Input::Level { .. }, Some(range)) => {
            DataValidation::new().allow_list_formula(Formula::new(range))
        }
        _ => DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
    };
    dv.set_error_message(format!("可填写：{}", input.accepted().zh))
        .map_err(internal)
}

/// The blank template of a scheme and variant (the new-assessment page).
pub fn for_scheme(app: &crate::App, scheme: &str, variant: Option<&str>) -> Result<Vec<u8>, Error> {
    let s = app.scheme(scheme)?;
    let plan = tianping_core::Plan::new(s, variant, None)
        .map_err(|e| Error::invalid("variant", e.0.clone(), e.0))?;
    write(
        &tianping_domain::workbook::book(&plan),
        &BTreeMap::new(),
        &Vec::new(),
    )
}

/// The template of an assessment the person may import into (its scheme, variant and
/// profile), with the answers they see filled in; the file name beside the bytes.
pub async fn for_assessment(
    app: &crate::App,
    u: &tianping_store::repo::User,
    id: i64,
) -> Result<(String, Vec<u8>), Error> {
    let (a, access) = crate::bulk::may_import(app, u, id).await?;
    let plan = crate::assessments::plan(app, &a)?;
    let rows = crate::assessments::answers(app, u, &a, &access).await?;
    let filled = rows
        .iter()
        .map(|r| {
            let v = r
                .value_json
                .as_deref()
                .and_then(|v| serde_json::from_str::<Value>(v).ok());
            (
                r.indicator_id.clone(),
                Filled::from_stored(v.as_ref(), r.source.map(|s| s.as_str()), &r.note),
            )
        })
        .collect();
    let info = vec![("评价".to_string(), format!("{} {}", a.id, a.title))];
    let bytes = write(&tianping_domain::workbook::book(&plan), &filled, &info)?;
    Ok((format!("assessment-{}-template.xlsx", a.id), bytes))
}
