//! `tianping regrade` and `tianping bench-data` (issue 14): the use cases in
//! `tianping_app::{regrade, bench_data}`, with a progress bar on a terminal.

use std::io::IsTerminal;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use tianping_app::App;

use crate::{out, Cli, Format};

fn bar(cli: &Cli, len: u64, unit: &str) -> Option<ProgressBar> {
    (cli.format == Format::Text && std::io::stderr().is_terminal()).then(|| {
        let style = ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {unit} {{per_sec}} 剩余 {{eta}} {{msg}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        ProgressBar::new(len).with_style(style)
    })
}

pub async fn regrade(
    cli: &Cli,
    app: &App,
    opts: &tianping_app::regrade::Options,
) -> Result<ExitCode, String> {
    // the bar's length comes with the first progress (the run counts what it will check)
    let pb = bar(cli, 0, "项评价");
    let r = tianping_app::regrade::regrade(app, opts, &|p| {
        if let Some(b) = &pb {
            b.set_length(p.total);
            b.set_position(p.done);
            b.set_message(format!("{} 项结果不同", p.changed));
        }
    })
    .await?;
    if let Some(b) = &pb {
        b.finish_and_clear();
    }
    if cli.format == Format::Json {
        out::stdoutln(&serde_json::to_string_pretty(&r).unwrap_or_default())?;
    } else {
        if let Some(after) = r.resumed_after {
            out::stdoutln(&format!(
                "接着上次中断的重算继续（从评价 #{after} 之后；--restart 从头开始）"
            ))?;
        }
        out::stdoutln(&format!(
            "检查 {} 项评价：{} 项结果一致，{} 项不同，{} 项无法重算{}（快速路径 {} 项，完整重算 {} 项；用时 {:.1} 秒，每秒 {:.0} 项）",
            r.checked,
            r.identical,
            r.changed,
            r.failed,
            if opts.verify {
                String::new()
            } else {
                format!("，已更新 {} 项", r.updated)
            },
            r.fast,
            r.full,
            r.seconds,
            r.checked as f64 / r.seconds.max(1e-9)
        ))?;
        for d in &r.differences {
            out::stdoutln(&format!("  评价 #{}：{}", d.assessment_id, d.message))?;
        }
        if r.differences_left_out > 0 {
            out::stdoutln(&format!(
                "  ……另有 {} 处不同未列出（--format json 同样只列前 {} 处）",
                r.differences_left_out,
                tianping_app::regrade::KEEP
            ))?;
        }
    }
    Ok(if opts.verify && (r.changed > 0 || r.failed > 0) {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn bench_data(
    cli: &Cli,
    app: &App,
    enterprises: u64,
    explained: f64,
    seed: u64,
) -> Result<ExitCode, String> {
    let pb = bar(cli, enterprises, "家企业");
    let s = tianping_app::bench_data::generate(app, enterprises, explained, seed, &|done, _| {
        if let Some(b) = &pb {
            b.set_position(done);
        }
    })
    .await?;
    if let Some(b) = &pb {
        b.finish_and_clear();
    }
    if cli.format == Format::Json {
        out::stdoutln(&serde_json::to_string_pretty(&s).unwrap_or_default())?;
    } else {
        out::stdoutln(&format!(
            "已生成 {} 家企业、{} 个场所、{} 项评价（其中 {} 项含逐项答案和完整结果），用时 {:.1} 秒；登录：{} / {}",
            s.enterprises,
            s.sites,
            s.assessments,
            s.explained,
            s.seconds,
            tianping_app::bench_data::EMAIL,
            tianping_app::bench_data::PASSWORD
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
