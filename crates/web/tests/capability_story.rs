//! A capability evaluation from application to revocation (seed 004 §6, §9; I-18), on every
//! database, with fixed dates on an injected clock: the enterprise applies, the body accepts,
//! verifies, forms a panel from its expert pool (a conflicted and a non-pool member refused),
//! links the on-site assessment and completes the evaluation with its score, starts the
//! publicity; anonymous objections on the public page (confirmation, throttle, who sees the
//! contact), a round-2 panel, rulings, confirmation after the end, announcement, revocation
//! in the public view, a late objection and a re-application inside 2 years refused.

mod common;

#[path = "common/pdf.rs"]
mod pdf;

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{Days, NaiveDate, TimeZone, Utc};
use common::*;
use tianping_app::capability_cases::{
    self as uc, ReviewResult, RevocationReason, Round, RulingResult,
};
use tianping_app::capability_objections::{self as objs, ObjectionInput};
use tianping_app::domain::people::{ConflictInput, ExpertField};
use tianping_app::{Error, FixedClock};
use tianping_case::capability::{Event, EventKind, Score};
use tianping_store::repo::{self, NewUser, User};

fn on(clock: &FixedClock, d: NaiveDate) {
    clock.set(Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).unwrap()));
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn user(app: &App, email: &str) -> User {
    repo::user_by_email(&app.state.store, email)
        .await
        .unwrap()
        .unwrap()
}

fn ev(date: NaiveDate, kind: EventKind) -> Event {
    Event { date, kind }
}

