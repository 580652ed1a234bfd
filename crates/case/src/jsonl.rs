//! The JSON Lines interchange format of I-16: a header line, then one event per line.
//! Errors name the 1-based line, as an editor shows it.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{CaseKind, Header};

/// A malformed case file: the line (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行：{}", self.line, self.message)
    }
}

/// The header of a case file, from its first non-blank line.
pub fn header(text: &str) -> Result<Header, ParseError> {
    let Some((n, line)) = lines(text).next() else {
        return Err(ParseError {
            line: 1,
            message: "文件为空：第一行应为案卷头，如 {\"case\": \"certification\"}".into(),
        });
    };
    serde_json::from_str::<Header>(line).map_err(|e| ParseError {
        line: n,
        message: format!(
            "案卷头无效：{}；应为 {{\"case\": \"certification\" | \"capability\" | \"stars\", \"people\": [...]}}",
            plain(&e.to_string())
        ),
    })
}

/// The events of a kind of case, as written on a line: the `type`s they accept.
pub trait EventLine: DeserializeOwned {
    /// Every accepted `type`, in the order of the DESIGN decision.
    const TYPES: &'static [&'static str];
}

/// Parse a whole case file whose events are of type `E`: the header and the events. An event
/// line that cannot be read names its line and what is wrong in words: not JSON, no or an
/// unknown `type` (with the accepted ones), no or a bad `date`, a missing or invalid field.
pub fn parse<E: EventLine>(text: &str, expect: CaseKind) -> Result<(Header, Vec<E>), ParseError> {
    let h = header(text)?;
    if h.case != expect {
        return Err(ParseError {
            line: lines(text).next().map_or(1, |(n, _)| n),
            message: format!(
                "案卷类型为 {}（{}），此处需要 {}（{}）",
                h.case.as_str(),
                h.case.name_zh(),
                expect.as_str(),
                expect.name_zh()
            ),
        });
    }
    let mut events = Vec::new();
    for (n, line) in lines(text).skip(1) {
        let e = serde_json::from_str::<E>(line).map_err(|e| ParseError {
            line: n,
            message: explain::<E>(line, &e),
        })?;
        events.push(e);
    }
    Ok((h, events))
}

/// The 1-based line numbers of the event lines (the non-blank lines after the header), in
/// order: event `i` is on line `event_lines(text)[i]`.
pub fn event_lines(text: &str) -> Vec<usize> {
    lines(text).skip(1).map(|(n, _)| n).collect()
}

/// What is wrong with an event line, in words.
fn explain<E: EventLine>(line: &str, err: &serde_json::Error) -> String {
    let accepted = E::TYPES.join("、");
    let v: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return format!(
                "不是有效的 JSON（{}）：每行应为一个事件，如 {{\"type\": \"…\", \"date\": \"YYYY-MM-DD\", …}}",
                plain(&e.to_string())
            )
        }
    };
    let Some(obj) = v.as_object() else {
        return "应为一个 JSON 对象，如 {\"type\": \"…\", \"date\": \"YYYY-MM-DD\", …}".into();
    };
    let t = match obj.get("type") {
        None => return format!("缺少事件类型 type；可用：{accepted}"),
        Some(serde_json::Value::String(t)) => t.as_str(),
        Some(other) => return format!("事件类型 type 应为文字，而不是 {other}；可用：{accepted}"),
    };
    if !E::TYPES.contains(&t) {
        return format!("未知的事件类型 “{t}”；可用：{accepted}");
    }
    match obj.get("date") {
        None => return format!("{t} 事件缺少日期 date（YYYY-MM-DD，行为发生的当天）"),
        Some(serde_json::Value::String(d)) if d.parse::<chrono::NaiveDate>().is_err() => {
            return format!("{t} 事件的日期 “{d}” 无效：应为 YYYY-MM-DD 形式的日期")
        }
        Some(serde_json::Value::String(_)) => {}
        Some(other) => return format!("{t} 事件的日期应为 YYYY-MM-DD 形式的文字，而不是 {other}"),
    }
    format!("{t} 事件的字段无效：{}", plain(&err.to_string()))
}

