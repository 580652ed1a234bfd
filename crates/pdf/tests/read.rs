//! `links` reads back what a PDF links to: the certificate template's signed link (on the QR
//! code, on the printed address and as the keyword), and the link of a PDF written with
//! compressed object and cross-reference streams, as other programs save files.

use std::io::Write;
use std::sync::OnceLock;

use chrono::NaiveDate;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use tianping_pdf::{links, render, Doc, Fonts, Lang, ReadError, Template};

const LINK: &str = "https://pingjia.example.cn/verify/TP-EEPC-2026-0001#VFBDMQ.c2lnbmF0dXJl";

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| Fonts::load(None).expect("fonts-noto-cjk is installed (scripts/test)"))
}

fn certificate() -> Value {
    json!({
        "number": "TP-EEPC-2026-0001", "holder": "成都示例建设有限公司",
        "uscc": "91510100MA61234567", "registered_address": "成都市高新区示例路 1 号",
        "operating_address": null, "sites": ["总部"], "scope": "建筑工程施工合同履约管理",
        "standard": "履约能力评价体系认证实施细则", "edition": "0123456789ab", "grade": "AAAA",
        "issued": "2026-01-28", "valid_from": "2026-01-28", "valid_until": "2029-01-27",
        "original": null, "cycle": 1, "change": null, "change_en": null,
        "issuer": "示例认证机构", "link": LINK
    })
}

fn render_certificate(data: &Value) -> Vec<u8> {
    // any picture stands for the QR code here
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#000"/></svg>"##;
    render(
        fonts(),
        Doc {
            template: Template::Certificate,
            data,
            lang: Lang::Zh,
            created: NaiveDate::from_ymd_opt(2026, 1, 28)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            id: "tianping/certificate/TP-EEPC-2026-0001/zh".into(),
            files: vec![("/qr.svg".into(), svg.to_vec())],
        },
    )
    .unwrap()
}

#[test]
fn the_certificate_carries_its_link_as_annotations_and_keyword() {
    let data = certificate();
    let pdf = render_certificate(&data);
    assert_eq!(pdf, render_certificate(&data), "same inputs, same bytes");
    assert_eq!(links(&pdf).unwrap(), vec![LINK.to_string()]);
    let raw = String::from_utf8_lossy(&pdf);
    // on the code and on the printed address, and in the information and XMP keywords
    assert_eq!(
        raw.matches("/Subtype/Link").count(),
        2,
        "two link annotations"
    );
    assert!(raw.matches(LINK).count() >= 3, "annotations and keywords");
    assert!(raw.contains("/Keywords"));
}

#[test]
fn a_report_has_no_links() {
    let data: Value = serde_json::from_str(include_str!("fixtures/report.json")).unwrap();
    let pdf = render(
        fonts(),
        Doc {
            template: Template::Report,
            data: &data,
            lang: Lang::Zh,
            created: NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            id: "report".into(),
            files: vec![],
        },
    )
    .unwrap();
    assert_eq!(links(&pdf).unwrap(), Vec::<String>::new());
}

/// A one-page PDF whose objects (catalog, pages, page, link annotation) sit in a
/// flate-compressed object stream indexed by a compressed cross-reference stream.
fn object_stream_pdf(uri: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>".to_string(),
        format!(
            "<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /URI /URI ({uri}) >> >>"
        ),
    ];
    let mut body = String::new();
    let mut index = String::new();
    for (i, o) in objects.iter().enumerate() {
        index.push_str(&format!("{} {} ", i + 1, body.len()));
        body.push_str(o);
        body.push('\n');
    }
    let plain = format!("{index}{body}");
    let first = index.len();
    let zip = |b: &[u8]| {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(b).unwrap();
        z.finish().unwrap()
    };
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let objstm_at = out.len();
    let packed = zip(plain.as_bytes());
    out.extend_from_slice(
        format!(
            "5 0 obj\n<< /Type /ObjStm /N 4 /First {first} /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref_at = out.len();
    // rows of (type, field 2, field 3) with widths 1, 4, 2
    let mut rows = Vec::new();
    let mut row = |t: u8, a: u32, b: u16| {
        rows.push(t);
        rows.extend_from_slice(&a.to_be_bytes());
        rows.extend_from_slice(&b.to_be_bytes());
    };
    row(0, 0, 65535);
    for i in 0..4u16 {
        row(2, 5, i);
    }
    row(1, objstm_at as u32, 0);
    row(1, xref_at as u32, 0);
    let packed = zip(&rows);
    out.extend_from_slice(
        format!(
            "6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&packed);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn links_in_compressed_object_streams_are_read() {
    let pdf = object_stream_pdf(LINK);
    assert!(
        !String::from_utf8_lossy(&pdf).contains("verify"),
        "the link is only inside the compressed stream"
    );
    assert_eq!(links(&pdf).unwrap(), vec![LINK.to_string()]);
}

#[test]
fn not_a_pdf_is_said() {
    assert_eq!(links(b"https://x.cn/verify/1#a.b"), Err(ReadError::NotPdf));
}
