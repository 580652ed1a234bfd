//! Password reset by e-mail: how long a link works, and how often an address may be sent
//! one. The page answers the same whether or not the address exists or a mail was sent, so
//! a refusal here is silent: it only spares the person's inbox.
//!
//! Times are seconds since 1970-01-01 UTC, arguments like every time in this crate.

/// The parameters of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetPolicy {
    /// How long a link works.
    pub valid_secs: i64,
    /// Least time between two e-mails to one address.
    pub min_gap_secs: i64,
    /// Most e-mails to one address within [`ResetPolicy::window_secs`].
    pub max_in_window: usize,
    pub window_secs: i64,
}

/// One hour per link; at most 3 e-mails an hour to one address, and one a minute.
pub const RESET: ResetPolicy = ResetPolicy {
    valid_secs: 3600,
    min_gap_secs: 60,
    max_in_window: 3,
    window_secs: 3600,
};

impl ResetPolicy {
    /// Minutes a link works (for the e-mail's text).
    pub fn valid_minutes(&self) -> i64 {
        self.valid_secs / 60
    }

    /// How far back the decision looks (older requests can be purged).
    pub fn history_secs(&self) -> i64 {
        self.window_secs.max(self.min_gap_secs).max(self.valid_secs)
    }
}

/// Whether a reset e-mail may be sent to an address at `now`, given when it was sent one
/// before (`earlier`, any order; older ones are ignored).
pub fn may_send(p: &ResetPolicy, earlier: &[i64], now: i64) -> bool {
    let recent = earlier.iter().filter(|t| **t > now - p.window_secs).count();
    let too_soon = earlier.iter().any(|t| *t > now - p.min_gap_secs);
    recent < p.max_in_window && !too_soon
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_764_000_000;

    #[test]
    fn one_a_minute_and_three_an_hour() {
        let p = RESET;
        assert!(may_send(&p, &[], T0));
        assert!(!may_send(&p, &[T0 - 30], T0), "too soon");
        assert!(may_send(&p, &[T0 - 61], T0));
        let three = [T0 - 3000, T0 - 2000, T0 - 1000];
        assert!(!may_send(&p, &three, T0), "three within the hour");
        assert!(may_send(&p, &three, T0 + 601), "the first left the window");
        assert!(may_send(&p, &[T0 - 7200; 10], T0), "old ones are forgotten");
        assert_eq!(p.valid_minutes(), 60);
        assert!(p.history_secs() >= p.valid_secs);
    }

    proptest::proptest! {
        /// Whatever the requests, the e-mails the rule lets through keep both limits.
        #[test]
        fn what_is_sent_keeps_both_limits(mut asks in proptest::collection::vec(0i64..20_000, 0..60)) {
            asks.sort_unstable();
            let mut sent: Vec<i64> = Vec::new();
            for t in asks {
                if may_send(&RESET, &sent, T0 + t) {
                    sent.push(T0 + t);
                }
            }
            for (i, t) in sent.iter().enumerate() {
                let within = sent[..=i].iter().filter(|s| **s > t - RESET.window_secs).count();
                proptest::prop_assert!(within <= RESET.max_in_window);
                if i > 0 {
                    proptest::prop_assert!(t - sent[i - 1] >= RESET.min_gap_secs);
                }
            }
        }
    }
}
