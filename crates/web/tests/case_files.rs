//! The documents of a certification case on SQLite and PostgreSQL, through the pages and the
//! API: the enterprise uploads its application documents and the checklist of 8.1.1 a)–i)
//! shows what is still missing; the body admin uploads the contract, an auditor an audit
//! report; correction evidence names a finding of the case; people who do not see the case
//! get 404 on the list and the download; a party uploading another's kind gets 403 naming who
//! uploads it; a refused type or an oversized file is refused naming the accepted types; a
//! download returns the bytes uploaded, with the UTF-8 name.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::{TimeZone, Utc};
use common::*;
use serde_json::Value;
use tianping_app::cases::{self, Event, Kind};
use tianping_app::FixedClock;
use tianping_case::certification::events::Site;
use tianping_store::repo;

const PDF: &[u8] = b"%PDF-1.4\n% licence of Enterprise A\n";

/// A multipart upload through the API with a bearer token.
async fn api_upload(
    app: &App,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    data: &[u8],
) -> Resp {
    let b = "----casefilesboundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1{path}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", format!("multipart/form-data; boundary={b}"))
        .body(Body::from(body))
        .unwrap();
    send(&app.router, req).await
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The enterprise of the fixture applies to the body with two sites (so b) is required).
async fn apply(app: &App, body_id: i64) -> i64 {
    let st = &app.state;
    let ua = repo::user_by_email(&st.store, "a@a.test")
        .await
        .unwrap()
        .unwrap();
    let site = |name: &str, headcount: u32| Site {
        name: name.into(),
        headcount,
        central: false,
        temporary: false,
        activity: None,
    };
    let event = Event {
        date: cases::today(st),
        kind: Kind::ApplicationReceived {
            headcount: 100,
            scope: "建筑工程施工合同履约管理".into(),
            sites: vec![site("总部", 80), site("分公司", 20)],
            system_start: Some("2025-10-01".parse().unwrap()),
        },
    };
    cases::apply(st, &ua, body_id, event).await.unwrap()
}