fn refused_rules(e: Error) -> Vec<String> {
    match e {
        Error::Refused(r) => r.into_iter().map(|x| x.message.zh).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_capability_evaluation_from_application_to_revocation() {
    let clock = Arc::new(FixedClock::new(Utc::now()));
    for app in apps_with(clock.clone(), |_| {}).await {
        let f = fixture(&app).await;
        let st = &app.state;
        on(&clock, day("2026-03-02"));
        // the expert pool: e1..e7 (e4 conflicted with the enterprise), and the auditor outside
        let hash = tianping_app::accounts::hash_password("x-unused-pw-123").unwrap();
        let mut tx = st.store.begin().await.unwrap();
        for n in 1..=7 {
            repo::create_user(
                &mut tx,
                &NewUser {
                    email: &format!("e{n}@b1.test"),
                    name: &format!("专家{n}"),
                    password_hash: &hash,
                    role: "expert".parse().unwrap(),
                    org_id: Some(f.body_id),
                    enterprise_id: None,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let admin = user(&app, "admin@b1.test").await;
        let decider = user(&app, "decider@b1.test").await;
        let ent = user(&app, "a@a.test").await;
        let auditor = user(&app, "auditor@b1.test").await;
        let mut e = Vec::new();
        for n in 1..=7 {
            let u = user(&app, &format!("e{n}@b1.test")).await;
            objs::set_expert_fields(
                st,
                &admin,
                u.id,
                &[ExpertField::Industry, ExpertField::Culture],
            )
            .await
            .unwrap();
            e.push(u.id.to_string());
        }
        tianping_app::people::declare_conflict(
            st,
            &admin,
            e[3].parse().unwrap(),
            &ConflictInput {
                enterprise_id: f.ent_a.to_string(),
                reason: "2年内为其提供咨询".into(),
                until: String::new(),
            },
        )
        .await
        .unwrap();
        // the enterprise sees only its fields' text? no: experts' fields are the body's
        assert!(objs::expert_fields(st, &ent, f.body_id).await.is_err());

        // application and its answer
        let case = uc::apply(st, &ent, f.body_id).await.unwrap();
        let list = tianping_app::cases::list(st, &admin).await.unwrap();
        assert!(list.iter().any(|c| c.id == case && c.kind == "capability"));
        let d = |s: &str| {
            let c = clock.clone();
            let x = day(s);
            on(&c, x);
            x
        };
        let t = d("2026-03-02");
        assert!(matches!(
            uc::append(
                st,
                &ent,
                case,
                ev(
                    t,
                    EventKind::VerificationDone {
                        by: None,
                        registration: Some("营业执照".into()),
                        licences: Some("无需许可".into()),
                    }
                )
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        uc::append(
            st,
            &admin,
            case,
            ev(
                t,
                EventKind::ApplicationReviewed {
                    result: ReviewResult::Accepted,
                    reason: None,
                    by: None,
                },
            ),
        )
        .await
        .unwrap();
        let t = d("2026-03-03");
        let t_admin = token(&app, "admin@b1.test").await;
        // 6.2: the verification records the legal registration and the licences
        let r = app
            .api(&t_admin)
            .post(
                &format!("/capability-cases/{case}/events"),
                serde_json::json!({"type": "verification_done", "date": t.to_string()}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("registration") && r.body.contains("licences"),
            "{}",
            r.body
        );
        let r = app
            .api(&t_admin)
            .post(
                &format!("/capability-cases/{case}/events"),
                serde_json::json!({"type": "verification_done", "date": t.to_string(),
                    "registration": "营业执照（统一社会信用代码已在国家企业信用信息公示系统核实，存续）",
                    "licences": "无需行政许可"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["state"], "in_evaluation");
        // a panel with a conflicted member, then with one outside the pool: refused
        let t = d("2026-03-04");
        let panel = |m: &[&String], round| EventKind::PanelFormed {
            members: m.iter().map(|s| s.to_string()).collect(),
            round,
        };
        let r = uc::append(
            st,
            &admin,
            case,
            ev(t, panel(&[&e[0], &e[1], &e[3]], Round::First)),
        )
        .await;
        assert!(
            matches!(&r, Err(Error::Invalid(v)) if v[0].message.zh.contains("利益冲突")),
            "{r:?}"
        );
        let aud = auditor.id.to_string();
        let r = uc::append(
            st,
            &admin,
            case,
            ev(t, panel(&[&e[0], &e[1], &aud], Round::First)),
        )
        .await;
        assert!(
            matches!(&r, Err(Error::Invalid(v)) if v[0].message.zh.contains("专家库")),
            "{r:?}"
        );
        uc::append(
            st,
            &admin,
            case,
            ev(t, panel(&[&e[0], &e[1], &e[2]], Round::First)),
        )
        .await
        .unwrap();
        // the on-site assessment, scored, linked: the preliminary score is read from it. One
        // item is answered through the use case (a stored result for the report); the
        // assessment's total is then set as a fully answered one would carry it (answering the
        // whole index is the scheme tests' business, not this story's).
        tianping_app::answers::save(
            st,
            &auditor,
            f.onsite_a,
            &f.other_item,
            &tianping_app::answers::AnswerInput {
                value: serde_json::json!(2),
                note: String::new(),
                source: None,
            },
        )
        .await
        .unwrap();
        tianping_store::sqlx::query("UPDATE assessments SET score = 78.5 WHERE id = $1")
            .bind(f.onsite_a)
            .execute(&st.store.pool)
            .await
            .unwrap();
        assert!(uc::link_evaluation(st, &admin, case, f.self_b)
            .await
            .is_err());
        let t_admin = token(&app, "admin@b1.test").await;
        let r = app
            .api(&t_admin)
            .put(
                &format!("/capability-cases/{case}/evaluation"),
                serde_json::json!({"assessment_id": f.onsite_a}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let t = d("2026-03-10");
        let evaluated = || {
            ev(
                t,
                EventKind::EvaluationCompleted {
                    score: Score::new(99.0).unwrap(),
                    grade: None,
                    suggestions: Some("加强标准化建设".into()),
                },
            )
        };
        // every panel member scores every expert-panel item (7.2.2, I-13); the third has not
        // scored yet: refused, naming the member
        let scheme = st.scheme("t-cic-capability").unwrap();
        let items: Vec<_> = scheme
            .indicators
            .iter()
            .filter(|i| i.expert_panel)
            .collect();
        assert!(!items.is_empty());
        for (k, m) in e[..3].iter().enumerate() {
            let expert = repo::get_user(&st.store, m.parse().unwrap())
                .await
                .unwrap()
                .unwrap();
            for ind in &items {
                tianping_app::answers::assign_expert(
                    st, &auditor, f.onsite_a, &ind.id, expert.id, false,
                )
                .await
                .unwrap();
                if k == 2 && ind.id == items[0].id {
                    continue;
                }
                let score = (ind.points.unwrap_or(0.0) * 0.8 * 2.0).floor() / 2.0;
                let input = tianping_app::answers::AnswerInput {
                    value: serde_json::json!(score),
                    ..Default::default()
                };
                tianping_app::answers::save(st, &expert, f.onsite_a, &ind.id, &input)
                    .await
                    .unwrap();
            }
        }
        let r = uc::append(st, &admin, case, evaluated()).await;
        assert!(
            matches!(&r, Err(Error::Invalid(v)) if v[0].message.zh.contains(&format!("成员 {} 尚未对 1 项", e[2]))),
            "{r:?}"
        );
        let third = repo::get_user(&st.store, e[2].parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        let input = tianping_app::answers::AnswerInput {
            value: serde_json::json!(0),
            ..Default::default()
        };
        tianping_app::answers::save(st, &third, f.onsite_a, &items[0].id, &input)
            .await
            .unwrap();
        tianping_store::sqlx::query("UPDATE assessments SET score = 78.5 WHERE id = $1")
            .bind(f.onsite_a)
            .execute(&st.store.pool)
            .await
            .unwrap();
        uc::append(st, &admin, case, evaluated()).await.unwrap();
        let v = uc::view(st, &admin, case, None).await.unwrap();
        let score = v
            .outcome
            .case
            .application()
            .unwrap()
            .evaluation()
            .unwrap()
            .score;
        assert_eq!(score.value(), 78.5, "{}", app.backend);
        let t = d("2026-03-11");
        uc::append(
            st,
            &admin,
            case,
            ev(
                t,
                EventKind::PublicityStarted {
                    media: Some("机构网站".into()),
                },
            ),
        )
        .await
        .unwrap();
        let end = uc::view(st, &admin, case, None)
            .await
            .unwrap()
            .outcome
            .case
            .application()
            .unwrap()
            .publicity()
            .unwrap()
            .end;

        // the public page exists only for a capability case publishing a publicity
        let mut anon = app.browser().from("203.0.113.7");
        assert_eq!(
            anon.get("/public/publicity/99999").await.status,
            StatusCode::NOT_FOUND
        );
        let cert = tianping_app::cases::open(st, &admin, f.ent_a)
            .await
            .unwrap();
        assert_eq!(
            anon.get(&format!("/public/publicity/{cert}")).await.status,
            StatusCode::NOT_FOUND
        );
        // an anonymous visitor objects on the public page
        let t = d("2026-03-12");
        let r = anon.get(&format!("/public/publicity/{case}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("Enterprise A") && r.body.contains("78.5"),
            "{}",
            r.body
        );
        assert!(r.body.contains(&end.to_string()));
        // errors keep what was typed
        let r = anon
            .post(
                &format!("/public/publicity/{case}/objections"),
                &[
                    ("name", ""),
                    ("contact", "13800000000"),
                    ("text", "评分偏高"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("姓名或单位名称") && r.body.contains("评分偏高"));
        let r = anon
            .post(
                &format!("/public/publicity/{case}/objections"),
                &[
                    ("name", "张三"),
                    ("contact", "13800000000"),
                    ("text", "评分偏高"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = anon.get(&r.location()).await;
        assert!(r.body.contains("已收到您的异议（编号 O-"), "{}", r.body);
        // the enterprise sees the text, not the person; the body sees both
        let seen = objs::objections(st, &ent, case).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].contact, None);
        assert_eq!(seen[0].text, "评分偏高");
        let seen = objs::objections(st, &admin, case).await.unwrap();
        assert_eq!(seen[0].contact.as_deref(), Some("13800000000"));
        let other = user(&app, "auditor@b2.test").await;
        assert!(matches!(
            objs::objections(st, &other, case).await,
            Err(Error::NotFound)
        ));
        let op = user(&app, "operator@p.test").await;
        assert!(matches!(
            objs::objections(st, &op, case).await,
            Err(Error::NotFound)
        ));
        // the enterprise and the body's admins were told of the events
        assert!(kinds(&app, "a@a.test")
            .await
            .iter()
            .any(|k| k == "case_event"));
        assert!(kinds(&app, "admin@b1.test")
            .await
            .iter()
            .any(|k| k == "case_event"));
        // no person in the public view
        let public = tianping_store::objections::public_json(&st.store, case)
            .await
            .unwrap()
            .unwrap();
        assert!(!public.contains("13800000000") && !public.contains("张三"));
        // the public JSON API takes one too; the API's list hides the contact from the enterprise
        let r = app
            .api("")
            .from("192.0.2.50")
            .post(
                &format!("/public/publicity/{case}/objections"),
                serde_json::json!({"name": "王五", "contact": "wang@example.com", "text": "现场评价走过场"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert!(r.json()["id"].as_str().unwrap().starts_with("O-"));
        let t_ent = token(&app, "a@a.test").await;
        let r = app
            .api(&t_ent)
            .get(&format!("/capability-cases/{case}/objections"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()[1]["contact"], serde_json::Value::Null);
        let t_admin = token(&app, "admin@b1.test").await;
        let r = app
            .api(&t_admin)
            .get(&format!("/capability-cases/{case}/objections"))
            .await;
        assert_eq!(r.json()[1]["contact"], "wang@example.com");
        // the throttle: 3 per address per case per day
        let ip: IpAddr = "198.51.100.9".parse().unwrap();
        let o = || ObjectionInput {
            name: "李四".into(),
            contact: "li@example.com".into(),
            text: "材料不实".into(),
        };
        for _ in 0..3 {
            objs::raise_objection(st, case, o(), ip).await.unwrap();
        }
        let r = objs::raise_objection(st, case, o(), ip).await;
        assert!(
            matches!(&r, Err(Error::Throttled(m)) if m.zh.contains("明天")),
            "{r:?}"
        );

        // confirmation is refused while objections are open and before the end
        let r = uc::append(st, &decider, case, ev(t, EventKind::Confirmed { by: None })).await;
        assert!(!refused_rules(r.unwrap_err()).is_empty());
        // round 2: anew, no member of round 1
        let t = d("2026-03-16");
        let r = uc::append(
            st,
            &admin,
            case,
            ev(t, panel(&[&e[0], &e[4], &e[5]], Round::Second)),
        )
        .await;
        assert!(!refused_rules(r.unwrap_err()).is_empty());
        uc::append(
            st,
            &admin,
            case,
            ev(t, panel(&[&e[4], &e[5], &e[6]], Round::Second)),
        )
        .await
        .unwrap();
        let t = d("2026-03-20");
        for _ in 0..5 {
            uc::append(
                st,
                &admin,
                case,
                ev(
                    t,
                    EventKind::ObjectionRuled {
                        result: RulingResult::Dismissed,
                        objection: None,
                        by: None,
                    },
                ),
            )
            .await
            .unwrap();
        }
        // after the end: a late objection is refused naming the end; confirmation goes in
        let after = end.checked_add_days(Days::new(1)).unwrap();
        on(&clock, after);
        let r = objs::raise_objection(st, case, o(), "192.0.2.1".parse().unwrap()).await;
        let msgs = refused_rules(r.unwrap_err());
        assert!(
            msgs.iter().any(|m| m.contains(&end.to_string())),
            "{msgs:?}"
        );
        let r = anon.get(&format!("/public/publicity/{case}")).await;
        assert!(r.body.contains("公示期已结束"));
        uc::append(
            st,
            &decider,
            case,
            ev(after, EventKind::Confirmed { by: None }),
        )
        .await
        .unwrap();
        // the announcement through the case page's form; a second confirmation there is
        // refused with its clause, beside the form
        let mut b = app.browser();
        b.login("admin@b1.test", PW).await;
        b.get(&format!("/cases/{case}")).await;
        let events = format!("/cases/{case}/capability/events");
        let r = b
            .post(
                &events,
                &[
                    ("type", "announced"),
                    ("date", &after.to_string()),
                    ("media", "机构网站"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = b
            .post(
                &events,
                &[("type", "confirmed"), ("date", &after.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("不符合企业能力评价规则") && r.body.contains("依据条款"),
            "{}",
            r.body
        );
        // the body opens cases only for its clients
        let t_admin = token(&app, "admin@b1.test").await;
        let r = app
            .api(&t_admin)
            .post(
                "/capability-cases",
                serde_json::json!({"enterprise_id": f.ent_b}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let v = uc::view(st, &admin, case, None).await.unwrap();
        assert_eq!(v.outcome.state.as_str(), "announced");
        assert_eq!(v.outcome.grade.unwrap().code.code(), "二级");
        // revocation needs its reasons; then it is a public notice
        let rv = |note: Option<&str>| EventKind::Revoked {
            reason: RevocationReason::Fraud,
            note: note.map(str::to_string),
            by: None,
        };
        assert!(matches!(
            uc::append(st, &decider, case, ev(after, rv(None))).await,
            Err(Error::Invalid(_))
        ));
        uc::append(st, &decider, case, ev(after, rv(Some("申报材料弄虚作假"))))
            .await
            .unwrap();
        let public = tianping_store::objections::public_json(&st.store, case)
            .await
            .unwrap()
            .unwrap();
        assert!(public.contains("revoked"), "{public}");
        // a new application inside 2 years names the first possible day
        let r = uc::apply(st, &ent, f.body_id).await;
        let msgs = refused_rules(r.unwrap_err());
        assert!(msgs.iter().any(|m| m.contains("2028-03-02")), "{msgs:?}");
        // the body's case page shows the objection with its contact; the enterprise's not
        let r = b.get(&format!("/cases/{case}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("13800000000") && r.body.contains("企业能力评价"));
        let r = b.get("/cases").await;
        assert!(r.body.contains("企业能力评价"));
        // the evaluation report in the structure of Annex B
        let r = b.get(&format!("/cases/{case}/report")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for part in [
            "综述",
            "特点（优势）",
            "改进和提升的建议",
            "各类别及指标得分",
            "加强标准化建设",
            "78.50",
            "二级",
            "data-chart=\"radar\"",
            "data-chart=\"bands\"",
        ] {
            assert!(r.body.contains(part), "{part}: {}", r.body);
        }
        assert!(!r.body.contains("尚未关联已评分的现场评价"));
        assert!(r
            .body
            .contains(&format!("href=\"/cases/{case}/report.pdf\"")));
        // the same report as PDF, from the page and the API, in Chinese and English
        let pdf = b.get(&format!("/cases/{case}/report.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        let text = pdf::pdf_text(&pdf.bytes);
        for part in [
            "企业能力评价报告",
            "一、综述",
            "二、特点（优势）",
            "三、改进和提升的建议",
            "四、各类别及指标得分",
            "五、评价等级",
            "加强标准化建设",
            "78.50",
            "二级",
            "Body One",
            "引擎版本",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
        let api = app
            .api(&t_admin)
            .get(&format!("/cases/{case}/report.pdf"))
            .await;
        assert_eq!(
            api.bytes, pdf.bytes,
            "page and API give one document, the same bytes"
        );
        let en = b.get(&format!("/cases/{case}/report.pdf?lang=en")).await;
        let text = pdf::pdf_text(&en.bytes);
        assert!(
            text.contains("1. Overview") && text.contains("Grade 2"),
            "{text}"
        );
        let mut other = app.browser();
        other.login("auditor@b2.test", PW).await;
        assert_eq!(
            other.get(&format!("/cases/{case}/report")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get(&format!("/cases/{case}/report.pdf")).await.status,
            StatusCode::NOT_FOUND
        );
        // the expert pool on the body's people page: the admin adds the auditor to it
        let r = b.get(&format!("/admin/orgs/{}/people", f.body_id)).await;
        assert!(
            r.body.contains("专家库") && r.body.contains("专家1"),
            "{}",
            r.body
        );
        let r = b
            .post(
                &format!("/people/{}/expert-fields", auditor.id),
                &[("field", "certification"), ("field", "standardization")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let pool = objs::expert_fields(st, &admin, f.body_id).await.unwrap();
        assert!(pool
            .iter()
            .any(|(id, fs)| *id == auditor.id && fs.len() == 2));
        let mut c = app.browser();
        c.login("a@a.test", PW).await;
        let r = c.get(&format!("/cases/{case}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("评分偏高") && !r.body.contains("13800000000"));
        // the enterprise's application form: inside 2 years, refused naming the day
        c.get("/cases/apply").await;
        let r = c
            .post(
                "/cases/capability/apply",
                &[("org", &f.body_id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("2028-03-02"), "{}", r.body);
        app.cleanup().await;
    }
}
