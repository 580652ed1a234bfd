//! Notifications: what happened that someone should know (a typed [`Notice`], stored as data
//! and put into words in the reader's language when it is shown), who of an organisation's
//! staff hears of it, the e-mails the platform sends, and when an e-mail that could not be
//! delivered is tried again.
//!
//! Pure: names, links and the time are arguments.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::case_notify::{CaseNews, Names};
use crate::case_remind::Reminder;
use crate::msg::Lang;
use crate::text::{text_enum, Mode, Role, UnknownText};

text_enum! {
    /// What a notification is about (stored beside its payload).
    NoticeKind, "通知类型" {
        Engaged = "engaged", "委托", "Engagement";
        ExpertAssigned = "expert_assigned", "专家指派", "Expert assignment";
        Submitted = "submitted", "评价提交", "Submission";
        Verified = "verified", "核验完成", "Verification finished";
        ChangeRequested = "change_requested", "变更申请", "Change request";
        Deadline = "deadline", "截止提醒", "Deadline reminder";
        CaseEvent = "case_event", "案卷进展", "Case progress";
        CaseDue = "case_due", "案卷待办提醒", "Case reminder";
    }
}

text_enum! {
    /// Where an e-mail of the outbox stands.
    MailStatus, "邮件状态" {
        Pending = "pending", "待发送", "Waiting to be sent";
        Sent = "sent", "已发送", "Sent";
        Failed = "failed", "发送失败，已放弃", "Failed, given up";
    }
}

