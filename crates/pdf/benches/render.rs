//! Rendering time and size of reports: a 331-item T11/AII assessment (examples/t11-odm-oem.json),
//! the 111-item eepc-certification checklist (full marks) and a generated 1,200-item report
//! (the T11/AII items repeated). Goal: under 0.3 s for 1,200 items on one core. The sizes are
//! printed once before timing.
//!
//! `render/*` is a warm render: fonts loaded, Typst's memo caches holding what earlier
//! renders of the same template computed. `cold/*` is the first render of a process, as a
//! server's first request or one `tianping report` sees it: each iteration starts this bench
//! binary afresh (with `TIANPING_BENCH_COLD` naming the report), which builds the report's data,
//! then times loading the fonts and its first render, and reports that time (process start,
//! scheme loading and building the data are not counted; the font files are in the system's
//! file cache after the first run). The split of the first cold run is printed.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion, SamplingMode};
use serde_json::{json, Value};
use tianping_app::assessments::ResultView;
use tianping_app::documents::report::{build, ReportDoc};
use tianping_app::domain::text::Mode;
use tianping_app::Lang;
use tianping_catalog::Catalog;
use tianping_core::stars::{apply_rules, Application};
use tianping_core::Plan;
use tianping_pdf::{render, Doc, Fonts, Template};

fn report(
    cat: &Catalog,
    scheme: &str,
    variant: Option<&str>,
    answers: BTreeMap<String, Value>,
) -> ReportDoc {
    let s = cat.get(scheme).unwrap();
    let plan = Plan::new(s, variant, None).unwrap();
    let evaluation = plan.evaluate(&answers, false).unwrap();
    let granted = evaluation.stars.map(|n| {
        let app = Application {
            current_stars: 3,
            first_application: false,
            mode: Mode::Onsite.core(),
        };
        apply_rules(app, n, &evaluation.dimensions)
    });
    let view = ResultView {
        evaluation,
        granted,
        mode: Mode::Onsite,
    };
    build(Lang::Zh, s, &view, Default::default(), None)
}

fn pdf(fonts: &Fonts, data: &ReportDoc) -> Vec<u8> {
    render(
        fonts,
        Doc {
            template: Template::Report,
            data,
            lang: tianping_pdf::Lang::Zh,
            created: NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            id: "bench".into(),
            files: vec![],
        },
    )
    .unwrap()
}

/// The three reports, by name.
fn reports(cat: &Catalog) -> Vec<(&'static str, ReportDoc)> {
    let file: Value =
        serde_json::from_str(include_str!("../../../examples/t11-odm-oem.json")).unwrap();
    let answers: BTreeMap<String, Value> = file["answers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let t11 = report(cat, "t11-aii-001-2020", file["variant"].as_str(), answers);
    let eepc_plan = Plan::new(cat.get("eepc-certification").unwrap(), None, None).unwrap();
    let full: BTreeMap<String, Value> = eepc_plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!(l.ind.points.unwrap_or(0.0))))
        .collect();
    let eepc = report(cat, "eepc-certification", None, full);
    let mut big = t11.clone();
    let base = t11.items.clone();
    big.items = (0..1200)
        .map(|n| {
            let mut i = base[n % base.len()].clone();
            i.no = (n + 1).to_string();
            i
        })
        .collect();
    vec![
        ("t11-331", t11),
        ("eepc-111", eepc),
        ("generated-1200", big),
    ]
}

/// Names the report a fresh process renders cold.
const COLD_ENV: &str = "TIANPING_BENCH_COLD";

/// In the fresh process: the data built, then the fonts loaded and the first render timed;
/// prints `fonts_ns render_ns bytes`.
fn cold_child(name: &str) {
    let cat = Catalog::load(None).unwrap();
    let (_, data) = reports(&cat)
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{COLD_ENV}: no report {name}"));
    let start = Instant::now();
    let fonts = Fonts::load(None).unwrap();
    let loaded = Instant::now();
    let bytes = pdf(&fonts, &data);
    let done = Instant::now();
    println!(
        "{} {} {}",
        (loaded - start).as_nanos(),
        (done - loaded).as_nanos(),
        bytes.len()
    );
}

/// One cold render in a fresh process: (loading the fonts, the first render).
fn cold(name: &str) -> (Duration, Duration) {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe).env(COLD_ENV, name).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let n: Vec<u64> = text
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (Duration::from_nanos(n[0]), Duration::from_nanos(n[1]))
}

fn bench(c: &mut Criterion) {
    let cat = Catalog::load(None).unwrap();
    let fonts = Fonts::load(None).unwrap();
    let docs = reports(&cat);
    for (name, data) in &docs {
        let bytes = pdf(&fonts, data);
        eprintln!(
            "{name}: {} items, {} bytes ({:.0} KiB)",
            data.items.len(),
            bytes.len(),
            bytes.len() as f64 / 1024.0
        );
    }
    let mut g = c.benchmark_group("render");
    g.sample_size(10);
    for (name, data) in &docs {
        g.bench_function(*name, |b| b.iter(|| pdf(&fonts, data)));
    }
    g.finish();

    let mut g = c.benchmark_group("cold");
    // one fresh process per iteration, as few as criterion allows (it warns that 10 samples
    // do not fit in the measurement time: one process per sample is the point)
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    for (name, _) in &docs {
        let (f, r) = cold(name);
        eprintln!(
            "{name} cold: fonts loaded in {:.0} ms, first render {:.0} ms",
            f.as_secs_f64() * 1e3,
            r.as_secs_f64() * 1e3
        );
        g.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let (f, r) = cold(name);
                        f + r
                    })
                    .sum()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(name) = std::env::var(COLD_ENV) {
        cold_child(&name);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
