//! Every rule of the catalogue is tested: each `Rule` is named by a test of its theme, which
//! shows it allowed and refused (a new rule without a test fails here) — certification's and
//! the capability evaluation's (`capability_*.rs`) alike.

use tianping_case::Rule;

const TESTS: &[(&str, &str)] = &[
    ("application.rs", include_str!("application.rs")),
    ("plan.rs", include_str!("plan.rs")),
    ("audit.rs", include_str!("audit.rs")),
    ("decision.rs", include_str!("decision.rs")),
    ("keeping.rs", include_str!("keeping.rs")),
    ("appeals.rs", include_str!("appeals.rs")),
    (
        "capability_application.rs",
        include_str!("capability_application.rs"),
    ),
    (
        "capability_evaluation.rs",
        include_str!("capability_evaluation.rs"),
    ),
    (
        "capability_publicity.rs",
        include_str!("capability_publicity.rs"),
    ),
    ("capability_grade.rs", include_str!("capability_grade.rs")),
    ("stars_award.rs", include_str!("stars_award.rs")),
    ("stars_keep.rs", include_str!("stars_keep.rs")),
];

/// `events_in_order` → `EventsInOrder`, as the variant is written.
fn variant(id: &str) -> String {
    id.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_rule_has_a_test() {
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| {
            let name = format!("Rule::{}", variant(r.id()));
            !TESTS.iter().any(|(_, src)| src.contains(&name))
        })
        .map(|r| r.id())
        .collect();
    assert!(missing.is_empty(), "rules without a test: {missing:?}");
}
