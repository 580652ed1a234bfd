//! Packed answers: one assessment's answers as the fast path reads them, stored in one row
//! beside the per-answer history (issue 14). A pack is the plan's leaf values in leaf order,
//! little-endian `f64`s, with the *layout* (the leaves' indicator ids) kept once per plan
//! and named by its digest, so a pack written under one scheme version can be read under
//! another: [`Layout::map_to`] places each stored value at the new plan's leaf of the same id.
//!
//! A value is what [`crate::Plan::quick`] takes: `v >= 0` is an answer that counts; `-1` is
//! no answer; `-(v + 1)` is an answer of value `v` that does not count (self-declared and
//! not yet verified, I-6), kept because a levels grade still reads its level.

use crate::answer::Answer;
use crate::engine::Plan;

/// The value of no answer.
pub const NONE: f64 = -1.0;

/// The fast path's value of one checked answer.
pub fn value_of(a: &Option<Answer>) -> f64 {
    match a {
        None => NONE,
        Some(a) if a.verified => a.value,
        Some(a) => -(a.value + 1.0),
    }
}

/// The fast path's values of a plan's checked answers (leaf order).
pub fn values_of(parsed: &[Option<Answer>]) -> Vec<f64> {
    parsed.iter().map(value_of).collect()
}

/// Values → the stored bytes.
pub fn encode(values: &[f64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * 8);
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The stored bytes → values, appended to `out`; `None` when the length is not a whole
/// number of values (a damaged pack).
pub fn decode_into(bytes: &[u8], out: &mut Vec<f64>) -> Option<()> {
    if !bytes.len().is_multiple_of(8) {
        return None;
    }
    out.extend(
        bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))),
    );
    Some(())
}

/// The indicator ids of a plan's leaves, in order: what a pack's positions stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub ids: Vec<String>,
}

impl Layout {
    pub fn of(plan: &Plan) -> Layout {
        Layout {
            ids: plan.leaves.iter().map(|l| l.ind.id.clone()).collect(),
        }
    }

    /// The stored form: the ids, one per line.
    pub fn text(&self) -> String {
        self.ids.join("\n")
    }

    pub fn parse(text: &str) -> Layout {
        Layout {
            ids: if text.is_empty() {
                Vec::new()
            } else {
                text.split('\n').map(str::to_string).collect()
            },
        }
    }

    /// The layout's name: SHA-256 of its stored form, hex.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.text().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Where each of this layout's positions goes in `plan`'s leaves: `Ok(None)` when the
    /// layout is the plan's own (values can be used as they are), `Ok(Some(map))` with the
    /// target leaf of each position, or `Err(id)` naming an answered-for indicator the plan
    /// does not have (decided per pack by [`Remap::apply`]).
    pub fn map_to(&self, plan: &Plan) -> Remap {
        if self.ids.len() == plan.leaves.len()
            && self
                .ids
                .iter()
                .zip(&plan.leaves)
                .all(|(a, l)| *a == l.ind.id)
        {
            return Remap::Same;
        }
        let at: std::collections::HashMap<&str, usize> = plan
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.ind.id.as_str(), i))
            .collect();
        Remap::Moved {
            to: self
                .ids
                .iter()
                .map(|id| at.get(id.as_str()).copied())
                .collect(),
            leaves: plan.leaves.len(),
        }
    }
}

/// How a stored layout's positions reach a plan's leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remap {
    Same,
    Moved {
        /// The plan leaf of each stored position; `None` when the plan has no such leaf.
        to: Vec<Option<usize>>,
        leaves: usize,
    },
}

impl Remap {
    /// Stored values → values in the plan's leaf order, into `out`. `Err(position)` when an
    /// answer (a value other than [`NONE`]) stands at a position the plan has no leaf for:
    /// the answer set is not one of this plan's, as the full path would refuse it too.
    pub fn apply(&self, stored: &[f64], out: &mut Vec<f64>) -> Result<(), usize> {
        out.clear();
        match self {
            Remap::Same => out.extend_from_slice(stored),
            Remap::Moved { to, leaves } => {
                out.resize(*leaves, NONE);
                for (i, v) in stored.iter().enumerate() {
                    match to.get(i).copied().flatten() {
                        Some(j) => out[j] = *v,
                        None if *v == NONE => {}
                        None => return Err(i),
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_bytes() {
        let v = [0.0, 2.5, NONE, -(3.0 + 1.0), 100.0, 1.0 / 3.0];
        let mut back = Vec::new();
        decode_into(&encode(&v), &mut back).unwrap();
        assert_eq!(back, v);
        assert!(decode_into(&[1, 2, 3], &mut back).is_none());
    }

    #[test]
    fn a_layout_reads_back_and_names_itself() {
        let l = Layout {
            ids: vec!["a".into(), "b.1".into()],
        };
        assert_eq!(Layout::parse(&l.text()), l);
        assert_eq!(Layout::parse(""), Layout { ids: vec![] });
        assert_eq!(l.digest().len(), 64);
        assert_ne!(l.digest(), Layout::parse("a").digest());
    }

    #[test]
    fn a_moved_layout_places_values_by_id_and_refuses_lost_answers() {
        let r = Remap::Moved {
            to: vec![Some(2), None, Some(0)],
            leaves: 3,
        };
        let mut out = Vec::new();
        r.apply(&[5.0, NONE, 1.0], &mut out).unwrap();
        assert_eq!(out, vec![1.0, NONE, 5.0]);
        assert_eq!(r.apply(&[5.0, 2.0, 1.0], &mut out), Err(1));
    }
}
