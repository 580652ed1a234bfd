//! Calculator commands: audit time, sampling, working-day calendar, USCC check.

use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::json;
use tianping_calc::audit_time::{
    Adjustment, AuditTimeRequest, AuditTimeTable, SiteInput, SiteStructure,
};
use tianping_calc::calendar::{Calendar, DayKind};
use tianping_calc::{sampling, uscc, AuditType};

use crate::commands::{emit, pretty};
use crate::out;
use crate::{AuditArg, CalendarCmd, Cli, Command, Format, UsccCmd};

/// Exit code when a calendar answer used the Monday–Friday fallback for a year with no
/// holiday notice loaded (I-11): the answer is printed, with a warning, but may be wrong.
pub const FALLBACK_EXIT: u8 = 3;

fn audit_type(a: AuditArg) -> AuditType {
    match a {
        AuditArg::Initial => AuditType::Initial,
        AuditArg::Surveillance => AuditType::Surveillance,
        AuditArg::Recertification => AuditType::Recertification,
    }
}

fn reduction(pct: Option<u32>) -> Result<Vec<Adjustment>, String> {
    match pct {
        None | Some(0) => Ok(Vec::new()),
        Some(p) if p > 100 => Err(format!("减少比例 {}% 无效：应为 0 至 30（分场所至 50）", p)),
        Some(p) => Ok(vec![Adjustment {
            reason: "命令行 --reduction".into(),
            percent: -(p as i32),
        }]),
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期 “{}” 无效：应为 YYYY-MM-DD，例如 2026-09-21", s))
}

pub fn run(cli: &Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::AuditTime {
            headcount,
            audit,
            reduction: red,
            sites,
            site_reduction,
            temporary_sites,
        } => {
            if *headcount == 0 {
                return Err("--headcount 为 0：有效人数应不小于 1".into());
            }
            if !sites.is_empty() && temporary_sites.is_some() {
                return Err("--site 与 --temporary-sites 不能同时使用：分场所要么在证书上列出，要么是临时场所".into());
            }
            let site_structure = if !sites.is_empty() {
                let in_sites: u64 = sites.iter().map(|x| *x as u64).sum();
                if in_sites >= *headcount as u64 {
                    return Err(format!(
                        "各分场所人数合计 {} 不小于总人数 {}：--headcount 是组织总有效人数（含中心办公室）",
                        in_sites, headcount
                    ));
                }
                SiteStructure::Listed {
                    central_headcount: headcount - in_sites as u32,
                    sites: sites
                        .iter()
                        .enumerate()
                        .map(|(i, h)| -> Result<SiteInput, String> {
                            Ok(SiteInput {
                                name: format!("分场所{}", i + 1),
                                headcount: *h,
                                adjustments: reduction(site_reduction.or(*red))?,
                            })
                        })
                        .collect::<Result<_, _>>()?,
                }
            } else if let Some(n) = temporary_sites {
                SiteStructure::Temporary { count: *n }
            } else {
                SiteStructure::Single
            };
            let req = AuditTimeRequest {
                audit_type: audit_type(*audit),
                headcount: *headcount,
                adjustments: reduction(*red)?,
                sites: site_structure,
            };
            let table = AuditTimeTable::builtin();
            let r = table.compute(&req).map_err(|e| e.to_string())?;
            emit(cli, &json!(r), || {
                let mut o = format!(
                    "{}，有效人数 {}（{}）\n基准人日（表A.1）：{}\n",
                    r.audit_type.name_zh(),
                    r.headcount,
                    r.band,
                    r.table_days
                );
                if let Some(rd) = r.rule_days {
                    o.push_str(&format!("按 A.2/A.3 规则计算：{}\n", rd));
                }
                if let Some(n) = &r.rule_note {
                    o.push_str(&format!("  注：{}\n", n));
                }
                o.push_str(&format!(
                    "调整后人日：{}（精确值）\n审核人日：{}（取最接近的半人日，不少于 {} 人日）\n最少现场审核人日：{}\n\n计算过程：\n",
                    r.adjusted_days, r.audit_days, table.rules.min_onsite_days, r.min_onsite_days
                ));
                for t in &r.trace {
                    o.push_str(&format!("  - {}\n", t));
                }
                o
            })
        }
        Command::Sampling {
            sites,
            audit,
            temporary,
        } => {
            let t = audit_type(*audit);
            let r = if *temporary {
                sampling::sample_temporary(t, *sites)
            } else {
                sampling::sample_listed(t, *sites)
            }
            .map_err(|e| e.to_string())?;
            emit(cli, &json!(r), || {
                let mut o = format!(
                    "{}：{} 个分场所，抽取 {} 个，另加中心办公室，共 {} 处\n",
                    t.name_zh(),
                    r.sites,
                    r.sampled_sites,
                    r.total_locations
                );
                for l in &r.trace {
                    o.push_str(&format!("  - {}\n", l));
                }
                o
            })
        }
        Command::Calendar { calendar, cmd } => {
            let mut cal = Calendar::builtin();
            if let Some(f) = calendar {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| format!("{}: 无法读取日历文件：{}", f.display(), e))?;
                cal.load_toml_str(&text)
                    .map_err(|e| format!("{}: {}", f.display(), e))?;
            }
            match cmd {
                CalendarCmd::IsWorkday { date: d } => {
                    let d = date(d)?;
                    let (work, warn) = cal.is_workday(d);
                    let info = cal.day_info(d);
                    if let Some(w) = &warn {
                        out::stderrln(&format!("警告：{}", w.message));
                    }
                    let fallback = warn.is_some();
                    emit(
                        cli,
                        &json!({"date": d.to_string(), "workday": work, "day": info, "warnings": warn.iter().collect::<Vec<_>>()}),
                        || {
                            format!(
                                "{} {}：{}\n",
                                d,
                                info.weekday,
                                if work { "工作日" } else { "休息日" }
                            ) + &match &info.kind {
                                DayKind::Holiday { name } => format!("  {}放假\n", name),
                                DayKind::AdjustedWorkday { name } => {
                                    format!("  {}调休上班\n", name)
                                }
                                _ => String::new(),
                            }
                        },
                    )
                    .map(|ok| if fallback { ExitCode::from(FALLBACK_EXIT) } else { ok })
                }
                CalendarCmd::AddWorkdays { date: d, n } => {
                    let d = date(d)?;
                    let n: u32 = n
                        .trim()
                        .parse()
                        .map_err(|_| format!("工作日数 “{}” 无效：应为 0 至 100000 的整数", n))?;
                    let (end, warns) = cal.add_workdays(d, n).map_err(|e| e.to_string())?;
                    for w in &warns {
                        out::stderrln(&format!("警告：{}", w.message));
                    }
                    emit(
                        cli,
                        &json!({"start": d.to_string(), "workdays": n, "end": end.to_string(), "warnings": warns}),
                        || format!("{} 起 {} 个工作日（起始日不计入）：{} {}\n", d, n, end, cal.day_info(end).weekday),
                    )
                    .map(|ok| if warns.is_empty() { ok } else { ExitCode::from(FALLBACK_EXIT) })
                }
            }
        }
        Command::Uscc {
            cmd: UsccCmd::Check { code },
        } => match uscc::validate(code) {
            Ok(u) => emit(cli, &json!({"valid": true, "code": u}), || {
                format!(
                        "有效：{}\n  登记管理部门：{}（{}）\n  机构类别：{}（{}）\n  登记管理机关行政区划码：{}\n  组织机构代码：{}\n",
                        u.code, u.department, u.department_code, u.category, u.category_code, u.region_code, u.organization_code
                    )
            }),
            Err(e) => {
                match cli.format {
                    Format::Json => out::stdoutln(&pretty(
                        &json!({"valid": false, "error": e, "message": e.to_string()}),
                    ))?,
                    Format::Text | Format::Xlsx => out::stdoutln(&format!("无效：{}", e))?,
                }
                Ok(ExitCode::from(1))
            }
        },
        _ => unreachable!("dispatched from commands::run"),
    }
}
