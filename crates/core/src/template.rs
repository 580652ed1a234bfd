//! The answer template of a plan: every indicator with what an assessor needs to answer it,
//! and an `answers` object with one null per indicator, ready to fill in.

use serde_json::{json, Value};

use crate::engine::Plan;

/// JSON answer template for a plan (scheme, variant, profile).
pub fn template(plan: &Plan) -> Value {
    let s = plan.scheme;
    let indicators: Vec<Value> = plan
        .leaves
        .iter()
        .map(|l| {
            let i = l.ind;
            let mut v = json!({
                "id": i.id,
                "path": i.path,
                "table": i.table,
                "kind": plan.kind.as_str(),
            });
            // The serial as printed; null for rows the standard prints without one.
            v["serial"] = json!(i.serial);
            if let Some(c) = i.category {
                v["category"] = json!(c);
            }
            if let Some(p) = i.points {
                v["max"] = json!(p);
            }
            if i.half_points {
                v["half_points"] = json!(true);
            }
            if i.expert_panel {
                v["expert_panel"] = json!(true);
            }
            if i.likert {
                v["likert"] = json!(true);
            }
            for (k, x) in [
                ("content", &i.content),
                ("requirement", &i.requirement),
                ("method", &i.method),
                ("evidence", &i.evidence),
            ] {
                if let Some(x) = x {
                    v[k] = json!(x);
                }
            }
            if !i.levels.is_empty() {
                v["levels"] = json!(i.levels);
                v["weights"] = json!(i.weights);
            }
            v
        })
        .collect();
    let answers: serde_json::Map<String, Value> = plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), Value::Null))
        .collect();
    json!({
        "scheme": s.id,
        "variant": plan.variant.map(|v| &v.id),
        "scheme_version": s.version,
        "guidance": s.guidance,
        "indicators": indicators,
        "answers": answers,
    })
}
