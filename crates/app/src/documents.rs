//! The PDF documents (DESIGN I-21): each document's typed data, built from the same views the
//! pages read, and rendered by `tianping-pdf`. One typed view feeds page, API and PDF.
//!
//! - [`report`]: an assessment's report (generic; T11/AII stars, T/SDDITAI levels, SME).
//! - [`stages`]: the special-capability per-stage report (000 §6.3).
//! - [`certificate`]: a certificate in Chinese or English with its signed QR code.
//! - [`capability`]: the capability evaluation report of seed 004 (Annex B).
//! - [`audit`]: the audit report of 003 8.1.6.4 with the Annex B.1 checklist scores.
//!
//! The fonts are loaded once per process, on the first render ([`App::fonts`]); a machine
//! without a CJK font answers every render with a message naming `fonts-noto-cjk`.

pub mod audit;
pub mod capability;
pub mod certificate;
pub mod report;
pub mod stages;
pub mod suggestions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDateTime;
use serde::Serialize;
use tianping_domain::{Lang, Msg};
pub use tianping_pdf::{Fonts, Template};

use crate::{App, Error};

/// The fonts of the process, loaded on first use.
#[derive(Default)]
pub struct FontCell(OnceLock<Result<Fonts, String>>);

/// A chart drawn elsewhere (`tianping-charts`), placed in a report when present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    pub svg: String,
}

/// A rendered PDF and the file name to offer.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub filename: String,
}

impl App {
    /// The PDF fonts: from `font_dir` (`TIANPING_FONT_DIR`) or Debian's fonts-noto-cjk,
    /// loaded once and shared; without a CJK font a message naming the package.
    pub fn fonts(&self) -> Result<&Fonts, Error> {
        let loaded = self
            .fonts
            .0
            .get_or_init(|| shared_fonts(self.config.font_dir.clone()));
        loaded.as_ref().map_err(|m| {
            Error::Unavailable(Msg {
                zh: m.clone(),
                en: format!("No CJK font for PDF output: install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk) or set TIANPING_FONT_DIR. {}", m),
            })
        })
    }
}

/// The fonts of a folder, read once per process whatever the number of `App`s (tests make
/// many): the collections are large.
fn shared_fonts(dir: Option<PathBuf>) -> Result<Fonts, String> {
    type Loaded = HashMap<Option<PathBuf>, Result<Fonts, String>>;
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    let mut m = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    m.entry(dir.clone())
        .or_insert_with(|| Fonts::load(dir.as_deref()).map_err(|e| e.to_string()))
        .clone()
}

/// The PDF language of the app's language.
pub fn pdf_lang(l: Lang) -> tianping_pdf::Lang {
    match l {
        Lang::Zh => tianping_pdf::Lang::Zh,
        Lang::En => tianping_pdf::Lang::En,
    }
}

/// Render one document with the given fonts. A template failure is our bug: an internal
/// error naming the template and line.
pub fn render_with<T: Serialize>(
    fonts: &Fonts,
    template: Template,
    data: &T,
    lang: Lang,
    created: NaiveDateTime,
    id: String,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, Error> {
    tianping_pdf::render(
        fonts,
        tianping_pdf::Doc {
            template,
            data,
            lang: pdf_lang(lang),
            created,
            id,
            files,
        },
    )
    .map_err(|e| Error::Internal(e.to_string()))
}

/// Render one document off the async workers (Typst takes a core for a while).
pub async fn render<T: Serialize + Send + 'static>(
    app: &App,
    template: Template,
    data: T,
    lang: Lang,
    created: NaiveDateTime,
    id: String,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<u8>, Error> {
    let fonts = app.fonts()?.clone();
    tokio::task::spawn_blocking(move || {
        render_with(&fonts, template, &data, lang, created, id, files)
    })
    .await
    .map_err(|e| Error::Internal(format!("PDF render task: {}", e)))?
}

/// A number as the pages print it (two decimals at most).
pub(crate) fn fig(x: f64) -> String {
    tianping_domain::words::fig(x)
}
