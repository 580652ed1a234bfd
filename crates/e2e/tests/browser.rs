//! The web application in real headless Chromium, as a person uses it: sign up an enterprise,
//! create a T/CIC self-assessment, answer every item through the forms (the table's one form,
//! saved in the background by its script, and, for questionnaire and expert-panel items, the
//! item pages), read the grade on the result page, submit through the confirmation page. Screenshots of the result page at desktop (1280) and phone (390) width
//! go to `target/e2e-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`apt-get install chromium chromium-driver`);
//! without them the test fails and says so. `CHROMIUM` and `CHROMEDRIVER` override the paths.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tianping_web::{App as AppState, Config};

type Res<T = ()> = Result<T, String>;

const SCHEME: &str = "t-cic-capability";
const PW: &str = "correct-horse-battery";
/// A valid unified social credit code (checked by the sign-up form).
const USCC: &str = "91350100M000100Y43";
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser and its driver, or a failure that says how to install them.
fn tools() -> (PathBuf, PathBuf) {
    let find = |var: &str, names: &[&str]| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .or_else(|| on_path(names))
    };
    let browser = find("CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = find("CHROMEDRIVER", &["chromedriver"]);
    match (browser, driver) {
        (Some(b), Some(d)) => {
            // Debian's /usr/bin/chromium is a shell launcher; hand chromedriver the real binary.
            let real = Path::new("/usr/lib/chromium/chromium");
            let b = if b == Path::new("/usr/bin/chromium") && real.is_file() {
                real.to_path_buf()
            } else {
                b
            };
            (b, d)
        }
        (b, d) => panic!(
            "the browser test needs Chromium and chromedriver ({}{}missing): run \
             `apt-get install chromium chromium-driver` (Debian), or set CHROMIUM and CHROMEDRIVER",
            if b.is_none() { "chromium " } else { "" },
            if d.is_none() { "chromedriver " } else { "" },
        ),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The web application in process on a fresh SQLite file, as crates/web/tests build it, served
/// on 127.0.0.1 with a free port.
async fn start_app(dir: &Path) -> (SocketAddr, tokio::task::JoinHandle<()>, SchemeView) {
    tianping_app::accounts::use_cheap_hashing_for_tests();
    let db = dir.join("e2e.db").display().to_string();
    let config = Config {
        database: db.clone(),
        ..Config::default()
    };
    let catalog = tianping_app::load_catalog(&config).expect("shipped schemes load");
    let store = tianping_store::Store::open(&db)
        .await
        .expect("SQLite store");
    let state = AppState::new(store, catalog, config, Arc::new(tianping_app::SystemClock));
    let view = scheme_view(&state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // as `tianping_web::serve` does: each connection's peer address, for sign-in throttling
    let app =
        tianping_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server runs");
    });
    (addr, task, view)
}

async fn start_browser(
    chromium: &Path,
    chromedriver: &Path,
    profile: &Path,
) -> (tokio::process::Child, Client) {
    let port = free_port();
    let child = tokio::process::Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}): run `apt-get install chromium chromium-driver`",
                chromedriver.display()
            )
        });
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium.display().to_string(),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        let conn = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(conn)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return (child, c),
            Err(e) if started.elapsed() > Duration::from_secs(20) => {
                panic!("chromedriver on {url} did not start a Chromium session: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// A chromedriver command that runs a Chrome DevTools Protocol method.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or("")
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"cmd": self.0, "params": self.1}).to_string()),
        )
    }
}

fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

async fn find(c: &Client, xpath: &str) -> Res<fantoccini::elements::Element> {
    c.wait()
        .at_most(WAIT)
        .every(POLL)
        .for_element(Locator::XPath(xpath))
        .await
        .map_err(err(xpath))
}

async fn type_into(c: &Client, xpath: &str, text: &str) -> Res {
    let e = find(c, xpath).await?;
    e.clear().await.map_err(err(xpath))?;
    e.send_keys(text).await.map_err(err(xpath))
}

