//! Applying one event to a star-rating case: every rule of I-19 is checked here once. The app
//! calls it through `check_next` (a violation refuses the event), `replay` keeps the event and
//! reports the violation. Results are facts: they are recorded, never refused (I-16 edges).

use chrono::NaiveDate;

use super::events::{star_word, DimensionStars, Event, EventKind, Mode, StarCount};
use super::state::*;
use crate::{Rule, Violation};

struct Out {
    index: usize,
    list: Vec<Violation>,
}

impl Out {
    fn push(&mut self, rule: Rule, message: String) {
        self.list.push(Violation {
            event: self.index,
            rule,
            clause: rule.clause(),
            message,
        });
    }
}

pub(super) fn apply(case: &mut StarCase, index: usize, e: &Event) -> Vec<Violation> {
    let mut out = Out {
        index,
        list: Vec::new(),
    };
    let d = e.date;
    if let Some(last) = case.last_date {
        if d < last {
            out.push(
                Rule::EventsInOrder,
                format!(
                    "事件日期 {d} 早于前一事件的日期 {last}：事件须按日期先后记录，最早可记为 {last}"
                ),
            );
        }
    }
    let o = &mut out;
    match &e.kind {
        EventKind::StarApplied { mode } => applied(case, d, *mode),
        EventKind::StarResult {
            mode,
            stars,
            dimension_stars,
        } => result(case, d, *mode, *stars, dimension_stars),
        EventKind::StarAwarded {
            stars,
            by,
            dimension_stars,
        } => awarded(case, o, d, *stars, by, dimension_stars),
        EventKind::SupervisionCompleted {
            stars,
            spot_check,
            by,
        } => supervision(case, o, d, *stars, *spot_check, by),
        EventKind::StarLowered { stars, by, reason } => lowered(case, o, d, *stars, by, reason),
        EventKind::Blacklisted { reason, by } => blacklisted(case, o, d, reason, by),
        EventKind::BlacklistLifted { by, reason: _ } => lifted(case, o, d, by),
    }
    case.events += 1;
    case.last_date = Some(case.last_date.map_or(d, |l| l.max(d)));
    out.list
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn applied(case: &mut StarCase, d: NaiveDate, mode: Mode) {
    if let Some(open) = case.open_application_mut() {
        open.closed = Some((d, Closed::Replaced));
    }
    case.applications.push(Application {
        date: d,
        mode,
        results: Vec::new(),
        closed: None,
    });
}

fn result(
    case: &mut StarCase,
    d: NaiveDate,
    mode: Mode,
    stars: StarCount,
    dims: &Option<DimensionStars>,
) {
    let rec = ResultRec {
        date: d,
        mode,
        stars: stars.get(),
        dimension_stars: plain(dims),
    };
    match case.open_application_mut() {
        Some(app) => app.results.push(rec),
        None => case.warnings.push(format!(
            "{}不属于任何未决定的星级申请，不能作为授予星级的依据",
            rec.words()
        )),
    }
}

/// A broken award rule: the rule, what is wrong, and whether it concerns the comprehensive
/// stars (then the refusal can name the most stars allowed).
struct Problem {
    rule: Rule,
    message: String,
    comprehensive: bool,
}

/// Why an award of `target` stars (with these single-dimension stars) would break the award
/// rules now; empty when it may be made. The decider's name is checked apart. The due list
/// asks the same question for the most stars that may be awarded.
fn award_problems(case: &StarCase, target: u8, dims: Option<&DimensionStars>) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    if let Some(b) = case.blacklisted() {
        p.push(
            Rule::StarBlacklisted,
            format!(
                "企业于 {} 列入黑名单（{}），移出黑名单（blacklist_lifted）前不得授予星级",
                b.date, b.reason
            ),
        );
    }
    let app = match decided_application(case) {
        Ok(app) => app,
        Err(why) => {
            p.push(Rule::StarAwardNeedsResult, why);
            return p.0;
        }
    };
    let Some(latest) = app.latest() else {
        return p.0;
    };
    let (current, t) = (case.current, star_word(target));
    let online = app.has(Mode::Online);
    let onsite = app.latest_of(Mode::Onsite);
    if current == 0 {
        if target != 1 {
            let before = if case.awards.is_empty() {
                "从未获得过综合星级"
            } else {
                "现无综合星级"
            };
            p.push(
                Rule::StarFirstAward,
                format!("企业{before}：不可越级，只能先授予一星级，不能授予{t}"),
            );
        }
    } else if target < current {
        p.push(
            Rule::StarAwardNotLower,
            format!(
                "企业现为{}，授予{t}低于现有星级：降低星级须依据监督审查结果以降低星级（star_lowered）记录",
                star_word(current)
            ),
        );
    } else if target >= 4 {
        let mut missing = Vec::new();
        if current < 3 {
            missing.push(format!("现为{}，未达三星级", star_word(current)));
        }
        if !online {
            missing.push("本次申请没有线上自评结果".to_string());
        }
        if onsite.is_none() {
            missing.push("本次申请没有现场实地审查结果".to_string());
        }
        if !missing.is_empty() {
            p.push(
                Rule::StarFourFive,
                format!(
                    "{t}须已持有三星级及以上，并有本次申请的线上自评和现场实地审查结果：{}",
                    missing.join("；")
                ),
            );
        }
    } else if target > current && !online {
        p.push(
            Rule::StarOnlineStep,
            format!(
                "现为{}，升至{t}须通过线上自评：{}没有线上自评结果",
                star_word(current),
                app.words()
            ),
        );
    }
    if target > latest.stars {
        p.push(
            Rule::StarWithinResult,
            format!("本次申请最新的评价结果是 {}，不能授予{t}", latest.words()),
        );
    }
    if let Some(dims) = dims.filter(|m| !m.is_empty()) {
        match onsite {
            None => p.single(
                Rule::DimensionStarsOnsite,
                format!(
                    "单项星级只在现场实地审查时生成：{}没有现场实地审查结果",
                    app.words()
                ),
            ),
            Some(r) => {
                let given = r.dimension_stars.clone().unwrap_or_default();
                let over: Vec<String> = dims
                    .iter()
                    .filter_map(|(name, s)| match given.get(name) {
                        Some(g) if s.get() <= *g => None,
                        Some(g) => Some(format!(
                            "{name} 授予{}，结果为{}",
                            star_word(s.get()),
                            star_word(*g)
                        )),
                        None => Some(format!("{name} 在结果中没有单项星级")),
                    })
                    .collect();
                if !over.is_empty() {
                    p.single(
                        Rule::StarWithinResult,
                        format!(
                            "单项星级超过 {}给出的单项星级：{}",
                            r.words(),
                            over.join("；")
                        ),
                    );
                }
            }
        }
    }
    p.0
}

