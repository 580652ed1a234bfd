//! Importing a filled Excel answer template (issue 11), called by [`crate::bulk::import`]
//! when an uploaded workbook carries the template's mark.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_domain::workbook;
use tianping_domain::workbook_read::{self, Grid};
use tianping_store::repo::{self, User};

use crate::bulk::{save, Report, RowIn, RowResult};
use crate::{assessments, App, Error};

/// Import an Excel answer template (issue 11): every cell checked against the assessment's
/// plan (`tianping_domain::workbook_read`) and every answer through the same rules as one
/// saved answer (sources, I-20 precedence); nothing is saved unless the whole file passes.
/// The report names each bad cell (`A.1!G5`) with what it accepts.
pub(crate) async fn template(
    app: &App,
    u: &User,
    a: &repo::Assessment,
    grids: &[Grid],
) -> Result<Report, Error> {
    let plan = assessments::plan(app, a)?;
    let book = workbook::book(&plan);
    let entries = match workbook_read::read(&book, grids) {
        Ok(e) => e,
        Err(errs) => {
            return Ok(Report {
                rows: errs
                    .into_iter()
                    .enumerate()
                    .map(|(n, e)| RowResult {
                        row: n + 1,
                        indicator: String::new(),
                        cell: Some(e.cell),
                        value: None,
                        error: Some(e.message),
                        kept: None,
                    })
                    .collect(),
                revision: None,
                score: None,
                grade: None,
                stars: None,
                skipped: 0,
                unchanged: 0,
            })
        }
    };
    // a downloaded filled template sent back as it was: its unchanged answers are left alone
    // (not saved again, so a source the person may not give — the platform's — is no error)
    let stored: BTreeMap<String, repo::AnswerRow> = repo::answers(&app.store, a.id)
        .await?
        .into_iter()
        .map(|r| (r.indicator_id.clone(), r))
        .collect();
    let total = entries.len();
    let entries: Vec<workbook_read::Entry> = entries
        .into_iter()
        .filter(|e| !unchanged(e, stored.get(&e.indicator)))
        .collect();
    let unchanged = total - entries.len();
    if entries.is_empty() && unchanged > 0 {
        return Ok(Report {
            rows: Vec::new(),
            revision: None,
            score: None,
            grade: None,
            stars: None,
            skipped: 0,
            unchanged,
        });
    }
    if entries.is_empty() {
        return Err(Error::invalid(
            "file",
            "模板里没有填写任何数值：请在各表的“数值”列填写答案",
            "The template has no value filled in: enter the answers in each sheet's 数值 column",
        ));
    }
    let rows = entries
        .into_iter()
        .enumerate()
        .map(|(n, e)| RowIn {
            row: n + 1,
            value: json!(e.value),
            note: e.note,
            source: e.source.map(str::to_string),
            indicator: e.indicator,
            cell: Some(e.cell),
        })
        .collect();
    let mut report = save(app, u, a.id, rows, true).await?;
    report.unchanged = unchanged;
    Ok(report)
}

/// Whether a template's answer is the stored one: the same number, source (when the cell
/// names one) and note (when the cell has one).
fn unchanged(e: &workbook_read::Entry, stored: Option<&repo::AnswerRow>) -> bool {
    let Some(r) = stored else {
        return false;
    };
    let v = r
        .value_json
        .as_deref()
        .and_then(|v| serde_json::from_str::<Value>(v).ok());
    let f = crate::xlsx::template::Filled::from_stored(
        v.as_ref(),
        r.source.map(|s| s.as_str()),
        &r.note,
    );
    f.value == Some(e.value)
        && (e.source.is_none() || e.source == r.source.map(|s| s.as_str()))
        && e.note.as_ref().is_none_or(|n| *n == r.note)
}
