//! The body's review of a star-scheme assessment (I-6, I-20): who verifies self-declared
//! answers and resolves the enterprise's disputed proposals, which answers can be verified,
//! and what a verification does with the value.
//!
//! The reviewers of an assessment are the auditors and admins of the body that runs it
//! (on-site) or, for the enterprise's self-assessment, of a body the enterprise engaged.
//! They review while the assessment is a draft and after it was submitted (the body reviews
//! submitted self-assessments).

use serde_json::{json, Value};

use crate::access::{AssessmentFacts, Principal};
use crate::msg::Denied;
use crate::text::{Role, Source};

/// Whether this person reviews the assessment. `engaged`: whether the enterprise of the
/// assessment engaged the person's organisation.
pub fn reviewer(p: &Principal, a: &AssessmentFacts, engaged: bool) -> Result<(), Denied> {
    if p.role == Role::Enterprise {
        return Err(Denied::forbidden(
            "企业不能核验答案：企业自报的答案由受托评价机构的审核员核验后才计分",
            "An enterprise cannot verify answers: its self-declared answers count once an auditor of the engaged evaluation body verifies them",
        ));
    }
    let Some(org) = p.org_id.filter(|_| p.role.is_body_editor()) else {
        return Err(Denied::forbidden(
            "只有受托评价机构的审核员或机构管理员可以核验答案、裁决提议",
            "Only an auditor or admin of the engaged evaluation body may verify answers and resolve proposals",
        ));
    };
    let ours = match a.org_id {
        Some(runner) => runner == org,
        None => engaged,
    };
    if !ours {
        return Err(Denied::forbidden(
            "你所在的机构不负责这项评价，不能核验其中的答案",
            "Your body is not responsible for this assessment and cannot verify its answers",
        ));
    }
    if !a.star_scheme {
        return Err(Denied::forbidden(
            "只有星级评价方案（T11/AII 001-2020）的企业自报答案需要核验",
            "Only self-declared answers of the star rating scheme (T11/AII 001-2020) are verified",
        ));
    }
    Ok(())
}

/// A stored answer as the verification rule sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stored {
    /// The figure (none: not answered).
    pub value: Option<f64>,
    pub source: Option<Source>,
    pub verified: bool,
}

impl Stored {
    /// Read a stored star-scheme answer (`{"value": n, "source": …, "verified": …}`; a bare
    /// number counts as verified, as the core takes it).
    pub fn read(value: Option<&Value>, source: Option<Source>) -> Stored {
        let number = value.and_then(|v| match v {
            Value::Object(m) => m.get("value").and_then(Value::as_f64),
            v => v.as_f64(),
        });
        let verified = match value.and_then(|v| v.get("verified")) {
            Some(Value::Bool(b)) => *b,
            _ => source != Some(Source::SelfDeclared),
        };
        Stored {
            value: number,
            source,
            verified,
        }
    }

    /// Whether a verification would make it count: a self-declared figure, not yet
    /// verified.
    pub fn awaits_verification(&self) -> bool {
        self.value.is_some() && self.source == Some(Source::SelfDeclared) && !self.verified
    }
}

/// Whether the answer of `indicator` can be verified; `verified_by`: who verified it and when,
/// for the refusal of a second verification.
pub fn verifiable(
    indicator: &str,
    answer: &Stored,
    verified_by: Option<(&str, &str)>,
) -> Result<(), Denied> {
    if answer.value.is_none() {
        return Err(Denied::conflict(
            format!("指标 {} 尚未作答，没有可核验的答案", indicator),
            format!("Item {} has no answer to verify", indicator),
        ));
    }
    match answer.source {
        Some(Source::SelfDeclared) => {}
        other => {
            let (zh, en) = other.map_or(("无来源", "no source"), |s| {
                (s.label(crate::Lang::Zh), s.label(crate::Lang::En))
            });
            return Err(Denied::conflict(
                format!(
                    "指标 {} 的答案来源是“{}”，不是企业自报，无需核验",
                    indicator, zh
                ),
                format!(
                    "The answer of item {} comes from {}, not from the enterprise's own figure; it needs no verification",
                    indicator, en
                ),
            ));
        }
    }
    if answer.verified {
        let (zh, en) = match verified_by {
            Some((who, when)) => (
                format!("，由 {} 于 {} 核验", who, when),
                format!(" by {} on {}", who, when),
            ),
            None => (String::new(), String::new()),
        };
        return Err(Denied::conflict(
            format!("指标 {} 的答案已经核验过{}", indicator, zh),
            format!("The answer of item {} is already verified{}", indicator, en),
        ));
    }
    Ok(())
}

