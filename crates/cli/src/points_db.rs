//! `tianping points import FILE.jsonl --platform ORG_ID [--database URL]` and
//! `tianping points check [--database URL]`: the points ledger from the command line, through
//! the same use cases as the API (`tianping_app::points`).
//!
//! On a terminal the import shows a progress bar (bytes of the file taken in, rate, time
//! left, the counts so far); otherwise a line per batch on stderr.
//!
//! The import runs as the system actor "tianping points import" (whoever can run it holds the
//! database already; the platform is named by its organisation id and must be a platform):
//! each batch of 10,000 events is one intake — one transaction with one audit entry — so a
//! failure leaves every earlier batch taken in and a re-run counts those as duplicates.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tianping_app::domain::OrgKind;
use tianping_app::points::{self as uc, Status, MAX_BATCH};
use tianping_app::App;
use tianping_store::audit::Actor;
use tianping_store::repo;

use crate::server::{config, runtime};
use crate::{out, Cli, Format, PointsCmd};

pub fn run(cli: &Cli, cmd: &PointsCmd) -> Result<ExitCode, String> {
    let rt = runtime()?;
    rt.block_on(async {
        match cmd {
            PointsCmd::Import { file, platform, db } => {
                let app = App::open(config(None, db, None, false)?).await?;
                let r = import(cli, &app, file, *platform).await;
                app.store.close().await;
                r
            }
            PointsCmd::Check { db } => {
                let app = App::open(config(None, db, None, false)?).await?;
                let r = check(cli, &app).await;
                app.store.close().await;
                r
            }
            PointsCmd::Replay { .. } => Err("points replay 不使用数据库".into()),
        }
    })
}

async fn import(
    cli: &Cli,
    app: &App,
    file: &std::path::Path,
    platform: i64,
) -> Result<ExitCode, String> {
    let org = repo::get_org(&app.store, platform)
        .await
        .map_err(|e| e.to_string())?;
    if org.as_ref().map(|o| o.kind) != Some(OrgKind::Platform) {
        return Err(format!(
            "--platform {platform}：不是平台机构的编号（应为平台运营方所在机构的编号）"
        ));
    }
    let name = file.display().to_string();
    let f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) => {
            out::stderrln(&format!("错误：{name}：无法读取：{e}"));
            return Ok(ExitCode::from(2));
        }
    };
    let bar = (cli.format == Format::Text && std::io::stderr().is_terminal()).then(|| {
        let len = f.metadata().map_or(0, |m| m.len());
        let style = ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} 剩余 {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        ProgressBar::new(len).with_style(style)
    });
    let mut read_bytes = 0u64;
    let who = Actor {
        id: None,
        label: "tianping points import".into(),
    };
    let (mut accepted, mut duplicates) = (0usize, 0usize);
    let mut rejected: Vec<(usize, String, String)> = Vec::new();
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(MAX_BATCH);
    let mut lines = std::io::BufReader::new(f).lines().enumerate().peekable();
    let mut n_batch = 0;
    while lines.peek().is_some() || !batch.is_empty() {
        if let Some((i, line)) = lines.next() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    out::stderrln(&format!("错误：{name} 第 {} 行：无法读取：{e}", i + 1));
                    return Ok(ExitCode::from(2));
                }
            };
            read_bytes += line.len() as u64 + 1;
            if !line.trim().is_empty() {
                batch.push((i + 1, line));
            }
            if batch.len() < MAX_BATCH && lines.peek().is_some() {
                continue;
            }
        }
        if batch.is_empty() {
            continue;
        }
        let texts: Vec<String> = batch.iter().map(|(_, l)| l.clone()).collect();
        let outcomes = uc::intake_for(app, &who, platform, &texts)
            .await
            .map_err(|e| format!("{name}：第 {n_batch} 批之后中断：{e}"))?;
        n_batch += 1;
        for (o, (line, _)) in outcomes.into_iter().zip(&batch) {
            match o.status {
                Status::Accepted => accepted += 1,
                Status::Duplicate => duplicates += 1,
                Status::Rejected => {
                    rejected.push((*line, o.key, o.reason.unwrap_or_default()));
                }
            }
        }
        if let Some(b) = &bar {
            b.set_position(read_bytes);
            b.set_message(format!(
                "接收 {accepted}，重复 {duplicates}，拒绝 {}",
                rejected.len()
            ));
        } else if cli.format == Format::Text {
            out::stderrln(&format!(
                "第 {n_batch} 批：至第 {} 行，累计接收 {accepted}，重复 {duplicates}，拒绝 {}",
                batch.last().map_or(0, |b| b.0),
                rejected.len()
            ));
        }
        batch.clear();
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if cli.format == Format::Json {
        let v = json!({
            "accepted": accepted, "duplicates": duplicates,
            "rejected": rejected.iter().map(|(l, k, r)| json!({"line": l, "key": k, "reason": r})).collect::<Vec<_>>(),
        });
        out::stdoutln(&serde_json::to_string_pretty(&v).unwrap_or_default())?;
    } else {
        out::stdoutln(&format!(
            "{name}：接收 {accepted} 个事件，重复 {duplicates} 个，拒绝 {} 个",
            rejected.len()
        ))?;
        for (l, k, r) in &rejected {
            out::stdoutln(&format!("  第 {l} 行（{k}）：{r}"))?;
        }
    }
    Ok(if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn check(cli: &Cli, app: &App) -> Result<ExitCode, String> {
    let d = uc::check(app).await.map_err(|e| e.to_string())?;
    if cli.format == Format::Json {
        out::stdoutln(
            &serde_json::to_string_pretty(&json!({"differences": d})).unwrap_or_default(),
        )?;
    } else if d.is_empty() {
        out::stdoutln("每个店铺的积分余额都等于其事件的重算结果")?;
    } else {
        out::stdoutln(&format!("{} 个店铺的积分余额与重算结果不同：", d.len()))?;
        for x in &d {
            let stored = x.stored.map_or("无".to_string(), |t| t.to_string());
            out::stdoutln(&format!(
                "  平台 {} 店铺 {}：存储 {stored}，重算 {}（{}）",
                x.platform_id, x.shop, x.folded, x.folded_by_rule
            ))?;
        }
    }
    Ok(if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
