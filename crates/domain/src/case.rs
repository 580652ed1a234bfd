//! Who may see a case and enter which of its events (I-16): the enterprise enters what the
//! client does, the body's admin what the body decides, auditors what an audit team finds,
//! the decider the decision. And the body's certificate-number pattern (I-21).

use crate::access::Principal;
use crate::msg::{Denied, FieldError, Msg};
use crate::text::Role;

/// What the rules need to know of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    /// The body running the case.
    pub org_id: i64,
    pub enterprise_id: i64,
}

/// Whether this person sees the case: the body's staff (experts excepted), the enterprise's
/// users, the platform's operators and the system admin (read only).
pub fn may_see(p: &Principal, c: CaseFacts) -> Result<(), Denied> {
    let ok = match p.role {
        Role::Enterprise => p.enterprise_id == Some(c.enterprise_id),
        Role::BodyAdmin | Role::Auditor | Role::Decider => p.org_id == Some(c.org_id),
        Role::Operator | Role::Sysadmin => true,
        Role::Expert => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Denied::NotFound)
    }
}

/// Event types the client enters itself.
pub const CLIENT_EVENTS: &[&str] = &[
    "application_received",
    "plan_confirmed",
    "correction_submitted",
    "recertification_applied",
    "appeal_received",
    "complaint_received",
];

/// Event types an auditor of the body enters (as a member of the audit's team: the rules
/// check it).
pub const AUDITOR_EVENTS: &[&str] = &["audit_completed", "correction_accepted"];

/// Event types the decider enters.
pub const DECIDER_EVENTS: &[&str] = &["decision", "appeal_decided"];

/// Event types the body's admin enters (everything the body does; the decision excepted,
/// which is the decider's). Certificates are issued by a grant, not entered.
pub const ADMIN_EVENTS: &[&str] = &[
    "application_reviewed",
    "contract_signed",
    "audit_planned",
    "audit_completed",
    "correction_accepted",
    "surveillance_extension_approved",
    "suspended",
    "restored",
    "withdrawn",
    "cancelled",
    "scope_changed",
    "appeal_decided",
    "complaint_closed",
];

/// The event types this person may enter in a case they see, in I-17 order.
pub fn enterable(p: &Principal, c: CaseFacts) -> Vec<&'static str> {
    let list: &[&'static str] = match p.role {
        Role::Enterprise if p.enterprise_id == Some(c.enterprise_id) => CLIENT_EVENTS,
        Role::BodyAdmin if p.org_id == Some(c.org_id) => ADMIN_EVENTS,
        Role::Auditor if p.org_id == Some(c.org_id) => AUDITOR_EVENTS,
        Role::Decider if p.org_id == Some(c.org_id) => DECIDER_EVENTS,
        _ => &[],
    };
    list.to_vec()
}

/// Whether this person may enter an event of type `kind` (after [`may_see`]).
pub fn may_enter(p: &Principal, c: CaseFacts, kind: &str) -> Result<(), Denied> {
    may_see(p, c)?;
    if enterable(p, c).contains(&kind) {
        return Ok(());
    }
    let who = match kind {
        k if CLIENT_EVENTS.contains(&k) => "申请组织（企业用户）",
        k if DECIDER_EVENTS.contains(&k) && !ADMIN_EVENTS.contains(&k) => "认证决定人员",
        "certificate_issued" => "系统（授予认证的决定作出时自动颁发）",
        k if AUDITOR_EVENTS.contains(&k) => "审核组成员或机构管理员",
        _ => "机构管理员",
    };
    Err(Denied::Forbidden(Msg::new(
        format!("“{kind}”只能由{who}记录"),
        format!("Only the party responsible may record “{kind}”"),
    )))
}

/// Who may open a case for an enterprise, import a history or set the number pattern: the
/// body's admin.
pub fn may_manage(p: &Principal, org_id: i64) -> Result<(), Denied> {
    if p.role == Role::BodyAdmin && p.org_id == Some(org_id) {
        Ok(())
    } else {
        Err(Denied::Forbidden(Msg::new(
            "只有认证机构管理员可以执行此操作",
            "Only the body's administrator may do this",
        )))
    }
}

/// The pattern used when a body has set none.
pub const DEFAULT_PATTERN: &str = "EEPC-{year}-{seq:5}";

