//! The application's clock, injected so that tests and the CLI can set today's date.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system's clock moved by a whole number of days, so that "today" is a chosen date and
/// time goes on from there (`--today`, `TIANPING_TODAY`).
pub struct ShiftedClock {
    offset: chrono::Duration,
}

impl ShiftedClock {
    /// A clock on which it is `today` now (at the system's time of day).
    pub fn to_day(today: chrono::NaiveDate) -> ShiftedClock {
        let days = (today - Utc::now().date_naive()).num_days();
        ShiftedClock {
            offset: chrono::Duration::days(days),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// A clock that stands still until moved (tests, replays, `--today`).
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> FixedClock {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_is_on_the_chosen_day_and_moves_on() {
        let day = chrono::NaiveDate::from_ymd_opt(2030, 2, 28).unwrap();
        let c = ShiftedClock::to_day(day);
        let a = c.now();
        assert!(
            a.date_naive() == day || a.date_naive() == day.succ_opt().unwrap(),
            "{a}"
        );
        assert!(c.now() >= a);
        let f = FixedClock::new(a);
        f.advance(chrono::Duration::days(1));
        assert_eq!(f.now() - a, chrono::Duration::days(1));
    }
}