/// What happened, with the names needed to say it (as they were at the time). Its `kind`
/// tag is the [`NoticeKind`]'s text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// An enterprise engaged an evaluation body or authorised a platform.
    Engaged {
        enterprise_id: i64,
        enterprise: String,
        org: String,
    },
    /// An expert was assigned items of an on-site assessment.
    ExpertAssigned {
        assessment_id: i64,
        title: String,
        enterprise: String,
    },
    /// An assessment was submitted (self-assessment: to its reviewers; on-site: to the
    /// enterprise).
    Submitted {
        assessment_id: i64,
        title: String,
        enterprise: String,
        mode: Mode,
    },
    /// The self-declared answers of an assessment are verified.
    Verified {
        assessment_id: i64,
        title: String,
        enterprise: String,
    },
    /// An enterprise asks to change its locked identity (USCC, name).
    ChangeRequested {
        enterprise_id: i64,
        enterprise: String,
    },
    /// A deadline of an assessment is near (`due`: the date as people read it).
    Deadline {
        assessment_id: i64,
        title: String,
        due: String,
    },
    /// Something happened in a certification case (`date`: the event's day; `certificate`:
    /// the one a grant or a change of scope issued, else the case's current one).
    CaseEvent {
        case_id: i64,
        enterprise: String,
        org: String,
        date: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate: Option<String>,
        news: CaseNews,
    },
    /// Something in a certification case is due in 7 days or today.
    CaseDue {
        case_id: i64,
        enterprise: String,
        org: String,
        reminder: Reminder,
    },
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::Engaged { .. } => NoticeKind::Engaged,
            Notice::ExpertAssigned { .. } => NoticeKind::ExpertAssigned,
            Notice::Submitted { .. } => NoticeKind::Submitted,
            Notice::Verified { .. } => NoticeKind::Verified,
            Notice::ChangeRequested { .. } => NoticeKind::ChangeRequested,
            Notice::Deadline { .. } => NoticeKind::Deadline,
            Notice::CaseEvent { .. } => NoticeKind::CaseEvent,
            Notice::CaseDue { .. } => NoticeKind::CaseDue,
        }
    }

    /// The page it is about (a path of the site).
    pub fn link(&self) -> String {
        match self {
            Notice::Engaged { enterprise_id, .. }
            | Notice::ChangeRequested { enterprise_id, .. } => {
                format!("/enterprises/{enterprise_id}")
            }
            Notice::ExpertAssigned { assessment_id, .. }
            | Notice::Submitted { assessment_id, .. }
            | Notice::Verified { assessment_id, .. }
            | Notice::Deadline { assessment_id, .. } => format!("/assessments/{assessment_id}"),
            Notice::CaseEvent { case_id, .. } | Notice::CaseDue { case_id, .. } => {
                format!("/cases/{case_id}")
            }
        }
    }

    /// One line saying what happened.
    pub fn title(&self, l: Lang) -> String {
        match (self, l) {
            (
                Notice::Engaged {
                    enterprise, org, ..
                },
                Lang::Zh,
            ) => {
                format!("企业“{enterprise}”已委托{org}")
            }
            (
                Notice::Engaged {
                    enterprise, org, ..
                },
                Lang::En,
            ) => {
                format!("{enterprise} has engaged {org}")
            }
            (
                Notice::ExpertAssigned {
                    title, enterprise, ..
                },
                Lang::Zh,
            ) => {
                format!("你被指派为评价专家：{title}（{enterprise}）")
            }
            (
                Notice::ExpertAssigned {
                    title, enterprise, ..
                },
                Lang::En,
            ) => {
                format!("You are assigned as an expert: {title} ({enterprise})")
            }
            (
                Notice::Submitted {
                    title,
                    enterprise,
                    mode: Mode::SelfEvaluation,
                    ..
                },
                Lang::Zh,
            ) => format!("企业“{enterprise}”提交了自评：{title}"),
            (
                Notice::Submitted {
                    title,
                    enterprise,
                    mode: Mode::SelfEvaluation,
                    ..
                },
                Lang::En,
            ) => format!("{enterprise} submitted a self-assessment: {title}"),
            (Notice::Submitted { title, .. }, Lang::Zh) => format!("现场评价已提交：{title}"),
            (Notice::Submitted { title, .. }, Lang::En) => {
                format!("On-site assessment submitted: {title}")
            }
            (
                Notice::Verified {
                    title, enterprise, ..
                },
                Lang::Zh,
            ) => {
                format!("自评已核验：{title}（{enterprise}）")
            }
            (
                Notice::Verified {
                    title, enterprise, ..
                },
                Lang::En,
            ) => {
                format!("Self-assessment verified: {title} ({enterprise})")
            }
            (Notice::ChangeRequested { enterprise, .. }, Lang::Zh) => {
                format!("企业“{enterprise}”申请变更登记信息")
            }
            (Notice::ChangeRequested { enterprise, .. }, Lang::En) => {
                format!("{enterprise} asks to change its registered identity")
            }
            (Notice::Deadline { title, .. }, Lang::Zh) => format!("截止提醒：{title}"),
            (Notice::Deadline { title, .. }, Lang::En) => format!("Deadline: {title}"),
            (Notice::CaseEvent { news, .. }, l) => news.title(self.names(), l),
            (
                Notice::CaseDue {
                    enterprise,
                    reminder,
                    ..
                },
                l,
            ) => reminder.title(enterprise, l),
        }
    }

    /// What to do about it.
    pub fn detail(&self, l: Lang) -> String {
        let t = |zh: &str, en: &str| l.t(zh, en).to_string();
        match self {
            Notice::Engaged { .. } => t(
                "现在可以查看这家企业的登记信息和自评，并为它开展评价。",
                "You can now see this enterprise's record and self-assessments and run assessments for it.",
            ),
            Notice::ExpertAssigned { .. } => t(
                "请打开评价，为指派给你的条目独立评分。",
                "Open the assessment and score the items assigned to you, on your own.",
            ),
            Notice::Submitted {
                mode: Mode::SelfEvaluation,
                ..
            } => t(
                "请审核这份自评，并核验其中企业自报的答案。",
                "Please review this self-assessment and verify the answers the enterprise declared itself.",
            ),
            Notice::Submitted { .. } => t(
                "评价机构已提交对贵企业的现场评价，可以查看结果。",
                "The evaluation body has submitted its on-site assessment of your enterprise; you can see the result.",
            ),
            Notice::Verified { .. } => t(
                "评价机构已核验完自报的答案，结果已更新。",
                "The evaluation body has verified the self-declared answers; the result is updated.",
            ),
            Notice::ChangeRequested { .. } => t(
                "请在企业页面查看这项申请，批准或驳回。",
                "Review the request on the enterprise page, and approve or reject it.",
            ),
            Notice::Deadline { due, .. } => match l {
                Lang::Zh => format!("截止日期：{due}。"),
                Lang::En => format!("Due on {due}."),
            },
            Notice::CaseEvent { news, .. } => news.detail(self.names(), l),
            Notice::CaseDue { reminder, .. } => reminder.detail(l),
        }
    }

    /// The names a case's notice is told with.
    fn names(&self) -> Names<'_> {
        match self {
            Notice::CaseEvent {
                enterprise,
                org,
                certificate,
                ..
            } => Names {
                enterprise,
                org,
                certificate: certificate.as_deref(),
            },
            Notice::CaseDue {
                enterprise, org, ..
            } => Names {
                enterprise,
                org,
                certificate: None,
            },
            _ => Names {
                enterprise: "",
                org: "",
                certificate: None,
            },
        }
    }
}

