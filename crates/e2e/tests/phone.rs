//! The demo on a phone, in headless Chromium at 390 px: the result, table and item pages of
//! every demo scheme, and a questionnaire's respondent form and the body's questionnaires
//! page, do not scroll sideways, result tables are stacked cards (a dimension's name
//! on its own line, never one character per line), and the header's links, the table tabs and
//! the buttons are at least 44 px tall. Screenshots at 390 and 1280 px go to
//! `target/e2e-screenshots/phone-*.png`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, like `browser.rs` (`CHROMIUM` and
//! `CHROMEDRIVER` override the paths).

use std::time::Duration;

use fantoccini::Client;
use tianping_e2e::{check_phone_page, err, new_state, run, serve, sign_in, start_browser, Res};

async fn phone(c: &Client, base: &str, pages: &[(String, String, String)]) -> Res {
    let mut problems = Vec::new();
    let mut who = "";
    for (email, path, name) in pages {
        if email != who {
            c.delete_all_cookies().await.map_err(err("sign out"))?;
            sign_in(c, base, email, tianping_app::demo::PASSWORD).await?;
            who = email;
        }
        if let Err(e) = check_phone_page(c, base, path, name).await {
            problems.push(e);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_result_table_and_item_pages_fit_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let state = new_state(dir.path()).await;
    assert!(tianping_app::demo::seed(&state).await.unwrap());
    let (all, _) = tianping_store::repo::list_assessments(
        &state.store,
        tianping_store::repo::Scope::All,
        None,
        100,
        0,
    )
    .await
    .unwrap();
    // the system admin sees every demo assessment: result, table and first item of each
    let mut pages = Vec::new();
    for a in &all {
        let scheme = state.catalog.get(&a.scheme).unwrap();
        let first = scheme
            .indicators_of(a.variant.as_deref().and_then(|v| scheme.variant(v)))
            .next()
            .unwrap();
        let item = url::form_urlencoded::byte_serialize(first.id.as_bytes()).collect::<String>();
        for (path, kind) in [
            (format!("/assessments/{}/result", a.id), "result"),
            (format!("/assessments/{}", a.id), "table"),
            (format!("/assessments/{}/items/{item}", a.id), "item"),
        ] {
            let name = format!("{}-{kind}-{}", a.scheme, a.id);
            pages.push(("admin@tianping.demo".to_string(), path, name));
        }
    }
    // the questionnaire on the demo's on-site capability assessment: the body's page and the
    // respondent's form (no sign-in needed; the admin's session does not matter to it)
    let onsite = all
        .iter()
        .find(|a| a.scheme == "t-cic-capability" && a.org_id.is_some())
        .expect("the demo's on-site capability assessment");
    let auditor = tianping_store::repo::user_by_email(&state.store, "auditor@body.demo")
        .await
        .unwrap()
        .unwrap();
    // the demo opened one; the body hands out one more link
    let (_, _, open) = tianping_app::questionnaire::list(&state, &auditor, onsite.id)
        .await
        .unwrap();
    let qid = open
        .first()
        .expect("the demo's questionnaire")
        .questionnaire
        .id;
    let issued = tianping_app::questionnaire::add_links(&state, &auditor, qid, "1")
        .await
        .unwrap();
    pages.push((
        "admin@tianping.demo".to_string(),
        format!("/q/{}", issued.tokens[0]),
        "questionnaire-form".to_string(),
    ));
    pages.push((
        "auditor@body.demo".to_string(),
        format!("/assessments/{}/questionnaires", onsite.id),
        "questionnaires".to_string(),
    ));
    let (addr, server) = serve(state).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(240),
        phone(&client, &base, &pages),
    )
    .await;
    server.abort();
}
