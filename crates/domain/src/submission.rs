//! Submitting with care and withdrawing: what a submission must acknowledge, which stored
//! answers are self-declared and still unverified, when the body has acted on a submission,
//! and who may withdraw it until then.

use serde_json::Value;

use crate::access::Access;
use crate::msg::Denied;
use crate::text::{AssessmentStatus, Role};

/// Whether a stored answer is self-declared and not yet verified (`"source": "self",
/// "verified": false`): it is kept but does not count (I-6).
pub fn unverified_self(stored: &Value) -> bool {
    stored.get("source").and_then(Value::as_str) == Some("self")
        && stored.get("verified").and_then(Value::as_bool) != Some(true)
}

/// The party that may submit an assessment (and see its confirmation page): see
/// [`Access::submit`], whatever the assessment's status.
pub fn submitter(access: &Access) -> Result<(), Denied> {
    access.submit(AssessmentStatus::Draft)
}

/// Submitting with unanswered items is allowed once the person has acknowledged how many
/// there are (`acknowledged`: the number they saw and confirmed, none when they did not tick
/// the box). A number below today's count means more items became unanswered since the
/// confirmation page was shown: they must confirm again.
pub fn acknowledged(unanswered: usize, acknowledged: Option<usize>) -> Result<(), Denied> {
    if unanswered == 0 || acknowledged.is_some_and(|n| n >= unanswered) {
        return Ok(());
    }
    Err(Denied::invalid(
        "acknowledge",
        format!(
            "仍有 {} 项未填：请勾选“我已知晓仍有 {} 项未填”后再提交，或先填完这些指标",
            unanswered, unanswered
        ),
        format!(
            "{} items are still unanswered: tick “I know that {} items are still unanswered” to submit, or answer them first",
            unanswered, unanswered
        ),
    ))
}

/// One answer version written to an assessment: its id (versions are numbered in the order
/// they are written) and the role of the person who wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionBy {
    pub id: i64,
    pub role: Role,
}

/// Whether the body has acted on a submission: an answer version written after it (an id
/// above `last_at_submission`, the highest id when it was submitted) by someone who is not an
/// enterprise member (a reviewer verifying or correcting, staff answering on site).
pub fn body_has_acted(last_at_submission: i64, versions: &[VersionBy]) -> bool {
    versions
        .iter()
        .any(|v| v.id > last_at_submission && v.role != Role::Enterprise)
}

/// Withdraw a submission (back to draft): the party that may submit (see
/// [`Access::submit`]), while the assessment is submitted and the body has not acted on it.
pub fn withdraw(access: &Access, status: AssessmentStatus, body_acted: bool) -> Result<(), Denied> {
    if *access != Access::Edit {
        return Err(Denied::forbidden(
            "只有提交评价的一方（企业自评由企业，现场评价由评价机构）可以撤回提交",
            "Only the party that submits the assessment (the enterprise for a self-assessment, the evaluation body for an on-site one) may withdraw the submission",
        ));
    }
    if status != AssessmentStatus::Submitted {
        return Err(Denied::locked(
            "评价尚未提交，无需撤回",
            "The assessment is not submitted; there is nothing to withdraw",
        ));
    }
    if body_acted {
        return Err(Denied::locked(
            "评价机构已在提交后处理了答案（核验或修改），不能再撤回；如需修改，请联系评价机构",
            "The evaluation body has acted on the submission (verified or changed answers); it can no longer be withdrawn. To change anything, contact the evaluation body",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_unverified_self_answers_are_listed() {
        assert!(unverified_self(
            &json!({"value": 80, "source": "self", "verified": false})
        ));
        assert!(unverified_self(&json!({"value": 80, "source": "self"})));
        assert!(!unverified_self(
            &json!({"value": 80, "source": "self", "verified": true})
        ));
        assert!(!unverified_self(
            &json!({"value": 80, "source": "platform", "verified": true})
        ));
        assert!(!unverified_self(&json!(80)));
        assert!(!unverified_self(&json!({"experts": [1, 2, 3]})));
    }

    #[test]
    fn unanswered_items_need_an_acknowledgement_of_at_least_their_number() {
        assert!(acknowledged(0, None).is_ok());
        assert!(acknowledged(3, Some(3)).is_ok());
        assert!(acknowledged(3, Some(5)).is_ok());
        let Err(Denied::Invalid(e)) = acknowledged(3, None) else {
            panic!("submitted without acknowledging")
        };
        assert_eq!(e[0].field, "acknowledge");
        assert!(e[0].message.zh.contains("仍有 3 项未填"), "{e:?}");
        assert!(acknowledged(4, Some(3)).is_err());
    }

    #[test]
    fn the_body_has_acted_when_staff_wrote_after_the_submission() {
        let v = |id, role| VersionBy { id, role };
        assert!(!body_has_acted(10, &[]));
        assert!(!body_has_acted(
            10,
            &[v(3, Role::Auditor), v(11, Role::Enterprise)]
        ));
        assert!(body_has_acted(10, &[v(11, Role::Auditor)]));
        assert!(body_has_acted(10, &[v(12, Role::Operator)]));
        assert!(!body_has_acted(10, &[v(10, Role::BodyAdmin)]));
    }

    #[test]
    fn the_submitter_withdraws_until_the_body_acts() {
        use AssessmentStatus::*;
        assert!(withdraw(&Access::Edit, Submitted, false).is_ok());
        assert!(matches!(
            withdraw(&Access::Edit, Submitted, true),
            Err(Denied::Locked(_))
        ));
        assert!(matches!(
            withdraw(&Access::Edit, Draft, false),
            Err(Denied::Locked(_))
        ));
        for a in [Access::Read, Access::Platform, Access::Expert(vec![])] {
            assert!(matches!(
                withdraw(&a, Submitted, false),
                Err(Denied::Forbidden(_))
            ));
            assert!(matches!(submitter(&a), Err(Denied::Forbidden(_))));
        }
        assert!(submitter(&Access::Edit).is_ok());
    }
}
