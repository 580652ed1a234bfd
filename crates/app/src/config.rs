//! Configuration in one place: defaults, then a TOML file, then environment variables, then
//! command-line flags (applied by the caller). Anything invalid is a clear error at start-up.
//!
//! | key (file)        | environment               | default                 |
//! |-------------------|---------------------------|-------------------------|
//! | `bind`            | `TIANPING_BIND`           | `127.0.0.1:8080`        |
//! | `database`        | `DATABASE_URL`            | `sqlite://tianping.db`  |
//! | `secure_cookies`  | `TIANPING_SECURE_COOKIES` | `false`                 |
//! | `max_upload_mb`   | `TIANPING_MAX_UPLOAD_MB`  | `10`                    |
//! | `session_hours`   | `TIANPING_SESSION_HOURS`  | `12`                    |
//! | `schemes_dir`     | `TIANPING_SCHEMES_DIR`    | (shipped schemes only)  |
//! | `today`           | `TIANPING_TODAY`          | (the system's date)     |
//! | `audit_key_file`  | `TIANPING_AUDIT_KEY_FILE` | (no signed checkpoints) |
//! | —                 | `TIANPING_AUDIT_KEY`      | (the key itself, hex)   |
//! | `audit_checkpoint_file` | `TIANPING_AUDIT_CHECKPOINT_FILE` | key file + `.checkpoints.jsonl` |
//! | `audit_checkpoint_minutes` | `TIANPING_AUDIT_CHECKPOINT_MINUTES` | `10`       |
//! | `trust_forwarded_for` | `TIANPING_TRUST_FORWARDED_FOR` | `false`          |
//! | `base_url`        | `TIANPING_BASE_URL`       | pages: the request's Host; e-mails: `http://` + bind (0.0.0.0 as 127.0.0.1) |
//! | `smtp_url`        | `TIANPING_SMTP_URL`       | (no e-mail)             |
//! | `mail_from`       | `TIANPING_MAIL_FROM`      | (required with `smtp_url`) |
//! | `keys_dir`        | `TIANPING_KEYS_DIR`       | SQLite: `<database file>.keys`; else `tianping-keys` |
//! | `font_dir`        | `TIANPING_FONT_DIR`       | `/usr/share/fonts/opentype/noto` (fonts-noto-cjk) |
//!
//! The file is `TIANPING_CONFIG` if set, else `tianping.toml` in the working directory if it
//! exists. The audit keys are read here and used by the command line (`crates/cli`): the
//! signing key stays outside the database (docs/web.md, “Audit log”).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: String,
    pub secure_cookies: bool,
    pub max_upload_bytes: usize,
    pub session_hours: i64,
    pub schemes_dir: Option<PathBuf>,
    /// Run as if today were this date (the clock keeps moving from there): for trying
    /// deadlines and for replays. None: the system's date.
    pub today: Option<chrono::NaiveDate>,
    /// The file holding the audit log's signing key (Ed25519 seed, hex).
    pub audit_key_file: Option<PathBuf>,
    /// The signing key itself, from `TIANPING_AUDIT_KEY` only (never from the file).
    pub audit_key: Option<Secret>,
    /// The external JSON Lines file of signed checkpoints (see [`Config::audit_checkpoint_path`]).
    pub audit_checkpoint_file: Option<PathBuf>,
    /// How often the running server signs a checkpoint when the log has grown.
    pub audit_checkpoint_minutes: u64,
    /// Take the client's address for sign-in throttling from the last `X-Forwarded-For`
    /// entry (set only behind exactly one reverse proxy that appends it, and when the server
    /// cannot be reached but through that proxy); otherwise the connection's peer address.
    pub trust_forwarded_for: bool,
    /// The address people reach the site at (`https://pingjia.example.cn`, no trailing
    /// slash), for links given to others (invitations, e-mails). None: pages take it from the
    /// request's `Host` header, e-mails from `bind` ([`Config::base_url`]).
    pub base_url: Option<String>,
    /// The SMTP server e-mail is sent through (`smtp://host:port`, `smtps://user:pass@host`,
    /// `smtp://user:pass@host:587?tls=required`); none: no e-mail is sent or queued.
    pub smtp_url: Option<Secret>,
    /// The sender of e-mails (`天平 <noreply@example.cn>`); required with `smtp_url`.
    pub mail_from: Option<String>,
    /// The folder of the bodies' certificate signing keys (I-21), one file per key; none:
    /// beside a SQLite database file, else `tianping-keys` ([`Config::keys_path`]).
    pub keys_dir: Option<PathBuf>,
    /// The folder of the PDF fonts (CJK, `.ttc`/`.otf`/`.ttf`); none: Debian's fonts-noto-cjk.
    pub font_dir: Option<PathBuf>,
    /// When an undelivered e-mail is tried again, and when it is given up (not a file or
    /// environment option; tests shorten it).
    pub mail_retry: tianping_domain::notify::RetryPolicy,
    /// Where the configuration came from (for the start-up message).
    pub sources: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: "sqlite://tianping.db".into(),
            secure_cookies: false,
            max_upload_bytes: 10 * 1024 * 1024,
            session_hours: 12,
            schemes_dir: None,
            today: None,
            audit_key_file: None,
            audit_key: None,
            audit_checkpoint_file: None,
            audit_checkpoint_minutes: 10,
            trust_forwarded_for: false,
            base_url: None,
            smtp_url: None,
            mail_from: None,
            keys_dir: None,
            font_dir: None,
            mail_retry: tianping_domain::notify::RETRY,
            sources: vec!["默认值".into()],
        }
    }
}

