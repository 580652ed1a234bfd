//! Excel on the command line (issue 11): `template --format xlsx --out`, `evaluate --input
//! FILE.xlsx` equal to the same answers as JSON and naming bad cells, and `cnca-export`
//! writing the regulator's three sheets (an empty month keeps the headers) with its
//! refusals.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};
use tianping_app::xlsx::template::{write, Filled};
use tianping_domain::workbook::book;

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(std::env::temp_dir());
    for k in ["TIANPING_CONFIG", "DATABASE_URL", "TIANPING_SMTP_URL"] {
        c.env_remove(k);
    }
    c.output().expect("binary runs")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tianping-xlsx-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn total(o: &Output) -> f64 {
    assert!(o.status.success(), "{}", err(o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["total"]["score"].as_f64().unwrap()
}

#[test]
fn an_excel_template_evaluates_like_the_json_answers() {
    let dir = scratch("eval");
    let blank = dir.join("blank.xlsx");
    let o = run(&[
        "template",
        "--scheme",
        "t-sdditai-5121-2023",
        "--variant",
        "manufacturing",
        "--format",
        "xlsx",
        "--out",
        blank.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let bytes = std::fs::read(&blank).unwrap();
    let grids = tianping_app::xlsx::grids(&bytes).unwrap();
    assert_eq!(grids[0].name, "说明");
    assert_eq!(grids[1].name, "表1");

    let cat = tianping_catalog::Catalog::load(None).unwrap();
    let s = cat.get("t-sdditai-5121-2023").unwrap();
    let plan = tianping_core::Plan::new(s, Some("manufacturing"), None).unwrap();
    let mut filled = BTreeMap::new();
    let mut answers = serde_json::Map::new();
    for (n, l) in plan.leaves.iter().enumerate() {
        let level = (n * 5 % 6) as f64;
        filled.insert(
            l.ind.id.clone(),
            Filled {
                value: Some(level),
                ..Filled::default()
            },
        );
        answers.insert(l.ind.id.clone(), json!(level));
    }
    let xlsx = dir.join("answers.xlsx");
    std::fs::write(&xlsx, write(&book(&plan), &filled, &Vec::new()).unwrap()).unwrap();
    let js = dir.join("answers.json");
    std::fs::write(
        &js,
        json!({"variant": "manufacturing", "answers": answers}).to_string(),
    )
    .unwrap();
    let args = |input: &PathBuf| {
        vec![
            "--format".to_string(),
            "json".into(),
            "evaluate".into(),
            "--scheme".into(),
            "t-sdditai-5121-2023".into(),
            "--input".into(),
            input.to_str().unwrap().into(),
        ]
    };
    let a: Vec<String> = args(&xlsx);
    let b: Vec<String> = args(&js);
    let x = total(&run(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    let y = total(&run(&b.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(x > 0.0);
    assert_eq!(x, y);

    // a points value between the half-point steps is named by its cell; nothing is evaluated
    let cic = tianping_core::Plan::new(cat.get("t-cic-capability").unwrap(), None, None).unwrap();
    let bad = BTreeMap::from([(
        cic.leaves[0].ind.id.clone(),
        Filled {
            value: Some(1.25),
            ..Filled::default()
        },
    )]);
    std::fs::write(&xlsx, write(&book(&cic), &bad, &Vec::new()).unwrap()).unwrap();
    let o = run(&[
        "evaluate",
        "--scheme",
        "t-cic-capability",
        "--input",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("表A.1!G3") && err(&o).contains("0.5"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("panicked"));

    // xlsx output only where a file is written
    let o = run(&["--format", "xlsx", "schemes", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("template --format xlsx"), "{}", err(&o));
    let o = run(&[
        "--format",
        "xlsx",
        "template",
        "--scheme",
        "t-cic-capability",
    ]);
    assert!(err(&o).contains("--out"), "{}", err(&o));
}

#[test]
fn cnca_export_writes_the_three_sheets() {
    let dir = scratch("cnca");
    let db = dir.join("t.db");
    let _ = std::fs::remove_file(&db);
    let out = dir.join("m.xlsx");
    let o = run(&[
        "cnca-export",
        "--month",
        "2026-10",
        "--database",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let grids = tianping_app::xlsx::grids(&std::fs::read(&out).unwrap()).unwrap();
    let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["审核计划信息表", "证书信息表", "审核结果信息表"]);
    assert_eq!(grids[0].get(0, 2).text(), "统一社会信用代码");
    assert_eq!(grids[0].rows.len(), 1, "no case: the header only");

    let o = run(&[
        "cnca-export",
        "--month",
        "2026/10",
        "--database",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("YYYY-MM"), "{}", err(&o));
    let layout = dir.join("layout.toml");
    std::fs::write(
        &layout,
        "interpretation = \"x\"\n[[sheet]]\nname = \"审核计划信息表\"\nrows = \"audit_plans\"\n[[sheet.column]]\nheader = \"日期\"\nsource = \"start\"\nformat = \"yyyyMMdd\"\n",
    )
    .unwrap();
    let o = run(&[
        "cnca-export",
        "--month",
        "2026-10",
        "--layout",
        layout.to_str().unwrap(),
        "--database",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("layout.toml:8:"), "{}", err(&o));
}
