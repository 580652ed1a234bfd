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

/// Whether `dir` holds an entry named scheme.toml, of any file type: whether it is a regular
/// file is checked (and reported) when the folder is read.
fn has_scheme_toml(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join("scheme.toml")).is_ok()
}

/// Scheme folders under `dir`: either `dir` itself is a scheme folder (has scheme.toml), or
/// each sub-folder with a scheme.toml is one.
pub fn dir_files(dir: &Path) -> Result<Vec<SchemeFiles>, Vec<SchemeError>> {
    if has_scheme_toml(dir) {
        return Ok(vec![read_scheme_dir(dir)?]);
    }
    let mut out = Vec::new();
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| file_error(dir, format!("无法读取：{}", e)))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && has_scheme_toml(p))
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

/// What kind of file system object a non-regular file is, for the error message.
fn kind_of(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "命名管道（FIFO）";
        }
        if ft.is_char_device() {
            return "字符设备";
        }
        if ft.is_block_device() {
            return "块设备";
        }
        if ft.is_socket() {
            return "套接字";
        }
    }
    if ft.is_dir() {
        "文件夹"
    } else if ft.is_symlink() {
        "符号链接"
    } else {
        "特殊文件"
    }
}

/// Read one scheme file: only a regular file (or a symbolic link to one) is opened, so a FIFO
/// or a device named `*.toml` is refused instead of blocking or reading without end. The type
/// is checked before opening and again on the opened file. A leading UTF-8 BOM is kept here;
/// the loader ignores it (see `tianping_core::load`).
fn read_regular(p: &Path) -> Result<String, Vec<SchemeError>> {
    use std::io::Read;
    let refuse = |ft: std::fs::FileType| {
        file_error(
            p,
            format!(
                "不是普通文件（是{}）：方案文件须为普通的 UTF-8 文本文件",
                kind_of(ft)
            ),
        )
    };
    let meta = std::fs::metadata(p).map_err(|e| file_error(p, format!("无法读取：{}", e)))?;
    if !meta.is_file() {
        return Err(refuse(meta.file_type()));
    }
    let mut f = std::fs::File::open(p).map_err(|e| file_error(p, format!("无法读取：{}", e)))?;
    let meta = f
        .metadata()
        .map_err(|e| file_error(p, format!("无法读取：{}", e)))?;
    if !meta.is_file() {
        return Err(refuse(meta.file_type()));
    }
    let mut text = String::new();
    f.read_to_string(&mut text)
        .map_err(|e| file_error(p, format!("无法读取（须为 UTF-8 文本）：{}", e)))?;
    Ok(text)
}

fn read_scheme_dir(dir: &Path) -> Result<SchemeFiles, Vec<SchemeError>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| file_error(&d, format!("无法读取：{}", e)))?;
        for e in entries {
            let e = e.map_err(|e| file_error(&d, format!("无法读取：{}", e)))?;
            let p = e.path();
            // The entry's own type: a symbolic link is not followed here.
            let ft = e
                .file_type()
                .map_err(|e| file_error(&p, format!("无法读取：{}", e)))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_symlink() && p.is_dir() {
                return Err(file_error(
                    &p,
                    "是指向文件夹的符号链接：方案文件夹内不跟随这类链接（以免循环），请改为实际的文件夹".into(),
                ));
            } else if p.extension().is_some_and(|x| x == "toml") {
                let text = read_regular(&p)?;
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