/// A secret value: its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database: Option<String>,
    secure_cookies: Option<bool>,
    max_upload_mb: Option<u64>,
    session_hours: Option<i64>,
    schemes_dir: Option<PathBuf>,
    today: Option<String>,
    audit_key_file: Option<PathBuf>,
    audit_checkpoint_file: Option<PathBuf>,
    audit_checkpoint_minutes: Option<u64>,
    trust_forwarded_for: Option<bool>,
    base_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    keys_dir: Option<PathBuf>,
    font_dir: Option<PathBuf>,
}

/// A date as `YYYY-MM-DD` (`--today`, `TIANPING_TODAY`, `today`).
pub fn parse_today(s: &str, what: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "{} = “{}” 不是日期；应写作 YYYY-MM-DD，如 2026-11-25",
            what,
            s.trim()
        )
    })
}

pub fn parse_bind(s: &str, what: &str) -> Result<SocketAddr, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "{} “{}” 无效：应为 IP:端口，例如 127.0.0.1:8080 或 0.0.0.0:8080",
            what, s
        )
    })
}

/// The site's address for links: `http://` or `https://` and a host, without a trailing
/// slash, query or fragment.
pub fn parse_base_url(s: &str, what: &str) -> Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(['?', '#', ' ']) && !r.starts_with('/') => {
            Ok(t.to_string())
        }
        _ => Err(format!(
            "{} = “{}” 无效：应为网站的访问地址，以 http:// 或 https:// 开头，如 https://tianping.example.cn",
            what,
            s.trim()
        )),
    }
}

fn parse_bool(s: &str, what: &str) -> Result<bool, String> {
    match s.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{} “{}” 无效：应为 true 或 false", what, s)),
    }
}

fn check_upload(mb: u64, what: &str) -> Result<usize, String> {
    if mb == 0 || mb > 1024 {
        return Err(format!("{} = {} 无效：应为 1 至 1024（MB）", what, mb));
    }
    Ok(mb as usize * 1024 * 1024)
}

fn check_minutes(m: u64, what: &str) -> Result<u64, String> {
    if !(1..=24 * 60).contains(&m) {
        return Err(format!("{} = {} 无效：应为 1 至 1440（分钟）", what, m));
    }
    Ok(m)
}

fn check_hours(h: i64, what: &str) -> Result<i64, String> {
    if !(1..=24 * 30).contains(&h) {
        return Err(format!("{} = {} 无效：应为 1 至 720（小时）", what, h));
    }
    Ok(h)
}

