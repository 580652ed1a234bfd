//! What we encoded equals what we counted in the seed text, table by table. Each scheme's
//! counts/*.toml holds two independent counts per table made from the seed text.

mod common;

use serde::Deserialize;
use std::path::Path;
use tianping_core::Category;

#[derive(Deserialize)]
struct CountFile {
    table: Vec<TableCount>,
}

#[derive(Deserialize)]
struct TableCount {
    key: String,
    rows: usize,
    rows_check: usize,
    online: Option<usize>,
    offline: Option<usize>,
    combined: Option<usize>,
    points_total: Option<f64>,
}

#[test]
fn encoded_rows_match_both_independent_counts() {
    let cat = common::catalog();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemes");
    let mut tables_checked = 0;
    for s in &cat.schemes {
        let dir = root.join(&s.id).join("counts");
        let mut counted = Vec::new();
        for f in std::fs::read_dir(&dir).unwrap_or_else(|_| panic!("{} has no counts/", s.id)) {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            let cf: CountFile = toml::from_str(&text).unwrap();
            counted.extend(cf.table);
        }
        // Every table is counted exactly once.
        for t in &s.tables {
            let n = counted.iter().filter(|c| c.key == t.key).count();
            assert_eq!(n, 1, "{}: table {} counted {} times", s.id, t.key, n);
        }
        for c in &counted {
            let rows: Vec<_> = s.indicators.iter().filter(|i| i.table == c.key).collect();
            assert_eq!(rows.len(), c.rows, "{} {}: encoded vs count 1", s.id, c.key);
            assert_eq!(
                rows.len(),
                c.rows_check,
                "{} {}: encoded vs count 2",
                s.id,
                c.key
            );
            let cat_n = |k: Category| rows.iter().filter(|i| i.category == Some(k)).count();
            if let Some(n) = c.online {
                assert_eq!(cat_n(Category::Online), n, "{} {} 线上", s.id, c.key);
            }
            if let Some(n) = c.offline {
                assert_eq!(cat_n(Category::Offline), n, "{} {} 线下", s.id, c.key);
            }
            if let Some(n) = c.combined {
                assert_eq!(cat_n(Category::Combined), n, "{} {} 结合", s.id, c.key);
            }
            if let Some(p) = c.points_total {
                let sum: f64 = rows.iter().filter_map(|i| i.points).sum();
                assert!(
                    (sum - p).abs() < 1e-9,
                    "{} {}: points {} vs {}",
                    s.id,
                    c.key,
                    sum,
                    p
                );
            }
            tables_checked += 1;
        }
    }
    assert_eq!(tables_checked, 61 + 5 + 1 + 1 + 1);
}

#[test]
fn shipped_totals_are_as_counted() {
    let cat = common::catalog();
    let n = |id: &str| cat.get(id).unwrap().indicators.len();
    // Sums of the per-table counts reported in the closing notes.
    assert_eq!(n("t-sdditai-5121-2023"), 26 + 16 + 14 + 14 + 14);
    assert_eq!(n("t-cic-capability"), 54);
    assert_eq!(n("eepc-certification"), 111);
    assert_eq!(n("sme-service-2020"), 13);
    assert_eq!(cat.get("t11-aii-001-2020").unwrap().tables.len(), 61);
}