struct Problems(Vec<Problem>);

impl Problems {
    /// A problem with the comprehensive stars.
    fn push(&mut self, rule: Rule, message: String) {
        self.0.push(Problem {
            rule,
            message,
            comprehensive: true,
        });
    }

    /// A problem with the single-dimension stars.
    fn single(&mut self, rule: Rule, message: String) {
        self.0.push(Problem {
            rule,
            message,
            comprehensive: false,
        });
    }
}

/// The application an award decides: open and with a result. Else why not, in words.
fn decided_application(case: &StarCase) -> Result<&Application, String> {
    let Some(a) = case.applications.last() else {
        return Err("没有星级申请：授予星级须依据企业的申请（star_applied）和该申请的评价结果（star_result）".into());
    };
    match a.closed {
        Some((d, Closed::Awarded)) => Err(format!(
            "{}已于 {d} 作出授予决定：再次授予须有新的申请和评价结果",
            a.words()
        )),
        Some((d, Closed::Blacklisted)) => Err(format!(
            "{}因企业于 {d} 列入黑名单而终止：须重新申请并评价",
            a.words()
        )),
        // the last application is never replaced (its replacement would be newer)
        Some((d, Closed::Replaced)) => Err(format!("{}已于 {d} 被新的申请取代", a.words())),
        None if a.results.is_empty() => Err(format!(
            "{}尚无评价结果：授予须在评价结果（star_result）之后",
            a.words()
        )),
        None => Ok(a),
    }
}

/// The most stars an award may give now under every award rule, if any.
pub(super) fn award_limit(case: &StarCase) -> Option<u8> {
    (1..=StarCount::MAX)
        .rev()
        .find(|t| award_problems(case, *t, None).is_empty())
}

fn awarded(
    case: &mut StarCase,
    out: &mut Out,
    d: NaiveDate,
    stars: StarCount,
    by: &str,
    dims: &Option<DimensionStars>,
) {
    let target = stars.get();
    let limit = award_limit(case);
    for p in award_problems(case, target, dims.as_ref()) {
        let mut message = p.message;
        if let (Some(l), true) = (limit, p.comprehensive) {
            message.push_str(&format!("（按现有结果最高可授予{}）", star_word(l)));
        }
        out.push(p.rule, message);
    }
    if blank(by) {
        out.push(
            Rule::StarDecisionRecorded,
            "授予星级须记录作出决定的人员（by）".into(),
        );
    }
    if let Some(app) = case.open_application_mut() {
        app.closed = Some((d, Closed::Awarded));
    }
    case.current = target;
    case.dimension_stars = plain(dims);
    case.since = Some(d);
    case.supervision_anchor = Some(d);
    case.basis = None;
    case.awards.push(AwardRec {
        date: d,
        stars: target,
        by: by.to_string(),
        dimension_stars: plain(dims),
    });
}

