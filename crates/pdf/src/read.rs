//! Reading back the links a PDF carries: the URIs of its link annotations and the words of
//! its keywords (the certificate puts its signed QR link in both, DESIGN I-21). Parsed with
//! `hayro-syntax`, the PDF reader already in Typst's tree: cross-reference tables and
//! streams, compressed object streams and damaged files (rebuilt by scanning) are handled,
//! so a certificate that another program saved again still gives its link.

use std::sync::Arc;

use hayro_syntax::object::{Array, Dict, Name, String as PdfString};
use hayro_syntax::{LoadPdfError, Pdf};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("不是 PDF 文件（开头没有 %PDF-）")]
    NotPdf,
    #[error("PDF 已加密，无法读取其中的链接")]
    Encrypted,
    #[error("PDF 文件损坏或不完整，无法读取")]
    Invalid,
}

/// Whether `bytes` look like a PDF: `%PDF-` within the first 1,024 bytes (the PDF standard
/// allows bytes before the header).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// Every URI of a link annotation (a `/URI` action) on every page, in page order, then every
/// word of the document's keywords (split at commas and white space); each once, in the order
/// first met.
pub fn links(bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    if !is_pdf(bytes) {
        return Err(ReadError::NotPdf);
    }
    let pdf = Pdf::new(Arc::new(bytes.to_vec())).map_err(|e| match e {
        LoadPdfError::Decryption(_) => ReadError::Encrypted,
        LoadPdfError::Invalid => ReadError::Invalid,
    })?;
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for page in pdf.pages().iter() {
        let Some(annots) = page.raw().get::<Array>(b"Annots") else {
            continue;
        };
        for annot in annots.iter::<Dict>() {
            if let Some(uri) = uri_of(&annot) {
                push(uri);
            }
        }
    }
    if let Some(k) = &pdf.metadata().keywords {
        for word in text_string(k)
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .map(str::trim)
        {
            push(word.to_string());
        }
    }
    Ok(out)
}

/// The URI of a link annotation's `/URI` action.
fn uri_of(annot: &Dict<'_>) -> Option<String> {
    let subtype = annot.get::<Name>(b"Subtype")?;
    if subtype.as_ref() != b"Link" {
        return None;
    }
    let action = annot.get::<Dict>(b"A")?;
    if action.get::<Name>(b"S")?.as_ref() != b"URI" {
        return None;
    }
    let uri = action.get::<PdfString>(b"URI")?;
    // a URI is 7-bit ASCII (PDF 32000-1, 12.6.4.7)
    Some(String::from_utf8_lossy(uri.as_bytes()).trim().to_string())
}

/// A PDF text string: UTF-16BE after its byte order mark, UTF-8 after its mark, else
/// PDFDocEncoding (read as Latin-1, the same for the ASCII a link is made of).
fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_in_each_encoding() {
        assert_eq!(text_string(b"a, b"), "a, b");
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'h', 0x59, 0x29]), "h天");
        assert_eq!(text_string(&[0xEF, 0xBB, 0xBF, b'x']), "x");
    }

    #[test]
    fn not_a_pdf_and_a_broken_one_are_told_apart() {
        assert_eq!(links(b"hello"), Err(ReadError::NotPdf));
        assert_eq!(links(b"%PDF-1.7\n%%EOF"), Err(ReadError::Invalid));
    }
}
