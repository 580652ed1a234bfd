//! Shop points intake (seed 002, I-14, I-22, I-24) on SQLite and PostgreSQL: a platform
//! operator's batches answered per event (accepted, duplicate within and across batches,
//! rejected with the reason), the shop's balance equal to `tianping_points::fold` of the same
//! events, one audit entry per batch, other callers refused, oversized batches refused, and
//! `check` finding a balance tampered with by SQL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::DateTime;
use common::*;
use serde_json::{json, Value};
use tianping_points::event::parse_line;
use tianping_points::{fold, Version};

fn ev(key: &str, shop: &str, event: &str, at: &str, extra: Value) -> Value {
    let mut v = json!({"key": key, "shop": shop, "event": event, "at": at});
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        m.extend(x);
    }
    v
}

fn batch_one() -> Vec<Value> {
    vec![
        ev(
            "a-reg",
            "shop-a",
            "shop_registered",
            "2026-01-05T09:00:00+08:00",
            json!({"registered_on": "2021-03-01"}),
        ),
        ev(
            "a-prof",
            "shop-a",
            "profile_completed",
            "2026-01-05T09:10:00+08:00",
            json!({}),
        ),
        ev(
            "a-f1",
            "shop-a",
            "followed",
            "2026-01-06T10:00:00+08:00",
            json!({"party": "enterprise", "subject": "ent-1"}),
        ),
        // the same key again with the same content: a duplicate within the batch
        ev(
            "a-prof",
            "shop-a",
            "profile_completed",
            "2026-01-05T09:10:00+08:00",
            json!({}),
        ),
        // the same key with other content: rejected as a conflict
        ev(
            "a-f1",
            "shop-a",
            "followed",
            "2026-01-07T10:00:00+08:00",
            json!({"party": "person", "subject": "p-9"}),
        ),
        // not an event of the rules
        ev(
            "a-x",
            "shop-a",
            "page_viewed",
            "2026-01-06T10:00:00+08:00",
            json!({}),
        ),
        // a time without offset
        json!({"key": "a-bad", "shop": "shop-a", "event": "website_added", "at": "2026-01-09 12:00"}),
        ev(
            "b-deco",
            "shop-b",
            "shop_decorated",
            "2026-01-05T09:20:00+08:00",
            json!({}),
        ),
        // an unfollow of a follower never given: kept, and said not to count
        ev(
            "a-unf9",
            "shop-a",
            "unfollowed",
            "2026-01-08T10:00:00+08:00",
            json!({"subject": "ent-9"}),
        ),
    ]
}

async fn audit_batches(app: &App) -> i64 {
    let (n,): (i64,) = tianping_store::sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'points_intake'",
    )
    .fetch_one(&app.state.store.pool)
    .await
    .unwrap();
    n
}

