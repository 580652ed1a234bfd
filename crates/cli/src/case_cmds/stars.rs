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
use tianping_case::{jsonl, CaseKind};

use super::{
    due_json, due_text, finish, heading, malformed, replay_warnings, violations_json,
    violations_text,
};
use crate::Cli;

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
    /// The I-16 output, shaped as a certification's.
    fn json(&self) -> Value {
        let o = self.outcome;
        json!({
            "case": CaseKind::Stars.as_str(),
            "as_of": self.as_of,
            "events": self.events.len(),
            "applied": o.applied,
            "state": o.state,
            "certificate": null,
            "grade": null,
            "stars": o.stars,
            "due": due_json(&o.due),
            "violations": violations_json(&o.violations, self.lines),
            "warnings": self.warnings,
        })
    }

    fn text(&self) -> String {
        let o = self.outcome;
        let mut s = heading(
            self.file,
            CaseKind::Stars,
            (self.events.len(), o.applied),
            self.as_of,
            (o.state.name_zh(), o.state.as_str()),
        );
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
        s.push_str(&due_text(&o.due));
        s.push_str(&violations_text(&o.violations, self.lines, |i| {
            self.events
                .get(i)
                .map(|e| format!("{} {}", e.date, e.kind.name_zh()))
        }));
        s
    }
}
