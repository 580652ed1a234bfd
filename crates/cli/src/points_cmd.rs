//! `tianping points replay FILE.jsonl [--as-of TIME] [--rules-version V | --rules FILE
//! --effective-from DATE]` (seed 002, DESIGN I-14, I-22): fold a JSON Lines stream of points events with
//! `tianping-points`, without a database, and print per shop its points, level and points
//! per rule, the repeated keys (counted once) and the rejected events with their reasons.
//! The rules are the shipped version in force at the as-of time, a shipped version chosen
//! by id or day, or a rules file.
//! Exit 0 when every event was applied or repeated, 1 when some were rejected, 2 when the
//! stream or the rules file cannot be read (naming the file and line).

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{json, Value};
use tianping_points::{
    diff, fold, parse_as_of, parse_jsonl, Entry, Ledger, ShopDiff, Version, Versions,
};

use crate::case_cmds::{finish, malformed};
use crate::{Cli, PointsCmd};

pub fn run(cli: &Cli, cmd: &PointsCmd) -> Result<ExitCode, String> {
    match cmd {
        PointsCmd::Replay {
            file,
            as_of,
            rules,
            rules_version,
            effective_from,
            compare_rules,
            compare_rules_version,
            compare_effective_from,
            history,
        } => {
            let as_of: DateTime<FixedOffset> = match as_of {
                Some(s) => match parse_as_of(s) {
                    Ok(t) => t,
                    Err(m) => return Ok(malformed(cli, file, None, &format!("--as-of {m}"))),
                },
                None => chrono::Utc::now().with_timezone(&tianping_points::shanghai()),
            };
            let day = as_of
                .with_timezone(&tianping_points::shanghai())
                .date_naive();
            let main = match (rules, rules_version) {
                (Some(_), Some(_)) => {
                    let m = "--rules 与 --rules-version 只能选一个";
                    return Ok(malformed(cli, file, None, m));
                }
                (None, Some(v)) => match Versions::shipped().find(v) {
                    Ok(v) => v.clone(),
                    Err(m) => {
                        return Ok(malformed(cli, file, None, &format!("--rules-version {m}")))
                    }
                },
                (r, None) => match version(r.as_deref(), effective_from.as_deref(), "", day) {
                    Ok(v) => v,
                    Err((what, m)) => return Ok(malformed(cli, Path::new(&what), None, &m)),
                },
            };
            let other = match (compare_rules, compare_rules_version, compare_effective_from) {
                (None, None, None) => None,
                (Some(_), Some(_), _) => {
                    let m = "--compare-rules 与 --compare-rules-version 只能选一个";
                    return Ok(malformed(cli, file, None, m));
                }
                (None, Some(v), None) => match Versions::shipped().find(v) {
                    Ok(v) => Some(v.clone()),
                    Err(m) => {
                        let m = format!("--compare-rules-version {m}");
                        return Ok(malformed(cli, file, None, &m));
                    }
                },
                (Some(r), None, from) => match version(Some(r), from.as_deref(), "compare-", day) {
                    Ok(v) => Some(v),
                    Err((what, m)) => return Ok(malformed(cli, Path::new(&what), None, &m)),
                },
                (None, _, Some(_)) => {
                    let m = "--compare-effective-from 只与 --compare-rules 一起使用";
                    return Ok(malformed(cli, file, None, m));
                }
            };
            replay(cli, file, as_of, &main, other.as_ref(), *history)
        }
        PointsCmd::Import { .. } | PointsCmd::Check { .. } => crate::points_db::run(cli, cmd),
    }
}

/// The rules version: the shipped one in force on `day`, or `--{prefix}rules` with its
/// `--{prefix}effective-from`.
fn version(
    rules: Option<&Path>,
    from: Option<&str>,
    prefix: &str,
    day: NaiveDate,
) -> Result<Version, (String, String)> {
    let Some(path) = rules else {
        if let Some(d) = from {
            let m = format!(
                "--effective-from {d} 只与 --rules 一起使用（内置规则的版本见 --rules-version）"
            );
            return Err(("--effective-from".into(), m));
        }
        return Ok(Versions::shipped().in_force(day).clone());
    };
    let name = path.display().to_string();
    let Some(from) = from else {
        let m = format!(
            "--{prefix}rules 须同时给出 --{prefix}effective-from YYYY-MM-DD（该规则版本的施行日期）"
        );
        return Err((name, m));
    };
    let from = NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d").map_err(|_| {
        let m = format!("--{prefix}effective-from “{from}” 不是日期：应写作 YYYY-MM-DD");
        (name.clone(), m)
    })?;
    let text =
        std::fs::read_to_string(path).map_err(|e| (name.clone(), format!("无法读取：{e}")))?;
    Version::parse(&text, from).map_err(|e| (name, e.to_string()))
}

fn replay(
    cli: &Cli,
    file: &Path,
    as_of: DateTime<FixedOffset>,
    version: &Version,
    compare: Option<&Version>,
    history: bool,
) -> Result<ExitCode, String> {
    let text = match read(file) {
        Ok(t) => t,
        Err(e) => return Ok(malformed(cli, file, None, &e)),
    };
    let events = match parse_jsonl(&text) {
        Ok(v) => v,
        Err(e) => return Ok(malformed(cli, file, Some(e.line), &e.message)),
    };
    let ledger = fold(version, &events, as_of);
    let difference = compare.map(|c| diff(&ledger, &fold(c, &events, as_of)));
    let mut warnings = Vec::new();
    let day = as_of
        .with_timezone(&tianping_points::shanghai())
        .date_naive();
    if day < version.effective_from {
        warnings.push(format!(
            "截至时间 {day} 早于该规则版本的施行日期 {}：按该版本重算，仅供比较",
            version.effective_from
        ));
    }
    let clean = ledger.rejected.is_empty();
    let report = Report {
        file,
        events: events.len(),
        ledger: &ledger,
        version,
        compare: compare.zip(difference.as_deref()),
        history,
    };
    finish(
        cli,
        &report.json(&warnings),
        || report.text(),
        &warnings,
        clean,
    )
}

