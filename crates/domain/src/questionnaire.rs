//! Questionnaires (T/CIC 004 7.2.1, DESIGN I-13): the items of an on-site capability
//! assessment whose method is 问卷调查 (`likert = true`) are answered by real respondents —
//! employees, customers — on a public link, anonymously, and their answers are aggregated.
//!
//! The rules, each decided here from arguments:
//!
//! - **Who.** An admin or an auditor of the evaluation body running the on-site assessment
//!   opens, closes and applies a questionnaire ([`may_manage`]); the assessment must have at
//!   least one questionnaire item and still be a draft to open one or apply one.
//! - **Links.** A questionnaire hands out single-use links: the body asks for N of them at
//!   once (1 to [`MAX_LINKS`]), prints or sends them, and each link takes exactly one
//!   response. A shared link that hands a fresh token to every browser was rejected: a new
//!   browser (or a private window) would answer again, so it could not keep "once per link".
//! - **Closing date.** A day after today and at most [`MAX_DAYS_AHEAD`] days ahead
//!   ([`check_open`]), in China time. 90 days: the on-site evaluation that uses the answers
//!   runs for weeks, not seasons; a quarter is enough to reach every employee and customer,
//!   and a printed link that keeps working longer invites answers about a company that has
//!   moved on. The questionnaire takes answers through its closing day (China time) and is
//!   closed from the next day on, or earlier when the body closes it.
//! - **A response.** Every item answered with a whole number 1 to 5 ([`check_response`]). No
//!   blanks: an item's I-13 score is the mean over the responses, and a response that skips
//!   items would make each item's count differ and would let the threshold below hold for one
//!   item and not another; a respondent who cannot judge an item answers 3 (neutral) or does
//!   not send the form.
//! - **A link may answer** when it exists, is unused, and its questionnaire is open on the
//!   day (China time) of the answer ([`may_answer`]).
//! - **What the body sees** ([`results`]): the number of responses at any time; the
//!   aggregate (per item: count, mean, I-13 score `max × (mean − 1) / 4`) only once the
//!   questionnaire is closed **and** has at least [`MIN_RESPONSES`] responses. Three is the
//!   smallest count at which a respondent who knows their own ratings (a manager who
//!   answered too) still cannot compute any other single respondent's rating from a mean;
//!   with two, they could. Closed, because an aggregate that changes while answers come in
//!   gives away each new response by difference (the mean before and after it) to whoever
//!   knows who just answered.
//! - **Applying** the aggregate to the assessment ([`may_apply`]): only when closed with at
//!   least [`MIN_RESPONSES`] responses; each item gets `{"likert": [...]}` with the ratings
//!   **sorted** ([`likert_answers`]), so the answer keeps each item's ratings (and the I-13
//!   score the core computes from them) but not which ratings were given together.
//!
//! Responses are stored with their questionnaire and answers only — nothing ties one to its
//! link or to a person (crates/store `questionnaire`).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Days, NaiveDate, Utc};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::Principal;
use crate::msg::{Denied, FieldError, Lang, Msg};
use crate::text::{text_enum, AssessmentStatus, UnknownText};

/// Fewest responses before the aggregate is shown or applied.
pub const MIN_RESPONSES: usize = 3;
/// Latest closing date, in days after today.
pub const MAX_DAYS_AHEAD: u64 = 90;
/// Most links handed out at once.
pub const MAX_LINKS: u32 = 500;
/// The lowest and highest rating of an item.
pub const SCALE: (u8, u8) = (1, 5);

text_enum! {
    /// Whether a questionnaire takes answers (until its closing date) or was closed by the body.
    QuestionnaireStatus, "问卷状态" {
        Open = "open", "进行中", "Open";
        Closed = "closed", "已结束", "Closed";
    }
}

/// One item of a questionnaire: the scheme's indicator with `likert = true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    /// The question respondents read (the indicator's requirement).
    pub text: String,
    /// The item's points (I-13 scales the mean to them).
    pub max: f64,
}

