//! Rate limits of the pages without sign-in, decided from what is stored and the time, both
//! arguments (the store keeps one number per bucket and address, so every server on one
//! database counts together).
//!
//! The rule is GCRA (the generic cell rate algorithm, as `governor` used before): a quota
//! of `per_minute` requests with a `burst` allows `burst` requests at once, then one every
//! `60 s / per_minute`. The state is one time, the *theoretical arrival time* (TAT) of the
//! next request in milliseconds since 1970; a request at `now` is allowed when
//! `max(TAT, now) − now ≤ (burst − 1) × interval`, and then the TAT moves on by one interval.
//! A refused request does not move it, and says how many whole seconds to wait (rounded
//! up, at least 1): a request after that wait is allowed.
//!
//! A TAT at or before `now` means a full allowance, the same as no state: such rows can be
//! deleted at any time ([`Decision`] does not need them).

/// A quota: `per_minute` sustained, `burst` at once (each at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub per_minute: u32,
    pub burst: u32,
}

impl Quota {
    /// Milliseconds between two requests at the sustained rate.
    pub fn interval_ms(&self) -> i64 {
        60_000 / i64::from(self.per_minute.max(1))
    }

    /// How far ahead of `now` the TAT may be for a request to be allowed.
    pub fn tolerance_ms(&self) -> i64 {
        self.interval_ms() * (i64::from(self.burst.max(1)) - 1)
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Serve it, and store this TAT.
    Allow { tat: i64 },
    /// Refuse it (429): try again in this many seconds; the stored TAT stays.
    Refuse { retry_after_secs: u64 },
}

/// Decide one request at `now_ms` given the stored TAT (`None` when nothing is stored).
pub fn decide(q: Quota, stored_tat: Option<i64>, now_ms: i64) -> Decision {
    let from = stored_tat.unwrap_or(now_ms).max(now_ms);
    let ahead = from.saturating_sub(now_ms);
    let tolerance = q.tolerance_ms();
    if ahead <= tolerance {
        Decision::Allow {
            tat: from.saturating_add(q.interval_ms()),
        }
    } else {
        let wait_ms = ahead.saturating_sub(tolerance);
        let secs = u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000).max(1);
        Decision::Refuse {
            retry_after_secs: secs,
        }
    }
}

/// Which count a request belongs to: reads and POSTs are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Read,
    Post,
}

impl Bucket {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Read => "read",
            Bucket::Post => "post",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const READS: Quota = Quota {
        per_minute: 60,
        burst: 30,
    };
    const POSTS: Quota = Quota {
        per_minute: 10,
        burst: 10,
    };
    const T0: i64 = 1_767_225_600_000;

    /// Run requests at the given times from an empty state: the decisions.
    fn run(q: Quota, times: &[i64]) -> Vec<Decision> {
        let mut tat = None;
        times
            .iter()
            .map(|&t| {
                let d = decide(q, tat, t);
                if let Decision::Allow { tat: n } = d {
                    tat = Some(n);
                }
                d
            })
            .collect()
    }

    fn is_allow(d: Decision) -> bool {
        matches!(d, Decision::Allow { .. })
    }

    fn allowed(ds: &[Decision]) -> usize {
        ds.iter()
            .filter(|d| matches!(d, Decision::Allow { .. }))
            .count()
    }

    #[test]
    fn a_burst_of_30_reads_then_one_a_second() {
        let ds = run(READS, &[T0; 31]);
        assert_eq!(allowed(&ds), 30);
        assert_eq!(
            ds[30],
            Decision::Refuse {
                retry_after_secs: 1
            }
        );
        // after a second, one more; not two
        let mut tat = match ds[29] {
            Decision::Allow { tat } => Some(tat),
            _ => unreachable!(),
        };
        let d = decide(READS, tat, T0 + 1000);
        assert!(matches!(d, Decision::Allow { .. }));
        if let Decision::Allow { tat: n } = d {
            tat = Some(n);
        }
        assert_eq!(
            decide(READS, tat, T0 + 1000),
            Decision::Refuse {
                retry_after_secs: 1
            }
        );
        // a minute of quiet gives the whole burst back
        assert_eq!(allowed(&run(READS, &[T0 + 60_000; 40])), 30);
    }

    #[test]
    fn ten_posts_then_a_wait_of_six_seconds() {
        let ds = run(POSTS, &[T0; 11]);
        assert_eq!(allowed(&ds), 10);
        assert_eq!(
            ds[10],
            Decision::Refuse {
                retry_after_secs: 6
            }
        );
    }

    #[test]
    fn a_tat_in_the_past_is_a_full_allowance() {
        assert_eq!(decide(READS, Some(T0 - 5_000), T0), decide(READS, None, T0));
        assert_eq!(decide(READS, None, T0), Decision::Allow { tat: T0 + 1000 });
    }

    #[test]
    fn odd_quotas_do_not_panic() {
        let q = Quota {
            per_minute: 0,
            burst: 0,
        };
        assert!(matches!(decide(q, None, 0), Decision::Allow { .. }));
        assert!(matches!(
            decide(q, Some(i64::MAX), i64::MIN),
            Decision::Refuse { .. }
        ));
        assert!(matches!(
            decide(q, Some(i64::MAX), i64::MAX),
            Decision::Allow { .. }
        ));
    }

    proptest! {
        /// Waiting what a refusal says is always enough.
        #[test]
        fn waiting_the_retry_after_is_enough(
            per_minute in 1u32..120, burst in 1u32..50, gaps in prop::collection::vec(0i64..3000, 1..200)
        ) {
            let q = Quota { per_minute, burst };
            let mut tat = None;
            let mut now = T0;
            for g in gaps {
                now += g;
                match decide(q, tat, now) {
                    Decision::Allow { tat: n } => tat = Some(n),
                    Decision::Refuse { retry_after_secs } => {
                        prop_assert!(retry_after_secs >= 1);
                        let later = now + retry_after_secs as i64 * 1000;
                        prop_assert!(is_allow(decide(q, tat, later)));
                        // and a moment earlier than a second before it is still refused
                        let sooner = later - 1000;
                        if sooner > now {
                            prop_assert!(!is_allow(decide(q, tat, sooner - 1)));
                        }
                    }
                }
            }
        }

        /// In any stretch of time, no more than the burst plus the sustained rate get through.
        #[test]
        fn never_more_than_burst_plus_rate(
            per_minute in 1u32..120, burst in 1u32..50, gaps in prop::collection::vec(0i64..2000, 1..300)
        ) {
            let q = Quota { per_minute, burst };
            let mut times = Vec::new();
            let mut now = T0;
            for g in gaps {
                now += g;
                times.push(now);
            }
            let ds = run(q, &times);
            let ok: Vec<i64> = times.iter().zip(&ds)
                .filter(|(_, d)| matches!(d, Decision::Allow { .. }))
                .map(|(t, _)| *t).collect();
            for (i, &start) in ok.iter().enumerate() {
                for (j, &end) in ok.iter().enumerate().skip(i) {
                    let n = (j - i + 1) as i64;
                    let bound = i64::from(burst) + (end - start) / q.interval_ms();
                    prop_assert!(n <= bound, "{n} allowed in {} ms", end - start);
                }
            }
        }
    }
}
