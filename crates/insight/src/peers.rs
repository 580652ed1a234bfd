//! Among peers (004 4.2 horizontal, DESIGN I-23): where one result stands in its peer group —
//! the latest result of the same mode of each enterprise with the same scheme, variant and
//! GB/T 4754 section. Shown only when at least [`MIN_OTHERS`] other enterprises are in the
//! group; nothing here names them. Percentiles are nearest-rank: the enterprise's percentile
//! is the largest whole P for which the group's nearest-rank P-th percentile is at most its
//! own figure, that is ⌊100 × (values at or below its own) ÷ group size⌋.

use serde::Serialize;

/// Fewer other enterprises than this and the group is not shown.
pub const MIN_OTHERS: usize = 5;

/// One figure's standing in the group (the enterprise itself included).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Nearest-rank percentile, 0–100.
    pub percentile: u32,
    /// Enterprises in the group, the enterprise itself included.
    pub group: usize,
    /// How many of them are at or below the enterprise's figure.
    pub at_or_below: usize,
    /// The group's median (nearest-rank 50th percentile).
    pub median: f64,
}

/// Why a comparison is not shown: as JSON `{"reason": "too_few_peers", "others": n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Hidden {
    /// Fewer than [`MIN_OTHERS`] other enterprises: `others` is how many there are.
    TooFewPeers { others: usize },
}

/// The nearest-rank P-th percentile of sorted values (P in 1..=100); `None` when empty.
pub fn nearest_rank(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let p = p.clamp(1, 100) as usize;
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The standing of `own` among `others` (the other enterprises' figures, any order).
pub fn standing(own: f64, others: &[f64]) -> Result<Standing, Hidden> {
    if others.len() < MIN_OTHERS {
        return Err(Hidden::TooFewPeers {
            others: others.len(),
        });
    }
    let mut all: Vec<f64> = others.iter().copied().filter(|x| x.is_finite()).collect();
    all.push(own);
    all.sort_by(f64::total_cmp);
    let n = all.len();
    let at_or_below = all.iter().filter(|x| **x <= own).count();
    Ok(Standing {
        percentile: (100 * at_or_below / n) as u32,
        group: n,
        at_or_below,
        median: nearest_rank(&all, 50).unwrap_or(own),
    })
}

/// A histogram of the group's figures over `[0, scale]` in `bins` equal bins (the last one
/// closed), and the bin of the enterprise's own figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge of each bin.
    pub edges: Vec<f64>,
    pub counts: Vec<usize>,
    pub own_bin: usize,
}

fn bin_of(x: f64, scale: f64, bins: usize) -> usize {
    if scale.is_nan() || scale <= 0.0 || !x.is_finite() || x <= 0.0 {
        return 0;
    }
    (((x / scale) * bins as f64).floor() as usize).min(bins - 1)
}

/// The group's distribution (the enterprise itself included); hidden as [`standing`] is.
pub fn histogram(own: f64, others: &[f64], scale: f64, bins: usize) -> Result<Histogram, Hidden> {
    if others.len() < MIN_OTHERS {
        return Err(Hidden::TooFewPeers {
            others: others.len(),
        });
    }
    let bins = bins.max(1);
    let mut counts = vec![0; bins];
    for x in others.iter().chain(std::iter::once(&own)) {
        counts[bin_of(*x, scale, bins)] += 1;
    }
    Ok(Histogram {
        edges: (0..bins).map(|i| scale * i as f64 / bins as f64).collect(),
        counts,
        own_bin: bin_of(own, scale, bins),
    })
}

/// How many results hold each outcome (a grade label, stars …), in the order given by
/// `order` (best first); outcomes not in `order` come last, by name.
pub fn tally<'a>(
    outcomes: impl IntoIterator<Item = &'a str>,
    order: &[&str],
) -> Vec<(String, usize)> {
    let mut m: std::collections::BTreeMap<&str, usize> = Default::default();
    for o in outcomes {
        *m.entry(o).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = order
        .iter()
        .filter_map(|o| m.remove(o).map(|n| (o.to_string(), n)))
        .collect();
    out.extend(m.into_iter().map(|(k, n)| (k.to_string(), n)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [15.0, 20.0, 35.0, 40.0, 50.0];
        assert_eq!(nearest_rank(&v, 5), Some(15.0));
        assert_eq!(nearest_rank(&v, 30), Some(20.0));
        assert_eq!(nearest_rank(&v, 40), Some(20.0));
        assert_eq!(nearest_rank(&v, 50), Some(35.0));
        assert_eq!(nearest_rank(&v, 100), Some(50.0));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn five_others_are_needed() {
        let four = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(standing(5.0, &four), Err(Hidden::TooFewPeers { others: 4 }));
        assert!(histogram(5.0, &four, 10.0, 5).is_err());
        let five = [1.0, 2.0, 3.0, 4.0, 6.0];
        let s = standing(5.0, &five).unwrap();
        assert_eq!((s.group, s.at_or_below, s.percentile), (6, 5, 83));
        assert_eq!(s.median, 3.0);
    }

    #[test]
    fn hidden_says_why_by_name() {
        let h = standing(1.0, &[2.0]).unwrap_err();
        assert_eq!(
            serde_json::to_value(h).unwrap(),
            serde_json::json!({"reason": "too_few_peers", "others": 1})
        );
    }

    #[test]
    fn extremes_and_ties() {
        let others = [10.0; 5];
        assert_eq!(standing(10.0, &others).unwrap().percentile, 100);
        assert_eq!(standing(9.0, &others).unwrap().percentile, 16);
        assert_eq!(standing(11.0, &others).unwrap().percentile, 100);
    }

    #[test]
    fn histogram_bins_and_own_bin() {
        let h = histogram(100.0, &[0.0, 9.9, 10.0, 55.0, 99.0], 100.0, 10).unwrap();
        assert_eq!(h.counts.iter().sum::<usize>(), 6);
        assert_eq!(h.counts[0], 2);
        assert_eq!(h.counts[1], 1);
        assert_eq!(h.counts[9], 2);
        assert_eq!(h.own_bin, 9);
        assert_eq!(h.edges[3], 30.0);
    }

    #[test]
    fn tally_keeps_the_grade_order() {
        let t = tally(["B", "A", "B", "X"], &["A", "B", "C"]);
        assert_eq!(t, vec![("A".into(), 1), ("B".into(), 2), ("X".into(), 1)]);
    }
}
