//! Which rows the regulator's monthly report holds for a month, and what each row says
//! (003 6.3.7, 8.1.8; issue 11), from the folds of a body's certification cases. The layout
//! ([`crate::cnca`]) picks and formats the fields; the app only loads the cases and writes.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::certification::events::{AuditKind, DecisionResult, Severity, TeamRole};
use crate::certification::state::{Audit, CaseState, CertStatus};
use crate::cnca::{format, Layout, Out, RowKind, Value};

/// One client's case as the report reads it.
pub struct Client<'a> {
    pub body_name: &'a str,
    pub org_name: &'a str,
    pub uscc: &'a str,
    /// The standard and edition a certificate names.
    pub standard: &'a str,
    pub case: &'a CaseState,
}

/// A month (its first and last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    /// `2026-10` (also `202610`); None for anything else.
    pub fn parse(s: &str) -> Option<Month> {
        let t = s.trim();
        let (y, m) = match t.split_once('-') {
            Some((y, m)) => (y, m),
            None if t.len() == 6 && t.is_ascii() => t.split_at(4),
            None => return None,
        };
        let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
        };
        Some(Month {
            first,
            last: next.pred_opt()?,
        })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    /// `2026-10`.
    pub fn label(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }
}

/// One row: its fields by name.
pub type Row = BTreeMap<&'static str, Value>;

fn text(s: impl Into<String>) -> Value {
    let s = s.into();
    if s.is_empty() {
        Value::Empty
    } else {
        Value::Text(s)
    }
}

fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map(Value::Date).unwrap_or(Value::Empty)
}

/// The audit type's code (recorded in the layout's interpretation).
pub fn audit_type_code(k: AuditKind) -> &'static str {
    match k {
        AuditKind::Stage1 => "CS1",
        AuditKind::Stage2 => "CS2",
        AuditKind::Surveillance => "JD",
        AuditKind::Recertification => "ZRZ",
        AuditKind::Special => "TS",
    }
}

/// The audit method: FS02 when the audit was recorded as not on site, else FS01 (FS03, on
/// site and remote together, is not recorded by a case and never derived).
pub fn method(a: &Audit) -> &'static str {
    if a.offsite_reason.is_some() {
        "FS02"
    } else {
        "FS01"
    }
}

fn common(c: &Client, row: &mut Row) {
    row.insert("body_name", text(c.body_name));
    row.insert("org_name", text(c.org_name));
    row.insert("uscc", text(c.uscc));
}

/// The certificate in force on a day (the latest issued by then).
fn cert_on(case: &CaseState, d: NaiveDate) -> Value {
    text(
        case.certificates
            .iter()
            .rev()
            .find(|x| x.issued <= d)
            .map(|x| x.number.clone())
            .unwrap_or_default(),
    )
}

fn plan_row(c: &Client, a: &Audit) -> Row {
    let mut row = Row::new();
    common(c, &mut row);
    let name = |p: &str| c.case.who(p);
    let leader = a
        .team
        .iter()
        .filter(|m| m.role == TeamRole::Leader)
        .map(|m| name(&m.person))
        .collect::<Vec<_>>()
        .join("、");
    let members = a
        .team
        .iter()
        .filter(|m| m.role != TeamRole::Leader)
        .map(|m| format!("{}（{}）", name(&m.person), m.role.name_zh()))
        .collect::<Vec<_>>()
        .join("、");
    row.insert("certificate_number", cert_on(c.case, a.start));
    row.insert("audit_id", text(a.id.clone()));
    row.insert("audit_type", text(a.kind.name_zh()));
    row.insert("audit_type_code", text(audit_type_code(a.kind)));
    row.insert("planned_on", Value::Date(a.planned_on));
    row.insert("start", Value::Date(a.start));
    row.insert("end", Value::Date(a.end));
    row.insert("method", text(method(a)));
    row.insert("leader", text(leader));
    row.insert("members", text(members));
    row.insert(
        "days",
        a.days
            .or(a.audit_time)
            .map(Value::Number)
            .unwrap_or(Value::Empty),
    );
    row.insert("sites", text(a.sites.join("、")));
    let scope = a
        .scope
        .clone()
        .or_else(|| c.case.application.as_ref().map(|x| x.scope.clone()));
    row.insert("scope", text(scope.unwrap_or_default()));
    row
}

fn result_row(c: &Client, a: &Audit, last_day: NaiveDate) -> Row {
    let mut row = Row::new();
    common(c, &mut row);
    let findings: Vec<_> = c.case.findings.iter().filter(|f| f.audit == a.id).collect();
    let major = findings
        .iter()
        .filter(|f| f.severity == Severity::Major)
        .count();
    let decision = c.case.decisions.iter().find(|d| d.audit == a.id);
    row.insert("audit_id", text(a.id.clone()));
    row.insert("audit_type", text(a.kind.name_zh()));
    row.insert("audit_type_code", text(audit_type_code(a.kind)));
    row.insert("start", Value::Date(a.start));
    row.insert("last_day", Value::Date(last_day));
    row.insert("method", text(method(a)));
    row.insert("findings", Value::Number(findings.len() as f64));
    row.insert("findings_major", Value::Number(major as f64));
    row.insert(
        "findings_minor",
        Value::Number((findings.len() - major) as f64),
    );
    row.insert("score", a.score.map(Value::Number).unwrap_or(Value::Empty));
    row.insert(
        "recommendation",
        text(
            a.report
                .as_ref()
                .and_then(|r| r.recommendation)
                .map(|r| r.name_zh())
                .unwrap_or_default(),
        ),
    );
    row.insert(
        "conclusion",
        text(
            a.report
                .as_ref()
                .and_then(|r| r.conclusion.clone())
                .unwrap_or_default(),
        ),
    );
    row.insert("decision_date", opt_date(decision.map(|d| d.date)));
    row.insert(
        "decision",
        text(match decision.map(|d| d.result) {
            Some(DecisionResult::Grant) => "通过",
            Some(DecisionResult::Refuse) => "不通过",
            None => "",
        }),
    );
    row.insert(
        "certificate_number",
        match decision {
            Some(d) => cert_on(c.case, d.date),
            None => cert_on(c.case, last_day),
        },
    );
    row
}

