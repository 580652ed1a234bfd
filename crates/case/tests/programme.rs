//! The audit programme of a cycle (8.1.3.3, I-12): each step's window, audit time and
//! standing.

mod common;

use common::*;
use tianping_case::certification::programme::{programme, Standing, Step};

#[test]
fn the_programme_shows_each_step_with_its_window_and_audit_time() {
    // issued 28 January 2026 for a 120-person client
    let s = Story::new().certified("2026-01-28");
    let p = programme(&s.replay_all().case, s.ctx());
    let steps: Vec<Step> = p.iter().map(|x| x.step).collect();
    assert_eq!(
        steps,
        [
            Step::Stage1,
            Step::Stage2,
            Step::Surveillance1,
            Step::Surveillance2,
            Step::Recertification
        ]
    );
    assert!(matches!(p[0].standing, Standing::Done { .. }));
    assert!(matches!(p[1].standing, Standing::Done { .. }));
    // Annex A for 101–200 people: initial 3, surveillance 1, recertification 2 days
    assert_eq!(p[1].audit_days, Some(3.0));
    assert_eq!(p[2].audit_days, Some(1.0));
    assert_eq!(p[4].audit_days, Some(2.0));
    assert!(!p[2].trace.is_empty());
    // the first surveillance within 12 months of issue; the second has no date yet
    assert_eq!(
        (p[2].from, p[2].until),
        (Some(d("2026-01-28")), Some(d("2027-01-28")))
    );
    assert_eq!(p[2].standing, Standing::Open);
    assert_eq!(p[3].until, None);
    assert_eq!(
        (p[4].from, p[4].until),
        (Some(d("2028-10-27")), Some(d("2029-01-27")))
    );

    // after the first surveillance, the second is due 12 months later
    let s = s.surveillance("SV1", "2027-01-20");
    let p = programme(&s.replay_all().case, s.ctx());
    assert_eq!(
        p[2].standing,
        Standing::Done {
            audit: "SV1".into(),
            last_day: d("2027-01-20")
        }
    );
    assert_eq!(p[3].until, Some(d("2028-01-20")));
    assert_eq!(p[3].from, Some(d("2027-01-20")));
}

#[test]
fn before_the_certificate_the_steps_have_no_dates_yet() {
    let s = Story::new().contracted_from("2026-03-02");
    let p = programme(&s.replay_all().case, s.ctx());
    assert_eq!(p.len(), 5);
    assert_eq!(p[0].standing, Standing::Open);
    assert!(p[2..].iter().all(|x| x.until.is_none()));
}
