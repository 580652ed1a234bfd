//! 公示公告, the public pages and API (issue 10), on SQLite and PostgreSQL: capability and
//! star cases are made through the store with the `PublicView` their events publish
//! (replayed by `tianping-case`, as the app writes it), and an anonymous visitor reads the
//! lists on a fixed today (2026-11-25): an open publicity and one awaiting confirmation, the
//! grade in force but not the expired or revoked ones, the revocation and lowering notices,
//! stars held but not while blacklisted, the blacklist without the lifted entry; searches by
//! name and credit code; no person's name anywhere; 404 for an unknown id; the rate limit.

mod common;

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::Value;
use tianping_app::FixedClock;
use tianping_calc::calendar::Calendar;
use tianping_case::{capability, public, stars, CaseKind, Header};
use tianping_domain::{OrgKind, Role};
use tianping_store::repo::{self, EnterpriseFields, NewUser};

const TODAY: &str = "2026-11-25";

/// Who acted in the histories: none of them may appear on a public page.
const PEOPLE: &[&str] = &[
    "李四决定",
    "专家王五",
    "专家赵六",
    "专家钱七",
    "专家孙八",
    "专家周九",
    "专家吴十",
    "赵异议人",
    "张评价",
];

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

async fn apps() -> Vec<common::App> {
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap();
    common::apps_with(Arc::new(FixedClock::new(at)), |_| {}).await
}

