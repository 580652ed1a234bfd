//! The demo on a phone, in headless Chromium at 390 px: the result, table and item pages of
//! every demo scheme do not scroll sideways, result tables are stacked cards (a dimension's name
//! on its own line, never one character per line), and the header's links, the table tabs and
//! the buttons are at least 44 px tall. Screenshots at 390 and 1280 px go to
//! `target/e2e-screenshots/phone-*.png`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, like `browser.rs` (`CHROMIUM` and
//! `CHROMEDRIVER` override the paths).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tianping_web::{App as AppState, Config};

type Res<T = ()> = Result<T, String>;

fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
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

async fn start_browser(profile: &Path) -> (tokio::process::Child, Client) {
    let (Some(browser), Some(driver)) = (
        tool("CHROMIUM", &["chromium", "chromium-browser"]),
        tool("CHROMEDRIVER", &["chromedriver"]),
    ) else {
        panic!("the phone test needs Chromium and chromedriver: `apt-get install chromium chromium-driver`, or set CHROMIUM and CHROMEDRIVER");
    };
    // Debian's /usr/bin/chromium is a shell launcher; hand chromedriver the real binary.
    let real = Path::new("/usr/lib/chromium/chromium");
    let browser = if browser == Path::new("/usr/bin/chromium") && real.is_file() {
        real.to_path_buf()
    } else {
        browser
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = tokio::process::Command::new(&driver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": browser.display().to_string(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--window-size=1280,900", format!("--user-data-dir={}", profile.display())],
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
                panic!("chromedriver on {url} did not start a session: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

fn screenshot_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"))
        .join("e2e-screenshots")
}

async fn emulate(c: &Client, width: u32, height: u64) -> Res {
    c.issue_cmd(Cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
    ))
    .await
    .map(|_| ())
    .map_err(err("emulate"))
}

/// What the page must hold at phone width, checked in the page; an empty list when all holds.
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

/// Check a page at 390 px and take its screenshots at 390 and 1280 px.
async fn check_page(c: &Client, base: &str, path: &str, name: &str) -> Res {
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
    c.issue_cmd(Cdp("Emulation.clearDeviceMetricsOverride", json!({})))
        .await
        .map_err(err("emulate"))?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{path} at 390 px: {}", problems.join("; ")))
    }
}

async fn sign_in(c: &Client, base: &str, email: &str) -> Res {
    c.goto(&format!("{base}/login"))
        .await
        .map_err(err("login"))?;
    for (name, value) in [("email", email), ("password", tianping_app::demo::PASSWORD)] {
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
        .at_most(Duration::from_secs(10))
        .for_url(&home)
        .await
        .map_err(err("signed in"))
}

async fn phone(c: &Client, base: &str, pages: &[(String, String, String)]) -> Res {
    let mut problems = Vec::new();
    let mut who = "";
    for (email, path, name) in pages {
        if email != who {
            c.delete_all_cookies().await.map_err(err("sign out"))?;
            sign_in(c, base, email).await?;
            who = email;
        }
        if let Err(e) = check_page(c, base, path, name).await {
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
    tianping_app::accounts::use_cheap_hashing_for_tests();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("phone.db").display().to_string();
    let config = Config {
        database: db.clone(),
        ..Config::default()
    };
    let catalog = tianping_app::load_catalog(&config).expect("shipped schemes load");
    let store = tianping_store::Store::open(&db)
        .await
        .expect("SQLite store");
    let state = AppState::new(store, catalog, config, Arc::new(tianping_app::SystemClock));
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app =
        tianping_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server runs");
    });
    let profile = tempfile::tempdir().unwrap();
    let (mut driver, client) = start_browser(profile.path()).await;
    let outcome = tokio::time::timeout(
        Duration::from_secs(240),
        phone(&client, &format!("http://{addr}"), &pages),
    )
    .await
    .unwrap_or_else(|_| Err("timed out after 240 s".into()));
    let _ = client.close().await;
    let _ = driver.kill().await;
    server.abort();
    if let Err(e) = outcome {
        panic!("{e}\n(screenshots in {})", screenshot_dir().display());
    }
}
