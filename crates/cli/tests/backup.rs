//! `tianping backup`: a SQLite database copied while it is open (`VACUUM INTO`) reads back
//! whole — its rows and a verifying audit chain; an existing file is never overwritten; a
//! PostgreSQL database is sent to pg_dump.

use std::process::{Command, Output};

use tianping_app::domain::OrgKind;
use tianping_store::{repo, Store};

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(std::env::temp_dir());
    for k in ["TIANPING_CONFIG", "DATABASE_URL", "TIANPING_SMTP_URL"] {
        c.env_remove(k);
    }
    c.output().expect("binary runs")
}

#[tokio::test]
async fn a_live_sqlite_database_is_copied_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let s = Store::open(db.to_str().unwrap()).await.unwrap();
    let mut tx = s.begin().await.unwrap();
    repo::create_org(&mut tx, OrgKind::Body, "备份测试机构")
        .await
        .unwrap();
    repo::create_org(&mut tx, OrgKind::Platform, "Platform")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // the source stays open (a running server) while the copy is made
    let copy = dir.path().join("copy.db");
    let o = run(&[
        "backup",
        "--database",
        db.to_str().unwrap(),
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("已备份到"));
    s.close().await;
    let b = Store::open(copy.to_str().unwrap()).await.unwrap();
    let orgs = repo::list_orgs(&b, None).await.unwrap();
    assert!(orgs.iter().any(|o| o.name == "备份测试机构"), "{orgs:?}");
    assert!(tianping_store::audit::verify(&b).await.unwrap().ok());
    b.close().await;
    // never over an existing file
    let o = run(&[
        "backup",
        "--database",
        db.to_str().unwrap(),
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("已存在"));
}

#[test]
fn postgresql_is_sent_to_pg_dump() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var("TIANPING_REQUIRE_POSTGRES").is_err(),
            "TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.db");
    let o = run(&["backup", "--database", &url, "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("pg_dump"));
    assert!(!out.exists());
}
