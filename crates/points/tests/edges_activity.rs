//! Logins, followers, reviews, campaigns and levels at their edges, table-driven
//! (what, events, as-of, rule, points).

mod common;

use common::*;
use tianping_points::Event;

struct Case {
    what: &'static str,
    events: Vec<Event>,
    as_of: &'static str,
    rule: &'static str,
    points: i64,
}

fn case(
    what: &'static str,
    events: Vec<Event>,
    as_of: &'static str,
    rule: &'static str,
    points: i64,
) -> Case {
    Case {
        what,
        events,
        as_of,
        rule,
        points,
    }
}

fn check(cases: Vec<Case>) {
    let mut failed = Vec::new();
    for c in cases {
        let l = run(&c.events, c.as_of);
        let got = rule(&l, c.rule);
        if got != c.points {
            failed.push(format!(
                "{}: {} = {got}, expected {} (rejected: {:?})",
                c.what, c.rule, c.points, l.rejected
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

const END: &str = "2026-12-31 00:00";

fn plus(at: &str) -> Vec<Event> {
    let mut v = logins("2026-03-01", 9, "12:00");
    v.push(e("tenth", "seller_login", at));
    v
}

#[test]
fn login_days_and_runs_002_p4() {
    let run10 = "login-streak-10";
    let mut twice = logins("2026-03-01", 9, "12:00");
    twice.extend(logins("2026-03-01", 9, "18:00"));
    let mut gap = logins("2026-03-01", 9, "08:00");
    gap.extend(logins("2026-03-11", 9, "08:00"));
    let mut after_gap = logins("2026-03-01", 5, "08:00");
    after_gap.extend(logins("2026-03-07", 10, "08:00"));
    check(vec![
        case(
            "9 days",
            logins("2026-03-01", 9, "12:00"),
            END,
            "login-day",
            9,
        ),
        case(
            "9 days: no run yet",
            logins("2026-03-01", 9, "12:00"),
            END,
            run10,
            0,
        ),
        case(
            "10th day at 23:59 Shanghai",
            plus("2026-03-10 23:59"),
            END,
            run10,
            5,
        ),
        case(
            "10th day at 00:00 Shanghai",
            plus("2026-03-10 00:00"),
            END,
            run10,
            5,
        ),
        case(
            "00:00 of the 11th is not the 10th: a gap",
            plus("2026-03-11 00:00"),
            END,
            run10,
            0,
        ),
        case(
            "15:59Z on the 10th is 23:59 in Shanghai",
            plus("2026-03-10T15:59:00Z"),
            END,
            run10,
            5,
        ),
        case(
            "16:00Z on the 10th is the 11th in Shanghai",
            plus("2026-03-10T16:00:00Z"),
            END,
            run10,
            0,
        ),
        case("many logins a day count one", twice, END, "login-day", 9),
        case(
            "30 days: 3 runs",
            logins("2026-03-01", 30, "08:00"),
            END,
            run10,
            15,
        ),
        case(
            "29 days: 2 runs",
            logins("2026-03-01", 29, "08:00"),
            END,
            run10,
            10,
        ),
        case("a gap restarts the count", gap, END, run10, 0),
        case("after a gap, 10 more days", after_gap, END, run10, 5),
        case(
            "the 10th day after as-of",
            plus("2026-03-10 23:59"),
            "2026-03-10 23:58",
            run10,
            0,
        ),
    ]);
}

#[test]
fn followers_002_p5() {
    let f = |k: &str, who: &str, at: &str| e(k, "followed", at).subject(who);
    let u = |k: &str, who: &str, at: &str| e(k, "unfollowed", at).subject(who);
    let t1 = "2026-01-01 10:00";
    let t2 = "2026-01-02 10:00";
    let person = "follow-person";
    let ent = "follow-enterprise";
    check(vec![
        case("a person", vec![f("a", "u1", t1).person()], END, person, 1),
        case(
            "an enterprise",
            vec![f("a", "e1", t1).enterprise()],
            END,
            ent,
            3,
        ),
        case(
            "an enterprise is not a person",
            vec![f("a", "e1", t1).enterprise()],
            END,
            person,
            0,
        ),
        case(
            "the same follower twice",
            vec![f("a", "u1", t1).person(), f("b", "u1", t2).person()],
            END,
            person,
            1,
        ),
        case(
            "unfollowed",
            vec![f("a", "e1", t1).enterprise(), u("b", "e1", t2)],
            END,
            ent,
            0,
        ),
        case(
            "refollowed",
            vec![
                f("a", "e1", t1).enterprise(),
                u("b", "e1", t2),
                f("c", "e1", "2026-01-03 10:00").enterprise(),
            ],
            END,
            ent,
            3,
        ),
        // the unfollow arrives first but happened after: sorted by time, it takes back
        case(
            "an unfollow arriving before its follow",
            vec![u("b", "u1", t2), f("a", "u1", t1).person()],
            END,
            person,
            0,
        ),
        // an unfollow dated before any follow takes nothing back: rejected, the follow stands
        case(
            "an unfollow dated before the follow",
            vec![u("b", "u1", "2025-12-31 10:00"), f("a", "u1", t1).person()],
            END,
            person,
            1,
        ),
        case(
            "the unfollow after as-of",
            vec![f("a", "u1", t1).person(), u("b", "u1", t2)],
            "2026-01-01 12:00",
            person,
            1,
        ),
    ]);
    let l = run(
        &[u("b", "u1", "2025-12-31 10:00"), f("a", "u1", t1).person()],
        END,
    );
    assert_eq!(l.rejected.len(), 1);
    assert!(
        l.rejected[0].reason.contains("此前没有得分"),
        "{}",
        l.rejected[0].reason
    );
    let l = run(&[u("b", "u1", t2), f("a", "u1", t1).person()], END);
    assert!(l.rejected.is_empty(), "{:?}", l.rejected);
}

#[test]
fn reviews_002_p6() {
    let r = |k: &str| e(k, "review", "2026-01-01 10:00").subject(k);
    let rm = || e("x", "review_removed", "2026-01-02 10:00").subject("a");
    check(vec![
        case(
            "a person's good review with text: good",
            vec![r("a").person().good(true).text("很好")],
            END,
            "good-review-person",
            1,
        ),
        case(
            "a person's good review with text: comment",
            vec![r("a").person().good(true).text("很好")],
            END,
            "comment-person",
            1,
        ),
        case(
            "an enterprise's good review with text: good",
            vec![r("a").enterprise().good(true).text("很好")],
            END,
            "good-review-enterprise",
            2,
        ),
        case(
            "an enterprise's good review with text: comment",
            vec![r("a").enterprise().good(true).text("很好")],
            END,
            "comment-enterprise",
            2,
        ),
        case(
            "a good review without text",
            vec![r("a").person().good(true)],
            END,
            "comment-person",
            0,
        ),
        case(
            "blank text is no text",
            vec![r("a").person().good(true).text("  ")],
            END,
            "comment-person",
            0,
        ),
        case(
            "a bad review with text: comment",
            vec![r("a").person().good(false).text("一般")],
            END,
            "comment-person",
            1,
        ),
        case(
            "a bad review with text: not good",
            vec![r("a").person().good(false).text("一般")],
            END,
            "good-review-person",
            0,
        ),
        case(
            "removed: both taken back",
            vec![r("a").enterprise().good(true).text("好"), rm()],
            END,
            "comment-enterprise",
            0,
        ),
    ]);
    let l = run(&[r("a").person().good(true).text("好"), rm()], END);
    assert_eq!(l.shops["s1"].points, 0);
    let l = run(&[r("a").good(true)], END);
    assert!(l.rejected[0].reason.contains("party"), "{:?}", l.rejected);
}

fn review(k: &str, at: &str, good: bool) -> Event {
    e(k, "review", at).subject(k).person().good(good)
}

fn close(key: &str, id: &str) -> Event {
    let mut c = e(key, "campaign_closed", "2026-02-01 00:00")
        .window("2026-01-01 00:00", "2026-01-31 23:59");
    c.campaign = Some(id.into());
    c
}

fn campaign(reviews: Vec<Event>) -> Vec<Event> {
    let mut v = reviews;
    v.push(close("camp", "c1"));
    v
}

fn share(good: usize, total: usize) -> Vec<Event> {
    (0..total)
        .map(|i| review(&format!("r{i}"), "2026-01-10 10:00", i < good))
        .collect()
}

#[test]
fn campaigns_002_p7() {
    let c = "campaign-good-rate";
    let mut removed = campaign(share(2, 3));
    removed.push(e("rm", "review_removed", "2026-03-01 00:00").subject("r2"));
    let mut twice = campaign(share(1, 1));
    twice.push(close("camp2", "c1"));
    let mut two = campaign(share(1, 1));
    two.push(close("camp2", "c2"));
    check(vec![
        case("exactly 70 %", campaign(share(7, 10)), END, c, 50),
        case("69 of 100", campaign(share(69, 100)), END, c, 0),
        case("700 of 1000", campaign(share(700, 1000)), END, c, 50),
        case("699 of 1000", campaign(share(699, 1000)), END, c, 0),
        case("2 of 3", campaign(share(2, 3)), END, c, 0),
        case("no reviews", campaign(vec![]), END, c, 0),
        case(
            "window start included",
            campaign(vec![review("a", "2026-01-01 00:00", true)]),
            END,
            c,
            50,
        ),
        case(
            "window end included",
            campaign(vec![review("a", "2026-01-31 23:59", true)]),
            END,
            c,
            50,
        ),
        case(
            "outside the window",
            campaign(vec![review("a", "2026-02-01 00:00", true)]),
            END,
            c,
            0,
        ),
        case("a removed bad review no longer counts", removed, END, c, 50),
        case("closed twice counts once", twice, END, c, 50),
        case("two campaigns", two, END, c, 100),
        case(
            "closed after as-of",
            campaign(share(1, 1)),
            "2026-01-31 23:59",
            c,
            0,
        ),
    ]);
}

#[test]
fn levels_002_p8() {
    let v = tianping_points::Version::builtin();
    let table = [
        (0, None),
        (1, Some("star-1")),
        (100, Some("star-1")),
        (101, Some("star-2")),
        (500, Some("star-5")),
        (501, Some("diamond-1")),
        (5000, Some("diamond-5")),
        (5001, Some("crown-1")),
        (80000, Some("crown-4")),
        (80001, Some("crown-5")),
        (10_000_000, Some("crown-5")),
    ];
    for (p, id) in table {
        assert_eq!(v.level_of(p).map(|l| l.id.as_str()), id, "{p} points");
    }
    // through a fold: 100 and 101 points
    let buys = |n: usize| -> Vec<Event> {
        (0..n)
            .map(|i| e(&format!("o{i}"), "purchase", "2026-01-01 10:00").subject(&format!("o{i}")))
            .collect()
    };
    let l = run(&buys(10), END);
    assert_eq!(l.shops["s1"].level.map(|l| l.zh()), Some("1星".to_string()));
    let mut v101 = buys(10);
    v101.push(e("l", "seller_login", "2026-01-01 10:00"));
    let l = run(&v101, END);
    let s = &l.shops["s1"];
    assert_eq!(
        (s.points, s.level.map(|l| l.zh())),
        (101, Some("2星".to_string()))
    );
    let gone = [
        e("p", "profile_completed", "2026-01-01 10:00"),
        e("q", "profile_removed", "2026-01-02 10:00"),
    ];
    let l = run(&gone, END);
    assert_eq!((l.shops["s1"].points, l.shops["s1"].level), (0, None));
}

#[test]
fn campaign_silences_decided() {
    let c = "campaign-good-rate";
    // a review neither good nor with text earns nothing but is a review received: 2 of 3
    let plain = e("p", "review", "2026-01-10 10:00").subject("p").person();
    let mut three = share(2, 2);
    three.push(plain.clone());
    // `good` absent is not good: 1 good of 2
    let mut absent = share(1, 1);
    absent.push(
        e("n", "review", "2026-01-10 10:00")
            .subject("n")
            .person()
            .text("还行"),
    );
    check(vec![
        case(
            "a review without good or text is counted",
            campaign(three),
            END,
            c,
            0,
        ),
        case("good absent is not good", campaign(absent), END, c, 0),
        case(
            "the same campaign via subject",
            {
                let mut v = share(1, 1);
                let mut x = close("camp", "c1");
                x.campaign = None;
                x.subject = Some("c1".into());
                v.push(x);
                v
            },
            END,
            c,
            50,
        ),
    ]);
    let l = run(&[plain], END);
    assert_eq!(l.shops["s1"].points, 0);
    assert!(l.rejected.is_empty());
    // campaign and subject that disagree, and a window that ends before it starts
    let mut bad = close("camp", "c1");
    bad.subject = Some("c2".into());
    let mut reversed = close("camp2", "c3");
    reversed.start = Some(t("2026-02-01 00:00"));
    let l = run(&[bad, reversed], END);
    let reasons: Vec<&str> = l.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("不一致"), "{reasons:?}");
    assert!(reasons[1].contains("晚于结束"), "{reasons:?}");
}

#[test]
fn as_of_arguments() {
    let end = tianping_points::parse_as_of("2026-03-10").unwrap();
    assert_eq!(end.to_rfc3339(), "2026-03-10T23:59:59.999999999+08:00");
    let exact = tianping_points::parse_as_of("2026-03-10T15:59:00Z").unwrap();
    assert_eq!(exact, t("2026-03-10 23:59"));
    let m = tianping_points::parse_as_of("10/03/2026").unwrap_err();
    assert!(m.contains("RFC 3339") && m.contains("YYYY-MM-DD"), "{m}");
    // a login at 23:59:59 on the as-of date is applied, one at 00:00 the next day is not
    let l = run(
        &[
            e("a", "seller_login", "2026-03-10T23:59:59+08:00"),
            e("b", "seller_login", "2026-03-11 00:00"),
        ],
        "2026-03-10T23:59:59.999999999+08:00",
    );
    assert_eq!((l.shops["s1"].points, l.later), (1, 1));
}
