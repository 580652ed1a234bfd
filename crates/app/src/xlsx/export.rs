//! An assessment exported as .xlsx (issue 11): a `汇总` sheet — enterprise, scheme, version,
//! total, grade or stars, why, and the interpretations that affected the figures — and one
//! sheet per table with each item's answer, source, points, whether it counted, and its
//! trace. Read from the one typed view of a result ([`ResultView`]).

use rust_xlsxwriter::{Format, Workbook};
use tianping_core::fmt_num;
use tianping_domain::workbook::Book;
use tianping_store::repo::{self, User};

use super::internal;
use crate::assessments::{self, ResultView};
use crate::{App, Error};

/// The header of a table sheet.
pub const TABLE_HEADER: [&str; 9] = [
    "指标编号",
    "序号",
    "指标",
    "答案",
    "来源",
    "得分",
    "满分",
    "是否计分",
    "说明",
];
/// The name of the summary sheet.
pub const SUMMARY: &str = "汇总";

/// The .xlsx bytes of an assessment's result.
pub fn write(
    a: &repo::Assessment,
    e: Option<&repo::Enterprise>,
    view: &ResultView,
    book: &Book,
) -> Result<Vec<u8>, Error> {
    let ev = &view.evaluation;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet().set_name(SUMMARY).map_err(internal)?;
    let mut lines: Vec<(&str, String)> = vec![
        ("评价", format!("{} {}", a.id, a.title)),
        ("企业", e.map(|e| e.name.clone()).unwrap_or_default()),
        (
            "统一社会信用代码",
            e.map(|e| e.uscc.clone()).unwrap_or_default(),
        ),
        ("方案", format!("{} {}", ev.scheme, ev.scheme_name)),
        ("类型", ev.variant.clone().unwrap_or_default()),
        ("方案版本", ev.scheme_version.clone()),
        ("引擎版本", ev.engine_version.clone()),
        (
            "评价方案配置",
            ev.profile
                .as_ref()
                .map(|p| format!("{} {}", p.name, p.hash))
                .unwrap_or_default(),
        ),
        ("总分", fmt_num(ev.total.score)),
        ("满分", fmt_num(ev.total.scale)),
        (
            "等级",
            ev.grade
                .as_ref()
                .map(|g| format!("{} {}", g.code, g.label))
                .unwrap_or_else(|| "未达任何等级".into()),
        ),
    ];
    if let Some(g) = &ev.grade {
        lines.push(("等级依据", g.reason.clone()));
    }
    if let Some(s) = ev.stars {
        lines.push(("结果支持的综合星级", format!("{}★", s)));
    }
    if let Some(g) = &view.granted {
        lines.push(("授予的综合星级", format!("{}★", g.stars)));
        lines.push(("授予依据", g.reasons.join("；")));
    }
    for d in &ev.dimensions {
        lines.push((
            "维度",
            format!("{}：{} 分，单项 {}★", d.name, fmt_num(d.score), d.stars),
        ));
    }
    lines.push(("未作答", ev.unanswered.len().to_string()));
    lines.push(("未计分（待核验）", ev.not_counted.len().to_string()));
    let mut row = 0;
    for (k, v) in &lines {
        ws.write_string_with_format(row, 0, *k, &bold)
            .map_err(internal)?;
        ws.write_string_with_format(row, 1, v, &wrap)
            .map_err(internal)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "等级判定过程", &bold)
        .map_err(internal)?;
    row += 1;
    for g in &ev.grade_trace {
        ws.write_string(row, 0, &g.code).map_err(internal)?;
        ws.write_string(
            row,
            1,
            format!("{}：{}", if g.met { "达到" } else { "未达到" }, g.reason),
        )
        .map_err(internal)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "影响结果的解释", &bold)
        .map_err(internal)?;
    row += 1;
    for i in &ev.interpretations {
        ws.write_string(row, 0, &i.id).map_err(internal)?;
        ws.write_string_with_format(
            row,
            1,
            format!("{}（{}）{}", i.clause, i.decision, i.text),
            &wrap,
        )
        .map_err(internal)?;
        row += 1;
    }
    ws.set_column_width(0, 20).map_err(internal)?;
    ws.set_column_width(1, 90).map_err(internal)?;

    for s in &book.sheets {
        let ws = wb.add_worksheet().set_name(&s.name).map_err(internal)?;
        for (c, h) in TABLE_HEADER.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(internal)?;
        }
        for (n, r) in s.rows.iter().enumerate() {
            let y = n as u32 + 1;
            ws.write_string(y, 0, &r.indicator).map_err(internal)?;
            ws.write_string(y, 1, &r.serial).map_err(internal)?;
            ws.write_string(y, 2, &r.name).map_err(internal)?;
            let Some(ir) = ev.indicators.iter().find(|i| i.id == r.indicator) else {
                continue;
            };
            if let Some(ans) = &ir.answer {
                ws.write_number(y, 3, ans.value).map_err(internal)?;
                if let Some(src) = ans.source {
                    let code = serde_json::to_value(src)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let label = tianping_domain::text::Source::try_from(code.clone())
                        .map(|s| s.label(tianping_domain::Lang::Zh).to_string())
                        .unwrap_or(code);
                    ws.write_string(y, 4, label).map_err(internal)?;
                }
            }
            ws.write_number(y, 5, ir.earned).map_err(internal)?;
            ws.write_number(y, 6, ir.max).map_err(internal)?;
            ws.write_string(y, 7, if ir.counted { "是" } else { "否" })
                .map_err(internal)?;
            ws.write_string(y, 8, trace(ir, ev)).map_err(internal)?;
        }
        for (c, w) in [14, 6, 36, 10, 12, 10, 10, 10, 60].iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(internal)?;
        }
        ws.set_freeze_panes(1, 1).map_err(internal)?;
    }
    wb.save_to_buffer().map_err(internal)
}

