//! The fold: an event stream under a rules version at a time gives the [`Ledger`].
//!
//! Canonical order. The result never depends on the order events arrive in: after repeated
//! keys are set aside, each shop's events are sorted by (`at` as an instant, key) and applied
//! in that order (shops are grouped by a number given as they come, which only groups them:
//! each shop folds alone and shops are reported by name). `at` is the order the rules need (a reversal
//! takes back what was given before it, login runs follow the calendar); the key breaks ties
//! between events of the same instant so that two streams with the same events fold alike.
//!
//! Repeated keys (I-22). The first event with a key stands; a later one with the same
//! content is a duplicate (counted once), with other content it is rejected as a conflict.
//! "First" is the stream's order — the one place where order matters, and only between two
//! events that claim the same key with different contents, which the intake refuses anyway.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};

use crate::event::Event;
use crate::ledger::{Duplicate, Ledger, Rejected, Shop};
use crate::rules::Version;
use crate::shop::ShopFold;

/// Fold `events` under `version` as of `as_of`: events dated after it are not applied.
pub fn fold(version: &Version, events: &[Event], as_of: DateTime<FixedOffset>) -> Ledger {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(events.len());
    let mut duplicates = Vec::new();
    let mut rejected = Vec::new();
    // (shop number, seconds, nanoseconds, event): shops are numbered as they come only to
    // group them (each shop folds alone, and shops are reported by name)
    let mut shop_no: HashMap<&str, u32> = HashMap::new();
    let mut kept: Vec<(u32, i64, u32, &Event)> = Vec::with_capacity(events.len());
    let mut later = 0;
    for (i, e) in events.iter().enumerate() {
        match first.get(e.key.as_str()) {
            Some(&j) if events[j].same_content(e) => duplicates.push(Duplicate {
                key: e.key.clone(),
                line: e.line,
                first_line: events[j].line,
            }),
            Some(&j) => rejected.push(reject(
                e,
                format!(
                    "幂等键 {} 已被{}的事件使用且内容不同：以先到的为准",
                    e.key,
                    line_words(events[j].line)
                ),
            )),
            None => {
                first.insert(&e.key, i);
                if e.at > as_of {
                    later += 1;
                } else {
                    let n = shop_no.len() as u32;
                    let no = *shop_no.entry(e.shop.as_str()).or_insert(n);
                    let (secs, nanos) = (e.at.timestamp(), e.at.timestamp_subsec_nanos());
                    kept.push((no, secs, nanos, e));
                }
            }
        }
    }
    drop(first);
    kept.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| a.3.key.cmp(&b.3.key))
    });
    let mut shops = BTreeMap::new();
    for group in kept.chunk_by(|a, b| a.0 == b.0) {
        let mut f = ShopFold::new(version, as_of);
        for &(_, _, _, e) in group {
            if let Err(reason) = f.apply(e) {
                rejected.push(reject(e, reason));
            }
        }
        let (shop, rej): (Shop, Vec<(Event, String)>) = f.finish();
        rejected.extend(rej.into_iter().map(|(e, r)| reject(&e, r)));
        shops.insert(group[0].3.shop.clone(), shop);
    }
    rejected.sort_by(|a, b| (a.line, &a.key).cmp(&(b.line, &b.key)));
    Ledger {
        version: version.id.clone(),
        effective_from: version.effective_from,
        as_of,
        shops,
        duplicates,
        rejected,
        later,
    }
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

fn line_words(line: usize) -> String {
    if line == 0 {
        "之前".into()
    } else {
        format!("第 {line} 行")
    }
}
