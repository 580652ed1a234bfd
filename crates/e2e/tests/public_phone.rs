//! 公示公告 on a phone, in headless Chromium at 390 px and without signing in: the index, the
//! star register and the blacklist do not scroll sideways, their rows are stacked cards and
//! their links and buttons are at least 44 px tall; a search typed into the star register's
//! box keeps only the enterprise asked for, and one by credit code finds the blacklisted
//! enterprise. The star cases are made through the store with what their events publish
//! (`tianping_case::public::stars`), as the app writes it; every list of the demo is checked
//! at 390 px as well, with a demo certificate's status page and the look-up (I-21).
//! Screenshots go to
//! `target/e2e-screenshots/phone-public-*.png`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, like `browser.rs`.

use std::time::Duration;

use fantoccini::Client;
use tianping_case::{public, stars, CaseKind, Header};
use tianping_domain::{OrgKind, Role};
use tianping_e2e::{
    check_phone_page, click, err, new_state, run, serve, start_browser, text_of, type_into, Res,
};
use tianping_store::repo::{self, EnterpriseFields, NewUser};

fn ev(date: &str, body: &str) -> String {
    format!(r#"{{"date":"{date}",{body}}}"#)
}

/// A first online application awarded 1★ (with single-dimension stars after an on-site
/// result when `onsite`), and a blacklisting when `reason` is given.
fn history(onsite: bool, reason: Option<&str>) -> Vec<String> {
    let mut v = if onsite {
        vec![
            ev("2025-05-01", r#""type":"star_applied","mode":"onsite""#),
            ev(
                "2025-05-08",
                r#""type":"star_result","mode":"onsite","stars":1,"dimension_stars":{"企业信用":2,"数字化应用":1}"#,
            ),
            ev(
                "2025-05-10",
                r#""type":"star_awarded","stars":1,"by":"d1","dimension_stars":{"企业信用":2,"数字化应用":1}"#,
            ),
        ]
    } else {
        vec![
            ev("2025-03-01", r#""type":"star_applied","mode":"online""#),
            ev(
                "2025-03-10",
                r#""type":"star_result","mode":"online","stars":1"#,
            ),
            ev("2025-03-12", r#""type":"star_awarded","stars":1,"by":"d1""#),
        ]
    };
    if let Some(r) = reason {
        v.push(ev(
            "2025-04-01",
            &format!(r#""type":"blacklisted","reason":"{r}","by":"d1""#),
        ));
    }
    v
}

async fn seed(state: &tianping_web::App) -> String {
    let mut tx = state.store.begin().await.unwrap();
    let org = repo::create_org(&mut tx, OrgKind::Body, "天平星级评价中心")
        .await
        .unwrap();
    let u = repo::create_user(
        &mut tx,
        &NewUser {
            email: "admin@stars.test",
            name: "管理员",
            password_hash: "x",
            role: Role::BodyAdmin,
            org_id: Some(org.id),
            enterprise_id: None,
        },
    )
    .await
    .unwrap();
    let code = |n: usize| {
        tianping_app::demo::complete_uscc(&format!("9133010{:09}", 100_000_000 + n * 7919)[..16])
    };
    let cases = [
        ("己 Zeta 数字服务有限公司", history(false, None)),
        ("壬 Iota 工业软件股份有限公司", history(true, None)),
        (
            "庚 Eta 食品有限公司",
            history(false, Some("拒不接受年度监督审查，且逾期未整改")),
        ),
    ];
    for (n, (name, lines)) in cases.into_iter().enumerate() {
        let e = repo::create_enterprise(
            &mut tx,
            &EnterpriseFields {
                uscc: code(n + 1),
                name: name.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let id = tianping_store::cases::create(&mut tx, "stars", org.id, e.id, "{}", u.id)
            .await
            .unwrap();
        let events: Vec<stars::Event> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let o = stars::replay(&Header::new(CaseKind::Stars), &events, state.today());
        assert!(o.violations.is_empty(), "{:?}", o.violations);
        let json = serde_json::to_string(&public::stars(&o.case)).unwrap();
        tianping_store::cases::set_public(&mut tx, id, Some(&json))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    code(3)
}

async fn public_pages(c: &Client, base: &str, blacklisted_code: &str) -> Res {
    let mut problems = Vec::new();
    for (path, name) in [
        ("/public", "public-index"),
        ("/public/stars", "public-stars"),
        ("/public/blacklist", "public-blacklist"),
    ] {
        if let Err(e) = check_phone_page(c, base, path, name).await {
            problems.push(e);
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    // a search typed into the star register's box, on the phone
    c.goto(&format!("{base}/public/stars"))
        .await
        .map_err(err("open the star register"))?;
    tianping_e2e::emulate(c, 390, 800).await?;
    type_into(c, "//input[@name='q']", "iota").await?;
    click(c, "//form[contains(@class,'search')]//button").await?;
    let table = text_of(c, "//table[@data-testid='stars']").await?;
    if !table.contains("壬 Iota") || table.contains("己 Zeta") || !table.contains("企业信用")
    {
        return Err(format!("the search for iota shows: {table}"));
    }
    check_phone_page(c, base, "/public/stars?q=iota", "public-stars-search").await?;
    // the blacklist searched by the start of the credit code
    c.goto(&format!("{base}/public/blacklist"))
        .await
        .map_err(err("open the blacklist"))?;
    tianping_e2e::emulate(c, 390, 800).await?;
    type_into(c, "//input[@name='q']", &blacklisted_code[..10]).await?;
    click(c, "//form[contains(@class,'search')]//button").await?;
    let table = text_of(c, "//table[@data-testid='blacklist']").await?;
    if !table.contains("庚 Eta") || !table.contains("2025-04-01") || !table.contains("拒不接受")
    {
        return Err(format!("the blacklist search shows: {table}"));
    }
    tianping_e2e::stop_emulating(c).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_star_register_and_the_blacklist_fit_a_phone_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let state = new_state(dir.path()).await;
    let code = seed(&state).await;
    let (addr, server) = serve(state).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(180),
        public_pages(&client, &base, &code),
    )
    .await;
    server.abort();
}

/// Every public list of the demo (a result under publicity, an announced grade, stars with the
/// supervision due, a blacklisting) at 390 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_list_of_the_demo_fits_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let state = new_state(dir.path()).await;
    assert!(tianping_app::demo::seed(&state).await.unwrap());
    // a demo certificate's public status page and the look-up (I-21)
    let number = tianping_store::cases::list(&state.store, None, None)
        .await
        .unwrap()
        .into_iter()
        .find_map(|c| c.certificate_number)
        .expect("a certified demo client");
    let (addr, server) = serve(state).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    let c = client.clone();
    run(
        client.clone(),
        driver,
        Duration::from_secs(180),
        async move {
            let mut problems = Vec::new();
            for list in [
                "publicity",
                "announcements",
                "grades",
                "stars",
                "blacklist",
                "notices",
            ] {
                let path = format!("/public/{list}");
                if let Err(e) =
                    check_phone_page(&c, &base, &path, &format!("public-demo-{list}")).await
                {
                    problems.push(e);
                }
            }
            for (path, name) in [
                (format!("/verify/{number}"), "verify-status"),
                ("/verify?q=%E6%98%9F%E6%B2%B3".to_string(), "verify-lookup"),
            ] {
                if let Err(e) = check_phone_page(&c, &base, &path, name).await {
                    problems.push(e);
                }
            }
            // the demo's lists are not empty, but for the notices (nothing revoked or lowered)
            for (list, testid) in [
                ("publicity", "publicity"),
                ("grades", "grades"),
                ("blacklist", "blacklist"),
            ] {
                c.goto(&format!("{base}/public/{list}"))
                    .await
                    .map_err(err("open a list"))?;
                text_of(&c, &format!("//table[@data-testid='{testid}']//td")).await?;
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n"))
            }
        },
    )
    .await;
    server.abort();
}
