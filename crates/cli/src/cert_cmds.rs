//! `certificate verify` and `keys rotate|list` (DESIGN I-21). Verifying needs no database:
//! the QR text or URL, a file holding it, or the certificate's PDF (its signed links read
//! back, `cert_input`) is checked by the pure `tianping_domain::cert_sign` against the keys
//! published at `/.well-known/tianping-keys.json`, saved as a file or fetched from that URL.
//! Exit 0: every link valid; 1: a link invalid or signed by an unknown key; 2: nothing could
//! be checked (bad argument, no link in the PDF, keys unreadable or not fetched). The keys
//! commands read and write the configured keys folder (`tianping_app::cert_keys`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;
use tianping_app::cert_keys;
use tianping_app::domain::cert_sign::{self, KeySet, Verdict};
use tianping_app::Config;

use crate::{cert_input, out, Cli, Format};

#[derive(Subcommand)]
pub enum CertificateCmd {
    /// Check a certificate's signed QR link: prints the signed fields and
    /// 签名有效 signature valid / 签名无效 invalid / 未知密钥 unknown key; exit 0 only when
    /// valid, 1 when not, 2 when it could not be checked.
    Verify {
        /// The QR code's text (the link or URL), a file holding it, or the certificate's PDF.
        qr: String,
        /// The public keys: a file saved from /.well-known/tianping-keys.json, or that URL
        /// (http or https; a site address alone gets the path added).
        #[arg(long, value_name = "FILE|URL")]
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
    let links = match cert_input::links(qr) {
        Ok(l) => l,
        Err(msg) => return usage(&msg),
    };
    let set: KeySet = match cert_input::keys(keys) {
        Ok(k) => k,
        Err(msg) => return usage(&msg),
    };
    let mut all_valid = true;
    let mut text = String::new();
    for (i, link) in links.iter().enumerate() {
        let verdict = match cert_sign::parse_link(link) {
            Ok(p) => cert_sign::verify(&p.number, &p.signed, &set.keys),
            Err(reason) => Verdict::Invalid {
                payload: None,
                reason,
            },
        };
        all_valid &= verdict.is_valid();
        if cli.format == Format::Json {
            // one JSON object per line, one line per link
            out::stdoutln(&json_line(link, &verdict).to_string())?;
        } else {
            if links.len() > 1 {
                text.push_str(&format!(
                    "{}链接 {}/{}：{}\n",
                    if i > 0 { "\n" } else { "" },
                    i + 1,
                    links.len(),
                    link
                ));
            }
            text.push_str(&words(&verdict));
        }
    }
    if cli.format != Format::Json {
        out::stdout(&text)?;
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn json_line(link: &str, verdict: &Verdict) -> serde_json::Value {
    let (code, reason, key) = match verdict {
        Verdict::Valid { key, .. } => ("valid", None, Some(key)),
        Verdict::UnknownKey { .. } => ("unknown_key", None, None),
        Verdict::Invalid { reason, .. } => ("invalid", Some(reason.as_str()), None),
    };
    json!({"verdict": code, "reason": reason, "payload": verdict.payload(), "key": key, "link": link})
}

/// The signed fields and the verdict, one per line.
fn words(verdict: &Verdict) -> String {
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
    if let Verdict::Valid { key, .. } = verdict {
        s.push_str(&format!("签发机构：{}（机构 {}）\n", key.org, key.org_id));
    }
    s.push_str(verdict.words());
    if let Verdict::Invalid { reason, .. } = verdict {
        s.push_str(&format!("（{reason}）"));
    }
    s.push('\n');
    s
}
