//! Answers in bulk with a result per row (DESIGN I-6: a platform operator's data for the 线上
//! items of T11/AII): a batch from the API, or a CSV or Excel (.xlsx) file. Each row goes
//! through the same rules as one saved answer; the rows that pass are saved together in one
//! transaction (one revision, one re-score, an audit entry per answer), and a row with an
//! error changes nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_core::Indicator;
use tianping_domain::access::draft;
use tianping_domain::workbook_read::{self, Grid};
use tianping_domain::{import, Access, Msg};
use tianping_store::repo::{self, User};

use crate::answers::{self, AnswerInput};
use crate::{assessments, App, Error};

/// The most rows one batch may hold.
pub const MAX_ROWS: usize = import::MAX_ROWS;

/// What became of one row.
#[derive(Debug, Clone)]
pub struct RowResult {
    /// The row's number: its line in a file (from 1), or its place in a batch (from 1).
    pub row: usize,
    /// The indicator's id (as sent, when it names none).
    pub indicator: String,
    /// The answer's cell in an Excel template (`A.1!G5`), when the row came from one.
    pub cell: Option<String>,
    /// The answer as stored, when the row was saved.
    pub value: Option<Value>,
    /// Why the row was not saved (none: saved).
    pub error: Option<Msg>,
    /// Saved as nothing new (I-20): the enterprise's value kept as a disputed proposal beside a
    /// protected answer, or the same value already; says which.
    pub kept: Option<Msg>,
}

impl RowResult {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// What a batch did.
#[derive(Debug, Clone)]
pub struct Report {
    pub rows: Vec<RowResult>,
    /// The assessment's new revision (none when no row was saved).
    pub revision: Option<i64>,
    /// The new total, grade and stars (for those who see results; none when nothing was
    /// saved).
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub stars: Option<i64>,
    /// Rows of a file left out because their value is empty.
    pub skipped: usize,
    /// Answers of an Excel template equal to the stored ones, left alone.
    pub unchanged: usize,
}

impl Report {
    /// Rows saved (none when no revision was written: an all-or-nothing file with an error).
    pub fn saved(&self) -> usize {
        if self.revision.is_none() {
            return 0;
        }
        self.rows.iter().filter(|r| r.ok()).count()
    }

