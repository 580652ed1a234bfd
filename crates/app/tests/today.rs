//! The clock is injected: with `today` set, every change is stamped on that day.

use tianping_app::{accounts, App, Config};

#[tokio::test]
async fn changes_are_stamped_with_the_configured_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    let config = Config {
        database: db,
        today: Some(tianping_app::config::parse_today("2030-02-28", "today").unwrap()),
        ..Config::default()
    };
    let app = App::open(config).await.unwrap();
    let u = accounts::bootstrap_sysadmin(&app, "root@t.test", "Root", "x")
        .await
        .unwrap();
    // the day itself, or the next one if the test runs across midnight UTC
    assert!(
        u.created_at.starts_with("2030-02-28") || u.created_at.starts_with("2030-03-01"),
        "{}",
        u.created_at
    );
    let bad = tianping_app::config::parse_today("28.02.2030", "--today").unwrap_err();
    assert!(
        bad.contains("--today") && bad.contains("YYYY-MM-DD"),
        "{bad}"
    );
}
