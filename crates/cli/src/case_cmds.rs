//! `tianping case check FILE [--as-of DATE]` (DESIGN I-16): replay a case file with the rules
//! of `tianping-case` — the same rules the app refuses by — and print the state, the
//! certificate, what is due and every violation. Exit 0 without violations, 1 with, 2 when the
//! file cannot be read (naming its line). The header's `case` chooses the rules: a capability
//! evaluation is replayed by `case_capability`.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::{json, Value};
use tianping_calc::audit_time::AuditTimeTable;
use tianping_calc::calendar::Calendar;
use tianping_case::certification::{replay, Context, Event, Outcome};
use tianping_case::{jsonl, CaseKind, Due, Violation};

use crate::commands::pretty;
use crate::out;
use crate::{CaseCmd, Cli, Format};

mod stars;

/// Exit code of a file that cannot be checked: unreadable, malformed, or a kind of case whose
/// rules are not there yet.
pub(crate) const MALFORMED: u8 = 2;

pub fn run(cli: &Cli, cmd: &CaseCmd) -> Result<ExitCode, String> {
    match cmd {
        CaseCmd::Check { file, as_of } => check(cli, file, as_of.as_deref()),
    }
}

/// Today in China (UTC+8), or `TIANPING_TODAY` when set (as for the server's `--today`).
pub(crate) fn today() -> Result<NaiveDate, String> {
    match std::env::var("TIANPING_TODAY") {
        Ok(s) if !s.trim().is_empty() => {
            tianping_app::config::parse_today(&s, "环境变量 TIANPING_TODAY")
        }
        _ => Ok(chrono::Utc::now()
            .with_timezone(&tianping_app::domain::audit::china())
            .date_naive()),
    }
}

/// A file that cannot be checked: the message on stderr (and as JSON on stdout), exit 2.
pub(crate) fn malformed(cli: &Cli, file: &Path, line: Option<usize>, message: &str) -> ExitCode {
    let at = match line {
        Some(n) => format!("{}：第 {n} 行：", file.display()),
        None => format!("{}：", file.display()),
    };
    out::stderrln(&format!("错误：{at}{message}"));
    if cli.format == Format::Json {
        let v = json!({"error": {"file": file.display().to_string(), "line": line, "message": message}});
        // nothing more can be reported if stdout is gone
        let _ = out::stdoutln(&pretty(&v));
    }
    ExitCode::from(MALFORMED)
}

fn check(cli: &Cli, file: &Path, as_of: Option<&str>) -> Result<ExitCode, String> {
    let today = match today() {
        Ok(t) => t,
        Err(e) => return Ok(malformed(cli, file, None, &e)),
    };
    let as_of = match as_of {
        None => today,
        Some(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                let m = format!("--as-of “{s}” 不是日期：应写作 YYYY-MM-DD，如 2026-11-25");
                return Ok(malformed(cli, file, None, &m));
            }
        },
    };
    let text = match read(file) {
        Ok(t) => t,
        Err(e) => return Ok(malformed(cli, file, None, &e)),
    };
    let header = match jsonl::header(&text) {
        Ok(h) => h,
        Err(e) => return Ok(malformed(cli, file, Some(e.line), &e.message)),
    };
    match header.case {
        CaseKind::Certification => {}
        CaseKind::Capability => {
            return crate::case_capability::check(cli, file, &text, as_of, today)
        }
        CaseKind::Stars => return stars::check(cli, file, &text, as_of, today),
    }
    let (header, events) = match jsonl::parse::<Event>(&text, CaseKind::Certification) {
        Ok(x) => x,
        Err(e) => return Ok(malformed(cli, file, Some(e.line), &e.message)),
    };
    let lines = jsonl::event_lines(&text);
    let calendar = Calendar::builtin();
    let table = AuditTimeTable::builtin();
    let ctx = Context {
        calendar: &calendar,
        audit_time: &table,
        conflicts: &[],
    };
    let outcome = replay(&header, &events, as_of, ctx);
    let dates: Vec<NaiveDate> = events.iter().map(|e| e.date).collect();
    let warnings = replay_warnings(&dates, &lines, today, &outcome.warnings);
    let report = Report {
        file,
        as_of,
        events: &events,
        lines: &lines,
        outcome: &outcome,
        warnings: &warnings,
    };
    let clean = outcome.violations.is_empty();
    finish(cli, &report.json(), || report.text(), &warnings, clean)
}

/// One warning naming the lines of events dated after today (I-16 edges): an event records
/// what has happened. They are still replayed when `--as-of` reaches them.
fn future_warning(dates: &[NaiveDate], lines: &[usize], today: NaiveDate) -> Option<String> {
    let later: Vec<(usize, NaiveDate)> = dates
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > today)
        .map(|(i, d)| (line_of(lines, i), *d))
        .collect();
    let last = later.iter().map(|(_, d)| *d).max()?;
    let shown: Vec<String> = later.iter().take(10).map(|(n, _)| n.to_string()).collect();
    let more = if later.len() > shown.len() { "等" } else { "" };
    Some(format!(
        "{} 个事件的日期晚于今天 {today}（第 {} 行{more}，最晚 {last}）：事件只能记录已经发生的事，请核对日期",
        later.len(),
        shown.join("、")
    ))
}

fn read(file: &Path) -> Result<String, String> {
    if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("无法读取标准输入：{e}"))?;
        return Ok(s);
    }
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取文件：{e}"))?;
    String::from_utf8(bytes).map_err(|_| "文件不是 UTF-8 编码的文本".to_string())
}

