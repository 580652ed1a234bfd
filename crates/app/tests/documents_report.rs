//! The report's data for each kind of scheme, rendered and read back with pdftotext: the
//! T/SDDITAI level report names its category, level and the step-down check; the SME report
//! its coefficients without a grade; each lists the versions.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Command;

use serde_json::{json, Value};
use tianping_app::assessments::ResultView;
use tianping_app::documents::{self, report, Fonts, Template};
use tianping_app::domain::text::Mode;
use tianping_app::Lang;
use tianping_catalog::Catalog;
use tianping_core::Plan;

fn text(pdf: &[u8]) -> String {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(f.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed (scripts/test)");
    String::from_utf8(out.stdout).unwrap()
}

/// Every leaf answered with `value`, evaluated and rendered.
fn render(scheme: &str, variant: Option<&str>, value: f64) -> (ResultView, String) {
    let cat = Catalog::load(None).unwrap();
    let s = cat.get(scheme).unwrap();
    let plan = Plan::new(s, variant, None).unwrap();
    let answers: BTreeMap<String, Value> = plan
        .leaves
        .iter()
        .map(|l| (l.ind.id.clone(), json!(value)))
        .collect();
    let view = ResultView {
        evaluation: plan.evaluate(&answers, false).unwrap(),
        granted: None,
        mode: Mode::SelfEvaluation,
    };
    let data = report::build(Lang::Zh, s, &view, Default::default(), None);
    let fonts = Fonts::load(None).unwrap();
    let created = chrono::NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let pdf = documents::render_with(
        &fonts,
        Template::Report,
        &data,
        Lang::Zh,
        created,
        "t".into(),
        vec![],
    )
    .unwrap();
    (view, text(&pdf))
}

#[test]
fn the_level_report_names_category_level_and_the_step_down_check() {
    let (v, t) = render("t-sdditai-5121-2023", Some("manufacturing"), 4.0);
    let g = v.evaluation.grade.as_ref().expect("a level");
    for want in [
        "数字化等级评价报告",
        "制造业企业",
        g.label.as_str(),
        "逐级检查（自高而低）",
        "第五级：优化级",
        "未达到",
        &v.evaluation.scheme_version[..16],
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
}

#[test]
fn the_sme_report_lists_coefficients_without_a_grade() {
    let (v, t) = render("sme-service-2020", None, 80.0);
    assert!(v.evaluation.grade.is_none());
    assert!(t.contains("中小企业服务质量测评报告"), "{t}");
    assert!(t.contains("各项系数"), "{t}");
    assert!(
        t.contains(&tianping_app::domain::words::fig(v.evaluation.total.score)),
        "{t}"
    );
}
