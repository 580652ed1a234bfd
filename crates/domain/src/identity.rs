//! An enterprise's identity — its 统一社会信用代码 and 名称 — is locked once one of its
//! assessments is submitted or an evaluation body is engaged: certificates and reports name
//! it. After that, a change is a request that an admin of an engaged body approves (and the
//! change is applied) or rejects with a note; the person who filed it, or anyone who may edit
//! the record, may withdraw it while it is pending. One pending request per enterprise.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::Principal;
use crate::msg::{Denied, FieldError, Lang};
use crate::text::{text_enum, Role, UnknownText};

text_enum! {
    /// Where a request to change an enterprise's identity stands.
    RequestStatus, "申请状态" {
        Pending = "pending", "待处理", "Pending";
        Approved = "approved", "已批准", "Approved";
        Rejected = "rejected", "已驳回", "Rejected";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
    }
}

/// Why the identity is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// An assessment of the enterprise is submitted.
    Submitted,
    /// An evaluation body is engaged.
    Engaged,
}

impl LockReason {
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            LockReason::Submitted => l.t("评价已提交", "an assessment is submitted"),
            LockReason::Engaged => l.t("已委托机构", "an evaluation body is engaged"),
        }
    }
}

/// Whether (and why) an enterprise's identity is locked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityLock {
    pub reasons: Vec<LockReason>,
}

impl IdentityLock {
    /// From whether any assessment of the enterprise is submitted (any status but draft) and
    /// how many evaluation bodies (not platforms) it has engaged.
    pub fn of(any_submitted: bool, engaged_bodies: usize) -> IdentityLock {
        let mut reasons = Vec::new();
        if any_submitted {
            reasons.push(LockReason::Submitted);
        }
        if engaged_bodies > 0 {
            reasons.push(LockReason::Engaged);
        }
        IdentityLock { reasons }
    }

    pub fn locked(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// “已锁定：评价已提交/已委托机构”, or `None` when not locked.
    pub fn text(&self, l: Lang) -> Option<String> {
        if !self.locked() {
            return None;
        }
        let why: Vec<&str> = self.reasons.iter().map(|r| r.label(l)).collect();
        Some(match l {
            Lang::Zh => format!("已锁定：{}", why.join("/")),
            Lang::En => format!("Locked: {}", why.join("; ")),
        })
    }
}

/// What saving an enterprise's record does with its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentitySave {
    /// The credit code and name are as stored.
    Unchanged,
    /// Not locked: saved with the rest of the record.
    Apply,
    /// Locked: the rest of the record is saved; the new credit code and name become a request.
    Request,
}

/// Saving a record whose identity `changed`: applied, requested, or refused while another
/// request is pending.
pub fn save(lock: &IdentityLock, changed: bool, pending: bool) -> Result<IdentitySave, Denied> {
    if !changed {
        return Ok(IdentitySave::Unchanged);
    }
    if !lock.locked() {
        return Ok(IdentitySave::Apply);
    }
    if pending {
        return Err(Denied::Invalid(vec![FieldError::new(
            "uscc",
            "统一社会信用代码和名称已锁定，且已有一项变更申请待处理：请等待评价机构管理员处理，或先撤回那项申请",
            "The credit code and name are locked and a change request is already pending: wait for the evaluation body's admin, or withdraw that request first",
        )]));
    }
    Ok(IdentitySave::Request)
}

/// An admin of a body the enterprise has engaged decides a pending request filed by someone
/// else (`engaged_bodies`: the ids of those bodies).
pub fn decide(
    p: &Principal,
    engaged_bodies: &[i64],
    requested_by: i64,
    status: RequestStatus,
) -> Result<(), Denied> {
    let admin_of_engaged =
        p.role == Role::BodyAdmin && p.org_id.is_some_and(|o| engaged_bodies.contains(&o));
    if !admin_of_engaged {
        return Err(Denied::forbidden(
            "只有受企业委托的评价机构的机构管理员可以批准或驳回企业名称、信用代码的变更",
            "Only an admin of an evaluation body the enterprise has engaged may approve or reject a change of its name or credit code",
        ));
    }
    if requested_by == p.user_id {
        return Err(Denied::forbidden(
            "不能处理自己提交的变更申请：请由另一位机构管理员处理，或撤回申请",
            "You may not decide a change request you filed yourself: another admin decides it, or you withdraw it",
        ));
    }
    pending(status)
}