impl Config {
    /// Defaults, the config file, then the environment.
    pub fn load() -> Result<Config, String> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let file = match env("TIANPING_CONFIG") {
            Some(p) => Some(PathBuf::from(p)),
            None => {
                let p = PathBuf::from("tianping.toml");
                p.is_file().then_some(p)
            }
        };
        Config::load_from(file.as_deref(), &env)
    }

    pub fn load_from(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let mut c = Config::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("无法读取配置文件 {}：{}", path.display(), e))?;
            let f: FileConfig = toml::from_str(&text).map_err(|e| {
                format!(
                    "配置文件 {} 格式错误：{}（可用键：bind、database、secure_cookies、max_upload_mb、session_hours、schemes_dir、today、audit_key_file、audit_checkpoint_file、audit_checkpoint_minutes、trust_forwarded_for、base_url、smtp_url、mail_from、keys_dir、font_dir）",
                    path.display(),
                    e.message()
                )
            })?;
            let w = |k: &str| format!("配置文件 {} 中的 {}", path.display(), k);
            if let Some(b) = f.bind {
                c.bind = parse_bind(&b, &w("bind"))?;
            }
            if let Some(d) = f.database {
                c.database = d;
            }
            if let Some(s) = f.secure_cookies {
                c.secure_cookies = s;
            }
            if let Some(m) = f.max_upload_mb {
                c.max_upload_bytes = check_upload(m, &w("max_upload_mb"))?;
            }
            if let Some(h) = f.session_hours {
                c.session_hours = check_hours(h, &w("session_hours"))?;
            }
            if let Some(t) = f.today {
                c.today = Some(parse_today(&t, &w("today"))?);
            }
            if let Some(d) = f.schemes_dir {
                c.schemes_dir = Some(d);
            }
            if let Some(k) = f.audit_key_file {
                c.audit_key_file = Some(k);
            }
            if let Some(p) = f.audit_checkpoint_file {
                c.audit_checkpoint_file = Some(p);
            }
            if let Some(m) = f.audit_checkpoint_minutes {
                c.audit_checkpoint_minutes = check_minutes(m, &w("audit_checkpoint_minutes"))?;
            }
            if let Some(t) = f.trust_forwarded_for {
                c.trust_forwarded_for = t;
            }
            if let Some(u) = f.base_url {
                c.base_url = Some(parse_base_url(&u, &w("base_url"))?);
            }
            if let Some(u) = f.smtp_url.filter(|u| !u.trim().is_empty()) {
                c.smtp_url = Some(Secret(u.trim().to_string()));
            }
            if let Some(m) = f.mail_from.filter(|m| !m.trim().is_empty()) {
                c.mail_from = Some(m.trim().to_string());
            }
            if let Some(k) = f.keys_dir {
                c.keys_dir = Some(k);
            }
            if let Some(d) = f.font_dir {
                c.font_dir = Some(d);
            }
            c.sources.push(format!("配置文件 {}", path.display()));
        }
        let mut from_env = Vec::new();
        if let Some(b) = env("TIANPING_BIND") {
            c.bind = parse_bind(&b, "环境变量 TIANPING_BIND")?;
            from_env.push("TIANPING_BIND");
        }
        if let Some(d) = env("DATABASE_URL") {
            c.database = d;
            from_env.push("DATABASE_URL");
        }
        if let Some(s) = env("TIANPING_SECURE_COOKIES") {
            c.secure_cookies = parse_bool(&s, "环境变量 TIANPING_SECURE_COOKIES")?;
            from_env.push("TIANPING_SECURE_COOKIES");
        }
        if let Some(m) = env("TIANPING_MAX_UPLOAD_MB") {
            let n: u64 = m
                .trim()
                .parse()
                .map_err(|_| format!("环境变量 TIANPING_MAX_UPLOAD_MB = “{}” 不是整数", m))?;
            c.max_upload_bytes = check_upload(n, "环境变量 TIANPING_MAX_UPLOAD_MB")?;
            from_env.push("TIANPING_MAX_UPLOAD_MB");
        }
        if let Some(h) = env("TIANPING_SESSION_HOURS") {
            let n: i64 = h
                .trim()
                .parse()
                .map_err(|_| format!("环境变量 TIANPING_SESSION_HOURS = “{}” 不是整数", h))?;
            c.session_hours = check_hours(n, "环境变量 TIANPING_SESSION_HOURS")?;
            from_env.push("TIANPING_SESSION_HOURS");
        }
        if let Some(t) = env("TIANPING_TODAY") {
            c.today = Some(parse_today(&t, "环境变量 TIANPING_TODAY")?);
            from_env.push("TIANPING_TODAY");
        }
        if let Some(d) = env("TIANPING_SCHEMES_DIR") {
            c.schemes_dir = Some(PathBuf::from(d));
            from_env.push("TIANPING_SCHEMES_DIR");
        }
        if let Some(k) = env("TIANPING_AUDIT_KEY_FILE") {
            c.audit_key_file = Some(PathBuf::from(k));
            from_env.push("TIANPING_AUDIT_KEY_FILE");
        }
        if let Some(k) = env("TIANPING_AUDIT_KEY") {
            c.audit_key = Some(Secret(k));
            from_env.push("TIANPING_AUDIT_KEY");
        }
        if let Some(p) = env("TIANPING_AUDIT_CHECKPOINT_FILE") {
            c.audit_checkpoint_file = Some(PathBuf::from(p));
            from_env.push("TIANPING_AUDIT_CHECKPOINT_FILE");
        }
        if let Some(m) = env("TIANPING_AUDIT_CHECKPOINT_MINUTES") {
            let n: u64 = m.trim().parse().map_err(|_| {
                format!(
                    "环境变量 TIANPING_AUDIT_CHECKPOINT_MINUTES = “{}” 不是整数",
                    m
                )
            })?;
            c.audit_checkpoint_minutes =
                check_minutes(n, "环境变量 TIANPING_AUDIT_CHECKPOINT_MINUTES")?;
            from_env.push("TIANPING_AUDIT_CHECKPOINT_MINUTES");
        }
        if let Some(t) = env("TIANPING_TRUST_FORWARDED_FOR") {
            c.trust_forwarded_for = parse_bool(&t, "环境变量 TIANPING_TRUST_FORWARDED_FOR")?;
            from_env.push("TIANPING_TRUST_FORWARDED_FOR");
        }
        if let Some(u) = env("TIANPING_BASE_URL") {
            c.base_url = Some(parse_base_url(&u, "环境变量 TIANPING_BASE_URL")?);
            from_env.push("TIANPING_BASE_URL");
        }
        if let Some(u) = env("TIANPING_SMTP_URL") {
            c.smtp_url = Some(Secret(u.trim().to_string()));
            from_env.push("TIANPING_SMTP_URL");
        }
        if let Some(m) = env("TIANPING_MAIL_FROM") {
            c.mail_from = Some(m.trim().to_string());
            from_env.push("TIANPING_MAIL_FROM");
        }
        if let Some(k) = env("TIANPING_KEYS_DIR") {
            c.keys_dir = Some(PathBuf::from(k));
            from_env.push("TIANPING_KEYS_DIR");
        }
        if let Some(d) = env("TIANPING_FONT_DIR") {
            c.font_dir = Some(PathBuf::from(d));
            from_env.push("TIANPING_FONT_DIR");
        }
        if !from_env.is_empty() {
            c.sources.push(format!("环境变量 {}", from_env.join("、")));
        }
        c.check()?;
        Ok(c)
    }

    /// Checks that need more than one field or the file system.
    pub fn check(&self) -> Result<(), String> {
        tianping_store::normalize_url(&self.database).map_err(|e| e.to_string())?;
        if let Some(d) = &self.schemes_dir {
            if !d.is_dir() {
                return Err(format!("schemes_dir {} 不是一个目录", d.display()));
            }
        }
        if let (Some(f), Some(_)) = (&self.audit_key_file, &self.audit_key) {
            return Err(format!(
                "审计签名密钥给了两次：密钥文件 {}（audit_key_file / TIANPING_AUDIT_KEY_FILE / --audit-key-file）和环境变量 TIANPING_AUDIT_KEY；只能用其中一个",
                f.display()
            ));
        }
        if let Some(u) = &self.smtp_url {
            crate::mail::check_smtp_url(&u.0)?;
            let Some(from) = &self.mail_from else {
                return Err("设置了 smtp_url（TIANPING_SMTP_URL），但没有发件人：请设置 mail_from（或 TIANPING_MAIL_FROM），如 mail_from = \"天平 <noreply@example.cn>\"".into());
            };
            crate::mail::check_mailbox(from)?;
        }
        Ok(())
    }

    /// The address people reach the site at, for links in e-mails: `base_url`, or
    /// `http://` and the bind address (an unspecified address as 127.0.0.1).
    pub fn base_url(&self) -> String {
        if let Some(u) = &self.base_url {
            return u.clone();
        }
        let mut b = self.bind;
        if b.ip().is_unspecified() {
            b.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{}", b)
    }

    /// The folder of the certificate signing keys: `keys_dir`, else beside a SQLite database
    /// file (its name plus `.keys`), else `tianping-keys` in the working directory.
    pub fn keys_path(&self) -> PathBuf {
        if let Some(d) = &self.keys_dir {
            return d.clone();
        }
        let db = self.database.trim();
        let file = db
            .strip_prefix("sqlite://")
            .or_else(|| db.strip_prefix("sqlite:"))
            .or_else(|| (!db.contains("://")).then_some(db))
            .map(|f| f.split('?').next().unwrap_or(f))
            .filter(|f| !f.is_empty() && !f.contains(":memory:"));
        match file {
            Some(f) => {
                let mut name = std::ffi::OsString::from(f);
                name.push(".keys");
                PathBuf::from(name)
            }
            None => PathBuf::from("tianping-keys"),
        }
    }

    /// The external checkpoint file: `audit_checkpoint_file` if set, else beside the key
    /// file (its name plus `.checkpoints.jsonl`); `None` when neither is set.
    pub fn audit_checkpoint_path(&self) -> Option<PathBuf> {
        if let Some(p) = &self.audit_checkpoint_file {
            return Some(p.clone());
        }
        self.audit_key_file.as_ref().map(|k| {
            let mut name = k.file_name().unwrap_or_default().to_os_string();
            name.push(".checkpoints.jsonl");
            k.with_file_name(name)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.toml");
        std::fs::write(&p, "bind = \"0.0.0.0:9000\"\nmax_upload_mb = 5\n").unwrap();
        let c = Config::load_from(Some(&p), &|_| None).unwrap();
        assert_eq!(c.bind.port(), 9000);
        assert_eq!(c.max_upload_bytes, 5 * 1024 * 1024);
        let c = Config::load_from(Some(&p), &|k| {
            (k == "TIANPING_BIND").then(|| "127.0.0.1:1".into())
        })
        .unwrap();
        assert_eq!(c.bind.port(), 1);
        let e = Config::load_from(None, &|k| (k == "TIANPING_BIND").then(|| "nope".into()))
            .unwrap_err();
        assert!(e.contains("TIANPING_BIND"), "{}", e);
        std::fs::write(&p, "bnd = 1\n").unwrap();
        let e = Config::load_from(Some(&p), &|_| None).unwrap_err();
        assert!(e.contains("bnd"), "{}", e);
        let e = Config::load_from(None, &|k| (k == "DATABASE_URL").then(|| "mysql://x".into()))
            .unwrap_err();
        assert!(e.contains("mysql"), "{}", e);
    }

    #[test]
    fn audit_keys_and_the_checkpoint_file_beside_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.toml");
        std::fs::write(
            &p,
            "audit_key_file = \"/etc/tianping/audit.key\"\naudit_checkpoint_minutes = 5\n",
        )
        .unwrap();
        let c = Config::load_from(Some(&p), &|_| None).unwrap();
        assert_eq!(c.audit_checkpoint_minutes, 5);
        assert_eq!(
            c.audit_checkpoint_path().unwrap(),
            PathBuf::from("/etc/tianping/audit.key.checkpoints.jsonl")
        );
        let c = Config::load_from(Some(&p), &|k| {
            (k == "TIANPING_AUDIT_CHECKPOINT_FILE").then(|| "/var/log/cp.jsonl".into())
        })
        .unwrap();
        assert_eq!(
            c.audit_checkpoint_path().unwrap(),
            PathBuf::from("/var/log/cp.jsonl")
        );
        assert_eq!(Config::default().audit_checkpoint_path(), None);
        // the key in the environment is kept out of Debug, and cannot be combined with a file
        let key = "ab".repeat(32);
        let c =
            Config::load_from(None, &|k| (k == "TIANPING_AUDIT_KEY").then(|| key.clone())).unwrap();
        assert!(!format!("{:?}", c).contains(&key));
        let e = Config::load_from(Some(&p), &|k| {
            (k == "TIANPING_AUDIT_KEY").then(|| key.clone())
        })
        .unwrap_err();
        assert!(
            e.contains("TIANPING_AUDIT_KEY") && e.contains("只能用其中一个"),
            "{e}"
        );
        let e = Config::load_from(None, &|k| {
            (k == "TIANPING_AUDIT_CHECKPOINT_MINUTES").then(|| "0".into())
        })
        .unwrap_err();
        assert!(e.contains("1 至 1440"), "{e}");
    }

    #[test]
    fn the_keys_folder_is_set_or_beside_the_database() {
        let c = Config::default();
        assert_eq!(c.keys_path(), PathBuf::from("tianping.db.keys"));
        let c = Config::load_from(None, &|k| {
            (k == "DATABASE_URL").then(|| "/var/lib/tp/main.db".into())
        })
        .unwrap();
        assert_eq!(c.keys_path(), PathBuf::from("/var/lib/tp/main.db.keys"));
        let c = Config::load_from(None, &|k| match k {
            "DATABASE_URL" => Some("postgres://u@h/db".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.keys_path(), PathBuf::from("tianping-keys"));
        let c = Config::load_from(None, &|k| {
            (k == "TIANPING_KEYS_DIR").then(|| "/etc/tianping/keys".into())
        })
        .unwrap();
        assert_eq!(c.keys_path(), PathBuf::from("/etc/tianping/keys"));
    }

    #[test]
    fn the_base_url_is_an_absolute_address() {
        assert_eq!(Config::default().base_url, None);
        let c = Config::load_from(None, &|k| {
            (k == "TIANPING_BASE_URL").then(|| "https://pingjia.example.cn/".into())
        })
        .unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://pingjia.example.cn"));
        for bad in ["pingjia.example.cn", "ftp://x", "https://", "https://a b"] {
            let e = Config::load_from(None, &|k| (k == "TIANPING_BASE_URL").then(|| bad.into()))
                .unwrap_err();
            assert!(
                e.contains("TIANPING_BASE_URL") && e.contains("https://"),
                "{e}"
            );
        }
    }

    #[test]
    fn mail_needs_a_valid_server_and_sender_and_links_use_the_base_url() {
        let c = Config::default();
        assert_eq!(
            (c.smtp_url.is_none(), c.base_url()),
            (true, "http://127.0.0.1:8080".into())
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.toml");
        std::fs::write(
            &p,
            "bind = \"0.0.0.0:9000\"\nsmtp_url = \"smtps://tp:s3cret@smtp.example.cn\"\nmail_from = \"天平 <noreply@example.cn>\"\n",
        )
        .unwrap();
        let c = Config::load_from(Some(&p), &|_| None).unwrap();
        assert_eq!(
            c.base_url(),
            "http://127.0.0.1:9000",
            "0.0.0.0 is not an address to visit"
        );
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "the SMTP password stays out of Debug"
        );
        let c = Config::load_from(Some(&p), &|k| {
            (k == "TIANPING_BASE_URL").then(|| "https://tp.example.cn/".into())
        })
        .unwrap();
        assert_eq!(c.base_url(), "https://tp.example.cn");
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = Config::load_from(
            None,
            &env(&[
                ("TIANPING_SMTP_URL", "smtp://127.0.0.1:2525"),
                ("TIANPING_MAIL_FROM", "tp@example.cn"),
            ]),
        )
        .unwrap();
        assert_eq!(c.smtp_url.unwrap().0, "smtp://127.0.0.1:2525");
        for (pairs, says) in [
            (
                &[("TIANPING_SMTP_URL", "smtp://127.0.0.1:2525")][..],
                "mail_from",
            ),
            (
                &[
                    ("TIANPING_SMTP_URL", "http://x"),
                    ("TIANPING_MAIL_FROM", "a@b.cn"),
                ][..],
                "smtp://",
            ),
            (
                &[
                    ("TIANPING_SMTP_URL", "smtps://u:pw@h"),
                    ("TIANPING_MAIL_FROM", "not an address"),
                ][..],
                "mail_from",
            ),
            (
                &[("TIANPING_BASE_URL", "tianping.example.cn")][..],
                "TIANPING_BASE_URL",
            ),
        ] {
            let e = Config::load_from(None, &env(pairs)).unwrap_err();
            assert!(e.contains(says) && !e.contains(":pw@"), "{e}");
        }
    }

    #[test]
    fn forwarded_for_is_trusted_only_when_switched_on() {
        assert!(!Config::default().trust_forwarded_for);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.toml");
        std::fs::write(&p, "trust_forwarded_for = true\n").unwrap();
        assert!(
            Config::load_from(Some(&p), &|_| None)
                .unwrap()
                .trust_forwarded_for
        );
        let c = Config::load_from(Some(&p), &|k| {
            (k == "TIANPING_TRUST_FORWARDED_FOR").then(|| "false".into())
        })
        .unwrap();
        assert!(!c.trust_forwarded_for, "the environment wins");
        let e = Config::load_from(None, &|k| {
            (k == "TIANPING_TRUST_FORWARDED_FOR").then(|| "maybe".into())
        })
        .unwrap_err();
        assert!(e.contains("TIANPING_TRUST_FORWARDED_FOR"), "{e}");
    }
}
