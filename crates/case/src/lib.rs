//! Cases (DESIGN I-16): a procedure for one enterprise is a sequence of dated events, and
//! its state is their fold. Every rule lives here once and decides twice: the app asks
//! [`certification::check_next`] before appending an event and refuses it with the
//! [`Violation`]; a replayed history ([`certification::replay`]) keeps the event and lists
//! the violation. Time is an argument (`as_of`), the working-day calendar too. A capability
//! evaluation (seed 004) has the same two doors in [`capability`].

pub mod capability;
pub mod certification;
pub mod cnca;
pub mod cnca_rows;
pub mod jsonl;
pub mod public;
pub mod rule;
pub mod stars;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use rule::Rule;

/// The kind of a case, as written in a JSON Lines header (`{"case": "certification"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 履约能力评价体系认证 (seed 003).
    Certification,
    /// 企业能力评价 (seed 004).
    Capability,
    /// 星级评价 (seed 000).
    Stars,
}

impl CaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Certification => "certification",
            CaseKind::Capability => "capability",
            CaseKind::Stars => "stars",
        }
    }

    /// A stored state (`cases.state`) of a case of this kind in Chinese; `None` when unknown.
    pub fn state_name_zh(self, state: &str) -> Option<&'static str> {
        fn find<S: Copy>(
            all: &[S],
            s: &str,
            name: impl Fn(S) -> (&'static str, &'static str),
        ) -> Option<&'static str> {
            all.iter()
                .map(|x| name(*x))
                .find(|(id, _)| *id == s)
                .map(|(_, zh)| zh)
        }
        match self {
            CaseKind::Certification => find(certification::State::ALL, state, |x| {
                (x.as_str(), x.name_zh())
            }),
            CaseKind::Capability => {
                find(capability::State::ALL, state, |x| (x.as_str(), x.name_zh()))
            }
            CaseKind::Stars => find(stars::State::ALL, state, |x| (x.as_str(), x.name_zh())),
        }
    }

    /// An event type of a case of this kind in Chinese.
    pub fn type_name_zh(self, t: &str) -> &'static str {
        match self {
            CaseKind::Certification => certification::events::type_name_zh(t),
            CaseKind::Capability => capability::events::type_name_zh(t),
            CaseKind::Stars => stars::events::type_name_zh(t),
        }
    }

    /// The kind as stored (`cases.kind`).
    pub fn parse(s: &str) -> Option<CaseKind> {
        [
            CaseKind::Certification,
            CaseKind::Capability,
            CaseKind::Stars,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseKind::Certification => "履约能力评价体系认证",
            CaseKind::Capability => "企业能力评价",
            CaseKind::Stars => "星级评价",
        }
    }
}

/// A person named by id in events (`by`, team members), as the header may describe them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Competence records as free strings, e.g. `"CCAA"`, `"EEPC"`, a business area code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub competence: Vec<String>,
    /// The competence list is the person's full record (the app's people): an empty one lacks
    /// everything. In a file, a person described without competence is not checked.
    #[serde(skip)]
    pub records_complete: bool,
}

/// The header line of a case file: its kind and the people it names. Other fields are
/// ignored (I-16 edges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub case: CaseKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Person>,
}

impl Header {
    pub fn new(case: CaseKind) -> Header {
        Header {
            case,
            people: Vec::new(),
        }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }
}

/// An event that breaks a rule: refused in the app, reported in a replayed history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// 0-based index among the event lines (header excluded).
    pub event: usize,
    pub rule: Rule,
    /// The clause of the standard (or DESIGN decision) the rule comes from.
    pub clause: &'static str,
    /// What is wrong and what would be allowed, in Chinese.
    pub message: String,
}

/// Something that is due (or overdue) in a case on the as-of date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub kind: DueKind,
    /// The last day it may be done (or, for items without a deadline, the day it became due).
    pub due: NaiveDate,
    pub overdue: bool,
    pub clause: &'static str,
    /// What it concerns: an audit, a finding, an appeal (ids as in the events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// In words, Chinese.
    pub message: String,
}

