//! Re-score stored assessments: every stored result was computed from the stored answers,
//! the scheme version, the profile and the engine version, so scoring again must give the
//! same result. `verify` only reports differences; otherwise changed results are stored
//! (and recorded in the audit log).

use serde::Serialize;
use serde_json::{json, Value};
use tianping_store::audit;
use tianping_store::repo;

use crate::assessments;
use crate::App;

#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub assessment_id: i64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checked: usize,
    pub identical: usize,
    pub differences: Vec<Difference>,
    pub updated: usize,
}

/// The first place two JSON values differ, as a path.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{}/{}", path, k);
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &p) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{}：新结果中没有", p)),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{}/{}：存储的结果中没有", path, k))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{}：存储 {} 项，重算 {} 项",
                    path,
                    x.len(),
                    y.len()
                ));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_difference(v, w, &format!("{}/{}", path, i)))
        }
        _ if a == b => None,
        _ => Some(format!(
            "{}：存储 {}，重算 {}",
            if path.is_empty() { "/" } else { path },
            a,
            b
        )),
    }
}

pub async fn rescore(app: &App, verify: bool) -> Result<Report, String> {
    let ids = repo::all_assessment_ids(&app.store)
        .await
        .map_err(|e| e.to_string())?;
    let mut report = Report {
        checked: 0,
        identical: 0,
        differences: Vec::new(),
        updated: 0,
    };
    for id in ids {
        let Some(a) = repo::get_assessment(&app.store, id)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        report.checked += 1;
        let rows = repo::answers(&app.store, id)
            .await
            .map_err(|e| e.to_string())?;
        let scored = match assessments::score(app, &a, &rows) {
            Ok(s) => s,
            Err(e) => {
                report.differences.push(Difference {
                    assessment_id: id,
                    message: format!("无法重算：{}", e.detail(tianping_domain::Lang::Zh)),
                });
                continue;
            }
        };
        let mut problems = Vec::new();
        if a.scheme_version.as_deref() != Some(scored.scheme_version.as_str()) {
            problems.push(format!(
                "方案 {} 的版本已变：存储 {}，当前 {}",
                a.scheme,
                a.scheme_version.as_deref().unwrap_or("无"),
                scored.scheme_version
            ));
        }
        if a.engine_version.as_deref() != Some(tianping_core::ENGINE_VERSION) {
            problems.push(format!(
                "引擎版本不同：存储 {}，当前 {}",
                a.engine_version.as_deref().unwrap_or("无"),
                tianping_core::ENGINE_VERSION
            ));
        }
        // Compare the stored text with the new text byte for byte (re-parsing floats could
        // move them by one unit in the last place); name the first differing field.
        let stored_text = a.result_json.as_deref().unwrap_or("");
        if stored_text != scored.result_json {
            let stored: Value = serde_json::from_str(stored_text).unwrap_or(Value::Null);
            let fresh: Value = serde_json::from_str(&scored.result_json).unwrap_or(Value::Null);
            let d = first_difference(&stored, &fresh, "").unwrap_or_else(|| {
                let at = stored_text
                    .bytes()
                    .zip(scored.result_json.bytes())
                    .take_while(|(x, y)| x == y)
                    .count();
                format!("第 {} 个字节起不同", at)
            });
            problems.push(format!("结果不同：{}", d));
        }
        if problems.is_empty() {
            report.identical += 1;
            continue;
        }
        for p in &problems {
            report.differences.push(Difference {
                assessment_id: id,
                message: p.clone(),
            });
        }
        if !verify {
            let mut tx = app.begin().await.map_err(|e| e.to_string())?;
            repo::replace_result(&mut tx, id, &scored.stored())
                .await
                .map_err(|e| e.to_string())?;
            audit::append(
                &mut tx,
                &audit::Actor::system(),
                "rescore",
                "assessment",
                &id.to_string(),
                Some(&json!({"score": a.score, "grade": a.grade, "stars": a.stars, "scheme_version": a.scheme_version, "engine_version": a.engine_version})),
                Some(&json!({"score": scored.score, "grade": scored.grade, "stars": scored.stars, "scheme_version": scored.scheme_version, "engine_version": tianping_core::ENGINE_VERSION, "why": problems})),
            )
            .await
            .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            report.updated += 1;
        }
    }
    Ok(report)
}
