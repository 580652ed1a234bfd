//! Precedence of answers (I-20): who stands behind an answer, and what a save over it does.
//!
//! Three standings, lowest first:
//! 1. [`Standing::Enterprise`]: the enterprise's own figures — a self-declared answer not yet
//!    verified, or third-party data the enterprise sent with its evidence;
//! 2. [`Standing::Platform`]: platform data from the platform operator;
//! 3. [`Standing::Body`]: the evaluation body — on-site answers, answers its reviewers
//!    verified (or accepted from a proposal), anything else its staff or experts entered.
//!
//! A save replaces an answer of the same or a lower standing. Over a higher one:
//! - the same value changes nothing (re-saving a whole table does not dispute the protected
//!   answers in it);
//! - the enterprise's value is kept beside the answer as a disputed proposal that the body
//!   resolves; clearing a protected answer is refused (there is nothing to propose);
//! - the platform operator's save is refused with the reason.
//!
//! The body's saves are never refused by precedence: it has the last word (and answers for
//! it with its verification records).

use crate::msg::{Denied, Lang, Msg};
use crate::text::{Role, Source};

/// Who stands behind an answer or a save, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    Enterprise,
    Platform,
    Body,
}

impl Standing {
    /// Every standing, lowest first.
    pub const ALL: [Standing; 3] = [Standing::Enterprise, Standing::Platform, Standing::Body];

    /// The standing of a save by a person in this role: enterprise members, platform
    /// operators, and everyone else who may answer (a body's auditors, admins and experts).
    pub fn of_role(role: Role) -> Standing {
        match role {
            Role::Enterprise => Standing::Enterprise,
            Role::Operator => Standing::Platform,
            _ => Standing::Body,
        }
    }

    /// The standing of a stored answer: from its source, whether it is verified, and the
    /// role of the person who gave it (or verified it). A self-declared answer is the
    /// enterprise's until a reviewer verifies it, whoever typed it in; platform data entered
    /// by the body's staff is the body's.
    pub fn of_answer(source: Option<Source>, verified: bool, giver: Role) -> Standing {
        let by = Standing::of_role(giver);
        match source {
            Some(Source::SelfDeclared) if !verified => Standing::Enterprise,
            Some(Source::SelfDeclared | Source::Onsite | Source::Expert) => Standing::Body,
            Some(Source::Platform) => by.max(Standing::Platform),
            Some(Source::ThirdParty) | None => by,
        }
    }

    /// What an answer of this standing is, for people.
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            Standing::Enterprise => l.t("企业自己提供的数据", "the enterprise's own data"),
            Standing::Platform => l.t("平台数据", "platform data"),
            Standing::Body => l.t(
                "评价机构现场给出或核验过的答案",
                "an answer given or verified by the evaluation body",
            ),
        }
    }
}

/// What a save over the current answer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// The save replaces the answer.
    Replace,
    /// The save gives the value the protected answer already has: nothing is written.
    Unchanged,
    /// The enterprise's value is kept beside the protected answer as a disputed proposal.
    Propose,
    /// Refused: the answer stays as it is.
    Refuse,
}

/// What a save of standing `by` does over the answer held now (`held`: none when the item
/// has no answer). `same_value`: the save gives the value the answer has; `clears`: the
/// save removes the answer.
pub fn overwrite(
    by: Standing,
    held: Option<Standing>,
    same_value: bool,
    clears: bool,
) -> Overwrite {
    match held {
        None => Overwrite::Replace,
        Some(h) if by >= h => Overwrite::Replace,
        Some(_) if same_value && !clears => Overwrite::Unchanged,
        Some(_) if by == Standing::Enterprise && !clears => Overwrite::Propose,
        Some(_) => Overwrite::Refuse,
    }
}

/// The protected answer, as the messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldAnswer<'a> {
    pub standing: Standing,
    /// The value as shown to people.
    pub value: &'a str,
    pub source: Option<Source>,
    /// The name of the person who gave (or last verified) it.
    pub giver: &'a str,
}

