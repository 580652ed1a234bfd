//! One shop's fold: its events in canonical order, each applied by the way its rules count
//! (see [`Counting`]); registration years and campaigns are settled at the end, because they
//! depend on the as-of time and on every review still held then.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::ledger::{Entry, LevelRef, Note, Shop};
use crate::rules::{Counting, Role, Version};
use crate::shanghai;

/// A subject held: the rules it was credited under (a bit per rule index), and for a review
/// its time and whether it is good (for campaign shares).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Held {
    rules: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    review: Option<(DateTime<FixedOffset>, bool)>,
}

/// What a shop's fold remembers after its events so far: enough to apply the next event in
/// canonical order and to settle at any later time. It is the whole fold of those events
/// (the history aside), so a fold resumed from it gives what folding from the start gives.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// Points per rule before its cap.
    raw: Vec<i64>,
    /// Per giving event, subject → what it holds. One-off items use the empty subject.
    held: Vec<HashMap<String, Held>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_login: Option<NaiveDate>,
    #[serde(default)]
    run: u32,
    /// `shop_registered` events applied (the last one counts), settled at the as-of time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    registered: Vec<Event>,
    /// `campaign_closed` events applied, settled at the as-of time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    campaigns: Vec<Event>,
}

impl State {
    fn new(v: &Version) -> State {
        State {
            raw: vec![0; v.rules.len()],
            held: (0..v.giving.len()).map(|_| HashMap::new()).collect(),
            ..State::default()
        }
    }

    /// Whether the state fits a version's rules (a state of another version is refolded).
    pub(crate) fn fits(&self, v: &Version) -> bool {
        self.raw.len() == v.rules.len() && self.held.len() == v.giving.len()
    }
}

/// A shop's points at a time: the total, its level and the points per rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub points: i64,
    pub level: Option<LevelRef>,
    pub by_rule: BTreeMap<String, i64>,
}

pub(crate) struct ShopFold<'a> {
    v: &'a Version,
    as_of: DateTime<FixedOffset>,
    st: State,
    /// What each event did; `None` when only the totals are wanted (a resumed fold).
    history: Option<Vec<Entry>>,
}

impl<'a> ShopFold<'a> {
    /// A fold from a shop's first event, keeping its history.
    pub(crate) fn new(v: &'a Version, as_of: DateTime<FixedOffset>) -> Self {
        ShopFold {
            v,
            as_of,
            st: State::new(v),
            history: Some(Vec::new()),
        }
    }

    /// A fold going on from a saved state (or from the start), without history.
    pub(crate) fn resume(v: &'a Version, as_of: DateTime<FixedOffset>, st: Option<State>) -> Self {
        ShopFold {
            v,
            as_of,
            st: st.filter(|s| s.fits(v)).unwrap_or_else(|| State::new(v)),
            history: None,
        }
    }

    /// The state after the events applied so far.
    pub(crate) fn into_state(self) -> State {
        self.st
    }

    /// Apply one event (in canonical order); an error is the reason it is rejected.
    pub(crate) fn apply(&mut self, e: &Event) -> Result<(), String> {
        let Some(&(role, g)) = self.v.names.get(e.event.as_str()) else {
            return Err(format!(
                "未知事件 {}；可用：{}",
                e.event,
                self.v.event_names().join("、")
            ));
        };
        match role {
            Role::Registered => {
                if e.registered_on.is_none() {
                    return Err("shop_registered 缺少 registered_on（YYYY-MM-DD）".into());
                }
                self.st.registered.push(e.clone());
                Ok(())
            }
            Role::Derived => Err(format!(
                "{} 不接受：注册年限只由 shop_registered 的 registered_on 计算（I-22）",
                e.event
            )),
            Role::Give | Role::Reverse => {
                let rules = &self.v.giving[g].1;
                match self.v.rules[rules[0]].counting {
                    Counting::LoginDay | Counting::LoginRun(_) => self.login(e, g),
                    Counting::Campaign => {
                        self.st.campaigns.push(e.clone());
                        Ok(())
                    }
                    _ if role == Role::Give => self.give(e, g),
                    _ => self.reverse(e, g),
                }
            }
        }
    }

