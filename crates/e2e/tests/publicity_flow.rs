//! The public publicity page of a capability evaluation on a phone (seed 004 6.4, 6.5), in
//! headless Chromium at 390 px: an anonymous visitor opens the page (no sideways scrolling,
//! 44 px taps), raises an objection and sees its number; the body's admin then signs in and
//! sees the objection with its contact on the case page; the case page and the report fit a
//! phone too.
//!
//! Needs Debian's `chromium` and `chromium-driver`, like `browser.rs`.

use std::time::Duration;

use fantoccini::Client;
use tianping_app::capability_cases::{self as uc, Event, EventKind, ReviewResult, Round, Score};
use tianping_app::capability_objections as objs;
use tianping_app::domain::people::ExpertField;
use tianping_e2e::{
    check_phone_page, click, emulate, err, new_state, run, serve, sign_in, start_browser, text_of,
    type_into, Res,
};
use tianping_store::repo::{self, NewUser};

const PW: &str = "Publicity-e2e-9f3k";

async fn steps(c: &Client, base: &str, case: i64) -> Res {
    let path = format!("/public/publicity/{case}");
    check_phone_page(c, base, &path, "publicity").await?;
    emulate(c, 390, 800).await?;
    c.goto(&format!("{base}{path}"))
        .await
        .map_err(err("open"))?;
    type_into(c, "//input[@name='name']", "张三").await?;
    type_into(c, "//input[@name='contact']", "13800000000").await?;
    type_into(
        c,
        "//textarea[@name='text']",
        "初评得分偏高，现场未见相关记录",
    )
    .await?;
    click(c, "//button[contains(., '提交异议')]").await?;
    let shown = text_of(c, "//div[@role='status']").await?;
    if !shown.contains("已收到您的异议（编号 O-") {
        return Err(format!("no confirmation: {shown:?}"));
    }
    c.delete_all_cookies().await.map_err(err("sign out"))?;
    sign_in(c, base, "admin@pub.e2e", PW).await?;
    check_phone_page(c, base, &format!("/cases/{case}"), "capability-case").await?;
    check_phone_page(
        c,
        base,
        &format!("/cases/{case}/report"),
        "capability-report",
    )
    .await?;
    c.goto(&format!("{base}/cases/{case}"))
        .await
        .map_err(err("case page"))?;
    let list = text_of(c, "//ul[contains(@class, 'objections')]").await?;
    if !list.contains("13800000000") || !list.contains("张三") {
        return Err(format!("the body does not see the contact: {list:?}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_objection_on_a_phone_reaches_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let st = new_state(dir.path()).await;
    let hash = tianping_app::accounts::hash_password(PW).unwrap();
    let sys = tianping_app::accounts::bootstrap_sysadmin(&st, "sys@pub.e2e", "Sys", &hash)
        .await
        .unwrap();
    let body = tianping_app::admin::create_org(&st, &sys, "body", "公示评价机构")
        .await
        .unwrap();
    let mut tx = st.store.begin().await.unwrap();
    for (email, role) in [
        ("admin@pub.e2e", "body_admin"),
        ("e1@pub.e2e", "expert"),
        ("e2@pub.e2e", "expert"),
        ("e3@pub.e2e", "expert"),
    ] {
        repo::create_user(
            &mut tx,
            &NewUser {
                email,
                name: email,
                password_hash: &hash,
                role: role.parse().unwrap(),
                org_id: Some(body.id),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let user = |e: &'static str| {
        let st = st.clone();
        async move { repo::user_by_email(&st.store, e).await.unwrap().unwrap() }
    };
    let admin = user("admin@pub.e2e").await;
    let ent = tianping_app::accounts::signup(
        &st,
        &tianping_app::accounts::SignupInput {
            email: "ent@pub.e2e".into(),
            user_name: "企业用户".into(),
            password: PW.into(),
            enterprise: tianping_app::domain::enterprise::EnterpriseInput {
                uscc: "91110101000079193H".into(),
                name: "公示测试企业".into(),
                industry_code: "C3511".into(),
                headcount: "100".into(),
                enterprise_type: "tech-service".into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    let mut members = Vec::new();
    for e in ["e1@pub.e2e", "e2@pub.e2e", "e3@pub.e2e"] {
        let u = user(e).await;
        objs::set_expert_fields(&st, &admin, u.id, &[ExpertField::Industry])
            .await
            .unwrap();
        members.push(u.id.to_string());
    }
    let case = uc::apply(&st, &ent, body.id).await.unwrap();
    let today = st.today();
    for kind in [
        EventKind::ApplicationReviewed {
            result: ReviewResult::Accepted,
            reason: None,
            by: None,
        },
        EventKind::VerificationDone {
            by: None,
            registration: Some("营业执照，登记机关查询为存续".into()),
            licences: Some("无需许可".into()),
        },
        EventKind::PanelFormed {
            members,
            round: Round::First,
        },
        EventKind::EvaluationCompleted {
            score: Score::new(86.5).unwrap(),
            grade: None,
            suggestions: None,
        },
        EventKind::PublicityStarted {
            media: Some("机构网站".into()),
        },
    ] {
        uc::append(&st, &admin, case, Event { date: today, kind })
            .await
            .unwrap();
    }
    let (addr, server) = serve(st).await;
    let profile = tempfile::tempdir().unwrap();
    let (driver, client) = start_browser(profile.path()).await;
    let base = format!("http://{addr}");
    run(
        client.clone(),
        driver,
        Duration::from_secs(180),
        steps(&client, &base, case),
    )
    .await;
    server.abort();
}
