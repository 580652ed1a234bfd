//! What a case puts on the public pages, which need no sign-in (004 6.4, 6.5, 9.2; 000 §8):
//! only what the standards publish — the enterprise (named by the page, not here), a
//! preliminary result under publicity, the confirmed grade with its validity, the stars held,
//! a blacklisting with its reason, and the notices of revocation, downgrading, lowering and
//! blacklisting. No person: who decided, who objected and how to reach them stay with the
//! body.
//!
//! The view is built from the fold and does not depend on the day it is read: it keeps the
//! dates (the publicity's end, the grade's last valid day) and the pages compare them with
//! today ([`PublicView::grade_on`], [`PublicityNotice::open_on`]); [`lists`] makes the
//! public lists of a day from many views.

pub mod lists;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::capability::state::CaseState;
use crate::capability::Grade;
use crate::stars::events::star_word;
use crate::stars::StarCase;
use crate::CaseKind;

/// A preliminary capability result under publicity (6.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicityNotice {
    pub start: NaiveDate,
    /// The last day of the publicity, included (I-11: 15 working days).
    pub end: NaiveDate,
    /// The preliminary score on the 100-point scale.
    pub score: f64,
    /// The grade the score suggests (none below 60: only the score is given, 8.2).
    pub grade: Option<Grade>,
    pub media: Option<String>,
    /// Objections received during this publicity, and how many are ruled.
    pub objections: usize,
    pub ruled: usize,
}

impl PublicityNotice {
    /// Whether objections may still be raised on `d` (the end day included).
    pub fn open_on(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

/// A confirmed capability grade (6.5, 8.2, 9.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeEntry {
    /// The grade now (lowered by a downgrade); none when the score was below 60.
    pub grade: Option<Grade>,
    pub score: f64,
    pub confirmed: NaiveDate,
    pub announced: Option<NaiveDate>,
    /// Confirmation + 5 years − 1 day.
    pub valid_until: Option<NaiveDate>,
    /// The day it was revoked (9.2); a revoked grade is never in force again.
    pub revoked: Option<NaiveDate>,
}

/// The stars an enterprise holds (000 §6, §8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarsEntry {
    /// 1 to 5.
    pub stars: u8,
    /// The day of the latest award or lowering.
    pub since: Option<NaiveDate>,
    pub dimension_stars: Option<BTreeMap<String, u8>>,
    /// The yearly supervision's last day (12 months after the last award or supervision).
    pub supervision_due: Option<NaiveDate>,
}

/// A current blacklisting (000 §8): published with its reason and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlacklistEntry {
    pub date: NaiveDate,
    pub reason: String,
}

/// The kinds of public notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A preliminary result put under publicity (004 6.4).
    Publicity,
    /// A confirmed grade announced (004 6.5).
    Announcement,
    /// A grade revoked (004 9.2).
    Revocation,
    /// A grade downgraded (004 9.2).
    Downgrade,
    /// Stars awarded (000 §6).
    StarAward,
    /// Stars lowered after supervision (000 §8).
    StarLowered,
    /// Put on the blacklist (000 §8).
    Blacklist,
    /// Taken off the blacklist.
    BlacklistLifted,
}

impl NoticeKind {
    pub const ALL: &'static [NoticeKind] = &[
        NoticeKind::Publicity,
        NoticeKind::Announcement,
        NoticeKind::Revocation,
        NoticeKind::Downgrade,
        NoticeKind::StarAward,
        NoticeKind::StarLowered,
        NoticeKind::Blacklist,
        NoticeKind::BlacklistLifted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Publicity => "publicity",
            NoticeKind::Announcement => "announcement",
            NoticeKind::Revocation => "revocation",
            NoticeKind::Downgrade => "downgrade",
            NoticeKind::StarAward => "star_award",
            NoticeKind::StarLowered => "star_lowered",
            NoticeKind::Blacklist => "blacklist",
            NoticeKind::BlacklistLifted => "blacklist_lifted",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            NoticeKind::Publicity => "评价结果公示",
            NoticeKind::Announcement => "评价结果公告",
            NoticeKind::Revocation => "撤销等级公告",
            NoticeKind::Downgrade => "降级公告",
            NoticeKind::StarAward => "星级授予公告",
            NoticeKind::StarLowered => "降低星级公告",
            NoticeKind::Blacklist => "列入黑名单公告",
            NoticeKind::BlacklistLifted => "移出黑名单公告",
        }
    }
}

/// One public notice: its day, kind and text in Chinese (no person named).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub date: NaiveDate,
    pub kind: NoticeKind,
    pub text: String,
}

/// Everything one case publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicView {
    pub kind: CaseKind,
    /// The latest publicity of the current application, while its result is not confirmed.
    pub publicity: Option<PublicityNotice>,
    /// The latest confirmed capability result.
    pub grade: Option<GradeEntry>,
    /// The stars held (none: no stars).
    pub stars: Option<StarsEntry>,
    /// A blacklisting not lifted.
    pub blacklist: Option<BlacklistEntry>,
    /// Every notice, oldest first.
    pub notices: Vec<Notice>,
}

