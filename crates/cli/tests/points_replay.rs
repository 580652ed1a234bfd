//! `tianping points replay` as a user runs it (seed 002, DESIGN I-14, I-22): two shops with
//! a duplicate, a reversal and a campaign; rejected events (exit 1); a malformed line (exit 2,
//! naming file and line); another rules version; text output in Chinese.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/points")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        .current_dir(dir())
        .output()
        .expect("binary runs")
}

fn replay_json(extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["points", "replay", "--format", "json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON expected ({e}): {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap(), v)
}

#[test]
fn two_shops_with_points_levels_and_points_per_rule() {
    let (code, v) = replay_json(&["shops.jsonl", "--as-of", "2026-12-31"]);
    assert_eq!(code, 0, "{v:#}");
    let a = &v["shops"]["shop-a"];
    assert_eq!(a["points"], 160);
    assert_eq!(a["level"], json!({"kind": "star", "n": 2}));
    assert_eq!(a["by_rule"]["company-registration"], 25);
    assert_eq!(a["by_rule"]["follow-enterprise"], 0);
    assert_eq!(a["by_rule"]["follow-person"], 1);
    assert_eq!(a["by_rule"]["purchase"], 10);
    assert_eq!(a["by_rule"]["good-review-enterprise"], 2);
    assert_eq!(a["by_rule"]["comment-enterprise"], 2);
    assert_eq!(a["by_rule"]["campaign-good-rate"], 50);
    assert_eq!(a["by_rule"].as_object().unwrap().len(), 17);
    // 23:59 and 00:00 Shanghai time are two login days
    assert_eq!(v["shops"]["shop-b"]["points"], 2);
    assert_eq!(
        v["shops"]["shop-b"]["level"],
        json!({"kind": "star", "n": 1})
    );
    assert_eq!(
        v["duplicates"],
        json!([{"key": "a-o1", "line": 9, "first_line": 7}])
    );
    assert_eq!(v["rejected"], json!([]));
    assert_eq!(
        (v["events"].as_u64(), v["applied"].as_u64()),
        (Some(12), Some(11))
    );
    assert_eq!(v["as_of"], "2026-12-31T23:59:59.999999999+08:00");
}

#[test]
fn as_of_leaves_later_events_out() {
    let (code, v) = replay_json(&["shops.jsonl", "--as-of", "2026-01-07T12:00:00+08:00"]);
    assert_eq!(code, 0);
    // registration (4 full years), profile, decoration, the enterprise follower and u-2
    assert_eq!(v["shops"]["shop-a"]["points"], 20 + 20 + 50 + 3 + 1);
    assert_eq!(v["later"], 4);
}

#[test]
fn rejected_events_are_reported_with_their_reason_and_exit_1() {
    let (code, v) = replay_json(&["rejected.jsonl", "--as-of", "2026-12-31"]);
    assert_eq!(code, 1);
    let r = v["rejected"].as_array().unwrap();
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(
        (r[0]["key"].as_str(), r[0]["line"].as_u64()),
        (Some("r-1"), Some(1))
    );
    assert!(r[0]["reason"].as_str().unwrap().contains("此前没有得分"));
    assert!(r[1]["reason"]
        .as_str()
        .unwrap()
        .contains("未知事件 page_viewed"));
    assert_eq!(v["shops"]["shop-c"]["points"], 20);
}

#[test]
fn a_malformed_line_names_file_and_line_and_exits_2() {
    let o = run(&[
        "points",
        "replay",
        "malformed.jsonl",
        "--as-of",
        "2026-12-31",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("malformed.jsonl：第 2 行："), "{err}");
    assert!(err.contains("RFC 3339"), "{err}");
    let o = run(&["points", "replay", "missing.jsonl", "--as-of", "2026-12-31"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["points", "replay", "shops.jsonl", "--as-of", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--as-of"));
}

#[test]
fn another_rules_version() {
    let (code, v) = replay_json(&[
        "shops.jsonl",
        "--as-of",
        "2027-02-01",
        "--rules",
        "rules-2027.toml",
        "--effective-from",
        "2027-01-01",
    ]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["shops"]["shop-a"]["by_rule"]["purchase"], 20);
    assert_eq!(v["rules"]["effective_from"], "2027-01-01");
    let (_, builtin) = replay_json(&["shops.jsonl", "--as-of", "2027-02-01"]);
    assert_ne!(v["rules"]["version"], builtin["rules"]["version"]);
    // --rules without its date, and a broken rules file, are refused naming the file
    let o = run(&[
        "points",
        "replay",
        "shops.jsonl",
        "--rules",
        "rules-2027.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--effective-from"));
    let o = run(&[
        "points",
        "replay",
        "shops.jsonl",
        "--rules",
        "shops.jsonl",
        "--effective-from",
        "2027-01-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shops.jsonl"));
}

#[test]
fn text_output_in_chinese() {
    let o = run(&["points", "replay", "shops.jsonl", "--as-of", "2026-12-31"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("店铺 shop-a：160 分，2星"), "{out}");
    assert!(out.contains("产品反馈/购买产品 10 分"), "{out}");
    assert!(out.contains("第 9 行 a-o1：与第 7 行相同"), "{out}");
    assert!(out.contains("事件 12 个：计入 11 个，重复 1 个"), "{out}");
}

#[test]
fn the_difference_under_another_version_rule_by_rule() {
    let args = [
        "shops.jsonl",
        "--as-of",
        "2027-02-01",
        "--compare-rules",
        "rules-2027.toml",
        "--compare-effective-from",
        "2027-01-01",
    ];
    let (code, v) = replay_json(&args);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["shops"]["shop-a"]["by_rule"]["purchase"], 10);
    assert_eq!(v["compare"]["rules"]["effective_from"], "2027-01-01");
    assert_eq!(
        v["compare"]["shops"],
        json!([{"shop": "shop-a", "old_points": 160, "new_points": 170,
                "old_level": {"kind": "star", "n": 2}, "new_level": {"kind": "star", "n": 2},
                "rules": [{"rule": "purchase", "old": 10, "new": 20}]}])
    );
    let mut text_args = vec!["points", "replay"];
    text_args.extend_from_slice(&args);
    let o = run(&text_args);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("店铺 shop-a：160 → 170 分（2星 → 2星）；purchase 10 → 20（+10）"),
        "{out}"
    );
    let o = run(&[
        "points",
        "replay",
        "shops.jsonl",
        "--compare-rules",
        "rules-2027.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--compare-effective-from"));
}

#[test]
fn history_shows_what_each_event_earned_with_rule_and_clause() {
    let (_, v) = replay_json(&["shops.jsonl", "--as-of", "2026-12-31", "--history"]);
    let h = v["shops"]["shop-a"]["history"].as_array().unwrap();
    let sum: i64 = h.iter().map(|x| x["points"].as_i64().unwrap()).sum();
    assert_eq!(sum, 160);
    let unf = h.iter().find(|x| x["key"] == "a-unf1").unwrap();
    assert_eq!(
        (unf["rule"].as_str(), unf["points"].as_i64()),
        (Some("follow-enterprise"), Some(-3))
    );
    assert!(unf["clause"].as_str().unwrap().contains("002-P5"));
    let o = run(&[
        "points",
        "replay",
        "shops.jsonl",
        "--as-of",
        "2026-12-31",
        "--history",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2026-01-08 10:00 a-unf1 unfollowed -3 卖家关注/企业用户（第141行；002-P5、002-P9）：扣回 3 分"), "{out}");
    assert!(out.contains("注册满 5 年，计 25 分"), "{out}");
}

#[test]
fn a_version_not_yet_in_force_is_warned_of() {
    let (code, v) = replay_json(&[
        "shops.jsonl",
        "--as-of",
        "2026-12-31",
        "--rules",
        "rules-2027.toml",
        "--effective-from",
        "2027-01-01",
    ]);
    assert_eq!(code, 0);
    let w = v["warnings"][0].as_str().unwrap();
    assert!(w.contains("早于该规则版本的施行日期 2027-01-01"), "{w}");
}

#[test]
fn a_shipped_rules_version_by_id_or_day() {
    let (_, default) = replay_json(&["shops.jsonl", "--as-of", "2026-12-31"]);
    let id = default["rules"]["version"].as_str().unwrap().to_string();
    assert_eq!(default["rules"]["effective_from"], "2026-01-01");
    for spec in [&id[..], &id[..6], "2026-06-30"] {
        let (code, v) = replay_json(&[
            "shops.jsonl",
            "--as-of",
            "2026-12-31",
            "--rules-version",
            spec,
        ]);
        assert_eq!(code, 0, "{spec}: {v:#}");
        assert_eq!(v["rules"]["version"], id.as_str(), "{spec}");
        assert_eq!(v["shops"], default["shops"], "{spec}");
    }
    // an unknown version names the versions there are; with --rules it is one or the other
    let o = run(&["points", "replay", "shops.jsonl", "--rules-version", "ffff"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--rules-version") && err.contains(&id),
        "{err}"
    );
    let o = run(&[
        "points",
        "replay",
        "shops.jsonl",
        "--rules-version",
        &id,
        "--rules",
        "rules-2027.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // compared with a rules file: the difference under the other version
    let (_, v) = replay_json(&[
        "shops.jsonl",
        "--as-of",
        "2027-02-01",
        "--rules-version",
        &id,
        "--compare-rules",
        "rules-2027.toml",
        "--compare-effective-from",
        "2027-01-01",
    ]);
    assert_eq!(v["rules"]["version"], id.as_str());
    assert_eq!(
        v["compare"]["rules"]["effective_from"], "2027-01-01",
        "{v:#}"
    );
    assert!(
        v["compare"]["shops"]
            .as_array()
            .is_some_and(|d| !d.is_empty()),
        "{v:#}"
    );
}
