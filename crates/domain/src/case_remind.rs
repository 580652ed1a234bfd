//! Reminders of what is due in cases of every kind (issue 9: "7 days before and on the day"):
//! on which days an item of a case's due list is reminded of, who hears it, and what the
//! reminder says.
//!
//! An item with a deadline (supplements, corrections, surveillance, suspension, withdrawal,
//! recertification; a publicity's end, a capability grade's expiry, a star supervision) is
//! reminded of 7 days before its last day and on that day. An item
//! without one (a contract, decision or certificate to make, an appeal or complaint to
//! handle) has the day it became due as its date, which the event that caused it has already
//! told: it is reminded of once, when it is still open 7 days later. Nothing is reminded of
//! once overdue (the due list shows it).
//!
//! What the client has to do (supplements, corrections, recertification, a new application
//! before its capability grade expires) is told to the enterprise's users and to the body's
//! admins; what the body has to do to its admins; a certification decision to its deciders;
//! confirming a capability result, awarding, lowering or blacklisting to its deciders and
//! admins (either may record them).
//!
//! Pure: the day is an argument.

use std::fmt;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::case_notify::Party;
use crate::msg::Lang;
use crate::text::{text_enum, UnknownText};

text_enum! {
    /// What is due in a case (the due list's kinds).
    DueItem, "待办类型" {
        Supplement = "supplement", "补充申请材料", "Further application documents";
        PlanConfirmation = "plan_confirmation", "确认审核计划", "Audit plan to confirm";
        Contract = "contract", "签订认证合同", "Certification contract";
        Decision = "decision", "作出认证决定", "Certification decision";
        Certificate = "certificate", "颁发认证证书", "Certificate to issue";
        Correction = "correction", "不符合项纠正", "Correction of a nonconformity";
        Surveillance = "surveillance", "监督审核", "Surveillance audit";
        Suspend = "suspend", "暂停证书", "Suspension of the certificate";
        Withdraw = "withdraw", "撤销证书", "Withdrawal of the certificate";
        Recertification = "recertification", "再认证", "Recertification";
        Appeal = "appeal", "处理申诉", "Appeal to handle";
        Complaint = "complaint", "处理投诉", "Complaint to handle";
        PublicityEnd = "publicity_end", "公示期满", "End of the publicity";
        ObjectionRuling = "objection_ruling", "异议裁决", "Objection to rule on";
        Reevaluation = "reevaluation", "重新评价", "Result to evaluate again";
        Confirmation = "confirmation", "确认评价结果", "Result to confirm";
        Announcement = "announcement", "公告评价结果", "Result to announce";
        FinalReport = "final_report", "出具最终评价报告", "Final report to issue";
        GradeExpiry = "grade_expiry", "等级到期", "Grade expiring";
        Supervision = "supervision", "星级监督审查", "Star supervision";
        LowerOrBlacklist = "lower_or_blacklist", "降低星级或纳入黑名单", "Lower the stars or blacklist";
        StarAward = "star_award", "作出星级授予决定", "Star award to decide";
    }
}

text_enum! {
    /// Which reminder of an item.
    Stage, "提醒时点" {
        /// 7 days before the last day (an item without a deadline: 7 days after it arose).
        Week = "week", "提前7天", "7 days ahead";
        /// The last day itself.
        Day = "day", "到期当天", "On the day";
    }
}

/// Days between the first reminder and the last day.
pub const LEAD_DAYS: i64 = 7;

impl DueItem {
    /// Whether the item's date is a last day (else it is the day the item became due).
    pub fn has_deadline(self) -> bool {
        matches!(
            self,
            DueItem::Supplement
                | DueItem::PlanConfirmation
                | DueItem::Correction
                | DueItem::Surveillance
                | DueItem::Suspend
                | DueItem::Withdraw
                | DueItem::Recertification
                | DueItem::PublicityEnd
                | DueItem::GradeExpiry
                | DueItem::Supervision
        )
    }

