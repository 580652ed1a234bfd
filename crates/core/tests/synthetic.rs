//! Engine and loader behaviour on small schemes written inline, so each rule is tested
//! in isolation: half-open grade edges, I-2 scaling, level grading with step-down, answer
//! validation, loader errors naming file/line/indicator, and profiles.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tianping_core::{load_scheme, Plan, Profile, Scheme, SchemeFiles};

fn files(scheme: &str, tables: &[(&str, &str)]) -> SchemeFiles {
    let mut f = vec![("scheme.toml".to_string(), scheme.to_string())];
    for (n, t) in tables {
        f.push((format!("tables/{n}"), t.to_string()));
    }
    SchemeFiles {
        dir_name: "demo".into(),
        files: f,
    }
}

const POINTS_SCHEME: &str = r#"
id = "demo"
name = "演示"
standard = "T/DEMO"
method = "points"
[scale]
total = 100.0
[[grade]]
code = "一级"
label = "一级"
min = 85.0
min_inclusive = true
max = 100.0
max_inclusive = true
clause = "8.2"
[[grade]]
code = "二级"
label = "二级"
min = 70.0
min_inclusive = true
max = 85.0
max_inclusive = false
clause = "8.2"
[[grade]]
code = "三级"
label = "三级"
min = 60.0
min_inclusive = true
max = 70.0
max_inclusive = false
clause = "8.2"
"#;

/// 100 items of 1 point each, so the raw score is the score.
fn hundred_items() -> String {
    let mut t = String::from("[table]\nkey = \"A.1\"\ntitle = \"演示表\"\nclause = \"附录A\"\n");
    for i in 1..=100 {
        t.push_str(&format!(
            "\n[[indicator]]\nid = \"I{i}\"\nserial = \"{i}\"\npath = [\"能力\", \"项{i}\"]\npoints = 1.0\n"
        ));
    }
    t
}

fn points_scheme() -> Scheme {
    load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", &hundred_items())])).unwrap()
}

fn score_n(s: &Scheme, earned: f64) -> tianping_core::Evaluation {
    let plan = Plan::new(s, None, None).unwrap();
    // earned = k whole points plus a fractional remainder on one item.
    let mut answers = BTreeMap::new();
    let whole = earned.floor() as usize;
    for (i, l) in plan.leaves.iter().enumerate() {
        let v = if i < whole {
            1.0
        } else if i == whole {
            earned - whole as f64
        } else {
            0.0
        };
        answers.insert(l.ind.id.clone(), json!(v));
    }
    plan.evaluate(&answers, false).unwrap()
}

#[test]
fn grade_bands_are_half_open_at_every_edge() {
    let s = points_scheme();
    let grade = |x: f64| score_n(&s, x).grade.map(|g| g.code);
    assert_eq!(grade(100.0).as_deref(), Some("一级"));
    assert_eq!(grade(85.0).as_deref(), Some("一级"));
    assert_eq!(grade(84.99).as_deref(), Some("二级"));
    assert_eq!(grade(70.0).as_deref(), Some("二级"));
    assert_eq!(grade(69.99).as_deref(), Some("三级"));
    assert_eq!(grade(60.0).as_deref(), Some("三级"));
    assert_eq!(grade(59.99), None);
    assert_eq!(grade(0.0), None);
    // Below the lowest band: a score and no grade, with a warning saying so.
    let e = score_n(&s, 42.0);
    assert_eq!(e.total.score, 42.0);
    assert!(e.warnings.iter().any(|w| w.contains("不评定等级")));
    // The trace says which bands were missed.
    let e = score_n(&s, 84.5);
    assert_eq!(e.grade_trace[0].code, "一级");
    assert!(!e.grade_trace[0].met);
    assert!(e.grade_trace[1].met);
}

#[test]
fn float_noise_does_not_cross_an_edge() {
    // 0.1 added 850 times is 84.99999999999… in floating point; it must grade as 85.
    let s = points_scheme();
    let plan = Plan::new(&s, None, None).unwrap();
    let mut answers = BTreeMap::new();
    for (i, l) in plan.leaves.iter().enumerate() {
        answers.insert(l.ind.id.clone(), json!(if i < 85 { 1.0 } else { 0.0 }));
    }
    let e = plan.evaluate(&answers, false).unwrap();
    assert_eq!(e.grade.unwrap().code, "一级");
}

