use super::*;
use crate::text::Role;
use chrono::TimeZone;
use serde_json::json;

fn p(role: Role, org: Option<i64>) -> Principal {
    Principal {
        user_id: 1,
        role,
        org_id: org,
        enterprise_id: (role == Role::Enterprise).then_some(3),
    }
}

const ONSITE: Target = Target {
    org_id: Some(1),
    status: AssessmentStatus::Draft,
    likert_items: 2,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A UTC instant from `YYYY-MM-DDTHH:MM:SS`.
fn utc(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap())
}

fn items() -> Vec<Item> {
    vec![
        Item {
            id: "A1.2.13".into(),
            text:
                "研发成果为企业带来的直接和间接收益的综合水平对其研发人员进行相应的物质和精神奖励。"
                    .into(),
            max: 1.0,
        },
        Item {
            id: "A1.2.15".into(),
            text: "企业具体工作计划实施过程中,应鼓励尝试新渠道、新方法等。".into(),
            max: 1.0,
        },
    ]
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn resp(a: u8, b: u8) -> BTreeMap<String, u8> {
    BTreeMap::from([("A1.2.13".to_string(), a), ("A1.2.15".to_string(), b)])
}

#[test]
fn only_an_admin_or_auditor_of_the_running_body_manages_questionnaires() {
    assert!(may_manage(&p(Role::BodyAdmin, Some(1)), &ONSITE).is_ok());
    assert!(may_manage(&p(Role::Auditor, Some(1)), &ONSITE).is_ok());
    for who in [
        p(Role::Auditor, Some(2)),
        p(Role::BodyAdmin, Some(2)),
        p(Role::Expert, Some(1)),
        p(Role::Decider, Some(1)),
        p(Role::Operator, Some(1)),
        p(Role::Enterprise, None),
        p(Role::Sysadmin, None),
    ] {
        assert!(
            matches!(may_manage(&who, &ONSITE), Err(Denied::Forbidden(_))),
            "{:?}",
            who.role
        );
    }
    let own = Target {
        org_id: None,
        ..ONSITE
    };
    assert!(matches!(
        may_manage(&p(Role::Auditor, Some(1)), &own),
        Err(Denied::Invalid(_))
    ));
    let none = Target {
        likert_items: 0,
        ..ONSITE
    };
    let Err(Denied::Invalid(e)) = may_manage(&p(Role::Auditor, Some(1)), &none) else {
        panic!("an assessment without questionnaire items needs no questionnaire")
    };
    assert!(e[0].message.zh.contains("问卷调查"));
}

#[test]
fn the_closing_date_is_after_today_and_at_most_90_days_ahead() {
    let today = d("2026-09-30");
    for (on, ok) in [
        ("2026-09-29", false),
        ("2026-09-30", false),
        ("2026-10-01", true),
        // calendar days: the National Day holiday (10-01..07) counts like any day
        ("2026-10-08", true),
        ("2026-12-29", true),
        ("2026-12-30", false),
        ("2027-03-01", false),
    ] {
        let r = check_closes_on(d(on), today);
        assert_eq!(r.is_ok(), ok, "{on}: {r:?}");
    }
    let e = check_closes_on(d("2026-09-30"), today).unwrap_err();
    assert_eq!(e.field, "closes_on");
    assert!(
        e.message.zh.contains("2026年9月30日") && e.message.zh.contains("2026年10月1日"),
        "names today and the earliest day: {}",
        e.message.zh
    );
    let e = check_closes_on(d("2026-12-30"), today).unwrap_err();
    assert!(
        e.message.zh.contains("90 天") && e.message.zh.contains("2026年12月29日"),
        "names the limit and the latest day: {}",
        e.message.zh
    );
    // across a year end and a leap day
    assert!(check_closes_on(d("2028-05-29"), d("2028-02-29")).is_ok());
    assert!(check_closes_on(d("2028-05-30"), d("2028-02-29")).is_err());
}

#[test]
fn opening_names_every_field_at_fault() {
    let today = d("2026-11-25");
    let ok = check_open(
        &OpenInput {
            closes_on: " 2026-12-10 ".into(),
            links: "30".into(),
        },
        today,
    )
    .unwrap();
    assert_eq!(
        ok,
        Opening {
            closes_on: d("2026-12-10"),
            links: 30
        }
    );
    for links in ["0", "501", "-1", "2.5", "abc", ""] {
        let r = check_open(
            &OpenInput {
                closes_on: "2026-12-10".into(),
                links: links.into(),
            },
            today,
        );
        let Err(Denied::Invalid(e)) = r else {
            panic!("{links} links accepted")
        };
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "links");
        assert!(e[0].message.zh.contains("1 至 500"), "{}", e[0].message.zh);
    }
    assert_eq!(check_links("500"), Ok(500));
    assert_eq!(check_links("1"), Ok(1));
    let Err(Denied::Invalid(e)) = check_open(
        &OpenInput {
            closes_on: "12/10".into(),
            links: "0".into(),
        },
        today,
    ) else {
        panic!()
    };
    let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["closes_on", "links"]);
}

