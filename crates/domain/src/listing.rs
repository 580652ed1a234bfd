//! Finding one's way in a long form: which items a search (by number or name) and the
//! "unanswered only" filter keep, the previous and next item in table order, names that
//! several rows of a table share (so that the rows are told apart by serial, path and
//! content), and answered counts.

use std::collections::{BTreeMap, BTreeSet};

use tianping_core::Indicator;

/// What the person asked to see: a search text (empty: everything) and whether only
/// unanswered items are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter<'q> {
    pub q: &'q str,
    pub unanswered: bool,
}

impl Filter<'_> {
    /// Whether any filter is active.
    pub fn active(&self) -> bool {
        !self.q.trim().is_empty() || self.unanswered
    }

    /// Whether the item is kept (`answered`: it has a stored answer).
    pub fn keeps(&self, i: &Indicator, answered: bool) -> bool {
        !(self.unanswered && answered) && matches(i, self.q)
    }
}

/// Whether an item matches a search: by number — its id (or the start of it, as `A.1` for
/// a whole table), its printed serial, or table and serial (`B1.1 28`, `B1.1 序号28`) — or
/// by a part of its name, its groups' names or its content. Letters match in either case;
/// an empty search matches everything.
pub fn matches(i: &Indicator, q: &str) -> bool {
    let q = q.trim();
    if q.is_empty() {
        return true;
    }
    let lower = q.to_lowercase();
    let id = i.id.to_lowercase();
    // the whole id, or its start up to a separator (`A.1` for `A.1-3`, not `A.1-2` for `A.1-28`)
    if id == lower
        || (id.starts_with(&lower)
            && id
                .get(lower.len()..)
                .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric())))
    {
        return true;
    }
    if let Some(s) = &i.serial {
        if *s == q
            || table_serial(q).is_some_and(|(t, n)| t.eq_ignore_ascii_case(&i.table) && n == s)
        {
            return true;
        }
    }
    i.path.iter().any(|p| p.to_lowercase().contains(&lower))
        || i.content
            .as_deref()
            .is_some_and(|c| c.to_lowercase().contains(&lower))
}

/// `B1.1 28`, `B1.1 序号28`, `B1.1序号28`, `B1.1/28`, `表B1.1 序号 28` as (table, serial).
pub fn table_serial(q: &str) -> Option<(&str, &str)> {
    let q = q.trim().trim_start_matches('表');
    let (t, n) = if let Some((t, n)) = q.split_once("序号") {
        (t, n)
    } else {
        q.rsplit_once([' ', '/', '　'])?
    };
    let (t, n) = (t.trim(), n.trim());
    (!t.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some((t, n))
}

/// The items before and after `current` in `order` (the items in table order, already
/// filtered); none at the ends, or when `current` is not in the list.
pub fn neighbours<'a>(
    order: &[&'a Indicator],
    current: &str,
) -> (Option<&'a Indicator>, Option<&'a Indicator>) {
    let Some(n) = order.iter().position(|i| i.id == current) else {
        return (None, None);
    };
    let prev = n.checked_sub(1).map(|p| order[p]);
    (prev, order.get(n + 1).copied())
}

/// The ids of the items whose name (the last element of the path) is shared by another item
/// of the same table: these rows are shown with their serial, path and content.
pub fn shared_names<'a>(items: impl IntoIterator<Item = &'a Indicator>) -> BTreeSet<&'a str> {
    let mut by_name: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for i in items {
        let name = i.path.last().map_or("", String::as_str);
        by_name
            .entry((i.table.as_str(), name))
            .or_default()
            .push(i.id.as_str());
    }
    by_name
        .into_values()
        .filter(|ids| ids.len() > 1)
        .flatten()
        .collect()
}

/// How many items are answered, of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub answered: usize,
    pub total: usize,
}

impl Count {
    pub fn add(&mut self, answered: bool) {
        self.total += 1;
        self.answered += answered as usize;
    }

    /// Nothing left to answer.
    pub fn done(&self) -> bool {
        self.answered == self.total
    }
}

