//! Helpers of the insight API tests: eepc-certification answers (B.1 of 003: 111 items adding
//! to 101.5 points, the total scaled by 100 / 101.5, I-2; AAAAA from 95, AAAA from 90, no
//! grade below 70) and assessments and clients built through the API.

#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{json, Value};
use tianping_core::Plan;

use super::common::{catalog, uscc, Api, Resp};

pub const SCHEME: &str = "eepc-certification";

pub fn plan() -> Plan<'static> {
    Plan::new(catalog().get(SCHEME).unwrap(), None, None).unwrap()
}

/// Answers from a function of the indicator id and its maximum (None: unanswered).
pub fn answers_by(f: impl Fn(&str, f64) -> Option<f64>) -> BTreeMap<String, Value> {
    plan()
        .leaves
        .iter()
        .filter_map(|l| f(&l.ind.id, l.answer_max).map(|v| (l.ind.id.clone(), json!(v))))
        .collect()
}

/// Every item at its maximum but these (None: unanswered).
pub fn full_but(except: &[(&str, Option<f64>)]) -> BTreeMap<String, Value> {
    answers_by(|id, max| match except.iter().find(|(e, _)| *e == id) {
        Some((_, v)) => *v,
        None => Some(max),
    })
}

/// B.1-50 (5 points) and B.1-3 (0.5) at 0, the rest full: raw 96 → 94.58, AAAA.
pub fn aaaa() -> BTreeMap<String, Value> {
    full_but(&[("B.1-50", Some(0.0)), ("B.1-3", Some(0.0))])
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// A new eepc-certification assessment of `enterprise` by the caller (self for an
/// enterprise, on-site for a body's auditor), answered with `answers` in one batch.
pub async fn scored(api: &Api, enterprise: i64, answers: &BTreeMap<String, Value>) -> i64 {
    let r = api
        .post(
            "/assessments",
            json!({"enterprise_id": enterprise, "scheme": SCHEME}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let rows: Vec<Value> = answers
        .iter()
        .map(|(k, v)| json!({"indicator": k, "value": v}))
        .collect();
    let r = api
        .post(
            &format!("/assessments/{id}/answers/batch"),
            json!({ "answers": rows }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert!(
        v.to_string().contains("\"ok\"") && !v.to_string().contains("\"error\""),
        "{v}"
    );
    id
}

/// A client registered by a body's auditor (engaged with the body) in an industry.
pub async fn client(api: &Api, n: usize, name: &str, industry: &str) -> i64 {
    let r = api
        .post(
            "/enterprises",
            json!({"uscc": uscc(n), "name": name, "headcount": "50", "industry_code": industry}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

pub fn field(r: &Resp) -> String {
    r.json()["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
