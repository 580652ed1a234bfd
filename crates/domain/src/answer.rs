//! Which answer counts: the source of a T11/AII answer and whether it is verified (I-6,
//! I-20), and an expert-panel item's answer from the experts' own scores (I-13).

use serde_json::{json, Value};
use tianping_core::Category;

use crate::access::Access;
use crate::msg::Denied;
use crate::text::{Role, Source};

/// An expert-panel item needs at least this many experts' scores (I-13).
pub const PANEL_MIN: usize = 3;

/// The source of a T11/AII answer as decided by who gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDecision {
    /// The answer as the core takes it: `{"value": n, "source": …, "verified": …}`.
    pub value: Value,
    pub source: Source,
    /// Third-party data from the enterprise needs an evidence file on the item first
    /// (checked by the caller, which has the files; refuse with [`evidence_required`]).
    pub needs_evidence: bool,
}

/// Decide the source of a star-scheme answer (I-6): a platform operator gives platform data
/// for 线上 items; the enterprise gives its own figure (counted once verified) or third-party
/// data (with evidence); a body's staff verify on site (or record platform, third-party or
/// self-declared data as such). `value` is a number or `{"value": n, "source": …}`; `asked`
/// is the source sent beside it, which wins over one inside the value.
pub fn star_source(
    access: &Access,
    role: Role,
    category: Option<Category>,
    value: &Value,
    asked: Option<&str>,
) -> Result<SourceDecision, Denied> {
    let (n, inner) = match value {
        Value::Object(m) if m.contains_key("value") => (
            m.get("value").cloned().unwrap_or(Value::Null),
            m.get("source").and_then(|s| s.as_str()),
        ),
        v => (v.clone(), None),
    };
    let asked = asked.filter(|s| !s.is_empty()).or(inner);
    let source = match (access, role) {
        (Access::Platform, _) => {
            access.answer(category)?;
            Source::Platform
        }
        (Access::Edit, Role::Enterprise) => match asked.unwrap_or("self") {
            "self" => Source::SelfDeclared,
            "third_party" => Source::ThirdParty,
            other => {
                return Err(Denied::invalid(
                    "source",
                    format!("企业自评的答案来源只能是“企业自报”（经核验后计分）或“第三方数据”（须上传证据），不能是 “{}”", other),
                    format!("In a self-assessment the answer source can only be the enterprise's own figure (counted once verified) or third-party data (evidence required), not “{}”", other),
                ))
            }
        },
        _ => match asked.unwrap_or("onsite") {
            "onsite" => Source::Onsite,
            "platform" => Source::Platform,
            "third_party" => Source::ThirdParty,
            "self" => Source::SelfDeclared,
            other => {
                return Err(Denied::invalid(
                    "source",
                    format!("答案来源 “{}” 无效；请选择：现场核验、平台数据、第三方数据或企业自报", other),
                    format!("Answer source “{}” is invalid; choose: verified on site, platform data, third-party data or the enterprise's own figure", other),
                ))
            }
        },
    };
    let verified = source.verified_by_itself();
    Ok(SourceDecision {
        value: json!({"value": n, "source": source.as_str(), "verified": verified}),
        source,
        needs_evidence: source == Source::ThirdParty && role == Role::Enterprise,
    })
}

/// The refusal when third-party data is claimed without an evidence file on the item.
pub fn evidence_required() -> Denied {
    Denied::invalid(
        "source",
        "选择第三方数据作为来源时，请先为该指标上传证据文件",
        "To use third-party data as the source, first upload an evidence file for this item",
    )
}

/// The refusal when a source is sent for a scheme that has none.
pub fn source_not_applicable() -> Denied {
    Denied::invalid(
        "source",
        "答案来源只适用于星级评价方案（T11/AII 001-2020）",
        "An answer source applies only to the star rating scheme (T11/AII 001-2020)",
    )
}

/// The answer of an item scored by experts: their scores once enough of them have scored
/// it (three for an expert-panel item, I-13; one otherwise), else none.
pub fn panel_answer(scores: &[f64], expert_panel: bool) -> Option<Value> {
    let need = if expert_panel { PANEL_MIN } else { 1 };
    (scores.len() >= need).then(|| json!({ "experts": scores }))
}

/// Whether an item's answer derives only from the experts' own scores (I-13): on a body's
/// assessment of a points scheme, an expert-panel item always, and any other item once
/// experts are assigned to it. (An enterprise's self-assessment has no experts: there the
/// enterprise enters its own estimate.)
pub fn scored_by_experts(
    points_scheme: bool,
    body_assessment: bool,
    expert_panel: bool,
    experts_assigned: usize,
) -> bool {
    points_scheme && body_assessment && (expert_panel || experts_assigned > 0)
}

