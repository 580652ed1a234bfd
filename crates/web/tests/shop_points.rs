//! Shop points in the product (seed 002, I-14, I-15, I-22) on SQLite and PostgreSQL: the
//! operator's batch form answered per event, the operator's page (counts per level, intake
//! figures), a shop's page (total, badge, history with the rule in words, cap reached, next
//! level) for its enterprise and 404 for others, the SME assessment fed from the ledger with
//! its trace while the body's own answer stays (I-20), and the demo's shops.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_app::domain::Source;
use tianping_store::repo;

fn ev(key: &str, shop: &str, event: &str, at: &str, extra: Value) -> String {
    let mut v = json!({"key": key, "shop": shop, "event": event, "at": at});
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
    }
    v.to_string()
}

/// Shop A's batch: profile, website, decoration (90) and 21 certificates (capped at 200):
/// 290 points, 3星; plus a repetition, a conflict and an unknown event.
fn batch(shop: &str) -> String {
    let mut lines = vec![
        ev(
            "p",
            shop,
            "profile_completed",
            "2026-02-01T09:00:00+08:00",
            json!({}),
        ),
        ev(
            "w",
            shop,
            "website_added",
            "2026-02-01T09:05:00+08:00",
            json!({}),
        ),
        ev(
            "d",
            shop,
            "shop_decorated",
            "2026-02-01T09:10:00+08:00",
            json!({}),
        ),
    ];
    for i in 0..21 {
        lines.push(ev(
            &format!("c{i}"),
            shop,
            "certificate_added",
            "2026-02-02T10:00:00+08:00",
            json!({"subject": format!("ZS-{i}")}),
        ));
    }
    // the same key and content again: a duplicate; the same key with other content: rejected
    lines.push(ev(
        "p",
        shop,
        "profile_completed",
        "2026-02-01T09:00:00+08:00",
        json!({}),
    ));
    lines.push(ev(
        "w",
        shop,
        "website_added",
        "2026-03-01T09:05:00+08:00",
        json!({}),
    ));
    lines.push(ev(
        "x",
        shop,
        "page_viewed",
        "2026-02-01T09:00:00+08:00",
        json!({}),
    ));
    lines.join("\n") + "\n\n"
}