    /// Whether the client has to act (else the body).
    pub fn is_clients(self) -> bool {
        matches!(
            self,
            DueItem::Supplement
                | DueItem::PlanConfirmation
                | DueItem::Correction
                | DueItem::Recertification
                | DueItem::GradeExpiry
        )
    }

    /// Whether the item is a decision (a decider's, or the admin's where the body has none).
    pub fn is_decision(self) -> bool {
        matches!(
            self,
            DueItem::Confirmation | DueItem::StarAward | DueItem::LowerOrBlacklist
        )
    }
}

/// Whether `today` is a reminder day of an item due on `due`, and which.
pub fn reminder(item: DueItem, due: NaiveDate, overdue: bool, today: NaiveDate) -> Option<Stage> {
    if overdue {
        return None;
    }
    let week = Duration::days(LEAD_DAYS);
    if item.has_deadline() {
        if today == due {
            Some(Stage::Day)
        } else if due.checked_sub_signed(week) == Some(today) {
            Some(Stage::Week)
        } else {
            None
        }
    } else if due.checked_add_signed(week) == Some(today) {
        Some(Stage::Week)
    } else {
        None
    }
}

/// Who hears a reminder of the item.
pub fn reminded(item: DueItem) -> &'static [Party] {
    if item.is_clients() {
        &[Party::Client, Party::Admins]
    } else if item == DueItem::Decision {
        &[Party::Deciders]
    } else if item.is_decision() {
        &[Party::Deciders, Party::Admins]
    } else {
        &[Party::Admins]
    }
}

/// A reminder as stored in a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub item: DueItem,
    pub stage: Stage,
    /// The item's date (YYYY-MM-DD): its last day, or the day it became due.
    pub due: String,
    /// What it concerns: an audit, a finding, an appeal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub clause: String,
    /// The due list's words (Chinese).
    pub message: String,
}

impl Reminder {
    fn what(&self, l: Lang) -> String {
        match &self.subject {
            Some(s) => format!("{} {s}", self.item.label(l)),
            None => self.item.label(l).to_string(),
        }
    }

    /// One line: what is due when, for which client.
    pub fn title(&self, enterprise: &str, l: Lang) -> String {
        let (what, due) = (self.what(l), &self.due);
        match (self.stage, self.item.has_deadline(), l) {
            (Stage::Day, _, Lang::Zh) => format!("今日到期：{what}（{enterprise}）"),
            (Stage::Day, _, Lang::En) => format!("Due today: {what} ({enterprise})"),
            (Stage::Week, true, Lang::Zh) => {
                format!("待办提醒：{what}，{due} 到期（{enterprise}）")
            }
            (Stage::Week, true, Lang::En) => {
                format!("Reminder: {what} due on {due} ({enterprise})")
            }
            (Stage::Week, false, Lang::Zh) => {
                format!("待办已满7天：{what}（{enterprise}）")
            }
            (Stage::Week, false, Lang::En) => {
                format!("Open for 7 days: {what} ({enterprise})")
            }
        }
    }

