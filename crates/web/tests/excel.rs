//! Excel in and out (issue 11), on SQLite and PostgreSQL: an answer template downloaded, filled
//! by this test (read with calamine, written again with rust_xlsxwriter at the same sheet
//! names and cell positions) and imported gives the same result as the same answers sent as
//! JSON; bad cells are named and change nothing; the result export's sheets and headers (the
//! monthly report and the lists: `cnca_monthly.rs`).

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::{json, Value};
use tianping_core::{AnswerKind, Plan};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Sheets = Vec<(String, Vec<Vec<Data>>)>;

/// Every sheet of a workbook with its cells at their own positions (row 1 = index 0).
fn read(bytes: &[u8]) -> Sheets {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an .xlsx file");
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let r = book.worksheet_range(&name).unwrap();
        let (top, left) = r.start().unwrap_or((0, 0));
        let mut rows = vec![Vec::new(); top as usize];
        for cells in r.rows() {
            let mut row = vec![Data::Empty; left as usize];
            row.extend(cells.iter().cloned());
            rows.push(row);
        }
        out.push((name, rows));
    }
    out
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        d => d.to_string(),
    }
}

/// A copy of `sheets` with `cells` ((sheet, row, col) → value) written over them.
fn write(sheets: &Sheets, cells: &BTreeMap<(String, u32, u16), Value>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (y, row) in rows.iter().enumerate() {
            for (x, c) in row.iter().enumerate() {
                match c {
                    Data::Float(f) => ws.write_number(y as u32, x as u16, *f).map(|_| ()),
                    Data::Int(i) => ws.write_number(y as u32, x as u16, *i as f64).map(|_| ()),
                    Data::Empty => Ok(()),
                    c => ws.write_string(y as u32, x as u16, text(c)).map(|_| ()),
                }
                .unwrap();
            }
        }
        for ((s, y, x), v) in cells {
            if s == name {
                match v {
                    Value::Number(n) => ws.write_number(*y, *x, n.as_f64().unwrap()),
                    v => ws.write_string(*y, *x, v.as_str().unwrap()),
                }
                .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The row of an indicator in a template sheet (by the id in column A).
fn row_of(sheets: &Sheets, id: &str) -> (String, u32) {
    for (name, rows) in sheets {
        for (y, r) in rows.iter().enumerate() {
            if r.first().map(text).as_deref() == Some(id) {
                return (name.clone(), y as u32);
            }
        }
    }
    panic!("{id} is in no sheet");
}

/// A value for the n-th item, valid on its scale (half points, levels, coefficients).
fn value_for(plan: &Plan, n: usize) -> (String, f64) {
    let l = &plan.leaves[n];
    let x = match plan.kind {
        AnswerKind::Points if l.ind.half_points => ((l.answer_max * 2.0 * 0.7).floor()) / 2.0,
        AnswerKind::Points => (l.answer_max * 0.6).floor(),
        AnswerKind::Level => (n % 6) as f64,
        AnswerKind::Coefficient => ((n * 37) % 101) as f64,
    };
    (l.ind.id.clone(), x)
}

async fn post_xlsx(app: &App, tok: &str, path: &str, bytes: Vec<u8>) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1{path}"))
        .header("authorization", format!("Bearer {tok}"))
        .header("content-type", XLSX)
        .body(Body::from(bytes))
        .unwrap();
    send(&app.router, req).await
}

async fn new_assessment(app: &App, email: &str, ent: i64, scheme: &str, variant: &str) -> i64 {
    use tianping_app::assessments::{self, AssessmentInput};
    let u = tianping_store::repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap();
    let i = AssessmentInput {
        enterprise_id: ent.to_string(),
        scheme: scheme.into(),
        variant: variant.into(),
        ..Default::default()
    };
    assessments::create(&app.state, &u, &i).await.unwrap().id
}

async fn stored(app: &App, id: i64) -> tianping_store::repo::Assessment {
    tianping_store::repo::get_assessment(&app.state.store, id)
        .await
        .unwrap()
        .unwrap()
}

fn big_uploads(c: &mut tianping_app::config::Config) {
    c.max_upload_bytes = 4 * 1024 * 1024;
}

async fn apps_big() -> Vec<App> {
    apps_with(Arc::new(tianping_app::SystemClock), big_uploads).await
}

#[tokio::test]
async fn a_filled_template_imports_to_the_json_paths_result() {
    for app in apps_big().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "a@a.test").await;
        let api = app.api(&tok);
        for (scheme, variant, sources) in [
            ("t-cic-capability", "", false),
            ("t-sdditai-5121-2023", "manufacturing", false),
            ("t11-aii-001-2020", "tech-service", true),
        ] {
            let s = catalog().get(scheme).unwrap();
            let plan = Plan::new(s, Some(variant).filter(|v| !v.is_empty()), None).unwrap();
            let by_xlsx = new_assessment(&app, "a@a.test", f.ent_a, scheme, variant).await;
            let by_json = new_assessment(&app, "a@a.test", f.ent_a, scheme, variant).await;
            let r = api
                .get(&format!("/assessments/{by_xlsx}/template.xlsx"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b} {scheme}: {}", r.body);
            assert_eq!(r.content_type(), XLSX);
            let template = read(&r.bytes);
            assert_eq!(template[0].0, "说明", "{b}");
            let header: Vec<String> = template[1].1[1].iter().map(text).collect();
            assert_eq!(header[0], "指标编号");
            assert_eq!(header[6], "数值");
            assert_eq!(
                header.contains(&"来源".to_string()),
                sources,
                "{b} {scheme}"
            );
            // every other item, experts' items left to the experts
            let mut cells = BTreeMap::new();
            let mut batch = Vec::new();
            for n in (0..plan.leaves.len()).step_by(2) {
                if plan.leaves[n].ind.expert_panel || plan.leaves[n].ind.likert {
                    continue;
                }
                let (id, x) = value_for(&plan, n);
                let (sheet, y) = row_of(&template, &id);
                cells.insert((sheet.clone(), y, 6), json!(x));
                let mut row = json!({"indicator": id, "value": x});
                if sources && n % 4 == 0 {
                    cells.insert((sheet, y, 7), json!("企业自报"));
                    row["source"] = json!("self");
                }
                batch.push(row);
            }
            assert!(batch.len() > 5, "{b} {scheme}");
            let filled = write(&template, &cells);
            let r = post_xlsx(
                &app,
                &tok,
                &format!("/assessments/{by_xlsx}/answers.xlsx"),
                filled,
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{b} {scheme}: {}", r.body);
            let j = r.json();
            assert_eq!(j["failed"], 0, "{b} {scheme}: {j}");
            assert_eq!(
                j["saved"].as_u64().unwrap() as usize,
                batch.len(),
                "{b} {scheme}"
            );
            assert!(
                j["results"][0]["cell"].as_str().unwrap().contains("!G"),
                "{b}: {j}"
            );
            let r = api
                .post(
                    &format!("/assessments/{by_json}/answers/batch"),
                    json!({"answers": batch}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b} {scheme}: {}", r.body);
            assert_eq!(r.json()["failed"], 0, "{b} {scheme}: {}", r.body);
            let (x, y) = (stored(&app, by_xlsx).await, stored(&app, by_json).await);
            assert!(x.score.is_some(), "{b} {scheme}");
            assert_eq!(
                (x.score, &x.grade, x.stars),
                (y.score, &y.grade, y.stars),
                "{b} {scheme}"
            );
            let ax = api
                .get(&format!("/assessments/{by_xlsx}/answers"))
                .await
                .json();
            let ay = api
                .get(&format!("/assessments/{by_json}/answers"))
                .await
                .json();
            let strip = |v: &Value| -> Vec<(Value, Value, Value)> {
                v["answers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| {
                        (
                            a["indicator"].clone(),
                            a["value"].clone(),
                            a["source"].clone(),
                        )
                    })
                    .collect()
            };
            assert_eq!(strip(&ax), strip(&ay), "{b} {scheme}");

            // the filled template of the assessment carries its answers back
            let again = read(
                &api.get(&format!("/assessments/{by_xlsx}/template.xlsx"))
                    .await
                    .bytes,
            );
            let ((sheet, y, _), v) = cells.iter().next().unwrap();
            let cell = &again.iter().find(|s| &s.0 == sheet).unwrap().1[*y as usize][6];
            let shown = text(cell);
            let want = v.as_f64().unwrap();
            assert!(
                shown.parse::<f64>().ok() == Some(want)
                    || shown.starts_with(&format!("{} ", want as i64)),
                "{b} {scheme}: {shown} for {want}"
            );

            // the downloaded filled template sent back as it is changes nothing
            let r = api
                .get(&format!("/assessments/{by_xlsx}/template.xlsx"))
                .await;
            let r = post_xlsx(
                &app,
                &tok,
                &format!("/assessments/{by_xlsx}/answers.xlsx"),
                r.bytes,
            )
            .await;
            let j = r.json();
            assert_eq!(
                j["unchanged"].as_u64().unwrap() as usize,
                batch.len(),
                "{b} {scheme}: {j}"
            );
            assert_eq!(
                (j["saved"].clone(), j["revision"].clone()),
                (json!(0), Value::Null),
                "{b}"
            );

            // the result's export: a summary and one sheet per table with the trace
            let r = api
                .get(&format!("/assessments/{by_xlsx}/export.xlsx"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b} {scheme}: {}", r.body);
            let e = read(&r.bytes);
            assert_eq!(e[0].0, "汇总");
            let tables: Vec<&str> = template[1..]
                .iter()
                .map(|s| s.0.as_str())
                .filter(|n| *n != "选项")
                .collect();
            let exported: Vec<&str> = e[1..].iter().map(|s| s.0.as_str()).collect();
            assert_eq!(exported, tables, "{b} {scheme}");
            let head: Vec<String> = e[1].1[0].iter().map(text).collect();
            assert_eq!(
                head,
                [
                    "指标编号",
                    "序号",
                    "指标",
                    "答案",
                    "来源",
                    "得分",
                    "满分",
                    "是否计分",
                    "说明"
                ]
            );
            let summary: BTreeMap<String, String> = e[0]
                .1
                .iter()
                .filter(|r| r.len() > 1)
                .map(|r| (text(&r[0]), text(&r[1])))
                .collect();
            assert_eq!(summary["企业"], "Enterprise A", "{b}");
            let total: f64 = summary["总分"].parse().unwrap();
            assert!(
                (total - x.score.unwrap()).abs() < 1e-6,
                "{b} {scheme}: {total}"
            );
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn bad_cells_are_named_with_what_they_accept_and_nothing_is_saved() {
    for app in apps_big().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let tok = token(&app, "a@a.test").await;
        let api = app.api(&tok);
        let check = |scheme: &'static str,
                     variant: &'static str,
                     bad: Vec<(usize, u16, Value, &'static str)>| {
            let app = &app;
            let api = &api;
            let tok = &tok;
            async move {
                let id = new_assessment(app, "a@a.test", f.ent_a, scheme, variant).await;
                let before = api.get(&format!("/assessments/{id}/answers")).await.json();
                let t = read(
                    &api.get(&format!("/assessments/{id}/template.xlsx"))
                        .await
                        .bytes,
                );
                let sheet = t[1].0.clone();
                let mut cells = BTreeMap::new();
                let mut want = Vec::new();
                for (row, col, v, words) in &bad {
                    cells.insert((sheet.clone(), *row as u32, *col), v.clone());
                    if words.is_empty() {
                        continue; // a valid cell: not saved either
                    }
                    want.push((
                        format!("{}!{}{}", sheet, (b'A' + *col as u8) as char, row + 1),
                        *words,
                    ));
                }
                let r = post_xlsx(
                    app,
                    tok,
                    &format!("/assessments/{id}/answers.xlsx"),
                    write(&t, &cells),
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{b} {scheme}: {}", r.body);
                let j = r.json();
                assert_eq!(j["revision"], Value::Null, "{b} {scheme}: {j}");
                assert_eq!(j["saved"], 0, "{b} {scheme}: {j}");
                let got: Vec<(String, String)> = j["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["cell"].as_str().unwrap().to_string(),
                            r["message"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                assert_eq!(got.len(), want.len(), "{b} {scheme}: {got:?}");
                for ((cell, words), (gc, gm)) in want.iter().zip(&got) {
                    assert_eq!(cell, gc, "{b} {scheme}");
                    assert!(gm.contains(words), "{b} {scheme}: {gc} {gm} lacks {words}");
                }
                let after = api.get(&format!("/assessments/{id}/answers")).await.json();
                assert_eq!(before, after, "{b} {scheme}: nothing changed");
            }
        };
        check(
            "t-cic-capability",
            "",
            vec![
                (2, 6, json!("两分"), "不是数字"),
                (3, 6, json!(99), "超出范围"),
                (4, 6, json!(1.25), "0.5"),
                (5, 0, json!("X.9"), "没有指标“X.9”"),
            ],
        )
        .await;
        check(
            "t-sdditai-5121-2023",
            "manufacturing",
            vec![(2, 6, json!("很高"), "没有等级“很高”")],
        )
        .await;
        check(
            "t11-aii-001-2020",
            "tech-service",
            vec![
                (2, 6, json!(50), ""),
                (
                    2,
                    7,
                    json!("猜的"),
                    "企业自报、平台数据、第三方数据、现场核验",
                ),
            ],
        )
        .await;
        // through the page too: the cells are named, nothing is saved
        let mut br = app.browser();
        br.login("a@a.test", PW).await;
        // the new-assessment page offers each variant's blank template
        let r = br
            .get(&format!(
                "/assessments/new?enterprise={}&scheme=t-sdditai-5121-2023",
                f.ent_a
            ))
            .await;
        let link = "/schemes/t-sdditai-5121-2023/template.xlsx?variant=manufacturing";
        assert!(r.body.contains(link), "{b}: {}", r.body);
        let r = br.get(link).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(read(&r.bytes)[1].0, "表1", "{b}");
        let r = br
            .get("/schemes/t-sdditai-5121-2023/template.xlsx?variant=nope")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let t = read(
            &api.get(&format!("/assessments/{}/template.xlsx", f.self_a))
                .await
                .bytes,
        );
        let mut cells = BTreeMap::new();
        cells.insert((t[1].0.clone(), 2u32, 6u16), json!(1000));
        let r = br.get(&format!("/assessments/{}/import", f.self_a)).await;
        assert!(
            r.body.contains("template.xlsx"),
            "{b}: the page offers the Excel template"
        );
        let r = br
            .upload(
                &format!("/assessments/{}/import", f.self_a),
                "a.xlsx",
                &write(&t, &cells),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            r.body.contains(&format!("{}!G3", t[1].0)),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("已保存 0 行"), "{b}");
        app.cleanup().await;
    }
}
