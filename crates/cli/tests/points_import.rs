//! `tianping points import` and `tianping points check` on a SQLite file (seed 002, I-22):
//! the events taken in with a count per status, a second import counted as duplicates, each
//! balance equal to `points replay` of the same file, a tampered balance found (exit 1), and
//! an organisation that is not a platform refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tianping_app::domain::OrgKind;
use tianping_store::{points, repo, Store};

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(std::env::temp_dir());
    for k in ["TIANPING_CONFIG", "DATABASE_URL", "TIANPING_SMTP_URL"] {
        c.env_remove(k);
    }
    c.output().expect("binary runs")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON expected ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tianping-points-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn import_then_check() {
    let dir = scratch("import");
    let db = dir.join("t.db");
    let _ = std::fs::remove_file(&db);
    let events = dir.join("events.jsonl");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/points");
    let text = std::fs::read_to_string(src.join("shops.jsonl")).unwrap()
        + &std::fs::read_to_string(src.join("rejected.jsonl")).unwrap();
    std::fs::write(&events, text).unwrap();

    let s = Store::open(db.to_str().unwrap()).await.unwrap();
    let mut tx = s.begin().await.unwrap();
    let platform = repo::create_org(&mut tx, OrgKind::Platform, "Platform")
        .await
        .unwrap();
    let body = repo::create_org(&mut tx, OrgKind::Body, "Body")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    s.close().await;
    let url = db.to_str().unwrap();
    let (p, b) = (platform.id.to_string(), body.id.to_string());
    let ev = events.to_str().unwrap();

    let o = run(&["points", "import", ev, "--platform", &b, "--database", url]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--platform"),
        "{o:?}"
    );

    // shops.jsonl: 11 new and a repeated key; rejected.jsonl: a refund never given (taken
    // in: the fold reports it), a website, and an event that is not in the rules
    let o = run(&[
        "points",
        "import",
        ev,
        "--platform",
        &p,
        "--database",
        url,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let v = json_of(&o);
    assert_eq!(
        (v["accepted"].as_i64(), v["duplicates"].as_i64()),
        (Some(13), Some(1)),
        "{v}"
    );
    assert_eq!(v["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(v["rejected"][0]["line"], 15);
    assert!(v["rejected"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("page_viewed"));

    // again: everything is a duplicate but the rejected line
    let o = run(&["points", "import", ev, "--platform", &p, "--database", url]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("接收 0 个事件，重复 14 个，拒绝 1 个"),
        "{out}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("第 1 批"),
        "{o:?}"
    );

    // the balances equal the replay of the same file
    let o = run(&["points", "replay", ev, "--format", "json"]);
    let replay = json_of(&o);
    let s = Store::open(url).await.unwrap();
    let stored = points::balances(&s).await.unwrap();
    assert_eq!(stored.len(), replay["shops"].as_object().unwrap().len());
    for bal in &stored {
        let r = &replay["shops"][&bal.shop];
        assert_eq!(Some(bal.total), r["points"].as_i64(), "{}", bal.shop);
        let by_rule: Value = serde_json::from_str(&bal.by_rule).unwrap();
        assert_eq!(&by_rule, &r["by_rule"], "{}", bal.shop);
    }

    let o = run(&["points", "check", "--database", url]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    tianping_store::sqlx::query("UPDATE points_balances SET by_rule = '{}' WHERE shop = 'shop-a'")
        .execute(&s.pool)
        .await
        .unwrap();
    s.close().await;
    let o = run(&["points", "check", "--database", url]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1 个店铺") && out.contains("shop-a"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
