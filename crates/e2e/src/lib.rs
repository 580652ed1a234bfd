//! End-to-end tests of Tianping live in `tests/`: `browser.rs` drives the web application in
//! headless Chromium through chromedriver, as a person would (sign up, create a
//! self-assessment, answer every item, read the grade); `phone.rs` checks the demo's pages at
//! phone width; `verify_flow.rs` has an enterprise answer a T11/AII table, an auditor verify it
//! and the enterprise read its total and the gap to the next star.
//!
//! This library holds what they share: the application in process on SQLite, Chromium under
//! chromedriver, and the steps a person takes in the browser (find, type, click and wait for
//! the next page, sign in, check a page at phone width, screenshots).
//!
//! Needs Debian's `chromium` and `chromium-driver` (`apt-get install chromium chromium-driver`);
//! without them the tests fail and say so. `CHROMIUM` and `CHROMEDRIVER` override the paths.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
pub use tianping_web::App as AppState;
use tianping_web::Config;

/// A step's outcome: on failure, what went wrong in words.
pub type Res<T = ()> = Result<T, String>;

/// How long a step waits for the page it expects.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

/// Turn an error into a message that says which step failed.
pub fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn tool(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// The browser and its driver, or a failure that says how to install them.
pub fn tools() -> (PathBuf, PathBuf) {
    let browser = tool("CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = tool("CHROMEDRIVER", &["chromedriver"]);
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
            "the browser tests need Chromium and chromedriver ({}{}missing): run \
             `apt-get install chromium chromium-driver` (Debian), or set CHROMIUM and CHROMEDRIVER",
            if b.is_none() { "chromium " } else { "" },
            if d.is_none() { "chromedriver " } else { "" },
        ),
    }
}

/// The web application's state on a fresh SQLite file in `dir`, as crates/web/tests build it.
pub async fn new_state(dir: &Path) -> AppState {
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
    AppState::new(store, catalog, config, Arc::new(tianping_app::SystemClock))
}

/// Serve the application on 127.0.0.1 with a free port.
pub async fn serve(state: AppState) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // as `tianping_web::serve` does: each connection's peer address, for sign-in throttling
    let app =
        tianping_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server runs");
    });
    (addr, task)
}

/// Chromium (headless, 1280 × 900, its profile in `profile`) under a chromedriver of its own.
pub async fn start_browser(profile: &Path) -> (tokio::process::Child, Client) {
    let (chromium, chromedriver) = tools();
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port();
    let child = tokio::process::Command::new(&chromedriver)
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

/// Run `steps` in the browser within `limit`; on failure keep a screenshot of the page and
/// panic with what went wrong and where. Closes the browser either way.
pub async fn run<F: std::future::Future<Output = Res>>(
    client: Client,
    mut driver: tokio::process::Child,
    limit: Duration,
    steps: F,
) {
    let outcome = tokio::time::timeout(limit, steps)
        .await
        .unwrap_or_else(|_| Err(format!("timed out after {limit:?}")));
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
    if let Err(e) = outcome {
        panic!("{e}{shot}; page {url:?}");
    }
}

/// A chromedriver command that runs a Chrome DevTools Protocol method.
#[derive(Debug)]
pub struct Cdp(pub &'static str, pub Value);

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

/// The element at `xpath`, waiting for it at most [`WAIT`].
pub async fn find(c: &Client, xpath: &str) -> Res<fantoccini::elements::Element> {
    c.wait()
        .at_most(WAIT)
        .every(POLL)
        .for_element(Locator::XPath(xpath))
        .await
        .map_err(err(xpath))
}

/// Replace the text of the field at `xpath`.
pub async fn type_into(c: &Client, xpath: &str, text: &str) -> Res {
    let e = find(c, xpath).await?;
    e.clear().await.map_err(err(xpath))?;
    e.send_keys(text).await.map_err(err(xpath))
}

/// The text of the element at `xpath`.
pub async fn text_of(c: &Client, xpath: &str) -> Res<String> {
    find(c, xpath).await?.text().await.map_err(err(xpath))
}

/// Whether some element matches `xpath` now (no waiting).
pub async fn present(c: &Client, xpath: &str) -> Res<bool> {
    let all = c
        .find_all(Locator::XPath(xpath))
        .await
        .map_err(err(xpath))?;
    Ok(!all.is_empty())
}

/// Click a link or button that loads a new page, and wait until that page has replaced the old
/// one: a lookup right after the click must not find an element of the page being left.
pub async fn click(c: &Client, xpath: &str) -> Res {
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

/// Wait until the table form's script has saved every change (no row marked unsaved, the
/// status says 已保存).
pub async fn wait_saved(c: &Client) -> Res {
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

/// Sign in on the login page and wait for the home page.
pub async fn sign_in(c: &Client, base: &str, email: &str, password: &str) -> Res {
    c.goto(&format!("{base}/login"))
        .await
        .map_err(err("login"))?;
    for (name, value) in [("email", email), ("password", password)] {
        let e = c
            .find(Locator::Css(&format!("input[name={name}]")))
            .await
            .map_err(err(name))?;
        e.send_keys(value).await.map_err(err(name))?;
    }
    c.execute(
        "document.querySelector('form[action=\"/login\"]').submit();",
        vec![],
    )
    .await
    .map_err(err("submit"))?;
    let home = url::Url::parse(&format!("{base}/")).map_err(err("url"))?;
    c.wait()
        .at_most(WAIT)
        .for_url(&home)
        .await
        .map_err(|e| format!("{email} signed in: {e}"))
}

/// Where screenshots go: the workspace's `target/e2e-screenshots/` (or CARGO_TARGET_DIR's).
pub fn screenshot_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"))
        .join("e2e-screenshots")
}

/// Show pages as a `width` × `height` CSS-pixel screen (a phone below 600 px).
pub async fn emulate(c: &Client, width: u32, height: u64) -> Res {
    c.issue_cmd(Cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
    ))
    .await
    .map(|_| ())
    .map_err(err("emulate"))
}

/// Back to the window's own size.
pub async fn stop_emulating(c: &Client) -> Res {
    c.issue_cmd(Cdp("Emulation.clearDeviceMetricsOverride", json!({})))
        .await
        .map(|_| ())
        .map_err(err("emulate"))
}

/// Take a screenshot of the current page at `width` CSS pixels (the page's height, up to
/// 1400), after checking the page does not scroll sideways at that width.
pub async fn screenshot(c: &Client, width: u32, file: &Path) -> Res {
    emulate(c, width, 800).await?;
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
    emulate(c, width, n(2).clamp(400, 1400)).await?;
    let png = c.screenshot().await.map_err(err("screenshot"))?;
    std::fs::create_dir_all(screenshot_dir()).map_err(err("screenshot folder"))?;
    std::fs::write(file, png).map_err(err("write screenshot"))?;
    stop_emulating(c).await
}

/// What a page must hold at phone width, checked in the page; an empty list when all holds.
const PHONE_CHECKS: &str = r#"
const out = [];
const root = document.documentElement;
if (root.scrollWidth > window.innerWidth) out.push(`the page is ${root.scrollWidth} px wide`);
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > window.innerWidth + 1) { out.push(`${e.tagName}.${e.className} reaches ${Math.round(r.right)} px`); break; }
}
const taps = 'header a, header button, a.pill, b.pill, main button, details > summary';
for (const e of document.querySelectorAll(taps)) {
  const r = e.getBoundingClientRect();
  if (r.width > 0 && r.height < 43.5) out.push(`${e.tagName} "${e.textContent.trim().slice(0, 20)}" is ${r.height.toFixed(1)} px tall`);
}
for (const t of document.querySelectorAll('table.cards')) {
  for (const td of t.querySelectorAll('td')) {
    if (getComputedStyle(td).display !== 'block') { out.push('a result table is not stacked'); break; }
  }
  for (const td of t.querySelectorAll('td.name')) {
    const r = td.getBoundingClientRect();
    if (r.width > 0 && r.width < window.innerWidth * 0.6) out.push(`"${td.textContent.trim()}" is squeezed to ${Math.round(r.width)} px`);
  }
}
return out;
"#;

