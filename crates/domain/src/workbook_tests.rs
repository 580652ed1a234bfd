use super::*;
use crate::workbook::{book, Book, INFO_VERSION_ROW};

fn with_book<T>(scheme: &str, variant: Option<&str>, f: impl FnOnce(&Book) -> T) -> T {
    let cat = tianping_catalog::Catalog::load(None).unwrap();
    let s = cat.get(scheme).unwrap();
    let plan = tianping_core::Plan::new(s, variant, None).unwrap();
    f(&book(&plan))
}

/// The grids of an empty template as a writer would lay them out (ids in column A).
fn grids(b: &Book) -> Vec<Grid> {
    let mut info = Grid {
        name: INFO_SHEET.into(),
        rows: vec![vec![]; 4],
    };
    info.rows[0] = vec![Cell::Text(MARK.into())];
    info.rows[INFO_SCHEME_ROW as usize] = vec![Cell::Empty, Cell::Text(b.scheme.clone())];
    info.rows[INFO_VARIANT_ROW as usize] = vec![
        Cell::Empty,
        Cell::Text(b.variant.clone().unwrap_or_default()),
    ];
    info.rows[INFO_VERSION_ROW as usize] = vec![Cell::Empty, Cell::Text(b.version.clone())];
    let mut out = vec![info];
    for s in &b.sheets {
        let mut rows = vec![vec![], vec![]];
        for r in &s.rows {
            rows.push(vec![Cell::Text(r.indicator.clone())]);
        }
        out.push(Grid {
            name: s.name.clone(),
            rows,
        });
    }
    out
}

fn set(g: &mut [Grid], sheet: &str, row: u32, col: u16, c: Cell) {
    let g = g.iter_mut().find(|g| g.name == sheet).unwrap();
    let r = &mut g.rows[row as usize];
    while r.len() <= col as usize {
        r.push(Cell::Empty);
    }
    r[col as usize] = c;
}

#[test]
fn t11_template_has_a_sheet_per_table_and_a_source_column() {
    with_book("t11-aii-001-2020", Some("platform"), |b| {
        assert!(b.sources);
        let names: Vec<&str> = b.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A.1", "A.2", "A.3", "A.4", "A.5"]);
        assert_eq!(b.header()[7], "来源");
        assert_eq!(b.col_note(), 8);
        assert_eq!(b.sheets[0].rows[0].indicator, "A.1-1");
        assert_eq!(b.sheets[0].rows[0].input, Input::Coefficient);
    });
}

#[test]
fn levels_and_half_points_are_what_the_scheme_says() {
    with_book("t-sdditai-5121-2023", Some("manufacturing"), |b| {
        assert!(!b.sources);
        let r = &b.sheets[0].rows[0];
        assert_eq!(r.input.choices()[0], "0 未达第一级");
        assert_eq!(r.input.choices()[1], "1 未覆盖");
        assert_eq!(r.input.choices().len(), 6);
    });
    with_book("t-cic-capability", None, |b| {
        assert_eq!(b.sheets[0].name, "表A.1");
        assert_eq!(
            b.sheets[0].rows[0].input,
            Input::Points {
                max: 2.5,
                half: true
            }
        );
    });
}

#[test]
fn a_filled_template_reads_back_every_answer() {
    with_book("t11-aii-001-2020", Some("platform"), |b| {
        let mut g = grids(b);
        set(&mut g, "A.1", 2, COL_VALUE, Cell::Number(80.0));
        set(&mut g, "A.1", 2, 7, Cell::Text("平台数据".into()));
        set(&mut g, "A.1", 3, COL_VALUE, Cell::Text("75%".into()));
        set(&mut g, "A.1", 3, 8, Cell::Text("年报".into()));
        let e = read(b, &g).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].indicator, "A.1-1");
        assert_eq!(e[0].cell, "A.1!G3");
        assert_eq!(e[0].json(), json!({"value": 80.0, "source": "platform"}));
        assert_eq!(e[1].json(), json!(75.0));
        assert_eq!(e[1].note.as_deref(), Some("年报"));
    });
    with_book("t-sdditai-5121-2023", Some("manufacturing"), |b| {
        let mut g = grids(b);
        set(
            &mut g,
            "表1",
            2,
            COL_VALUE,
            Cell::Text("4 覆盖绝大部分业务环节".into()),
        );
        set(&mut g, "表1", 3, COL_VALUE, Cell::Number(2.0));
        set(
            &mut g,
            "表1",
            4,
            COL_VALUE,
            Cell::Text("0 未达第一级".into()),
        );
        let e = read(b, &g).unwrap();
        let v: Vec<f64> = e.iter().map(|x| x.value).collect();
        assert_eq!(v, [4.0, 2.0, 0.0]);
        // a choice whose number and name disagree is no level
        set(
            &mut g,
            "表1",
            2,
            COL_VALUE,
            Cell::Text("3 覆盖绝大部分业务环节".into()),
        );
        assert_eq!(read(b, &g).unwrap_err()[0].cell, "表1!G3");
    });
}

