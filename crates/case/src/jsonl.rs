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
            "案卷头无效：{e}；应为 {{\"case\": \"certification\" | \"capability\" | \"stars\", \"people\": [...]}}"
        ),
    })
}

/// Parse a whole case file whose events are of type `E`: the header and the events.
pub fn parse<E: DeserializeOwned>(
    text: &str,
    expect: CaseKind,
) -> Result<(Header, Vec<E>), ParseError> {
    let h = header(text)?;
    if h.case != expect {
        return Err(ParseError {
            line: lines(text).next().map_or(1, |(n, _)| n),
            message: format!(
                "案卷类型为 {}，此处需要 {}",
                h.case.as_str(),
                expect.as_str()
            ),
        });
    }
    let mut events = Vec::new();
    for (n, line) in lines(text).skip(1) {
        let e = serde_json::from_str::<E>(line).map_err(|e| ParseError {
            line: n,
            message: format!("事件无效：{e}"),
        })?;
        events.push(e);
    }
    Ok((h, events))
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
