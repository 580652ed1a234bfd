//! The rules of company information, products, purchases and replies at their edges,
//! table-driven (what, events, as-of, rule, points); what is rejected; repeated keys.

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

fn reg(d: &str) -> Event {
    e("reg", "shop_registered", "2020-01-01 00:00").registered(d)
}

#[test]
fn registration_years_002_p1() {
    let years = "company-registration";
    check(vec![
        case(
            "the day before the 1st anniversary",
            vec![reg("2024-06-15")],
            "2025-06-14 23:59",
            years,
            0,
        ),
        case(
            "the 1st anniversary counts",
            vec![reg("2024-06-15")],
            "2025-06-15 00:00",
            years,
            5,
        ),
        case(
            "six full years",
            vec![reg("2019-06-15")],
            "2025-12-31 00:00",
            years,
            30,
        ),
        case(
            "29 Feb: anniversary on 28 Feb",
            vec![reg("2024-02-29")],
            "2025-02-28 00:00",
            years,
            5,
        ),
        case(
            "29 Feb: not on 27 Feb",
            vec![reg("2024-02-29")],
            "2025-02-27 23:59",
            years,
            0,
        ),
        case(
            "as-of before registration",
            vec![reg("2026-06-15")],
            "2026-01-01 00:00",
            years,
            0,
        ),
        case(
            "no shop_registered, no years",
            vec![e("x", "seller_login", "2020-01-01 10:00")],
            "2030-01-01 00:00",
            years,
            0,
        ),
        case(
            "the later shop_registered replaces",
            vec![
                reg("2010-01-01"),
                e("reg2", "shop_registered", "2021-01-01 00:00").registered("2020-01-01"),
            ],
            "2025-01-01 00:00",
            years,
            25,
        ),
        // as-of is read in Shanghai: 16:00Z on the 14th is 00:00 on the 15th
        case(
            "as-of in another offset",
            vec![reg("2024-06-15")],
            "2025-06-14T16:00:00Z",
            years,
            5,
        ),
    ]);
}

#[test]
fn one_off_items_002_p2() {
    let done = || e("p1", "profile_completed", "2026-01-01 10:00");
    let removed = || e("p3", "profile_removed", "2026-01-03 10:00");
    let again = || e("p4", "profile_completed", "2026-01-04 10:00");
    let website = || e("w", "website_added", "2026-01-01 10:00");
    let deco = || e("d", "shop_decorated", "2026-01-01 10:00");
    check(vec![
        case("profile", vec![done()], END, "company-profile", 20),
        case(
            "profile twice counts once",
            vec![done(), again()],
            END,
            "company-profile",
            20,
        ),
        case(
            "removed",
            vec![done(), removed()],
            END,
            "company-profile",
            0,
        ),
        case(
            "done again after removal",
            vec![done(), removed(), again()],
            END,
            "company-profile",
            20,
        ),
        case(
            "removal before it was done is not applied",
            vec![e("p0", "profile_removed", "2025-12-31 10:00"), done()],
            END,
            "company-profile",
            20,
        ),
        case("website", vec![website()], END, "company-website", 20),
        case(
            "website removed",
            vec![website(), e("w2", "website_removed", "2026-01-02 10:00")],
            END,
            "company-website",
            0,
        ),
        case("decoration", vec![deco()], END, "shop-decoration", 50),
        case(
            "decoration after as-of",
            vec![deco()],
            "2025-12-31 00:00",
            "shop-decoration",
            0,
        ),
        case(
            "decoration removed",
            vec![deco(), e("d2", "decoration_removed", "2026-01-02 10:00")],
            END,
            "shop-decoration",
            0,
        ),
    ]);
}

fn certs(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            e(&format!("c{i}"), "certificate_added", "2026-01-01 10:00")
                .subject(&format!("cert-{i}"))
        })
        .collect()
}

fn with(n: usize, withdrawn: &[usize]) -> Vec<Event> {
    let mut v = certs(n);
    v.extend(withdrawn.iter().map(|&i| {
        e(
            &format!("w{i}"),
            "certificate_withdrawn",
            "2026-02-01 10:00",
        )
        .subject(&format!("cert-{i}"))
    }));
    v
}

