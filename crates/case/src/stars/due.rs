//! What is due in a star-rating case on a date (000 §6, §8, I-19): the yearly supervision,
//! "lower or blacklist" after a supervision that supports fewer stars, and the decision on an
//! application whose result allows an award.

use chrono::NaiveDate;

use super::apply::award_limit;
use super::events::star_word;
use super::state::StarCase;
use crate::{Due, DueKind};

/// Everything due on `as_of`, by date.
pub(super) fn due_list(case: &StarCase, as_of: NaiveDate) -> Vec<Due> {
    let mut out = Vec::new();
    let blacklisted = case.blacklisted().is_some();

    if let (Some(app), Some(limit)) = (case.open_application(), award_limit(case)) {
        if let (Some(r), true) = (app.latest(), limit > case.current) {
            out.push(Due {
                kind: DueKind::StarAward,
                due: r.date,
                overdue: false,
                clause: "8",
                subject: None,
                message: format!(
                    "{}的评价结果 {}：按申请规则最高可授予{}，现为{}，待作出授予决定",
                    app.words(),
                    r.words(),
                    star_word(limit),
                    star_word(case.current)
                ),
            });
        }
    }

    if let Some(due) = case.supervision_due() {
        out.push(Due {
            kind: DueKind::Supervision,
            due,
            overdue: as_of > due,
            clause: "8",
            subject: None,
            message: format!(
                "持有{}：年度监督审查应在{}后12个月内、最迟于 {due} 完成",
                star_word(case.current),
                case.anchor_words()
            ),
        });
    }

    if let (Some(b), false) = (&case.basis, blacklisted) {
        if b.stars < case.current {
            out.push(Due {
                kind: DueKind::LowerOrBlacklist,
                due: b.date,
                overdue: false,
                clause: "8, I-6",
                subject: None,
                message: format!(
                    "{}少于现有{}：应降至{}（star_lowered），或由决定列入黑名单（blacklisted）",
                    b.words(),
                    star_word(case.current),
                    star_word(b.stars)
                ),
            });
        }
    }

    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.kind.cmp(&b.kind)));
    out
}
