//! Issue 9's decision in headless Chromium, through the pages: the demo's client 云帆 has had
//! its stage 2 audit with a minor and a major nonconformity open. The decider finds it on the
//! due list and sees the 8.1.7 checklist failing with the grant disabled; the client submits
//! its correction, the auditor accepts both (the major one verified on site); the decider then
//! sees every condition met, grants, and the case page shows the issued certificate.
//! Screenshots go to `target/e2e-screenshots/decide-*.png`. Needs Chromium and chromedriver,
//! like `browser.rs`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tianping_app::demo::PASSWORD;
use tianping_e2e::{
    click, err, find, new_state, present, run, screenshot, screenshot_dir, serve, sign_in,
    start_browser, text_of, Res,
};

const CLIENT: &str = "云帆";

async fn as_user(c: &Client, base: &str, email: &str) -> Res {
    c.delete_all_cookies().await.map_err(err("sign out"))?;
    sign_in(c, base, email, PASSWORD).await
}

/// Record one event through its form on the case page.
async fn record(
    c: &Client,
    case: &str,
    kind: &str,
    choices: &[(&str, &str)],
    tick: &[&str],
) -> Res {
    c.goto(&format!("{case}/events/new?type={kind}"))
        .await
        .map_err(err("open the form"))?;
    for (name, value) in choices {
        let select = find(c, &format!("//select[@name='{name}']")).await?;
        select
            .select_by_value(value)
            .await
            .map_err(err("choose an option"))?;
    }
    for name in tick {
        // a checkbox: no new page follows
        find(c, &format!("//input[@name='{name}']"))
            .await?
            .click()
            .await
            .map_err(err("tick"))?;
    }
    click(c, "//form[@action]//button[normalize-space()='记录']").await?;
    let flash = text_of(c, "//div[contains(@class,'flash')]").await?;
    if !flash.contains("已记录") {
        return Err(format!("recording {kind}: {flash:?}"));
    }
    Ok(())
}

async fn flow(c: &Client, base: &str) -> Res {
    let dir = screenshot_dir();
    // the decider finds the decision on the due list
    as_user(c, base, "decider@body.demo").await?;
    c.goto(&format!("{base}/due"))
        .await
        .map_err(err("due list"))?;
    click(c, &format!("//main//a[contains(., '{CLIENT}')]")).await?;
    let case = c.current_url().await.map_err(err("case url"))?;
    let case = case
        .as_str()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    click(c, "//a[contains(@href, '/decide?audit=S2')]").await?;
    find(c, "//li[contains(@class, 'unmet')][contains(., 'NC-2')]").await?;
    let grant = find(c, "//button[normalize-space()='授予认证']").await?;
    if grant
        .attr("disabled")
        .await
        .map_err(err("disabled"))?
        .is_none()
    {
        return Err("the grant should be disabled while NC-2 is open".into());
    }
    screenshot(c, 1280, &dir.join("decide-blocked-1280.png")).await?;

    // the client submits the major correction; the auditor accepts both findings
    as_user(c, base, "yunfan@ent.demo").await?;
    record(
        c,
        &case,
        "correction_submitted",
        &[("finding", "NC-2"), ("kind", "done")],
        &[],
    )
    .await?;
    as_user(c, base, "auditor@body.demo").await?;
    record(c, &case, "correction_accepted", &[("finding", "NC-1")], &[]).await?;
    record(
        c,
        &case,
        "correction_accepted",
        &[("finding", "NC-2")],
        &["onsite"],
    )
    .await?;

    // every condition met: the decider grants and the certificate is issued
    as_user(c, base, "decider@body.demo").await?;
    c.goto(&format!("{case}/decide?audit=S2"))
        .await
        .map_err(err("checklist"))?;
    if present(c, "//li[contains(@class, 'unmet')]").await? {
        let t = text_of(c, "//ul[contains(@class, 'checks')]").await?;
        return Err(format!("conditions still unmet: {t}"));
    }
    screenshot(c, 1280, &dir.join("decide-ready-1280.png")).await?;
    click(c, "//button[normalize-space()='授予认证']").await?;
    let flash = text_of(c, "//div[contains(@class,'flash')]").await?;
    if !flash.contains("已颁发认证证书，证书编号") {
        return Err(format!("after the grant: {flash:?}"));
    }
    let number = text_of(c, "//div[contains(@class,'flash')]//b").await?;
    if !number.starts_with("EEPC-") {
        return Err(format!("certificate number {number:?}"));
    }
    let status = text_of(c, "//span[contains(@class, 'pill')]").await?;
    if status != "有效" {
        return Err(format!("certificate status {status:?}"));
    }
    c.find(Locator::XPath(&format!(
        "//b[normalize-space()='{number}']"
    )))
    .await
    .map_err(err("certificate card"))?;
    screenshot(c, 1280, &dir.join("decide-certified-1280.png")).await?;
    screenshot(c, 390, &dir.join("decide-certified-390.png")).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decider_grants_once_the_checklist_is_met_and_the_certificate_shows() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let state = new_state(dir.path()).await;
    assert!(tianping_app::demo::seed(&state).await.unwrap());
    let (addr, server) = serve(state).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(90),
        flow(&client, &base),
    )
    .await;
    server.abort();
    eprintln!(
        "certification flow took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