#[test]
fn printed_total_scales_items_that_do_not_add_up() {
    // Two items of 49.75 (Σ 99.5) on a printed total of 100, with an I-2 interpretation.
    let scheme = format!(
        "{POINTS_SCHEME}\n[[interpretation]]\nid = \"I2\"\ndecision = \"I-2\"\nclause = \"A\"\ntext = \"t\"\naction = \"a\"\nreason = \"r\"\n"
    );
    let table = "[table]\nkey = \"A.1\"\ntitle = \"t\"\nclause = \"A\"\n\
        [[indicator]]\nid = \"a\"\npath = [\"x\", \"a\"]\npoints = 49.75\n\
        [[indicator]]\nid = \"b\"\npath = [\"x\", \"b\"]\npoints = 49.75\n";
    let s = load_scheme(&files(&scheme, &[("A.1.toml", table)])).unwrap();
    let plan = Plan::new(&s, None, None).unwrap();
    let e = plan
        .evaluate(
            &BTreeMap::from([("a".into(), json!(49.75)), ("b".into(), json!(34.825))]),
            false,
        )
        .unwrap();
    assert!((e.total.raw - 84.575).abs() < 1e-9);
    assert_eq!(e.total.max, 99.5);
    assert!((e.total.score - 85.0).abs() < 1e-9);
    assert_eq!(e.grade.unwrap().code, "一级");
    assert!(e.interpretations.iter().any(|i| i.id == "I2"));
    // Without the interpretation the same files are refused.
    let err = load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", table)])).unwrap_err();
    assert!(err[0].message.contains("99.5"), "{:?}", err);
}

#[test]
fn answers_are_checked_and_errors_name_the_indicator() {
    let s = points_scheme();
    let plan = Plan::new(&s, None, None).unwrap();
    let bad: Vec<(&str, Value, &str)> = vec![
        ("I1", json!(1.5), "超出范围"),
        ("I1", json!(-1), "超出范围"),
        ("I1", json!("5"), "答案类型不对"),
        ("I1", json!({"experts": []}), "至少需要 1 位"),
        ("I1", json!({"likert": [6]}), "1 至 5"),
        ("I1", json!({"likert": [2.5]}), "1 至 5"),
        ("I1", json!({"what": 1}), "无法识别"),
        ("I1", json!({"value": 1, "source": "mars"}), "source"),
        ("NOPE", json!(1), "没有这个指标"),
    ];
    for (id, v, needle) in bad {
        let errs = plan
            .evaluate(&BTreeMap::from([(id.to_string(), v.clone())]), false)
            .unwrap_err();
        assert_eq!(errs[0].indicator, id);
        assert!(
            errs[0].message.contains(needle),
            "{v}: “{}” lacks “{needle}”",
            errs[0].message
        );
    }
}

#[test]
fn experts_take_the_mean_and_likert_maps_to_points() {
    let s = points_scheme();
    let plan = Plan::new(&s, None, None).unwrap();
    let e = plan
        .evaluate(
            &BTreeMap::from([
                ("I1".into(), json!({"experts": [1, 0.5, 0]})),
                ("I2".into(), json!({"likert": [5, 3]})),
            ]),
            false,
        )
        .unwrap();
    // 0.5 + 1 × (4 − 1) / 4 = 1.25
    assert!((e.total.raw - 1.25).abs() < 1e-9);
    assert_eq!(e.unanswered.len(), 98);
}

