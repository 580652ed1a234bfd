//! The rules as data: `schemes/sh-service-cloud-points/rules.toml` read into typed rules and
//! levels, checked, and bound to the date from which they apply (a rule *version*).
//!
//! The engine knows a handful of ways to count (a one-off item, things held by subject, login
//! days and runs, registration years, campaigns); which way a rule counts is read from its
//! fields (`event`, `once`, `reversed_by`, `party`, the printed name and unit), and what it
//! is worth (`points`, `cap`, the run length, `min_good_review_share`) is the file's. A rules
//! file the engine cannot count is refused when read, naming the rule and the field.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod check;
mod versions;

use check::{check_levels, check_unique, counting};
pub use versions::Versions;

/// The shipped rules file, compiled in: the default version.
pub const BUILTIN: &str = include_str!("../../../../schemes/sh-service-cloud-points/rules.toml");

/// The name of the event that states a shop's registration date (I-22); no rule names it.
pub const SHOP_REGISTERED: &str = "shop_registered";

/// Who acts: a person or an enterprise (the printed 个人用户 / 企业用户).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Person,
    Enterprise,
}

/// How a rule counts, read from its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// Points per full year since `shop_registered` (002-P1).
    Years,
    /// Once per shop while done; taken back when undone, earned again when redone (002-P2).
    Once,
    /// Per subject held (follower, certificate, product, order, review, reply): once per
    /// subject while held, taken back by the reversal (002-P5, P9).
    Subject,
    /// A good review (`good: true`) by the rule's party (002-P6).
    GoodReview,
    /// A review with text by the rule's party (002-P6).
    Comment,
    /// One per distinct Asia/Shanghai login day (002-P4).
    LoginDay,
    /// On every n-th consecutive login day (002-P4).
    LoginRun(u32),
    /// Once per closed campaign whose good-review share reaches the threshold (002-P7).
    Campaign,
}

/// One row of 一、卖家积分规则, typed.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub group: String,
    pub name: String,
    pub unit: String,
    pub points: i64,
    pub cap: Option<i64>,
    pub party: Option<Party>,
    pub event: String,
    pub reversed_by: Option<String>,
    pub counting: Counting,
    /// The threshold of a campaign rule in millionths (0.70 → 700 000): compared in integers.
    pub min_share_ppm: Option<u64>,
    pub seed_line: u32,
    pub interpretations: Vec<String>,
    /// Where the rule is printed and how it is read, for a history line:
    /// "卖家关注/个人用户（第135行；002-P5、002-P9）".
    pub clause: Arc<str>,
}

/// The level kinds of 二、卖家评价等级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LevelKind {
    Star,
    Diamond,
    Crown,
}

impl LevelKind {
    /// The kind in Chinese: 星, 钻, 冠.
    pub fn zh(self) -> &'static str {
        match self {
            LevelKind::Star => "星",
            LevelKind::Diamond => "钻",
            LevelKind::Crown => "冠",
        }
    }
}

/// One cell of the level table: a closed range of points (`max` none: no upper end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub id: String,
    pub kind: LevelKind,
    pub n: u8,
    pub min: i64,
    #[serde(default)]
    pub max: Option<i64>,
    pub printed: String,
    pub seed_line: u32,
    #[serde(default)]
    pub interpretations: Vec<String>,
}

/// A rules file as written (see the comments at the top of rules.toml).
#[derive(Debug, Deserialize)]
struct File {
    id: String,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    count: Option<FileCount>,
    #[serde(default)]
    rule: Vec<FileRule>,
    #[serde(default)]
    level: Vec<Level>,
    #[serde(default)]
    interpretation: Vec<FileInterpretation>,
}

#[derive(Debug, Deserialize)]
struct FileCount {
    rules: usize,
    levels: usize,
}