/// Whether a member of an organisation's staff in `role` hears of a notice of this kind
/// about the organisation's clients: engagements go to the body's admins and auditors (and
/// a platform's operators), submitted self-assessments to the reviewers (auditors and
/// admins) of the bodies engaged, change requests to the body's admins. Expert assignments
/// and deadlines are addressed to one person, not to a staff; a certification case's notices
/// to the parties of [`crate::case_notify::hearers`] and [`crate::case_remind::reminded`].
pub fn staff_hears(kind: NoticeKind, role: Role) -> bool {
    match kind {
        NoticeKind::Engaged => matches!(role, Role::BodyAdmin | Role::Auditor | Role::Operator),
        NoticeKind::Submitted | NoticeKind::Verified => role.is_body_editor(),
        NoticeKind::ChangeRequested => role == Role::BodyAdmin,
        NoticeKind::ExpertAssigned
        | NoticeKind::Deadline
        | NoticeKind::CaseEvent
        | NoticeKind::CaseDue => false,
    }
}

/// Whether a new notice of this kind about the same page is left out while the person has
/// not read the last one: assigning an expert forty items of one assessment tells them once.
pub fn coalesces(kind: NoticeKind) -> bool {
    matches!(kind, NoticeKind::ExpertAssigned | NoticeKind::Verified)
}

/// An e-mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

const SUBJECT: &str = "天平 Tianping：";

/// The body of every e-mail: the Chinese text first, the English below (no language
/// preference is kept per person, and an invited person has no account yet).
fn bilingual(zh: &[&str], en: &[&str]) -> String {
    format!(
        "{}\n\n——\n{}\n\n此邮件由天平 Tianping 自动发送，请勿直接回复。\nThis message was sent automatically by Tianping; please do not reply.\n",
        zh.join("\n"),
        en.join("\n")
    )
}

/// `base_url` (no trailing slash needed) and a site path as one absolute address.
pub fn absolute(base_url: &str, path: &str) -> String {
    format!("{}{}", base_url.trim_end_matches('/'), path)
}

/// The e-mail of a notice, with the absolute link to its page.
pub fn notice_mail(n: &Notice, base_url: &str) -> MailText {
    let url = absolute(base_url, &n.link());
    let (tz, dz) = (n.title(Lang::Zh), n.detail(Lang::Zh));
    let (te, de) = (n.title(Lang::En), n.detail(Lang::En));
    MailText {
        subject: format!("{SUBJECT}{tz}"),
        body: bilingual(&[&tz, &dz, &url], &[&te, &de, &url]),
    }
}

/// The e-mail inviting a person to join `org` (none: the platform as a whole) in `role`,
/// with the one-time link, valid for `days`.
pub fn invitation_mail(
    org: Option<&str>,
    role: Role,
    inviter: &str,
    url: &str,
    days: i64,
) -> MailText {
    let zh_where = org.map_or("天平 Tianping 评价平台".to_string(), |o| {
        format!("{o}（天平 Tianping 评价平台）")
    });
    let en_where = org.map_or("the Tianping evaluation platform".to_string(), |o| {
        format!("{o} on the Tianping evaluation platform")
    });
    let zh = [
        format!(
            "{inviter}邀请你以“{}”的身份加入{zh_where}。",
            role.label(Lang::Zh)
        ),
        format!("请在 {days} 天内打开下面的链接，填写姓名并设置密码："),
        url.to_string(),
        "如果你不认识邀请人，请忽略这封邮件。".to_string(),
    ];
    let en = [
        format!(
            "{inviter} invites you to join {en_where} as {}.",
            role.label(Lang::En).to_lowercase()
        ),
        format!("Open the link below within {days} days to give your name and set a password:"),
        url.to_string(),
        "If you do not know who invited you, ignore this message.".to_string(),
    ];
    MailText {
        subject: format!("{SUBJECT}邀请你加入{}", org.unwrap_or("评价平台")),
        body: bilingual(
            &zh.iter().map(String::as_str).collect::<Vec<_>>(),
            &en.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    }
}

/// The e-mail with a one-time link to set a new password, valid for `minutes`.
pub fn reset_mail(email: &str, url: &str, minutes: i64) -> MailText {
    let zh = [
        format!("有人申请重设天平 Tianping 账号 {email} 的密码。"),
        format!("请在 {minutes} 分钟内打开下面的链接设置新密码，链接只能使用一次："),
        url.to_string(),
        "如果不是你本人申请，请忽略这封邮件，你的密码不会改变。".to_string(),
    ];
    let en = [
        format!("Someone asked to reset the password of the Tianping account {email}."),
        format!(
            "Open the link below within {minutes} minutes to set a new password; it works only once:"
        ),
        url.to_string(),
        "If you did not ask for this, ignore this message; your password stays as it is."
            .to_string(),
    ];
    MailText {
        subject: format!("{SUBJECT}重设密码"),
        body: bilingual(
            &zh.iter().map(String::as_str).collect::<Vec<_>>(),
            &en.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
    }
}

/// When an e-mail that could not be delivered is tried again: after
/// [`RetryPolicy::first_delay_secs`], doubling with each failure up to
/// [`RetryPolicy::max_delay_secs`]; after [`RetryPolicy::max_attempts`] attempts it is given
/// up (and its last error kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay_secs: i64,
    pub max_delay_secs: i64,
    pub max_attempts: u32,
}

/// The default: 1, 2, 4, … minutes, at most an hour apart, 8 attempts (about 2 hours).
pub const RETRY: RetryPolicy = RetryPolicy {
    first_delay_secs: 60,
    max_delay_secs: 3600,
    max_attempts: 8,
};

/// How long a worker holds an e-mail it is sending before another may take it (a worker that
/// stopped mid-way leaves it to be tried again after this; it counts as an attempt).
pub const CLAIM_SECS: i64 = 300;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time (seconds since 1970-01-01 UTC).
    RetryAt(i64),
    /// Give up.
    GiveUp,
}

