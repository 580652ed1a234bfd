//! The certification pages (I-16, I-17) on SQLite and PostgreSQL, with a fixed clock moved
//! day by day: an enterprise applies through the form, the body admin reviews, contracts and
//! plans two stages with a team, the auditor completes stage 2 with a finding, the enterprise
//! submits its correction, the auditor accepts it, the decider sees the checklist fail and
//! then pass and grants, and the certificate number appears. Refusals name their clause and
//! keep what was typed; another body sees nothing; the due page lists the correction.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use common::*;
use tianping_app::FixedClock;
use tianping_store::repo::{self, NewUser};

/// 10:00 in Beijing on a day.
fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
}

async fn user_id(app: &App, email: &str) -> String {
    repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// POST an event form and expect the redirect to the case page.
async fn enter(b: &mut Browser, case: &str, fields: &[(&str, &str)]) {
    let r = b.post(&format!("{case}/events"), fields).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{fields:?}: {}",
        &r.body[r.body.find("<main>").unwrap_or(0)..]
    );
    assert!(
        r.location().starts_with(&format!("{case}?done=")),
        "{}",
        r.location()
    );
}

#[tokio::test]
async fn a_certification_runs_through_the_pages() {
    let clock = Arc::new(FixedClock::new(day(2026, 3, 2)));
    for app in apps_with(clock.clone(), |c| c.session_hours = 24 * 365).await {
        clock.set(day(2026, 3, 2));
        let bk = app.backend;
        let f = fixture(&app).await;
        qualify(&app, "auditor@b1.test").await;
        let auditor_id = user_id(&app, "auditor@b1.test").await;

        // the enterprise applies; a bad headcount is refused and the typed scope kept
        let mut ent = app.browser();
        ent.login("a@a.test", PW).await;
        let r = ent.get("/cases").await;
        assert!(r.body.contains("/cases/apply"), "{bk}: apply link");
        let r = ent.get("/cases/apply").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(r.body.contains("Body One"), "{bk}: bodies offered");
        let body = f.body_id.to_string();
        let mut application = vec![
            ("org", body.as_str()),
            ("scope", "建筑工程施工合同履约"),
            ("headcount", "一百"),
            ("system_start", "2025-11-01"),
            ("site_name_0", "总部"),
            ("site_headcount_0", "80"),
            ("site_central_0", "1"),
            ("site_name_1", "项目部"),
            ("site_headcount_1", "20"),
            ("site_temporary_1", "1"),
        ];
        let r = ent.post("/cases/apply", &application).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(
            r.body.contains("有效人数应为不小于 0 的整数"),
            "{bk}: {}",
            r.body
        );
        assert!(
            r.body.contains("value=\"建筑工程施工合同履约\""),
            "{bk}: scope kept"
        );
        assert!(r.body.contains("value=\"项目部\""), "{bk}: sites kept");
        application[2] = ("headcount", "100");
        let r = ent.post("/cases/apply", &application).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        let case = r.location().split('?').next().unwrap().to_string();
        assert!(case.starts_with("/cases/"), "{bk}: {case}");
        let r = ent.get(&r.location()).await;
        assert!(r.body.contains("已记录：收到认证申请"), "{bk}");
        assert!(r.body.contains("已申请，待评审"), "{bk}");

        // the body admin reviews, signs the contract and plans stage 1 with a team
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin.get("/cases").await;
        assert!(
            r.body.contains("Enterprise A") && r.body.contains("已申请，待评审"),
            "{bk}"
        );
        let r = admin
            .get(&format!("{case}/events/new?type=application_reviewed"))
            .await;
        assert!(
            r.body.contains("value=\"2026-03-02\""),
            "{bk}: today by default"
        );
        let case_id: i64 = case.trim_start_matches("/cases/").parse().unwrap();
        upload_application_documents(&app, case_id, "a@a.test").await;
        enter(
            &mut admin,
            &case,
            &[
                ("type", "application_reviewed"),
                ("date", "2026-03-02"),
                ("result", "accepted"),
            ],
        )
        .await;
        enter(
            &mut admin,
            &case,
            &[
                ("type", "contract_signed"),
                ("date", "2026-03-02"),
                ("file", "HT-2026-001"),
            ],
        )
        .await;
        let r = admin
            .get(&format!("{case}/events/new?type=audit_planned"))
            .await;
        assert!(
            r.body.contains("auditor@b1.test · 审核员"),
            "{bk}: staff offered"
        );
        enter(
            &mut admin,
            &case,
            &[
                ("type", "audit_planned"),
                ("date", "2026-03-02"),
                ("audit", "S1"),
                ("kind", "stage1"),
                ("start", "2026-03-09"),
                ("end", "2026-03-09"),
                ("team_person_0", &auditor_id),
                ("team_role_0", "leader"),
                ("days", "1"),
            ],
        )
        .await;
        // the client confirms the plan (8.1.4.2), offered in its form
        let r = ent
            .get(&format!("{case}/events/new?type=plan_confirmed"))
            .await;
        assert!(r.body.contains("<option value=\"S1\">"), "{bk}: {}", r.body);
        enter(
            &mut ent,
            &case,
            &[
                ("type", "plan_confirmed"),
                ("date", "2026-03-02"),
                ("audit", "S1"),
            ],
        )
        .await;

        // stage 2 before stage 1 is done, and without a leader: refused with both clauses,
        // the form keeps what was typed
        let r = admin
            .post(
                &format!("{case}/events"),
                &[
                    ("type", "audit_planned"),
                    ("date", "2026-03-02"),
                    ("audit", "S2"),
                    ("kind", "stage2"),
                    ("start", "2026-03-16"),
                    ("end", "2026-03-17"),
                    ("team_person_0", &auditor_id),
                    ("team_role_0", "auditor"),
                    ("days", "2"),
                    ("days_reason", "抽样场所少，经机构批准"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("不符合认证规则，未作记录"), "{bk}");
        assert!(
            r.body.contains("<b>8.1.5.1</b>") && r.body.contains("<b>8.1.4.1</b>"),
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("第一阶段审核尚未完成"), "{bk}");
        assert!(
            r.body.contains("value=\"抽样场所少，经机构批准\""),
            "{bk}: reason kept"
        );
        assert!(
            r.body.contains("<option value=\"stage2\" selected>"),
            "{bk}: kind kept"
        );

        // a week later the auditor completes stage 1, the admin plans stage 2
        clock.set(day(2026, 3, 9));
        let mut auditor = app.browser();
        auditor.login("auditor@b1.test", PW).await;
        let r = auditor
            .get(&format!("{case}/events/new?type=audit_completed"))
            .await;
        assert!(
            r.body.contains("<option value=\"S1\">"),
            "{bk}: open audits offered"
        );
        enter(
            &mut auditor,
            &case,
            &[
                ("type", "audit_completed"),
                ("date", "2026-03-09"),
                ("audit", "S1"),
                ("last_day", "2026-03-09"),
            ],
        )
        .await;
        enter(
            &mut admin,
            &case,
            &[
                ("type", "audit_planned"),
                ("date", "2026-03-09"),
                ("audit", "S2"),
                ("kind", "stage2"),
                ("start", "2026-03-16"),
                ("end", "2026-03-17"),
                ("team_person_0", &auditor_id),
                ("team_role_0", "leader"),
                ("days", "2"),
                ("days_reason", "抽样场所少，经机构批准"),
                ("site_0", "总部"),
                ("site_1", "项目部"),
            ],
        )
        .await;
        enter(
            &mut ent,
            &case,
            &[
                ("type", "plan_confirmed"),
                ("date", "2026-03-09"),
                ("audit", "S2"),
            ],
        )
        .await;
        let r = admin.get(&case).await;
        assert!(
            r.body.contains("按附录A（I-8）计算的审核时间")
                && r.body.contains("（第一、二阶段合计 3）"),
            "{bk}"
        );
        assert!(r.body.contains("审核时间的计算过程"), "{bk}: trace");
        assert!(
            r.body.contains("auditor@b1.test（审核组长）"),
            "{bk}: team by name"
        );

        // stage 2 ends with a minor finding
        clock.set(day(2026, 3, 17));
        enter(
            &mut auditor,
            &case,
            &[
                ("type", "audit_completed"),
                ("date", "2026-03-17"),
                ("audit", "S2"),
                ("last_day", "2026-03-17"),
                ("finding_id_0", "NC1"),
                ("finding_severity_0", "minor"),
                ("finding_text_0", "内部审核记录不完整"),
                ("recommendation", "after_corrections"),
                ("conclusion", "体系运行基本有效"),
            ],
        )
        .await;
        let r = auditor.get(&case).await;
        assert!(
            r.body.contains("不符合项关闭后推荐通过（保持）认证")
                && r.body.contains("体系运行基本有效"),
            "{bk}: the report's items"
        );
        assert!(r.body.contains("已确认"), "{bk}: plan confirmation shown");

        // the decider: the minor finding's plan is not accepted, so no grant
        let mut decider = app.browser();
        decider.login("decider@b1.test", PW).await;
        let r = decider.get(&case).await;
        assert!(
            r.body.contains(&format!("{case}/decide?audit=S2")),
            "{bk}: decide link"
        );
        let decide = format!("{case}/decide?audit=S2");
        let r = decider.get(&decide).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(
            r.body.contains("✗") && r.body.contains("计划尚未接受：NC1"),
            "{bk}: {}",
            r.body
        );
        assert!(
            r.body.contains("<button disabled>授予认证</button>"),
            "{bk}: grant disabled"
        );
        let r = decider
            .post(
                &format!("{case}/decide"),
                &[("audit", "S2"), ("result", "grant"), ("date", "2026-03-17")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("<b>8.1.7 1)–4)</b>"), "{bk}: clause shown");

        // the due page lists the correction, overdue a month later
        let r = admin.get("/due").await;
        assert!(
            r.body.contains("不符合项纠正") && r.body.contains("NC1"),
            "{bk}: {}",
            r.body
        );
        assert!(r.body.contains("Enterprise A"), "{bk}");
        let r = admin.get("/due?as_of=2026-04-20").await;
        assert!(r.body.contains("已逾期"), "{bk}: overdue on a later day");

        // the enterprise submits its plan, the auditor accepts it
        clock.set(day(2026, 3, 20));
        enter(
            &mut ent,
            &case,
            &[
                ("type", "correction_submitted"),
                ("date", "2026-03-20"),
                ("finding", "NC1"),
                ("kind", "plan"),
            ],
        )
        .await;
        enter(
            &mut auditor,
            &case,
            &[
                ("type", "correction_accepted"),
                ("date", "2026-03-20"),
                ("finding", "NC1"),
            ],
        )
        .await;

        // every condition holds: the decider grants and the certificate is issued
        let r = decider.get(&decide).await;
        assert!(!r.body.contains("✗"), "{bk}: {}", r.body);
        assert!(r.body.contains("<button>授予认证</button>"), "{bk}");
        let r = decider
            .post(
                &format!("{case}/decide"),
                &[("audit", "S2"), ("result", "grant"), ("date", "2026-03-20")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        let r = decider.get(&r.location()).await;
        assert!(
            r.body
                .contains("已颁发认证证书，证书编号 <b>EEPC-2026-00001</b>"),
            "{bk}: {}",
            r.body
        );
        // the certificate names its holder, sites, standard and issuer (Annex C)
        assert!(
            r.body.contains("获证组织")
                && r.body.contains("Enterprise A")
                && r.body.contains("履约能力评价体系认证实施细则")
                && r.body.contains("证书覆盖的场所")
                && r.body.contains("Body One"),
            "{bk}"
        );
        // the programme of the cycle: the first surveillance within 12 months of issue
        assert!(r.body.contains("审核方案（本认证周期）"), "{bk}");
        assert!(
            r.body.contains("第一次监督审核") && r.body.contains("2026-03-20 — 2027-03-20"),
            "{bk}"
        );
        assert!(r.body.contains("获证"), "{bk}");
        let r = ent.get("/cases").await;
        assert!(
            r.body.contains("EEPC-2026-00001") && r.body.contains("2029-03-19"),
            "{bk}: {}",
            r.body
        );

        // in English
        ent.get("/lang/en?back=/").await;
        let r = ent.get(&case).await;
        assert!(
            r.body.contains("Certificate") && r.body.contains("certified"),
            "{bk}"
        );
        ent.get("/lang/zh?back=/").await;

        // the state on an earlier day
        let r = ent.get(&format!("{case}?as_of=2026-03-05")).await;
        assert!(
            r.body.contains("<b>审核中</b>") && r.body.contains("尚未颁发证书"),
            "{bk}"
        );
        assert!(r.body.contains("晚于查看日期"), "{bk}");

        // export; deletion refused by clause 10 with the first possible day
        let r = admin.get(&format!("{case}/export.jsonl")).await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        assert!(r.content_type().starts_with("text/plain"), "{bk}");
        assert!(
            r.body.contains("\"case\":\"certification\"") && r.body.contains("certificate_issued"),
            "{bk}"
        );
        let r = admin.post(&format!("{case}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(
            r.body.contains("<b>10</b>") && r.body.contains("起方可删除"),
            "{bk}: {}",
            r.body
        );

        // another body's admin sees nothing of it
        let mut tx = app.state.store.begin().await.unwrap();
        let hash = tianping_app::accounts::hash_password(PW).unwrap();
        repo::create_user(
            &mut tx,
            &NewUser {
                email: "admin@b2.test",
                name: "Admin Two",
                password_hash: &hash,
                role: "body_admin".parse().unwrap(),
                org_id: Some(f.body2_id),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut other = app.browser();
        other.login("admin@b2.test", PW).await;
        for p in [
            case.clone(),
            decide.clone(),
            format!("{case}/export.jsonl"),
            format!("{case}/events/new?type=contract_signed"),
        ] {
            assert_eq!(
                other.get(&p).await.status,
                StatusCode::NOT_FOUND,
                "{bk} {p}"
            );
        }
        let r = other
            .post(
                &format!("{case}/events"),
                &[("type", "contract_signed"), ("date", "2026-03-20")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bk}");
        assert!(
            !other.get("/cases").await.body.contains("Enterprise A"),
            "{bk}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn an_imported_history_lists_its_violations() {
    let clock = Arc::new(FixedClock::new(day(2026, 3, 2)));
    let links = regex::Regex::new(r#"href="/cases/\d+""#).unwrap();
    for app in apps_with(clock.clone(), |_| {}).await {
        let bk = app.backend;
        let f = fixture(&app).await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin.get("/cases/import").await;
        assert_eq!(r.status, StatusCode::OK, "{bk}");
        let history = concat!(
            "{\"case\":\"certification\"}\n",
            "{\"type\":\"application_received\",\"date\":\"2025-01-10\",\"headcount\":50,\"scope\":\"物业服务\"}\n",
            "{\"type\":\"contract_signed\",\"date\":\"2025-01-20\"}\n",
        );
        let ent = f.ent_a.to_string();
        let r = admin
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent)],
                "a.jsonl",
                history.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{bk}: {}", r.body);
        assert!(r.body.contains("已导入 2 个事件"), "{bk}: {}", r.body);
        assert!(
            r.body.contains("contract_needs_acceptance") && r.body.contains("8.1.2.3"),
            "{bk}"
        );
        // a malformed file names its line and imports nothing
        let r = admin
            .upload_with(
                "/cases/import",
                &[("enterprise", &ent)],
                "b.jsonl",
                b"{\"case\":\"certification\"}\n{oops\n",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bk}");
        assert!(r.body.contains("第 2 行"), "{bk}: {}", r.body);
        let r = admin.get("/cases").await;
        assert_eq!(links.find_iter(&r.body).count(), 1, "{bk}: one case");
        // the enterprise may not import
        let mut a = app.browser();
        a.login("a@a.test", PW).await;
        assert_eq!(
            a.get("/cases/import").await.status,
            StatusCode::FORBIDDEN,
            "{bk}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_body_admin_sets_the_certificate_number_pattern_on_the_cases_page() {
    for app in apps().await {
        let bk = app.backend;
        let _f = fixture(&app).await;
        let mut admin = app.browser();
        admin.login("admin@b1.test", PW).await;
        let r = admin.get("/cases").await;
        assert!(
            r.body.contains("证书编号规则") && r.body.contains("EEPC-{year}-{seq:5}"),
            "{bk}"
        );
        // a pattern that could repeat numbers: the form comes back with the typed value
        let r = admin
            .post("/cases/pattern", &[("pattern", "ZH-{year}")])
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bk}: {}",
            r.body
        );
        assert!(
            r.body.contains("{seq}") && r.body.contains("value=\"ZH-{year}\""),
            "{bk}"
        );
        let r = admin
            .post("/cases/pattern", &[("pattern", "ZH-{seq:3}")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bk}: {}", r.body);
        let r = admin.get(&r.location()).await;
        assert!(
            r.body.contains("证书编号规则已保存") && r.body.contains("ZH-001"),
            "{bk}"
        );
        // an auditor sees no such form; posting is refused
        let mut auditor = app.browser();
        auditor.login("auditor@b1.test", PW).await;
        assert!(
            !auditor.get("/cases").await.body.contains("证书编号规则"),
            "{bk}"
        );
        let r = auditor
            .post("/cases/pattern", &[("pattern", "A-{seq}")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bk}");
        app.cleanup().await;
    }
}
