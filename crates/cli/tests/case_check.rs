//! `tianping case check` as a user runs it (DESIGN I-16): a clean history, one history per
//! kind of violation, malformed files, and `--as-of` projecting the due list. "Today" is set
//! with TIANPING_TODAY so that the warnings do not depend on the day the tests run.

mod case_common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use case_common::{due, kinds, text};
use serde_json::Value;
use tianping_case::Rule;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn run(args: &[&str], today: &str) -> Output {
    case_common::run(&cases(), args, today)
}

fn check_json(file: &str, as_of: &str, today: &str) -> (i32, Value) {
    case_common::check_json(&cases(), file, as_of, today)
}

#[test]
fn a_clean_full_history_exits_0_with_its_state_certificate_and_due() {
    // application → certification → suspension and restoration → two surveillances →
    // recertification → appeal, replayed after the appeal
    let (code, v) = check_json("full-history.jsonl", "2029-02-01", "2029-02-01");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["state"], "certified");
    assert_eq!(
        v["certificate"],
        serde_json::json!({"number": "TP-EEPC-2029-0001", "status": "valid",
                           "valid_from": "2029-01-28", "valid_until": "2032-01-27"})
    );
    assert_eq!(v["grade"], Value::Null);
    assert_eq!(v["stars"], Value::Null);
    assert_eq!(
        (v["events"].as_u64(), v["applied"].as_u64()),
        (Some(35), Some(35))
    );
    assert_eq!(v["violations"], serde_json::json!([]));
    assert_eq!(kinds(&v), ["surveillance"]);
    let sv = due(&v, "surveillance");
    assert_eq!(
        (sv["due"].as_str(), sv["overdue"].as_bool()),
        (Some("2029-12-13"), Some(false))
    );
    assert_eq!(sv["clause"], "8.1.3.3, 8.2.2, 8.2.3");
    assert!(sv["message"].as_str().unwrap().contains("2028-12-13"));
    // the 2028 appeal period was counted Monday to Friday: said so
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("2028年")),
        "{warnings:?}"
    );
    assert!(!warnings
        .iter()
        .any(|w| w.as_str().unwrap().contains("晚于今天")));

    let o = run(
        &[
            "case",
            "check",
            "full-history.jsonl",
            "--as-of",
            "2029-02-01",
        ],
        "2029-02-01",
    );
    assert_eq!(o.status.code(), Some(0));
    let (out, _) = text(&o);
    for needle in [
        "状态：获证（certified）",
        "证书：TP-EEPC-2029-0001，有效（valid），有效期 2029-01-28 至 2032-01-27",
        "2029-12-13 监督审核",
        "违规：无",
    ] {
        assert!(out.contains(needle), "“{needle}” in {out}");
    }
}

#[test]
fn the_history_on_the_way_is_what_it_was_then() {
    // suspended on 9 October 2026: withdrawal due six months later, surveillance still due
    let (code, v) = check_json("full-history.jsonl", "2026-10-20", "2026-10-20");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["state"], "suspended");
    assert_eq!(v["certificate"]["status"], "suspended");
    assert_eq!(v["applied"].as_u64(), Some(18));
    assert_eq!(kinds(&v), ["surveillance", "withdraw"]);
    assert_eq!(due(&v, "withdraw")["due"], "2027-04-09");
    // restored, surveilled twice: recertification can be applied for from 27 October 2028
    let (_, v) = check_json("full-history.jsonl", "2028-10-26", "2028-10-26");
    assert_eq!(v["state"], "certified");
    assert!(kinds(&v).is_empty(), "{v:#}");
    let (_, v) = check_json("full-history.jsonl", "2028-10-27", "2028-10-27");
    let r = due(&v, "recertification");
    assert_eq!(
        (r["due"].as_str(), r["overdue"].as_bool()),
        (Some("2029-01-27"), Some(false))
    );
    // the appeal waits for its decision
    let (_, v) = check_json("full-history.jsonl", "2028-12-20", "2028-12-20");
    assert_eq!(due(&v, "appeal")["subject"], "A1");
}

#[test]
fn today_is_the_default_as_of_and_later_events_are_warned_of() {
    let o = run(
        &["case", "check", "full-history.jsonl", "--format", "json"],
        "2026-10-20",
    );
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of"], "2026-10-20");
    assert_eq!(v["applied"].as_u64(), Some(18));
    let warning = v["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("17 个事件")
            && warning.contains("2026-10-20")
            && warning.contains("第 21、"),
        "{warning}"
    );
    // a later --as-of applies them, and still warns: they are dated after today
    let o = run(
        &[
            "case",
            "check",
            "full-history.jsonl",
            "--as-of",
            "2029-02-01",
        ],
        "2026-10-20",
    );
    assert_eq!(o.status.code(), Some(0));
    let (out, err) = text(&o);
    assert!(out.contains("计入 35 个"), "{out}");
    assert!(
        err.contains("警告：17 个事件的日期晚于今天 2026-10-20"),
        "{err}"
    );
}

