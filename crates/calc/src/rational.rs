//! A tiny exact non-negative-friendly rational number used for person-day arithmetic, so that
//! 1/3, 80 % and the half-day rounding of Annex A are computed without floating-point error.
//! All operations are checked: overflow gives `None`, never a panic.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    num: i128,
    den: i128, // always > 0, gcd(num, den) == 1
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Ratio {
    pub(crate) const ZERO: Ratio = Ratio { num: 0, den: 1 };

    /// `num / den`; `None` when `den == 0`.
    pub(crate) fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let (mut n, mut d) = (num, den);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        let g = gcd(n, d);
        if g > 1 {
            n /= g;
            d /= g;
        }
        Some(Ratio { num: n, den: d })
    }

    pub(crate) fn int(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// A number of half days.
    pub(crate) fn halves(h: i128) -> Ratio {
        // den 2 with reduction
        Ratio::new(h, 2).unwrap_or(Ratio::ZERO)
    }

    pub(crate) fn checked_add(self, o: Ratio) -> Option<Ratio> {
        let n = self
            .num
            .checked_mul(o.den)?
            .checked_add(o.num.checked_mul(self.den)?)?;
        let d = self.den.checked_mul(o.den)?;
        Ratio::new(n, d)
    }

    pub(crate) fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        // cross-reduce first to keep numbers small
        let g1 = gcd(self.num, o.den).max(1);
        let g2 = gcd(o.num, self.den).max(1);
        let n = (self.num / g1).checked_mul(o.num / g2)?;
        let d = (self.den / g2).checked_mul(o.den / g1)?;
        Ratio::new(n, d)
    }

    pub(crate) fn max(self, o: Ratio) -> Ratio {
        if self.cmp(&o) == Ordering::Less {
            o
        } else {
            self
        }
    }

    /// Round to the nearest half, a value exactly between two halves (x.25, x.75) rounding up.
    pub(crate) fn round_half_up(self) -> Option<Ratio> {
        // halves = floor(2x + 1/2) = floor((4n + d) / 2d)
        let top = self.num.checked_mul(4)?.checked_add(self.den)?;
        let bottom = self.den.checked_mul(2)?;
        Some(Ratio::halves(top.div_euclid(bottom)))
    }

    pub(crate) fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Exact conversion from a decimal `f64` given in a data file, accepted only when it is a
    /// whole number of halves (e.g. 2, 2.5, 7.5).
    pub(crate) fn from_half_f64(v: f64) -> Option<Ratio> {
        if !v.is_finite() {
            return None;
        }
        let h = v * 2.0;
        if h.fract() != 0.0 || h.abs() > 1e15 {
            return None;
        }
        Some(Ratio::halves(h as i128))
    }

    /// Human text: exact decimals up to 3 places, otherwise `≈x.xxx（a/b）`.
    pub(crate) fn display(self) -> String {
        // does den divide 10^k for k <= 3?
        for (k, p) in [(0usize, 1i128), (1, 10), (2, 100), (3, 1000)] {
            if p % self.den == 0 {
                let scaled = self.num * (p / self.den);
                return fmt_fixed(scaled, k);
            }
        }
        let approx = (self.to_f64() * 1000.0).round() as i128;
        format!("≈{}（{}/{}）", fmt_fixed(approx, 3), self.num, self.den)
    }
}

fn fmt_fixed(scaled: i128, places: usize) -> String {
    if places == 0 {
        return scaled.to_string();
    }
    let neg = scaled < 0;
    let a = scaled.unsigned_abs();
    let p = 10u128.pow(places as u32);
    let int = a / p;
    let frac = a % p;
    let mut frac_s = format!("{:0width$}", frac, width = places);
    while frac_s.ends_with('0') {
        frac_s.pop();
    }
    let sign = if neg { "-" } else { "" };
    if frac_s.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac_s}")
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        // denominators are positive; values in this crate are small, so i128 products are safe,
        // but fall back to f64 if they were not.
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self
                .to_f64()
                .partial_cmp(&other.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d).unwrap()
    }

    #[test]
    fn normalises() {
        assert_eq!(r(2, 4), r(1, 2));
        assert_eq!(r(-3, -6), r(1, 2));
        assert_eq!(r(3, -6), r(-1, 2));
        assert!(Ratio::new(1, 0).is_none());
    }

    #[test]
    fn arithmetic() {
        assert_eq!(r(1, 3).checked_add(r(1, 6)).unwrap(), r(1, 2));
        assert_eq!(r(2, 3).checked_mul(r(9, 4)).unwrap(), r(3, 2));
        assert!(r(i128::MAX, 1).checked_mul(r(3, 1)).is_none());
        assert_eq!(r(1, 2).max(r(2, 3)), r(2, 3));
    }

    #[test]
    fn rounding_to_half_days() {
        let cases = [
            (r(9, 4), r(5, 2)),     // 2.25 -> 2.5 (quarter rounds up)
            (r(11, 5), r(2, 1)),    // 2.2 -> 2
            (r(23, 10), r(5, 2)),   // 2.3 -> 2.5
            (r(11, 4), r(3, 1)),    // 2.75 -> 3
            (r(274, 100), r(5, 2)), // 2.74 -> 2.5
            (r(276, 100), r(3, 1)), // 2.76 -> 3
            (r(2, 3), r(1, 2)),     // 0.667 -> 0.5
            (r(4, 3), r(3, 2)),     // 1.333 -> 1.5
            (r(5, 3), r(3, 2)),     // 1.667 -> 1.5
            (r(8, 3), r(5, 2)),     // 2.667 -> 2.5
            (r(10, 3), r(7, 2)),    // 3.333 -> 3.5
            (r(1, 4), r(1, 2)),     // 0.25 -> 0.5
            (r(0, 1), r(0, 1)),
            (r(3, 1), r(3, 1)),
            (r(5, 2), r(5, 2)),
        ];
        for (x, want) in cases {
            assert_eq!(x.round_half_up().unwrap(), want, "{}", x.display());
        }
    }

    #[test]
    fn display() {
        assert_eq!(r(5, 2).display(), "2.5");
        assert_eq!(r(2, 1).display(), "2");
        assert_eq!(r(21, 10).display(), "2.1");
        assert_eq!(r(168, 100).display(), "1.68");
        assert_eq!(r(2, 3).display(), "≈0.667（2/3）");
        assert_eq!(r(-1, 4).display(), "-0.25");
    }

    #[test]
    fn from_half_f64() {
        assert_eq!(Ratio::from_half_f64(7.5), Some(r(15, 2)));
        assert_eq!(Ratio::from_half_f64(2.0), Some(r(2, 1)));
        assert_eq!(Ratio::from_half_f64(2.25), None);
        assert_eq!(Ratio::from_half_f64(f64::NAN), None);
    }
}