/// Open `path` and check it at 390 px: no sideways scrolling, nothing beyond the screen's
/// edge, taps at least 44 px tall, result tables stacked as cards. Screenshots at 390 and
/// 1280 px go to `phone-{name}-{width}.png`.
pub async fn check_phone_page(c: &Client, base: &str, path: &str, name: &str) -> Res {
    c.goto(&format!("{base}{path}"))
        .await
        .map_err(err("open page"))?;
    emulate(c, 390, 800).await?;
    let found = c
        .execute(PHONE_CHECKS, vec![])
        .await
        .map_err(err("phone checks"))?;
    let problems: Vec<String> = found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).map_err(err("screenshot folder"))?;
    for width in [390u32, 1280] {
        emulate(c, width, 800).await?;
        let h = c
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .map_err(err("page height"))?
            .as_u64()
            .unwrap_or(800);
        emulate(c, width, h.clamp(400, 4000)).await?;
        let png = c.screenshot().await.map_err(err("screenshot"))?;
        std::fs::write(dir.join(format!("phone-{name}-{width}.png")), png)
            .map_err(err("write screenshot"))?;
    }
    stop_emulating(c).await?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{path} at 390 px: {}", problems.join("; ")))
    }
}

/// Sign up an enterprise on /signup (its user, password and record) and check the welcome.
pub async fn sign_up(c: &Client, base: &str, fields: &[(&str, &str)]) -> Res {
    c.goto(&format!("{base}/signup"))
        .await
        .map_err(err("open /signup"))?;
    for (name, value) in fields {
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
    Ok(())
}

/// From a page with the "new self-assessment" button: choose `scheme`, then (on the second
/// step) its `variant` if given, type the title and create. The new assessment's id.
pub async fn new_assessment(
    c: &Client,
    scheme: &str,
    variant: Option<&str>,
    title: &str,
) -> Res<i64> {
    click(
        c,
        "//a[@class='button' and starts-with(@href, '/assessments/new')]",
    )
    .await?;
    find(c, "//select[@name='scheme']")
        .await?
        .select_by_value(scheme)
        .await
        .map_err(err("choose scheme"))?;
    click(c, "//form[@action='/assessments/new']//button").await?;
    if let Some(v) = variant {
        find(c, "//form[@action='/assessments']//select[@name='variant']")
            .await?
            .select_by_value(v)
            .await
            .map_err(err("choose variant"))?;
    }
    type_into(
        c,
        "//form[@action='/assessments']//input[@name='title']",
        title,
    )
    .await?;
    click(c, "//form[@action='/assessments']//button").await?;
    // The click returns before the form's navigation ends: wait for it (at most 10 s).
    let mut url = c.current_url().await.map_err(err("url"))?;
    for _ in 0..100 {
        if !url.path().starts_with("/assessments/new") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        url = c.current_url().await.map_err(err("url"))?;
    }
    url.path()
        .trim_start_matches("/assessments/")
        .parse::<i64>()
        .map_err(|_| format!("not on an assessment page: {url}"))
}
