//! Reading the PDFs the service answers: their text (pdftotext) and a hash.

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
