//! The enterprise and assessment pages as each role sees them, on every database: permission
//! refusals answer 403 (422 stays for invalid input), the profile box is shown to an
//! evaluation body's staff only, and variants are shown by their names in the scheme.

mod common;

use axum::http::StatusCode;
use common::*;
use tianping_store::repo;

#[tokio::test]
async fn a_permission_refusal_answers_403_and_invalid_input_422() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let ent = format!("/enterprises/{}", f.ent_a);
        // the decider reads the client's record but has no form to change it
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        let r = dec.get(&ent).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            !r.body.contains(&format!(r#"action="{ent}""#)),
            "{b}: no record form for the decider"
        );
        let u1 = uscc(1);
        let good = [
            ("uscc", u1.as_str()),
            ("name", "Renamed by the decider"),
            ("industry_code", "C3511"),
            ("headcount", "100"),
        ];
        let bad = [("uscc", "123"), ("name", ""), ("headcount", "many")];
        for fields in [&good[..], &bad[..]] {
            let r = dec.post(&ent, fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: {fields:?}");
            assert!(
                r.body.contains("不能修改这家企业的登记信息"),
                "{b}: the refusal says why: {}",
                r.body
            );
        }
        let rec = repo::enterprise_visible(&app.state.store, repo::Scope::All, f.ent_a)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rec.name, "Enterprise A", "{b}: unchanged");
        // other refused actions: a refusal, whatever was typed
        for (path, fields) in [
            (
                format!("{ent}/sites"),
                vec![("name", ""), ("headcount", "-1")],
            ),
            (format!("{ent}/engage"), vec![("org_id", "")]),
            ("/assessments".to_string(), vec![("enterprise_id", "")]),
            ("/enterprises/new".to_string(), vec![("uscc", "1")]),
        ] {
            let r = dec.post(&path, &fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: POST {path}");
        }
        for path in ["/assessments/new", "/enterprises/new"] {
            let r = dec.get(path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}: GET {path}");
        }
        // the enterprise itself may not engage for another, nor register clients
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        assert_eq!(
            a.get("/enterprises/new").await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        // invalid input from someone allowed: the form again, 422, typed values kept
        let r = a
            .post(
                &ent,
                &[
                    ("uscc", u1.as_str()),
                    ("name", "Typed name"),
                    ("industry_code", "ZZ9"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("Typed name"), "{b}");
        let r = a.post(&format!("{ent}/engage"), &[("org_id", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let r = a
            .post(
                "/assessments",
                &[
                    ("enterprise_id", &f.ent_a.to_string()),
                    ("scheme", "t-cic-capability"),
                    ("title", &"长".repeat(201)),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_profile_box_is_shown_to_body_staff_only() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let new = format!(
            "/assessments/new?enterprise={}&scheme=t-cic-capability",
            f.ent_a
        );
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a.get(&new).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains(r#"action="/assessments""#) && r.body.contains(r#"name="title""#),
            "{b}: the form is there"
        );
        assert!(
            !r.body.contains(r#"name="profile""#) && !r.body.contains("TOML"),
            "{b}: no profile box for the enterprise"
        );
        for staff in ["auditor@b1.test", "admin@b1.test"] {
            let mut s = app.browser();
            s.login(staff, PW).await;
            let r = s.get(&new).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {staff}");
            assert!(
                r.body
                    .contains(r#"<textarea id="f-profile" name="profile""#),
                "{b} {staff}: profile box"
            );
        }
        // the auditor's invalid profile comes back next to the box, as typed
        let mut s = app.browser();
        s.login("auditor@b1.test", PW).await;
        s.get(&new).await;
        let r = s
            .post(
                "/assessments",
                &[
                    ("enterprise_id", &f.ent_a.to_string()),
                    ("scheme", "t-cic-capability"),
                    ("profile", "not = [toml"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let at = r.body.find(r#"id="f-profile""#).unwrap();
        let err = r.body[at..].find(r#"class="err""#).unwrap();
        assert!(err < 300, "{b}: the error is next to the box");
        assert!(r.body[at..].contains("not = [toml"), "{b}: typed text kept");
        // the enterprise cannot set a profile through the API either
        let t = token(&app, "a@a.test").await;
        let r = app
            .api(&t)
            .post(
                "/assessments",
                serde_json::json!({"enterprise_id": f.ent_a.to_string(), "scheme": "t-cic-capability",
                    "profile": "[weights]\n"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("只能由评价机构设置"), "{b}: {}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_pages_name_variants_as_the_scheme_does() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        // the decider's view of the record: no form, so every name shown is the record's
        let mut dec = app.browser();
        dec.login("decider@b1.test", PW).await;
        let r = dec.get(&format!("/enterprises/{}", f.ent_a)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("技术服务类企业"), "{b}: the type by name");
        assert!(
            r.body.contains("制造业企业"),
            "{b}: the category suggested from C3511 by name"
        );
        assert!(
            !r.body.contains("tech-service") && !r.body.contains("manufacturing"),
            "{b}: no raw ids on the page"
        );
        // the enterprise's own pages
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a.get(&format!("/enterprises/{}", f.ent_a)).await;
        assert!(r.body.contains("技术服务类企业"), "{b}");
        assert!(
            r.body
                .contains(r#"<option value="tech-service" selected>技术服务类企业</option>"#),
            "{b}: the select keeps the id as its value and shows the name"
        );
        for p in [
            "/assessments".to_string(),
            format!("/assessments/{}", f.star_a),
            format!(
                "/assessments/new?enterprise={}&scheme=t11-aii-001-2020",
                f.ent_a
            ),
        ] {
            let r = a.get(&p).await;
            assert_eq!(r.status, StatusCode::OK, "{b} {p}");
            assert!(r.body.contains("技术服务类企业"), "{b} {p}: by name");
            assert!(
                !r.body.contains(">tech-service")
                    && !r.body.contains("tech-service<")
                    && !r.body.contains("（tech-service）")
                    && !r.body.contains("· tech-service"),
                "{b} {p}: no raw id shown"
            );
        }
        app.cleanup().await;
    }
}

/// A page as a snapshot: one tag per line, with what changes from run to run (CSRF tokens,
/// the stylesheet's hash, times) replaced by placeholders, and a chart's drawing by its title
/// (the charts are tested in tianping-charts and tests/charts.rs).
fn page_snapshot(name: &str, r: &Resp) {
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    let hex = regex::Regex::new(r"[0-9a-f]{16,}").unwrap();
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").unwrap();
    let chart = regex::Regex::new(r"(?s)<svg [^>]*><title>([^<]*)</title>.*?</svg>").unwrap();
    let body = chart.replace_all(&r.body, "<svg>[chart: $1]</svg>");
    let body = body.replace("><", ">\n<");
    let body = hex.replace_all(&body, "[hex]");
    let body = time.replace_all(&body, "[time]");
    insta::assert_snapshot!(name, body);
}

/// Representative pages, the same on every database (the same snapshots).
#[tokio::test]
async fn representative_pages_as_snapshots() {
    for app in apps().await {
        let f = fixture(&app).await;
        let mut anon = app.browser();
        page_snapshot("page_login", &anon.get("/login").await);
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        page_snapshot(
            "page_enterprise",
            &a.get(&format!("/enterprises/{}", f.ent_a)).await,
        );
        let item = format!("/assessments/{}/items/{}", f.self_a, enc(&f.item));
        let r = a
            .post(
                &format!("{item}/answer"),
                &[("value", "2"), ("note", "snapshot")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        page_snapshot("page_item", &a.get(&item).await);
        page_snapshot(
            "page_result",
            &a.get(&format!("/assessments/{}/result", f.self_a)).await,
        );
        app.cleanup().await;
    }
}
