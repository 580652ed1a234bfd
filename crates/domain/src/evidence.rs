//! Which evidence files are accepted: by extension, confirmed by the file's first bytes.

use crate::msg::Msg;

/// Accepted extensions and the content type each is stored and served with.
pub const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("txt", "text/plain; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// The stored content type of an upload, checked by extension and by the file's first bytes.
pub fn content_type(file_name: &str, data: &[u8]) -> Result<&'static str, Msg> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, ct)) = TYPES.iter().find(|(e, _)| *e == ext) else {
        let types = TYPES.iter().map(|(e, _)| *e).collect::<Vec<_>>();
        return Err(Msg::new(
            format!(
                "不接受 “{}” 类型的文件；可上传：{}",
                if ext.is_empty() { "无扩展名" } else { &ext },
                types.join("、")
            ),
            format!(
                "Files of type “{}” are not accepted; upload one of: {}",
                if ext.is_empty() { "no extension" } else { &ext },
                types.join(", ")
            ),
        ));
    };
    let ok = match ext.as_str() {
        "pdf" => data.starts_with(b"%PDF-"),
        "png" => data.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" | "xlsx" => data.starts_with(b"PK\x03\x04"),
        _ => std::str::from_utf8(data).is_ok(),
    };
    if !ok {
        return Err(Msg::new(
            format!("文件内容与扩展名 .{} 不符", ext),
            format!("The file's content does not match its extension .{}", ext),
        ));
    }
    Ok(ct)
}

/// The file name kept for an upload: its last path part, without control characters or
/// quotes, at most 200 characters (empty when nothing is left).
pub fn file_name(given: &str) -> String {
    given
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_content_must_agree() {
        assert_eq!(
            content_type("a.PDF", b"%PDF-1.7").unwrap(),
            "application/pdf"
        );
        assert!(content_type("a.pdf", b"hello").is_err());
        assert!(content_type("a.exe", b"MZ").unwrap_err().zh.contains("pdf"));
        assert!(content_type("noext", b"x")
            .unwrap_err()
            .zh
            .contains("无扩展名"));
        assert!(content_type("a.txt", &[0xff, 0xfe]).is_err());
    }

    #[test]
    fn file_names_lose_paths_and_quotes() {
        assert_eq!(file_name("C:\\x\\y\"z.pdf"), "yz.pdf");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("/"), "");
    }
}