fn events<T: serde::de::DeserializeOwned>(lines: &[String]) -> Vec<T> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// A capability history up to the publicity started on `start` (a Monday), round-1 panel of
/// three named experts and an objection raised by a named person when `objection`.
fn cap_until_publicity(year: i32, start: &str, score: f64, objection: bool) -> Vec<String> {
    let mut v = vec![
        format!(r#"{{"type":"application_received","date":"{year}-01-05"}}"#),
        format!(
            r#"{{"type":"application_reviewed","date":"{year}-01-07","result":"accepted","by":"李四决定"}}"#
        ),
        format!(r#"{{"type":"verification_done","date":"{year}-01-09","by":"李四决定"}}"#),
        format!(
            r#"{{"type":"panel_formed","date":"{year}-01-12","members":["专家王五","专家赵六","专家钱七"],"round":1}}"#
        ),
        format!(r#"{{"type":"evaluation_completed","date":"{year}-02-02","score":{score}}}"#),
        format!(r#"{{"type":"publicity_started","date":"{start}"}}"#),
    ];
    if objection {
        let d = NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap() + chrono::Days::new(2);
        v.push(format!(
            r#"{{"type":"objection_received","date":"{d}","id":"O-1","from":"赵异议人"}}"#
        ));
    }
    v
}

fn capability_view(lines: &[String]) -> public::PublicView {
    let cal = Calendar::builtin();
    let ctx = capability::Context { calendar: &cal };
    let o = capability::replay(
        &Header::new(CaseKind::Capability),
        &events(lines),
        today(),
        ctx,
    );
    assert!(o.violations.is_empty(), "{:?}", o.violations);
    public::capability(&o.case)
}

fn stars_view(lines: &[String]) -> public::PublicView {
    let o = stars::replay(&Header::new(CaseKind::Stars), &events(lines), today());
    assert!(o.violations.is_empty(), "{:?}", o.violations);
    public::stars(&o.case)
}

fn ev(date: &str, body: &str) -> String {
    format!(r#"{{"date":"{date}",{body}}}"#)
}

/// One star award: online first application with 1★, awarded on `date`.
fn starred(date: &str) -> Vec<String> {
    vec![
        ev("2025-03-01", r#""type":"star_applied","mode":"online""#),
        ev(
            "2025-03-10",
            r#""type":"star_result","mode":"online","stars":1"#,
        ),
        ev(date, r#""type":"star_awarded","stars":1,"by":"李四决定""#),
    ]
}

struct Seeded {
    open: i64,
    ended: i64,
    graded: i64,
    expired: i64,
    revoked: i64,
    overdue: i64,
    dims: i64,
    blacklisted: i64,
}

/// The cases, each for its own enterprise, all of one body.
async fn seed(app: &common::App) -> Seeded {
    let s = &app.state.store;
    let mut tx = s.begin().await.unwrap();
    let org = repo::create_org(&mut tx, OrgKind::Body, "天平评价中心")
        .await
        .unwrap();
    let u = repo::create_user(
        &mut tx,
        &NewUser {
            email: "admin@body.test",
            name: "张评价",
            password_hash: "x",
            role: Role::BodyAdmin,
            org_id: Some(org.id),
            enterprise_id: None,
        },
    )
    .await
    .unwrap();
    let mut n = 0;
    let mut case = |kind: &'static str, name: &'static str, view: public::PublicView| {
        n += 1;
        let uscc = common::uscc(n);
        (kind, name, uscc, view)
    };
    let mut graded = cap_until_publicity(2026, "2026-09-21", 88.5, false);
    graded.push(ev("2026-10-20", r#""type":"confirmed","by":"李四决定""#));
    graded.push(ev("2026-10-23", r#""type":"announced""#));
    let mut expired = cap_until_publicity(2021, "2021-03-01", 75.0, false);
    expired.push(ev("2021-03-23", r#""type":"confirmed","by":"李四决定""#));
    let mut revoked = graded.clone();
    revoked.push(ev(
        "2026-11-02",
        r#""type":"revoked","reason":"fraud","by":"李四决定""#,
    ));
    let mut black = starred("2025-03-12");
    black.push(ev(
        "2026-04-01",
        r#""type":"blacklisted","reason":"拒不接受监督审查","by":"李四决定""#,
    ));
    let mut lifted = starred("2025-03-12");
    lifted.push(ev(
        "2026-04-01",
        r#""type":"blacklisted","reason":"提供虚假材料","by":"李四决定""#,
    ));
    lifted.push(ev(
        "2026-06-01",
        r#""type":"blacklist_lifted","by":"李四决定""#,
    ));
    let mut lowered = starred("2025-03-12");
    lowered.push(ev(
        "2026-02-01",
        r#""type":"supervision_completed","stars":0"#,
    ));
    lowered.push(ev(
        "2026-02-05",
        r#""type":"star_lowered","stars":0,"by":"李四决定","reason":"监督审查结果不足""#,
    ));
    let dims = vec![
        ev("2026-05-01", r#""type":"star_applied","mode":"onsite""#),
        ev(
            "2026-05-08",
            r#""type":"star_result","mode":"onsite","stars":1,"dimension_stars":{"企业信用":2}"#,
        ),
        ev(
            "2026-05-10",
            r#""type":"star_awarded","stars":1,"by":"李四决定","dimension_stars":{"企业信用":2}"#,
        ),
    ];
    let all = vec![
        case(
            "capability",
            "甲 Alpha 智能科技有限公司",
            capability_view(&cap_until_publicity(2026, "2026-11-16", 86.5, true)),
        ),
        case(
            "capability",
            "戊 Epsilon 物流有限公司",
            capability_view(&cap_until_publicity(2026, "2026-10-26", 72.0, false)),
        ),
        case(
            "capability",
            "乙 Beta 制造有限公司",
            capability_view(&graded),
        ),
        case(
            "capability",
            "丙 Gamma 贸易有限公司",
            capability_view(&expired),
        ),
        case(
            "capability",
            "丁 Delta 建设有限公司",
            capability_view(&revoked),
        ),
        case(
            "stars",
            "己 Zeta 服务有限公司",
            stars_view(&starred("2025-03-12")),
        ),
        case("stars", "壬 Iota 软件有限公司", stars_view(&dims)),
        case("stars", "庚 Eta 食品有限公司", stars_view(&black)),
        case("stars", "辛 Theta 电子有限公司", stars_view(&lifted)),
        case("stars", "癸 Kappa 材料有限公司", stars_view(&lowered)),
    ];
    let mut ids = Vec::new();
    for (kind, name, uscc, view) in all {
        let e = repo::create_enterprise(
            &mut tx,
            &EnterpriseFields {
                uscc,
                name: name.into(),
                legal_representative: "法人代表孙某".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let id = tianping_store::cases::create(&mut tx, kind, org.id, e.id, "{}", u.id)
            .await
            .unwrap();
        let json = (!view.is_empty()).then(|| serde_json::to_string(&view).unwrap());
        tianping_store::cases::set_public(&mut tx, id, json.as_deref())
            .await
            .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    Seeded {
        open: ids[0],
        ended: ids[1],
        graded: ids[2],
        expired: ids[3],
        revoked: ids[4],
        overdue: ids[5],
        dims: ids[6],
        blacklisted: ids[7],
    }
}

fn no_person(what: &str, body: &str) {
    for p in PEOPLE.iter().chain(&["法人代表孙某"]) {
        assert!(!body.contains(p), "{what} names {p}");
    }
}

/// The rows of a list's table (`tbody tr`), as text with the tags taken out.
fn rows(body: &str) -> Vec<String> {
    let Some(start) = body.find("<tbody>") else {
        return Vec::new();
    };
    let end = body[start..].find("</tbody>").unwrap() + start;
    let tags = regex::Regex::new(r"<[^>]+>").unwrap();
    body[start..end]
        .split("<tr>")
        .skip(1)
        .map(|r| {
            tags.replace_all(r, " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test]
async fn the_public_lists_show_what_is_in_force_today_and_no_person() {
    for app in apps().await {
        let b = app.backend;
        let ids = seed(&app).await;
        let mut v = app.browser().from("198.51.100.1");

        let r = v.get("/public/publicity").await;
        assert_eq!(r.status, 200, "{b}");
        let rs = rows(&r.body);
        assert_eq!(rs.len(), 2, "{b}: {rs:?}");
        assert!(
            rs[0].starts_with("甲 Alpha") && rs[0].contains("公示中"),
            "{b}: {rs:?}"
        );
        assert!(
            rs[0].contains("86.5") && rs[0].contains("一级"),
            "{}",
            rs[0]
        );
        assert!(rs[0].contains("2026-11-16 至 2026-12-07"), "{}", rs[0]);
        assert!(rs[0].contains("天平评价中心"), "the body on each row");
        assert!(r
            .body
            .contains(&format!("href=\"/public/publicity/{}\"", ids.open)));
        assert!(
            rs[1].starts_with("戊 Epsilon") && rs[1].contains("公示期满，待确认"),
            "{rs:?}"
        );
        assert!(r.body.contains(&format!("/public/publicity/{}", ids.ended)));
        no_person("the publicity list", &r.body);

        let r = v.get("/public/grades").await;
        let rs = rows(&r.body);
        assert_eq!(rs.len(), 1, "{b}: expired and revoked not listed: {rs:?}");
        assert!(rs[0].starts_with("乙 Beta"), "{rs:?}");
        for x in [
            "一级",
            "88.5",
            "2026-10-20",
            "2031-10-19",
            &common::uscc(3),
            "天平评价中心",
        ] {
            assert!(rs[0].contains(x), "{b}: {x} in {}", rs[0]);
        }
        assert!(!r.body.contains("丙 Gamma") && !r.body.contains("丁 Delta"));
        no_person("the register", &r.body);

        let r = v.get("/public/announcements").await;
        let rs = rows(&r.body);
        assert_eq!(rs.len(), 2, "{b}: {rs:?}");
        assert!(rs.iter().all(|r| r.contains("2026-10-23")), "{rs:?}");
        assert!(
            rs.iter().any(|r| r.starts_with("乙 Beta"))
                && rs.iter().any(|r| r.starts_with("丁 Delta"))
        );
        no_person("the announcements", &r.body);

        let r = v.get("/public/notices").await;
        let rs = rows(&r.body);
        assert_eq!(rs.len(), 2, "{b}: {rs:?}");
        assert!(
            rs[0].starts_with("丁 Delta") && rs[0].contains("2026-11-02"),
            "{rs:?}"
        );
        assert!(
            rs[0].contains("撤销等级公告") && rs[0].contains("撤销原评价报告"),
            "{}",
            rs[0]
        );
        assert!(
            rs[1].starts_with("癸 Kappa") && rs[1].contains("降低星级公告"),
            "{rs:?}"
        );
        no_person("the notices", &r.body);

        let r = v.get("/public/stars").await;
        let rs = rows(&r.body);
        assert_eq!(
            rs.len(),
            2,
            "{b}: no blacklisted, lowered or lifted: {rs:?}"
        );
        assert!(
            rs[0].starts_with("壬 Iota") && rs[0].contains("企业信用 二星级"),
            "{rs:?}"
        );
        assert!(
            rs[0].contains("2027-05-10") && !rs[0].contains("已逾期"),
            "{}",
            rs[0]
        );
        assert!(
            rs[1].starts_with("己 Zeta") && rs[1].contains("一星级"),
            "{rs:?}"
        );
        assert!(
            rs[1].contains("2026-03-12") && rs[1].contains("已逾期"),
            "{}",
            rs[1]
        );
        no_person("the star register", &r.body);

        let r = v.get("/public/blacklist").await;
        let rs = rows(&r.body);
        assert_eq!(rs.len(), 1, "{b}: the lifted entry is gone: {rs:?}");
        assert!(
            rs[0].starts_with("庚 Eta") && rs[0].contains("2026-04-01"),
            "{rs:?}"
        );
        assert!(rs[0].contains("拒不接受监督审查"), "{}", rs[0]);
        assert!(!r.body.contains("辛 Theta") && !r.body.contains("提供虚假材料"));
        no_person("the blacklist", &r.body);

        let r = v.get("/public").await;
        assert_eq!(r.status, 200);
        for p in [
            "/public/publicity",
            "/public/announcements",
            "/public/grades",
            "/public/stars",
            "/public/blacklist",
            "/public/notices",
        ] {
            assert!(
                r.body.contains(&format!("href=\"{p}\"")),
                "{b}: the index links {p}"
            );
        }
        assert!(r.body.contains("name=\"q\""), "a search box");

        // the API gives the same lists, and no person either
        let api = app.api("").from("198.51.100.11");
        for (path, n) in [
            ("publicity", 2),
            ("announcements", 2),
            ("grades", 1),
            ("stars", 2),
            ("blacklist", 1),
            ("notices", 2),
        ] {
            let r = api.get(&format!("/public/{path}")).await;
            assert_eq!(r.status, 200, "{b}: {path}: {}", r.body);
            let j = r.json();
            assert_eq!(j["items"].as_array().unwrap().len(), n, "{b}: {path}: {j}");
            assert_eq!(j["today"], TODAY);
            no_person(path, &r.body);
        }
        let j = api.get("/public/grades").await.json();
        let g = &j["items"][0];
        assert_eq!(
            (
                g["case_id"].as_i64(),
                g["grade"].as_str(),
                g["valid_until"].as_str()
            ),
            (Some(ids.graded), Some("一级"), Some("2031-10-19"))
        );
        assert_eq!(g["body"], "天平评价中心");
        let j = api.get("/public/publicity").await.json();
        assert_eq!(j["items"][0]["status"], "open");
        assert_eq!(j["items"][0]["objections"], 1);
        assert_eq!(j["items"][1]["status"], "awaiting_confirmation");
        let j = api.get("/public/stars").await.json();
        assert_eq!(j["items"][0]["dimension_stars"][0]["dimension"], "企业信用");
        assert_eq!(j["items"][1]["supervision_overdue"], true);
        assert_eq!(j["items"][1]["case_id"].as_i64(), Some(ids.overdue));
        let _ = ids.dims;
        let j = api.get("/public/blacklist").await.json();
        assert_eq!(j["items"][0]["case_id"].as_i64(), Some(ids.blacklisted));
        assert_eq!(j["items"][0]["reason"], "拒不接受监督审查");
        let j = api.get("/public/notices").await.json();
        assert_eq!(j["items"][0]["kind"], "revocation");
        assert_eq!(j["items"][0]["case_id"].as_i64(), Some(ids.revoked));

        // one publicity by id; anything else is not found
        let r = api.get(&format!("/public/publicity/{}", ids.open)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["end"], "2026-12-07");
        for bad in [
            format!("{}", ids.graded),
            format!("{}", ids.expired),
            format!("{}", ids.blacklisted),
            "999999".to_string(),
            "abc".to_string(),
        ] {
            let r = api.get(&format!("/public/publicity/{bad}")).await;
            assert_eq!(r.status, 404, "{b}: {bad}: {}", r.body);
            assert!(r.content_type().starts_with("application/problem+json"));
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_lists_are_searched_by_name_or_credit_code() {
    for app in apps().await {
        let b = app.backend;
        seed(&app).await;
        let mut v = app.browser().from("198.51.100.2");
        let names = |body: &str| -> Vec<String> {
            rows(body)
                .iter()
                .map(|r| r.split(' ').next().unwrap_or("").to_string())
                .collect()
        };
        let r = v.get("/public/stars?q=%E5%A3%AC").await; // 壬
        assert_eq!(names(&r.body), ["壬"], "{b}");
        assert!(
            r.body.contains("value=\"壬\""),
            "the search is kept in the box"
        );
        let r = v.get("/public/stars?q=zeta").await;
        assert_eq!(names(&r.body), ["己"], "{b}: Latin letters in either case");
        let code = common::uscc(8); // 庚
        let r = v.get(&format!("/public/blacklist?q={code}")).await;
        assert_eq!(names(&r.body), ["庚"], "{b}: the whole code");
        let r = v
            .get(&format!(
                "/public/blacklist?q={}",
                code[..12].to_lowercase()
            ))
            .await;
        assert_eq!(names(&r.body), ["庚"], "{b}: the code's start, either case");
        let r = v.get(&format!("/public/blacklist?q={}", &code[4..])).await;
        assert!(names(&r.body).is_empty(), "{b}: not the code's middle");
        assert!(
            r.body.contains("没有与“") && r.body.contains("暂无列入黑名单的企业"),
            "{b}: the empty list in words"
        );
        let r = v.get("/public/grades?q=%20%20Beta%20").await;
        assert_eq!(names(&r.body), ["乙"], "{b}: trimmed");

        // the index searches every list
        let r = v.get("/public?q=Delta").await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("撤销等级公告") && r.body.contains("丁 Delta"),
            "{b}"
        );
        assert!(
            r.body.contains("暂无有效的企业能力等级"),
            "{b}: revoked: not in the register"
        );
        no_person("the index's search", &r.body);
        let r = v.get("/public?q=%E6%9C%89%E9%99%90").await; // 有限: every enterprise
        no_person("the index's search of every list", &r.body);
        assert!(r.body.contains("拒不接受监督审查") && r.body.contains("2031-10-19"));

        let api = app.api("").from("198.51.100.2");
        let j: Value = api.get("/public/stars?q=IOTA").await.json();
        assert_eq!(j["q"], "IOTA");
        assert_eq!(j["items"].as_array().unwrap().len(), 1, "{b}: {j}");
        let r = api.get("/public/stars?q=a&q=b").await;
        assert_eq!(r.status, 422, "{b}: a search given twice");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn empty_lists_say_so_and_the_pages_are_linked_for_everyone() {
    for app in apps().await {
        let mut v = app.browser().from("198.51.100.3");
        for (path, words) in [
            ("/public/publicity", "暂无公示中的评价结果"),
            ("/public/announcements", "暂无评价结果公告"),
            ("/public/grades", "暂无有效的企业能力等级"),
            ("/public/stars", "暂无星级企业"),
            ("/public/blacklist", "暂无列入黑名单的企业"),
            ("/public/notices", "暂无撤销、降级公告"),
        ] {
            let r = v.get(path).await;
            assert_eq!(r.status, 200, "{path}");
            assert!(r.body.contains(words), "{path}: {}", r.body);
            assert!(!r.body.contains("<table"), "{path}: no empty table");
        }
        let home = v.get("/").await;
        assert!(
            home.body.contains("href=\"/public\""),
            "the home page links the public pages"
        );
        // English on request
        let r = app
            .browser()
            .from("198.51.100.3")
            .header("cookie", "tp_lang=en")
            .get("/public/blacklist")
            .await;
        assert!(r.body.contains("No blacklisted enterprises"), "{}", r.body);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn too_many_requests_from_one_address_are_refused_and_others_go_on() {
    for app in apps().await {
        let b = app.backend;
        let mut a = app.browser().from("203.0.113.7");
        let mut refused = None;
        for i in 0..60 {
            let r = a.get("/public").await;
            if r.status == 429 {
                refused = Some((i, r));
                break;
            }
            assert_eq!(r.status, 200, "{b}");
        }
        let (i, r) = refused.expect("refused within 60 requests");
        assert!(i >= 30, "{b}: a burst of 30 is allowed, refused at {i}");
        let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(
            r.body.contains("请求过于频繁") && r.body.contains("秒后再试"),
            "{}",
            r.body
        );
        assert!(r.content_type().starts_with("text/html"));
        // the API from the same address is refused too, as a problem
        let api = app.api("").from("203.0.113.7");
        let r = api.get("/public/grades").await;
        assert_eq!(r.status, 429, "{b}");
        assert!(r.headers.contains_key("retry-after"));
        assert!(r.json()["detail"].as_str().unwrap().contains("秒后再试"));
        // another address is not affected, nor are the other pages
        let r = app.browser().from("203.0.113.8").get("/public").await;
        assert_eq!(r.status, 200, "{b}");
        let r = a.get("/login").await;
        assert_eq!(r.status, 200, "{b}: only the public paths are limited");
        // POSTs (the objection form under /public/publicity/{id}) are counted apart, and more
        // strictly: 10 a minute
        let mut p = app.browser().from("203.0.113.9");
        let mut posts = 0;
        loop {
            let r = p
                .post("/public/publicity/1/objections", &[("name", "x")])
                .await;
            if r.status == 429 {
                assert!(r.headers.contains_key("retry-after"));
                assert!(r.body.contains("每分钟最多提交 10 次"), "{}", r.body);
                break;
            }
            posts += 1;
            assert!(posts <= 20, "{b}: POSTs never refused");
        }
        assert!(posts >= 10, "{b}: refused after {posts} POSTs");
        assert_eq!(
            p.get("/public").await.status,
            200,
            "{b}: reads are counted apart"
        );
        app.cleanup().await;
    }
}
