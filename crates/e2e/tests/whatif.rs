//! What-if in headless Chromium (DESIGN I-23): on the demo's EEPC result, typing the answer
//! the gap plan asks for into the what-if form recomputes the figures above it without
//! pressing the button (`static/whatif.js`), and nothing is saved.

use std::time::Duration;

use fantoccini::Client;
use tianping_e2e::{err, find, new_state, run, serve, sign_in, start_browser, type_into, Res};

async fn steps(c: &Client, base: &str, id: i64, ind: &str, to: &str) -> Res {
    sign_in(c, base, "admin@tianping.demo", tianping_app::demo::PASSWORD).await?;
    c.goto(&format!("{base}/assessments/{id}/what-if"))
        .await
        .map_err(err("open"))?;
    let total = "//*[@data-testid='whatif-total']";
    let before = find(c, total).await?.text().await.map_err(err(total))?;
    type_into(c, &format!("//input[@name='v:{ind}']"), to).await?;
    // the script posts the form a moment after the last keystroke and swaps the figures
    let tried = format!("//p[contains(., '{ind}')]");
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = find(c, total).await?.text().await.map_err(err(total))?;
        let listed = !c
            .find_all(fantoccini::Locator::XPath(&tried))
            .await
            .map_err(err("tried"))?
            .is_empty();
        if now != before && listed {
            return Ok(());
        }
    }
    Err(format!(
        "the figures did not change as {ind} was typed: still {before:?}"
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_if_recomputes_as_you_type_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = new_state(dir.path()).await;
    assert!(tianping_app::demo::seed(&state).await.unwrap());
    let admin = tianping_store::repo::user_by_email(&state.store, "admin@tianping.demo")
        .await
        .unwrap()
        .unwrap();
    let (all, _) = tianping_store::repo::list_assessments(
        &state.store,
        tianping_store::repo::Scope::All,
        None,
        200,
        0,
    )
    .await
    .unwrap();
    let a = all
        .iter()
        .find(|a| a.scheme == "eepc-certification" && a.result_json.is_some())
        .expect("a scored EEPC demo assessment")
        .clone();
    let g = tianping_app::insight_gap::gap(&state, &admin, a.id, None)
        .await
        .unwrap();
    let c = g
        .plan
        .changes
        .first()
        .expect("a change to the next grade")
        .clone();
    let (addr, server) = serve(state.clone()).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(120),
        steps(&client, &base, a.id, &c.indicator, &c.to.to_string()),
    )
    .await;
    server.abort();
    let after = tianping_store::repo::get_assessment(&state.store, a.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.revision, after.score),
        (a.revision, a.score),
        "nothing saved"
    );
}
