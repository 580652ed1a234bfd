//! The SME service-quality figures from a shop's ledger (002-I15-cloud, 002-L3): the shipped
//! mapping read from `sme-service-2020`, the coefficient at its edges, the trace.

mod common;

use common::*;
use tianping_points::sme::{coefficient, feed, note, read_feed, FeedRule, NOTE_KEYS};
use tianping_points::Version;

fn shipped() -> Vec<FeedRule> {
    let text = include_str!("../../../schemes/sme-service-2020/scheme.toml");
    let t: toml::Table = toml::from_str(text).unwrap();
    let extra = serde_json::to_value(&t["extra"]).unwrap();
    read_feed(&extra, &Version::builtin()).unwrap()
}

#[test]
fn the_shipped_mapping_covers_the_five_cloud_indicators() {
    let m = shipped();
    let ids: Vec<(&str, i64)> = m.iter().map(|f| (f.indicator.as_str(), f.full)).collect();
    assert_eq!(
        ids,
        [
            ("S.4.1", 200),
            ("S.4.2", 100),
            ("S.4.3", 300),
            ("S.4.4", 300),
            ("S.4.5", 300)
        ]
    );
    // every rule of the points file is read by exactly one indicator
    let v = Version::builtin();
    for r in &v.rules {
        let n = m
            .iter()
            .filter(|f| f.rules.iter().any(|x| *x == *r.id))
            .count();
        assert_eq!(n, 1, "{}", r.id);
    }
}

#[test]
fn coefficient_edges() {
    // (points, full, coefficient)
    for (p, full, c) in [
        (0, 100, 0),
        (-10, 100, 0),
        (1, 300, 0),
        (3, 300, 1),
        (99, 100, 99),
        (100, 100, 100),
        (101, 100, 100),
        (150, 200, 75),
        (299, 300, 99),
        (5, 0, 0),
    ] {
        assert_eq!(coefficient(p, full), c, "{p}/{full}");
    }
}

#[test]
fn a_bad_mapping_names_the_entry_and_field() {
    let v = Version::builtin();
    let bad = serde_json::json!({"points_feed": [
        {"indicator": "S.4.2", "rules": ["service-product"], "full": 100},
        {"indicator": "S.4.3", "rules": ["purchases"], "full": 300}]});
    let e = read_feed(&bad, &v).unwrap_err();
    assert!(
        e.contains("第 2 项（S.4.3）") && e.contains("purchases"),
        "{e}"
    );
    let zero = serde_json::json!({"points_feed": [{"indicator": "S.4.2", "rules": [], "full": 0}]});
    assert!(read_feed(&zero, &v).unwrap_err().contains("full = 0"));
    let twice = serde_json::json!({"points_feed": [
        {"indicator": "S.4.2", "rules": [], "full": 1}, {"indicator": "S.4.2", "rules": [], "full": 1}]});
    assert!(read_feed(&twice, &v).unwrap_err().contains("指标重复"));
    assert!(read_feed(&serde_json::json!({}), &v).unwrap().is_empty());
}

#[test]
fn figures_follow_the_ledger_with_their_events() {
    let v = Version::builtin();
    let mut ev = vec![
        e("p1", "product_listed", "2026-03-01 10:00").subject("P1"),
        e("p2", "product_listed", "2026-03-01 11:00").subject("P2"),
        e("p3", "product_listed", "2026-03-01 12:00").subject("P3"),
        e("p3-off", "product_delisted", "2026-03-02 12:00").subject("P3"),
        e("deco", "shop_decorated", "2026-03-01 10:00"),
        e("o1", "purchase", "2026-03-03 10:00").subject("O1"),
    ];
    ev.push(e("o1-again", "purchase", "2026-03-04 10:00").subject("O1"));
    let l = run(&ev, "2026-03-10 10:00");
    let f = feed(&v, l.shops.get("s1"), &shipped());
    let by: Vec<(&str, i64, i64)> = f
        .iter()
        .map(|x| (x.indicator.as_str(), x.points, x.coefficient))
        .collect();
    assert_eq!(
        by,
        [
            ("S.4.1", 50, 25),
            ("S.4.2", 20, 20),
            ("S.4.3", 10, 3),
            ("S.4.4", 0, 0),
            ("S.4.5", 0, 0)
        ]
    );
    // the events that moved the products' points, a delisting included; a repeated
    // purchase of the same order moved nothing
    assert_eq!(f[1].keys, ["p1", "p2", "p3", "p3-off"]);
    assert_eq!(f[2].keys, ["o1"]);
    let n = note(&f[1], "s1", &v.id, t("2026-03-10 18:00"));
    assert!(n.contains("服务产品/服务产品数量 20 分"), "{n}");
    assert!(n.contains("满分基准 100 分，系数 20%"), "{n}");
    assert!(n.contains("依据事件 4 个：p1、p2、p3、p3-off"), "{n}");
    let empty = note(&f[3], "s1", &v.id, t("2026-03-10 18:00"));
    assert!(
        empty.contains("无积分") && empty.contains("没有计分事件"),
        "{empty}"
    );
    // no shop at all: every figure 0
    assert!(feed(&v, None, &shipped())
        .iter()
        .all(|x| x.coefficient == 0));
}

#[test]
fn a_long_trace_is_cut_in_the_note_and_counted() {
    let v = Version::builtin();
    let ev: Vec<_> = (0..30)
        .map(|i| {
            e(&format!("p{i:02}"), "product_listed", "2026-03-01 10:00").subject(&format!("P{i}"))
        })
        .collect();
    let l = run(&ev, "2026-03-10 10:00");
    let f = feed(&v, l.shops.get("s1"), &shipped());
    assert_eq!(
        (f[1].points, f[1].coefficient, f[1].keys.len()),
        (300, 100, 30)
    );
    let n = note(&f[1], "s1", &v.id, t("2026-03-10 18:00"));
    assert!(
        n.contains("依据事件 30 个") && n.contains("等 30 个"),
        "{n}"
    );
    assert_eq!(n.matches('、').count(), NOTE_KEYS - 1, "{n}");
}
