//! Tianping's PDF documents, rendered with Typst embedded as a library (DESIGN I-21).
//!
//! An edge crate: it renders what `app` built and decides nothing. The templates
//! (`templates/*.typ`) are compiled in; a document's data is serialised to JSON and read by
//! the template as the virtual file `/data.json` (`{lang, id, created, doc}`), its images
//! (QR codes, charts) are further virtual files. The output is PDF/A-2b with the creation
//! date and document identifier given by the caller, so the same inputs give the same bytes;
//! `today()` in a template is the creation day, never the clock. Fonts are loaded once
//! ([`Fonts::load`]) and shared; Typst embeds only the glyphs used. [`links`] reads back the
//! links a PDF carries (a certificate's signed QR link, for `tianping certificate verify`).

mod fonts;
mod read;
mod templates;
mod world;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::Serialize;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use fonts::{FontError, Fonts, DEFAULT_DIR};
pub use read::{is_pdf, links, ReadError};
pub use templates::Template;
use world::{file_id, DocWorld};

/// The language a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `en` (any case) is English; anything else, or nothing, Chinese.
    pub fn from_query(s: Option<&str>) -> Lang {
        match s {
            Some(x) if x.eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

/// One document to render.
pub struct Doc<'a, T: Serialize> {
    pub template: Template,
    pub data: &'a T,
    pub lang: Lang,
    /// The creation time written into the PDF (UTC), taken from the data (a scoring time,
    /// an issue date), never the clock.
    pub created: NaiveDateTime,
    /// A stable identifier of the document (kind, object and version); the PDF's identifier
    /// is derived from it.
    pub id: String,
    /// Further virtual files the template reads, by absolute path (`/qr.svg`).
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The data could not be written as JSON.
    #[error("PDF 数据无法序列化：{0}")]
    Data(String),
    /// The template failed: our bug, reported with the template and line.
    #[error("PDF 模板出错：{0}")]
    Template(String),
    /// The PDF export failed (e.g. a PDF/A rule).
    #[error("PDF 导出出错：{0}")]
    Export(String),
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    lang: Lang,
    id: &'a str,
    created: String,
    doc: &'a T,
}

/// Render a document to PDF/A-2b bytes.
pub fn render<T: Serialize>(fonts: &Fonts, doc: Doc<'_, T>) -> Result<Vec<u8>, RenderError> {
    let envelope = Envelope {
        lang: doc.lang,
        id: &doc.id,
        created: doc.created.format("%Y-%m-%d %H:%M").to_string(),
        doc: doc.data,
    };
    let json = serde_json::to_vec(&envelope).map_err(|e| RenderError::Data(e.to_string()))?;
    let mut files = HashMap::new();
    let data_id = file_id("/data.json").ok_or_else(|| RenderError::Data("/data.json".into()))?;
    files.insert(data_id, Bytes::new(json));
    for (path, bytes) in doc.files {
        let id = file_id(&path).ok_or_else(|| RenderError::Data(format!("路径 {}", path)))?;
        files.insert(id, Bytes::new(bytes));
    }
    let main = file_id(doc.template.file())
        .ok_or_else(|| RenderError::Template(doc.template.file().into()))?;
    let c = doc.created;
    let when = Datetime::from_ymd_hms(
        c.year(),
        c.month() as u8,
        c.day() as u8,
        c.hour() as u8,
        c.minute() as u8,
        c.second() as u8,
    )
    .ok_or_else(|| RenderError::Data(format!("创建时间 {}", c)))?;
    let today = Datetime::from_ymd(c.year(), c.month() as u8, c.day() as u8)
        .ok_or_else(|| RenderError::Data(format!("创建时间 {}", c)))?;
    let world = DocWorld {
        fonts,
        main,
        files,
        today,
    };
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|d| RenderError::Template(describe(&world, &d)))?;
    let standards = PdfStandards::new(&[PdfStandard::A_2b])
        .map_err(|e| RenderError::Export(e.message().to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(doc.id.clone()),
        creator: Smart::Custom(Some("Tianping".into())),
        timestamp: Some(Timestamp::new_utc(when)),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|d| RenderError::Export(describe(&world, &d)))?;
    // Typst memoises across compilations; keep what recent renders used, drop the rest.
    typst::comemo::evict(10);
    Ok(pdf)
}

/// Diagnostics in words, each naming the template file and line.
fn describe(world: &DocWorld, diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let place = d
                .span
                .id()
                .and_then(|id| {
                    let src = DocWorld::template_source(id)?;
                    let range = world.range(d.span)?;
                    let line = src.lines().byte_to_line(range.start)? + 1;
                    Some(format!("{}:{}", id.vpath().get_with_slash(), line))
                })
                .unwrap_or_else(|| "?".into());
            format!("{}: {}", place, d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
