//! The rules file: the shipped one is read whole (17 rules, 15 levels), every rule and every
//! level is exercised by a fold, a broken file is refused naming the rule or level and the
//! field, and a changed file is a new version whose difference is explained rule by rule.

mod common;

use common::*;
use tianping_points::rules::BUILTIN;
use tianping_points::{diff, fold, Counting, Event, Version};

fn from() -> chrono::NaiveDate {
    "2026-01-01".parse().unwrap()
}

#[test]
fn the_shipped_file_is_read_whole() {
    let v = Version::builtin();
    assert_eq!((v.rules.len(), v.levels.len()), (17, 15));
    assert_eq!(v.rules.iter().map(|r| r.points).sum::<i64>(), 193);
    let c = |id: &str| v.rule(id).unwrap().counting;
    assert_eq!(c("company-registration"), Counting::Years);
    assert_eq!(c("company-profile"), Counting::Once);
    assert_eq!(c("company-certificate"), Counting::Subject);
    assert_eq!(c("login-day"), Counting::LoginDay);
    assert_eq!(c("login-streak-10"), Counting::LoginRun(10));
    assert_eq!(c("good-review-enterprise"), Counting::GoodReview);
    assert_eq!(c("comment-person"), Counting::Comment);
    assert_eq!(c("campaign-good-rate"), Counting::Campaign);
    assert_eq!(
        v.rule("campaign-good-rate").unwrap().min_share_ppm,
        Some(700_000)
    );
    assert_eq!(v.rule("company-certificate").unwrap().cap, Some(200));
    assert!(v.rule("follow-person").unwrap().clause.contains("002-P5"));
    assert_eq!(v.id.len(), 12);
}

/// A stream that earns something under every rule of the shipped file.
fn everything() -> Vec<Event> {
    let mut v = vec![
        e("reg", "shop_registered", "2026-01-01 09:00").registered("2020-01-01"),
        e("prof", "profile_completed", "2026-01-01 09:00"),
        e("web", "website_added", "2026-01-01 09:00"),
        e("cert", "certificate_added", "2026-01-01 09:00").subject("c1"),
        e("prod", "product_listed", "2026-01-01 09:00").subject("p1"),
        e("deco", "shop_decorated", "2026-01-01 09:00"),
        e("fp", "followed", "2026-01-01 09:00")
            .subject("u1")
            .person(),
        e("fe", "followed", "2026-01-01 09:00")
            .subject("e1")
            .enterprise(),
        e("buy", "purchase", "2026-01-01 09:00").subject("o1"),
        e("rp", "review", "2026-01-02 09:00")
            .subject("r1")
            .person()
            .good(true)
            .text("好"),
        e("re", "review", "2026-01-02 09:00")
            .subject("r2")
            .enterprise()
            .good(true)
            .text("好"),
        e("reply", "review_reply", "2026-01-02 10:00").subject("rr1"),
        e("camp", "campaign_closed", "2026-01-31 23:00")
            .subject("c-jan")
            .window("2026-01-01 00:00", "2026-01-31 22:00"),
    ];
    v.extend(logins("2026-01-01", 10, "08:00"));
    v
}

#[test]
fn every_rule_and_level_is_exercised() {
    let version = Version::builtin();
    let l = run(&everything(), "2026-12-31 00:00");
    assert!(l.rejected.is_empty(), "{:?}", l.rejected);
    let shop = &l.shops["s1"];
    for r in &version.rules {
        assert!(shop.by_rule[&*r.id] > 0, "rule {} not exercised", r.id);
        let hit = shop
            .history
            .iter()
            .any(|h| h.rule.as_deref() == Some(&*r.id));
        assert!(hit, "rule {} has no history entry", r.id);
    }
    // each level at both ends, reached by purchases (10) and scattered login days (1)
    for level in &version.levels {
        for p in [Some(level.min), level.max].into_iter().flatten() {
            let mut events: Vec<Event> = (0..p / 10)
                .map(|i| {
                    e(&format!("o{i}"), "purchase", "2026-01-01 09:00").subject(&format!("o{i}"))
                })
                .collect();
            let d0: chrono::NaiveDate = "2026-02-01".parse().unwrap();
            for i in 0..p % 10 {
                let day = d0 + chrono::Days::new(2 * i as u64);
                events.push(e(&format!("l{i}"), "seller_login", &format!("{day} 08:00")));
            }
            let l = run(&events, "2026-12-31 00:00");
            let s = &l.shops["s1"];
            assert_eq!(s.points, p);
            let got = s.level.map(|x| (x.kind, x.n));
            assert_eq!(
                got,
                Some((level.kind, level.n)),
                "level {} at {p}",
                level.id
            );
        }
    }
}

