//! Reading the PDFs the service answers: their text (pdftotext) and their QR codes.
// Shared by several test binaries, each using a part.
#![allow(dead_code)]

use std::io::Write;
use std::process::Command;

/// The PDF's text as `pdftotext -layout` reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(f.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed (scripts/test)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Every QR code on the PDF's first page, rendered at 300 dpi (`pdftoppm`; at 150 dpi rqrr
/// finds no grid in a link of ~330 characters), decoded.
pub fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let out = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&input)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) is installed (scripts/test)");
    assert!(st.success());
    let img = image::open(dir.path().join("page.png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}