/// The kinds of things a body has to do, with their clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// The applicant's supplements, by the date the body set (8.1.2.2).
    Supplement,
    /// The client confirms an audit plan before the audit starts (8.1.4.2).
    PlanConfirmation,
    /// The contract before any audit (8.1.2.3).
    Contract,
    /// A decision on a completed audit (8.1.7).
    Decision,
    /// Issuing the certificate after a grant (8.1.8).
    Certificate,
    /// A nonconformity's correction: the plan (minor) or its verification on site (major)
    /// (8.1.6.5).
    Correction,
    /// The next surveillance audit (8.1.3.3, 8.2.2, 8.2.3).
    Surveillance,
    /// Suspending the certificate: a surveillance is overdue (8.5.1).
    Suspend,
    /// Withdrawing the certificate: a suspension reached its limit (8.5.1, 8.5.2).
    Withdraw,
    /// Recertification can be applied for, and must be completed before expiry (8.3.1).
    Recertification,
    /// An appeal or complaint to decide (11.1).
    Appeal,
    Complaint,
    /// The end of a capability result's publicity, 15 working days (004 6.4, I-11).
    PublicityEnd,
    /// An objection to a capability result, to be ruled by a panel formed anew (004 6.5).
    ObjectionRuling,
    /// A capability result an upheld objection overturned: evaluate again and publish (6.5).
    Reevaluation,
    /// Confirming a capability result once its publicity has ended (6.5).
    Confirmation,
    /// Announcing a confirmed capability result (6.5).
    Announcement,
    /// The final evaluation report of a confirmed result (6.5, 8.1).
    FinalReport,
    /// A capability grade's last valid day: the five-year cycle ends (9.1).
    GradeExpiry,
    /// The yearly supervision of a star rating (000 §8).
    Supervision,
    /// A supervision supported fewer stars than held: lower them or blacklist (000 §8, I-6).
    LowerOrBlacklist,
    /// A star application's result allows an award: the body decides (000 §6.1, §8).
    StarAward,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Supplement => "supplement",
            DueKind::PlanConfirmation => "plan_confirmation",
            DueKind::Contract => "contract",
            DueKind::Decision => "decision",
            DueKind::Certificate => "certificate",
            DueKind::Correction => "correction",
            DueKind::Surveillance => "surveillance",
            DueKind::Suspend => "suspend",
            DueKind::Withdraw => "withdraw",
            DueKind::Recertification => "recertification",
            DueKind::Appeal => "appeal",
            DueKind::Complaint => "complaint",
            DueKind::PublicityEnd => "publicity_end",
            DueKind::ObjectionRuling => "objection_ruling",
            DueKind::Reevaluation => "reevaluation",
            DueKind::Confirmation => "confirmation",
            DueKind::Announcement => "announcement",
            DueKind::FinalReport => "final_report",
            DueKind::GradeExpiry => "grade_expiry",
            DueKind::Supervision => "supervision",
            DueKind::LowerOrBlacklist => "lower_or_blacklist",
            DueKind::StarAward => "star_award",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DueKind::Supplement => "补充申请材料",
            DueKind::PlanConfirmation => "确认审核计划",
            DueKind::Contract => "签订认证合同",
            DueKind::Decision => "作出认证决定",
            DueKind::Certificate => "颁发认证证书",
            DueKind::Correction => "不符合项纠正",
            DueKind::Surveillance => "监督审核",
            DueKind::Suspend => "暂停证书",
            DueKind::Withdraw => "撤销证书",
            DueKind::Recertification => "再认证",
            DueKind::Appeal => "处理申诉",
            DueKind::Complaint => "处理投诉",
            DueKind::PublicityEnd => "公示期满",
            DueKind::ObjectionRuling => "异议裁决",
            DueKind::Reevaluation => "重新评价",
            DueKind::Confirmation => "确认评价结果",
            DueKind::Announcement => "公告评价结果",
            DueKind::FinalReport => "出具最终评价报告",
            DueKind::GradeExpiry => "等级到期",
            DueKind::Supervision => "星级监督审查",
            DueKind::LowerOrBlacklist => "降低星级或纳入黑名单",
            DueKind::StarAward => "作出星级授予决定",
        }
    }
}
