//! `tianping points import` and `tianping points check` on a SQLite file (seed 002, I-22):
//! the events taken in with a count per status, a second import counted as duplicates, each
//! balance equal to `points replay` of the same file, a tampered balance found (exit 1), an
//! organisation that is not a platform refused, and an import killed with SIGKILL mid-batch
//! counting every event exactly once after a re-run.

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

/// kill -9 during an import: every batch reported before the kill is stored whole (each is
/// one transaction), and a re-run counts every event exactly once — on SQLite and, when
/// `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.
#[tokio::test]
async fn an_import_killed_midway_counts_each_event_once_after_a_rerun() {
    use std::io::Write;
    let dir = scratch("kill");
    let db = dir.join("t.db");
    let _ = std::fs::remove_file(&db);
    let events = dir.join("events.jsonl");
    let total = 60_000;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&events).unwrap());
    for i in 0..total {
        writeln!(
            f,
            r#"{{"key": "k{i}", "shop": "s{}", "event": "purchase", "at": "2026-02-01T{:02}:{:02}:{:02}+08:00", "subject": "o{i}"}}"#,
            i % 500,
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        )
        .unwrap();
    }
    f.into_inner().unwrap().sync_all().unwrap();
    kill_and_rerun(db.to_str().unwrap(), &events, total).await;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let name = format!("tp_kill_{}", std::process::id());
            let admin = Store::connect(&url).await.unwrap();
            let create = format!("CREATE DATABASE {name}");
            tianping_store::sqlx::query(&create)
                .execute(&admin.pool)
                .await
                .unwrap();
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
            kill_and_rerun(&format!("{base}/{name}"), &events, total).await;
            let drop = format!("DROP DATABASE {name} WITH (FORCE)");
            tianping_store::sqlx::query(&drop)
                .execute(&admin.pool)
                .await
                .unwrap();
            admin.close().await;
        }
        _ => assert_ne!(
            std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref(),
            Ok("1"),
            "TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
        ),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn kill_and_rerun(url: &str, events: &Path, total: i64) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let s = Store::open(url).await.unwrap();
    let mut tx = s.begin().await.unwrap();
    let platform = repo::create_org(&mut tx, OrgKind::Platform, "Platform")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    s.close().await;
    let (p, ev) = (platform.id.to_string(), events.to_str().unwrap());

    let mut child = Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(["points", "import", ev, "--platform", &p, "--database", url])
        .env_remove("TIANPING_CONFIG")
        .env_remove("DATABASE_URL")
        .current_dir(std::env::temp_dir())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("第 1 批") {
        line.clear();
    }
    assert!(line.contains("第 1 批"), "{line}");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let s = Store::open(url).await.unwrap();
    let (stored,): (i64,) = tianping_store::sqlx::query_as("SELECT COUNT(*) FROM points_events")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    s.close().await;
    assert!(
        stored >= 10_000 && stored < total && stored % 10_000 == 0,
        "{url}: {stored}"
    );

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
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v = json_of(&o);
    assert_eq!(v["duplicates"].as_i64(), Some(stored));
    assert_eq!(v["accepted"].as_i64(), Some(total - stored));
    let s = Store::open(url).await.unwrap();
    let (n,): (i64,) = tianping_store::sqlx::query_as("SELECT COUNT(*) FROM points_events")
        .fetch_one(&s.pool)
        .await
        .unwrap();
    let (sum,): (i64,) =
        tianping_store::sqlx::query_as("SELECT CAST(SUM(total) AS BIGINT) FROM points_balances")
            .fetch_one(&s.pool)
            .await
            .unwrap();
    s.close().await;
    assert_eq!(n, total);
    assert_eq!(sum, 10 * total, "each purchase counted once");
    let o = run(&["points", "check", "--database", url]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}