/// What the rules need to know of the assessment a questionnaire belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The body running it (none: an enterprise's self-assessment).
    pub org_id: Option<i64>,
    pub status: AssessmentStatus,
    /// How many questionnaire items its plan has.
    pub likert_items: usize,
}

/// Today in China (UTC+8).
pub fn china_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&crate::audit::china()).date_naive()
}

/// A day for people: 2026年10月8日.
pub fn day_zh(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Whether `p` may open, close or apply a questionnaire of the assessment `t` (which they can
/// see): an admin or auditor of the body running it, on an assessment with questionnaire
/// items.
pub fn may_manage(p: &Principal, t: &Target) -> Result<(), Denied> {
    if t.org_id.is_none() {
        return Err(Denied::invalid(
            "assessment",
            "问卷调查只用于评价机构的现场评价；企业自评不能发放问卷",
            "Questionnaires belong to an evaluation body's on-site assessment; a self-assessment has none",
        ));
    }
    if !p.role.is_body_editor() || p.org_id != t.org_id {
        return Err(Denied::forbidden(
            "只有负责本次现场评价的评价机构的管理员或审核员可以管理问卷",
            "Only an admin or auditor of the body running this on-site assessment may manage its questionnaires",
        ));
    }
    if t.likert_items == 0 {
        return Err(Denied::invalid(
            "assessment",
            "本评价没有以“问卷调查”评价的指标，不需要问卷",
            "This assessment has no item evaluated by questionnaire",
        ));
    }
    Ok(())
}

/// What the body typed to open a questionnaire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenInput {
    /// `YYYY-MM-DD`.
    pub closes_on: String,
    /// How many links (a whole number).
    pub links: String,
}

/// A checked opening: the closing day and the number of links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub closes_on: NaiveDate,
    pub links: u32,
}

/// Check the closing day against `today` (China time): after today, at most
/// [`MAX_DAYS_AHEAD`] days ahead.
pub fn check_closes_on(closes_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    let latest = today + Days::new(MAX_DAYS_AHEAD);
    let first = today + Days::new(1);
    if closes_on <= today {
        return Err(FieldError::new(
            "closes_on",
            format!(
                "截止日期须晚于今天（{}）；最早可选 {}",
                day_zh(today),
                day_zh(first)
            ),
            format!(
                "The closing date must be after today ({}); the earliest is {}",
                today, first
            ),
        ));
    }
    if closes_on > latest {
        return Err(FieldError::new(
            "closes_on",
            format!(
                "截止日期最晚为今天起 {} 天，即 {}；{} 太远",
                MAX_DAYS_AHEAD,
                day_zh(latest),
                day_zh(closes_on)
            ),
            format!(
                "The closing date may be at most {} days ahead, {}; {} is too far",
                MAX_DAYS_AHEAD, latest, closes_on
            ),
        ));
    }
    Ok(())
}

/// Check what the body typed to open a questionnaire on `today` (China time); every field at
/// fault is named.
pub fn check_open(input: &OpenInput, today: NaiveDate) -> Result<Opening, Denied> {
    let mut errors = Vec::new();
    let closes_on = match input.closes_on.trim().parse::<NaiveDate>() {
        Ok(d) => match check_closes_on(d, today) {
            Ok(()) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        Err(_) => {
            errors.push(FieldError::new(
                "closes_on",
                format!(
                    "请填写截止日期，格式如 {}",
                    today + Days::new(MAX_DAYS_AHEAD / 3)
                ),
                format!(
                    "Enter the closing date as YYYY-MM-DD, e.g. {}",
                    today + Days::new(MAX_DAYS_AHEAD / 3)
                ),
            ));
            None
        }
    };
    let links = match check_links(&input.links) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (closes_on, links) {
        (Some(closes_on), Some(links)) if errors.is_empty() => Ok(Opening { closes_on, links }),
        _ => Err(Denied::Invalid(errors)),
    }
}

/// How many links to hand out: a whole number from 1 to [`MAX_LINKS`].
pub fn check_links(s: &str) -> Result<u32, FieldError> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_LINKS).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            "links",
            format!(
                "链接数须为 1 至 {} 的整数（每个链接只能提交一份问卷）；“{}”不可用",
                MAX_LINKS,
                s.trim()
            ),
            format!(
                "The number of links must be a whole number from 1 to {} (each link takes one response); “{}” is not",
                MAX_LINKS,
                s.trim()
            ),
        )),
    }
}