fn status_code(s: CertStatus) -> &'static str {
    match s {
        CertStatus::Valid => "01",
        CertStatus::Suspended => "02",
        CertStatus::Withdrawn => "03",
        CertStatus::Cancelled => "04",
        CertStatus::Expired => "05",
    }
}

fn certificate_rows(c: &Client, m: &Month, out: &mut Vec<(NaiveDate, Row)>) {
    let case = c.case;
    let base = |number: &str, d: NaiveDate| {
        let mut row = Row::new();
        common(c, &mut row);
        row.insert("standard", text(c.standard));
        if let Some(x) = case.certificates.iter().find(|x| x.number == number) {
            row.insert("certificate_number", text(x.number.clone()));
            row.insert("issued", Value::Date(x.issued));
            row.insert("valid_from", Value::Date(x.valid_from));
            row.insert("valid_until", Value::Date(x.valid_until));
            row.insert("original", Value::Date(x.original));
            row.insert("scope", text(x.scope.clone()));
            row.insert("grade", text(x.grade.clone().unwrap_or_default()));
        }
        row.insert("change_date", Value::Date(d));
        row
    };
    for x in case.certificates.iter().filter(|x| m.contains(x.issued)) {
        let mut row = base(&x.number, x.issued);
        let (code, what) = match (&x.change, x.cycle) {
            (None, 1) => ("01", "新颁发"),
            _ => ("02", "换发"),
        };
        row.insert("change_type_code", text(code));
        row.insert("change_type", text(what));
        row.insert("status", text(CertStatus::Valid.name_zh()));
        row.insert("status_code", text(status_code(CertStatus::Valid)));
        row.insert("reason", text(x.change.clone().unwrap_or_default()));
        out.push((x.issued, row));
    }
    // a certificate's issue records a plain "valid" change too: that row is the issue's
    let changes = case
        .status_changes
        .iter()
        .filter(|s| s.status != CertStatus::Valid || !s.reason.is_empty());
    for s in changes.filter(|s| m.contains(s.date)) {
        let Some(cert) = case.certificates.iter().rev().find(|x| x.issued <= s.date) else {
            continue;
        };
        let (code, what) = match s.status {
            CertStatus::Valid => ("04", "恢复"),
            CertStatus::Suspended => ("03", "暂停"),
            CertStatus::Withdrawn => ("05", "撤销"),
            CertStatus::Cancelled => ("06", "注销"),
            CertStatus::Expired => continue,
        };
        let mut row = base(&cert.number, s.date);
        row.insert("change_type_code", text(code));
        row.insert("change_type", text(what));
        row.insert("status", text(s.status.name_zh()));
        row.insert("status_code", text(status_code(s.status)));
        row.insert("reason", text(s.reason.clone()));
        out.push((s.date, row));
    }
}

/// The rows of each kind for a month, each kind in date order (then in the clients' order).
pub fn rows(m: &Month, clients: &[Client]) -> BTreeMap<&'static str, Vec<Row>> {
    let mut plans: Vec<(NaiveDate, Row)> = Vec::new();
    let mut certs: Vec<(NaiveDate, Row)> = Vec::new();
    let mut results: Vec<(NaiveDate, Row)> = Vec::new();
    for c in clients {
        for a in &c.case.audits {
            if m.contains(a.planned_on) {
                plans.push((a.planned_on, plan_row(c, a)));
            }
            if let Some(d) = a.last_day.filter(|d| m.contains(*d)) {
                results.push((d, result_row(c, a, d)));
            }
        }
        certificate_rows(c, m, &mut certs);
    }
    let sorted = |mut v: Vec<(NaiveDate, Row)>| {
        v.sort_by_key(|(d, _)| *d);
        v.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };
    BTreeMap::from([
        (RowKind::AuditPlans.as_str(), sorted(plans)),
        (RowKind::Certificates.as_str(), sorted(certs)),
        (RowKind::AuditResults.as_str(), sorted(results)),
    ])
}

/// A sheet as written: its name, headers and the formatted cells of each row.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetOut {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Out>>,
}

/// The report of a month under a layout: every sheet of the layout in its order (a sheet
/// with no row keeps its header).
pub fn report(layout: &Layout, m: &Month, clients: &[Client]) -> Vec<SheetOut> {
    let all = rows(m, clients);
    layout
        .sheets
        .iter()
        .map(|s| SheetOut {
            name: s.name.clone(),
            headers: s.columns.iter().map(|c| c.header.clone()).collect(),
            rows: all
                .get(s.rows.as_str())
                .map(|rows| {
                    rows.iter()
                        .map(|r| {
                            s.columns
                                .iter()
                                .map(|c| {
                                    format(
                                        r.get(c.source.as_str()).unwrap_or(&Value::Empty),
                                        c.format,
                                    )
                                })
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
