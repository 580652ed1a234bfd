//! Who sees which rows and what they may do with an object they see. Forbidden objects are
//! reported as not found by the callers, so that a refusal never reveals that they exist.

use tianping_core::Category;

use crate::msg::Denied;
use crate::text::{AssessmentStatus, Mode, OrgKind, Role};

/// Which rows a person may see (applied by the store in SQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything (system administrator).
    All,
    /// One enterprise's own data (enterprise members).
    Enterprise(i64),
    /// An evaluation body's or a platform's clients (engagements); assessments run by the
    /// organisation itself or self-assessments of its clients.
    Org(i64),
    /// An expert: only assessments with items assigned to them.
    Expert(i64),
    /// Nothing.
    None,
}

/// The person acting: their account, role and where they belong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

/// What the rules need to know of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssessmentFacts {
    /// The body running it (on-site), or none (the enterprise's self-assessment).
    pub org_id: Option<i64>,
    /// Whether it uses the star scheme (T11/AII 001-2020), whose 线上 items platforms verify.
    pub star_scheme: bool,
    pub status: AssessmentStatus,
}

impl Principal {
    /// The rows this person may see.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Sysadmin => Scope::All,
            Role::Enterprise => self
                .enterprise_id
                .map(Scope::Enterprise)
                .unwrap_or(Scope::None),
            Role::Auditor | Role::Decider | Role::BodyAdmin | Role::Operator => {
                self.org_id.map(Scope::Org).unwrap_or(Scope::None)
            }
            Role::Expert => Scope::Expert(self.user_id),
        }
    }

    /// Whether totals, grades and stars are shown to this person in lists. Experts score
    /// their items independently and see no totals (I-13).
    pub fn sees_totals(&self) -> bool {
        self.role != Role::Expert
    }

    /// Whether this person may see how a body's clients stand together (the distribution of
    /// their grades and their common gaps, I-23): the body's own staff other than experts,
    /// and the system administrator.
    pub fn sees_clients_of(&self, org_id: i64) -> bool {
        match self.role {
            Role::Sysadmin => true,
            Role::Auditor | Role::Decider | Role::BodyAdmin | Role::Operator => {
                self.org_id == Some(org_id)
            }
            Role::Enterprise | Role::Expert => false,
        }
    }

    /// Whether this person may change the record (and sites) of a visible enterprise: the
    /// enterprise itself and the staff of a body that serves it. The system administrator
    /// runs the platform and reads everything, but an enterprise's record belongs to the
    /// enterprise and its bodies.
    pub fn can_edit_enterprise(&self, enterprise_id: i64) -> bool {
        match self.role {
            Role::Enterprise => self.enterprise_id == Some(enterprise_id),
            Role::Auditor | Role::BodyAdmin => true,
            _ => false,
        }
    }

    /// [`Self::can_edit_enterprise`] as a refusal naming what is not allowed.
    pub fn edit_enterprise(&self, enterprise_id: i64, what: EnterprisePart) -> Result<(), Denied> {
        if self.can_edit_enterprise(enterprise_id) {
            return Ok(());
        }
        Err(match what {
            EnterprisePart::Record => Denied::forbidden(
                "你可以查看但不能修改这家企业的登记信息",
                "You may view but not change this enterprise's record",
            ),
            EnterprisePart::Sites => Denied::forbidden(
                "你不能修改这家企业的场所",
                "You may not change this enterprise's sites",
            ),
        })
    }

    /// A body registers a client enterprise: the body it is engaged with.
    pub fn register_enterprise(&self) -> Result<i64, Denied> {
        match (self.role, self.org_id) {
            (Role::Auditor | Role::BodyAdmin, Some(o)) => Ok(o),
            _ => Err(Denied::forbidden(
                "只有评价机构的审核员或管理员可以登记客户企业；企业请自行注册",
                "Only an evaluation body's auditors or admins may register client enterprises; enterprises sign up themselves",
            )),
        }
    }

    /// An enterprise engages an evaluation body or authorises a platform.
    pub fn engage(&self, enterprise_id: i64) -> Result<(), Denied> {
        if self.role == Role::Enterprise && self.enterprise_id == Some(enterprise_id) {
            Ok(())
        } else {
            Err(Denied::forbidden(
                "只有企业本身可以委托评价机构或授权平台",
                "Only the enterprise itself may engage an evaluation body or authorise a platform",
            ))
        }
    }

    /// Who may create an assessment, and what it becomes: the enterprise's own
    /// self-assessment, or the body's on-site assessment.
    pub fn new_assessment(&self) -> Result<(Option<i64>, Mode), Denied> {
        match self.role {
            Role::Enterprise => Ok((None, Mode::SelfEvaluation)),
            Role::Auditor | Role::BodyAdmin if self.org_id.is_some() => {
                Ok((self.org_id, Mode::Onsite))
            }
            _ => Err(Denied::forbidden(
                "只有企业用户（自评）和评价机构的审核员、管理员（现场评价）可以创建评价",
                "Only enterprise members (self-assessment) and an evaluation body's auditors and admins (on-site assessment) may create assessments",
            )),
        }
    }

    /// Whether this person may give an assessment a profile (selected indicators and weights):
    /// an evaluation body's staff, who answer for the selection; an enterprise's
    /// self-assessment follows the scheme as published.
    pub fn set_profile(&self) -> Result<(), Denied> {
        if self.role.is_body_editor() {
            return Ok(());
        }
        Err(Denied::invalid(
            "profile",
            "评价方案配置（选用指标与权重）只能由评价机构设置；企业自评按标准原文评价，请留空",
            "A profile (selected indicators and weights) is set by an evaluation body only; a self-assessment follows the published standard, so leave it empty",
        ))
    }

    /// What this person may do with an assessment they can see. `expert_items` are the items
    /// assigned to them (only read for experts).
    pub fn access(
        &self,
        a: &AssessmentFacts,
        expert_items: impl FnOnce() -> Vec<String>,
    ) -> Access {
        match self.role {
            Role::Enterprise if a.org_id.is_none() => Access::Edit,
            Role::Auditor | Role::BodyAdmin if a.org_id.is_some() && a.org_id == self.org_id => {
                Access::Edit
            }
            Role::Expert => Access::Expert(expert_items()),
            Role::Operator if a.org_id.is_none() && a.star_scheme => Access::Platform,
            _ => Access::Read,
        }
    }

    /// Assign (or remove) an expert of the body on one of the body's on-site assessments.
    pub fn assign_experts(&self, a: &AssessmentFacts, access: &Access) -> Result<(), Denied> {
        if *access != Access::Edit || a.org_id.is_none() || !self.role.is_body_editor() {
            return Err(Denied::forbidden(
                "只有评价机构的审核员或管理员可以为本机构的现场评价指派专家",
                "Only an evaluation body's auditors or admins may assign experts to the body's on-site assessments",
            ));
        }
        draft(a.status)
    }

    /// The roles this person may invite (body admins: the body's roles; the system
    /// administrator: every staff role), or a refusal for everyone else.
    pub fn invitable_roles(&self) -> Result<&'static [Role], Denied> {
        match self.role {
            Role::BodyAdmin => Ok(Role::BODY),
            Role::Sysadmin => Ok(&[
                Role::BodyAdmin,
                Role::Auditor,
                Role::Expert,
                Role::Decider,
                Role::Operator,
                Role::Sysadmin,
            ]),
            _ => Err(Denied::forbidden(
                "只有机构管理员或系统管理员可以邀请人员",
                "Only body admins or system admins may invite people",
            )),
        }
    }

    /// The role (as typed) and organisation of a new member of staff this person invites.
    /// A body admin invites into their body; the system administrator chooses an
    /// organisation of the kind the role belongs to (`org`: its id and kind).
    pub fn invite(
        &self,
        role: &str,
        org: Option<(i64, OrgKind)>,
    ) -> Result<(Role, Option<i64>), Denied> {
        let roles = self.invitable_roles()?;
        let Some(role) = role
            .trim()
            .parse::<Role>()
            .ok()
            .filter(|r| roles.contains(r))
        else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            return Err(Denied::invalid(
                "role",
                format!("可邀请的角色：{}", names.join("、")),
                format!("Roles you may invite: {}", names.join(", ")),
            ));
        };
        match (self.role, role.org_kind()) {
            (Role::BodyAdmin, _) => Ok((role, self.org_id)),
            (_, None) => Ok((role, None)),
            (_, Some(kind)) => match org {
                Some((id, k)) if k == kind => Ok((role, Some(id))),
                _ => Err(Denied::invalid(
                    "org_id",
                    "请选择与角色相符的机构（评价机构或平台）",
                    "Choose an organisation that fits the role (an evaluation body or a platform)",
                )),
            },
        }
    }

    /// Create an evaluation body or a platform.
    pub fn create_org(&self) -> Result<(), Denied> {
        if self.role == Role::Sysadmin {
            Ok(())
        } else {
            Err(Denied::forbidden(
                "只有系统管理员可以创建评价机构或平台",
                "Only system admins may create evaluation bodies or platforms",
            ))
        }
    }

    /// The administration page (people, invitations, organisations).
    pub fn administers(&self) -> bool {
        matches!(self.role, Role::Sysadmin | Role::BodyAdmin)
    }

    /// The audit log page.
    pub fn reads_audit_log(&self) -> bool {
        self.role == Role::Sysadmin
    }
}

