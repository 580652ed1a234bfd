//! `tianping gap` as a user runs it: the answer file of `evaluate`, the plan in JSON and in
//! Chinese text, `--target`, and the errors.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Map, Value};

fn tianping(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
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

fn tmp(name: &str, content: &Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tianping-gap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content.to_string()).unwrap();
    p
}

/// Every indicator of the 003 checklist at full points but B.1-50 (5 points) and B.1-3
/// (0.5): raw 96 of 101.5 → 94.58, AAAA; AAAAA needs raw 96.425, on the half grid 96.5.
fn eepc_answers() -> PathBuf {
    let o = tianping(&["template", "--scheme", "eepc-certification"]);
    let t: Value = serde_json::from_slice(&o.stdout).expect("template JSON");
    let mut answers = Map::new();
    for i in t["indicators"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        let v = if id == "B.1-50" || id == "B.1-3" {
            json!(0)
        } else {
            i["max"].clone()
        };
        answers.insert(id.to_string(), v);
    }
    tmp(
        "eepc.json",
        &json!({"scheme": "eepc-certification", "answers": answers}),
    )
}

#[test]
fn gap_prints_target_changes_and_the_resulting_total() {
    let f = eepc_answers();
    let f = f.to_str().unwrap();
    let o = tianping(&[
        "gap",
        "--scheme",
        "eepc-certification",
        "--input",
        f,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["current"]["grade"]["code"], "AAAA");
    assert_eq!(v["target"]["kind"], "grade");
    assert_eq!(v["target"]["code"], "AAAAA");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert!(
        c["indicator"] == "B.1-50" || c["indicator"] == "B.1-3",
        "{c}"
    );
    assert_eq!(c["from"], json!(0.0));
    assert_eq!(c["to"], json!(0.5));
    assert_eq!(c["action"], "raise");
    assert!(c["effects"][0]["delta"].as_f64().unwrap() > 0.49);
    assert!(!c["guidance"].as_array().unwrap().is_empty());
    assert_eq!(v["exact"], json!(true));
    let total = v["result"]["total"].as_f64().unwrap();
    assert!((total - 96.5 * 100.0 / 101.5).abs() < 1e-6, "{total}");
    assert_eq!(v["result"]["grade"]["code"], "AAAAA");

    // the same in words
    let o = tianping(&["gap", "--scheme", "eepc-certification", "--input", f]);
    assert!(o.status.success());
    let text = stdout(&o);
    for needle in [
        "当前：得分 94.58",
        "目标：AAAAA",
        "最少改动 1 项指标，增加原始分 0.5（已证明为最少）",
        "0 分 → 0.5 分（提高）",
        "改动后：得分 95.07",
    ] {
        assert!(text.contains(needle), "“{needle}” missing from:\n{text}");
    }

    // a target further up, and one not above the current grade
    let v: Value = serde_json::from_slice(
        &tianping(&[
            "gap",
            "--scheme",
            "eepc-certification",
            "--input",
            f,
            "--target",
            "AAA",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(v["target"], Value::Null);
    assert_eq!(v["changes"], json!([]));
}

#[test]
fn gap_for_stars_has_a_plan_per_dimension() {
    // the README's T11/AII example: an unverified self answer may be “have it verified”
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let f = manifest.join("../../examples/t11-odm-oem.json");
    let f = f.to_str().unwrap();
    let o = tianping(&[
        "gap",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        f,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["target"], json!({"kind": "stars", "stars": 4}));
    assert_eq!(v["result"]["stars"], json!(4));
    let dims = v["dimension_plans"].as_array().unwrap();
    assert!(!dims.is_empty());
    assert!(dims
        .iter()
        .all(|p| p["target"]["kind"] == "dimension_stars" && p["exact"] == json!(true)));
    let o = tianping(&[
        "gap",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        f,
        "--target",
        "企业信用:5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("目标：企业信用 单项五星级"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn gap_errors_name_what_is_wrong() {
    let f = eepc_answers();
    let f = f.to_str().unwrap();
    let fails = |args: &[&str], needles: &[&str]| {
        let o = tianping(args);
        assert!(!o.status.success(), "{args:?} should fail");
        let err = stderr(&o);
        for n in needles {
            assert!(err.contains(n), "{args:?}: “{err}” lacks “{n}”");
        }
        assert!(!err.contains("panicked"), "{err}");
    };
    fails(
        &[
            "gap",
            "--scheme",
            "eepc-certification",
            "--input",
            f,
            "--target",
            "AAAAAA",
        ],
        &["--target", "AAAAAA", "AAAAA（"],
    );
    fails(&["gap", "--scheme", "nope", "--input", f], &["nope"]);
    let bad = tmp(
        "bad.json",
        &json!({"scheme": "eepc-certification", "answers": {"B.1-1": 0.3}}),
    );
    fails(
        &[
            "gap",
            "--scheme",
            "eepc-certification",
            "--input",
            bad.to_str().unwrap(),
        ],
        &["bad.json", "B.1-1", "0.5"],
    );
    let t11 = tmp(
        "t11.json",
        &json!({"scheme": "t11-aii-001-2020", "answers": {}}),
    );
    fails(
        &[
            "gap",
            "--scheme",
            "t11-aii-001-2020",
            "--input",
            t11.to_str().unwrap(),
        ],
        &["--variant"],
    );
}