/// A certificate number from a pattern: `{year}` the issue year, `{seq}` the sequence,
/// `{seq:N}` the sequence zero-padded to N digits (N from 1 to 9).
pub fn certificate_number(pattern: &str, year: i32, seq: i64) -> Result<String, FieldError> {
    check_pattern(pattern)?;
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .unwrap_or(rest.len());
        let token = &rest[open + 1..close];
        match token {
            "year" => out.push_str(&year.to_string()),
            "seq" => out.push_str(&seq.to_string()),
            t => {
                let width: usize = t.trim_start_matches("seq:").parse().unwrap_or(1);
                out.push_str(&format!("{seq:0width$}"));
            }
        }
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// A pattern must contain `{seq}` or `{seq:N}` once, only known placeholders, and safe
/// characters (letters, digits, `-`, `_`, `/`, `.`), at most 40 characters.
pub fn check_pattern(pattern: &str) -> Result<(), FieldError> {
    let bad = |zh: String, en: &str| Err(FieldError::new("pattern", zh, en));
    let hint = "例如 EEPC-{year}-{seq:5}";
    if pattern.is_empty() || pattern.chars().count() > 40 {
        return bad(
            format!("证书编号规则应为1至40个字符，{hint}"),
            "The pattern must have 1 to 40 characters, e.g. EEPC-{year}-{seq:5}",
        );
    }
    let mut seqs = 0;
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.chars().all(safe) {
            return bad(
                format!("证书编号规则中含有不允许的字符：“{literal}”；只允许字母、数字和 - _ / ."),
                "The pattern may contain letters, digits and - _ / . only",
            );
        }
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return bad(
                format!("证书编号规则中的“{{”没有对应的“}}”，{hint}"),
                "Unclosed placeholder in the pattern",
            );
        };
        match &rest[open + 1..close] {
            "year" => {}
            "seq" => seqs += 1,
            t if t
                .strip_prefix("seq:")
                .and_then(|w| w.parse::<u8>().ok())
                .is_some_and(|w| (1..=9).contains(&w)) =>
            {
                seqs += 1
            }
            t => {
                return bad(
                    format!(
                    "未知的占位符“{{{t}}}”：可用 {{year}}、{{seq}} 或 {{seq:N}}（N 为 1–9 位补零）"
                ),
                    "Unknown placeholder: use {year}, {seq} or {seq:N}",
                )
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.chars().all(safe) {
        return bad(
            format!("证书编号规则中含有不允许的字符：“{rest}”；只允许字母、数字和 - _ / ."),
            "The pattern may contain letters, digits and - _ / . only",
        );
    }
    if seqs != 1 {
        return bad(
            format!("证书编号规则须包含一次 {{seq}} 或 {{seq:N}}，以保证编号唯一，{hint}"),
            "The pattern must contain {seq} or {seq:N} exactly once",
        );
    }
    Ok(())
}

fn safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')
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
        org_id: 7,
        enterprise_id: 3,
    };

    #[test]
    fn each_party_enters_its_own_events() {
        let ent = p(Role::Enterprise, None, Some(3));
        assert!(may_enter(&ent, C, "application_received").is_ok());
        assert!(matches!(
            may_enter(&ent, C, "decision"),
            Err(Denied::Forbidden(_))
        ));
        let other = p(Role::Enterprise, None, Some(4));
        assert_eq!(
            may_enter(&other, C, "application_received"),
            Err(Denied::NotFound)
        );
        let admin = p(Role::BodyAdmin, Some(7), None);
        assert!(may_enter(&admin, C, "audit_planned").is_ok());
        assert!(may_enter(&admin, C, "decision").is_err());
        assert!(may_enter(&admin, C, "certificate_issued").is_err());
        let decider = p(Role::Decider, Some(7), None);
        assert!(may_enter(&decider, C, "decision").is_ok());
        let auditor = p(Role::Auditor, Some(7), None);
        assert!(may_enter(&auditor, C, "audit_completed").is_ok());
        assert!(may_enter(&auditor, C, "suspended").is_err());
        let other_body = p(Role::BodyAdmin, Some(8), None);
        assert_eq!(may_see(&other_body, C), Err(Denied::NotFound));
        assert_eq!(
            may_see(&p(Role::Expert, Some(7), None), C),
            Err(Denied::NotFound)
        );
        assert!(may_see(&p(Role::Operator, Some(1), None), C).is_ok());
        assert!(enterable(&p(Role::Operator, Some(1), None), C).is_empty());
    }

    #[test]
    fn numbers_follow_the_pattern() {
        assert_eq!(
            certificate_number(DEFAULT_PATTERN, 2026, 7).unwrap(),
            "EEPC-2026-00007"
        );
        assert_eq!(certificate_number("ZH/{seq}", 2026, 12).unwrap(), "ZH/12");
        assert_eq!(
            certificate_number("{year}{seq:3}", 2027, 1234).unwrap(),
            "20271234"
        );
        for bad in [
            "",
            "EEPC-{year}",
            "A-{seq}-{seq}",
            "A {seq}",
            "A-{month}-{seq}",
            "A-{seq",
            "A-{seq:0}",
        ] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }
}