    /// The due list's words and what to do.
    pub fn detail(&self, l: Lang) -> String {
        match l {
            Lang::Zh => format!("{}（{}）。请在案卷页面处理。", self.message, self.clause),
            Lang::En if self.item.has_deadline() => format!(
                "{}: the last day is {} (clause {}). Open the case to act on it.",
                self.what(l),
                self.due,
                self.clause
            ),
            Lang::En => format!(
                "{}: waiting since {} (clause {}). Open the case to act on it.",
                self.what(l),
                self.due,
                self.clause
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_deadline_is_reminded_of_seven_days_before_and_on_the_day_only() {
        let due = d("2025-12-04");
        let on = |day: &str| reminder(DueItem::Correction, due, false, d(day));
        assert_eq!(on("2025-11-27"), Some(Stage::Week));
        assert_eq!(on("2025-12-04"), Some(Stage::Day));
        for other in ["2025-11-26", "2025-11-28", "2025-12-03", "2025-12-05"] {
            assert_eq!(on(other), None, "{other}");
        }
        // across a month and a year's end, a leap day
        assert_eq!(
            reminder(
                DueItem::Surveillance,
                d("2028-03-01"),
                false,
                d("2028-02-23")
            ),
            Some(Stage::Week)
        );
        assert_eq!(
            reminder(DueItem::Supplement, d("2026-01-03"), false, d("2025-12-27")),
            Some(Stage::Week)
        );
        // overdue: never
        assert_eq!(reminder(DueItem::Correction, due, true, due), None);
    }

    #[test]
    fn an_item_without_a_deadline_is_reminded_of_once_when_open_for_a_week() {
        let arose = d("2026-01-05");
        for item in [
            DueItem::Contract,
            DueItem::Decision,
            DueItem::Certificate,
            DueItem::Appeal,
            DueItem::Complaint,
        ] {
            assert!(!item.has_deadline());
            assert_eq!(
                reminder(item, arose, false, arose),
                None,
                "{item}: told by the event"
            );
            assert_eq!(
                reminder(item, arose, false, d("2026-01-12")),
                Some(Stage::Week)
            );
            assert_eq!(reminder(item, arose, false, d("2025-12-29")), None);
            assert_eq!(reminder(item, arose, false, d("2026-01-19")), None);
        }
    }

    #[test]
    fn the_client_and_the_admins_hear_of_the_clients_items_the_body_of_its_own() {
        use Party::*;
        for i in [
            DueItem::Supplement,
            DueItem::PlanConfirmation,
            DueItem::Correction,
            DueItem::Recertification,
            DueItem::GradeExpiry,
        ] {
            assert_eq!(reminded(i), [Client, Admins], "{i}");
        }
        assert_eq!(reminded(DueItem::Decision), [Deciders]);
        for i in [
            DueItem::Confirmation,
            DueItem::StarAward,
            DueItem::LowerOrBlacklist,
        ] {
            assert_eq!(reminded(i), [Deciders, Admins], "{i}");
        }
        for i in [
            DueItem::Contract,
            DueItem::Certificate,
            DueItem::Surveillance,
            DueItem::Suspend,
            DueItem::Withdraw,
            DueItem::Appeal,
            DueItem::Complaint,
            DueItem::PublicityEnd,
            DueItem::ObjectionRuling,
            DueItem::Reevaluation,
            DueItem::Announcement,
            DueItem::FinalReport,
            DueItem::Supervision,
        ] {
            assert_eq!(reminded(i), [Admins], "{i}");
        }
        assert_eq!(DueItem::ALL.len(), 22);
    }

    #[test]
    fn a_reminder_says_what_is_due_when_in_both_languages() {
        let r = Reminder {
            item: DueItem::Correction,
            stage: Stage::Week,
            due: "2025-12-04".into(),
            subject: Some("NC1".into()),
            clause: "8.1.6.5".into(),
            message: "NC1 一般不符合：纠正和纠正措施计划待提交并接受，期限 2025-12-04".into(),
        };
        assert_eq!(
            r.title("星河", Lang::Zh),
            "待办提醒：不符合项纠正 NC1，2025-12-04 到期（星河）"
        );
        assert!(r.detail(Lang::Zh).contains("期限 2025-12-04（8.1.6.5）"));
        assert!(r.detail(Lang::En).contains("the last day is 2025-12-04"));
        let day = Reminder {
            stage: Stage::Day,
            ..r.clone()
        };
        assert!(day.title("星河", Lang::Zh).starts_with("今日到期"));
        assert!(day.title("星河", Lang::En).starts_with("Due today"));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["item"], "correction");
        assert_eq!(v["stage"], "week");
        assert_eq!(serde_json::from_value::<Reminder>(v).unwrap(), r);
    }
}
