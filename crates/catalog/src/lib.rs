//! The scheme catalog: the shipped schemes (compiled into the binary from `schemes/`) and
//! scheme folders loaded from disk (`--schemes-dir`, a body's own or revised standards).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tianping_core::{load_scheme, Scheme, SchemeError, SchemeFiles};

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../schemes");

/// Loaded schemes, in id order.
#[derive(Debug, Default)]
pub struct Catalog {
    pub schemes: Vec<Scheme>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    /// The error message for an unknown scheme id, listing the ones available.
    pub fn unknown(&self, id: &str) -> String {
        format!(
            "没有方案 “{}”；可用：{}",
            id,
            self.schemes
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join("、")
        )
    }

    /// The shipped schemes, plus (replacing any with the same id) those under `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Catalog, Vec<SchemeError>> {
        let mut all = shipped_files();
        if let Some(d) = dir {
            for f in dir_files(d)? {
                all.retain(|x| x.dir_name != f.dir_name);
                all.push(f);
            }
        }
        let mut schemes = Vec::new();
        let mut errors = Vec::new();
        for f in &all {
            match load_scheme(f) {
                Ok(s) => schemes.push(s),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        schemes.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalog { schemes })
    }
}

/// Files of every shipped scheme.
pub fn shipped_files() -> Vec<SchemeFiles> {
    SHIPPED
        .dirs()
        .filter(|d| {
            d.files()
                .any(|f| f.path().file_name().is_some_and(|n| n == "scheme.toml"))
        })
        .map(|d| {
            let mut files = Vec::new();
            collect_embedded(d, d.path(), &mut files);
            SchemeFiles {
                dir_name: d.path().to_string_lossy().into_owned(),
                files,
            }
        })
        .collect()
}

fn collect_embedded(d: &Dir, root: &Path, out: &mut Vec<(String, String)>) {
    for f in d.files() {
        if let (Ok(rel), Some(text)) = (f.path().strip_prefix(root), f.contents_utf8()) {
            out.push((rel.to_string_lossy().replace('\\', "/"), text.to_string()));
        }
    }
    for sub in d.dirs() {
        collect_embedded(sub, root, out);
    }
}

/// Scheme folders under `dir`: either `dir` itself is a scheme folder (has scheme.toml), or
/// each sub-folder with a scheme.toml is one.
pub fn dir_files(dir: &Path) -> Result<Vec<SchemeFiles>, Vec<SchemeError>> {
    if dir.join("scheme.toml").is_file() {
        return Ok(vec![read_scheme_dir(dir)?]);
    }
    let mut out = Vec::new();
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| file_error(dir, format!("无法读取：{}", e)))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("scheme.toml").is_file())
        .collect();
    subs.sort();
    for s in subs {
        out.push(read_scheme_dir(&s)?);
    }
    if out.is_empty() {
        return Err(file_error(
            dir,
            "这里没有方案文件夹（含 scheme.toml 的文件夹）".into(),
        ));
    }
    Ok(out)
}

/// A problem with a file or folder as a whole (no line, no indicator).
fn file_error(path: &Path, message: String) -> Vec<SchemeError> {
    vec![SchemeError {
        file: path.display().to_string(),
        line: None,
        indicator: None,
        message,
    }]
}

fn read_scheme_dir(dir: &Path) -> Result<SchemeFiles, Vec<SchemeError>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| file_error(&d, format!("无法读取：{}", e)))?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| file_error(&p, format!("无法读取（须为 UTF-8 文本）：{}", e)))?;
                let rel = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, text));
            }
        }
    }
    files.sort();
    Ok(SchemeFiles {
        dir_name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        files,
    })
}
