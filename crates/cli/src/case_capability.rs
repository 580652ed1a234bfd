//! `tianping case check` for a capability evaluation (seed 004, DESIGN I-18): the file replayed
//! with `tianping_case::capability` and the built-in calendar, printed as certification's are —
//! `state`, `certificate` (null), `grade` (`code`, `valid_until`), `stars` (null), `due` and
//! `violations`, with the same exit codes.

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::{json, Value};
use tianping_calc::calendar::Calendar;
use tianping_case::capability::{replay, Context, Event, Outcome};
use tianping_case::{jsonl, CaseKind};

use crate::case_cmds::{
    due_json, due_text, finish, heading, malformed, replay_warnings, violations_json,
    violations_text,
};
use crate::Cli;

pub fn check(
    cli: &Cli,
    file: &Path,
    text: &str,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<ExitCode, String> {
    let (header, events) = match jsonl::parse::<Event>(text, CaseKind::Capability) {
        Ok(x) => x,
        Err(e) => return Ok(malformed(cli, file, Some(e.line), &e.message)),
    };
    let lines = jsonl::event_lines(text);
    let calendar = Calendar::builtin();
    let outcome = replay(
        &header,
        &events,
        as_of,
        Context {
            calendar: &calendar,
        },
    );
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

struct Report<'a> {
    file: &'a Path,
    as_of: NaiveDate,
    events: &'a [Event],
    lines: &'a [usize],
    outcome: &'a Outcome,
    warnings: &'a [String],
}

impl Report<'_> {
    fn json(&self) -> Value {
        let o = self.outcome;
        json!({
            "case": CaseKind::Capability.as_str(),
            "as_of": self.as_of,
            "events": self.events.len(),
            "applied": o.applied,
            "state": o.state,
            "certificate": null,
            "grade": o.grade,
            "stars": null,
            "due": due_json(&o.due),
            "violations": violations_json(&o.violations, self.lines),
            "warnings": self.warnings,
        })
    }

    fn text(&self) -> String {
        let o = self.outcome;
        let mut s = heading(
            self.file,
            CaseKind::Capability,
            (self.events.len(), o.applied),
            self.as_of,
            (o.state.name_zh(), o.state.as_str()),
        );
        s.push_str(&self.grade_text());
        s.push_str(&due_text(&o.due));
        s.push_str(&violations_text(&o.violations, self.lines, |i| {
            self.events
                .get(i)
                .map(|e| format!("{} {}", e.date, e.kind.name_zh()))
        }));
        s
    }

    /// The grade in force, with the confirmed result it comes from.
    fn grade_text(&self) -> String {
        let o = self.outcome;
        let from = o
            .case
            .conclusion
            .as_ref()
            .filter(|c| c.confirmed <= self.as_of)
            .map(|c| format!("{} 确认，得分 {}", c.confirmed, c.score.value()));
        match (&o.grade, from) {
            (Some(g), Some(from)) => format!(
                "等级：{}，有效期至 {}（{from}）\n",
                g.code.code(),
                g.valid_until
            ),
            (Some(g), None) => format!("等级：{}，有效期至 {}\n", g.code.code(), g.valid_until),
            (None, Some(from)) => format!("等级：无（{from}）\n"),
            (None, None) => "等级：无\n".into(),
        }
    }
}
