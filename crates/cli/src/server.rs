//! `serve`, `demo`, `migrate`, `backup`, `regrade`, `bench-data` and `audit keygen|checkpoint|verify`: the commands
//! that need the database and the web service (crates/store, crates/web). `serve` and `demo`
//! also sign checkpoints of the audit log at intervals when a key is configured, send the
//! e-mail outbox when SMTP is configured, and send the certification cases' due reminders
//! every hour (all stop with the server).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use tianping_app::{App, Config};
use tianping_store::audit::{self, VerifyOptions};
use tianping_store::checkpoint::{AuditKey, PublicKey};
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
    #[command(flatten)]
    pub audit: AuditKeyArgs,
}

/// The audit log's signing key and the external checkpoint file (flags override the config
/// file and environment).
#[derive(Args, Clone, Default)]
pub struct AuditKeyArgs {
    /// File with the audit log's signing key, made by `tianping audit keygen` (or
    /// TIANPING_AUDIT_KEY_FILE, or `audit_key_file` in tianping.toml).
    #[arg(long = "audit-key-file", alias = "key-file", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// External append-only file of signed checkpoints, JSON Lines (default: beside the key
    /// file, <key file>.checkpoints.jsonl; or TIANPING_AUDIT_CHECKPOINT_FILE, or
    /// `audit_checkpoint_file` in tianping.toml).
    #[arg(
        long = "audit-checkpoint-file",
        alias = "checkpoint-file",
        value_name = "FILE"
    )]
    pub checkpoint_file: Option<PathBuf>,
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Database: postgres://… or a SQLite file (default sqlite://tianping.db; or DATABASE_URL).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Run as if today were this date, YYYY-MM-DD (or TIANPING_TODAY, or `today` in tianping.toml).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Subcommand, Clone)]
pub enum AuditCmd {
    /// Make a new signing key for audit checkpoints (file mode 0600) and print its public key.
    Keygen {
        /// Where to write the key; the public key goes to FILE.pub. An existing file is kept.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Sign a checkpoint of the audit log's head now (database table and external file).
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        audit: AuditKeyArgs,
    },
    /// Check the hash chain of the audit log and every signed checkpoint: detects a changed or
    /// deleted entry, and a log shortened, emptied or rewritten since a checkpoint.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        audit: AuditKeyArgs,
        /// Public key (64 hex digits, as `audit keygen` prints it) to check checkpoints with,
        /// instead of or besides the configured key; repeatable. Needs no secret.
        #[arg(long = "public-key", value_name = "HEX")]
        public_keys: Vec<String>,
    },
}