#[test]
fn a_link_answers_through_its_closing_day_in_china_time() {
    let open = LinkFacts {
        used: false,
        status: QuestionnaireStatus::Open,
        closes_on: d("2026-10-08"),
    };
    for (now, ok) in [
        // 2026-10-08 23:59:59 in China
        ("2026-10-08T15:59:59", true),
        // 2026-10-09 00:00:00 in China, still the 8th in UTC
        ("2026-10-08T16:00:00", false),
        ("2026-10-09T12:00:00", false),
        // the 8th begins in China at 16:00 UTC the day before
        ("2026-10-07T16:00:00", true),
        ("2026-10-01T00:00:00", true),
    ] {
        let r = may_answer(Some(&open), utc(now));
        assert_eq!(r.is_ok(), ok, "{now}: {r:?}");
        assert_eq!(
            is_closed(QuestionnaireStatus::Open, open.closes_on, utc(now)),
            !ok,
            "{now}"
        );
    }
    assert_eq!(
        may_answer(Some(&open), utc("2026-10-08T16:00:00")),
        Err(LinkRefused::Expired {
            closes_on: d("2026-10-08")
        })
    );
    let m = LinkRefused::Expired {
        closes_on: d("2026-10-08"),
    }
    .message();
    assert!(m.zh.contains("2026年10月8日"), "{}", m.zh);
}

#[test]
fn a_used_unknown_or_closed_link_is_refused_with_its_reason() {
    let now = utc("2026-10-02T08:00:00");
    let base = LinkFacts {
        used: false,
        status: QuestionnaireStatus::Open,
        closes_on: d("2026-10-08"),
    };
    assert_eq!(may_answer(None, now), Err(LinkRefused::Unknown));
    let used = LinkFacts { used: true, ..base };
    assert_eq!(may_answer(Some(&used), now), Err(LinkRefused::Used));
    let closed = LinkFacts {
        status: QuestionnaireStatus::Closed,
        ..base
    };
    assert_eq!(may_answer(Some(&closed), now), Err(LinkRefused::Closed));
    // a used link says so even after the questionnaire closed
    let both = LinkFacts {
        used: true,
        status: QuestionnaireStatus::Closed,
        ..base
    };
    assert_eq!(may_answer(Some(&both), now), Err(LinkRefused::Used));
    assert!(LinkRefused::Used.message().zh.contains("此链接已使用"));
    assert!(LinkRefused::Unknown.message().zh.contains("链接无效"));
    assert!(LinkRefused::Closed.message().zh.contains("问卷已结束"));
}

#[test]
fn one_questionnaire_takes_answers_at_a_time_on_a_draft() {
    let now = utc("2026-10-02T08:00:00");
    assert!(may_open(&ONSITE, &[], now).is_ok());
    assert!(may_open(
        &ONSITE,
        &[(QuestionnaireStatus::Closed, d("2026-10-30"))],
        now
    )
    .is_ok());
    // past its closing day: closed, though nobody pressed the button
    assert!(may_open(
        &ONSITE,
        &[(QuestionnaireStatus::Open, d("2026-10-01"))],
        now
    )
    .is_ok());
    let Err(Denied::Conflict(m)) = may_open(
        &ONSITE,
        &[(QuestionnaireStatus::Open, d("2026-10-02"))],
        now,
    ) else {
        panic!("a second open questionnaire")
    };
    assert!(m.zh.contains("2026年10月2日"), "{}", m.zh);
    let submitted = Target {
        status: AssessmentStatus::Submitted,
        ..ONSITE
    };
    assert!(matches!(
        may_open(&submitted, &[], now),
        Err(Denied::Locked(_))
    ));
    assert!(may_change(QuestionnaireStatus::Open, d("2026-10-02"), now).is_ok());
    assert!(matches!(
        may_change(QuestionnaireStatus::Closed, d("2026-10-30"), now),
        Err(Denied::Conflict(_))
    ));
    let Err(Denied::Conflict(m)) = may_change(QuestionnaireStatus::Open, d("2026-10-01"), now)
    else {
        panic!("past its closing day")
    };
    assert!(m.zh.contains("2026年10月1日"));
}