const LEVELS_SCHEME: &str = r#"
id = "demo"
name = "演示"
standard = "T/DEMO"
method = "weighted-levels"
[extra]
leaf_level_scores = [0.0, 50.0, 70.0, 85.0, 95.0, 100.0]
[[grade]]
code = "5"
label = "第五级"
min = 95.0
min_inclusive = false
max = 100.0
max_inclusive = true
max_below = 3
clause = "5.3"
[[grade]]
code = "4"
label = "第四级"
min = 85.0
min_inclusive = false
max = 95.0
max_inclusive = true
max_below = 3
clause = "5.3"
[[grade]]
code = "3"
label = "第三级"
min = 70.0
min_inclusive = false
max = 85.0
max_inclusive = true
max_below = 4
clause = "5.3"
[[grade]]
code = "2"
label = "第二级"
min = 50.0
min_inclusive = false
max = 70.0
max_inclusive = true
max_below = 5
clause = "5.3"
[[grade]]
code = "1"
label = "第一级"
min = 0.0
min_inclusive = true
max = 50.0
max_inclusive = true
max_below = 0
clause = "5.3"
"#;

/// 20 leaves of 5 % each under one group.
fn twenty_leaves() -> String {
    let mut t = String::from("[table]\nkey = \"表1\"\ntitle = \"t\"\nclause = \"5.2\"\n");
    for i in 1..=20 {
        t.push_str(&format!(
            "\n[[indicator]]\nid = \"L{i}\"\npath = [\"基础\", \"设备\", \"叶{i}\"]\nweights = [100.0, 100.0, 5.0]\nlevels = [\"一\", \"二\", \"三\", \"四\", \"五\"]\n"
        ));
    }
    t
}

#[test]
fn levels_grade_steps_down_when_too_many_leaves_are_below() {
    let s = load_scheme(&files(LEVELS_SCHEME, &[("表1.toml", &twenty_leaves())])).unwrap();
    let plan = Plan::new(&s, None, None).unwrap();
    let eval = |levels: &[u32]| {
        let a: BTreeMap<String, Value> = plan
            .leaves
            .iter()
            .zip(levels)
            .map(|(l, v)| (l.ind.id.clone(), json!(v)))
            .collect();
        plan.evaluate(&a, false).unwrap()
    };
    let mut lv = vec![5u32; 20];
    assert_eq!(eval(&lv).grade.unwrap().code, "5");
    // Three leaves at level 4: 100 − 3 × 5 % × 5 = 99.25, still level 5 (≤ 3 below).
    lv[0] = 4;
    lv[1] = 4;
    lv[2] = 4;
    let e = eval(&lv);
    assert!((e.total.score - 99.25).abs() < 1e-9);
    assert_eq!(e.grade.unwrap().code, "5");
    // A fourth: 99.0 is in level 5's band but 4 leaves are below → step down to 4.
    lv[3] = 4;
    let e = eval(&lv);
    assert_eq!(e.grade.as_ref().unwrap().code, "4");
    assert!(!e.grade_trace[0].met && e.grade_trace[0].reason.contains("4 项"));
    // All at level k lands in level k (the top of each band, I-7).
    for k in 1..=5u32 {
        assert_eq!(eval(&[k; 20]).grade.unwrap().code, k.to_string());
    }
    // Level 1 needs every leaf ≥ 1.
    let mut ones = vec![1u32; 20];
    ones[7] = 0;
    let e = eval(&ones);
    assert!(e.grade.is_none());
    assert!(e.warnings.iter().any(|w| w.contains("未达基础级")));
    // Levels must be whole numbers 0..5.
    let errs = plan
        .evaluate(&BTreeMap::from([("L1".into(), json!(6))]), false)
        .unwrap_err();
    assert!(errs[0].message.contains("等级"));
}