#[test]
fn every_bad_cell_is_named_with_what_it_accepts() {
    with_book("t-cic-capability", None, |b| {
        let mut g = grids(b);
        let s = "表A.1";
        set(&mut g, s, 2, COL_VALUE, Cell::Text("两分".into()));
        set(&mut g, s, 3, COL_VALUE, Cell::Number(9.0));
        set(&mut g, s, 4, COL_VALUE, Cell::Number(1.25));
        set(&mut g, s, 5, COL_ID, Cell::Text("X.9".into()));
        set(&mut g, s, 5, COL_VALUE, Cell::Number(1.0));
        set(&mut g, s, 6, COL_VALUE, Cell::Number(1.0));
        let errs = read(b, &g).unwrap_err();
        let at: Vec<&str> = errs.iter().map(|e| e.cell.as_str()).collect();
        assert_eq!(at, ["表A.1!G3", "表A.1!G4", "表A.1!G5", "表A.1!A6"]);
        assert!(errs[0].message.zh.contains("不是数字"), "{}", errs[0]);
        assert!(errs[1].message.zh.contains("超出范围") && errs[1].message.zh.contains("0 至"));
        assert!(errs[2].message.zh.contains("0.5"), "{}", errs[2]);
        assert!(errs[3].message.zh.contains("没有指标“X.9”"), "{}", errs[3]);
    });
    with_book("t-sdditai-5121-2023", Some("manufacturing"), |b| {
        let mut g = grids(b);
        set(&mut g, "表1", 2, COL_VALUE, Cell::Text("很高".into()));
        set(&mut g, "表1", 3, COL_VALUE, Cell::Number(6.0));
        let errs = read(b, &g).unwrap_err();
        assert_eq!(errs[0].cell, "表1!G3");
        assert!(errs[0].message.zh.contains("没有等级“很高”"));
        assert!(errs[1].message.zh.contains("没有等级“6”"));
    });
    with_book("t11-aii-001-2020", Some("platform"), |b| {
        let mut g = grids(b);
        set(&mut g, "A.2", 2, COL_VALUE, Cell::Number(50.0));
        set(&mut g, "A.2", 2, 7, Cell::Text("猜的".into()));
        set(&mut g, "A.2", 3, COL_ID, Cell::Text("A.1-1".into()));
        let errs = read(b, &g).unwrap_err();
        assert_eq!(errs[0].cell, "A.2!H3");
        assert!(errs[0]
            .message
            .zh
            .contains("企业自报、平台数据、第三方数据、现场核验"));
        assert_eq!(errs[1].cell, "A.2!A4");
        assert!(errs[1].message.zh.contains("属于工作表“A.1”"));
    });
}

#[test]
fn a_template_of_another_scheme_or_variant_is_refused_at_its_cell() {
    with_book("t11-aii-001-2020", Some("platform"), |b| {
        let mut g = grids(b);
        assert!(is_template(&g));
        set(
            &mut g,
            INFO_SHEET,
            INFO_VARIANT_ROW,
            1,
            Cell::Text("project".into()),
        );
        let errs = read(b, &g).unwrap_err();
        assert_eq!(errs[0].cell, "说明!B3");
        g[0].rows[0][0] = Cell::Text("别的".into());
        assert!(!is_template(&g));
    });
}
