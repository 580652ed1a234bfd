//! A result's charts in headless Chromium: on the demo's T11/AII result page the radar, the
//! bars and the star bands are drawn (each SVG has a size on the screen, at 1280 px and on a
//! 390 px phone, where they shrink to the column). Screenshots go to
//! `target/e2e-screenshots/charts-{1280,390}.png`.

use std::time::Duration;

use fantoccini::Client;
use tianping_e2e::{
    emulate, err, new_state, run, screenshot, screenshot_dir, serve, sign_in, start_browser, Res,
};

/// Each chart's kind, width and height on the page, in CSS pixels.
const SIZES: &str = r#"
return [...document.querySelectorAll('figure.chart')].map(f => {
  const r = f.querySelector('svg').getBoundingClientRect();
  return [f.dataset.chart, r.width, r.height];
});
"#;

async fn sizes(c: &Client) -> Res<Vec<(String, f64, f64)>> {
    let v = c.execute(SIZES, vec![]).await.map_err(err("chart sizes"))?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let n = |i: usize| x[i].as_f64().unwrap_or(0.0);
                    (x[0].as_str().unwrap_or("").to_string(), n(1), n(2))
                })
                .collect()
        })
        .unwrap_or_default())
}

async fn steps(c: &Client, base: &str, path: &str) -> Res {
    sign_in(c, base, "admin@tianping.demo", tianping_app::demo::PASSWORD).await?;
    c.goto(&format!("{base}{path}"))
        .await
        .map_err(err("open"))?;
    for width in [1280, 390] {
        emulate(c, width, 900).await?;
        let found = sizes(c).await?;
        let kinds: Vec<&str> = found.iter().map(|(k, _, _)| k.as_str()).collect();
        if kinds != ["radar", "bars", "bands"] {
            return Err(format!("at {width} px the charts are {kinds:?}"));
        }
        for (kind, w, h) in &found {
            if *w < 200.0 || *h < 100.0 || *w > f64::from(width) {
                return Err(format!("at {width} px the {kind} chart is {w} × {h} px"));
            }
        }
        screenshot(
            c,
            width,
            &screenshot_dir().join(format!("charts-{width}.png")),
        )
        .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_result_page_draws_its_charts() {
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
    let a = all
        .iter()
        .find(|a| a.scheme == "t11-aii-001-2020" && a.result_json.is_some())
        .expect("a scored T11/AII demo assessment");
    let path = format!("/assessments/{}/result", a.id);
    let (addr, server) = serve(state).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(120),
        steps(&client, &base, &path),
    )
    .await;
    server.abort();
}
