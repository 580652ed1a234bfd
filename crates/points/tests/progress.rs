//! The level badge, the next level and how far it is, and caps reached, at the level table's
//! edges (0, 1, 100/101, 500/501, 5000/5001, 80000/80001) and at the certificate cap.

mod common;

use common::*;
use tianping_points::progress::standing;
use tianping_points::{badge, progress, Version};

/// (total, level in words or "", next level in words or "", points missing)
const EDGES: &[(i64, &str, &str, i64)] = &[
    (0, "", "1星", 1),
    (1, "1星", "2星", 100),
    (100, "1星", "2星", 1),
    (101, "2星", "3星", 100),
    (300, "3星", "4星", 1),
    (500, "5星", "1钻", 1),
    (501, "1钻", "2钻", 500),
    (2000, "2钻", "3钻", 1),
    (5000, "5钻", "1皇冠", 1),
    (5001, "1皇冠", "2皇冠", 5000),
    (80000, "4皇冠", "5皇冠", 1),
    (80001, "5皇冠", "", 0),
    (1_000_000, "5皇冠", "", 0),
];

#[test]
fn level_and_next_at_the_edges() {
    let v = Version::builtin();
    let mut failed = Vec::new();
    for &(points, level, next, missing) in EDGES {
        let p = standing(&v, points, |_| 0);
        let got_level = p.level.map(|l| badge(l).1).unwrap_or_default();
        let got_next = p
            .next
            .as_ref()
            .map(|n| badge(n.level).1)
            .unwrap_or_default();
        let got_missing = p.next.as_ref().map_or(0, |n| n.missing);
        if (got_level.as_str(), got_next.as_str(), got_missing) != (level, next, missing) {
            failed.push(format!(
                "{points}: got ({got_level}, {got_next}, {got_missing}), expected ({level}, {next}, {missing})"
            ));
        }
        if let Some(n) = &p.next {
            assert_eq!(n.min, points + n.missing, "{points}");
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn badges_have_one_mark_per_level() {
    let v = Version::builtin();
    let marks: Vec<String> = [1, 300, 2000, 5001, 80001]
        .iter()
        .map(|&p| badge(standing(&v, p, |_| 0).level.unwrap()).0)
        .collect();
    assert_eq!(marks, ["★", "★★★", "◆◆", "♛", "♛♛♛♛♛"]);
}

fn certificates(n: usize, withdrawn: usize) -> Vec<tianping_points::Event> {
    let mut v: Vec<_> = (0..n)
        .map(|i| {
            e(&format!("c{i}"), "certificate_added", "2026-03-01 10:00").subject(&format!("C{i}"))
        })
        .collect();
    v.extend((0..withdrawn).map(|i| {
        e(
            &format!("w{i}"),
            "certificate_withdrawn",
            "2026-03-02 10:00",
        )
        .subject(&format!("C{i}"))
    }));
    v
}

#[test]
fn the_certificate_cap_is_reached_at_200() {
    let v = Version::builtin();
    // (certificates added, withdrawn, points, reached)
    for (n, w, points, reached) in [
        (19, 0, 190, false),
        (20, 0, 200, true),
        (21, 0, 200, true),
        (21, 1, 200, true),
        (21, 2, 190, false),
    ] {
        let l = run(&certificates(n, w), "2026-03-03 10:00");
        let p = progress(&v, &l.shops["s1"]);
        let cap = p
            .caps
            .iter()
            .find(|c| &*c.rule == "company-certificate")
            .expect("the certificate rule is capped");
        assert_eq!(
            (cap.points, cap.cap, cap.reached),
            (points, 200, reached),
            "{n} added, {w} withdrawn"
        );
        assert_eq!(cap.name, "公司信息/公司资质（证书）");
        assert_eq!(p.points, points);
        assert_eq!(p.level.map(|l| badge(l).1).as_deref(), Some("2星"));
    }
}

#[test]
fn only_capped_rules_are_listed() {
    let v = Version::builtin();
    let p = standing(&v, 0, |_| 0);
    let capped: Vec<&str> = p.caps.iter().map(|c| &*c.rule).collect();
    assert_eq!(capped, ["company-certificate"]);
    assert!(!p.caps[0].reached);
}