/// Why the enterprise holds no stars to supervise or lower, in words.
fn no_stars(case: &StarCase) -> String {
    match case.blacklisted() {
        Some(b) => format!("企业于 {} 列入黑名单，现无星级", b.date),
        None if case.awards.is_empty() => "企业尚未获得星级".into(),
        None => "企业现无星级".into(),
    }
}

fn supervision(
    case: &mut StarCase,
    out: &mut Out,
    d: NaiveDate,
    stars: StarCount,
    spot_check: bool,
    by: &Option<String>,
) {
    let what = if spot_check {
        "抽查验证"
    } else {
        "监督审查"
    };
    if case.current == 0 {
        out.push(
            Rule::StarStatus,
            format!("{}：{what}须针对持有星级的企业", no_stars(case)),
        );
    } else if let (false, Some(due)) = (spot_check, case.supervision_due()) {
        if d > due {
            out.push(
                Rule::SupervisionInTime,
                format!(
                    "监督审查应在{}后12个月内、最迟于 {due} 完成，{d} 已逾期",
                    case.anchor_words()
                ),
            );
        }
    }
    let rec = SupervisionRec {
        date: d,
        stars: stars.get(),
        spot_check,
        by: by.clone(),
    };
    if !spot_check && case.current > 0 {
        case.supervision_anchor = Some(d);
    }
    case.basis = Some(rec.clone());
    case.supervisions.push(rec);
}

fn lowered(
    case: &mut StarCase,
    out: &mut Out,
    d: NaiveDate,
    stars: StarCount,
    by: &str,
    reason: &Option<String>,
) {
    let (target, current) = (stars.get(), case.current);
    if blank(by) {
        out.push(
            Rule::StarDecisionRecorded,
            "降低星级须记录作出决定的人员（by）".into(),
        );
    }
    if current == 0 {
        out.push(
            Rule::StarStatus,
            format!("{}：降低星级须针对持有星级的企业", no_stars(case)),
        );
    } else {
        let since = case
            .since
            .map(|s| format!("自 {s} 授予或降低星级以来"))
            .unwrap_or_default();
        match &case.basis {
            None => out.push(
                Rule::StarLowering,
                format!("{since}没有监督审查或抽查验证结果：降低星级须依据监督审查结果"),
            ),
            Some(b) if b.stars >= current => out.push(
                Rule::StarLowering,
                format!(
                    "最近的 {}不少于现有{}：没有降级的依据",
                    b.words(),
                    star_word(current)
                ),
            ),
            Some(b) if b.stars != target => out.push(
                Rule::StarLowering,
                format!(
                    "依据最近的 {}，应由{}降为{}，而不是{}",
                    b.words(),
                    star_word(current),
                    star_word(b.stars),
                    star_word(target)
                ),
            ),
            Some(_) => {}
        }
    }
    case.lowerings.push(LoweringRec {
        date: d,
        from: current,
        to: target,
        by: by.to_string(),
        reason: reason.clone(),
    });
    case.current = target;
    if target == 0 {
        case.dimension_stars = None;
    }
    case.since = Some(d);
    case.basis = None;
}

fn blacklisted(case: &mut StarCase, out: &mut Out, d: NaiveDate, reason: &str, by: &str) {
    let mut missing = Vec::new();
    if blank(reason) {
        missing.push("理由（reason）");
    }
    if blank(by) {
        missing.push("作出决定的人员（by）");
    }
    if !missing.is_empty() {
        out.push(
            Rule::StarDecisionRecorded,
            format!("列入黑名单须写明{}", missing.join("和")),
        );
    }
    if let Some(b) = case.blacklisted() {
        out.push(
            Rule::StarStatus,
            format!("企业已于 {} 列入黑名单（{}），尚未移出", b.date, b.reason),
        );
        return;
    }
    if let Some(app) = case.open_application_mut() {
        app.closed = Some((d, Closed::Blacklisted));
    }
    case.blacklist.push(BlacklistRec {
        date: d,
        reason: reason.to_string(),
        by: by.to_string(),
        stars_before: case.current,
        lifted: None,
    });
    case.current = 0;
    case.dimension_stars = None;
    case.basis = None;
}

fn lifted(case: &mut StarCase, out: &mut Out, d: NaiveDate, by: &str) {
    if blank(by) {
        out.push(
            Rule::StarDecisionRecorded,
            "移出黑名单须记录作出决定的人员（by）".into(),
        );
    }
    match case.blacklist.last_mut().filter(|b| b.lifted.is_none()) {
        Some(b) => b.lifted = Some((d, by.to_string())),
        None => out.push(
            Rule::StarStatus,
            "企业未列入黑名单：移出黑名单须针对已列入的企业".into(),
        ),
    }
}
