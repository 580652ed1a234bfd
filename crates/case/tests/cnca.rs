//! The regulator's monthly report (issue 11): which audits and certificates a month lists,
//! with dates as yyyyMMdd, codes in capitals and the FS audit methods, through the shipped
//! layout.

mod common;

use common::*;
use serde_json::json;
use tianping_case::cnca::{self, Out};
use tianping_case::cnca_rows::{report, Client, Month};

fn t(s: &str) -> Out {
    Out::Text(s.into())
}

#[test]
fn a_month_lists_its_plans_certificates_and_results() {
    // stage 1 (remote) at 2026-07-14, stage 2 planned 2026-07-24, done 07-25, grant 09-22,
    // certificate TP-1 on 2026-10-02, suspended 2026-10-20
    let s = Story::new()
        .contracted_from("2026-05-05")
        .then(
            "2026-07-14",
            json!({"type": "audit_planned", "audit": "S1", "kind": "stage1", "start": "2026-07-14",
                   "end": "2026-07-14", "team": [{"person": "lead", "role": "leader"}], "days": 1.0,
                   "offsite_reason": "资料审核即可"}),
        )
        .completed("2026-07-14", "S1", json!([]))
        .stage2("2026-07-24", json!([{"id": "N1", "severity": "minor"}]))
        .then("2026-07-27", json!({"type": "correction_submitted", "finding": "N1", "kind": "plan"}))
        .then("2026-07-28", json!({"type": "correction_accepted", "finding": "N1", "by": "lead", "onsite": false}))
        .decided("2026-09-22", "S2")
        .issued("2026-10-02", "tp 1")
        .then(
            "2026-10-20",
            json!({"type": "suspended", "cause": "未按期接受监督", "cause_confirmed": "2026-10-19"}),
        );
    let out = s.replay_all();
    assert!(out.violations.is_empty(), "{:?}", out.violations);
    let client = Client {
        body_name: "天平认证",
        org_name: "示例建设有限公司",
        uscc: "91310000 mA1fl4xq3x",
        standard: "T/CIC 003",
        case: &out.case,
    };
    let layout = cnca::shipped();
    let july = report(
        &layout,
        &Month::parse("2026-07").unwrap(),
        std::slice::from_ref(&client),
    );
    let names: Vec<&str> = july.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["审核计划信息表", "证书信息表", "审核结果信息表"]);
    let plans = &july[0];
    assert_eq!(
        plans.headers[..4],
        ["认证机构名称", "组织名称", "统一社会信用代码", "证书编号"]
    );
    assert_eq!(plans.rows.len(), 2);
    let col = |s: &tianping_case::cnca_rows::SheetOut, h: &str| {
        s.headers.iter().position(|x| x == h).unwrap()
    };
    assert_eq!(
        plans.rows[0][col(plans, "统一社会信用代码")],
        t("91310000MA1FL4XQ3X")
    );
    assert_eq!(plans.rows[0][col(plans, "审核开始日期")], t("20260714"));
    assert_eq!(plans.rows[0][col(plans, "审核方式")], t("FS02"));
    assert_eq!(plans.rows[1][col(plans, "审核方式")], t("FS01"));
    assert_eq!(plans.rows[1][col(plans, "审核类型")], t("CS2"));
    assert_eq!(plans.rows[1][col(plans, "审核人日数")], Out::Number(4.0));
    assert!(july[1].rows.is_empty(), "no certificate in July");
    let results = &july[2];
    assert_eq!(results.rows.len(), 2);
    assert_eq!(results.rows[1][col(results, "审核结束日期")], t("20260725"));
    assert_eq!(
        results.rows[1][col(results, "不符合项数")],
        Out::Number(1.0)
    );
    assert_eq!(results.rows[1][col(results, "认证决定日期")], t("20260922"));
    assert_eq!(results.rows[1][col(results, "认证决定")], t("通过"));

    let october = report(&layout, &Month::parse("202610").unwrap(), &[client]);
    assert!(october[0].rows.is_empty() && october[2].rows.is_empty());
    let certs = &october[1];
    assert_eq!(certs.rows.len(), 2);
    assert_eq!(certs.rows[0][col(certs, "证书编号")], t("TP1"));
    assert_eq!(certs.rows[0][col(certs, "颁证日期")], t("20261002"));
    assert_eq!(certs.rows[0][col(certs, "变更类型")], t("01"));
    assert_eq!(certs.rows[1][col(certs, "变更类型")], t("03"));
    assert_eq!(certs.rows[1][col(certs, "证书状态")], t("02"));
    assert_eq!(certs.rows[1][col(certs, "变更日期")], t("20261020"));
}

#[test]
fn months_are_read_as_people_write_them() {
    let m = Month::parse("2026-02").unwrap();
    assert_eq!((m.first, m.last), (d("2026-02-01"), d("2026-02-28")));
    assert_eq!(Month::parse("2026-12").unwrap().last, d("2026-12-31"));
    assert!(Month::parse("2026-13").is_none());
    assert!(Month::parse("十月").is_none());
}
