//! `serve`, `demo`, `migrate`, `rescore` and `audit verify`: the commands that need the
//! database and the web service (crates/store, crates/web).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tianping_app::{App, Config};
use tianping_store::Store;

use crate::{out, Cli, Command, Format};

/// Where to listen and which database to use (flags override the config file and environment).
#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080; or TIANPING_BIND, or `bind` in tianping.toml).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Database: postgres://… or a SQLite file (default sqlite://tianping.db; or DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Subcommand, Clone)]
pub enum AuditCmd {
    /// Check the hash chain of the audit log: detects a changed or deleted entry.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

fn config(bind: Option<&str>, database: Option<&str>, demo: bool) -> Result<Config, String> {
    let mut c = Config::load()?;
    if let Some(b) = bind {
        c.bind = tianping_app::config::parse_bind(b, "--bind")?;
    }
    match database {
        Some(d) => c.database = d.to_string(),
        None if demo
            && std::env::var("DATABASE_URL")
                .map(|v| v.trim().is_empty())
                .unwrap_or(true) =>
        {
            // The demo uses its own fresh SQLite file unless told otherwise.
            let p = std::env::temp_dir().join(format!("tianping-demo-{}.db", std::process::id()));
            c.database = p.display().to_string();
        }
        None => {}
    }
    c.check()?;
    Ok(c)
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动异步运行时：{}", e))
}

async fn store(db: &DbArgs) -> Result<Store, String> {
    let c = config(None, db.database.as_deref(), false)?;
    Store::connect(&c.database).await.map_err(|e| e.to_string())
}

pub fn run(cli: &Cli) -> Result<ExitCode, String> {
    let rt = runtime()?;
    rt.block_on(async {
        match &cli.command {
            Command::Serve(a) => {
                let c = config(a.bind.as_deref(), a.db.database.as_deref(), false)?;
                let state = App::open(c).await?;
                out::stderrln(&format!(
                    "天平 Tianping 服务已启动：http://{}/ （数据库 {}；配置来自 {}）",
                    state.config.bind,
                    tianping_store::redact(&state.config.database),
                    state.config.sources.join("、")
                ));
                tianping_web::serve(state).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Demo(a) => {
                let c = config(a.bind.as_deref(), a.db.database.as_deref(), true)?;
                let state = App::open(c).await?;
                let seeded = tianping_app::demo::seed(&state).await?;
                if !seeded {
                    out::stderrln("数据库中已有账号，未重复写入演示数据。");
                }
                let listener_check = std::net::TcpListener::bind(state.config.bind)
                    .map_err(|e| format!("无法监听 {}：{}", state.config.bind, e))?;
                drop(listener_check);
                out::stdoutln(&tianping_app::demo::banner(
                    &state.config.bind.to_string(),
                    &state.config.database,
                ))?;
                tianping_web::serve(state).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Migrate(db) => {
                let s = store(db).await?;
                let applied = s.migrate().await.map_err(|e| e.to_string())?;
                if applied.is_empty() {
                    out::stdoutln(&format!("数据库已是最新（{}）", s.backend.as_str()))?;
                } else {
                    out::stdoutln(&format!(
                        "已执行迁移：{}（{}）",
                        applied
                            .iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join("、"),
                        s.backend.as_str()
                    ))?;
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Rescore { db, verify } => {
                let c = config(None, db.database.as_deref(), false)?;
                let state = App::open(c).await?;
                let r = tianping_app::rescore::rescore(&state, *verify).await?;
                if cli.format == Format::Json {
                    out::stdoutln(&serde_json::to_string_pretty(&r).unwrap_or_default())?;
                } else {
                    out::stdoutln(&format!(
                        "检查 {} 项评价：{} 项结果一致，{} 处不同{}",
                        r.checked,
                        r.identical,
                        r.differences.len(),
                        if *verify {
                            String::new()
                        } else {
                            format!("，已更新 {} 项", r.updated)
                        }
                    ))?;
                    for d in &r.differences {
                        out::stdoutln(&format!("  评价 #{}：{}", d.assessment_id, d.message))?;
                    }
                }
                Ok(if *verify && !r.differences.is_empty() {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                })
            }
            Command::Audit {
                cmd: AuditCmd::Verify { db },
            } => {
                let s = store(db).await?;
                let r = tianping_store::audit::verify(&s)
                    .await
                    .map_err(|e| e.to_string())?;
                if cli.format == Format::Json {
                    out::stdoutln(&serde_json::to_string_pretty(&r).unwrap_or_default())?;
                } else if r.ok() {
                    out::stdoutln(&format!("审计日志完整：{} 条记录，哈希链无断裂", r.entries))?;
                } else {
                    out::stdoutln(&format!(
                        "审计日志有 {} 处问题（共 {} 条记录）：",
                        r.problems.len(),
                        r.entries
                    ))?;
                    for p in &r.problems {
                        out::stdoutln(&format!("  第 {} 条：{}", p.seq, p.message))?;
                    }
                }
                Ok(if r.ok() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(2)
                })
            }
            _ => Err("内部错误：不是服务器命令".into()),
        }
    })
}
