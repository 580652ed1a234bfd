//! The exact programme over grid units. When every item gains at the same slope and every
//! possible change is a whole number of one small unit ρ (half points → ρ = 0.5; a panel of
//! 3 experts' means on half points → 1/6; whole coefficient percents → 1 % of the item's
//! weight), the fewest raw points for exactly k changes is found by a dynamic programme over
//! (items seen, changes made, items brought to the level, units added) kept as bit sets —
//! every reachable sum up to the first plan's cost, so the least one at or above the need is
//! the minimum.

use super::solve::{Item, Opt, Problem};

/// Most 64-bit words the programme may hold (16 MB).
const MAX_WORDS: usize = 2_000_000;
/// Most units a sum may have.
const MAX_UNITS: f64 = 4_000_000.0;
/// Scales tried, smallest first: the whole numbers of units per base unit that may make every
/// change whole (halves, panels' means, products of printed percentages).
const SCALES: [f64; 27] = [
    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0, 20.0, 24.0, 30.0, 40.0, 48.0, 60.0, 120.0,
    240.0, 360.0, 720.0, 840.0, 2520.0, 5040.0, 1e4, 2e4, 2e5, 2e6,
];

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The common unit of a problem's changes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grid {
    /// Raw points per unit.
    pub rho: f64,
    slope: f64,
}

impl Grid {
    /// A unit in which every change is whole, when the items share one slope.
    pub fn find(p: &Problem) -> Option<Grid> {
        let first = p.items.first()?;
        let slope = first.slope;
        if slope <= 0.0
            || p.items
                .iter()
                .any(|i| (i.slope - slope).abs() > 1e-12 * slope.abs())
        {
            return None;
        }
        let unit = first.unit;
        let same_unit = unit > 0.0
            && p.items
                .iter()
                .all(|i| (i.unit - unit).abs() <= 1e-12 * unit);
        let bases: &[f64] = if same_unit { &[unit, 1.0] } else { &[1.0] };
        for &base in bases {
            for scale in SCALES {
                // every change a whole number of base / scale; the unit is their gcd
                let mut g = 0u64;
                let whole = p.items.iter().flat_map(|i| &i.opts).all(|o| {
                    let x = o.raw / base * scale;
                    let ok = x <= 1e12 && (x - x.round()).abs() <= 1e-6;
                    if ok {
                        g = gcd(g, x.round() as u64);
                    }
                    ok
                });
                if !whole || g == 0 {
                    continue;
                }
                let rho = base / scale * g as f64;
                if p.need / (rho * slope) <= MAX_UNITS {
                    return Some(Grid { rho, slope });
                }
                return None;
            }
        }
        None
    }

    pub fn units(&self, raw: f64) -> usize {
        (raw / self.rho).round().max(0.0) as usize
    }

    /// The least whole number of units whose gain reaches the need.
    pub fn need_units(&self, p: &Problem) -> usize {
        let per = self.rho * self.slope;
        let mut u = (p.need / per).floor().max(0.0) as usize;
        while (u as f64) * per < p.need {
            u += 1;
        }
        while u > 0 && ((u - 1) as f64) * per >= p.need {
            u -= 1;
        }
        u
    }
}

/// Bit sets: `dst |= src << shift`, truncated to `dst`'s length.
fn or_shifted(dst: &mut [u64], src: &[u64], shift: usize) {
    let (words, bits) = (shift / 64, shift % 64);
    let n = dst.len();
    if words >= n {
        return;
    }
    for t in (words..n).rev() {
        let s = t - words;
        let mut v = src[s] << bits;
        if bits > 0 && s > 0 {
            v |= src[s - 1] >> (64 - bits);
        }
        dst[t] |= v;
    }
}

/// The option units of one item split by whether they meet the level, each list ascending.
fn groups(item: &Item, g: &Grid, limit: usize) -> [(bool, Vec<(usize, usize)>); 2] {
    let mut meet = Vec::new();
    let mut other = Vec::new();
    for (x, o) in item.opts.iter().enumerate() {
        let u = g.units(o.raw);
        if u <= limit {
            if o.meets && item.below {
                meet.push((u, x));
            } else {
                other.push((u, x));
            }
        }
    }
    [(false, other), (true, meet)]
}

/// `dst |= ⋃ src << u` over the units `us` (ascending); an arithmetic run is spread by
/// doubling.
fn or_all(dst: &mut [u64], src: &[u64], us: &[(usize, usize)], tmp: &mut Bufs) {
    if us.is_empty() {
        return;
    }
    let stride = if us.len() >= 3 { us[1].0 - us[0].0 } else { 0 };
    let run = stride > 0 && us.windows(2).all(|w| w[1].0 - w[0].0 == stride);
    if !run {
        for &(u, _) in us {
            or_shifted(dst, src, u);
        }
        return;
    }
    let Bufs(acc, spread) = tmp;
    acc.clear();
    acc.resize(dst.len(), 0);
    spread.resize(dst.len(), 0);
    or_shifted(acc, src, us[0].0);
    let n = us.len();
    let mut have = 1;
    while have * 2 <= n {
        spread.copy_from_slice(acc);
        or_shifted(acc, spread, have * stride);
        have *= 2;
    }
    if have < n {
        spread.copy_from_slice(acc);
        or_shifted(acc, spread, (n - have) * stride);
    }
    for (d, t) in dst.iter_mut().zip(acc.iter()) {
        *d |= *t;
    }
}

