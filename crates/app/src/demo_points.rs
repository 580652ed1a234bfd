//! The demo's service-cloud shops (seed 002, DESIGN I-14, I-22): the platform's operator
//! posts each shop's history as I-22 events through the same intake as the API
//! ([`crate::points::intake`]), so the shops stand at different levels — none, 3★, 2钻,
//! 1皇冠 — with realistic histories (registration, profile, certificates up to the cap,
//! products, orders, login runs, followers, reviews, replies, a campaign), plus one shop of
//! an enterprise not registered here. Then the on-site SME assessment in progress takes its
//! 服务成效 figures from the ledger ([`crate::sme_feed::import`]).

use chrono::{DateTime, Duration, FixedOffset, Months};
use tianping_points::{shanghai, Event, Party};
use tianping_store::repo::User;

use crate::{points, sme_feed, App, Error};

/// What a demo shop has done.
#[derive(Default)]
struct History {
    /// Full years since registration (none: not registered yet in the ledger).
    years: Option<u32>,
    one_offs: bool,
    /// The profile completed and then removed (no points left).
    profile_removed: bool,
    certificates: usize,
    withdrawn: usize,
    products: usize,
    purchases: usize,
    refunds: usize,
    login_days: i64,
    follows_person: usize,
    follows_enterprise: usize,
    reviews: usize,
    replies: usize,
    campaigns: usize,
}

/// The demo shops: (shop id, history). Totals: 0, 273, 1216, about 5210, 60.
fn shops(usccs: &[String], outsider: &str) -> Vec<(String, History)> {
    vec![
        (
            usccs[0].clone(),
            History {
                one_offs: false,
                profile_removed: true,
                ..Default::default()
            },
        ),
        (
            usccs[1].clone(),
            History {
                years: Some(4),
                one_offs: true,
                certificates: 5,
                products: 6,
                purchases: 4,
                refunds: 1,
                login_days: 12,
                follows_person: 2,
                reviews: 1,
                ..Default::default()
            },
        ),
        (
            usccs[2].clone(),
            History {
                years: Some(6),
                one_offs: true,
                certificates: 22,
                withdrawn: 1,
                products: 15,
                purchases: 40,
                login_days: 60,
                follows_person: 30,
                follows_enterprise: 20,
                reviews: 25,
                replies: 10,
                campaigns: 1,
                ..Default::default()
            },
        ),
        (
            usccs[3].clone(),
            History {
                years: Some(8),
                one_offs: true,
                certificates: 12,
                products: 40,
                purchases: 260,
                login_days: 200,
                follows_person: 100,
                follows_enterprise: 150,
                reviews: 200,
                replies: 100,
                campaigns: 3,
                ..Default::default()
            },
        ),
        (
            outsider.to_string(),
            History {
                years: Some(1),
                products: 3,
                purchases: 2,
                login_days: 5,
                ..Default::default()
            },
        ),
    ]
}

/// The events of one shop, dated before `now` (the latest yesterday).
fn events(shop: &str, h: &History, now: DateTime<FixedOffset>) -> Vec<Event> {
    let mut out = Vec::new();
    let mut n = 0usize;
    let base = now - Duration::days(1);
    let mut ev = |name: &str, at: DateTime<FixedOffset>| {
        n += 1;
        Event::new(&format!("demo-{shop}-{n:05}"), shop, name, at)
    };
    let day = |k: i64| base - Duration::days(k);
    if let Some(y) = h.years {
        let mut e = ev("shop_registered", day(400));
        let on = now.date_naive() - Months::new(12 * y) - Duration::days(20);
        e.registered_on = Some(on);
        out.push(e);
    }
    if h.one_offs || h.profile_removed {
        out.push(ev("profile_completed", day(390)));
    }
    if h.profile_removed {
        out.push(ev("profile_removed", day(300)));
    }
    if h.one_offs {
        out.push(ev("website_added", day(389)));
        out.push(ev("shop_decorated", day(388)));
    }
    let with = |mut e: Event, subject: String, party: Option<Party>| {
        e.subject = Some(subject);
        e.party = party;
        e
    };
    for i in 0..h.certificates {
        let e = ev("certificate_added", day(380 - i as i64));
        out.push(with(e, format!("ZS-{i:03}"), None));
    }
    for i in 0..h.withdrawn {
        let e = ev("certificate_withdrawn", day(100));
        out.push(with(e, format!("ZS-{i:03}"), None));
    }
    for i in 0..h.products {
        let e = ev("product_listed", day(350 - (i as i64 % 300)));
        out.push(with(e, format!("FW-{i:03}"), None));
    }
    for i in 0..h.purchases {
        let e = ev("purchase", day(340 - (i as i64 % 330)));
        out.push(with(e, format!("DD-{i:04}"), None));
    }
    for i in 0..h.refunds {
        let e = ev("refund", day(5));
        out.push(with(e, format!("DD-{i:04}"), None));
    }
    for k in 0..h.login_days {
        out.push(ev(
            "seller_login",
            day(h.login_days - 1 - k) + Duration::hours(1),
        ));
    }
    for i in 0..h.follows_person {
        let e = ev("followed", day(300 - (i as i64 % 290)));
        out.push(with(e, format!("GR-{i:04}"), Some(Party::Person)));
    }
    for i in 0..h.follows_enterprise {
        let e = ev("followed", day(300 - (i as i64 % 290)));
        out.push(with(e, format!("QY-{i:04}"), Some(Party::Enterprise)));
    }
    for i in 0..h.reviews {
        let mut e = with(
            ev("review", day(5 + (i as i64 * 7) % 300)),
            format!("PJ-{i:04}"),
            Some(Party::Enterprise),
        );
        e.good = Some(i % 10 != 9);
        e.text = Some("服务专业，响应及时".into());
        out.push(e);
    }
    for i in 0..h.replies {
        let e = ev("review_reply", day(199 - (i as i64 % 189)));
        out.push(with(e, format!("HF-{i:04}"), None));
    }
    for c in 0..h.campaigns {
        let end = day(10 + 60 * c as i64);
        let mut e = with(ev("campaign_closed", end), format!("HD-{c}"), None);
        e.campaign = Some(format!("HD-{c}"));
        e.start = Some(end - Duration::days(59));
        e.end = Some(end);
        out.push(e);
    }
    out
}

/// Post the demo shops' histories as the platform's operator and feed the SME assessment
/// `sme` (on site, in progress) as the auditor `auditor`.
pub(crate) async fn seed(
    app: &App,
    operator: &User,
    usccs: &[String],
    outsider: &str,
    auditor: &User,
    sme: i64,
) -> Result<(), Error> {
    let now = app.now().with_timezone(&shanghai());
    for (shop, h) in shops(usccs, outsider) {
        let lines: Vec<String> = events(&shop, &h, now)
            .iter()
            .map(|e| serde_json::to_string(e).map_err(|x| Error::Internal(x.to_string())))
            .collect::<Result<_, _>>()?;
        let out = points::intake(app, operator, &lines).await?;
        if let Some(bad) = out.iter().find(|o| o.status != points::Status::Accepted) {
            return Err(Error::Internal(format!(
                "demo shop {shop}: event {} {:?}: {:?}",
                bad.line, bad.status, bad.reason
            )));
        }
    }
    sme_feed::import(app, auditor, sme).await?;
    Ok(())
}
