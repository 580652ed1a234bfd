//! Managing staff: who may deactivate, reactivate or change the role of whom, and who may
//! revoke an invitation. A body admin manages the staff of their own body; the system
//! administrator the staff of every body and platform. A body admin never deactivates their
//! own account, and does not give up the admin role while no other active admin remains.
//! Everyone else is told the person does not exist (the pages answer 404).

use crate::access::Principal;
use crate::msg::{Denied, Lang};
use crate::text::{OrgKind, Role};

/// What the rules need to know of a member of staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_kind: Option<OrgKind>,
    pub disabled: bool,
}

/// A change to a member of staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange {
    Deactivate,
    Reactivate,
    Role(Role),
}

/// The roles staff of an organisation of this kind may have.
pub fn roles_for(kind: OrgKind) -> &'static [Role] {
    match kind {
        OrgKind::Body => Role::BODY,
        OrgKind::Platform => &[Role::Operator],
    }
}

/// Whether `p` manages the staff of organisation `org_id` (sees them on the administration
/// pages with their controls and invitations).
pub fn manages_org(p: &Principal, org_id: i64) -> bool {
    match p.role {
        Role::Sysadmin => true,
        Role::BodyAdmin => p.org_id == Some(org_id),
        _ => false,
    }
}

/// Whether `p` may make `change` to `m`; `Ok(false)` when it would change nothing (already
/// deactivated, already in that role). `other_active_admins`: the active body admins of the
/// member's organisation other than the member.
pub fn manage(
    p: &Principal,
    m: &Member,
    change: StaffChange,
    other_active_admins: usize,
) -> Result<bool, Denied> {
    let Some(org) = m.org_id else {
        return Err(Denied::NotFound);
    };
    if !manages_org(p, org) || matches!(m.role, Role::Enterprise | Role::Sysadmin) {
        return Err(Denied::NotFound);
    }
    let own = m.user_id == p.user_id;
    match change {
        StaffChange::Deactivate if own => Err(Denied::forbidden(
            "不能停用自己的账号",
            "You may not deactivate your own account",
        )),
        StaffChange::Deactivate => Ok(!m.disabled),
        StaffChange::Reactivate => Ok(m.disabled),
        StaffChange::Role(r) => {
            let allowed = m.org_kind.map(roles_for).unwrap_or(&[]);
            if !allowed.contains(&r) {
                let zh: Vec<&str> = allowed.iter().map(|x| x.label(Lang::Zh)).collect();
                let en: Vec<&str> = allowed.iter().map(|x| x.label(Lang::En)).collect();
                return Err(Denied::invalid(
                    "role",
                    format!("可选的角色：{}", zh.join("、")),
                    format!("Roles to choose from: {}", en.join(", ")),
                ));
            }
            if r == m.role {
                return Ok(false);
            }
            if own && m.role == Role::BodyAdmin && other_active_admins == 0 {
                return Err(Denied::forbidden(
                    "你是本机构唯一在用的机构管理员，不能改为其他角色：请先把另一位人员设为机构管理员",
                    "You are the body's only active admin and may not take another role: make someone else an admin first",
                ));
            }
            Ok(true)
        }
    }
}

