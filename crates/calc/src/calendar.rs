//! Working-day calendar and date arithmetic (DESIGN I-11).
//!
//! - Working days follow the State Council General Office holiday notices: official holidays
//!   are off, adjusted working weekend days (调休上班) are on, otherwise Monday–Friday.
//!   2025 and 2026 ship in `data/holidays.toml`; more years load from a TOML string of the
//!   same shape. For a date in a year with no notice loaded, Monday–Friday is used and a
//!   [`Warning`] naming the year is returned.
//! - Periods follow Civil Code art. 201: the start day is not counted.
//! - Months are calendar months, clamped to the end of the month.
//! - A certificate issued on D is valid until D + 3 years − 1 day.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The shipped holiday notices (2025, 2026).
pub const BUILTIN_HOLIDAYS_TOML: &str = include_str!("../data/holidays.toml");

/// Largest `n` accepted by [`Calendar::add_workdays`] (about 400 years of working days).
pub const MAX_WORKDAYS: u32 = 100_000;

/// Longest holiday range accepted in a calendar file, in days (the longest real one is 9).
pub const MAX_HOLIDAY_SPAN_DAYS: i64 = 15;

/// Something the caller should show the user next to a result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// The calendar year the warning is about.
    pub year: i32,
    pub message: String,
}

impl Warning {
    fn no_calendar(year: i32) -> Warning {
        Warning {
            year,
            message: format!(
                "未加载{year}年的节假日安排（国务院办公厅通知），{year}年按周一至周五为工作日计算，结果可能与实际放假安排不符"
            ),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Errors of calendar loading and date arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CalendarError {
    #[error("节假日文件不是有效的TOML或字段不符合格式（应为 [[year]] year/source 与 [[year.holiday]] name/from/to/workdays）：{message}")]
    Toml { message: String },
    #[error("节假日文件中{field}不是有效的日期：{value}（应为 YYYY-MM-DD 形式的日期，不带时间）")]
    InvalidDate { field: String, value: String },
    #[error("节假日文件中年份 {year} 无效：应在 1900 至 9999 之间")]
    InvalidYear { year: i64 },
    #[error("节假日文件中 {year} 年出现了不止一次：每年只应有一个 [[year]]")]
    DuplicateYear { year: i32 },
    #[error("{year}年“{name}”的放假起始日 {from} 晚于结束日 {to}：from 应不晚于 to")]
    RangeReversed {
        year: i32,
        name: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error(
        "{year}年“{name}”的放假期间 {from} 至 {to} 共{days}天，超过{max}天：请检查日期是否写错"
    )]
    RangeTooLong {
        year: i32,
        name: String,
        from: NaiveDate,
        to: NaiveDate,
        days: i64,
        max: i64,
    },
    #[error("{year}年“{name}”的日期 {date} 不在{year}年或相邻年份内")]
    OutsideYear {
        year: i32,
        name: String,
        date: NaiveDate,
    },
    #[error("{year}年“{name}”的调休上班日 {date} 是{weekday}：调休上班日应为周六或周日")]
    WorkdayNotWeekend {
        year: i32,
        name: String,
        date: NaiveDate,
        weekday: String,
    },
    #[error("日期 {date} 在节假日文件中被重复列出或同时列为放假日和上班日（{first}；{second}）")]
    Conflict {
        date: NaiveDate,
        first: String,
        second: String,
    },
    #[error("工作日数 {n} 过大：应不超过 {max}")]
    TooManyWorkdays { n: u32, max: u32 },
    #[error("日期计算超出可表示的范围（{what}）")]
    OutOfRange { what: String },
}

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DayKind {
    /// Monday–Friday, not a holiday.
    Workday,
    /// Saturday or Sunday, not an adjusted working day.
    Weekend,
    /// Official holiday (放假).
    Holiday { name: String },
    /// Weekend day worked in exchange (调休上班).
    AdjustedWorkday { name: String },
}

/// A date explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub weekday: &'static str,
    pub workday: bool,
    pub kind: DayKind,
    pub warning: Option<Warning>,
}

/// One item of a notice: a holiday range and the weekend days worked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub workdays: Vec<NaiveDate>,
}

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCalendar {
    pub year: i32,
    pub source: String,
    pub holidays: Vec<Holiday>,
}

/// Working-day calendar: the loaded notices by year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
    #[serde(skip)]
    off: BTreeMap<NaiveDate, String>,
    #[serde(skip)]
    on: BTreeMap<NaiveDate, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i64,
    #[serde(default)]
    source: String,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: toml::value::Datetime,
    to: toml::value::Datetime,
    #[serde(default)]
    workdays: Vec<toml::value::Datetime>,
}

