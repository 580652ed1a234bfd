//! Writes every shipped scheme's charts (and a T11/AII trend), answered at 70 % of full marks, to a folder given as
//! the argument (`cargo run -p tianping-charts --example render -- /tmp/charts`): to look at.

use serde_json::json;
use tianping_core::{AnswerKind, Method, Plan};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "charts".into());
    std::fs::create_dir_all(&dir).unwrap();
    let catalog = tianping_catalog::Catalog::load(None).unwrap();
    for s in &catalog.schemes {
        let v = s.variants.first().map(|v| v.id.as_str());
        let plan = Plan::new(s, v, None).unwrap();
        let dims = s.method == Method::Dimensions;
        let answers = plan
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let x = [0.9, 0.6, 0.75, 0.4][i % 4];
                let v = match plan.kind {
                    AnswerKind::Points => json!(((l.answer_max * x) * 2.0).round() / 2.0),
                    AnswerKind::Level => json!((5.0 * x).round()),
                    AnswerKind::Coefficient if dims => {
                        json!({"value": 100.0 * x, "source": "onsite"})
                    }
                    AnswerKind::Coefficient => json!(100.0 * x),
                };
                (l.ind.id.clone(), v)
            })
            .collect();
        let ev = plan.evaluate(&answers, false).unwrap();
        if dims {
            // a trend: the same result a year and two years earlier at lower figures
            let points: Vec<tianping_charts::Point> = [
                ("2024-03-01", 0.6),
                ("2025-03-01", 0.8),
                ("2026-03-01", 1.0),
            ]
            .into_iter()
            .map(|(label, k)| tianping_charts::Point {
                label: label.into(),
                total: ev.total.score * k,
                parts: ev
                    .dimensions
                    .iter()
                    .map(|d| (d.name.clone(), d.score * k))
                    .collect(),
            })
            .collect();
            let c =
                tianping_charts::trend(&points, ev.total.scale, tianping_charts::Lang::Zh).unwrap();
            std::fs::write(format!("{}/{}-trend.svg", dir, s.id), &c.svg).unwrap();
        }
        for c in tianping_charts::for_result(s, &ev, tianping_charts::Lang::Zh) {
            let path = format!("{}/{}-{}.svg", dir, s.id, c.kind.id());
            std::fs::write(&path, &c.svg).unwrap();
            println!("{path}: {}", c.summary);
        }
    }
}
