//! Who enters which event of a capability evaluation (seed 004 §6, §9; DESIGN I-18), who
//! may sit on its panel (7.2.2), and what the public may send to a publicity (6.4, 6.5).
//!
//! Decisions on the standard's silences:
//! - The enterprise enters only its application; everything else is the body's.
//! - The body admin enters what the body does (review, verification, panels, the preliminary
//!   result, publicity, objections received by letter or phone, rulings, announcement and
//!   report). The standard does not say who confirms a result or revokes/downgrades a grade:
//!   we take it to be the body's decider (the role that decides certifications) or its admin.
//! - A panel member is an active member of the body's staff in the body's expert pool (at
//!   least one field of 7.2.2 recorded) with no conflict of interest declared with the
//!   enterprise that lasts on the panel's day. The ≥3 members and the round-2 rule (no member
//!   of round 1) are the pure case rules'.
//! - Objections from the public: at most [`PER_CASE_DAY`] per network address per case per
//!   China day and [`PER_SOURCE_DAY`] per address per day; each field within the lengths of
//!   the `objections` table (migration 0014).
//! - Who sees objections: the body's staff see name, contact and text; the enterprise only
//!   the date and text (the objector may fear reprisal); nobody else, the platform's
//!   operators included.

use crate::access::Principal;
use crate::case::{may_see, CaseFacts};
use crate::msg::{Denied, FieldError, Msg};
use crate::people::ExpertField;
use crate::text::Role;

/// Event types the enterprise enters itself.
pub const CLIENT_EVENTS: &[&str] = &["application_received"];

/// Event types the body's admin enters.
pub const ADMIN_EVENTS: &[&str] = &[
    "application_received",
    "application_reviewed",
    "verification_done",
    "panel_formed",
    "evaluation_completed",
    "publicity_started",
    "objection_received",
    "objection_ruled",
    "confirmed",
    "announced",
    "report_issued",
    "revoked",
    "downgraded",
];

/// Event types the body's decider enters (recorded decisions).
pub const DECIDER_EVENTS: &[&str] = &["confirmed", "revoked", "downgraded"];

/// The event types this person may enter in a capability case, in I-18 order.
pub fn enterable(p: &Principal, c: CaseFacts) -> Vec<&'static str> {
    let list: &[&'static str] = match p.role {
        Role::Enterprise if p.enterprise_id == Some(c.enterprise_id) => CLIENT_EVENTS,
        Role::BodyAdmin if p.org_id == Some(c.org_id) => ADMIN_EVENTS,
        Role::Decider if p.org_id == Some(c.org_id) => DECIDER_EVENTS,
        _ => &[],
    };
    list.to_vec()
}

/// Whether this person may enter an event of type `kind` (not found when they may not see
/// the case).
pub fn may_enter(p: &Principal, c: CaseFacts, kind: &str) -> Result<(), Denied> {
    may_see(p, c)?;
    if enterable(p, c).contains(&kind) {
        return Ok(());
    }
    let who = if DECIDER_EVENTS.contains(&kind) {
        "评价机构的决定人员或管理员"
    } else {
        "评价机构管理员"
    };
    Err(Denied::Forbidden(Msg::new(
        format!("企业能力评价的“{kind}”只能由{who}记录"),
        format!("Only the body's responsible person may record “{kind}”"),
    )))
}

/// Whether the person sees the objections' names and contacts (the body's staff, the
/// platform), only their dates and texts (the enterprise), or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionSight {
    Full,
    TextOnly,
}

/// The body's staff see everything, the enterprise the dates and texts; nobody else (the
/// platform's operators included) sees the objections.
pub fn objection_sight(p: &Principal, c: CaseFacts) -> Result<ObjectionSight, Denied> {
    may_see(p, c)?;
    match p.role {
        Role::Enterprise => Ok(ObjectionSight::TextOnly),
        Role::BodyAdmin | Role::Auditor | Role::Decider => Ok(ObjectionSight::Full),
        _ => Err(Denied::NotFound),
    }
}