/// The refusal of a direct save on an item scored by experts: no one's save may erase the
/// experts' own scores.
pub fn direct_save_refused(indicator: &str, expert_panel: bool) -> Denied {
    if expert_panel {
        Denied::forbidden(
            format!(
                "指标 {} 是专家小组评分项：答案只来自指派专家各自的评分（至少 {} 位，取平均），不能直接填写",
                indicator, PANEL_MIN
            ),
            format!(
                "Item {} is scored by an expert panel: its answer comes only from the assigned experts' own scores (at least {}, averaged) and cannot be entered directly",
                indicator, PANEL_MIN
            ),
        )
    } else {
        Denied::forbidden(
            format!(
                "指标 {} 已指派专家评分：答案来自专家各自的评分，不能直接填写；如需由你作答，请先移除指派的专家",
                indicator
            ),
            format!(
                "Item {} is scored by its assigned experts: its answer comes from their own scores and cannot be entered directly; to answer it yourself, remove the assigned experts first",
                indicator
            ),
        )
    }
}

/// Whether this person sees the experts' scores of an item (and the answer derived from
/// them): experts score independently and see the others' only once they have saved their
/// own (I-13); everyone else who sees the item sees them.
pub fn sees_panel_scores(access: &Access, scored_own: bool) -> bool {
    !matches!(access, Access::Expert(_)) || scored_own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enterprise_declares_and_staff_verify() {
        let d = star_source(&Access::Edit, Role::Enterprise, None, &json!(80), None).unwrap();
        assert_eq!(d.source, Source::SelfDeclared);
        assert_eq!(
            d.value,
            json!({"value": 80, "source": "self", "verified": false})
        );
        let d = star_source(
            &Access::Edit,
            Role::Enterprise,
            None,
            &json!(80),
            Some("third_party"),
        )
        .unwrap();
        assert!(d.needs_evidence && d.value["verified"] == json!(true));
        assert!(star_source(
            &Access::Edit,
            Role::Enterprise,
            None,
            &json!(80),
            Some("onsite")
        )
        .is_err());
        let d = star_source(
            &Access::Edit,
            Role::Auditor,
            None,
            &json!({"value": 5, "source": "platform"}),
            None,
        )
        .unwrap();
        assert_eq!((d.source, d.needs_evidence), (Source::Platform, false));
        let d = star_source(&Access::Edit, Role::Auditor, None, &json!(5), None).unwrap();
        assert_eq!(d.source, Source::Onsite);
        assert!(star_source(&Access::Edit, Role::Auditor, None, &json!(5), Some("guess")).is_err());
    }

    #[test]
    fn platform_data_only_for_online_items() {
        let d = star_source(
            &Access::Platform,
            Role::Operator,
            Some(Category::Online),
            &json!(1),
            Some("self"),
        )
        .unwrap();
        assert_eq!(d.source, Source::Platform);
        assert!(matches!(
            star_source(
                &Access::Platform,
                Role::Operator,
                Some(Category::Offline),
                &json!(1),
                None
            ),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn items_scored_by_experts_refuse_direct_saves_and_hide_scores_until_ones_own() {
        assert!(scored_by_experts(true, true, true, 0));
        assert!(scored_by_experts(true, true, false, 1));
        assert!(!scored_by_experts(true, true, false, 0));
        // the enterprise's self-assessment: its own estimate
        assert!(!scored_by_experts(true, false, true, 0));
        // schemes whose experts answer directly
        assert!(!scored_by_experts(false, true, true, 2));
        let Denied::Forbidden(m) = direct_save_refused("A.1-3", true) else {
            panic!()
        };
        assert!(
            m.zh.contains("A.1-3") && m.zh.contains("至少 3 位"),
            "{}",
            m.zh
        );
        let ex = Access::Expert(vec!["x".into()]);
        assert!(!sees_panel_scores(&ex, false) && sees_panel_scores(&ex, true));
        assert!(sees_panel_scores(&Access::Edit, false));
        assert!(sees_panel_scores(&Access::Read, false));
    }

    #[test]
    fn a_panel_item_counts_from_the_third_expert() {
        assert_eq!(panel_answer(&[1.0, 2.0], true), None);
        assert_eq!(
            panel_answer(&[1.0, 2.0, 3.0], true),
            Some(json!({"experts": [1.0, 2.0, 3.0]}))
        );
        assert_eq!(panel_answer(&[1.0], false), Some(json!({"experts": [1.0]})));
        assert_eq!(panel_answer(&[], false), None);
    }
}