fn refused(text: &str) -> String {
    Version::parse(text, from()).unwrap_err().to_string()
}

#[test]
fn a_broken_file_is_refused_naming_rule_and_field() {
    let cases = [
        (
            "points = 10\nevent = \"product_listed\"",
            "points = 0\nevent = \"product_listed\"",
            "rule service-product",
            "points",
        ),
        ("cap = 200", "cap = 5", "rule company-certificate", "cap"),
        (
            "min_good_review_share = 0.70",
            "min_good_review_share = 1.5",
            "rule campaign-good-rate",
            "min_good_review_share",
        ),
        (
            "unit = \"每连续10天\"",
            "unit = \"每连续十天\"",
            "rule login-streak-10",
            "unit",
        ),
        (
            "once = true\nreversed_by = \"website_removed\"",
            "reversed_by = \"website_removed\"",
            "",
            "",
        ),
        (
            "event = \"purchase\"\nreversed_by = \"refund\"",
            "event = \"purchase\"",
            "rule purchase",
            "reversed_by",
        ),
        (
            "min = 101\nmax = 200",
            "min = 102\nmax = 200",
            "level star-2",
            "min = 102",
        ),
        ("rules = 17", "rules = 18", "count.rules", "18"),
        (
            "id = \"follow-enterprise\"",
            "id = \"follow-person\"",
            "rule follow-person",
            "重复",
        ),
        (
            "interpretations = [\"002-P7\"]",
            "interpretations = [\"002-P99\"]",
            "rule campaign-good-rate",
            "002-P99",
        ),
    ];
    for (from_text, to, at, field) in cases {
        assert!(BUILTIN.contains(from_text), "{from_text}");
        let text = BUILTIN.replacen(from_text, to, 1);
        if at.is_empty() {
            // a website with reversed_by but not once is counted by subject: still valid
            assert!(Version::parse(&text, from()).is_ok());
            continue;
        }
        let m = refused(&text);
        assert!(m.contains(at) && m.contains(field), "{to}: {m}");
    }
    assert!(refused("not toml [").contains("积分规则文件"));
}

#[test]
fn a_changed_file_is_a_new_version_and_the_difference_is_explained() {
    let old = Version::builtin();
    let text = BUILTIN.replacen("cap = 200", "cap = 300", 1).replacen(
        "points = 10\nevent = \"purchase\"",
        "points = 12\nevent = \"purchase\"",
        1,
    );
    let new = Version::parse(&text, "2027-01-01".parse().unwrap()).unwrap();
    assert_ne!(old.id, new.id);
    assert_eq!(new.effective_from.to_string(), "2027-01-01");
    let mut events: Vec<Event> = (0..25)
        .map(|i| {
            e(&format!("c{i}"), "certificate_added", "2026-01-01 09:00").subject(&format!("c{i}"))
        })
        .collect();
    events.push(e("o", "purchase", "2026-01-01 09:00").subject("o1"));
    events.push(e("l", "seller_login", "2026-01-01 09:00").shop("s2"));
    let as_of = t("2027-06-01 00:00");
    let (a, b) = (fold(&old, &events, as_of), fold(&new, &events, as_of));
    let d = diff(&a, &b);
    assert_eq!(d.len(), 1, "s2 is unchanged");
    assert_eq!((d[0].old_points, d[0].new_points), (210, 262));
    let rules: Vec<(&str, i64, i64)> = d[0]
        .rules
        .iter()
        .map(|r| (r.rule.as_str(), r.old, r.new))
        .collect();
    assert_eq!(
        rules,
        [("company-certificate", 200, 250), ("purchase", 10, 12)]
    );
    assert_eq!(
        d[0].zh(),
        "店铺 s1：210 → 262 分（3星 → 3星）；company-certificate 200 → 250（+50）；purchase 10 → 12（+2）"
    );
}