/// The server's logs on standard error: one line per request with its id, route, status and
/// latency (`tianping_web::observe`), filtered by `TIANPING_LOG` (default `default`), as JSON
/// with `TIANPING_LOG_FORMAT=json`.
fn init_logs(default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("TIANPING_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("TIANPING_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    // a second call (tests run several servers in one process) keeps the first
    let _ = if json {
        b.json().try_init()
    } else {
        b.compact().try_init()
    };
}

/// The `--schemes-dir` of the command line, set once at start.
static SCHEMES_DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

/// Record the command line's `--schemes-dir` (first call wins).
pub(crate) fn command_line_schemes_dir(d: Option<PathBuf>) {
    let _ = SCHEMES_DIR.set(d);
}

/// The configuration (file, environment) with the command line's flags over it.
pub(crate) fn config(
    bind: Option<&str>,
    db: &DbArgs,
    audit: Option<&AuditKeyArgs>,
    demo: bool,
) -> Result<Config, String> {
    let mut c = Config::load()?;
    if let Some(Some(d)) = SCHEMES_DIR.get() {
        c.schemes_dir = Some(d.clone());
    }
    if let Some(b) = bind {
        c.bind = tianping_app::config::parse_bind(b, "--bind")?;
    }
    if let Some(t) = &db.today {
        c.today = Some(tianping_app::config::parse_today(t, "--today")?);
    }
    match db.database.as_deref() {
        Some(d) => c.database = d.to_string(),
        None if demo
            && std::env::var("DATABASE_URL")
                .map(|v| v.trim().is_empty())
                .unwrap_or(true) =>
        {
            // The demo uses its own fresh SQLite file unless told otherwise, and so its own
            // checkpoint file: checkpoints belong to one database.
            let p = std::env::temp_dir().join(format!("tianping-demo-{}.db", std::process::id()));
            c.database = p.display().to_string();
            c.audit_checkpoint_file =
                Some(PathBuf::from(format!("{}.checkpoints.jsonl", p.display())));
        }
        None => {}
    }
    if let Some(a) = audit {
        if let Some(k) = &a.key_file {
            c.audit_key_file = Some(k.clone());
        }
        if let Some(f) = &a.checkpoint_file {
            c.audit_checkpoint_file = Some(f.clone());
        }
    }
    c.check()?;
    Ok(c)
}

/// The configured signing key (if any), where it came from, and the external checkpoint file.
struct AuditSetup {
    key: Option<AuditKey>,
    from: String,
    file: Option<PathBuf>,
}

const NO_KEY_HELP: &str = "用 tianping audit keygen --out FILE 生成密钥，再在 tianping.toml 写 audit_key_file = \"FILE\"（或设 TIANPING_AUDIT_KEY_FILE，或加 --audit-key-file FILE）";

fn audit_setup(c: &Config) -> Result<AuditSetup, String> {
    let file = c.audit_checkpoint_path();
    if let Some(p) = &c.audit_key_file {
        let text = std::fs::read_to_string(p).map_err(|e| {
            format!(
                "无法读取审计签名密钥文件 {}：{}（{}）",
                p.display(),
                e,
                NO_KEY_HELP
            )
        })?;
        warn_if_readable_by_others(p);
        let key = AuditKey::parse(&text)
            .map_err(|e| format!("审计签名密钥文件 {} 无效：{}", p.display(), e))?;
        return Ok(AuditSetup {
            key: Some(key),
            from: format!("密钥文件 {}", p.display()),
            file,
        });
    }
    if let Some(s) = &c.audit_key {
        let key = AuditKey::parse(&s.0)
            .map_err(|e| format!("环境变量 TIANPING_AUDIT_KEY 无效：{}", e))?;
        if file.is_none() {
            return Err("环境变量 TIANPING_AUDIT_KEY 给出了签名密钥，但没有指定外部检查点文件：请设置 audit_checkpoint_file（或 TIANPING_AUDIT_CHECKPOINT_FILE，或 --audit-checkpoint-file）".into());
        }
        return Ok(AuditSetup {
            key: Some(key),
            from: "环境变量 TIANPING_AUDIT_KEY".into(),
            file,
        });
    }
    Ok(AuditSetup {
        key: None,
        from: String::new(),
        file,
    })
}

#[cfg(unix)]
fn warn_if_readable_by_others(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::metadata(p) {
        let mode = m.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            out::stderrln(&format!(
                "注意：审计签名密钥文件 {} 的权限是 {:o}，其他用户也能读取；建议 chmod 600 {}",
                p.display(),
                mode,
                p.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

/// Write a new file (never replacing one), with `mode` on Unix.
fn write_new(p: &Path, text: &str, mode: u32) -> Result<(), String> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o
        .open(p)
        .map_err(|e| format!("无法创建 {}：{}", p.display(), e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("无法写入 {}：{}", p.display(), e))
}

fn keygen(out: &Path, format: Format) -> Result<ExitCode, String> {
    use rand_core::RngCore;
    let pub_path = PathBuf::from(format!("{}.pub", out.display()));
    for p in [out, pub_path.as_path()] {
        if p.exists() {
            return Err(format!(
                "{} 已存在：不覆盖已有的密钥（换掉密钥后，旧密钥签署的检查点只能用旧公钥核验）；请换一个文件名或先移走它",
                p.display()
            ));
        }
    }
    let mut seed = [0u8; 32];
    rand_core::OsRng
        .try_fill_bytes(&mut seed)
        .map_err(|e| format!("无法从操作系统取得随机数：{}", e))?;
    let key = AuditKey::from_seed(seed);
    seed.fill(0);
    let public = key.public();
    write_new(out, &key.to_file_text(), 0o600)?;
    write_new(&pub_path, &format!("{}\n", public.to_hex()), 0o644)?;
    let cp_file = format!("{}.checkpoints.jsonl", out.display());
    if format == Format::Json {
        out::stdoutln(
            &serde_json::to_string_pretty(&serde_json::json!({
                "key_file": out,
                "public_key": public.to_hex(),
                "key_id": public.key_id(),
                "public_key_file": pub_path,
                "checkpoint_file": cp_file,
            }))
            .unwrap_or_default()
            .to_string(),
        )?;
    } else {
        out::stdoutln(&format!(
            "已生成审计签名密钥：{}（权限 600，只有所有者可读写）",
            out.display()
        ))?;
        out::stdoutln(&format!("公钥：{}", public.to_hex()))?;
        out::stdoutln(&format!("密钥编号：{}", public.key_id()))?;
        out::stdoutln(&format!(
            "公钥另存于 {}；核验者不需要密钥：tianping audit verify --public-key {}",
            pub_path.display(),
            public.to_hex()
        ))?;
        out::stdoutln(&format!(
            "启用：在 tianping.toml 写 audit_key_file = \"{}\"（或设 TIANPING_AUDIT_KEY_FILE）；检查点另写入 {}（可用 audit_checkpoint_file 改）。",
            out.display(),
            cp_file
        ))?;
        out::stdoutln("密钥只让运行服务的账号读取，不要放进数据库或数据库的备份；公钥和检查点文件最好在另一台机器或只追加的存储上另存一份。")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The server's periodic checkpoints: a task that signs one every interval when the log has
/// grown, and a last one when the server stops.
struct Checkpointer {
    store: Store,
    jobs: Arc<tianping_app::jobs::Jobs>,
    key: Arc<AuditKey>,
    file: Option<PathBuf>,
    task: tokio::task::JoinHandle<()>,
}

/// Sign a checkpoint if the log has grown; say what happened, and each error once until it
/// changes or clears.
async fn checkpoint_once(
    store: &Store,
    jobs: &tianping_app::jobs::Jobs,
    key: &AuditKey,
    file: Option<&Path>,
    last_error: &mut Option<String>,
) {
    let started = std::time::Instant::now();
    let result = audit::checkpoint(store, key, file, true).await;
    jobs.checkpoints.record(
        result.is_ok(),
        started.elapsed(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    );
    match result {
        Ok(done) => {
            if last_error.take().is_some() {
                out::stderrln("审计检查点：恢复正常");
            }
            if let Some(c) = done {
                out::stderrln(&format!(
                    "审计检查点：已签署，截至第 {} 条记录（{}）",
                    c.seq, c.at
                ));
            }
        }
        Err(e) => {
            let m = e.to_string();
            if last_error.as_deref() != Some(m.as_str()) {
                out::stderrln(&format!("审计检查点失败：{}", m));
            }
            *last_error = Some(m);
        }
    }
}

fn start_checkpoints(
    store: &Store,
    jobs: Arc<tianping_app::jobs::Jobs>,
    setup: AuditSetup,
    minutes: u64,
) -> Option<Checkpointer> {
    let Some(key) = setup.key else {
        out::stderrln(&format!(
            "审计检查点：已关闭——未配置签名密钥（audit_key_file / TIANPING_AUDIT_KEY_FILE / TIANPING_AUDIT_KEY）。tianping audit verify 只能核对哈希链，发现不了整条日志被改写或末尾被删除。{}",
            NO_KEY_HELP
        ));
        return None;
    };
    let file = setup.file;
    out::stderrln(&format!(
        "审计检查点：有新记录时每 {} 分钟签署一次（{}，密钥编号 {}；写入数据库和 {}）",
        minutes,
        setup.from,
        key.public().key_id(),
        file.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "（无外部文件）".into())
    ));
    let key = Arc::new(key);
    let task = {
        let (store, key, file, jobs) = (store.clone(), key.clone(), file.clone(), jobs.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(minutes * 60));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_error = None;
            loop {
                tick.tick().await;
                checkpoint_once(&store, &jobs, &key, file.as_deref(), &mut last_error).await;
            }
        })
    };
    Some(Checkpointer {
        store: store.clone(),
        jobs,
        key,
        file,
        task,
    })
}

impl Checkpointer {
    /// Stop the timer and sign what was written since the last checkpoint.
    async fn finish(self) {
        self.task.abort();
        let _ = self.task.await;
        checkpoint_once(
            &self.store,
            &self.jobs,
            &self.key,
            self.file.as_deref(),
            &mut None,
        )
        .await;
    }
}

async fn serve_with_checkpoints(state: App, setup: AuditSetup) -> Result<(), String> {
    let cp = start_checkpoints(
        &state.store,
        state.jobs.clone(),
        setup,
        state.config.audit_checkpoint_minutes,
    );
    let mail = start_mail(&state);
    // the certification cases' due reminders: at start, then every hour (sent once each)
    let reminders =
        tianping_app::case_remind::start(&state, Duration::from_secs(3600), out::stderrln);
    let r = tianping_web::serve(state).await;
    reminders.stop().await;
    if let Some(m) = mail {
        m.stop().await;
    }
    if let Some(cp) = cp {
        cp.finish().await;
    }
    r
}

/// The e-mail delivery task (every 5 seconds), when `smtp_url` is configured; says which.
fn start_mail(state: &App) -> Option<tianping_app::mail::MailWorker> {
    let c = &state.config;
    match (&c.smtp_url, &c.mail_from) {
        (Some(url), Some(from)) => out::stderrln(&format!(
            "邮件：经 {} 发送，发件人 {}，邮件中的链接以 {} 开头",
            tianping_store::redact(&url.0),
            from,
            c.base_url()
        )),
        _ => out::stderrln(
            "邮件：未配置 smtp_url（TIANPING_SMTP_URL），不发送邮件，也不能通过邮件重设密码；站内消息照常",
        ),
    }
    tianping_app::mail::start(state, Duration::from_secs(5), out::stderrln)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动异步运行时：{}", e))
}

async fn connect(c: &Config) -> Result<Store, String> {
    Store::connect(&c.database).await.map_err(|e| e.to_string())
}

async fn store(db: &DbArgs) -> Result<Store, String> {
    connect(&config(None, db, None, false)?).await
}

pub fn run(cli: &Cli) -> Result<ExitCode, String> {
    let rt = runtime()?;
    rt.block_on(async {
        match &cli.command {
            Command::Serve(a) => {
                let c = config(
                    a.bind.as_deref(),
                    &a.db,
                    Some(&a.audit),
                    false,
                )?;
                init_logs("info,sqlx=warn");
                let setup = audit_setup(&c)?;
                let state = App::open(c).await?;
                out::stderrln(&format!(
                    "天平 Tianping 服务已启动：http://{}/ （数据库 {}；配置来自 {}）",
                    state.config.bind,
                    tianping_store::redact(&state.config.database),
                    state.config.sources.join("、")
                ));
                serve_with_checkpoints(state, setup).await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Demo(a) => {
                let c = config(
                    a.bind.as_deref(),
                    &a.db,
                    Some(&a.audit),
                    true,
                )?;
                // the demo keeps its terminal for its banner: requests are logged on request
                init_logs("warn");
                let setup = audit_setup(&c)?;
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
                        &state.config.database
                    ).to_string())?;
                serve_with_checkpoints(state, setup).await?;
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
            Command::Backup { db, out: to } => {
                if to.exists() {
                    return Err(format!(
                        "{} 已存在：备份不会覆盖已有文件，请换一个文件名",
                        to.display()
                    ));
                }
                let s = store(db).await?;
                if s.backend == tianping_store::Backend::Postgres {
                    s.close().await;
                    return Err("PostgreSQL 数据库请用 pg_dump 备份（例如 pg_dump --format=custom --file=tianping.dump \"$DATABASE_URL\"），恢复用 pg_restore".into());
                }
                s.backup_sqlite(to).await.map_err(|e| {
                    format!("备份到 {} 失败：{}", to.display(), e)
                })?;
                s.close().await;
                let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
                out::stdoutln(&format!("已备份到 {}（{} 字节）", to.display(), size))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Regrade {
                db,
                scheme,
                verify,
                restart,
                batch,
            } => {
                let c = config(None, db, None, false)?;
                let state = App::open(c).await?;
                let opts = tianping_app::regrade::Options {
                    scheme: scheme.clone(),
                    verify: *verify,
                    restart: *restart,
                    batch: *batch,
                };
                crate::regrade_cmd::regrade(cli, &state, &opts).await
            }
            Command::BenchData {
                db,
                enterprises,
                explained,
                seed,
            } => {
                let c = config(None, db, None, false)?;
                let state = App::open(c).await?;
                crate::regrade_cmd::bench_data(cli, &state, *enterprises, *explained, *seed).await
            }
            Command::Due { db, as_of, notify } => {
                let c = config(None, db, None, false)?;
                let state = App::open(c).await?;
                let today = tianping_app::cases::today(&state);
                let day = match as_of {
                    Some(s) => s.parse().map_err(|_| {
                        format!("--as-of 的日期无效：{s}（应为 YYYY-MM-DD，例如 2026-03-01）")
                    })?,
                    None => today,
                };
                let reminded = if *notify {
                    if day != today {
                        return Err(format!(
                            "--notify 只发送今天（{today}）的提醒，不能与其他日期的 --as-of {day} 同用"
                        ));
                    }
                    Some(crate::due_cmd::notify(&state, today).await?)
                } else {
                    None
                };
                let rows = tianping_app::cases::due_all(&state, day)
                    .await
                    .map_err(|e| e.to_string())?;
                crate::due_cmd::print(&rows, day, reminded.as_ref(), cli.format)?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                cmd: AuditCmd::Keygen { out },
            } => keygen(out, cli.format),
            Command::Audit {
                cmd: AuditCmd::Checkpoint { db, audit },
            } => {
                let c = config(None, db, Some(audit), false)?;
                let setup = audit_setup(&c)?;
                let key = setup
                    .key
                    .ok_or_else(|| format!("未配置审计签名密钥：{}", NO_KEY_HELP))?;
                let s = connect(&c).await?;
                s.migrate().await.map_err(|e| e.to_string())?;
                let cp = audit::checkpoint(&s, &key, setup.file.as_deref(), false)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("内部错误：未签署检查点")?;
                if cli.format == Format::Json {
                    out::stdoutln(&serde_json::to_string_pretty(&serde_json::json!({
                            "checkpoint": cp,
                            "file": setup.file,
                        }))
                        .unwrap_or_default().to_string())?;
                } else {
                    out::stdoutln(&format!(
                        "已签署检查点：截至第 {} 条记录（共 {} 条，头哈希 {}…），时间 {}，密钥编号 {}",
                        cp.seq,
                        cp.entries,
                        &cp.head_hash[..12],
                        cp.at,
                        cp.key_id
                    ))?;
                    out::stdoutln(&format!(
                        "已写入数据库表 audit_checkpoint{}",
                        setup
                            .file
                            .as_ref()
                            .map(|p| format!(" 和外部文件 {}", p.display()))
                            .unwrap_or_default()
                    ))?;
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Audit {
                cmd:
                    AuditCmd::Verify {
                        db,
                        audit,
                        public_keys,
                    },
            } => {
                let c = config(None, db, Some(audit), false)?;
                let setup = audit_setup(&c)?;
                let mut keys: Vec<PublicKey> = setup.key.iter().map(|k| k.public()).collect();
                for k in public_keys {
                    let k = PublicKey::parse(k).map_err(|e| format!("--public-key：{}", e))?;
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
                let s = connect(&c).await?;
                let r = audit::verify_with(
                    &s,
                    &VerifyOptions {
                        keys,
                        checkpoint_file: setup.file,
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
                if cli.format == Format::Json {
                    out::stdoutln(&serde_json::to_string_pretty(&r).unwrap_or_default().to_string())?;
                } else {
                    print_verify(&r)?;
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

fn print_verify(r: &audit::Report) -> Result<(), String> {
    if r.ok() {
        let mut line = format!("审计日志完整：{} 条记录，哈希链无断裂", r.entries);
        if let Some(l) = &r.latest_checkpoint {
            line.push_str(&format!(
                "；{} 个{}检查点与日志相符，最近的截至第 {} 条（{}，{}）",
                r.checkpoints,
                if r.signatures_checked {
                    "签名有效的"
                } else {
                    "（签名未核验的）"
                },
                l.seq,
                l.at,
                l.source
            ));
        }
        out::stdoutln(&line.to_string())?;
    } else {
        out::stdoutln(&format!(
            "审计日志有 {} 处问题（共 {} 条记录）：",
            r.problems.len(),
            r.entries
        ))?;
        for p in &r.problems {
            if p.seq > 0 {
                out::stdoutln(&format!("  第 {} 条：{}", p.seq, p.message))?;
            } else {
                out::stdoutln(&format!("  {}", p.message))?;
            }
        }
        if let Some(p) = r.first_problem() {
            let what = match (&p.checkpoint, p.seq) {
                (Some(c), 0) => format!("检查点（{}）", c),
                (Some(c), s) => format!("第 {} 条记录（{}）", s, c),
                (None, s) => format!("第 {} 条记录", s),
            };
            out::stdoutln(&format!("最早出问题的是{}。", what))?;
        }
    }
    for n in &r.notes {
        out::stdoutln(&format!("注意：{}", n))?;
    }
    Ok(())
}