/// Click a link or button that loads a new page, and wait until that page has replaced the old
/// one: a lookup right after the click must not find an element of the page being left.
async fn click(c: &Client, xpath: &str) -> Res {
    let target = find(c, xpath).await?;
    // in the middle of the window, clear of the table form's sticky save bar
    let arg = serde_json::to_value(&target).map_err(err(xpath))?;
    c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
        .await
        .map_err(err("scroll"))?;
    c.execute("window.__leaving = true;", vec![])
        .await
        .map_err(err("mark page"))?;
    target.click().await.map_err(err(xpath))?;
    let deadline = Instant::now() + WAIT;
    loop {
        let loaded = c
            .execute(
                "return !window.__leaving && document.readyState === 'complete';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if loaded {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{xpath}: no new page within {WAIT:?} of the click"));
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn text_of(c: &Client, xpath: &str) -> Res<String> {
    find(c, xpath).await?.text().await.map_err(err(xpath))
}

/// Take a screenshot at `width` CSS pixels (the page's height, up to 1400), after checking
/// the page does not scroll sideways at that width.
async fn screenshot(c: &Client, width: u32, file: &Path) -> Res {
    let metrics = |h: u64| {
        Cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": h, "deviceScaleFactor": 1, "mobile": width < 600}),
        )
    };
    c.issue_cmd(metrics(800)).await.map_err(err("emulate"))?;
    let dims = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth, \
             document.documentElement.scrollHeight];",
            vec![],
        )
        .await
        .map_err(err("page size"))?;
    let n = |i: usize| dims[i].as_u64().unwrap_or(0);
    if n(0) > n(1) {
        return Err(format!(
            "at {width} px the page is {} px wide: it scrolls sideways",
            n(0)
        ));
    }
    c.issue_cmd(metrics(n(2).clamp(400, 1400)))
        .await
        .map_err(err("emulate"))?;
    let png = c.screenshot().await.map_err(err("screenshot"))?;
    std::fs::write(file, png).map_err(err("write screenshot"))?;
    c.issue_cmd(Cdp("Emulation.clearDeviceMetricsOverride", json!({})))
        .await
        .map_err(err("emulate"))?;
    Ok(())
}

fn screenshot_dir() -> PathBuf {
    // crates/e2e → the workspace's target/ (or CARGO_TARGET_DIR).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"));
    target.join("e2e-screenshots")
}

/// Everything a person does, from the sign-up page to the grade.
async fn person(c: &Client, base: &str, scheme: &SchemeView) -> Res {
    // sign up
    c.goto(&format!("{base}/signup"))
        .await
        .map_err(err("open /signup"))?;
    for (name, value) in [
        ("email", "boss@e2e.test"),
        ("user_name", "王总"),
        ("password", PW),
        ("uscc", USCC),
        ("name", "浏览器测试有限公司"),
        ("industry_code", "C3511"),
        ("headcount", "120"),
    ] {
        type_into(
            c,
            &format!("//form[@action='/signup']//*[@name='{name}']"),
            value,
        )
        .await?;
    }
    click(c, "//form[@action='/signup']//button").await?;
    let flash = text_of(c, "//div[@class='flash']").await?;
    if !flash.contains("注册成功") {
        return Err(format!("after sign-up: {flash}"));
    }
    // new self-assessment: choose the scheme, then create
    click(
        c,
        "//a[@class='button' and starts-with(@href, '/assessments/new')]",
    )
    .await?;
    find(c, "//select[@name='scheme']")
        .await?
        .select_by_value(SCHEME)
        .await
        .map_err(err("choose scheme"))?;
    click(c, "//form[@action='/assessments/new']//button").await?;
    type_into(
        c,
        "//form[@action='/assessments']//input[@name='title']",
        "浏览器自评",
    )
    .await?;
    click(c, "//form[@action='/assessments']//button").await?;
    // The click returns before the form's navigation ends: wait for it (at most 10 s).
    let mut list_url = c.current_url().await.map_err(err("url"))?;
    for _ in 0..100 {
        if !list_url.path().starts_with("/assessments/new") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        list_url = c.current_url().await.map_err(err("url"))?;
    }
    let aid = list_url
        .path()
        .trim_start_matches("/assessments/")
        .to_string();
    if aid.parse::<i64>().is_err() {
        return Err(format!("not on an assessment page: {list_url}"));
    }
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

/// Wait until the table form's script has saved every change (no row marked unsaved, the
/// status says 已保存).
async fn wait_saved(c: &Client) -> Res {
    let deadline = Instant::now() + WAIT;
    loop {
        let done = c
            .execute(
                "var s = document.querySelector('.save-status'); \
                 return !document.querySelector('tr.unsaved') && !!s && s.textContent.indexOf('已保存') === 0;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if done {
            return Ok(());
        }
        if Instant::now() > deadline {
            let status = text_of(c, "//span[@class='save-status']")
                .await
                .unwrap_or_default();
            return Err(format!(
                "the table was not saved within {WAIT:?}: {status:?}"
            ));
        }
        tokio::time::sleep(POLL).await;
    }
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
    let (chromium, chromedriver) = tools();
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (addr, server, scheme) = start_app(dir.path()).await;
    let (mut driver, client) = start_browser(&chromium, &chromedriver, profile.path()).await;
    let outcome = tokio::time::timeout(
        Duration::from_secs(90),
        person(&client, &format!("http://{addr}"), &scheme),
    )
    .await
    .unwrap_or_else(|_| Err("timed out after 90 s".into()));
    let shot = if outcome.is_err() {
        let p = screenshot_dir().join("failure.png");
        let _ = std::fs::create_dir_all(screenshot_dir());
        match client.screenshot().await {
            Ok(png) if std::fs::write(&p, &png).is_ok() => format!(" (screenshot {})", p.display()),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    let url = client.current_url().await.map(|u| u.to_string());
    let _ = client.close().await;
    let _ = driver.kill().await;
    server.abort();
    if let Err(e) = outcome {
        panic!("{e}{shot}; page {url:?}");
    }
    eprintln!("browser test took {:.1} s", started.elapsed().as_secs_f64());
}
