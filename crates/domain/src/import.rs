//! Answers in bulk from a spreadsheet (platform data for 线上 items, I-6): reading a CSV
//! file, finding the columns by their headers, and reading each row's indicator (id or
//! printed number) and value. The spreadsheet's cells come in as text (the caller reads
//! `.xlsx` files into the same cells); every refusal names the line and what is accepted.

use tianping_core::Indicator;

use crate::listing::table_serial;
use crate::msg::Msg;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 5000;

/// One line of a sheet: its number as a spreadsheet or an editor shows it (from 1), and its
/// cells.
pub type Line = (usize, Vec<String>);

/// Read a CSV file: UTF-8 with or without a byte-order mark, fields separated by commas
/// (or, when the header has none, by tabs or semicolons), quoted with `"` where needed.
pub fn csv(bytes: &[u8]) -> Result<Vec<Line>, Msg> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Msg::new(
            "文件不是 UTF-8 编码：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件",
            "The file is not UTF-8 encoded: in Excel use “Save as → CSV UTF-8 (comma delimited)”, or upload the .xlsx file",
        )
    })?;
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains(',') {
        ','
    } else if first.contains('\t') {
        '\t'
    } else if first.contains(';') {
        ';'
    } else {
        ','
    };
    let mut out = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let (mut line, mut start) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, '\n') => {
                line += 1;
                cell.push('\n');
            }
            (true, c) => cell.push(c),
            (false, '"') if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            (false, c) if c == sep => cells.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                cells.push(std::mem::take(&mut cell));
                out.push((start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(Msg::new(
            format!("第 {} 行的引号没有结束：检查这一行的双引号 \"", start),
            format!(
                "The quote opened on line {} is never closed: check the double quotes \" on that line",
                start
            ),
        ));
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        out.push((start, cells));
    }
    Ok(out)
}

/// One data row of the sheet, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line in the file (from 1).
    pub line: usize,
    pub indicator: String,
    pub value: String,
    pub note: String,
    /// 来源, when the sheet has that column (empty otherwise).
    pub source: String,
}

/// The headers each column is known by (lower case; compared without spaces).
const INDICATOR: &[&str] = &["指标编号", "指标", "编号", "indicator", "id"];
const VALUE: &[&str] = &["数值", "值", "评分系数", "答案", "value"];
const NOTE: &[&str] = &["备注", "说明", "note"];
const SOURCE: &[&str] = &["来源", "source"];

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        names.contains(&h.to_lowercase().as_str())
    })
}

