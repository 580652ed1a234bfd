//! Loading scheme folders from disk: only regular files are read, so a FIFO or a device named
//! `*.toml` is refused at once instead of blocking `schemes check` or reading without end.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use tianping_catalog::dir_files;
use tianping_core::SchemeError;

/// Removes a test's temp folder when the test ends.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh copy of the shipped t-cic-capability folder under the temp dir.
fn scheme_copy(tag: &str) -> (PathBuf, Cleanup) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemes/t-cic-capability");
    let root =
        std::env::temp_dir().join(format!("tianping-catalog-{}-{}", std::process::id(), tag));
    let _ = std::fs::remove_dir_all(&root);
    let dst = root.join("t-cic-capability");
    for sub in ["", "tables", "counts"] {
        std::fs::create_dir_all(dst.join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), dst.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    (dst, Cleanup(root))
}

/// `dir_files` on another thread, failing the test instead of hanging it.
fn load_within(dir: &Path, secs: u64) -> Result<usize, Vec<SchemeError>> {
    let (tx, rx) = mpsc::channel();
    let d = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(dir_files(&d).map(|f| f.len()));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("loading {} did not finish in {secs} s", dir.display()))
}

fn mkfifo(p: &Path) {
    let st = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap();
    assert!(st.success(), "mkfifo {}", p.display());
}

#[test]
fn a_clean_copy_loads() {
    let (d, _c) = scheme_copy("clean");
    assert_eq!(load_within(&d, 30).unwrap(), 1);
    // also through its parent folder
    assert_eq!(load_within(d.parent().unwrap(), 30).unwrap(), 1);
}

#[test]
fn a_fifo_named_toml_is_refused_without_blocking() {
    let (d, _c) = scheme_copy("fifo");
    let fifo = d.join("tables/extra.toml");
    mkfifo(&fifo);
    let errs = load_within(&d, 30).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].file, fifo.display().to_string());
    assert!(errs[0].message.contains("命名管道（FIFO）"), "{}", errs[0]);
    assert!(
        errs[0].message.contains("普通的 UTF-8 文本文件"),
        "{}",
        errs[0]
    );
    // a FIFO in place of scheme.toml is named too (not "no scheme folder here")
    let (d, _c2) = scheme_copy("fifo-scheme");
    std::fs::remove_file(d.join("scheme.toml")).unwrap();
    mkfifo(&d.join("scheme.toml"));
    for dir in [d.as_path(), d.parent().unwrap()] {
        let errs = load_within(dir, 30).unwrap_err();
        assert!(errs[0].file.ends_with("scheme.toml"), "{errs:?}");
        assert!(errs[0].message.contains("命名管道"), "{errs:?}");
    }
}

#[test]
fn a_symlink_to_a_device_is_refused_and_to_a_file_followed() {
    let (d, _c) = scheme_copy("symlink");
    let zero = d.join("counts/zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let errs = load_within(&d, 30).unwrap_err();
    assert_eq!(errs[0].file, zero.display().to_string());
    assert!(errs[0].message.contains("字符设备"), "{}", errs[0]);
    std::fs::remove_file(&zero).unwrap();
    // a link to a regular file is read like the file
    let real = d.join("tables/表A.1.toml");
    let moved = d.parent().unwrap().join("表A.1.toml");
    std::fs::rename(&real, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &real).unwrap();
    assert_eq!(load_within(&d, 30).unwrap(), 1);
    // a link to a folder (here a loop to the scheme folder itself) is not followed
    std::os::unix::fs::symlink(&d, d.join("tables/loop")).unwrap();
    let errs = load_within(&d, 30).unwrap_err();
    assert!(errs[0].file.ends_with("tables/loop"), "{errs:?}");
    assert!(errs[0].message.contains("不跟随"), "{errs:?}");
}