    fn credit(&mut self, r: usize, delta: i64) -> i64 {
        credit(self.v, &mut self.st.raw, r, delta)
    }

    fn entry(&mut self, e: &Event, rule: Option<usize>, points: i64, note: Note) {
        entry(self.v, self.history.as_mut(), e, rule, points, note);
    }

    /// The subject an event concerns: empty for a one-off item, else `subject` (required).
    fn subject<'e>(&self, e: &'e Event, g: usize) -> Result<&'e str, String> {
        let first = &self.v.rules[self.v.giving[g].1[0]];
        if first.counting == Counting::Once {
            return Ok("");
        }
        match e.subject.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(format!(
                "{} 缺少 subject：须写明所涉及的关注者、证书、产品、订单、评价或回复",
                e.event
            )),
        }
    }

    fn give(&mut self, e: &Event, g: usize) -> Result<(), String> {
        let rules = &self.v.giving[g].1;
        let needs_party = rules.iter().any(|&r| self.v.rules[r].party.is_some());
        if needs_party && e.party.is_none() {
            return Err(format!(
                "{} 缺少 party：应为 person（个人用户）或 enterprise（企业用户）",
                e.event
            ));
        }
        let subject = self.subject(e, g)?;
        if self.st.held[g].contains_key(subject) {
            self.entry(e, Some(rules[0]), 0, Note::AlreadyHeld);
            return Ok(());
        }
        let mut mask = 0u64;
        let mut is_review = false;
        for &r in rules {
            let rule = &self.v.rules[r];
            let party_ok = rule.party.is_none() || rule.party == e.party;
            let cond = match rule.counting {
                Counting::GoodReview => {
                    is_review = true;
                    e.good == Some(true)
                }
                Counting::Comment => {
                    is_review = true;
                    e.has_text()
                }
                _ => true,
            };
            if party_ok && cond {
                mask |= 1 << r;
            }
        }
        let review = is_review.then_some((e.at, e.good == Some(true)));
        self.st.held[g].insert(
            subject.to_string(),
            Held {
                rules: mask,
                review,
            },
        );
        if mask == 0 {
            self.entry(e, None, 0, Note::NoRule);
        }
        for r in bits(mask) {
            let p = self.credit(r, self.v.rules[r].points);
            self.entry(e, Some(r), p, Note::Earned);
        }
        Ok(())
    }

    fn reverse(&mut self, e: &Event, g: usize) -> Result<(), String> {
        let subject = self.subject(e, g)?;
        let Some(held) = self.st.held[g].remove(subject) else {
            let what = if subject.is_empty() {
                String::new()
            } else {
                format!(" {subject}")
            };
            return Err(format!(
                "撤回的{what}此前没有得分（在它之前没有未撤回的 {}）：不扣分",
                self.v.giving[g].0
            ));
        };
        if held.rules == 0 {
            self.entry(e, None, 0, Note::TakenBack);
        }
        for r in bits(held.rules) {
            let p = self.credit(r, -self.v.rules[r].points);
            self.entry(e, Some(r), p, Note::TakenBack);
        }
        Ok(())
    }

    /// 002-P4: the Shanghai calendar day of the login; one point for a new day, and the
    /// run rules on every n-th consecutive day. Days come in order (events are sorted by
    /// instant and UTC+8 has no DST), so the run is counted as the days pass.
    fn login(&mut self, e: &Event, g: usize) -> Result<(), String> {
        let day = e.at.with_timezone(&shanghai()).date_naive();
        let rules = self.v.giving[g].1.clone();
        if self.st.last_login == Some(day) {
            self.entry(e, Some(rules[0]), 0, Note::SameDay);
            return Ok(());
        }
        let consecutive = self.st.last_login.and_then(|d| d.succ_opt()) == Some(day);
        self.st.run = if consecutive { self.st.run + 1 } else { 1 };
        self.st.last_login = Some(day);
        for r in rules {
            match self.v.rules[r].counting {
                Counting::LoginRun(n) if self.st.run.is_multiple_of(n) => {
                    let p = self.credit(r, self.v.rules[r].points);
                    self.entry(e, Some(r), p, Note::Run { days: self.st.run });
                }
                Counting::LoginDay => {
                    let p = self.credit(r, self.v.rules[r].points);
                    self.entry(e, Some(r), p, Note::Earned);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Settle years and campaigns at the as-of time, then the totals, level and history.
    pub(crate) fn finish(mut self) -> (Shop, Vec<(Event, String)>) {
        let mut raw = std::mem::take(&mut self.st.raw);
        let mut history = self.history.take();
        let rejected = settle(self.v, self.as_of, &self.st, &mut raw, history.as_mut());
        let t = totals(self.v, &raw);
        let mut history = history.unwrap_or_default();
        history.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
        let shop = Shop {
            points: t.points,
            level: t.level,
            by_rule: t.by_rule,
            history,
        };
        (shop, rejected)
    }

    /// The totals settled at the as-of time, the state left as it is (a resumed fold).
    pub(crate) fn totals(&self) -> (Totals, Vec<(Event, String)>) {
        let mut raw = self.st.raw.clone();
        let rejected = settle(self.v, self.as_of, &self.st, &mut raw, None);
        (totals(self.v, &raw), rejected)
    }
}

/// Move a rule's raw total by `delta`; the event's points are the change of the capped
/// total (a cap reached earns nothing more, and a reversal under it takes back only what
/// the capped total loses: 21 certificates less 1 still give 200, 002-P3 and I-22).
fn credit(v: &Version, raw: &mut [i64], r: usize, delta: i64) -> i64 {
    let cap = v.rules[r].cap.unwrap_or(i64::MAX);
    let before = raw[r].min(cap);
    raw[r] += delta;
    raw[r].min(cap) - before
}

fn entry(
    v: &Version,
    history: Option<&mut Vec<Entry>>,
    e: &Event,
    rule: Option<usize>,
    points: i64,
    note: Note,
) {
    let Some(history) = history else {
        return;
    };
    let (id, clause) = match rule {
        Some(r) => (Some(v.rules[r].id.clone()), Some(v.rules[r].clause.clone())),
        None => (None, None),
    };
    history.push(Entry {
        key: e.key.clone(),
        at: e.at,
        event: e.event.clone(),
        rule: id,
        clause,
        points,
        note,
    });
}

/// The capped points per rule, their total and its level.
fn totals(v: &Version, raw: &[i64]) -> Totals {
    let mut by_rule = BTreeMap::new();
    let mut points = 0;
    for (r, rule) in v.rules.iter().enumerate() {
        let p = raw[r].min(rule.cap.unwrap_or(i64::MAX));
        points += p;
        by_rule.insert(rule.id.to_string(), p);
    }
    let level = v.level_of(points).map(|l| LevelRef {
        kind: l.kind,
        n: l.n,
    });
    Totals {
        points,
        level,
        by_rule,
    }
}

/// What depends on the as-of time, credited to `raw` (a copy, so the state can go on):
/// registration years and campaigns. Returns the campaign events rejected.
fn settle(
    v: &Version,
    as_of: DateTime<FixedOffset>,
    st: &State,
    raw: &mut [i64],
    mut history: Option<&mut Vec<Entry>>,
) -> Vec<(Event, String)> {
    years(v, as_of, st, raw, history.as_deref_mut());
    campaigns(v, st, raw, history)
}

/// 002-P1 and I-22: the last `shop_registered` (canonical order) gives the date; every
/// full year to the as-of date in Shanghai counts, the anniversary day included; a
/// 29 February registration has its anniversary on 28 February in other years.
fn years(
    v: &Version,
    as_of: DateTime<FixedOffset>,
    st: &State,
    raw: &mut [i64],
    mut history: Option<&mut Vec<Entry>>,
) {
    let Some((last, earlier)) = st.registered.split_last() else {
        return;
    };
    for e in earlier {
        entry(v, history.as_deref_mut(), e, None, 0, Note::Replaced);
    }
    let Some(reg) = last.registered_on else {
        return;
    };
    let years = full_years(reg, as_of.with_timezone(&shanghai()).date_naive());
    for r in 0..v.rules.len() {
        if v.rules[r].counting == Counting::Years {
            let p = credit(v, raw, r, v.rules[r].points * i64::from(years));
            entry(
                v,
                history.as_deref_mut(),
                last,
                Some(r),
                p,
                Note::Years { years },
            );
        }
    }
}

/// 002-P7: once per campaign (its `campaign`, or its `subject`), the share of good
/// reviews among the reviews held at the as-of time that were received in the window
/// `start` … `end`, both ends included; no review, no points. Compared in integers.
fn campaigns(
    v: &Version,
    st: &State,
    raw: &mut [i64],
    mut history: Option<&mut Vec<Entry>>,
) -> Vec<(Event, String)> {
    let mut rejected = Vec::new();
    let mut done: HashSet<&str> = HashSet::new();
    for e in &st.campaigns {
        let id = match (e.campaign.as_deref(), e.subject.as_deref()) {
            (Some(c), Some(s)) if c != s => {
                rejected.push((e.clone(), format!("campaign “{c}” 与 subject “{s}” 不一致")));
                continue;
            }
            (Some(c), _) | (None, Some(c)) if !c.trim().is_empty() => c,
            _ => {
                let m = "campaign_closed 缺少 campaign（活动编号）";
                rejected.push((e.clone(), m.into()));
                continue;
            }
        };
        let (Some(start), Some(end)) = (e.start, e.end) else {
            let m = "campaign_closed 缺少 start 或 end（RFC 3339 时间）";
            rejected.push((e.clone(), m.into()));
            continue;
        };
        if start > end {
            rejected.push((e.clone(), format!("活动开始 {start} 晚于结束 {end}")));
            continue;
        }
        let rules = &v.giving[v.names[e.event.as_str()].1].1;
        if !done.insert(id) {
            let h = history.as_deref_mut();
            entry(v, h, e, Some(rules[0]), 0, Note::AlreadyCounted);
            continue;
        }
        let (mut good, mut total) = (0u32, 0u32);
        for h in st.held.iter().flat_map(|m| m.values()) {
            if let Some((at, g)) = h.review {
                if start <= at && at <= end {
                    total += 1;
                    good += u32::from(g);
                }
            }
        }
        for &r in rules {
            if total == 0 {
                entry(v, history.as_deref_mut(), e, Some(r), 0, Note::NoReviews);
                continue;
            }
            let ppm = v.rules[r].min_share_ppm.unwrap_or(u64::MAX);
            let reached = u64::from(good) * 1_000_000 >= ppm * u64::from(total);
            let p = if reached {
                credit(v, raw, r, v.rules[r].points)
            } else {
                0
            };
            let note = Note::Share {
                good,
                total,
                reached,
            };
            entry(v, history.as_deref_mut(), e, Some(r), p, note);
        }
    }
    rejected
}

/// Full years from `reg` to `on` (the anniversary day counts; 29 Feb → 28 Feb).
pub fn full_years(reg: NaiveDate, on: NaiveDate) -> u32 {
    if on < reg {
        return 0;
    }
    let mut y = on.year() - reg.year();
    let anniversary = |y: i32| {
        let year = reg.year() + y;
        NaiveDate::from_ymd_opt(year, reg.month(), reg.day())
            .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .unwrap_or(reg)
    };
    if anniversary(y) > on {
        y -= 1;
    }
    u32::try_from(y).unwrap_or(0)
}

/// The indexes of the set bits, lowest first.
fn bits(mask: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| mask & (1 << i) != 0)
}