#[test]
fn certificates_cap_002_p3() {
    let cert = "company-certificate";
    let mut room = with(20, &[0]);
    room.push(e("c-new", "certificate_added", "2026-03-01 10:00").subject("cert-new"));
    let mut twice = certs(1);
    twice.push(e("again", "certificate_added", "2026-01-05 10:00").subject("cert-0"));
    check(vec![
        case("19 certificates", with(19, &[]), END, cert, 190),
        case("20 reach the cap", with(20, &[]), END, cert, 200),
        case("21 stay at the cap", with(21, &[]), END, cert, 200),
        case(
            "21 less 1 withdrawn: 200 (I-22)",
            with(21, &[3]),
            END,
            cert,
            200,
        ),
        case(
            "21 less 2 withdrawn: 190",
            with(21, &[3, 20]),
            END,
            cert,
            190,
        ),
        case("20 less 1 frees room for a new one", room, END, cert, 200),
        case("20 less 1: 190", with(20, &[0]), END, cert, 190),
        case(
            "the same certificate twice counts once",
            twice,
            END,
            cert,
            10,
        ),
        case(
            "withdrawing an unknown certificate is not applied",
            with(2, &[7]),
            END,
            cert,
            20,
        ),
    ]);
    // the 21st earns 0, and withdrawing one of 21 takes back 0: the entries say so
    let l = run(&with(21, &[3]), END);
    let h = &l.shops["s1"].history;
    assert_eq!(h.iter().map(|x| x.points).sum::<i64>(), 200);
    assert_eq!(h.iter().filter(|x| x.points == 0).count(), 2);
}

#[test]
fn products_purchases_replies() {
    let list = |k: &str, at: &str| e(k, "product_listed", at).subject("p1");
    let delist = || e("b", "product_delisted", "2026-01-02 10:00").subject("p1");
    let buy = |k: &str| e(k, "purchase", "2026-01-01 10:00").subject(k);
    let refund = |o: &str| e("rf", "refund", "2026-01-02 10:00").subject(o);
    let reply = || e("a", "review_reply", "2026-01-01 10:00").subject("r1");
    let unreply = || e("b", "reply_removed", "2026-01-01 11:00").subject("r1");
    check(vec![
        case(
            "a product",
            vec![list("a", "2026-01-01 10:00")],
            END,
            "service-product",
            10,
        ),
        case(
            "delisted",
            vec![list("a", "2026-01-01 10:00"), delist()],
            END,
            "service-product",
            0,
        ),
        case(
            "relisted",
            vec![
                list("a", "2026-01-01 10:00"),
                delist(),
                list("c", "2026-01-03 10:00"),
            ],
            END,
            "service-product",
            10,
        ),
        case(
            "two purchases",
            vec![buy("o1"), buy("o2")],
            END,
            "purchase",
            20,
        ),
        case(
            "a refund",
            vec![buy("o1"), refund("o1")],
            END,
            "purchase",
            0,
        ),
        case(
            "a refund of another order",
            vec![buy("o1"), refund("o9")],
            END,
            "purchase",
            10,
        ),
        case("a reply", vec![reply()], END, "comment-reply", 2),
        case(
            "a reply removed",
            vec![reply(), unreply()],
            END,
            "comment-reply",
            0,
        ),
    ]);
}

#[test]
fn what_is_rejected() {
    let l = run(
        &[
            e("a", "teleported", "2026-01-01 10:00"),
            e("b", "registration_year_completed", "2026-01-01 10:01"),
            e("c", "shop_registered", "2026-01-01 10:02"),
            e("d", "followed", "2026-01-01 10:03").person(),
            e("f", "campaign_closed", "2026-01-01 10:04").subject("c1"),
        ],
        END,
    );
    let mut r: Vec<(&str, &str)> = l
        .rejected
        .iter()
        .map(|r| (r.key.as_str(), r.reason.as_str()))
        .collect();
    r.sort();
    assert_eq!(r.len(), 5, "{r:?}");
    assert!(r[0].1.contains("未知事件 teleported") && r[0].1.contains("seller_login"));
    assert!(r[1].1.contains("shop_registered"));
    assert!(r[2].1.contains("registered_on"));
    assert!(r[3].1.contains("subject"));
    assert!(r[4].1.contains("start"));
}

#[test]
fn repeated_keys_count_once_and_conflicts_are_rejected() {
    let a = e("k1", "purchase", "2026-01-01 10:00").subject("o1");
    let conflict = e("k1", "purchase", "2026-01-01 10:00").subject("o2");
    let l = run(&[a.clone(), a.clone(), a, conflict], END);
    assert_eq!(l.shops["s1"].points, 10);
    assert_eq!(l.duplicates.len(), 2);
    assert_eq!(l.rejected.len(), 1);
    assert!(l.rejected[0].reason.contains("内容不同"));
}