#[derive(Debug, Deserialize)]
struct FileInterpretation {
    id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRule {
    id: String,
    group: String,
    name: String,
    unit: String,
    points: i64,
    event: String,
    seed_line: u32,
    #[serde(default)]
    once: bool,
    #[serde(default)]
    cap: Option<i64>,
    #[serde(default)]
    remark: Option<String>,
    #[serde(default)]
    party: Option<Party>,
    #[serde(default)]
    reversed_by: Option<String>,
    #[serde(default)]
    min_good_review_share: Option<f64>,
    #[serde(default)]
    interpretations: Vec<String>,
}

/// What an event name does under a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Gives the points of these rules (index into [`Version::rules`] through `Version::by_event`).
    Give,
    /// Takes back what the event named `Version::events[i]` gave.
    Reverse,
    /// `shop_registered`.
    Registered,
    /// A rule's event that no stream may carry (`registration_year_completed`: years come
    /// from `shop_registered` alone, I-22).
    Derived,
}

/// A rules version: the file's rules and levels, in force from `effective_from`. Its `id` is
/// the first 12 hex digits of SHA-256 over the file, so a changed file is a new version.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: String,
    pub effective_from: NaiveDate,
    pub rules: Vec<Rule>,
    pub levels: Vec<Level>,
    /// Event name → (its role, the index of the giving event in `giving`).
    pub(crate) names: HashMap<String, (Role, usize)>,
    /// Giving event names, with the rules each gives.
    pub(crate) giving: Vec<(String, Vec<usize>)>,
}

/// A rules file that cannot be used: the rule or level (or the file) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    /// `rule company-certificate`, `level star-1`, or empty for the whole file.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for RulesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "积分规则文件：{}", self.message)
        } else {
            write!(f, "积分规则文件 {}：{}", self.at, self.message)
        }
    }
}

fn err(at: impl Into<String>, message: impl Into<String>) -> RulesError {
    RulesError {
        at: at.into(),
        message: message.into(),
    }
}

impl Version {
    /// The latest shipped rules version (`versions.toml`; `rules.toml` from 2026-01-01).
    pub fn builtin() -> Version {
        Versions::shipped().latest().clone()
    }

