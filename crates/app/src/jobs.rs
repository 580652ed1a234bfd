//! The background jobs' record in this process (issue 14, observability): how often each ran,
//! how often it failed, when it last succeeded and how long its last run took. The jobs write
//! it; `/metrics` reads it.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// One job's record.
#[derive(Debug, Default)]
pub struct JobStats {
    runs: AtomicU64,
    failures: AtomicU64,
    /// Unix seconds of the last run that succeeded (0: none yet).
    last_success: AtomicI64,
    /// Microseconds the last run took.
    last_micros: AtomicU64,
}

/// What a job's record says now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobSnapshot {
    pub runs: u64,
    pub failures: u64,
    pub last_success: i64,
    pub last_seconds: f64,
}

impl JobStats {
    /// Record one run: whether it succeeded, how long it took, and now (Unix seconds).
    pub fn record(&self, ok: bool, took: Duration, now_unix: i64) {
        self.runs.fetch_add(1, Ordering::Relaxed);
        if ok {
            self.last_success.store(now_unix, Ordering::Relaxed);
        } else {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        self.last_micros.store(
            took.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }

    pub fn snapshot(&self) -> JobSnapshot {
        JobSnapshot {
            runs: self.runs.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            last_success: self.last_success.load(Ordering::Relaxed),
            last_seconds: self.last_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

/// Every background job of a server.
#[derive(Debug, Default)]
pub struct Jobs {
    /// The certification cases' due reminders (hourly).
    pub reminders: JobStats,
    /// E-mail delivery from the outbox (every few seconds).
    pub mail: JobStats,
    /// Signed checkpoints of the audit log.
    pub checkpoints: JobStats,
}

impl Jobs {
    /// Each job with its name as `/metrics` labels it.
    pub fn all(&self) -> [(&'static str, &JobStats); 3] {
        [
            ("reminders", &self.reminders),
            ("mail", &self.mail),
            ("checkpoints", &self.checkpoints),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_failures_and_the_last_success_are_kept() {
        let s = JobStats::default();
        s.record(true, Duration::from_millis(1500), 1_700_000_000);
        s.record(false, Duration::from_millis(20), 1_700_000_060);
        let n = s.snapshot();
        assert_eq!((n.runs, n.failures, n.last_success), (2, 1, 1_700_000_000));
        assert!((n.last_seconds - 0.02).abs() < 1e-9);
    }
}
