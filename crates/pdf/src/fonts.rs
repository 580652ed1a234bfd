//! Fonts: mapped once per process and shared by every render.
//!
//! The CJK collections are large (about 93 MB for Sans and Serif, regular and bold) and a
//! render touches only the tables and glyphs it uses, so they are mapped from their files,
//! not read: the pages are the kernel's page cache, shared between processes and dropped
//! under memory pressure, and the process's own memory stays small.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// Where Debian's `fonts-noto-cjk` puts Noto Sans/Serif CJK.
pub const DEFAULT_DIR: &str = "/usr/share/fonts/opentype/noto";

/// The families the templates ask for (`templates/common.typ`), kept from the default folder.
const TEMPLATE_FAMILIES: [&str; 2] = ["Noto Sans CJK SC", "Noto Serif CJK SC"];

/// A character every document needs: 天 (the first of 天平).
const PROBE: char = '天';

/// The fonts a render may use: Noto Sans/Serif CJK SC (or what an override directory holds).
/// Cheap to clone; the faces' bytes are shared.
#[derive(Clone)]
pub struct Fonts {
    inner: Arc<Inner>,
}

struct Inner {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "未找到中文字体（目录 {dir}）：PDF 需要 Noto Sans/Serif CJK SC，请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），或以 TIANPING_FONT_DIR / 配置项 font_dir 指向含有中文字体（.ttc/.otf/.ttf）的目录 — no CJK font found: install fonts-noto-cjk"
    )]
    NoCjkFont { dir: String },
    #[error("无法读取字体文件 {path}：{message}")]
    Read { path: String, message: String },
}

impl Fonts {
    /// Load the fonts from `dir_override` when given, else from [`DEFAULT_DIR`]. In the
    /// default folder only the Sans and Serif CJK collections are read (the Mono and the
    /// other weights are not used by the templates); an override folder is read whole
    /// (`.ttc`, `.otf`, `.ttf`, not its sub-folders). Fails unless some face covers Chinese.
    pub fn load(dir_override: Option<&Path>) -> Result<Fonts, FontError> {
        let dir = dir_override
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_font_file(p))
                .filter(|p| dir_override.is_some() || is_default_face(p))
                .collect(),
            Err(_) => Vec::new(),
        };
        // The same folder always gives the same book, whatever order the system lists it in.
        paths.sort();
        let mut fonts = Vec::new();
        for p in &paths {
            let data = map(p).map_err(|e| FontError::Read {
                path: p.display().to_string(),
                message: e.to_string(),
            })?;
            // a collection holds the Japanese, Korean, traditional and monospaced faces
            // too; in the default folder only the simplified Chinese ones the templates name
            // are kept (each face parsed costs memory; the glyphs are the same)
            fonts.extend(Font::iter(data).filter(|f| {
                dir_override.is_some() || TEMPLATE_FAMILIES.contains(&f.info().family.as_str())
            }));
        }
        if !fonts
            .iter()
            .any(|f| f.info().coverage.contains(PROBE as u32))
        {
            return Err(FontError::NoCjkFont {
                dir: dir.display().to_string(),
            });
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(Fonts {
            inner: Arc::new(Inner { book, fonts, dir }),
        })
    }

    /// The folder the fonts were read from.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The family names available, sorted and without repetition.
    pub fn families(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .inner
            .fonts
            .iter()
            .map(|f| f.info().family.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        &self.inner.book
    }

    pub(crate) fn font(&self, index: usize) -> Option<Font> {
        self.inner.fonts.get(index).cloned()
    }
}

/// A font file's bytes, mapped read-only (an empty file is read: it cannot be mapped).
///
/// The one `unsafe` of the workspace: a mapping is undefined behaviour if the file is
/// changed in place while mapped. Font files are installed by the system's packages, which
/// replace a file by a new one (a new inode) rather than write into it, and the override
/// folder is the operator's; memmap2 is the maintained crate for this and no safe mapping
/// exists.
#[allow(unsafe_code)]
fn map(p: &Path) -> std::io::Result<Bytes> {
    let file = std::fs::File::open(p)?;
    if file.metadata()?.len() == 0 {
        return Ok(Bytes::new(Vec::<u8>::new()));
    }
    // SAFETY: see above; the mapping is read-only and lives as long as the bytes.
    let mapped = unsafe { memmap2::Mmap::map(&file)? };
    Ok(Bytes::new(mapped))
}

fn is_font_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "ttc" | "otf" | "ttf"))
        .unwrap_or(false)
}

/// In the default folder: Noto Sans/Serif CJK, regular and bold.
fn is_default_face(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    (name.starts_with("NotoSansCJK") || name.starts_with("NotoSerifCJK"))
        && (name.contains("-Regular.") || name.contains("-Bold."))
}
