//! The Typst world of one render: the compiled-in templates, the document's data as the
//! virtual file `/data.json`, its images, the shared fonts and a fixed day.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::Fonts;
use crate::templates::FILES;

/// The standard library, built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Every template parsed once: its file id and source.
static SOURCES: LazyLock<HashMap<FileId, Source>> = LazyLock::new(|| {
    FILES
        .iter()
        .filter_map(|(name, text)| {
            let id = file_id(name)?;
            Some((id, Source::new(id, (*text).to_string())))
        })
        .collect()
});

/// The id of a path of the virtual project (`/name`).
pub(crate) fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(crate) struct DocWorld<'a> {
    pub fonts: &'a Fonts,
    pub main: FileId,
    pub files: HashMap<FileId, Bytes>,
    pub today: Datetime,
}

impl DocWorld<'_> {
    /// The source of a template, for naming lines in errors.
    pub fn template_source(id: FileId) -> Option<&'static Source> {
        SOURCES.get(&id)
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        SOURCES.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        SOURCES
            .get(&id)
            .map(|s| Bytes::from_string(s.clone()))
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    /// The document's own day, never the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
