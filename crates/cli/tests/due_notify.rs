//! `tianping due --notify`: today's reminders of the certification cases sent once, from the
//! command line, on a SQLite database holding a case whose supplements are due in 7 days.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};
use tianping_app::domain::enterprise::EnterpriseFields;
use tianping_app::domain::{OrgKind, Role};
use tianping_store::repo::{self, NewUser};
use tianping_store::{cases, Store};

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(std::env::temp_dir());
    for k in ["TIANPING_CONFIG", "DATABASE_URL", "TIANPING_SMTP_URL"] {
        c.env_remove(k);
    }
    c.output().expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Today in China, as the binary reads it.
fn china_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A body with an admin, an enterprise with a user, and a case whose application was
/// received 10 days ago and asked 3 days ago for supplements due in 7 days.
async fn seed(path: &Path, today: NaiveDate) {
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut tx = s.begin().await.unwrap();
    let org = repo::create_org(&mut tx, OrgKind::Body, "Body One")
        .await
        .unwrap();
    let ent = repo::create_enterprise(
        &mut tx,
        &EnterpriseFields {
            uscc: "91350100M000100Y43".into(),
            name: "Enterprise A".into(),
            industry_code: "C3511".into(),
            headcount: 120,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (email, role, org_id, enterprise_id) in [
        ("admin@b1.test", Role::BodyAdmin, Some(org.id), None),
        ("auditor@b1.test", Role::Auditor, Some(org.id), None),
        ("a@a.test", Role::Enterprise, None, Some(ent.id)),
    ] {
        let u = NewUser {
            email,
            name: email,
            password_hash: "x",
            role,
            org_id,
            enterprise_id,
        };
        ids.push(repo::create_user(&mut tx, &u).await.unwrap().id);
    }
    let case = cases::create(&mut tx, "certification", org.id, ent.id, "{}", ids[0])
        .await
        .unwrap();
    let day = |d: i64| (today + Duration::days(d)).to_string();
    for (seq, e) in [
        json!({"type": "application_received", "date": day(-10), "headcount": 120,
            "scope": "建筑工程施工合同履约管理"}),
        json!({"type": "application_reviewed", "date": day(-3),
            "result": "supplement_requested", "due": day(7), "by": ids[0].to_string()}),
    ]
    .into_iter()
    .enumerate()
    {
        let (t, d) = (e["type"].as_str().unwrap(), e["date"].as_str().unwrap());
        cases::append(
            &mut tx,
            case,
            seq as i64,
            t,
            d,
            &e.to_string(),
            Some(ids[0]),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    s.close().await;
}

async fn case_dues(path: &Path) -> Vec<(String, String)> {
    let s = Store::connect(path.to_str().unwrap()).await.unwrap();
    let rows: Vec<(String, String)> = tianping_store::sqlx::query_as(
        "SELECT u.email, n.kind FROM notifications n JOIN users u ON u.id = n.user_id \
         ORDER BY u.email",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap();
    s.close().await;
    rows
}

#[test]
fn due_notify_sends_todays_reminders_once() {
    let dir = std::env::temp_dir().join(format!("tianping-due-notify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    let today = china_today();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(seed(&db, today));
    let dbs = db.to_str().unwrap();

    let o = run(&["due", "--notify", "--database", dbs]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(
        out.contains("今日提醒：新发送 1 条，通知 2 人次（未配置 smtp_url，只写站内消息）"),
        "{out}"
    );
    assert!(out.contains("补充申请材料"), "{out}");
    let told = vec![
        ("a@a.test".to_string(), "case_due".to_string()),
        ("admin@b1.test".to_string(), "case_due".to_string()),
    ];
    assert_eq!(rt.block_on(case_dues(&db)), told);

    // again the same day: nothing new, in JSON too
    let o = run(&["due", "--notify", "--database", dbs, "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reminded"]["reminders"], 0, "{v}");
    assert_eq!(v["due"][0]["kind"], "supplement", "{v}");
    assert_eq!(v["due"][0]["due"], (today + Duration::days(7)).to_string());
    assert_eq!(rt.block_on(case_dues(&db)), told);

    // reminders are for today only
    let o = run(&[
        "due",
        "--notify",
        "--as-of",
        "2020-01-01",
        "--database",
        dbs,
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--notify 只发送今天"),
        "{}",
        text(&o.stderr)
    );
    // without --notify, the due list alone sends nothing
    let o = run(&[
        "due",
        "--as-of",
        &(today + Duration::days(7)).to_string(),
        "--database",
        dbs,
    ]);
    assert!(o.status.success() && !text(&o.stdout).contains("今日提醒"));
    assert_eq!(rt.block_on(case_dues(&db)), told);
    let _ = std::fs::remove_dir_all(&dir);
}
