//! Stored results kept in memory: the text of a result (112 KB at 331 items, 2 MB at 5,900)
//! read once from the database, parsed once into a [`ResultView`], measured once for its
//! distances and its gap to the next outcome, and served from memory while the row says it
//! is still the stored text.
//!
//! Every write of `result_json` bumps the row's `result_seq` (migration 0020), and ids are
//! never reused, so `(id, result_seq)` names one text for good. A reader reads the row's
//! head first (the query that checks who may see it), and takes a kept result only under
//! the sequence number of that read; several servers on one database each keep their own
//! copies and never serve an old one. A stale explanation is never kept (it is rebuilt and
//! stored first, [`crate::rescore::fresh`]).
//!
//! The cache is bounded by weight (the text's length, counted four times for the parsed
//! view beside it), at most [`KEPT_WEIGHT`]; the least used results leave first
//! (quick_cache's CLOCK-Pro policy).

use std::sync::{Arc, OnceLock};

use quick_cache::sync::Cache;
use quick_cache::Weighter;
use tianping_core::distance::Distance;
use tianping_core::Scheme;
use tianping_insight::Gap;

use crate::assessments::ResultView;
use crate::Error;

/// The weight kept at most: 64 MiB, that is about 16 MiB of stored text (the parsed views
/// beside it take about three times their text).
pub const KEPT_WEIGHT: u64 = 64 << 20;

/// A result's sequence number before its rebuilt explanation is stored
/// ([`crate::rescore::fresh_kept`]): such a result is never in the cache.
pub const UNSTORED: i64 = -1;

/// One stored result, as read under one sequence number.
pub struct Kept {
    pub id: i64,
    /// The row's `result_seq` when the text was read with it ([`UNSTORED`] for a rebuilt
    /// explanation not stored yet).
    pub seq: i64,
    /// What is worked out from the text, shared with the same text stored under its number
    /// ([`Kept::stored_as`]).
    parts: Arc<Parts>,
}

struct Parts {
    /// The stored `result_json`, as stored.
    text: String,
    view: OnceLock<Result<Arc<ResultView>, String>>,
    distances: OnceLock<Result<Arc<Vec<Distance>>, String>>,
    /// The gap towards the next better outcome ([`crate::insight_gap::next_gap`]): the text
    /// is the result of the answers stored with it (every write of answers re-scores in its
    /// transaction), so one text has one gap.
    gap: tokio::sync::OnceCell<Arc<Gap>>,
}

impl Kept {
    pub fn new(id: i64, seq: i64, text: String) -> Kept {
        Kept {
            id,
            seq,
            parts: Arc::new(Parts {
                text,
                view: OnceLock::new(),
                distances: OnceLock::new(),
                gap: tokio::sync::OnceCell::new(),
            }),
        }
    }

    /// The same text (and what was worked out from it so far) under the sequence number its
    /// store gave it.
    pub fn stored_as(&self, seq: i64) -> Kept {
        Kept {
            id: self.id,
            seq,
            parts: self.parts.clone(),
        }
    }

    /// The stored `result_json`, as stored.
    pub fn text(&self) -> &str {
        &self.parts.text
    }

    pub(crate) fn gap_cell(&self) -> &tokio::sync::OnceCell<Arc<Gap>> {
        &self.parts.gap
    }

    /// The result typed, parsed on the first call. A text this engine cannot read is an
    /// internal error naming the assessment (as [`crate::assessments::result_view`]).
    pub fn view(&self) -> Result<Arc<ResultView>, Error> {
        let p = &self.parts;
        p.view
            .get_or_init(|| {
                ResultView::parse(&p.text)
                    .map(Arc::new)
                    .map_err(|e| unreadable(self.id, &e.to_string()))
            })
            .clone()
            .map_err(Error::Internal)
    }

    /// How far the result is from each grade, level or star it did not reach, measured on
    /// the first call: from the parsed view when one was parsed, else from the figures
    /// scanned out of the text (the same distances, [`crate::assessments::figures_distances`]).
    pub fn distances(&self, scheme: &Scheme) -> Result<Arc<Vec<Distance>>, Error> {
        let p = &self.parts;
        p.distances
            .get_or_init(|| match p.view.get() {
                Some(Ok(v)) => Ok(Arc::new(v.distances(scheme))),
                _ => crate::assessments::figures_distances(scheme, &p.text)
                    .map(Arc::new)
                    .map_err(|e| unreadable(self.id, &e)),
            })
            .clone()
            .map_err(Error::Internal)
    }
}

/// Why a stored result cannot be shown: this engine cannot read its text.
pub(crate) fn unreadable(id: i64, why: &str) -> String {
    format!(
        "the stored result of assessment {} cannot be read by engine {} ({}); `tianping regrade` recomputes it",
        id,
        tianping_core::ENGINE_VERSION,
        why
    )
}

#[derive(Clone)]
struct ByLength;

impl Weighter<i64, Arc<Kept>> for ByLength {
    fn weight(&self, _: &i64, k: &Arc<Kept>) -> u64 {
        (k.text().len() as u64).saturating_mul(4).max(1)
    }
}

/// The kept results of this process, by assessment id.
pub struct KeptResults {
    cache: Cache<i64, Arc<Kept>, ByLength>,
}

impl Default for KeptResults {
    fn default() -> Self {
        KeptResults::with_weight(KEPT_WEIGHT)
    }
}

impl KeptResults {
    /// A cache of at most `weight` (see [`KEPT_WEIGHT`]).
    pub fn with_weight(weight: u64) -> KeptResults {
        KeptResults {
            cache: Cache::with_weighter(256, weight, ByLength),
        }
    }

    /// The result of assessment `id` if it is kept under sequence number `seq`.
    pub fn get(&self, id: i64, seq: i64) -> Option<Arc<Kept>> {
        self.cache.get(&id).filter(|k| k.seq == seq)
    }

    /// Keep a result read from the database with its sequence number (a later one replaces
    /// an earlier one; an earlier one never replaces a later one).
    pub fn put(&self, k: Arc<Kept>) {
        if k.seq == UNSTORED || self.cache.get(&k.id).is_some_and(|old| old.seq > k.seq) {
            return;
        }
        self.cache.insert(k.id, k);
    }

    /// How many results are kept (for `/metrics` and tests).
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}
