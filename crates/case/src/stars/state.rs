//! The state of a star-rating case: what the fold of its events has built.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use tianping_calc::calendar::add_months;

use super::events::{star_word, DimensionStars, Mode};

/// The case's state in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// No stars and no application open (never rated, lowered to none, or off the blacklist).
    Unrated,
    /// An application waits for its evaluation.
    Applied,
    /// An application has a result and waits for the body's decision.
    Evaluated,
    /// The enterprise holds stars, no application open.
    Rated,
    Blacklisted,
}

impl State {
    /// Every state, to read a stored one back.
    pub const ALL: &'static [State] = &[
        State::Unrated,
        State::Applied,
        State::Evaluated,
        State::Rated,
        State::Blacklisted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Unrated => "unrated",
            State::Applied => "applied",
            State::Evaluated => "evaluated",
            State::Rated => "rated",
            State::Blacklisted => "blacklisted",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            State::Unrated => "无星级",
            State::Applied => "已申请，待评价",
            State::Evaluated => "已评价，待决定",
            State::Rated => "持有星级",
            State::Blacklisted => "列入黑名单",
        }
    }
}

/// An evaluation's result (a fact, I-16 edges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRec {
    pub date: NaiveDate,
    pub mode: Mode,
    pub stars: u8,
    pub dimension_stars: Option<BTreeMap<String, u8>>,
}

impl ResultRec {
    /// "2026-03-02 线上自评结果（三星级）".
    pub fn words(&self) -> String {
        format!(
            "{} {}结果（{}）",
            self.date,
            self.mode.name_zh(),
            star_word(self.stars)
        )
    }
}

/// How an application ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closed {
    /// Stars were awarded on it.
    Awarded,
    /// A later application replaced it.
    Replaced,
    /// The enterprise was blacklisted while it was open.
    Blacklisted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub date: NaiveDate,
    pub mode: Mode,
    pub results: Vec<ResultRec>,
    pub closed: Option<(NaiveDate, Closed)>,
}

impl Application {
    /// "2026-03-02 的申请（线上自评）".
    pub fn words(&self) -> String {
        format!("{} 的申请（{}）", self.date, self.mode.name_zh())
    }

    pub fn latest(&self) -> Option<&ResultRec> {
        self.results.last()
    }

    pub fn has(&self, mode: Mode) -> bool {
        self.results.iter().any(|r| r.mode == mode)
    }

    pub fn latest_of(&self, mode: Mode) -> Option<&ResultRec> {
        self.results.iter().rev().find(|r| r.mode == mode)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardRec {
    pub date: NaiveDate,
    pub stars: u8,
    pub by: String,
    pub dimension_stars: Option<BTreeMap<String, u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisionRec {
    pub date: NaiveDate,
    pub stars: u8,
    pub spot_check: bool,
    pub by: Option<String>,
}

impl SupervisionRec {
    pub fn words(&self) -> String {
        let what = if self.spot_check {
            "抽查验证"
        } else {
            "监督审查"
        };
        format!("{} {what}（结果支持{}）", self.date, star_word(self.stars))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoweringRec {
    pub date: NaiveDate,
    pub from: u8,
    pub to: u8,
    pub by: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlacklistRec {
    pub date: NaiveDate,
    pub reason: String,
    pub by: String,
    /// The stars held when blacklisted.
    pub stars_before: u8,
    /// The day it was lifted, and by whom.
    pub lifted: Option<(NaiveDate, String)>,
}

/// Everything the fold has built.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StarCase {
    /// Events applied so far.
    pub events: usize,
    pub last_date: Option<NaiveDate>,
    /// The comprehensive stars held (0: none).
    pub current: u8,
    /// The single-dimension stars of the latest award, when it gave them.
    pub dimension_stars: Option<BTreeMap<String, u8>>,
    /// The day of the latest award or lowering.
    pub since: Option<NaiveDate>,
    /// The latest award or yearly supervision: the next supervision is due 12 months later.
    pub supervision_anchor: Option<NaiveDate>,
    /// The latest supervision or spot check since the last award, lowering or blacklisting:
    /// what a lowering rests on.
    pub basis: Option<SupervisionRec>,
    pub applications: Vec<Application>,
    pub awards: Vec<AwardRec>,
    pub supervisions: Vec<SupervisionRec>,
    pub lowerings: Vec<LoweringRec>,
    /// Every blacklist entry, the current one last.
    pub blacklist: Vec<BlacklistRec>,
    pub warnings: Vec<String>,
}

impl StarCase {
    /// The application not yet decided, replaced or ended by a blacklisting.
    pub fn open_application(&self) -> Option<&Application> {
        self.applications.last().filter(|a| a.closed.is_none())
    }

    pub(super) fn open_application_mut(&mut self) -> Option<&mut Application> {
        self.applications.last_mut().filter(|a| a.closed.is_none())
    }

    /// The blacklist entry in force.
    pub fn blacklisted(&self) -> Option<&BlacklistRec> {
        self.blacklist.last().filter(|b| b.lifted.is_none())
    }

    /// The last day of the next yearly supervision: 12 months after the latest award or
    /// supervision, a month's end clamped (29 February → 28 February). `None` without stars
    /// or while blacklisted.
    pub fn supervision_due(&self) -> Option<NaiveDate> {
        if self.current == 0 || self.blacklisted().is_some() {
            return None;
        }
        let anchor = self.supervision_anchor?;
        add_months(anchor, 12).ok()
    }

    /// What the anchor of the next supervision is, in words.
    pub fn anchor_words(&self) -> String {
        match self.supervision_anchor {
            Some(a)
                if self
                    .supervisions
                    .iter()
                    .any(|s| !s.spot_check && s.date == a) =>
            {
                format!("上次监督审查（{a}）")
            }
            Some(a) => format!("上次授予星级（{a}）"),
            None => "授予星级".into(),
        }
    }

    pub fn state(&self) -> State {
        if self.blacklisted().is_some() {
            State::Blacklisted
        } else if let Some(a) = self.open_application() {
            if a.results.is_empty() {
                State::Applied
            } else {
                State::Evaluated
            }
        } else if self.current > 0 {
            State::Rated
        } else {
            State::Unrated
        }
    }
}

/// Dimension stars as plain numbers.
pub(super) fn plain(d: &Option<DimensionStars>) -> Option<BTreeMap<String, u8>> {
    d.as_ref()
        .filter(|m| !m.is_empty())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.get())).collect())
}