#[test]
fn a_response_rates_every_item_from_1_to_5() {
    let its = items();
    let ok = check_response(
        &its,
        &form(&[("A1.2.13", "4"), ("A1.2.15", " 5 "), ("csrf", "x")]),
    )
    .unwrap();
    assert_eq!(
        ok,
        vec![("A1.2.13".to_string(), 4), ("A1.2.15".to_string(), 5)]
    );
    for edge in ["1", "5"] {
        assert!(check_response(&its, &form(&[("A1.2.13", edge), ("A1.2.15", edge)])).is_ok());
    }
    // a missing second item is named by its number and text
    let e = check_response(&its, &form(&[("A1.2.13", "3")])).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "A1.2.15");
    assert!(
        e[0].message
            .zh
            .starts_with("第 2 题（企业具体工作计划实施过程中")
            && e[0].message.zh.contains("未作答"),
        "{}",
        e[0].message.zh
    );
    for bad in ["0", "6", "3.5", "abc", "-1", "255", "256"] {
        let e = check_response(&its, &form(&[("A1.2.13", bad), ("A1.2.15", "3")])).unwrap_err();
        assert_eq!(e.len(), 1, "{bad}");
        assert_eq!(e[0].field, "A1.2.13");
        assert!(
            e[0].message.zh.contains(&format!("“{}”无效", bad))
                && e[0]
                    .message
                    .zh
                    .starts_with("第 1 题（研发成果为企业带来的直接和间接收益的综合水平对其…）"),
            "{}",
            e[0].message.zh
        );
    }
    // nothing at all: every item named
    assert_eq!(check_response(&its, &form(&[])).unwrap_err().len(), 2);
}

#[test]
fn the_aggregate_is_the_mean_and_the_i13_score() {
    let its = items();
    let rs = [resp(5, 1), resp(4, 2), resp(3, 2)];
    let a = aggregate(&its, &rs);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].count, 3);
    assert!((a[0].mean - 4.0).abs() < 1e-12);
    assert!((a[0].score - 0.75).abs() < 1e-12);
    assert!((a[1].mean - 5.0 / 3.0).abs() < 1e-12);
    assert!((a[1].score - (5.0 / 3.0 - 1.0) / 4.0).abs() < 1e-12);
    // all fives: full points; all ones: none
    let full = aggregate(&its, &vec![resp(5, 1); 4]);
    assert_eq!((full[0].score, full[1].score), (1.0, 0.0));
}

#[test]
fn the_score_agrees_with_the_cores_likert_answer() {
    let catalog = tianping_catalog::Catalog::load(None).unwrap();
    let scheme = catalog.get("t-cic-capability").unwrap();
    let likert: Vec<&tianping_core::Indicator> =
        scheme.indicators.iter().filter(|i| i.likert).collect();
    assert!(!likert.is_empty());
    let its: Vec<Item> = likert
        .iter()
        .map(|i| Item {
            id: i.id.clone(),
            text: i.requirement.clone().unwrap_or_default(),
            max: i.points.unwrap(),
        })
        .collect();
    let rs: Vec<BTreeMap<String, u8>> = [[2u8, 5], [3, 5], [5, 1], [4, 4], [1, 2]]
        .iter()
        .map(|pair| {
            its.iter()
                .zip(pair.iter().cycle())
                .map(|(it, x)| (it.id.clone(), *x))
                .collect()
        })
        .collect();
    let agg = aggregate(&its, &rs);
    for (ind, (a, (id, xs))) in likert.iter().zip(agg.iter().zip(likert_answers(&its, &rs))) {
        assert_eq!(&a.id, &id);
        let core = tianping_core::answer::parse_answer(
            ind,
            tianping_core::AnswerKind::Points,
            ind.points.unwrap(),
            &json!({ "likert": xs }),
        )
        .unwrap();
        assert!((core.value - a.score).abs() < 1e-12, "{id}");
    }
}