#[test]
fn loader_errors_name_file_line_and_indicator() {
    let table = "[table]\nkey = \"A.1\"\ntitle = \"t\"\nclause = \"A\"\n\n\
        [[indicator]]\nid = \"a\"\npath = [\"x\", \"a\"]\npoints = 100.0\n\n\
        [[indicator]]\nid = \"a\"\npath = [\"x\", \"b\"]\npoints = 0.0\ninterpretations = [\"nope\"]\n";
    let errs = load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", table)])).unwrap_err();
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    let all = text.join("\n");
    assert!(
        all.contains("demo/tables/A.1.toml:11: 指标 a: points 方案的每个指标须有大于 0 的 points"),
        "{all}"
    );
    assert!(all.contains("指标 id 重复"), "{all}");
    assert!(all.contains("引用了不存在的解释 “nope”"), "{all}");
    // TOML syntax errors carry the line.
    let errs =
        load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", "[table]\nkey = \n")])).unwrap_err();
    assert_eq!(errs[0].line, Some(2));
    assert!(errs[0].file.ends_with("A.1.toml"));
    // Unknown fields are refused (typos in a standards editor's file).
    let errs = load_scheme(&files(
        POINTS_SCHEME,
        &[(
            "A.1.toml",
            "[table]\nkey = \"A\"\ntitle = \"t\"\nclause = \"c\"\ntitel = \"x\"\n",
        )],
    ))
    .unwrap_err();
    assert!(errs[0].message.contains("titel"), "{:?}", errs);
}

#[test]
fn overlapping_or_gapped_grade_bands_are_refused() {
    let bad = POINTS_SCHEME.replacen(
        "max = 85.0\nmax_inclusive = false",
        "max = 85.0\nmax_inclusive = true",
        1,
    );
    let errs = load_scheme(&files(&bad, &[("A.1.toml", &hundred_items())])).unwrap_err();
    assert!(
        errs.iter().any(|e| e.message.contains("重叠")),
        "{:?}",
        errs
    );
    let gap = POINTS_SCHEME.replacen("max = 85.0", "max = 84.0", 1);
    let errs = load_scheme(&files(&gap, &[("A.1.toml", &hundred_items())])).unwrap_err();
    assert!(
        errs.iter().any(|e| e.message.contains("首尾相接")),
        "{:?}",
        errs
    );
}

#[test]
fn profile_exclusion_for_points_schemes() {
    let s = points_scheme();
    let p = Profile::parse(
        "p.toml",
        "name = \"只评前50项\"\nscheme = \"demo\"\nexclude = [\"I51\", \"I52\"]\n",
    )
    .unwrap();
    let plan = Plan::new(&s, None, Some(&p)).unwrap();
    assert_eq!(plan.leaves.len(), 98);
    let e = plan.evaluate(&BTreeMap::new(), false).unwrap();
    assert_eq!(e.profile.unwrap().hash.len(), 64);
    assert_eq!(e.excluded, vec!["I51", "I52"]);
    // Answering an excluded indicator is an error that says why.
    let errs = plan
        .evaluate(&BTreeMap::from([("I51".into(), json!(1))]), false)
        .unwrap_err();
    assert!(errs[0].message.contains("排除"));
    // Weights cannot be set on a points scheme.
    let p = Profile::parse(
        "p.toml",
        "name = \"x\"\nscheme = \"demo\"\n[group_weights]\n\"能力\" = 100\n",
    )
    .unwrap();
    let err = Plan::new(&s, None, Some(&p)).unwrap_err();
    assert!(err.0.contains("只能排除指标"), "{}", err.0);
    // A profile for another scheme is refused.
    let p = Profile::parse("p.toml", "name = \"x\"\nscheme = \"other\"\n").unwrap();
    assert!(Plan::new(&s, None, Some(&p))
        .unwrap_err()
        .0
        .contains("other"));
    // Bad TOML names the file and line.
    let err = Profile::parse("p.toml", "name = \"x\"\nscheme = \n").unwrap_err();
    assert!(err.starts_with("p.toml:2"), "{err}");
}

/// The points scheme split into two variants with aliases (appendix letters and type names).
fn variant_scheme(variants: &str) -> Result<Scheme, Vec<tianping_core::SchemeError>> {
    let scheme = POINTS_SCHEME.replacen("[scale]", &format!("{variants}\n[scale]"), 1);
    let table = |key: &str, variant: &str, prefix: &str| {
        let mut t = format!(
            "[table]\nkey = \"{key}\"\ntitle = \"t\"\nvariant = \"{variant}\"\nclause = \"c\"\n"
        );
        for i in 1..=50 {
            t.push_str(&format!(
                "\n[[indicator]]\nid = \"{prefix}{i}\"\npath = [\"能力\", \"项{i}\"]\npoints = 1.0\n"
            ));
        }
        t
    };
    load_scheme(&files(
        &scheme,
        &[
            ("A.toml", &table("A.1", "platform", "a")),
            ("B.toml", &table("B.1", "tech-service", "b")),
        ],
    ))
}