impl HeldAnswer<'_> {
    /// "88（平台数据，由 张三 给出）", or for a self-declared figure the body verified
    /// "90（企业自报，由 李四 核验）".
    fn described(&self, l: Lang) -> String {
        let source = self.source.map(|s| s.label(l)).unwrap_or("");
        let verified = self.source == Some(Source::SelfDeclared) && self.standing == Standing::Body;
        match (l, verified) {
            (Lang::Zh, false) => format!("{}（{}，由 {} 给出）", self.value, source, self.giver),
            (Lang::Zh, true) => format!("{}（{}，由 {} 核验）", self.value, source, self.giver),
            (Lang::En, false) => format!("{} ({}, given by {})", self.value, source, self.giver),
            (Lang::En, true) => format!("{} ({}, verified by {})", self.value, source, self.giver),
        }
    }
}

/// The refusal of a save over a protected answer: who gave the current value, from which
/// source, and why it stays.
pub fn refusal(held: &HeldAnswer, by: Standing, clears: bool) -> Denied {
    let what = |l: Lang| match (clears, l) {
        (true, Lang::Zh) => "清除",
        (false, Lang::Zh) => "覆盖",
        (true, Lang::En) => "cleared",
        (false, Lang::En) => "overwritten",
    };
    Denied::Conflict(Msg::new(
        format!(
            "当前答案 {}属于{}，优先于{}，不能被{}；答案未改变。如有异议，请联系评价机构",
            held.described(Lang::Zh),
            held.standing.label(Lang::Zh),
            by.label(Lang::Zh),
            what(Lang::Zh),
        ),
        format!(
            "The current answer {} is {}, which takes precedence over {}; it cannot be {}, and nothing was changed. To dispute it, contact the evaluation body",
            held.described(Lang::En),
            held.standing.label(Lang::En),
            by.label(Lang::En),
            what(Lang::En),
        ),
    ))
}

/// What the enterprise is told when its save became a disputed proposal.
pub fn proposed(held: &HeldAnswer, value: &str) -> Msg {
    Msg::new(
        format!(
            "当前答案 {}受保护（{}），不会被直接覆盖：你填写的 {} 已作为待裁决的提议保存在它旁边，由评价机构审核后决定是否采纳",
            held.described(Lang::Zh),
            held.standing.label(Lang::Zh),
            value
        ),
        format!(
            "The current answer {} is protected ({}) and is not overwritten: your value {} is kept beside it as a disputed proposal for the evaluation body to accept or reject",
            held.described(Lang::En),
            held.standing.label(Lang::En),
            value
        ),
    )
}

