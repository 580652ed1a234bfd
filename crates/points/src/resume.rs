//! A shop's fold kept between intakes, so that a ledger's balances are maintained
//! incrementally and still always equal the fold of all its events (I-22, I-24).
//!
//! [`Saved`] is the fold's [`State`] after every event up to a canonical position (instant,
//! key), with the events stored but dated after its as-of time. [`advance`] goes on from it
//! with a shop's new events when they all sort after that position, which is what a live
//! stream mostly sends; otherwise (a late event, another rules version, an earlier as-of
//! time) it says so, and the caller folds the shop's events from the start — the same
//! function with nothing saved. Either way the totals are those of [`crate::fold`]
//! (a property test checks it over random streams cut at random points).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::ledger::Rejected;
use crate::rules::Version;
use crate::shop::{ShopFold, State, Totals};

/// A shop's fold as saved after an intake.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    /// The id of the rules version folded under.
    pub version: String,
    /// The time the fold was settled at.
    pub as_of: DateTime<FixedOffset>,
    /// The canonical position (instant, key) of the last event applied or rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<(DateTime<FixedOffset>, String)>,
    /// Events stored but dated after `as_of`: applied once an as-of time reaches them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Event>,
    pub state: State,
}

/// A shop's fold after [`advance`].
#[derive(Debug, Clone)]
pub struct Advanced {
    pub saved: Saved,
    pub totals: Totals,
    /// Events not applied, with the reason: this step's, and campaigns that cannot be
    /// settled (those are reported at every settlement).
    pub rejected: Vec<Rejected>,
}

impl Saved {
    /// The saved fold as JSON (for a database column).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A saved fold read back; `None` when it cannot be read (the shop is then refolded).
    pub fn from_json(text: &str) -> Option<Saved> {
        serde_json::from_str(text).ok()
    }

    /// Whether two saved folds hold the same state (pending events compared by key).
    pub fn same(&self, o: &Saved) -> bool {
        let keys = |s: &Saved| s.pending.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        self.version == o.version
            && self.last == o.last
            && keys(self) == keys(o)
            && serde_json::to_value(&self.state).ok() == serde_json::to_value(&o.state).ok()
    }
}

/// Go on from `saved` with `new` events of ONE shop (keys unique, none of them folded yet)
/// at `as_of`. With nothing saved, this is the fold of `new` from the start and always
/// succeeds. `None` means the saved fold cannot be continued exactly: it is of another
/// version or settled later than `as_of`, or a new event sorts at or before its last
/// position; the caller then advances from nothing with ALL the shop's events.
pub fn advance(
    v: &Version,
    saved: Option<Saved>,
    new: Vec<Event>,
    as_of: DateTime<FixedOffset>,
) -> Option<Advanced> {
    let (state, mut last, mut todo) = match saved {
        None => (None, None, Vec::new()),
        Some(s) => {
            if s.version != v.id || as_of < s.as_of || !s.state.fits(v) {
                return None;
            }
            (Some(s.state), s.last, s.pending)
        }
    };
    todo.extend(new);
    todo.sort_by(|a, b| (a.at, &a.key).cmp(&(b.at, &b.key)));
    if let (Some((at, key)), Some(first)) = (&last, todo.first()) {
        if (first.at, &first.key) <= (*at, key) {
            return None;
        }
    }
    let pending = todo.split_off(todo.partition_point(|e| e.at <= as_of));
    let mut f = ShopFold::resume(v, as_of, state);
    let mut rejected = Vec::new();
    for e in &todo {
        if let Err(reason) = f.apply(e) {
            rejected.push(reject(e, reason));
        }
    }
    if let Some(e) = todo.last() {
        last = Some((e.at, e.key.clone()));
    }
    let (totals, unsettled) = f.totals();
    rejected.extend(unsettled.iter().map(|(e, r)| reject(e, r.clone())));
    Some(Advanced {
        saved: Saved {
            version: v.id.clone(),
            as_of,
            last,
            pending,
            state: f.into_state(),
        },
        totals,
        rejected,
    })
}

fn reject(e: &Event, reason: String) -> Rejected {
    Rejected {
        key: e.key.clone(),
        shop: e.shop.clone(),
        event: e.event.clone(),
        line: e.line,
        reason,
    }
}
