//! The state of a capability evaluation: what the fold of its events has built, and the
//! case's state and grade on a date.

use chrono::NaiveDate;
use serde::Serialize;

use super::events::{ReviewResult, RevocationReason, Round, RulingResult};
use super::grade::{Grade, Score};
use super::GradeView;

/// The case's state in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    Applied,
    Refused,
    Accepted,
    InEvaluation,
    Evaluated,
    InPublicity,
    ObjectionPending,
    Reevaluation,
    PublicityEnded,
    Confirmed,
    Announced,
    Revoked,
    Expired,
}

impl State {
    /// Every state, to read a stored one back.
    pub const ALL: &'static [State] = &[
        State::New,
        State::Applied,
        State::Refused,
        State::Accepted,
        State::InEvaluation,
        State::Evaluated,
        State::InPublicity,
        State::ObjectionPending,
        State::Reevaluation,
        State::PublicityEnded,
        State::Confirmed,
        State::Announced,
        State::Revoked,
        State::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Applied => "applied",
            State::Refused => "refused",
            State::Accepted => "accepted",
            State::InEvaluation => "in_evaluation",
            State::Evaluated => "evaluated",
            State::InPublicity => "in_publicity",
            State::ObjectionPending => "objection_pending",
            State::Reevaluation => "reevaluation",
            State::PublicityEnded => "publicity_ended",
            State::Confirmed => "confirmed",
            State::Announced => "announced",
            State::Revoked => "revoked",
            State::Expired => "expired",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            State::New => "未申请",
            State::Applied => "已申请，待受理",
            State::Refused => "不予受理",
            State::Accepted => "已受理，待核查",
            State::InEvaluation => "已核查，评价中",
            State::Evaluated => "已形成初评结果，待公示",
            State::InPublicity => "公示中",
            State::ObjectionPending => "异议处理中",
            State::Reevaluation => "异议成立，待重新评价",
            State::PublicityEnded => "公示期满，待确认",
            State::Confirmed => "已确认，待公告",
            State::Announced => "已公告",
            State::Revoked => "等级已撤销",
            State::Expired => "等级已过期",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub date: NaiveDate,
    pub result: ReviewResult,
    pub reason: Option<String>,
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub date: NaiveDate,
    /// 0-based index of the event that formed it.
    pub event: usize,
    pub round: Round,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub date: NaiveDate,
    pub event: usize,
    pub score: Score,
    /// The grade the evaluation suggested, as written (the grade taken follows the score).
    pub grade_given: Option<Grade>,
    pub suggestions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ruling {
    pub date: NaiveDate,
    pub result: RulingResult,
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objection {
    /// As given, or `异议N` in the order received.
    pub id: String,
    pub date: NaiveDate,
    pub event: usize,
    pub from: Option<String>,
    pub ruling: Option<Ruling>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Publicity {
    pub start: NaiveDate,
    /// The 15th working day after the start (start not counted), itself included (I-11).
    pub end: NaiveDate,
    /// Index into the application's evaluations: the result published.
    pub evaluation: usize,
    pub media: Option<String>,
    pub objections: Vec<Objection>,
}

impl Publicity {
    pub fn open_objections(&self) -> impl Iterator<Item = &Objection> {
        self.objections.iter().filter(|o| o.ruling.is_none())
    }

    pub fn upheld(&self) -> Option<&Objection> {
        self.objections
            .iter()
            .find(|o| o.ruling.as_ref().map(|r| r.result) == Some(RulingResult::Upheld))
    }
}

/// One application and the evaluation it started (6.1–6.5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    pub received: NaiveDate,
    pub review: Option<Review>,
    pub verified: Option<NaiveDate>,
    /// What the verification found of the legal registration and the licences (6.2).
    pub registration: Option<String>,
    pub licences: Option<String>,
    pub panels: Vec<Panel>,
    pub evaluations: Vec<Evaluation>,
    pub publicities: Vec<Publicity>,
    pub confirmed: Option<NaiveDate>,
    pub announced: Option<NaiveDate>,
    pub report: Option<NaiveDate>,
    pub report_number: Option<String>,
}

impl Application {
    pub fn new(received: NaiveDate) -> Application {
        Application {
            received,
            review: None,
            verified: None,
            registration: None,
            licences: None,
            panels: Vec::new(),
            evaluations: Vec::new(),
            publicities: Vec::new(),
            confirmed: None,
            announced: None,
            report: None,
            report_number: None,
        }
    }

    pub fn accepted(&self) -> bool {
        self.review.as_ref().map(|r| r.result) == Some(ReviewResult::Accepted)
    }

    /// The latest preliminary result.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluations.last()
    }

    /// The publicity of the latest result, if it was published.
    pub fn publicity(&self) -> Option<&Publicity> {
        let latest = self.evaluations.len().checked_sub(1)?;
        self.publicities
            .iter()
            .rev()
            .find(|p| p.evaluation == latest)
    }

    pub fn publicity_mut(&mut self) -> Option<&mut Publicity> {
        let latest = self.evaluations.len().checked_sub(1)?;
        self.publicities
            .iter_mut()
            .rev()
            .find(|p| p.evaluation == latest)
    }

    /// Everyone on a round-1 panel of this application.
    pub fn first_round_members(&self) -> Vec<&str> {
        let mut m: Vec<&str> = self
            .panels
            .iter()
            .filter(|p| p.round == Round::First)
            .flat_map(|p| p.members.iter().map(String::as_str))
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    }
}

/// The confirmed result (6.5): its score, the grade it gave and what became of it (9.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conclusion {
    /// Index of the application it concludes.
    pub application: usize,
    pub confirmed: NaiveDate,
    pub score: Score,
    /// The grade the score gave (none below 60).
    pub awarded: Option<Grade>,
    /// The grade now: lowered by a downgrade.
    pub grade: Option<Grade>,
    /// Confirmation + 5 years − 1 day (I-18 edges); none when no date can be computed.
    pub valid_until: Option<NaiveDate>,
    pub downgrades: Vec<(NaiveDate, Grade)>,
    pub revoked: Option<(NaiveDate, RevocationReason)>,
}

