//! The state of a certification case: what the fold of its events has built.

use chrono::NaiveDate;
use serde::Serialize;
use tianping_calc::calendar::{add_months, certificate_expiry};

use super::events::{
    AppealResult, AuditKind, CorrectionKind, DecisionResult, Member, ReviewResult, Severity, Site,
};
use super::CertificateView;

/// The case's state in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    Applied,
    SupplementRequested,
    ApplicationRefused,
    Accepted,
    Contracted,
    InAudit,
    NotGranted,
    Certified,
    Suspended,
    Withdrawn,
    Cancelled,
    Expired,
}

impl State {
    /// Every state, to read a stored one back.
    pub const ALL: &'static [State] = &[
        State::New,
        State::Applied,
        State::SupplementRequested,
        State::ApplicationRefused,
        State::Accepted,
        State::Contracted,
        State::InAudit,
        State::NotGranted,
        State::Certified,
        State::Suspended,
        State::Withdrawn,
        State::Cancelled,
        State::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Applied => "applied",
            State::SupplementRequested => "supplement_requested",
            State::ApplicationRefused => "application_refused",
            State::Accepted => "accepted",
            State::Contracted => "contracted",
            State::InAudit => "in_audit",
            State::NotGranted => "not_granted",
            State::Certified => "certified",
            State::Suspended => "suspended",
            State::Withdrawn => "withdrawn",
            State::Cancelled => "cancelled",
            State::Expired => "expired",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            State::New => "未申请",
            State::Applied => "已申请，待评审",
            State::SupplementRequested => "待补充材料",
            State::ApplicationRefused => "申请不予受理",
            State::Accepted => "已受理，待签合同",
            State::Contracted => "已签合同，待审核",
            State::InAudit => "审核中",
            State::NotGranted => "未授予认证",
            State::Certified => "获证",
            State::Suspended => "证书暂停",
            State::Withdrawn => "证书撤销",
            State::Cancelled => "证书注销",
            State::Expired => "证书过期",
        }
    }
}

/// A certificate's status on a date (I-16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertStatus {
    Valid,
    Suspended,
    Withdrawn,
    Cancelled,
    Expired,
}

impl CertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::Valid => "valid",
            CertStatus::Suspended => "suspended",
            CertStatus::Withdrawn => "withdrawn",
            CertStatus::Cancelled => "cancelled",
            CertStatus::Expired => "expired",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CertStatus::Valid => "有效",
            CertStatus::Suspended => "暂停",
            CertStatus::Withdrawn => "撤销",
            CertStatus::Cancelled => "注销",
            CertStatus::Expired => "过期",
        }
    }

    /// Withdrawn, cancelled and expired certificates are over.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CertStatus::Withdrawn | CertStatus::Cancelled | CertStatus::Expired
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub date: NaiveDate,
    pub result: ReviewResult,
    pub due: Option<NaiveDate>,
    pub reason: Option<String>,
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    pub received: NaiveDate,
    pub headcount: u32,
    pub scope: String,
    pub sites: Vec<Site>,
    pub system_start: Option<NaiveDate>,
    pub review: Option<Review>,
    /// Reviews before the last one (a supplement request, then acceptance).
    pub earlier_reviews: Vec<Review>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub id: String,
    pub kind: AuditKind,
    /// Which certification cycle it belongs to (1 = initial).
    pub cycle: u32,
    pub planned_on: NaiveDate,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub team: Vec<Member>,
    pub days: Option<f64>,
    pub days_reason: Option<String>,
    pub sites: Vec<String>,
    pub offsite_reason: Option<String>,
    /// The audit time of I-8 for this audit (rounded, in days), when it could be computed.
    pub audit_time: Option<f64>,
    /// The computation's trace.
    pub audit_time_trace: Vec<String>,
    /// The plan's objectives, criteria and scope (8.1.4.2).
    pub objectives: Option<String>,
    pub criteria: Option<String>,
    pub scope: Option<String>,
    /// The day the client confirmed the plan (8.1.4.2).
    pub confirmed: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub score: Option<f64>,
    /// The report's own items (8.1.6.4 6)–8)).
    pub report: Option<super::events::AuditReport>,
    pub decided: bool,
}