/// A proposed panel member as the app found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// As written in the event (a user id).
    pub id: String,
    /// An active member of the body's staff.
    pub staff: bool,
    pub fields: Vec<ExpertField>,
    /// A declared conflict of interest with the enterprise lasting on the panel's day.
    pub conflicted: bool,
}

/// Each member who may not sit on the panel, with the reason (empty: all may).
pub fn panel_refusals(members: &[Candidate]) -> Vec<FieldError> {
    let mut out = Vec::new();
    for m in members {
        let (zh, en) = if !m.staff {
            (
                format!("专家组成员 {} 不是本机构在职人员", m.id),
                format!("Panel member {} is not active staff of the body", m.id),
            )
        } else if m.fields.is_empty() {
            (
                format!(
                    "专家组成员 {} 不在本机构专家库中（未记录文化、产业、认证审核或标准化领域，7.2.2）",
                    m.id
                ),
                format!("Panel member {} is not in the body's expert pool (7.2.2)", m.id),
            )
        } else if m.conflicted {
            (
                format!(
                    "专家组成员 {} 已声明与该企业存在利益冲突，不能参加评价",
                    m.id
                ),
                format!(
                    "Panel member {} declared a conflict of interest with the enterprise",
                    m.id
                ),
            )
        } else {
            continue;
        };
        out.push(FieldError::new("members", zh, en));
    }
    out
}

/// The most characters of what a verification records.
pub const VERIFICATION_MAX: usize = 500;