impl Conclusion {
    /// The grade in force on `d`: confirmed by then, not revoked, not expired.
    pub fn grade_on(&self, d: NaiveDate) -> Option<Grade> {
        let until = self.valid_until?;
        if d < self.confirmed || d > until || self.revoked.is_some_and(|(r, _)| r <= d) {
            return None;
        }
        self.grade
    }
}

/// What the fold has built.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct CaseState {
    /// Every application in order; the last is the current one.
    pub applications: Vec<Application>,
    /// The latest confirmed result (评价结论).
    pub conclusion: Option<Conclusion>,
    /// Events applied.
    pub events: usize,
    pub last_date: Option<NaiveDate>,
    /// Calendar warnings (a year without a holiday notice).
    pub warnings: Vec<String>,
}

impl CaseState {
    pub fn application(&self) -> Option<&Application> {
        self.applications.last()
    }

    pub fn application_mut(&mut self) -> Option<&mut Application> {
        self.applications.last_mut()
    }

    /// The date of the latest accepted application: the 2-year interval of 9.1 counts from it.
    pub fn last_accepted(&self) -> Option<NaiveDate> {
        self.applications
            .iter()
            .rev()
            .find(|a| a.accepted())
            .map(|a| a.received)
    }

    /// The grade in force on `d`, as `case check` prints it.
    pub fn grade_view(&self, d: NaiveDate) -> Option<GradeView> {
        let r = self.conclusion.as_ref()?;
        Some(GradeView {
            code: r.grade_on(d)?,
            valid_until: r.valid_until?,
        })
    }

    /// The case's state on `d`.
    pub fn state_on(&self, d: NaiveDate) -> State {
        let Some(app) = self.application() else {
            return State::New;
        };
        if app.confirmed.is_some() {
            let current = self.applications.len() - 1;
            if let Some(r) = self
                .conclusion
                .as_ref()
                .filter(|r| r.application == current)
            {
                if r.revoked.is_some_and(|(on, _)| on <= d) {
                    return State::Revoked;
                }
                if r.awarded.is_some() && r.valid_until.is_some_and(|u| d > u) {
                    return State::Expired;
                }
            }
            return if app.announced.is_some() {
                State::Announced
            } else {
                State::Confirmed
            };
        }
        match app.review.as_ref().map(|r| r.result) {
            None => return State::Applied,
            Some(ReviewResult::Refused) => return State::Refused,
            Some(ReviewResult::Accepted) => {}
        }
        if app.evaluation().is_none() {
            return if app.verified.is_some() {
                State::InEvaluation
            } else {
                State::Accepted
            };
        }
        match app.publicity() {
            None => State::Evaluated,
            Some(p) if p.upheld().is_some() => State::Reevaluation,
            Some(p) if p.open_objections().next().is_some() => State::ObjectionPending,
            Some(p) if d <= p.end => State::InPublicity,
            Some(_) => State::PublicityEnded,
        }
    }
}
