//! What a result is divided into for the radar and the bars: its tables when it has more than
//! one (T11/AII: one per dimension; the special-capability stage tables have their own
//! report), else its categories.

use tianping_core::engine::{Evaluation, NodeResult};
use tianping_core::Scheme;

use crate::finite;

/// What the parts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    Table,
    Category,
}

/// A table or a category: its name as shown, what it earned and its maximum.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    pub label: String,
    pub earned: f64,
    pub max: f64,
}

impl Part {
    /// Earned in percent of the maximum (0 when the maximum is 0).
    pub fn percent(&self) -> f64 {
        if self.max > 0.0 {
            finite(self.earned / self.max * 100.0)
        } else {
            0.0
        }
    }
}

/// The tables of a result with more than one (each the sum of its top-level groups, named by
/// key and dimension or title), else the categories of its one table: the groups of the
/// shallowest level that has at least three (T/CIC: 基础能力, 创新能力 …; EEPC B.1 has one
/// top group, 基础指标, and its eight groups below are the categories), or of the level with
/// the most groups when none has three.
pub(crate) fn parts(scheme: &Scheme, ev: &Evaluation) -> (Vec<Part>, By) {
    // T11/AII's special-capability stage tables (6.3) have a report of their own and are no
    // part of the total: left out
    let stage = |key: &str| {
        scheme
            .tables
            .iter()
            .any(|t| t.key == key && t.stage.is_some())
    };
    let mut tables: Vec<&str> = Vec::new();
    for n in ev.nodes.iter().filter(|n| !stage(&n.table)) {
        if !tables.contains(&n.table.as_str()) {
            tables.push(&n.table);
        }
    }
    if tables.len() > 1 {
        let parts = tables
            .into_iter()
            .map(|t| {
                let top = ev
                    .nodes
                    .iter()
                    .filter(|n| n.table == t && n.path.len() == 1);
                let (earned, max) = top.fold((0.0, 0.0), |(e, m), n| {
                    (e + finite(n.earned), m + finite(n.max))
                });
                Part {
                    label: table_name(scheme, t),
                    earned,
                    max,
                }
            })
            .collect();
        return (parts, By::Table);
    }
    let depth = |d: usize| {
        ev.nodes
            .iter()
            .filter(move |n| n.path.len() == d && !stage(&n.table))
    };
    let deepest = ev.nodes.iter().map(|n| n.path.len()).max().unwrap_or(0);
    let chosen = (1..=deepest)
        .find(|&d| depth(d).count() >= 3)
        .or_else(|| (1..=deepest).max_by_key(|&d| (depth(d).count(), usize::MAX - d)))
        .unwrap_or(1);
    let nodes: Vec<&NodeResult> = depth(chosen).collect();
    let parts = nodes
        .iter()
        .map(|n| Part {
            label: category_name(n, &nodes),
            earned: finite(n.earned),
            max: finite(n.max),
        })
        .collect();
    (parts, By::Category)
}

/// A table as a chart names it: key and dimension (T11/AII), else key and title.
fn table_name(scheme: &Scheme, key: &str) -> String {
    match scheme.tables.iter().find(|t| t.key == key) {
        Some(t) => format!("{} {}", t.key, t.dimension.as_deref().unwrap_or(&t.title)),
        None => key.to_string(),
    }
}

/// A group by its own name, or by its whole path when another group of the level has the same
/// name.
fn category_name(n: &NodeResult, level: &[&NodeResult]) -> String {
    let last = n.path.last().map_or(n.id.as_str(), String::as_str);
    let shared = level
        .iter()
        .filter(|m| m.path.last().map(String::as_str) == Some(last))
        .count()
        > 1;
    if shared {
        n.path.join("›")
    } else {
        last.to_string()
    }
}
