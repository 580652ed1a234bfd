//! Sign-in throttling: whether a sign-in may be checked now, from the failed sign-ins of the
//! same source (the client's network address) and the time, both arguments.
//!
//! Two rules, both per source, so that nobody elsewhere can lock a person out:
//!
//! - **Account and source.** The first [`Policy::free_failures`] failures for an account from
//!   a source cost nothing; after that each further try waits after the last failure, a delay
//!   that starts at [`Policy::first_delay_secs`] and doubles with every failure beyond, up to
//!   [`Policy::max_delay_secs`]. Failures older than [`Policy::memory_secs`] are forgotten, and
//!   a successful sign-in forgets that account's failures from that source.
//! - **Source across accounts.** When failures from one source name at least
//!   [`Policy::source_accounts`] different accounts within [`Policy::source_window_secs`], the
//!   source may not sign in to any account until enough of them have left the window.
//!
//! A refused try is not checked and does not count as a failure. Times are seconds since
//! 1970-01-01 UTC.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::Msg;

/// The parameters of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures for one account from one source before tries are delayed.
    pub free_failures: u32,
    /// The first delay, after the last free failure.
    pub first_delay_secs: i64,
    /// The longest delay.
    pub max_delay_secs: i64,
    /// How long a failure counts for its account and source.
    pub memory_secs: i64,
    /// Different accounts failed from one source within the window that stop the source.
    pub source_accounts: usize,
    /// The window of the source rule.
    pub source_window_secs: i64,
}

/// The rules in force: 5 free failures per account and source, then 1, 2, 4, 8 and at most
/// 15 minutes between tries, failures remembered for 24 hours; 10 different accounts failed
/// from one source within an hour stop that source.
pub const POLICY: Policy = Policy {
    free_failures: 5,
    first_delay_secs: 60,
    max_delay_secs: 15 * 60,
    memory_secs: 24 * 3600,
    source_accounts: 10,
    source_window_secs: 3600,
};

impl Policy {
    /// How far back a decision looks: failures older than this can be purged.
    pub fn history_secs(&self) -> i64 {
        self.memory_secs.max(self.source_window_secs)
    }

    /// The delay after `failures` failures of an account from a source (0 while free).
    pub fn delay_secs(&self, failures: u32) -> i64 {
        if failures < self.free_failures {
            return 0;
        }
        let doublings = (failures - self.free_failures).min(32);
        self.first_delay_secs
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_secs)
    }
}

/// A failed sign-in from the source being decided on: the account (e-mail address as typed,
/// trimmed and lower case; accounts that do not exist count too) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub account: String,
    pub at: i64,
}

/// Why a sign-in is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Too many failures for this account from this source.
    Account,
    /// Too many accounts failed from this source.
    Source,
}

/// A refusal: the reason, and the first time a try will be checked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub why: Why,
    pub until: i64,
}

impl Refusal {
    /// Whole minutes from `now` until the refusal ends, rounded up, at least 1.
    pub fn minutes(&self, now: i64) -> i64 {
        ((self.until - now).max(1) + 59) / 60
    }

    /// The message for the person signing in: what happened and when to try again.
    pub fn message(&self, now: i64) -> Msg {
        let m = self.minutes(now);
        let unit = if m == 1 { "minute" } else { "minutes" };
        match self.why {
            Why::Account => Msg::new(
                format!(
                    "该账号从您的网络地址登录失败次数过多，请 {} 分钟后再试；如忘记密码，请联系管理员",
                    m
                ),
                format!(
                    "Too many failed sign-ins for this account from your network address; try again in {} {}, or ask your administrator if you forgot the password",
                    m, unit
                ),
            ),
            Why::Source => Msg::new(
                format!(
                    "您的网络地址对多个账号登录失败次数过多，请 {} 分钟后再试",
                    m
                ),
                format!(
                    "Too many failed sign-ins to different accounts from your network address; try again in {} {}",
                    m, unit
                ),
            ),
        }
    }
}

