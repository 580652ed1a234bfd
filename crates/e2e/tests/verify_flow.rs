//! Issue 8's flow in headless Chromium, through the pages: an enterprise signs up, engages the
//! demo's evaluation body, creates a T11/AII 001-2020 self-assessment (stars), answers every
//! number item of its first table and saves it in one go; the body's auditor verifies the whole
//! table; the enterprise then reads a non-zero total and how far the next star is. The result,
//! table and item pages are checked at 390 px (no sideways scrolling); screenshots go to
//! `target/e2e-screenshots/verify-*.png` and `phone-verify-*.png`.
//!
//! The body and its auditor come from `tianping_app::demo::seed`, run in process before the
//! browser starts. Needs Chromium and chromedriver, like `browser.rs`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tianping_e2e::{
    check_phone_page, click, err, find, new_assessment, new_state, run, screenshot, screenshot_dir,
    serve, sign_in, sign_up, start_browser, text_of, wait_saved, Res,
};

const SCHEME: &str = "t11-aii-001-2020";
const VARIANT: &str = "platform";
const TABLE: &str = "A.1";
/// The demo's evaluation body and one of its auditors (password `demo::PASSWORD`).
const BODY: &str = "华信评价认证中心";
const AUDITOR: &str = "auditor@body.demo";
const EMAIL: &str = "cloud@e2e.test";
const PW: &str = "correct-horse-battery";
/// The coefficient typed for every item (percent).
const ANSWER: &str = "90";

/// The enterprise: sign up, engage the body, create the assessment, answer one table.
async fn enterprise_answers(c: &Client, base: &str) -> Res<(i64, usize)> {
    let uscc = tianping_app::demo::complete_uscc("9144030012345678");
    sign_up(
        c,
        base,
        &[
            ("email", EMAIL),
            ("user_name", "李经理"),
            ("password", PW),
            ("uscc", &uscc),
            ("name", "上云核验测试有限公司"),
            ("industry_code", "C3511"),
            ("headcount", "80"),
        ],
    )
    .await?;
    // the enterprise record (where sign-up lands), from the home page: engage the body by name
    c.goto(&format!("{base}/")).await.map_err(err("home"))?;
    click(c, "//main//a[starts-with(@href, '/enterprises/')]").await?;
    let option = find(
        c,
        &format!("//select[@name='org_id']/option[contains(., '{BODY}')]"),
    )
    .await?;
    let org = option
        .attr("value")
        .await
        .map_err(err("body option"))?
        .ok_or("the body's option has no value")?;
    find(c, "//select[@name='org_id']")
        .await?
        .select_by_value(&org)
        .await
        .map_err(err("choose the body"))?;
    click(c, "//form[contains(@action, '/engage')]//button").await?;
    find(c, &format!("//main//li[contains(., '{BODY}')]")).await?;
    // the self-assessment, from the home page
    c.goto(&format!("{base}/")).await.map_err(err("home"))?;
    let aid = new_assessment(c, SCHEME, Some(VARIANT), "上云履约能力自评").await?;
    let shown = find(c, "//form[@class='answers']/input[@name='table']")
        .await?
        .prop("value")
        .await
        .map_err(err("table"))?
        .unwrap_or_default();
    if shown != TABLE {
        return Err(format!(
            "the first table shown is {shown:?}, expected {TABLE}"
        ));
    }
    // every number field of the table, then the one save button
    let inputs = c
        .find_all(Locator::XPath(
            "//form[@class='answers']//input[starts-with(@name, 'v:')]",
        ))
        .await
        .map_err(err("number fields"))?;
    if inputs.is_empty() {
        return Err(format!("table {TABLE} has no number field"));
    }
    for i in &inputs {
        i.clear().await.map_err(err("clear a field"))?;
        i.send_keys(ANSWER).await.map_err(err("type an answer"))?;
    }
    find(
        c,
        "//form[@class='answers']//p[contains(@class, 'savebar')]/button",
    )
    .await?
    .click()
    .await
    .map_err(err("save the table"))?;
    wait_saved(c).await?;
    Ok((aid, inputs.len()))
}

/// The auditor verifies every self-declared answer of the table in one form.
async fn auditor_verifies(c: &Client, base: &str, aid: i64, n: usize) -> Res {
    c.delete_all_cookies().await.map_err(err("sign out"))?;
    sign_in(c, base, AUDITOR, tianping_app::demo::PASSWORD).await?;
    c.goto(&format!("{base}/assessments/{aid}"))
        .await
        .map_err(err("open the assessment"))?;
    let form = format!("//div[@id='verify-table']//form[@action='/assessments/{aid}/verify']");
    let awaiting = text_of(c, &format!("{form}//b")).await?;
    if awaiting != n.to_string() {
        return Err(format!(
            "the auditor sees {awaiting} answers awaiting verification, expected {n}"
        ));
    }
    click(c, &format!("{form}//button")).await?;
    let flash = text_of(c, "//div[@class='flash']").await?;
    if !flash.contains(&format!("已核验本表 {n} 项")) {
        return Err(format!("after verifying the table: {flash:?}"));
    }
    find(
        c,
        "//div[@id='verify-table']//p[contains(., '本表没有待核验的自报答案')]",
    )
    .await?;
    Ok(())
}

/// The enterprise reads its total and the gap to the next star; the pages fit a phone.
async fn enterprise_reads(c: &Client, base: &str, aid: i64) -> Res {
    c.delete_all_cookies().await.map_err(err("sign out"))?;
    sign_in(c, base, EMAIL, PW).await?;
    c.goto(&format!("{base}/assessments/{aid}"))
        .await
        .map_err(err("open the assessment"))?;
    click(c, &format!("//a[@href='/assessments/{aid}/result']")).await?;
    let score = text_of(c, "//*[@data-testid='score']").await?;
    let total: f64 = score
        .replace(',', "")
        .parse()
        .map_err(|_| format!("the total is not a number: {score:?}"))?;
    if total <= 0.0 {
        return Err(format!("after verification the total is {score:?}"));
    }
    let next = text_of(c, "//div[@id='result']//*[@data-testid='next']").await?;
    // "距三星级，综合得分差 28.99 分；…": the next star and how far, in figures
    if !next.starts_with('距')
        || !next.contains("星级")
        || !next.chars().any(|ch| ch.is_ascii_digit())
    {
        return Err(format!("the gap to the next star reads {next:?}"));
    }
    let dir = screenshot_dir();
    screenshot(c, 1280, &dir.join("verify-result-1280.png")).await?;
    screenshot(c, 390, &dir.join("verify-result-390.png")).await?;
    let item = format!("/assessments/{aid}/items/{TABLE}-1");
    for (path, name) in [
        (format!("/assessments/{aid}/result"), "verify-result"),
        (item, "verify-item"),
        (format!("/assessments/{aid}"), "verify-table"),
    ] {
        check_phone_page(c, base, &path, name).await?;
    }
    Ok(())
}

async fn flow(c: &Client, base: &str) -> Res {
    let (aid, n) = enterprise_answers(c, base).await?;
    auditor_verifies(c, base, aid, n).await?;
    enterprise_reads(c, base, aid).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enterprise_answers_a_t11_table_auditor_verifies_and_the_next_star_shows() {
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
    eprintln!("verify flow took {:.1} s", started.elapsed().as_secs_f64());
}
