//! The audit report of 003 8.1.6.4 as PDF on SQLite and PostgreSQL: the client, scope and
//! sites, audit type, criteria and objectives, team, dates, deviations, findings, conclusion
//! and recommendation from the case's events, and the Annex B.1 checklist scores of the
//! assessment linked to the audit; English on request; the same case gives the same bytes;
//! another body's staff get 404, and so does an audit the case does not have.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use pdf::pdf_text;
use serde_json::{json, Value};
use tianping_app::domain::words::fig;
use tianping_app::FixedClock;
use tianping_core::Plan;

const HISTORY: &str = r#"{"case": "certification", "people": [{"id": "rev", "name": "申请评审员甲"}, {"id": "lead", "name": "审核组长乙", "competence": ["CCAA-QMS-2020", "EEPC-2025"]}, {"id": "aud", "name": "审核员丙", "competence": ["CCAA-EMS-2021", "EEPC-2025"]}, {"id": "dec", "name": "决定人员丁"}]}
{"type": "application_received", "date": "2025-09-01", "headcount": 120, "scope": "建筑工程施工合同履约管理", "system_start": "2025-03-01"}
{"type": "application_reviewed", "date": "2025-09-05", "result": "accepted", "by": "rev"}
{"type": "contract_signed", "date": "2025-09-10"}
{"type": "audit_planned", "date": "2025-09-15", "audit": "S1", "kind": "stage1", "start": "2025-10-09", "end": "2025-10-09", "team": [{"person": "lead", "role": "leader"}], "days": 1}
{"type": "plan_confirmed", "date": "2025-09-15", "audit": "S1"}
{"type": "audit_completed", "date": "2025-10-09", "audit": "S1", "last_day": "2025-10-09"}
{"type": "audit_planned", "date": "2025-10-10", "audit": "S2", "kind": "stage2", "start": "2025-11-03", "end": "2025-11-04", "team": [{"person": "lead", "role": "leader", "task": "合同履约过程"}, {"person": "aud", "role": "auditor", "task": "信用管理"}], "days": 4, "objectives": "确定履约能力评价体系是否满足认证要求", "criteria": "T/CECC 履约能力评价体系要求", "scope": "总部及项目部的合同履约管理"}
{"type": "plan_confirmed", "date": "2025-10-10", "audit": "S2"}
{"type": "audit_completed", "date": "2025-11-04", "audit": "S2", "last_day": "2025-11-04", "findings": [{"id": "NC-1", "severity": "minor", "text": "合同评审记录缺少签字"}], "report": {"deviations": "第二天下午的项目部走访改为视频连线", "conclusion": "体系运行基本有效", "recommendation": "after_corrections"}}
"#;

/// Answer every item of an eepc-certification assessment with its full points.
async fn answer_all(app: &App, email: &str, aid: i64) {
    let s = catalog().get("eepc-certification").unwrap();
    let plan = Plan::new(s, None, None).unwrap();
    let api = app.api(&token(app, email).await);
    let rows: Vec<Value> = plan
        .leaves
        .iter()
        .map(|l| json!({"indicator": l.ind.id, "value": l.ind.points.unwrap_or(0.0)}))
        .collect();
    let r = api
        .post(
            &format!("/assessments/{aid}/answers/batch"),
            json!({ "answers": rows }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn audit_report_with_the_checklist_scores() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2025, 11, 20, 2, 0, 0).unwrap(),
    ));
    let case_re = regex::Regex::new(r#"href="/cases/(\d+)""#).unwrap();
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let ent = tianping_store::repo::get_enterprise(&app.state.store, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let ent_id = f.ent_a.to_string();
        let r = admin
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent_id)],
                "h.jsonl",
                HISTORY.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        let cases = admin.get("/cases").await.body;
        let case: i64 = case_re.captures(&cases).unwrap()[1].parse().unwrap();
        // the Annex B.1 checklist of S2, scored and linked
        let aud = app.api(&token(&app, "auditor@b1.test").await);
        let r = aud
            .post(
                "/assessments",
                json!({"enterprise_id": f.ent_a, "scheme": "eepc-certification"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        let aid = r.json()["id"].as_i64().unwrap();
        answer_all(&app, "auditor@b1.test", aid).await;
        let score = aud.get(&format!("/assessments/{aid}")).await.json()["score"]
            .as_f64()
            .unwrap();
        let r = admin
            .post(
                &format!("/cases/{case}/checklists"),
                &[("audit", "S2"), ("assessment", &aid.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        // the case page links each audit's report
        let page = admin.get(&format!("/cases/{case}")).await.body;
        let path = format!("/cases/{case}/audits/S2/report.pdf");
        assert!(page.contains(&format!("href=\"{path}\"")), "{bk}");
        let api = app.api(&token(&app, "admin@b1.test").await);
        let r = api.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert_eq!(r.content_type(), "application/pdf");
        let t = pdf_text(&r.bytes);
        for want in [
            "认证审核报告",
            ent.name.as_str(),
            ent.uscc.as_str(),
            "建筑工程施工合同履约管理",
            "总部及项目部的合同履约管理",
            "第二阶段审核",
            "T/CECC 履约能力评价体系要求",
            "确定履约能力评价体系是否满足认证要求",
            "审核组长乙",
            "审核员丙",
            "信用管理",
            "2025-11-03 至 2025-11-04",
            "第二天下午的项目部走访改为视频连线",
            "NC-1",
            "一般不符合",
            "合同评审记录缺少签字",
            "2025-12-04",
            "体系运行基本有效",
            "不符合项关闭后推荐通过（保持）认证",
            "附录 B.1 检查表评分",
            &fig(score),
            "引擎版本",
        ] {
            assert!(t.contains(want), "{bk}: missing {want:?} in\n{t}");
        }
        let page_pdf = admin.get(&path).await;
        assert_eq!(page_pdf.bytes, r.bytes, "{bk}: same case, same bytes");
        let en = api.get(&format!("{path}?lang=en")).await;
        let t = pdf_text(&en.bytes);
        for want in [
            "Certification audit report",
            "Stage 2 audit",
            "Team leader",
            "Minor nonconformity",
            "Recommend once the nonconformities are closed",
            "Annex B.1 checklist scores",
        ] {
            assert!(t.contains(want), "{bk}: missing {want:?} in\n{t}");
        }
        // stage 1 has no checklist: the report says what was recorded and no checklist
        let s1 = api
            .get(&format!("/cases/{case}/audits/S1/report.pdf"))
            .await;
        assert_eq!(s1.status, StatusCode::OK, "{bk}");
        let t = pdf_text(&s1.bytes);
        assert!(
            t.contains("第一阶段审核") && !t.contains("附录 B.1"),
            "{bk}: {t}"
        );
        // unknown audit, another body, no token
        let r = api
            .get(&format!("/cases/{case}/audits/S9/report.pdf"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        let other = app.api(&token(&app, "auditor@b2.test").await);
        let r = other.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        let r = app.api("").get(&path).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bk}");
        app.cleanup().await;
    }
}