/// One item's trace in words: how its points came about.
fn trace(ir: &tianping_core::engine::IndicatorResult, ev: &tianping_core::Evaluation) -> String {
    let mut parts = Vec::new();
    match &ir.answer {
        None => parts.push("未作答，计 0 分".to_string()),
        Some(_) if !ir.counted => parts.push("企业自报，尚未核验，暂不计分（I-6）".to_string()),
        Some(a) => parts.push(format!(
            "答案 {} → 得 {} / {} 分",
            fmt_num(a.value),
            fmt_num(ir.earned),
            fmt_num(ir.max)
        )),
    }
    if ev.excluded.contains(&ir.id) {
        parts.push("被评价方案配置排除".into());
    }
    if !ir.interpretations.is_empty() {
        parts.push(format!("解释：{}", ir.interpretations.join("、")));
    }
    parts.join("；")
}

/// The export of an assessment the person sees with its result (others: refused as the
/// result page refuses them); the file name beside the bytes.
pub async fn assessment(app: &App, u: &User, id: i64) -> Result<(String, Vec<u8>), Error> {
    let (a, access) = assessments::get(app, u, id).await?;
    if !access.sees_result() {
        return Err(Error::NotFound);
    }
    let plan = assessments::plan(app, &a)?;
    let view = match assessments::result_view(&a)? {
        Some(v) => v,
        None => {
            let rows = repo::answers(&app.store, a.id).await?;
            let s = assessments::score(app, &a, &rows)?;
            ResultView::parse(&s.result_json)
                .map_err(|e| Error::Internal(format!("result: {}", e)))?
        }
    };
    let e = assessments::enterprise_of(app, &a).await?;
    let book = tianping_domain::workbook::book(&plan);
    let bytes = write(&a, e.as_ref(), &view, &book)?;
    Ok((format!("assessment-{}.xlsx", a.id), bytes))
}