#[tokio::test]
async fn operator_posts_a_batch_and_the_shop_page_shows_its_effect() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let shop = uscc(1);
        let mut op = app.browser();
        op.login("operator@p.test", PW).await;
        let r = op.get("/shops").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("还没有店铺"), "{b}");
        // the batch as an uploaded file: answered event by event
        let r = op
            .upload("/shops/batch", "events.jsonl", batch(&shop).as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            r.body.contains(r#"data-answer="accepted">24<"#),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(r#"data-answer="duplicate">1<"#), "{b}");
        assert!(r.body.contains(r#"data-answer="rejected">2<"#), "{b}");
        assert!(r.body.contains("与本批第 2 个事件内容不同"), "{b}");
        assert!(r.body.contains("page_viewed"), "{b}");
        // the overview: one shop at 3星, the intake's figures
        assert!(r.body.contains(r#"data-level="star-3""#), "{b}");
        assert!(r.body.contains(r#"data-figure="events">24<"#), "{b}");
        assert!(r.body.contains(r#"data-figure="batches">1<"#), "{b}");
        assert!(r.body.contains(r#"data-figure="rejected">2<"#), "{b}");
        assert!(
            r.body.contains("Enterprise A"),
            "{b}: the shop's enterprise"
        );
        // pasted again: every event a duplicate or rejected, nothing changes
        let pasted = batch(&shop);
        let r = op
            .upload_with("/shops/batch", &[("events", &pasted)], "", b"")
            .await;
        assert!(
            r.body.contains(r#"data-answer="duplicate">25<"#),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains(r#"data-figure="batches">2<"#), "{b}");
        assert!(r.body.contains(r#"data-figure="events">24<"#), "{b}");
        // an empty batch and a broken array are refused with the reason, nothing stored
        let r = op
            .upload_with("/shops/batch", &[("events", " ")], "", b"")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("没有事件"), "{b}");
        let r = op
            .upload_with("/shops/batch", &[("events", "[{\"key\": 1")], "", b"")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("JSON 数组无法读取"), "{b}");
        // search
        let r = op.get("/shops?q=enterprise%20a").await;
        assert!(r.body.contains(&shop), "{b}");
        let r = op.get("/shops?q=nothing-like-it").await;
        assert!(r.body.contains("没有符合条件的店铺"), "{b}");

        // the shop's page for its enterprise (redirected from /shops)
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a.get("/shops").await;
        assert_eq!(r.location(), format!("/shops/{shop}"), "{b}");
        let r = a.get(&r.location()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains(r#"data-points="290""#), "{b}: {}", r.body);
        assert!(r.body.contains("★★★"), "{b}");
        assert!(r.body.contains("3星"), "{b}");
        assert!(r.body.contains("下一等级：<b>4星</b>"), "{b}");
        assert!(r.body.contains(r#"<b class="missing">11</b>"#), "{b}");
        assert!(
            r.body.contains("公司信息/公司资质（证书）：200 / 200 分"),
            "{b}"
        );
        assert!(r.body.contains("已达上限"), "{b}");
        assert!(
            r.body.contains(
                r#"<td>公司信息/公司资质（证书）（每个10分）</td><td class="num">200</td>"#
            ),
            "{b}: points per rule"
        );
        assert!(
            r.body.contains("卖家装修/个性化装修（50分）"),
            "{b}: rule in words\n{}",
            r.body
        );
        assert!(r.body.contains("第117行"), "{b}: the clause");
        assert!(
            r.body.contains("计 0 分（已达上限）") || r.body.contains("已达上限"),
            "{b}"
        );
        assert!(r.body.contains("Platform"), "{b}: the platform's name");
        // the operator sees it too; another enterprise, a body's staff and a missing shop: 404
        assert_eq!(
            op.get(&format!("/shops/{shop}")).await.status,
            StatusCode::OK
        );
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        assert_eq!(
            other.get(&format!("/shops/{shop}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        assert_eq!(
            aud.get(&format!("/shops/{shop}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        assert_eq!(aud.get("/shops").await.status, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(
            op.get("/shops/no-such-shop").await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // B's own page exists but has no events
        let r = other.get(&format!("/shops/{}", uscc(2))).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("尚未报送"), "{b}");
        // posting a batch is the operator's
        let r = a
            .upload_with("/shops/batch", &[("events", "{}")], "", b"")
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let _ = f;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_sme_assessment_takes_its_figures_from_the_ledger_with_their_trace() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let st = &app.state;
        let shop = uscc(1);
        let op = repo::user_by_email(&st.store, "operator@p.test")
            .await
            .unwrap()
            .unwrap();
        let lines: Vec<String> = batch(&shop)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        tianping_app::points::intake(st, &op, &lines).await.unwrap();
        let products: Vec<String> = (0..3)
            .map(|i| {
                ev(
                    &format!("pr{i}"),
                    &shop,
                    "product_listed",
                    "2026-02-03T10:00:00+08:00",
                    json!({"subject": format!("FW-{i}")}),
                )
            })
            .collect();
        tianping_app::points::intake(st, &op, &products)
            .await
            .unwrap();
        let auditor = repo::user_by_email(&st.store, "auditor@b1.test")
            .await
            .unwrap()
            .unwrap();
        let a = tianping_app::assessments::create(
            st,
            &auditor,
            &tianping_app::assessments::AssessmentInput {
                enterprise_id: f.ent_a.to_string(),
                scheme: "sme-service-2020".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // the body's own answer on 服务数量 before the import
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        let r = aud
            .post(
                &format!("/assessments/{}/items/S.4.3/answer", a.id),
                &[("value", "55"), ("note", "现场核对订单")],
            )
            .await;
        assert!(
            r.status.is_redirection() || r.status == StatusCode::OK,
            "{b}: {}",
            r.body
        );
        let page = aud.get(&format!("/assessments/{}", a.id)).await;
        assert!(page.body.contains("服务云积分（服务成效）"), "{b}");
        assert!(page.body.contains("从服务云积分导入"), "{b}");
        // the enterprise sees the section but not the button, and may not import
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        let r = ent.get(&format!("/assessments/{}", a.id)).await;
        assert!(
            r.body.contains("服务云积分（服务成效）") && !r.body.contains("从服务云积分导入"),
            "{b}"
        );
        let r = ent
            .post(&format!("/assessments/{}/points-feed", a.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");

        let r = aud
            .post(&format!("/assessments/{}/points-feed", a.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            r.body
                .contains(r#"data-indicator="S.4.1" data-written="true""#),
            "{b}: {}",
            r.body
        );
        assert!(
            r.body
                .contains(r#"data-indicator="S.4.3" data-written="false""#),
            "{b}"
        );
        assert!(r.body.contains("优先于平台数据，保留不变"), "{b}");
        let rows = repo::answers(&st.store, a.id).await.unwrap();
        let get = |id: &str| rows.iter().find(|r| r.indicator_id == id).unwrap();
        // 服务策划: 90 + 200 of 200 → 100 %; 服务产品: 30 of 100 → 30 %; 服务过程: 0
        assert_eq!(get("S.4.1").value_json.as_deref(), Some("100"), "{b}");
        assert_eq!(get("S.4.1").source, Some(Source::Platform), "{b}");
        assert_eq!(get("S.4.2").value_json.as_deref(), Some("30"), "{b}");
        assert!(
            get("S.4.2").note.contains("依据事件 3 个：pr0、pr1、pr2"),
            "{b}: {}",
            get("S.4.2").note
        );
        assert!(get("S.4.2").note.contains("系数 30%（002-L3）"), "{b}");
        assert_eq!(get("S.4.4").value_json.as_deref(), Some("0"), "{b}");
        // I-20: the body's answer is not overwritten by platform data
        let v: f64 = get("S.4.3").value_json.as_deref().unwrap().parse().unwrap();
        assert_eq!(v, 55.0, "{b}");
        assert_eq!(get("S.4.3").note, "现场核对订单", "{b}");
        // the assessment page shows each figure beside the answer it holds now
        let page = aud.get(&format!("/assessments/{}", a.id)).await;
        assert!(
            page.body
                .contains("30%<small class=\"muted\">（平台）</small>"),
            "{b}"
        );
        assert!(
            page.body
                .contains("55%<small class=\"muted\">（非平台数据）</small>"),
            "{b}"
        );
        // the item page shows the answer's note with its trace
        let r = aud.get(&format!("/assessments/{}/items/S.4.2", a.id)).await;
        assert!(r.body.contains("依据事件 3 个：pr0、pr1、pr2"), "{b}");
        // the trace page lists the rules and events behind each figure
        let r = aud.get(&format!("/assessments/{}/points-feed", a.id)).await;
        assert!(r.body.contains("公司信息/公司资质（证书）"), "{b}");
        assert!(
            r.body.contains("<code>c20</code>") || r.body.contains("<code>c19</code>"),
            "{b}"
        );
        // the result is scored with the fed figures, and the import is audited once
        let cur = repo::get_assessment(&st.store, a.id)
            .await
            .unwrap()
            .unwrap();
        assert!(cur.result_json.is_some(), "{b}");
        let (entries, n) = tianping_store::audit_search::search(
            &st.store,
            &tianping_store::audit_search::Query {
                action: Some("points_feed".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(n, 1, "{b}: {entries:?}");
        // a second import with the same ledger changes nothing
        let r = aud
            .post(&format!("/assessments/{}/points-feed", a.id), &[])
            .await;
        assert!(r.body.contains("数据未变"), "{b}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_demo_has_shops_at_several_levels_and_a_fed_sme_assessment() {
    for app in apps().await {
        let b = app.backend;
        assert!(tianping_app::demo::seed(&app.state).await.unwrap(), "{b}");
        let mut op = app.browser();
        op.login("operator@platform.demo", tianping_app::demo::PASSWORD)
            .await;
        let r = op.get("/shops").await;
        for level in ["none", "star-1", "star-3", "diamond-2", "crown-1"] {
            assert!(
                r.body.contains(&format!(r#"data-level="{level}""#)),
                "{b}: {level}\n{}",
                r.body
            );
        }
        assert!(r.body.contains("未在天平注册"), "{b}: the outsider shop");
        let mut e = app.browser();
        e.login("hefeng@ent.demo", tianping_app::demo::PASSWORD)
            .await;
        let loc = e.get("/shops").await.location();
        let r = e.get(&loc).await;
        assert!(r.body.contains("1皇冠"), "{b}");
        assert!(r.body.contains("显示最近"), "{b}: a long history");
        // the SME assessment in progress has platform figures from the ledger
        let (all, _) = repo::list_assessments(&app.state.store, repo::Scope::All, None, 100, 0)
            .await
            .unwrap();
        let sme = all
            .iter()
            .find(|a| a.scheme == "sme-service-2020" && a.status == "draft")
            .unwrap();
        let rows = repo::answers(&app.state.store, sme.id).await.unwrap();
        let fed = rows
            .iter()
            .filter(|r| r.source == Some(Source::Platform) && r.note.contains("服务云积分"))
            .count();
        assert!(fed >= 1, "{b}: {rows:?}");
        app.cleanup().await;
    }
}
