//! Reading the event forms (case_forms) into events: each field checked on its own, with
//! an error that names the field and says what is accepted; the rows of a team and of the
//! findings; acting persons (`by`) are the person entering (the app stamps them too).

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use tianping_case::certification::events::AuditReport;
use tianping_case::certification::events::{Finding, Member, TeamRole};
use tianping_case::certification::{Event, EventKind};

use super::case_apply::parse_application;
use super::case_forms::{Fields, FINDING_ROWS, TEAM_ROWS};
use super::case_words::*;
use super::cases::parse_date;
use super::*;

/// Reads a form's fields into an event's values, collecting an error per field.
pub(super) struct Parse<'a> {
    v: &'a Fields,
    pub errs: Vec<FieldError>,
}

impl<'a> Parse<'a> {
    pub fn new(v: &'a Fields) -> Self {
        Parse {
            v,
            errs: Vec::new(),
        }
    }

    pub fn text(&self, k: &str) -> String {
        self.v
            .get(k)
            .map_or(String::new(), |s| s.trim().to_string())
    }

    pub fn opt(&self, k: &str) -> Option<String> {
        Some(self.text(k)).filter(|s| !s.is_empty())
    }

    pub fn flag(&self, k: &str) -> bool {
        self.opt(k).is_some()
    }

    fn bad(&mut self, k: &str, zh: String, en: String) {
        self.errs.push(FieldError::new(k, zh, en));
    }

    /// A required text.
    pub fn req(&mut self, k: &str, what: (&str, &str)) -> String {
        let s = self.text(k);
        if s.is_empty() {
            self.bad(k, format!("请填写{}", what.0), format!("Enter {}", what.1));
        }
        s
    }

    pub fn opt_date(&mut self, k: &str) -> Option<NaiveDate> {
        let s = self.opt(k)?;
        let d = parse_date(&s);
        if d.is_none() {
            self.bad(
                k,
                format!("“{s}”不是日期：请按 YYYY-MM-DD 填写，如 2026-03-02"),
                format!("“{s}” is not a date: write YYYY-MM-DD, e.g. 2026-03-02"),
            );
        }
        d
    }

    /// A required date (1970-01-01 stands in for a missing one; the error is kept).
    pub fn date(&mut self, k: &str, what: (&str, &str)) -> NaiveDate {
        if self.opt(k).is_none() {
            self.bad(k, format!("请填写{}", what.0), format!("Enter {}", what.1));
        }
        self.opt_date(k).unwrap_or_default()
    }

