//! Rendering time and size of reports: a 331-item T11/AII assessment (examples/t11-odm-oem.json),
//! the 111-item eepc-certification checklist (full marks) and a generated 1,200-item report
//! (the T11/AII items repeated). Goal: under 0.3 s for 1,200 items on one core. The sizes are
//! printed once before timing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
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

fn bench(c: &mut Criterion) {
    let cat = Catalog::load(None).unwrap();
    let fonts = Fonts::load(None).unwrap();
    let file: Value =
        serde_json::from_str(include_str!("../../../examples/t11-odm-oem.json")).unwrap();
    let answers: BTreeMap<String, Value> = file["answers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let t11 = report(&cat, "t11-aii-001-2020", file["variant"].as_str(), answers);
    let eepc_plan = Plan::new(cat.get("eepc-certification").unwrap(), None, None).unwrap();
    let full: BTreeMap<String, Value> = eepc_plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!(l.ind.points.unwrap_or(0.0))))
        .collect();
    let eepc = report(&cat, "eepc-certification", None, full);
    let mut big = t11.clone();
    let base = t11.items.clone();
    big.items = (0..1200)
        .map(|n| {
            let mut i = base[n % base.len()].clone();
            i.no = (n + 1).to_string();
            i
        })
        .collect();
    for (name, data) in [
        ("t11-331", &t11),
        ("eepc-111", &eepc),
        ("generated-1200", &big),
    ] {
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
    g.bench_function("t11-331", |b| b.iter(|| pdf(&fonts, &t11)));
    g.bench_function("eepc-111", |b| b.iter(|| pdf(&fonts, &eepc)));
    g.bench_function("generated-1200", |b| b.iter(|| pdf(&fonts, &big)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
