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

/// The most rows a list export holds.
pub const MAX_ROWS: i64 = 10_000;

/// The enterprises this person sees.
pub async fn enterprises(
    app: &crate::App,
    u: &tianping_store::repo::User,
) -> Result<Vec<u8>, Error> {
    let (rows, _) = crate::enterprises::list(app, u, MAX_ROWS, 0).await?;
    let data: Vec<Vec<Val>> = rows
        .into_iter()
        .map(|e| {
            vec![
                e.id.into(),
                e.name.into(),
                e.uscc.into(),
                e.industry_code.into(),
                e.headcount.into(),
                e.registered_address.into(),
                e.operating_address.into(),
                e.enterprise_type.into(),
                e.category.into(),
            ]
        })
        .collect();
    write(
        "企业",
        &[
            "编号",
            "名称",
            "统一社会信用代码",
            "行业代码",
            "人数",
            "注册地址",
            "经营地址",
            "类型",
            "类别",
        ],
        &data,
    )
}

/// The assessments this person sees (of one enterprise, or all), with totals for those who
/// see them.
pub async fn assessments(
    app: &crate::App,
    u: &tianping_store::repo::User,
    enterprise_id: Option<i64>,
) -> Result<Vec<u8>, Error> {
    let (rows, _) = crate::assessments::list(app, u, enterprise_id, MAX_ROWS, 0).await?;
    let data: Vec<Vec<Val>> = rows
        .into_iter()
        .map(|a| {
            vec![
                a.id.into(),
                a.title.into(),
                a.enterprise_id.into(),
                a.scheme.into(),
                a.variant.into(),
                a.status.as_str().into(),
                a.score.into(),
                a.grade.into(),
                a.stars.into(),
                a.updated_at.into(),
            ]
        })
        .collect();
    write(
        "评价",
        &[
            "编号",
            "名称",
            "企业编号",
            "方案",
            "类型",
            "状态",
            "总分",
            "等级",
            "星级",
            "更新时间",
        ],
        &data,
    )
}

/// The certificates of the certification cases this person sees (the latest of each case).
pub async fn certificates(
    app: &crate::App,
    u: &tianping_store::repo::User,
) -> Result<Vec<u8>, Error> {
    let data: Vec<Vec<Val>> = crate::cases::list(app, u)
        .await?
        .into_iter()
        .filter(|c| c.certificate_number.is_some())
        .map(|c| {
            vec![
                c.certificate_number.into(),
                c.enterprise_name.into(),
                c.org_name.into(),
                c.valid_until.into(),
                c.state.into(),
                c.id.into(),
            ]
        })
        .collect();
    write(
        "证书",
        &[
            "证书编号",
            "企业",
            "认证机构",
            "有效期至",
            "案件状态",
            "案件编号",
        ],
        &data,
    )
}

/// The due items of the cases this person sees, as of a day.
pub async fn due(
    app: &crate::App,
    u: &tianping_store::repo::User,
    as_of: chrono::NaiveDate,
) -> Result<Vec<u8>, Error> {
    let data: Vec<Vec<Val>> = crate::case_records::due(app, u, as_of)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                r.case.enterprise_name.into(),
                r.due.kind.as_str().into(),
                r.due.due.to_string().into(),
                (if r.due.overdue { "是" } else { "否" }).into(),
                r.due.clause.into(),
                r.due.subject.into(),
                r.due.message.into(),
                r.case.id.into(),
            ]
        })
        .collect();
    write(
        "待办",
        &[
            "企业",
            "事项",
            "期限",
            "已逾期",
            "条款",
            "对象",
            "说明",
            "案件编号",
        ],
        &data,
    )
}