/// The data rows of a sheet: the first non-empty line is the header, which names the
/// columns 指标编号 and 数值 (and optionally 备注 and 来源) in any order; empty lines are
/// skipped.
pub fn rows(lines: Vec<Line>) -> Result<Vec<Row>, Msg> {
    let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());
    let mut it = lines.into_iter().filter(|(_, c)| !blank(c));
    let Some((hline, header)) = it.next() else {
        return Err(Msg::new(
            "文件是空的：第一行应为表头“指标编号,数值,备注”，其后每行一项",
            "The file is empty: the first line should be the header “指标编号,数值,备注” (indicator, value, note), then one item per line",
        ));
    };
    let (Some(ci), Some(cv)) = (column(&header, INDICATOR), column(&header, VALUE)) else {
        let found = header
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .collect::<Vec<_>>()
            .join("、");
        return Err(Msg::new(
            format!(
                "第 {} 行应为表头，须有“指标编号”和“数值”两列（可另有“备注”“来源”）；现有：{}",
                hline, found
            ),
            format!(
                "Line {} should be the header with the columns “指标编号” (indicator) and “数值” (value), optionally “备注” (note) and “来源” (source); found: {}",
                hline, found
            ),
        ));
    };
    let (cn, cs) = (column(&header, NOTE), column(&header, SOURCE));
    let cell = |cells: &[String], c: Option<usize>| {
        c.and_then(|c| cells.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for (line, cells) in it {
        if out.len() == MAX_ROWS {
            return Err(Msg::new(
                format!("一个文件最多 {} 行数据：请分成几个文件上传", MAX_ROWS),
                format!(
                    "A file may hold at most {} data rows: split it into several files",
                    MAX_ROWS
                ),
            ));
        }
        out.push(Row {
            line,
            indicator: cell(&cells, Some(ci)),
            value: cell(&cells, Some(cv)),
            note: cell(&cells, cn),
            source: source(&cell(&cells, cs)).to_string(),
        });
    }
    Ok(out)
}

/// A 来源 cell as the source it names: the sources' own spellings or their Chinese labels
/// (企业自报, 平台数据, 第三方数据, 现场核验); anything else is kept as typed, for the
/// answer rules to refuse by name.
pub fn source(text: &str) -> &str {
    let t = text.trim();
    for s in crate::text::Source::ALL {
        if t.eq_ignore_ascii_case(s.as_str()) || t == s.label(crate::Lang::Zh) {
            return s.as_str();
        }
    }
    match t {
        "自报" | "企业自报（核验后计分）" => "self",
        "平台" => "platform",
        "第三方" | "第三方数据（须附证据）" => "third_party",
        "现场" | "现场评价" => "onsite",
        _ => t,
    }
}

/// The item a row names among `items` (those the person may answer, in table order): by
/// its id, by table and serial (`B1.1 28`, `B1.1 序号28`), or by its serial alone when only
/// one item has it.
pub fn resolve<'a>(items: &[&'a Indicator], text: &str) -> Result<&'a Indicator, Msg> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Msg::new(
            "指标编号为空：请填写指标编号（如 A.1-1）或表号加序号（如 A.1 序号1）",
            "The indicator is empty: enter its id (e.g. A.1-1) or table and serial (e.g. A.1 序号1)",
        ));
    }
    if let Some(i) = items.iter().find(|i| i.id.eq_ignore_ascii_case(t)) {
        return Ok(i);
    }
    if let Some((table, serial)) = table_serial(t) {
        if let Some(i) = items
            .iter()
            .find(|i| i.table.eq_ignore_ascii_case(table) && i.serial.as_deref() == Some(serial))
        {
            return Ok(i);
        }
    }
    let same: Vec<&&Indicator> = items
        .iter()
        .filter(|i| i.serial.as_deref() == Some(t))
        .collect();
    match same.as_slice() {
        [one] => Ok(one),
        [] => Err(Msg::new(
            format!(
                "没有指标“{}”（或你不能为它提供数据）：请填写指标编号（如 A.1-1）或表号加序号（如 A.1 序号1）",
                t
            ),
            format!(
                "No indicator “{}” (or you may not give data for it): enter its id (e.g. A.1-1) or table and serial (e.g. A.1 序号1)",
                t
            ),
        )),
        several => {
            let ids = several
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join("、");
            Err(Msg::new(
                format!("序号 {} 在几张表中都有（{}）：请写出指标编号", t, ids),
                format!(
                    "Serial {} is in several tables ({}): enter the indicator id",
                    t, ids
                ),
            ))
        }
    }
}