    /// A required whole number of people.
    pub fn count(&mut self, k: &str, what: (&str, &str)) -> u32 {
        let s = self.text(k);
        match s.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.bad(
                    k,
                    format!("{}应为不小于 0 的整数，而不是“{s}”", what.0),
                    format!("{} must be a whole number of at least 0, not “{s}”", what.1),
                );
                0
            }
        }
    }

    pub fn opt_num(&mut self, k: &str, what: (&str, &str)) -> Option<f64> {
        let s = self.opt(k)?;
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            _ => {
                self.bad(
                    k,
                    format!("{}应为不小于 0 的数字，如 2.5，而不是“{s}”", what.0),
                    format!(
                        "{} must be a number of at least 0, e.g. 2.5, not “{s}”",
                        what.1
                    ),
                );
                None
            }
        }
    }

    /// An optional choice: blank is none, anything else must be one of the choices.
    pub fn pick_opt<T: DeserializeOwned>(&mut self, k: &str, c: &[Choice]) -> Option<T> {
        if self.text(k).trim().is_empty() {
            None
        } else {
            self.pick(k, c)
        }
    }

    /// One of the form's choices, read as the event's enum.
    pub fn pick<T: DeserializeOwned>(&mut self, k: &str, c: &[Choice]) -> Option<T> {
        let s = self.text(k);
        let t = serde_json::from_value(serde_json::Value::String(s.clone())).ok();
        if t.is_none() {
            let allowed: Vec<&str> = c.iter().map(|x| x.1).collect();
            self.bad(
                k,
                format!("请选择：{}", allowed.join("、")),
                format!(
                    "Choose one of: {}",
                    c.iter().map(|x| x.2).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        t
    }
}

/// The event a form describes, or the errors of its fields. Acting persons (`by`) are the
/// person entering (the app stamps them too).
pub(super) fn parse_event(t: &str, v: &Fields, me: &User) -> Result<Event, Vec<FieldError>> {
    let mut p = Parse::new(v);
    let date = p.date("date", ("日期", "the date"));
    let by = me.id.to_string();
    let kind = match t {
        "application_received" => match parse_application(v) {
            Ok(k) => Some(k),
            Err(e) => {
                p.errs.extend(e);
                None
            }
        },
        "application_reviewed" => {
            p.pick("result", REVIEW)
                .map(|result| EventKind::ApplicationReviewed {
                    result,
                    due: p.opt_date("due"),
                    reason: p.opt("reason"),
                    by: Some(by.clone()),
                })
        }
        "contract_signed" => Some(EventKind::ContractSigned {
            file: p.opt("file"),
        }),
        "audit_planned" => {
            let audit = p.req("audit", ("审核编号", "the audit id"));
            let kind = p.pick("kind", AUDIT_KIND);
            let start = p.date("start", ("开始日期", "the start"));
            let end = p.date("end", ("结束日期", "the end"));
            let team = team_of(&mut p);
            let days = p.opt_num("days", ("计划人日", "Planned days"));
            let sites = v
                .iter()
                .filter(|(k, _)| k.starts_with("site_"))
                .map(|(_, s)| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            kind.map(|kind| EventKind::AuditPlanned {
                audit,
                kind,
                start,
                end,
                team,
                days,
                days_reason: p.opt("days_reason"),
                sites,
                offsite_reason: p.opt("offsite_reason"),
                objectives: p.opt("objectives"),
                criteria: p.opt("criteria"),
                scope: p.opt("audit_scope"),
            })
        }
        "plan_confirmed" => Some(EventKind::PlanConfirmed {
            audit: p.req("audit", ("审核", "the audit")),
        }),
        "audit_completed" => {
            let audit = p.req("audit", ("审核", "the audit"));
            let last_day = p.date("last_day", ("审核末日", "the last day"));
            let score = p.opt_num("score", ("清单得分", "The score"));
            let findings = findings_of(&mut p);
            let report = AuditReport {
                deviations: p.opt("deviations"),
                conclusion: p.opt("conclusion"),
                recommendation: p.pick_opt("recommendation", RECOMMENDATION),
            };
            Some(EventKind::AuditCompleted {
                audit,
                last_day,
                findings,
                score,
                report: (report != AuditReport::default()).then_some(report),
            })
        }
        "correction_submitted" => {
            let finding = p.req("finding", ("不符合项", "the finding"));
            p.pick("kind", CORRECTION)
                .map(|kind| EventKind::CorrectionSubmitted { finding, kind })
        }
        "correction_accepted" => Some(EventKind::CorrectionAccepted {
            finding: p.req("finding", ("不符合项", "the finding")),
            by: by.clone(),
            onsite: p.flag("onsite"),
        }),
        "decision" => {
            let audit = p.req("audit", ("审核", "the audit"));
            p.pick("result", DECISION)
                .map(|result| EventKind::Decision {
                    audit,
                    by: by.clone(),
                    result,
                    reason: p.opt("reason"),
                })
        }
        "surveillance_extension_approved" => Some(EventKind::SurveillanceExtensionApproved {
            by: by.clone(),
            until: p.date("until", ("延长至的日期", "the date")),
        }),
        "suspended" => Some(EventKind::Suspended {
            cause: p.req("cause", ("暂停原因", "the cause")),
            cause_confirmed: p.date(
                "cause_confirmed",
                ("原因核实日期", "the date the cause was confirmed"),
            ),
            licence: p.flag("licence"),
        }),
        "restored" => Some(EventKind::Restored { by: by.clone() }),
        "withdrawn" => Some(EventKind::Withdrawn {
            reason: p.req("reason", ("原因", "the reason")),
        }),
        "cancelled" => Some(EventKind::Cancelled {
            reason: p.req("reason", ("原因", "the reason")),
        }),
        "scope_changed" => {
            let scope = p.req("scope", ("变更后的认证范围", "the new scope"));
            p.pick("change", SCOPE_CHANGE)
                .map(|change| EventKind::ScopeChanged { change, scope })
        }
        "recertification_applied" => Some(EventKind::RecertificationApplied {}),
        "appeal_received" => Some(EventKind::AppealReceived { id: p.opt("id") }),
        "complaint_received" => Some(EventKind::ComplaintReceived { id: p.opt("id") }),
        "appeal_decided" => {
            p.pick("result", APPEAL_RESULT)
                .map(|result| EventKind::AppealDecided {
                    by: by.clone(),
                    result,
                    id: p.opt("id"),
                })
        }
        "complaint_closed" => Some(EventKind::ComplaintClosed {
            by: by.clone(),
            id: p.opt("id"),
        }),
        _ => {
            p.errs.push(FieldError::new(
                "type",
                format!("未知的事件类型“{t}”"),
                format!("Unknown event type “{t}”"),
            ));
            None
        }
    };
    match kind {
        Some(kind) if p.errs.is_empty() => Ok(Event { date, kind }),
        _ => Err(p.errs),
    }
}

/// The team rows that name a person.
fn team_of(p: &mut Parse<'_>) -> Vec<Member> {
    let mut team = Vec::new();
    for i in 0..TEAM_ROWS {
        let Some(person) = p.opt(&format!("team_person_{i}")) else {
            continue;
        };
        if let Some(role) = p.pick::<TeamRole>(&format!("team_role_{i}"), TEAM_ROLE) {
            let task = p.opt(&format!("team_task_{i}"));
            team.push(Member { person, role, task });
        }
    }
    team
}

/// The finding rows with an id or a text (an id is required when there is a text).
fn findings_of(p: &mut Parse<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..FINDING_ROWS {
        let id = p.opt(&format!("finding_id_{i}"));
        let text = p.opt(&format!("finding_text_{i}"));
        let Some(id) = id else {
            if text.is_some() {
                p.bad(
                    &format!("finding_id_{i}"),
                    format!(
                        "第 {} 行不符合项有内容但没有编号：请填写编号，如 NC{}",
                        i + 1,
                        i + 1
                    ),
                    format!(
                        "Row {} has a finding without an id: give it one, e.g. NC{}",
                        i + 1,
                        i + 1
                    ),
                );
            }
            continue;
        };
        if let Some(severity) = p.pick(&format!("finding_severity_{i}"), SEVERITY) {
            out.push(Finding { id, severity, text });
        }
    }
    out
}
