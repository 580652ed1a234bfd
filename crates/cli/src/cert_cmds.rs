//! `certificate verify` and `keys rotate|list` (DESIGN I-21). Verifying needs no database and
//! no network: the QR text (or a file holding it) is checked against a keys file saved from
//! `/.well-known/tianping-keys.json` by the pure `tianping_domain::cert_sign`. The keys
//! commands read and write the configured keys folder (`tianping_app::cert_keys`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;
use tianping_app::cert_keys;
use tianping_app::domain::cert_sign::{self, KeySet, Verdict};
use tianping_app::Config;

use crate::{out, Cli, Format};

#[derive(Subcommand)]
pub enum CertificateCmd {
    /// Check a certificate's QR link offline: prints the signed fields and
    /// 签名有效 signature valid / 签名无效 invalid / 未知密钥 unknown key; exit 0 only when valid.
    Verify {
        /// The QR code's text (the link), or a file holding it.
        qr: String,
        /// The public keys: a file saved from /.well-known/tianping-keys.json.
        #[arg(long, value_name = "FILE")]
        keys: String,
    },
}

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Make a new signing key for a body and make it the active one (old keys stay and still
    /// verify what they signed).
    Rotate {
        /// The body's organisation id.
        #[arg(long, value_name = "ID")]
        org: i64,
        #[command(flatten)]
        dir: KeysDirArgs,
    },
    /// List the signing keys: body, key id, created, active.
    List {
        #[command(flatten)]
        dir: KeysDirArgs,
    },
}

#[derive(Args, Clone)]
pub struct KeysDirArgs {
    /// The keys folder (or TIANPING_KEYS_DIR, or `keys_dir` in tianping.toml; default beside
    /// the SQLite database).
    #[arg(long, value_name = "DIR")]
    pub keys_dir: Option<PathBuf>,
    /// The database the default keys folder is beside (or DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

fn keys_dir(a: &KeysDirArgs) -> Result<PathBuf, String> {
    let mut c = Config::load()?;
    if let Some(d) = &a.database {
        c.database = d.clone();
    }
    if let Some(k) = &a.keys_dir {
        c.keys_dir = Some(k.clone());
    }
    Ok(c.keys_path())
}

fn usage(msg: &str) -> Result<ExitCode, String> {
    out::stderrln(&format!("错误：{msg}"));
    Ok(ExitCode::from(2))
}

pub fn keys(cli: &Cli, cmd: &KeysCmd) -> Result<ExitCode, String> {
    match cmd {
        KeysCmd::Rotate { org, dir } => {
            let d = keys_dir(dir)?;
            let k = cert_keys::rotate(&d, *org).map_err(|e| e.to_string())?;
            if cli.format == Format::Json {
                out::stdoutln(
                    &json!({"org_id": k.org_id, "kid": k.kid, "public_key": cert_sign::public_b64(&k.public), "file": k.path.display().to_string()})
                        .to_string(),
                )?;
            } else {
                out::stdoutln(&format!(
                    "机构 {} 的新签名密钥 {} 已启用（{}）；旧密钥保留，仍可验证其签发的链接。",
                    k.org_id,
                    k.kid,
                    k.path.display()
                ))?;
            }
        }
        KeysCmd::List { dir } => {
            let d = keys_dir(dir)?;
            let keys = cert_keys::list(&d).map_err(|e| e.to_string())?;
            if cli.format == Format::Json {
                let v: Vec<_> = keys
                    .iter()
                    .map(|k| json!({"org_id": k.org_id, "kid": k.kid, "public_key": cert_sign::public_b64(&k.public), "created": k.created, "active": k.active}))
                    .collect();
                out::stdoutln(&serde_json::Value::Array(v).to_string())?;
            } else if keys.is_empty() {
                out::stdoutln(&format!("{} 中没有签名密钥。", d.display()))?;
            } else {
                let mut s = format!("签名密钥（{}）：\n", d.display());
                for k in &keys {
                    s.push_str(&format!(
                        "  机构 {}  {}  {}{}\n",
                        k.org_id,
                        k.kid,
                        k.created,
                        if k.active { "  当前使用" } else { "" }
                    ));
                }
                out::stdout(&s)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn certificate(cli: &Cli, cmd: &CertificateCmd) -> Result<ExitCode, String> {
    let CertificateCmd::Verify { qr, keys } = cmd;
    if keys.starts_with("http://") || keys.starts_with("https://") {
        return usage("按网址获取公钥尚未提供（需要新的 HTTP 客户端）：请先下载 /.well-known/tianping-keys.json，再用 --keys FILE");
    }
    let text = match std::fs::read(qr) {
        Ok(bytes) if bytes.starts_with(b"%PDF") => {
            return usage("PDF 证书的验证将随 PDF 功能提供；请用二维码中的链接");
        }
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => qr.trim().to_string(),
    };
    let keys_text =
        std::fs::read_to_string(keys).map_err(|e| format!("无法读取公钥文件 {keys}：{e}"))?;
    let set: KeySet = serde_json::from_str(&keys_text)
        .map_err(|e| format!("公钥文件 {keys} 不是 /.well-known/tianping-keys.json 的格式：{e}"))?;
    let verdict = match cert_sign::parse_link(&text) {
        Ok(p) => cert_sign::verify(&p.number, &p.signed, &set.keys),
        Err(reason) => Verdict::Invalid {
            payload: None,
            reason,
        },
    };
    if cli.format == Format::Json {
        let (code, reason, key) = match &verdict {
            Verdict::Valid { key, .. } => ("valid", None, Some(key)),
            Verdict::UnknownKey { .. } => ("unknown_key", None, None),
            Verdict::Invalid { reason, .. } => ("invalid", Some(reason.as_str()), None),
        };
        out::stdoutln(
            &json!({"verdict": code, "reason": reason, "payload": verdict.payload(), "key": key})
                .to_string(),
        )?;
    } else {
        let mut s = String::new();
        if let Some(p) = verdict.payload() {
            for (zh, v) in [
                ("证书编号", p.number.clone()),
                ("获证组织", p.holder.clone()),
                ("统一社会信用代码", p.uscc.clone()),
                ("认证方案", format!("{} {}", p.scheme, p.edition)),
                (
                    "等级",
                    if p.grade.is_empty() {
                        "—".into()
                    } else {
                        p.grade.clone()
                    },
                ),
                ("认证范围摘要", p.scope.clone()),
                ("发证日期", p.issued.to_string()),
                ("有效期至", p.valid_until.to_string()),
                ("密钥编号", p.kid.clone()),
            ] {
                s.push_str(&format!("{zh}：{v}\n"));
            }
        }
        if let Verdict::Valid { key, .. } = &verdict {
            s.push_str(&format!("签发机构：{}（机构 {}）\n", key.org, key.org_id));
        }
        s.push_str(verdict.words());
        if let Verdict::Invalid { reason, .. } = &verdict {
            s.push_str(&format!("（{reason}）"));
        }
        s.push('\n');
        out::stdout(&s)?;
    }
    Ok(if verdict.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
