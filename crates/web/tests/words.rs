//! Words for people, on every database, with the demo data: pages show figures with at most two
//! decimals, grades, levels and stars in words with the distance to what was not reached, no
//! internal codes, enum values or JSON; validation messages say what to enter; the API keeps
//! the full precision and gives the same distances.

mod common;

use axum::http::StatusCode;
use common::*;
use tianping_store::repo;

const DEMO_PW: &str = tianping_app::demo::PASSWORD;

/// The text a person reads: tags, and the values of form options, left out.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"").replace("&amp;", "&")
}

/// Numbers with more than two decimals in a text.
fn long_figures(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|w| {
            w.split_once('.').is_some_and(|(a, d)| {
                !a.is_empty() && d.len() > 2 && d.chars().all(|c| c.is_ascii_digit())
            })
        })
        .map(str::to_string)
        .collect()
}

/// What no page may show: internal codes, enum values, JSON.
const RAW: &[&str] = &[
    "third_party",
    "tech-service",
    "odm-oem",
    "offline-service",
    "expert_panel",
    "likert",
    "half_points",
    "points_fed",
    "{\"experts\"",
    "{\"value\"",
    "零星级",
    "0 · 未达第一级",
];

fn check_words(b: &str, path: &str, body: &str) {
    let t = text(body);
    for raw in RAW {
        assert!(!t.contains(raw), "{b}: {path} shows {raw:?}");
    }
    let long = long_figures(&t);
    assert!(long.is_empty(), "{b}: {path} shows {long:?}");
}