const TWO_VARIANTS: &str = r#"
[[variant]]
id = "platform"
name = "平台类企业"
aliases = ["A", "平台类"]
tables = ["A.1"]

[[variant]]
id = "tech-service"
name = "技术服务类企业"
aliases = ["B", "技术服务类"]
tables = ["B.1"]
"#;

#[test]
fn variants_resolve_by_id_letter_or_name() {
    let s = variant_scheme(TWO_VARIANTS).unwrap();
    for key in [
        "tech-service",
        "B",
        "b",
        " B ",
        "技术服务类",
        "技术服务类企业",
        "TECH-SERVICE",
    ] {
        assert_eq!(s.canonical_variant_id(key), Some("tech-service"), "{key}");
        // Plan::new accepts every form and the plan (and result) carry the canonical id.
        let plan = Plan::new(&s, Some(key), None).unwrap();
        assert_eq!(plan.variant.map(|v| v.id.as_str()), Some("tech-service"));
        assert!(plan.leaves.iter().all(|l| l.ind.id.starts_with('b')));
        let e = plan.evaluate(&BTreeMap::new(), false).unwrap();
        assert_eq!(e.variant.as_deref(), Some("tech-service"), "{key}");
    }
    assert_eq!(s.canonical_variant_id("A"), Some("platform"));
    assert_eq!(s.canonical_variant_id("平台类企业"), Some("platform"));
    // `variant` stays an exact lookup of the canonical id.
    assert!(s.variant("B").is_none());
    for key in ["C", "", "  ", "技术服务", "platform2"] {
        assert_eq!(s.canonical_variant_id(key), None, "{key:?}");
    }
    // An unknown variant lists every accepted form.
    let err = Plan::new(&s, Some("C"), None).unwrap_err().0;
    for form in [
        "“C”",
        "platform",
        "A",
        "平台类",
        "平台类企业",
        "tech-service",
        "B",
        "技术服务类",
        "技术服务类企业",
    ] {
        assert!(err.contains(form), "“{err}” lacks {form}");
    }
    // A profile may name its variant by alias too, and is still checked against the plan's.
    let p = Profile::parse(
        "p.toml",
        "name = \"x\"\nscheme = \"demo\"\nvariant = \"技术服务类\"\n",
    )
    .unwrap();
    assert!(Plan::new(&s, Some("B"), Some(&p)).is_ok());
    let err = Plan::new(&s, Some("A"), Some(&p)).unwrap_err().0;
    assert!(
        err.contains("适用于类别 tech-service，不能用于 platform"),
        "{err}"
    );
    let p = Profile::parse(
        "p.toml",
        "name = \"x\"\nscheme = \"demo\"\nvariant = \"Z\"\n",
    )
    .unwrap();
    let err = Plan::new(&s, Some("A"), Some(&p)).unwrap_err().0;
    assert!(
        err.contains("“Z”") && err.contains("技术服务类企业"),
        "{err}"
    );
}