/// Answered counts per table (by table key, in first-seen order) and overall, from the
/// items and whether each one is answered.
pub fn counts<'a>(
    items: impl IntoIterator<Item = (&'a Indicator, bool)>,
) -> (Vec<(&'a str, Count)>, Count) {
    let mut tables: Vec<(&str, Count)> = Vec::new();
    let mut all = Count::default();
    for (i, answered) in items {
        all.add(answered);
        match tables.iter_mut().find(|(t, _)| *t == i.table) {
            Some((_, c)) => c.add(answered),
            None => {
                let mut c = Count::default();
                c.add(answered);
                tables.push((&i.table, c));
            }
        }
    }
    (tables, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(id: &str, table: &str, serial: Option<&str>, path: &[&str], content: &str) -> Indicator {
        Indicator {
            id: id.into(),
            table: table.into(),
            serial: serial.map(String::from),
            path: path.iter().map(|p| p.to_string()).collect(),
            content: Some(content.into()),
            category: None,
            points: None,
            half_points: false,
            weights: Vec::new(),
            levels: Vec::new(),
            requirement: None,
            method: None,
            expert_panel: false,
            likert: false,
            evidence: None,
            points_fed: false,
            clause: None,
            note: None,
            seed_line: None,
            interpretations: Vec::new(),
            file: "t".into(),
            line: 1,
        }
    }

    fn items() -> Vec<Indicator> {
        vec![
            ind(
                "B1.1-28",
                "B1.1",
                Some("28"),
                &["公共信用信息记录", "企业信用记录", "资质信用情况"],
                "企业是否经国家行政管理部门批准依法设立",
            ),
            ind(
                "B1.1-29",
                "B1.1",
                Some("29"),
                &["公共信用信息记录", "企业信用记录", "资质信用情况"],
                "企业是否依法拥有经营场所的产权证明",
            ),
            ind(
                "B1.1-3",
                "B1.1",
                Some("3"),
                &["经营状况", "经营基础", "经营规模"],
                "Scale",
            ),
            ind(
                "C1.1-28",
                "C1.1",
                Some("28"),
                &["公共信用信息记录", "企业信用记录", "资质信用情况"],
                "x",
            ),
        ]
    }

    #[test]
    fn search_by_number_or_name() {
        let v = items();
        let hits = |q: &str| -> Vec<&str> {
            v.iter()
                .filter(|i| matches(i, q))
                .map(|i| i.id.as_str())
                .collect()
        };
        assert_eq!(hits(""), ["B1.1-28", "B1.1-29", "B1.1-3", "C1.1-28"]);
        assert_eq!(hits("28"), ["B1.1-28", "C1.1-28"]);
        assert_eq!(hits("b1.1-28"), ["B1.1-28"]);
        assert_eq!(
            hits("B1.1-2"),
            Vec::<&str>::new(),
            "no prefix across digits"
        );
        assert_eq!(hits("B1.1 序号28"), ["B1.1-28"]);
        assert_eq!(hits("B1.1 3"), ["B1.1-3"]);
        assert_eq!(hits("B1.1"), ["B1.1-28", "B1.1-29", "B1.1-3"]);
        assert_eq!(hits("经营规模"), ["B1.1-3"]);
        assert_eq!(hits("scale"), ["B1.1-3"]);
        assert_eq!(hits("产权证明"), ["B1.1-29"]);
        assert_eq!(hits("资质信用").len(), 3);
    }

    #[test]
    fn the_unanswered_filter_and_neighbours() {
        let v = items();
        let f = Filter {
            q: "",
            unanswered: true,
        };
        assert!(f.active() && f.keeps(&v[0], false) && !f.keeps(&v[0], true));
        assert!(!Filter::default().active());
        let order: Vec<&Indicator> = v.iter().collect();
        let (p, n) = neighbours(&order, "B1.1-29");
        assert_eq!(
            (p.unwrap().id.as_str(), n.unwrap().id.as_str()),
            ("B1.1-28", "B1.1-3")
        );
        let ids = |(p, n): (Option<&Indicator>, Option<&Indicator>)| {
            (p.map(|i| i.id.clone()), n.map(|i| i.id.clone()))
        };
        assert_eq!(ids(neighbours(&order, "B1.1-28")).0, None);
        assert_eq!(ids(neighbours(&order, "C1.1-28")).1, None);
        assert_eq!(ids(neighbours(&order, "nope")), (None, None));
    }

    #[test]
    fn shared_names_are_found_within_a_table() {
        let v = items();
        let shared: Vec<&str> = shared_names(&v).into_iter().collect();
        assert_eq!(shared, ["B1.1-28", "B1.1-29"]);
        let (tables, all) = counts(v.iter().zip([true, false, true, false]));
        assert_eq!(
            all,
            Count {
                answered: 2,
                total: 4
            }
        );
        assert_eq!(
            tables[0],
            (
                "B1.1",
                Count {
                    answered: 2,
                    total: 3
                }
            )
        );
        assert_eq!(
            tables[1].1,
            Count {
                answered: 0,
                total: 1
            }
        );
        assert!(!all.done());
    }

    #[test]
    fn table_and_serial_are_read_in_the_usual_spellings() {
        assert_eq!(table_serial("B1.1 28"), Some(("B1.1", "28")));
        assert_eq!(table_serial("表B1.1 序号 28"), Some(("B1.1", "28")));
        assert_eq!(table_serial("B1.1序号28"), Some(("B1.1", "28")));
        assert_eq!(table_serial("B1.1/28"), Some(("B1.1", "28")));
        assert_eq!(table_serial("B1.1"), None);
        assert_eq!(table_serial("B1.1 x"), None);
    }
}