fn to_date(field: &str, v: &toml::value::Datetime) -> Result<NaiveDate, CalendarError> {
    let bad = || CalendarError::InvalidDate {
        field: field.to_string(),
        value: v.to_string(),
    };
    if v.time.is_some() || v.offset.is_some() {
        return Err(bad());
    }
    let d = v.date.ok_or_else(bad)?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)).ok_or_else(bad)
}

/// Chinese weekday name (周一 … 周日).
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// A calendar with no notice loaded: every date is Monday–Friday with a warning.
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// The calendar with the shipped notices (2025 and 2026).
    pub fn builtin() -> Calendar {
        // The shipped file is checked by the tests of this module.
        Calendar::from_toml_str(BUILTIN_HOLIDAYS_TOML)
            .expect("data/holidays.toml shipped with tianping-calc is valid")
    }

    /// A calendar with exactly the notices in `s`.
    pub fn from_toml_str(s: &str) -> Result<Calendar, CalendarError> {
        let mut c = Calendar::empty();
        c.load_toml_str(s)?;
        Ok(c)
    }

    /// Load the years in `s` (same format as `data/holidays.toml`). A year already loaded is
    /// replaced as a whole. Nothing changes when an error is returned. Returns the years loaded.
    pub fn load_toml_str(&mut self, s: &str) -> Result<Vec<i32>, CalendarError> {
        let raw: RawFile = toml::from_str(s).map_err(|e| CalendarError::Toml {
            message: e.to_string(),
        })?;
        let mut parsed: BTreeMap<i32, YearCalendar> = BTreeMap::new();
        for ry in raw.year {
            if !(1900..=9999).contains(&ry.year) {
                return Err(CalendarError::InvalidYear { year: ry.year });
            }
            let year = ry.year as i32;
            let mut holidays = Vec::new();
            for rh in ry.holiday {
                let name = rh.name.trim().to_string();
                let from = to_date(&format!("{year}年“{name}”的 from"), &rh.from)?;
                let to = to_date(&format!("{year}年“{name}”的 to"), &rh.to)?;
                let mut workdays = Vec::new();
                for w in &rh.workdays {
                    workdays.push(to_date(&format!("{year}年“{name}”的 workdays"), w)?);
                }
                holidays.push(Holiday {
                    name,
                    from,
                    to,
                    workdays,
                });
            }
            let yc = YearCalendar {
                year,
                source: ry.source,
                holidays,
            };
            if parsed.insert(year, yc).is_some() {
                return Err(CalendarError::DuplicateYear { year });
            }
        }
        // validate against the years that remain after replacement
        let mut merged = self.years.clone();
        for (y, yc) in &parsed {
            merged.insert(*y, yc.clone());
        }
        let (off, on) = build_sets(&merged)?;
        self.years = merged;
        self.off = off;
        self.on = on;
        Ok(parsed.keys().copied().collect())
    }

    /// Years with a notice loaded.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The notice loaded for `year`, if any.
    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day, with a warning when its year has no notice loaded.
    pub fn is_workday(&self, date: NaiveDate) -> (bool, Option<Warning>) {
        let info = self.day_info(date);
        (info.workday, info.warning)
    }

    /// `date` explained: kind of day, the holiday it belongs to, and any warning.
    pub fn day_info(&self, date: NaiveDate) -> DayInfo {
        let weekday = weekday_zh(date);
        if let Some(name) = self.off.get(&date) {
            return DayInfo {
                date,
                weekday,
                workday: false,
                kind: DayKind::Holiday { name: name.clone() },
                warning: None,
            };
        }
        if let Some(name) = self.on.get(&date) {
            return DayInfo {
                date,
                weekday,
                workday: true,
                kind: DayKind::AdjustedWorkday { name: name.clone() },
                warning: None,
            };
        }
        let warning = if self.years.contains_key(&date.year()) {
            None
        } else {
            Some(Warning::no_calendar(date.year()))
        };
        let weekend = is_weekend(date);
        DayInfo {
            date,
            weekday,
            workday: !weekend,
            kind: if weekend {
                DayKind::Weekend
            } else {
                DayKind::Workday
            },
            warning,
        }
    }

    /// The date `n` working days after `start`; the start day is not counted (Civil Code
    /// art. 201), so the result is the n-th working day strictly after `start`
    /// (`n = 0` gives `start`). Warnings name each year without a notice that was crossed.
    pub fn add_workdays(
        &self,
        start: NaiveDate,
        n: u32,
    ) -> Result<(NaiveDate, Vec<Warning>), CalendarError> {
        if n > MAX_WORKDAYS {
            return Err(CalendarError::TooManyWorkdays {
                n,
                max: MAX_WORKDAYS,
            });
        }
        let mut warnings: BTreeSet<Warning> = BTreeSet::new();
        let mut d = start;
        let mut counted = 0u32;
        while counted < n {
            d = d.succ_opt().ok_or_else(|| CalendarError::OutOfRange {
                what: format!("{start} 之后第{n}个工作日"),
            })?;
            let (work, warning) = self.is_workday(d);
            if let Some(w) = warning {
                warnings.insert(w);
            }
            if work {
                counted += 1;
            }
        }
        Ok((d, warnings.into_iter().collect()))
    }

    /// Working days in `from ..= to` (both counted), with warnings for years without notice.
    pub fn count_workdays(&self, from: NaiveDate, to: NaiveDate) -> (u32, Vec<Warning>) {
        let mut warnings: BTreeSet<Warning> = BTreeSet::new();
        let mut count = 0u32;
        for d in from.iter_days().take_while(|d| *d <= to) {
            let (work, warning) = self.is_workday(d);
            if let Some(w) = warning {
                warnings.insert(w);
            }
            if work {
                count += 1;
            }
        }
        (count, warnings.into_iter().collect())
    }
}

