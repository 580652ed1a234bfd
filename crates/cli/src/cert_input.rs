//! What `certificate verify` reads: the signed links (the QR text or URL, a file holding it,
//! or a certificate PDF whose links are read back by `tianping_pdf::links`) and the published
//! keys (a file saved from `/.well-known/tianping-keys.json`, or that URL fetched over HTTP or
//! HTTPS by `ureq` with rustls). Every refusal names the file or URL and what is accepted;
//! the caller answers it with exit code 2 (the certificate could not be checked).

use std::io::ErrorKind;
use std::time::Duration;

use tianping_app::domain::cert_sign::KeySet;

/// Where the body publishes its public keys.
pub const WELL_KNOWN: &str = "/.well-known/tianping-keys.json";

/// The longest keys document read from the network.
const MAX_KEYS_BYTES: u64 = 1 << 20;

/// Whether a link is a certificate's signed link: a `/verify/{number}` path with a fragment.
fn is_signed_link(s: &str) -> bool {
    s.find("/verify/")
        .and_then(|at| s[at..].split_once('#'))
        .is_some_and(|(path, frag)| path.len() > "/verify/".len() && !frag.is_empty())
}

/// The links to check from the command's argument: the signed links of a PDF file, the text
/// of another file, or the argument itself (the QR text or URL).
pub fn links(arg: &str) -> Result<Vec<String>, String> {
    match std::fs::read(arg) {
        Ok(bytes) if tianping_pdf::is_pdf(&bytes) => {
            let all = tianping_pdf::links(&bytes).map_err(|e| format!("无法读取 PDF 文件 {arg}：{e}"))?;
            let signed: Vec<String> = all.into_iter().filter(|l| is_signed_link(l)).collect();
            if signed.is_empty() {
                return Err(format!(
                    "PDF 文件 {arg} 中没有证书验证链接（…/verify/证书编号#签名）：请给出天平签发的证书 PDF，或二维码中的链接"
                ));
            }
            Ok(signed)
        }
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            if text.is_empty() {
                return Err(format!("文件 {arg} 是空的：应含二维码中的链接"));
            }
            Ok(vec![text])
        }
        Err(e) if e.kind() == ErrorKind::NotFound && !arg.contains("/verify/") => Err(format!(
            "找不到文件 {arg}，它也不是证书验证链接：请给出二维码中的链接（…/verify/证书编号#签名）、含该链接的文本文件或证书 PDF"
        )),
        Err(e) if !arg.contains("/verify/") => Err(format!("无法读取 {arg}：{e}")),
        Err(_) => Ok(vec![arg.trim().to_string()]),
    }
}

/// The published keys from a file or an `http(s)://` URL (a URL without a path gets
/// [`WELL_KNOWN`]).
pub fn keys(arg: &str) -> Result<KeySet, String> {
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let url = with_well_known(arg.trim());
        let text = fetch(&url)?;
        return serde_json::from_str(&text).map_err(|e| {
            format!("{url} 的内容不是 {WELL_KNOWN} 的格式（应为 {{\"keys\": [...]}}）：{e}")
        });
    }
    if lower.contains("://") {
        return Err(format!(
            "--keys {arg}：只接受 http:// 或 https:// 网址，或本地文件"
        ));
    }
    let text = std::fs::read_to_string(arg).map_err(|e| format!("无法读取公钥文件 {arg}：{e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("公钥文件 {arg} 不是 {WELL_KNOWN} 的格式：{e}"))
}

/// `https://host` and `https://host/` become `https://host/.well-known/tianping-keys.json`.
fn with_well_known(url: &str) -> String {
    let after = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after..].find('/') {
        None => format!("{url}{WELL_KNOWN}"),
        Some(p) if url[after + p..] == *"/" => format!("{}{WELL_KNOWN}", &url[..after + p]),
        Some(_) => url.to_string(),
    }
}

/// GET `url`: the body of a 200 answer, at most [`MAX_KEYS_BYTES`].
fn fetch(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .user_agent(concat!("tianping/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut res = agent
        .get(url)
        .header("Accept", "application/json")
        .call()
        .map_err(|e| format!("无法从 {url} 获取公钥：{}", net_words(&e)))?;
    let status = res.status().as_u16();
    if status != 200 {
        return Err(format!(
            "{url} 答复 HTTP {status}，没有给出公钥：应为发证机构网站的 {WELL_KNOWN}"
        ));
    }
    res.body_mut()
        .with_config()
        .limit(MAX_KEYS_BYTES)
        .read_to_string()
        .map_err(|e| format!("无法读取 {url} 的答复：{}", net_words(&e)))
}

/// A network error in words.
fn net_words(e: &ureq::Error) -> String {
    use ureq::Error as E;
    let what = match e {
        E::HostNotFound => "找不到该主机（域名无法解析）",
        E::ConnectionFailed => "无法建立连接",
        E::Io(io) if io.kind() == ErrorKind::ConnectionRefused => "连接被拒绝（该地址没有服务）",
        E::Io(_) => "网络出错",
        E::Timeout(_) => "超时（20 秒）",
        E::BadUri(_) => "网址无效",
        E::Tls(_) | E::Rustls(_) => "TLS 连接或证书出错",
        E::BodyExceedsLimit(_) => "答复超过 1 MiB，不是公钥文件",
        E::TooManyRedirects | E::RedirectFailed => "重定向失败或过多",
        _ => "网络出错",
    };
    format!("{what}（{e}）；请检查网址和网络，或先下载 {WELL_KNOWN} 再用 --keys FILE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_links_have_a_number_and_a_fragment() {
        assert!(is_signed_link("https://x.cn/verify/TP-1#abc.def"));
        assert!(!is_signed_link("https://x.cn/verify/TP-1"));
        assert!(!is_signed_link("https://x.cn/verify/#abc"));
        assert!(!is_signed_link("https://x.cn/verify/TP-1#"));
        assert!(!is_signed_link("https://x.cn/about#top"));
    }

    #[test]
    fn a_bare_site_gets_the_well_known_path() {
        for (a, b) in [
            (
                "https://x.cn",
                "https://x.cn/.well-known/tianping-keys.json",
            ),
            (
                "http://x.cn:8080/",
                "http://x.cn:8080/.well-known/tianping-keys.json",
            ),
            ("https://x.cn/k.json", "https://x.cn/k.json"),
        ] {
            assert_eq!(with_well_known(a), b);
        }
    }
}
