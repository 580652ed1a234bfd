//! The search for one condition: which indicators to change, and to what, so that the gain
//! reaches `need` (and, for T/SDDITAI 5121's count rule, at least `need_below` indicators
//! now below the level reach it) with the fewest changes, then the fewest raw points.
//!
//! 1. **Fewest changes (always proved).** No k changes gain more than the k largest
//!    capacities (an item's capacity = its gain at its best answer), so the least k whose
//!    k largest capacities reach `need` is the minimum. With the count rule, at least
//!    `need_below` of the changes must be items below the level; the best such k-set takes
//!    the `need_below` largest of those and the largest of the rest (an exchange argument:
//!    swapping a chosen below-item for a larger unchosen one keeps the count and does not
//!    lower the capacity), so the same least-k reading holds.
//! 2. **Fewest raw points for that k.** A first plan lowers each change of the best k-set
//!    as far as the need allows. It is proved minimal when it meets the lower bound (the
//!    need itself, on the answer grid, and the k smallest possible changes); otherwise an
//!    exact dynamic programme over grid units ([`super::lattice`]) or a branch and bound
//!    with admissible bounds decides. When neither finishes within its budget the plan
//!    keeps the first plan, says `exact: false`, and states the lower bound.

use super::lattice;

/// One answer an item may be changed to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Opt {
    pub to: f64,
    /// Raw points the change adds (≥ 0).
    pub raw: f64,
    /// The answer reaches the level of the count rule.
    pub meets: bool,
}

/// One indicator that may change.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub leaf: usize,
    /// Gain on the condition's figure per raw point.
    pub slope: f64,
    /// Raw points per unit of the answer scale (points, coefficient %); 0 when the answer is
    /// not linear (levels).
    pub unit: f64,
    /// Counted below the level now (count rule).
    pub below: bool,
    /// Ascending by `raw`.
    pub opts: Vec<Opt>,
}

impl Item {
    fn cap(&self) -> f64 {
        self.opts.last().map_or(0.0, |o| o.raw * self.slope)
    }
    fn can_meet(&self) -> bool {
        self.below && self.opts.last().is_some_and(|o| o.meets)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub items: Vec<Item>,
    /// Gain needed on the condition's figure (margins for the 9-decimal settling included).
    pub need: f64,
    /// Items now below the level that must reach it.
    pub need_below: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Solution {
    /// (leaf, answer) per change.
    pub picks: Vec<(usize, Opt)>,
    pub raw: f64,
    pub exact: bool,
    /// No plan with as many changes adds fewer raw points.
    pub lb_raw: f64,
}

/// Cost compared with this tolerance (raw points).
pub(crate) const EPS: f64 = 1e-9;

/// The least number of changes, and the k-set that proves it (forced below-items first).
pub(crate) fn least_changes(p: &Problem) -> Option<(usize, Vec<usize>, usize)> {
    let items = &p.items;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        items[b]
            .cap()
            .total_cmp(&items[a].cap())
            .then(items[a].leaf.cmp(&items[b].leaf))
    });
    let r = p.need_below;
    let (forced, rest): (Vec<usize>, Vec<usize>) = if r > 0 {
        let below: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| items[i].can_meet())
            .collect();
        if below.len() < r {
            return None;
        }
        let forced = below[..r].to_vec();
        let rest = order
            .iter()
            .copied()
            .filter(|i| !forced.contains(i))
            .collect();
        (forced, rest)
    } else {
        (Vec::new(), order)
    };
    let mut gain: f64 = forced.iter().map(|&i| items[i].cap()).sum();
    let mut set = forced;
    let mut rest = rest.into_iter();
    while gain < p.need {
        let i = rest.next()?;
        gain += items[i].cap();
        set.push(i);
    }
    Some((set.len(), set, r))
}

/// Solve one condition.
pub(crate) fn solve(p: &Problem, budget: usize) -> Solution {
    if p.need <= 0.0 && p.need_below == 0 {
        return Solution {
            exact: true,
            ..Solution::default()
        };
    }
    let Some((k, set, forced)) = least_changes(p) else {
        return Solution::default();
    };
    let first = lowered(p, &set, forced);
    let grid = lattice::Grid::find(p);
    let lb_raw = lower_bound(p, k, grid.as_ref());
    let mut sol = Solution {
        raw: first.iter().map(|(_, o)| o.raw).sum(),
        picks: first,
        exact: false,
        lb_raw,
    };
    if sol.raw <= lb_raw + EPS {
        sol.exact = true;
        sol.lb_raw = sol.raw;
        return sol;
    }
    if let Some(g) = &grid {
        if let Some(picks) = lattice::least_points(p, g, k, sol.raw) {
            sol.raw = picks.iter().map(|(_, o)| o.raw).sum();
            sol.picks = picks;
            sol.exact = true;
            sol.lb_raw = sol.raw;
            return sol;
        }
    }
    let mut bb = Bb::new(p, k, sol.raw, lb_raw, budget);
    bb.run();
    if let Some(picks) = bb.best_picks.take() {
        sol.raw = picks.iter().map(|(_, o)| o.raw).sum();
        sol.picks = picks;
    }
    if !bb.aborted {
        sol.exact = true;
        sol.lb_raw = sol.raw;
    }
    sol
}