    pub fn failed(&self) -> usize {
        self.rows.iter().filter(|r| !r.ok()).count()
    }
}

/// A row's own refusal as one message (field errors joined).
fn row_error(e: Error) -> Result<Msg, Error> {
    Ok(match e {
        Error::Invalid(v) => Msg {
            zh: v
                .iter()
                .map(|f| f.message.zh.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            en: v
                .iter()
                .map(|f| f.message.en.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        },
        Error::Forbidden(m) | Error::Locked(m) => m,
        Error::NotFound => Msg::new(
            "没有这个指标（或你不能为它作答）",
            "No such indicator (or you may not answer it)",
        ),
        e => return Err(e),
    })
}

/// One row of a batch, as sent.
#[derive(Debug, Clone, Default)]
pub struct RowIn {
    /// Its number (line in a file, place in a batch), from 1.
    pub row: usize,
    pub indicator: String,
    /// The answer as for one saved answer; null clears it.
    pub value: Value,
    /// None keeps the item's stored note.
    pub note: Option<String>,
    pub source: Option<String>,
    /// The answer's cell in an Excel template (`A.1!G5`), when the row came from one.
    pub cell: Option<String>,
}

/// The stored notes of an assessment's items.
async fn notes(app: &App, id: i64) -> Result<BTreeMap<String, String>, Error> {
    Ok(repo::answers(&app.store, id)
        .await?
        .into_iter()
        .map(|r| (r.indicator_id, r.note))
        .collect())
}

/// Save the changed rows of a table form — (indicator, value, source) — all or none as
/// [`answers::save_many`] (one revision, one re-score); the items' stored notes are kept.
pub async fn save_table(
    app: &App,
    u: &User,
    assessment_id: i64,
    rows: Vec<(String, Value, Option<String>)>,
) -> Result<(i64, Vec<(String, crate::precedence::Kept)>), Error> {
    assessments::get(app, u, assessment_id).await?;
    let notes = notes(app, assessment_id).await?;
    let items: Vec<(String, AnswerInput)> = rows
        .into_iter()
        .map(|(indicator, value, source)| {
            let note = notes.get(&indicator).cloned().unwrap_or_default();
            (
                indicator,
                AnswerInput {
                    value,
                    note,
                    source,
                },
            )
        })
        .collect();
    answers::save_many(app, u, assessment_id, &items).await
}

/// The refusal of a batch by someone who may not answer anything here.
fn may_answer(access: &Access) -> Result<(), Error> {
    if matches!(access, Access::Read) {
        access.answer(None)?;
    }
    Ok(())
}

/// An assessment into which this person may import answers (anyone who may answer some of
/// its items; others are refused), with what they may do.
pub async fn may_import(
    app: &App,
    u: &User,
    assessment_id: i64,
) -> Result<(repo::Assessment, Access), Error> {
    let (a, access) = assessments::get(app, u, assessment_id).await?;
    may_answer(&access)?;
    Ok((a, access))
}

/// Save rows: each checked on its own, the valid ones saved together, an error for each of
/// the others naming what is wrong. A row without a note keeps the item's stored note. A
/// locked assessment or a person who may not answer refuses the whole batch.
pub async fn save_rows(
    app: &App,
    u: &User,
    assessment_id: i64,
    rows: Vec<RowIn>,
) -> Result<Report, Error> {
    save(app, u, assessment_id, rows, false).await
}

/// Save rows as [`save_rows`]; with `all`, nothing at all unless every row passes (an Excel
/// template: the rows with errors are reported, the others not saved either).
pub(crate) async fn save(
    app: &App,
    u: &User,
    assessment_id: i64,
    rows: Vec<RowIn>,
    all: bool,
) -> Result<Report, Error> {
    let (a, access) = assessments::get(app, u, assessment_id).await?;
    may_answer(&access)?;
    draft(a.status).map_err(|_| answers::locked())?;
    if rows.len() > MAX_ROWS {
        return Err(Error::invalid(
            "answers",
            format!("一次最多 {} 行：请分批提交", MAX_ROWS),
            format!(
                "At most {} rows at a time: send them in several batches",
                MAX_ROWS
            ),
        ));
    }
    let notes = notes(app, a.id).await?;
    let mut results = Vec::with_capacity(rows.len());
    let mut prepared = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        let (row, indicator, cell) = (r.row, r.indicator, r.cell);
        let input = AnswerInput {
            value: r.value,
            note: r
                .note
                .unwrap_or_else(|| notes.get(&indicator).cloned().unwrap_or_default()),
            source: r.source,
        };
        let error = if let Some(first) = seen.get(&indicator) {
            Some(Msg::new(
                format!("与第 {} 行是同一指标：每个指标只能出现一次", first),
                format!(
                    "The same indicator as row {}: each indicator may appear only once",
                    first
                ),
            ))
        } else {
            seen.insert(indicator.clone(), row);
            match answers::prepare(app, u, &a, &access, &indicator, &input).await {
                Ok(p) => {
                    prepared.push((results.len(), p));
                    None
                }
                Err(e) => Some(row_error(e)?),
            }
        };
        results.push(RowResult {
            row,
            indicator,
            cell,
            value: None,
            error,
            kept: None,
        });
    }
    let mut report = Report {
        rows: results,
        revision: None,
        score: None,
        grade: None,
        stars: None,
        skipped: 0,
        unchanged: 0,
    };
    if prepared.is_empty() || (all && prepared.len() < report.rows.len()) {
        return Ok(report);
    }
    let mut tx = app.begin().await?;
    let cur = repo::get_assessment_tx(&mut tx, a.id)
        .await?
        .ok_or(Error::NotFound)?;
    draft(cur.status).map_err(|_| answers::locked())?;
    let rev = repo::bump_revision(&mut tx, a.id).await?;
    let mut refusals = Vec::new();
    let mut done = Vec::with_capacity(prepared.len());
    for (n, p) in &prepared {
        // a precedence refusal (I-20) is decided before anything of the row is written: the
        // row fails, the others go on
        match answers::write(&mut tx, u, &a, p, rev).await {
            Ok(mut w) => {
                report.rows[*n].value = w.value.take();
                report.rows[*n].kept = w.kept.take().map(|k| k.message);
                done.push(w);
            }
            Err(Error::Conflict(m)) if all => {
                // all or nothing: the transaction is dropped, nothing is written
                report.rows[*n].error = Some(m);
                for r in &mut report.rows {
                    r.value = None;
                    r.kept = None;
                }
                return Ok(report);
            }
            Err(Error::Conflict(m)) => {
                report.rows[*n].error = Some(m.clone());
                refusals.push((p, m));
            }
            Err(e) => return Err(e),
        }
    }
    let stored = repo::answers_tx(&mut tx, a.id).await?;
    let scored = assessments::score(app, &cur, &stored)?;
    repo::store_result(&mut tx, a.id, &scored.stored(), false).await?;
    // the audit entries last: the audit head is held from here to the commit
    for w in &mut done {
        w.audit(&mut tx, u).await?;
    }
    tx.commit().await?;
    for (p, m) in refusals {
        answers::audit_refusal(app, u, &a, p, &m).await?;
    }
    report.revision = Some(rev);
    if access.sees_result() {
        report.score = Some(scored.score);
        report.grade = scored.grade;
        report.stars = scored.stars;
    }
    Ok(report)
}

/// The kinds of file [`import`] reads.
pub const FILE_TYPES: &[&str] = &["csv", "xlsx"];

/// What an uploaded file holds.
enum Upload {
    /// A single sheet: `.csv` (UTF-8) or the first worksheet of an `.xlsx` file.
    Lines(Vec<import::Line>),
    /// An Excel answer template (issue 11), every sheet.
    Template(Vec<Grid>),
}

/// The cells of an uploaded file.
fn sheet(file_name: &str, data: &[u8]) -> Result<Upload, Error> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let bad = |m: Msg| Error::Invalid(vec![tianping_domain::FieldError::msg("file", m)]);
    match ext.as_str() {
        "csv" | "txt" => import::csv(data).map(Upload::Lines).map_err(bad),
        "xlsx" => {
            let grids = crate::xlsx::grids(data).map_err(bad)?;
            Ok(if workbook_read::is_template(&grids) {
                Upload::Template(grids)
            } else {
                Upload::Lines(lines(grids.first()))
            })
        }
        _ if data.is_empty() => Err(bad(Msg::new(
            "请选择要上传的 .csv 或 .xlsx 文件",
            "Choose a .csv or .xlsx file to upload",
        ))),
        _ => Err(bad(Msg::new(
            format!(
                "只能上传 .csv（UTF-8）或 .xlsx 文件，不能是 “{}”",
                file_name
            ),
            format!(
                "Only .csv (UTF-8) or .xlsx files can be uploaded, not “{}”",
                file_name
            ),
        ))),
    }
}

/// The lines of a worksheet, its cells as text (numbers as written, `88` not `88.0`).
fn lines(g: Option<&Grid>) -> Vec<import::Line> {
    g.map(|g| {
        g.rows
            .iter()
            .enumerate()
            .map(|(n, cells)| (n + 1, cells.iter().map(|c| c.text()).collect()))
            .collect()
    })
    .unwrap_or_default()
}

/// Import a CSV or Excel file of answers (columns 指标编号, 数值, optionally 备注 and 来源):
/// each row names an item the person may answer by its id or printed number; a result per
/// row as in [`save_rows`]. Rows with an empty value are left out (counted as skipped), so a
/// template with some values filled in can be uploaded as it is. A file that cannot be read, or without the two columns, changes
/// nothing and says why (on the field `file`).
pub async fn import(
    app: &App,
    u: &User,
    assessment_id: i64,
    file_name: &str,
    data: &[u8],
) -> Result<Report, Error> {
    let (a, access) = assessments::get(app, u, assessment_id).await?;
    may_answer(&access)?;
    draft(a.status).map_err(|_| answers::locked())?;
    let lines = match sheet(file_name, data)? {
        Upload::Lines(l) => l,
        Upload::Template(grids) => return crate::xlsx::import::template(app, u, &a, &grids).await,
    };
    let rows = import::rows(lines)
        .map_err(|m| Error::Invalid(vec![tianping_domain::FieldError::msg("file", m)]))?;
    let plan = assessments::plan(app, &a)?;
    let items: Vec<&Indicator> = plan
        .leaves
        .iter()
        .map(|l| l.ind)
        .filter(|i| access.sees_item(&i.id) && access.answer(i.category).is_ok())
        .collect();
    let mut batch = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut skipped = 0;
    for r in rows {
        if r.value.trim().is_empty() {
            skipped += 1;
            continue;
        }
        let parsed = import::resolve(&items, &r.indicator)
            .and_then(|i| import::number(&r.value).map(|x| (i, x)));
        match parsed {
            Ok((i, x)) => batch.push(RowIn {
                row: r.line,
                indicator: i.id.clone(),
                value: json!(x),
                note: Some(r.note).filter(|n| !n.is_empty()),
                source: Some(r.source).filter(|s| !s.is_empty()),
                cell: None,
            }),
            Err(m) => refused.push(RowResult {
                row: r.line,
                indicator: r.indicator,
                cell: None,
                value: None,
                error: Some(m),
                kept: None,
            }),
        }
    }
    if batch.is_empty() && refused.is_empty() {
        return Err(Error::invalid(
            "file",
            "文件里没有填了数值的行：表头之后每行填写一项（指标编号、数值、备注）",
            "The file has no row with a value: after the header, one item per line (indicator, value, note)",
        ));
    }
    let mut report = save_rows(app, u, assessment_id, batch).await?;
    report.skipped = skipped;
    report.rows.extend(refused);
    report.rows.sort_by_key(|r| r.row);
    Ok(report)
}