    /// Read and check a rules file; `effective_from` is the caller's (the file has none).
    pub fn parse(text: &str, effective_from: NaiveDate) -> Result<Version, RulesError> {
        let file: File = toml::from_str(text).map_err(|e| err("", e.message().to_string()))?;
        if file.id.trim().is_empty() {
            return Err(err("id", "不能为空"));
        }
        if let Some(tz) = &file.timezone {
            if tz != "Asia/Shanghai" {
                return Err(err(
                    "timezone",
                    format!("“{tz}”：只支持 Asia/Shanghai（UTC+8）"),
                ));
            }
        }
        let known: Vec<&str> = file.interpretation.iter().map(|i| i.id.as_str()).collect();
        let mut rules = Vec::with_capacity(file.rule.len());
        for r in file.rule {
            rules.push(typed(r, &known)?);
        }
        check_unique(rules.iter().map(|r| &*r.id), "rule")?;
        if rules.len() > 64 {
            return Err(err("rule", format!("{} 条规则：至多 64 条", rules.len())));
        }
        check_levels(&file.level)?;
        if let Some(c) = &file.count {
            if c.rules != rules.len() {
                let m = format!("[count] rules = {}，实际 {} 条规则", c.rules, rules.len());
                return Err(err("count.rules", m));
            }
            if c.levels != file.level.len() {
                let m = format!(
                    "[count] levels = {}，实际 {} 个等级",
                    c.levels,
                    file.level.len()
                );
                return Err(err("count.levels", m));
            }
        }
        let (names, giving) = index(&rules)?;
        let id = Sha256::digest(text.as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Version {
            id,
            effective_from,
            rules,
            levels: file.level,
            names,
            giving,
        })
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// The level of a total: the cell whose closed range holds it; none for 0 (002-P8).
    pub fn level_of(&self, points: i64) -> Option<&Level> {
        self.levels
            .iter()
            .find(|l| l.min <= points && l.max.is_none_or(|m| points <= m))
    }

    /// Every event name a stream may carry under this version, in the file's order.
    pub fn event_names(&self) -> Vec<&str> {
        let mut v: Vec<(&str, usize)> = Vec::new();
        for (name, (role, _)) in &self.names {
            if *role != Role::Derived {
                let first = self
                    .rules
                    .iter()
                    .position(|r| &r.event == name || r.reversed_by.as_deref() == Some(name))
                    .unwrap_or(0);
                v.push((name, first * 2 + usize::from(*role == Role::Reverse)));
            }
        }
        v.sort();
        v.sort_by_key(|(_, o)| *o);
        v.into_iter().map(|(n, _)| n).collect()
    }
}

fn typed(r: FileRule, known: &[&str]) -> Result<Rule, RulesError> {
    let at = format!("rule {}", r.id);
    if r.points <= 0 {
        return Err(err(at, format!("points = {}：分值应为正整数", r.points)));
    }
    if let Some(c) = r.cap {
        if c < r.points {
            return Err(err(at, format!("cap = {c}：上限应不小于分值 {}", r.points)));
        }
    }
    for i in &r.interpretations {
        if !known.contains(&i.as_str()) {
            return Err(err(
                at,
                format!("interpretations 中的 {i} 没有对应的 [[interpretation]]"),
            ));
        }
    }
    let counting = counting(&r).map_err(|m| err(at.clone(), m))?;
    let min_share_ppm = match (counting, r.min_good_review_share) {
        (Counting::Campaign, Some(s)) if s > 0.0 && s <= 1.0 => Some((s * 1e6).round() as u64),
        (Counting::Campaign, _) => {
            return Err(err(
                at,
                "min_good_review_share 应为 (0, 1] 之间的小数，如 0.70",
            ));
        }
        (_, Some(_)) => {
            return Err(err(at, "min_good_review_share 只用于 campaign_closed 规则"));
        }
        (_, None) => None,
    };
    let mut clause = format!("{}/{}（第{}行", r.group, r.name, r.seed_line);
    if !r.interpretations.is_empty() {
        clause.push('；');
        clause.push_str(&r.interpretations.join("、"));
    }
    clause.push('）');
    let _ = r.remark;
    Ok(Rule {
        id: r.id.into(),
        group: r.group,
        name: r.name,
        unit: r.unit,
        points: r.points,
        cap: r.cap,
        party: r.party,
        event: r.event,
        reversed_by: r.reversed_by,
        counting,
        min_share_ppm,
        seed_line: r.seed_line,
        interpretations: r.interpretations,
        clause: clause.into(),
    })
}

type Index = (HashMap<String, (Role, usize)>, Vec<(String, Vec<usize>)>);

/// Event names → roles; one reversal per giving event.
fn index(rules: &[Rule]) -> Result<Index, RulesError> {
    let mut names: HashMap<String, (Role, usize)> = HashMap::new();
    let mut giving: Vec<(String, Vec<usize>)> = Vec::new();
    names.insert(SHOP_REGISTERED.into(), (Role::Registered, 0));
    for (i, r) in rules.iter().enumerate() {
        if r.counting == Counting::Years {
            names.insert(r.event.clone(), (Role::Derived, 0));
            continue;
        }
        let g = match giving.iter().position(|(n, _)| *n == r.event) {
            Some(g) => g,
            None => {
                giving.push((r.event.clone(), Vec::new()));
                giving.len() - 1
            }
        };
        let first = &rules[giving[g].1.first().copied().unwrap_or(i)];
        if first.reversed_by != r.reversed_by {
            let m = format!(
                "与同一事件 {} 的规则 {} 的 reversed_by 不同",
                r.event, first.id
            );
            return Err(err(format!("rule {}", r.id), m));
        }
        giving[g].1.push(i);
        names.insert(r.event.clone(), (Role::Give, g));
        if let Some(rev) = &r.reversed_by {
            if let Some((Role::Give, _)) = names.get(rev) {
                let m = format!("reversed_by = {rev} 同时是加分事件");
                return Err(err(format!("rule {}", r.id), m));
            }
            names.insert(rev.clone(), (Role::Reverse, g));
        }
    }
    for (name, (role, _)) in &names {
        if *role == Role::Reverse && giving.iter().any(|(n, _)| n == name) {
            return Err(err("rule", format!("事件 {name} 既加分又撤回")));
        }
    }
    Ok((names, giving))
}