/// Which part of an enterprise's record a change concerns (for the refusal's wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterprisePart {
    Record,
    Sites,
}

/// What a person may do with an assessment they can see.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Read everything.
    Read,
    /// Answer every item, upload evidence, submit (and, for a body's own assessment, assign
    /// experts).
    Edit,
    /// An expert: only these items.
    Expert(Vec<String>),
    /// A platform operator feeding platform data into 线上 items (000 self-assessments).
    Platform,
}

impl Access {
    /// Whether the person sees this item at all.
    pub fn sees_item(&self, indicator: &str) -> bool {
        match self {
            Access::Expert(items) => items.iter().any(|i| i == indicator),
            _ => true,
        }
    }

    /// Whether the person sees totals, grades and stars (experts do not, I-13).
    pub fn sees_result(&self) -> bool {
        !matches!(self, Access::Expert(_))
    }

    /// Whether the person may answer (or score) this item. Platform operators give platform
    /// data for 线上 items only.
    pub fn answer(&self, category: Option<Category>) -> Result<(), Denied> {
        match self {
            Access::Read => Err(Denied::forbidden(
                "你可以查看这项评价，但不能作答",
                "You may view this assessment but not answer it",
            )),
            Access::Platform if category != Some(Category::Online) => Err(online_only()),
            _ => Ok(()),
        }
    }