#[test]
fn as_of_projects_the_due_list() {
    // certificate issued 28 January 2026; the first surveillance is due within 12 months
    let (_, v) = check_json("certified.jsonl", "2025-12-01", "2025-12-01");
    assert_eq!(v["state"], "in_audit");
    assert_eq!(v["certificate"], Value::Null);
    assert_eq!(kinds(&v), ["decision", "correction"]);
    assert_eq!(due(&v, "correction")["due"], "2026-02-04");
    assert_eq!(due(&v, "correction")["subject"], "NC2");
    let (_, v) = check_json("certified.jsonl", "2027-01-28", "2026-11-26");
    assert_eq!(kinds(&v), ["surveillance"]);
    assert_eq!(due(&v, "surveillance")["overdue"], false);
    let (code, v) = check_json("certified.jsonl", "2027-01-29", "2026-11-26");
    assert_eq!(code, 0, "an overdue item is due, not a violation");
    assert_eq!(kinds(&v), ["surveillance", "suspend"]);
    assert_eq!(due(&v, "surveillance")["overdue"], true);
    let s = due(&v, "suspend");
    assert_eq!(
        (s["due"].as_str(), s["overdue"].as_bool()),
        (Some("2027-02-05"), Some(false))
    );
    assert_eq!(s["clause"], "8.5.1");
    let (_, v) = check_json("certified.jsonl", "2027-02-06", "2026-11-26");
    assert_eq!(due(&v, "suspend")["overdue"], true);
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("2027年")));
    // expired: nothing more is due, the state says it
    let (_, v) = check_json("certified.jsonl", "2029-01-28", "2029-01-28");
    assert_eq!(v["state"], "expired");
    assert_eq!(v["certificate"]["status"], "expired");
}

/// Rules a case file cannot break: `not_in_future` is the app's (a file's later events are a
/// warning, I-16 edges), `records_retention` concerns deleting a case, and
/// `conflict_of_interest` needs the body's declarations, which the file format does not carry.
const NOT_FROM_A_FILE: &[Rule] = &[
    Rule::NotInFuture,
    Rule::RecordsRetention,
    Rule::ConflictOfInterest,
];

#[test]
fn every_kind_of_violation_is_reported_at_its_event() {
    let mut seen = BTreeSet::new();
    let dir = cases().join("violations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = format!("violations/{}", path.file_name().unwrap().to_string_lossy());
        let content = std::fs::read_to_string(&path).unwrap();
        let header: Value = serde_json::from_str(content.lines().next().unwrap()).unwrap();
        let expect = header["expect"]
            .as_array()
            .expect("the fixture says what it expects");
        let (code, v) = check_json(&name, "2030-01-01", "2030-01-01");
        assert_eq!(code, 1, "{name}: {v:#}");
        let got: Vec<(u64, &str)> = v["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["event"].as_u64().unwrap(), x["rule"].as_str().unwrap()))
            .collect();
        let want: Vec<(u64, &str)> = expect
            .iter()
            .map(|x| (x["event"].as_u64().unwrap(), x["rule"].as_str().unwrap()))
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
        // the text names the line, the rule and its clause
        let o = run(
            &["case", "check", &name, "--as-of", "2030-01-01"],
            "2030-01-01",
        );
        assert_eq!(o.status.code(), Some(1));
        let (out, _) = text(&o);
        let (event, rule) = want[0];
        let rule = Rule::from_id(rule).unwrap();
        for needle in [
            format!("第 {} 行（事件 {event}", event + 2),
            format!("{}，条款 {}", rule.id(), rule.clause()),
            format!("违规（{} 项）", want.len()),
        ] {
            assert!(out.contains(&needle), "{name}: “{needle}” in {out}");
        }
    }
    // the capability evaluation's rules have their files in `cases/capability/`
    // (case_check_capability.rs)
    let missing: Vec<&str> = Rule::ALL
        .iter()
        // the star rating's rules have their files under stars/ (case_check_stars.rs)
        .filter(|r| {
            !seen.contains(r)
                && !NOT_FROM_A_FILE.contains(r)
                && !tianping_case::stars::RULES.contains(r)
        })
        .map(|r| r.id())
        .filter(|id| !id.starts_with("capability_"))
        .collect();
    assert!(missing.is_empty(), "rules without a case file: {missing:?}");
}

#[test]
fn malformed_files_exit_2_naming_the_line() {
    for (file, line, needle) in [
        ("bad-json.jsonl", 3, "不是有效的 JSON"),
        ("unknown-type.jsonl", 4, "未知的事件类型 “star_awarded”"),
        ("missing-date.jsonl", 5, "缺少日期 date"),
        ("missing-field.jsonl", 5, "缺少字段 cause_confirmed"),
        ("bad-header.jsonl", 1, "缺少字段 case"),
        ("empty.jsonl", 1, "文件为空"),
        ("capability.jsonl", 3, "未知的事件类型 “contract_signed”"),
    ] {
        let name = format!("malformed/{file}");
        let o = run(&["case", "check", &name], "2026-11-26");
        assert_eq!(o.status.code(), Some(2), "{name}");
        let (out, err) = text(&o);
        assert!(
            out.is_empty(),
            "{name}: nothing on stdout in text mode: {out}"
        );
        let at = format!("第 {line} 行：");
        assert!(err.contains(&at) && err.contains(needle), "{name}: {err}");
        assert!(!err.contains("panicked"));
        let (code, v) = check_json(&name, "2026-11-26", "2026-11-26");
        assert_eq!(code, 2);
        assert_eq!(v["error"]["line"].as_u64(), Some(line), "{name}: {v:#}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle));
    }
    // a file that is not there, and a date that is not one
    let o = run(&["case", "check", "no-such-file.jsonl"], "2026-11-26");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("无法读取文件"));
    let o = run(
        &["case", "check", "certified.jsonl", "--as-of", "2026-02-30"],
        "2026-11-26",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("YYYY-MM-DD"));
}

#[test]
fn a_case_can_come_from_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args([
            "case",
            "check",
            "-",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ])
        .env("TIANPING_TODAY", "2026-02-01")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let file = std::fs::read(cases().join("certified.jsonl")).unwrap();
    child.stdin.take().unwrap().write_all(&file).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["certificate"]["number"], "TP-EEPC-2026-0001");
}