impl PublicView {
    fn empty(kind: CaseKind) -> PublicView {
        PublicView {
            kind,
            publicity: None,
            grade: None,
            stars: None,
            blacklist: None,
            notices: Vec::new(),
        }
    }

    /// The grade in force on `d`: confirmed by then, not revoked, not expired.
    pub fn grade_on(&self, d: NaiveDate) -> Option<Grade> {
        let g = self.grade.as_ref()?;
        if d < g.confirmed || g.revoked.is_some_and(|r| r <= d) || g.valid_until? < d {
            return None;
        }
        g.grade
    }

    /// Whether there is anything to publish.
    pub fn is_empty(&self) -> bool {
        self.publicity.is_none()
            && self.grade.is_none()
            && self.stars.is_none()
            && self.blacklist.is_none()
            && self.notices.is_empty()
    }
}

fn grade_words(g: Option<Grade>) -> &'static str {
    g.map(Grade::code).unwrap_or("不予评级")
}

/// What a capability evaluation publishes.
pub fn capability(case: &CaseState) -> PublicView {
    let mut v = PublicView::empty(CaseKind::Capability);
    for (ai, app) in case.applications.iter().enumerate() {
        for p in &app.publicities {
            let Some(e) = app.evaluations.get(p.evaluation) else {
                continue;
            };
            let grade = crate::capability::grade_for(e.score);
            v.notices.push(Notice {
                date: p.start,
                kind: NoticeKind::Publicity,
                text: format!(
                    "初评结果公示：得分 {}，等级建议 {}，公示期 {} 至 {}",
                    fmt_score(e.score.value()),
                    grade_words(grade),
                    p.start,
                    p.end
                ),
            });
        }
        if let Some(d) = app.announced {
            let grade = case
                .conclusion
                .as_ref()
                .filter(|c| c.application == ai)
                .and_then(|c| c.awarded);
            v.notices.push(Notice {
                date: d,
                kind: NoticeKind::Announcement,
                text: format!("评价结果公告：企业能力体系建设等级 {}", grade_words(grade)),
            });
        }
    }
    if let Some(app) = case.application() {
        if app.confirmed.is_none() {
            if let (Some(p), Some(e)) = (app.publicity(), app.evaluation()) {
                v.publicity = Some(PublicityNotice {
                    start: p.start,
                    end: p.end,
                    score: e.score.value(),
                    grade: crate::capability::grade_for(e.score),
                    media: p.media.clone(),
                    objections: p.objections.len(),
                    ruled: p.objections.iter().filter(|o| o.ruling.is_some()).count(),
                });
            }
        }
    }
    if let Some(c) = &case.conclusion {
        for (d, g) in &c.downgrades {
            v.notices.push(Notice {
                date: *d,
                kind: NoticeKind::Downgrade,
                text: format!("降级：企业能力体系建设等级调整为 {}", g.code()),
            });
        }
        if let Some((d, reason)) = c.revoked {
            v.notices.push(Notice {
                date: d,
                kind: NoticeKind::Revocation,
                text: format!("撤销原评价报告和等级结论（{}）", reason.name_zh()),
            });
        }
        let announced = case
            .applications
            .get(c.application)
            .and_then(|a| a.announced);
        v.grade = Some(GradeEntry {
            grade: c.grade,
            score: c.score.value(),
            confirmed: c.confirmed,
            announced,
            valid_until: c.valid_until,
            revoked: c.revoked.map(|(d, _)| d),
        });
    }
    v.notices.sort_by_key(|n| n.date);
    v
}

/// What a star rating publishes.
pub fn stars(case: &StarCase) -> PublicView {
    let mut v = PublicView::empty(CaseKind::Stars);
    for a in &case.awards {
        v.notices.push(Notice {
            date: a.date,
            kind: NoticeKind::StarAward,
            text: format!("授予{}企业", star_word(a.stars)),
        });
    }
    for l in &case.lowerings {
        v.notices.push(Notice {
            date: l.date,
            kind: NoticeKind::StarLowered,
            text: format!("由{}降为{}", star_word(l.from), star_word(l.to)),
        });
    }
    for b in &case.blacklist {
        v.notices.push(Notice {
            date: b.date,
            kind: NoticeKind::Blacklist,
            text: format!("列入黑名单：{}", b.reason),
        });
        if let Some((d, _)) = &b.lifted {
            v.notices.push(Notice {
                date: *d,
                kind: NoticeKind::BlacklistLifted,
                text: "移出黑名单".to_string(),
            });
        }
    }
    v.notices.sort_by_key(|n| n.date);
    if case.current > 0 {
        v.stars = Some(StarsEntry {
            stars: case.current,
            since: case.since,
            dimension_stars: case.dimension_stars.clone(),
            supervision_due: case.supervision_due(),
        });
    }
    v.blacklist = case.blacklisted().map(|b| BlacklistEntry {
        date: b.date,
        reason: b.reason.clone(),
    });
    v
}