#[test]
fn variant_aliases_must_be_unique_in_the_scheme() {
    for (from, to, needle) in [
        // an alias used by two variants (letters compare in either case)
        (
            "aliases = [\"B\", \"技术服务类\"]",
            "aliases = [\"a\", \"技术服务类\"]",
            "别名（aliases） “a” 与类别 platform 的别名（aliases） 重复",
        ),
        // an alias equal to another variant's name
        (
            "aliases = [\"B\", \"技术服务类\"]",
            "aliases = [\"B\", \"平台类企业\"]",
            "“平台类企业” 与类别 platform 的名称（name） 重复",
        ),
        // an alias equal to another variant's id
        (
            "aliases = [\"B\", \"技术服务类\"]",
            "aliases = [\"Platform\"]",
            "“Platform” 与类别 platform 的id 重复",
        ),
        // two variants with the same name
        (
            "name = \"技术服务类企业\"",
            "name = \"平台类企业\"",
            "名称（name） “平台类企业” 与类别 platform 的名称（name） 重复",
        ),
        // a blank alias
        (
            "aliases = [\"B\", \"技术服务类\"]",
            "aliases = [\" \"]",
            "别名（aliases）为空",
        ),
    ] {
        assert!(TWO_VARIANTS.contains(from), "{from}");
        let v = TWO_VARIANTS.replacen(from, to, 1);
        let errs = variant_scheme(&v).unwrap_err();
        let e = errs
            .iter()
            .find(|e| e.message.contains(needle))
            .unwrap_or_else(|| panic!("no “{needle}” in {errs:?}"));
        assert_eq!(e.file, "demo/scheme.toml");
        // the line of the second [[variant]] table in scheme.toml
        let scheme = POINTS_SCHEME.replacen("[scale]", &format!("{v}\n[scale]"), 1);
        let second = scheme.match_indices("[[variant]]").nth(1).unwrap().0;
        assert_eq!(
            e.line,
            Some(scheme[..second].matches('\n').count() + 1),
            "{e}"
        );
        assert!(e.message.contains("tech-service"), "{e}");
    }
}