#[tokio::test]
async fn a_batch_is_answered_per_event_and_the_balance_is_the_fold() {
    for app in apps().await {
        fixture(&app).await;
        let op = app.api(&token(&app, "operator@p.test").await);
        let r = op.post("/points/events", json!(batch_one())).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.backend, r.body);
        let v = r.json();
        let statuses: Vec<&str> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses,
            [
                "accepted",
                "accepted",
                "accepted",
                "duplicate",
                "rejected",
                "rejected",
                "rejected",
                "accepted",
                "accepted"
            ],
            "{}",
            app.backend
        );
        assert_eq!(
            (
                v["accepted"].as_i64(),
                v["duplicates"].as_i64(),
                v["rejected"].as_i64()
            ),
            (Some(5), Some(1), Some(3))
        );
        let reasons: Vec<&str> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["reason"].as_str())
            .collect();
        assert!(
            reasons[0].contains("第 5 个事件") && reasons[0].contains("a-f1"),
            "{reasons:?}"
        );
        assert!(reasons[1].contains("page_viewed"), "{reasons:?}");
        assert!(reasons[2].contains("第 7 个事件"), "{reasons:?}");
        assert_eq!(v["results"][8]["status"], "accepted");
        assert!(reasons[3].starts_with("已接收，暂未计分"), "{reasons:?}");
        assert_eq!(v["results"][6]["key"], "a-bad");
        assert!(v["results"][0].get("reason").is_none());

        // a second batch as JSON Lines: one key seen in the first batch, one new
        let second = [
            ev(
                "a-prof",
                "shop-a",
                "profile_completed",
                "2026-01-05T09:10:00+08:00",
                json!({}),
            ),
            ev(
                "a-deco",
                "shop-a",
                "shop_decorated",
                "2026-01-05T09:20:00+08:00",
                json!({}),
            ),
        ];
        let body: String = second.iter().map(|e| format!("{e}\n")).collect();
        let req = Request::post("/api/v1/points/events")
            .header(
                "authorization",
                format!("Bearer {}", token(&app, "operator@p.test").await),
            )
            .header("content-type", "application/jsonl")
            .body(Body::from(body))
            .unwrap();
        let r = send(&app.router, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        assert_eq!(v["results"][0]["status"], "duplicate");
        assert_eq!(v["results"][1]["status"], "accepted");
        assert_eq!(audit_batches(&app).await, 2, "one audit entry per batch");

        // the balance is the fold of the accepted events as of the balance's time
        let r = op.get("/points/shops/shop-a").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let shop = r.json();
        let as_of = DateTime::parse_from_rfc3339(shop["as_of"].as_str().unwrap()).unwrap();
        let accepted: Vec<_> = [
            &batch_one()[0],
            &batch_one()[1],
            &batch_one()[2],
            &batch_one()[8],
            &second[1],
        ]
        .iter()
        .enumerate()
        .map(|(i, e)| parse_line(&e.to_string(), i + 1).unwrap())
        .collect();
        let l = fold(&Version::builtin(), &accepted, as_of);
        let s = &l.shops["shop-a"];
        assert_eq!(shop["total"].as_i64(), Some(s.points), "{}", app.backend);
        assert_eq!(shop["by_rule"], json!(s.by_rule));
        assert_eq!(shop["events"], 5);
        let lv = s.level.unwrap();
        assert_eq!(shop["level"]["n"].as_i64(), Some(i64::from(lv.n)));
        assert_eq!(shop["level"]["kind"], json!(lv.kind));
        assert!(s.points > 0);
        assert_eq!(
            op.get("/points/shops/shop-z").await.status,
            StatusCode::NOT_FOUND
        );

        // check finds nothing, then a balance tampered with by SQL
        assert!(tianping_app::points::check(&app.state)
            .await
            .unwrap()
            .is_empty());
        tianping_store::sqlx::query(
            "UPDATE points_balances SET total = total + 1 WHERE shop = 'shop-b'",
        )
        .execute(&app.state.store.pool)
        .await
        .unwrap();
        let d = tianping_app::points::check(&app.state).await.unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].shop, "shop-b");
        assert_eq!(d[0].stored, Some(d[0].folded + 1));
        // the events refuse updates
        assert!(
            tianping_store::sqlx::query("UPDATE points_events SET shop = 'x'")
                .execute(&app.state.store.pool)
                .await
                .is_err()
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_operators_and_at_most_10000_events() {
    for app in apps().await {
        fixture(&app).await;
        let one = json!([ev(
            "k",
            "s",
            "profile_completed",
            "2026-01-05T09:10:00+08:00",
            json!({})
        )]);
        for who in ["admin@b1.test", "a@a.test"] {
            let r = app
                .api(&token(&app, who).await)
                .post("/points/events", one.clone())
                .await;
            assert!(
                r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
                "{who}: {} {}",
                r.status,
                r.body
            );
            let r = app
                .api(&token(&app, who).await)
                .get("/points/shops/s")
                .await;
            assert!(r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND);
        }
        assert_eq!(
            app.api("").post("/points/events", one).await.status,
            StatusCode::UNAUTHORIZED
        );

        let op = app.api(&token(&app, "operator@p.test").await);
        let many: Vec<Value> = (0..10_001)
            .map(|i| {
                ev(
                    &format!("k{i}"),
                    "s",
                    "seller_login",
                    "2026-01-05T09:10:00+08:00",
                    json!({}),
                )
            })
            .collect();
        let r = op.post("/points/events", json!(many)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("10000") && r.body.contains("10001"),
            "{}",
            r.body
        );
        let empty = json!([ev(
            " ",
            "s",
            "profile_completed",
            "2026-01-05T09:10:00+08:00",
            json!({})
        )]);
        let v = op.post("/points/events", empty).await.json();
        assert_eq!(v["results"][0]["status"], "rejected", "{v}");
        assert!(v["results"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("不能为空"));
        let r = op.post("/points/events", json!({"key": "x"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            audit_batches(&app).await,
            1,
            "only the batch taken in is audited"
        );
        app.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batches_of_one_shop_leave_the_balance_equal_to_the_fold() {
    for app in apps().await {
        fixture(&app).await;
        let op = app.api(&token(&app, "operator@p.test").await);
        let batch = |b: usize| {
            let v: Vec<Value> = (0..20)
                .map(|i| {
                    ev(
                        &format!("c{b}-{i}"),
                        "shop-c",
                        "purchase",
                        "2026-02-01T10:00:00+08:00",
                        json!({"subject": format!("order-{b}-{i}")}),
                    )
                })
                .collect();
            json!(v)
        };
        // checks running meanwhile never see a batch half taken in
        let checks = async {
            let mut found = Vec::new();
            for _ in 0..8 {
                found.extend(tianping_app::points::check(&app.state).await.unwrap());
                tokio::task::yield_now().await;
            }
            found
        };
        let (a, b, c, d, found) = tokio::join!(
            op.post("/points/events", batch(0)),
            op.post("/points/events", batch(1)),
            op.post("/points/events", batch(2)),
            op.post("/points/events", batch(3)),
            checks,
        );
        assert!(found.is_empty(), "{}: {found:?}", app.backend);
        for r in [a, b, c, d] {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(r.json()["accepted"], 20, "{}", r.body);
        }
        let shop = op.get("/points/shops/shop-c").await.json();
        assert_eq!(shop["events"], 80, "{}: {shop}", app.backend);
        assert!(tianping_app::points::check(&app.state)
            .await
            .unwrap()
            .is_empty());
        app.cleanup().await;
    }
}

/// The balance after each batch, and what `fold` gives for the accepted events so far.
async fn balance_and_fold(op: &Api, sent: &[Value]) -> (i64, i64) {
    let shop = op.get("/points/shops/shop-l").await.json();
    let as_of = DateTime::parse_from_rfc3339(shop["as_of"].as_str().unwrap()).unwrap();
    let events: Vec<_> = sent
        .iter()
        .enumerate()
        .map(|(i, e)| parse_line(&e.to_string(), i + 1).unwrap())
        .collect();
    let folded = fold(&Version::builtin(), &events, as_of).shops["shop-l"].points;
    (shop["total"].as_i64().unwrap(), folded)
}

#[tokio::test]
async fn batches_in_order_go_on_late_ones_refold_and_a_tampered_saved_fold_is_found() {
    for app in apps().await {
        fixture(&app).await;
        let op = app.api(&token(&app, "operator@p.test").await);
        let login = |d: u32| {
            ev(
                &format!("l{d}"),
                "shop-l",
                "seller_login",
                &format!("2026-02-{d:02}T09:00:00+08:00"),
                json!({}),
            )
        };
        let follow = |k: &str, ev_name: &str, d: u32| {
            ev(
                k,
                "shop-l",
                ev_name,
                &format!("2026-02-{d:02}T10:00:00+08:00"),
                json!({"party": "person", "subject": "p-1"}),
            )
        };
        let batches = [
            vec![login(1), login(2), login(3)],
            // in order: the saved fold goes on
            vec![login(5)],
            // a late login day fills the gap: folded again from the start
            vec![login(4)],
            // an unfollow before its follow arrives: kept, not counted
            vec![follow("u1", "unfollowed", 7)],
            // the follow arrives late: given and taken back
            vec![follow("f1", "followed", 6)],
            vec![login(8)],
        ];
        let mut sent = Vec::new();
        let mut totals = Vec::new();
        for b in batches {
            let r = op.post("/points/events", json!(b)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            sent.extend(b);
            let (total, folded) = balance_and_fold(&op, &sent).await;
            assert_eq!(
                total,
                folded,
                "{}: after {} events",
                app.backend,
                sent.len()
            );
            totals.push(total);
            assert!(tianping_app::points::check(&app.state)
                .await
                .unwrap()
                .is_empty());
        }
        // days 1–5 and 8 count one point each; the follower was taken back
        assert_eq!(totals, [3, 4, 5, 5, 5, 6], "{}", app.backend);

        // a saved fold changed behind the ledger's back is found, though the total agrees
        tianping_store::sqlx::query(
            "UPDATE points_balances SET state = replace(state, '\"run\":1', '\"run\":7') \
             WHERE shop = 'shop-l'",
        )
        .execute(&app.state.store.pool)
        .await
        .unwrap();
        let d = tianping_app::points::check(&app.state).await.unwrap();
        assert_eq!(d.len(), 1, "{}: {d:?}", app.backend);
        assert!(d[0].state_differs && d[0].stored == Some(d[0].folded));
        app.cleanup().await;
    }
}