fn fmt_score(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::{self, Event as CapEvent};
    use crate::stars::{self as star, Event as StarEvent};
    use crate::Header;
    use tianping_calc::calendar::Calendar;

    fn cap(lines: &[&str]) -> PublicView {
        let events: Vec<CapEvent> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let cal = Calendar::builtin();
        let ctx = capability::Context { calendar: &cal };
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let o = capability::replay(&Header::new(CaseKind::Capability), &events, d, ctx);
        capability(&o.case)
    }

    const UNTIL_PUBLICITY: &[&str] = &[
        r#"{"type":"application_received","date":"2026-06-01"}"#,
        r#"{"type":"application_reviewed","date":"2026-06-03","result":"accepted"}"#,
        r#"{"type":"verification_done","date":"2026-06-05"}"#,
        r#"{"type":"panel_formed","date":"2026-06-08","members":["a","b","c"],"round":1}"#,
        r#"{"type":"evaluation_completed","date":"2026-06-20","score":86.5}"#,
        r#"{"type":"publicity_started","date":"2026-09-21","media":"机构网站"}"#,
        r#"{"type":"objection_received","date":"2026-09-25","from":"张三"}"#,
    ];

    #[test]
    fn a_publicity_shows_score_suggestion_and_end_but_no_person() {
        let v = cap(UNTIL_PUBLICITY);
        let p = v.publicity.as_ref().unwrap();
        assert_eq!(p.end, NaiveDate::from_ymd_opt(2026, 10, 19).unwrap());
        assert_eq!(p.grade, Some(Grade::First));
        assert_eq!((p.objections, p.ruled), (1, 0));
        assert!(p.open_on(p.end) && !p.open_on(p.end.succ_opt().unwrap()));
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("张三"), "{json}");
        assert_eq!(v.notices[0].kind, NoticeKind::Publicity);
        assert!(v.notices[0].text.contains("86.5"), "{}", v.notices[0].text);
        assert!(v.grade.is_none());
    }

    #[test]
    fn a_confirmed_grade_is_in_force_until_its_last_day_and_not_after_revocation() {
        let mut lines = UNTIL_PUBLICITY.to_vec();
        lines.extend([
            r#"{"type":"panel_formed","date":"2026-09-28","members":["d","e","f"],"round":2}"#,
            r#"{"type":"objection_ruled","date":"2026-10-10","result":"dismissed"}"#,
            r#"{"type":"confirmed","date":"2026-10-20"}"#,
            r#"{"type":"announced","date":"2026-10-22"}"#,
        ]);
        let v = cap(&lines);
        assert!(
            v.publicity.is_none(),
            "confirmed: no longer under publicity"
        );
        let g = v.grade.as_ref().unwrap();
        assert_eq!(g.valid_until, NaiveDate::from_ymd_opt(2031, 10, 19));
        let last = g.valid_until.unwrap();
        assert_eq!(v.grade_on(last), Some(Grade::First));
        assert_eq!(v.grade_on(last.succ_opt().unwrap()), None);
        assert!(v
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::Announcement && n.text.contains("一级")));
        lines.push(r#"{"type":"revoked","date":"2026-11-02","reason":"fraud","by":"x"}"#);
        let v = cap(&lines);
        let d = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        assert_eq!(v.grade_on(d), None);
        assert_eq!(v.grade_on(d.pred_opt().unwrap()), Some(Grade::First));
        assert_eq!(v.notices.last().unwrap().kind, NoticeKind::Revocation);
    }

    #[test]
    fn stars_publish_the_blacklist_with_its_reason_and_drop_the_stars() {
        let lines = [
            r#"{"type":"star_applied","date":"2025-03-01","mode":"online"}"#,
            r#"{"type":"star_result","date":"2025-03-10","mode":"online","stars":1}"#,
            r#"{"type":"star_awarded","date":"2025-03-12","stars":1,"by":"d"}"#,
        ];
        let events: Vec<StarEvent> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let o = star::replay(&Header::new(CaseKind::Stars), &events, d);
        let v = stars(&o.case);
        let s = v.stars.as_ref().unwrap();
        assert_eq!(s.stars, 1);
        assert_eq!(s.supervision_due, NaiveDate::from_ymd_opt(2026, 3, 12));
        let mut events = events;
        events.push(
            serde_json::from_str(
                r#"{"type":"blacklisted","date":"2026-04-01","reason":"拒不接受监督审查","by":"d"}"#,
            )
            .unwrap(),
        );
        let o = star::replay(&Header::new(CaseKind::Stars), &events, d);
        let v = stars(&o.case);
        assert!(v.stars.is_none());
        assert_eq!(v.blacklist.as_ref().unwrap().reason, "拒不接受监督审查");
        assert!(!serde_json::to_string(&v).unwrap().contains("\"d\""));
    }
}
