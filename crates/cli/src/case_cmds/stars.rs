//! `case check` of a star-rating case (000 §6, §8, DESIGN I-19): the same output as a
//! certification's — `state`, `certificate` and `grade` null, `stars` (`current`, the
//! single-dimension stars when the latest award gave them, `since`), `due`, `violations` —
//! and the same exit codes.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::{json, Value};
use tianping_case::stars::events::star_word;
use tianping_case::stars::{replay, Event, Outcome};
use tianping_case::{jsonl, CaseKind, Violation};

use super::{future_warning, line_of, malformed};
use crate::commands::pretty;
use crate::out;
use crate::{Cli, Format};

pub(super) fn check(
    cli: &Cli,
    file: &Path,
    text: &str,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<ExitCode, String> {
    let (header, events) = match jsonl::parse::<Event>(text, CaseKind::Stars) {
        Ok(x) => x,
        Err(e) => return Ok(malformed(cli, file, Some(e.line), &e.message)),
    };
    let lines = jsonl::event_lines(text);
    let outcome = replay(&header, &events, as_of);
    let dates: Vec<NaiveDate> = events.iter().map(|e| e.date).collect();
    let mut warnings: Vec<String> = future_warning(&dates, &lines, today).into_iter().collect();
    warnings.extend(outcome.warnings.iter().cloned());
    let report = Report {
        file,
        as_of,
        events: &events,
        lines: &lines,
        outcome: &outcome,
        warnings: &warnings,
    };
    match cli.format {
        Format::Json => out::stdoutln(&pretty(&report.json()))?,
        Format::Text => {
            for w in &warnings {
                out::stderrln(&format!("警告：{w}"));
            }
            out::stdout(&report.text())?;
        }
    }
    Ok(if outcome.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
    /// The I-16 output, shaped as a certification's.
    fn json(&self) -> Value {
        let o = self.outcome;
        let due: Vec<Value> = o
            .due
            .iter()
            .map(|x| {
                json!({"kind": x.kind.as_str(), "due": x.due, "overdue": x.overdue,
                       "clause": x.clause, "subject": x.subject, "message": x.message})
            })
            .collect();
        let violations: Vec<Value> = o
            .violations
            .iter()
            .map(|v| {
                json!({"event": v.event, "line": line_of(self.lines, v.event),
                       "rule": v.rule.id(), "clause": v.clause, "message": v.message})
            })
            .collect();
        json!({
            "case": CaseKind::Stars.as_str(),
            "as_of": self.as_of,
            "events": self.events.len(),
            "applied": o.applied,
            "state": o.state,
            "certificate": null,
            "grade": null,
            "stars": o.stars,
            "due": due,
            "violations": violations,
            "warnings": self.warnings,
        })
    }

    fn text(&self) -> String {
        let o = self.outcome;
        let mut s = format!(
            "{}：{}案卷，{} 个事件，截至 {} 计入 {} 个",
            self.file.display(),
            CaseKind::Stars.name_zh(),
            self.events.len(),
            self.as_of,
            o.applied
        );
        let later = self.events.len() - o.applied;
        if later > 0 {
            s.push_str(&format!("（{later} 个晚于该日，未计入）"));
        }
        s.push('\n');
        s.push_str(&format!(
            "状态：{}（{}）\n",
            o.state.name_zh(),
            o.state.as_str()
        ));
        s.push_str(&format!("星级：{}", star_word(o.stars.current)));
        if let Some(since) = o.stars.since {
            s.push_str(&format!("（{since} 起）"));
        }
        if let Some(dims) = &o.stars.dimension_stars {
            let each: Vec<String> = dims
                .iter()
                .map(|(name, n)| format!("{name}{}", star_word(*n)))
                .collect();
            s.push_str(&format!("；单项星级：{}", each.join("、")));
        }
        s.push('\n');
        if o.due.is_empty() {
            s.push_str("待办：无\n");
        } else {
            s.push_str(&format!("待办（{} 项）：\n", o.due.len()));
            for x in &o.due {
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
        }
        if o.violations.is_empty() {
            s.push_str("违规：无\n");
        } else {
            s.push_str(&format!("违规（{} 项）：\n", o.violations.len()));
            for v in &o.violations {
                s.push_str(&self.violation_text(v));
            }
        }
        s
    }

    fn violation_text(&self, v: &Violation) -> String {
        let what = self
            .events
            .get(v.event)
            .map(|e| format!("{} {}", e.date, e.kind.name_zh()))
            .unwrap_or_default();
        format!(
            "  - 第 {} 行（事件 {}，{what}）：{}（{}，条款 {}）\n    要求：{}\n",
            line_of(self.lines, v.event),
            v.event,
            v.message,
            v.rule.id(),
            v.clause,
            v.rule.requirement_zh()
        )
    }
}
