//! The crate renders a report to PDF/A-2b whose text holds the figures, the same bytes for
//! the same inputs, and clear errors for a missing font or a template bug.

use std::io::Write;
use std::process::Command;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tianping_pdf::{render, Doc, Fonts, Lang, RenderError, Template};

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| Fonts::load(None).expect("fonts-noto-cjk is installed (scripts/test)"))
}

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/report.json")).unwrap()
}

fn doc<'a>(data: &'a Value, lang: Lang, id: &str) -> Doc<'a, Value> {
    Doc {
        template: Template::Report,
        data,
        lang,
        created: NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap(),
        id: id.into(),
        files: vec![],
    }
}

/// The PDF's text as `pdftotext -layout` reads it.
fn text(pdf: &[u8]) -> String {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(f.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed (scripts/test)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_text_holds_figures_names_and_versions() {
    let data = fixture();
    let pdf = render(fonts(), doc(&data, Lang::Zh, "report/12/v1")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let t = text(&pdf);
    for want in [
        "工业互联网上云企业履约能力评价报告",
        "杭州示例制造有限公司",
        "735.5 / 1000",
        "三星级",
        "技术能力",
        "812.5",
        "研发投入占比",
        "未计分",
        "000-stage-score",
        "0123456789abcdef0123456789abcdef",
        "引擎版本",
        "report/12/v1",
    ] {
        assert!(t.contains(want), "missing {want:?} in:\n{t}");
    }
}

#[test]
fn english_labels_on_request() {
    let data = fixture();
    let t = text(&render(fonts(), doc(&data, Lang::En, "r")).unwrap());
    assert!(t.contains("Comprehensive stars supported"), "{t}");
    assert!(t.contains("Engine version"), "{t}");
    assert!(!t.contains("引擎版本"), "{t}");
}

#[test]
fn same_inputs_same_bytes_and_pdfa_2b() {
    let data = fixture();
    let a = render(fonts(), doc(&data, Lang::Zh, "report/12/v1")).unwrap();
    let b = render(fonts(), doc(&data, Lang::Zh, "report/12/v1")).unwrap();
    assert_eq!(Sha256::digest(&a), Sha256::digest(&b));
    let c = render(fonts(), doc(&data, Lang::Zh, "report/12/v2")).unwrap();
    assert_ne!(
        Sha256::digest(&a),
        Sha256::digest(&c),
        "the identifier is in the file"
    );
    let s = String::from_utf8_lossy(&a);
    assert!(s.contains("<pdfaid:part>2</pdfaid:part>"), "PDF/A part 2");
    assert!(s.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(
        s.contains("2026-03-01T08:30:00"),
        "creation date from the data"
    );
}

#[test]
fn missing_font_directory_names_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let e = Fonts::load(Some(dir.path()))
        .err()
        .expect("no font, no Fonts");
    let m = e.to_string();
    assert!(m.contains("fonts-noto-cjk"), "{m}");
    assert!(m.contains(&dir.path().display().to_string()), "{m}");
}

#[test]
fn template_error_names_template_and_line() {
    let mut data = fixture();
    data.as_object_mut().unwrap().remove("total");
    let e = render(fonts(), doc(&data, Lang::Zh, "r")).unwrap_err();
    let RenderError::Template(m) = &e else {
        panic!("{e}")
    };
    assert!(m.contains("/report.typ:"), "{m}");
    assert!(m.contains("total"), "{m}");
}