    /// Whether the person may attach evidence to this item (the same people who may answer
    /// it, for the same items).
    pub fn upload_evidence(&self, category: Option<Category>) -> Result<(), Denied> {
        match self {
            Access::Read => Err(Denied::forbidden(
                "你可以查看这项评价，但不能上传证据",
                "You may view this assessment but not upload evidence",
            )),
            Access::Platform if category != Some(Category::Online) => Err(online_only()),
            _ => Ok(()),
        }
    }

    /// Submit and lock: only the party responsible for the assessment.
    pub fn submit(&self, status: AssessmentStatus) -> Result<(), Denied> {
        if *self != Access::Edit {
            return Err(Denied::forbidden(
                "只有评价的负责方（企业自评由企业，现场评价由评价机构）可以提交",
                "Only the party responsible for the assessment (the enterprise for a self-assessment, the evaluation body for an on-site one) may submit it",
            ));
        }
        if status != AssessmentStatus::Draft {
            return Err(Denied::locked(
                "评价已经提交",
                "The assessment is already submitted",
            ));
        }
        Ok(())
    }
}

fn online_only() -> Denied {
    Denied::forbidden(
        "平台运营方只能为线上指标提供平台数据",
        "Platform operators may only provide platform data for online (线上) items",
    )
}

/// Changes are allowed only while the assessment is a draft.
pub fn draft(status: AssessmentStatus) -> Result<(), Denied> {
    match status {
        AssessmentStatus::Draft => Ok(()),
        AssessmentStatus::Submitted => Err(Denied::locked(
            "评价已提交并锁定",
            "The assessment is submitted and locked",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bodys_clients_together_are_for_its_staff() {
        let p = |role, org| Principal {
            user_id: 1,
            role,
            org_id: org,
            enterprise_id: None,
        };
        for r in [
            Role::Auditor,
            Role::Decider,
            Role::BodyAdmin,
            Role::Operator,
        ] {
            assert!(p(r, Some(1)).sees_clients_of(1), "{r:?}");
            assert!(!p(r, Some(2)).sees_clients_of(1), "{r:?}");
            assert!(!p(r, None).sees_clients_of(1), "{r:?}");
        }
        assert!(p(Role::Sysadmin, None).sees_clients_of(1));
        assert!(!p(Role::Expert, Some(1)).sees_clients_of(1));
        assert!(!p(Role::Enterprise, None).sees_clients_of(1));
    }

    #[test]
    fn only_body_staff_set_a_profile() {
        let p = |role| Principal {
            user_id: 1,
            role,
            org_id: Some(1),
            enterprise_id: None,
        };
        assert!(p(Role::Auditor).set_profile().is_ok());
        assert!(p(Role::BodyAdmin).set_profile().is_ok());
        for r in [
            Role::Enterprise,
            Role::Expert,
            Role::Decider,
            Role::Operator,
            Role::Sysadmin,
        ] {
            assert!(p(r).set_profile().is_err(), "{r:?}");
        }
    }

    fn p(role: Role, org: Option<i64>, ent: Option<i64>) -> Principal {
        Principal {
            user_id: 7,
            role,
            org_id: org,
            enterprise_id: ent,
        }
    }

    fn facts(org: Option<i64>, star: bool) -> AssessmentFacts {
        AssessmentFacts {
            org_id: org,
            star_scheme: star,
            status: AssessmentStatus::Draft,
        }
    }

    #[test]
    fn access_follows_role_and_ownership() {
        let ent = p(Role::Enterprise, None, Some(3));
        assert_eq!(ent.access(&facts(None, false), Vec::new), Access::Edit);
        assert_eq!(ent.access(&facts(Some(1), false), Vec::new), Access::Read);
        let aud = p(Role::Auditor, Some(1), None);
        assert_eq!(aud.access(&facts(Some(1), false), Vec::new), Access::Edit);
        assert_eq!(aud.access(&facts(Some(2), false), Vec::new), Access::Read);
        assert_eq!(aud.access(&facts(None, false), Vec::new), Access::Read);
        let op = p(Role::Operator, Some(5), None);
        assert_eq!(op.access(&facts(None, true), Vec::new), Access::Platform);
        assert_eq!(op.access(&facts(None, false), Vec::new), Access::Read);
        let ex = p(Role::Expert, Some(1), None);
        let a = ex.access(&facts(Some(1), false), || vec!["x".into()]);
        assert!(a.sees_item("x") && !a.sees_item("y") && !a.sees_result());
        assert!(!ex.sees_totals() && aud.sees_totals());
    }

    #[test]
    fn platform_operators_answer_and_upload_only_online_items() {
        let a = Access::Platform;
        assert!(a.answer(Some(Category::Online)).is_ok());
        assert!(matches!(
            a.answer(Some(Category::Offline)),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            a.upload_evidence(Some(Category::Offline)),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            a.upload_evidence(Some(Category::Combined)),
            Err(Denied::Forbidden(_))
        ));
        assert!(a.upload_evidence(Some(Category::Online)).is_ok());
        assert!(Access::Edit
            .upload_evidence(Some(Category::Offline))
            .is_ok());
        assert!(matches!(
            Access::Read.answer(None),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn the_system_admin_reads_but_does_not_edit_enterprises() {
        let sys = p(Role::Sysadmin, None, None);
        assert_eq!(sys.scope(), Scope::All);
        assert!(!sys.can_edit_enterprise(1));
        assert!(sys.register_enterprise().is_err());
        assert!(p(Role::Auditor, Some(1), None).can_edit_enterprise(1));
        assert!(p(Role::Enterprise, None, Some(1)).can_edit_enterprise(1));
        assert!(!p(Role::Enterprise, None, Some(2)).can_edit_enterprise(1));
        assert!(!p(Role::Decider, Some(1), None).can_edit_enterprise(1));
    }

    #[test]
    fn invitations_fit_the_inviter_and_the_organisation() {
        let admin = p(Role::BodyAdmin, Some(4), None);
        assert_eq!(admin.invite("expert", None), Ok((Role::Expert, Some(4))));
        let Err(Denied::Invalid(e)) = admin.invite("operator", None) else {
            panic!("a body admin invited an operator")
        };
        assert!(
            e[0].message
                .zh
                .contains("auditor、expert、decider、body_admin"),
            "{e:?}"
        );
        let sys = p(Role::Sysadmin, None, None);
        let platform = Some((9, OrgKind::Platform));
        assert_eq!(
            sys.invite("operator", platform),
            Ok((Role::Operator, Some(9)))
        );
        assert!(sys.invite("operator", Some((9, OrgKind::Body))).is_err());
        assert!(sys.invite("auditor", None).is_err());
        assert_eq!(sys.invite("sysadmin", None), Ok((Role::Sysadmin, None)));
        assert!(sys.invite("enterprise", None).is_err());
        assert!(sys.invite("nobody", None).is_err());
        let auditor = p(Role::Auditor, Some(4), None);
        assert!(matches!(
            auditor.invite("expert", None),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn only_the_responsible_party_submits_a_draft() {
        assert!(Access::Edit.submit(AssessmentStatus::Draft).is_ok());
        assert!(matches!(
            Access::Edit.submit(AssessmentStatus::Submitted),
            Err(Denied::Locked(_))
        ));
        assert!(matches!(
            Access::Platform.submit(AssessmentStatus::Draft),
            Err(Denied::Forbidden(_))
        ));
    }
}
