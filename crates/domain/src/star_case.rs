//! Who enters which event of a star-rating case (seed 000 §6, §8; DESIGN I-19): the
//! enterprise applies; the body's admin records what an evaluation supports and that a
//! supervision was done; the body's decider (or its admin) records the decisions — awards,
//! lowerings, blacklisting and lifting it. Who sees a case is [`crate::case::may_see`].
//!
//! Decisions on the standard's silences: 000 names no decider apart from "the body"; we let
//! the decider and the admin decide (a small body may have no decider), and stamp `by` with
//! the person entering. A blacklisting, a lowering and a lifting carry a reason (the form
//! requires one: a decision against an enterprise says why).

use crate::access::Principal;
use crate::case::{may_see, CaseFacts};
use crate::msg::{Denied, Msg};
use crate::text::Role;

/// Event types the enterprise enters.
pub const CLIENT_EVENTS: &[&str] = &["star_applied"];

/// Event types the body's admin enters as facts: an evaluation's result, a supervision.
pub const FACT_EVENTS: &[&str] = &["star_result", "supervision_completed"];

/// The decisions: the decider enters them, and so may the body's admin.
pub const DECISION_EVENTS: &[&str] = &[
    "star_awarded",
    "star_lowered",
    "blacklisted",
    "blacklist_lifted",
];

/// Decisions whose form requires a reason.
pub const NEEDS_REASON: &[&str] = &["star_lowered", "blacklisted", "blacklist_lifted"];

/// The event types this person may enter in a star case, in I-19 order.
pub fn enterable(p: &Principal, c: CaseFacts) -> Vec<&'static str> {
    let mine = |t: &&str| match p.role {
        Role::Enterprise => p.enterprise_id == Some(c.enterprise_id) && CLIENT_EVENTS.contains(t),
        Role::BodyAdmin => {
            p.org_id == Some(c.org_id) && (FACT_EVENTS.contains(t) || DECISION_EVENTS.contains(t))
        }
        Role::Decider => p.org_id == Some(c.org_id) && DECISION_EVENTS.contains(t),
        _ => false,
    };
    [
        "star_applied",
        "star_result",
        "star_awarded",
        "supervision_completed",
        "star_lowered",
        "blacklisted",
        "blacklist_lifted",
    ]
    .into_iter()
    .filter(|t| mine(t))
    .collect()
}

/// Whether this person may enter an event of type `kind` in a star case (after
/// [`may_see`]); the refusal names who may.
pub fn may_enter(p: &Principal, c: CaseFacts, kind: &str) -> Result<(), Denied> {
    may_see(p, c)?;
    if enterable(p, c).contains(&kind) {
        return Ok(());
    }
    let who = match kind {
        k if CLIENT_EVENTS.contains(&k) => "申请企业（企业用户）",
        k if FACT_EVENTS.contains(&k) => "评价机构管理员",
        k if DECISION_EVENTS.contains(&k) => "评价机构的决定人员或管理员",
        _ => "评价机构",
    };
    Err(Denied::Forbidden(Msg::new(
        format!("星级评价事件“{kind}”只能由{who}记录"),
        format!("Only the party responsible may record “{kind}” in a star rating"),
    )))
}

/// Who links an evaluation's assessment to a star case: the body's admin.
pub fn may_link(p: &Principal, c: CaseFacts) -> Result<(), Denied> {
    may_see(p, c)?;
    if p.role == Role::BodyAdmin && p.org_id == Some(c.org_id) {
        Ok(())
    } else {
        Err(Denied::Forbidden(Msg::new(
            "只有评价机构管理员可以关联评价结果",
            "Only the body's administrator may link an evaluation's result",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, org: Option<i64>, ent: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            role,
            org_id: org,
            enterprise_id: ent,
        }
    }

    const C: CaseFacts = CaseFacts {
        org_id: 10,
        enterprise_id: 20,
    };

    #[test]
    fn each_party_enters_its_own() {
        let ent = p(Role::Enterprise, None, Some(20));
        assert_eq!(enterable(&ent, C), vec!["star_applied"]);
        assert!(may_enter(&ent, C, "star_applied").is_ok());
        assert!(matches!(
            may_enter(&ent, C, "star_awarded"),
            Err(Denied::Forbidden(_))
        ));
        let admin = p(Role::BodyAdmin, Some(10), None);
        assert_eq!(enterable(&admin, C).len(), 6);
        assert!(may_enter(&admin, C, "star_applied").is_err());
        let dec = p(Role::Decider, Some(10), None);
        assert_eq!(
            enterable(&dec, C),
            vec![
                "star_awarded",
                "star_lowered",
                "blacklisted",
                "blacklist_lifted"
            ]
        );
        assert!(may_enter(&dec, C, "star_result").is_err());
        assert!(may_enter(&p(Role::Auditor, Some(10), None), C, "star_result").is_err());
    }

    #[test]
    fn others_do_not_see_it() {
        let other = p(Role::Enterprise, None, Some(21));
        assert!(matches!(
            may_enter(&other, C, "star_applied"),
            Err(Denied::NotFound)
        ));
        let other_body = p(Role::BodyAdmin, Some(11), None);
        assert!(matches!(
            may_enter(&other_body, C, "star_awarded"),
            Err(Denied::NotFound)
        ));
        assert!(may_link(&other_body, C).is_err());
        assert!(may_link(&p(Role::BodyAdmin, Some(10), None), C).is_ok());
        assert!(may_link(&p(Role::Decider, Some(10), None), C).is_err());
    }

    #[test]
    fn every_decision_against_the_enterprise_needs_a_reason() {
        for t in NEEDS_REASON {
            assert!(DECISION_EVENTS.contains(t));
        }
    }
}
