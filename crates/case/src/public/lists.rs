//! The public lists on a day (the pages without sign-in): which publicity is open, which
//! grade is in force, which stars are held, who is on the blacklist, which notices are shown,
//! and in what order. Each list is built from the cases' [`PublicView`]s and today; a row `R`
//! is whatever the caller keeps beside a view (the enterprise's name and the case's id), and
//! `name` reads the enterprise's name from it for ties.
//!
//! Decisions where the standards are silent (also in the README):
//! - A publicity is listed from its first day; while objections may be raised (its last day
//!   included) it is *open*; after its end it stays listed until the result is confirmed
//!   (the view drops it then), as *objections being handled* while an objection is not ruled,
//!   otherwise *awaiting confirmation*. Open ones come first, the soonest to close first; the
//!   ended ones follow, the latest ended first.
//! - The register lists a grade in force today ([`PublicView::grade_on`]): confirmed, not
//!   revoked, not past its last valid day; a result below 60 (no grade) is not listed. Newest
//!   confirmation first.
//! - The star register lists the stars held (none while blacklisted), the most stars first,
//!   then the latest award or lowering; a supervision past its due day is marked, the stars
//!   stay until a lowering or blacklisting is decided (000 §8 needs a recorded decision).
//! - The blacklist lists entries not lifted, newest first.
//! - Announcements are the announcement notices (004 6.5); the notices page shows
//!   revocations, downgrades and star lowerings (004 9.2, 000 §8); blacklistings are on the
//!   blacklist page. Both newest first; a notice dated after today is not shown.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BlacklistEntry, Notice, NoticeKind, PublicView, PublicityNotice};
use crate::capability::Grade;

/// Where a listed publicity stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicityStatus {
    /// Objections may be raised (until the end day, included).
    Open,
    /// Ended; an objection is not ruled yet.
    ObjectionsPending,
    /// Ended with every objection ruled; the result is not confirmed yet.
    AwaitingConfirmation,
}

impl PublicityStatus {
    pub const ALL: &'static [PublicityStatus] = &[
        PublicityStatus::Open,
        PublicityStatus::ObjectionsPending,
        PublicityStatus::AwaitingConfirmation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PublicityStatus::Open => "open",
            PublicityStatus::ObjectionsPending => "objections_pending",
            PublicityStatus::AwaitingConfirmation => "awaiting_confirmation",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PublicityStatus::Open => "公示中",
            PublicityStatus::ObjectionsPending => "公示期满，异议处理中",
            PublicityStatus::AwaitingConfirmation => "公示期满，待确认",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PublicityStatus::Open => "open for objections",
            PublicityStatus::ObjectionsPending => "ended; objections being handled",
            PublicityStatus::AwaitingConfirmation => "ended; awaiting confirmation",
        }
    }
}

/// Where a publicity stands on `d`; `None` before its first day.
pub fn publicity_status(p: &PublicityNotice, d: NaiveDate) -> Option<PublicityStatus> {
    if d < p.start {
        None
    } else if p.open_on(d) {
        Some(PublicityStatus::Open)
    } else if p.ruled < p.objections {
        Some(PublicityStatus::ObjectionsPending)
    } else {
        Some(PublicityStatus::AwaitingConfirmation)
    }
}

/// A grade in force on a day, as the register shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeInForce {
    pub grade: Grade,
    pub score: f64,
    pub confirmed: NaiveDate,
    pub announced: Option<NaiveDate>,
    /// The last valid day.
    pub valid_until: NaiveDate,
}

/// The grade a view has in force on `d`, with what the register shows.
pub fn grade_in_force(v: &PublicView, d: NaiveDate) -> Option<GradeInForce> {
    let grade = v.grade_on(d)?;
    let g = v.grade.as_ref()?;
    Some(GradeInForce {
        grade,
        score: g.score,
        confirmed: g.confirmed,
        announced: g.announced.filter(|a| *a <= d),
        valid_until: g.valid_until?,
    })
}

/// Stars held on a day, as the star register shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarsHeld {
    pub stars: u8,
    pub since: Option<NaiveDate>,
    pub dimension_stars: BTreeMap<String, u8>,
    pub supervision_due: Option<NaiveDate>,
    /// The supervision's last day has passed without a supervision.
    pub supervision_overdue: bool,
}

