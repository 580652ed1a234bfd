//! Excel on the command line (issue 11): `template --format xlsx --out FILE`, answers read
//! from a filled template for `evaluate --input answers.xlsx`, and `cnca-export`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;
use tianping_core::Plan;
use tianping_domain::workbook;
use tianping_domain::workbook_read::{self, Grid};

use crate::out;

/// Whether an answers file is an Excel workbook (by its extension).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Write the template of a plan to `out`.
pub fn template(plan: &Plan, out_file: Option<&Path>) -> Result<ExitCode, String> {
    let Some(path) = out_file else {
        return Err("--format xlsx 需要 --out FILE（Excel 文件不能打印到终端）".into());
    };
    let bytes =
        tianping_app::xlsx::template::write(&workbook::book(plan), &BTreeMap::new(), &Vec::new())
            .map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| format!("{}: 无法写入：{}", path.display(), e))?;
    out::stderrln(&format!(
        "已写入 {}（{} 个表）",
        path.display(),
        workbook::book(plan).sheets.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// A filled template's sheets and the variant its `说明` sheet names.
pub fn load(path: &Path) -> Result<(Vec<Grid>, Option<String>), String> {
    let data =
        std::fs::read(path).map_err(|e| format!("{}: 无法读取答案文件：{}", path.display(), e))?;
    let grids =
        tianping_app::xlsx::grids(&data).map_err(|m| format!("{}: {}", path.display(), m.zh))?;
    if !workbook_read::is_template(&grids) {
        return Err(format!(
            "{}: 不是天平答题模板（{}!A1 应为“{}”）：请用 `tianping template --format xlsx` 生成模板",
            path.display(),
            workbook::INFO_SHEET,
            workbook::MARK
        ));
    }
    let variant = grids
        .iter()
        .find(|g| g.name == workbook::INFO_SHEET)
        .map(|g| g.get(workbook::INFO_VARIANT_ROW, 1).text())
        .filter(|v| !v.is_empty());
    Ok((grids, variant))
}

/// The answers of a filled template, as a JSON answers file holds them; every bad cell named.
pub fn answers(
    path: &Path,
    plan: &Plan,
    grids: &[Grid],
) -> Result<BTreeMap<String, Value>, String> {
    let book = workbook::book(plan);
    match workbook_read::read(&book, grids) {
        Ok(entries) => Ok(entries
            .into_iter()
            .map(|e| (e.indicator.clone(), e.json()))
            .collect()),
        Err(errs) => {
            let mut m = format!("{}: 有 {} 个单元格有问题：", path.display(), errs.len());
            for e in &errs {
                m.push_str(&format!("\n  - {}", e));
            }
            Err(m)
        }
    }
}

/// `tianping cnca-export`: the month's report of one body or every body, written to `out`.
pub fn cnca(
    month: &str,
    db: &crate::server::DbArgs,
    org: Option<i64>,
    layout: Option<&Path>,
    out_file: &Path,
) -> Result<ExitCode, String> {
    use tianping_case::cnca;
    let layout = match layout {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("{}: 无法读取：{}", p.display(), e))?;
            cnca::load(&p.display().to_string(), &text).map_err(|e| e.join("\n"))?
        }
        None => cnca::load(cnca::SHIPPED_NAME, cnca::SHIPPED).map_err(|e| e.join("\n"))?,
    };
    let m = tianping_case::cnca_rows::Month::parse(month)
        .ok_or_else(|| format!("--month “{}” 无效：请写成 YYYY-MM，例如 2026-10", month))?;
    let c = crate::server::config(None, db, None, false)?;
    let rt = crate::server::runtime()?;
    let sheets = rt.block_on(async {
        let app = tianping_app::App::open(c)
            .await
            .map_err(|e| e.to_string())?;
        tianping_app::cnca::sheets(&app, org, &m, &layout)
            .await
            .map_err(|e| e.to_string())
    })?;
    let bytes = tianping_app::cnca::write(&sheets).map_err(|e| e.to_string())?;
    std::fs::write(out_file, bytes)
        .map_err(|e| format!("{}: 无法写入：{}", out_file.display(), e))?;
    let counts: Vec<String> = sheets
        .iter()
        .map(|s| format!("{} {} 行", s.name, s.rows.len()))
        .collect();
    out::stderrln(&format!(
        "已写入 {}（{}：{}）",
        out_file.display(),
        m.label(),
        counts.join("，")
    ));
    Ok(ExitCode::SUCCESS)
}