#[test]
fn the_body_sees_the_aggregate_only_when_closed_with_three_responses() {
    let its = items();
    let two = [resp(5, 5), resp(1, 1)];
    let three = [resp(5, 5), resp(1, 1), resp(3, 3)];
    let r = results(&its, &two, true);
    assert_eq!(r.count, 2);
    assert_eq!(r.aggregate, Err(Withheld::TooFew { got: 2 }));
    assert!(Withheld::TooFew { got: 2 }
        .message()
        .zh
        .contains("至少 3 份"));
    let r = results(&its, &two, false);
    assert_eq!(r.aggregate, Err(Withheld::TooFew { got: 2 }));
    let r = results(&its, &three, false);
    assert_eq!((r.count, r.aggregate), (3, Err(Withheld::Open)));
    let r = results(&its, &three, true);
    let agg = r.aggregate.unwrap();
    assert_eq!(agg.len(), 2);
    assert!((agg[0].mean - 3.0).abs() < 1e-12);
    assert_eq!(results(&its, &[], true).count, 0);
}

#[test]
fn applying_needs_a_closed_questionnaire_with_three_responses_on_a_draft() {
    assert!(may_apply(true, 3, AssessmentStatus::Draft).is_ok());
    assert!(matches!(
        may_apply(false, 10, AssessmentStatus::Draft),
        Err(Denied::Conflict(_))
    ));
    let Err(Denied::Conflict(m)) = may_apply(true, 2, AssessmentStatus::Draft) else {
        panic!()
    };
    assert!(m.zh.contains("只有 2 份"), "{}", m.zh);
    assert!(matches!(
        may_apply(true, 3, AssessmentStatus::Submitted),
        Err(Denied::Locked(_))
    ));
}

#[test]
fn applied_ratings_are_sorted_per_item_and_stored_responses_read_back() {
    let its = items();
    let rs = [resp(5, 1), resp(2, 4), resp(4, 2)];
    assert_eq!(
        likert_answers(&its, &rs),
        vec![
            ("A1.2.13".to_string(), vec![2, 4, 5]),
            ("A1.2.15".to_string(), vec![1, 2, 4]),
        ]
    );
    let text = stored(&[("A1.2.15".into(), 4), ("A1.2.13".into(), 2)]);
    assert_eq!(text, r#"{"A1.2.15":4,"A1.2.13":2}"#);
    assert_eq!(parse_stored(&text), Some(resp(2, 4)));
    assert_eq!(parse_stored("[1,2]"), None);
    // a rating off the scale in a stored response is left out, never counted
    let odd = BTreeMap::from([("A1.2.13".to_string(), 9u8)]);
    let a = aggregate(&its, &[odd, resp(3, 3)]);
    assert_eq!((a[0].count, a[1].count), (1, 1));
}

#[test]
fn status_has_one_spelling_each() {
    assert_eq!(QuestionnaireStatus::Open.as_str(), "open");
    assert_eq!(
        "closed".parse::<QuestionnaireStatus>(),
        Ok(QuestionnaireStatus::Closed)
    );
    assert!("done".parse::<QuestionnaireStatus>().is_err());
    assert_eq!(day_zh(d("2026-01-05")), "2026年1月5日");
    assert_eq!(china_day(utc("2026-12-31T16:00:00")), d("2027-01-01"));
}

proptest::proptest! {
    /// Whatever the responses, in whatever order: each item's mean lies on the scale, its
    /// score between 0 and the item's points, and the applied ratings are the item's ratings
    /// sorted; the order of the responses changes nothing.
    #[test]
    fn aggregates_stay_on_the_scale_and_ignore_order(
        rs in proptest::collection::vec((1u8..=5, 1u8..=5), 1..40),
        rot in 0usize..40,
    ) {
        let its = items();
        let responses: Vec<_> = rs.iter().map(|(a, b)| resp(*a, *b)).collect();
        let mut turned = responses.clone();
        let k = rot % turned.len();
        turned.rotate_left(k);
        turned.reverse();
        let a = aggregate(&its, &responses);
        proptest::prop_assert_eq!(&a, &aggregate(&its, &turned));
        for x in &a {
            proptest::prop_assert!(x.mean >= 1.0 && x.mean <= 5.0);
            proptest::prop_assert!(x.score >= 0.0 && x.score <= x.max);
            proptest::prop_assert_eq!(x.count, responses.len());
        }
        let applied = likert_answers(&its, &turned);
        let mut first: Vec<u8> = rs.iter().map(|(a, _)| *a).collect();
        first.sort_unstable();
        proptest::prop_assert_eq!(&applied[0].1, &first);
        proptest::prop_assert_eq!(applied, likert_answers(&its, &responses));
    }
}
