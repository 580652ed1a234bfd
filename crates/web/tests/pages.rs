//! The enterprise and assessment pages as each role sees them, on every database: the
//! profile box is shown to an evaluation body's staff only, and variants are shown by their
//! names in the scheme.

mod common;

use axum::http::StatusCode;
use common::*;

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