/// May `account` try to sign in from the source at `now`, given the source's failures
/// (`failures`: every failure from this source, of any account; older ones are ignored)?
/// `Ok(())`, or the refusal that ends last.
pub fn decide(p: &Policy, account: &str, failures: &[Failure], now: i64) -> Result<(), Refusal> {
    let mut refusals = Vec::new();
    // account and source
    let mine: Vec<i64> = failures
        .iter()
        .filter(|f| f.account == account && f.at > now - p.memory_secs)
        .map(|f| f.at)
        .collect();
    let delay = p.delay_secs(u32::try_from(mine.len()).unwrap_or(u32::MAX));
    if let (true, Some(last)) = (delay > 0, mine.iter().max()) {
        if now < last + delay {
            refusals.push(Refusal {
                why: Why::Account,
                until: last + delay,
            });
        }
    }
    // source across accounts: each account's latest failure within the window
    let mut latest: BTreeMap<&str, i64> = BTreeMap::new();
    for f in failures
        .iter()
        .filter(|f| f.at > now - p.source_window_secs)
    {
        let e = latest.entry(f.account.as_str()).or_insert(f.at);
        *e = (*e).max(f.at);
    }
    if p.source_accounts > 0 && latest.len() >= p.source_accounts {
        let mut times: Vec<i64> = latest.into_values().collect();
        times.sort_unstable();
        // once this many accounts have left the window, fewer than the limit remain
        let leave = times.len() - p.source_accounts + 1;
        let until = times[leave - 1] + p.source_window_secs;
        if now < until {
            refusals.push(Refusal {
                why: Why::Source,
                until,
            });
        }
    }
    match refusals.into_iter().max_by_key(|r| r.until) {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// The source of a request as throttling counts it: an IPv4 address as it is (also when it
/// comes as an IPv4-mapped IPv6 address), an IPv6 address by its /64 network, which one
/// subscriber usually holds whole.
pub fn source_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{}/64", net)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-01 09:00:00 UTC.
    const T0: i64 = 1_709_283_600;
    const MIN: i64 = 60;

    fn f(account: &str, at: i64) -> Failure {
        Failure {
            account: account.into(),
            at,
        }
    }

    fn n_failures(account: &str, n: usize, at: i64) -> Vec<Failure> {
        (0..n).map(|_| f(account, at)).collect()
    }

    #[test]
    fn delays_grow_after_the_free_failures_and_are_capped() {
        let p = POLICY;
        let delays: Vec<i64> = (0..12).map(|n| p.delay_secs(n)).collect();
        assert_eq!(
            delays,
            [0, 0, 0, 0, 0, 60, 120, 240, 480, 900, 900, 900],
            "5 free, then 1, 2, 4, 8 minutes, at most 15"
        );
        assert_eq!(p.delay_secs(u32::MAX), 900, "no overflow");
    }

    #[test]
    fn free_failures_then_a_wait_after_the_last_one() {
        let p = POLICY;
        let h = n_failures("a@a.test", 4, T0);
        assert_eq!(decide(&p, "a@a.test", &h, T0), Ok(()));
        let mut h = n_failures("a@a.test", 5, T0);
        let r = decide(&p, "a@a.test", &h, T0).unwrap_err();
        assert_eq!(
            r,
            Refusal {
                why: Why::Account,
                until: T0 + MIN
            }
        );
        assert_eq!(r.minutes(T0), 1);
        assert!(decide(&p, "a@a.test", &h, T0 + MIN - 1).is_err());
        assert_eq!(decide(&p, "a@a.test", &h, T0 + MIN), Ok(()));
        // the sixth failure, at T0 + 1 min: two minutes from then
        h.push(f("a@a.test", T0 + MIN));
        let r = decide(&p, "a@a.test", &h, T0 + MIN + 1).unwrap_err();
        assert_eq!(r.until, T0 + 3 * MIN);
        assert_eq!(r.minutes(T0 + MIN + 1), 2, "rounded up");
        // many failures: 15 minutes at most
        let h = n_failures("a@a.test", 40, T0);
        assert_eq!(
            decide(&p, "a@a.test", &h, T0).unwrap_err().until,
            T0 + 15 * MIN
        );
        // forgotten after 24 hours
        let h = n_failures("a@a.test", 40, T0);
        assert_eq!(decide(&p, "a@a.test", &h, T0 + 24 * 3600), Ok(()));
        assert!(decide(&p, "a@a.test", &h, T0 + 14 * MIN).is_err());
    }

    #[test]
    fn other_accounts_of_the_source_are_not_delayed_by_one_account() {
        let p = POLICY;
        let h = n_failures("a@a.test", 9, T0);
        assert!(decide(&p, "a@a.test", &h, T0).is_err());
        assert_eq!(decide(&p, "b@b.test", &h, T0), Ok(()));
    }

    #[test]
    fn a_source_failing_many_accounts_is_stopped_until_enough_leave_the_window() {
        let p = POLICY;
        // one failure each for 9 accounts, a minute apart: still allowed, also for a tenth
        let mut h: Vec<Failure> = (0..9)
            .map(|i| f(&format!("u{i}@x.test"), T0 + i * MIN))
            .collect();
        let now = T0 + 9 * MIN;
        assert_eq!(decide(&p, "u9@x.test", &h, now), Ok(()));
        assert_eq!(decide(&p, "someone@else.test", &h, now), Ok(()));
        // the tenth account fails: every account is refused from this source, known or not
        h.push(f("u9@x.test", now));
        for acct in ["u0@x.test", "u9@x.test", "someone@else.test"] {
            let r = decide(&p, acct, &h, now).unwrap_err();
            assert_eq!(r.why, Why::Source, "{acct}");
            // until the first account's failure (T0) leaves the hour
            assert_eq!(r.until, T0 + 3600, "{acct}");
            assert_eq!(r.minutes(now), 51);
        }
        assert!(decide(&p, "u0@x.test", &h, T0 + 3600 - 1).is_err());
        assert_eq!(decide(&p, "u0@x.test", &h, T0 + 3600), Ok(()));
        // repeated failures of the same account count once, by their latest time
        let mut h: Vec<Failure> = (0..10).map(|i| f(&format!("u{i}@x.test"), T0)).collect();
        h.push(f("u0@x.test", T0 + 30 * MIN));
        let r = decide(&p, "new@x.test", &h, T0 + 30 * MIN).unwrap_err();
        assert_eq!(r.until, T0 + 3600, "u1..u9 leave at T0 + 1 h, u0 stays");
        let h: Vec<Failure> = (0..9)
            .flat_map(|i| n_failures(&format!("u{i}@x.test"), 3, T0))
            .collect();
        assert_eq!(decide(&p, "new@x.test", &h, T0), Ok(()), "9 accounts");
        // 20 accounts: until 11 of them have left
        let h: Vec<Failure> = (0..20)
            .map(|i| f(&format!("u{i}@x.test"), T0 + i * MIN))
            .collect();
        let r = decide(&p, "x@x.test", &h, T0 + 20 * MIN).unwrap_err();
        assert_eq!(r.until, T0 + 10 * MIN + 3600);
    }

    #[test]
    fn the_later_refusal_wins() {
        let p = POLICY;
        // 10 accounts a while ago (source refused until T0 + 1 h) and 9 recent failures of one
        let mut h: Vec<Failure> = (0..10).map(|i| f(&format!("u{i}@x.test"), T0)).collect();
        h.extend(n_failures("u0@x.test", 9, T0 + 50 * MIN));
        let r = decide(&p, "u0@x.test", &h, T0 + 50 * MIN).unwrap_err();
        assert_eq!(r.why, Why::Account);
        assert_eq!(r.until, T0 + 65 * MIN);
        let r = decide(&p, "u1@x.test", &h, T0 + 50 * MIN).unwrap_err();
        assert_eq!(r.why, Why::Source);
        assert_eq!(r.until, T0 + 3600);
    }

    #[test]
    fn the_messages_say_when_to_try_again_in_both_languages() {
        let r = Refusal {
            why: Why::Account,
            until: T0 + 15 * MIN,
        };
        let m = r.message(T0 + 30);
        assert!(m.zh.contains("请 15 分钟后再试"), "{}", m.zh);
        assert!(
            m.en.starts_with("Too many failed sign-ins for this account")
                && m.en.contains("try again in 15 minutes"),
            "{}",
            m.en
        );
        let m = Refusal {
            why: Why::Source,
            until: T0 + 20,
        }
        .message(T0);
        assert!(m.zh.contains("多个账号") && m.zh.contains("请 1 分钟后再试"));
        assert!(m.en.contains("different accounts") && m.en.contains("in 1 minute"));
        assert!(!m.en.contains("1 minutes"), "{}", m.en);
    }

    #[test]
    fn sources_are_addresses_ipv6_by_network() {
        let k = |s: &str| source_key(s.parse().unwrap());
        assert_eq!(k("203.0.113.7"), "203.0.113.7");
        assert_eq!(k("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(k("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(k("2001:db8:1:2:ffff::1"), k("2001:db8:1:2::9"));
        assert_ne!(k("2001:db8:1:2::1"), k("2001:db8:1:3::1"));
    }
}
