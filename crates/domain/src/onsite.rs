//! An on-site assessment started from an enterprise's self-assessment, and comparing two
//! assessments item by item.
//!
//! **What "carried over" means.** A body reviewer (auditor or body admin of an evaluation body
//! the enterprise has engaged) starts an on-site assessment from one *submitted*
//! self-assessment of the enterprise, chosen explicitly (a draft is still changing under the
//! enterprise's hands and is refused). The new on-site assessment has the same scheme,
//! variant, profile, current stars and first-application flag. Every answered item of the
//! self-assessment is written into it as a proposal to confirm: the same value, the note
//! prefixed with [`CARRIED_MARK`], and the enterprise's source kept — on the star scheme a
//! self-declared answer is carried *unverified* (even if the body had verified it in the
//! self-assessment), so it counts only once a reviewer verifies it in the on-site
//! assessment (I-6); third-party and platform data keep their source and count as they did.
//! Every evidence file of the self-assessment is linked to the same item of the new one (the
//! same stored bytes, the original uploader and time). Nothing else is carried (no expert
//! scores, assignments, proposals or verifications).

use serde_json::Value;

use crate::access::Principal;
use crate::msg::Denied;
use crate::text::{AssessmentStatus, Mode};

/// The start of the note of every answer carried from a self-assessment.
pub const CARRIED_MARK: &str = "（自评带入）";

/// What the rule needs to know of the self-assessment chosen as the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFacts {
    pub mode: Mode,
    /// The body running it (none for an enterprise's self-assessment).
    pub org_id: Option<i64>,
    pub status: AssessmentStatus,
}

/// Whether `p` may start an on-site assessment from the self-assessment `s` (which they can
/// see). `engaged`: whether the enterprise has engaged `p`'s body.
pub fn may_start_from(p: &Principal, s: &SourceFacts, engaged: bool) -> Result<(), Denied> {
    if !p.role.is_body_editor() || p.org_id.is_none() {
        return Err(Denied::forbidden(
            "只有受托评价机构的审核员或机构管理员可以据企业自评开始现场评价",
            "Only an auditor or admin of the engaged evaluation body may start an on-site assessment from a self-assessment",
        ));
    }
    if !engaged {
        return Err(Denied::forbidden(
            "这家企业没有委托你所在的机构，不能为它开始现场评价",
            "This enterprise has not engaged your body; you cannot start an on-site assessment for it",
        ));
    }
    if s.mode != Mode::SelfEvaluation || s.org_id.is_some() {
        return Err(Denied::invalid(
            "from_self",
            "只能从企业自评开始现场评价；请选择企业的一份自评",
            "An on-site assessment can only start from a self-assessment; choose one of the enterprise's self-assessments",
        ));
    }
    if s.status != AssessmentStatus::Submitted {
        return Err(Denied::invalid(
            "from_self",
            "企业尚未提交这份自评；请等企业提交后再据此开始现场评价",
            "The enterprise has not submitted this self-assessment yet; start from it once it is submitted",
        ));
    }
    Ok(())
}

/// The note of a carried answer: the original note after [`CARRIED_MARK`].
pub fn carried_note(note: &str) -> String {
    let note = note.trim();
    if note.starts_with(CARRIED_MARK) {
        note.to_string()
    } else {
        format!("{}{}", CARRIED_MARK, note)
    }
}

/// The stored value of a carried answer: the same value; on the star scheme a self-declared
/// answer (`{"value", "source": "self", "verified"}`) is carried unverified.
pub fn carried_value(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        if m.get("source").and_then(Value::as_str) == Some("self") {
            m.insert("verified".into(), Value::Bool(false));
        }
    }
    v
}

/// The value of an answer as compared: the figure of a star-scheme answer (its source and
/// verification aside), any other answer as stored.
pub fn compared_value(v: &Value) -> &Value {
    match v {
        Value::Object(m) if m.contains_key("value") => &m["value"],
        v => v,
    }
}

/// Whether two answers of an item differ (an answer against none differs; numbers are
/// compared as numbers, 88 = 88.0).
pub fn differs(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.map(compared_value), b.map(compared_value)) {
        (None, None) => false,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p != q,
            _ => x != y,
        },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Role;
    use serde_json::json;

    fn p(role: Role, org: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            role,
            org_id: org,
            enterprise_id: (role == Role::Enterprise).then_some(3),
        }
    }

    const SUBMITTED_SELF: SourceFacts = SourceFacts {
        mode: Mode::SelfEvaluation,
        org_id: None,
        status: AssessmentStatus::Submitted,
    };

    #[test]
    fn only_a_reviewer_of_the_engaged_body_starts_from_a_submitted_self_assessment() {
        let aud = p(Role::Auditor, Some(1));
        assert!(may_start_from(&aud, &SUBMITTED_SELF, true).is_ok());
        assert!(may_start_from(&p(Role::BodyAdmin, Some(1)), &SUBMITTED_SELF, true).is_ok());
        for who in [
            p(Role::Enterprise, None),
            p(Role::Expert, Some(1)),
            p(Role::Decider, Some(1)),
            p(Role::Operator, Some(2)),
            p(Role::Sysadmin, None),
            p(Role::Auditor, None),
        ] {
            assert!(matches!(
                may_start_from(&who, &SUBMITTED_SELF, true),
                Err(Denied::Forbidden(_))
            ));
        }
        assert!(matches!(
            may_start_from(&aud, &SUBMITTED_SELF, false),
            Err(Denied::Forbidden(_))
        ));
        let draft = SourceFacts {
            status: AssessmentStatus::Draft,
            ..SUBMITTED_SELF
        };
        assert!(matches!(
            may_start_from(&aud, &draft, true),
            Err(Denied::Invalid(_))
        ));
        let onsite = SourceFacts {
            mode: Mode::Onsite,
            org_id: Some(1),
            ..SUBMITTED_SELF
        };
        assert!(matches!(
            may_start_from(&aud, &onsite, true),
            Err(Denied::Invalid(_))
        ));
    }

    #[test]
    fn carried_answers_are_marked_and_self_declared_ones_need_verification_again() {
        assert_eq!(carried_note(" 见年报 "), "（自评带入）见年报");
        assert_eq!(carried_note("（自评带入）x"), "（自评带入）x");
        assert_eq!(carried_note(""), "（自评带入）");
        let own = json!({"value": 88, "source": "self", "verified": true});
        assert_eq!(
            carried_value(&own),
            json!({"value": 88, "source": "self", "verified": false})
        );
        let third = json!({"value": 70, "source": "third_party", "verified": true});
        assert_eq!(carried_value(&third), third);
        assert_eq!(carried_value(&json!(4)), json!(4));
    }

    #[test]
    fn differences_compare_the_figures() {
        let a = json!({"value": 88, "source": "self", "verified": false});
        let b = json!({"value": 88.0, "source": "onsite", "verified": true});
        let c = json!({"value": 90, "source": "onsite", "verified": true});
        assert!(!differs(Some(&a), Some(&b)));
        assert!(differs(Some(&a), Some(&c)));
        assert!(differs(Some(&a), None) && differs(None, Some(&a)));
        assert!(!differs(None, None));
        assert!(!differs(Some(&json!(3)), Some(&json!(3))));
        assert!(differs(Some(&json!([1, 2])), Some(&json!([1, 3]))));
    }
}
