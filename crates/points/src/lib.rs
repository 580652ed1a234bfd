//! The shop points of seed 002 (上海市企业服务云店铺积分考核管理制度; DESIGN I-14, I-22).
//!
//! The rules are data (`schemes/sh-service-cloud-points/rules.toml`, read into a
//! [`Version`]); a shop's points are the fold of its events under a version at a time
//! ([`fold`]), never a stored counter, so totals can be recomputed under another version and
//! the difference explained rule by rule ([`diff`]). Pure: no IO, no async, no clock — the
//! as-of time is an argument.
//!
//! Time zone. Login days are Asia/Shanghai calendar days (002-P4). China has kept UTC+8
//! without daylight saving since 1991, so a fixed offset is exact for any event a platform
//! records: no time-zone database is needed.

pub mod diff;
pub mod event;
pub mod fold;
pub mod ledger;
pub mod progress;
pub mod resume;
pub mod rules;
mod shop;
pub mod sme;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

pub use diff::{diff, RuleDiff, ShopDiff};
pub use event::{parse_jsonl, Event, ParseError};
pub use fold::fold;
pub use ledger::{Duplicate, Entry, Ledger, LevelRef, Note, Rejected, Shop};
pub use progress::{badge, progress, Cap, Next, Progress};
pub use resume::{advance, Advanced, Saved};
pub use rules::{Counting, Level, LevelKind, Party, Rule, RulesError, Version, Versions};
pub use shop::{full_years, State, Totals};

/// Asia/Shanghai: UTC+8, no daylight saving.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The as-of time of a command-line argument: an RFC 3339 time, or a bare date
/// (YYYY-MM-DD) meaning the end of that day in Asia/Shanghai (I-22).
pub fn parse_as_of(s: &str) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let end = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).expect("a valid time");
        if let Some(t) = d.and_time(end).and_local_timezone(shanghai()).single() {
            return Ok(t);
        }
    }
    Err(format!(
        "“{s}” 不是时间：应为 RFC 3339（如 2026-11-25T18:00:00+08:00）或日期 YYYY-MM-DD（当天北京时间结束时）"
    ))
}