#[test]
fn a_stream_is_read_with_errors_naming_the_line() {
    let ok = "{\"key\":\"a\",\"shop\":\"s\",\"event\":\"seller_login\",\"at\":\"2026-01-01T08:00:00+08:00\"}";
    let text = format!("{ok}\n\n{}\n", ok.replace("\"a\"", "\"b\""));
    let v = tianping_points::parse_jsonl(&text).unwrap();
    assert_eq!((v.len(), v[1].line), (2, 3));
    let bad = [
        (ok.replace("+08:00", ""), "日期时间"),
        (ok.replace("\"key\":\"a\",", ""), "缺少字段 key"),
        (ok.replace("\"shop\"", "\"store\""), "未知字段 store"),
        (ok.replace('}', ",\"party\":\"robot\"}"), "robot"),
        ("[1,2]".to_string(), "JSON"),
    ];
    for (line, says) in bad {
        let e = tianping_points::parse_jsonl(&format!("{ok}\n{line}")).unwrap_err();
        assert_eq!(e.line, 2, "{line}");
        assert!(
            e.message.contains(says) && e.message.contains("RFC 3339"),
            "{line}: {e}"
        );
    }
}

#[test]
fn versions_in_force_by_day_found_by_id_or_day_and_broken_indexes_named() {
    use tianping_points::Versions;
    let shipped = Versions::shipped();
    assert_eq!(shipped.all().len(), 1);
    assert_eq!(shipped.latest().id, Version::builtin().id);
    let later = BUILTIN.replacen("cap = 200", "cap = 300", 1);
    let index = "[[version]]\nfile = \"a.toml\"\neffective_from = \"2026-01-01\"\n\
                 [[version]]\nfile = \"b.toml\"\neffective_from = \"2027-01-01\"\n";
    let read = |n: &str| match n {
        "a.toml" => Some(BUILTIN.to_string()),
        "b.toml" => Some(later.clone()),
        _ => None,
    };
    let vs = Versions::parse(index, read).unwrap();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(vs.in_force(day("2026-12-31")).id, shipped.latest().id);
    let b = vs.in_force(day("2027-01-01"));
    assert_ne!(b.id, shipped.latest().id);
    assert_eq!(b.rule("company-certificate").unwrap().cap, Some(300));
    // before the first version: the first
    assert_eq!(vs.in_force(day("2020-01-01")).id, shipped.latest().id);
    assert_eq!(vs.find(&b.id[..4]).unwrap().id, b.id);
    assert_eq!(vs.find("2027-03-01").unwrap().id, b.id);
    let e = vs.find("abc").unwrap_err();
    assert!(e.contains(&b.id) && e.contains("2027-01-01"), "{e}");

    let missing = "[[version]]\nfile = \"c.toml\"\neffective_from = \"2026-01-01\"\n";
    let e = Versions::parse(missing, read).unwrap_err();
    assert!(e.to_string().contains("c.toml"), "{e}");
    let twice = "[[version]]\nfile = \"a.toml\"\neffective_from = \"2026-01-01\"\n\
                 [[version]]\nfile = \"b.toml\"\neffective_from = \"2026-01-01\"\n";
    let e = Versions::parse(twice, read).unwrap_err();
    assert!(e.to_string().contains("重复"), "{e}");
    assert!(Versions::parse("", read).is_err());
}