/// What a save of the protected answer's own value is told.
pub fn unchanged(held: &HeldAnswer) -> Msg {
    Msg::new(
        format!("数值与当前答案 {} 相同，未作修改", held.described(Lang::Zh)),
        format!(
            "The value is the current answer's, {}; nothing was changed",
            held.described(Lang::En)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> impl Iterator<Item = Role> {
        Role::ALL.iter().copied()
    }

    fn sources() -> impl Iterator<Item = Option<Source>> {
        std::iter::once(None).chain(Source::ALL.iter().copied().map(Some))
    }

    /// Every stored answer the rule can meet: each source, verified or not, by each role.
    fn held_answers() -> Vec<Standing> {
        let mut v = Vec::new();
        for s in sources() {
            for verified in [false, true] {
                for r in roles() {
                    v.push(Standing::of_answer(s, verified, r));
                }
            }
        }
        v
    }

    #[test]
    fn the_issues_examples() {
        // the operator's platform answer, and the same figure verified by a reviewer
        let platform = Standing::of_answer(Some(Source::Platform), true, Role::Operator);
        let verified = Standing::of_answer(Some(Source::SelfDeclared), true, Role::Auditor);
        assert_eq!(platform, Standing::Platform);
        assert_eq!(verified, Standing::Body);
        let ent = Standing::of_role(Role::Enterprise);
        // the enterprise's 100 does not replace the verified 88: it becomes a proposal
        assert_eq!(
            overwrite(ent, Some(verified), false, false),
            Overwrite::Propose
        );
        assert_eq!(
            overwrite(ent, Some(platform), false, false),
            Overwrite::Propose
        );
        // the operator's platform data does not replace a reviewer's answer
        let op = Standing::of_role(Role::Operator);
        assert_eq!(
            overwrite(op, Some(verified), false, false),
            Overwrite::Refuse
        );
        let onsite = Standing::of_answer(Some(Source::Onsite), true, Role::Auditor);
        assert_eq!(overwrite(op, Some(onsite), false, false), Overwrite::Refuse);
        // a reviewer's on-site answer replaces platform data
        let aud = Standing::of_role(Role::Auditor);
        assert_eq!(
            overwrite(aud, Some(platform), false, false),
            Overwrite::Replace
        );
    }

    #[test]
    fn the_enterprises_own_answers_stay_its_own() {
        let ent = Standing::of_role(Role::Enterprise);
        for s in [Source::SelfDeclared, Source::ThirdParty] {
            let held = Standing::of_answer(Some(s), s == Source::ThirdParty, Role::Enterprise);
            assert_eq!(held, Standing::Enterprise, "{s}");
            for same in [false, true] {
                for clears in [false, true] {
                    assert_eq!(overwrite(ent, Some(held), same, clears), Overwrite::Replace);
                }
            }
        }
        // a self-declared figure typed in by staff is still unverified
        assert_eq!(
            Standing::of_answer(Some(Source::SelfDeclared), false, Role::Auditor),
            Standing::Enterprise
        );
        // platform data typed in by the body's staff is the body's
        assert_eq!(
            Standing::of_answer(Some(Source::Platform), true, Role::BodyAdmin),
            Standing::Body
        );
    }

    /// Exhaustive over every role saving over every stored answer (the domain is small
    /// enough to try all of it, which a random sample would only approach).
    #[test]
    fn no_save_replaces_a_higher_answer() {
        for by_role in roles() {
            let by = Standing::of_role(by_role);
            for held in held_answers() {
                for same in [false, true] {
                    for clears in [false, true] {
                        let o = overwrite(by, Some(held), same, clears);
                        // a replacement is never by a lower standing
                        assert_eq!(o == Overwrite::Replace, by >= held, "{by_role} {held:?}");
                        // only the enterprise proposes, never to clear
                        if o == Overwrite::Propose {
                            assert!(by == Standing::Enterprise && !clears && !same);
                        }
                        // nothing is refused that only repeats the value
                        if o == Overwrite::Refuse {
                            assert!(clears || (!same && by != Standing::Enterprise));
                        }
                        // the body is never refused or held back
                        if by == Standing::Body {
                            assert_eq!(o, Overwrite::Replace);
                        }
                        // the operator never proposes
                        if by == Standing::Platform {
                            assert_ne!(o, Overwrite::Propose);
                        }
                    }
                }
            }
            assert_eq!(overwrite(by, None, false, true), Overwrite::Replace);
        }
    }

    #[test]
    fn the_order_is_total_and_a_higher_save_wins() {
        for a in Standing::ALL {
            for b in Standing::ALL {
                let replaced = overwrite(a, Some(b), false, false) == Overwrite::Replace;
                let back = overwrite(b, Some(a), false, false) == Overwrite::Replace;
                // of two different standings exactly one may replace the other
                assert_eq!(replaced && back, a == b, "{a:?} {b:?}");
                assert!(replaced || back);
            }
        }
    }

    #[test]
    fn messages_name_the_value_its_source_and_who_gave_it() {
        let held = HeldAnswer {
            standing: Standing::Platform,
            value: "88",
            source: Some(Source::Platform),
            giver: "运营方甲",
        };
        let Denied::Conflict(m) = refusal(&held, Standing::Enterprise, true) else {
            panic!()
        };
        assert!(
            m.zh.contains("88（平台数据，由 运营方甲 给出）") && m.zh.contains("清除"),
            "{}",
            m.zh
        );
        assert!(
            m.en.contains("88 (Platform data, given by 运营方甲)"),
            "{}",
            m.en
        );
        let p = proposed(&held, "100");
        assert!(p.zh.contains("100") && p.zh.contains("提议"), "{}", p.zh);
        assert!(unchanged(&held).en.contains("nothing was changed"));
    }
}
