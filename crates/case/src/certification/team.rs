//! The audit team's rules (8.1.4.1, 5.2): competence, conflicts of interest, the audit days
//! the counted members can give.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::events::Member;
use crate::Person;

/// A declared conflict of interest of a person with the client (5.2), e.g. consulting for it:
/// it lasts until `until` (consulting ended + 2 years), or for good when `until` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub person: String,
    pub reason: String,
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

impl Conflict {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.until.is_none_or(|u| date <= u)
    }
}

/// The conflict that keeps `person` from the case on `date`, if any.
pub fn conflict_of<'a>(
    conflicts: &'a [Conflict],
    person: &str,
    date: NaiveDate,
) -> Option<&'a Conflict> {
    conflicts
        .iter()
        .find(|c| c.person == person && c.active_on(date))
}

/// What an auditor's competence record lacks (8.1.4.1 1)): a CCAA registration and the EEPC
/// training. Entries match by prefix, case-insensitive (`"CCAA-2024-001"`, `"eepc"`).
pub fn competence_gaps(person: &Person) -> Vec<&'static str> {
    let has = |prefix: &str| {
        person
            .competence
            .iter()
            .any(|c| c.trim().to_ascii_uppercase().starts_with(prefix))
    };
    let mut gaps = Vec::new();
    if !has("CCAA") {
        gaps.push("CCAA注册管理体系审核员资格");
    }
    if !has("EEPC") {
        gaps.push("EEPC认证知识培训");
    }
    gaps
}

/// The most audit days the counted members (leader and auditors) can give between `start`
/// and `end`, both included.
pub fn capacity_days(team: &[Member], start: NaiveDate, end: NaiveDate) -> f64 {
    let counted = team.iter().filter(|m| m.role.counts_days()).count() as f64;
    let days = ((end - start).num_days() + 1).max(0) as f64;
    counted * days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certification::events::TeamRole;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn conflict_lasts_through_its_last_day() {
        let c = Conflict {
            person: "p".into(),
            reason: "2年内咨询".into(),
            until: Some(d("2026-06-30")),
        };
        assert!(c.active_on(d("2026-06-30")));
        assert!(!c.active_on(d("2026-07-01")));
        let forever = Conflict { until: None, ..c };
        assert!(forever.active_on(d("2099-01-01")));
    }

    #[test]
    fn competence_needs_both_records() {
        let mut p = Person {
            id: "a".into(),
            competence: vec!["CCAA-QMS-2020".into()],
            ..Person::default()
        };
        assert_eq!(competence_gaps(&p), vec!["EEPC认证知识培训"]);
        p.competence.push("eepc 2025".into());
        assert!(competence_gaps(&p).is_empty());
    }

    #[test]
    fn experts_and_trainees_add_no_capacity() {
        let team = vec![
            Member {
                person: "l".into(),
                role: TeamRole::Leader,
                task: None,
            },
            Member {
                person: "e".into(),
                role: TeamRole::TechnicalExpert,
                task: None,
            },
            Member {
                person: "t".into(),
                role: TeamRole::Trainee,
                task: None,
            },
        ];
        assert_eq!(capacity_days(&team, d("2026-03-02"), d("2026-03-03")), 2.0);
    }
}