/// The stars a view holds on `d` (none while blacklisted).
pub fn stars_held(v: &PublicView, d: NaiveDate) -> Option<StarsHeld> {
    if blacklisted(v, d).is_some() {
        return None;
    }
    let s = v.stars.as_ref().filter(|s| s.stars > 0)?;
    Some(StarsHeld {
        stars: s.stars,
        since: s.since,
        dimension_stars: s.dimension_stars.clone().unwrap_or_default(),
        supervision_due: s.supervision_due,
        supervision_overdue: s.supervision_due.is_some_and(|due| due < d),
    })
}

/// The blacklisting of a view in force on `d` (not lifted, dated by then).
pub fn blacklisted(v: &PublicView, d: NaiveDate) -> Option<&BlacklistEntry> {
    v.blacklist.as_ref().filter(|b| b.date <= d)
}

/// The notices the announcements page shows (004 6.5).
pub const ANNOUNCEMENTS: &[NoticeKind] = &[NoticeKind::Announcement];

/// The notices the notices page shows: revocation, downgrading, lowering (004 9.2, 000 §8).
pub const WITHDRAWALS: &[NoticeKind] = &[
    NoticeKind::Revocation,
    NoticeKind::Downgrade,
    NoticeKind::StarLowered,
];

/// Ties by the enterprise's name, then as given.
fn by_name<R>(name: &impl Fn(&R) -> &str, a: &R, b: &R) -> Ordering {
    name(a).cmp(name(b))
}

/// The publicities listed on `d`: open ones first (soonest to close first), then the ended
/// ones awaiting a ruling or confirmation (latest ended first).
pub fn publicities<R>(
    rows: impl IntoIterator<Item = (R, PublicView)>,
    d: NaiveDate,
    name: impl Fn(&R) -> &str,
) -> Vec<(R, PublicityNotice, PublicityStatus)> {
    let mut out: Vec<_> = rows
        .into_iter()
        .filter_map(|(r, v)| {
            let p = v.publicity?;
            let s = publicity_status(&p, d)?;
            Some((r, p, s))
        })
        .collect();
    out.sort_by(|(ra, pa, sa), (rb, pb, sb)| {
        let open = |s: &PublicityStatus| *s != PublicityStatus::Open;
        open(sa)
            .cmp(&open(sb))
            .then_with(|| {
                if *sa == PublicityStatus::Open {
                    pa.end.cmp(&pb.end)
                } else {
                    pb.end.cmp(&pa.end)
                }
            })
            .then_with(|| by_name(&name, ra, rb))
    });
    out
}

/// The register of grades in force on `d`, newest confirmation first.
pub fn grades<R>(
    rows: impl IntoIterator<Item = (R, PublicView)>,
    d: NaiveDate,
    name: impl Fn(&R) -> &str,
) -> Vec<(R, GradeInForce)> {
    let mut out: Vec<_> = rows
        .into_iter()
        .filter_map(|(r, v)| Some((r, grade_in_force(&v, d)?)))
        .collect();
    out.sort_by(|(ra, a), (rb, b)| {
        b.confirmed
            .cmp(&a.confirmed)
            .then_with(|| by_name(&name, ra, rb))
    });
    out
}

/// The star register on `d`: the most stars first, then the latest award or lowering.
pub fn stars<R>(
    rows: impl IntoIterator<Item = (R, PublicView)>,
    d: NaiveDate,
    name: impl Fn(&R) -> &str,
) -> Vec<(R, StarsHeld)> {
    let mut out: Vec<_> = rows
        .into_iter()
        .filter_map(|(r, v)| Some((r, stars_held(&v, d)?)))
        .collect();
    out.sort_by(|(ra, a), (rb, b)| {
        b.stars
            .cmp(&a.stars)
            .then_with(|| b.since.cmp(&a.since))
            .then_with(|| by_name(&name, ra, rb))
    });
    out
}

/// The blacklist on `d`, newest first.
pub fn blacklist<R>(
    rows: impl IntoIterator<Item = (R, PublicView)>,
    d: NaiveDate,
    name: impl Fn(&R) -> &str,
) -> Vec<(R, BlacklistEntry)> {
    let mut out: Vec<_> = rows
        .into_iter()
        .filter_map(|(r, v)| {
            let b = blacklisted(&v, d)?.clone();
            Some((r, b))
        })
        .collect();
    out.sort_by(|(ra, a), (rb, b)| b.date.cmp(&a.date).then_with(|| by_name(&name, ra, rb)));
    out
}

