//! The evaluation report of a capability case (seed 004 8.1, Annex B): the case as of today
//! with the linked on-site assessment's result, from which the report's strengths (the
//! highest-scoring categories) and improvements (the lowest-scoring items) are read.

use serde::Serialize;
use tianping_core::engine::{IndicatorResult, NodeResult};
use tianping_store::repo::User;

use crate::assessments::{result_view, ResultView};
use crate::capability_cases::{view, CapabilityView};
use crate::{App, Error};

/// How many categories and items the strengths and improvements name.
pub const TOP: usize = 3;
pub const LOW: usize = 5;

/// What the report shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub case: CapabilityView,
    /// The linked assessment's result (none: not linked or not scored).
    pub result: Option<ResultView>,
    /// The categories (group nodes) by their share of points, best first.
    pub strengths: Vec<NodeResult>,
    /// The items that scored lowest by share of their points (answered and counted).
    pub weakest: Vec<IndicatorResult>,
}

fn share(earned: f64, max: f64) -> f64 {
    if max > 0.0 {
        earned / max
    } else {
        0.0
    }
}

/// The report of a capability case, for whoever sees the case.
pub async fn report(app: &App, u: &User, id: i64) -> Result<Report, Error> {
    let case = view(app, u, id, None).await?;
    let result = match case.evaluation {
        Some(a) => match crate::assessments::load(app, a).await? {
            Some(a) => result_view(&a)?,
            None => None,
        },
        None => None,
    };
    let (strengths, weakest) = match &result {
        Some(r) => {
            let mut nodes: Vec<NodeResult> = r
                .evaluation
                .nodes
                .iter()
                .filter(|n| n.max > 0.0)
                .cloned()
                .collect();
            nodes.sort_by(|a, b| b.percent.total_cmp(&a.percent));
            nodes.truncate(TOP);
            let mut items: Vec<IndicatorResult> = r
                .evaluation
                .indicators
                .iter()
                .filter(|i| i.counted && i.max > 0.0)
                .cloned()
                .collect();
            items.sort_by(|a, b| share(a.earned, a.max).total_cmp(&share(b.earned, b.max)));
            items.truncate(LOW);
            (nodes, items)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(Report {
        case,
        result,
        strengths,
        weakest,
    })
}