#[tokio::test]
async fn documents_of_a_case_through_pages_and_api() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let id = apply(&app, f.body_id).await;
        let case = format!("/cases/{id}");

        // before any upload: the checklist lists every required document, b) included
        let te = token(&app, "a@a.test").await;
        let r = app.api(&te).get(&format!("{case}/files")).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        let v = r.json();
        assert_eq!(
            strings(&v["missing"]),
            [
                "licence",
                "site_legal",
                "application_form",
                "profile",
                "process",
                "system_docs",
                "credit_screenshot"
            ],
            "{bk}"
        );
        assert!(strings(&v["uploadable"]).contains(&"licence".to_string()));
        assert!(!strings(&v["uploadable"]).contains(&"contract".to_string()));

        // the enterprise uploads its licence through the page
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        let r = ent.get(&case).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(r.body.contains("申请材料清单（8.1.1）"), "{bk}");
        assert!(
            r.body.contains("a) 营业执照（副本）"),
            "{bk}: licence missing"
        );
        assert!(r.body.contains(r#"option value="licence""#), "{bk}");
        assert!(
            !r.body.contains(r#"option value="contract""#),
            "{bk}: the enterprise is not offered the contract"
        );
        let r = ent
            .upload_with(
                &format!("{case}/files"),
                &[("kind", "licence"), ("subject", "")],
                "营业执照.pdf",
                PDF,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        assert!(
            r.location().starts_with(&format!("{case}#file-")),
            "{bk}: {}",
            r.location()
        );
        let r = ent.get(&case).await;
        assert!(r.body.contains("营业执照.pdf"), "{bk}");
        assert!(
            !r.body.contains("a) 营业执照（副本）"),
            "{bk}: the licence is no longer missing"
        );
        assert!(r.body.contains("b) 场所法律地位证明"), "{bk}: two sites");

        // the API's checklist agrees
        let v = app.api(&te).get(&format!("{case}/files")).await.json();
        assert_eq!(strings(&v["missing"])[0], "site_legal", "{bk}");
        assert_eq!(v["checklist"][0]["files"], 1, "{bk}");
        assert_eq!(v["checklist"][1]["need"], "required", "{bk}");
        assert_eq!(v["checklist"][2]["need"], "if_applicable", "{bk}");
        let licence = &v["files"][0];
        assert_eq!(licence["kind"], "licence");
        assert_eq!(licence["clause"], "8.1.1 a)");
        assert_eq!(licence["uploaded_by_name"], "Enterprise A", "{bk}");
        let fid = licence["id"].as_i64().unwrap();

        // the body admin sees the same checklist and uploads the contract through the API
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin.get(&case).await;
        assert!(r.body.contains("尚缺必须提交的申请材料"), "{bk}");
        assert!(r.body.contains(r#"option value="contract""#), "{bk}");
        // and above the application review's form
        let r = admin
            .get(&format!("{case}/events/new?type=application_reviewed"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(
            r.body
                .contains("尚缺必须提交的申请材料（8.1.1）：b) 场所法律地位证明"),
            "{bk}: {}",
            r.body
        );
        let ta = token(&app, "admin@b1.test").await;
        let r = api_upload(
            &app,
            &ta,
            &format!("{case}/files"),
            &[("kind", "contract")],
            "认证合同 2026.pdf",
            b"%PDF-1.7 contract",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        assert_eq!(r.json()["kind"], "contract");
        assert_eq!(r.json()["clause"], "8.1.2.3");
        assert_eq!(r.json()["file_name"], "认证合同 2026.pdf");

        // the enterprise may not upload a contract: 403 naming who does
        let r = api_upload(
            &app,
            &te,
            &format!("{case}/files"),
            &[("kind", "contract")],
            "c.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}: {}", r.body);
        assert!(
            r.body.contains("认证合同") && r.body.contains("只能由认证机构管理员上传"),
            "{bk}: {}",
            r.body
        );
        let r = ent
            .upload_with(
                &format!("{case}/files"),
                &[("kind", "contract")],
                "c.pdf",
                PDF,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}");
        assert!(r.body.contains("只能由认证机构管理员上传"), "{bk}");
        // nor may the decider upload anything
        let td = token(&app, "decider@b1.test").await;
        let r = api_upload(
            &app,
            &td,
            &format!("{case}/files"),
            &[("kind", "audit_report")],
            "r.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}: {}", r.body);

        // a refused type and an oversized file name the accepted types
        let r = api_upload(
            &app,
            &te,
            &format!("{case}/files"),
            &[("kind", "profile")],
            "setup.exe",
            b"MZ\x90\x00",
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bk}: {}",
            r.body
        );
        assert_eq!(r.json()["errors"][0]["field"], "file");
        assert!(r.body.contains("pdf、png"), "{bk}: {}", r.body);
        let mut big = PDF.to_vec();
        big.resize(64 * 1024 + 1, b' ');
        let r = api_upload(
            &app,
            &te,
            &format!("{case}/files"),
            &[("kind", "profile")],
            "profile.pdf",
            &big,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bk}: {}",
            r.body
        );
        assert!(
            r.body.contains("上限 64 KB") && r.body.contains("pdf、png"),
            "{bk}: {}",
            r.body
        );
        let r = ent
            .upload_with(
                &format!("{case}/files"),
                &[("kind", "process")],
                "流程.exe",
                b"MZ",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("不接受"), "{bk}");
        assert!(
            r.body.contains(r#"option value="process" selected"#),
            "{bk}: the kind chosen is kept"
        );
        // an unknown kind names the accepted ones; correction evidence needs a finding
        let r = api_upload(
            &app,
            &te,
            &format!("{case}/files"),
            &[("kind", "passport")],
            "p.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("credit_screenshot"), "{bk}: {}", r.body);
        let r = api_upload(
            &app,
            &te,
            &format!("{case}/files"),
            &[("kind", "correction_evidence")],
            "c.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("尚无不符合项"), "{bk}: {}", r.body);

        // people who do not see the case: 404 on the list, the download and an upload
        for email in ["auditor@b2.test", "b@b.test"] {
            let t = token(&app, email).await;
            let api = app.api(&t);
            for p in [format!("{case}/files"), format!("{case}/files/{fid}")] {
                assert_eq!(
                    api.get(&p).await.status,
                    StatusCode::NOT_FOUND,
                    "{bk} {email} {p}"
                );
            }
            let r = api_upload(
                &app,
                &t,
                &format!("{case}/files"),
                &[("kind", "licence")],
                "l.pdf",
                PDF,
            )
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk} {email}");
        }
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        let r = other.get(&format!("{case}/files/{fid}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        // a file of another case is not found under this one
        let r = app
            .api(&te)
            .get(&format!("/cases/{}/files/{fid}", id + 1000))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");

        // the download returns the same bytes, with the type and the UTF-8 name
        for r in [
            app.api(&ta).get(&format!("{case}/files/{fid}")).await,
            admin.get(&format!("{case}/files/{fid}")).await,
        ] {
            assert_eq!(r.status, StatusCode::OK, "{bk}");
            assert_eq!(r.bytes, PDF, "{bk}");
            assert_eq!(r.content_type(), "application/pdf");
            let disp = r.headers["content-disposition"].to_str().unwrap();
            assert!(
                disp.contains("filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf"),
                "{bk}: {disp}"
            );
            assert!(disp.contains(&format!("filename=\"case-{id}-file-{fid}.pdf\"")));
        }

        // each upload is in the audit log
        let n: i64 = tianping_store::sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'case_file'",
        )
        .fetch_one(&app.state.store.pool)
        .await
        .unwrap();
        assert_eq!(n, 2, "{bk}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn correction_evidence_and_reports_name_the_case_findings_and_audits() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        // a history with an audit S2 and its findings NC1 and NC2, imported by the body admin
        let history = include_str!("../../case/tests/cases/full-cycle.jsonl")
            .lines()
            .take(10)
            .collect::<Vec<_>>()
            .join("\n");
        let admin = repo::user_by_email(&app.state.store, "admin@b1.test")
            .await
            .unwrap()
            .unwrap();
        let id = cases::import(&app.state, &admin, f.ent_a, &history)
            .await
            .unwrap()
            .case_id;
        let path = format!("/cases/{id}/files");

        let te = token(&app, "a@a.test").await;
        let ok = api_upload(
            &app,
            &te,
            &path,
            &[("kind", "correction_evidence"), ("subject", "NC2")],
            "整改记录.docx",
            b"PK\x03\x04 docx",
        )
        .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{bk}: {}", ok.body);
        assert_eq!(ok.json()["subject"], "NC2");
        assert_eq!(ok.json()["clause"], "8.1.6.5");
        for subject in ["", "NC9"] {
            let r = api_upload(
                &app,
                &te,
                &path,
                &[("kind", "correction_evidence"), ("subject", subject)],
                "x.pdf",
                PDF,
            )
            .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk} {subject}");
            assert_eq!(r.json()["errors"][0]["field"], "subject");
            assert!(r.body.contains("NC1、NC2"), "{bk}: {}", r.body);
        }

        // the body's auditor uploads the audit report of S2, not of an audit the case lacks
        let tu = token(&app, "auditor@b1.test").await;
        let r = api_upload(
            &app,
            &tu,
            &path,
            &[("kind", "audit_report"), ("subject", "S2")],
            "S2 审核报告.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{bk}: {}", r.body);
        let r = api_upload(
            &app,
            &tu,
            &path,
            &[("kind", "audit_report"), ("subject", "S3")],
            "r.pdf",
            PDF,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("S1、S2"), "{bk}: {}", r.body);
        let r = api_upload(&app, &tu, &path, &[("kind", "contract")], "c.pdf", PDF).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}");

        // the page lists both by kind with their subject, the uploader and the clause
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        let r = ent.get(&format!("/cases/{id}")).await;
        assert!(r.body.contains("整改记录.docx"), "{bk}");
        assert!(r.body.contains("S2 审核报告.pdf"), "{bk}");
        assert!(
            r.body.contains("8.1.6.4") && r.body.contains("8.1.6.5"),
            "{bk}"
        );
        assert!(
            r.body.contains("auditor@b1.test"),
            "{bk}: the uploader's name"
        );
        app.cleanup().await;
    }
}