fn line_of(lines: &[usize], event: usize) -> usize {
    lines.get(event).copied().unwrap_or(0)
}

struct Report<'a> {
    file: &'a Path,
    as_of: NaiveDate,
    events: &'a [Event],
    lines: &'a [usize],
    outcome: &'a Outcome,
    warnings: &'a [String],
}

impl Report<'_> {
    /// The I-16 output: state, certificate, grade and stars (null for a certification),
    /// due and violations; the as-of date, the events applied and the warnings beside them.
    fn json(&self) -> Value {
        let o = self.outcome;
        let due = due_json(&o.due);
        let violations = violations_json(&o.violations, self.lines);
        json!({
            "case": CaseKind::Certification.as_str(),
            "as_of": self.as_of,
            "events": self.events.len(),
            "applied": o.applied,
            "state": o.state,
            "certificate": o.certificate,
            "grade": null,
            "stars": null,
            "due": due,
            "violations": violations,
            "warnings": self.warnings,
        })
    }

    fn text(&self) -> String {
        let o = self.outcome;
        let mut s = heading(
            self.file,
            CaseKind::Certification,
            (self.events.len(), o.applied),
            self.as_of,
            (o.state.name_zh(), o.state.as_str()),
        );
        match &o.certificate {
            None => s.push_str("证书：无\n"),
            Some(c) => s.push_str(&format!(
                "证书：{}，{}（{}），有效期 {} 至 {}\n",
                c.number,
                c.status.name_zh(),
                c.status.as_str(),
                c.valid_from,
                c.valid_until
            )),
        }
        s.push_str(&due_text(&o.due));
        s.push_str(&violations_text(&o.violations, self.lines, |i| {
            self.events
                .get(i)
                .map(|e| format!("{} {}", e.date, e.kind.name_zh()))
        }));
        s
    }
}

/// The warnings of a replay: events dated after today, then the fold's own.
pub(crate) fn replay_warnings(
    dates: &[NaiveDate],
    lines: &[usize],
    today: NaiveDate,
    fold: &[String],
) -> Vec<String> {
    let mut w: Vec<String> = future_warning(dates, lines, today).into_iter().collect();
    w.extend(fold.iter().cloned());
    w
}

/// The first lines of a replayed case in words: the file, the kind, the events applied by
/// `as_of`, the state.
pub(crate) fn heading(
    file: &Path,
    kind: CaseKind,
    (events, applied): (usize, usize),
    as_of: NaiveDate,
    (state_zh, state_id): (&str, &str),
) -> String {
    let mut s = format!(
        "{}：{}案卷，{events} 个事件，截至 {as_of} 计入 {applied} 个",
        file.display(),
        kind.name_zh(),
    );
    let later = events - applied;
    if later > 0 {
        s.push_str(&format!("（{later} 个晚于该日，未计入）"));
    }
    s.push_str(&format!("\n状态：{state_zh}（{state_id}）\n"));
    s
}

/// Print a replayed case — JSON, or words with the warnings on stderr — and its exit code:
/// 0 without violations, 1 with.
pub(crate) fn finish(
    cli: &Cli,
    json: &Value,
    text: impl FnOnce() -> String,
    warnings: &[String],
    clean: bool,
) -> Result<ExitCode, String> {
    match cli.format {
        Format::Json => out::stdoutln(&pretty(json))?,
        Format::Text | Format::Xlsx => {
            for w in warnings {
                out::stderrln(&format!("警告：{w}"));
            }
            out::stdout(&text())?;
        }
    }
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The due list as I-16 prints it in JSON.
pub(crate) fn due_json(due: &[Due]) -> Vec<Value> {
    due.iter()
        .map(|x| {
            json!({"kind": x.kind.as_str(), "due": x.due, "overdue": x.overdue,
                   "clause": x.clause, "subject": x.subject, "message": x.message})
        })
        .collect()
}

/// The violations as I-16 prints them in JSON, with the line of each event.
pub(crate) fn violations_json(violations: &[Violation], lines: &[usize]) -> Vec<Value> {
    violations
        .iter()
        .map(|v| {
            json!({"event": v.event, "line": line_of(lines, v.event),
                   "rule": v.rule.id(), "clause": v.clause, "message": v.message})
        })
        .collect()
}

/// The due list in words, overdue items marked.
pub(crate) fn due_text(due: &[Due]) -> String {
    if due.is_empty() {
        return "待办：无\n".into();
    }
    let mut s = format!("待办（{} 项）：\n", due.len());
    for x in due {
        let mark = if x.overdue { "【已逾期】" } else { "" };
        s.push_str(&format!(
            "  - {mark}{} {}（{}，条款 {}）：{}\n",
            x.due,
            x.kind.name_zh(),
            x.kind.as_str(),
            x.clause,
            x.message
        ));
    }
    s
}

/// The violations in words: each with its line, event (`what`: its date and name), rule,
/// clause and what the rule requires.
pub(crate) fn violations_text(
    violations: &[Violation],
    lines: &[usize],
    what: impl Fn(usize) -> Option<String>,
) -> String {
    if violations.is_empty() {
        return "违规：无\n".into();
    }
    let mut s = format!("违规（{} 项）：\n", violations.len());
    for v in violations {
        s.push_str(&format!(
            "  - 第 {} 行（事件 {}，{}）：{}（{}，条款 {}）\n    要求：{}\n",
            line_of(lines, v.event),
            v.event,
            what(v.event).unwrap_or_default(),
            v.message,
            v.rule.id(),
            v.clause,
            v.rule.requirement_zh()
        ));
    }
    s
}