/// Whether a questionnaire is closed at `now`: closed by the body, or past its closing day
/// in China time.
pub fn is_closed(status: QuestionnaireStatus, closes_on: NaiveDate, now: DateTime<Utc>) -> bool {
    status == QuestionnaireStatus::Closed || china_day(now) > closes_on
}

/// Whether another questionnaire may be opened on an assessment: only while none of its
/// questionnaires takes answers (`open`: each one's status and closing day), and only on a
/// draft.
pub fn may_open(
    t: &Target,
    others: &[(QuestionnaireStatus, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<(), Denied> {
    if t.status != AssessmentStatus::Draft {
        return Err(Denied::locked(
            "评价已提交并锁定，不能再发放问卷",
            "The assessment is submitted and locked; no questionnaire can be opened",
        ));
    }
    if let Some((_, on)) = others.iter().find(|(s, on)| !is_closed(*s, *on, now)) {
        return Err(Denied::conflict(
            format!(
                "本评价已有一份进行中的问卷（截止 {}）；请先结束它再发放新问卷",
                day_zh(*on)
            ),
            format!(
                "This assessment already has an open questionnaire (closing {}); close it before opening another",
                on
            ),
        ));
    }
    Ok(())
}

/// Whether the body may close a questionnaire (or hand out more links): it must still be
/// open.
pub fn may_change(
    status: QuestionnaireStatus,
    closes_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), Denied> {
    if status == QuestionnaireStatus::Closed {
        return Err(Denied::conflict(
            "问卷已经结束",
            "The questionnaire is already closed",
        ));
    }
    if is_closed(status, closes_on, now) {
        return Err(Denied::conflict(
            format!("问卷已于 {} 截止", day_zh(closes_on)),
            format!("The questionnaire closed on {}", closes_on),
        ));
    }
    Ok(())
}

/// What the rules know of the link a respondent followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkFacts {
    pub used: bool,
    pub status: QuestionnaireStatus,
    pub closes_on: NaiveDate,
}

/// Why a link takes no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    /// No such link (mistyped, cut short, or never issued).
    Unknown,
    /// The link has already taken its response.
    Used,
    /// Closed by the body.
    Closed,
    /// Past its closing day.
    Expired { closes_on: NaiveDate },
}

impl LinkRefused {
    /// What the respondent reads.
    pub fn message(&self) -> Msg {
        match self {
            LinkRefused::Unknown => Msg::new(
                "链接无效：请检查链接是否完整，或向发放问卷的机构索取新的链接",
                "This link is not valid: check that it is complete, or ask the body that sent it for a new one",
            ),
            LinkRefused::Used => Msg::new(
                "此链接已使用：每个链接只能提交一次问卷。感谢您的参与！",
                "This link has been used: each link takes one response. Thank you for taking part!",
            ),
            LinkRefused::Closed => Msg::new(
                "问卷已结束，不再接受回答。感谢您的关注！",
                "The questionnaire is closed and takes no more answers. Thank you!",
            ),
            LinkRefused::Expired { closes_on } => Msg::new(
                format!("问卷已于 {} 截止，不再接受回答。感谢您的关注！", day_zh(*closes_on)),
                format!(
                    "The questionnaire closed on {} and takes no more answers. Thank you!",
                    closes_on
                ),
            ),
        }
    }
}

/// Whether the link (`None`: unknown) may answer at `now`: unused, and its questionnaire
/// open on that day in China time (its closing day included).
pub fn may_answer(link: Option<&LinkFacts>, now: DateTime<Utc>) -> Result<(), LinkRefused> {
    let Some(l) = link else {
        return Err(LinkRefused::Unknown);
    };
    if l.used {
        return Err(LinkRefused::Used);
    }
    if l.status == QuestionnaireStatus::Closed {
        return Err(LinkRefused::Closed);
    }
    if china_day(now) > l.closes_on {
        return Err(LinkRefused::Expired {
            closes_on: l.closes_on,
        });
    }
    Ok(())
}

/// The item as respondents see it named: its number in the questionnaire and the start of its
/// text.
fn item_name(n: usize, it: &Item) -> (String, String) {
    let short: String = it.text.chars().take(24).collect();
    let more = if it.text.chars().count() > 24 {
        "…"
    } else {
        ""
    };
    (
        format!("第 {} 题（{}{}）", n, short, more),
        format!("Question {} ({}{})", n, short, more),
    )
}

/// Check a response (the form's fields by item id; other fields are ignored): every item
/// rated with a whole number from 1 to 5. The ratings by item, in the questionnaire's order,
/// or an error on each item at fault, naming it.
pub fn check_response(
    items: &[Item],
    form: &BTreeMap<String, String>,
) -> Result<Vec<(String, u8)>, Vec<FieldError>> {
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (k, it) in items.iter().enumerate() {
        let (zh, en) = item_name(k + 1, it);
        match form.get(&it.id).map(|s| s.trim()) {
            None | Some("") => errors.push(FieldError::new(
                &it.id,
                format!("{}未作答：请在 1 至 5 中选择一项", zh),
                format!("{} is not answered: choose one of 1 to 5", en),
            )),
            Some(s) => match s.parse::<u8>() {
                Ok(x) if (SCALE.0..=SCALE.1).contains(&x) => out.push((it.id.clone(), x)),
                _ => errors.push(FieldError::new(
                    &it.id,
                    format!("{}的回答“{}”无效：请在 1 至 5 中选择一项", zh, s),
                    format!("{}: “{}” is not a rating; choose one of 1 to 5", en, s),
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One item's aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemAggregate {
    pub id: String,
    /// Responses that rate it.
    pub count: usize,
    /// The mean rating (1–5).
    pub mean: f64,
    /// The I-13 score: `max × (mean − 1) / 4`.
    pub score: f64,
    pub max: f64,
}

/// The I-13 score of a mean rating on an item worth `max` points.
pub fn item_score(max: f64, mean: f64) -> f64 {
    max * (mean - 1.0) / 4.0
}

/// Each item's ratings over the responses (stored responses: ratings by item id; a rating
/// off the scale or of another item is left out).
fn ratings<'a>(
    items: &'a [Item],
    responses: &'a [BTreeMap<String, u8>],
) -> impl Iterator<Item = (&'a Item, Vec<u8>)> + 'a {
    items.iter().map(move |it| {
        let xs = responses
            .iter()
            .filter_map(|r| r.get(&it.id).copied())
            .filter(|x| (SCALE.0..=SCALE.1).contains(x))
            .collect();
        (it, xs)
    })
}

/// Every item's count, mean and I-13 score (an item nobody rated is left out).
pub fn aggregate(items: &[Item], responses: &[BTreeMap<String, u8>]) -> Vec<ItemAggregate> {
    ratings(items, responses)
        .filter(|(_, xs)| !xs.is_empty())
        .map(|(it, xs)| {
            let mean = xs.iter().map(|x| f64::from(*x)).sum::<f64>() / xs.len() as f64;
            ItemAggregate {
                id: it.id.clone(),
                count: xs.len(),
                mean,
                score: item_score(it.max, mean),
                max: it.max,
            }
        })
        .collect()
}

/// Why the aggregate is not shown yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// Still taking answers.
    Open,
    /// Fewer than [`MIN_RESPONSES`] responses.
    TooFew { got: usize },
}

impl Withheld {
    pub fn message(&self) -> Msg {
        match self {
            Withheld::Open => Msg::new(
                format!(
                    "问卷结束后（且至少 {} 份回答）才显示汇总结果：进行中显示的结果会随每份新回答变化，由前后之差即可推出这一份回答",
                    MIN_RESPONSES
                ),
                format!(
                    "The aggregate is shown once the questionnaire is closed (with at least {} responses): a result shown while answers come in would give each new response away by difference",
                    MIN_RESPONSES
                ),
            ),
            Withheld::TooFew { got } => Msg::new(
                format!(
                    "只有 {} 份回答；至少 {} 份回答才显示汇总结果，以免推出个人的回答",
                    got, MIN_RESPONSES
                ),
                format!(
                    "Only {} responses; the aggregate is shown from {} responses on, so that no single person's answers can be inferred",
                    got, MIN_RESPONSES
                ),
            ),
        }
    }
}

/// What the body sees of a questionnaire's responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub count: usize,
    /// The aggregate, or why it is withheld.
    pub aggregate: Result<Vec<ItemAggregate>, Withheld>,
}

/// The count, and the aggregate once `closed` with at least [`MIN_RESPONSES`] responses.
pub fn results(items: &[Item], responses: &[BTreeMap<String, u8>], closed: bool) -> Results {
    let count = responses.len();
    let aggregate = if count < MIN_RESPONSES {
        Err(Withheld::TooFew { got: count })
    } else if !closed {
        Err(Withheld::Open)
    } else {
        Ok(aggregate(items, responses))
    };
    Results { count, aggregate }
}

/// Whether the aggregate may be written into the assessment: closed, with at least
/// [`MIN_RESPONSES`] responses, on a draft assessment.
pub fn may_apply(closed: bool, count: usize, status: AssessmentStatus) -> Result<(), Denied> {
    if status != AssessmentStatus::Draft {
        return Err(Denied::locked(
            "评价已提交并锁定，不能再写入问卷结果",
            "The assessment is submitted and locked; questionnaire results can no longer be written",
        ));
    }
    if !closed {
        return Err(Denied::conflict(
            "问卷结束后才能把结果写入评价；请先结束问卷",
            "Close the questionnaire before writing its results into the assessment",
        ));
    }
    if count < MIN_RESPONSES {
        return Err(Denied::conflict(
            format!(
                "只有 {} 份回答；至少 {} 份回答才能写入评价",
                count, MIN_RESPONSES
            ),
            format!(
                "Only {} responses; at least {} are needed to write the results into the assessment",
                count, MIN_RESPONSES
            ),
        ));
    }
    Ok(())
}

/// The answers that apply the responses to the assessment: for each item rated by someone,
/// its ratings sorted (the answer `{"likert": [...]}`, which the core scores by I-13).
pub fn likert_answers(
    items: &[Item],
    responses: &[BTreeMap<String, u8>],
) -> Vec<(String, Vec<u8>)> {
    ratings(items, responses)
        .filter(|(_, xs)| !xs.is_empty())
        .map(|(it, mut xs)| {
            xs.sort_unstable();
            (it.id.clone(), xs)
        })
        .collect()
}

/// A stored response read back (ratings by item id), or `None` for text that is not one.
pub fn parse_stored(text: &str) -> Option<BTreeMap<String, u8>> {
    serde_json::from_str(text).ok()
}

/// A response as stored: ratings by item id, in the questionnaire's order.
pub fn stored(ratings: &[(String, u8)]) -> String {
    let m: serde_json::Map<String, serde_json::Value> = ratings
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::from(*v)))
        .collect();
    serde_json::Value::Object(m).to_string()
}

#[cfg(test)]
#[path = "questionnaire_tests.rs"]
mod tests;