/// A cell's number: `88`, `88.5`, `88%` (a percentage sign is allowed, as spreadsheets show
/// coefficients); full-width digits are read as digits.
pub fn number(text: &str) -> Result<f64, Msg> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect();
    let t = t.trim_end_matches(['%', '％']).trim();
    if t.is_empty() {
        return Err(Msg::new(
            "数值为空：请填写数字（如 88）",
            "The value is empty: enter a number (e.g. 88)",
        ));
    }
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            Msg::new(
                format!("“{}”不是数字：请填写数字（如 88 或 88.5）", text.trim()),
                format!(
                    "“{}” is not a number: enter a number (e.g. 88 or 88.5)",
                    text.trim()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn csv_with_bom_quotes_and_line_breaks() {
        let text = "\u{feff}指标编号,数值,备注\r\nA.1-1,88,\"平台数据, 2025\"\r\n\r\nA.1-2,\"7\"\"5\",\"两行\n备注\"\nA.1-3,90";
        let lines = csv(text.as_bytes()).unwrap();
        assert_eq!(lines[0], (1, cells(&["指标编号", "数值", "备注"])));
        assert_eq!(lines[1], (2, cells(&["A.1-1", "88", "平台数据, 2025"])));
        assert_eq!(lines[2], (3, cells(&[""])));
        assert_eq!(lines[3], (4, cells(&["A.1-2", "7\"5", "两行\n备注"])));
        assert_eq!(lines[4], (6, cells(&["A.1-3", "90"])));
        let rows = rows(lines).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].line, 6);
        assert_eq!(rows[0].note, "平台数据, 2025");
    }

    #[test]
    fn csv_refusals_say_what_to_do() {
        let e = csv(b"\xC3\x28abc").unwrap_err();
        assert!(e.zh.contains("CSV UTF-8"), "{e:?}");
        let e = csv("a,b\n1,\"open".as_bytes()).unwrap_err();
        assert!(e.zh.contains("第 2 行"), "{e:?}");
        let tabs = csv("指标编号\t数值\nA.1-1\t5".as_bytes()).unwrap();
        assert_eq!(tabs[1].1, cells(&["A.1-1", "5"]));
    }

    #[test]
    fn headers_in_any_order_and_language() {
        let r = rows(vec![
            (1, cells(&["", ""])),
            (2, cells(&["Note", " 数值 ", "Indicator", "来源"])),
            (3, cells(&["n", "5", "A.1-1", "platform"])),
            (4, cells(&["only a note"])),
        ])
        .unwrap();
        assert_eq!(
            r[0],
            Row {
                line: 3,
                indicator: "A.1-1".into(),
                value: "5".into(),
                note: "n".into(),
                source: "platform".into()
            }
        );
        assert_eq!((r[1].line, r[1].indicator.as_str()), (4, ""));
        assert_eq!(source("平台数据"), "platform");
        assert_eq!(source(" Third_Party "), "third_party");
        assert_eq!(source("企业自报"), "self");
        assert_eq!(source("别的"), "别的");
        let e = rows(vec![(1, cells(&["a", "数值"]))]).unwrap_err();
        assert!(
            e.zh.contains("第 1 行应为表头") && e.zh.contains("现有：a、数值"),
            "{e:?}"
        );
        assert!(rows(vec![]).is_err());
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(number("88").unwrap(), 88.0);
        assert_eq!(number(" 88.5% ").unwrap(), 88.5);
        assert_eq!(number("９０").unwrap(), 90.0);
        assert!(number("").unwrap_err().zh.contains("为空"));
        assert!(number("abc").unwrap_err().zh.contains("“abc”不是数字"));
        assert!(number("NaN").is_err() && number("inf").is_err());
    }

    #[test]
    fn rows_name_indicators_by_id_or_printed_number() {
        let catalog = tianping_catalog::Catalog::load(None).unwrap();
        let s = catalog.get("t11-aii-001-2020").unwrap();
        let plan = tianping_core::Plan::new(s, Some("tech-service"), None).unwrap();
        let items: Vec<&Indicator> = plan.leaves.iter().map(|l| l.ind).collect();
        let first = items[0];
        let serial = first.serial.as_deref().unwrap();
        assert_eq!(
            resolve(&items, &first.id.to_lowercase()).unwrap().id,
            first.id
        );
        let printed = format!("{} 序号{}", first.table, serial);
        assert_eq!(resolve(&items, &printed).unwrap().id, first.id);
        // a serial alone is ambiguous across the tables of a variant
        let e = resolve(&items, serial).unwrap_err();
        assert!(e.zh.contains("几张表") && e.zh.contains(&first.id), "{e:?}");
        assert!(resolve(&items, "Z.9-99")
            .unwrap_err()
            .zh
            .contains("没有指标“Z.9-99”"));
        assert!(resolve(&items, " ").is_err());
        // one table only: the serial alone is enough
        let one: Vec<&Indicator> = items
            .iter()
            .copied()
            .filter(|i| i.table == first.table)
            .collect();
        assert_eq!(resolve(&one, serial).unwrap().id, first.id);
    }

    proptest::proptest! {
        /// Whatever the cells hold, a file written with the usual quoting reads back as the
        /// same cells, on the same lines.
        #[test]
        fn csv_reads_back_what_was_written(
            table in proptest::collection::vec(
                proptest::collection::vec("[a-z0-9,\"\n 指标]{0,6}", 2..4), 1..6)
        ) {
            let mut text = String::from("\u{feff}");
            let mut expect = Vec::new();
            let mut line = 1;
            for row in &table {
                expect.push((line, row.clone()));
                let quoted: Vec<String> = row
                    .iter()
                    .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                    .collect();
                text.push_str(&quoted.join(","));
                text.push_str("\r\n");
                line += 1 + row.iter().map(|c| c.matches('\n').count()).sum::<usize>();
            }
            proptest::prop_assert_eq!(csv(text.as_bytes()).unwrap(), expect);
        }
    }
}
