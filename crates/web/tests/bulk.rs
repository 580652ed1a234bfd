//! Platform data in bulk, on SQLite and PostgreSQL: the batch API and the CSV / Excel upload
//! give a result per row; the rows without errors are saved together (one revision), a row
//! with an error changes nothing.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use tianping_core::{Category, Indicator, Plan};

/// The tech-service plan of the star scheme (the fixture's `star_a`).
fn star_plan() -> Plan<'static> {
    let s = catalog().get("t11-aii-001-2020").unwrap();
    Plan::new(s, Some("tech-service"), None).unwrap()
}

/// Online items of table F1.1, and one that is not online.
fn items<'p>(plan: &'p Plan<'static>) -> (Vec<&'p Indicator>, &'p Indicator) {
    let t: Vec<&Indicator> = plan
        .leaves
        .iter()
        .map(|l| l.ind)
        .filter(|i| i.table == "F1.1")
        .collect();
    let online = t
        .iter()
        .copied()
        .filter(|i| i.category == Some(Category::Online))
        .collect();
    let offline = plan
        .leaves
        .iter()
        .map(|l| l.ind)
        .find(|i| i.category != Some(Category::Online))
        .unwrap();
    (online, offline)
}

async fn answers_of(app: &App, tok: &str, id: i64) -> (i64, Value) {
    let r = app
        .api(tok)
        .get(&format!("/assessments/{id}/answers"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    let mut by = serde_json::Map::new();
    for a in j["answers"].as_array().unwrap() {
        by.insert(a["indicator"].as_str().unwrap().to_string(), a.clone());
    }
    (j["revision"].as_i64().unwrap(), Value::Object(by))
}

#[tokio::test]
async fn the_batch_api_gives_a_result_per_row() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let (on, off) = items(&plan);
        let op = app.api(&token(&app, "operator@p.test").await);
        let ent = token(&app, "a@a.test").await;
        let path = format!("/assessments/{}/answers/batch", f.star_a);
        let before = answers_of(&app, &ent, f.star_a).await.0;
        let r = op
            .post(
                &path,
                json!({"answers": [
                    {"indicator": on[0].id, "value": 88, "note": "平台"},
                    {"indicator": off.id, "value": 50},
                    {"indicator": "NOPE-1", "value": 1},
                    {"indicator": on[1].id, "value": 120},
                    {"indicator": on[0].id, "value": 70},
                    {"value": 1},
                    {"indicator": on[2].id, "value": 66, "source": "self"},
                    {"indicator": on[3].id, "value": 1, "colour": "red"},
                ]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let j = r.json();
        assert_eq!(
            (j["saved"].as_i64(), j["failed"].as_i64()),
            (Some(2), Some(6)),
            "{b}: {j}"
        );
        assert_eq!(
            j["revision"].as_i64(),
            Some(before + 1),
            "{b}: one revision"
        );
        let res = j["results"].as_array().unwrap();
        let rows: Vec<i64> = res.iter().map(|r| r["row"].as_i64().unwrap()).collect();
        assert_eq!(rows, [1, 2, 3, 4, 5, 6, 7, 8], "{b}");
        let status: Vec<&str> = res.iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(
            status,
            ["ok", "error", "error", "error", "error", "error", "ok", "error"],
            "{b}"
        );
        let msg = |n: usize| res[n]["message"].as_str().unwrap_or("").to_string();
        assert!(msg(1).contains("线上"), "{b}: {}", msg(1));
        assert!(msg(2).contains("没有这个指标"), "{b}: {}", msg(2));
        assert!(!msg(3).is_empty(), "{b}: out of range");
        assert!(msg(4).contains("第 1 行"), "{b}: {}", msg(4));
        assert!(msg(5).contains("indicator"), "{b}: {}", msg(5));
        assert!(msg(7).contains("colour"), "{b}: {}", msg(7));
        assert_eq!(res[0]["indicator"], on[0].id.as_str(), "{b}");
        assert_eq!(res[0]["value"]["source"], "platform", "{b}");
        // saved rows are platform data, verified; rows with errors changed nothing
        let (_, ans) = answers_of(&app, &ent, f.star_a).await;
        assert_eq!(ans[&on[0].id]["value"]["value"], 88, "{b}");
        assert_eq!(ans[&on[0].id]["value"]["verified"], true, "{b}");
        assert_eq!(ans[&on[0].id]["note"], "平台", "{b}");
        assert_eq!(ans[&on[2].id]["source"], "platform", "{b}");
        for i in [off, on[1], on[3]] {
            assert!(ans.get(&i.id).is_none(), "{b}: {} untouched", i.id);
        }
        // without a note the stored note is kept; in English when asked
        let en = app.api(&token(&app, "operator@p.test").await).lang("en");
        let r = en
            .post(
                &path,
                json!({"answers": [{"indicator": on[0].id, "value": 90}, {"indicator": off.id, "value": 1}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.json()["results"][1]["message"]
                .as_str()
                .unwrap()
                .contains("online"),
            "{b}: {}",
            r.body
        );
        let (_, ans) = answers_of(&app, &ent, f.star_a).await;
        assert_eq!(ans[&on[0].id]["value"]["value"], 90, "{b}");
        assert_eq!(ans[&on[0].id]["note"], "平台", "{b}: note kept");
        // whole refusals: the body is not a batch, a reader, another enterprise, a locked one
        for bad in [json!([]), json!({"answers": 5}), json!({"rows": []})] {
            let r = op.post(&path, bad.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {bad}");
        }
        let dec = app.api(&token(&app, "decider@b1.test").await);
        let r = dec.post(&path, json!({"answers": []})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
        let other = app.api(&token(&app, "b@b.test").await);
        let r = other.post(&path, json!({"answers": []})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app
            .api(&ent)
            .post(&format!("/assessments/{}/submit", f.star_a), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let r = op
            .post(
                &path,
                json!({"answers": [{"indicator": on[0].id, "value": 1}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        app.cleanup().await;
    }
}

/// An .xlsx workbook of (indicator, value, note) rows under the header.
fn workbook(rows: &[(&str, f64, &str)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["指标编号", "数值", "备注"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (n, (i, v, note)) in rows.iter().enumerate() {
        let r = n as u32 + 1;
        ws.write_string(r, 0, *i).unwrap();
        ws.write_number(r, 1, *v).unwrap();
        ws.write_string(r, 2, *note).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_operator_uploads_csv_and_excel_files() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let plan = star_plan();
        let (on, off) = items(&plan);
        let ent = token(&app, "a@a.test").await;
        let mut op = app.browser();
        op.login("operator@p.test", PW).await;
        let page = format!("/assessments/{}/import", f.star_a);
        let r = op.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains(r#"enctype="multipart/form-data""#)
                && r.body.contains("有错误的行不做任何修改"),
            "{b}"
        );
        // the list links the page for those who may answer
        let r = op.get(&format!("/assessments/{}", f.star_a)).await;
        assert!(r.body.contains(&format!(r#"href="{page}""#)), "{b}");
        // CSV with BOM: an id, a printed number with a percentage, an offline item, an unknown
        // one, an empty value
        let printed = format!("F1.1 序号{}", on[1].serial.as_deref().unwrap());
        let csv = format!(
            "\u{feff}指标编号,数值,备注\r\n{},77,\"csv, 2025\"\r\n{printed},55%,\r\n{},10,\r\nZZ,1,\r\n{},,\r\n",
            on[0].id, off.id, on[2].id
        );
        let before = answers_of(&app, &ent, f.star_a).await.0;
        let r = op.upload(&page, "platform.csv", csv.as_bytes()).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(r.body.contains("已保存 2 行"), "{b}: {}", r.body);
        assert!(
            r.body.contains("2 行有错误") && r.body.contains("1 行数值为空，已跳过"),
            "{b}"
        );
        assert!(
            r.body.contains("不能为它提供数据") && r.body.contains("没有指标“ZZ”"),
            "{b}"
        );
        let (rev, ans) = answers_of(&app, &ent, f.star_a).await;
        assert_eq!(rev, before + 1, "{b}: one revision");
        assert_eq!(ans[&on[0].id]["value"]["value"], 77.0, "{b}");
        assert_eq!(ans[&on[0].id]["note"], "csv, 2025", "{b}");
        assert_eq!(ans[&on[1].id]["value"]["value"], 55.0, "{b}");
        assert_eq!(ans[&on[1].id]["source"], "platform", "{b}");
        assert!(
            ans.get(&off.id).is_none() && ans.get(&on[2].id).is_none(),
            "{b}"
        );
        // Excel
        let xlsx = workbook(&[(&on[2].id, 91.0, "xlsx"), ("F9.9-9", 1.0, "")]);
        let r = op.upload(&page, "platform.xlsx", &xlsx).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert!(
            r.body.contains("已保存 1 行") && r.body.contains("1 行有错误"),
            "{b}"
        );
        let (_, ans) = answers_of(&app, &ent, f.star_a).await;
        assert_eq!(ans[&on[2].id]["value"]["value"], 91.0, "{b}");
        assert_eq!(ans[&on[2].id]["note"], "xlsx", "{b}");
        // files refused as a whole change nothing and say why
        let before = answers_of(&app, &ent, f.star_a).await.0;
        for (name, data, says) in [
            ("data.pdf", b"%PDF".to_vec(), "只能上传 .csv"),
            ("gbk.csv", b"\xd6\xb8\xb1\xea,1\n".to_vec(), "UTF-8"),
            ("nohead.csv", b"a,b\n1,2\n".to_vec(), "表头"),
            ("broken.xlsx", b"PK not really".to_vec(), ".xlsx"),
        ] {
            let r = op.upload(&page, name, &data).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b} {name}");
            assert!(r.body.contains(says), "{b} {name}: {}", r.body);
        }
        assert_eq!(answers_of(&app, &ent, f.star_a).await.0, before, "{b}");
        // the template: the items the operator may fill in, stored values included
        let r = op.get(&format!("{page}/template.csv")).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(r.content_type(), "text/csv; charset=utf-8");
        assert!(r.body.starts_with("\u{feff}指标编号,数值,备注"), "{b}");
        assert!(r.body.contains(&format!("\r\n{},91", on[2].id)), "{b}");
        assert!(
            !r.body.contains(&format!("\r\n{},", off.id)),
            "{b}: offline items left out"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_those_who_may_answer_import() {
    for app in apps().await {
        let b = app.backend;
        let f = fixture(&app).await;
        let page = format!("/assessments/{}/import", f.star_a);
        let csv = b"\xef\xbb\xbf\xe6\x8c\x87\xe6\xa0\x87\xe7\xbc\x96\xe5\x8f\xb7,\xe6\x95\xb0\xe5\x80\xbc\n";
        // another enterprise: not found
        let mut other = app.browser();
        other.login("b@b.test", PW).await;
        for p in [page.clone(), format!("{page}/template.csv")] {
            assert_eq!(other.get(&p).await.status, StatusCode::NOT_FOUND, "{b} {p}");
        }
        assert_eq!(
            other.upload(&page, "a.csv", csv).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // the body reads the self-assessment: forbidden
        let mut aud = app.browser();
        aud.login("auditor@b1.test", PW).await;
        assert_eq!(aud.get(&page).await.status, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(
            aud.upload(&page, "a.csv", csv).await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        // a submitted assessment: the page says it is locked, an upload is refused
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        let r = a
            .post(
                &format!("/assessments/{}/submit", f.star_a),
                &[("acknowledge", "1000")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let r = a.get(&page).await;
        assert!(
            r.body.contains("不能再导入") && !r.body.contains("enctype"),
            "{b}"
        );
        let r = a.upload(&page, "a.csv", csv).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
        app.cleanup().await;
    }
}