/// Whether `p` may revoke an invitation into organisation `org_id` (none: a system admin's
/// invitation) that has or has not been `used` or `revoked`.
pub fn revoke_invitation(
    p: &Principal,
    org_id: Option<i64>,
    used: bool,
    revoked: bool,
) -> Result<(), Denied> {
    let allowed = match org_id {
        Some(o) => manages_org(p, o),
        None => p.role == Role::Sysadmin,
    };
    if !allowed {
        return Err(Denied::NotFound);
    }
    if used {
        return Err(Denied::locked(
            "这份邀请已被接受，不能撤销；如需要，请停用该账号",
            "This invitation was accepted and cannot be revoked; deactivate the account instead",
        ));
    }
    if revoked {
        return Err(Denied::locked(
            "这份邀请已撤销",
            "This invitation is already revoked",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, role: Role, org: Option<i64>) -> Principal {
        Principal {
            user_id: id,
            role,
            org_id: org,
            enterprise_id: None,
        }
    }

    fn m(id: i64, role: Role, org: i64, kind: OrgKind) -> Member {
        Member {
            user_id: id,
            role,
            org_id: Some(org),
            org_kind: Some(kind),
            disabled: false,
        }
    }

    #[test]
    fn body_admins_manage_their_own_body_only() {
        let admin = p(1, Role::BodyAdmin, Some(4));
        let aud = m(2, Role::Auditor, 4, OrgKind::Body);
        assert_eq!(manage(&admin, &aud, StaffChange::Deactivate, 0), Ok(true));
        assert_eq!(
            manage(
                &admin,
                &Member {
                    disabled: true,
                    ..aud
                },
                StaffChange::Deactivate,
                0
            ),
            Ok(false)
        );
        assert_eq!(
            manage(
                &admin,
                &Member {
                    disabled: true,
                    ..aud
                },
                StaffChange::Reactivate,
                0
            ),
            Ok(true)
        );
        assert_eq!(
            manage(&admin, &aud, StaffChange::Role(Role::Expert), 0),
            Ok(true)
        );
        assert_eq!(
            manage(&admin, &aud, StaffChange::Role(Role::Auditor), 0),
            Ok(false)
        );
        let Err(Denied::Invalid(e)) = manage(&admin, &aud, StaffChange::Role(Role::Operator), 0)
        else {
            panic!("an operator in a body")
        };
        assert!(e[0].message.zh.contains("审核员") && !e[0].message.zh.contains("auditor"));
        let other_body = m(3, Role::Auditor, 5, OrgKind::Body);
        assert_eq!(
            manage(&admin, &other_body, StaffChange::Deactivate, 0),
            Err(Denied::NotFound)
        );
        for who in [
            p(9, Role::Auditor, Some(4)),
            p(9, Role::Decider, Some(4)),
            p(9, Role::Operator, Some(4)),
        ] {
            assert_eq!(
                manage(&who, &aud, StaffChange::Deactivate, 1),
                Err(Denied::NotFound)
            );
        }
    }

    #[test]
    fn the_last_active_admin_stays_an_admin_and_nobody_deactivates_themselves() {
        let admin = p(1, Role::BodyAdmin, Some(4));
        let me = m(1, Role::BodyAdmin, 4, OrgKind::Body);
        assert!(matches!(
            manage(&admin, &me, StaffChange::Deactivate, 3),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            manage(&admin, &me, StaffChange::Role(Role::Auditor), 0),
            Err(Denied::Forbidden(_))
        ));
        assert_eq!(
            manage(&admin, &me, StaffChange::Role(Role::Auditor), 1),
            Ok(true)
        );
        // another admin may be made an auditor: the acting admin remains
        let other = m(2, Role::BodyAdmin, 4, OrgKind::Body);
        assert_eq!(
            manage(&admin, &other, StaffChange::Role(Role::Auditor), 0),
            Ok(true)
        );
    }

    #[test]
    fn the_system_admin_manages_every_organisations_staff_within_its_roles() {
        let sys = p(1, Role::Sysadmin, None);
        let op = m(2, Role::Operator, 7, OrgKind::Platform);
        assert_eq!(manage(&sys, &op, StaffChange::Deactivate, 0), Ok(true));
        assert!(manage(&sys, &op, StaffChange::Role(Role::Auditor), 0).is_err());
        let last_admin = m(3, Role::BodyAdmin, 4, OrgKind::Body);
        assert_eq!(
            manage(&sys, &last_admin, StaffChange::Deactivate, 0),
            Ok(true)
        );
        let other_sys = Member {
            user_id: 5,
            role: Role::Sysadmin,
            org_id: None,
            org_kind: None,
            disabled: false,
        };
        assert_eq!(
            manage(&sys, &other_sys, StaffChange::Deactivate, 0),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn open_invitations_are_revoked_by_their_organisations_managers() {
        let admin = p(1, Role::BodyAdmin, Some(4));
        assert!(revoke_invitation(&admin, Some(4), false, false).is_ok());
        assert_eq!(
            revoke_invitation(&admin, Some(5), false, false),
            Err(Denied::NotFound)
        );
        assert_eq!(
            revoke_invitation(&admin, None, false, false),
            Err(Denied::NotFound)
        );
        assert!(matches!(
            revoke_invitation(&admin, Some(4), true, false),
            Err(Denied::Locked(_))
        ));
        assert!(matches!(
            revoke_invitation(&admin, Some(4), false, true),
            Err(Denied::Locked(_))
        ));
        let sys = p(2, Role::Sysadmin, None);
        assert!(revoke_invitation(&sys, None, false, false).is_ok());
        assert!(revoke_invitation(&sys, Some(5), false, false).is_ok());
        assert_eq!(
            revoke_invitation(&p(3, Role::Auditor, Some(4)), Some(4), false, false),
            Err(Denied::NotFound)
        );
    }
}
