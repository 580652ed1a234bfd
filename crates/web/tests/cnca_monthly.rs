//! The regulator's monthly report (003 6.3.7, 8.1.8; issue 11) on SQLite and PostgreSQL: an
//! imported certification history gives, for a month, the three sheets with their headers,
//! dates as yyyyMMdd, codes in capitals and the FS audit method, for the body's admin only
//! (page and API); and the list exports keep what each person sees.

mod common;

use std::io::Cursor;
use std::sync::Arc;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use chrono::{TimeZone, Utc};
use common::*;
use tianping_app::FixedClock;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Every sheet of a workbook with its cells at their own positions (row 1 = index 0).
fn read(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
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

#[tokio::test]
async fn the_monthly_report_has_the_regulators_sheets() {
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2029, 6, 1, 2, 0, 0).unwrap(),
    ));
    for app in apps_with(clock.clone(), |_| {}).await {
        let b = app.backend;
        let f = fixture(&app).await;
        let admin = token(&app, "admin@b1.test").await;
        let history = std::fs::read("../cli/tests/cases/full-history.jsonl").unwrap();
        let mut br = app.browser();
        br.login("admin@b1.test", PW).await;
        br.get("/cases/import").await;
        let ent = f.ent_a.to_string();
        let r = br
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent)],
                "h.jsonl",
                &history,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = app
            .api(&admin)
            .get("/reports/cnca-monthly.xlsx?month=2025-10")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(r.content_type(), XLSX);
        let s = read(&r.bytes);
        let names: Vec<&str> = s.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            ["审核计划信息表", "证书信息表", "审核结果信息表"],
            "{b}"
        );
        let head = |n: usize| s[n].1[0].iter().map(text).collect::<Vec<_>>();
        assert_eq!(
            head(0)[..5],
            [
                "认证机构名称",
                "组织名称",
                "统一社会信用代码",
                "证书编号",
                "审核类型"
            ]
        );
        assert_eq!(head(1)[..2], ["认证机构名称", "证书编号"]);
        assert_eq!(head(2)[6], "审核结束日期");
        let col = |n: usize, h: &str| head(n).iter().position(|x| x == h).unwrap();
        // S2 planned on 2025-10-10 for 3–4 November, on site; S1 completed on 9 October
        let plan = &s[0].1[1];
        assert_eq!(text(&plan[col(0, "审核开始日期")]), "20251103", "{b}");
        assert_eq!(text(&plan[col(0, "审核方式")]), "FS01", "{b}");
        assert_eq!(text(&plan[col(0, "审核类型")]), "CS2", "{b}");
        assert_eq!(text(&plan[col(0, "统一社会信用代码")]), uscc(1), "{b}");
        assert_eq!(s[1].1.len(), 1, "{b}: no certificate in October 2025");
        assert_eq!(text(&s[2].1[1][col(2, "审核结束日期")]), "20251009", "{b}");
        // January 2026: the certificate issued, its number in capitals
        let s = read(
            &app.api(&admin)
                .get("/reports/cnca-monthly.xlsx?month=2026-01")
                .await
                .bytes,
        );
        assert_eq!(text(&s[1].1[1][1]), "TP-EEPC-2026-0001", "{b}");
        // only the body's admin; a bad month is named
        let aud = token(&app, "auditor@b1.test").await;
        let r = app
            .api(&aud)
            .get("/reports/cnca-monthly.xlsx?month=2025-10")
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
        let r = app
            .api(&admin)
            .get("/reports/cnca-monthly.xlsx?month=2025-13")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.body.contains("YYYY-MM"), "{b}: {}", r.body);
        // the page: a month picker and the download
        let r = br.get("/reports/cnca").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("type=\"month\""), "{b}");
        let r = br.get("/reports/cnca.xlsx?month=2026-10").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        let s = read(&r.bytes);
        let change = s[1].1[0]
            .iter()
            .position(|h| text(h) == "变更类型")
            .unwrap();
        assert_eq!(
            text(&s[1].1[1][change]),
            "03",
            "{b}: suspended in October 2026"
        );
        // the lists keep what the person sees
        let r = br.get("/certificates.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            read(&r.bytes)[0]
                .1
                .iter()
                .any(|row| row.iter().any(|c| text(c).starts_with("TP-EEPC"))),
            "{b}"
        );
        let r = br.get("/due.xlsx?as_of=2026-11-01").await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert_eq!(text(&read(&r.bytes)[0].1[0][0]), "企业", "{b}");
        let mut ent = app.browser();
        ent.login("b@b.test", PW).await;
        let r = ent.get("/enterprises.xlsx").await;
        let rows = &read(&r.bytes)[0].1;
        assert_eq!(rows.len(), 2, "{b}: enterprise B sees itself only");
        assert_eq!(text(&rows[1][1]), "Enterprise B", "{b}");
        let r = ent.get("/assessments.xlsx").await;
        assert_eq!(read(&r.bytes)[0].1.len(), 2, "{b}: its one assessment");
        // and through the API
        let tb = token(&app, "b@b.test").await;
        let r = app.api(&tb).get("/assessments.xlsx").await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        assert_eq!(read(&r.bytes)[0].1.len(), 2, "{b}");
        let r = app.api(&admin).get("/due.xlsx?as_of=2026-11-01").await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.body);
        let r = app.api(&admin).get("/due.xlsx?as_of=someday").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let r = app.api(&admin).get("/certificates.xlsx").await;
        assert_eq!(text(&read(&r.bytes)[0].1[0][0]), "证书编号", "{b}");
        let r = app.api("").get("/enterprises.xlsx").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{b}");
        app.cleanup().await;
    }
}