impl Audit {
    pub fn on_team(&self, person: &str) -> bool {
        self.team.iter().any(|m| m.person == person)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingState {
    pub id: String,
    pub audit: String,
    pub severity: Severity,
    pub text: Option<String>,
    /// The last day the correction is due (1 or 3 months after the audit's last day).
    pub due: NaiveDate,
    pub submitted: Vec<(NaiveDate, CorrectionKind)>,
    pub accepted: Option<Acceptance>,
}

impl FindingState {
    /// Closed for a decision: a major one verified on site, a minor one's plan accepted.
    pub fn closed(&self) -> bool {
        match (&self.accepted, self.severity) {
            (Some(a), Severity::Major) => a.onsite,
            (Some(_), Severity::Minor) => true,
            (None, _) => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    pub date: NaiveDate,
    pub by: String,
    pub onsite: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRec {
    pub date: NaiveDate,
    pub audit: String,
    pub kind: AuditKind,
    pub by: String,
    pub result: DecisionResult,
    pub reason: Option<String>,
    /// The audits it covers (the audit named and, for an initial grant, that cycle's stage 1).
    pub covers: Vec<String>,
    /// Whether a certificate was issued after it (grants of stage 2 and recertification).
    pub certificate_issued: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateRec {
    pub number: String,
    pub issued: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// The first issue date of the chain of renewals.
    pub original: NaiveDate,
    pub cycle: u32,
    pub scope: String,
    /// AAAAA–AA from the checklist score of the granting audit (I-3), when recorded.
    pub grade: Option<String>,
    /// What changed against the previous certificate, for a reissue or renewal.
    pub change: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub date: NaiveDate,
    pub status: CertStatus,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspension {
    pub date: NaiveDate,
    pub cause: String,
    pub cause_confirmed: NaiveDate,
    pub licence: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealRec {
    pub id: String,
    pub received: NaiveDate,
    /// The decision appealed (its date and decider), when there was one.
    pub decision_date: Option<NaiveDate>,
    pub decider: Option<String>,
    /// Everyone who took part in the decision appealed: its decider and the teams of the
    /// audits it covered (ISO/IEC 17021-1 9.8: the appeal goes to someone else).
    pub involved: Vec<String>,
    pub decided: Option<(NaiveDate, String, AppealResult)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintRec {
    pub id: String,
    pub received: NaiveDate,
    pub closed: Option<(NaiveDate, String)>,
}

/// The temporary sites' activities a cycle's audits covered and missed (I-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub covered: Vec<String>,
    pub missing: Vec<String>,
}

/// Everything the fold has built.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseState {
    /// Events applied so far.
    pub events: usize,
    pub last_date: Option<NaiveDate>,
    pub application: Option<Application>,
    pub contract: Option<NaiveDate>,
    /// The current cycle: 0 before the first certificate's audits, 1 for the initial one.
    pub cycle: u32,
    pub audits: Vec<Audit>,
    pub findings: Vec<FindingState>,
    pub decisions: Vec<DecisionRec>,
    pub certificates: Vec<CertificateRec>,
    pub status_changes: Vec<StatusChange>,
    pub suspension: Option<Suspension>,
    /// An approved surveillance extension of the current interval.
    pub extension_until: Option<NaiveDate>,
    pub recertification_applied: Option<NaiveDate>,
    /// A scope change waiting for its reissued certificate.
    pub pending_reissue: Option<String>,
    pub appeals: Vec<AppealRec>,
    pub complaints: Vec<ComplaintRec>,
    pub warnings: Vec<String>,
    /// People's names by id, from the header, for messages.
    #[serde(skip)]
    pub names: std::collections::BTreeMap<String, String>,
}

impl CaseState {
    /// A fold that names people as the header describes them.
    pub fn for_header(header: &crate::Header) -> CaseState {
        CaseState {
            names: header
                .people
                .iter()
                .filter_map(|p| p.name.clone().map(|n| (p.id.clone(), n)))
                .collect(),
            ..CaseState::default()
        }
    }

    /// A person as messages name them: the name the header gives, else the id.
    pub fn who(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    pub fn audit(&self, id: &str) -> Option<&Audit> {
        self.audits.iter().find(|a| a.id == id)
    }

    pub fn finding(&self, id: &str) -> Option<&FindingState> {
        self.findings.iter().find(|f| f.id == id)
    }

    /// The latest certificate issued.
    pub fn certificate(&self) -> Option<&CertificateRec> {
        self.certificates.last()
    }

    /// The certificate's status on a date, from the status changes and its validity.
    pub fn status_on(&self, date: NaiveDate) -> Option<CertStatus> {
        let cert = self.certificates.iter().rev().find(|c| c.issued <= date)?;
        let change = self
            .status_changes
            .iter()
            .rev()
            .find(|s| s.date <= date)
            .map(|s| s.status)
            .unwrap_or(CertStatus::Valid);
        if change.is_terminal() {
            return Some(change);
        }
        if date > cert.valid_until {
            return Some(CertStatus::Expired);
        }
        Some(change)
    }

    /// The certificate's history: issues, reissues and status changes, in date order.
    pub fn certificate_history(&self) -> Vec<(NaiveDate, String)> {
        let mut out: Vec<(NaiveDate, String)> = Vec::new();
        for c in &self.certificates {
            let what = match &c.change {
                Some(change) => format!("换发证书 {}：{change}", c.number),
                None => format!("颁发证书 {}", c.number),
            };
            out.push((c.issued, what));
        }
        for s in &self.status_changes {
            if s.status != CertStatus::Valid || !s.reason.is_empty() {
                out.push((s.date, format!("{}：{}", s.status.name_zh(), s.reason)));
            }
        }
        if let Some(c) = self.certificate() {
            if let Some(after) = c.valid_until.succ_opt() {
                if self.status_on(after) == Some(CertStatus::Expired) {
                    out.push((after, "证书有效期届满".to_string()));
                }
            }
        }
        out.sort_by_key(|(d, _)| *d);
        out
    }

    pub fn certificate_view(&self, as_of: NaiveDate) -> Option<CertificateView> {
        let cert = self.certificates.iter().rev().find(|c| c.issued <= as_of)?;
        Some(CertificateView {
            number: cert.number.clone(),
            status: self.status_on(as_of)?,
            valid_from: cert.valid_from,
            valid_until: cert.valid_until,
        })
    }

    /// The application flow's state, when no certificate decides it.
    fn application_state(&self) -> State {
        let Some(app) = &self.application else {
            return State::New;
        };
        let Some(review) = &app.review else {
            return State::Applied;
        };
        match review.result {
            ReviewResult::Refused => State::ApplicationRefused,
            ReviewResult::SupplementRequested => State::SupplementRequested,
            ReviewResult::Accepted => {
                let Some(contract) = self.contract else {
                    return State::Accepted;
                };
                let cycle_audits: Vec<&Audit> = self
                    .audits
                    .iter()
                    .filter(|a| a.cycle == self.cycle && a.planned_on >= contract)
                    .collect();
                let refused = self.decisions.iter().rev().find(|d| {
                    cycle_audits.iter().any(|a| a.id == d.audit) && d.kind == AuditKind::Stage2
                });
                match refused {
                    Some(d) if d.result == DecisionResult::Refuse => State::NotGranted,
                    _ if cycle_audits.is_empty() => State::Contracted,
                    _ => State::InAudit,
                }
            }
        }
    }

    /// The state on a date (the fold is as of that date already).
    pub fn state_on(&self, as_of: NaiveDate) -> State {
        match self.status_on(as_of) {
            Some(CertStatus::Valid) => State::Certified,
            Some(CertStatus::Suspended) => State::Suspended,
            Some(terminal) => {
                let ended = self
                    .status_changes
                    .iter()
                    .rev()
                    .find(|s| s.status.is_terminal())
                    .map(|s| s.date)
                    .or_else(|| self.certificate().and_then(|c| c.valid_until.succ_opt()));
                let reapplied = match (&self.application, ended) {
                    (Some(app), Some(end)) => app.received >= end,
                    _ => false,
                };
                if reapplied {
                    self.application_state()
                } else {
                    match terminal {
                        CertStatus::Withdrawn => State::Withdrawn,
                        CertStatus::Cancelled => State::Cancelled,
                        _ => State::Expired,
                    }
                }
            }
            None => self.application_state(),
        }
    }

    /// Which activities of the temporary sites (their `activity`, else their name) the
    /// audits of certification cycle `cycle` sampled, and which they missed (I-9: over the
    /// cycle the sampled temporary sites cover the scope). `None` without temporary sites.
    pub fn temporary_coverage(&self, cycle: u32) -> Option<Coverage> {
        let app = self.application.as_ref()?;
        let what = |s: &super::events::Site| s.activity.clone().unwrap_or_else(|| s.name.clone());
        let mut all: Vec<String> = app.sites.iter().filter(|s| s.temporary).map(what).collect();
        if all.is_empty() {
            return None;
        }
        all.sort();
        all.dedup();
        let mut covered: Vec<String> = app
            .sites
            .iter()
            .filter(|s| s.temporary)
            .filter(|s| {
                self.audits
                    .iter()
                    .any(|a| a.cycle == cycle && a.sites.contains(&s.name))
            })
            .map(what)
            .collect();
        covered.sort();
        covered.dedup();
        let missing = all
            .iter()
            .filter(|a| !covered.contains(a))
            .cloned()
            .collect();
        Some(Coverage { covered, missing })
    }

    /// The last day the records must be kept: the current cycle plus one full cycle (10).
    pub fn records_kept_until(&self) -> Option<NaiveDate> {
        match self.certificate() {
            Some(c) => c
                .valid_until
                .succ_opt()
                .and_then(|d| certificate_expiry(d).ok()),
            None => self.last_date.and_then(|d| add_months(d, 36).ok()),
        }
    }
}