type DaySets = (BTreeMap<NaiveDate, String>, BTreeMap<NaiveDate, String>);

fn build_sets(years: &BTreeMap<i32, YearCalendar>) -> Result<DaySets, CalendarError> {
    let mut off: BTreeMap<NaiveDate, String> = BTreeMap::new();
    let mut on: BTreeMap<NaiveDate, String> = BTreeMap::new();
    let conflict = |date: NaiveDate, first: &str, second: String| CalendarError::Conflict {
        date,
        first: first.to_string(),
        second,
    };
    for yc in years.values() {
        let year = yc.year;
        let in_range = |d: NaiveDate| (d.year() - year).abs() <= 1;
        for h in &yc.holidays {
            let label = format!("{year}年{}", h.name);
            for d in [h.from, h.to].iter().chain(h.workdays.iter()) {
                if !in_range(*d) {
                    return Err(CalendarError::OutsideYear {
                        year,
                        name: h.name.clone(),
                        date: *d,
                    });
                }
            }
            if h.from > h.to {
                return Err(CalendarError::RangeReversed {
                    year,
                    name: h.name.clone(),
                    from: h.from,
                    to: h.to,
                });
            }
            let days = (h.to - h.from).num_days() + 1;
            if days > MAX_HOLIDAY_SPAN_DAYS {
                return Err(CalendarError::RangeTooLong {
                    year,
                    name: h.name.clone(),
                    from: h.from,
                    to: h.to,
                    days,
                    max: MAX_HOLIDAY_SPAN_DAYS,
                });
            }
            let mut d = h.from;
            while d <= h.to {
                if let Some(prev) = off.get(&d).or_else(|| on.get(&d)) {
                    return Err(conflict(d, prev, format!("{label}放假")));
                }
                off.insert(d, h.name.clone());
                d += Duration::days(1);
            }
            for w in &h.workdays {
                if !is_weekend(*w) {
                    return Err(CalendarError::WorkdayNotWeekend {
                        year,
                        name: h.name.clone(),
                        date: *w,
                        weekday: weekday_zh(*w).to_string(),
                    });
                }
                if let Some(prev) = off.get(w).or_else(|| on.get(w)) {
                    return Err(conflict(*w, prev, format!("{label}调休上班")));
                }
                on.insert(*w, h.name.clone());
            }
        }
    }
    Ok((off, on))
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

/// `date` plus `n` calendar months (negative `n` goes back), the day clamped to the end of
/// the target month (2025-01-31 + 1 month = 2025-02-28).
pub fn add_months(date: NaiveDate, n: i32) -> Result<NaiveDate, CalendarError> {
    let out = || CalendarError::OutOfRange {
        what: format!("{date} 加 {n} 个月"),
    };
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(n);
    let year = i32::try_from(index.div_euclid(12)).map_err(|_| out())?;
    let month = u32::try_from(index.rem_euclid(12) + 1).map_err(|_| out())?;
    let last = days_in_month(year, month).ok_or_else(out)?;
    NaiveDate::from_ymd_opt(year, month, date.day().min(last)).ok_or_else(out)
}

/// Last day of validity of a certificate issued on `issue`: issue + 3 years − 1 day
/// (2026-03-15 → 2029-03-14). When the anniversary does not exist (issued on 29 February),
/// the validity ends on the last day of February (Civil Code art. 202: 没有对应日的，月末日为
/// 期间的最后一日), so 2024-02-29 → 2027-02-28.
pub fn certificate_expiry(issue: NaiveDate) -> Result<NaiveDate, CalendarError> {
    let out = || CalendarError::OutOfRange {
        what: format!("{issue} 签发的证书有效期"),
    };
    let anniversary = add_months(issue, 36)?;
    if anniversary.day() != issue.day() {
        // clamped: the corresponding day does not exist, the month's last day is the end
        return Ok(anniversary);
    }
    anniversary.pred_opt().ok_or_else(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    #[test]
    fn builtin_loads_2025_and_2026() {
        let c = cal();
        assert_eq!(c.years(), vec![2025, 2026]);
        assert_eq!(c.year(2025).unwrap().holidays.len(), 6);
        assert_eq!(c.year(2026).unwrap().holidays.len(), 7);
        assert!(c
            .year(2026)
            .unwrap()
            .source
            .contains("2026年部分节假日安排"));
    }

    /// Per the 2024 revision of 全国年节及纪念日放假办法 the statutory days are 元旦 1,
    /// 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3. For each notice item, the weekdays
    /// it takes off minus the weekend days worked for it must equal those statutory days.
    #[test]
    fn each_item_matches_statutory_days() {
        let statutory = |name: &str| -> i64 {
            match name {
                "元旦" => 1,
                "春节" => 4,
                "清明节" => 1,
                "劳动节" => 2,
                "端午节" => 1,
                "中秋节" => 1,
                "国庆节" => 3,
                "国庆节、中秋节" => 4,
                other => panic!("unexpected holiday {other}"),
            }
        };
        let c = cal();
        for y in [2025, 2026] {
            let mut total = 0;
            for h in &c.year(y).unwrap().holidays {
                let weekday_off = h
                    .from
                    .iter_days()
                    .take_while(|x| *x <= h.to)
                    .filter(|x| !is_weekend(*x))
                    .count() as i64;
                let net = weekday_off - h.workdays.len() as i64;
                assert_eq!(net, statutory(&h.name), "{y} {}", h.name);
                total += net;
            }
            assert_eq!(total, 13, "{y}");
        }
    }

    #[test]
    fn working_days_per_year() {
        let c = cal();
        for y in [2025, 2026] {
            let (n, w) = c.count_workdays(d(y, 1, 1), d(y, 12, 31));
            assert_eq!(n, 248, "{y}");
            assert!(w.is_empty());
        }
    }

    #[test]
    fn holiday_lengths() {
        let c = cal();
        let len = |y: i32, name: &str| {
            let h = c
                .year(y)
                .unwrap()
                .holidays
                .iter()
                .find(|h| h.name == name)
                .unwrap();
            (h.to - h.from).num_days() + 1
        };
        assert_eq!(len(2025, "春节"), 8);
        assert_eq!(len(2025, "国庆节、中秋节"), 8);
        assert_eq!(len(2026, "春节"), 9);
        assert_eq!(len(2026, "国庆节"), 7);
        assert_eq!(len(2026, "元旦"), 3);
    }

    #[test]
    fn specific_days_2025() {
        let c = cal();
        let off = [
            d(2025, 1, 1),
            d(2025, 1, 28),
            d(2025, 2, 4),
            d(2025, 4, 4),
            d(2025, 5, 5),
            d(2025, 6, 2),
            d(2025, 10, 8),
        ];
        for x in off {
            assert_eq!(c.is_workday(x), (false, None), "{x}");
        }
        let on = [
            d(2025, 1, 26),
            d(2025, 2, 8),
            d(2025, 4, 27),
            d(2025, 9, 28),
            d(2025, 10, 11),
            d(2025, 1, 2),
            d(2025, 10, 9),
        ];
        for x in on {
            assert_eq!(c.is_workday(x), (true, None), "{x}");
        }
        // an ordinary weekend in a loaded year
        assert_eq!(c.is_workday(d(2025, 3, 1)), (false, None));
        assert_eq!(
            c.day_info(d(2025, 2, 8)).kind,
            DayKind::AdjustedWorkday {
                name: "春节".into()
            }
        );
        assert_eq!(
            c.day_info(d(2025, 10, 6)).kind,
            DayKind::Holiday {
                name: "国庆节、中秋节".into()
            }
        );
        assert_eq!(c.day_info(d(2025, 2, 8)).weekday, "周六");
    }

    #[test]
    fn specific_days_2026() {
        let c = cal();
        for x in [
            d(2026, 1, 2),
            d(2026, 2, 16),
            d(2026, 2, 23),
            d(2026, 4, 6),
            d(2026, 5, 5),
            d(2026, 6, 19),
            d(2026, 9, 25),
            d(2026, 10, 7),
        ] {
            assert_eq!(c.is_workday(x), (false, None), "{x}");
        }
        for x in [
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
            d(2026, 2, 24),
            d(2026, 10, 8),
        ] {
            assert_eq!(c.is_workday(x), (true, None), "{x}");
        }
        assert_eq!(c.day_info(d(2026, 10, 11)).kind, DayKind::Weekend);
        assert_eq!(c.day_info(d(2026, 10, 12)).kind, DayKind::Workday);
    }

    #[test]
    fn civil_code_201_publicity_period() {
        // DESIGN I-11: 15 working days of publicity from Monday 2026-09-21 end on 2026-10-19.
        let c = cal();
        assert_eq!(d(2026, 9, 21).weekday(), Weekday::Mon);
        let (end, warnings) = c.add_workdays(d(2026, 9, 21), 15).unwrap();
        assert_eq!(end, d(2026, 10, 19));
        assert!(warnings.is_empty());
        // the start day is not counted: one working day after a Monday is Tuesday
        assert_eq!(c.add_workdays(d(2026, 9, 21), 1).unwrap().0, d(2026, 9, 22));
        assert_eq!(c.add_workdays(d(2026, 9, 21), 0).unwrap().0, d(2026, 9, 21));
    }

    #[test]
    fn add_workdays_over_spring_festival_2025() {
        let c = cal();
        // Fri 2025-01-24 + 1 = Sun 01-26 (adjusted working day)
        assert_eq!(c.add_workdays(d(2025, 1, 24), 1).unwrap().0, d(2025, 1, 26));
        // 01-27 is the last working day before the break; next is 02-05
        assert_eq!(c.add_workdays(d(2025, 1, 27), 1).unwrap().0, d(2025, 2, 5));
        // 10 working days after 2025-01-27: 2/5,6,7,8(Sat worked),10,11,12,13,14,17
        assert_eq!(
            c.add_workdays(d(2025, 1, 27), 10).unwrap().0,
            d(2025, 2, 17)
        );
        // starting on a holiday
        assert_eq!(c.add_workdays(d(2025, 10, 3), 1).unwrap().0, d(2025, 10, 9));
    }

    #[test]
    fn appeal_period_10_workdays() {
        // I-12: appeals within 10 working days of the decision notice.
        let c = cal();
        // notice on Thu 2026-04-30: 5/6,7,8,9(Sat worked),11,12,13,14,15,18
        assert_eq!(
            c.add_workdays(d(2026, 4, 30), 10).unwrap().0,
            d(2026, 5, 18)
        );
    }

    #[test]
    fn unknown_year_uses_monday_to_friday_with_warning() {
        let c = cal();
        let (w, warn) = c.is_workday(d(2027, 1, 1)); // a Friday
        assert!(w);
        let warn = warn.unwrap();
        assert_eq!(warn.year, 2027);
        assert!(warn.message.contains("2027年"), "{}", warn.message);
        assert!(warn.message.contains("周一至周五"));
        let (w, warn) = c.is_workday(d(2027, 1, 2)); // Saturday
        assert!(!w);
        assert!(warn.is_some());
        let (w, warn) = c.is_workday(d(2024, 10, 1)); // Tuesday, not loaded
        assert!(w);
        assert_eq!(warn.unwrap().year, 2024);
    }

    #[test]
    fn add_workdays_across_unknown_year_warns_once_per_year() {
        let c = cal();
        // Thu 2026-12-24 + 10 working days crosses into 2027
        let (end, warnings) = c.add_workdays(d(2026, 12, 24), 10).unwrap();
        // 12/25, 28, 29, 30, 31, 2027: 1/1 (Fri), 4, 5, 6, 7
        assert_eq!(end, d(2027, 1, 7));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].year, 2027);
        let (_, warnings) = c.add_workdays(d(2027, 12, 20), 30).unwrap();
        assert_eq!(
            warnings.iter().map(|w| w.year).collect::<Vec<_>>(),
            vec![2027, 2028]
        );
    }

    #[test]
    fn empty_calendar_warns_everywhere() {
        let c = Calendar::empty();
        assert!(c.years().is_empty());
        let (w, warn) = c.is_workday(d(2025, 1, 1));
        assert!(w, "Wednesday without a calendar");
        assert_eq!(warn.unwrap().year, 2025);
    }

    #[test]
    fn load_extra_year() {
        let mut c = cal();
        let extra = r#"
[[year]]
year = 2027
source = "测试用"

[[year.holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
"#;
        assert_eq!(c.load_toml_str(extra).unwrap(), vec![2027]);
        assert_eq!(c.years(), vec![2025, 2026, 2027]);
        assert_eq!(c.is_workday(d(2027, 1, 1)), (false, None));
        assert_eq!(c.is_workday(d(2027, 1, 4)), (true, None));
        // replacing a loaded year
        let replace = "[[year]]\nyear = 2027\n";
        c.load_toml_str(replace).unwrap();
        assert_eq!(c.is_workday(d(2027, 1, 1)), (true, None));
    }

    #[test]
    fn load_errors_leave_calendar_unchanged() {
        let mut c = cal();
        let before = c.clone();
        let bad = r#"
[[year]]
year = 2027
[[year.holiday]]
name = "春节"
from = 2027-02-06
to = 2027-02-13
workdays = [2027-02-15]
"#;
        let e = c.load_toml_str(bad).unwrap_err();
        assert_eq!(
            e,
            CalendarError::WorkdayNotWeekend {
                year: 2027,
                name: "春节".into(),
                date: d(2027, 2, 15),
                weekday: "周一".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "2027年“春节”的调休上班日 2027-02-15 是周一：调休上班日应为周六或周日"
        );
        assert_eq!(c, before);
    }

    #[test]
    fn load_error_kinds() {
        let e = Calendar::from_toml_str("year = 1").unwrap_err();
        assert!(matches!(e, CalendarError::Toml { .. }));
        assert!(e.to_string().starts_with("节假日文件不是有效的TOML"));

        let e = Calendar::from_toml_str(
            "[[year]]\nyear = 2027\n[[year.holiday]]\nname = \"x\"\nfrom = 2027-01-03\nto = 2027-01-01\n",
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::RangeReversed { .. }), "{e}");
        assert!(e.to_string().contains("晚于结束日"));

        let e = Calendar::from_toml_str(
            "[[year]]\nyear = 2027\n[[year.holiday]]\nname = \"春节\"\nfrom = 2027-02-06\nto = 2027-12-13\n",
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::RangeTooLong { .. }), "{e}");

        let e = Calendar::from_toml_str(
            "[[year]]\nyear = 2027\n[[year.holiday]]\nname = \"x\"\nfrom = 2030-01-01\nto = 2030-01-01\n",
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::OutsideYear { .. }), "{e}");

        let e = Calendar::from_toml_str(
            "[[year]]\nyear = 2027\n[[year.holiday]]\nname = \"x\"\nfrom = 2027-01-01T08:00:00\nto = 2027-01-01\n",
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::InvalidDate { .. }), "{e}");

        let e = Calendar::from_toml_str("[[year]]\nyear = 20270\n").unwrap_err();
        assert_eq!(e, CalendarError::InvalidYear { year: 20270 });

        let e =
            Calendar::from_toml_str("[[year]]\nyear = 2027\n[[year]]\nyear = 2027\n").unwrap_err();
        assert_eq!(e, CalendarError::DuplicateYear { year: 2027 });

        // overlapping items
        let e = Calendar::from_toml_str(
            "[[year]]\nyear = 2027\n[[year.holiday]]\nname = \"a\"\nfrom = 2027-01-01\nto = 2027-01-02\n[[year.holiday]]\nname = \"b\"\nfrom = 2027-01-02\nto = 2027-01-03\n",
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::Conflict { .. }), "{e}");
        assert!(e.to_string().contains("2027-01-02"));

        // unknown field is reported, not ignored
        let e = Calendar::from_toml_str("[[year]]\nyear = 2027\nholidays = []\n").unwrap_err();
        assert!(matches!(e, CalendarError::Toml { .. }));
    }

    #[test]
    fn add_workdays_limits() {
        let c = cal();
        let e = c.add_workdays(d(2025, 1, 1), MAX_WORKDAYS + 1).unwrap_err();
        assert!(matches!(e, CalendarError::TooManyWorkdays { .. }));
        assert!(c.add_workdays(NaiveDate::MAX, 1).is_err());
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d(2025, 1, 31), 1).unwrap(), d(2025, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1).unwrap(), d(2024, 2, 29));
        assert_eq!(add_months(d(2025, 3, 31), 1).unwrap(), d(2025, 4, 30));
        assert_eq!(add_months(d(2025, 5, 15), 12).unwrap(), d(2026, 5, 15));
        assert_eq!(add_months(d(2025, 11, 30), 3).unwrap(), d(2026, 2, 28));
        assert_eq!(add_months(d(2025, 3, 31), -1).unwrap(), d(2025, 2, 28));
        assert_eq!(add_months(d(2025, 1, 15), -13).unwrap(), d(2023, 12, 15));
        assert_eq!(add_months(d(2025, 1, 15), 0).unwrap(), d(2025, 1, 15));
        assert!(add_months(NaiveDate::MAX, 1).is_err());
        assert!(add_months(d(2025, 1, 1), i32::MAX).is_err());
        assert!(add_months(d(2025, 1, 1), i32::MIN).is_err());
    }

    #[test]
    fn certificate_expiry_three_years_less_a_day() {
        assert_eq!(certificate_expiry(d(2026, 3, 15)).unwrap(), d(2029, 3, 14));
        assert_eq!(certificate_expiry(d(2025, 1, 1)).unwrap(), d(2027, 12, 31));
        assert_eq!(certificate_expiry(d(2024, 3, 1)).unwrap(), d(2027, 2, 28));
        // 3 years from 2025-03-01 include 2028-02-29
        assert_eq!(certificate_expiry(d(2025, 3, 1)).unwrap(), d(2028, 2, 29));
        // issued on 29 February: no corresponding day, validity ends at the month's end
        assert_eq!(certificate_expiry(d(2024, 2, 29)).unwrap(), d(2027, 2, 28));
        assert!(certificate_expiry(NaiveDate::MAX).is_err());
    }

    #[test]
    fn builtin_file_is_data_not_code() {
        // sanity of the shipped file's own invariants, via the loader
        let c = Calendar::from_toml_str(BUILTIN_HOLIDAYS_TOML).unwrap();
        assert_eq!(c, cal());
    }
}
