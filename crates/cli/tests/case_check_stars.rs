//! `tianping case check` of star-rating cases (000 §6, §8, DESIGN I-16, I-19): a clean
//! history, one history per star rule, malformed files, and `--as-of` projecting the due list.
//! "Today" is set with TIANPING_TODAY so that the warnings do not depend on the day the tests
//! run.

mod case_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use case_common::{due, kinds, text};
use serde_json::{json, Value};
use tianping_case::Rule;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/stars")
}

fn run(args: &[&str], today: &str) -> Output {
    case_common::run(&cases(), args, today)
}

fn check_json(file: &str, as_of: &str, today: &str) -> (i32, Value) {
    case_common::check_json(&cases(), file, as_of, today)
}

#[test]
fn a_clean_history_exits_0_with_its_stars() {
    // 1★ → 3★ online → 5★ online and on site, with single-dimension stars → a supervision on
    // the last day of its year supporting 4★ → lowered to 4★
    let (code, v) = check_json("clean.jsonl", "2027-04-01", "2027-04-01");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["case"], "stars");
    assert_eq!(v["state"], "rated");
    assert_eq!(v["certificate"], Value::Null);
    assert_eq!(v["grade"], Value::Null);
    assert_eq!(v["stars"]["current"], 4);
    assert_eq!(v["stars"]["since"], "2027-03-23");
    assert_eq!(v["stars"]["dimension_stars"]["市场实力"], 3);
    assert_eq!(
        (v["events"].as_u64(), v["applied"].as_u64()),
        (Some(12), Some(12))
    );
    assert_eq!(v["violations"], json!([]));
    assert_eq!(v["warnings"], json!([]));
    assert_eq!(kinds(&v), ["supervision"]);
    let sv = due(&v, "supervision");
    assert_eq!(
        (sv["due"].as_str(), sv["overdue"].as_bool()),
        (Some("2028-03-16"), Some(false))
    );
    assert_eq!(sv["clause"], "8");
    // the certification's shape: every key, in both kinds
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    for k in [
        "case",
        "as_of",
        "events",
        "applied",
        "state",
        "certificate",
        "grade",
        "stars",
        "due",
        "violations",
        "warnings",
    ] {
        assert!(keys.contains(k), "{k} in {keys:?}");
    }
    for k in ["kind", "due", "overdue", "clause", "subject", "message"] {
        assert!(sv.get(k).is_some(), "{k} in {sv}");
    }

    let o = run(
        &["case", "check", "clean.jsonl", "--as-of", "2027-04-01"],
        "2027-04-01",
    );
    assert_eq!(o.status.code(), Some(0));
    let (out, err) = text(&o);
    assert!(err.is_empty(), "{err}");
    for needle in [
        "星级评价案卷，12 个事件",
        "状态：持有星级（rated）",
        "星级：四星级（2027-03-23 起）；单项星级：云能力五星级、",
        "2028-03-16 星级监督审查（supervision，条款 8）",
        "违规：无",
    ] {
        assert!(out.contains(needle), "“{needle}” in {out}");
    }
}

#[test]
fn as_of_shows_the_history_on_the_way_and_projects_the_due_list() {
    // the on-site application waits for the award: 5★ may be awarded
    let (code, v) = check_json("clean.jsonl", "2026-03-12", "2026-03-12");
    assert_eq!(code, 0);
    assert_eq!(
        (v["state"].as_str(), v["stars"]["current"].as_u64()),
        (Some("evaluated"), Some(3))
    );
    assert!(v["stars"].get("dimension_stars").is_none(), "{v:#}");
    assert_eq!(kinds(&v), ["star_award", "supervision"]);
    let award = due(&v, "star_award");
    assert_eq!(award["due"], "2026-03-10");
    assert!(award["message"]
        .as_str()
        .unwrap()
        .contains("最高可授予五星级"));
    // the supervision found fewer stars: lower or blacklist until the lowering
    let (code, v) = check_json("clean.jsonl", "2027-03-20", "2027-03-20");
    assert_eq!(
        code, 0,
        "a supervision supporting fewer stars is not a violation"
    );
    assert_eq!(v["stars"]["current"], 5);
    assert_eq!(kinds(&v), ["lower_or_blacklist", "supervision"]);
    let lob = due(&v, "lower_or_blacklist");
    assert_eq!(
        (lob["due"].as_str(), lob["overdue"].as_bool()),
        (Some("2027-03-16"), Some(false))
    );
    assert!(lob["message"].as_str().unwrap().contains("应降至四星级"));
    // a supervision never made stays overdue, not a violation
    let (code, v) = check_json("clean.jsonl", "2028-03-17", "2027-04-01");
    assert_eq!(code, 0);
    assert_eq!(due(&v, "supervision")["overdue"], true);
    // the events after today are warned of
    let warning = v["warnings"].as_array().unwrap();
    assert!(warning.is_empty(), "{warning:?}");
    let (_, v) = check_json("clean.jsonl", "2027-04-01", "2026-04-01");
    let warning = v["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("2 个事件") && warning.contains("第 12、13 行"),
        "{warning}"
    );
}

#[test]
fn every_star_rule_is_reported_at_its_event() {
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
        let (code, v) = check_json(&name, "2030-01-01", "2030-01-01");
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
            // the header is line 1 and no line is blank: event i is on line i + 2
            assert_eq!(x["line"].as_u64(), Some(x["event"].as_u64().unwrap() + 2));
            assert!(!x["message"].as_str().unwrap().is_empty());
            seen.insert(rule);
        }
        let o = run(
            &["case", "check", &name, "--as-of", "2030-01-01"],
            "2030-01-01",
        );
        assert_eq!(o.status.code(), Some(1));
        let (out, _) = text(&o);
        let (event, rule) = &want[0];
        let rule = Rule::from_id(rule).unwrap();
        for needle in [
            format!("第 {} 行（事件 {event}", event + 2),
            format!("{}，条款 {}", rule.id(), rule.clause()),
            format!("要求：{}", rule.requirement_zh()),
        ] {
            assert!(out.contains(&needle), "{name}: “{needle}” in {out}");
        }
    }
    let missing: Vec<&str> = tianping_case::stars::RULES
        .iter()
        .filter(|r| !seen.contains(r))
        .map(|r| r.id())
        .collect();
    assert!(
        missing.is_empty(),
        "star rules without a case file: {missing:?}"
    );
}

#[test]
fn malformed_star_files_exit_2_naming_the_line() {
    for (file, line, needle) in [
        ("stars-out-of-range.jsonl", 3, "星级 7 无效"),
        (
            "certification-event.jsonl",
            3,
            "未知的事件类型 “contract_signed”",
        ),
        ("bad-mode.jsonl", 2, "“self” 不可用"),
    ] {
        let name = format!("malformed/{file}");
        let o = run(&["case", "check", &name], "2026-11-26");
        assert_eq!(o.status.code(), Some(2), "{name}");
        let (out, err) = text(&o);
        assert!(out.is_empty(), "{name}: {out}");
        assert!(
            err.contains(&format!("第 {line} 行：")) && err.contains(needle),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"));
        let (code, v) = check_json(&name, "2026-11-26", "2026-11-26");
        assert_eq!(code, 2);
        assert_eq!(v["error"]["line"].as_u64(), Some(line), "{name}: {v:#}");
    }
}