fn all_errors(errs: &[tianping_core::SchemeError]) -> String {
    errs.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn scale_total_must_be_positive_and_items_within_it() {
    let line_of =
        |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
    for (total, shown) in [
        ("-100.0", "-100"),
        ("0.0", "0"),
        ("nan", "NaN"),
        ("-inf", "-inf"),
    ] {
        let scheme = POINTS_SCHEME.replacen("total = 100.0", &format!("total = {total}"), 1);
        let errs = load_scheme(&files(&scheme, &[("A.1.toml", &hundred_items())])).unwrap_err();
        let e = errs
            .iter()
            .find(|e| e.message.contains("[scale] total"))
            .unwrap_or_else(|| panic!("{total}: {}", all_errors(&errs)));
        assert_eq!(e.file, "demo/scheme.toml");
        assert_eq!(e.line, Some(line_of(&scheme, "total =")), "{e}");
        assert!(
            e.message
                .contains(&format!("total = {shown}：总分应为大于 0 的有限数")),
            "{e}"
        );
    }
    // An item worth more than the total it is part of is refused, naming file, line and id,
    // even when an I-2 interpretation excuses the sum.
    let i2 = "\n[[interpretation]]\nid = \"I-2-x\"\ndecision = \"I-2\"\nclause = \"c\"\ntext = \"t\"\naction = \"a\"\nreason = \"r\"\n";
    let scheme = format!("{POINTS_SCHEME}{i2}");
    let table = hundred_items().replacen("points = 1.0", "points = 150.0", 1);
    let errs = load_scheme(&files(&scheme, &[("A.1.toml", &table)])).unwrap_err();
    let all = all_errors(&errs);
    assert_eq!(errs.len(), 1, "{all}");
    assert_eq!(errs[0].indicator.as_deref(), Some("I1"));
    assert_eq!(
        errs[0].line,
        Some(line_of(&table, "[[indicator]]")),
        "{all}"
    );
    assert!(
        all.contains("demo/tables/A.1.toml") && all.contains("points = 150 超过本表所属的总分 100"),
        "{all}"
    );
    // exactly the total is fine (a one-item table)
    let one = "[table]\nkey = \"A.1\"\ntitle = \"t\"\nclause = \"c\"\n\n[[indicator]]\nid = \"all\"\npath = [\"x\"]\npoints = 100.0\n";
    assert!(load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", one)])).is_ok());
}

#[test]
fn a_denormal_total_is_reported_as_itself() {
    let scheme = POINTS_SCHEME.replacen("total = 100.0", "total = 5e-324", 1);
    let errs = load_scheme(&files(&scheme, &[("A.1.toml", &hundred_items())])).unwrap_err();
    let all = all_errors(&errs);
    // 5e-324 is above 0, so the total itself passes; every item exceeds it, and the sum
    // differs from it: each message shows 5e-324, none shows a total of 0.
    assert!(all.contains("超过本表所属的总分 5e-324"), "{all}");
    assert!(all.contains("与总分 5e-324 不符"), "{all}");
    assert!(!all.contains("总分 0"), "{all}");
}

#[test]
fn a_utf8_bom_is_ignored_and_the_version_kept() {
    let plain = files(POINTS_SCHEME, &[("A.1.toml", &hundred_items())]);
    let mut bom = plain.clone();
    for (_, t) in bom.files.iter_mut() {
        t.insert(0, '\u{feff}');
    }
    let a = load_scheme(&plain).unwrap();
    let b = load_scheme(&bom).unwrap();
    assert_eq!(a.version, b.version);
    assert_eq!(bom.version(), plain.version());
    assert_eq!(b.indicators.len(), 100);
    assert_eq!(
        (b.indicators[0].line, b.indicators[0].file.as_str()),
        (a.indicators[0].line, a.indicators[0].file.as_str())
    );
    // a BOM inside the text is content, not a mark: it still changes the version
    let mut inner = plain.clone();
    inner.files[1].1.push_str("# \u{feff}\n");
    assert_ne!(inner.version(), plain.version());
    // errors in a file with a BOM still name the right line
    let bad = "\u{feff}[table]\nkey = \n";
    let errs = load_scheme(&files(POINTS_SCHEME, &[("A.1.toml", bad)])).unwrap_err();
    assert_eq!(errs[0].line, Some(2), "{}", all_errors(&errs));
}

#[test]
fn counts_files_are_validated() {
    let with_counts = |counts: &[(&str, &str)]| {
        let mut f = files(POINTS_SCHEME, &[("A.1.toml", &hundred_items())]);
        for (n, t) in counts {
            f.files.push((format!("counts/{n}"), t.to_string()));
        }
        load_scheme(&f)
    };
    let good = "[[table]]\nkey = \"A.1\"\nrows = 100\nrows_method = \"序号\"\nrows_check = 100\nrows_check_method = \"行数\"\npoints_total = 100.0\nnote = \"n\"\n";
    let s = with_counts(&[("a.toml", good)]).unwrap();
    // counts are not part of the scheme version
    assert_eq!(s.version, points_scheme().version);
    for (text, line, needle) in [
        // an unknown field (a typo) is refused with its line
        (
            good.replace("rows_check = 100", "rows_chek = 100"),
            5,
            "rows_chek",
        ),
        // a missing required field
        (
            good.replace("rows_method = \"序号\"\n", ""),
            1,
            "rows_method",
        ),
        // a negative count is not a count
        (good.replace("rows = 100", "rows = -1"), 3, "`-1`"),
        // a table the scheme does not have
        (
            good.replace("key = \"A.1\"", "key = \"A.9\""),
            1,
            "计数的表 “A.9” 不是本方案的表；可用：A.1",
        ),
        (
            good.replace("points_total = 100.0", "points_total = -1.0"),
            1,
            "points_total = -1",
        ),
        (
            format!("{good}\n{good}"),
            10,
            "表 “A.1” 已在 demo/counts/a.toml:1 计数",
        ),
        ("x = 1\n".to_string(), 1, "x"),
    ] {
        let errs = with_counts(&[("a.toml", &text)]).unwrap_err();
        let all = all_errors(&errs);
        assert_eq!(errs.len(), 1, "{all}");
        assert_eq!(errs[0].file, "demo/counts/a.toml", "{all}");
        assert_eq!(errs[0].line, Some(line), "{all}");
        assert!(errs[0].message.contains(needle), "{all}");
    }
    // the same table counted in two files names the first
    let errs = with_counts(&[("a.toml", good), ("b.toml", good)]).unwrap_err();
    assert!(
        all_errors(&errs).contains("demo/counts/b.toml:1: 表 “A.1” 已在 demo/counts/a.toml:1 计数"),
        "{}",
        all_errors(&errs)
    );
}