/// The person who filed a pending request, or anyone who may edit the record, withdraws it.
pub fn withdraw(
    p: &Principal,
    enterprise_id: i64,
    requested_by: i64,
    status: RequestStatus,
) -> Result<(), Denied> {
    if p.user_id != requested_by && !p.can_edit_enterprise(enterprise_id) {
        return Err(Denied::forbidden(
            "只有申请人或可以修改企业登记信息的人可以撤回变更申请",
            "Only the person who filed the request, or someone who may edit the record, may withdraw it",
        ));
    }
    pending(status)
}

fn pending(status: RequestStatus) -> Result<(), Denied> {
    if status == RequestStatus::Pending {
        Ok(())
    } else {
        Err(Denied::locked(
            format!("这项申请已处理（{}）", status.label(Lang::Zh)),
            format!(
                "This request is already closed ({})",
                status.label(Lang::En)
            ),
        ))
    }
}

/// The note of a decision: required to reject (the enterprise reads why), at most 500
/// characters.
pub fn decision_note(approve: bool, note: &str) -> Result<String, FieldError> {
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(FieldError::new(
            "note",
            "驳回时请写明理由，企业会看到它",
            "Give the reason for rejecting; the enterprise reads it",
        ));
    }
    if note.chars().count() > 500 {
        return Err(FieldError::new(
            "note",
            "意见最多 500 字",
            "The note may have at most 500 characters",
        ));
    }
    Ok(note.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, role: Role, org: Option<i64>, ent: Option<i64>) -> Principal {
        Principal {
            user_id: id,
            role,
            org_id: org,
            enterprise_id: ent,
        }
    }

    #[test]
    fn the_identity_locks_on_submission_or_engagement() {
        assert!(!IdentityLock::of(false, 0).locked());
        assert_eq!(IdentityLock::of(false, 0).text(Lang::Zh), None);
        assert_eq!(
            IdentityLock::of(true, 1).text(Lang::Zh).unwrap(),
            "已锁定：评价已提交/已委托机构"
        );
        assert_eq!(
            IdentityLock::of(false, 2).text(Lang::Zh).unwrap(),
            "已锁定：已委托机构"
        );
        let locked = IdentityLock::of(true, 0);
        assert_eq!(save(&locked, false, true), Ok(IdentitySave::Unchanged));
        assert_eq!(save(&locked, true, false), Ok(IdentitySave::Request));
        assert!(matches!(save(&locked, true, true), Err(Denied::Invalid(_))));
        assert_eq!(
            save(&IdentityLock::default(), true, false),
            Ok(IdentitySave::Apply)
        );
    }

    #[test]
    fn only_another_admin_of_an_engaged_body_decides() {
        let admin = p(1, Role::BodyAdmin, Some(5), None);
        assert!(decide(&admin, &[5], 2, RequestStatus::Pending).is_ok());
        assert!(matches!(
            decide(&admin, &[6], 2, RequestStatus::Pending),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            decide(&admin, &[5], 1, RequestStatus::Pending),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            decide(&admin, &[5], 2, RequestStatus::Approved),
            Err(Denied::Locked(_))
        ));
        for other in [
            p(3, Role::Auditor, Some(5), None),
            p(3, Role::Enterprise, None, Some(9)),
            p(3, Role::Sysadmin, None, None),
        ] {
            assert!(
                matches!(
                    decide(&other, &[5], 2, RequestStatus::Pending),
                    Err(Denied::Forbidden(_))
                ),
                "{other:?}"
            );
        }
    }

    #[test]
    fn the_filer_or_an_editor_withdraws_and_rejections_need_a_reason() {
        let ent = p(2, Role::Enterprise, None, Some(9));
        assert!(withdraw(&ent, 9, 7, RequestStatus::Pending).is_ok());
        assert!(withdraw(
            &p(7, Role::Decider, Some(5), None),
            9,
            7,
            RequestStatus::Pending
        )
        .is_ok());
        assert!(withdraw(
            &p(8, Role::Decider, Some(5), None),
            9,
            7,
            RequestStatus::Pending
        )
        .is_err());
        assert!(matches!(
            withdraw(&ent, 9, 2, RequestStatus::Rejected),
            Err(Denied::Locked(_))
        ));
        assert!(decision_note(false, "  ").is_err());
        assert_eq!(decision_note(true, " ok "), Ok("ok".to_string()));
        assert!(decision_note(true, &"x".repeat(501)).is_err());
    }
}
