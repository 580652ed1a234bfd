//! A star case's result from an assessment (000 §6, I-5): the body's admin links a submitted
//! T11/AII assessment of the enterprise; its mode and the engine's stars make the
//! `star_result` event, written with the link in one transaction.

use chrono::NaiveDate;
use tianping_case::stars::{self, Event, EventKind, Mode, StarCount};
use tianping_domain::star_case as rules;
use tianping_domain::AssessmentStatus;
use tianping_store::cases as store;
use tianping_store::repo::User;

use crate::star_cases::{facts, get, parse, write, Appended, STAR_SCHEME};
use crate::{App, Error};

/// The body's admin records an evaluation's result from an assessment: a submitted
/// assessment of `t11-aii-001-2020` of the case's enterprise (an on-site one made by this
/// body). Its mode decides the result's mode, its stars are the engine's comprehensive stars
/// and, on site, the single-dimension stars come with it. The link (`result-<n>`) and the
/// `star_result` event are written in one transaction.
pub async fn link_result(
    app: &App,
    u: &User,
    id: i64,
    assessment_id: i64,
    date: NaiveDate,
) -> Result<Appended, Error> {
    let c = get(app, u, id).await?;
    rules::may_link(&u.principal(), facts(&c))?;
    rules::may_enter(&u.principal(), facts(&c), "star_result")?;
    let not_usable = |zh: String, en: &str| Error::invalid("assessment", zh, en);
    let a = crate::assessments::load(app, assessment_id)
        .await?
        .filter(|a| a.enterprise_id == c.enterprise_id)
        .ok_or_else(|| {
            not_usable(
                format!("评价 {assessment_id} 不存在或不是本企业的评价"),
                "No such assessment of this enterprise",
            )
        })?;
    if a.scheme != STAR_SCHEME {
        return Err(not_usable(
            format!("评价 {assessment_id} 不是 T11/AII 001-2020 的评价，不能作为星级评价结果"),
            "Only an assessment of T11/AII 001-2020 gives stars",
        ));
    }
    if a.status != AssessmentStatus::Submitted {
        return Err(not_usable(
            format!("评价 {assessment_id} 尚未提交：只有已提交的评价可作为结果"),
            "Only a submitted assessment is a result",
        ));
    }
    let mode = match a.mode {
        tianping_domain::Mode::SelfEvaluation => Mode::Online,
        tianping_domain::Mode::Onsite => Mode::Onsite,
    };
    if mode == Mode::Onsite && a.org_id != Some(c.org_id) {
        return Err(not_usable(
            format!("评价 {assessment_id} 是其他机构的现场审查，不能作为本机构的结果"),
            "An on-site assessment by another body is not this body's result",
        ));
    }
    let rv = crate::assessments::result_view(&a)?.ok_or_else(|| {
        not_usable(
            format!("评价 {assessment_id} 没有计算结果"),
            "The assessment has no result",
        )
    })?;
    let supported = rv.evaluation.stars.unwrap_or(0);
    let dims: Option<stars::events::DimensionStars> = (mode == Mode::Onsite)
        .then(|| {
            rv.evaluation
                .dimensions
                .iter()
                .filter(|d| d.stars > 0)
                .filter_map(|d| StarCount::new(d.stars).map(|s| (d.name.clone(), s)))
                .collect::<stars::events::DimensionStars>()
        })
        .filter(|m| !m.is_empty());
    let event = Event {
        date,
        kind: EventKind::StarResult {
            mode,
            stars: StarCount::new(supported.min(StarCount::MAX))
                .unwrap_or(StarCount::new(0).expect("0 is a count")),
            dimension_stars: dims,
        },
    };
    let mut tx = app.begin().await?;
    let c = store::lock(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let events: Vec<Event> = parse(&store::events_tx(&mut tx, id).await?)?
        .into_iter()
        .map(|e| e.event)
        .collect();
    // named by the event's number: unique in the case, under the case's lock
    let name = format!("result-{}", events.len());
    store::link_audit(&mut tx, id, &name, assessment_id).await?;
    let done = write(app, &mut tx, u, &c, events, event).await?;
    tx.commit().await?;
    Ok(done)
}