/// serde's message in words where it has a usual form, without its position (the line is
/// named already; a flattened event has no useful column).
fn plain(msg: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let quoted = |s: &str| s.trim_matches('`').to_string();
    if let Some(f) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {}", quoted(f));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        if let Some((value, expected)) = rest.split_once(", expected ") {
            let expected = expected.trim_start_matches("one of ").replace('`', "");
            return format!("取值 “{}” 不可用；可用：{expected}", quoted(value));
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let expected = match expected {
                "u32" | "u64" | "usize" => "非负整数",
                "f64" => "数字",
                "a string" => "文字",
                "a boolean" => "true 或 false",
                "a sequence" => "列表 [...]",
                "a date" => "YYYY-MM-DD 形式的日期",
                other => other,
            };
            return format!("类型不对：应为{expected}，而不是 {found}");
        }
    }
    msg.to_string()
}

/// Write a case as JSON Lines: the header, then one event per line.
pub fn write<E: Serialize>(header: &Header, events: &[E]) -> String {
    let mut out = serde_json::to_string(header).unwrap_or_default();
    out.push('\n');
    for e in events {
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Non-blank lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certification::Event;

    const HEAD: &str = r#"{"case": "certification"}"#;

    fn error(lines: &[&str]) -> ParseError {
        let text = std::iter::once(HEAD)
            .chain(lines.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        parse::<Event>(&text, CaseKind::Certification).unwrap_err()
    }

    #[test]
    fn errors_name_the_line_and_what_is_wrong() {
        let ok = r#"{"type": "contract_signed", "date": "2026-03-02"}"#;
        let e = error(&[ok, "", "{not json"]);
        assert_eq!(e.line, 4, "blank lines count as an editor shows them");
        assert!(e.message.contains("不是有效的 JSON"), "{}", e.message);
        let e = error(&["[1, 2]"]);
        assert!(e.message.contains("JSON 对象"), "{}", e.message);
        let e = error(&[r#"{"date": "2026-03-02"}"#]);
        assert!(e.message.contains("缺少事件类型 type") && e.message.contains("contract_signed"));
        let e = error(&[r#"{"type": "star_awarded", "date": "2026-03-02"}"#]);
        assert!(
            e.message.contains("未知的事件类型 “star_awarded”"),
            "{}",
            e.message
        );
        let e = error(&[r#"{"type": "contract_signed"}"#]);
        assert!(e.message.contains("缺少日期 date"), "{}", e.message);
        let e = error(&[r#"{"type": "contract_signed", "date": "2026-02-30"}"#]);
        assert!(e.message.contains("“2026-02-30” 无效"), "{}", e.message);
        let e = error(&[r#"{"type": "suspended", "date": "2026-03-02", "cause": "x"}"#]);
        assert!(
            e.message.contains("缺少字段 cause_confirmed"),
            "{}",
            e.message
        );
        let e =
            error(&[r#"{"type": "application_reviewed", "date": "2026-03-02", "result": "ok"}"#]);
        assert!(
            e.message.contains("“ok” 不可用") && e.message.contains("accepted"),
            "{}",
            e.message
        );
        let e = error(&[
            r#"{"type": "application_received", "date": "2026-03-02", "headcount": "many", "scope": "x"}"#,
        ]);
        assert!(e.message.contains("类型不对"), "{}", e.message);
    }

    #[test]
    fn a_header_of_another_kind_is_named() {
        let e = parse::<Event>(r#"{"case": "stars"}"#, CaseKind::Certification).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("stars") && e.message.contains("certification"));
        let e = parse::<Event>("\n\n", CaseKind::Certification).unwrap_err();
        assert!(e.message.contains("文件为空"), "{}", e.message);
        let e = parse::<Event>("\n{\"case\": \"other\"}", CaseKind::Certification).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn event_lines_skip_blanks_and_the_header() {
        let text = "\n{\"case\": \"certification\"}\n\n{}\n{}\n";
        assert_eq!(event_lines(text), vec![4, 5]);
    }
}