/// The verification of 6.2 as the body records it: what showed the enterprise's legal
/// registration (确认企业的合法性) and which licences its business needs — or that it needs
/// none —, each required and at most [`VERIFICATION_MAX`] characters.
pub fn verification_fields(
    registration: Option<&str>,
    licences: Option<&str>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (key, value, zh, en) in [
        (
            "registration",
            registration,
            "请写明核实企业合法注册的依据（如营业执照、登记机关查询结果，6.2）",
            "State what showed the enterprise's legal registration (6.2)",
        ),
        (
            "licences",
            licences,
            "请写明其业务所需的行政许可及核查结果；无需许可的，写“无需许可”（6.2）",
            "State the licences its business needs and what was found, or that it needs none (6.2)",
        ),
    ] {
        let n = value.map_or(0, |v| v.trim().chars().count());
        if n == 0 || n > VERIFICATION_MAX {
            errors.push(FieldError::new(
                key,
                format!("{zh}（1 至 {VERIFICATION_MAX} 个字符）"),
                en,
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A revocation or a downgrading (9.2) is a recorded decision: it states its facts and
/// reasons (`note`, at most [`VERIFICATION_MAX`] characters).
pub fn decision_note(kind: &str, note: Option<&str>) -> Result<(), Vec<FieldError>> {
    if !matches!(kind, "revoked" | "downgraded") {
        return Ok(());
    }
    let n = note.map_or(0, |v| v.trim().chars().count());
    if n == 0 || n > VERIFICATION_MAX {
        let what = if kind == "revoked" {
            "撤销等级"
        } else {
            "降级"
        };
        return Err(vec![FieldError::new(
            "note",
            format!("{what}须写明决定的事实和理由（9.2，1 至 {VERIFICATION_MAX} 个字符）"),
            "A revocation or downgrading states the facts and reasons of the decision (9.2)",
        )]);
    }
    Ok(())
}

/// Every member of the evaluation panel scores every expert-panel item (7.2.2, I-13: the
/// item's score is their mean): given the expert-panel items, who scored which
/// (`(indicator, person)`) and the panel, each member who missed an item, with the items.
pub fn panel_scored(
    items: &[&str],
    scored: &[(String, String)],
    members: &[String],
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for m in members {
        let missing: Vec<&str> = items
            .iter()
            .copied()
            .filter(|i| !scored.iter().any(|(x, who)| x == i && who == m))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let shown = missing
            .iter()
            .take(5)
            .copied()
            .collect::<Vec<_>>()
            .join("、");
        let more = if missing.len() > 5 { "等" } else { "" };
        errors.push(FieldError::new(
            "score",
            format!(
                "评价专家组成员 {m} 尚未对 {} 项专家评审指标评分（{shown}{more}）：每项由专家组每位成员评分、取平均（7.2.2，I-13）",
                missing.len()
            ),
            format!(
                "Panel member {m} has not scored {} expert-panel items ({}): every member scores each (7.2.2, I-13)",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The most characters of an objection's fields (the `objections` table, migration 0014).
pub const NAME_MAX: usize = 100;
pub const CONTACT_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;

/// An objection as the public sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ObjectionInput {
    pub name: String,
    pub contact: String,
    pub text: String,
}

impl ObjectionInput {
    /// The fields trimmed, each within its length, or every field at fault.
    pub fn check(&self) -> Result<ObjectionInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut field = |key: &str, zh: &str, en: &str, v: &str, max: usize| {
            let v = v.trim().to_string();
            let n = v.chars().count();
            if n == 0 || n > max {
                errors.push(FieldError::new(
                    key,
                    format!("请填写{zh}（1 至 {max} 个字符，现为 {n} 个）"),
                    format!("Enter the {en} (1 to {max} characters, now {n})"),
                ));
            }
            v
        };
        let out = ObjectionInput {
            name: field("name", "姓名或单位名称", "name", &self.name, NAME_MAX),
            contact: field(
                "contact",
                "联系方式（电话或电子邮箱）",
                "contact",
                &self.contact,
                CONTACT_MAX,
            ),
            text: field("text", "异议内容", "objection", &self.text, TEXT_MAX),
        };
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// At most this many objections from one network address to one case in a China day.
pub const PER_CASE_DAY: usize = 3;
/// At most this many objections from one network address in a China day, all cases.
pub const PER_SOURCE_DAY: usize = 10;

/// Whether one more objection from an address is accepted, given how many it sent today to
/// this case and to all cases. A refusal says when to try again (tomorrow, China time).
pub fn objection_throttle(to_case_today: usize, all_today: usize) -> Result<(), Msg> {
    if to_case_today >= PER_CASE_DAY {
        return Err(Msg::new(
            format!("同一网络地址每天对同一公示最多提交 {PER_CASE_DAY} 条异议，请明天（北京时间）再试"),
            format!("At most {PER_CASE_DAY} objections a day to one publicity from one address; try again tomorrow (China time)"),
        ));
    }
    if all_today >= PER_SOURCE_DAY {
        return Err(Msg::new(
            format!("同一网络地址每天最多提交 {PER_SOURCE_DAY} 条异议，请明天（北京时间）再试"),
            format!("At most {PER_SOURCE_DAY} objections a day from one address; try again tomorrow (China time)"),
        ));
    }
    Ok(())
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
    fn a_verification_records_the_registration_and_the_licences() {
        assert!(
            verification_fields(Some("营业执照，登记机关查询为存续"), Some("无需许可")).is_ok()
        );
        let e = verification_fields(Some("  "), None).unwrap_err();
        let keys: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(keys, ["registration", "licences"]);
        let long = "许".repeat(VERIFICATION_MAX + 1);
        assert!(verification_fields(Some("执照"), Some(&long)).is_err());
    }

    #[test]
    fn every_panel_member_scores_every_expert_item() {
        let s = |i: &str, w: &str| (i.to_string(), w.to_string());
        let members = vec!["1".to_string(), "2".to_string(), "3".to_string()];
        let scored = vec![
            s("A", "1"),
            s("A", "2"),
            s("A", "3"),
            s("B", "1"),
            s("B", "3"),
        ];
        assert!(panel_scored(&["A"], &scored, &members).is_ok());
        let e = panel_scored(&["A", "B"], &scored, &members).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.zh.contains("成员 2 尚未对 1 项"), "{:?}", e[0]);
        // someone outside the panel scoring does not stand in for a member
        let with_outsider = [scored.clone(), vec![s("B", "9")]].concat();
        assert!(panel_scored(&["A", "B"], &with_outsider, &members).is_err());
    }

    #[test]
    fn revocation_and_downgrading_state_their_reasons() {
        assert!(decision_note("revoked", Some("经核实申报材料弄虚作假")).is_ok());
        assert!(decision_note("downgraded", None).is_err());
        assert!(decision_note("revoked", Some("   ")).is_err());
        assert!(decision_note("confirmed", None).is_ok());
    }

    #[test]
    fn each_role_enters_its_events() {
        let ent = p(Role::Enterprise, None, Some(20));
        assert!(may_enter(&ent, C, "application_received").is_ok());
        assert!(matches!(
            may_enter(&ent, C, "confirmed"),
            Err(Denied::Forbidden(_))
        ));
        let admin = p(Role::BodyAdmin, Some(10), None);
        for t in ADMIN_EVENTS {
            assert!(may_enter(&admin, C, t).is_ok(), "{t}");
        }
        let decider = p(Role::Decider, Some(10), None);
        assert!(may_enter(&decider, C, "confirmed").is_ok());
        assert!(may_enter(&decider, C, "revoked").is_ok());
        assert!(may_enter(&decider, C, "panel_formed").is_err());
        let auditor = p(Role::Auditor, Some(10), None);
        assert!(matches!(
            may_enter(&auditor, C, "panel_formed"),
            Err(Denied::Forbidden(_))
        ));
        let other = p(Role::BodyAdmin, Some(11), None);
        assert_eq!(may_enter(&other, C, "panel_formed"), Err(Denied::NotFound));
        let other_ent = p(Role::Enterprise, None, Some(21));
        assert_eq!(
            may_enter(&other_ent, C, "application_received"),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn the_enterprise_sees_objection_texts_only() {
        assert_eq!(
            objection_sight(&p(Role::Enterprise, None, Some(20)), C),
            Ok(ObjectionSight::TextOnly)
        );
        assert_eq!(
            objection_sight(&p(Role::Auditor, Some(10), None), C),
            Ok(ObjectionSight::Full)
        );
        assert_eq!(
            objection_sight(&p(Role::Enterprise, None, Some(2)), C),
            Err(Denied::NotFound)
        );
        assert_eq!(
            objection_sight(&p(Role::Operator, Some(3), None), C),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn panel_members_come_from_the_pool_without_conflicts() {
        let c = |id: &str, staff, fields: Vec<ExpertField>, conflicted| Candidate {
            id: id.into(),
            staff,
            fields,
            conflicted,
        };
        let ok = c("1", true, vec![ExpertField::Culture], false);
        assert!(panel_refusals(std::slice::from_ref(&ok)).is_empty());
        let r = panel_refusals(&[
            ok,
            c("2", false, vec![ExpertField::Culture], false),
            c("3", true, vec![], false),
            c("4", true, vec![ExpertField::Industry], true),
        ]);
        assert_eq!(r.len(), 3);
        assert!(r[0].message.zh.contains("不是本机构在职人员"));
        assert!(r[1].message.zh.contains("专家库"));
        assert!(r[2].message.zh.contains("利益冲突"));
    }

    #[test]
    fn objections_are_checked_field_by_field() {
        let e = ObjectionInput {
            name: "  ".into(),
            contact: "x".repeat(201),
            text: "评分有误".into(),
        }
        .check()
        .unwrap_err();
        assert_eq!(
            e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["name", "contact"]
        );
        let ok = ObjectionInput {
            name: " 张三 ".into(),
            contact: "13800000000".into(),
            text: "评分有误".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.name, "张三");
    }

    #[test]
    fn objections_are_throttled_per_case_and_per_source() {
        assert!(objection_throttle(2, 9).is_ok());
        assert!(objection_throttle(3, 3).unwrap_err().zh.contains("明天"));
        assert!(objection_throttle(0, 10).unwrap_err().zh.contains("10"));
    }
}