/// What a verification does with the value: confirm it (none given, or the same), or
/// correct it to the value given, which needs a note saying why.
pub fn correction(current: f64, given: Option<f64>, note: &str) -> Result<Option<f64>, Denied> {
    match given {
        Some(x) if !x.is_finite() => Err(Denied::invalid(
            "value",
            "更正的数值应为 0 至 100 的数字",
            "The corrected value must be a number from 0 to 100",
        )),
        Some(x) if x != current => {
            if note.trim().is_empty() {
                Err(Denied::invalid(
                    "note",
                    "更正数值时请在备注中写明依据（例如核对了哪份材料）",
                    "When correcting the value, say in the note on what grounds (e.g. which record was checked)",
                ))
            } else {
                Ok(Some(x))
            }
        }
        _ => Ok(None),
    }
}

/// The stored answer after a verification: the enterprise's figure (or the corrected one),
/// still marked as self-declared, now counted.
pub fn verified_value(value: f64, source: Source) -> Value {
    json!({"value": value, "source": source.as_str(), "verified": true})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::AssessmentStatus;

    fn p(role: Role, org: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            role,
            org_id: org,
            enterprise_id: None,
        }
    }

    fn facts(org: Option<i64>, star: bool, status: AssessmentStatus) -> AssessmentFacts {
        AssessmentFacts {
            org_id: org,
            star_scheme: star,
            status,
        }
    }

    #[test]
    fn reviewers_are_the_engaged_bodys_auditors_and_admins() {
        for status in [AssessmentStatus::Draft, AssessmentStatus::Submitted] {
            let own = facts(None, true, status);
            assert!(reviewer(&p(Role::Auditor, Some(1)), &own, true).is_ok());
            assert!(reviewer(&p(Role::BodyAdmin, Some(1)), &own, true).is_ok());
            // not engaged
            assert!(reviewer(&p(Role::Auditor, Some(1)), &own, false).is_err());
            // the body's own on-site assessment, and another body's
            let onsite = facts(Some(1), true, status);
            assert!(reviewer(&p(Role::Auditor, Some(1)), &onsite, false).is_ok());
            assert!(reviewer(&p(Role::Auditor, Some(2)), &onsite, true).is_err());
            for role in [
                Role::Enterprise,
                Role::Expert,
                Role::Decider,
                Role::Operator,
                Role::Sysadmin,
            ] {
                let e = reviewer(&p(role, Some(1)), &own, true).unwrap_err();
                assert!(matches!(e, Denied::Forbidden(_)), "{role}");
            }
            // only the star scheme has answers to verify
            let levels = facts(None, false, status);
            assert!(reviewer(&p(Role::Auditor, Some(1)), &levels, true).is_err());
        }
        let Err(Denied::Forbidden(m)) = reviewer(
            &p(Role::Enterprise, None),
            &facts(None, true, AssessmentStatus::Draft),
            false,
        ) else {
            panic!()
        };
        assert!(m.zh.contains("企业不能核验"), "{}", m.zh);
    }

    #[test]
    fn only_unverified_self_declared_answers_are_verified() {
        let read = |v: Value, s: Source| Stored::read(Some(&v), Some(s));
        let own = read(
            json!({"value": 80, "source": "self", "verified": false}),
            Source::SelfDeclared,
        );
        assert!(own.awaits_verification());
        assert!(verifiable("A1", &own, None).is_ok());
        let done = read(
            json!({"value": 80, "source": "self", "verified": true}),
            Source::SelfDeclared,
        );
        let Err(Denied::Conflict(m)) =
            verifiable("A1", &done, Some(("审核员乙", "2025-03-01 10:00")))
        else {
            panic!()
        };
        assert!(
            m.zh.contains("已经核验过，由 审核员乙 于 2025-03-01 10:00 核验"),
            "{}",
            m.zh
        );
        let platform = read(
            json!({"value": 88, "source": "platform", "verified": true}),
            Source::Platform,
        );
        assert!(!platform.awaits_verification());
        let Err(Denied::Conflict(m)) = verifiable("A1", &platform, None) else {
            panic!()
        };
        assert!(
            m.zh.contains("平台数据") && m.zh.contains("无需核验"),
            "{}",
            m.zh
        );
        let none = Stored::read(None, None);
        assert!(matches!(
            verifiable("A1", &none, None),
            Err(Denied::Conflict(_))
        ));
    }

    #[test]
    fn a_correction_needs_a_note() {
        assert_eq!(correction(80.0, None, ""), Ok(None));
        assert_eq!(correction(80.0, Some(80.0), ""), Ok(None));
        assert!(matches!(
            correction(80.0, Some(60.0), " "),
            Err(Denied::Invalid(_))
        ));
        assert_eq!(correction(80.0, Some(60.0), "核对了合同"), Ok(Some(60.0)));
        assert!(correction(80.0, Some(f64::NAN), "x").is_err());
        assert_eq!(
            verified_value(60.0, Source::SelfDeclared),
            json!({"value": 60.0, "source": "self", "verified": true})
        );
    }
}