/// The k-set at its best answers, each then lowered as far as the need allows (the first
/// `forced` items keep an answer that meets the level).
fn lowered(p: &Problem, set: &[usize], forced: usize) -> Vec<(usize, Opt)> {
    let items = &p.items;
    let mut choice: Vec<usize> = set.iter().map(|&i| items[i].opts.len() - 1).collect();
    let mut gain: f64 = set.iter().map(|&i| items[i].cap()).sum();
    // smallest capacities first, so the large ones absorb the remainder
    let mut order: Vec<usize> = (0..set.len()).collect();
    order.sort_by(|&a, &b| items[set[a]].cap().total_cmp(&items[set[b]].cap()));
    for s in order {
        let it = &items[set[s]];
        let now = it.opts[choice[s]].raw * it.slope;
        let must_meet = s < forced;
        if let Some(o) = it
            .opts
            .iter()
            .position(|o| (!must_meet || o.meets) && gain - now + o.raw * it.slope >= p.need)
        {
            gain += it.opts[o].raw * it.slope - now;
            choice[s] = o;
        }
    }
    set.iter()
        .zip(choice)
        .map(|(&i, o)| (items[i].leaf, items[i].opts[o]))
        .collect()
}

/// No k changes add fewer raw points than this: the need at the steepest slope (rounded up
/// to the grid when there is one), and the k smallest first steps.
fn lower_bound(p: &Problem, k: usize, grid: Option<&lattice::Grid>) -> f64 {
    let mut firsts: Vec<f64> = p
        .items
        .iter()
        .filter_map(|i| i.opts.first().map(|o| o.raw))
        .collect();
    firsts.sort_by(f64::total_cmp);
    let smallest: f64 = firsts.iter().take(k).sum();
    let need = match grid {
        Some(g) => g.need_units(p) as f64 * g.rho,
        None => {
            let steepest = p.items.iter().map(|i| i.slope).fold(0.0, f64::max);
            if steepest > 0.0 {
                (p.need / steepest).max(0.0)
            } else {
                0.0
            }
        }
    };
    need.max(smallest)
}

/// Branch and bound over exactly k changes: items by capacity, each taken with one of its
/// answers or skipped; a branch is cut when its best k-set cannot reach the need or the
/// count, or when its cost bound is no better than the best plan found.
struct Bb<'p> {
    p: &'p Problem,
    order: Vec<usize>,
    k: usize,
    prefix: Vec<f64>,
    suffix_below: Vec<usize>,
    suffix_first: Vec<f64>,
    suffix_slope: Vec<f64>,
    best: f64,
    best_picks: Option<Vec<(usize, Opt)>>,
    cur: Vec<(usize, Opt)>,
    lb: f64,
    nodes: usize,
    budget: usize,
    aborted: bool,
}

impl<'p> Bb<'p> {
    fn new(p: &'p Problem, k: usize, best: f64, lb: f64, budget: usize) -> Bb<'p> {
        let items = &p.items;
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| items[b].cap().total_cmp(&items[a].cap()));
        let n = order.len();
        let mut prefix = vec![0.0; n + 1];
        for (x, &i) in order.iter().enumerate() {
            prefix[x + 1] = prefix[x] + items[i].cap();
        }
        let mut suffix_below = vec![0; n + 1];
        let mut suffix_first = vec![f64::INFINITY; n + 1];
        let mut suffix_slope = vec![0.0f64; n + 1];
        for x in (0..n).rev() {
            let it = &items[order[x]];
            suffix_below[x] = suffix_below[x + 1] + usize::from(it.can_meet());
            suffix_first[x] = suffix_first[x + 1].min(it.opts.first().map_or(0.0, |o| o.raw));
            suffix_slope[x] = suffix_slope[x + 1].max(it.slope);
        }
        Bb {
            p,
            order,
            k,
            prefix,
            suffix_below,
            suffix_first,
            suffix_slope,
            best,
            best_picks: None,
            cur: Vec::with_capacity(k),
            lb,
            nodes: 0,
            budget,
            aborted: false,
        }
    }

    fn run(&mut self) {
        self.go(0, 0.0, 0.0, 0);
    }

    fn done(&self) -> bool {
        self.aborted || self.best <= self.lb + EPS
    }

    fn go(&mut self, x: usize, gain: f64, raw: f64, met: usize) {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.aborted = true;
            return;
        }
        let (k, j, n) = (self.k, self.cur.len(), self.order.len());
        let r = self.p.need_below;
        if j == k {
            if gain >= self.p.need && met >= r && raw < self.best - EPS {
                self.best = raw;
                self.best_picks = Some(self.cur.clone());
            }
            return;
        }
        let left = k - j;
        if n - x < left {
            return;
        }
        if gain + self.prefix[x + left] - self.prefix[x] < self.p.need {
            return;
        }
        if met + self.suffix_below[x].min(left) < r {
            return;
        }
        let short = (self.p.need - gain).max(0.0);
        let by_need = if self.suffix_slope[x] > 0.0 {
            short / self.suffix_slope[x]
        } else {
            0.0
        };
        let by_count = left as f64 * self.suffix_first[x];
        if raw + by_need.max(by_count) >= self.best - EPS {
            return;
        }
        let it = &self.p.items[self.order[x]];
        for o in it.opts.iter().rev() {
            self.cur.push((it.leaf, *o));
            self.go(
                x + 1,
                gain + o.raw * it.slope,
                raw + o.raw,
                met + usize::from(it.below && o.meets),
            );
            self.cur.pop();
            if self.done() {
                return;
            }
        }
        self.go(x + 1, gain, raw, met);
    }
}
