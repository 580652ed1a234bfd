//! The web application in real headless Chromium, as a person uses it: sign up an enterprise,
//! create a T/CIC self-assessment, answer every item through the forms (the table's one form,
//! saved in the background by its script, and, for questionnaire and expert-panel items, the
//! item pages), read the grade on the result page, submit through the confirmation page. Screenshots of the result page at desktop (1280) and phone (390) width
//! go to `target/e2e-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`apt-get install chromium chromium-driver`);
//! without them the test fails and says so. `CHROMIUM` and `CHROMEDRIVER` override the paths.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tianping_e2e::{
    click, err, find, new_assessment, new_state, run, screenshot, screenshot_dir, serve, sign_up,
    start_browser, text_of, type_into, wait_saved, AppState, Res,
};

const SCHEME: &str = "t-cic-capability";
const PW: &str = "correct-horse-battery";
/// A valid unified social credit code (checked by the sign-up form).
const USCC: &str = "91350100M000100Y43";

/// The web application in process on a fresh SQLite file, served on 127.0.0.1 with a free
/// port.
async fn start_app(
    dir: &Path,
) -> (
    std::net::SocketAddr,
    tokio::task::JoinHandle<()>,
    SchemeView,
) {
    let state = new_state(dir).await;
    let view = scheme_view(&state);
    let (addr, task) = serve(state).await;
    (addr, task, view)
}

/// Everything a person does, from the sign-up page to the grade.
async fn person(c: &Client, base: &str, scheme: &SchemeView) -> Res {
    sign_up(
        c,
        base,
        &[
            ("email", "boss@e2e.test"),
            ("user_name", "王总"),
            ("password", PW),
            ("uscc", USCC),
            ("name", "浏览器测试有限公司"),
            ("industry_code", "C3511"),
            ("headcount", "120"),
        ],
    )
    .await?;
    // new self-assessment: choose the scheme, then create
    let aid = new_assessment(c, SCHEME, None, "浏览器自评").await?;
    // answer the table's number items with full marks in its one form: the script marks the
    // changes and saves the table in the background
    let inline: Vec<&Item> = scheme.items.iter().filter(|i| i.inline).collect();
    for (n, i) in inline.iter().enumerate() {
        type_into(c, &format!("//input[@name='v:{}']", i.id), &i.answer).await?;
        if n == 0 {
            find(
                c,
                &format!("//tr[@id='ind-{}' and contains(@class, 'unsaved')]", i.id),
            )
            .await?;
            find(
                c,
                "//span[@class='save-status' and contains(., '有未保存的修改')]",
            )
            .await?;
        }
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
    // questionnaire and expert-panel items on their pages
    for i in scheme.items.iter().filter(|i| !i.inline) {
        let row = format!("//tr[@id='ind-{}']", i.id);
        // Each save lands on a page whose flash names the item just saved.
        let saved = format!("//div[@class='flash' and contains(., '{} ·')]", i.id);
        click(c, &format!("{row}//td[contains(@class, 'item')]/a")).await?;
        let form = "//form[substring(@action, string-length(@action) - 6) = '/answer']";
        type_into(c, &format!("{form}//input[@name='{}']", i.field), &i.answer).await?;
        click(c, &format!("{form}//button")).await?;
        find(c, &saved).await?;
        click(
            c,
            &format!("//main/p/a[contains(@href, '/assessments/{aid}?')]"),
        )
        .await?;
        find(c, &row).await?;
    }
    let answered = text_of(c, "//div[@id='result']/div[@class='grid']/div[last()]").await?;
    let want = format!("{0}/{0}", scheme.items.len());
    if !answered.contains(&want) {
        return Err(format!("answered: {answered:?}, expected {want}"));
    }
    // the result page
    click(c, &format!("//a[@href='/assessments/{aid}/result']")).await?;
    let grade = text_of(c, "//*[@data-testid='grade']").await?;
    let score = text_of(c, "//*[@data-testid='score']").await?;
    if !grade.contains("一级") || score != "100" {
        return Err(format!("result page: grade {grade:?}, score {score:?}"));
    }
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).map_err(err("screenshot folder"))?;
    screenshot(c, 1280, &dir.join("result-1280.png")).await?;
    screenshot(c, 390, &dir.join("result-390.png")).await?;
    // back to the list at phone width too, then submit through the confirmation page
    click(c, &format!("//main/p/a[@href='/assessments/{aid}']")).await?;
    screenshot(c, 390, &dir.join("assessment-390.png")).await?;
    click(c, &format!("//a[@href='/assessments/{aid}/submit']")).await?;
    let next = text_of(c, "//div[contains(@class, 'next')]").await?;
    if !next.contains("撤回") {
        return Err(format!("confirmation page: {next:?}"));
    }
    click(
        c,
        &format!("//form[@action='/assessments/{aid}/submit']//button"),
    )
    .await?;
    let grade = text_of(c, "//*[@data-testid='grade']").await?;
    if !grade.contains("一级") {
        return Err(format!("after submitting: grade {grade:?}"));
    }
    c.goto(&format!("{base}/assessments/{aid}"))
        .await
        .map_err(err("open list"))?;
    find(c, &format!("//form[@action='/assessments/{aid}/withdraw']")).await?;
    if !c
        .find_all(Locator::XPath(&format!(
            "//a[@href='/assessments/{aid}/submit']"
        )))
        .await
        .map_err(err("submit link"))?
        .is_empty()
    {
        return Err("still submittable after submission".into());
    }
    Ok(())
}

/// One item of the scheme and how a person answers it.
struct Item {
    id: String,
    /// Answered in the table's form (else on the item page).
    inline: bool,
    /// The form field: `value`, `likert` or `experts`.
    field: &'static str,
    answer: String,
}

/// What the test needs to know about the scheme: its items, full marks for each.
struct SchemeView {
    items: Vec<Item>,
}

fn scheme_view(state: &AppState) -> SchemeView {
    let s = state.catalog.get(SCHEME).expect("the T/CIC scheme ships");
    let items = s
        .indicators
        .iter()
        .map(|i| {
            let max = i.points.expect("T/CIC items have points");
            let (inline, field, answer) = if i.likert {
                (false, "likert", "5,5,5".to_string())
            } else if i.expert_panel {
                (false, "experts", format!("{max},{max},{max}"))
            } else {
                (true, "value", max.to_string())
            };
            Item {
                id: i.id.clone(),
                inline,
                field,
                answer,
            }
        })
        .collect();
    SchemeView { items }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enterprise_signs_up_answers_every_item_and_sees_the_grade_in_chromium() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (addr, server, scheme) = start_app(dir.path()).await;
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(90),
        person(&client, &base, &scheme),
    )
    .await;
    server.abort();
    eprintln!("browser test took {:.1} s", started.elapsed().as_secs_f64());
}
