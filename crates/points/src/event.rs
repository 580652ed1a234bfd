//! Points events in DESIGN I-22's format, one JSON object per line:
//! `{"key", "shop", "event", "at" (RFC 3339 with offset), …}` with `registered_on`
//! (`shop_registered`), `party` (person | enterprise), `subject` (the follower, certificate,
//! product, order, review or reply concerned), `good` and `text` (a review), `campaign` with
//! `start` and `end` (`campaign_closed`).
//!
//! Reading checks the shape (types, RFC 3339 times, known field names); whether an event
//! makes sense under a rules version — a known event name, the fields its rule needs — is the
//! fold's business, which rejects it with a reason and goes on.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::rules::Party;

/// One points event. `line` is the 1-based line it was read from (0 when built in code).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The idempotency key, unique per platform: a repeated key counts once.
    pub key: String,
    pub shop: String,
    pub event: String,
    pub at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<FixedOffset>>,
    #[serde(skip)]
    pub line: usize,
}

impl Event {
    /// A bare event (tests and generators fill the rest).
    pub fn new(key: &str, shop: &str, event: &str, at: DateTime<FixedOffset>) -> Event {
        Event {
            key: key.into(),
            shop: shop.into(),
            event: event.into(),
            at,
            registered_on: None,
            party: None,
            subject: None,
            good: None,
            text: None,
            campaign: None,
            start: None,
            end: None,
            line: 0,
        }
    }

    /// Whether two events say the same thing (the line they came from aside; times compared
    /// as instants). A key repeated with the same content is a duplicate, with other content
    /// a conflict (I-22).
    pub fn same_content(&self, o: &Event) -> bool {
        self.key == o.key
            && self.shop == o.shop
            && self.event == o.event
            && self.at == o.at
            && self.registered_on == o.registered_on
            && self.party == o.party
            && self.subject == o.subject
            && self.good == o.good
            && self.text.as_deref().unwrap_or("") == o.text.as_deref().unwrap_or("")
            && self.campaign == o.campaign
            && self.start == o.start
            && self.end == o.end
    }

    /// A review's text counts when present and not blank (I-22: absent, null or empty is false).
    pub fn has_text(&self) -> bool {
        self.text.as_deref().is_some_and(|t| !t.trim().is_empty())
    }
}

/// A line that is not an event: the 1-based line and what is wrong, with what is accepted.
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

/// What a line must look like, for error messages.
pub const ACCEPTED: &str = "每行一个 JSON 对象：{\"key\": 幂等键, \"shop\": 店铺, \"event\": 事件名, \"at\": RFC 3339 时间（带时区，如 2026-11-25T09:30:00+08:00）}，可选 registered_on（YYYY-MM-DD）、party（person | enterprise）、subject、good（true | false）、text、campaign、start、end（RFC 3339）";

/// Read a JSON Lines stream; blank lines are skipped. The first bad line stops the reading.
pub fn parse_jsonl(text: &str) -> Result<Vec<Event>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        out.push(parse_line(raw, i + 1)?);
    }
    Ok(out)
}

/// Read one line (`n` is its 1-based number).
pub fn parse_line(raw: &str, n: usize) -> Result<Event, ParseError> {
    match serde_json::from_str::<Event>(raw) {
        Ok(mut e) => {
            e.line = n;
            Ok(e)
        }
        Err(e) => Err(ParseError {
            line: n,
            message: format!("{}；{ACCEPTED}", plain(&e.to_string())),
        }),
    }
}

/// serde_json's message in words: the position is dropped (the line is named) and the most
/// common failures are said in Chinese.
fn plain(m: &str) -> String {
    let m = m.split(" at line ").next().unwrap_or(m);
    if let Some(f) = m.strip_prefix("missing field ") {
        return format!("缺少字段 {}", f.trim_matches('`'));
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let f = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        return format!("未知字段 {f}");
    }
    if m.contains("premature end") || m.starts_with("invalid") || m.starts_with("input contains") {
        return format!("不是有效的日期时间或 JSON（{m}）");
    }
    if m.starts_with("expected") || m.starts_with("EOF") || m.starts_with("key must") {
        return format!("不是有效的 JSON 对象（{m}）");
    }
    m.to_string()
}
