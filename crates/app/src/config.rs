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
//!
//! The file is `TIANPING_CONFIG` if set, else `tianping.toml` in the working directory if it
//! exists.

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
            sources: vec!["默认值".into()],
        }
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
}

pub fn parse_bind(s: &str, what: &str) -> Result<SocketAddr, String> {
    s.trim().parse().map_err(|_| {
        format!(
            "{} “{}” 无效：应为 IP:端口，例如 127.0.0.1:8080 或 0.0.0.0:8080",
            what, s
        )
    })
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
                    "配置文件 {} 格式错误：{}（可用键：bind、database、secure_cookies、max_upload_mb、session_hours、schemes_dir）",
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
            if let Some(d) = f.schemes_dir {
                c.schemes_dir = Some(d);
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
        if let Some(d) = env("TIANPING_SCHEMES_DIR") {
            c.schemes_dir = Some(PathBuf::from(d));
            from_env.push("TIANPING_SCHEMES_DIR");
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
        Ok(())
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
}
