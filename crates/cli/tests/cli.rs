//! The command line as a user runs it: outputs, exit codes and error messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn tianping(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        // Run from a directory without schemes: the shipped ones are built in.
        .current_dir(std::env::temp_dir())
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_out(args: &[&str]) -> Value {
    let o = tianping(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tianping-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let o = tianping(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = stderr(&o) + &stdout(&o);
    for n in needles {
        assert!(err.contains(n), "{args:?}: “{err}” lacks “{n}”");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn schemes_list_show_and_check() {
    let list = json_out(&["schemes", "list", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 5);
    let o = tianping(&["schemes", "check"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("5 个方案，5 个通过"), "{text}");
    assert!(
        text.contains("[000-I-5-stars]"),
        "interpretations are listed"
    );
    assert!(
        text.contains("[I-8-table]"),
        "audit-time interpretations belong to the scheme"
    );
    let show = json_out(&["schemes", "show", "t11-aii-001-2020", "--format", "json"]);
    let tables = show["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 61);
    let a5 = tables.iter().find(|t| t["key"] == "A.5").unwrap();
    assert_eq!(a5["counts"]["rows"], 92);
    assert_eq!(a5["counts"]["online"], 74);
    assert!(show["counts"]["online"].as_u64().unwrap() > 0);
    fails_with(
        &["schemes", "show", "nope"],
        &["没有方案 “nope”", "t11-aii-001-2020"],
    );
}

#[test]
fn schemes_check_reports_errors_with_file_and_indicator() {
    let dir = std::env::temp_dir().join(format!("tianping-bad-{}", std::process::id()));
    let s = dir.join("bad");
    std::fs::create_dir_all(s.join("tables")).unwrap();
    std::fs::write(
        s.join("scheme.toml"),
        "id = \"bad\"\nname = \"坏\"\nstandard = \"x\"\nmethod = \"points\"\n[scale]\ntotal = 10.0\n",
    )
    .unwrap();
    std::fs::write(
        s.join("tables/T.toml"),
        "[table]\nkey = \"T\"\ntitle = \"t\"\nclause = \"c\"\n[[indicator]]\nid = \"x1\"\npath = [\"a\"]\n",
    )
    .unwrap();
    let o = tianping(&["schemes", "check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("bad/tables/T.toml:5: 指标 x1"), "{out}");
}

#[test]
fn template_lists_every_indicator() {
    let t = json_out(&["template", "--scheme", "t-cic-capability"]);
    let inds = t["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 54);
    let first = &inds[0];
    for k in ["id", "path", "table", "kind", "max"] {
        assert!(first.get(k).is_some(), "template entry lacks {k}");
    }
    assert_eq!(first["table"], "表A.1");
    let t = json_out(&[
        "template",
        "--scheme",
        "t11-aii-001-2020",
        "--variant",
        "odm-oem",
    ]);
    let inds = t["indicators"].as_array().unwrap();
    assert!(inds
        .iter()
        .any(|i| i["table"] == "D2.6" && i["category"] == "线下"));
    assert!(inds.iter().all(|i| i["serial"].is_string()));
    // Rows printed without a serial keep a null serial (C1.2 has two).
    let t = json_out(&[
        "template",
        "--scheme",
        "t11-aii-001-2020",
        "--variant",
        "project",
    ]);
    let unnumbered: Vec<&Value> = t["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["serial"].is_null())
        .collect();
    assert_eq!(unnumbered.len(), 2);
    assert_eq!(unnumbered[0]["id"], "C1.2-10a");
    fails_with(
        &["template", "--scheme", "t11-aii-001-2020"],
        &["--variant", "odm-oem"],
    );
    fails_with(
        &["template", "--scheme", "t11-aii-001-2020", "--variant", "x"],
        &["没有类别 “x”"],
    );
}

#[test]
fn evaluate_outputs_the_contract_fields() {
    let t = json_out(&["template", "--scheme", "eepc-certification"]);
    let mut answers = serde_json::Map::new();
    for i in t["indicators"].as_array().unwrap() {
        answers.insert(i["id"].as_str().unwrap().into(), i["max"].clone());
    }
    let f = tmp(
        "eepc.json",
        &json!({"scheme": "eepc-certification", "answers": answers}).to_string(),
    );
    let e = json_out(&[
        "evaluate",
        "--scheme",
        "eepc-certification",
        "--input",
        f.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(e["scheme"], "eepc-certification");
    assert_eq!(e["scheme_version"].as_str().unwrap().len(), 64);
    assert_eq!(e["total"]["score"], 100.0);
    assert_eq!(e["total"]["raw"], 101.5);
    assert_eq!(e["total"]["max"], 101.5);
    assert_eq!(e["grade"]["code"], "AAAAA");
    assert!(e["grade"]["reason"].as_str().unwrap().contains("95"));
    for k in ["nodes", "unanswered", "warnings", "interpretations"] {
        assert!(e.get(k).is_some(), "missing {k}");
    }
    // Text output is readable Chinese.
    let o = tianping(&[
        "evaluate",
        "--scheme",
        "eepc-certification",
        "--input",
        f.to_str().unwrap(),
    ]);
    assert!(stdout(&o).contains("总分：100 / 100"), "{}", stdout(&o));
}

#[test]
fn variants_are_accepted_by_letter_and_name() {
    let canonical = tianping(&[
        "template",
        "--scheme",
        "t11-aii-001-2020",
        "--variant",
        "tech-service",
    ]);
    assert!(canonical.status.success(), "{}", stderr(&canonical));
    let t: Value = serde_json::from_slice(&canonical.stdout).unwrap();
    assert_eq!(t["variant"], "tech-service");
    for key in ["F", "f", "技术服务类", "技术服务类企业"] {
        let o = tianping(&["template", "--scheme", "t11-aii-001-2020", "--variant", key]);
        assert!(o.status.success(), "{key}: {}", stderr(&o));
        assert_eq!(o.stdout, canonical.stdout, "{key}");
    }
    let o = tianping(&[
        "template",
        "--scheme",
        "t-sdditai-5121-2023",
        "--variant",
        "制造业企业",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(t["variant"], "manufacturing");
    // --variant and the file may name the same variant differently; the result stores the id
    let mut answers = serde_json::Map::new();
    for i in t["indicators"].as_array().unwrap() {
        answers.insert(i["id"].as_str().unwrap().into(), json!(3));
    }
    let f = tmp(
        "sdditai-alias.json",
        &json!({"variant": "manufacturing", "answers": answers}).to_string(),
    );
    let e = json_out(&[
        "evaluate",
        "--scheme",
        "t-sdditai-5121-2023",
        "--variant",
        "制造业企业",
        "--input",
        f.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(e["variant"], "manufacturing");
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-sdditai-5121-2023",
            "--variant",
            "生活性服务业企业",
            "--input",
            f.to_str().unwrap(),
        ],
        &["不一致"],
    );
    // an unknown variant lists ids, letters and names
    fails_with(
        &["template", "--scheme", "t11-aii-001-2020", "--variant", "G"],
        &[
            "没有类别 “G”",
            "tech-service",
            "F",
            "技术服务类",
            "技术服务类企业",
            "odm-oem",
            "ODM/OEM类",
        ],
    );
}

#[test]
fn evaluate_t11_with_application_rules() {
    let t = json_out(&[
        "template",
        "--scheme",
        "t11-aii-001-2020",
        "--variant",
        "tech-service",
    ]);
    let mut answers = serde_json::Map::new();
    for i in t["indicators"].as_array().unwrap() {
        answers.insert(i["id"].as_str().unwrap().into(), json!(95));
    }
    let f = tmp(
        "t11.json",
        &json!({"variant": "tech-service", "answers": answers}).to_string(),
    );
    let p = f.to_str().unwrap();
    let e = json_out(&[
        "evaluate",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        p,
        "--format",
        "json",
        "--mode",
        "onsite",
        "--current-stars",
        "3",
    ]);
    assert_eq!(e["stars"], 5);
    assert_eq!(e["granted_stars"]["stars"], 5);
    assert_eq!(e["dimensions"].as_array().unwrap().len(), 5);
    assert!(e["dimensions"][0]["online_ratio"].is_number());
    assert_eq!(e["composite"], 950.0);
    assert_eq!(e["stages"][0]["band"], "80%～100%");
    let e = json_out(&[
        "evaluate",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        p,
        "--format",
        "json",
        "--first-application",
    ]);
    assert_eq!(e["granted_stars"]["stars"], 1);
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-cic-capability",
            "--input",
            p,
            "--mode",
            "onsite",
        ],
        &["只适用于星级评价方案"],
    );
}

#[test]
fn bad_answer_files_are_refused_with_clear_messages() {
    let bad_json = tmp("bad.json", "{\"answers\": {\"A1.1.1\": 2,}}");
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-cic-capability",
            "--input",
            bad_json.to_str().unwrap(),
        ],
        &["bad.json:1", "JSON 格式错误"],
    );
    let cases = [
        (
            json!({"answers": {"NOPE": 1}}),
            vec!["NOPE", "没有这个指标"],
        ),
        (
            json!({"answers": {"A1.1.1": 7}}),
            vec!["A1.1.1", "超出范围 0–2.5"],
        ),
        (
            json!({"answers": {"A1.1.1": 0.3}}),
            vec!["A1.1.1", "0.5 的整数倍"],
        ),
        (
            json!({"answers": {"A1.1.1": "two"}}),
            vec!["A1.1.1", "答案类型不对"],
        ),
        (
            json!({"answers": {"A1.1.1": {"experts": [1, 2]}}}),
            vec!["至少需要 3 位专家"],
        ),
        (
            json!({"scheme": "eepc-certification", "answers": {}}),
            vec!["不一致"],
        ),
        (json!({"answers": []}), vec!["answers 须为对象"]),
        (json!({"answer": {}}), vec!["未知字段 “answer”"]),
    ];
    for (i, (v, needles)) in cases.iter().enumerate() {
        let f = tmp(&format!("case{i}.json"), &v.to_string());
        fails_with(
            &[
                "evaluate",
                "--scheme",
                "t-cic-capability",
                "--input",
                f.to_str().unwrap(),
            ],
            needles,
        );
    }
    let ok = tmp("empty.json", &json!({"answers": {}}).to_string());
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "zzz",
            "--input",
            ok.to_str().unwrap(),
        ],
        &["没有方案 “zzz”"],
    );
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-cic-capability",
            "--input",
            ok.to_str().unwrap(),
            "--strict",
        ],
        &["未作答", "A1.1.1"],
    );
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-cic-capability",
            "--input",
            "/nonexistent/a.json",
        ],
        &["/nonexistent/a.json", "无法读取"],
    );
    let prof = tmp(
        "p.toml",
        "name = \"x\"\nscheme = \"t-cic-capability\"\nexclude = [\"Q\"]\n",
    );
    fails_with(
        &[
            "evaluate",
            "--scheme",
            "t-cic-capability",
            "--input",
            ok.to_str().unwrap(),
            "--profile",
            prof.to_str().unwrap(),
        ],
        &["exclude", "“Q”"],
    );
}

#[test]
fn audit_time_shows_the_exact_and_the_rounded_figure() {
    // (headcount, --reduction) -> (exact, rounded to the nearest half day, on-site minimum)
    for (hc, red, exact, audit, onsite) in [
        ("60", "10", 2.25, 2.5, 2.0),
        ("250", "20", 3.2, 3.0, 2.5),
        ("1500", "30", 5.25, 5.5, 4.5),
    ] {
        let a = json_out(&[
            "audit-time",
            "--headcount",
            hc,
            "--audit",
            "initial",
            "--reduction",
            red,
            "--format",
            "json",
        ]);
        assert_eq!(a["adjusted_days"], exact, "{hc} −{red}%");
        assert_eq!(a["audit_days"], audit, "{hc} −{red}%");
        assert_eq!(a["min_onsite_days"], onsite, "{hc} −{red}%");
    }
    let o = tianping(&[
        "audit-time",
        "--headcount",
        "1500",
        "--audit",
        "initial",
        "--reduction",
        "30",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "调整后人日：5.25（精确值）",
        "审核人日：5.5（取最接近的半人日，不少于 1 人日）",
        "最少现场审核人日：4.5",
    ] {
        assert!(text.contains(needle), "“{text}” lacks “{needle}”");
    }
}

#[test]
fn audit_time_and_sampling() {
    let a = json_out(&[
        "audit-time",
        "--headcount",
        "250",
        "--audit",
        "initial",
        "--format",
        "json",
    ]);
    assert_eq!(a["table_days"], 4.0);
    assert_eq!(a["min_onsite_days"], 3.0);
    assert!(!a["trace"].as_array().unwrap().is_empty());
    let a = json_out(&[
        "audit-time",
        "--headcount",
        "250",
        "--audit",
        "recertification",
        "--format",
        "json",
    ]);
    assert_eq!(a["table_days"], 2.0);
    assert_eq!(a["rule_days"], 2.5);
    let a = json_out(&[
        "audit-time",
        "--headcount",
        "120",
        "--audit",
        "initial",
        "--temporary-sites",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(a["base_days"], 4.0);
    fails_with(
        &["audit-time", "--headcount", "0", "--audit", "initial"],
        &["--headcount", "不小于 1"],
    );
    fails_with(
        &[
            "audit-time",
            "--headcount",
            "120",
            "--audit",
            "initial",
            "--reduction",
            "31",
        ],
        &["30%"],
    );
    fails_with(
        &["audit-time", "--headcount", "120", "--audit", "annual"],
        &["annual"],
    );
    let s = json_out(&[
        "sampling", "--sites", "9", "--audit", "initial", "--format", "json",
    ]);
    assert_eq!(s["sampled_sites"], 3);
    assert_eq!(s["total_locations"], 4);
    let s = json_out(&[
        "sampling",
        "--sites",
        "25",
        "--audit",
        "surveillance",
        "--format",
        "json",
    ]);
    assert_eq!(s["sampled_sites"], 3);
    fails_with(
        &["sampling", "--sites", "0", "--audit", "initial"],
        &["应不小于1"],
    );
}

#[test]
fn calendar_and_credit_codes() {
    let o = tianping(&["calendar", "add-workdays", "2026-09-21", "15"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("2026-10-19"));
    let d = json_out(&["calendar", "is-workday", "2026-02-28", "--format", "json"]);
    assert_eq!(d["workday"], true, "adjusted working Saturday");
    let d = json_out(&["calendar", "is-workday", "2026-02-16", "--format", "json"]);
    assert_eq!(d["workday"], false, "Spring Festival");
    let d = json_out(&["calendar", "is-workday", "2026-10-07", "--format", "json"]);
    assert_eq!(d["workday"], false, "National Day");
    let d = json_out(&["calendar", "is-workday", "2026-10-10", "--format", "json"]);
    assert_eq!(
        d["workday"], true,
        "adjusted working Saturday after National Day"
    );
    // A year with no notice loaded: answered Monday–Friday, with a warning and exit code 3.
    let o = tianping(&["calendar", "is-workday", "2031-05-01"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("2031"));
    fails_with(&["calendar", "is-workday", "2026-13-01"], &["YYYY-MM-DD"]);
    let o = tianping(&["uscc", "check", "91350100M000100Y43"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = tianping(&["uscc", "check", "91350100M000100Y44"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("第18位校验码"), "{}", stdout(&o));
    let o = tianping(&["uscc", "check", "9135"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("18位"));
}

#[test]
fn schemes_dir_replaces_a_shipped_scheme() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemes/t-cic-capability");
    let dir = std::env::temp_dir()
        .join(format!("tianping-own-{}", std::process::id()))
        .join("t-cic-capability");
    std::fs::create_dir_all(dir.join("tables")).unwrap();
    std::fs::copy(root.join("scheme.toml"), dir.join("scheme.toml")).unwrap();
    let table = std::fs::read_to_string(root.join("tables/表A.1.toml")).unwrap();
    std::fs::write(
        dir.join("tables/表A.1.toml"),
        table.replace("企业能力", "企业能力（本机构修订）"),
    )
    .unwrap();
    let parent = dir.parent().unwrap().to_str().unwrap();
    let shipped = json_out(&["schemes", "show", "t-cic-capability", "--format", "json"]);
    let own = json_out(&[
        "--schemes-dir",
        parent,
        "schemes",
        "show",
        "t-cic-capability",
        "--format",
        "json",
    ]);
    assert_ne!(
        shipped["version"], own["version"],
        "an edit changes the scheme version"
    );
}

#[test]
fn schemes_dir_reaches_the_commands_that_open_the_app() {
    // regrade (like serve and demo) takes its schemes from the configuration: the global
    // flag must reach it, over TIANPING_SCHEMES_DIR and the file
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    let missing = dir.path().join("no-such-folder");
    let o = tianping(&[
        "--schemes-dir",
        missing.to_str().unwrap(),
        "regrade",
        "--database",
        &db,
        "--verify",
    ]);
    assert!(!o.status.success(), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no-such-folder"), "{err}");
    // an empty folder is refused by name; a folder with a scheme is taken
    let own = dir.path().join("schemes");
    std::fs::create_dir_all(&own).unwrap();
    let o = tianping(&[
        "--schemes-dir",
        own.to_str().unwrap(),
        "regrade",
        "--database",
        &db,
        "--verify",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("这里没有方案文件夹"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemes/t-cic-capability");
    let to = own.join("t-cic-capability");
    std::fs::create_dir_all(to.join("tables")).unwrap();
    std::fs::copy(root.join("scheme.toml"), to.join("scheme.toml")).unwrap();
    for f in std::fs::read_dir(root.join("tables")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, to.join("tables").join(f.file_name().unwrap())).unwrap();
    }
    let o = tianping(&[
        "--schemes-dir",
        own.to_str().unwrap(),
        "regrade",
        "--database",
        &db,
        "--verify",
    ]);
    assert!(
        o.status.success(),
        "{} {}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Run the binary, killing it (and failing the test) if it has not finished within `secs`.
fn tianping_within(args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tianping {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn schemes_check_refuses_a_fifo_and_reads_a_bom() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemes/t-cic-capability");
    let parent = std::env::temp_dir().join(format!("tianping-special-{}", std::process::id()));
    let dir = parent.join("t-cic-capability");
    let _ = std::fs::remove_dir_all(&parent);
    std::fs::create_dir_all(dir.join("tables")).unwrap();
    std::fs::copy(
        root.join("tables/表A.1.toml"),
        dir.join("tables/表A.1.toml"),
    )
    .unwrap();
    let scheme = std::fs::read_to_string(root.join("scheme.toml")).unwrap();
    // a BOM at the start of scheme.toml: accepted, and the version is the shipped one
    std::fs::write(dir.join("scheme.toml"), format!("\u{feff}{scheme}")).unwrap();
    let p = parent.to_str().unwrap();
    let o = tianping_within(&["schemes", "check", p, "--format", "json"], 60);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let checked: Value = serde_json::from_slice(&o.stdout).unwrap();
    let shipped = json_out(&["schemes", "show", "t-cic-capability", "--format", "json"]);
    assert_eq!(checked[0]["version"], shipped["version"]);
    // a FIFO named *.toml: refused at once, naming it
    let fifo = dir.join("tables/more.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = tianping_within(&["schemes", "check", p], 60);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("more.toml") && err.contains("命名管道（FIFO）"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    std::fs::remove_file(&fifo).unwrap();
    // counts are checked with their schema: an unknown field names the file and line
    std::fs::create_dir_all(dir.join("counts")).unwrap();
    let counts = std::fs::read_to_string(root.join("counts/tables.toml")).unwrap();
    let bad = counts.replacen("rows_check =", "rows_chek =", 1);
    std::fs::write(dir.join("counts/tables.toml"), &bad).unwrap();
    let line = bad[..bad.find("rows_chek").unwrap()].matches('\n').count() + 1;
    let o = tianping_within(&["schemes", "check", p], 60);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "t-cic-capability/counts/tables.toml:{line}: TOML 格式错误"
        )) && out.contains("rows_chek"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&parent);
}

/// Run the binary with stdout (or stderr) a pipe whose read end is already closed, as in
/// `tianping … | head -c 0`: every write to it fails with EPIPE.
fn with_closed_pipe(args: &[&str], close_stderr: bool) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tianping"));
    cmd.args(args).current_dir(std::env::temp_dir());
    if close_stderr {
        cmd.stderr(writer).stdout(std::process::Stdio::piped());
    } else {
        cmd.stdout(writer).stderr(std::process::Stdio::piped());
    }
    let child = cmd.spawn().expect("binary runs");
    // drop our copy of the write end so only the child holds it
    drop(cmd);
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_output_quietly() {
    let example =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/t-cic-capability.json");
    let example = example.to_str().unwrap();
    for (args, code) in [
        (
            &[
                "template",
                "--scheme",
                "t11-aii-001-2020",
                "--variant",
                "odm-oem",
            ][..],
            0,
        ),
        (&["schemes", "list"][..], 0),
        (
            &["schemes", "show", "t11-aii-001-2020", "--format", "json"][..],
            0,
        ),
        (&["schemes", "check"][..], 0),
        (
            &[
                "evaluate",
                "--scheme",
                "t-cic-capability",
                "--input",
                example,
            ][..],
            0,
        ),
        (
            &["audit-time", "--headcount", "250", "--audit", "initial"][..],
            0,
        ),
        (
            &[
                "sampling", "--sites", "9", "--audit", "initial", "--format", "json",
            ][..],
            0,
        ),
        (&["calendar", "add-workdays", "2026-09-21", "15"][..], 0),
        (&["uscc", "check", "91350100M000100Y44"][..], 1),
        (&["--help"][..], 0),
    ] {
        let o = with_closed_pipe(args, false);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}");
        // the command's own exit code: a closed pipe is not a failure of the command
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    }
    // an error message to a closed stderr does not panic either
    let o = with_closed_pipe(&["template", "--scheme", "nope"], true);
    assert_eq!(o.status.code(), Some(1));
    // like `| head -c 10`: read a little of a long output, then close the pipe
    let mut child = Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args([
            "template",
            "--scheme",
            "t11-aii-001-2020",
            "--variant",
            "odm-oem",
        ])
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    assert_eq!(&head[..1], b"{");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

// ---- the audit log: keys, signed checkpoints, verification ----

/// A fresh directory of its own for one test.
fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tianping-cli-{}-{}-{}",
        name,
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary with the audit settings given here and none from the caller's environment.
fn audit_cmd(args: &[&str], env: &[(&str, &Path)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tianping"));
    c.args(args).current_dir(std::env::temp_dir());
    for k in [
        "TIANPING_CONFIG",
        "DATABASE_URL",
        "TIANPING_AUDIT_KEY",
        "TIANPING_AUDIT_KEY_FILE",
        "TIANPING_AUDIT_CHECKPOINT_FILE",
        "TIANPING_AUDIT_CHECKPOINT_MINUTES",
    ] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn audit_run(args: &[&str], env: &[(&str, &Path)]) -> Output {
    audit_cmd(args, env).output().expect("binary runs")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A SQLite database with `n` audit entries.
fn db_with_entries(path: &Path, n: usize) {
    use tianping_store::audit::{self, Actor};
    rt().block_on(async {
        let s = tianping_store::Store::open(path.to_str().unwrap())
            .await
            .unwrap();
        let mut tx = s.begin().await.unwrap();
        for i in 0..n {
            audit::append(
                &mut tx,
                &Actor::system(),
                "test",
                "thing",
                &i.to_string(),
                None,
                Some(&json!({ "i": i })),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        s.close().await;
    });
}

/// What an attacker with database access does: drop the guards, delete the last entries and
/// move the head back to the new last entry.
fn delete_tail_and_move_head(path: &Path, keep: i64) {
    rt().block_on(async {
        let s = tianping_store::Store::connect(path.to_str().unwrap())
            .await
            .unwrap();
        for q in [
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER audit_head_forward_only",
        ] {
            tianping_store::sqlx::query(q)
                .execute(&s.pool)
                .await
                .unwrap();
        }
        tianping_store::sqlx::query("DELETE FROM audit_log WHERE seq > $1")
            .bind(keep)
            .execute(&s.pool)
            .await
            .unwrap();
        tianping_store::sqlx::query(
            "UPDATE audit_head SET seq = $1, \
             last_hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
        )
        .bind(keep)
        .execute(&s.pool)
        .await
        .unwrap();
        s.close().await;
    });
}

#[test]
fn audit_keygen_checkpoint_verify_then_tamper_fails() {
    let dir = fresh_dir("audit");
    let key = dir.join("audit.key");
    let db = dir.join("t.db");
    let dbs = db.to_str().unwrap();

    let o = audit_run(&["audit", "keygen", "--out", key.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = std::fs::read_to_string(dir.join("audit.key.pub")).unwrap();
    let public = public.trim();
    assert_eq!(public.len(), 64);
    assert!(stdout(&o).contains(public), "{}", stdout(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // an existing key is never overwritten
    fails_with(
        &["audit", "keygen", "--out", key.to_str().unwrap()],
        &["已存在"],
    );

    db_with_entries(&db, 4);
    let with_key = [("TIANPING_AUDIT_KEY_FILE", key.as_path())];
    let o = audit_run(&["audit", "checkpoint", "--database", dbs], &with_key);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("截至第 4 条"), "{}", stdout(&o));
    assert!(dir.join("audit.key.checkpoints.jsonl").is_file());

    let o = audit_run(&["audit", "verify", "--database", dbs], &with_key);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("签名有效"), "{}", stdout(&o));
    // a verifier needs only the public key and the checkpoint file
    let cp_file = dir.join("audit.key.checkpoints.jsonl");
    let verify_public = [
        "audit",
        "verify",
        "--database",
        dbs,
        "--public-key",
        public,
        "--audit-checkpoint-file",
        cp_file.to_str().unwrap(),
    ];
    let o = audit_run(&verify_public, &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let mut json_args = verify_public.to_vec();
    json_args.extend(["--format", "json"]);
    let o = audit_run(&json_args, &[]);
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["problems"], json!([]));
    assert_eq!(r["latest_checkpoint"]["seq"], 4);

    // delete the last two entries and move the head back: the chain still links up, the
    // checkpoint does not
    delete_tail_and_move_head(&db, 2);
    for o in [
        audit_run(&["audit", "verify", "--database", dbs], &with_key),
        audit_run(&verify_public, &[]),
    ] {
        assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
        let out = stdout(&o);
        assert!(
            out.contains("第 3 条：日志比检查点（外部文件第 1 行"),
            "{out}"
        );
        assert!(out.contains("最早出问题的是第 3 条记录"), "{out}");
    }
    // and no checkpoint is signed for the shortened log
    let o = audit_run(&["audit", "checkpoint", "--database", dbs], &with_key);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("拒绝签署"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audit_verify_without_a_key_checks_the_chain_and_says_what_it_cannot_exclude() {
    let dir = fresh_dir("audit-nokey");
    let db = dir.join("t.db");
    db_with_entries(&db, 3);
    let o = audit_run(
        &["audit", "verify", "--database", db.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("3 条记录，哈希链无断裂"), "{out}");
    assert!(out.contains("无法排除整条日志被改写"), "{out}");
    // a checkpoint needs a key
    let o = audit_run(
        &["audit", "checkpoint", "--database", db.to_str().unwrap()],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("audit keygen"), "{}", stderr(&o));
    // a bad public key is named
    let o = audit_run(
        &[
            "audit",
            "verify",
            "--database",
            db.to_str().unwrap(),
            "--public-key",
            "xyz",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--public-key"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Start `tianping serve` on a free port; return it with its stderr lines.
fn serve(
    db: &Path,
    env: &[(&str, &Path)],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = audit_cmd(
        &["serve", "--database", db.to_str().unwrap(), "--bind", &bind],
        env,
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Wait (at most 60 s) for a stderr line containing `needle`.
fn wait_for_line(rx: &std::sync::mpsc::Receiver<String>, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) if l.contains(needle) => return l,
            Ok(l) => seen.push(l),
            Err(_) => break,
        }
    }
    panic!("no line with “{needle}”; stderr was: {seen:#?}");
}

#[test]
fn serve_signs_checkpoints_with_a_key_and_says_once_when_it_has_none() {
    let dir = fresh_dir("audit-serve");
    let db = dir.join("t.db");
    db_with_entries(&db, 2);

    let (mut child, rx) = serve(&db, &[]);
    let line = wait_for_line(&rx, "审计检查点");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("已关闭"), "{line}");

    let key = dir.join("audit.key");
    let o = audit_run(&["audit", "keygen", "--out", key.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (mut child, rx) = serve(&db, &[("TIANPING_AUDIT_KEY_FILE", key.as_path())]);
    // the first round runs at start: the log has entries no checkpoint covers yet
    let line = wait_for_line(&rx, "已签署");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("截至第 2 条"), "{line}");
    let lines = std::fs::read_to_string(dir.join("audit.key.checkpoints.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    let o = audit_run(
        &["audit", "verify", "--database", db.to_str().unwrap()],
        &[("TIANPING_AUDIT_KEY_FILE", key.as_path())],
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