impl RetryPolicy {
    /// The delay after the `attempts`-th failed attempt (1 for the first).
    pub fn delay_secs(&self, attempts: u32) -> i64 {
        let doublings = attempts.saturating_sub(1).min(40);
        self.first_delay_secs
            .max(1)
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_secs.max(self.first_delay_secs).max(1))
    }

    /// After `attempts` attempts (this failed one included) at `now`: the next try, or give
    /// up. A failure that will fail again whatever the time (an address that cannot be
    /// written in a message) is given up at once (`permanent`).
    pub fn after_failure(&self, attempts: u32, permanent: bool, now: i64) -> AfterFailure {
        if permanent || attempts >= self.max_attempts {
            AfterFailure::GiveUp
        } else {
            AfterFailure::RetryAt(now.saturating_add(self.delay_secs(attempts)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Notice> {
        vec![
            Notice::Engaged {
                enterprise_id: 3,
                enterprise: "星河".into(),
                org: "一号机构".into(),
            },
            Notice::ExpertAssigned {
                assessment_id: 7,
                title: "2026 现场".into(),
                enterprise: "星河".into(),
            },
            Notice::Submitted {
                assessment_id: 7,
                title: "2026 自评".into(),
                enterprise: "星河".into(),
                mode: Mode::SelfEvaluation,
            },
            Notice::Submitted {
                assessment_id: 8,
                title: "2026 现场".into(),
                enterprise: "星河".into(),
                mode: Mode::Onsite,
            },
            Notice::Verified {
                assessment_id: 7,
                title: "t".into(),
                enterprise: "e".into(),
            },
            Notice::ChangeRequested {
                enterprise_id: 3,
                enterprise: "星河".into(),
            },
            Notice::Deadline {
                assessment_id: 7,
                title: "t".into(),
                due: "2026-12-01".into(),
            },
            Notice::CaseEvent {
                case_id: 5,
                enterprise: "星河".into(),
                org: "一号机构".into(),
                date: "2026-01-26".into(),
                certificate: Some("EEPC-2026-00001".into()),
                news: crate::case_notify::CaseNews::Granted {
                    audit: "S2".into(),
                    kind: crate::case_notify::AuditSort::Stage2,
                },
            },
            Notice::CaseDue {
                case_id: 5,
                enterprise: "星河".into(),
                org: "一号机构".into(),
                reminder: Reminder {
                    item: crate::case_remind::DueItem::Correction,
                    stage: crate::case_remind::Stage::Day,
                    due: "2025-12-04".into(),
                    subject: Some("NC1".into()),
                    clause: "8.1.6.5".into(),
                    message: "NC1 一般不符合".into(),
                },
            },
        ]
    }

    #[test]
    fn every_notice_round_trips_with_its_kind_as_tag_and_has_words_in_both_languages() {
        for n in all() {
            let v = serde_json::to_value(&n).unwrap();
            assert_eq!(v["kind"], n.kind().as_str(), "{v}");
            assert_eq!(serde_json::from_value::<Notice>(v).unwrap(), n);
            for l in [Lang::Zh, Lang::En] {
                assert!(!n.title(l).is_empty() && !n.detail(l).is_empty());
            }
            assert!(n.link().starts_with('/'));
            assert_ne!(n.title(Lang::Zh), n.title(Lang::En));
        }
        for k in NoticeKind::ALL {
            assert!(all().iter().any(|n| n.kind() == *k), "{k} has a notice");
        }
    }

    #[test]
    fn the_mail_of_a_notice_has_the_absolute_link_chinese_first() {
        let n = &all()[2];
        let m = notice_mail(n, "https://tp.example.cn/");
        assert!(m.subject.contains("提交了自评"), "{}", m.subject);
        let zh = m.body.find("请审核").unwrap();
        let en = m.body.find("Please review").unwrap();
        assert!(zh < en, "{}", m.body);
        assert_eq!(
            m.body
                .matches("https://tp.example.cn/assessments/7\n")
                .count(),
            2,
            "{}",
            m.body
        );
        let m = invitation_mail(
            Some("一号机构"),
            Role::Auditor,
            "王芳",
            "http://x/invite/t",
            7,
        );
        assert!(
            m.body.contains("王芳邀请你以“审核员”的身份加入一号机构")
                && m.body.contains("as auditor")
                && m.body.contains("http://x/invite/t"),
            "{}",
            m.body
        );
        let m = reset_mail("a@b.cn", "http://x/password/reset/t", 60);
        assert!(
            m.body.contains("60 分钟") && m.body.contains("a@b.cn"),
            "{}",
            m.body
        );
    }

    #[test]
    fn staff_hear_what_concerns_their_role() {
        use NoticeKind::*;
        assert!(staff_hears(Engaged, Role::Auditor) && staff_hears(Engaged, Role::Operator));
        assert!(!staff_hears(Engaged, Role::Expert) && !staff_hears(Engaged, Role::Decider));
        assert!(staff_hears(Submitted, Role::BodyAdmin) && !staff_hears(Submitted, Role::Operator));
        assert!(!staff_hears(ExpertAssigned, Role::Expert));
        assert!(staff_hears(ChangeRequested, Role::BodyAdmin));
        assert!(!staff_hears(ChangeRequested, Role::Auditor));
        assert!(coalesces(ExpertAssigned) && !coalesces(Submitted));
    }

    #[test]
    fn retries_back_off_and_give_up_after_the_last_attempt() {
        let p = RETRY;
        assert_eq!(p.after_failure(1, false, 1000), AfterFailure::RetryAt(1060));
        assert_eq!(p.after_failure(2, false, 1000), AfterFailure::RetryAt(1120));
        assert_eq!(p.after_failure(3, false, 1000), AfterFailure::RetryAt(1240));
        assert_eq!(p.delay_secs(7), 3600, "capped");
        assert_eq!(p.after_failure(8, false, 1000), AfterFailure::GiveUp);
        assert_eq!(p.after_failure(1, true, 1000), AfterFailure::GiveUp);
        let total: i64 = (1..p.max_attempts).map(|a| p.delay_secs(a)).sum();
        assert!((2 * 3600..3 * 3600).contains(&total), "{total}");
        // a policy of one attempt never retries; an absurd one never overflows
        let once = RetryPolicy {
            max_attempts: 1,
            ..p
        };
        assert_eq!(once.after_failure(1, false, 0), AfterFailure::GiveUp);
        let odd = RetryPolicy {
            first_delay_secs: i64::MAX,
            max_delay_secs: 0,
            max_attempts: u32::MAX,
        };
        assert!(matches!(
            odd.after_failure(u32::MAX - 1, false, i64::MAX),
            AfterFailure::RetryAt(_)
        ));
    }

    proptest::proptest! {
        /// A retry is always later, never sooner than the one before, never further than the
        /// longest delay; exactly `max_attempts` attempts are made.
        #[test]
        fn retries_move_forward_and_end(
            first in 1i64..10_000,
            max in 1i64..100_000,
            attempts in 1u32..50,
            now in 0i64..4_000_000_000,
        ) {
            let p = RetryPolicy { first_delay_secs: first, max_delay_secs: max, max_attempts: attempts };
            let mut last = 0;
            for a in 1..attempts {
                let AfterFailure::RetryAt(t) = p.after_failure(a, false, now) else {
                    return Err(proptest::test_runner::TestCaseError::fail("gave up early"));
                };
                proptest::prop_assert!(t > now && t - now >= last);
                proptest::prop_assert!(t - now <= max.max(first));
                last = t - now;
            }
            proptest::prop_assert_eq!(p.after_failure(attempts, false, now), AfterFailure::GiveUp);
        }
    }
}
