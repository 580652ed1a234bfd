//! `tianping case check` on capability evaluations (seed 004, DESIGN I-16, I-18): a clean
//! history with its grade and due list on the way, one history per capability rule exiting 1
//! at the right event, and files that cannot be read. "Today" is set with TIANPING_TODAY.

mod case_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};
use tianping_case::Rule;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/capability")
}

fn run(args: &[&str], today: &str) -> Output {
    case_common::run(&cases(), args, today)
}

fn check_json(file: &str, as_of: &str) -> (i32, Value) {
    case_common::check_json(&cases(), file, as_of, as_of)
}

fn due(v: &Value) -> Vec<(String, String, String)> {
    v["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["kind"].as_str().unwrap().to_string(),
                x["due"].as_str().unwrap().to_string(),
                x["subject"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn a_clean_history_exits_0_with_its_grade() {
    let (code, v) = check_json("graded.jsonl", "2026-11-02");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["case"], "capability");
    assert_eq!(v["state"], "announced");
    assert_eq!(
        v["grade"],
        json!({"code": "一级", "valid_until": "2031-10-19"})
    );
    assert_eq!(v["certificate"], Value::Null);
    assert_eq!(v["stars"], Value::Null);
    assert_eq!(
        (v["events"].as_u64(), v["applied"].as_u64()),
        (Some(12), Some(12))
    );
    assert_eq!(v["violations"], json!([]));
    assert_eq!(v["due"], json!([]));
    assert_eq!(v["warnings"], json!([]));

    let o = run(
        &["case", "check", "graded.jsonl", "--as-of", "2026-11-02"],
        "2026-11-02",
    );
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "企业能力评价案卷，12 个事件，截至 2026-11-02 计入 12 个",
        "状态：已公告（announced）",
        "等级：一级，有效期至 2031-10-19（2026-10-20 确认，得分 88.5）",
        "待办：无",
        "违规：无",
    ] {
        assert!(out.contains(needle), "“{needle}” in {out}");
    }
}

#[test]
fn the_history_on_the_way_is_what_it_was_then() {
    // an objection in the publicity (21 September to 19 October, across National Day)
    let (code, v) = check_json("graded.jsonl", "2026-10-05");
    assert_eq!(code, 0);
    assert_eq!(v["state"], "objection_pending");
    assert_eq!(v["grade"], Value::Null);
    assert_eq!(v["applied"].as_u64(), Some(7));
    assert_eq!(
        due(&v),
        owned(&[
            ("objection_ruling", "2026-09-30", "O1"),
            ("publicity_end", "2026-10-19", ""),
        ])
    );
    // ruled, the publicity's last day: still in publicity
    let (_, v) = check_json("graded.jsonl", "2026-10-19");
    assert_eq!(v["state"], "in_publicity");
    assert_eq!(due(&v), owned(&[("publicity_end", "2026-10-19", "")]));
    // confirmed: announcement and final report due, then nothing until the expiry nears
    let (_, v) = check_json("graded.jsonl", "2026-10-20");
    assert_eq!(v["state"], "confirmed");
    assert_eq!(v["grade"]["code"], "一级");
    assert_eq!(
        due(&v),
        owned(&[
            ("announcement", "2026-10-20", ""),
            ("final_report", "2026-10-20", ""),
        ])
    );
    let (_, v) = check_json("graded.jsonl", "2031-07-19");
    assert_eq!(due(&v), owned(&[("grade_expiry", "2031-10-19", "")]));
    assert_eq!(v["due"][0]["clause"], "9.1");
    // the day after its last valid day the grade is over
    let (_, v) = check_json("graded.jsonl", "2031-10-20");
    assert_eq!(
        (v["state"].as_str(), &v["grade"]),
        (Some("expired"), &Value::Null)
    );
}

#[test]
fn every_capability_rule_is_reported_at_its_event() {
    let mut seen = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(cases().join("violations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = format!("violations/{}", path.file_name().unwrap().to_string_lossy());
        let content = std::fs::read_to_string(&path).unwrap();
        let header: Value = serde_json::from_str(content.lines().next().unwrap()).unwrap();
        let want: Vec<(u64, String)> = header["expect"]
            .as_array()
            .expect("the fixture says what it expects")
            .iter()
            .map(|x| {
                (
                    x["event"].as_u64().unwrap(),
                    x["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let (code, v) = check_json(&name, "2030-01-01");
        assert_eq!(code, 1, "{name}: {v:#}");
        let got: Vec<(u64, String)> = v["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["event"].as_u64().unwrap(),
                    x["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}: {v:#}");
        for x in v["violations"].as_array().unwrap() {
            let rule = Rule::from_id(x["rule"].as_str().unwrap()).expect("a known rule");
            assert_eq!(x["clause"], rule.clause(), "{name}");
            assert_eq!(x["line"].as_u64(), Some(x["event"].as_u64().unwrap() + 2));
            assert!(!x["message"].as_str().unwrap().is_empty());
            seen.insert(rule);
        }
        // the text names the line, the event, the rule and its clause
        let o = run(
            &["case", "check", &name, "--as-of", "2030-01-01"],
            "2030-01-01",
        );
        assert_eq!(o.status.code(), Some(1));
        let out = String::from_utf8_lossy(&o.stdout);
        let (event, rule) = &want[0];
        let rule = Rule::from_id(rule).unwrap();
        for needle in [
            format!("第 {} 行（事件 {event}，", event + 2),
            format!("{}，条款 {}", rule.id(), rule.clause()),
            format!("要求：{}", rule.requirement_zh()),
        ] {
            assert!(out.contains(&needle), "{name}: “{needle}” in {out}");
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| id.starts_with("capability_"))
        .filter(|id| !seen.iter().any(|r| r.id() == *id))
        .collect();
    assert!(
        missing.is_empty(),
        "capability rules without a case file: {missing:?}"
    );
}

#[test]
fn malformed_capability_files_exit_2_naming_the_line() {
    for (file, line, needle) in [
        ("round.jsonl", 5, "round 应为 1"),
        ("score.jsonl", 3, "0 到 100"),
        ("grade.jsonl", 3, "“AAA” 不可用"),
    ] {
        let name = format!("malformed/{file}");
        let o = run(&["case", "check", &name], "2026-11-26");
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("第 {line} 行：")) && err.contains(needle),
            "{name}: {err}"
        );
        assert!(o.stdout.is_empty());
        let (code, v) = check_json(&name, "2026-11-26");
        assert_eq!(code, 2);
        assert_eq!(v["error"]["line"].as_u64(), Some(line), "{name}: {v:#}");
    }
}

#[test]
fn later_events_are_not_applied_and_are_warned_of() {
    let o = run(
        &["case", "check", "graded.jsonl", "--format", "json"],
        "2026-10-05",
    );
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of"], "2026-10-05");
    assert_eq!(v["applied"].as_u64(), Some(7));
    let warning = v["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("5 个事件") && warning.contains("第 9、"),
        "{warning}"
    );
}