/// The notices of `kinds` dated by `d`, newest first (each with a copy of its row).
pub fn notices<R: Clone>(
    rows: impl IntoIterator<Item = (R, PublicView)>,
    kinds: &[NoticeKind],
    d: NaiveDate,
    name: impl Fn(&R) -> &str,
) -> Vec<(R, Notice)> {
    let mut out: Vec<(R, Notice)> = Vec::new();
    for (r, v) in rows {
        for n in v.notices {
            if kinds.contains(&n.kind) && n.date <= d {
                out.push((r.clone(), n));
            }
        }
    }
    out.sort_by(|(ra, a), (rb, b)| b.date.cmp(&a.date).then_with(|| by_name(&name, ra, rb)));
    out
}

/// The longest search text accepted, in characters (a name or a credit code is shorter).
pub const MAX_SEARCH_CHARS: usize = 50;

/// A search as typed, made a term: trimmed, cut at [`MAX_SEARCH_CHARS`] characters; `None`
/// when nothing is left.
pub fn search_term(q: Option<&str>) -> Option<String> {
    let t: String = q?.trim().chars().take(MAX_SEARCH_CHARS).collect();
    let t = t.trim_end().to_string();
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public::{GradeEntry, StarsEntry};
    use crate::CaseKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn view(kind: CaseKind) -> PublicView {
        PublicView {
            kind,
            publicity: None,
            grade: None,
            stars: None,
            blacklist: None,
            notices: Vec::new(),
        }
    }

    fn publicity(start: &str, end: &str, objections: usize, ruled: usize) -> PublicView {
        let mut v = view(CaseKind::Capability);
        v.publicity = Some(PublicityNotice {
            start: d(start),
            end: d(end),
            score: 80.0,
            grade: Some(Grade::Second),
            media: None,
            objections,
            ruled,
        });
        v
    }

    fn name<'a>(r: &'a &'static str) -> &'a str {
        r
    }

    #[test]
    fn a_publicity_is_open_through_its_last_day_then_waits_for_rulings_and_confirmation() {
        let v = publicity("2026-09-21", "2026-10-19", 1, 0);
        let p = v.publicity.as_ref().unwrap();
        assert_eq!(publicity_status(p, d("2026-09-20")), None);
        assert_eq!(
            publicity_status(p, d("2026-09-21")),
            Some(PublicityStatus::Open)
        );
        assert_eq!(
            publicity_status(p, d("2026-10-19")),
            Some(PublicityStatus::Open)
        );
        assert_eq!(
            publicity_status(p, d("2026-10-20")),
            Some(PublicityStatus::ObjectionsPending)
        );
        let v = publicity("2026-09-21", "2026-10-19", 1, 1);
        assert_eq!(
            publicity_status(v.publicity.as_ref().unwrap(), d("2026-10-20")),
            Some(PublicityStatus::AwaitingConfirmation)
        );
    }

    #[test]
    fn open_publicities_come_first_soonest_to_close_first() {
        let rows = vec![
            ("甲", publicity("2026-08-01", "2026-08-21", 0, 0)),
            ("乙", publicity("2026-09-01", "2026-09-22", 0, 0)),
            ("丙", publicity("2026-09-10", "2026-10-09", 0, 0)),
            ("丁", publicity("2026-09-05", "2026-09-25", 0, 0)),
            ("戊", publicity("2026-07-01", "2026-07-21", 0, 0)),
            ("己", publicity("2026-10-01", "2026-10-22", 0, 0)),
            ("庚", view(CaseKind::Capability)),
        ];
        let out = publicities(rows, d("2026-09-15"), name);
        let names: Vec<_> = out.iter().map(|(r, _, _)| *r).collect();
        assert_eq!(names, ["乙", "丁", "丙", "甲", "戊"], "己 starts later");
        assert_eq!(out[3].2, PublicityStatus::AwaitingConfirmation);
    }

    fn graded(confirmed: &str, until: &str, revoked: Option<&str>) -> PublicView {
        let mut v = view(CaseKind::Capability);
        v.grade = Some(GradeEntry {
            grade: Some(Grade::First),
            score: 88.0,
            confirmed: d(confirmed),
            announced: Some(d(confirmed).succ_opt().unwrap()),
            valid_until: Some(d(until)),
            revoked: revoked.map(d),
        });
        v
    }

    #[test]
    fn the_register_lists_grades_in_force_through_the_last_valid_day_newest_first() {
        let rows = vec![
            ("旧", graded("2021-10-20", "2026-10-19", None)),
            ("新", graded("2026-10-20", "2031-10-19", None)),
            ("撤", graded("2025-01-10", "2030-01-09", Some("2026-03-01"))),
            ("中", graded("2024-05-06", "2029-05-05", None)),
        ];
        let on = |day: &str| -> Vec<&str> {
            grades(rows.clone(), d(day), name)
                .into_iter()
                .map(|(r, _)| r)
                .collect()
        };
        assert_eq!(on("2026-10-19"), ["中", "旧"]);
        assert_eq!(on("2026-10-20"), ["新", "中"], "旧 expired, 新 confirmed");
        assert_eq!(on("2026-02-28"), ["撤", "中", "旧"]);
        let g = &grades(rows.clone(), d("2026-10-20"), name)[0].1;
        assert_eq!(g.announced, None, "announced the day after");
        assert_eq!(g.valid_until, d("2031-10-19"));
        let mut below = graded("2026-01-05", "2031-01-04", None);
        below.grade.as_mut().unwrap().grade = None;
        assert!(grades(vec![("低", below)], d("2026-02-01"), name).is_empty());
    }

    fn starred(stars: u8, since: &str, due: &str) -> PublicView {
        let mut v = view(CaseKind::Stars);
        v.stars = Some(StarsEntry {
            stars,
            since: Some(d(since)),
            dimension_stars: Some([("企业信用".to_string(), 2)].into_iter().collect()),
            supervision_due: Some(d(due)),
        });
        v
    }

    #[test]
    fn the_star_register_orders_by_stars_and_marks_an_overdue_supervision() {
        let mut black = starred(3, "2025-01-01", "2026-01-01");
        black.blacklist = Some(BlacklistEntry {
            date: d("2026-02-01"),
            reason: "拒不接受监督审查".into(),
        });
        let rows = vec![
            ("一", starred(1, "2026-03-01", "2027-03-01")),
            ("三", starred(3, "2025-06-01", "2026-06-01")),
            ("二", starred(3, "2026-01-01", "2027-01-01")),
            ("黑", black.clone()),
        ];
        let out = stars(rows, d("2026-06-02"), name);
        let names: Vec<_> = out.iter().map(|(r, _)| *r).collect();
        assert_eq!(names, ["二", "三", "一"]);
        assert!(out[1].1.supervision_overdue && !out[0].1.supervision_overdue);
        assert_eq!(out[0].1.dimension_stars["企业信用"], 2);
        let b = blacklist(vec![("黑", black.clone())], d("2026-06-02"), name);
        assert_eq!(b[0].1.reason, "拒不接受监督审查");
        assert!(blacklist(vec![("黑", black)], d("2026-01-31"), name).is_empty());
    }

    #[test]
    fn notices_of_the_kinds_asked_newest_first_and_none_from_the_future() {
        let mut a = view(CaseKind::Capability);
        let n = |date: &str, kind| Notice {
            date: d(date),
            kind,
            text: "x".into(),
        };
        a.notices = vec![
            n("2026-01-01", NoticeKind::Announcement),
            n("2026-05-01", NoticeKind::Revocation),
        ];
        let mut b = view(CaseKind::Stars);
        b.notices = vec![
            n("2026-03-01", NoticeKind::StarLowered),
            n("2026-04-01", NoticeKind::Blacklist),
            n("2026-12-01", NoticeKind::StarLowered),
        ];
        let rows = vec![("甲", a), ("乙", b)];
        let out = notices(rows.clone(), WITHDRAWALS, d("2026-06-01"), name);
        let got: Vec<_> = out.iter().map(|(r, n)| (*r, n.kind)).collect();
        assert_eq!(
            got,
            [
                ("甲", NoticeKind::Revocation),
                ("乙", NoticeKind::StarLowered)
            ]
        );
        let out = notices(rows, ANNOUNCEMENTS, d("2026-06-01"), name);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn a_search_is_trimmed_and_bounded() {
        assert_eq!(search_term(None), None);
        assert_eq!(search_term(Some("  ")), None);
        assert_eq!(search_term(Some(" 天平 ")).as_deref(), Some("天平"));
        let long = "字".repeat(80);
        assert_eq!(
            search_term(Some(&long)).unwrap().chars().count(),
            MAX_SEARCH_CHARS
        );
    }
}