/// Two scratch bit sets.
struct Bufs(Vec<u64>, Vec<u64>);

fn bit(set: &[u64], s: usize) -> bool {
    set.get(s / 64).is_some_and(|w| w >> (s % 64) & 1 == 1)
}

/// The (changes made, items brought to the level) pairs that can still end with `k`
/// changes and `r` items at the level, each with its place in a layer.
struct States {
    slot: Vec<Option<usize>>,
    r: usize,
    count: usize,
}

impl States {
    fn new(k: usize, r: usize) -> States {
        let mut slot = vec![None; (k + 1) * (r + 1)];
        let mut count = 0;
        for j in 0..=k {
            for m in 0..=r.min(j) {
                if m + (k - j) >= r {
                    slot[j * (r + 1) + m] = Some(count);
                    count += 1;
                }
            }
        }
        States { slot, r, count }
    }

    fn get(&self, j: usize, m: usize) -> Option<usize> {
        self.slot.get(j * (self.r + 1) + m).copied().flatten()
    }
}

/// The fewest raw points for exactly `k` changes, no more than `best_raw`; None when the
/// programme would be too large.
pub(crate) fn least_points(
    p: &Problem,
    g: &Grid,
    k: usize,
    best_raw: f64,
) -> Option<Vec<(usize, Opt)>> {
    let limit = g.units(best_raw);
    let need = g.need_units(p);
    let r = p.need_below;
    let n = p.items.len();
    let w = limit / 64 + 1;
    let st = States::new(k, r);
    let per_item = st.count * w;
    if (n + 1).checked_mul(per_item)? > MAX_WORDS {
        return None;
    }
    let layer = |i: usize| i * per_item;
    let mut dp = vec![0u64; (n + 1) * per_item];
    dp[st.get(0, 0)? * w] = 1;
    let mut tmp = Bufs(Vec::new(), Vec::new());
    let mut src = vec![0u64; w];
    for (i, item) in p.items.iter().enumerate() {
        let (prev, next) = dp.split_at_mut(layer(i + 1));
        let prev = &prev[layer(i)..];
        next[..per_item].copy_from_slice(prev);
        let gs = groups(item, g, limit);
        for j in 0..k {
            for m in 0..=r {
                let Some(o) = st.get(j, m) else { continue };
                src.copy_from_slice(&prev[o * w..(o + 1) * w]);
                if src.iter().all(|x| *x == 0) {
                    continue;
                }
                for (meets, us) in &gs {
                    let m2 = (m + usize::from(*meets)).min(r);
                    let Some(d) = st.get(j + 1, m2) else { continue };
                    or_all(&mut next[d * w..(d + 1) * w], &src, us, &mut tmp);
                }
            }
        }
    }
    let end = st.get(k, r)?;
    let last = &dp[layer(n) + end * w..layer(n) + (end + 1) * w];
    let mut s = (need..=limit).find(|&s| bit(last, s))?;
    // walk back
    let (mut j, mut m) = (k, r);
    let mut picks = Vec::with_capacity(k);
    for i in (0..n).rev() {
        let item = &p.items[i];
        let prev = &dp[layer(i)..layer(i + 1)];
        let set = |j: usize, m: usize| st.get(j, m).map(|o| &prev[o * w..(o + 1) * w]);
        if set(j, m).is_some_and(|l| bit(l, s)) {
            continue;
        }
        let mut found = None;
        'opts: for (meets, us) in groups(item, g, limit) {
            for (u, x) in us {
                if u > s || j == 0 {
                    continue;
                }
                // the counts this change may have come from (the count is capped at r)
                let from: &[usize] = match (meets, m) {
                    (false, _) => &[m],
                    (true, 0) => continue,
                    (true, _) if m == r => &[m - 1, m],
                    (true, _) => &[m - 1],
                };
                for &m0 in from {
                    if set(j - 1, m0).is_some_and(|l| bit(l, s - u)) {
                        found = Some((u, x, m0));
                        break 'opts;
                    }
                }
            }
        }
        let (u, x, m0) = found?;
        picks.push((item.leaf, item.opts[x]));
        s -= u;
        j -= 1;
        m = m0;
    }
    (j == 0 && s == 0).then_some(picks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(set: &[u64], n: usize) -> Vec<usize> {
        (0..n).filter(|&s| bit(set, s)).collect()
    }

    #[test]
    fn shifted_unions_match_a_plain_loop() {
        // a source with bits across word edges, every shift and every run length and stride
        let n = 200;
        let mut src = vec![0u64; n / 64 + 1];
        for s in [0, 1, 5, 63, 64, 65, 100, 127, 130] {
            src[s / 64] |= 1 << (s % 64);
        }
        let from = bits(&src, n);
        let mut tmp = Bufs(Vec::new(), Vec::new());
        for first in [0, 1, 3, 63, 64, 70] {
            for stride in [1, 2, 3, 64] {
                for count in 1..=9 {
                    let us: Vec<(usize, usize)> =
                        (0..count).map(|c| (first + c * stride, c)).collect();
                    let mut dst = vec![0u64; src.len()];
                    or_all(&mut dst, &src, &us, &mut tmp);
                    let mut want: Vec<usize> = from
                        .iter()
                        .flat_map(|s| us.iter().map(move |(u, _)| s + u))
                        .filter(|s| *s < src.len() * 64)
                        .collect();
                    want.sort();
                    want.dedup();
                    assert_eq!(bits(&dst, src.len() * 64), want, "{first} {stride} {count}");
                }
            }
        }
    }
}
