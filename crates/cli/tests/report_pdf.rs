//! `tianping report`: an answer file scored as by `evaluate` and written as a PDF whose text
//! holds the figures; the same files and date give the same bytes; bad options and a folder
//! without CJK fonts fail naming what is accepted.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tianping(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tianping"))
        .args(args)
        .current_dir(root())
        .env_remove("TIANPING_FONT_DIR")
        .output()
        .expect("binary runs")
}

fn pdf_text(p: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(p)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed (scripts/test)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn report(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "report",
        "--scheme",
        "t11-aii-001-2020",
        "--input",
        "examples/t11-odm-oem.json",
        "--mode",
        "onsite",
        "--current-stars",
        "3",
        "--date",
        "2026-03-01",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    tianping(&args)
}

#[test]
fn report_writes_the_star_report_and_repeats_itself_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    let o = report(&a, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(report(&b, &[]).status.success());
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let t = pdf_text(&a);
    // The figures `tianping evaluate` prints for this file (README).
    for want in [
        "810.08 / 1000",
        "三星级",
        "企业信用",
        "779.67",
        "表 3 逐级检查",
        "ODM/OEM",
        // the result page's charts, drawn by tianping-charts, with their captions
        "图表",
        "各维度得分",
        "各表得分与满分",
    ] {
        assert!(t.contains(want), "missing {want:?}:\n{t}");
    }
    let en = dir.path().join("en.pdf");
    assert!(report(&en, &["--lang", "en"]).status.success());
    let t = pdf_text(&en);
    assert!(
        t.contains("Star rating") && t.contains("810.08 / 1000"),
        "{t}"
    );
}

#[test]
fn bad_language_and_missing_fonts_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    let o = report(&out, &["--lang", "fr"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("zh、en"));
    let empty = dir.path().join("fonts");
    std::fs::create_dir(&empty).unwrap();
    let o = report(&out, &["--font-dir", empty.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("fonts-noto-cjk"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists(), "nothing written");
}