/// An API token for a demo login.
async fn demo_token(app: &App, email: &str) -> String {
    let r = app
        .api("")
        .post(
            "/tokens",
            serde_json::json!({"email": email, "password": DEMO_PW, "name": "words"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

async fn demo_assessment(app: &App, title: &str) -> repo::Assessment {
    let (all, _) = repo::list_assessments(&app.state.store, repo::Scope::All, None, 100, 0)
        .await
        .unwrap();
    all.into_iter()
        .find(|a| a.title == title)
        .unwrap_or_else(|| panic!("demo assessment {title}"))
}

#[tokio::test]
async fn demo_pages_speak_in_words_with_two_decimals_and_distances() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        let (all, _) = repo::list_assessments(&app.state.store, repo::Scope::All, None, 100, 0)
            .await
            .unwrap();
        // the system admin sees every assessment: each one's page, result, history and first item
        let mut admin = app.browser();
        admin.login("admin@tianping.demo", DEMO_PW).await;
        for a in &all {
            let scheme = app.state.catalog.get(&a.scheme).unwrap();
            let first = scheme
                .indicators_of(a.variant.as_deref().and_then(|v| scheme.variant(v)))
                .next()
                .unwrap();
            for path in [
                format!("/assessments/{}", a.id),
                format!("/assessments/{}/result", a.id),
                format!("/assessments/{}/history", a.id),
                format!("/assessments/{}/items/{}", a.id, enc(&first.id)),
            ] {
                let r = admin.get(&path).await;
                assert_eq!(r.status, StatusCode::OK, "{b}: {path}");
                check_words(b, &path, &r.body);
            }
        }
        for path in ["/", "/assessments", "/enterprises"] {
            let r = admin.get(path).await;
            check_words(b, path, &r.body);
        }

        // T11/AII on site, 4★: the stars in words and every condition of 5★ with its gap
        let a = demo_assessment(&app, "上云企业履约能力评价（现场审查）").await;
        let r = admin.get(&format!("/assessments/{}/result", a.id)).await;
        assert!(
            r.body.contains("<span class=\"words\">四星级</span>"),
            "{b}"
        );
        assert!(r.body.contains("距五星级，综合得分差 "), "{b}");
        let t = text(&r.body);
        assert!(t.contains("综合得分需达到 900，现为 "), "{b}");
        assert!(t.contains("单项星级"), "{b}");
        assert!(
            r.body.matches("data-testid=\"distance\"").count() >= 2,
            "{b}"
        );
        // …and the API the same distances at full precision
        let tok = demo_token(&app, "admin@tianping.demo").await;
        let v = app
            .api(&tok)
            .get(&format!("/assessments/{}/result", a.id))
            .await
            .json();
        let d = v["distances"].as_array().unwrap();
        let total = d
            .iter()
            .find(|x| x["target"]["stars"] == 5 && x["condition"]["kind"] == "total")
            .unwrap_or_else(|| panic!("{b}: {v}"));
        let score = v["result"]["evaluation"]["composite"].as_f64().unwrap();
        assert_eq!(total["current"].as_f64().unwrap(), score, "{b}");
        assert_eq!(total["required"], 900.0);
        let gap = total["gap"].as_f64().unwrap();
        assert!((gap - (900.0 - score)).abs() < 1e-6, "{b}: {gap}");
        assert!(
            t.contains(&format!("差 {} 分", tianping_app::domain::words::fig(gap))),
            "{b}: the page says the API's gap in two decimals"
        );

        // T11/AII self-assessment, unverified: nothing counts; 1★ needs the online ratio
        let a = demo_assessment(&app, "上云企业履约能力自评").await;
        let mut ent = app.browser();
        ent.login("xinghe@ent.demo", DEMO_PW).await;
        let r = ent.get(&format!("/assessments/{}/result", a.id)).await;
        let t = text(&r.body);
        assert!(t.contains("个企业自报的答案尚未核验"), "{b}");
        assert!(
            t.contains("线上得分率需达到 60%，现为 0%，差 60 个百分点"),
            "{b}"
        );
        assert!(t.contains("无星级"), "{b}");
        check_words(b, "self result", &r.body);

        // T/SDDITAI 5121: the levels as printed and the step-down count
        let a = demo_assessment(&app, "2025 数字化水平自评").await;
        let r = ent.get(&format!("/assessments/{}/result", a.id)).await;
        let t = text(&r.body);
        assert!(t.contains("第三级：提升级"), "{b}");
        assert!(t.contains("低于本级的指标 "), "{b}: {t}");
        assert!(t.contains("最多允许 "), "{b}");

        // a level answer in words, and selected as such in the form
        let a = demo_assessment(&app, "数字化水平自评（进行中）").await;
        let answered = repo::answers(&app.state.store, a.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.value_json.is_some())
            .unwrap();
        let level: f64 = serde_json::from_str(answered.value_json.as_deref().unwrap()).unwrap();
        let mut owner = app.browser();
        owner.login("hefeng@ent.demo", DEMO_PW).await;
        let path = format!(
            "/assessments/{}/items/{}",
            a.id,
            enc(&answered.indicator_id)
        );
        let r = owner.get(&path).await;
        let words = tianping_app::domain::words::level(tianping_app::Lang::Zh, level as u32);
        assert!(
            r.body
                .contains(&format!(r#"<option value="{level}" selected>{words}"#)),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(&format!("当前答案: <b>{words}")), "{b}");
        check_words(b, &path, &r.body);

        // interpretations by title and clause, the code as a small tag
        let a = demo_assessment(&app, "企业能力体系建设评价（现场）").await;
        let r = admin.get(&format!("/assessments/{}/result", a.id)).await;
        assert!(
            r.body
                .contains(r#"<span class="tag" title="解释编号">004-I13</span>"#),
            "{b}"
        );
        assert!(
            !r.body.contains("<b>004-I13</b>"),
            "{b}: the code is no title"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn validation_messages_say_what_to_enter_in_words() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        let a = demo_assessment(&app, "企业能力体系建设评价（现场）").await;
        let scheme = app.state.catalog.get(&a.scheme).unwrap();
        let panel = scheme.indicators.iter().find(|i| i.expert_panel).unwrap();
        let plain = scheme
            .indicators
            .iter()
            .find(|i| !i.expert_panel && !i.likert && i.half_points)
            .unwrap();
        let mut br = app.browser();
        br.login("auditor@body.demo", DEMO_PW).await;
        let item = |i: &str| format!("/assessments/{}/items/{}", a.id, enc(i));
        // one expert's score where three are needed: the enterprise's own estimate in its
        // self-assessment (on a body's assessment only the experts' own scores count, I-13)
        let own = demo_assessment(&app, "企业能力体系建设自评").await;
        let mut ent = app.browser();
        ent.login("yunfan@ent.demo", DEMO_PW).await;
        let path = format!("/assessments/{}/items/{}/answer", own.id, enc(&panel.id));
        let r = ent.post(&path, &[("experts", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            r.body
                .contains("专家评审项需要至少 3 位专家的评分，现有 1 位"),
            "{b}: {}",
            r.body
        );
        // a score between the half points, and one over the maximum
        let path = format!("{}/answer", item(&plain.id));
        let max = tianping_core::fmt_num(plain.points.unwrap());
        for (typed, says) in [
            ("0.3", "0.3 不是 0.5 分的整数倍：请填写 0 至 ".to_string()),
            (
                "99",
                format!("99 超出范围：请填写 0 至 {max} 之间的分值（以 0.5 分为步长）"),
            ),
        ] {
            let r = br.post(&path, &[("value", typed)]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            assert!(r.body.contains(&says), "{b}: {typed}: {}", r.body);
            let t = text(&r.body);
            for raw in ["{\"experts\"", "{\"likert\"", "可接受："] {
                assert!(!t.contains(raw), "{b}: {typed}: {raw}");
            }
        }
        // the same words in English
        let mut en = app.browser();
        en.get("/lang/en?back=/").await;
        en.login("auditor@body.demo", DEMO_PW).await;
        let r = en.post(&path, &[("value", "99")]).await;
        assert!(
            r.body.contains(&format!(
                "99 is out of range: enter a score from 0 to {max} (in steps of 0.5)"
            )),
            "{b}: {}",
            r.body
        );
        // the API says it in words too
        let tok = demo_token(&app, "yunfan@ent.demo").await;
        let p = app
            .api(&tok)
            .put(
                &format!("/assessments/{}/answers/{}", own.id, enc(&panel.id)),
                serde_json::json!({"value": {"experts": [1]}}),
            )
            .await
            .json();
        let m = p["errors"][0]["message"].as_str().unwrap_or("");
        assert_eq!(
            m, "专家评审项需要至少 3 位专家的评分，现有 1 位",
            "{b}: {p}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_profile_is_a_folded_advanced_option_for_body_staff() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        let mut staff = app.browser();
        staff.login("auditor@body.demo", DEMO_PW).await;
        let r = staff
            .get("/assessments/new?scheme=t-cic-capability&enterprise=1")
            .await;
        let at = r
            .body
            .find("<details class=\"advanced\">")
            .expect("the 高级 option");
        let inner = &r.body[at..at + r.body[at..].find("</details>").unwrap()];
        assert!(inner.contains("<summary>高级</summary>"), "{b}");
        assert!(
            inner.contains(r#"name="profile""#),
            "{b}: the box is inside"
        );
        let mut ent = app.browser();
        ent.login("xinghe@ent.demo", DEMO_PW).await;
        let r = ent.get("/assessments/new?scheme=t-cic-capability").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            !r.body.contains("高级") && !r.body.contains(r#"name="profile""#),
            "{b}: enterprises never see it"
        );
        app.cleanup().await;
    }
}

#[test]
fn the_helpers_find_long_figures() {
    assert_eq!(long_figures("总分 873.606557 · 87.18%"), ["873.606557"]);
    assert!(long_figures("1.2.3 表A.1 T1.1.1.1 0.5 2026-11-26 tianping-engine/0.1.0").is_empty());
}