fn read(file: &Path) -> Result<String, String> {
    if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("无法读取标准输入：{e}"))?;
        return Ok(s);
    }
    std::fs::read_to_string(file).map_err(|e| format!("无法读取：{e}"))
}

struct Report<'a> {
    file: &'a Path,
    events: usize,
    ledger: &'a Ledger,
    version: &'a Version,
    /// The other version and the difference per shop (`--compare-rules`).
    compare: Option<(&'a Version, &'a [ShopDiff])>,
    /// `--history`: each shop's entries too.
    history: bool,
}

impl Report<'_> {
    /// One history line: "2026-01-05 09:10 a-prof profile_completed +20 公司信息/公司介绍（…）：计 20 分".
    fn entry(&self, h: &Entry) -> String {
        let at = h.at.with_timezone(&tianping_points::shanghai());
        let full = h
            .rule
            .as_deref()
            .and_then(|r| self.version.rule(r))
            .map(|r| r.points);
        let clause = h.clause.as_deref().unwrap_or("—");
        format!(
            "{} {} {} {:+} {clause}：{}",
            at.format("%Y-%m-%d %H:%M"),
            h.key,
            h.event,
            h.points,
            h.note.zh(h.points, full)
        )
    }

    fn applied(&self) -> usize {
        let l = self.ledger;
        self.events - l.duplicates.len() - l.rejected.len() - l.later
    }

    fn json(&self, warnings: &[String]) -> Value {
        let l = self.ledger;
        let shops: serde_json::Map<String, Value> = l
            .shops
            .iter()
            .map(|(id, s)| {
                let level = s.level.map(|x| json!({"kind": x.kind, "n": x.n}));
                let mut v = json!({"points": s.points, "level": level, "by_rule": s.by_rule});
                if self.history {
                    v["history"] = json!(s.history);
                }
                (id.clone(), v)
            })
            .collect();
        json!({
            "file": self.file.display().to_string(),
            "rules": {"version": l.version, "effective_from": l.effective_from},
            "as_of": l.as_of.to_rfc3339(),
            "events": self.events,
            "applied": self.applied(),
            "later": l.later,
            "shops": shops,
            "duplicates": l.duplicates,
            "rejected": l.rejected,
            "warnings": warnings,
            "compare": self.compare.map(|(v, d)| json!({
                "rules": {"version": v.id, "effective_from": v.effective_from},
                "shops": d,
            })),
        })
    }

    fn text(&self) -> String {
        let l = self.ledger;
        let mut s = format!(
            "积分重算：{}（规则版本 {}，{} 起施行；截至 {}）\n",
            self.file.display(),
            l.version,
            l.effective_from,
            l.as_of.to_rfc3339()
        );
        s.push_str(&format!(
            "事件 {} 个：计入 {} 个，重复 {} 个（只计一次），拒绝 {} 个，晚于截至时间 {} 个\n",
            self.events,
            self.applied(),
            l.duplicates.len(),
            l.rejected.len(),
            l.later
        ));
        for (id, shop) in &l.shops {
            let level = shop.level.map_or_else(|| "无等级".to_string(), |x| x.zh());
            s.push_str(&format!("\n店铺 {id}：{} 分，{level}\n", shop.points));
            for r in &self.version.rules {
                let p = shop.by_rule.get(&*r.id).copied().unwrap_or(0);
                if p != 0 {
                    let cap = match r.cap {
                        Some(c) if p >= c => "（已达上限）",
                        _ => "",
                    };
                    s.push_str(&format!(
                        "  {}/{} {p} 分{cap}  [{}]\n",
                        r.group, r.name, r.id
                    ));
                }
            }
            if self.history {
                s.push_str("  明细：\n");
                for h in &shop.history {
                    s.push_str(&format!("    {}\n", self.entry(h)));
                }
            }
        }
        if !l.duplicates.is_empty() {
            s.push_str("\n重复的幂等键（只计一次）：\n");
            for d in &l.duplicates {
                s.push_str(&format!(
                    "  第 {} 行 {}：与第 {} 行相同\n",
                    d.line, d.key, d.first_line
                ));
            }
        }
        if let Some((v, d)) = self.compare {
            s.push_str(&format!(
                "\n按规则版本 {}（{} 起施行）重算：{}\n",
                v.id,
                v.effective_from,
                if d.is_empty() {
                    "各店铺积分不变"
                } else {
                    ""
                }
            ));
            for x in d {
                s.push_str(&format!("  {}\n", x.zh()));
            }
        }
        if !l.rejected.is_empty() {
            s.push_str("\n被拒绝的事件（未计入）：\n");
            for r in &l.rejected {
                s.push_str(&format!(
                    "  第 {} 行 {}（{}，店铺 {}）：{}\n",
                    r.line, r.key, r.event, r.shop, r.reason
                ));
            }
        }
        s
    }
}
